from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from rules.contrib.views import permission_required

from .. import selectors
from ..roles import ROLE_LABELS


@login_required
@permission_required("commission.use_desk", raise_exception=True)
def desk(request):
    """The staff home: every cohort with its applications counted by state."""
    roles = [ROLE_LABELS.get(group.name, group.name) for group in request.user.groups.all()]
    return render(
        request,
        "commission/desk/home.html",
        {"cohorts": selectors.desk_cohorts(), "roles": roles},
    )
