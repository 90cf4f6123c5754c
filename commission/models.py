"""The panel's work: a cohort's rubric, who reviews what, conflicts, reviews and scores."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants.models import Application, Cohort

from .enums import ConflictKind


class Criterion(models.Model):
    """One line of a cohort's rubric, scored from 1 to its scale."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("cohort")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("what to look for"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    scale = models.PositiveSmallIntegerField(
        _("scale"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("Scores run from 1 to this number."),
    )
    required = models.BooleanField(_("required"), default=True)
    counted = models.BooleanField(
        _("counted"),
        default=True,
        help_text=_("Untick to show the criterion to reviewers without counting it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["cohort", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="criterion_name_per_cohort"),
        ]

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """A reviewer asked to review one application."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("reviewer"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["application", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "application"], name="one_assignment_per_reviewer"
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.application_id}"


class Conflict(models.Model):
    """A reviewer's declared conflict of interest: they never review that application."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conflicts",
        verbose_name=_("reviewer"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "application"], name="one_conflict_per_reviewer"
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} ✕ {self.application_id} ({self.kind})"


class Review(models.Model):
    """A reviewer's scores for one assigned application; a draft until submitted."""

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("assignment"),
    )
    comment = models.TextField(
        _("comment for the staff"),
        max_length=5000,
        blank=True,
        help_text=_("Only programme staff read this; applicants never do."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["assignment"]

    def __str__(self):
        return f"{_('Review')} {self.assignment}"


class Score(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["review", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=models.Q(value__gte=1), name="score_at_least_one"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"

    def clean(self):
        if self.criterion_id and self.value and self.value > self.criterion.scale:
            raise ValidationError(
                {
                    "value": _("Scores for %(criterion)s run from 1 to %(scale)d.")
                    % {"criterion": self.criterion, "scale": self.criterion.scale}
                }
            )


class Heartbeat(models.Model):
    """When a background process last showed it was alive: `/health/` reads the worker's."""

    name = models.CharField(_("process"), max_length=40, unique=True)
    at = models.DateTimeField(_("last heard"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return self.name
