import re

from playwright.sync_api import expect

from applicants.services import application_submit
from commission import roles, services
from commission.models import Review
from tests.browser.test_intake import log_in
from tests.factories import CohortFactory, CompleteApplicationFactory, StaffFactory

KHMER_NAME = "ចាន់ សុខា"
LEGAL_NAME = "Chan Sokha"


def test_a_reviewer_scores_a_blind_application_on_a_phone(page, live_server, shots):
    cohort = CohortFactory(name="FLY 2032 Busan", blind_review=True)
    criteria = services.rubric_create_default(cohort=cohort, by=None)
    application = CompleteApplicationFactory(
        cohort=cohort,
        with_documents=True,
        applicant__profile__legal_name=LEGAL_NAME,
        applicant__profile__native_name=KHMER_NAME,
    )
    application = application_submit(application=application, by=application.applicant)
    reviewer = StaffFactory(email="mentor@example.org", role=roles.REVIEWER)
    services.assignment_add(application=application, reviewer=reviewer, by=None)
    reference = f"Applicant A-{application.pk}"

    log_in(page, live_server, "mentor@example.org")
    page.goto(live_server.url + "/desk/reviews/")
    expect(page.get_by_text("0 of 1 submitted")).to_be_visible()
    expect(page.get_by_text("To do", exact=True)).to_be_visible()
    page.screenshot(path=shots / "1-list.png", full_page=True)
    page.get_by_role("link", name=reference).click()

    # Blind: no name, in any script, anywhere on the page or in its title.
    expect(page.get_by_role("heading", name=reference)).to_be_visible()
    expect(page).to_have_title(re.compile(reference))
    html = page.content()
    assert LEGAL_NAME not in html
    assert KHMER_NAME not in html
    assert application.applicant.email not in html
    assert "Cambodia" not in html
    expect(page.get_by_role("link", name="CV", exact=True)).to_be_visible()
    page.screenshot(path=shots / "2-application.png", full_page=True)

    def group(criterion):
        return page.get_by_role("group", name=re.compile(rf"^{re.escape(criterion.name)}"))

    # Every score but the first, then a submit: refused, the scores kept.
    for value, criterion in enumerate(criteria[1:], start=2):
        group(criterion).get_by_text(str(value), exact=True).click()
    page.get_by_label("Comment for programme staff").fill("A clear voice; the synopsis is thin.")
    page.get_by_role("button", name="Submit review").click()
    expect(
        page.get_by_text("Score every required criterion to submit: Creative vision")
    ).to_be_visible()
    expect(group(criteria[0]).get_by_text("Score this criterion to submit")).to_be_visible()
    for value, criterion in enumerate(criteria[1:], start=2):
        expect(group(criterion).get_by_role("radio", name=str(value), exact=True)).to_be_checked()
    page.screenshot(path=shots / "3-refused.png", full_page=True)
    assert Review.objects.get().submitted_at is None

    # The missing score, then the submit goes through.
    group(criteria[0]).get_by_text("4", exact=True).click()
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Review submitted. Thank you.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit review")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(page.get_by_text("4 of 5")).to_have_count(2)
    expect(page.get_by_text("A clear voice; the synopsis is thin.")).to_be_visible()
    page.screenshot(path=shots / "4-submitted.png", full_page=True)
    review = Review.objects.get()
    assert review.submitted_at is not None
    assert sorted(review.scores.values_list("value", flat=True)) == [2, 3, 4, 4, 5]

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="My reviews").click()
    expect(page.get_by_text("1 of 1 submitted")).to_be_visible()
    page.screenshot(path=shots / "5-list-done.png", full_page=True)
