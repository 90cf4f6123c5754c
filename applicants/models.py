from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ApplicationStatus, CohortStatus, Gender


class UserManager(BaseUserManager):
    use_in_migrations = True

    @staticmethod
    def normalize_email(email):
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email__iexact=self.normalize_email(username))

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
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")

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
    opens_at = models.DateTimeField(_("call opens"))
    closes_at = models.DateTimeField(_("call closes"))
    eligible_countries = models.ManyToManyField(
        Country, related_name="cohorts", verbose_name=_("eligible countries")
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=16)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=25)
    age_reference_date = models.DateField(_("age reference date"))
    seats_per_country = models.PositiveSmallIntegerField(_("seats per country"), default=2)
    team_count = models.PositiveSmallIntegerField(_("number of teams"), default=2)
    onsite_starts_on = models.DateField(_("on-site from"))
    onsite_ends_on = models.DateField(_("on-site until"))

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


class ApplicantProfile(models.Model):
    """Who the applicant is; kept across cohorts, one per account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    legal_name = models.CharField(
        _("legal name in Latin letters"),
        max_length=200,
        blank=True,
        help_text=_("As in your passport."),
    )
    native_name = models.CharField(_("name in your own script"), max_length=200, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
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
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("applicant profile")
        verbose_name_plural = _("applicant profiles")
        permissions = [
            ("view_personal_data", _("Can see passport numbers and dates of birth")),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.preferred_name or self.legal_name or self.user.email


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


class AuditEntry(models.Model):
    """Who changed what and when: written by services for every state change."""

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
