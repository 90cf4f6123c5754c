from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from applicants.models import Cohort

from .. import selectors
from ..roles import ROLE_LABELS
from ..two_factor import second_factor_owed

# Each section of the dashboard, with the permission that reads its data: a role sees only
# what it could read elsewhere on the desk.
SECTIONS = {
    "funnel": "applicants.view_application",
    "countries": "applicants.view_application",
    "reviews": "commission.view_assignment",
    "shoot_days": "shoots.view_shootday",
    "permits": "shoots.view_permit",
    "support": "shoots.view_supportrequest",
    "budget": "shoots.view_budgetline",
}


def _dashboard(cohort, user) -> dict:
    """The sections the user may read; the others are never queried."""
    may = {name for name, permission in SECTIONS.items() if user.has_perm(permission)}
    reads = {
        "funnel": lambda: selectors.application_funnel(
            cohort=cohort, with_reviews="reviews" in may
        ),
        "countries": lambda: selectors.applications_by_country(cohort=cohort),
        "reviews": lambda: selectors.review_progress(cohort=cohort),
        "shoot_days": lambda: selectors.upcoming_shoot_days(cohort=cohort),
        "permits": lambda: selectors.permits_due_glance(cohort=cohort),
        "support": lambda: selectors.support_due_glance(cohort=cohort),
        "budget": lambda: selectors.budget_glance(cohort=cohort),
    }
    return {name: read() for name, read in reads.items() if name in may}


@login_required
@permission_required("commission.use_desk", raise_exception=True)
@require_GET
def desk(request):
    """The staff home: one cohort's dashboard (`?cohort=slug`, else the current cohort), then
    every cohort with its applications counted by state."""
    roles = [ROLE_LABELS.get(group.name, group.name) for group in request.user.groups.all()]
    slug = request.GET.get("cohort")
    cohort = get_object_or_404(Cohort, slug=slug) if slug else selectors.current_cohort()
    return render(
        request,
        "commission/desk/home.html",
        {
            "cohorts": selectors.desk_cohorts(),
            "roles": roles,
            "cohort": cohort,
            "dashboard": _dashboard(cohort, request.user) if cohort else {},
            "upcoming_days": selectors.UPCOMING_DAYS,
            "dashboard_rows": selectors.DASHBOARD_ROWS,
            # Personal data stays masked until they log in with a second factor.
            "second_factor_owed": second_factor_owed(request.user),
        },
    )
