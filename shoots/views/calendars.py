"""Calendar feeds: iCalendar files of shoot days at secret addresses, made and revoked by staff,
and a participant's own feed. Whoever holds an address reads the calendar without logging in;
a revoked address answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from .. import selectors, services
from ..exporters import ShootDayCalendar
from ..forms.calendars import FeedCreateForm


def feed_url(request, feed) -> str:
    return request.build_absolute_uri(reverse("feed", kwargs={"token": feed.token}))


def _back(request):
    """Back to the page the form was on, if it is one of ours; else to the feed list."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("feed_list")


@require_GET
def feed(request, token):
    feed = get_object_or_404(selectors.live_feeds(), token=token)
    calendar = ShootDayCalendar(
        feed=feed,
        shoot_days=selectors.feed_shoot_days(feed=feed),
        absolute_url=request.build_absolute_uri,
    )
    response = HttpResponse(calendar.content(), content_type=calendar.content_type)
    response["Content-Disposition"] = content_disposition_header(False, calendar.get_filename())
    # The address is a secret: no shared cache keeps it, no search engine lists it.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@permission_required("shoots.view_calendarfeed", raise_exception=True)
@require_GET
def feed_list(request):
    feeds = list(selectors.live_feeds())
    for each in feeds:
        each.url = feed_url(request, each)
    return render(
        request,
        "shoots/feed/list.html",
        {
            "feeds": feeds,
            "cohorts": list(selectors.feed_cohorts()),
            "can_create": request.user.has_perm("shoots.add_calendarfeed"),
            "can_revoke": request.user.has_perm("shoots.change_calendarfeed"),
        },
    )


@require_POST
@login_required
@permission_required("shoots.add_calendarfeed", raise_exception=True)
def feed_create(request):
    form = FeedCreateForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(error) for errors in form.errors.values() for error in errors),
        )
        return _back(request)
    subject = get_object_or_404(form.subjects(), pk=form.cleaned_data["object"])
    feed = services.feed_create(kind=form.cleaned_data["kind"], subject=subject, by=request.user)
    messages.success(
        request,
        _(
            "The calendar feed of %(subject)s is at %(url)s. Anyone with this address can read "
            "the calendar: give it only to the people it is for."
        )
        % {"subject": subject, "url": feed_url(request, feed)},
    )
    return _back(request)


@require_POST
@login_required
@permission_required("shoots.change_calendarfeed", raise_exception=True)
def feed_revoke(request, pk):
    feed = get_object_or_404(selectors.live_feeds(), pk=pk)
    services.feed_revoke(feed=feed, by=request.user)
    messages.success(
        request,
        _("The calendar feed of %(subject)s is revoked: its address no longer works.")
        % {"subject": feed.subject},
    )
    return _back(request)


@require_POST
@login_required
def my_feed(request):
    # Staff have no participant feed (403); an applicant without a seat has no team (404).
    if request.user.is_staff:
        raise PermissionDenied
    participant = selectors.latest_participation(user=request.user)
    if participant is None or not request.user.has_perm("shoots.use_team_page"):
        raise Http404
    feed, replaced = services.feed_replace_for_participant(participant=participant, by=request.user)
    url = feed_url(request, feed)
    if replaced:
        text = _(
            "Your calendar link is replaced: the old link no longer works. The new one is "
            "%(url)s; add it to your calendar app as a subscription."
        )
    else:
        text = _(
            "Your calendar link is ready: %(url)s. Add it to your calendar app as a subscription."
        )
    messages.success(request, text % {"url": url})
    return redirect("my_team")
