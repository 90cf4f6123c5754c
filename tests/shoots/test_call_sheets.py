from datetime import date, time

import pytest
from django.urls import reverse

from commission import roles
from shoots.enums import PermitStatus
from tests.factories import (
    AuthorityFactory,
    LocationFactory,
    ParticipantFactory,
    PermitFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    TeamFactory,
    TeamMemberFactory,
)

SHOOT_DATE = date(2026, 12, 5)  # a Saturday


def url(day):
    return reverse("call_sheet", kwargs={"pk": day.pk})


@pytest.fixture
def day(db):
    production = ProductionFactory(title="The Last Ferry")
    team = production.team
    mentor = StaffFactory(full_name="Kim Ji-won", email="jiwon@example.org", role=roles.REVIEWER)
    team.mentors.add(mentor)
    camera = TeamMemberFactory(
        team=team, role="cinematographer", participant__application__cohort=team.cohort
    )
    guest = TeamMemberFactory(
        team=TeamFactory(cohort=team.cohort),
        role="sound",
        participant__application__cohort=team.cohort,
    )
    location = LocationFactory(
        name="Jagalchi Market",
        name_ko="자갈치시장",
        address="52 Jagalchihaean-ro, Jung-gu",
        latitude="35.096700",
        longitude="129.030500",
        nearest_hospital="Busan Medical Center",
        nearest_hospital_address="359 World cup-daero, Yeonje-gu",
    )
    shoot_day = ShootDayFactory(
        production=production,
        location=location,
        date=SHOOT_DATE,
        call_time=time(22, 0),
        wrap_time=time(6, 30),
        schedule="22:30 Scene 4, market entrance\n\n01:00 Scene 5, fish stalls",
        scenes="4, 5",
        equipment="Two LED panels, a gimbal",
        vehicle_count=2,
        notes="Quiet after 02:00: the stalls open at 04:00.",
    )
    shoot_day.crew.add(camera.participant, guest.participant)
    PermitFactory(
        shoot_day=shoot_day,
        status=PermitStatus.APPROVED_WITH_CONDITIONS,
        reference_number="JG-2026-0311",
        conditions="No lights aimed at the stalls.",
    )
    return shoot_day


def test_call_sheet_shows_everything_a_crew_needs(client, logistics, day):
    client.force_login(logistics)

    response = client.get(url(day))

    assert response.status_code == 200
    content = response.content.decode()
    camera = day.crew.get(team_member__role="cinematographer")
    guest = day.crew.get(team_member__role="sound")
    for text in [
        "The Last Ferry",
        "Saturday 5 December 2026",
        "22:00",
        "06:30",
        "next day",
        "Jagalchi Market",
        "자갈치시장",
        "52 Jagalchihaean-ro, Jung-gu",
        "35.096700, 129.030500",
        day.location.map_url.replace("&", "&amp;"),
        "Busan Medical Center",
        "359 World cup-daero, Yeonje-gu",
        "119",
        "Cinematographer",
        "Sound",
        "from another team",
        "+855 12 345 678",
        "Kim Ji-won",
        "22:30 Scene 4, market entrance",
        "01:00 Scene 5, fish stalls",
        "Two LED panels, a gimbal",
        "JG-2026-0311",
        "No lights aimed at the stalls.",
        "Quiet after 02:00: the stalls open at 04:00.",
    ]:
        assert text in content, text
    assert camera.user.profile.legal_name in content
    assert response.context["ready"] is True
    assert ">Ready<" in content
    assert [line.name for line in response.context["crew"]] == sorted(
        [camera.user.profile.legal_name, guest.user.profile.legal_name]
    )


def test_call_sheet_not_ready_while_a_permit_is_pending(client, logistics, day):
    PermitFactory(shoot_day=day, authority=AuthorityFactory(), status=PermitStatus.SUBMITTED)
    client.force_login(logistics)

    response = client.get(url(day))

    assert response.context["ready"] is False
    assert ">Not ready<" in response.content.decode()


def test_call_sheet_same_day_wrap_has_no_next_day(client, logistics):
    day = ShootDayFactory(call_time=time(7, 0), wrap_time=time(19, 0))
    client.force_login(logistics)

    response = client.get(url(day))

    assert "next day" not in response.content.decode()


def test_call_sheet_links_the_print_stylesheet_and_script(client, logistics, day):
    client.force_login(logistics)

    content = client.get(url(day)).content.decode()

    assert 'href="/static/css/print.css" media="print"' in content
    assert 'src="/static/js/print.js" defer' in content
    assert "data-print" in content
    assert "<script>" not in content
    assert 'style="' not in content


def test_call_sheet_is_shown_to_the_days_crew(client, applicant, day):
    seat = ParticipantFactory(
        application__applicant=applicant, application__cohort=day.production.team.cohort
    )
    TeamMemberFactory(team=TeamFactory(cohort=seat.cohort), participant=seat)
    day.crew.add(seat)
    client.force_login(applicant)

    response = client.get(url(day))

    assert response.status_code == 200
    assert reverse("my_team") in response.content.decode()


def test_call_sheet_is_shown_to_the_films_team_off_the_crew(client, applicant, day):
    seat = ParticipantFactory(
        application__applicant=applicant, application__cohort=day.production.team.cohort
    )
    TeamMemberFactory(team=day.production.team, participant=seat)
    client.force_login(applicant)

    response = client.get(url(day))

    assert response.status_code == 200


def test_call_sheet_is_404_to_an_applicant_of_another_team(client, applicant, day):
    seat = ParticipantFactory(
        application__applicant=applicant, application__cohort=day.production.team.cohort
    )
    TeamMemberFactory(team=TeamFactory(cohort=seat.cohort), participant=seat)
    client.force_login(applicant)

    response = client.get(url(day))

    assert response.status_code == 404


def test_call_sheet_is_404_to_a_reviewer(client, reviewer, day):
    client.force_login(reviewer)

    response = client.get(url(day))

    assert response.status_code == 404


def test_call_sheet_asks_a_visitor_to_log_in(client, day):
    response = client.get(url(day))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url(day)}"
