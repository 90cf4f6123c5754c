"""The ranking's arithmetic: weighted totals, mean, median, normalisation, disagreement."""

from decimal import Decimal

import pytest

from commission import selectors, services
from commission.models import Criterion
from tests.factories import ApplicationFactory, CohortFactory, StaffFactory

pytestmark = pytest.mark.django_db


def rubric(cohort, *lines):
    """Criteria from (name, weight, scale, counted) lines, in that order."""
    return [
        Criterion.objects.create(
            cohort=cohort,
            name=name,
            weight=Decimal(str(weight)),
            scale=scale,
            counted=counted,
            position=position,
        )
        for position, (name, weight, scale, counted) in enumerate(lines)
    ]


def review(application, reviewer, criteria, values, *, submit=True):
    """`reviewer` scores `application` with `values`, one per criterion."""
    assignment = services.assignment_add(application=application, reviewer=reviewer, by=None)
    services.review_save(
        assignment=assignment,
        by=reviewer,
        scores={criterion.pk: value for criterion, value in zip(criteria, values, strict=True)},
        submit=submit,
    )


def ranked(cohort, order="mean"):
    return {row.application.pk: row for row in selectors.cohort_ranking(cohort=cohort, order=order)}


def order_of(cohort, order):
    return [row.application.pk for row in selectors.cohort_ranking(cohort=cohort, order=order)]


@pytest.fixture
def cohort():
    return CohortFactory(reviews_per_application=3)


@pytest.fixture
def panel():
    return [StaffFactory(role="Reviewer") for _n in range(3)]


def test_a_total_is_the_weighted_mean_of_the_counted_criteria_only(cohort, panel):
    criteria = rubric(
        cohort,
        ("Vision", 3, 5, True),
        ("Craft", 1, 5, True),
        ("Shown only", 5, 5, False),
    )
    application = ApplicationFactory(cohort=cohort, status="submitted")

    review(application, panel[0], criteria, [5, 1, 1])

    # (3 * 100% + 1 * 0%) / 4; the uncounted criterion's weight 5 would make it 3/9.
    row = ranked(cohort)[application.pk]
    assert row.totals == {panel[0].pk: 75.0}
    assert (row.mean, row.median, row.reviews) == (75.0, 75.0, 1)


def test_a_criterion_weighing_nothing_adds_nothing(cohort, panel):
    criteria = rubric(cohort, ("Vision", 1, 5, True), ("Weightless", 0, 5, True))
    application = ApplicationFactory(cohort=cohort, status="submitted")

    review(application, panel[0], criteria, [4, 1])

    assert ranked(cohort)[application.pk].mean == 75.0


def test_the_scale_of_each_criterion_is_stretched_to_0_100(cohort, panel):
    criteria = rubric(cohort, ("Yes or no", 1, 2, True), ("Out of ten", 1, 10, True))
    application = ApplicationFactory(cohort=cohort, status="submitted")

    review(application, panel[0], criteria, [2, 4])

    # (100% + 3/9) / 2
    assert ranked(cohort)[application.pk].mean == pytest.approx(200 / 3)


def test_mean_and_median_of_three_reviews(cohort, panel):
    criteria = rubric(cohort, ("Vision", 1, 5, True))
    application = ApplicationFactory(cohort=cohort, status="submitted")
    for reviewer, value in zip(panel, [1, 2, 5], strict=True):
        review(application, reviewer, criteria, [value])

    row = ranked(cohort)[application.pk]

    assert sorted(row.totals.values()) == [0.0, 25.0, 100.0]
    assert row.mean == pytest.approx(125 / 3)
    assert row.median == 25.0
    assert (row.reviews, row.assigned) == (3, 3)


def test_draft_reviews_and_other_cohorts_do_not_count(cohort, panel):
    criteria = rubric(cohort, ("Vision", 1, 5, True))
    application = ApplicationFactory(cohort=cohort, status="submitted")
    review(application, panel[0], criteria, [5])
    review(application, panel[1], criteria, [1], submit=False)
    elsewhere = ApplicationFactory(status="submitted")
    review(elsewhere, panel[2], rubric(elsewhere.cohort, ("Vision", 1, 5, True)), [1])

    rows = ranked(cohort)

    assert set(rows) == {application.pk}
    assert rows[application.pk].totals == {panel[0].pk: 100.0}
    assert (rows[application.pk].reviews, rows[application.pk].assigned) == (1, 2)


def test_normalising_corrects_a_harsh_reviewer_who_scores_everyone_lower(cohort, panel):
    criteria = rubric(cohort, ("Vision", 2, 10, True), ("Craft", 1, 10, True))
    lenient, harsh = panel[0], panel[1]
    applications = ApplicationFactory.create_batch(4, cohort=cohort, status="submitted")
    lenient_scores = [[9, 10], [6, 7], [10, 8], [4, 5]]
    for application, values in zip(applications, lenient_scores, strict=True):
        review(application, lenient, criteria, values)
        review(application, harsh, criteria, [value - 2 for value in values])

    rows = ranked(cohort, "normalised")
    by_lenient = sorted(applications, key=lambda a: rows[a.pk].totals[lenient.pk], reverse=True)

    assert order_of(cohort, "normalised") == [application.pk for application in by_lenient]
    # Two points lower everywhere is no opinion at all once each reviewer is normalised:
    # both reviewers' standard scores agree, so no one is ranked up or down by the harshness.
    harsh_totals = [rows[a.pk].totals[harsh.pk] for a in applications]
    lenient_totals = [rows[a.pk].totals[lenient.pk] for a in applications]
    assert harsh_totals != lenient_totals
    mean_l = sum(lenient_totals) / 4
    spread_l = (sum((t - mean_l) ** 2 for t in lenient_totals) / 4) ** 0.5
    for application, total in zip(applications, lenient_totals, strict=True):
        assert rows[application.pk].normalised == pytest.approx((total - mean_l) / spread_l)


def test_normalising_ranks_equal_work_equally_whoever_reviewed_it(cohort, panel):
    criteria = rubric(cohort, ("Vision", 1, 10, True))
    lenient, harsh = panel[0], panel[1]
    strong_l, weak_l, strong_h, weak_h = ApplicationFactory.create_batch(
        4, cohort=cohort, status="submitted"
    )
    review(strong_l, lenient, criteria, [9])
    review(weak_l, lenient, criteria, [5])
    review(strong_h, harsh, criteria, [7])
    review(weak_h, harsh, criteria, [3])

    rows = ranked(cohort)

    # By the mean the harsh reviewer's strong application ranks below the lenient one's...
    assert rows[strong_h.pk].mean < rows[strong_l.pk].mean
    assert order_of(cohort, "mean") == [strong_l.pk, strong_h.pk, weak_l.pk, weak_h.pk]
    # ...normalised, each reviewer's best stands level, and so does each one's weakest.
    assert rows[strong_h.pk].normalised == pytest.approx(rows[strong_l.pk].normalised)
    assert rows[weak_h.pk].normalised == pytest.approx(rows[weak_l.pk].normalised)
    assert rows[strong_l.pk].normalised == pytest.approx(1.0)
    assert rows[weak_l.pk].normalised == pytest.approx(-1.0)


@pytest.mark.parametrize(
    ("points_apart", "flagged"),
    [
        (selectors.DISAGREEMENT_SPREAD - 1, False),
        (selectors.DISAGREEMENT_SPREAD, True),
        (selectors.DISAGREEMENT_SPREAD + 1, True),
    ],
)
def test_reviewers_disagree_from_the_threshold_on(cohort, panel, points_apart, flagged):
    # Yes-or-no criteria weighing `points_apart` and the rest of 100: a reviewer who says yes
    # to the first only gives exactly `points_apart` points more than one who says no.
    criteria = rubric(
        cohort, ("Vision", points_apart, 2, True), ("Craft", 100 - points_apart, 2, True)
    )
    application = ApplicationFactory(cohort=cohort, status="submitted")
    review(application, panel[0], criteria, [2, 1])
    review(application, panel[1], criteria, [1, 1])

    row = ranked(cohort)[application.pk]

    assert row.spread == pytest.approx(points_apart)
    assert row.disagreement is flagged


def test_a_single_review_never_disagrees(cohort, panel):
    criteria = rubric(cohort, ("Vision", 1, 5, True))
    application = ApplicationFactory(cohort=cohort, status="submitted")
    review(application, panel[0], criteria, [5])

    row = ranked(cohort)[application.pk]

    assert (row.spread, row.disagreement) == (0, False)


@pytest.mark.parametrize("order", ["mean", "median", "normalised"])
def test_unscored_applications_come_last_in_every_order(cohort, panel, order):
    criteria = rubric(cohort, ("Vision", 1, 5, True))
    unscored = ApplicationFactory(cohort=cohort, status="submitted")
    low, high = ApplicationFactory.create_batch(2, cohort=cohort, status="submitted")
    drafted = ApplicationFactory(cohort=cohort, status="submitted")
    review(low, panel[0], criteria, [2])
    review(high, panel[0], criteria, [5])
    review(drafted, panel[1], criteria, [5], submit=False)
    ApplicationFactory(cohort=cohort)  # a draft application is never ranked

    rows = selectors.cohort_ranking(cohort=cohort, order=order)

    assert [row.application.pk for row in rows] == [high.pk, low.pk, unscored.pk, drafted.pk]
    assert [getattr(row, order) is None for row in rows] == [False, False, True, True]
    assert (rows[2].mean, rows[2].median, rows[2].normalised) == (None, None, None)


def test_a_withdrawn_application_is_not_ranked(cohort, panel):
    from applicants.services import application_transition

    criteria = rubric(cohort, ("Vision", 1, 5, True))
    application = ApplicationFactory(cohort=cohort, status="submitted")
    review(application, panel[0], criteria, [5])
    application_transition(application=application, to="withdrawn", by=application.applicant)

    assert ranked(cohort) == {}


def test_reviews_of_a_withdrawn_application_do_not_move_anyone_elses_score(cohort, panel):
    from applicants.services import application_transition

    criteria = rubric(cohort, ("Vision", 1, 5, True))
    strong, weak = (ApplicationFactory(cohort=cohort, status="submitted") for _n in range(2))
    review(strong, panel[0], criteria, [4])
    review(weak, panel[0], criteria, [2])
    before = {pk: row.normalised for pk, row in ranked(cohort).items()}
    gone = ApplicationFactory(cohort=cohort, status="submitted")
    review(gone, panel[0], criteria, [5])
    application_transition(application=gone, to="withdrawn", by=gone.applicant)

    assert {pk: row.normalised for pk, row in ranked(cohort).items()} == before
    assert selectors.cohort_scores(cohort=cohort).keys() == {strong.pk, weak.pk}
