"""Workflows of the staff desk: staff accounts, the rubric, assignments, conflicts, reviews.

Keyword-only arguments, one transaction each, an audit entry for every change, and
`ReviewError` with a message for the person when something is refused.
"""

from collections import Counter
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import Application, Cohort, User
from applicants.services import audit

from .enums import DEFAULT_RUBRIC, REVIEWABLE_STATES, REVIEWER_PERMISSION
from .models import Assignment, Conflict, Criterion, Review, Score


class ReviewError(Exception):
    """A refused action of the panel; the message is meant for the person who tried it."""


def staff_create(*, email: str, full_name: str, password: str, role: str, by=None, country=None):
    """A staff account in one role group, its e-mail address taken as confirmed."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            is_staff=True,
            email_verified_at=timezone.now(),
            country=country,
        )
        user.groups.add(Group.objects.get(name=role))
        audit(actor=by, subject=user, action="staff.created", to_state=role)
    return user


# The rubric ----------------------------------------------------------------------------


def rubric_create_default(*, cohort: Cohort, by: User | None) -> list[Criterion]:
    """Give a cohort without criteria the default rubric; a cohort with some keeps them."""
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.criteria.exists():
            return list(cohort.criteria.all())
        criteria = [
            Criterion.objects.create(
                cohort=cohort,
                name=str(name),
                description=str(description),
                weight=weight,
                counted=counted,
                position=position,
            )
            for position, (name, description, weight, counted) in enumerate(DEFAULT_RUBRIC)
        ]
        audit(actor=by, subject=cohort, action="rubric.created", note=f"{len(criteria)}")
    return criteria


def rubric_locked(cohort: Cohort) -> bool:
    """Once a review is submitted, changing the rubric would change what it meant."""
    return Review.objects.filter(
        assignment__application__cohort=cohort, submitted_at__isnull=False
    ).exists()


# What a manager may change on a criterion; the cohort is the page's.
RUBRIC_FIELDS = ("name", "description", "weight", "scale", "required", "counted", "position")


def _locked_error(cohort: Cohort) -> ReviewError:
    return ReviewError(
        _(
            "A review of %(cohort)s is already submitted, so its rubric can no longer change: "
            "nothing was saved."
        )
        % {"cohort": cohort}
    )


def rubric_start(*, cohort: Cohort, by: User | None) -> list[Criterion]:
    """Start a cohort's rubric from the default one, unless reviews already count on it."""
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        if rubric_locked(cohort):
            raise _locked_error(cohort)
        return rubric_create_default(cohort=cohort, by=by)


def _check_rubric(criteria: list[Criterion]) -> None:
    """The rules of a whole rubric; each criterion's own are the model's."""
    for criterion in criteria:
        if criterion.weight is not None and criterion.weight < 0:
            raise ReviewError(
                _("The weight of %(name)s cannot be below zero.") % {"name": criterion.name}
            )
        try:
            criterion.full_clean(
                exclude=["cohort"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{message}" for messages in error.message_dict.values() for message in messages
            )
            raise ReviewError(
                _("%(name)s: %(problems)s") % {"name": criterion.name, "problems": problems}
            ) from error
    seen = set()
    for criterion in criteria:
        key = criterion.name.strip().casefold()
        if key in seen:
            raise ReviewError(
                _("Two criteria are called %(name)s: give each its own name.")
                % {"name": criterion.name}
            )
        seen.add(key)
    if not any(criterion.counted and criterion.weight > 0 for criterion in criteria):
        raise ReviewError(
            _(
                "Keep at least one counted criterion with a weight above zero: "
                "without one, no review has a total."
            )
        )


def rubric_save(*, cohort: Cohort, by: User | None, rows: list[dict], deleted: list[int]) -> dict:
    """Save a cohort's whole rubric: `rows` are criteria (with "id" when they exist already),
    `deleted` the ids of criteria to remove. All or nothing; refused once a review is submitted.

    Until then reviewers only hold drafts: a removed criterion takes its draft scores with it,
    and a draft score above a criterion's new scale is cleared, to be scored again.
    """
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        if rubric_locked(cohort):
            raise _locked_error(cohort)
        existing = {c.pk: c for c in Criterion.objects.filter(cohort=cohort)}
        deleted = sorted(set(deleted))
        row_ids = [row["id"] for row in rows if row.get("id")]
        if any(pk not in existing for pk in [*deleted, *row_ids]) or set(deleted) & set(row_ids):
            raise ReviewError(_("That criterion is not in this cohort's rubric."))

        before = {
            pk: {name: getattr(c, name) for name in RUBRIC_FIELDS} for pk, c in existing.items()
        }
        kept = {pk: c for pk, c in existing.items() if pk not in deleted}
        added = []
        for row in rows:
            criterion = kept[row["id"]] if row.get("id") else Criterion(cohort=cohort)
            for name in RUBRIC_FIELDS:
                if name in row:
                    setattr(criterion, name, row[name])
            if criterion.weight is not None and not isinstance(criterion.weight, Decimal):
                criterion.weight = Decimal(str(criterion.weight))
            if not criterion.pk:
                added.append(criterion)
        _check_rubric([*kept.values(), *added])

        changed = [
            c
            for pk, c in kept.items()
            if any(getattr(c, name) != before[pk][name] for name in RUBRIC_FIELDS)
        ]
        removed = [existing[pk] for pk in deleted]
        # Draft scores only: a submitted review would have locked the rubric above.
        cleared, _detail = Score.objects.filter(criterion_id__in=deleted).delete()
        Criterion.objects.filter(pk__in=deleted).delete()
        # Two criteria may swap names: park the renamed ones first so that no name is taken.
        renamed = [c for c in changed if c.name != before[c.pk]["name"]]
        for criterion in renamed:
            Criterion.objects.filter(pk=criterion.pk).update(name=f"(renaming {criterion.pk})")
        for criterion in changed:
            criterion.save()
            if criterion.scale < before[criterion.pk]["scale"]:
                n, _detail = Score.objects.filter(
                    criterion=criterion, value__gt=criterion.scale
                ).delete()
                cleared += n
        for criterion in added:
            criterion.save()

        note = "; ".join(
            f"{label}: {', '.join(c.name for c in criteria)}"
            for label, criteria in (("added", added), ("changed", changed), ("removed", removed))
            if criteria
        )
        if cleared:
            note += f"; draft scores cleared: {cleared}"
        audit(actor=by, subject=cohort, action="rubric.saved", note=note or "no change")
    return {
        "added": [c.name for c in added],
        "changed": [c.name for c in changed],
        "removed": [c.name for c in removed],
        "scores_cleared": cleared,
    }


# Assignments ---------------------------------------------------------------------------


def _refusal(application: Application, reviewer: User) -> str | None:
    """Why this reviewer may not review this application, or None."""
    if not reviewer.has_perm(REVIEWER_PERMISSION):
        return _("%(reviewer)s is not on the review panel.") % {"reviewer": reviewer}
    if application.submitted_at is None or application.status not in REVIEWABLE_STATES:
        return _("Application %(ref)s is not open for review.") % {"ref": application.pk}
    if Conflict.objects.filter(reviewer=reviewer, application=application).exists():
        return _("%(reviewer)s declared a conflict with application %(ref)s.") % {
            "reviewer": reviewer,
            "ref": application.pk,
        }
    cohort = application.cohort
    nationality = getattr(getattr(application.applicant, "profile", None), "nationality_id", None)
    if (
        cohort.reviewers_from_other_countries
        and reviewer.country_id
        and reviewer.country_id == nationality
    ):
        return _("%(reviewer)s comes from the applicant's country.") % {"reviewer": reviewer}
    return None


def assignment_add(
    *, application: Application, reviewer: User, by: User | None, at=None
) -> Assignment:
    refusal = _refusal(application, reviewer)
    if refusal:
        raise ReviewError(refusal)
    with transaction.atomic():
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    reviewer=reviewer,
                    application=application,
                    assigned_by=by,
                    assigned_at=at or timezone.now(),
                )
        except IntegrityError as error:
            raise ReviewError(
                _("%(reviewer)s already reviews application %(ref)s.")
                % {"reviewer": reviewer, "ref": application.pk}
            ) from error
        audit(actor=by, subject=application, action="assignment.added", note=reviewer.email, at=at)
    return assignment


def assignment_remove(*, assignment: Assignment, by: User | None) -> None:
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if Review.objects.filter(assignment=assignment, submitted_at__isnull=False).exists():
            raise ReviewError(_("This review is submitted; the assignment stays."))
        assignment.delete()
        audit(
            actor=by,
            subject=assignment.application,
            action="assignment.removed",
            note=assignment.reviewer.email,
        )


def assignments_bulk(*, applications, reviewers, by: User | None) -> dict:
    """Give every reviewer every application, skipping what is refused; says what happened."""
    made, skipped = 0, []
    for application in applications:
        for reviewer in reviewers:
            try:
                assignment_add(application=application, reviewer=reviewer, by=by)
            except ReviewError as refusal:
                skipped.append(str(refusal))
            else:
                made += 1
    return {"made": made, "skipped": skipped}


def assignments_auto(*, cohort: Cohort, reviewers, by: User | None) -> dict:
    """Bring every reviewable application up to the cohort's reviewers per application.

    The least-loaded eligible reviewer takes each seat (ties by their order in `reviewers`),
    conflicts and, when the cohort asks, reviewers from the applicant's country excluded.
    """
    wanted = cohort.reviews_per_application
    reviewers = [reviewer for reviewer in reviewers if reviewer.has_perm(REVIEWER_PERMISSION)]
    made, short = 0, []
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        applications = list(
            Application.objects.filter(
                cohort=cohort, submitted_at__isnull=False, status__in=REVIEWABLE_STATES
            )
            .select_related("cohort", "applicant__profile")
            .annotate(n_assigned=Count("assignments"))
            .order_by("n_assigned", "submitted_at", "pk")
        )
        load = Counter(
            dict(
                Assignment.objects.filter(application__cohort=cohort)
                .values_list("reviewer")
                .annotate(n=Count("pk"))
            )
        )
        taken = set(
            Assignment.objects.filter(application__cohort=cohort).values_list(
                "reviewer_id", "application_id"
            )
        )
        conflicts = set(
            Conflict.objects.filter(application__cohort=cohort).values_list(
                "reviewer_id", "application_id"
            )
        )
        order = {reviewer.pk: index for index, reviewer in enumerate(reviewers)}
        for application in applications:
            nationality = getattr(application.applicant.profile, "nationality_id", None)
            for _seat in range(wanted - application.n_assigned):
                candidates = [
                    reviewer
                    for reviewer in reviewers
                    if (reviewer.pk, application.pk) not in taken
                    and (reviewer.pk, application.pk) not in conflicts
                    and not (
                        cohort.reviewers_from_other_countries
                        and reviewer.country_id
                        and reviewer.country_id == nationality
                    )
                ]
                if not candidates:
                    short.append(application.pk)
                    break
                reviewer = min(candidates, key=lambda r: (load[r.pk], order[r.pk]))
                Assignment.objects.create(
                    reviewer=reviewer, application=application, assigned_by=by
                )
                audit(
                    actor=by,
                    subject=application,
                    action="assignment.added",
                    note=f"{reviewer.email} (automatic)",
                )
                taken.add((reviewer.pk, application.pk))
                load[reviewer.pk] += 1
                made += 1
    return {"made": made, "short": short}


# Conflicts -----------------------------------------------------------------------------


def conflict_declare(
    *, reviewer: User, application: Application, kind: str, note: str = ""
) -> Conflict:
    """Declare a conflict; an assignment of the same pair goes, with its review (recusal)."""
    with transaction.atomic():
        conflict, created = Conflict.objects.get_or_create(
            reviewer=reviewer, application=application, defaults={"kind": kind, "note": note}
        )
        if not created:
            raise ReviewError(_("You already declared a conflict with this application."))
        recused = Assignment.objects.filter(reviewer=reviewer, application=application).delete()
        audit(
            actor=reviewer,
            subject=application,
            action="conflict.declared",
            note=kind + (" (recused)" if recused[0] else ""),
        )
    return conflict


# Reviews -------------------------------------------------------------------------------


def review_save(
    *,
    assignment: Assignment,
    by: User,
    scores: dict,
    comment: str = "",
    submit: bool = False,
    at=None,
) -> Review:
    """Save a reviewer's scores ({criterion id: 1..scale or None}); submit checks them all.

    A refused submit keeps what was saved: the scores stay as a draft.
    """
    if assignment.reviewer_id != by.pk:
        raise ReviewError(_("Only the assigned reviewer can score this application."))
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        review, _created = Review.objects.get_or_create(assignment=assignment)
        if review.submitted_at:
            raise ReviewError(_("This review is submitted and can no longer be changed."))
        criteria = {
            c.pk: c for c in Criterion.objects.filter(cohort_id=assignment.application.cohort_id)
        }
        if not criteria:
            raise ReviewError(_("This cohort has no rubric yet; the programme team is on it."))
        review.comment = comment
        review.full_clean()
        review.save()
        for criterion_id, value in scores.items():
            criterion = criteria.get(int(criterion_id))
            if criterion is None:
                raise ReviewError(_("That criterion is not in this cohort's rubric."))
            if value in (None, ""):
                Score.objects.filter(review=review, criterion=criterion).delete()
                continue
            score = Score(review=review, criterion=criterion, value=int(value))
            score.full_clean(exclude=["review"], validate_unique=False)
            Score.objects.update_or_create(
                review=review, criterion=criterion, defaults={"value": int(value)}
            )
        scored = set(review.scores.values_list("criterion_id", flat=True))
        missing = [c.name for c in criteria.values() if c.required and c.pk not in scored]
        if submit and not missing:
            review.submitted_at = at or timezone.now()
            review.save(update_fields=["submitted_at"])
            audit(
                actor=by,
                subject=assignment.application,
                action="review.submitted",
                note=by.email,
                at=at,
            )
    if submit and missing:
        raise ReviewError(
            _("Your scores are saved. Score every required criterion to submit: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    return review
