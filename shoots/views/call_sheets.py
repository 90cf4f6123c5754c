"""The call sheet of a shoot day: one printable page for the crew, on paper or on a phone."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from .. import selectors
from ..enums import PermitStatus

EMERGENCY_NUMBER = "119"


def _shoot_day(request, pk):
    """Staff who read the schedule find any day; anyone else only the days they work on.

    Read once per request: the permission check and the view share it.
    """
    if getattr(request, "_call_sheet_day", None) is None:
        if request.user.has_perm("shoots.view_shootday"):
            days = selectors.shoot_days()
        else:
            days = selectors.shoot_days_of_user(user=request.user)
        request._call_sheet_day = get_object_or_404(days, pk=pk)
    return request._call_sheet_day


@dataclass
class CrewLine:
    name: str
    native_name: str
    role: str
    phone: str
    phone_href: str
    guest: bool


def _crew_lines(day) -> list[CrewLine]:
    lines = []
    for person in day.crew.all():
        profile = getattr(person.user, "profile", None)
        member = getattr(person, "team_member", None)
        lines.append(
            CrewLine(
                name=(profile and profile.legal_name) or str(person.user),
                native_name=(profile and profile.native_name) or "",
                role=member.get_role_display() if member else "",
                phone=profile.phone.as_international if profile and profile.phone else "",
                phone_href=profile.phone.as_e164 if profile and profile.phone else "",
                # Lent by another team for the day.
                guest=bool(member) and member.team_id != day.production.team_id,
            )
        )
    return lines


@login_required
@permission_required("shoots.view_call_sheet", fn=_shoot_day, raise_exception=True)
@require_GET
def call_sheet(request, pk):
    day = _shoot_day(request, pk)
    return render(
        request,
        "shoots/call_sheet/detail.html",
        {
            "day": day,
            "production": day.production,
            "team": day.production.team,
            "location": day.location,
            "crew": _crew_lines(day),
            "mentors": list(day.production.team.mentors.all()),
            "schedule_lines": [line.strip() for line in day.schedule.splitlines() if line.strip()],
            "permits": [p for p in day.permits.all() if p.status != PermitStatus.CANCELLED],
            "ready": selectors.shoot_day_is_ready(day),
            "emergency_number": EMERGENCY_NUMBER,
            "reads_schedule": request.user.has_perm("shoots.view_shootday"),
        },
    )
