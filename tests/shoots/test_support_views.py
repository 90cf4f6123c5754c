"""The logistics desk's pages and a participant's travel page, as their users see them."""

from datetime import date, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from commission import roles
from shoots import services
from shoots.enums import SupportKind, SupportState, TravelDirection
from shoots.models import BudgetLine, SupportAttachment, SupportRequest
from tests.clock import NOON
from tests.factories import (
    ApplicantFactory,
    BudgetLineFactory,
    ParticipantFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    SupportRequestFactory,
    TeamMemberFactory,
)
from tests.factories.files import pdf

# "Today", "this week" and "overdue" are read against a clock that starts at NOON.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOON)]


@pytest.fixture
def coordinator():
    return StaffFactory(email="yuna@example.org", role=roles.LOGISTICS_COORDINATOR)


@pytest.fixture
def member():
    """A participant in a team with a film and one shoot day."""
    member = TeamMemberFactory()
    ProductionFactory(team=member.team, title="Salt and Stairs")
    return member


def page(client, user, name, **kwargs):
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


# The coordinator's board ---------------------------------------------------------------


def test_support_board_lists_overdue_and_due_this_week(client, coordinator):
    today = timezone.localdate()
    late = SupportRequestFactory(summary="Van for the bridge", due_on=today - timedelta(days=2))
    cohort = late.cohort
    SupportRequestFactory(
        participant=ParticipantFactory(application__cohort=cohort),
        summary="Thai interpreter",
        due_on=today + timedelta(days=3),
    )
    SupportRequestFactory(
        participant=late.participant,
        summary="Done long ago",
        due_on=today - timedelta(days=9),
        state=SupportState.DONE,
    )

    html = page(client, coordinator, "support_board", slug=cohort.slug)

    overdue = html.split('id="overdue-heading"')[1].split('id="due-soon-heading"')[0]
    due_soon = html.split('id="due-soon-heading"')[1].split("All requests")[0]
    assert "Van for the bridge" in overdue and "Done long ago" not in overdue
    assert "Thai interpreter" in due_soon
    assert "3 requests" in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"kind": "room"}, {"Room at the Toyoko"}),
        ({"state": "arranged"}, {"Room at the Toyoko"}),
        ({"assignee": "ME"}, {"Khmer interpreter"}),
        ({"assignee": "none"}, {"Room at the Toyoko", "Police at the bridge"}),
        ({"due_before": "2027-07-10"}, {"Khmer interpreter"}),
        ({"due_after": "2027-07-11"}, {"Police at the bridge"}),
        ({"q": "toyoko"}, {"Room at the Toyoko"}),
    ],
)
def test_support_board_filters_by_kind_state_assignee_and_due_date(
    client, coordinator, query, shown
):
    seat = ParticipantFactory()
    SupportRequestFactory(
        participant=seat, summary="Khmer interpreter", assignee=coordinator, due_on=date(2027, 7, 1)
    )
    SupportRequestFactory(
        participant=seat,
        kind=SupportKind.ROOM,
        summary="Room at the Toyoko",
        vendor="Toyoko Inn",
        state=SupportState.ARRANGED,
    )
    production = ProductionFactory(team__cohort=seat.cohort)
    SupportRequestFactory(
        participant=None,
        production=production,
        cohort=seat.cohort,
        kind=SupportKind.POLICE,
        summary="Police at the bridge",
        due_on=date(2027, 7, 20),
    )
    if query.get("assignee") == "ME":
        query = {"assignee": coordinator.pk}
    client.force_login(coordinator)

    response = client.get(reverse("support_board", kwargs={"slug": seat.cohort.slug}), query)

    rows = {support.summary for support in response.context["page_obj"]}
    assert rows == shown


def test_support_board_with_a_malformed_date_shows_the_error_and_no_rows(client, coordinator):
    request = SupportRequestFactory()
    client.force_login(coordinator)

    response = client.get(
        reverse("support_board", kwargs={"slug": request.cohort.slug}),
        {"due_before": "31/31/2027"},
    )

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert "Enter a valid date." in response.content.decode()


@pytest.mark.parametrize(("rows", "queries"), [(1, 10), (3, 10)])
def test_support_board_queries_do_not_grow_with_rows(
    client, coordinator, django_assert_num_queries, rows, queries
):
    seat = ParticipantFactory()
    production = ProductionFactory(team__cohort=seat.cohort)
    day = ShootDayFactory(production=production)
    for _ in range(rows):
        SupportRequestFactory(participant=seat, due_on=timezone.localdate(), assignee=coordinator)
        SupportRequestFactory(
            participant=None, production=production, shoot_day=day, cohort=seat.cohort
        )
    client.force_login(coordinator)
    url = reverse("support_board", kwargs={"slug": seat.cohort.slug})

    with django_assert_num_queries(queries):
        client.get(url)


# Creating, editing and moving a request ------------------------------------------------


def test_support_create_records_a_request_for_a_shoot_day(client, coordinator):
    day = ShootDayFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("support_create", kwargs={"slug": day.production.team.cohort.slug}),
        {
            "subject": f"shoot_day:{day.pk}",
            "kind": SupportKind.POLICE,
            "summary": "ពីរនាក់ Two traffic marshals",
            "quantity": 2,
            "estimated_cost_krw": 0,
            "due_on": "2027-07-01",
            "assignee": coordinator.pk,
        },
    )

    support = SupportRequest.objects.get()
    assert response.url == reverse("support_detail", kwargs={"pk": support.pk})
    assert (support.shoot_day, support.production, support.summary, support.assignee) == (
        day,
        day.production,
        "ពីរនាក់ Two traffic marshals",
        coordinator,
    )


def test_support_create_refuses_bad_input_and_keeps_what_was_typed(client, coordinator):
    seat = ParticipantFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("support_create", kwargs={"slug": seat.cohort.slug}),
        {
            "subject": f"participant:{seat.pk}",
            "kind": SupportKind.ROOM,
            "summary": "x" * 10_000,
            "quantity": 1,
            "estimated_cost_krw": 100,
            "starts_on": "2027-02-30",
            "vendor": "Toyoko Inn Haeundae",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in html
    assert "Enter a date such as 2026-12-31." in html
    assert 'value="Toyoko Inn Haeundae"' in html
    assert SupportRequest.objects.count() == 0


def test_support_create_puts_the_models_refusal_on_its_field(client, coordinator):
    seat = ParticipantFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("support_create", kwargs={"slug": seat.cohort.slug}),
        {
            "subject": f"participant:{seat.pk}",
            "kind": SupportKind.ROOM,
            "summary": "Room",
            "quantity": 1,
            "estimated_cost_krw": 100,
            "starts_on": "2027-07-22",
            "ends_on": "2027-07-21",
        },
    )

    assert response.context["form"].errors["ends_on"] == ["The end date is before the start date."]
    assert SupportRequest.objects.count() == 0


def test_support_create_refuses_someone_of_another_cohort(client, coordinator):
    seat = ParticipantFactory()
    stranger = ParticipantFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("support_create", kwargs={"slug": seat.cohort.slug}),
        {
            "subject": f"participant:{stranger.pk}",
            "kind": SupportKind.ROOM,
            "summary": "Room",
            "quantity": 1,
            "estimated_cost_krw": 0,
        },
    )

    assert response.context["form"].errors["subject"] == ["Choose from the list whom this is for."]
    assert SupportRequest.objects.count() == 0


def test_support_transition_arranges_and_refuses_a_missing_detail(client, coordinator):
    support = SupportRequestFactory(state=SupportState.APPROVED, kind=SupportKind.ROOM)
    client.force_login(coordinator)
    url = reverse("support_transition", kwargs={"pk": support.pk})

    refused = client.post(url, {"to": SupportState.ARRANGED}, follow=True)
    support.vendor, support.ends_on = "Toyoko Inn", support.starts_on + timedelta(days=3)
    support.save()
    arranged = client.post(url, {"to": SupportState.ARRANGED, "note": "Booked"}, follow=True)

    assert "To mark it arranged, fill in first: vendor, end date." in refused.content.decode()
    assert "The request is now Arranged." in arranged.content.decode()
    assert SupportRequest.objects.get().state == SupportState.ARRANGED


def test_support_detail_edit_saves_the_actual_cost(client, coordinator):
    support = SupportRequestFactory(state=SupportState.ARRANGED)
    client.force_login(coordinator)

    response = client.post(
        reverse("support_detail", kwargs={"pk": support.pk}),
        {
            "subject": f"participant:{support.participant.pk}",
            "kind": support.kind,
            "summary": support.summary,
            "starts_on": support.starts_on.isoformat(),
            "quantity": 1,
            "estimated_cost_krw": 200_000,
            "actual_cost_krw": 180_000,
        },
    )

    assert response.status_code == 302
    assert SupportRequest.objects.get().actual_cost_krw == 180_000


def test_support_detail_cannot_be_changed_by_a_permits_officer(client):
    support = SupportRequestFactory()
    client.force_login(StaffFactory(role=roles.PERMITS_OFFICER))

    response = client.post(reverse("support_detail", kwargs={"pk": support.pk}), {})

    assert response.status_code == 403


# Attachments ---------------------------------------------------------------------------


def test_support_attachment_reaches_the_traveller_and_nobody_else(
    client, coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    support = SupportRequestFactory(kind=SupportKind.FLIGHT)
    client.force_login(coordinator)
    client.post(
        reverse("support_attachment_add", kwargs={"pk": support.pk}),
        {"file": pdf("e-ticket.pdf")},
    )
    attachment = SupportAttachment.objects.get()
    url = reverse("support_attachment", kwargs={"pk": attachment.pk})

    client.force_login(support.participant.user)
    own = client.get(url)
    client.force_login(ParticipantFactory(application__cohort=support.cohort).user)
    other = client.get(url)

    assert own.status_code == 200
    assert own["Content-Disposition"] == 'attachment; filename="e-ticket.pdf"'
    b"".join(own.streaming_content)
    assert other.status_code == 404


def test_support_attachment_add_refuses_a_wrong_file_with_a_message(
    client, coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    support = SupportRequestFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("support_attachment_add", kwargs={"pk": support.pk}),
        {"file": SimpleUploadedFile("voucher.pdf", b"MZ\x90\x00 a program, not a voucher")},
        follow=True,
    )

    assert SupportAttachment.objects.count() == 0
    assert "alert-danger" in response.content.decode()


# Travel, rooms and budget --------------------------------------------------------------


def test_travel_board_lists_arrivals_by_landing_day(client, coordinator):
    seat = ParticipantFactory()
    SupportRequestFactory(
        participant=seat,
        kind=SupportKind.FLIGHT,
        summary="Flight",
        direction=TravelDirection.ARRIVAL,
        flight_number="VN 426",
        origin="SGN",
        destination="PUS",
        starts_on=date(2027, 7, 21),
        departs_time=time(23, 55),
        ends_on=date(2027, 7, 22),
        arrives_time=time(6, 40),
    )

    html = page(client, coordinator, "travel_board", slug=seat.cohort.slug)

    assert "Thursday 22 July 2027" in html
    assert "VN 426" in html and "06:40" in html


def test_room_board_counts_rooms_by_hotel_and_night(client, coordinator):
    seat = ParticipantFactory()
    SupportRequestFactory(
        participant=seat,
        kind=SupportKind.ROOM,
        vendor="Ibis Ambassador Busan",
        room="1204",
        starts_on=date(2027, 7, 22),
        ends_on=date(2027, 7, 25),
    )

    html = page(client, coordinator, "room_board", slug=seat.cohort.slug)

    assert "Ibis Ambassador Busan" in html
    assert "3 room-nights" in html
    assert "(1204)" in html


def test_budget_page_warns_of_an_overspend(client, coordinator):
    support = SupportRequestFactory(estimated_cost_krw=400_000, actual_cost_krw=650_000)
    BudgetLineFactory(cohort=support.cohort, kind=support.kind, amount_krw=500_000)

    html = page(client, coordinator, "budget", slug=support.cohort.slug)

    assert "1 line is over its budget." in html
    assert "Spent over budget" in html
    assert "-150,000" in html


def test_budget_line_is_set_by_the_coordinator(client, coordinator):
    production = ProductionFactory()
    client.force_login(coordinator)

    response = client.post(
        reverse("budget", kwargs={"slug": production.team.cohort.slug}),
        {"production": production.pk, "kind": "vehicle", "amount_krw": 2_400_000},
        follow=True,
    )

    assert "2,400,000 KRW" in response.content.decode()
    assert list(BudgetLine.objects.values_list("production", "kind", "amount_krw")) == [
        (production.pk, "vehicle", 2_400_000)
    ]


def test_budget_line_cannot_be_set_by_a_permits_officer(client):
    production = ProductionFactory()
    client.force_login(StaffFactory(role=roles.PERMITS_OFFICER))

    response = client.post(
        reverse("budget", kwargs={"slug": production.team.cohort.slug}),
        {"kind": "vehicle", "amount_krw": 1},
    )

    assert response.status_code == 403
    assert BudgetLine.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize(
    ("name", "queries"), [("travel_board", 6), ("room_board", 6), ("budget", 9)]
)
def test_logistics_pages_queries_do_not_grow_with_rows(
    client, coordinator, django_assert_num_queries, name, queries, rows
):
    seat = ParticipantFactory()
    for n in range(rows):
        for kind in (SupportKind.FLIGHT, SupportKind.ROOM, SupportKind.AIRPORT_TRANSFER):
            SupportRequestFactory(
                participant=ParticipantFactory(application__cohort=seat.cohort),
                kind=kind,
                vendor="Ibis",
                starts_on=date(2027, 7, 22 + n),
                ends_on=date(2027, 7, 24 + n),
            )
        production = ProductionFactory(team__cohort=seat.cohort)
        BudgetLineFactory(cohort=seat.cohort, production=production)
    client.force_login(coordinator)
    url = reverse(name, kwargs={"slug": seat.cohort.slug})

    with django_assert_num_queries(queries):
        client.get(url)


# A participant's pages -----------------------------------------------------------------


def test_my_travel_shows_flights_transfers_and_rooms_by_night(client, member):
    seat = member.participant
    SupportRequestFactory(
        participant=seat,
        kind=SupportKind.FLIGHT,
        direction=TravelDirection.ARRIVAL,
        flight_number="KE 690",
        origin="PNH",
        destination="PUS",
        starts_on=date(2027, 7, 21),
        departs_time=time(23, 10),
        ends_on=date(2027, 7, 22),
        arrives_time=time(6, 35),
        state=SupportState.ARRANGED,
    )
    SupportRequestFactory(
        participant=seat,
        kind=SupportKind.ROOM,
        vendor="Toyoko Inn Haeundae",
        room="503",
        starts_on=date(2027, 7, 22),
        ends_on=date(2027, 7, 24),
    )
    SupportRequestFactory(
        participant=ParticipantFactory(application__cohort=seat.cohort),
        summary="Someone else's room",
    )

    html = page(client, seat.user, "my_travel")

    assert "KE 690" in html and "PNH 23:10" in html and "PUS 06:35 (22 Jul)" in html
    assert html.count("Toyoko Inn Haeundae") == 2  # two nights
    assert "Fri 23 Jul" in html
    assert "Someone else" not in html


def test_my_travel_shows_two_rooms_held_on_one_night(client, member):
    seat = member.participant
    for hotel in ("Ibis Ambassador", "Toyoko Inn"):
        SupportRequestFactory(
            participant=seat,
            kind=SupportKind.ROOM,
            vendor=hotel,
            starts_on=date(2027, 7, 22),
            ends_on=date(2027, 7, 23),
        )

    html = page(client, seat.user, "my_travel")

    assert "Ibis Ambassador" in html and "Toyoko Inn" in html


def test_my_travel_does_not_exist_for_an_applicant_without_a_seat(client):
    client.force_login(ApplicantFactory())

    response = client.get(reverse("my_travel"))

    assert response.status_code == 404


@pytest.mark.parametrize(("rows", "queries"), [(1, 8), (3, 8)])
def test_my_travel_queries_do_not_grow_with_rows(
    client, member, django_assert_num_queries, rows, queries
):
    seat = member.participant
    for n in range(rows):
        for kind in (SupportKind.FLIGHT, SupportKind.ROOM, SupportKind.INTERPRETER):
            SupportRequestFactory(
                participant=seat, kind=kind, vendor="Ibis", starts_on=date(2027, 7, 22 + n)
            )
    client.force_login(seat.user)

    with django_assert_num_queries(queries):
        client.get(reverse("my_travel"))


def test_participant_asks_for_an_interpreter_on_a_shoot_day(client, member):
    day = ShootDayFactory(production=member.team.production)
    client.force_login(member.participant.user)

    response = client.post(
        reverse("my_support_request"),
        {
            "subject": f"shoot_day:{day.pk}",
            "kind": SupportKind.INTERPRETER,
            "summary": "ຂໍນາຍພາສາ Lao-Korean interpreter",
            "quantity": 1,
        },
        follow=True,
    )

    support = SupportRequest.objects.get()
    assert (support.production, support.shoot_day, support.requested_by, support.state) == (
        day.production,
        day,
        member.participant.user,
        SupportState.REQUESTED,
    )
    assert "ຂໍນາຍພາສາ Lao-Korean interpreter" in response.content.decode()


def test_participant_cannot_ask_for_another_teams_shoot_day(client, member):
    other = ShootDayFactory(production=ProductionFactory(team__cohort=member.team.cohort))
    client.force_login(member.participant.user)

    response = client.post(
        reverse("my_support_request"),
        {"subject": f"shoot_day:{other.pk}", "kind": "interpreter", "summary": "x", "quantity": 1},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["subject"] == [
        "Choose yourself or one of your team's days."
    ]
    assert SupportRequest.objects.count() == 0


def test_participant_cannot_ask_for_police_support(client, member):
    client.force_login(member.participant.user)

    response = client.post(
        reverse("my_support_request"),
        {
            "subject": f"participant:{member.participant.pk}",
            "kind": SupportKind.POLICE,
            "summary": "x",
            "quantity": 1,
        },
    )

    assert "kind" in response.context["form"].errors
    assert SupportRequest.objects.count() == 0


def test_participant_withdraws_their_own_open_request(client, member):
    support = SupportRequestFactory(
        participant=member.participant, requested_by=member.participant.user
    )
    client.force_login(member.participant.user)

    client.post(reverse("my_support_withdraw", kwargs={"pk": support.pk}))

    assert SupportRequest.objects.get().state == SupportState.CANCELLED


def test_participant_cannot_withdraw_what_the_desk_requested(client, member):
    support = SupportRequestFactory(participant=member.participant)
    client.force_login(member.participant.user)

    response = client.post(reverse("my_support_withdraw", kwargs={"pk": support.pk}))

    assert response.status_code == 404
    assert SupportRequest.objects.get().state == SupportState.REQUESTED


def test_shoot_day_detail_lists_its_support_and_links_a_new_request(client, coordinator):
    day = ShootDayFactory()
    SupportRequestFactory(
        participant=None,
        production=day.production,
        shoot_day=day,
        cohort=day.production.team.cohort,
        kind=SupportKind.POLICE,
        summary="Two traffic marshals",
    )

    html = page(client, coordinator, "shoot_day_detail", pk=day.pk)
    client.force_login(coordinator)
    chosen = client.get(
        reverse("support_create", kwargs={"slug": day.production.team.cohort.slug}),
        {"for": f"shoot_day:{day.pk}", "kind": "vehicle"},
    )

    assert "Two traffic marshals" in html
    assert f"?for=shoot_day:{day.pk}" in html
    assert chosen.context["form"]["subject"].value() == f"shoot_day:{day.pk}"
    assert chosen.context["form"]["kind"].value() == "vehicle"


def test_support_detail_edit_keeps_an_assignee_who_left_the_role(client, coordinator):
    former = StaffFactory(email="former@example.org", role=roles.LOGISTICS_COORDINATOR)
    support = SupportRequestFactory(assignee=former)
    former.groups.clear()
    client.force_login(coordinator)
    url = reverse("support_detail", kwargs={"pk": support.pk})
    form = client.get(url).context["edit_form"]

    typed = {name: "" if value is None else value for name, value in form.initial.items()}
    client.post(url, {**typed, "assignee": former.pk, "notes": "Called"})

    support.refresh_from_db()
    assert former in form.fields["assignee"].queryset
    assert (support.assignee, support.notes) == (former, "Called")


@pytest.mark.parametrize("role", [roles.PROGRAMME_MANAGER, roles.PERMITS_OFFICER])
@pytest.mark.parametrize(
    "name", ["support_transition", "support_attachment_add", "support_attachment_delete"]
)
def test_support_changes_are_refused_to_roles_without_the_permission(
    client, settings, tmp_path, coordinator, role, name
):
    settings.MEDIA_ROOT = tmp_path
    support = SupportRequestFactory()
    attachment = services.support_attachment_add(request=support, upload=pdf(), by=coordinator)
    pk = attachment.pk if name == "support_attachment_delete" else support.pk
    client.force_login(StaffFactory(role=role))

    response = client.post(
        reverse(name, kwargs={"pk": pk}), {"to": SupportState.APPROVED, "file": pdf()}
    )

    assert response.status_code == 403
    assert (SupportRequest.objects.get().state, SupportAttachment.objects.count()) == (
        SupportState.REQUESTED,
        1,
    )
