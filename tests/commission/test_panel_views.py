"""The programme manager's panel: rubric, assignment board, ranking, an application's history."""

import re

import pytest
from django.urls import reverse

from applicants.models import AuditEntry
from applicants.services import application_transition
from commission import services
from commission.models import Assignment, Criterion, Review, Score
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    CohortFactory,
    CountryFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

LOGIN = "login"
ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "manager",
    "reviewer",
    "permits_officer",
    "logistics",
]
MANAGER_ONLY = dict.fromkeys(ROLES, 403) | {"anonymous": LOGIN, "manager": 200}
POST_ONLY = dict.fromkeys(ROLES, 405)


@pytest.fixture
def cohort():
    return CohortFactory(name="FLY 2031 Busan", reviews_per_application=2)


@pytest.fixture
def submitted(cohort, applicant):
    return ApplicationFactory(cohort=cohort, applicant=applicant, status="submitted")


@pytest.fixture
def assignment(submitted, reviewer, manager):
    return services.assignment_add(application=submitted, reviewer=reviewer, by=manager)


def submit_review(assignment, value=4):
    criteria = assignment.application.cohort.criteria.all()
    return services.review_save(
        assignment=assignment,
        by=assignment.reviewer,
        scores={criterion.pk: value for criterion in criteria},
        submit=True,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# Who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "answers"),
    [
        ("rubric_edit", lambda w: {"slug": w["cohort"].slug}, MANAGER_ONLY),
        ("assignment_board", lambda w: {"slug": w["cohort"].slug}, MANAGER_ONLY),
        ("assignment_auto", lambda w: {"slug": w["cohort"].slug}, POST_ONLY),
        ("assignment_bulk", lambda w: {"slug": w["cohort"].slug}, POST_ONLY),
        ("assignment_delete", lambda w: {"pk": w["assignment"].pk}, POST_ONLY),
        ("ranking", lambda w: {"slug": w["cohort"].slug}, MANAGER_ONLY),
        ("application_audit", lambda w: {"pk": w["submitted"].pk}, MANAGER_ONLY),
    ],
)
def test_panel_url_answers_each_role(client, request, assignment, role, name, kwargs, answers):
    world = {"cohort": assignment.application.cohort, "assignment": assignment}
    world["submitted"] = assignment.application
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(reverse(name, kwargs=kwargs(world)))

    if answers[role] == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == answers[role]


@pytest.mark.parametrize("name", ["assignment_auto", "assignment_bulk", "assignment_delete"])
@pytest.mark.parametrize("role", ["reviewer", "permits_officer", "logistics", "applicant"])
def test_panel_actions_refuse_a_post_without_the_permission(
    client, request, assignment, name, role
):
    client.force_login(request.getfixturevalue(role))
    kwargs = (
        {"pk": assignment.pk}
        if name == "assignment_delete"
        else {"slug": assignment.application.cohort.slug}
    )

    response = client.post(reverse(name, kwargs=kwargs))

    assert response.status_code == 403
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize("name", ["rubric_edit", "assignment_board", "ranking"])
def test_an_unknown_cohort_is_404(client, manager, name):
    client.force_login(manager)

    assert client.get(reverse(name, kwargs={"slug": "no-such-cohort"})).status_code == 404


def test_the_panel_pages_keep_to_the_content_security_policy(client, manager, assignment):
    services.rubric_create_default(cohort=assignment.application.cohort, by=manager)
    slug = assignment.application.cohort.slug
    client.force_login(manager)
    urls = [
        reverse("rubric_edit", kwargs={"slug": slug}),
        reverse("assignment_board", kwargs={"slug": slug}),
        reverse("ranking", kwargs={"slug": slug}),
        reverse("application_audit", kwargs={"pk": assignment.application_id}),
    ]

    for url in urls:
        content = client.get(url).content.decode()
        assert " style=" not in content, url
        assert re.search(r"<script(?![^>]*\bsrc=)", content) is None, url


# The rubric -----------------------------------------------------------------------------


def rubric_post(cohort, rows, extra=()):
    """A formset POST: `rows` for the cohort's criteria in order, then `extra` new rows."""
    criteria = list(cohort.criteria.all())
    data = {
        "form-TOTAL_FORMS": str(len(criteria) + len(extra)),
        "form-INITIAL_FORMS": str(len(criteria)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, (criterion, row) in enumerate(zip(criteria, rows, strict=True)):
        data[f"form-{index}-id"] = str(criterion.pk)
        data.update(_row(index, criterion, row))
    for offset, row in enumerate(extra):
        data.update(_row(len(criteria) + offset, None, row))
    return data


def _row(index, criterion, changes):
    fields = {
        "name": criterion.name if criterion else "",
        "description": criterion.description if criterion else "",
        "weight": str(criterion.weight) if criterion else "",
        "scale": str(criterion.scale) if criterion else "5",
        "position": str(criterion.position) if criterion else "0",
        "required": criterion.required if criterion else True,
        "counted": criterion.counted if criterion else True,
    }
    fields.update(changes)
    data = {}
    for name, value in fields.items():
        if value is True:
            data[f"form-{index}-{name}"] = "on"
        elif value is not False:
            data[f"form-{index}-{name}"] = value
    return data


@pytest.fixture
def with_rubric(cohort, manager):
    services.rubric_create_default(cohort=cohort, by=manager)
    return cohort


def rubric_lines(cohort):
    return list(cohort.criteria.values_list("name", "weight", "scale", "counted"))


def test_rubric_edit_offers_the_default_rubric_to_a_cohort_without_one(client, manager, cohort):
    client.force_login(manager)
    url = reverse("rubric_edit", kwargs={"slug": cohort.slug})

    page = client.get(url).content.decode()
    response = client.post(url, {"start_default": "1"}, follow=True)

    assert "Start from the default rubric" in page
    assert [line[0] for line in rubric_lines(cohort)] == [
        "Creative vision",
        "Storytelling",
        "Craft and portfolio",
        "Collaboration and motivation",
        "Potential",
    ]
    assert messages_of(response) == ["FLY 2031 Busan starts from the default rubric of 5 criteria."]
    assert "Start from the default rubric" not in response.content.decode()
    assert AuditEntry.objects.get(action="rubric.created").actor == manager


def test_rubric_edit_changes_adds_and_removes_criteria_and_records_it(client, manager, with_rubric):
    client.force_login(manager)
    data = rubric_post(
        with_rubric,
        [
            {"weight": "4"},
            {"name": "Story", "description": "A story worth two weeks."},
            {},
            {"DELETE": True},
            {"counted": False},
        ],
        extra=[{"name": "Teamwork", "weight": "1.5", "scale": "10", "position": "9"}],
    )

    response = client.post(reverse("rubric_edit", kwargs={"slug": with_rubric.slug}), data)

    assert response.status_code == 302
    assert rubric_lines(with_rubric) == [
        ("Creative vision", 4, 5, True),
        ("Story", 2, 5, True),
        ("Craft and portfolio", 2, 5, True),
        ("Potential", 1, 5, False),
        ("Teamwork", 1.5, 10, True),
    ]
    entry = AuditEntry.objects.get(action="rubric.saved")
    assert (entry.actor, entry.object_id) == (manager, with_rubric.pk)
    assert entry.note == (
        "added: Teamwork; changed: Creative vision, Story, Potential; "
        "removed: Collaboration and motivation"
    )


def test_rubric_edit_ignores_a_blank_new_row(client, manager, with_rubric):
    client.force_login(manager)
    before = rubric_lines(with_rubric)
    # As the page sends it: the defaults of a new criterion, and no name.
    data = rubric_post(with_rubric, [{}] * 5, extra=[{"weight": "1", "scale": "5"}])

    response = client.post(reverse("rubric_edit", kwargs={"slug": with_rubric.slug}), data)

    assert response.status_code == 302
    assert rubric_lines(with_rubric) == before


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ([{"weight": "-1"}, {}, {}, {}, {}], "greater than or equal to 0"),
        (
            [
                {"weight": "0"},
                {"counted": False},
                {"weight": "0"},
                {"DELETE": True},
                {"weight": "0"},
            ],
            "Keep at least one counted criterion with a weight above zero",
        ),
        ([{}, {"name": "creative VISION"}, {}, {}, {}], "Two criteria are called"),
        ([{"scale": "11"}, {}, {}, {}, {}], "less than or equal to 10"),
    ],
)
def test_rubric_edit_refuses_a_rubric_that_cannot_rank(client, manager, with_rubric, rows, error):
    client.force_login(manager)
    before = rubric_lines(with_rubric)

    response = client.post(
        reverse("rubric_edit", kwargs={"slug": with_rubric.slug}), rubric_post(with_rubric, rows)
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert rubric_lines(with_rubric) == before
    assert not AuditEntry.objects.filter(action="rubric.saved").exists()


def test_rubric_edit_is_locked_once_a_review_is_submitted(client, manager, with_rubric, assignment):
    submit_review(assignment)
    client.force_login(manager)
    url = reverse("rubric_edit", kwargs={"slug": with_rubric.slug})
    before = rubric_lines(with_rubric)

    page = client.get(url)
    response = client.post(url, rubric_post(with_rubric, [{"weight": "9"}, {}, {}, {}, {}]))

    assert "the rubric is locked" in page.content.decode()
    assert page.context["locked"] is True
    assert response.status_code == 200
    assert messages_of(response) == [
        "A review of FLY 2031 Busan is already submitted, so its rubric can no longer change: "
        "nothing was saved."
    ]
    assert rubric_lines(with_rubric) == before


def test_rubric_save_lets_two_criteria_swap_names(manager, with_rubric):
    first, second = with_rubric.criteria.all()[:2]

    services.rubric_save(
        cohort=with_rubric,
        by=manager,
        rows=[{"id": first.pk, "name": second.name}, {"id": second.pk, "name": first.name}],
        deleted=[],
    )

    assert Criterion.objects.get(pk=first.pk).name == "Storytelling"
    assert Criterion.objects.get(pk=second.pk).name == "Creative vision"


def test_rubric_save_clears_draft_scores_that_no_longer_fit(manager, with_rubric, assignment):
    first, second = with_rubric.criteria.all()[:2]
    services.review_save(
        assignment=assignment, by=assignment.reviewer, scores={first.pk: 5, second.pk: 2}
    )

    saved = services.rubric_save(
        cohort=with_rubric, by=manager, rows=[{"id": second.pk, "scale": 3}], deleted=[first.pk]
    )

    assert saved["scores_cleared"] == 1
    assert list(Score.objects.values_list("criterion_id", "value")) == [(second.pk, 2)]
    assert not Criterion.objects.filter(pk=first.pk).exists()


def test_rubric_save_refuses_a_criterion_of_another_cohort(manager, with_rubric):
    stranger = Criterion.objects.create(cohort=CohortFactory(), name="Elsewhere")

    with pytest.raises(services.ReviewError, match="not in this cohort's rubric"):
        services.rubric_save(cohort=with_rubric, by=manager, rows=[], deleted=[stranger.pk])
    assert Criterion.objects.filter(pk=stranger.pk).exists()


def test_rubric_start_is_refused_once_a_review_is_submitted(manager, cohort, assignment):
    # A criterion made outside the default, so that the review can be submitted.
    criterion = Criterion.objects.create(cohort=cohort, name="Vision")
    services.review_save(
        assignment=assignment, by=assignment.reviewer, scores={criterion.pk: 3}, submit=True
    )
    criterion.scores.all().delete()
    criterion.delete()

    with pytest.raises(services.ReviewError, match="can no longer change"):
        services.rubric_start(cohort=cohort, by=manager)
    assert not cohort.criteria.exists()


def test_a_review_cannot_be_submitted_before_the_cohort_has_a_rubric(assignment):
    # Submitted with no score, it would lock the cohort out of ever having a rubric.
    with pytest.raises(services.ReviewError):
        services.review_save(assignment=assignment, by=assignment.reviewer, scores={}, submit=True)
    assert not Review.objects.filter(submitted_at__isnull=False).exists()


# The assignment board -------------------------------------------------------------------


def board_url(cohort):
    return reverse("assignment_board", kwargs={"slug": cohort.slug})


def test_board_lists_the_applications_open_for_review_with_their_reviewers(
    client, manager, reviewer, with_rubric, assignment
):
    submit_review(assignment)
    other_cohort = ApplicationFactory(status="submitted")
    draft = ApplicationFactory(cohort=with_rubric)
    withdrawn = ApplicationFactory(cohort=with_rubric, status="withdrawn")
    shortlisted = ApplicationFactory(cohort=with_rubric, status="shortlisted")
    client.force_login(manager)

    response = client.get(board_url(with_rubric))

    listed = [application.pk for application in response.context["page_obj"]]
    assert sorted(listed) == sorted([assignment.application_id, shortlisted.pk])
    assert not {other_cohort.pk, draft.pk, withdrawn.pk} & set(listed)
    content = response.content.decode()
    assert assignment.application.applicant.profile.legal_name in content
    assert "ចាន់ សុខា" in content
    assert "Cambodia" in content
    assert "Review submitted" in content
    row = next(a for a in response.context["page_obj"] if a.pk == assignment.application_id)
    assert (row.n_assigned, row.n_reviews) == (1, 1)
    assert [person.email for person in response.context["reviewers"]] == ["reviewer@example.org"]


def test_board_shows_each_reviewers_progress_in_this_cohort_only(
    client, manager, reviewer, with_rubric, assignment
):
    submit_review(assignment)
    second = ApplicationFactory(cohort=with_rubric, status="submitted")
    services.assignment_add(application=second, reviewer=reviewer, by=manager)
    elsewhere = ApplicationFactory(status="submitted")
    services.assignment_add(application=elsewhere, reviewer=reviewer, by=manager)
    client.force_login(manager)

    response = client.get(board_url(with_rubric))

    assert [
        (person.email, person.n_assigned, person.n_submitted, person.n_remaining)
        for person in response.context["progress"]
    ] == [("reviewer@example.org", 2, 1, 1)]


def test_board_adds_one_reviewer_to_one_application(client, manager, reviewer, submitted):
    client.force_login(manager)

    response = client.post(
        board_url(submitted.cohort),
        {"application": submitted.pk, "reviewer": reviewer.pk, "page": "1"},
        follow=True,
    )

    assert response.redirect_chain == [(board_url(submitted.cohort) + "?page=1", 302)]
    assert list(Assignment.objects.values_list("reviewer", "application", "assigned_by")) == [
        (reviewer.pk, submitted.pk, manager.pk)
    ]
    assert messages_of(response) == [f"{reviewer} now reviews application {submitted.pk}."]


def test_board_says_why_a_reviewer_is_refused(client, manager, reviewer, submitted):
    services.conflict_declare(reviewer=reviewer, application=submitted, kind="personal")
    client.force_login(manager)

    response = client.post(
        board_url(submitted.cohort),
        {"application": submitted.pk, "reviewer": reviewer.pk},
        follow=True,
    )

    assert not Assignment.objects.exists()
    assert messages_of(response) == [
        f"{reviewer} declared a conflict with application {submitted.pk}."
    ]


def test_board_refuses_an_application_of_another_cohort(client, manager, reviewer, submitted):
    stranger = ApplicationFactory(status="submitted")
    client.force_login(manager)

    response = client.post(
        board_url(submitted.cohort),
        {"application": stranger.pk, "reviewer": reviewer.pk},
        follow=True,
    )

    assert not Assignment.objects.exists()
    assert len(messages_of(response)) == 1
    assert "Select a valid choice" in messages_of(response)[0]


def test_board_refuses_someone_off_the_panel(client, manager, permits_officer, submitted):
    client.force_login(manager)

    client.post(
        board_url(submitted.cohort), {"application": submitted.pk, "reviewer": permits_officer.pk}
    )

    assert not Assignment.objects.exists()


def test_bulk_assignment_reports_what_it_made_and_skipped(client, manager, reviewer, cohort):
    first, second = ApplicationFactory.create_batch(2, cohort=cohort, status="submitted")
    colleague = StaffFactory(role="Reviewer", full_name="Kim Minji")
    services.conflict_declare(reviewer=colleague, application=second, kind="collaborator")
    client.force_login(manager)

    response = client.post(
        reverse("assignment_bulk", kwargs={"slug": cohort.slug}),
        {"applications": [first.pk, second.pk], "reviewers": [reviewer.pk, colleague.pk]},
        follow=True,
    )

    assert Assignment.objects.count() == 3
    assert messages_of(response) == [
        "3 assignments made.",
        f"1 skipped: Kim Minji declared a conflict with application {second.pk}.",
    ]


def test_bulk_assignment_needs_applications_ticked(client, manager, reviewer, cohort):
    client.force_login(manager)

    response = client.post(
        reverse("assignment_bulk", kwargs={"slug": cohort.slug}),
        {"reviewers": [reviewer.pk]},
        follow=True,
    )

    assert messages_of(response) == ["Tick at least one application in the table."]
    assert not Assignment.objects.exists()


def test_automatic_assignment_uses_the_whole_panel_and_reports_the_short(
    client, manager, reviewer, cohort
):
    applications = ApplicationFactory.create_batch(2, cohort=cohort, status="submitted")
    StaffFactory(role="Reviewer", is_active=False)  # gone: not on the panel any more
    StaffFactory(role="Permits officer")
    client.force_login(manager)

    response = client.post(reverse("assignment_auto", kwargs={"slug": cohort.slug}), follow=True)

    assert set(Assignment.objects.values_list("reviewer_id", flat=True)) == {reviewer.pk}
    refs = ", ".join(f"#{application.pk}" for application in applications)
    assert messages_of(response) == [
        "2 assignments made.",
        f"Not enough eligible reviewers for 2 applications, which stay below 2 reviewers: {refs}.",
    ]


def test_automatic_assignment_fills_every_seat_when_the_panel_is_large_enough(
    client, manager, reviewer, cohort
):
    ApplicationFactory.create_batch(3, cohort=cohort, status="submitted")
    StaffFactory.create_batch(2, role="Reviewer")
    client.force_login(manager)

    response = client.post(reverse("assignment_auto", kwargs={"slug": cohort.slug}), follow=True)

    assert Assignment.objects.count() == 6
    assert messages_of(response) == ["6 assignments made."]


def test_assignment_delete_removes_the_reviewer(client, manager, assignment):
    client.force_login(manager)

    response = client.post(
        reverse("assignment_delete", kwargs={"pk": assignment.pk}), {"page": "2"}
    )

    assert response.url == board_url(assignment.application.cohort) + "?page=2"
    assert not Assignment.objects.exists()
    assert AuditEntry.objects.get(action="assignment.removed").actor == manager


def test_assignment_delete_keeps_a_submitted_review(client, manager, with_rubric, assignment):
    submit_review(assignment)
    client.force_login(manager)

    response = client.post(reverse("assignment_delete", kwargs={"pk": assignment.pk}), follow=True)

    assert Assignment.objects.count() == 1
    assert messages_of(response) == ["This review is submitted; the assignment stays."]


def test_assignment_delete_of_an_unknown_assignment_is_404(client, manager):
    client.force_login(manager)

    assert client.post(reverse("assignment_delete", kwargs={"pk": 999})).status_code == 404


def test_board_pages_a_large_cohort(client, manager, cohort):
    ApplicationFactory.create_batch(51, cohort=cohort, status="submitted")
    client.force_login(manager)

    first = client.get(board_url(cohort))
    second = client.get(board_url(cohort) + "?page=2")

    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 1
    assert first.context["page_obj"].paginator.count == 51


@pytest.mark.parametrize("rows", [1, 3])
def test_board_query_count_is_constant(client, manager, django_assert_num_queries, rows):
    cohort = CohortFactory(reviews_per_application=2)
    services.rubric_create_default(cohort=cohort, by=manager)
    panel = StaffFactory.create_batch(2, role="Reviewer")
    for _row in range(rows):
        application = ApplicationFactory(cohort=cohort, status="submitted")
        for reviewer in panel:
            services.assignment_add(application=application, reviewer=reviewer, by=manager)
        submit_review(application.assignments.first())
    client.force_login(manager)

    # session, user, the user's and the groups' permissions, cohort, count, page of
    # applications, their assignments with reviewers and reviews, the panel, progress, the
    # bulk form's reviewers
    with django_assert_num_queries(11):
        client.get(board_url(cohort))


# The ranking ----------------------------------------------------------------------------


def ranking_url(cohort, order=None):
    url = reverse("ranking", kwargs={"slug": cohort.slug})
    return f"{url}?order={order}" if order else url


@pytest.fixture
def ranked_cohort(cohort, manager):
    """Three applications: A agreed on, B disagreed on, C not yet scored."""
    criterion = Criterion.objects.create(cohort=cohort, name="Vision", scale=5)
    lenient, harsh = StaffFactory(role="Reviewer"), StaffFactory(role="Reviewer")
    thai = ApplicantFactory()
    thai.profile.nationality = CountryFactory(code="TH", name="Thailand")
    thai.profile.legal_name = "Somchai Jaidee"
    thai.profile.save()
    a = ApplicationFactory(cohort=cohort, status="submitted", applicant=thai)
    b = ApplicationFactory(cohort=cohort, status="submitted")
    c = ApplicationFactory(cohort=cohort, status="submitted")
    for application, values in [(a, (4, 4)), (b, (5, 2))]:
        for reviewer, value in zip((lenient, harsh), values, strict=True):
            assignment = services.assignment_add(
                application=application, reviewer=reviewer, by=manager
            )
            services.review_save(
                assignment=assignment, by=reviewer, scores={criterion.pk: value}, submit=True
            )
    services.assignment_add(application=c, reviewer=lenient, by=manager)
    return {"cohort": cohort, "a": a, "b": b, "c": c}


def test_ranking_shows_the_three_scores_side_by_side(client, manager, ranked_cohort):
    client.force_login(manager)

    response = client.get(ranking_url(ranked_cohort["cohort"]))

    rows = response.context["rows"]
    assert [row.application for row in rows] == [
        ranked_cohort["a"],
        ranked_cohort["b"],
        ranked_cohort["c"],
    ]
    content = response.content.decode()
    assert "Somchai Jaidee" in content
    assert "Thailand" in content
    # A: 75 from both reviewers; B: 100 and 25, a mean of 62.50.
    assert "75.00" in content
    assert "62.50" in content
    assert f"{rows[0].normalised:.2f}" in content
    assert "2 of 2" in content
    assert "0 of 1" in content


def test_ranking_flags_wide_disagreement_in_words(client, manager, ranked_cohort):
    client.force_login(manager)

    response = client.get(ranking_url(ranked_cohort["cohort"]))

    flagged = [row.application for row in response.context["rows"] if row.disagreement]
    assert flagged == [ranked_cohort["b"]]
    content = response.content.decode()
    assert content.count("Reviewers disagree") == 1
    assert "75 points apart" in content


@pytest.mark.parametrize(
    ("order", "expected"), [("median", "median"), ("normalised", "normalised"), ("x", "mean")]
)
def test_ranking_sorts_by_the_score_asked_for(client, manager, ranked_cohort, order, expected):
    client.force_login(manager)

    response = client.get(ranking_url(ranked_cohort["cohort"], order))

    assert response.context["order"] == expected
    scores = [getattr(row, expected) for row in response.context["rows"]]
    scored = [score for score in scores if score is not None]
    assert scored == sorted(scored, reverse=True)
    assert scores[-1] is None


@pytest.mark.parametrize("rows", [1, 3])
def test_ranking_query_count_is_constant(client, manager, django_assert_num_queries, rows):
    cohort = CohortFactory()
    services.rubric_create_default(cohort=cohort, by=manager)
    panel = StaffFactory.create_batch(2, role="Reviewer")
    for _row in range(rows):
        application = ApplicationFactory(cohort=cohort, status="submitted")
        for reviewer in panel:
            submit_review(
                services.assignment_add(application=application, reviewer=reviewer, by=manager)
            )
    client.force_login(manager)

    # session, user, the user's and the groups' permissions, cohort, criteria, scores,
    # applications with their applicants
    with django_assert_num_queries(8):
        client.get(ranking_url(cohort))


# An application's history ---------------------------------------------------------------


def audit_url(application):
    return reverse("application_audit", kwargs={"pk": application.pk})


def test_audit_lists_every_entry_oldest_first_with_who(
    client, manager, reviewer, with_rubric, assignment
):
    application = assignment.application
    colleague = StaffFactory(role="Reviewer", full_name="Kim Minji")
    services.conflict_declare(reviewer=colleague, application=application, kind="personal")
    submit_review(assignment)
    application_transition(application=application, to="shortlisted", by=manager)
    other = ApplicationFactory(status="submitted")
    services.assignment_add(application=other, reviewer=reviewer, by=manager)
    client.force_login(manager)

    response = client.get(audit_url(application))

    entries = response.context["entries"]
    assert [(entry.action, entry.actor) for entry in entries] == [
        ("assignment.added", manager),
        ("conflict.declared", colleague),
        ("review.submitted", reviewer),
        ("application.status", manager),
    ]
    content = response.content.decode()
    for label in ["Reviewer assigned", "Conflict of interest declared", "Review submitted"]:
        assert label in content
    assert "Submitted → Shortlisted" in content
    assert "Kim Minji" in content


def test_audit_of_a_draft_or_unknown_application_is_404(client, manager):
    draft = ApplicationFactory()
    client.force_login(manager)

    assert client.get(audit_url(draft)).status_code == 404
    assert client.get(reverse("application_audit", kwargs={"pk": 999})).status_code == 404


def test_audit_of_a_withdrawn_application_is_shown(client, manager, submitted):
    application_transition(application=submitted, to="withdrawn", by=submitted.applicant)
    client.force_login(manager)

    response = client.get(audit_url(submitted))

    assert [entry.action for entry in response.context["entries"]] == ["application.status"]
    assert "Submitted → Withdrawn" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_audit_query_count_is_constant(client, manager, django_assert_num_queries, rows):
    application = ApplicationFactory(status="submitted")
    for _row in range(rows):
        services.assignment_add(
            application=application, reviewer=StaffFactory(role="Reviewer"), by=manager
        )
    client.force_login(manager)

    # session, user, the user's and the groups' permissions, the application, its
    # documents, its audit entries with who made them
    with django_assert_num_queries(7):
        client.get(audit_url(application))
