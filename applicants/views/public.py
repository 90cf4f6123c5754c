from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from .. import selectors


def home(request):
    """The front door: open calls for visitors, each signed-in user's own home."""
    if request.user.is_authenticated:
        return redirect("desk" if request.user.is_staff else "applicant_home")
    return render(request, "applicants/home.html", {"cohorts": selectors.open_cohorts()})


def call_detail(request, slug):
    """A cohort's call: who may apply, until when (in Korea time and the visitor's own)."""
    cohort = get_object_or_404(selectors.public_cohorts(), slug=slug)
    viewer_tz = selectors.viewer_time_zone(user=request.user)
    context = {"cohort": cohort, "viewer_tz": viewer_tz, "now": timezone.now()}
    return render(request, "applicants/call/detail.html", context)
