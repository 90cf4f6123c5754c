from collections import Counter

import pytest

from applicants.models import AuditEntry
from commission import services
from commission.models import Assignment
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    CohortFactory,
    CountryFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def applicant_from(code, name):
    applicant = ApplicantFactory()
    applicant.profile.nationality = CountryFactory(code=code, name=name)
    applicant.profile.save()
    return applicant


def pairs():
    return set(Assignment.objects.values_list("reviewer_id", "application_id"))


# One application, one reviewer ------------------------------------------------------------


def test_assignment_add_records_who_assigned_whom(manager, reviewer):
    application = ApplicationFactory(status="submitted")

    assignment = services.assignment_add(application=application, reviewer=reviewer, by=manager)

    assert (assignment.reviewer, assignment.assigned_by) == (reviewer, manager)
    entry = AuditEntry.objects.get(action="assignment.added")
    assert (entry.actor, entry.object_id, entry.note) == (
        manager,
        application.pk,
        "reviewer@example.org",
    )


def test_assignment_add_refuses_a_declared_conflict(manager, reviewer):
    application = ApplicationFactory(status="submitted")
    services.conflict_declare(reviewer=reviewer, application=application, kind="personal")

    with pytest.raises(services.ReviewError, match="declared a conflict"):
        services.assignment_add(application=application, reviewer=reviewer, by=manager)
    assert pairs() == set()


@pytest.mark.parametrize("role", [None, "Permits officer", "Logistics coordinator"])
def test_assignment_add_refuses_someone_not_on_the_panel(manager, role):
    application = ApplicationFactory(status="submitted")
    outsider = StaffFactory(role=role)

    with pytest.raises(services.ReviewError, match="not on the review panel"):
        services.assignment_add(application=application, reviewer=outsider, by=manager)
    assert pairs() == set()


def test_assignment_add_refuses_an_inactive_reviewer(manager):
    application = ApplicationFactory(status="submitted")
    gone = StaffFactory(role="Reviewer", is_active=False)

    with pytest.raises(services.ReviewError, match="not on the review panel"):
        services.assignment_add(application=application, reviewer=gone, by=manager)


def test_assignment_add_refuses_the_applicants_country_when_the_cohort_asks(manager):
    cohort = CohortFactory(reviewers_from_other_countries=True)
    application = ApplicationFactory(
        cohort=cohort, status="submitted", applicant=applicant_from("TH", "Thailand")
    )
    thai = StaffFactory(role="Reviewer", country=CountryFactory(code="TH", name="Thailand"))

    with pytest.raises(services.ReviewError, match="comes from the applicant's country"):
        services.assignment_add(application=application, reviewer=thai, by=manager)
    assert pairs() == set()


def test_assignment_add_allows_the_applicants_country_when_the_cohort_does_not_ask(manager):
    application = ApplicationFactory(
        cohort=CohortFactory(reviewers_from_other_countries=False),
        status="submitted",
        applicant=applicant_from("TH", "Thailand"),
    )
    thai = StaffFactory(role="Reviewer", country=CountryFactory(code="TH", name="Thailand"))

    services.assignment_add(application=application, reviewer=thai, by=manager)

    assert pairs() == {(thai.pk, application.pk)}


def test_assignment_add_refuses_a_duplicate(manager, reviewer):
    application = ApplicationFactory(status="submitted")
    services.assignment_add(application=application, reviewer=reviewer, by=manager)

    with pytest.raises(services.ReviewError, match="already reviews application"):
        services.assignment_add(application=application, reviewer=reviewer, by=manager)
    assert Assignment.objects.count() == 1
    assert AuditEntry.objects.filter(action="assignment.added").count() == 1


@pytest.mark.parametrize("status", ["draft", "withdrawn", "rejected", "accepted"])
def test_assignment_add_refuses_an_application_out_of_review(manager, reviewer, status):
    application = ApplicationFactory(status=status)

    with pytest.raises(services.ReviewError, match="not open for review"):
        services.assignment_add(application=application, reviewer=reviewer, by=manager)
    assert pairs() == set()


def test_assignment_add_accepts_a_shortlisted_application(manager, reviewer):
    application = ApplicationFactory(status="shortlisted")

    services.assignment_add(application=application, reviewer=reviewer, by=manager)

    assert pairs() == {(reviewer.pk, application.pk)}


def test_assignment_remove_refuses_once_the_review_is_submitted(manager, reviewer):
    application = ApplicationFactory(status="submitted")
    services.rubric_create_default(cohort=application.cohort, by=manager)
    assignment = services.assignment_add(application=application, reviewer=reviewer, by=manager)
    scores = {criterion.pk: 3 for criterion in application.cohort.criteria.all()}
    services.review_save(assignment=assignment, by=reviewer, scores=scores, submit=True)

    with pytest.raises(services.ReviewError, match="submitted; the assignment stays"):
        services.assignment_remove(assignment=assignment, by=manager)
    assert Assignment.objects.count() == 1


def test_assignment_remove_is_recorded(manager, reviewer):
    application = ApplicationFactory(status="submitted")
    assignment = services.assignment_add(application=application, reviewer=reviewer, by=manager)

    services.assignment_remove(assignment=assignment, by=manager)

    assert pairs() == set()
    entry = AuditEntry.objects.get(action="assignment.removed")
    assert (entry.actor, entry.object_id, entry.note) == (
        manager,
        application.pk,
        "reviewer@example.org",
    )


# Several at once ------------------------------------------------------------------------


def test_assignments_bulk_makes_every_allowed_pair_and_says_why_it_skipped_others(manager):
    cohort = CohortFactory()
    first, second = ApplicationFactory.create_batch(2, cohort=cohort, status="submitted")
    draft = ApplicationFactory(cohort=cohort)
    anna, ben = StaffFactory(role="Reviewer"), StaffFactory(role="Reviewer")
    services.conflict_declare(reviewer=ben, application=second, kind="collaborator")
    services.assignment_add(application=first, reviewer=anna, by=manager)

    result = services.assignments_bulk(
        applications=[first, second, draft], reviewers=[anna, ben], by=manager
    )

    assert result["made"] == 2
    assert pairs() == {
        (anna.pk, first.pk),
        (ben.pk, first.pk),
        (anna.pk, second.pk),
    }
    assert len(result["skipped"]) == 4
    assert any("already reviews" in reason for reason in result["skipped"])
    assert any("declared a conflict" in reason for reason in result["skipped"])
    assert sum("not open for review" in reason for reason in result["skipped"]) == 2


# Automatic ------------------------------------------------------------------------------


@pytest.fixture
def panel():
    return [StaffFactory(role="Reviewer", full_name=f"Reviewer {n}") for n in range(4)]


def loads(cohort):
    return Counter(
        Assignment.objects.filter(application__cohort=cohort).values_list("reviewer_id", flat=True)
    )


def test_assignments_auto_gives_every_application_its_reviewers_evenly(manager, panel):
    cohort = CohortFactory(reviews_per_application=2)
    applications = ApplicationFactory.create_batch(5, cohort=cohort, status="submitted")

    result = services.assignments_auto(cohort=cohort, reviewers=panel, by=manager)

    assert (result["made"], result["short"]) == (10, [])
    per_application = Counter(Assignment.objects.values_list("application_id", flat=True))
    assert per_application == {application.pk: 2 for application in applications}
    load = loads(cohort)
    assert sorted(load.values()) == [2, 2, 3, 3]
    assert max(load.values()) - min(load.values()) <= 1


def test_assignments_auto_counts_the_assignments_already_made(manager, panel):
    cohort = CohortFactory(reviews_per_application=2)
    applications = ApplicationFactory.create_batch(4, cohort=cohort, status="submitted")
    services.assignment_add(application=applications[0], reviewer=panel[0], by=manager)
    services.assignment_add(application=applications[1], reviewer=panel[0], by=manager)

    result = services.assignments_auto(cohort=cohort, reviewers=panel, by=manager)

    assert result["made"] == 6
    load = loads(cohort)
    assert max(load.values()) - min(load.values()) <= 1
    assert set(load) == {reviewer.pk for reviewer in panel}


def test_assignments_auto_a_second_run_adds_nothing(manager, panel):
    cohort = CohortFactory(reviews_per_application=3)
    ApplicationFactory.create_batch(4, cohort=cohort, status="submitted")
    services.assignments_auto(cohort=cohort, reviewers=panel, by=manager)
    before = pairs()

    result = services.assignments_auto(cohort=cohort, reviewers=panel, by=manager)

    assert result == {"made": 0, "short": []}
    assert pairs() == before


def test_assignments_auto_leaves_out_conflicts_and_the_applicants_country(manager):
    cohort = CohortFactory(reviews_per_application=2, reviewers_from_other_countries=True)
    thai_application = ApplicationFactory(
        cohort=cohort, status="submitted", applicant=applicant_from("TH", "Thailand")
    )
    other = ApplicationFactory(cohort=cohort, status="submitted")
    thai = StaffFactory(role="Reviewer", country=CountryFactory(code="TH", name="Thailand"))
    conflicted = StaffFactory(role="Reviewer")
    free = StaffFactory(role="Reviewer")
    services.conflict_declare(reviewer=conflicted, application=other, kind="personal")

    result = services.assignments_auto(
        cohort=cohort, reviewers=[thai, conflicted, free], by=manager
    )

    assert pairs() == {
        (conflicted.pk, thai_application.pk),
        (free.pk, thai_application.pk),
        (thai.pk, other.pk),
        (free.pk, other.pk),
    }
    assert result == {"made": 4, "short": []}


def test_assignments_auto_reports_applications_left_short(manager, reviewer):
    cohort = CohortFactory(reviews_per_application=2)
    applications = ApplicationFactory.create_batch(2, cohort=cohort, status="submitted")

    result = services.assignments_auto(cohort=cohort, reviewers=[reviewer], by=manager)

    assert result["made"] == 2
    assert sorted(result["short"]) == sorted(application.pk for application in applications)


def test_assignments_auto_skips_drafts_withdrawn_and_other_cohorts_and_outsiders(
    manager, reviewer, permits_officer
):
    cohort = CohortFactory(reviews_per_application=1)
    open_one = ApplicationFactory(cohort=cohort, status="submitted")
    ApplicationFactory(cohort=cohort)
    ApplicationFactory(cohort=cohort, status="withdrawn")
    ApplicationFactory(status="submitted")  # another cohort's

    result = services.assignments_auto(
        cohort=cohort, reviewers=[permits_officer, reviewer], by=manager
    )

    assert result == {"made": 1, "short": []}
    assert pairs() == {(reviewer.pk, open_one.pk)}
    entry = AuditEntry.objects.get(action="assignment.added")
    assert (entry.actor, entry.object_id) == (manager, open_one.pk)
