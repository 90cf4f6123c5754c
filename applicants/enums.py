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
    S.ACCEPTED: {S.OFFER_ACCEPTED, S.OFFER_DECLINED, S.WITHDRAWN},
    S.OFFER_ACCEPTED: {S.WITHDRAWN},
    S.REJECTED: set(),
    S.OFFER_DECLINED: set(),
    S.WITHDRAWN: set(),
}


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    SELF_DESCRIBED = "self_described", _("Another identity")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")
