import secrets
import uuid
from datetime import datetime, timedelta
from pathlib import PurePath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.enums import CrewRole
from applicants.fields import HttpsURLField
from applicants.models import Cohort, Participant
from applicants.validators import validate_plausible_date

from .enums import (
    DEFAULT_CONFLICT_ACTIONS,
    PERMIT_APPROVED,
    AuthorityKind,
    ConflictAction,
    ConflictKind,
    District,
    FeedKind,
    LocationKind,
    PermitStatus,
    ProductionFormat,
    SupportKind,
    SupportState,
    TravelDirection,
)


class Authority(models.Model):
    """Who grants permission to film somewhere: a district office, the police, a port."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_ko = models.CharField(_("name in Korean"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AuthorityKind.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = HttpsURLField(_("website"), blank=True)
    lead_days = models.PositiveSmallIntegerField(
        _("permit lead time (days)"),
        default=14,
        help_text=_("How many days before the shoot an application must be filed."),
    )

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Location(models.Model):
    """A place in the Busan location library."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ko = models.CharField(_("name in Korean"), max_length=200, blank=True)
    kind = models.CharField(_("kind of place"), max_length=20, choices=LocationKind.choices)
    district = models.CharField(_("district"), max_length=20, choices=District.choices)
    address = models.CharField(_("address"), max_length=300)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("managing authority"),
    )
    permit_required = models.BooleanField(_("permit required"), default=True)
    lead_days = models.PositiveSmallIntegerField(
        _("permit lead time (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the authority's lead time."),
    )
    restrictions = models.TextField(_("restrictions"), blank=True)
    closed_weekdays = models.JSONField(
        _("closed weekdays"),
        default=list,
        blank=True,
        help_text=_("0 is Monday, 6 is Sunday."),
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    allows_shared_use = models.BooleanField(
        _("several crews at once"),
        default=False,
        help_text=_("A large public place where two productions can film at the same time."),
    )
    nearest_hospital = models.CharField(_("nearest hospital"), max_length=200)
    nearest_hospital_address = models.CharField(_("hospital address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        days = self.closed_weekdays
        if not isinstance(days, list) or any(
            type(day) is not int or not 0 <= day <= 6 for day in days
        ):
            raise ValidationError(
                {"closed_weekdays": _("Write the closed weekdays as a list of numbers 0 to 6.")}
            )
        self.closed_weekdays = sorted(set(days))

    @property
    def closed_weekday_numbers(self) -> list[int]:
        """Closed weekdays (0 is Monday), whatever an old row holds."""
        days = self.closed_weekdays if isinstance(self.closed_weekdays, list) else []
        return [day for day in days if type(day) is int and 0 <= day <= 6]

    @property
    def permit_lead_days(self):
        return self.lead_days if self.lead_days is not None else self.authority.lead_days

    @property
    def map_url(self):
        return f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}#map=17/{self.latitude}/{self.longitude}"


def location_photo_path(photo, filename):
    extension = PurePath(filename).suffix.lower()
    return f"locations/{photo.location_id}/{uuid.uuid4().hex}{extension}"


class LocationPhoto(models.Model):
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="photos", verbose_name=_("location")
    )
    file = models.FileField(_("photo"), upload_to=location_photo_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=50)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("location photo")
        verbose_name_plural = _("location photos")
        ordering = ["location", "uploaded_at", "pk"]

    def __str__(self):
        return self.caption or str(self.location)


# Teams and productions -----------------------------------------------------------------


class Team(models.Model):
    """Some of a cohort's participants, who make one short film together."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="teams", verbose_name=_("cohort")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=100, blank=True)
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="mentored_teams",
        verbose_name=_("mentors"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["cohort", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="one_team_per_number"),
        ]

    def __str__(self):
        return self.name or _("Team %(number)s") % {"number": self.number}


class TeamMember(models.Model):
    """A participant in a team, with their role in its crew."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team")
    )
    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name="team_member",
        verbose_name=_("participant"),
    )
    role = models.CharField(_("crew role"), max_length=20, choices=CrewRole.choices, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "participant__user__profile__legal_name", "pk"]

    def __str__(self):
        return str(self.participant.user)


class Production(models.Model):
    """A team's short film."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, related_name="production", verbose_name=_("team")
    )
    title = models.CharField(_("working title"), max_length=200)
    logline = models.CharField(_("logline"), max_length=300, blank=True)
    synopsis = models.TextField(_("synopsis"), max_length=5000, blank=True)
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=ProductionFormat.choices,
        default=ProductionFormat.FICTION,
    )
    running_minutes = models.PositiveSmallIntegerField(
        _("running time (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("production")
        verbose_name_plural = _("productions")
        ordering = ["team__cohort", "team__number"]

    def __str__(self):
        return self.title


# Shoot days ------------------------------------------------------------------------------

SHOOT_ZONE = ZoneInfo(settings.TIME_ZONE)


def shoot_span(date, call_time, wrap_time) -> tuple[datetime, datetime]:
    """A shoot day's start and end in Busan; a wrap at or before the call is the next day."""
    starts_at = datetime.combine(date, call_time, tzinfo=SHOOT_ZONE)
    ends_at = datetime.combine(date, wrap_time, tzinfo=SHOOT_ZONE)
    if ends_at <= starts_at:
        ends_at += timedelta(days=1)
    return starts_at, ends_at


class ShootDay(models.Model):
    production = models.ForeignKey(
        Production,
        on_delete=models.CASCADE,
        related_name="shoot_days",
        verbose_name=_("production"),
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="shoot_days", verbose_name=_("location")
    )
    date = models.DateField(_("date"), validators=[validate_plausible_date])
    call_time = models.TimeField(_("call"))
    wrap_time = models.TimeField(
        _("wrap"), help_text=_("A wrap earlier than the call is the next morning.")
    )
    # Derived from date, call and wrap in save(), so that overlaps are one indexed query.
    starts_at = models.DateTimeField(_("starts"), editable=False, db_index=True)
    ends_at = models.DateTimeField(_("ends"), editable=False)
    scenes = models.TextField(_("scenes"), max_length=2000, blank=True)
    schedule = models.TextField(
        _("schedule"),
        max_length=3000,
        blank=True,
        help_text=_('One line a step, such as "09:30 Scene 4, market entrance".'),
    )
    crew = models.ManyToManyField(
        Participant, blank=True, related_name="shoot_days", verbose_name=_("crew")
    )
    crew_count = models.PositiveSmallIntegerField(
        _("crew on set"), default=0, validators=[MaxValueValidator(200)]
    )
    vehicle_count = models.PositiveSmallIntegerField(
        _("vehicles"), default=0, validators=[MaxValueValidator(50)]
    )
    equipment = models.TextField(_("equipment"), max_length=2000, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    # Raised on every change, for the SEQUENCE of its calendar event.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("shoot day")
        verbose_name_plural = _("shoot days")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.production} · {self.date:%Y-%m-%d} · {self.location}"

    def save(self, *args, **kwargs):
        self.starts_at, self.ends_at = shoot_span(self.date, self.call_time, self.wrap_time)
        super().save(*args, **kwargs)

    @property
    def hours(self) -> float:
        starts_at, ends_at = shoot_span(self.date, self.call_time, self.wrap_time)
        return (ends_at - starts_at).total_seconds() / 3600

    @property
    def crosses_midnight(self) -> bool:
        return self.wrap_time <= self.call_time


class ConflictRule(models.Model):
    """Whether a kind of scheduling conflict blocks a save or only warns, in one cohort."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="conflict_rules", verbose_name=_("cohort")
    )
    kind = models.CharField(_("conflict"), max_length=30, choices=ConflictKind.choices)
    action = models.CharField(_("action"), max_length=10, choices=ConflictAction.choices)

    class Meta:
        verbose_name = _("conflict rule")
        verbose_name_plural = _("conflict rules")
        ordering = ["cohort", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "kind"], name="one_rule_per_conflict"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_action_display()}"

    @staticmethod
    def actions_for(cohort) -> dict[str, str]:
        actions = dict(DEFAULT_CONFLICT_ACTIONS)
        actions.update(cohort.conflict_rules.values_list("kind", "action"))
        return actions


# Permits ---------------------------------------------------------------------------------


def insurance_path(permit, filename):
    extension = PurePath(filename).suffix.lower()
    return f"permits/{permit.shoot_day_id}/insurance-{uuid.uuid4().hex}{extension}"


class Permit(models.Model):
    """Permission from one authority to film on one shoot day."""

    shoot_day = models.ForeignKey(
        ShootDay, on_delete=models.CASCADE, related_name="permits", verbose_name=_("shoot day")
    )
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="permits", verbose_name=_("authority")
    )
    status = models.CharField(
        _("status"), max_length=30, choices=PermitStatus.choices, default=PermitStatus.DRAFT
    )
    activities = models.JSONField(_("activities"), default=list, blank=True)
    crew_size = models.PositiveSmallIntegerField(
        _("crew size"), default=0, validators=[MaxValueValidator(200)]
    )
    vehicle_count = models.PositiveSmallIntegerField(
        _("vehicles"), default=0, validators=[MaxValueValidator(50)]
    )
    parking_plan = models.TextField(_("parking plan"), max_length=2000, blank=True)
    insurance_certificate = models.FileField(
        _("insurance certificate"), upload_to=insurance_path, max_length=200, blank=True
    )
    insurance_name = models.CharField(_("certificate file name"), max_length=120, blank=True)
    fee_krw = models.PositiveIntegerField(
        _("fee (KRW)"), default=0, validators=[MaxValueValidator(100_000_000)]
    )
    reference_number = models.CharField(_("reference number"), max_length=60, blank=True)
    conditions = models.TextField(_("conditions"), max_length=2000, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    # When the application must be filed: the shoot date less the lead time; kept in step
    # with the shoot day by the services, so that due and overdue lists are one query.
    due_on = models.DateField(_("file by"))
    submitted_on = models.DateField(_("filed on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shoot_day", "authority"],
                condition=~Q(status="cancelled"),
                name="one_live_permit_per_authority_and_day",
            ),
        ]

    def __str__(self):
        return f"{self.authority} · {self.shoot_day.date:%Y-%m-%d}"

    @property
    def is_approved(self) -> bool:
        return self.status in PERMIT_APPROVED


# Calendars -------------------------------------------------------------------------------


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret address at which a calendar app reads shoot days; revoked, it answers 404."""

    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    kind = models.CharField(_("kind"), max_length=20, choices=FeedKind.choices)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    production = models.ForeignKey(
        Production, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="cohort", cohort__isnull=False)
                    | Q(kind="production", production__isnull=False)
                    | Q(kind="location", location__isnull=False)
                    | Q(kind="participant", participant__isnull=False)
                ),
                name="feed_names_what_it_shows",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self):
        return getattr(self, self.kind)

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


# Logistics support ----------------------------------------------------------------------

MAX_KRW = 10_000_000_000  # ten billion won: far above any line of a season's budget
LONGEST_SUPPORT_DAYS = 90  # a season on site is about two weeks; a typo is not a stay


class SupportRequest(models.Model):
    """Something the logistics desk arranges: for a participant, or for a production (and
    then perhaps for one of its shoot days)."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="support_requests", verbose_name=_("cohort")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SupportKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=SupportState.choices, default=SupportState.REQUESTED
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("participant"),
    )
    production = models.ForeignKey(
        Production,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("production"),
    )
    # A deleted shoot day leaves its requests (and their costs) with the production.
    shoot_day = models.ForeignKey(
        ShootDay,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("shoot day"),
    )
    summary = models.CharField(_("what is needed"), max_length=200)
    starts_on = models.DateField(
        _("start date"), null=True, blank=True, validators=[validate_plausible_date]
    )
    ends_on = models.DateField(
        _("end date"), null=True, blank=True, validators=[validate_plausible_date]
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    vendor = models.CharField(_("vendor"), max_length=120, blank=True)
    booking_reference = models.CharField(_("booking reference"), max_length=40, blank=True)
    estimated_cost_krw = models.PositiveBigIntegerField(
        _("estimated cost (KRW)"), default=0, validators=[MaxValueValidator(MAX_KRW)]
    )
    actual_cost_krw = models.PositiveBigIntegerField(
        _("actual cost (KRW)"), null=True, blank=True, validators=[MaxValueValidator(MAX_KRW)]
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_support_requests",
        verbose_name=_("assignee"),
    )
    due_on = models.DateField(
        _("arrange by"), null=True, blank=True, validators=[validate_plausible_date]
    )
    # A TextField's max_length binds its form only: the validator binds imports too.
    notes = models.TextField(
        _("notes"), max_length=2000, blank=True, validators=[MaxLengthValidator(2000)]
    )
    # Travel: a flight leaves on `starts_on` and lands on `ends_on`, at the local times printed
    # on the ticket (airports of twelve countries keep six time zones); a transfer picks up
    # on `starts_on` at `departs_time`.
    direction = models.CharField(
        _("direction"), max_length=10, choices=TravelDirection.choices, blank=True
    )
    flight_number = models.CharField(_("flight number"), max_length=12, blank=True)
    origin = models.CharField(_("from (place)"), max_length=80, blank=True)
    destination = models.CharField(_("to (place)"), max_length=80, blank=True)
    departs_time = models.TimeField(_("departs (local time)"), null=True, blank=True)
    arrives_time = models.TimeField(_("arrives (local time)"), null=True, blank=True)
    room = models.CharField(_("room number"), max_length=20, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        # Undated last on every database (SQLite and PostgreSQL put NULLs at opposite ends).
        ordering = [
            models.F("due_on").asc(nulls_last=True),
            models.F("starts_on").asc(nulls_last=True),
            "pk",
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(participant__isnull=False, production__isnull=True, shoot_day__isnull=True)
                    | Q(participant__isnull=True, production__isnull=False)
                ),
                name="support_for_a_participant_or_a_production",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "state", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def subject(self):
        """Who or what the request is for."""
        return self.participant or self.shoot_day or self.production

    @property
    def hotel(self) -> str:
        """A room's hotel (its vendor) as typed, without stray spaces; casefold it to compare."""
        return " ".join(self.vendor.split())

    @property
    def nights(self) -> list:
        """The nights a room is held: check-in to the night before check-out."""
        if self.kind != SupportKind.ROOM or not (self.starts_on and self.ends_on):
            return []
        return [
            self.starts_on + timedelta(days=n) for n in range((self.ends_on - self.starts_on).days)
        ]

    def clean(self):
        errors = {}
        if self.shoot_day_id and self.shoot_day.production_id != self.production_id:
            errors["shoot_day"] = _("This shoot day belongs to another production.")
        owner_cohort = (
            self.participant.cohort_id
            if self.participant_id
            else self.production.team.cohort_id
            if self.production_id
            else None
        )
        if owner_cohort is not None and owner_cohort != self.cohort_id:
            errors[NON_FIELD_ERRORS] = _("The request and whom it is for are in other cohorts.")
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                errors["ends_on"] = _("The end date is before the start date.")
            elif self.kind == SupportKind.ROOM and self.ends_on == self.starts_on:
                errors["ends_on"] = _("Check-out is at least one night after check-in.")
            elif self.kind == SupportKind.FLIGHT and (self.ends_on - self.starts_on).days > 2:
                errors["ends_on"] = _("A flight lands within two days of taking off.")
            elif (self.ends_on - self.starts_on).days > LONGEST_SUPPORT_DAYS:
                errors["ends_on"] = _(
                    "A request covers at most %(days)d days: split a longer one."
                ) % {"days": LONGEST_SUPPORT_DAYS}
        if self.direction and self.kind not in (SupportKind.FLIGHT, SupportKind.AIRPORT_TRANSFER):
            errors["direction"] = _("Only flights and transfers arrive or depart.")
        if errors:
            raise ValidationError(errors)


def support_attachment_path(attachment, filename):
    extension = PurePath(filename).suffix.lower()
    return f"support/{attachment.request_id}/{uuid.uuid4().hex}{extension}"


class SupportAttachment(models.Model):
    """A ticket, voucher or invoice kept with a support request."""

    request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("support request"),
    )
    file = models.FileField(_("file"), upload_to=support_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("support attachment")
        verbose_name_plural = _("support attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


class BudgetLine(models.Model):
    """What the commission set aside for one kind of support: for the whole cohort, or for
    one production."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("cohort")
    )
    production = models.ForeignKey(
        Production,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("production"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SupportKind.choices)
    amount_krw = models.PositiveBigIntegerField(
        _("budget (KRW)"), validators=[MaxValueValidator(MAX_KRW)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["cohort", "production", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "kind"],
                condition=Q(production__isnull=True),
                name="one_cohort_budget_line_per_kind",
            ),
            models.UniqueConstraint(
                fields=["production", "kind"],
                condition=Q(production__isnull=False),
                name="one_production_budget_line_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.production or self.cohort} · {self.get_kind_display()}"
