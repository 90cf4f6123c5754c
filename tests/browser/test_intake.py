import re

import pytest
from playwright.sync_api import expect

from applicants.enums import ApplicationStatus
from applicants.models import Application
from commission.demo import tiny_pdf
from tests.factories import PASSWORD, CohortFactory, UserFactory
from tests.factories.files import PNG_BYTES


@pytest.fixture
def browser_context_args(browser_context_args):
    # An applicant in Phnom Penh: the deadline shows in Korea time and in theirs.
    return {**browser_context_args, "timezone_id": "Asia/Phnom_Penh"}


def log_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


# Logging out lands on the home page; wait for it, or the next page.goto cancels the logout.
HOME = re.compile(r"^https?://[^/]+/$")


def log_out(page):
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(HOME)


def test_an_applicant_fills_every_step_over_two_visits_and_submits(
    page, live_server, mailoutbox, shots, tmp_path
):
    cohort = CohortFactory(name="FLY 2031 Busan")
    UserFactory(email="sokunthea@example.org")
    cv, portfolio, passport = tmp_path / "cv.pdf", tmp_path / "portfolio.pdf", tmp_path / "p.png"
    cv.write_bytes(tiny_pdf("CV"))
    portfolio.write_bytes(tiny_pdf("Portfolio"))
    passport.write_bytes(PNG_BYTES)

    log_in(page, live_server, "sokunthea@example.org")
    page.get_by_role("link", name="FLY 2031 Busan").click()
    expect(page.locator("[data-local-time-shown]")).to_contain_text("Asia/Phnom_Penh")
    page.screenshot(path=shots / "1-call.png", full_page=True)
    page.get_by_role("button", name="Start or continue my application").click()

    # Step 1: about you
    expect(page.get_by_text("Step 1 of 4")).to_be_visible()
    page.get_by_label("Legal name in Latin letters").fill("Chan Sokunthea")
    page.get_by_label("Name in your own script").fill("ចាន់ សុគន្ធា")
    page.get_by_label("Preferred name").fill("Thea")
    page.get_by_label("Date of birth").fill("2004-04-12")
    page.get_by_label("Nationality").select_option(label="Cambodia")
    page.get_by_label("Country of residence").select_option(label="Cambodia")
    page.get_by_label("Gender").select_option(label="Prefer not to say")
    page.get_by_label("Mobile phone").fill("+855 12 345 678")
    page.get_by_label("City").fill("Phnom Penh")
    page.get_by_label("Languages you speak").fill("Khmer, English")
    page.get_by_label("English").select_option(value="working")
    page.get_by_label("Passport number").fill("N01234567")
    page.get_by_label("Passport valid until").fill("2033-01-31")
    page.screenshot(path=shots / "2-profile.png", full_page=True)
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: filmmaking, half done, then log out
    expect(page.get_by_text("Step 2 of 4")).to_be_visible()
    page.get_by_label("First choice of crew role").select_option(label="Director")
    page.get_by_label("Second choice").select_option(label="Editor")
    page.get_by_label("Short bio").fill("I make short documentaries about Phnom Penh's river.")
    logline = page.get_by_label("Logline of your short film idea")
    logline.fill("A ferry cook must feed a film crew before the last boat leaves.")
    expect(page.get_by_text("13 / 50 words")).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved. You can come back")).to_be_visible()
    log_out(page)

    # Second visit: everything is still there
    log_in(page, live_server, "sokunthea@example.org")
    page.get_by_role("link", name=re.compile("FLY 2031 Busan")).click()
    page.get_by_role("link", name="2. Filmmaking").click()
    expect(page.get_by_label("Logline of your short film idea")).to_have_value(
        "A ferry cook must feed a film crew before the last boat leaves."
    )
    page.get_by_label("Motivation statement").fill(
        "I want to learn to make films with people from other countries."
    )
    page.get_by_label("Synopsis").fill("One day and one night on the Mekong and in Busan's port.")
    page.get_by_label("Showreel link").fill("https://vimeo.com/123456789")
    page.screenshot(path=shots / "3-filmmaking.png", full_page=True)
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: documents
    expect(page.get_by_text("Step 3 of 4")).to_be_visible()
    for label, path in [("CV", cv), ("Portfolio", portfolio), ("Passport bio page", passport)]:
        page.get_by_label(label, exact=True).set_input_files(path)
        page.locator(f"#document-{path.stem if path.stem != 'p' else 'passport'}").get_by_role(
            "button", name="Upload"
        ).click()
        expect(page.get_by_text(f"{label} uploaded.")).to_be_visible()
    page.screenshot(path=shots / "4-documents.png", full_page=True)
    page.get_by_role("link", name="Next").click()

    # Step 4: review and submit
    expect(page.get_by_text("Step 4 of 4")).to_be_visible()
    expect(page.get_by_text("Before you can submit")).to_have_count(0)
    page.get_by_role("button", name="Submit my application").click()

    expect(page.get_by_text("Your application is submitted.")).to_be_visible()
    application = Application.objects.get(cohort=cohort)
    expect(page.get_by_text(f"reference FLY-{application.pk}")).to_be_visible()
    page.screenshot(path=shots / "5-receipt.png", full_page=True)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.applicant.profile.native_name == "ចាន់ សុគន្ធា"
    assert [m.subject for m in mailoutbox][-1] == "We received your application to FLY 2031 Busan"
