import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.enums import ApplicationStatus, CohortStatus
from applicants.models import Application, OutboxMessage
from commission import roles, services
from tests.browser.test_intake import log_in
from tests.factories import (
    ApplicationFactory,
    CohortFactory,
    CountryFactory,
    StaffFactory,
)

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def browser_context_args(browser_context_args):
    # The selection board is a desk at the office: a wide table per country.
    return {**browser_context_args, "viewport": DESKTOP}


def reviewed_cohort():
    """Three submitted, reviewed applications: two from Cambodia, one from Thailand."""
    kh = CountryFactory(code="KH", name="Cambodia")
    th = CountryFactory(code="TH", name="Thailand", time_zone="Asia/Bangkok")
    now = timezone.now()
    cohort = CohortFactory(
        name="FLY 2033 Busan",
        status=CohortStatus.CLOSED,
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=10),
        seats_per_country=1,
        eligible_countries=[kh, th],
    )
    criteria = services.rubric_create_default(cohort=cohort, by=None)
    reviewer = StaffFactory(role=roles.REVIEWER)
    made = []
    for country, name, value in [
        (kh, "Chan Sokha", 5),
        (kh, "Keo Dara", 3),
        (th, "Somchai Rattana", 4),
    ]:
        application = ApplicationFactory(
            cohort=cohort,
            status="submitted",
            applicant__profile__nationality=country,
            applicant__profile__legal_name=name,
        )
        assignment = services.assignment_add(application=application, reviewer=reviewer, by=None)
        services.review_save(
            assignment=assignment,
            by=reviewer,
            scores={criterion.pk: value for criterion in criteria},
            submit=True,
        )
        made.append(application)
    return cohort, made


def test_a_manager_proposes_overrides_releases_and_sends_the_decisions(
    page, live_server, mailoutbox, shots
):
    cohort, (sokha, dara, somchai) = reviewed_cohort()
    StaffFactory(email="manager@example.org", role=roles.PROGRAMME_MANAGER)

    log_in(page, live_server, "manager@example.org")
    page.goto(f"{live_server.url}/desk/cohorts/{cohort.slug}/selection/")
    expect(page.get_by_role("heading", name="Selection of FLY 2033 Busan")).to_be_visible()
    expect(page.get_by_role("heading", name="Cambodia")).to_be_visible()
    expect(page.get_by_role("heading", name="Thailand")).to_be_visible()
    expect(page.get_by_text("1 seat ·")).to_have_count(2)
    expect(page.get_by_text("Undecided", exact=True)).to_have_count(3)
    page.screenshot(path=shots / "1-board.png", full_page=True)

    # The proposal: the best of each country is offered its seat, the other waits.
    page.get_by_role("button", name="Propose the cohort").click()
    expect(
        page.get_by_text("The proposal is made: 2 offered a seat, 1 waitlisted.")
    ).to_be_visible()
    expect(page.get_by_text("Pending offer", exact=True)).to_have_count(2)
    expect(page.get_by_text("Waitlist #1", exact=True)).to_be_visible()
    page.screenshot(path=shots / "2-proposed.png", full_page=True)

    # An override needs its reason.
    page.get_by_label(f"Decision for application {dara.pk}").select_option(label="Regret")
    page.get_by_label(f"Reason for application {dara.pk}").fill("Cannot travel in July")
    page.get_by_role("row", name=re.compile("Keo Dara")).get_by_role(
        "button", name="Override"
    ).click()
    expect(page.get_by_text(f"Application {dara.pk}: Regret")).to_be_visible()
    expect(page.get_by_text("Overridden: Cannot travel in July")).to_be_visible()
    page.screenshot(path=shots / "3-overridden.png", full_page=True)
    assert Application.objects.get(pk=dara.pk).status == ApplicationStatus.REJECTED

    # The release: explained, and only once the manager says they checked.
    expect(page.get_by_text("writes the decision e-mails into the outbox")).to_be_visible()
    page.get_by_label("I have checked the decisions").check()
    page.screenshot(path=shots / "4-release.png", full_page=True)
    page.get_by_role("button", name="Release all decisions").click()

    expect(page.get_by_role("heading", name="Outbox of FLY 2033 Busan")).to_be_visible()
    expect(page.get_by_text("The decisions are released. 3 e-mails wait")).to_be_visible()
    expect(page.get_by_text("Not sent", exact=True)).to_have_count(3)
    page.screenshot(path=shots / "5-outbox.png", full_page=True)
    assert Application.objects.get(pk=sokha.pk).applicant_status_label == "Offered a seat"
    assert Application.objects.get(pk=somchai.pk).applicant_status_label == "Offered a seat"
    assert Application.objects.get(pk=dara.pk).applicant_status_label == "Not selected"

    # The offer, read before sending.
    offer = page.get_by_role("link", name=re.compile(r"^Action required: your seat"))
    expect(offer).to_have_count(2)
    offer.first.click()
    expect(page.get_by_role("heading", name=re.compile("^Action required"))).to_be_visible()
    text = page.get_by_role("region", name="Text")
    expect(text.get_by_text("Congratulations: the panel offers you a seat")).to_be_visible()
    page.get_by_text("HTML version (source)").click()
    expect(page.locator("details code")).to_contain_text("<p>")
    page.screenshot(path=shots / "6-offer.png", full_page=True)
    page.get_by_role("link", name="Back to the outbox").click()

    page.get_by_role("button", name="Send all unsent").click()
    expect(page.get_by_text("3 e-mails sent.")).to_be_visible()
    expect(page.get_by_text("Not sent", exact=True)).to_have_count(0)
    expect(page.get_by_role("cell").get_by_text("Sent", exact=True)).to_have_count(3)
    expect(page.get_by_role("button", name="Send all unsent")).to_be_disabled()
    page.screenshot(path=shots / "7-sent.png", full_page=True)
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
    assert len(mailoutbox) == 3
    assert sorted(m.subject.split(":")[0] for m in mailoutbox) == [
        "Action required",
        "Action required",
        "Your application to FLY 2033 Busan",
    ]

    # The board after release: decisions final, a way to the outbox, no more controls.
    page.goto(f"{live_server.url}/desk/cohorts/{cohort.slug}/selection/")
    expect(page.get_by_role("link", name="Open the outbox")).to_be_visible()
    expect(page.get_by_role("button", name="Propose the cohort")).to_have_count(0)
    expect(page.get_by_role("button", name="Override")).to_have_count(0)
    expect(page.get_by_text("Reply by ")).to_have_count(2)
    page.screenshot(path=shots / "8-board-released.png", full_page=True)

    # The desk's Mail: every e-mail with its delivery.
    page.get_by_role("link", name="Mail").first.click()
    expect(page.get_by_role("heading", name="Mail")).to_be_visible()
    expect(page.get_by_role("cell").get_by_text("Sent", exact=True)).to_have_count(3)
    page.screenshot(path=shots / "9-mail.png", full_page=True)
