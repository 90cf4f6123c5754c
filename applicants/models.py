import unicodedata
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .emails import normalize_email
from .enums import (
    DECISION_MAIL,
    DECISION_STATES,
    DESK_STATES,
    ApplicationStatus,
    CohortStatus,
    CrewRole,
    DocumentKind,
    EnglishLevel,
    ExportStatus,
    Gender,
    MailKind,
    MailStatus,
    PersonalDataPlace,
    PersonalDatum,
)
from .fields import HttpsURLField
from .validators import (
    WordLimitValidator,
    validate_birth_date,
    validate_latin_name,
    validate_plausible_date,
    validate_time_zone,
)

WORD_LIMITS = {"bio": 150, "filmography": 300, "motivation": 400, "logline": 50, "synopsis": 300}


class UserManager(BaseUserManager):
    use_in_migrations = True

    @staticmethod
    def normalize_email(email):
        return normalize_email(email)

    def get_by_natural_key(self, username):
        # Stored addresses are in the normal form: an exact match, never the database's own
        # idea of case (PostgreSQL's UPPER would let a dotless i open an i's account).
        return self.get(email=normalize_email(username))

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, email_verified_at=timezone.now())
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account: an applicant signs up with an e-mail address; staff are made by a manager."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("Works at the commission and uses the staff desk.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    email_verified_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    country = models.ForeignKey(
        "Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home country"),
        help_text=_("For reviewers: kept off applications from their own country when asked."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)

    def save(self, *args, **kwargs):
        # Whoever writes the row (sign-up, admin, staff creation, the demo, a shell), the
        # address is stored in its one normal form.
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_verified(self):
        return self.email_verified_at is not None


class Country(models.Model):
    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_asean = models.BooleanField(_("ASEAN member"), default=False)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Cohort(models.Model):
    """One edition of the incubator and its call for applications."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    host_city = models.CharField(_("host city"), max_length=80, default="Busan")
    status = models.CharField(
        _("status"), max_length=20, choices=CohortStatus.choices, default=CohortStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("call opens"), validators=[validate_plausible_date])
    closes_at = models.DateTimeField(_("call closes"), validators=[validate_plausible_date])
    eligible_countries = models.ManyToManyField(
        Country, related_name="cohorts", verbose_name=_("eligible countries")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=16)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=25)
    age_reference_date = models.DateField(
        _("age reference date"), validators=[validate_plausible_date]
    )
    seats_per_country = models.PositiveSmallIntegerField(_("seats per country"), default=2)
    team_count = models.PositiveSmallIntegerField(_("number of teams"), default=2)
    onsite_starts_on = models.DateField(_("on-site from"), validators=[validate_plausible_date])
    onsite_ends_on = models.DateField(_("on-site until"), validators=[validate_plausible_date])
    decisions_released_at = models.DateTimeField(_("decisions released"), null=True, blank=True)
    blind_review = models.BooleanField(
        _("blind review"),
        default=True,
        help_text=_("Reviewers see no name, photo, contact or nationality."),
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    offer_reply_days = models.PositiveSmallIntegerField(
        _("days to answer an offer"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    reviewers_from_other_countries = models.BooleanField(
        _("no reviewer from the applicant's country"), default=False
    )
    # Retention (applicants.personal_data): this many days after the last on-site day, the
    # people who were not selected are anonymised and everyone's passports and consent forms
    # are deleted.
    personal_data_kept_days = models.PositiveSmallIntegerField(
        _("days personal data is kept"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "Counted from the last on-site day. Then applicants who were not selected are "
            "anonymised, and everyone's passport scans, passport numbers and consent forms "
            "are deleted. The cohort's counts stay."
        ),
    )
    personal_data_purged_at = models.DateTimeField(
        _("personal data purged"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="cohort_call_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(onsite_ends_on__gte=models.F("onsite_starts_on")),
                name="cohort_onsite_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(max_age__gte=models.F("min_age")),
                name="cohort_age_limits_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The call must close after it opens.")
        if (
            self.onsite_starts_on
            and self.onsite_ends_on
            and self.onsite_ends_on < self.onsite_starts_on
        ):
            errors["onsite_ends_on"] = _("The on-site period cannot end before it starts.")
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            errors["max_age"] = _("The maximum age cannot be below the minimum age.")
        if errors:
            raise ValidationError(errors)

    def is_call_open(self, at=None):
        at = at or timezone.now()
        return self.status == CohortStatus.OPEN and self.opens_at <= at < self.closes_at

    def age_on_reference_date(self, date_of_birth):
        ref = self.age_reference_date
        before_birthday = (ref.month, ref.day) < (date_of_birth.month, date_of_birth.day)
        return ref.year - date_of_birth.year - before_birthday


class ApplicantProfile(models.Model):
    """Who the applicant is; kept across cohorts, one per account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    legal_name = models.CharField(
        _("legal name in Latin letters"),
        max_length=200,
        blank=True,
        validators=[validate_latin_name],
        help_text=_("As in your passport."),
    )
    native_name = models.CharField(_("name in your own script"), max_length=200, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_birth_date]
    )
    nationality = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nationality"),
    )
    residence = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country of residence"),
    )
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    phone = PhoneNumberField(
        _("mobile phone"),
        blank=True,
        help_text=_("International format, with + and your country code: +855 12 345 678."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    languages = models.CharField(
        _("languages you speak"),
        max_length=200,
        blank=True,
        help_text=_("For example: Khmer, English, French."),
    )
    english_level = models.CharField(
        _("English"), max_length=20, choices=EnglishLevel.choices, blank=True
    )
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    passport_expires_on = models.DateField(
        _("passport valid until"), null=True, blank=True, validators=[validate_plausible_date]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")
        permissions = [
            ("view_personal_data", _("Can see passport numbers and dates of birth")),
            (
                "view_travel_data",
                _("Can see the passport details of participants, for their travel"),
            ),
        ]

    def __str__(self):
        return self.display_name

    def clean(self):
        # One spelling for every name, however a phone's keyboard composed it: search relies
        # on it (a Vietnamese "ễ" may arrive as one character or as three).
        for name in ("legal_name", "native_name", "preferred_name", "city"):
            setattr(self, name, unicodedata.normalize("NFC", getattr(self, name)))

    @property
    def display_name(self):
        return self.preferred_name or self.legal_name or self.user.email

    @property
    def masked_passport_number(self):
        """At most the last three characters, never more than a third, nor the length."""
        number = self.passport_number
        if not number:
            return ""
        shown = min(3, len(number) // 3)
        return "••••••" + number[len(number) - shown :]


class Application(models.Model):
    """An applicant's answer to one cohort's call."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="applications", verbose_name=_("cohort")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    role_1 = models.CharField(
        _("first choice of crew role"), max_length=20, choices=CrewRole.choices, blank=True
    )
    role_2 = models.CharField(
        _("second choice"), max_length=20, choices=CrewRole.choices, blank=True
    )
    role_3 = models.CharField(
        _("third choice"), max_length=20, choices=CrewRole.choices, blank=True
    )
    bio = models.TextField(
        _("short bio"),
        max_length=2000,
        blank=True,
        validators=[WordLimitValidator(WORD_LIMITS["bio"])],
    )
    filmography = models.TextField(
        _("filmography"),
        max_length=4000,
        blank=True,
        validators=[WordLimitValidator(WORD_LIMITS["filmography"])],
        help_text=_("Your films so far: title, year, your role. One per line."),
    )
    showreel_url = HttpsURLField(_("showreel link"), max_length=500, blank=True)
    portfolio_url = HttpsURLField(_("portfolio or website link"), max_length=500, blank=True)
    motivation = models.TextField(
        _("motivation statement"),
        max_length=5000,
        blank=True,
        validators=[WordLimitValidator(WORD_LIMITS["motivation"])],
        help_text=_("Why this incubator, why now, and what you bring to an international team."),
    )
    logline = models.TextField(
        _("logline of your short film idea"),
        max_length=600,
        blank=True,
        validators=[WordLimitValidator(WORD_LIMITS["logline"])],
        help_text=_("One or two sentences: who wants what, and what stands in the way."),
    )
    synopsis = models.TextField(
        _("synopsis"),
        max_length=4000,
        blank=True,
        validators=[WordLimitValidator(WORD_LIMITS["synopsis"])],
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=200, blank=True)
    guardian_email = models.EmailField(_("guardian's e-mail address"), blank=True)
    audit_entries = GenericRelation("AuditEntry", related_query_name="application")
    # Selection: a place on the country's waitlist, the reason a manager overrode the
    # proposal, and the deadline of an offer.
    waitlist_position = models.PositiveSmallIntegerField(
        _("place on the waitlist"), null=True, blank=True
    )
    decision_reason = models.CharField(_("reason for the override"), max_length=500, blank=True)
    offer_expires_at = models.DateTimeField(_("reply to the offer by"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "applicant"], name="one_application_per_cohort"
            ),
        ]

    def __str__(self):
        return f"{self.applicant} → {self.cohort}"

    def states_hidden_from_applicant(self):
        """Working states, and decisions until the cohort releases them."""
        if self.cohort.decisions_released_at is None:
            return DESK_STATES | DECISION_STATES
        return DESK_STATES

    @property
    def applicant_status_label(self):
        """The state as the applicant sees it: hidden states read as Submitted."""
        if self.status in self.states_hidden_from_applicant():
            return ApplicationStatus.SUBMITTED.label
        return self.get_status_display()

    @property
    def applicant_history(self):
        """The state changes the applicant may see, from prefetched `audit_entries`."""
        hidden = self.states_hidden_from_applicant()
        return [
            entry
            for entry in self.audit_entries.all()
            if entry.action in AuditEntry.STATUS_ACTIONS and entry.to_state not in hidden
        ]


def document_path(document, filename):
    """A stored name we choose: of the applicant's file only its checked type's extension."""
    extension = PurePath(filename).suffix.lower()
    return f"applications/{document.application_id}/{document.kind}-{uuid.uuid4().hex}{extension}"


def blind_document_path(document, filename):
    """A blind copy beside its document, under a name of ours that says nothing."""
    extension = PurePath(filename).suffix.lower()
    return f"applications/{document.application_id}/blind/{uuid.uuid4().hex}{extension}"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    # What reviewers of a blind cohort download (applicants.blind): the pages only, made on
    # upload for the kinds reviewers judge; empty until made.
    blind_file = models.FileField(
        _("blind copy"), upload_to=blind_document_path, max_length=200, blank=True
    )
    blind_findings = models.CharField(
        _("names the applicant"),
        max_length=300,
        blank=True,
        help_text=_(
            "What in the document's text names the applicant. While set, reviewers of a "
            "blind cohort do not get the document."
        ),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_document_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def names_applicant(self) -> bool:
        return bool(self.blind_findings)

    @property
    def withheld_from_blind_review(self) -> bool:
        """Reviewers of a blind cohort get only a blind copy that does not name anyone."""
        return self.names_applicant or not self.blind_file


class Participant(models.Model):
    """A trainee of a cohort: an applicant who accepted the offer of a seat."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="participants", verbose_name=_("cohort")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("participant"),
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="participant",
        verbose_name=_("application"),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["cohort", "user"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="one_seat_per_person"),
        ]

    def __str__(self):
        return f"{self.name} ({self.cohort})"

    @property
    def name(self) -> str:
        """How staff and team mates name a trainee: the legal name, else the address."""
        profile = getattr(self.user, "profile", None)
        return (profile and profile.legal_name) or self.user.email


class OutboxMessage(models.Model):
    """One e-mail of the desk, kept until the mail server took it.

    Decision mails are written on release and held until staff have read and sent them; every
    other mail is queued at once. A failed attempt is tried again later (see `applicants.mail`);
    after the last it is failed, with its error, for staff to send again.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="mails",
        verbose_name=_("application"),
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MailKind.choices)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"))
    # A sign-in or reset link: the desk never shows its text, and the text is gone once sent.
    secret = models.BooleanField(_("carries a link to an account"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.HELD
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Queued: when to try (again). Sending: when the attempt began.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # When a task for it was last handed to the worker: while the worker is stopped, the sweep
    # queues it again only after SENDING_CUT_OFF, not on every tick.
    queued_at = models.DateTimeField(_("handed to the worker"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return self.subject

    @property
    def held_by_cohort(self) -> bool:
        """A decision, listed in its cohort's outbox."""
        return self.kind in DECISION_MAIL


def export_path(export, filename):
    """Each export in a folder of its own: two askers' workbooks of one name never meet."""
    return f"exports/{export.pk}-{uuid.uuid4().hex}/{PurePath(filename).name}"


class Export(models.Model):
    """A workbook the task worker builds for the one who asked for it, kept for some days.

    `kind` names a builder in `applicants.exports.KINDS`; `params` are what it is built from
    (a cohort, the list page's filters), so the worker builds what the page showed.
    """

    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("built from"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("requested by"),
    )
    # The headers' and labels' language is the requester's.
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to=export_path, max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("asked for"), default=timezone.now, db_index=True)
    # When a build task was last handed to the worker; the sweep hands it again when lost.
    queued_at = models.DateTimeField(_("handed to the worker"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Asked for after the second factor: the worker builds with the asker's reads of that
    # moment (personal data needs the second factor, and the worker has no session).
    verified = models.BooleanField(_("asked with a second factor"), default=False)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("export_detail", kwargs={"pk": self.pk})

    @property
    def pending(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)


class AuditEntry(models.Model):
    """Who changed what and when: written by services for every state change."""

    # The actions that make an application's status history.
    STATUS_ACTIONS = ("application.started", "application.status")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.action} {self.from_state}→{self.to_state}"

    def _state_label(self, value):
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        for name in ("status", "state"):
            try:
                choices = dict(model._meta.get_field(name).flatchoices)
            except (AttributeError, FieldDoesNotExist):
                continue
            return choices.get(value, value)
        return value

    @property
    def from_label(self):
        return self._state_label(self.from_state)

    @property
    def to_label(self):
        return self._state_label(self.to_state)


class PersonalDataAccess(models.Model):
    """One read of a person's personal data: who saw what of whom, when and where.

    Written by `applicants.access_log` whenever a page, a download or an export shows a
    passport number, a birth date, a passport scan or a consent form in full.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personal_data_reads",
        verbose_name=_("whose"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    what = models.CharField(_("what"), max_length=20, choices=PersonalDatum.choices)
    where = models.CharField(_("where"), max_length=20, choices=PersonalDataPlace.choices)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"], name="personal_data_read_by_person")]

    def __str__(self):
        return f"{self.user} · {self.get_what_display()} · {self.get_where_display()}"
