from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applicants.models import AuditEntry
from shoots.enums import PermitStatus
from shoots.models import Production, Team, TeamMember
from shoots.services import (
    ShootError,
    feed_create,
    production_update,
    propose_teams,
    team_update,
    teams_form,
)
from tests.factories import (
    CohortFactory,
    CountryFactory,
    ParticipantFactory,
    PermitFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

KHMER_TITLE = "ទូកចុងក្រោយ"
THAI_TITLE = "เรือลำสุดท้าย"


def participant(cohort, *, country=("KH", "Cambodia"), role="director", phone="+855 12 345 678"):
    code, name = country
    return ParticipantFactory(
        application__cohort=cohort,
        application__role_1=role,
        application__applicant__profile__nationality=CountryFactory(code=code, name=name),
        application__applicant__profile__phone=phone,
    )


# propose_teams -----------------------------------------------------------------------------


def test_propose_teams_puts_a_countrys_two_trainees_in_different_teams():
    people = [
        {"id": 1, "country": "KH", "role": "director"},
        {"id": 2, "country": "KH", "role": "editor"},
        {"id": 3, "country": "TH", "role": "director"},
        {"id": 4, "country": "TH", "role": "sound"},
    ]

    placed = propose_teams(people=people, team_count=2)

    assert placed[1] != placed[2]
    assert placed[3] != placed[4]
    assert sorted(placed.values()) == [1, 1, 2, 2]


def test_propose_teams_spreads_directors_across_teams():
    people = [
        {"id": n, "country": country, "role": "director"}
        for n, country in enumerate(["KH", "TH", "VN", "LA"])
    ]

    placed = propose_teams(people=people, team_count=2)

    assert sorted(placed.values()) == [1, 1, 2, 2]


def test_propose_teams_refuses_a_cohort_without_teams():
    with pytest.raises(ShootError):
        propose_teams(people=[{"id": 1, "country": "KH", "role": "director"}], team_count=0)


# teams_form ----------------------------------------------------------------------------------


def test_teams_form_makes_the_teams_with_productions_and_places_members_in_their_role(manager):
    cohort = CohortFactory(team_count=2)
    editor = participant(cohort, role="editor")
    director = participant(cohort, country=("TH", "Thailand"))

    teams_form(cohort=cohort, placement={editor.pk: 1, director.pk: 2}, by=manager)

    assert list(Team.objects.filter(cohort=cohort).values_list("number", flat=True)) == [1, 2]
    assert Production.objects.filter(team__cohort=cohort).count() == 2
    assert TeamMember.objects.get(participant=editor).team.number == 1
    assert TeamMember.objects.get(participant=editor).role == "editor"
    assert TeamMember.objects.get(participant=director).team.number == 2


def test_teams_form_moves_a_member_and_keeps_their_crew_role(manager):
    cohort = CohortFactory(team_count=2)
    person = participant(cohort)
    teams_form(cohort=cohort, placement={person.pk: 1}, by=manager)
    TeamMember.objects.filter(participant=person).update(role="sound")

    teams_form(cohort=cohort, placement={person.pk: 2}, by=manager)

    member = TeamMember.objects.get(participant=person)
    assert (member.team.number, member.role) == (2, "sound")


def test_teams_form_refuses_a_team_number_beyond_the_cohorts_and_saves_nothing(manager):
    cohort = CohortFactory(team_count=2)
    person = participant(cohort)

    with pytest.raises(ShootError):
        teams_form(cohort=cohort, placement={person.pk: 3}, by=manager)

    assert Team.objects.filter(cohort=cohort).count() == 0
    assert TeamMember.objects.count() == 0


def test_teams_form_refuses_a_participant_of_another_cohort(manager):
    cohort = CohortFactory(team_count=2)
    stranger = participant(CohortFactory())

    with pytest.raises(ShootError):
        teams_form(cohort=cohort, placement={stranger.pk: 1}, by=manager)

    assert TeamMember.objects.count() == 0


# team_update and production_update ---------------------------------------------------------


def test_team_update_sets_name_mentors_and_roles(manager, reviewer):
    member = TeamMemberFactory(role="director")

    team_update(
        team=member.team, name="Ferry", mentors=[reviewer], roles={member.pk: "editor"}, by=manager
    )

    member.refresh_from_db()
    assert member.team.name == "Ferry"
    assert list(member.team.mentors.all()) == [reviewer]
    assert member.role == "editor"
    assert AuditEntry.objects.filter(action="team.updated").count() == 1


def test_team_update_refuses_an_unknown_crew_role(manager):
    member = TeamMemberFactory(role="director")

    with pytest.raises(ValidationError):
        team_update(team=member.team, name="", mentors=[], roles={member.pk: "stunt"}, by=manager)

    member.refresh_from_db()
    assert member.role == "director"


def test_production_update_accepts_a_khmer_title(manager):
    production = ProductionFactory()

    production_update(production=production, fields={"title": KHMER_TITLE}, by=manager)

    production.refresh_from_db()
    assert production.title == KHMER_TITLE


def test_production_update_refuses_a_title_too_long_and_keeps_the_saved_one(manager):
    production = ProductionFactory(title="The Last Ferry")

    with pytest.raises(ValidationError):
        production_update(production=production, fields={"title": "x" * 201}, by=manager)

    production.refresh_from_db()
    assert production.title == "The Last Ferry"


# The team board ----------------------------------------------------------------------------


def board_url(cohort):
    return reverse("team_board", kwargs={"slug": cohort.slug})


def test_team_board_shows_teams_members_and_who_is_not_placed(client, manager):
    production = ProductionFactory(title="The Last Ferry")
    cohort = production.team.cohort
    member = TeamMemberFactory(team=production.team, role="sound")
    member.participant.user.profile.preferred_name = "Sokha"
    member.participant.user.profile.save()
    waiting = participant(cohort, country=("TH", "Thailand"))
    waiting.user.profile.preferred_name = "Nok"
    waiting.user.profile.save()
    client.force_login(manager)

    response = client.get(board_url(cohort))

    page = response.content.decode()
    assert response.status_code == 200
    assert "The Last Ferry" in page
    assert "Sokha" in page
    assert "Sound" in page
    assert "1 participant not in a team yet" in page
    assert "Nok" in page
    assert reverse("team_detail", args=[production.team.pk]) in page


def test_team_board_of_an_unknown_cohort_is_404(client, manager):
    client.force_login(manager)

    assert client.get(reverse("team_board", kwargs={"slug": "no-such"})).status_code == 404


def test_team_board_suggests_a_balanced_split_without_saving(client, manager):
    cohort = CohortFactory(team_count=2)
    first = participant(cohort)
    second = participant(cohort)
    client.force_login(manager)

    response = client.get(board_url(cohort) + "?suggest=1")

    form = response.context["form"]
    assert {form[f"p{first.pk}"].value(), form[f"p{second.pk}"].value()} == {1, 2}
    assert "Nothing is saved until you press “Save the teams”." in response.content.decode()
    assert TeamMember.objects.count() == 0


def test_team_board_save_places_every_participant(client, manager):
    cohort = CohortFactory(team_count=2)
    first = participant(cohort)
    second = participant(cohort)
    client.force_login(manager)

    response = client.post(board_url(cohort), {f"p{first.pk}": "2", f"p{second.pk}": "1"})

    assert response.status_code == 302
    placed = dict(TeamMember.objects.values_list("participant", "team__number"))
    assert placed == {first.pk: 2, second.pk: 1}


def test_team_board_refuses_a_team_the_cohort_has_not(client, manager):
    cohort = CohortFactory(team_count=2)
    person = participant(cohort)
    client.force_login(manager)

    response = client.post(board_url(cohort), {f"p{person.pk}": "7"})

    assert response.status_code == 200
    assert "Choose one of the cohort&#x27;s teams." in response.content.decode()
    assert TeamMember.objects.count() == 0


def test_team_board_shows_the_balance_by_country_and_role(client, manager):
    cohort = CohortFactory(team_count=1)
    people = [
        participant(cohort, role="editor"),
        participant(cohort, country=("TH", "Thailand"), role="editor"),
    ]
    teams_form(cohort=cohort, placement={p.pk: 1 for p in people}, by=manager)
    client.force_login(manager)

    response = client.get(board_url(cohort))

    (team,) = response.context["teams"]
    assert team.balance["countries"] == [("Cambodia", 1), ("Thailand", 1)]
    assert team.balance["roles"] == [("Editor", 2)]


def test_team_board_for_logistics_has_no_placement_form_and_refuses_a_save(client, logistics):
    cohort = CohortFactory(team_count=2)
    person = participant(cohort)
    client.force_login(logistics)

    response = client.get(board_url(cohort))
    refused = client.post(board_url(cohort), {f"p{person.pk}": "1"})

    assert response.context["form"] is None
    assert "Suggest a balanced split" not in response.content.decode()
    assert refused.status_code == 403
    assert TeamMember.objects.count() == 0


def make_teams(count):
    cohort = CohortFactory(team_count=count)
    for number in range(1, count + 1):
        production = ProductionFactory(team__cohort=cohort, team__number=number)
        production.team.mentors.add(StaffFactory())
        TeamMemberFactory(team=production.team)
    return cohort


@pytest.mark.parametrize("count", [1, 3])
def test_team_board_queries_stay_flat(client, manager, django_assert_num_queries, count):
    cohort = make_teams(count)
    client.force_login(manager)

    with django_assert_num_queries(9):
        response = client.get(board_url(cohort))

    assert len(response.context["teams"]) == count


# One team ------------------------------------------------------------------------------------


def test_team_detail_shows_production_crew_phones_and_shoot_days(client, manager):
    production = ProductionFactory(title="The Last Ferry", logline="A cook feeds a crew.")
    member = TeamMemberFactory(team=production.team, role="editor")
    member.participant.user.profile.phone = "+855 12 999 888"
    member.participant.user.profile.save()
    day = ShootDayFactory(production=production, call_time=time(20), wrap_time=time(2))
    client.force_login(manager)

    response = client.get(reverse("team_detail", args=[production.team.pk]))

    page = response.content.decode()
    assert "The Last Ferry" in page
    assert "A cook feeds a crew." in page
    assert "Editor" in page
    assert '<a href="tel:+85512999888">+855 12 999 888</a>' in page
    assert "next day" in page
    assert reverse("call_sheet", args=[day.pk]) in page
    assert reverse("shoot_day_detail", args=[day.pk]) in page
    assert reverse("shoot_day_create", args=[production.pk]) in page
    assert reverse("team_edit", args=[production.team.pk]) in page
    assert reverse("production_edit", args=[production.pk]) in page
    schedule = reverse("schedule", args=[production.team.cohort.slug])
    assert f'href="{schedule}?production={production.pk}"' in page


def test_team_detail_shows_the_production_feed_and_a_form_to_make_one(client, manager):
    production = ProductionFactory()
    feed = feed_create(kind="production", subject=production, by=manager)
    client.force_login(manager)

    response = client.get(reverse("team_detail", args=[production.team.pk]))

    page = response.content.decode()
    assert f"http://testserver/calendars/{feed.token}.ics" in page
    assert f'action="{reverse("feed_create")}"' in page
    assert f'name="object" value="{production.pk}"' in page


def test_team_detail_for_logistics_has_no_edit_buttons(client, logistics):
    production = ProductionFactory()
    client.force_login(logistics)

    page = client.get(reverse("team_detail", args=[production.team.pk])).content.decode()

    assert reverse("team_edit", args=[production.team.pk]) not in page
    assert reverse("shoot_day_create", args=[production.pk]) not in page
    assert reverse("feed_create") not in page


def test_team_edit_saves_name_mentors_and_roles(client, manager, reviewer):
    member = TeamMemberFactory(role="director")
    client.force_login(manager)

    response = client.post(
        reverse("team_edit", args=[member.team.pk]),
        {"name": "Ferry crew", "mentors": [reviewer.pk], f"role{member.pk}": "cinematographer"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.team.name == "Ferry crew"
    assert list(member.team.mentors.all()) == [reviewer]
    assert member.role == "cinematographer"


def test_team_edit_offers_only_reviewing_staff_as_mentors(client, manager, reviewer, logistics):
    member = TeamMemberFactory()
    client.force_login(manager)

    response = client.post(
        reverse("team_edit", args=[member.team.pk]), {"name": "", "mentors": [logistics.pk]}
    )

    assert response.status_code == 200
    assert list(response.context["form"].fields["mentors"].queryset) == [reviewer]
    assert list(member.team.mentors.all()) == []


# The production ------------------------------------------------------------------------------


def test_production_edit_saves_a_thai_title(client, manager):
    production = ProductionFactory()
    client.force_login(manager)

    response = client.post(
        reverse("production_edit", args=[production.pk]),
        {
            "title": THAI_TITLE,
            "logline": "",
            "synopsis": "",
            "format": "documentary",
            "running_minutes": "12",
        },
    )

    assert response.status_code == 302
    production.refresh_from_db()
    assert (production.title, production.format, production.running_minutes) == (
        THAI_TITLE,
        "documentary",
        12,
    )


def test_production_edit_refuses_a_huge_synopsis_and_keeps_the_input(client, manager):
    production = ProductionFactory(title="The Last Ferry")
    client.force_login(manager)

    response = client.post(
        reverse("production_edit", args=[production.pk]),
        {
            "title": KHMER_TITLE,
            "synopsis": "x" * 10_000,
            "format": "fiction",
            "running_minutes": "10",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters (it has 10000)." in page
    assert KHMER_TITLE in page
    production.refresh_from_db()
    assert production.title == "The Last Ferry"


# The participant's own team ----------------------------------------------------------------


def seated(user, **team):
    production = ProductionFactory(title="The Last Ferry", **team)
    seat = ParticipantFactory(
        application__applicant=user, application__cohort=production.team.cohort
    )
    me = TeamMemberFactory(team=production.team, participant=seat, role="director")
    return production, me


def test_my_team_shows_team_mates_with_phones_mentors_and_shoot_days(client, applicant):
    production, _me = seated(applicant)
    mate = TeamMemberFactory(team=production.team, role="sound")
    mate.participant.user.profile.preferred_name = "Nok"
    mate.participant.user.profile.phone = "+66 81 234 5678"
    mate.participant.user.profile.save()
    production.team.mentors.add(StaffFactory(full_name="Kim Mentor"))
    day = ShootDayFactory(production=production, call_time=time(19), wrap_time=time(1))
    PermitFactory(shoot_day=day, status=PermitStatus.SUBMITTED)
    client.force_login(applicant)

    response = client.get(reverse("my_team"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "The Last Ferry" in page
    assert "You are the Director." in page
    assert "Nok" in page
    assert '<a class="small" href="tel:+66812345678">+66 81 234 5678</a>' in page
    assert "Kim Mentor" in page
    assert "next day" in page
    assert "Waiting for permits" in page
    assert day.location.map_url.replace("&", "&amp;") in page
    assert reverse("call_sheet", args=[day.pk]) in page
    assert "Get a calendar link" in page


def test_my_team_shows_a_shoot_day_ready_when_its_permit_is_approved(client, applicant):
    production, _me = seated(applicant)
    day = ShootDayFactory(production=production)
    PermitFactory(shoot_day=day, status=PermitStatus.APPROVED, reference_number="H-1")
    client.force_login(applicant)

    page = client.get(reverse("my_team")).content.decode()

    assert "Ready" in page
    assert "Waiting for permits" not in page


def test_my_team_shows_the_participants_feed_and_offers_to_replace_it(client, applicant):
    _production, me = seated(applicant)
    feed = feed_create(kind="participant", subject=me.participant, by=applicant)
    client.force_login(applicant)

    page = client.get(reverse("my_team")).content.decode()

    assert f"http://testserver/calendars/{feed.token}.ics" in page
    assert "Replace my calendar link" in page
    assert f'action="{reverse("my_feed")}"' in page


def test_my_team_before_the_teams_are_formed_says_so(client, applicant):
    ParticipantFactory(application__applicant=applicant)
    client.force_login(applicant)

    page = client.get(reverse("my_team")).content.decode()

    assert "Your team is not formed yet." in page


def test_my_team_hides_other_teams(client, applicant):
    seated(applicant)
    other = ProductionFactory(title="Someone Else's Film")
    ShootDayFactory(production=other)
    client.force_login(applicant)

    page = client.get(reverse("my_team")).content.decode()

    assert "Someone Else" not in page


def test_my_team_of_an_applicant_who_is_no_participant_is_404(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("my_team")).status_code == 404


def test_my_team_sends_staff_to_the_desk(client, manager):
    client.force_login(manager)

    response = client.get(reverse("my_team"))

    assert response.status_code == 302
    assert response.url == reverse("desk")


@pytest.mark.parametrize("count", [1, 3])
def test_my_team_queries_stay_flat(client, applicant, django_assert_num_queries, count):
    production, me = seated(applicant)
    TeamMemberFactory(team=production.team)
    for _ in range(count):
        day = ShootDayFactory(production=production)
        day.crew.add(me.participant)
        PermitFactory(shoot_day=day)
    feed_create(kind="participant", subject=me.participant, by=applicant)
    client.force_login(applicant)

    with django_assert_num_queries(12):
        response = client.get(reverse("my_team"))

    assert len(response.context["sections"][0]["shoot_days"]) == count
