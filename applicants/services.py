"""Workflows of the call: accounts, cohorts, profiles and applications.

Every function takes keyword arguments, runs in one transaction and writes an audit entry for
each state change. A refused action raises a domain error with a message for the user.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .blind import BlindCopyError, Identity, blind_pdf, findings, pdf_text
from .enums import (
    APPLICATION_TRANSITIONS,
    REVIEWED_DOCUMENTS,
    ApplicationStatus,
    ApplicationStep,
    CohortStatus,
    DocumentKind,
    MailKind,
)
from .mail import mail_queue, mail_render, send_templated_mail
from .models import (
    ApplicantProfile,
    Application,
    ApplicationDocument,
    AuditEntry,
    Cohort,
    Country,
    OutboxMessage,
    Participant,
    User,
)
from .validators import EXTENSIONS, PDF, CheckedFile, safe_file_stem, validate_upload

VERIFY_SALT = "applicants.verify-email"
SIGNUP_ATTEMPT_MAIL_EVERY = timedelta(hours=1)


class ApplicationError(Exception):
    """A refused action on the call; the message is meant for the person who tried it."""


@dataclass(frozen=True)
class MissingItem:
    step: str
    label: str


class IncompleteApplication(ApplicationError):
    """Submit refused: `items` says what is missing or ineligible, and on which step."""

    def __init__(self, items: list[MissingItem]):
        super().__init__(_("Your application is not complete yet."))
        self.items = items


def audit(
    *, actor, subject, action: str, from_state="", to_state="", note="", at=None
) -> AuditEntry:
    """Record a change; `at` is when it happened, now unless the caller knows better."""
    return AuditEntry.objects.create(
        created_at=at or timezone.now(),
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


def user_sign_up(*, email: str, password: str, base_url: str) -> None:
    """Sign-up as the public page does it: the answer never tells whether the address has an
    account. A new address gets an account and a verification link; the owner of a taken one
    gets a mail saying someone tried, with links to log in and to reset the password."""
    email = User.objects.normalize_email(email)
    with transaction.atomic():
        owner = User.objects.filter(email=email).first()
        if owner is None:
            try:
                with transaction.atomic():
                    user_register(email=email, password=password, base_url=base_url)
                return
            except ApplicationError:
                # Taken between the look and the insert: answered as any taken address.
                owner = User.objects.get(email=email)
        # As long as creating an account takes, so that time does not tell either.
        make_password(password)
        audit(actor=None, subject=owner, action="user.signup_attempted")
        told = OutboxMessage.objects.filter(
            to=owner.email,
            kind=MailKind.SIGNUP_ATTEMPT,
            created_at__gte=timezone.now() - SIGNUP_ATTEMPT_MAIL_EVERY,
        )
        if told.exists():
            return  # one such mail an hour: sign-ups in a loop do not flood a mailbox
        base_url = base_url.rstrip("/")
        send_templated_mail(
            to=owner.email,
            template="registration/email/signup_attempt",
            context={
                "login_link": base_url + reverse("login"),
                "reset_link": base_url + reverse("password_reset"),
            },
            kind=MailKind.SIGNUP_ATTEMPT,
        )


def _verification_state(user: User) -> str:
    # What a link is good for: it dies once the address is confirmed or changes, or the
    # password changes (a reset among them).
    state = f"{user.email}|{user.password}|{user.email_verified_at or ''}"
    return salted_hmac(VERIFY_SALT, state, algorithm="sha256").hexdigest()


def user_verification_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _verification_state(user)}, salt=VERIFY_SALT)


def user_send_verification(*, user: User, base_url: str) -> None:
    token = user_verification_token(user=user)
    link = base_url.rstrip("/") + reverse("verify_email", kwargs={"token": token})
    send_templated_mail(
        to=user.email,
        template="registration/email/verify",
        context={"user": user, "link": link, "days": settings.EMAIL_VERIFICATION_MAX_AGE.days},
        kind=MailKind.VERIFY,
        secret=True,
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
        user = User.objects.select_for_update().filter(pk=data.get("u")).first()
        if user is None or not constant_time_compare(data.get("s", ""), _verification_state(user)):
            raise ApplicationError(
                _(
                    "This link is not valid any more: it has been used, or the account has "
                    "changed since it was sent. Log in; if your address still needs "
                    "confirming, we will send you a new link."
                )
            )
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
    blind_review: bool = True,
    reviews_per_application: int = 3,
    reviewers_from_other_countries: bool = False,
    personal_data_kept_days: int = 180,
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
        blind_review=blind_review,
        reviews_per_application=reviews_per_application,
        reviewers_from_other_countries=reviewers_from_other_countries,
        personal_data_kept_days=personal_data_kept_days,
    )
    cohort.full_clean()
    with transaction.atomic():
        try:
            with transaction.atomic():
                cohort.save()
        except IntegrityError as error:  # another manager took the slug a moment ago
            raise ValidationError({"slug": _("A cohort with this slug exists.")}) from error
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


def cohort_update(*, cohort: Cohort, by: User | None, fields: dict, eligible_countries) -> Cohort:
    """Change a cohort's settings; the audit note names what changed, and a status change
    shows as from/to states. A cohort that fails validation is not saved."""
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        from_status = cohort.status
        changed = [name for name, value in fields.items() if getattr(cohort, name) != value]
        for name, value in fields.items():
            setattr(cohort, name, value)
        cohort.full_clean()
        cohort.save()
        before = set(cohort.eligible_countries.values_list("pk", flat=True))
        if before != {country.pk for country in eligible_countries}:
            changed.append("eligible_countries")
            cohort.eligible_countries.set(eligible_countries)
        moved = cohort.status != from_status
        audit(
            actor=by,
            subject=cohort,
            action="cohort.updated",
            from_state=from_status if moved else "",
            to_state=cohort.status if moved else "",
            note=", ".join(changed),
        )
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
        ApplicantProfile.objects.get_or_create(user=applicant)
        audit(
            actor=applicant,
            subject=application,
            action="application.started",
            to_state=ApplicationStatus.DRAFT,
            at=at,
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
            at=at,
        )
    return application


# Below this age on the cohort's reference date an applicant needs a guardian's consent.
ADULT_AGE = 18


def application_is_minor(application: Application) -> bool:
    profile = getattr(application.applicant, "profile", None)
    if profile is None or profile.date_of_birth is None:
        return False
    return application.cohort.age_on_reference_date(profile.date_of_birth) < ADULT_AGE


def application_steps(application: Application) -> list[str]:
    """The steps this applicant goes through; the guardian's only for a minor."""
    return [
        step
        for step in ApplicationStep
        if step != ApplicationStep.GUARDIAN or application_is_minor(application)
    ]


PROFILE_REQUIRED = [
    "legal_name",
    "date_of_birth",
    "nationality",
    "residence",
    "phone",
    "city",
    "languages",
    "english_level",
    "passport_number",
    "passport_expires_on",
]
FILMMAKING_REQUIRED = ["role_1", "bio", "motivation", "logline", "synopsis"]
DOCUMENTS_REQUIRED = [DocumentKind.CV, DocumentKind.PORTFOLIO, DocumentKind.PASSPORT]


def application_missing_items(application: Application) -> list[MissingItem]:
    """Everything that stops a submit, each with the step that fixes it."""
    S = ApplicationStep
    profile = ApplicantProfile.objects.filter(user=application.applicant_id).first()
    cohort = application.cohort
    items = []
    for name in PROFILE_REQUIRED:
        if not profile or getattr(profile, name) in (None, ""):
            label = ApplicantProfile._meta.get_field(name).verbose_name
            items.append(MissingItem(S.PROFILE, _("%(field)s is missing.") % {"field": label}))
    if (
        profile
        and profile.nationality_id
        and not cohort.eligible_countries.filter(pk=profile.nationality_id).exists()
    ):
        items.append(
            MissingItem(
                S.PROFILE,
                _("This call is not open to nationals of %(country)s.")
                % {"country": profile.nationality},
            )
        )
    if profile and profile.date_of_birth:
        age = cohort.age_on_reference_date(profile.date_of_birth)
        if not cohort.min_age <= age <= cohort.max_age:
            items.append(
                MissingItem(
                    S.PROFILE,
                    _("You must be %(min)d to %(max)d years old on %(date)s; you will be %(age)d.")
                    % {
                        "min": cohort.min_age,
                        "max": cohort.max_age,
                        "age": age,
                        "date": date_format(cohort.age_reference_date, "j M Y"),
                    },
                )
            )
    if (
        profile
        and profile.passport_expires_on
        and (profile.passport_expires_on < cohort.onsite_ends_on)
    ):
        items.append(
            MissingItem(
                S.PROFILE,
                _("Your passport must be valid until at least %(date)s.")
                % {"date": date_format(cohort.onsite_ends_on, "j M Y")},
            )
        )
    for name in FILMMAKING_REQUIRED:
        if not getattr(application, name):
            label = Application._meta.get_field(name).verbose_name
            items.append(
                MissingItem(
                    S.FILMMAKING,
                    _("%(field)s is missing.") % {"field": label},
                )
            )
    uploaded = set(application.documents.values_list("kind", flat=True))
    for kind in DOCUMENTS_REQUIRED:
        if kind not in uploaded:
            items.append(
                MissingItem(S.DOCUMENTS, _("Upload your %(document)s.") % {"document": kind.label})
            )
    if application_is_minor(application):
        if not (application.guardian_name and application.guardian_email):
            items.append(MissingItem(S.GUARDIAN, _("Your guardian's name and e-mail address.")))
        if DocumentKind.CONSENT not in uploaded:
            items.append(
                MissingItem(S.GUARDIAN, _("Upload the consent form your guardian signed."))
            )
    return [MissingItem(item.step, item.label[:1].upper() + item.label[1:]) for item in items]


LIVE_STATES = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.OFFER_ACCEPTED,
]


def _require_profile_unlocked(application: Application) -> None:
    """The profile is part of every submitted application that is still being decided on."""
    live = (
        Application.objects.filter(applicant=application.applicant_id, status__in=LIVE_STATES)
        .exclude(cohort__status=CohortStatus.FINISHED)
        .select_related("cohort")
        .first()
    )
    if live:
        raise ApplicationError(
            _(
                "Your details are part of your submitted application to %(cohort)s, so they "
                "stay as they are; write to the programme team to correct them."
            )
            % {"cohort": live.cohort}
        )


def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationError(_("This application is submitted and can no longer be changed."))


def application_save_step(
    *,
    application: Application,
    by: User,
    profile: dict | None = None,
    answers: dict | None = None,
) -> Application:
    """Save a step of a draft: what the applicant typed, checked for form, not completeness."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _require_draft(application)
        if profile:
            _require_profile_unlocked(application)
            profile_update(user=application.applicant, **profile)
        if answers:
            for name, value in answers.items():
                setattr(application, name, value)
            application.full_clean(exclude=["cohort", "applicant"])
        application.save()
    return application


def document_upload(
    *, application: Application, kind: str, upload, by: User
) -> ApplicationDocument:
    """Store an uploaded document, replacing one of the same kind; refused files keep the old.

    A document reviewers judge gets its blind copy, and a note of what in it names the
    applicant. After submitting, only such a document of a blind cohort may be replaced, by
    an anonymised version, until decisions are out.
    """
    _require_draft_or_anonymising(application, kind)
    checked = validate_upload(upload, kind)
    content_type = checked.content_type
    original_name = document_display_name(upload.name, kind, content_type)
    blind = blind_copy_make(checked=checked, kind=kind, applicant_id=application.applicant_id)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("cohort")
            .get(pk=application.pk)
        )
        _require_draft_or_anonymising(application, kind)
        old = ApplicationDocument.objects.filter(application=application, kind=kind).first()
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=original_name,
            content_type=content_type,
            size=checked.size,
        )
        document.file.save(original_name, checked.content, save=False)
        if blind is not None:
            document.blind_file.save(f"{kind}{EXTENSIONS[content_type]}", blind.file, save=False)
            document.blind_findings = blind.findings
        if old:
            _delete_files_on_commit(old)
            old.delete()
        document.save()
        action = (
            "document.uploaded"
            if application.status == ApplicationStatus.DRAFT
            else "document.anonymised"
        )
        audit(actor=by, subject=application, action=action, note=kind)
    return document


def _require_draft_or_anonymising(application: Application, kind: str) -> None:
    if application.status == ApplicationStatus.DRAFT:
        return
    if not document_may_be_anonymised(application, kind):
        _require_draft(application)


def document_may_be_anonymised(application: Application, kind: str) -> bool:
    """Whether a submitted application's document may still be replaced: one that names its
    applicant in a blind cohort, until decisions are released."""
    return (
        document_may_be_anonymised_at_all(application)
        and application.cohort.blind_review
        and ApplicationDocument.objects.filter(application=application, kind=kind)
        .exclude(blind_findings="")
        .exists()
    )


def _delete_files_on_commit(document: ApplicationDocument) -> None:
    for stored in (document.file, document.blind_file):
        if stored:
            name, storage = stored.name, stored.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


# Blind copies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlindCopyMade:
    file: ContentFile
    findings: str


def _identity(applicant_id: int) -> Identity:
    # Read afresh: a caller's user may hold a profile from before its last save.
    return Identity.of(User.objects.select_related("profile").get(pk=applicant_id))


def blind_copy_make(*, checked: CheckedFile, kind: str, applicant_id: int) -> BlindCopyMade | None:
    """The blind copy of a document reviewers judge (None for other kinds, or for a PDF that
    cannot be copied: reviewers of a blind cohort then do not get it)."""
    if kind not in REVIEWED_DOCUMENTS:
        return None
    if checked.content_type == PDF:
        try:
            copy = blind_pdf(checked.data)
        except BlindCopyError:
            return None
        content, text = copy.content, copy.text
    else:
        # A picture is re-encoded on upload already; there is no text to read in it.
        content, text = checked.data, ""
    found = findings(text, _identity(applicant_id))
    return BlindCopyMade(file=ContentFile(content), findings=", ".join(found)[:300])


def document_blind_check(*, document: ApplicationDocument) -> ApplicationDocument:
    """Make a document's blind copy if it has none, and check it again for the applicant's
    names as they are now (a profile may change between upload and submit)."""
    if document.kind not in REVIEWED_DOCUMENTS:
        return document
    applicant_id = document.application.applicant_id
    if not document.blind_file:
        with document.file.open("rb") as stored:
            data = stored.read()
        checked = CheckedFile(
            content_type=document.content_type, data=data, name=document.original_name
        )
        blind = blind_copy_make(checked=checked, kind=document.kind, applicant_id=applicant_id)
        if blind is None:
            return document
        ext = EXTENSIONS.get(document.content_type, "")
        document.blind_file.save(f"{document.kind}{ext}", blind.file, save=False)
        document.blind_findings = blind.findings
    elif document.content_type == PDF:
        try:
            with document.blind_file.open("rb") as stored:
                text = pdf_text(stored.read())
        except BlindCopyError:
            return document
        document.blind_findings = ", ".join(findings(text, _identity(applicant_id)))[:300]
    document.save(update_fields=["blind_file", "blind_findings"])
    return document


def blind_copies_backfill() -> tuple[int, int]:
    """Blind copies for documents uploaded before there were any; the applicants of blind
    cohorts under review whose documents name them are asked for anonymised versions.
    Returns how many copies were made and how many applicants were asked."""
    documents = ApplicationDocument.objects.filter(
        kind__in=REVIEWED_DOCUMENTS, blind_file=""
    ).select_related("application__cohort", "application__applicant__profile")
    made, touched = 0, set()
    for document in documents.iterator():
        with transaction.atomic():
            document = document_blind_check(document=document)
        if document.blind_file:
            made += 1
            touched.add(document.application_id)
    asked = 0
    for application in Application.objects.filter(pk__in=touched).select_related(
        "cohort", "applicant__profile"
    ):
        if document_may_be_anonymised_at_all(application):
            with transaction.atomic():
                asked += anonymise_request_send(application=application) is not None
    return made, asked


def document_may_be_anonymised_at_all(application: Application) -> bool:
    return (
        application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
        and application.cohort.decisions_released_at is None
    )


def documents_naming_applicant(application: Application) -> list[ApplicationDocument]:
    """The documents reviewers of a blind cohort do not get because they name the applicant."""
    if not application.cohort.blind_review:
        return []
    return [
        document
        for document in application.documents.all()
        if document.kind in REVIEWED_DOCUMENTS and document.names_applicant
    ]


def anonymise_request_send(*, application: Application) -> OutboxMessage | None:
    """Ask the applicant of a blind cohort for anonymised versions of the documents that
    name them; nothing when none does."""
    named = documents_naming_applicant(application)
    if not named:
        return None
    return send_templated_mail(
        to=application.applicant.email,
        template="applicants/email/anonymise",
        context={
            "application": application,
            "profile": getattr(application.applicant, "profile", None),
            "documents": named,
        },
        kind=MailKind.ANONYMISE,
        application=application,
    )


def document_display_name(name: str, kind: str, content_type: str) -> str:
    """The applicant's file name, made safe to show and to offer as a download name."""
    return f"{safe_file_stem(name, kind)}{EXTENSIONS[content_type]}"


def document_delete(*, document: ApplicationDocument, by: User) -> None:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=document.application_id)
        _require_draft(application)
        _delete_files_on_commit(document)
        document.delete()
        audit(actor=by, subject=application, action="document.deleted", note=document.kind)


def application_submit(
    *, application: Application, by: User, at: datetime | None = None
) -> Application:
    at = at or timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("cohort", "applicant__profile__nationality")
            .get(pk=application.pk)
        )
        if not application.cohort.is_call_open(at):
            raise ApplicationError(
                _("The deadline for %(cohort)s has passed; your draft is kept.")
                % {"cohort": application.cohort}
            )
        missing = application_missing_items(application)
        if missing:
            raise IncompleteApplication(missing)
        application = application_transition(
            application=application, to=ApplicationStatus.SUBMITTED, by=by, at=at
        )
        # The names are final now: the profile is locked once the application is in.
        for document in application.documents.all():
            document_blind_check(document=document)
        send_templated_mail(
            to=application.applicant.email,
            template="applicants/email/receipt",
            context={
                "application": application,
                "profile": application.applicant.profile,
                "documents": list(application.documents.all()),
            },
            kind=MailKind.RECEIPT,
            application=application,
        )
        anonymise_request_send(application=application)
    return application


def application_can_withdraw(application: Application) -> bool:
    """Until decisions are released, whatever state the desk has it in."""
    return (
        application.cohort.decisions_released_at is None
        and ApplicationStatus.WITHDRAWN in APPLICATION_TRANSITIONS[application.status]
    )


def application_withdraw(*, application: Application, by: User) -> Application:
    with transaction.atomic():
        # The cohort's row is what a release of decisions locks: no withdrawal slips past it.
        cohort = Cohort.objects.select_for_update().get(pk=application.cohort_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        application.cohort = cohort
        if cohort.decisions_released_at is not None:
            raise ApplicationError(
                _("Decisions for %(cohort)s are out; please write to the programme team instead.")
                % {"cohort": cohort}
            )
        if not application_can_withdraw(application):
            raise ApplicationError(_("This application can no longer be withdrawn."))
        return application_transition(
            application=application, to=ApplicationStatus.WITHDRAWN, by=by
        )


# Decisions and offers -------------------------------------------------------------------

MAIL_TEMPLATES = {
    MailKind.OFFER: "applicants/email/offer",
    MailKind.WAITLIST: "applicants/email/waitlist",
    MailKind.REGRET: "applicants/email/regret",
}
MAIL_OF_STATE = {
    ApplicationStatus.ACCEPTED: MailKind.OFFER,
    ApplicationStatus.WAITLISTED: MailKind.WAITLIST,
    ApplicationStatus.REJECTED: MailKind.REGRET,
}


def decision_mail_write(*, application: Application) -> OutboxMessage:
    """Write the decision e-mail of an application into the outbox, for staff to send."""
    kind = MAIL_OF_STATE[application.status]
    context = {"application": application, "profile": application.applicant.profile}
    return OutboxMessage.objects.create(
        application=application,
        kind=kind,
        to=application.applicant.email,
        **mail_render(template=MAIL_TEMPLATES[kind], context=context),
    )


def outbox_send(*, messages, by: User | None) -> int:
    """Queue held or failed outbox messages for sending after the commit; returns how many.

    Each is marked sent by its task once the mail server took it; a failure is tried again
    (`applicants.mail`), and a message already queued or sent is not queued twice.
    """
    with transaction.atomic():
        queued = mail_queue(messages=messages)
        for message in queued:
            audit(
                actor=by,
                subject=message.application or message,
                action="mail.queued",
                note=message.kind,
            )
    return len(queued)


def _locked_offer(application: Application) -> tuple[Cohort, Application]:
    """Lock the cohort first: every change of seats in a cohort queues behind its row."""
    cohort = Cohort.objects.select_for_update().get(pk=application.cohort_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    application.cohort = cohort
    return cohort, application


def _require_open_offer(application: Application, at: datetime) -> None:
    if application.cohort.decisions_released_at is None or (
        application.status != ApplicationStatus.ACCEPTED
    ):
        raise ApplicationError(_("There is no open offer on this application."))
    if application.offer_expires_at and application.offer_expires_at <= at:
        raise ApplicationError(_("This offer expired; the seat went to the next on the waitlist."))


def offer_accept(*, application: Application, by: User) -> Participant:
    """Take the seat: the applicant becomes a participant of the cohort."""
    with transaction.atomic():
        cohort, application = _locked_offer(application)
        _require_open_offer(application, timezone.now())
        application_transition(application=application, to=ApplicationStatus.OFFER_ACCEPTED, by=by)
        participant = Participant.objects.create(
            cohort=cohort, user=application.applicant, application=application
        )
    return participant


def offer_decline(*, application: Application, by: User, note: str = "") -> Application:
    """Give the seat back; the next on the country's waitlist is offered it."""
    with transaction.atomic():
        cohort, application = _locked_offer(application)
        _require_open_offer(application, timezone.now())
        application = application_transition(
            application=application, to=ApplicationStatus.OFFER_DECLINED, by=by, note=note
        )
        waitlist_promote(cohort=cohort, country_id=_nationality(application), by=by)
    return application


def offers_expire(*, at: datetime | None = None) -> int:
    """Close every offer past its deadline and hand its seat on; returns how many closed."""
    at = at or timezone.now()
    expired = 0
    # An offer whose e-mail still waits in the outbox has not reached its applicant: its
    # deadline cannot have passed for them.
    due = Application.objects.filter(
        status=ApplicationStatus.ACCEPTED, offer_expires_at__lte=at
    ).exclude(mails__kind=MailKind.OFFER, mails__sent_at__isnull=True)
    for pk, cohort_id in due.values_list("pk", "cohort_id"):
        with transaction.atomic():
            cohort, application = _locked_offer(Application(pk=pk, cohort_id=cohort_id))
            if application.status != ApplicationStatus.ACCEPTED:
                continue  # answered in the meantime
            application_transition(
                application=application,
                to=ApplicationStatus.OFFER_DECLINED,
                by=None,
                note="expired",
            )
            waitlist_promote(cohort=cohort, country_id=_nationality(application), by=None)
            expired += 1
    return expired


def _nationality(application: Application):
    return (
        ApplicantProfile.objects.filter(user=application.applicant_id)
        .values_list("nationality_id", flat=True)
        .first()
    )


def seats_taken(*, cohort: Cohort, country_id) -> int:
    return Application.objects.filter(
        cohort=cohort,
        applicant__profile__nationality_id=country_id,
        status__in=[ApplicationStatus.ACCEPTED, ApplicationStatus.OFFER_ACCEPTED],
    ).count()


def waitlist_promote(*, cohort: Cohort, country_id, by: User | None) -> list[Application]:
    """Offer free seats of a country to its waitlist, in order. The caller holds the lock
    on the cohort's row, so two declines at once never hand out the same seat twice."""
    promoted = []
    free = cohort.seats_per_country - seats_taken(cohort=cohort, country_id=country_id)
    waiting = Application.objects.filter(
        cohort=cohort,
        applicant__profile__nationality_id=country_id,
        status=ApplicationStatus.WAITLISTED,
    ).order_by("waitlist_position", "pk")
    for application in waiting[: max(free, 0)]:
        application = application_transition(
            application=application, to=ApplicationStatus.ACCEPTED, by=by, note="from waitlist"
        )
        application.offer_expires_at = timezone.now() + timedelta(days=cohort.offer_reply_days)
        application.waitlist_position = None
        application.save(update_fields=["offer_expires_at", "waitlist_position"])
        decision_mail_write(application=application)
        promoted.append(application)
    return promoted
