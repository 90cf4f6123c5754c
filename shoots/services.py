"""Workflows of the shoots desk."""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import Cohort, Participant
from applicants.services import audit, document_display_name
from applicants.validators import EXTENSIONS, JPEG, PDF, PNG, validate_file

from . import selectors
from .enums import (
    PERMIT_APPROVED,
    PERMIT_PENDING,
    PERMIT_TRANSITIONS,
    SUPPORT_OPEN,
    SUPPORT_TRANSITIONS,
    ConflictAction,
    ConflictKind,
    PermitStatus,
    SupportKind,
    SupportState,
)
from .models import (
    Authority,
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
)


def location_library_load(*, authorities: list[dict], locations: list[dict]) -> int:
    """Insert or update the location library from seed rows, by name and slug."""
    with transaction.atomic():
        by_key = {}
        for row in authorities:
            fields = {key: value for key, value in row.items() if key not in ("key", "name")}
            by_key[row["key"]], _created = Authority.objects.update_or_create(
                name=row["name"], defaults=fields
            )
        for row in locations:
            fields = {key: value for key, value in row.items() if key not in ("slug", "authority")}
            fields["authority"] = by_key[row["authority"]]
            location = Location(slug=row["slug"], **fields)
            location.full_clean(exclude=["slug"])
            Location.objects.update_or_create(slug=row["slug"], defaults=fields)
    return len(locations)


class ShootError(Exception):
    """A refused action of the shoots desk; the message is meant for the person who tried it."""


class ScheduleConflict(ShootError):
    """A shoot day refused because of conflicts whose rule is set to block."""

    def __init__(self, conflicts):
        super().__init__(_("This shoot day cannot be saved as it is: see the conflicts."))
        self.conflicts = conflicts


# Location photos -------------------------------------------------------------------------


def location_photo_add(*, location: Location, upload, caption: str, by) -> LocationPhoto:
    checked = validate_file(upload, [JPEG, PNG])
    content_type = checked.content_type
    with transaction.atomic():
        photo = LocationPhoto(location=location, caption=caption, content_type=content_type)
        photo.file.save(f"photo{EXTENSIONS[content_type]}", checked.content, save=False)
        photo.save()
        audit(actor=by, subject=location, action="location.photo_added", note=caption)
    return photo


def location_photo_delete(*, photo: LocationPhoto, by) -> None:
    with transaction.atomic():
        stored = photo.file
        photo.delete()
        audit(actor=by, subject=photo.location, action="location.photo_deleted")
        transaction.on_commit(lambda: stored.storage.delete(stored.name))


# Teams and productions -------------------------------------------------------------------


def propose_teams(*, people: list[dict], team_count: int) -> dict[int, int]:
    """A split of participants into teams, balanced by size, country and intended crew role.

    `people` are {"id", "country", "role"}; the answer maps id -> team number (1..n). Team
    sizes differ by one at most; within that, each person joins the team with the fewest of
    their country, then of their role: a country's two trainees land in different teams and
    directors spread out.
    """
    if team_count < 1:
        raise ShootError(_("A cohort needs at least one team."))
    teams = {number: [] for number in range(1, team_count + 1)}
    largest = -(-len(people) // team_count)  # ceiling division
    placed = {}
    for person in sorted(people, key=lambda p: (str(p["country"]), str(p["role"]), p["id"])):

        def weight(number, person=person):
            members = teams[number]
            return (
                sum(m["country"] == person["country"] for m in members),
                sum(m["role"] == person["role"] for m in members),
                len(members),
                number,
            )

        number = min((n for n in teams if len(teams[n]) < largest), key=weight)
        teams[number].append(person)
        placed[person["id"]] = number
    return placed


def _lock_cohort(cohort_id: int) -> Cohort:
    return Cohort.objects.select_for_update().get(pk=cohort_id)


def teams_form(*, cohort: Cohort, placement: dict[int, int], by) -> list[Team]:
    """Put participants into teams 1..n (making the teams and their productions as needed)."""
    with transaction.atomic():
        cohort = _lock_cohort(cohort.pk)
        participants = {p.pk: p for p in Participant.objects.filter(cohort=cohort)}
        unknown = set(placement) - set(participants)
        if unknown:
            raise ShootError(_("Only the cohort's participants can join its teams."))
        numbers = set(placement.values())
        if not numbers <= set(range(1, cohort.team_count + 1)):
            raise ShootError(
                _("This cohort has %(count)d teams: choose a team from 1 to %(count)d.")
                % {"count": cohort.team_count}
            )
        teams = {}
        for number in range(1, cohort.team_count + 1):
            team, created = Team.objects.get_or_create(cohort=cohort, number=number)
            if created:
                Production.objects.create(
                    team=team, title=_("Team %(number)d film") % {"number": number}
                )
                audit(actor=by, subject=team, action="team.created")
            teams[number] = team
        for participant_id, number in placement.items():
            member = TeamMember.objects.filter(participant_id=participant_id).first()
            if member and member.team_id == teams[number].pk:
                continue
            if member:
                member.team = teams[number]
                member.save(update_fields=["team"])
            else:
                participant = participants[participant_id]
                TeamMember.objects.create(
                    team=teams[number], participant=participant, role=participant.application.role_1
                )
            audit(
                actor=by,
                subject=teams[number],
                action="team.member_placed",
                note=str(participants[participant_id].user),
            )
    return list(teams.values())


def team_update(*, team: Team, name: str, mentors, roles: dict[int, str], by) -> Team:
    """A team's name, mentors and the crew role of each member (member id -> role)."""
    with transaction.atomic():
        team.name = name
        team.full_clean()
        team.save(update_fields=["name"])
        team.mentors.set(mentors)
        for member in team.members.all():
            if member.pk in roles and roles[member.pk] != member.role:
                member.role = roles[member.pk]
                member.full_clean()
                member.save(update_fields=["role"])
        audit(actor=by, subject=team, action="team.updated")
    return team


def production_update(*, production: Production, fields: dict, by) -> Production:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(production, name, value)
        production.full_clean()
        production.save()
        # Its title is in every event's summary: calendar apps take the change by SEQUENCE.
        shoot_days_revise(shoot_days=production.shoot_days.all())
        audit(actor=by, subject=production, action="production.updated")
    return production


# Shoot days ------------------------------------------------------------------------------

SHOOT_DAY_FIELDS = [
    "location",
    "date",
    "call_time",
    "wrap_time",
    "scenes",
    "schedule",
    "crew_count",
    "vehicle_count",
    "equipment",
    "notes",
]


def _lead_days(location: Location, authority: Authority) -> int:
    if authority.pk == location.authority_id:
        return location.permit_lead_days
    return authority.lead_days


def _due_on(day: ShootDay, authority: Authority):
    return day.date - timedelta(days=_lead_days(day.location, authority))


def shoot_day_save(
    *,
    production: Production,
    fields: dict,
    crew,
    by,
    shoot_day: ShootDay | None = None,
    today=None,
) -> tuple[ShootDay, list]:
    """Create or change a shoot day; refused if a conflict set to block would follow.

    Returns the day and the conflicts that only warn. The cohort's row and the locations' rows
    are locked first, so two requests at once cannot both book one place or one person.
    """
    with transaction.atomic():
        _lock_cohort(production.team.cohort_id)
        location_ids = {fields["location"].pk}
        if shoot_day and shoot_day.pk:
            location_ids.add(shoot_day.location_id)
        list(Location.objects.select_for_update().filter(pk__in=sorted(location_ids)))

        creating = shoot_day is None
        # Read again under the locks: another edit may have just raised its revision.
        day = (
            ShootDay(production=production)
            if creating
            else ShootDay.objects.select_related("location").get(pk=shoot_day.pk)
        )
        old_location = None if creating else day.location
        old_date = None if creating else day.date
        before = {name: getattr(day, name) for name in SHOOT_DAY_FIELDS} if not creating else {}
        for name, value in fields.items():
            setattr(day, name, value)
        day.full_clean(exclude=["production"])
        crew = list(crew)
        permits = list(day.permits.select_related("authority")) if not creating else []
        for permit in permits:  # judged by the due dates they will have after the save
            permit.due_on = _due_on(day, permit.authority)
        # ... and without the draft that _permits_follow drops when the day moves elsewhere.
        permits = [p for p in permits if not _dropped_on_move(p, old_location, day.location)]
        candidate = selectors.Candidate(day=day, crew_ids={p.pk for p in crew}, permits=permits)
        conflicts = selectors.conflicts_for(candidate, cohort=production.team.cohort, today=today)
        blocking = [conflict for conflict in conflicts if conflict.blocks]
        if blocking:
            raise ScheduleConflict(blocking)

        if not creating:
            day.sequence += 1
        day.save()
        day.crew.set(crew)
        changed = [name for name in SHOOT_DAY_FIELDS if before.get(name) != getattr(day, name)]
        audit(
            actor=by,
            subject=day,
            action="shoot_day.created" if creating else "shoot_day.changed",
            note=", ".join(changed) if not creating else "",
        )
        _permits_follow(day, old_location=old_location, old_date=old_date, by=by)
    return day, [conflict for conflict in conflicts if not conflict.blocks]


def _dropped_on_move(permit: Permit, old_location: Location | None, location: Location) -> bool:
    """A draft for the place a day no longer films at is dropped; filed ones are the officer's."""
    return (
        old_location is not None
        and old_location.authority_id != location.authority_id
        and permit.status == PermitStatus.DRAFT
        and permit.authority_id == old_location.authority_id
    )


def _permits_follow(day: ShootDay, *, old_location: Location | None, old_date, by) -> None:
    """Keep a shoot day's permits in step with its date and location.

    A permit is granted for a date and a place: when either changes, what was filed or granted
    goes back to draft, to be filed again, and the day is not ready until it is approved again.
    """
    location = day.location
    moved = old_location is not None and (old_location != location or old_date != day.date)
    for permit in day.permits.select_related("authority").exclude(status=PermitStatus.CANCELLED):
        due_on = _due_on(day, permit.authority)
        if permit.due_on != due_on:
            permit.due_on = due_on
            permit.save(update_fields=["due_on", "updated_at"])
        if _dropped_on_move(permit, old_location, location):
            _permit_set_status(permit, PermitStatus.CANCELLED, by=by, note=_("location changed"))
        elif moved and permit.status not in PERMIT_PENDING:
            before = permit.status
            permit.status = PermitStatus.DRAFT
            permit.submitted_on = permit.decided_on = None
            permit.save()
            audit(
                actor=by,
                subject=permit,
                action="permit.status",
                from_state=before,
                to_state=permit.status,
                note=_("shoot day moved: file again"),
            )
    if (
        location.permit_required
        and not day.permits.filter(authority=location.authority_id)
        .exclude(status=PermitStatus.CANCELLED)
        .exists()
    ):
        Permit.objects.create(
            shoot_day=day,
            authority=location.authority,
            crew_size=day.crew_count,
            vehicle_count=day.vehicle_count,
            due_on=_due_on(day, location.authority),
        )


def shoot_days_revise(*, shoot_days) -> int:
    """Raise the revision of shoot days whose calendar event changed from outside the day
    (a production renamed, a location or authority edited), and recompute their permits'
    due dates from the lead times as they are now."""
    with transaction.atomic():
        days = list(shoot_days.select_related("location__authority"))
        ShootDay.objects.filter(pk__in=[day.pk for day in days]).update(
            sequence=F("sequence") + 1, updated_at=timezone.now()
        )
        by_pk = {day.pk: day for day in days}
        for permit in Permit.objects.filter(shoot_day__in=days).select_related("authority"):
            due_on = _due_on(by_pk[permit.shoot_day_id], permit.authority)
            if permit.due_on != due_on:
                permit.due_on = due_on
                permit.save(update_fields=["due_on", "updated_at"])
    return len(days)


def shoot_day_delete(*, shoot_day: ShootDay, by) -> None:
    # Permit changes take the cohort's lock too, so no approval slips in between.
    with transaction.atomic():
        _lock_cohort(shoot_day.production.team.cohort_id)
        if shoot_day.permits.filter(status__in=PERMIT_APPROVED).exists():
            raise ShootError(
                _("This shoot day has approved permits: cancel them with the authority first.")
            )
        audit(
            actor=by,
            subject=shoot_day.production,
            action="shoot_day.deleted",
            note=str(shoot_day),
        )
        shoot_day.delete()


def conflict_rules_set(*, cohort: Cohort, actions: dict[str, str], by) -> None:
    with transaction.atomic():
        for kind, action in actions.items():
            ConflictKind(kind), ConflictAction(action)
            ConflictRule.objects.update_or_create(
                cohort=cohort, kind=kind, defaults={"action": action}
            )
        audit(
            actor=by,
            subject=cohort,
            action="conflict_rules.set",
            note=", ".join(f"{kind}={action}" for kind, action in sorted(actions.items())),
        )


# Permits ---------------------------------------------------------------------------------

PERMIT_FIELDS = [
    "activities",
    "crew_size",
    "vehicle_count",
    "parking_plan",
    "fee_krw",
    "reference_number",
    "conditions",
    "notes",
    "expires_on",
]


def _lock_for_permit(shoot_day_id: int) -> ShootDay:
    """Lock the cohort of a shoot day, as every schedule change does, and read the day again."""
    cohort_id = (
        ShootDay.objects.filter(pk=shoot_day_id)
        .values_list("production__team__cohort", flat=True)
        .get()
    )
    _lock_cohort(cohort_id)
    return ShootDay.objects.select_related("location__authority").get(pk=shoot_day_id)


def permit_create(*, shoot_day: ShootDay, authority: Authority, fields: dict, by) -> Permit:
    with transaction.atomic():
        shoot_day = _lock_for_permit(shoot_day.pk)
        if (
            Permit.objects.filter(shoot_day=shoot_day, authority=authority)
            .exclude(status=PermitStatus.CANCELLED)
            .exists()
        ):
            raise ShootError(
                _("This shoot day already has a permit from %(authority)s.")
                % {"authority": authority}
            )
        permit = Permit(
            shoot_day=shoot_day, authority=authority, due_on=_due_on(shoot_day, authority)
        )
        for name, value in fields.items():
            setattr(permit, name, value)
        permit.full_clean()
        permit.save()
        audit(actor=by, subject=permit, action="permit.created", to_state=permit.status)
    return permit


def permit_update(*, permit: Permit, fields: dict, by, insurance=None) -> Permit:
    """Change a permit's details; a new insurance certificate replaces the old one."""
    checked = validate_file(insurance, [PDF, JPEG, PNG]) if insurance else None
    content_type = checked.content_type if checked else None
    with transaction.atomic():
        _lock_for_permit(permit.shoot_day_id)
        permit = Permit.objects.select_for_update().get(pk=permit.pk)
        if permit.status == PermitStatus.CANCELLED:
            raise ShootError(_("A cancelled permit cannot be changed."))
        for name, value in fields.items():
            setattr(permit, name, value)
        # What an approval rests on stays written down.
        if permit.status in PERMIT_APPROVED and not permit.reference_number.strip():
            raise ShootError(_("An approved permit keeps the authority's reference number."))
        if permit.status == PermitStatus.APPROVED_WITH_CONDITIONS and not permit.conditions.strip():
            raise ShootError(_("A permit approved with conditions keeps its conditions."))
        if insurance:
            old = permit.insurance_certificate.name
            permit.insurance_name = document_display_name(insurance.name, "insurance", content_type)
            permit.insurance_certificate.save(permit.insurance_name, checked.content, save=False)
            if old:
                storage = permit.insurance_certificate.storage
                transaction.on_commit(lambda: storage.delete(old))
        permit.full_clean()
        permit.save()
        audit(actor=by, subject=permit, action="permit.changed")
    return permit


def _permit_set_status(permit: Permit, to: str, *, by, note="", today=None) -> Permit:
    if to not in PERMIT_TRANSITIONS[permit.status]:
        raise ShootError(
            _("A permit that is %(from)s cannot become %(to)s.")
            % {"from": permit.get_status_display().lower(), "to": PermitStatus(to).label.lower()}
        )
    today = today or timezone.localdate()
    before = permit.status
    permit.status = to
    if to == PermitStatus.SUBMITTED:
        permit.submitted_on = today
    if to in (PERMIT_APPROVED | {PermitStatus.REJECTED}):
        permit.decided_on = today
    if to == PermitStatus.DRAFT:
        permit.submitted_on = permit.decided_on = None
    permit.save()
    audit(
        actor=by, subject=permit, action="permit.status", from_state=before, to_state=to, note=note
    )
    return permit


def permit_transition(
    *, permit: Permit, to: str, by, reference_number="", conditions="", today=None
) -> Permit:
    """Move a permit along draft -> submitted -> approved (with conditions) | rejected."""
    with transaction.atomic():
        _lock_for_permit(permit.shoot_day_id)
        permit = Permit.objects.select_for_update().get(pk=permit.pk)
        if reference_number:
            permit.reference_number = reference_number[:60]
        if conditions:
            permit.conditions = conditions[:2000]
        if to == PermitStatus.SUBMITTED and not permit.insurance_certificate:
            raise ShootError(_("Attach the insurance certificate before filing the permit."))
        if to in PERMIT_APPROVED and not permit.reference_number:
            raise ShootError(_("Write the authority's reference number to record an approval."))
        if to == PermitStatus.APPROVED_WITH_CONDITIONS and not permit.conditions.strip():
            raise ShootError(_("Write down the conditions the authority set."))
        return _permit_set_status(permit, to, by=by, today=today)


# Calendar feeds --------------------------------------------------------------------------


def feed_create(*, kind: str, subject, by) -> CalendarFeed:
    """A new secret feed address for a participant, production, location or cohort."""
    with transaction.atomic():
        feed = CalendarFeed.objects.create(kind=kind, created_by=by, **{kind: subject})
        audit(actor=by, subject=feed, action="feed.created")
    return feed


def feed_revoke(*, feed: CalendarFeed, by) -> CalendarFeed:
    with transaction.atomic():
        if feed.revoked_at is None:
            feed.revoked_at = timezone.now()
            feed.save(update_fields=["revoked_at"])
            audit(actor=by, subject=feed, action="feed.revoked")
    return feed


# Calendar feeds (appended for the feed pages) -----------------------------------------------


def feed_replace_for_participant(*, participant: Participant, by) -> tuple[CalendarFeed, int]:
    """A participant's new feed address; their older ones are revoked. Returns the new feed
    and how many were revoked."""
    with transaction.atomic():
        old = list(
            CalendarFeed.objects.select_for_update().filter(
                kind="participant", participant=participant, revoked_at__isnull=True
            )
        )
        for feed in old:
            feed_revoke(feed=feed, by=by)
        return feed_create(kind="participant", subject=participant, by=by), len(old)


# Logistics support -----------------------------------------------------------------------

# What must be written down before a request of each kind counts as arranged.
ARRANGED_NEEDS = {
    SupportKind.FLIGHT: [
        "direction",
        "flight_number",
        "origin",
        "destination",
        "starts_on",
        "departs_time",
        "ends_on",
        "arrives_time",
    ],
    SupportKind.AIRPORT_TRANSFER: ["starts_on", "departs_time", "origin", "destination"],
    SupportKind.ROOM: ["vendor", "starts_on", "ends_on"],
}


def _check_needs(request: SupportRequest, state: str) -> None:
    """Refuse a state whose facts are missing: a booking's details, or a done job's cost."""
    needed = []
    if state in (SupportState.ARRANGED, SupportState.DONE):
        needed = ARRANGED_NEEDS.get(request.kind, ["starts_on"])
    missing = [
        str(SupportRequest._meta.get_field(name).verbose_name)
        for name in needed
        if getattr(request, name) in (None, "")
    ]
    if state == SupportState.DONE and request.actual_cost_krw is None:
        missing.append(str(SupportRequest._meta.get_field("actual_cost_krw").verbose_name))
    if missing:
        raise ShootError(
            _("To mark it %(state)s, fill in first: %(fields)s.")
            % {"state": SupportState(state).label.lower(), "fields": ", ".join(missing)}
        )


ARRANGE_AHEAD_DAYS = 2


def _default_due_on(request: SupportRequest, today):
    """Arranged two days before it is needed (never before today), so that every dated
    request, a participant's too, reaches the overdue and due-this-week lists."""
    needed = request.starts_on or (request.shoot_day.date if request.shoot_day_id else None)
    if needed is None:
        return None
    return max(today, needed - timedelta(days=ARRANGE_AHEAD_DAYS))


def support_request_create(*, cohort: Cohort, fields: dict, by) -> SupportRequest:
    """A new request, in the state requested. `fields` names a participant, or a production
    or one of its shoot days."""
    request = SupportRequest(cohort=cohort, requested_by=by)
    for name, value in fields.items():
        setattr(request, name, value)
    if request.shoot_day_id and not request.production_id:
        request.production = request.shoot_day.production
    if request.due_on is None:
        request.due_on = _default_due_on(request, timezone.localdate())
    with transaction.atomic():
        request.full_clean()
        request.save()
        audit(actor=by, subject=request, action="support.requested", to_state=request.state)
    return request


def _locked(request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=request.pk)


def support_request_update(*, request: SupportRequest, fields: dict, by) -> SupportRequest:
    with transaction.atomic():
        request = _locked(request)
        if request.state == SupportState.CANCELLED:
            raise ShootError(_("A cancelled request cannot be changed."))
        before = {name: getattr(request, name) for name in fields}
        for name, value in fields.items():
            setattr(request, name, value)
        if request.shoot_day_id and request.participant_id is None:
            request.production_id = request.shoot_day.production_id
        # An arranged booking keeps what it was arranged with.
        _check_needs(request, request.state)
        request.full_clean()
        request.save()
        audit(
            actor=by,
            subject=request,
            action="support.changed",
            note=_changes(before, request),
        )
    return request


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def _changes(before: dict, request: SupportRequest) -> str:
    """What an edit changed, for the history: "vendor: '' → 'Toyoko Inn'; ..."."""
    changed = []
    for name, old in before.items():
        new = getattr(request, name)
        if new != old:
            label = SupportRequest._meta.get_field(name).verbose_name
            changed.append(f"{label}: {_shown(old)} → {_shown(new)}")
    return "; ".join(changed)[:1000]


def support_request_transition(
    *, request: SupportRequest, to: str, by, note: str = ""
) -> SupportRequest:
    """Move a request along requested -> approved -> arranged -> done, or cancel it."""
    with transaction.atomic():
        request = _locked(request)
        if to not in SUPPORT_TRANSITIONS[request.state]:
            raise ShootError(
                _("A request that is %(from)s cannot become %(to)s.")
                % {
                    "from": request.get_state_display().lower(),
                    "to": SupportState(to).label.lower(),
                }
            )
        _check_needs(request, to)
        before, request.state = request.state, to
        request.save()
        audit(
            actor=by,
            subject=request,
            action="support.state",
            from_state=before,
            to_state=to,
            note=note[:500],
        )
    return request


def support_request_withdraw(*, request: SupportRequest, by) -> SupportRequest:
    """A participant takes back a request the desk has not yet arranged."""
    with transaction.atomic():
        if _locked(request).state not in SUPPORT_OPEN:
            raise ShootError(
                _(
                    "This request is already being handled: "
                    "write to the logistics desk to change it."
                )
            )
        return support_request_transition(
            request=request, to=SupportState.CANCELLED, by=by, note=_("Withdrawn by the requester.")
        )


def support_attachment_add(*, request: SupportRequest, upload, by) -> SupportAttachment:
    checked = validate_file(upload, [PDF, JPEG, PNG])
    content_type = checked.content_type
    with transaction.atomic():
        request = _locked(request)
        if request.state == SupportState.CANCELLED:
            raise ShootError(_("A cancelled request cannot be changed."))
        name = document_display_name(upload.name, "attachment", content_type)
        attachment = SupportAttachment(
            request=request, name=name, content_type=content_type, uploaded_by=by
        )
        attachment.file.save(name, checked.content, save=False)
        attachment.save()
        audit(actor=by, subject=request, action="support.attached", note=name)
    return attachment


def support_attachment_delete(*, attachment: SupportAttachment, by) -> None:
    with transaction.atomic():
        if _locked(attachment.request).state == SupportState.CANCELLED:
            raise ShootError(_("A cancelled request cannot be changed."))
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        audit(actor=by, subject=attachment.request, action="support.detached", note=attachment.name)
        transaction.on_commit(lambda: storage.delete(name))


def budget_line_set(
    *, cohort: Cohort, production: Production | None, kind: str, amount_krw: int, note="", by
) -> BudgetLine:
    """Set what is budgeted for one kind of support, for the cohort or one of its films."""
    if production is not None and production.team.cohort_id != cohort.pk:
        raise ShootError(_("This production belongs to another cohort."))
    with transaction.atomic():
        _lock_cohort(cohort.pk)
        line = BudgetLine.objects.filter(cohort=cohort, production=production, kind=kind).first()
        before = line.amount_krw if line else None
        line = line or BudgetLine(cohort=cohort, production=production, kind=kind)
        line.amount_krw, line.note = amount_krw, note
        line.full_clean()
        line.save()
        audit(
            actor=by,
            subject=cohort,
            action="budget.set",
            from_state="" if before is None else str(before),
            to_state=str(amount_krw),
            note=str(line),
        )
    return line


# Logistics support: flights and rooms imported from a workbook ------------------------------

IMPORTED_KINDS = (SupportKind.FLIGHT, SupportKind.ROOM)


def support_booking_key(request: SupportRequest) -> tuple | None:
    """What makes two bookings one: a participant's flight number on a day, or their hotel
    from a check-in date. Written as in the import, so that "pr418" is "PR 418"."""
    if request.kind == SupportKind.FLIGHT:
        number = "".join(request.flight_number.split()).upper()
        return (request.participant_id, request.kind, number, request.starts_on)
    if request.kind == SupportKind.ROOM:
        return (request.participant_id, request.kind, request.hotel.casefold(), request.starts_on)
    return None


def support_booked_keys(*, cohort: Cohort, participant_ids) -> set[tuple]:
    """The keys of these participants' flights and rooms that are not cancelled. One query."""
    booked = SupportRequest.objects.filter(
        cohort=cohort, participant__in=participant_ids, kind__in=IMPORTED_KINDS
    ).exclude(state=SupportState.CANCELLED)
    return {support_booking_key(request) for request in booked}


def support_import_clean(request: SupportRequest) -> None:
    """`full_clean` without a query: an imported booking's foreign keys come loaded (checking
    each again would cost a query a row), and it is for a participant, never a production."""
    request.full_clean(
        exclude=["cohort", "participant", "production", "shoot_day", "assignee", "requested_by"],
        validate_unique=False,
        validate_constraints=False,
    )


def support_requests_import(*, cohort: Cohort, requests: list, by) -> int:
    """Save flights and rooms read from a workbook as arranged bookings: all, or none.

    The importer checked each row; this checks again what another import, saved since,
    could have changed (a booking made twice), and what any caller could get wrong."""
    with transaction.atomic():
        # One import at a time per cohort, so that two uploads of one file make no twins.
        _lock_cohort(cohort.pk)
        booked = support_booked_keys(
            cohort=cohort, participant_ids={request.participant_id for request in requests}
        )
        for request in requests:
            if request.kind not in IMPORTED_KINDS or request.participant is None:
                raise ShootError(_("Only participants' flights and rooms can be imported."))
            if request.participant.cohort_id != cohort.pk:
                raise ShootError(_("The request and whom it is for are in other cohorts."))
            request.cohort, request.state, request.requested_by = cohort, SupportState.ARRANGED, by
            _check_needs(request, SupportState.ARRANGED)
            support_import_clean(request)
            key = support_booking_key(request)
            if key in booked:
                raise ShootError(
                    _("%(booking)s for %(participant)s is already booked: nothing was imported.")
                    % {"booking": request.summary, "participant": request.participant.name}
                )
            booked.add(key)
        # Up to 2,000 rows: one insert for the bookings, then the audit trail of each.
        SupportRequest.objects.bulk_create(requests)
        for request in requests:
            audit(actor=by, subject=request, action="support.imported", to_state=request.state)
    return len(requests)


def support_person_erase(*, user, **_signal) -> int:
    """A person erased from the desk: their bookings keep what the budget counts (kind, dates,
    costs, flight) and lose their booking references, notes and tickets. Returns how many."""
    requests = SupportRequest.objects.filter(participant__user=user)
    attachments = list(SupportAttachment.objects.filter(request__in=requests))
    for attachment in attachments:
        transaction.on_commit(partial(attachment.file.storage.delete, attachment.file.name))
    SupportAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    return requests.update(booking_reference="", notes="")
