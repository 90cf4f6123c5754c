"""People's rights over their data, and how long the desk keeps it.

- An applicant downloads everything held about them: `personal_data_zip`.
- An applicant deletes their account once nothing of theirs is under decision:
  `account_delete`. Drafts and the profile are erased; applications that were submitted are
  anonymised and kept, so that the cohorts' counts stay.
- `personal_data_purge` (a nightly task), a cohort's `personal_data_kept_days` after its last
  on-site day: applicants who were not selected are anonymised, and everyone's passport scans,
  passport numbers and consent forms are deleted.

Anonymised means: no name, birth date, passport, contact, free-text answer or document is left.
What the cohort report counts stays: the application's state, dates and intended roles, and the
applicant's nationality and gender. The account row stays as a pseudonym (erased-<id>) while
applications point to it; audit entries stay, their notes without the person's names.
"""

import json
import logging
import re
import shutil
import tempfile
import zipfile
from datetime import date, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from .downloads import is_missing
from .enums import (
    DECISION_STATES,
    ApplicationStatus,
    CohortStatus,
    DocumentKind,
    MailStatus,
)
from .models import (
    ApplicantProfile,
    Application,
    ApplicationDocument,
    AuditEntry,
    Cohort,
    OutboxMessage,
    Participant,
    PersonalDataAccess,
    User,
)
from .services import ApplicationError, audit
from .signals import person_erased

logger = logging.getLogger(__name__)

S = ApplicationStatus

# The address an anonymised account keeps: unique, and never deliverable (RFC 2606).
ERASED_DOMAIN = "erased.invalid"

# An applicant's answers: blanked when the application is anonymised. The intended roles stay:
# the cohort report counts them.
ANSWERS = [
    "bio",
    "filmography",
    "showreel_url",
    "portfolio_url",
    "motivation",
    "logline",
    "synopsis",
    "guardian_name",
    "guardian_email",
    "decision_reason",
]
# The profile's personal data: blanked when a person is anonymised. Nationality and gender stay:
# the cohort report counts them.
PROFILE_PERSONAL = {
    "legal_name": "",
    "native_name": "",
    "preferred_name": "",
    "date_of_birth": None,
    "residence": None,
    "phone": "",
    "city": "",
    "languages": "",
    "english_level": "",
    "passport_number": "",
    "passport_expires_on": None,
}
PASSPORT_FIELDS = {"passport_number": "", "passport_expires_on": None}
# Deleted from everyone, the selected included, after the retention days.
IDENTITY_DOCUMENTS = [DocumentKind.PASSPORT, DocumentKind.CONSENT]

# States in which an application is still being decided on (an offer waiting for its answer
# included), while its cohort is not finished. A decision not yet released is as undecided.
UNDECIDED_STATES = {S.SUBMITTED, S.SHORTLISTED, S.WAITLISTED, S.ACCEPTED}


# Download -------------------------------------------------------------------------------


def _json(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def _display(instance, name):
    """A field's value as a person reads it: a choice's label, a country's name, text."""
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value in (None, ""):
        return value
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if field.is_relation or name == "phone":
        return str(value)
    return value


def _account(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "joined": user.date_joined,
        "email_confirmed": user.email_verified_at,
        "country": str(user.country) if user.country_id else None,
    }


def _profile(user: User) -> dict | None:
    profile = ApplicantProfile.objects.filter(user=user).select_related("nationality", "residence")
    profile = profile.first()
    if profile is None:
        return None
    names = [
        field.name
        for field in ApplicantProfile._meta.concrete_fields
        if field.name not in ("id", "user")
    ]
    return {name: _display(profile, name) for name in names}


def _document_entry(document, path) -> dict:
    return {
        "kind": str(document.get_kind_display()),
        "file_name": document.original_name,
        "type": document.content_type,
        "size": document.size,
        "uploaded": document.uploaded_at,
        "in_this_zip": path,
    }


def _status_label(application, state: str) -> str:
    if state in application.states_hidden_from_applicant():
        return str(S.SUBMITTED.label)
    return str(S(state).label) if state in S.values else state


ACTION_LABELS = {
    "user.registered": _("Account created"),
    "user.email_verified": _("E-mail address confirmed"),
    "user.data_downloaded": _("Data downloaded"),
    "application.started": _("Application started"),
    "document.uploaded": _("Document uploaded"),
    "document.deleted": _("Document deleted"),
}


def _history(user: User, applications: list[Application]) -> list[dict]:
    """The account's events, what the person did on their applications, and the state changes
    they may see (a decision not yet released, or the desk's working states, never)."""
    by_pk = {application.pk: application for application in applications}
    user_type = ContentType.objects.get_for_model(User)
    application_type = ContentType.objects.get_for_model(Application)
    entries = AuditEntry.objects.filter(
        Q(content_type=user_type, object_id=user.pk)
        | Q(content_type=application_type, object_id__in=list(by_pk))
    ).order_by("created_at", "pk")
    rows = []
    for entry in entries:
        application = (
            by_pk.get(entry.object_id) if entry.content_type_id == application_type.pk else None
        )
        if application is None:
            what = str(ACTION_LABELS.get(entry.action, entry.action))
        elif entry.action == "application.status":
            if entry.to_state in application.states_hidden_from_applicant():
                continue
            what = _("Status: %(state)s") % {"state": _status_label(application, entry.to_state)}
        elif entry.action in AuditEntry.STATUS_ACTIONS or entry.actor_id == user.pk:
            what = str(ACTION_LABELS.get(entry.action, entry.action))
            if entry.action.startswith("document."):
                kind = entry.note
                what += f": {DocumentKind(kind).label if kind in DocumentKind.values else kind}"
        else:  # the desk's own work on the application (assignments, mail): not the person's
            continue
        rows.append(
            {
                "when": entry.created_at,
                "application": application.cohort.name if application else None,
                "what": what,
            }
        )
    return rows


def _messages(user: User) -> list[dict]:
    """Mail the desk wrote to the person or about their applications, once it was let out
    (a decision held for staff is not theirs yet). A sign-in link's text is never kept."""
    mails = (
        OutboxMessage.objects.filter(Q(to__iexact=user.email) | Q(application__applicant=user))
        .exclude(status=MailStatus.HELD)
        .order_by("created_at", "pk")
    )
    return [
        {
            "to": mail.to,
            "subject": mail.subject,
            "text": None if mail.secret else mail.body,
            "kind": str(mail.get_kind_display()),
            "status": str(mail.get_status_display()),
            "written": mail.created_at,
            "sent": mail.sent_at,
        }
        for mail in mails
    ]


def _sign_ins(user: User) -> list[dict]:
    """The log-ins django-axes recorded for the address (it stores the normal form)."""
    return [
        {
            "when": entry.attempt_time,
            "logged_out": entry.logout_time,
            "ip_address": entry.ip_address,
            "browser": entry.user_agent,
        }
        for entry in AccessLog.objects.filter(username=user.email).order_by("attempt_time")
    ]


def _reads(user: User) -> list[dict]:
    """When the desk's staff read the person's passport, birth date or consent form, and
    where (the access log); which member of staff is the desk's to say, not in the file."""
    reads = PersonalDataAccess.objects.filter(person=user).order_by("at", "pk")
    return [
        {
            "when": read.at,
            "what": str(read.get_what_display()),
            "where": str(read.get_where_display()),
        }
        for read in reads
    ]


def _application(application: Application, documents: list[dict]) -> dict:
    released = application.cohort.decisions_released_at is not None
    return {
        "cohort": application.cohort.name,
        "status": str(application.applicant_status_label),
        "started": application.created_at,
        "submitted": application.submitted_at,
        "offer_reply_by": (
            application.offer_expires_at if released and application.status == S.ACCEPTED else None
        ),
        "answers": {
            name: _display(application, name)
            for name in ["role_1", "role_2", "role_3", *ANSWERS]
            if name != "decision_reason"  # the desk's note on a decision, not an answer
        },
        "documents": documents,
    }


def personal_data_zip(*, user: User):
    """Everything the desk holds about `user`, as a ZIP in a temporary file (on disk past
    16 MB), read from its start. JSON files in UTF-8, and each document's file."""
    applications = list(
        Application.objects.filter(applicant=user)
        .select_related("cohort")
        .prefetch_related("documents")
        .order_by("created_at", "pk")
    )
    out = tempfile.SpooledTemporaryFile(max_size=16 * 2**20)  # noqa: SIM115 (the response closes it)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        listed = []
        for application in applications:
            documents = []
            for document in application.documents.all():
                path = (
                    f"documents/{application.cohort.slug}/{document.kind}-{document.original_name}"
                )
                try:
                    with document.file.open("rb") as source, archive.open(path, "w") as target:
                        shutil.copyfileobj(source, target, 2**20)
                except Exception as error:
                    if not is_missing(error):
                        raise
                    logger.warning("Stored file missing: %s", document.file.name)
                    path = None
                documents.append(_document_entry(document, path))
            listed.append(_application(application, documents))
        archive.writestr(
            "profile.json", _json({"account": _account(user), "profile": _profile(user)})
        )
        archive.writestr("applications.json", _json(listed))
        archive.writestr("history.json", _json(_history(user, applications)))
        archive.writestr("messages.json", _json(_messages(user)))
        archive.writestr("sign_ins.json", _json(_sign_ins(user)))
        archive.writestr("reads_by_staff.json", _json(_reads(user)))
    audit(actor=user, subject=user, action="user.data_downloaded")
    out.seek(0)
    return out


# Deleting an account --------------------------------------------------------------------


class WrongPassword(ApplicationError):
    """A deletion not confirmed by the account's password."""


def account_deletion_blockers(*, user: User) -> list[str]:
    """Why the account cannot be deleted now, one sentence per reason; empty when it can."""
    reasons = []
    applications = (
        Application.objects.filter(applicant=user)
        .exclude(cohort__status=CohortStatus.FINISHED)
        .select_related("cohort")
        .order_by("created_at", "pk")
    )
    participant_of = set(
        Participant.objects.filter(user=user)
        .exclude(cohort__status=CohortStatus.FINISHED)
        .values_list("cohort_id", flat=True)
    )
    for application in applications:
        cohort = application.cohort
        released = cohort.decisions_released_at is not None
        if cohort.pk in participant_of or application.status == S.OFFER_ACCEPTED:
            reasons.append(
                _(
                    "You are a participant of %(cohort)s. Your account is needed until the "
                    "cohort is finished; write to the programme team if you want to leave it."
                )
                % {"cohort": cohort}
            )
        elif not released and (
            application.status in UNDECIDED_STATES or application.status in DECISION_STATES
        ):
            reasons.append(
                _(
                    "Your application to %(cohort)s is being decided on. Withdraw it first, or "
                    "wait until the decisions are out."
                )
                % {"cohort": cohort}
            )
        elif application.status == S.ACCEPTED:
            reasons.append(
                _("You are offered a seat in %(cohort)s: decline the offer first.")
                % {"cohort": cohort}
            )
        elif application.status in UNDECIDED_STATES:
            reasons.append(
                _(
                    "You are on the waitlist of %(cohort)s. Write to the programme team to "
                    "leave it, or wait until the cohort is finished."
                )
                % {"cohort": cohort}
            )
    return reasons


def _stored_files(document: ApplicationDocument) -> list:
    """The document's files in storage: the upload, and any copy made of it (a blind copy)."""
    return [
        getattr(document, field.name)
        for field in ApplicationDocument._meta.concrete_fields
        if isinstance(field, models.FileField) and getattr(document, field.name)
    ]


def _delete_files(documents) -> int:
    """Delete the documents' files and rows. A document whose file storage cannot delete now
    keeps its row (for the nightly purge to try again) and is logged; the others go on."""
    deleted = 0
    for document in documents:
        try:
            for stored in _stored_files(document):
                stored.storage.delete(stored.name)
        except Exception as error:
            if not is_missing(error):
                logger.exception("Document %s: its file could not be deleted", document.pk)
                continue
        document.delete()
        deleted += 1
    return deleted


def _application_anonymise(application: Application) -> int:
    """Blank the answers and delete the documents; returns how many documents are gone."""
    Application.objects.filter(pk=application.pk).update(**dict.fromkeys(ANSWERS, ""))
    OutboxMessage.objects.filter(application=application).delete()
    return _delete_files(ApplicationDocument.objects.filter(application=application))


def _names_of(user: User) -> list[str]:
    profile = ApplicantProfile.objects.filter(user=user).first()
    names = [user.email, user.full_name]
    if profile:
        names += [profile.legal_name, profile.native_name, profile.preferred_name]
    # A name of three letters or fewer would blank unrelated words of other notes.
    return sorted({name for name in names if name and len(name) > 3}, key=len, reverse=True)


def _audit_notes_scrub(user: User, pseudonym: str) -> None:
    """Audit notes that name the person name a pseudonym instead (staff write the name of a
    team member, the e-mail address of a reviewer... into notes)."""
    names = _names_of(user)
    if not names:
        return
    query = Q()
    for name in names:
        query |= Q(note__icontains=name)
    pattern = re.compile("|".join(re.escape(name) for name in names), re.IGNORECASE)
    for entry in AuditEntry.objects.filter(query).only("pk", "note"):
        AuditEntry.objects.filter(pk=entry.pk).update(note=pattern.sub(pseudonym, entry.note))


def _person_anonymise(user: User) -> bool:
    """The account becomes a pseudonym that cannot log in; the profile keeps only what the
    cohorts' counts need (nationality, gender). False if it already was one."""
    pseudonym = f"erased-{user.pk}@{ERASED_DOMAIN}"
    if user.email == pseudonym:
        return False
    _audit_notes_scrub(user, f"erased-{user.pk}")
    OutboxMessage.objects.filter(to__iexact=user.email).delete()
    for log in (AccessLog, AccessAttempt, AccessFailureLog):  # django-axes: address, IP, browser
        log.objects.filter(username=user.email).delete()
    ApplicantProfile.objects.filter(user=user).update(**PROFILE_PERSONAL)
    user.email = pseudonym
    user.full_name = ""
    user.is_active = False
    user.email_verified_at = None
    user.country = None
    user.set_unusable_password()  # every session of the account ends with its password hash
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    person_erased.send(sender=User, user=user)
    return True


def account_delete(*, user: User, password: str) -> None:
    """Delete the applicant's account, confirmed with their password.

    Refused while anything of theirs is under decision (see `account_deletion_blockers`).
    Drafts are deleted; submitted applications are anonymised and kept for their cohort's
    counts. Without any, the account row goes too; with some, it stays as a pseudonym.
    """
    if not user.check_password(password):
        raise WrongPassword(_("That is not your password."))
    files = []
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        reasons = account_deletion_blockers(user=user)
        if reasons:
            raise ApplicationError(reasons[0])
        for application in Application.objects.filter(applicant=user):
            if application.submitted_at is None:  # a draft, withdrawn or not: never received
                files += [
                    f for document in application.documents.all() for f in _stored_files(document)
                ]
                application.delete()
            else:  # received: anonymised, and kept for the cohort's counts
                Application.objects.filter(pk=application.pk).update(**dict.fromkeys(ANSWERS, ""))
                OutboxMessage.objects.filter(application=application).delete()
                documents = list(application.documents.all())
                files += [f for document in documents for f in _stored_files(document)]
                ApplicationDocument.objects.filter(pk__in=[d.pk for d in documents]).delete()
        pk = user.pk
        _person_anonymise(user)
        audit(actor=None, subject=user, action="user.erased")
        if not Application.objects.filter(applicant=user).exists():
            try:
                with transaction.atomic():
                    ApplicantProfile.objects.filter(user=user).delete()
                    user.delete()
            except (ProtectedError, RestrictedError):
                logger.info("Account %s is referred to elsewhere: kept as a pseudonym", pk)
        transaction.on_commit(lambda: _delete_stored(files))


def _delete_stored(files) -> None:
    for stored in files:
        try:
            stored.storage.delete(stored.name)
        except Exception:
            logger.exception("Stored file %s could not be deleted", stored.name)


# Retention ------------------------------------------------------------------------------


def purge_due_on(cohort: Cohort) -> date:
    """The day a cohort's personal data is purged: its kept days after the last on-site day."""
    return cohort.onsite_ends_on + timedelta(days=cohort.personal_data_kept_days)


def retention_of(*, user: User) -> list[tuple[Cohort, date]]:
    """The cohorts the person applied to, each with the day its personal data is purged."""
    cohorts = Cohort.objects.filter(applications__applicant=user).order_by("onsite_ends_on")
    return [(cohort, purge_due_on(cohort)) for cohort in cohorts]


def _kept_elsewhere(user_id, today: date) -> bool:
    """Whether the person has an application in a cohort whose data is not due for purge:
    their profile is part of it."""
    cohorts = Cohort.objects.filter(applications__applicant=user_id).distinct()
    return any(purge_due_on(cohort) > today for cohort in cohorts)


def cohort_purge(*, cohort: Cohort, today: date) -> dict:
    """Purge one cohort (see the module's docstring); returns what was done, counted."""
    done = {"anonymised": 0, "documents": 0, "passports": 0, "left": 0}
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.personal_data_purged_at is not None:
            return done
        applications = Application.objects.filter(cohort=cohort).select_related("applicant")
        selected = set(
            Participant.objects.filter(cohort=cohort).values_list("application_id", flat=True)
        )
        for application in applications:
            user = application.applicant
            documents = ApplicationDocument.objects.filter(application=application)
            if application.pk in selected:
                documents = documents.filter(kind__in=IDENTITY_DOCUMENTS)
                done["documents"] += _delete_files(documents)
            else:
                done["documents"] += _application_anonymise(application)
            done["left"] += ApplicationDocument.objects.filter(
                pk__in=documents.values("pk")
            ).count()
            if _kept_elsewhere(user.pk, today):
                continue
            if Participant.objects.filter(user=user).exists():
                updated = (
                    ApplicantProfile.objects.filter(user=user)
                    .exclude(passport_number="", passport_expires_on=None)
                    .update(**PASSPORT_FIELDS)
                )
                done["passports"] += updated
            elif _person_anonymise(user):
                done["anonymised"] += 1
        note = (
            f"anonymised {done['anonymised']} applicants, deleted {done['documents']} "
            f"documents and {done['passports']} participants' passport numbers"
        )
        if done["left"]:
            note += f"; {done['left']} documents could not be deleted, tried again tomorrow"
        else:
            cohort.personal_data_purged_at = timezone.now()
            cohort.save(update_fields=["personal_data_purged_at"])
        audit(actor=None, subject=cohort, action="cohort.personal_data_purged", note=note)
    return done


def personal_data_purge(*, today: date | None = None) -> int:
    """The nightly purge: every cohort whose kept days are over and that was not purged yet.
    Returns how many cohorts were purged."""
    today = today or timezone.localdate()
    purged = 0
    for cohort in Cohort.objects.filter(personal_data_purged_at__isnull=True).order_by("pk"):
        if purge_due_on(cohort) <= today:
            cohort_purge(cohort=cohort, today=today)
            purged += 1
    return purged
