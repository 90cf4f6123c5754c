from django.db import models
from django.utils.translation import gettext_lazy as _


class CohortStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Call open")
    CLOSED = "closed", _("Call closed, selecting")
    IN_PRODUCTION = "in_production", _("In production")
    FINISHED = "finished", _("Finished")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    ACCEPTED = "accepted", _("Offered a seat")
    WAITLISTED = "waitlisted", _("Waitlisted")
    REJECTED = "rejected", _("Not selected")
    OFFER_ACCEPTED = "offer_accepted", _("Offer accepted")
    OFFER_DECLINED = "offer_declined", _("Offer declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationStatus

# Which state may follow which. Services consult this; nothing else moves an application.
APPLICATION_TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.SHORTLISTED, S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN},
    S.SHORTLISTED: {S.ACCEPTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN},
    S.WAITLISTED: {S.ACCEPTED, S.REJECTED, S.WITHDRAWN},
    # Before release a pending decision may still change; services refuse it afterwards.
    S.ACCEPTED: {S.OFFER_ACCEPTED, S.OFFER_DECLINED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN},
    S.OFFER_ACCEPTED: {S.WITHDRAWN},
    S.REJECTED: {S.ACCEPTED, S.WAITLISTED},
    S.OFFER_DECLINED: set(),
    S.WITHDRAWN: set(),
}


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    SELF_DESCRIBED = "self_described", _("Another identity")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


# Decisions are held as pending until the cohort releases them all together; until then an
# applicant reads them, like the desk's working state "shortlisted", as "Submitted".
DECISION_STATES = {S.ACCEPTED, S.WAITLISTED, S.REJECTED}
DESK_STATES = {S.SHORTLISTED}


class MailKind(models.TextChoices):
    OFFER = "offer", _("Offer of a seat")
    WAITLIST = "waitlist", _("Waitlist")
    REGRET = "regret", _("Regret")
    RECEIPT = "receipt", _("Receipt of an application")
    VERIFY = "verify", _("Address check")
    PASSWORD_RESET = "password_reset", _("Password reset")
    SIGNUP_ATTEMPT = "signup_attempt", _("Sign-up with a taken address")
    ANONYMISE = "anonymise", _("Request for an anonymised document")


# The decisions: written on release and held in the cohort's outbox until staff send them.
DECISION_MAIL = (MailKind.OFFER, MailKind.WAITLIST, MailKind.REGRET)


class MailStatus(models.TextChoices):
    HELD = "held", _("Not sent")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# What staff send (again): held decisions, and mail that failed for good.
UNSENT_MAIL = (MailStatus.HELD, MailStatus.FAILED)


class CrewRole(models.TextChoices):
    DIRECTOR = "director", _("Director")
    PRODUCER = "producer", _("Producer")
    CINEMATOGRAPHER = "cinematographer", _("Cinematographer")
    EDITOR = "editor", _("Editor")
    SOUND = "sound", _("Sound")
    PRODUCTION_DESIGN = "production_design", _("Production design")


class EnglishLevel(models.TextChoices):
    BASIC = "basic", _("Basic: simple everyday phrases")
    CONVERSATIONAL = "conversational", _("Conversational: I can discuss my work")
    WORKING = "working", _("Working: I can work on set in English")
    FLUENT = "fluent", _("Fluent or native")


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV")
    PORTFOLIO = "portfolio", _("Portfolio")
    PASSPORT = "passport", _("Passport bio page")
    RECOMMENDATION = "recommendation", _("Recommendation letter")
    CONSENT = "consent", _("Guardian's signed consent form")


# What reviewers judge, and so what gets a blind copy. A passport bio page or a guardian's
# consent form says who the applicant is and nothing about their filmmaking.
REVIEWED_DOCUMENTS = (DocumentKind.CV, DocumentKind.PORTFOLIO, DocumentKind.RECOMMENDATION)


class ApplicationStep(models.TextChoices):
    PROFILE = "profile", _("About you")
    FILMMAKING = "filmmaking", _("Filmmaking")
    DOCUMENTS = "documents", _("Documents")
    GUARDIAN = "guardian", _("Guardian consent")
    REVIEW = "review", _("Review and submit")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


# What staff send (again): held decisions, and mail that failed for good.
UNSENT_MAIL = (MailStatus.HELD, MailStatus.FAILED)


class PersonalDatum(models.TextChoices):
    """What of a person's personal data someone saw (applicants.PersonalDataAccess)."""

    PASSPORT_NUMBER = "passport_number", _("Passport number")
    BIRTH_DATE = "birth_date", _("Date of birth")
    PASSPORT_SCAN = "passport_scan", _("Passport scan")
    CONSENT_FORM = "consent_form", _("Consent form")


class PersonalDataPlace(models.TextChoices):
    """Where someone saw personal data."""

    APPLICATION_PAGE = "application_page", _("application page")
    DOCUMENT_DOWNLOAD = "document_download", _("document download")
    APPLICATION_EXPORT = "application_export", _("applications export")
    COHORT_REPORT = "cohort_report", _("cohort report")
    ADMIN = "admin", _("admin")
