"""The Busan location library: browse and filter places, read one, keep its photos.

Locations themselves are added and edited in the admin ("Records"); these pages read them.
"""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from applicants.downloads import private_file_response
from applicants.filters import valid_rows

from .. import selectors, services
from ..filters import LocationFilter
from ..forms.locations import LocationPhotoForm
from .calendars import feed_url

LOCATIONS_PER_PAGE = 30


def closed_day_names(location) -> list[str]:
    """The location's closed weekdays by name (0 is Monday); unknown numbers are skipped."""
    return [str(WEEKDAYS[day]) for day in sorted(set(location.closed_weekday_numbers))]


@login_required
@permission_required("shoots.view_location", raise_exception=True)
@require_GET
def location_list(request):
    filterset = LocationFilter(request.GET, queryset=selectors.locations(), request=request)
    rows = valid_rows(filterset)
    page = Paginator(rows, LOCATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for location in page:
        location.closed_days = closed_day_names(location)
    return render(
        request,
        "shoots/location/list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
        },
    )


def _detail(request, location, photo_form=None):
    feeds = []
    if request.user.has_perm("shoots.view_calendarfeed"):
        feeds = [
            (feed, feed_url(request, feed))
            for feed in selectors.live_feeds().filter(location=location)
        ]
    return render(
        request,
        "shoots/location/detail.html",
        {
            "location": location,
            "closed_days": closed_day_names(location),
            "photos": list(location.photos.all()),
            "upcoming": selectors.shoot_days().filter(
                location=location, ends_at__gte=timezone.now()
            ),
            "feeds": feeds,
            "photo_form": photo_form or LocationPhotoForm(),
        },
    )


@login_required
@permission_required("shoots.view_location", raise_exception=True)
@require_GET
def location_detail(request, slug):
    location = get_object_or_404(selectors.location_detail(), slug=slug)
    return _detail(request, location)


@require_POST
@login_required
@permission_required("shoots.add_locationphoto", raise_exception=True)
def location_photo_add(request, slug):
    location = get_object_or_404(selectors.location_detail(), slug=slug)
    form = LocationPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.location_photo_add(
                location=location,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                by=request.user,
            )
        except ValidationError as refusal:
            form.add_error("file", refusal)
        except services.ShootError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, _("The photo is added to %(location)s.") % {"location": location}
            )
            return redirect(reverse("location_detail", args=[location.slug]) + "#photos")
    messages.error(
        request,
        _("The photo was not added: %(reason)s")
        % {"reason": " ".join(message for errors in form.errors.values() for message in errors)},
    )
    # The page again, with the caption as typed; a browser never keeps a chosen file.
    return _detail(request, location, photo_form=form)


@login_required
@permission_required("shoots.view_location", raise_exception=True)
@require_GET
def location_photo(request, pk):
    """A photo, shown in the page (inline), with the type it was checked to have."""
    photo = get_object_or_404(selectors.location_photos(), pk=pk)
    return private_file_response(
        photo.file,
        filename=f"{photo.location.slug}-{photo.pk}{PurePath(photo.file.name).suffix}",
        content_type=photo.content_type,
        inline=True,
        cache="private, max-age=3600",
    )


@require_POST
@login_required
@permission_required("shoots.delete_locationphoto", raise_exception=True)
def location_photo_delete(request, pk):
    photo = get_object_or_404(selectors.location_photos(), pk=pk)
    location = photo.location
    services.location_photo_delete(photo=photo, by=request.user)
    messages.success(request, _("The photo is deleted from %(location)s.") % {"location": location})
    return redirect(reverse("location_detail", args=[location.slug]) + "#photos")
