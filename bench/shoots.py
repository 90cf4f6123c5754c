"""The shoots desk at 8 shoot days and at a full season of 56 (four teams, fourteen days)."""

from datetime import date, time, timedelta

from applicants.models import Application, Cohort, Participant, User
from commission.roles import PERMITS_OFFICER
from shoots.models import CalendarFeed, Location, Permit, ShootDay, Team
from tests.factories import (
    CohortFactory,
    LocationFactory,
    ProductionFactory,
    StaffFactory,
    TeamMemberFactory,
)

ONSITE = date(2031, 8, 4)


def populate(shoot_days: int) -> dict:
    """One cohort of four teams filming `shoot_days` days from 4 August; returns who looks."""
    for model in (ShootDay, CalendarFeed, Team, Location, Participant, Application, Cohort):
        model.objects.all().delete()
    User.objects.all().delete()
    cohort = CohortFactory(
        slug="bench-shoots", onsite_starts_on=ONSITE, onsite_ends_on=ONSITE + timedelta(days=14)
    )
    productions = [ProductionFactory(team__cohort=cohort, team__number=n) for n in (1, 2, 3, 4)]
    crews = [
        [TeamMemberFactory(team=p.team).participant for _member in range(6)] for p in productions
    ]
    participant = crews[0][0]
    places = [LocationFactory() for _place in range(10)]
    # Each team films once a day at a place of its own, as a season is planned: no conflicts.
    for index in range(shoot_days):
        team, on = index % 4, index // 4
        day = ShootDay(
            production=productions[team],
            location=places[(team + on) % 10],
            date=ONSITE + timedelta(days=on),
            call_time=time(7),
            wrap_time=time(17),
        )
        day.save()
        day.crew.set(crews[index % 4])
        Permit.objects.create(
            shoot_day=day, authority=day.location.authority, due_on=day.date - timedelta(days=14)
        )
    CalendarFeed.objects.create(kind="cohort", cohort=cohort, token="bench-cohort")  # noqa: S106 (a fixed address for the bench)
    CalendarFeed.objects.create(kind="participant", participant=participant, token="bench-me")  # noqa: S106
    return {"officer": StaffFactory(role=PERMITS_OFFICER), "participant": participant.user}


BENCHMARKS = [
    (
        "The shoots desk: queries and time at 8 shoot days and at a full season of 56",
        8,
        56,
        {
            "schedule month": (
                f"/desk/cohorts/bench-shoots/schedule/?view=month&on={ONSITE}",
                "officer",
                None,
            ),
            "conflicts": ("/desk/cohorts/bench-shoots/conflicts/", "officer", None),
            "permits": ("/desk/cohorts/bench-shoots/permits/", "officer", None),
            "cohort feed": ("/calendars/bench-cohort.ics", "officer", None),
            "my feed": ("/calendars/bench-me.ics", "participant", None),
            "my team": ("/me/team/", "participant", None),
        },
    ),
]
