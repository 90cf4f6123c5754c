"""Logistics support: the request's states, what each state needs, the budget's sums, and the
travel and room boards' grouping."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from applicants.models import AuditEntry
from shoots import selectors, services
from shoots.enums import SupportKind, SupportState, TravelDirection
from shoots.models import SupportAttachment, SupportRequest
from tests.factories import (
    BudgetLineFactory,
    ParticipantFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    SupportRequestFactory,
    TeamMemberFactory,
)
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return StaffFactory(role="Logistics coordinator")


def flight_fields(participant, **overrides):
    return {
        "participant": participant,
        "kind": SupportKind.FLIGHT,
        "summary": "Flight from Phnom Penh",
        "direction": TravelDirection.ARRIVAL,
        "flight_number": "KE 690",
        "origin": "PNH",
        "destination": "PUS",
        "starts_on": date(2027, 7, 21),
        "departs_time": time(23, 10),
        "ends_on": date(2027, 7, 22),
        "arrives_time": time(6, 35),
        "estimated_cost_krw": 480_000,
    } | overrides


def move(request, *states, by):
    for state in states:
        request = services.support_request_transition(request=request, to=state, by=by)
    return request


# Creating ------------------------------------------------------------------------------


def test_support_request_create_for_a_shoot_day_is_for_its_production(coordinator):
    day = ShootDayFactory()

    request = services.support_request_create(
        cohort=day.production.team.cohort,
        fields={"shoot_day": day, "kind": SupportKind.POLICE, "summary": "Two marshals"},
        by=coordinator,
    )

    request.refresh_from_db()
    assert (request.production, request.shoot_day, request.state) == (
        day.production,
        day,
        SupportState.REQUESTED,
    )
    entry = AuditEntry.objects.get(object_id=request.pk, action="support.requested")
    assert (entry.actor, entry.to_state) == (coordinator, "requested")


def test_support_request_create_refuses_a_participant_of_another_cohort(coordinator):
    participant = ParticipantFactory()
    other = ProductionFactory().team.cohort

    with pytest.raises(ValidationError) as refused:
        services.support_request_create(
            cohort=other,
            fields={"participant": participant, "kind": "room", "summary": "Room"},
            by=coordinator,
        )

    assert "other cohorts" in str(refused.value)
    assert SupportRequest.objects.count() == 0


def test_support_request_needs_a_participant_or_a_production_in_the_database():
    request = SupportRequestFactory.build(
        participant=None, production=None, cohort=ParticipantFactory().cohort
    )

    with pytest.raises(IntegrityError):
        request.save()


def test_support_request_refuses_a_room_without_a_night(coordinator):
    participant = ParticipantFactory()

    with pytest.raises(ValidationError) as refused:
        services.support_request_create(
            cohort=participant.cohort,
            fields={
                "participant": participant,
                "kind": SupportKind.ROOM,
                "summary": "Room",
                "starts_on": date(2027, 7, 22),
                "ends_on": date(2027, 7, 22),
            },
            by=coordinator,
        )

    assert refused.value.message_dict == {
        "ends_on": ["Check-out is at least one night after check-in."]
    }


def test_support_request_refuses_a_shoot_day_of_another_production(coordinator):
    production = ProductionFactory()
    day = ShootDayFactory()

    with pytest.raises(ValidationError) as refused:
        services.support_request_create(
            cohort=production.team.cohort,
            fields={
                "production": production,
                "shoot_day": day,
                "kind": SupportKind.VEHICLE,
                "summary": "Van",
            },
            by=coordinator,
        )

    assert "shoot_day" in refused.value.message_dict


# States --------------------------------------------------------------------------------


def test_support_request_goes_from_requested_to_done(coordinator):
    request = services.support_request_create(
        cohort=(participant := ParticipantFactory()).cohort,
        fields=flight_fields(participant),
        by=coordinator,
    )
    request = move(request, SupportState.APPROVED, SupportState.ARRANGED, by=coordinator)
    services.support_request_update(
        request=request, fields={"actual_cost_krw": 455_000}, by=coordinator
    )

    request = move(request, SupportState.DONE, by=coordinator)

    assert SupportRequest.objects.get().state == SupportState.DONE
    assert list(
        AuditEntry.objects.filter(action="support.state").values_list("from_state", "to_state")
    ) == [("requested", "approved"), ("approved", "arranged"), ("arranged", "done")]


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (SupportState.REQUESTED, SupportState.ARRANGED),
        (SupportState.REQUESTED, SupportState.DONE),
        (SupportState.APPROVED, SupportState.DONE),
        (SupportState.DONE, SupportState.CANCELLED),
        (SupportState.CANCELLED, SupportState.REQUESTED),
        (SupportState.CANCELLED, SupportState.APPROVED),
    ],
)
def test_support_request_transition_refuses_a_skipped_or_final_state(coordinator, start, to):
    request = SupportRequestFactory(state=start, actual_cost_krw=1)

    with pytest.raises(services.ShootError) as refused:
        services.support_request_transition(request=request, to=to, by=coordinator)

    assert "cannot become" in str(refused.value)
    assert SupportRequest.objects.get().state == start


def test_support_request_cannot_be_arranged_without_its_flight_details(coordinator):
    participant = ParticipantFactory()
    request = services.support_request_create(
        cohort=participant.cohort,
        fields=flight_fields(participant, flight_number="", arrives_time=None),
        by=coordinator,
    )
    request = move(request, SupportState.APPROVED, by=coordinator)

    with pytest.raises(services.ShootError) as refused:
        move(request, SupportState.ARRANGED, by=coordinator)

    assert str(refused.value) == (
        "To mark it arranged, fill in first: flight number, arrives (local time)."
    )
    assert SupportRequest.objects.get().state == SupportState.APPROVED


def test_support_request_cannot_be_done_without_its_actual_cost(coordinator):
    request = SupportRequestFactory(state=SupportState.ARRANGED)

    with pytest.raises(services.ShootError) as refused:
        move(request, SupportState.DONE, by=coordinator)

    assert "actual cost (KRW)" in str(refused.value)


def test_support_request_update_keeps_an_arranged_booking_whole(coordinator):
    participant = ParticipantFactory()
    request = services.support_request_create(
        cohort=participant.cohort, fields=flight_fields(participant), by=coordinator
    )
    request = move(request, SupportState.APPROVED, SupportState.ARRANGED, by=coordinator)

    with pytest.raises(services.ShootError):
        services.support_request_update(
            request=request, fields={"flight_number": ""}, by=coordinator
        )

    assert SupportRequest.objects.get().flight_number == "KE 690"


def test_support_request_update_refuses_a_cancelled_request(coordinator):
    request = SupportRequestFactory(state=SupportState.CANCELLED)

    with pytest.raises(services.ShootError):
        services.support_request_update(request=request, fields={"vendor": "X"}, by=coordinator)

    assert SupportRequest.objects.get().vendor == ""


def test_support_request_withdraw_is_refused_once_arranged():
    request = SupportRequestFactory(state=SupportState.ARRANGED)

    with pytest.raises(services.ShootError):
        services.support_request_withdraw(request=request, by=request.participant.user)

    assert SupportRequest.objects.get().state == SupportState.ARRANGED


def test_support_request_withdraw_cancels_an_open_request():
    request = SupportRequestFactory(state=SupportState.APPROVED)

    services.support_request_withdraw(request=request, by=request.participant.user)

    assert SupportRequest.objects.get().state == SupportState.CANCELLED


# Attachments ---------------------------------------------------------------------------


def test_support_attachment_add_refuses_a_file_that_is_not_a_pdf_or_image(
    coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request = SupportRequestFactory()
    services.support_attachment_add(request=request, upload=pdf("ticket.pdf"), by=coordinator)

    with pytest.raises(ValidationError):
        services.support_attachment_add(
            request=request,
            upload=SimpleUploadedFile("ticket.pdf", b"MZ\x90\x00 a program, not a ticket"),
            by=coordinator,
        )

    assert [a.name for a in SupportAttachment.objects.all()] == ["ticket.pdf"]


# The budget ----------------------------------------------------------------------------


def test_budget_of_sums_lines_and_costs_by_kind_for_cohort_and_production():
    production = ProductionFactory()
    cohort = production.team.cohort
    participant = ParticipantFactory(application__cohort=cohort)
    BudgetLineFactory(cohort=cohort, kind=SupportKind.INTERPRETER, amount_krw=500_000)
    BudgetLineFactory(
        cohort=cohort, production=production, kind=SupportKind.INTERPRETER, amount_krw=300_000
    )
    BudgetLineFactory(cohort=cohort, kind=SupportKind.FLIGHT, amount_krw=1_000_000)
    film = {"participant": None, "production": production, "cohort": cohort}
    SupportRequestFactory(**film, estimated_cost_krw=200_000, actual_cost_krw=250_000)
    SupportRequestFactory(**film, estimated_cost_krw=150_000)
    # Cancelled: out of the estimate, but its cancellation fee is an actual cost.
    SupportRequestFactory(
        **film, estimated_cost_krw=90_000, actual_cost_krw=30_000, state=SupportState.CANCELLED
    )
    SupportRequestFactory(
        participant=participant,
        kind=SupportKind.FLIGHT,
        estimated_cost_krw=700_000,
        actual_cost_krw=1_200_000,
    )

    budget = selectors.budget_of(cohort=cohort)

    rows = {row.kind: (row.budgeted, row.estimated, row.actual) for row in budget.cohort_rows}
    assert rows == {
        SupportKind.FLIGHT: (1_000_000, 700_000, 1_200_000),
        SupportKind.INTERPRETER: (800_000, 350_000, 280_000),
    }
    [(film_production, film_rows)] = budget.productions
    assert film_production == production
    assert [(r.kind, r.budgeted, r.estimated, r.actual) for r in film_rows] == [
        (SupportKind.INTERPRETER, 300_000, 350_000, 280_000)
    ]
    assert film_rows[0].over_committed and not film_rows[0].over_actual
    flight = next(row for row in budget.cohort_rows if row.kind == SupportKind.FLIGHT)
    assert flight.over_actual
    assert flight.remaining == -200_000
    assert (budget.total.budgeted, budget.total.estimated, budget.total.actual) == (
        1_800_000,
        1_050_000,
        1_480_000,
    )
    assert budget.warnings == 2


def test_budget_of_commits_each_requests_invoice_or_else_its_estimate():
    participant = ParticipantFactory()
    cohort = participant.cohort
    BudgetLineFactory(cohort=cohort, kind=SupportKind.ROOM, amount_krw=2_050_000)
    room = {"participant": participant, "kind": SupportKind.ROOM}
    SupportRequestFactory(
        **room, estimated_cost_krw=1_000_000, actual_cost_krw=1_100_000, state=SupportState.DONE
    )
    SupportRequestFactory(**room, estimated_cost_krw=1_000_000, state=SupportState.ARRANGED)

    [row] = selectors.budget_of(cohort=cohort).cohort_rows

    assert (row.estimated, row.actual, row.committed, row.remaining) == (
        2_000_000,
        1_100_000,
        2_100_000,
        -50_000,
    )
    assert row.over_committed and not row.over_actual


def test_budget_of_counts_a_cost_without_a_line_as_over_budget():
    request = SupportRequestFactory(kind=SupportKind.CATERING, estimated_cost_krw=90_000)

    budget = selectors.budget_of(cohort=request.cohort)

    [row] = budget.cohort_rows
    assert (row.has_line, row.budgeted, row.over_committed) == (False, 0, True)


def test_budget_of_warns_of_a_films_cost_only_against_a_line_of_its_own():
    production = ProductionFactory()
    cohort = production.team.cohort
    BudgetLineFactory(cohort=cohort, kind=SupportKind.VEHICLE, amount_krw=900_000)
    SupportRequestFactory(
        participant=None,
        production=production,
        cohort=cohort,
        kind=SupportKind.VEHICLE,
        estimated_cost_krw=300_000,
    )

    budget = selectors.budget_of(cohort=cohort)

    [(_production, [film_row])] = budget.productions
    assert (film_row.has_line, film_row.estimated, film_row.over_committed) == (
        False,
        300_000,
        False,
    )
    assert budget.warnings == 0


def test_budget_of_reads_in_three_queries(django_assert_num_queries):
    production = ProductionFactory()
    for kind in (SupportKind.VEHICLE, SupportKind.CATERING, SupportKind.EQUIPMENT):
        BudgetLineFactory(cohort=production.team.cohort, production=production, kind=kind)
        SupportRequestFactory(
            participant=None, production=production, cohort=production.team.cohort, kind=kind
        )

    with django_assert_num_queries(3):
        selectors.budget_of(cohort=production.team.cohort)


def test_budget_line_set_replaces_the_amount_of_its_kind(coordinator):
    cohort = ProductionFactory().team.cohort

    services.budget_line_set(
        cohort=cohort, production=None, kind="flight", amount_krw=1, by=coordinator
    )
    line = services.budget_line_set(
        cohort=cohort, production=None, kind="flight", amount_krw=9_000_000, by=coordinator
    )

    assert [(line.kind, line.amount_krw)] == list(
        cohort.budget_lines.values_list("kind", "amount_krw")
    )
    entry = AuditEntry.objects.filter(action="budget.set").last()
    assert (entry.from_state, entry.to_state) == ("1", "9000000")


def test_budget_line_set_refuses_a_production_of_another_cohort(coordinator):
    cohort = ProductionFactory().team.cohort

    with pytest.raises(services.ShootError):
        services.budget_line_set(
            cohort=cohort,
            production=ProductionFactory(),
            kind="flight",
            amount_krw=1,
            by=coordinator,
        )


# Travel and rooms ----------------------------------------------------------------------


def test_travel_by_day_puts_arrivals_on_landing_and_departures_on_take_off():
    participant = ParticipantFactory()
    arrival = SupportRequestFactory(
        **flight_fields(participant), cohort=participant.cohort, state=SupportState.ARRANGED
    )
    departure = SupportRequestFactory(
        **flight_fields(
            participant,
            direction=TravelDirection.DEPARTURE,
            starts_on=date(2027, 8, 5),
            ends_on=date(2027, 8, 5),
        ),
        cohort=participant.cohort,
    )
    transfer = SupportRequestFactory(
        participant=participant,
        kind=SupportKind.AIRPORT_TRANSFER,
        starts_on=date(2027, 7, 22),
        departs_time=time(7, 30),
    )
    SupportRequestFactory(participant=participant, kind=SupportKind.FLIGHT, starts_on=None)
    SupportRequestFactory(
        **flight_fields(participant), cohort=participant.cohort, state=SupportState.CANCELLED
    )

    days, undated = selectors.travel_by_day(SupportRequest.objects.all())

    assert [(d.date, d.arrivals, d.transfers, d.departures) for d in days] == [
        (date(2027, 7, 22), [arrival], [transfer], []),
        (date(2027, 8, 5), [], [], [departure]),
    ]
    assert [r.kind for r in undated] == [SupportKind.FLIGHT]


def test_rooms_by_hotel_lists_each_night_until_check_out():
    participant = ParticipantFactory()
    production = ProductionFactory(team__cohort=participant.cohort)
    mine = SupportRequestFactory(
        participant=participant,
        kind=SupportKind.ROOM,
        vendor="Toyoko Inn Haeundae",
        starts_on=date(2027, 7, 22),
        ends_on=date(2027, 7, 24),
    )
    block = SupportRequestFactory(
        participant=None,
        production=production,
        kind=SupportKind.ROOM,
        vendor=" toyoko  inn HAEUNDAE ",
        quantity=3,
        starts_on=date(2027, 7, 23),
        ends_on=date(2027, 7, 24),
    )
    SupportRequestFactory(participant=participant, kind=SupportKind.ROOM, vendor="")

    hotels, unbooked = selectors.rooms_by_hotel(SupportRequest.objects.order_by("pk"))

    # One hotel however its name was typed, shown as first written.
    assert [h.hotel for h in hotels] == ["Toyoko Inn Haeundae"]
    assert hotels[0].nights == [
        (date(2027, 7, 22), [mine], 1),
        (date(2027, 7, 23), [mine, block], 4),
    ]
    assert hotels[0].room_nights == 5
    assert len(unbooked) == 1


def test_support_requests_for_a_participant_are_theirs_and_their_teams():
    member = TeamMemberFactory()
    seat = member.participant
    production = ProductionFactory(team=member.team)
    mine = SupportRequestFactory(participant=seat)
    ours = SupportRequestFactory(participant=None, production=production, cohort=seat.cohort)
    SupportRequestFactory(participant=ParticipantFactory(application__cohort=seat.cohort))
    other_team = ProductionFactory(team__cohort=seat.cohort)
    SupportRequestFactory(participant=None, production=other_team, cohort=seat.cohort)

    found = selectors.support_requests_for(participant=seat)

    assert set(found) == {mine, ours}


def test_support_due_lists_open_requests_overdue_and_this_week():
    today = date(2027, 7, 1)
    participant = ParticipantFactory()
    late = SupportRequestFactory(participant=participant, due_on=today - timedelta(days=1))
    soon = SupportRequestFactory(participant=participant, due_on=today + timedelta(days=7))
    SupportRequestFactory(participant=participant, due_on=today + timedelta(days=8))
    SupportRequestFactory(
        participant=participant, due_on=today - timedelta(days=3), state=SupportState.ARRANGED
    )

    overdue, due_soon = selectors.support_due(cohort=participant.cohort, today=today)

    assert (list(overdue), list(due_soon)) == ([late], [soon])


def test_travel_by_day_keeps_a_flight_without_direction_off_every_day():
    participant = ParticipantFactory()
    flight = SupportRequestFactory(
        **flight_fields(participant, direction=""), cohort=participant.cohort
    )

    days, undated = selectors.travel_by_day([flight])

    assert (days, undated) == ([], [flight])


def test_support_request_refuses_a_stay_of_more_than_ninety_days(coordinator):
    participant = ParticipantFactory()

    with pytest.raises(ValidationError) as refused:
        services.support_request_create(
            cohort=participant.cohort,
            fields={
                "participant": participant,
                "kind": SupportKind.ROOM,
                "summary": "Room",
                "starts_on": date(2027, 7, 21),
                "ends_on": date(2100, 7, 24),
            },
            by=coordinator,
        )

    assert refused.value.message_dict == {
        "ends_on": ["A request covers at most 90 days: split a longer one."]
    }


def test_support_request_refuses_notes_over_two_thousand_characters(coordinator):
    participant = ParticipantFactory()

    with pytest.raises(ValidationError) as refused:
        services.support_request_create(
            cohort=participant.cohort,
            fields={
                "participant": participant,
                "kind": SupportKind.OTHER,
                "summary": "ត",
                "notes": "ត" * 2001,
            },
            by=coordinator,
        )

    assert list(refused.value.message_dict) == ["notes"]


def test_support_request_create_is_due_two_days_before_it_is_needed(coordinator):
    day = ShootDayFactory(date=date(2031, 7, 24))

    request = services.support_request_create(
        cohort=day.production.team.cohort,
        fields={"shoot_day": day, "kind": SupportKind.INTERPRETER, "summary": "Interpreter"},
        by=coordinator,
    )

    assert request.due_on == date(2031, 7, 22)


def test_support_request_update_writes_what_changed_in_the_history(coordinator):
    request = SupportRequestFactory(estimated_cost_krw=200_000)

    services.support_request_update(
        request=request,
        fields={"estimated_cost_krw": 260_000, "vendor": "Busan Interpreters", "notes": ""},
        by=coordinator,
    )

    entry = AuditEntry.objects.get(action="support.changed")
    assert entry.note == ("estimated cost (KRW): 200000 → 260000; vendor: — → Busan Interpreters")


def test_support_attachment_delete_is_refused_on_a_cancelled_request(
    coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request = SupportRequestFactory()
    attachment = services.support_attachment_add(request=request, upload=pdf(), by=coordinator)
    SupportRequest.objects.update(state=SupportState.CANCELLED)

    with pytest.raises(services.ShootError):
        services.support_attachment_delete(attachment=attachment, by=coordinator)

    assert SupportAttachment.objects.count() == 1
