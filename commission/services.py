"""Workflows of the staff desk: staff accounts, the rubric, assignments, conflicts, reviews.

Keyword-only arguments, one transaction each, an audit entry for every change, and
`ReviewError` with a message for the person when something is refused.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applicants import services as applicant_services
from applicants.enums import ApplicationStatus
from applicants.models import Application, Cohort, User
from applicants.services import audit

from .enums import DEFAULT_RUBRIC, REVIEWABLE_STATES, REVIEWER_PERMISSION, WAITLIST_PER_COUNTRY
from .models import Assignment, Conflict, Criterion, Review, Score
from .selectors import cohort_ranking


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
    if not reviewer.is_active or not reviewer.has_perm(REVIEWER_PERMISSION):
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
    reviewers = [
        reviewer
        for reviewer in reviewers
        if reviewer.is_active and reviewer.has_perm(REVIEWER_PERMISSION)
    ]
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
        if Review.objects.filter(
            assignment__reviewer=reviewer,
            assignment__application=application,
            submitted_at__isnull=False,
        ).exists():
            # A submitted score is on record; recusing must not erase it.
            raise ReviewError(
                _(
                    "You submitted your review of this application. If you see a conflict now, "
                    "write to the programme team: they decide what happens to your scores."
                )
            )
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


# Selection ------------------------------------------------------------------------------

S = ApplicationStatus
# Applications the proposal may move: every submitted one still in the running, decided or not.
SELECTABLE_STATES = [S.SUBMITTED, S.SHORTLISTED, S.ACCEPTED, S.WAITLISTED, S.REJECTED]


def propose_seats(
    ranked: list[tuple[int, object]],
    free_seats: dict,
    waitlist_length: int,
    first_position: dict | None = None,
) -> dict[int, tuple[str, int | None]]:
    """Fill each country's free seats in rank order, then its waitlist; regret the rest.

    `ranked` is (application id, country) best first. Returns {id: (state, waitlist place)}.
    """
    offered, waiting, decided = Counter(), Counter(), {}
    first_position = first_position or {}
    for application_id, country in ranked:
        if offered[country] < free_seats.get(country, 0):
            offered[country] += 1
            decided[application_id] = (S.ACCEPTED, None)
        elif waiting[country] < waitlist_length:
            waiting[country] += 1
            decided[application_id] = (
                S.WAITLISTED,
                first_position.get(country, 0) + waiting[country],
            )
        else:
            decided[application_id] = (S.REJECTED, None)
    return decided


def _require_unreleased(cohort: Cohort) -> None:
    if cohort.decisions_released_at is not None:
        raise ReviewError(
            _("The decisions of %(cohort)s are released; they can no longer change here.")
            % {"cohort": cohort}
        )


def _require_call_closed(cohort: Cohort) -> None:
    # An application submitted after a release could never be decided on.
    if cohort.closes_at > timezone.now():
        raise ReviewError(
            _("The call of %(cohort)s is open until %(deadline)s; decisions come after it.")
            % {
                "cohort": cohort,
                "deadline": date_format(timezone.localtime(cohort.closes_at), "j M Y, H:i"),
            }
        )


def _number_waitlist(cohort: Cohort, country_id, ordered_ids: list[int]) -> None:
    """Places 1, 2, 3... in this order; the rest of the country's waitlist follows it."""
    waiting = Application.objects.filter(
        cohort=cohort, applicant__profile__nationality_id=country_id, status=S.WAITLISTED
    )
    rest = [
        pk
        for pk in waiting.order_by(
            models.F("waitlist_position").asc(nulls_last=True), "pk"
        ).values_list("pk", flat=True)
        if pk not in ordered_ids
    ]
    for position, pk in enumerate([*ordered_ids, *rest], start=1):
        Application.objects.filter(pk=pk).update(waitlist_position=position)


def selection_propose(*, cohort: Cohort, by: User | None, order: str = "normalised") -> Counter:
    """Propose the cohort: seats by rank in each country, a ranked waitlist, regrets.

    Decisions a manager overrode stay as they are and keep their seats. Nothing is released.
    """
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        _require_unreleased(cohort)
        _require_call_closed(cohort)
        rows = [
            row
            for row in cohort_ranking(cohort=cohort, order=order)
            if row.application.status in SELECTABLE_STATES
        ]
        kept = [row.application for row in rows if row.application.decision_reason]
        country_of = {
            row.application.pk: row.application.applicant.profile.nationality_id for row in rows
        }
        free = Counter(dict.fromkeys(country_of.values(), cohort.seats_per_country))
        for application in kept:
            if application.status == S.ACCEPTED:
                free[country_of[application.pk]] -= 1
        ranked = [
            (row.application.pk, country_of[row.application.pk])
            for row in rows
            if not row.application.decision_reason
        ]
        proposal = propose_seats(ranked, free, WAITLIST_PER_COUNTRY)
        moved = Counter()
        for row in rows:
            application = row.application
            if application.pk in proposal and application.status != proposal[application.pk][0]:
                applicant_services.application_transition(
                    application=application,
                    to=proposal[application.pk][0],
                    by=by,
                    note="proposal",
                )
                moved[proposal[application.pk][0]] += 1
        Application.objects.filter(cohort=cohort).exclude(status=S.WAITLISTED).update(
            waitlist_position=None
        )
        # Each country's waitlist: the proposal's places first, a manager's reserves behind.
        for country in set(country_of.values()):
            proposed = sorted(
                (
                    pk
                    for pk, (state, _place) in proposal.items()
                    if state == S.WAITLISTED and country_of[pk] == country
                ),
                key=lambda pk: proposal[pk][1],
            )
            _number_waitlist(cohort, country, proposed)
        audit(actor=by, subject=cohort, action="selection.proposed", note=order)
    return moved


def selection_override(*, application: Application, to: str, reason: str, by: User) -> Application:
    """A manager's own decision on one application, with the reason written down."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Write down why you override the proposal."))
    if len(reason) > Application._meta.get_field("decision_reason").max_length:
        raise ReviewError(_("Keep the reason to 500 characters."))
    if to not in (S.ACCEPTED, S.WAITLISTED, S.REJECTED):
        raise ReviewError(_("Choose an offer, the waitlist or a regret."))
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=application.cohort_id)
        _require_unreleased(cohort)
        application = Application.objects.select_related("applicant__profile").get(
            pk=application.pk
        )
        country = application.applicant.profile.nationality_id
        if to == S.ACCEPTED and application.status != S.ACCEPTED:
            taken = applicant_services.seats_taken(cohort=cohort, country_id=country)
            if taken >= cohort.seats_per_country:
                raise ReviewError(
                    ngettext(
                        "The %(seats)d seat of %(country)s is taken: move someone off first.",
                        "All %(seats)d seats of %(country)s are taken: move someone off first.",
                        cohort.seats_per_country,
                    )
                    % {
                        "seats": cohort.seats_per_country,
                        "country": application.applicant.profile.nationality,
                    }
                )
        if application.status != to:
            application = applicant_services.application_transition(
                application=application, to=to, by=by, note=reason
            )
        application.decision_reason = reason
        application.waitlist_position = 10_000 if to == S.WAITLISTED else None  # at the back
        application.save(update_fields=["decision_reason", "waitlist_position"])
        _number_waitlist(cohort, country, [])
        application.refresh_from_db()
    return application


def decisions_release(*, cohort: Cohort, by: User | None) -> int:
    """Release every decision of the cohort at once; their e-mails wait in the outbox."""
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        _require_unreleased(cohort)
        _require_call_closed(cohort)
        undecided = Application.objects.filter(
            cohort=cohort, submitted_at__isnull=False, status__in=REVIEWABLE_STATES
        ).count()
        if undecided:
            raise ReviewError(
                ngettext(
                    "%(n)d application has no decision yet: propose the cohort first.",
                    "%(n)d applications have no decision yet: propose the cohort first.",
                    undecided,
                )
                % {"n": undecided}
            )
        for country in set(
            Application.objects.filter(cohort=cohort, status=S.WAITLISTED).values_list(
                "applicant__profile__nationality_id", flat=True
            )
        ):
            _number_waitlist(cohort, country, [])  # no gap between the places mailed out
        now = timezone.now()
        cohort.decisions_released_at = now
        cohort.save(update_fields=["decisions_released_at"])
        decided = Application.objects.filter(
            cohort=cohort, status__in=[S.ACCEPTED, S.WAITLISTED, S.REJECTED]
        ).select_related("cohort", "applicant__profile")
        decided.filter(status=S.ACCEPTED).update(
            offer_expires_at=now + timedelta(days=cohort.offer_reply_days)
        )
        written = 0
        for application in decided:
            application.cohort = cohort
            applicant_services.decision_mail_write(application=application)
            written += 1
        audit(actor=by, subject=cohort, action="decisions.released", note=f"{written}")
    return written
