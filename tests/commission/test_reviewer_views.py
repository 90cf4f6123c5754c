import re

import pytest
from django.urls import reverse

from applicants.enums import DocumentKind
from applicants.services import application_submit, document_upload
from commission import services
from commission.models import Assignment, Conflict, Review
from tests.factories import CompleteApplicationFactory, CountryFactory, StaffFactory
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db

KHMER_NAME = "ចាន់ សុខា"
LEGAL_NAME = "Chan Sokha"
CV_NAME = "Chan Sokha CV 2031.pdf"


def make_assignment(reviewer, *, blind=True, legal_name=LEGAL_NAME):
    """A submitted application with documents, a default rubric, assigned to `reviewer`."""
    application = CompleteApplicationFactory(
        with_documents=True,
        cohort__blind_review=blind,
        applicant__profile__legal_name=legal_name,
        applicant__profile__native_name=KHMER_NAME,
        applicant__profile__preferred_name="Sokkie",
        applicant__profile__nationality=CountryFactory(code="KH", name="Cambodia"),
    )
    # An applicant's own file name often carries their name.
    document_upload(application=application, kind=DocumentKind.CV, upload=pdf(CV_NAME), by=None)
    application = application_submit(application=application, by=application.applicant)
    services.rubric_create_default(cohort=application.cohort, by=None)
    return services.assignment_add(application=application, reviewer=reviewer, by=None)


@pytest.fixture
def assignment(reviewer):
    return make_assignment(reviewer)


def criteria_of(assignment):
    return list(assignment.application.cohort.criteria.order_by("position", "pk"))


def form_data(assignment, value=4, *, comment="", action="save", **overrides):
    data = {f"score_{c.pk}": value for c in criteria_of(assignment)}
    data.update(overrides)
    data["comment"] = comment
    data[action] = ""
    return data


def detail_url(assignment):
    return reverse("review_detail", kwargs={"pk": assignment.pk})


def page_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    if response.streaming:
        # Reading a download to its end closes its file.
        response.downloaded = b"".join(response.streaming_content)
    return response


# Who may open what -----------------------------------------------------------------------


def urls_of(assignment):
    pk = assignment.pk
    return {
        "list": reverse("review_list"),
        "detail": reverse("review_detail", kwargs={"pk": pk}),
        "document": reverse("review_document", kwargs={"pk": pk, "kind": "cv"}),
        "conflict": reverse("review_conflict", kwargs={"pk": pk}),
    }


@pytest.mark.parametrize("role", ["applicant", "other_applicant", "manager", "permits_officer"])
def test_every_review_page_is_forbidden_to_staff_and_applicants_outside_the_panel(
    client, assignment, request, role
):
    user = request.getfixturevalue(role)

    statuses = {
        name: page_of(client, user, url).status_code for name, url in urls_of(assignment).items()
    }

    assert statuses == {"list": 403, "detail": 403, "document": 403, "conflict": 403}


def test_every_review_page_is_forbidden_to_the_logistics_coordinator(client, assignment, logistics):
    statuses = {
        name: page_of(client, logistics, url).status_code
        for name, url in urls_of(assignment).items()
    }

    assert statuses == {"list": 403, "detail": 403, "document": 403, "conflict": 403}


def test_the_applicant_whose_application_it_is_cannot_open_its_review(client, assignment):
    applicant = assignment.application.applicant

    assert page_of(client, applicant, detail_url(assignment)).status_code == 403


def test_every_review_page_sends_an_anonymous_visitor_to_log_in(client, assignment):
    for url in urls_of(assignment).values():
        response = client.get(url)

        assert response.status_code == 302
        assert response.url == reverse("login") + "?next=" + url


def test_the_assigned_reviewer_opens_every_page_of_their_assignment(client, assignment, reviewer):
    statuses = {
        name: page_of(client, reviewer, url).status_code
        for name, url in urls_of(assignment).items()
    }

    assert statuses == {"list": 200, "detail": 200, "document": 200, "conflict": 200}


def test_another_reviewer_learns_nothing_of_an_assignment_not_theirs(client, assignment):
    other = StaffFactory(role="Reviewer")

    statuses = {
        name: page_of(client, other, url).status_code for name, url in urls_of(assignment).items()
    }
    client.force_login(other)
    posted = client.post(detail_url(assignment), form_data(assignment, action="submit"))

    assert statuses == {"list": 200, "detail": 404, "document": 404, "conflict": 404}
    assert posted.status_code == 404
    assert not Review.objects.exists()


# Blind review ----------------------------------------------------------------------------


def identity(assignment):
    application = assignment.application
    return [
        LEGAL_NAME,
        KHMER_NAME,
        "Sokkie",
        "Cambodia",
        application.applicant.email,
        "12 345 678",
        "+85512345678",
        "Chan Sokha CV",
        "Chan_Sokha",
    ]


def test_a_blind_page_shows_the_applicant_only_by_reference(client, assignment, reviewer):
    page = page_of(client, reviewer, detail_url(assignment)).content.decode()

    assert [text for text in identity(assignment) if text in page] == []
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert f"Applicant A-{assignment.application.pk}" in title
    assert f"Applicant A-{assignment.application.pk}" in page
    # What the reviewer judges is all there.
    assert "A cook must feed a film crew before the last ferry leaves." in page
    assert "I make short documentaries about my neighbourhood." in page
    assert "Director" in page


def test_a_blind_page_lists_documents_by_kind_only(client, assignment, reviewer):
    page = page_of(client, reviewer, detail_url(assignment)).content.decode()

    cv = reverse("review_document", kwargs={"pk": assignment.pk, "kind": "cv"})
    portfolio = reverse("review_document", kwargs={"pk": assignment.pk, "kind": "portfolio"})
    assert f'href="{cv}">CV</a>' in page
    assert f'href="{portfolio}">Portfolio</a>' in page
    assert "cv.pdf" not in page.lower()
    assert "portfolio.pdf" not in page


def test_a_blind_download_has_a_neutral_file_name(client, assignment, reviewer):
    response = page_of(
        client,
        reviewer,
        reverse("review_document", kwargs={"pk": assignment.pk, "kind": "cv"}),
    )

    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response.downloaded.startswith(b"%PDF")


def test_a_page_without_blind_review_names_the_applicant(client, reviewer):
    assignment = make_assignment(reviewer, blind=False)

    page = page_of(client, reviewer, detail_url(assignment)).content.decode()
    download = page_of(
        client, reviewer, reverse("review_document", kwargs={"pk": assignment.pk, "kind": "cv"})
    )

    assert LEGAL_NAME in re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert KHMER_NAME in page
    assert "Cambodia" in page
    original = assignment.application.documents.get(kind="cv").original_name
    assert original in download["Content-Disposition"]
    # Contact details are not needed to judge, blind or not.
    assert assignment.application.applicant.email not in page


@pytest.mark.parametrize("kind", ["passport", "consent", "recommendation", "nonsense"])
def test_an_identity_document_an_unknown_kind_or_a_missing_document_is_404(
    client, assignment, reviewer, kind
):
    url = reverse("review_document", kwargs={"pk": assignment.pk, "kind": kind})

    assert page_of(client, reviewer, url).status_code == 404


def test_the_passport_is_not_listed_for_a_reviewer(client, assignment, reviewer):
    page = page_of(client, reviewer, detail_url(assignment)).content.decode()

    assert "Passport" not in page


# Nobody else's scores --------------------------------------------------------------------


def test_no_other_reviewers_score_or_comment_shows_before_or_after_submitting(
    client, assignment, reviewer
):
    other = StaffFactory(role="Reviewer")
    theirs = services.assignment_add(application=assignment.application, reviewer=other, by=None)
    services.review_save(
        assignment=theirs,
        by=other,
        scores={c.pk: 5 for c in criteria_of(assignment)},
        comment="Their private opinion",
        submit=True,
    )
    client.force_login(reviewer)

    before = client.get(detail_url(assignment)).content.decode()
    client.post(detail_url(assignment), form_data(assignment, 2, action="submit"))
    after = client.get(detail_url(assignment)).content.decode()

    assert "checked" not in before
    for page in (before, after):
        assert "Their private opinion" not in page
        assert "5 of 5" not in page
        for word in ("mean", "Mean", "median", "Median", "average", "Average", "ranking:"):
            assert word not in page
    assert after.count("2 of 5") == 5


# Scoring ---------------------------------------------------------------------------------


def test_the_form_has_a_radio_button_per_point_of_each_criterion(client, assignment, reviewer):
    criteria = criteria_of(assignment)
    criteria[-1].counted = False
    criteria[-1].required = False
    criteria[-1].scale = 10
    criteria[-1].save()

    page = page_of(client, reviewer, detail_url(assignment)).content.decode()

    for criterion in criteria:
        radios = re.findall(rf'<input type="radio" name="score_{criterion.pk}"[^>]*>', page)
        assert len(radios) == criterion.scale
        assert criterion.description in page
    assert page.count("not counted") == 1
    assert page.count(">required<") == 4
    assert "Comment for programme staff" in page
    assert "Only programme staff read this" in page
    assert ">Save draft<" in page
    assert ">Submit review<" in page
    conflict = reverse("review_conflict", kwargs={"pk": assignment.pk})
    assert f'href="{conflict}">Declare a conflict of interest</a>' in page


def test_a_draft_is_saved_and_shown_again(client, assignment, reviewer):
    client.force_login(reviewer)
    first = criteria_of(assignment)[0]

    response = client.post(
        detail_url(assignment), form_data(assignment, 3, comment="Strong logline.")
    )
    page = client.get(detail_url(assignment)).content.decode()

    assert response.status_code == 302
    review = Review.objects.get()
    assert review.submitted_at is None
    assert review.comment == "Strong logline."
    assert sorted(review.scores.values_list("value", flat=True)) == [3, 3, 3, 3, 3]
    assert "Draft saved" in page
    assert re.search(rf'name="score_{first.pk}" value="3"[^>]*checked', page)


def test_a_submit_without_a_required_score_is_refused_and_keeps_the_draft(
    client, assignment, reviewer
):
    client.force_login(reviewer)
    first = criteria_of(assignment)[0]

    response = client.post(
        detail_url(assignment),
        form_data(assignment, 4, action="submit", **{f"score_{first.pk}": ""}),
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert (
        "Your scores are saved. Score every required criterion to submit: Creative vision." in page
    )
    assert "Score this criterion to submit the review." in page
    review = Review.objects.get()
    assert review.submitted_at is None
    assert review.scores.count() == 4
    assert page.count("checked") == 4


def test_a_score_above_the_scale_is_refused(client, assignment, reviewer):
    client.force_login(reviewer)
    first = criteria_of(assignment)[0]

    response = client.post(
        detail_url(assignment), form_data(assignment, 4, **{f"score_{first.pk}": 6})
    )

    assert response.status_code == 200
    assert "Select a valid choice. 6 is not one of the available choices." in (
        response.content.decode()
    )
    assert not Review.objects.exists()


def test_a_submitted_review_shows_read_only(client, assignment, reviewer):
    client.force_login(reviewer)

    response = client.post(
        detail_url(assignment), form_data(assignment, 4, comment="Ready.", action="submit")
    )
    page = client.get(detail_url(assignment)).content.decode()

    assert response.status_code == 302
    assert Review.objects.get().submitted_at is not None
    assert "Review submitted. Thank you." in page
    assert 'type="radio"' not in page
    assert "Submit review" not in page
    assert page.count("4 of 5") == 5
    assert "Ready." in page


def test_a_submitted_review_cannot_be_changed(client, assignment, reviewer):
    services.review_save(
        assignment=assignment,
        by=reviewer,
        scores={c.pk: 4 for c in criteria_of(assignment)},
        comment="First thoughts.",
        submit=True,
    )
    client.force_login(reviewer)

    response = client.post(
        detail_url(assignment), form_data(assignment, 1, comment="Second thoughts.")
    )
    page = client.get(detail_url(assignment)).content.decode()

    assert response.status_code == 302
    assert "This review is submitted and can no longer be changed." in page
    review = Review.objects.get()
    assert review.comment == "First thoughts."
    assert sorted(review.scores.values_list("value", flat=True)) == [4, 4, 4, 4, 4]


# Conflicts -------------------------------------------------------------------------------


def test_the_conflict_form_offers_each_kind_and_says_what_declaring_does(
    client, assignment, reviewer
):
    page = page_of(
        client, reviewer, reverse("review_conflict", kwargs={"pk": assignment.pk})
    ).content.decode()

    assert len(re.findall(r'<input type="radio"[^>]* name="kind"', page)) == 4
    assert "Personal: family, partner or close friend" in page
    assert "removes" in page
    assert LEGAL_NAME not in page


def test_declaring_a_conflict_removes_the_assignment(client, assignment, reviewer):
    client.force_login(reviewer)
    services.review_save(
        assignment=assignment, by=reviewer, scores={criteria_of(assignment)[0].pk: 3}
    )

    response = client.post(
        reverse("review_conflict", kwargs={"pk": assignment.pk}),
        {"kind": "collaborator", "note": "We shot a film together in 2029."},
    )
    listing = client.get(response.url).content.decode()

    assert response.status_code == 302
    assert response.url == reverse("review_list")
    conflict = Conflict.objects.get()
    assert (conflict.reviewer, conflict.application, conflict.kind) == (
        reviewer,
        assignment.application,
        "collaborator",
    )
    assert not Assignment.objects.exists()
    assert not Review.objects.exists()
    assert "Conflict declared." in listing
    assert client.get(detail_url(assignment)).status_code == 404


def test_a_conflict_needs_a_kind(client, assignment, reviewer):
    client.force_login(reviewer)

    response = client.post(reverse("review_conflict", kwargs={"pk": assignment.pk}), {})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Assignment.objects.exists()


# The list --------------------------------------------------------------------------------


def test_the_list_groups_assignments_by_cohort_with_state_and_progress(client, reviewer):
    todo, draft, done = (make_assignment(reviewer, legal_name=f"Chan Sokha {n}") for n in "ABC")
    services.review_save(assignment=draft, by=reviewer, scores={criteria_of(draft)[0].pk: 2})
    services.review_save(
        assignment=done, by=reviewer, scores={c.pk: 3 for c in criteria_of(done)}, submit=True
    )
    other = make_assignment(StaffFactory(role="Reviewer"), legal_name="Chan Sokha D")

    page = page_of(client, reviewer, reverse("review_list")).content.decode()

    for assignment in (todo, draft, done):
        assert assignment.application.cohort.name in page
        assert detail_url(assignment) in page
        assert f"Applicant A-{assignment.application.pk}" in page
    assert detail_url(other) not in page
    assert page.count("1 of 1 submitted") == 1
    assert page.count("0 of 1 submitted") == 2
    for state in (">To do<", ">Draft saved<", ">Submitted<"):
        assert page.count(state) == 1
    assert LEGAL_NAME not in page


def test_the_list_counts_progress_within_one_cohort(client, reviewer):
    first = make_assignment(reviewer)
    cohort = first.application.cohort
    second = CompleteApplicationFactory(cohort=cohort, with_documents=True)
    second = application_submit(application=second, by=second.applicant)
    second = services.assignment_add(application=second, reviewer=reviewer, by=None)
    services.review_save(
        assignment=second, by=reviewer, scores={c.pk: 3 for c in criteria_of(second)}, submit=True
    )

    page = page_of(client, reviewer, reverse("review_list")).content.decode()

    assert page.count(cohort.name) == 1
    assert "1 of 2 submitted" in page
    assert 'data-progress="50"' in page


def test_an_empty_list_says_so(client, reviewer):
    page = page_of(client, reviewer, reverse("review_list")).content.decode()

    assert "No application is assigned to you yet." in page


@pytest.mark.parametrize("rows", [1, 3])
def test_the_list_makes_a_constant_number_of_queries(
    client, reviewer, django_assert_num_queries, rows
):
    for n in range(rows):
        assignment = make_assignment(reviewer, legal_name=f"Chan Sokha {'ABC'[n]}")
        if n:
            services.review_save(
                assignment=assignment, by=reviewer, scores={criteria_of(assignment)[0].pk: 2}
            )
    client.force_login(reviewer)

    with django_assert_num_queries(5):
        response = client.get(reverse("review_list"))

    assert response.status_code == 200


def test_nothing_is_scored_before_the_cohort_has_a_rubric(client, assignment, reviewer):
    assignment.application.cohort.criteria.all().delete()
    client.force_login(reviewer)

    page = client.get(detail_url(assignment)).content.decode()
    response = client.post(detail_url(assignment), {"comment": "", "submit": ""})

    assert "This cohort has no rubric yet." in page
    assert 'type="radio"' not in page
    assert response.status_code == 302
    assert not Review.objects.exists()
