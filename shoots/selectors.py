"""Reads of the shoots desk, with their joins done, and the scheduling conflicts they show."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import AuditEntry, Cohort, Participant

from .enums import (
    LONGEST_CREW_DAY_HOURS,
    PERMIT_APPROVED,
    PERMIT_DUE_SOON_DAYS,
    PERMIT_PENDING,
    SUPPORT_DUE_SOON_DAYS,
    SUPPORT_LIVE,
    SUPPORT_OPEN,
    TRAVEL_KINDS,
    ConflictAction,
    ConflictKind,
    PermitStatus,
    SupportKind,
    SupportState,
    TravelDirection,
)
from .models import (
    BudgetLine,
    CalendarFeed,
    ConflictRule,
    Location,
    LocationPhoto,
    Permit,
    Production,
    ShootDay,
    SupportAttachment,
    SupportRequest,
    Team,
    TeamMember,
    shoot_span,
)

# Locations -------------------------------------------------------------------------------


def locations() -> QuerySet[Location]:
    return Location.objects.select_related("authority")


def location_detail() -> QuerySet[Location]:
    return locations().prefetch_related("photos")


# Teams and productions -------------------------------------------------------------------


def participants_of(*, cohort: Cohort) -> QuerySet[Participant]:
    """A cohort's participants with what a team split weighs: country and intended roles."""
    return (
        Participant.objects.filter(cohort=cohort)
        .select_related(
            "user__profile__nationality", "application", "team_member__team__production"
        )
        .order_by("user__profile__nationality__name", "user__profile__legal_name", "pk")
    )


def members() -> QuerySet[TeamMember]:
    return TeamMember.objects.select_related(
        "participant__user__profile__nationality", "participant__application"
    ).order_by("participant__user__profile__legal_name", "pk")


def teams_of(*, cohort: Cohort) -> QuerySet[Team]:
    return (
        Team.objects.filter(cohort=cohort)
        .select_related("production", "cohort")
        .prefetch_related(Prefetch("members", queryset=members()), "mentors")
    )


def productions() -> QuerySet[Production]:
    return Production.objects.select_related("team__cohort").prefetch_related(
        Prefetch("team__members", queryset=members()), "team__mentors"
    )


def productions_of(*, cohort: Cohort) -> QuerySet[Production]:
    return productions().filter(team__cohort=cohort)


# Shoot days ------------------------------------------------------------------------------


def shoot_days() -> QuerySet[ShootDay]:
    return ShootDay.objects.select_related(
        "production__team__cohort", "location__authority"
    ).prefetch_related(
        Prefetch(
            "crew",
            queryset=Participant.objects.select_related(
                "user__profile__nationality", "team_member"
            ).order_by("user__profile__legal_name", "pk"),
        ),
        Prefetch("permits", queryset=Permit.objects.select_related("authority")),
    )


def shoot_days_of(*, cohort: Cohort) -> QuerySet[ShootDay]:
    return shoot_days().filter(production__team__cohort=cohort)


def shoot_days_of_user(*, user) -> QuerySet[ShootDay]:
    """A participant's shoot days: where they are crew, or their team films."""
    return (
        shoot_days()
        .filter(Q(crew__user=user) | Q(production__team__members__participant__user=user))
        .distinct()
    )


def shoot_days_between(*, starts_at, ends_at) -> QuerySet[ShootDay]:
    """Shoot days that overlap a span of time, in any cohort."""
    return shoot_days().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


# Permits ---------------------------------------------------------------------------------


def permits() -> QuerySet[Permit]:
    return Permit.objects.select_related(
        "authority", "shoot_day__production__team__cohort", "shoot_day__location"
    )


def permits_of(*, cohort: Cohort) -> QuerySet[Permit]:
    return permits().filter(shoot_day__production__team__cohort=cohort)


def permits_due(*, cohort: Cohort, today: date | None = None) -> tuple[QuerySet, QuerySet]:
    """Permits still to be filed: those overdue, and those due within the next days."""
    pending = permits_of(cohort=cohort).filter(status__in=PERMIT_PENDING)
    return _overdue_and_due_soon(pending, today=today, days=PERMIT_DUE_SOON_DAYS)


def _overdue_and_due_soon(pending: QuerySet, *, today: date | None, days: int) -> tuple:
    """Of what is still to be done by its `due_on`: what is late, and what is due within
    `days` days."""
    today = today or timezone.localdate()
    return (
        pending.filter(due_on__lt=today),
        pending.filter(due_on__gte=today, due_on__lte=today + timedelta(days=days)),
    )


# Calendar feeds --------------------------------------------------------------------------


def live_feeds() -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(revoked_at__isnull=True).select_related(
        "cohort",
        "production__team__cohort",
        "location",
        "participant__user__profile",
        "participant__cohort",
        "created_by",
    )


def feed_shoot_days(*, feed: CalendarFeed) -> QuerySet[ShootDay]:
    days = shoot_days()
    match feed.kind:
        case "cohort":
            return days.filter(production__team__cohort=feed.cohort_id)
        case "production":
            return days.filter(production=feed.production_id)
        case "location":
            return days.filter(location=feed.location_id)
        case _:
            return shoot_days_of_user(user=feed.participant.user).filter(
                production__team__cohort=feed.participant.cohort_id
            )


# Conflicts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    kind: str
    action: str
    shoot_day: ShootDay
    message: str
    other: ShootDay | None = None

    @property
    def blocks(self) -> bool:
        return self.action == ConflictAction.BLOCK

    @property
    def label(self) -> str:
        return ConflictKind(self.kind).label


@dataclass
class Candidate:
    """A shoot day as it would be saved: its fields, and the ids of its crew."""

    day: ShootDay
    crew_ids: set[int] = field(default_factory=set)
    permits: list[Permit] = field(default_factory=list)


def _overlaps(a: ShootDay, b: ShootDay) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _same_cohort(day: ShootDay, other: ShootDay) -> bool:
    return day.production.team.cohort_id == other.production.team.cohort_id


def _name(participant: Participant) -> str:
    return participant.name


def find_conflicts(
    candidate: Candidate,
    neighbours: list[Candidate],
    *,
    actions: dict[str, str],
    people: dict[int, Participant],
    today: date,
) -> list[Conflict]:
    """What is wrong with scheduling `candidate` beside its `neighbours` (other shoot days)."""
    day, location = candidate.day, candidate.day.location
    found = []

    def add(kind, message, other=None, action=None):
        found.append(Conflict(kind, action or actions[kind], day, message, other))

    for other in neighbours:
        if not _overlaps(day, other.day):
            continue
        if other.day.location_id == day.location_id and not location.allows_shared_use:
            add(
                ConflictKind.LOCATION_DOUBLE_BOOKED,
                _("%(location)s is booked by %(production)s from %(start)s to %(end)s.")
                % {
                    "location": location,
                    "production": other.day.production,
                    "start": timezone.localtime(other.day.starts_at).strftime("%H:%M"),
                    "end": timezone.localtime(other.day.ends_at).strftime("%H:%M"),
                },
                other.day,
                # Another programme's booking is not ours to overrule with a warning.
                None if _same_cohort(day, other.day) else ConflictAction.BLOCK,
            )
        for person_id in sorted(candidate.crew_ids & other.crew_ids):
            add(
                ConflictKind.PERSON_DOUBLE_BOOKED,
                _("%(person)s is also on %(production)s at %(location)s at that time.")
                % {
                    "person": _name(people[person_id]),
                    "production": other.day.production,
                    "location": other.day.location,
                },
                other.day,
            )

    if day.date.weekday() in location.closed_weekday_numbers:
        add(
            ConflictKind.LOCATION_CLOSED,
            _("%(location)s is closed on %(weekday)s.")
            % {"location": location, "weekday": day.date.strftime("%A")},
        )

    if day.hours > LONGEST_CREW_DAY_HOURS:
        add(
            ConflictKind.LONG_DAY,
            _("This day runs %(hours).1f hours, over the %(limit)d-hour limit.")
            % {"hours": day.hours, "limit": LONGEST_CREW_DAY_HOURS},
        )
    else:
        # Several shorter days starting on one date can add up to too long a day for one person.
        for person_id in sorted(candidate.crew_ids):
            same_date = [
                other.day
                for other in neighbours
                if person_id in other.crew_ids and other.day.date == day.date
            ]
            hours = day.hours + sum(other.hours for other in same_date)
            if same_date and hours > LONGEST_CREW_DAY_HOURS:
                add(
                    ConflictKind.LONG_DAY,
                    _(
                        "%(person)s works %(hours).1f hours on this date, "
                        "over the %(limit)d-hour limit."
                    )
                    % {
                        "person": _name(people[person_id]),
                        "hours": hours,
                        "limit": LONGEST_CREW_DAY_HOURS,
                    },
                )

    for authority, due_on, filed in permits_needed(candidate):
        if not filed and due_on < today:
            add(
                ConflictKind.PERMIT_LEAD_TIME,
                _(
                    "%(authority)s needs %(days)d days' notice: the permit should have been "
                    "filed by %(due)s."
                )
                % {
                    "authority": authority,
                    "days": (day.date - due_on).days,
                    "due": due_on.isoformat(),
                },
            )
    return found


def permits_needed(candidate: Candidate):
    """(authority, file-by date, filed yet) for every permit the shoot day needs."""
    day = candidate.day
    live = [permit for permit in candidate.permits if permit.status != PermitStatus.CANCELLED]
    needed = {}
    for permit in live:
        needed[permit.authority_id] = (
            permit.authority,
            permit.due_on,
            permit.status not in PERMIT_PENDING,
        )
    location = day.location
    if location.permit_required and location.authority_id not in needed:
        due_on = day.date - timedelta(days=location.permit_lead_days)
        needed[location.authority_id] = (location.authority, due_on, False)
    return list(needed.values())


def shoot_day_is_ready(day: ShootDay) -> bool:
    """Ready to shoot: every permit it needs is approved (reads prefetched permits)."""
    live = [permit for permit in day.permits.all() if permit.status != PermitStatus.CANCELLED]
    if day.location.permit_required and not any(
        permit.authority_id == day.location.authority_id for permit in live
    ):
        return False
    return all(
        permit.status in PERMIT_APPROVED
        and (permit.expires_on is None or permit.expires_on >= day.date)
        for permit in live
    )


def candidate_of(day: ShootDay) -> Candidate:
    """A saved shoot day, read from its prefetched crew and permits."""
    return Candidate(
        day=day,
        crew_ids={person.pk for person in day.crew.all()},
        permits=list(day.permits.all()),
    )


def conflicts_for(
    candidate: Candidate, *, cohort: Cohort, today: date | None = None
) -> list[Conflict]:
    """The conflicts of one shoot day, saved or about to be: four queries whatever the cohort."""
    day = candidate.day
    day.starts_at, day.ends_at = shoot_span(day.date, day.call_time, day.wrap_time)
    # Neighbours: anything overlapping, and whatever else starts that date (for long days).
    from_ = min(day.starts_at, day.starts_at.replace(hour=0, minute=0)) - timedelta(days=1)
    neighbours = [
        candidate_of(other)
        for other in shoot_days_between(starts_at=from_, ends_at=day.ends_at + timedelta(days=1))
        .filter(Q(location=day.location_id) | Q(production__team__cohort=cohort))
        .exclude(pk=day.pk)
    ]
    people = _people(cohort)
    return find_conflicts(
        candidate,
        neighbours,
        actions=ConflictRule.actions_for(cohort),
        people=people,
        today=today or timezone.localdate(),
    )


def _people(cohort: Cohort) -> dict[int, Participant]:
    return {
        person.pk: person
        for person in Participant.objects.filter(cohort=cohort).select_related("user__profile")
    }


def cohort_conflicts(*, cohort: Cohort, today: date | None = None) -> list[Conflict]:
    """Every conflict in a cohort's schedule, in a constant number of queries."""
    days = [candidate_of(day) for day in shoot_days_of(cohort=cohort)]
    if not days:
        return []
    start = min(c.day.starts_at for c in days) - timedelta(days=1)
    end = max(c.day.ends_at for c in days) + timedelta(days=1)
    # Other cohorts' days can hold the same locations.
    location_ids = {c.day.location_id for c in days}
    outsiders = [
        candidate_of(day)
        for day in shoot_days_between(starts_at=start, ends_at=end)
        .filter(location__in=location_ids)
        .exclude(production__team__cohort=cohort)
    ]
    actions = ConflictRule.actions_for(cohort)
    people = _people(cohort)
    today = today or timezone.localdate()
    # A day can only clash with days of its own date or the dates either side (a shoot ends
    # within 24 hours of its call), so each is compared with those alone.
    by_date = {}
    for other in days + outsiders:
        by_date.setdefault(other.day.date, []).append(other)
    found = []
    for candidate in days:
        on = candidate.day.date
        neighbours = [
            other
            for near in (on - timedelta(days=1), on, on + timedelta(days=1))
            for other in by_date.get(near, [])
            if other.day.pk != candidate.day.pk
        ]
        found += find_conflicts(candidate, neighbours, actions=actions, people=people, today=today)
    return found


# Location photos ---------------------------------------------------------------------------


def location_photos() -> QuerySet[LocationPhoto]:
    """Photos with their location, to serve or delete one by its number."""
    return LocationPhoto.objects.select_related("location")


# Calendar feeds: the desk's list and a participant's own ------------------------------------


def feed_cohorts() -> QuerySet[Cohort]:
    """Cohorts a cohort feed can be made for: those split into teams, newest first."""
    return Cohort.objects.filter(teams__isnull=False).distinct().order_by("-onsite_starts_on", "pk")


def latest_participation(*, user) -> Participant | None:
    """The participant's seat in their most recent cohort, or None if they hold no seat."""
    return (
        Participant.objects.filter(user=user)
        .select_related("cohort", "user")
        .order_by("-cohort__onsite_starts_on", "-pk")
        .first()
    )


# Team pages ------------------------------------------------------------------------------


def teams() -> QuerySet[Team]:
    """Teams with their production, members (with profiles) and mentors."""
    return Team.objects.select_related("production", "cohort").prefetch_related(
        Prefetch("members", queryset=members()), "mentors"
    )


def mentor_candidates(*, team: Team | None = None):
    """Active staff who review (and so may mentor), and whoever already mentors the team.

    Reviewing is a commission permission: checked by its name, never by importing commission.
    """
    reviews = Q(
        groups__permissions__codename="add_review",
        groups__permissions__content_type__app_label="commission",
    ) | Q(
        user_permissions__codename="add_review",
        user_permissions__content_type__app_label="commission",
    )
    wanted = Q(is_staff=True, is_active=True) & reviews
    if team is not None and team.pk:
        wanted |= Q(mentored_teams=team)
    return get_user_model().objects.filter(wanted).distinct().order_by("full_name", "email")


def participations_of(*, user) -> QuerySet[Participant]:
    """A person's seats in cohorts, with their team and production."""
    return (
        Participant.objects.filter(user=user)
        .select_related("cohort", "team_member__team__production")
        .order_by("-cohort__onsite_starts_on", "pk")
    )


# Permit history ----------------------------------------------------------------------------


def history_of(subject, labels: dict) -> list:
    """An object's audit entries, oldest first, each with a label for its action."""
    entries = list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for entry in entries:
        entry.action_label = labels.get(entry.action, entry.action)
    return entries


def permit_history(*, permit: Permit) -> list:
    return history_of(
        permit,
        {
            "permit.created": _("Permit created"),
            "permit.changed": _("Details changed"),
            "permit.status": _("Status changed"),
        },
    )


def shoot_days_on_calendar(
    *, cohort: Cohort, starts_on: date, ends_on: date, production=None, location=None
) -> QuerySet[ShootDay]:
    """A cohort's shoot days dated within a span of the calendar, optionally of one production
    or at one location."""
    days = shoot_days_of(cohort=cohort).filter(date__gte=starts_on, date__lte=ends_on)
    if production is not None:
        days = days.filter(production=production)
    if location is not None:
        days = days.filter(location=location)
    return days


# Logistics support -----------------------------------------------------------------------


def support_requests() -> QuerySet[SupportRequest]:
    """Requests with whom they are for and who handles them."""
    return SupportRequest.objects.select_related(
        "cohort",
        "participant__user__profile",
        "production__team",
        "shoot_day__location",
        "assignee",
    )


def support_requests_of(*, cohort: Cohort) -> QuerySet[SupportRequest]:
    return support_requests().filter(cohort=cohort)


def travel_of(*, cohort: Cohort) -> QuerySet[SupportRequest]:
    return support_requests_of(cohort=cohort).filter(kind__in=TRAVEL_KINDS)


def rooms_of(*, cohort: Cohort) -> QuerySet[SupportRequest]:
    return support_requests_of(cohort=cohort).filter(kind=SupportKind.ROOM)


def support_due(*, cohort: Cohort, today: date | None = None) -> tuple[QuerySet, QuerySet]:
    """Requests not yet arranged: those past their date, and those due within the week."""
    open_ = support_requests_of(cohort=cohort).filter(state__in=SUPPORT_OPEN)
    return _overdue_and_due_soon(open_, today=today, days=SUPPORT_DUE_SOON_DAYS)


def support_assignees(*, keep=None):
    """Active staff who may change support requests: the choices for an assignee. `keep`, a
    request's current assignee, stays among them even after leaving the role."""
    may = Q(
        groups__permissions__codename="change_supportrequest",
        groups__permissions__content_type__app_label="shoots",
    ) | Q(
        user_permissions__codename="change_supportrequest",
        user_permissions__content_type__app_label="shoots",
    )
    wanted = Q(is_staff=True, is_active=True) & may
    if keep is not None:
        wanted |= Q(pk=keep.pk)
    return get_user_model().objects.filter(wanted).distinct().order_by("full_name", "email")


def support_request_detail() -> QuerySet[SupportRequest]:
    return support_requests().prefetch_related("attachments")


def support_attachments() -> QuerySet[SupportAttachment]:
    return SupportAttachment.objects.select_related(
        "request__participant", "request__production__team"
    )


def support_history(*, request: SupportRequest) -> list:
    return history_of(
        request,
        {
            "support.requested": _("Request recorded"),
            "support.imported": _("Imported from a workbook"),
            "support.changed": _("Details changed"),
            "support.state": _("State changed"),
            "support.attached": _("File attached"),
            "support.detached": _("File removed"),
        },
    )


def support_requests_of_day(*, shoot_day: ShootDay) -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(shoot_day=shoot_day).order_by("pk")


def support_requests_for(*, participant: Participant) -> QuerySet[SupportRequest]:
    """What a participant sees: their own requests and those for their team's film."""
    mine = Q(participant=participant)
    member = getattr(participant, "team_member", None)
    if member is not None:
        mine |= Q(production__team=member.team_id)
    return (
        support_requests()
        .filter(mine, cohort=participant.cohort_id)
        .prefetch_related("attachments")
        .order_by("starts_on", "departs_time", "pk")
    )


@dataclass
class Itinerary:
    """A participant's travel, as their page shows it; `requests` holds everything for them
    or their team, cancelled ones too."""

    arrivals: list
    departures: list
    transfers: list
    nights: list  # (night, room request) in date order
    requests: list


def itinerary_of(*, participant: Participant) -> Itinerary:
    requests = list(support_requests_for(participant=participant))
    mine = [
        r
        for r in requests
        if r.participant_id == participant.pk and r.state != SupportState.CANCELLED
    ]
    flights = [r for r in mine if r.kind == SupportKind.FLIGHT]
    return Itinerary(
        arrivals=[r for r in flights if r.direction == TravelDirection.ARRIVAL],
        departures=[r for r in flights if r.direction == TravelDirection.DEPARTURE],
        transfers=[r for r in mine if r.kind == SupportKind.AIRPORT_TRANSFER],
        nights=sorted(
            (
                (night, room)
                for room in mine
                if room.kind == SupportKind.ROOM
                for night in room.nights
            ),
            key=lambda pair: (pair[0], pair[1].pk),
        ),
        requests=requests,
    )


@dataclass
class TravelDay:
    date: date
    arrivals: list = field(default_factory=list)
    departures: list = field(default_factory=list)
    transfers: list = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, list]]:
        return [
            (_("Arrivals"), self.arrivals),
            (_("Transfers"), self.transfers),
            (_("Departures"), self.departures),
        ]


def travel_by_day(requests) -> tuple[list[TravelDay], list[SupportRequest]]:
    """Flights and transfers by the day they touch Busan: an arrival by the day it lands, a
    departure or transfer by the day it leaves. Also those without a date (or a flight's
    direction) yet."""
    days, undated = {}, []
    for request in requests:
        if request.state == SupportState.CANCELLED or request.kind not in (
            SupportKind.FLIGHT,
            SupportKind.AIRPORT_TRANSFER,
        ):
            continue
        arrival = (
            request.kind == SupportKind.FLIGHT and request.direction == TravelDirection.ARRIVAL
        )
        on = (request.ends_on or request.starts_on) if arrival else request.starts_on
        # A flight that is neither an arrival nor a departure yet is not on anyone's day.
        if on is None or (request.kind == SupportKind.FLIGHT and not request.direction):
            undated.append(request)
            continue
        day = days.setdefault(on, TravelDay(on))
        if request.kind == SupportKind.AIRPORT_TRANSFER:
            day.transfers.append(request)
        elif arrival:
            day.arrivals.append(request)
        else:
            day.departures.append(request)
    for day in days.values():
        day.arrivals.sort(key=lambda r: (r.arrives_time is None, r.arrives_time, r.pk))
        day.departures.sort(key=lambda r: (r.departs_time is None, r.departs_time, r.pk))
        day.transfers.sort(key=lambda r: (r.departs_time is None, r.departs_time, r.pk))
    return [days[on] for on in sorted(days)], undated


@dataclass
class HotelNights:
    hotel: str
    nights: list  # (night, [requests], rooms) in date order

    @property
    def room_nights(self) -> int:
        return sum(rooms for _night, _requests, rooms in self.nights)


def rooms_by_hotel(requests) -> tuple[list[HotelNights], list[SupportRequest]]:
    """Rooms by hotel and night; rooms without a hotel or dates yet come apart."""
    hotels, unbooked = {}, []
    for request in requests:
        if request.kind != SupportKind.ROOM or request.state == SupportState.CANCELLED:
            continue
        hotel = request.hotel
        if not (hotel and request.nights):
            unbooked.append(request)
            continue
        # One hotel however its name was typed; shown as first written.
        by_night = hotels.setdefault(hotel.casefold(), (hotel, {}))[1]
        for night in request.nights:
            by_night.setdefault(night, []).append(request)
    return [
        HotelNights(
            name,
            [
                (night, rooms, sum(room.quantity for room in rooms))
                for night, rooms in sorted(by_night.items())
            ],
        )
        for _key, (name, by_night) in sorted(hotels.items())
    ], unbooked


@dataclass
class BudgetRow:
    kind: str
    budgeted: int = 0
    estimated: int = 0
    actual: int = 0
    # What the requests will cost: each one's invoice where there is one, else its estimate.
    committed: int = 0
    has_line: bool = False
    # A film's costs without a line of its own are the cohort's to cover: no warning there.
    cohort_wide: bool = False

    def add(self, other: "BudgetRow") -> None:
        self.budgeted += other.budgeted
        self.estimated += other.estimated
        self.actual += other.actual
        self.committed += other.committed
        self.has_line |= other.has_line

    @property
    def label(self) -> str:
        return SupportKind(self.kind).label

    @property
    def _warns(self) -> bool:
        return self.has_line or self.cohort_wide

    @property
    def over_committed(self) -> bool:
        return self._warns and self.committed > self.budgeted

    @property
    def over_actual(self) -> bool:
        return self._warns and self.actual > self.budgeted

    @property
    def remaining(self) -> int:
        return self.budgeted - self.committed


@dataclass
class Budget:
    cohort_rows: list[BudgetRow]
    productions: list[tuple[Production, list[BudgetRow]]]

    @property
    def total(self) -> BudgetRow:
        total = BudgetRow(kind=SupportKind.OTHER, cohort_wide=True)
        for row in self.cohort_rows:
            total.add(row)
        return total

    @property
    def warnings(self) -> int:
        rows = self.cohort_rows + [row for _p, rows in self.productions for row in rows]
        return sum(1 for row in rows if row.over_committed or row.over_actual)


def budget_of(*, cohort: Cohort) -> Budget:
    """Budgeted, estimated, actual and committed costs by kind: for the cohort as a whole
    (every line and every request) and for each production (its own lines and requests).
    Three queries. Productions come in team order.

    Estimated costs leave out cancelled requests; actual costs keep them, as a cancellation
    can still cost a fee."""
    rows = {}  # (production id or None, kind) -> BudgetRow

    def row_of(production_id, kind):
        return rows.setdefault((production_id, kind), BudgetRow(kind))

    for line in BudgetLine.objects.filter(cohort=cohort):
        row_of(line.production_id, line.kind).add(
            BudgetRow(line.kind, budgeted=line.amount_krw, has_line=True)
        )
    live, cancelled = Q(state__in=SUPPORT_LIVE), Q(state=SupportState.CANCELLED)
    costs = (
        SupportRequest.objects.filter(cohort=cohort)
        .values("production_id", "kind")
        .annotate(
            estimated=Sum("estimated_cost_krw", filter=live),
            actual=Sum("actual_cost_krw"),
            live_cost=Sum(Coalesce("actual_cost_krw", "estimated_cost_krw"), filter=live),
            fees=Sum("actual_cost_krw", filter=cancelled),
        )
        .order_by()
    )
    for cost in costs:
        row_of(cost["production_id"], cost["kind"]).add(
            BudgetRow(
                cost["kind"],
                estimated=cost["estimated"] or 0,
                actual=cost["actual"] or 0,
                committed=(cost["live_cost"] or 0) + (cost["fees"] or 0),
            )
        )

    order = {kind: index for index, kind in enumerate(SupportKind.values)}
    whole = {}
    for (_production, kind), row in rows.items():
        whole.setdefault(kind, BudgetRow(kind, cohort_wide=True)).add(row)
    productions = [
        (
            production,
            sorted(
                (row for (pk, _kind), row in rows.items() if pk == production.pk),
                key=lambda row: order[row.kind],
            ),
        )
        for production in Production.objects.filter(team__cohort=cohort).select_related("team")
    ]
    return Budget(sorted(whole.values(), key=lambda row: order[row.kind]), productions)
