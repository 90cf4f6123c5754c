from datetime import time

import icalendar
from playwright.sync_api import expect

from commission import roles
from shoots.models import ShootDay
from shoots.services import shoot_day_save
from tests.browser.conftest import PHONE
from tests.browser.test_intake import log_in
from tests.factories import (
    CohortFactory,
    LocationFactory,
    ProductionFactory,
    StaffFactory,
    TeamMemberFactory,
)

DESKTOP = {"width": 1280, "height": 900}


def test_a_permits_officer_schedules_a_shoot_day_meets_a_conflict_fixes_it_and_reads_the_feed(
    page, live_server, shots
):
    cohort = CohortFactory(name="FLY 2032 Busan")
    ours = ProductionFactory(team__cohort=cohort, title="The Last Ferry")
    theirs = ProductionFactory(team__cohort=cohort, title="Salt and Stairs")
    trainee = TeamMemberFactory(team=ours.team)
    trainee.participant.user.profile.legal_name = "Chan Sokha"
    trainee.participant.user.profile.save()
    market = LocationFactory(name="Jagalchi Fish Market", allows_shared_use=False)
    LocationFactory(name="Yeongdo Bridge")
    on = cohort.onsite_starts_on
    shoot_day_save(
        production=theirs,
        fields={"location": market, "date": on, "call_time": time(8), "wrap_time": time(18)},
        crew=[],
        by=None,
    )
    StaffFactory(email="permits@example.org", role=roles.PERMITS_OFFICER)
    page.set_viewport_size(DESKTOP)

    log_in(page, live_server, "permits@example.org")
    page.goto(f"{live_server.url}/desk/teams/{ours.team.pk}/")
    page.get_by_role("link", name="Add a shoot day").click()
    page.get_by_label("Location").select_option(label="Jagalchi Fish Market · Haeundae-gu")
    page.get_by_label("Date").fill(on.isoformat())
    page.get_by_label("Call").fill("10:00")
    page.get_by_label("Wrap").fill("16:00")
    page.get_by_label("Scenes").fill("Scene 4, the fish auction")
    expect(page.get_by_label("Chan Sokha · Team")).to_be_checked()
    page.get_by_role("button", name="Save the shoot day").click()

    # Refused: the market is booked by the other team; nothing is saved and nothing is lost.
    expect(page.get_by_text("Not saved: these conflicts block the shoot day")).to_be_visible()
    expect(page.get_by_text("Jagalchi Fish Market is booked by Salt and Stairs")).to_be_visible()
    expect(page.get_by_label("Scenes")).to_have_value("Scene 4, the fish auction")
    assert ShootDay.objects.filter(production=ours).count() == 0
    page.screenshot(path=shots / "1-conflict.png", full_page=True)

    page.get_by_label("Location").select_option(label="Yeongdo Bridge · Haeundae-gu")
    page.get_by_role("button", name="Save the shoot day").click()
    expect(page.get_by_role("heading", name="The Last Ferry")).to_be_visible()
    day = ShootDay.objects.get(production=ours)
    assert (day.location.name, day.call_time, list(day.crew.all())) == (
        "Yeongdo Bridge",
        time(10),
        [trainee.participant],
    )
    page.screenshot(path=shots / "2-saved.png", full_page=True)

    # The production's calendar link, read as a calendar app would.
    page.goto(f"{live_server.url}/desk/teams/{ours.team.pk}/")
    page.get_by_role("button", name="Make a calendar link").click()
    address = page.locator("section[aria-labelledby=feed-heading] input[readonly]").input_value()
    response = page.request.get(address)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.body())
    events = calendar.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["The Last Ferry · Yeongdo Bridge"]
    assert events[0]["DTSTART"].dt.hour == 10
    page.screenshot(path=shots / "3-feed.png", full_page=True)


def test_a_participant_sees_their_team_shoot_day_and_call_sheet_on_a_phone(
    page, live_server, shots
):
    production = ProductionFactory(title="Blue Line", team__cohort__name="FLY 2032 Busan")
    member = TeamMemberFactory(team=production.team, role="cinematographer")
    member.participant.user.profile.legal_name = "Nguyen Thu Ha"
    member.participant.user.profile.save()
    location = LocationFactory(name="Haeundae Blueline Park", nearest_hospital="Paik Hospital")
    shoot_day_save(
        production=production,
        fields={
            "location": location,
            "date": production.team.cohort.onsite_starts_on,
            "call_time": time(20),
            "wrap_time": time(2),
            "schedule": "20:00 Call\n01:30 Wrap",
            "scenes": "Scene" * 200,
        },
        crew=[member.participant],
        by=None,
    )

    log_in(page, live_server, member.participant.user.email)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="My team").click()
    expect(page.get_by_text("Blue Line", exact=True)).to_be_visible()
    expect(page.get_by_text("Haeundae Blueline Park").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=shots / "1-my-team.png", full_page=True)

    page.get_by_role("link", name="Call sheet").first.click()
    expect(page.get_by_text("Paik Hospital")).to_be_visible()
    expect(page.get_by_text("Nguyen Thu Ha")).to_be_visible()
    expect(page.get_by_text("01:30 Wrap")).to_be_visible()
    # Long words (a web address, a scene typed without spaces) wrap instead of widening it.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=shots / "2-call-sheet.png", full_page=True)
