from playwright.sync_api import expect

from commission import roles
from shoots.enums import SupportKind, SupportState
from shoots.models import SupportRequest
from tests.browser.conftest import PHONE
from tests.browser.test_intake import HOME, log_in, log_out
from tests.factories import (
    CohortFactory,
    LocationFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    TeamMemberFactory,
)

DESKTOP = {"width": 1280, "height": 900}
NEED = "អ្នកបកប្រែ Khmer-Korean interpreter for the fish market scenes"


def test_a_participant_asks_for_an_interpreter_and_the_coordinator_arranges_it(
    page, live_server, shots
):
    cohort = CohortFactory(name="FLY 2033 Busan")
    production = ProductionFactory(team__cohort=cohort, title="The Last Ferry")
    member = TeamMemberFactory(team=production.team)
    member.participant.user.profile.legal_name = "Chan Sokha"
    member.participant.user.profile.save()
    market = LocationFactory(name="Jagalchi Fish Market")
    day = ShootDayFactory(production=production, location=market)
    coordinator = StaffFactory(
        email="logistics@example.org",
        full_name="Park Ji-woo",
        role=roles.LOGISTICS_COORDINATOR,
    )

    # The participant, on a phone, asks for an interpreter for their team's shoot day.
    log_in(page, live_server, member.participant.user.email)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="My travel").click()
    expect(page.get_by_role("heading", name="My travel")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=shots / "1-my-travel-empty.png", full_page=True)

    page.get_by_role("link", name="Ask for support").click()
    page.get_by_label("What kind of help?").select_option(label="Interpreter or fixer")
    page.get_by_label("For").select_option(
        label=f"{day.date:%Y-%m-%d} · The Last Ferry · Jagalchi Fish Market"
    )
    page.get_by_label("What do you need?").fill(NEED)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=shots / "2-request-form.png", full_page=True)
    page.get_by_role("button", name="Send the request").click()

    expect(page.get_by_text("Your request is with the logistics desk.")).to_be_visible()
    request = page.get_by_role("listitem").filter(has_text=NEED)
    expect(request).to_contain_text("Interpreter or fixer · The Last Ferry")
    expect(request).to_contain_text("Requested")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=shots / "3-my-travel-requested.png", full_page=True)
    log_out(page)

    # The coordinator, at a desk, approves it, cannot arrange it without a date, adds one.
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "logistics@example.org")
    page.get_by_role("row").filter(has_text="FLY 2033 Busan").get_by_role(
        "link", name="Support"
    ).click()
    expect(page.get_by_role("heading", name="All requests")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=NEED)
    expect(row).to_contain_text("The Last Ferry")
    expect(row).to_contain_text("Requested")
    page.screenshot(path=shots / "4-board.png", full_page=True)
    row.get_by_role("link", name=NEED).click()

    expect(page.get_by_role("heading", name=NEED)).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The request is now Approved.")).to_be_visible()
    page.get_by_role("button", name="Mark as arranged").click()
    expect(page.get_by_text("To mark it arranged, fill in first: start date.")).to_be_visible()
    expect(page.locator("h1 + .badge")).to_have_text("Approved")
    assert SupportRequest.objects.get().state == SupportState.APPROVED
    page.screenshot(path=shots / "5-refused.png", full_page=True)

    page.get_by_label("Vendor").fill("Busan Interpreters Co-op")
    page.get_by_label("Start date", exact=True).fill(day.date.isoformat())
    page.get_by_label("Estimated cost (KRW)").fill("240000")
    page.get_by_label("Assignee").select_option(label="Park Ji-woo")
    page.get_by_role("button", name="Save the request").click()
    expect(page.get_by_text("The request is saved.")).to_be_visible()
    page.get_by_role("button", name="Mark as arranged").click()
    expect(page.get_by_text("The request is now Arranged.")).to_be_visible()
    expect(page.locator("h1 + .badge")).to_have_text("Arranged")
    page.screenshot(path=shots / "6-arranged.png", full_page=True)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(HOME)

    # The participant sees it arranged.
    page.set_viewport_size(PHONE)
    log_in(page, live_server, member.participant.user.email)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="My travel").click()
    expect(page.get_by_role("listitem").filter(has_text=NEED)).to_contain_text("Arranged")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=shots / "7-my-travel-arranged.png", full_page=True)

    support = SupportRequest.objects.get()
    assert (
        support.kind,
        support.state,
        support.summary,
        support.participant,
        support.production,
        support.shoot_day,
        support.starts_on,
        support.vendor,
        support.estimated_cost_krw,
        support.assignee,
        support.requested_by,
    ) == (
        SupportKind.INTERPRETER,
        SupportState.ARRANGED,
        NEED,
        None,
        production,
        day,
        day.date,
        "Busan Interpreters Co-op",
        240000,
        coordinator,
        member.participant.user,
    )
