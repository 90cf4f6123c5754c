import pytest
from django.core.exceptions import ValidationError

from applicants.models import AuditEntry
from commission import services
from commission.models import Assignment, Review
from tests.factories import ApplicationFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(reviewer, manager):
    application = ApplicationFactory(status="submitted")
    services.rubric_create_default(cohort=application.cohort, by=manager)
    return services.assignment_add(application=application, reviewer=reviewer, by=manager)


def all_scores(assignment, value=4):
    return {criterion.pk: value for criterion in assignment.application.cohort.criteria.all()}


def test_the_default_rubric_is_made_once_with_its_weights(manager):
    cohort = ApplicationFactory().cohort

    services.rubric_create_default(cohort=cohort, by=manager)
    services.rubric_create_default(cohort=cohort, by=manager)

    assert list(cohort.criteria.values_list("name", "weight")) == [
        ("Creative vision", 3),
        ("Storytelling", 2),
        ("Craft and portfolio", 2),
        ("Collaboration and motivation", 2),
        ("Potential", 1),
    ]


def test_a_submitted_review_is_recorded_with_who_and_when(assignment, reviewer):
    review = services.review_save(
        assignment=assignment, by=reviewer, scores=all_scores(assignment), submit=True
    )

    assert review.submitted_at is not None
    assert review.scores.count() == 5
    entry = AuditEntry.objects.get(action="review.submitted")
    assert (entry.actor, entry.object_id) == (reviewer, assignment.application_id)


def test_only_the_assigned_reviewer_scores(assignment):
    other = StaffFactory(role="Reviewer")

    with pytest.raises(services.ReviewError, match="Only the assigned reviewer"):
        services.review_save(assignment=assignment, by=other, scores=all_scores(assignment))
    assert not Review.objects.exists()


def test_a_submit_without_every_required_score_keeps_the_draft(assignment, reviewer):
    scores = all_scores(assignment)
    first = next(iter(scores))
    scores[first] = None

    with pytest.raises(services.ReviewError, match=r"Your scores are saved.*Creative vision"):
        services.review_save(assignment=assignment, by=reviewer, scores=scores, submit=True)

    review = Review.objects.get()
    assert review.submitted_at is None
    assert review.scores.count() == 4


def test_a_criterion_that_is_not_required_may_stay_unscored(assignment, reviewer):
    criterion = assignment.application.cohort.criteria.last()
    criterion.required = False
    criterion.save()
    scores = all_scores(assignment)
    scores[criterion.pk] = None

    review = services.review_save(assignment=assignment, by=reviewer, scores=scores, submit=True)

    assert review.submitted_at is not None


def test_a_score_above_the_scale_is_refused(assignment, reviewer):
    scores = all_scores(assignment)
    scores[next(iter(scores))] = 6

    with pytest.raises(ValidationError, match="run from 1 to 5"):
        services.review_save(assignment=assignment, by=reviewer, scores=scores)


def test_a_submitted_review_can_no_longer_change(assignment, reviewer):
    services.review_save(
        assignment=assignment, by=reviewer, scores=all_scores(assignment), submit=True
    )

    with pytest.raises(services.ReviewError, match="submitted and can no longer be changed"):
        services.review_save(assignment=assignment, by=reviewer, scores=all_scores(assignment, 1))
    assert set(Review.objects.get().scores.values_list("value", flat=True)) == {4}


def test_declaring_a_conflict_recuses_and_blocks_a_new_assignment(assignment, reviewer, manager):
    services.review_save(assignment=assignment, by=reviewer, scores=all_scores(assignment))

    services.conflict_declare(
        reviewer=reviewer, application=assignment.application, kind="institutional"
    )

    assert not Assignment.objects.exists()
    assert not Review.objects.exists()
    assert AuditEntry.objects.get(action="conflict.declared").note == "institutional (recused)"
    with pytest.raises(services.ReviewError, match="declared a conflict"):
        services.assignment_add(application=assignment.application, reviewer=reviewer, by=manager)
    with pytest.raises(services.ReviewError, match="already declared"):
        services.conflict_declare(
            reviewer=reviewer, application=assignment.application, kind="other"
        )


def test_a_conflict_declared_after_submitting_keeps_the_submitted_scores(assignment, reviewer):
    services.review_save(
        assignment=assignment, by=reviewer, scores=all_scores(assignment), submit=True
    )

    with pytest.raises(services.ReviewError, match="You submitted your review"):
        services.conflict_declare(
            reviewer=reviewer, application=assignment.application, kind="personal"
        )

    assert Review.objects.get().scores.count() == 5
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_an_inactive_reviewer_gets_no_assignment(manager):
    application = ApplicationFactory(status="submitted")
    gone = StaffFactory(role="Reviewer", is_active=False)

    with pytest.raises(services.ReviewError, match="is not on the review panel"):
        services.assignment_add(application=application, reviewer=gone, by=manager)
