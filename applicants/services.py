"""Workflows of the call: accounts, cohorts, profiles and applications.

Every function takes keyword arguments, runs in one transaction and writes an audit entry for
each state change. A refused action raises a domain error with a message for the user.
"""

from datetime import date, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import APPLICATION_TRANSITIONS, ApplicationStatus, CohortStatus
from .mail import send_templated_mail
from .models import ApplicantProfile, Application, AuditEntry, Cohort, Country, User

VERIFY_SALT = "applicants.verify-email"


class ApplicationError(Exception):
    """A refused action on the call; the message is meant for the person who tried it."""


def audit(*, actor, subject, action: str, from_state="", to_state="", note="") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


# Accounts --------------------------------------------------------------------------------


def user_register(*, email: str, password: str | None, base_url: str) -> User:
    """A new applicant account, waiting for its e-mail address to be confirmed.

    Without a password the account cannot log in until a password reset.
    """
    with transaction.atomic():
        try:
            user = User.objects.create_user(email=email, password=password)
        except IntegrityError as error:
            raise ApplicationError(_("An account with this e-mail address exists.")) from error
        audit(actor=user, subject=user, action="user.registered")
        user_send_verification(user=user, base_url=base_url)
    return user


def user_verification_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def user_send_verification(*, user: User, base_url: str) -> None:
    token = user_verification_token(user=user)
    link = base_url.rstrip("/") + reverse("verify_email", kwargs={"token": token})
    send_templated_mail(
        to=user.email,
        template="registration/email/verify",
        context={"user": user, "link": link, "days": settings.EMAIL_VERIFICATION_MAX_AGE.days},
    )


def user_verify_email(*, token: str) -> User:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ApplicationError(
            _("This link has expired. Log in and we will send you a new one.")
        ) from error
    except signing.BadSignature as error:
        raise ApplicationError(_("This link is not valid.")) from error
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data["u"], email=data["e"]).first()
        if user is None:
            raise ApplicationError(_("This link is not valid."))
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit(actor=user, subject=user, action="user.email_verified")
    return user


# Reference data -------------------------------------------------------------------------


def countries_load(*, rows: list[dict]) -> int:
    """Insert or update countries by ISO code; returns how many rows were read."""
    with transaction.atomic():
        for row in rows:
            Country.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "is_asean": row["asean"],
                    "time_zone": row["time_zone"],
                },
            )
    return len(rows)


# Cohorts --------------------------------------------------------------------------------


def cohort_create(
    *,
    by: User | None,
    name: str,
    slug: str,
    opens_at: datetime,
    closes_at: datetime,
    age_reference_date: date,
    onsite_starts_on: date,
    onsite_ends_on: date,
    eligible_countries,
    host_city: str = "Busan",
    min_age: int = 16,
    max_age: int = 25,
    seats_per_country: int = 2,
    team_count: int = 2,
    status: str = CohortStatus.DRAFT,
) -> Cohort:
    cohort = Cohort(
        name=name,
        slug=slug,
        host_city=host_city,
        status=status,
        opens_at=opens_at,
        closes_at=closes_at,
        age_reference_date=age_reference_date,
        min_age=min_age,
        max_age=max_age,
        seats_per_country=seats_per_country,
        team_count=team_count,
        onsite_starts_on=onsite_starts_on,
        onsite_ends_on=onsite_ends_on,
    )
    cohort.full_clean()
    with transaction.atomic():
        cohort.save()
        cohort.eligible_countries.set(eligible_countries)
        audit(actor=by, subject=cohort, action="cohort.created", to_state=status)
    return cohort


def cohort_set_status(*, cohort: Cohort, status: str, by: User | None) -> Cohort:
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.status != status:
            audit(
                actor=by,
                subject=cohort,
                action="cohort.status",
                from_state=cohort.status,
                to_state=status,
            )
            cohort.status = status
            cohort.save(update_fields=["status"])
    return cohort


# Profiles and applications --------------------------------------------------------------


def profile_update(*, user: User, **fields) -> ApplicantProfile:
    with transaction.atomic():
        profile, _created = ApplicantProfile.objects.select_for_update().get_or_create(user=user)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.full_clean()
        profile.save()
    return profile


def application_start(
    *, applicant: User, cohort: Cohort, at: datetime | None = None
) -> Application:
    if not cohort.is_call_open(at):
        raise ApplicationError(_("The call for %(cohort)s is not open.") % {"cohort": cohort})
    with transaction.atomic():
        try:
            with transaction.atomic():
                application = Application.objects.create(cohort=cohort, applicant=applicant)
        except IntegrityError as error:
            raise ApplicationError(
                _("You already have an application to %(cohort)s.") % {"cohort": cohort}
            ) from error
        audit(
            actor=applicant,
            subject=application,
            action="application.started",
            to_state=ApplicationStatus.DRAFT,
        )
    return application


def application_transition(
    *,
    application: Application,
    to: str,
    by: User | None,
    note: str = "",
    at: datetime | None = None,
) -> Application:
    """Move an application to another state, if the state machine allows it."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        current = ApplicationStatus(application.status)
        if to not in APPLICATION_TRANSITIONS[current]:
            raise ApplicationError(
                _("An application that is %(current)s cannot become %(to)s.")
                % {"current": current.label, "to": ApplicationStatus(to).label}
            )
        application.status = to
        if to == ApplicationStatus.SUBMITTED:
            application.submitted_at = at or timezone.now()
        application.save()
        audit(
            actor=by,
            subject=application,
            action="application.status",
            from_state=current,
            to_state=to,
            note=note,
        )
    return application


def application_submit(
    *, application: Application, by: User, at: datetime | None = None
) -> Application:
    at = at or timezone.now()
    if not application.cohort.is_call_open(at):
        raise ApplicationError(
            _("The deadline for %(cohort)s has passed; your draft is kept.")
            % {"cohort": application.cohort}
        )
    return application_transition(
        application=application, to=ApplicationStatus.SUBMITTED, by=by, at=at
    )
