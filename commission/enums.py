from django.db import models
from django.utils.translation import gettext_lazy as _

from applicants.enums import ApplicationStatus

# Applications the panel reviews: submitted and still in the running.
REVIEWABLE_STATES = [ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED]
# How many of each country wait for a seat that frees up; the rest are sent regrets.
WAITLIST_PER_COUNTRY = 3
# Who is on the review panel: whoever holds this permission (the Reviewer role does).
REVIEWER_PERMISSION = "commission.add_review"


class ConflictKind(models.TextChoices):
    """As HotCRP asks them: the reasons a reviewer must not judge an application."""

    PERSONAL = "personal", _("Personal: family, partner or close friend")
    INSTITUTIONAL = "institutional", _("Institutional: same school, company or employer")
    COLLABORATOR = "collaborator", _("Collaborator: worked together in the last three years")
    OTHER = "other", _("Other")


# The rubric every new cohort starts with: (name, description, weight, counted).
DEFAULT_RUBRIC = [
    (_("Creative vision"), _("An original voice and a clear idea of the film."), 3, True),
    (_("Storytelling"), _("The logline and synopsis hold a story worth two weeks."), 2, True),
    (_("Craft and portfolio"), _("What the portfolio and showreel show they can do."), 2, True),
    (
        _("Collaboration and motivation"),
        _("Why this incubator, and how they would work in an international team."),
        2,
        True,
    ),
    (_("Potential"), _("How much this programme could change their path."), 1, True),
]
