"""The logistics desk at 30 support requests and at a busy season of 600."""

from datetime import date, time, timedelta

from django.urls import reverse
from django.utils import timezone

from applicants.models import Application, Cohort, Participant, User
from commission.roles import LOGISTICS_COORDINATOR
from shoots.enums import SupportKind, SupportState, TravelDirection
from shoots.models import (
    BudgetLine,
    Location,
    ShootDay,
    SupportAttachment,
    SupportRequest,
    Team,
)
from tests.factories import (
    CohortFactory,
    LocationFactory,
    ProductionFactory,
    StaffFactory,
    TeamMemberFactory,
)

ONSITE = date(2031, 8, 4)
HOTELS = ["Toyoko Inn Busan Station No. 2", "Ibis Ambassador Busan City Centre", "Shilla Stay"]
STATES = list(SupportState)
# One round of a season's requests: what each participant needs, then what each film needs.
ROUND = [
    (SupportKind.FLIGHT, TravelDirection.ARRIVAL),
    (SupportKind.AIRPORT_TRANSFER, TravelDirection.ARRIVAL),
    (SupportKind.ROOM, ""),
    (SupportKind.FLIGHT, TravelDirection.DEPARTURE),
    (SupportKind.AIRPORT_TRANSFER, TravelDirection.DEPARTURE),
    (SupportKind.VEHICLE, ""),
    (SupportKind.INTERPRETER, ""),
    (SupportKind.CATERING, ""),
    (SupportKind.EQUIPMENT, ""),
    (SupportKind.POLICE, ""),
]
FOR_PARTICIPANTS = 5  # the first five of a round


def season_request(index, cohort, crews, productions, shoot_days, desk, today):
    """The `index`-th request of a season: kinds, people, states and dates all vary."""
    kind, direction = ROUND[index % len(ROUND)]
    turn = index // len(ROUND)
    request = SupportRequest(
        cohort=cohort,
        kind=kind,
        direction=direction,
        state=STATES[index % len(STATES)],
        summary=f"{SupportKind(kind).label} {index}",
        estimated_cost_krw=50_000 + 1_000 * (index % 97),
        actual_cost_krw=45_000 if index % 4 == 0 else None,
        assignee=desk if index % 3 else None,
        due_on=today + timedelta(days=index % 21 - 7),
        vendor="Busan Film Van",
    )
    if index % len(ROUND) < FOR_PARTICIPANTS:
        # Each round serves the next participant, so everyone's itinerary grows with the season.
        crew = crews[turn % len(crews)]
        request.participant = crew[(turn // len(crews)) % len(crew)]
        stay = turn // (len(crews) * len(crew))  # how many rounds this person had before
        arrive = ONSITE - timedelta(days=1 + stay % 2)
        leave = ONSITE + timedelta(days=14 + stay % 2)
        request.starts_on = leave if direction == TravelDirection.DEPARTURE else arrive
        request.ends_on = request.starts_on
        if kind == SupportKind.ROOM:
            # One hotel after another, five nights each: a stay never overlaps itself.
            request.vendor = HOTELS[stay % len(HOTELS)]
            request.starts_on = ONSITE - timedelta(days=1) + timedelta(days=5 * stay)
            request.ends_on = request.starts_on + timedelta(days=5)
        else:
            request.departs_time, request.arrives_time = time(9, turn % 60), time(13, turn % 60)
            request.origin, request.destination = "Bangkok (BKK)", "Busan Gimhae (PUS)"
        if kind == SupportKind.FLIGHT:
            request.flight_number = f"BX{700 + turn % 99}"
        if kind == SupportKind.ROOM:
            request.room = str(700 + turn % 40)
    else:
        day = shoot_days[turn % len(shoot_days)]
        request.production, request.shoot_day = day.production, day
        request.starts_on = request.ends_on = day.date
    return request


def populate(requests: int) -> dict:
    """A cohort of four films with `requests` support requests; returns who looks."""
    SupportRequest.objects.all().delete()
    for model in (ShootDay, Team, Location, Participant, Application, Cohort):
        model.objects.all().delete()
    User.objects.all().delete()
    cohort = CohortFactory(
        slug="bench-support", onsite_starts_on=ONSITE, onsite_ends_on=ONSITE + timedelta(days=14)
    )
    productions = [ProductionFactory(team__cohort=cohort, team__number=n) for n in (1, 2, 3, 4)]
    crews = [
        [TeamMemberFactory(team=p.team).participant for _member in range(6)] for p in productions
    ]
    places = [LocationFactory() for _place in range(4)]
    shoot_days = []
    for index in range(8):
        day = ShootDay(
            production=productions[index % 4],
            location=places[index % 4],
            date=ONSITE + timedelta(days=3 + index // 4),
            call_time=time(7),
            wrap_time=time(17),
        )
        day.save()  # works out when the day starts and ends
        shoot_days.append(day)
    desk = StaffFactory(role=LOGISTICS_COORDINATOR)
    today = timezone.localdate()
    made = SupportRequest.objects.bulk_create(
        season_request(index, cohort, crews, productions, shoot_days, desk, today)
        for index in range(requests)
    )
    # A ticket or voucher on every third request.
    SupportAttachment.objects.bulk_create(
        SupportAttachment(
            request=request,
            file=f"support/{request.pk}/ticket.pdf",
            name="ticket.pdf",
            content_type="application/pdf",
        )
        for request in made[::3]
    )
    # Travel and rooms budgeted for the cohort, the rest for each film.
    kinds = list(dict.fromkeys(kind for kind, _direction in ROUND))
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(cohort=cohort, kind=kind, amount_krw=5_000_000)
            for kind in kinds[: FOR_PARTICIPANTS - 2]
        ]
        + [
            BudgetLine(cohort=cohort, production=production, kind=kind, amount_krw=1_000_000)
            for production in productions
            for kind in kinds[FOR_PARTICIPANTS - 2 :]
        ]
    )
    return {"coordinator": desk, "participant": crews[0][0].user}


def desk_page(name: str) -> str:
    return reverse(name, kwargs={"slug": "bench-support"})


BENCHMARKS = [
    (
        "The logistics desk: queries and time at 30 support requests and at 600",
        30,
        600,
        {
            "support board": (desk_page("support_board"), "coordinator", None),
            "travel": (desk_page("travel_board"), "coordinator", None),
            "rooms": (desk_page("room_board"), "coordinator", None),
            "budget": (desk_page("budget"), "coordinator", None),
            "my travel": (reverse("my_travel"), "participant", None),
        },
    ),
]
