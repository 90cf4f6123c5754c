"""The desk's lists in Excel: the schedule's shoot days, the permits, the support requests, each
downloaded as its page filters it and opened again with openpyxl."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shoots import selectors
from shoots.enums import District, PermitStatus, SupportKind, SupportState, TravelDirection
from shoots.exporters import PermitExport, ShootDayExport, SupportRequestExport
from tests.factories import (
    AuthorityFactory,
    CohortFactory,
    LocationFactory,
    ParticipantFactory,
    PermitFactory,
    ProductionFactory,
    ShootDayFactory,
    SupportRequestFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 7, 5)
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"
MONEY_FORMAT = '#,##0 "₩"'


@pytest.fixture
def cohort():
    return CohortFactory(onsite_starts_on=MONDAY, onsite_ends_on=MONDAY + timedelta(days=14))


@pytest.fixture
def production(cohort):
    return ProductionFactory(team__cohort=cohort, team__number=2, title="Salt and Stairs")


@pytest.fixture
def beach():
    return LocationFactory(
        name="Haeundae Beach",
        name_ko="해운대해수욕장",
        district=District.HAEUNDAE,
        address="264 Haeundaehaebyeon-ro, Haeundae-gu",
        authority=AuthorityFactory(name="Haeundae-gu Office"),
    )


def export(client, user, name, cohort, query=None):
    client.force_login(user)
    return client.get(reverse(name, kwargs={"slug": cohort.slug}), query or {})


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def cells(sheet, row=2):
    """A row's cells by their header."""
    headers = [cell.value for cell in sheet[1]]
    return dict(zip(headers, sheet[row], strict=True))


# The schedule's shoot days ---------------------------------------------------------------

SHOOT_DAY_HEADER = [
    "Date",
    "Call",
    "Wrap",
    "Hours",
    "Production",
    "Team",
    "Location",
    "Location in Korean",
    "District",
    "Address",
    "Crew on set",
    "Vehicles",
    "Crew",
    "Permits",
    "Ready to shoot",
    "Scenes",
]


def test_schedule_export_writes_the_week_s_shoot_days_as_typed_cells(
    client, logistics, production, beach
):
    day = ShootDayFactory(
        production=production,
        location=beach,
        date=MONDAY + timedelta(days=2),
        call_time=time(20, 30),
        wrap_time=time(3, 0),  # the next morning
        crew_count=7,
        vehicle_count=2,
        scenes="=Scene 4, the pier",
    )
    crew = ParticipantFactory(application__cohort=production.team.cohort)
    day.crew.add(crew)
    PermitFactory(shoot_day=day, authority=beach.authority, status=PermitStatus.APPROVED)

    response = export(
        client,
        logistics,
        "schedule_export",
        production.team.cohort,
        {"view": "week", "on": MONDAY.isoformat()},
    )

    sheet = sheet_of(response)
    assert sheet.title == "Shoot days"
    assert values(sheet)[0] == SHOOT_DAY_HEADER
    assert values(sheet)[1:] == [
        [
            datetime(2027, 7, 7),
            time(20, 30),
            time(3, 0),
            6.5,
            "Salt and Stairs",
            "Team 2",
            "Haeundae Beach",
            "해운대해수욕장",
            "Haeundae-gu",
            "264 Haeundaehaebyeon-ro, Haeundae-gu",
            7,
            2,
            crew.name,
            "Haeundae-gu Office: Approved",
            "Yes",
            "'=Scene 4, the pier",
        ]
    ]
    row = cells(sheet)
    assert row["Date"].number_format == DATE_FORMAT
    assert row["Call"].number_format == TIME_FORMAT
    assert row["Wrap"].number_format == TIME_FORMAT
    assert row["Scenes"].data_type == "s"


def test_schedule_export_says_a_day_without_its_permit_is_not_ready(
    client, logistics, production, beach
):
    ShootDayFactory(production=production, location=beach, date=MONDAY)

    sheet = sheet_of(export(client, logistics, "schedule_export", production.team.cohort))

    row = cells(sheet)
    assert (row["Permits"].value, row["Ready to shoot"].value) == (None, "No")


def test_schedule_export_keeps_to_the_calendar_s_month_and_production(
    client, logistics, production, beach
):
    cohort = production.team.cohort
    other = ProductionFactory(team__cohort=cohort, title="The Last Ferry")
    wanted = ShootDayFactory(production=production, location=beach, date=date(2027, 7, 20))
    ShootDayFactory(production=other, location=beach, date=date(2027, 7, 21))
    # In the month grid's first week, but June's: not in the month the page heads.
    ShootDayFactory(production=production, location=beach, date=date(2027, 6, 30))
    ShootDayFactory(production=production, location=beach, date=date(2027, 8, 2))
    query = {"view": "month", "on": "2027-07-15", "production": production.pk}

    sheet = sheet_of(export(client, logistics, "schedule_export", cohort, query))

    assert [row[0] for row in values(sheet)[1:]] == [datetime(2027, 7, 20)]
    assert [row[4] for row in values(sheet)[1:]] == [wanted.production.title]


def test_schedule_export_ignores_a_bad_filter_as_the_calendar_does(
    client, logistics, production, beach
):
    cohort = production.team.cohort
    ShootDayFactory(production=production, location=beach, date=MONDAY)
    query = {"view": "week", "on": MONDAY.isoformat(), "production": "999999"}

    page = export(client, logistics, "schedule", cohort, query)
    sheet = sheet_of(export(client, logistics, "schedule_export", cohort, query))

    shown = [day.date for cell in page.context["listed"] for day in cell.shoot_days]
    assert [row[0].date() for row in values(sheet)[1:]] == shown == [MONDAY]


def test_schedule_links_to_its_export_with_the_week_and_filters_shown(
    client, logistics, production
):
    cohort = production.team.cohort

    response = export(
        client, logistics, "schedule", cohort, {"on": "2027-07-07", "production": production.pk}
    )

    url = reverse("schedule_export", kwargs={"slug": cohort.slug})
    assert (
        f'href="{url}?on=2027-07-07&amp;production={production.pk}&amp;view=week"'
        in response.content.decode()
    )


# Permits ---------------------------------------------------------------------------------

PERMIT_HEADER = [
    "Shoot day",
    "Production",
    "Location",
    "Location in Korean",
    "Authority",
    "Status",
    "Activities",
    "Crew size",
    "Vehicles",
    "Fee",
    "Reference number",
    "File by",
    "Filed on",
    "Decided on",
    "Expires on",
    "Insurance certificate",
    "Conditions",
]


def test_permit_export_writes_each_permit_as_typed_cells(
    client, permits_officer, production, beach
):
    day = ShootDayFactory(production=production, location=beach, date=date(2027, 7, 8))
    PermitFactory(
        shoot_day=day,
        authority=beach.authority,
        status=PermitStatus.APPROVED_WITH_CONDITIONS,
        activities=["drone", "road_closure"],
        crew_size=9,
        vehicle_count=3,
        fee_krw=1_250_000,
        reference_number="HDG-2027-114",
        due_on=date(2027, 6, 24),
        submitted_on=date(2027, 6, 20),
        decided_on=date(2027, 6, 28),
        expires_on=date(2027, 7, 9),
        conditions='=HYPERLINK("http://example.org")',
    )

    response = export(client, permits_officer, "permit_export", production.team.cohort)

    sheet = sheet_of(response)
    assert sheet.title == "Permits"
    assert values(sheet) == [
        PERMIT_HEADER,
        [
            datetime(2027, 7, 8),
            "Salt and Stairs",
            "Haeundae Beach",
            "해운대해수욕장",
            "Haeundae-gu Office",
            "Approved with conditions",
            "Drone; Road closure",
            9,
            3,
            1_250_000,
            "HDG-2027-114",
            datetime(2027, 6, 24),
            datetime(2027, 6, 20),
            datetime(2027, 6, 28),
            datetime(2027, 7, 9),
            "No",
            '\'=HYPERLINK("http://example.org")',
        ],
    ]
    row = cells(sheet)
    assert row["Fee"].number_format == MONEY_FORMAT
    assert row["File by"].number_format == DATE_FORMAT
    assert row["Expires on"].number_format == DATE_FORMAT
    assert row["Conditions"].data_type == "s"


def test_permit_export_leaves_empty_dates_empty(client, permits_officer, production):
    PermitFactory(shoot_day=ShootDayFactory(production=production))

    sheet = sheet_of(export(client, permits_officer, "permit_export", production.team.cohort))

    row = cells(sheet)
    assert [row[name].value for name in ("Filed on", "Decided on", "Expires on")] == [None] * 3


def test_permit_export_keeps_to_the_page_s_filter(client, permits_officer, production):
    day = ShootDayFactory(production=production)
    approved = PermitFactory(shoot_day=day, status=PermitStatus.APPROVED, reference_number="A-1")
    PermitFactory(shoot_day=day, authority=AuthorityFactory(), reference_number="D-2")
    PermitFactory(shoot_day=ShootDayFactory(), status=PermitStatus.APPROVED)  # another cohort
    cohort = production.team.cohort

    page = export(client, permits_officer, "permit_list", cohort, {"status": "approved"})
    sheet = sheet_of(
        export(client, permits_officer, "permit_export", cohort, {"status": "approved"})
    )

    assert [permit.pk for permit in page.context["permits"]] == [approved.pk]
    assert [row[10] for row in values(sheet)[1:]] == ["A-1"]


def test_permit_list_and_export_show_no_permits_for_a_filter_that_does_not_validate(
    client, permits_officer, production
):
    PermitFactory(shoot_day=ShootDayFactory(production=production))
    cohort = production.team.cohort

    page = export(client, permits_officer, "permit_list", cohort, {"status": "granted"})
    sheet = sheet_of(
        export(client, permits_officer, "permit_export", cohort, {"status": "granted"})
    )

    assert list(page.context["permits"]) == []
    assert values(sheet) == [PERMIT_HEADER]


def test_permit_list_links_to_its_export_with_its_filters(client, permits_officer, production):
    cohort = production.team.cohort

    response = export(client, permits_officer, "permit_list", cohort, {"status": "approved"})

    url = reverse("permit_export", kwargs={"slug": cohort.slug})
    assert f'href="{url}?status=approved"' in response.content.decode()


# Support requests ------------------------------------------------------------------------

SUPPORT_HEADER = [
    "ID",
    "Kind",
    "State",
    "For",
    "Shoot day",
    "What is needed",
    "Start date",
    "End date",
    "Quantity",
    "Vendor",
    "Booking reference",
    "Room number",
    "Direction",
    "Flight number",
    "From",
    "To",
    "Departs (local time)",
    "Arrives (local time)",
    "Estimated cost",
    "Actual cost",
    "Assignee",
    "Arrange by",
]


def test_support_export_writes_each_request_as_typed_cells(client, logistics, production):
    cohort = production.team.cohort
    seat = ParticipantFactory(application__cohort=cohort)
    flight = SupportRequestFactory(
        participant=seat,
        kind=SupportKind.FLIGHT,
        state=SupportState.ARRANGED,
        summary="ជើងហោះហើរទៅប៊ូសាន",  # "flight to Busan", in Khmer
        starts_on=date(2027, 7, 3),
        ends_on=date(2027, 7, 4),
        vendor="Jeju Air",
        booking_reference="=1+1",
        direction=TravelDirection.ARRIVAL,
        flight_number="7C2252",
        origin="Phnom Penh",
        destination="Busan Gimhae",
        departs_time=time(23, 10),
        arrives_time=time(6, 35),
        estimated_cost_krw=420_000,
        actual_cost_krw=398_500,
        assignee=logistics,
        due_on=date(2027, 6, 1),
    )
    day = ShootDayFactory(production=production, date=date(2027, 7, 9))
    police = SupportRequestFactory(
        participant=None,
        production=production,
        cohort=cohort,
        shoot_day=day,
        kind=SupportKind.POLICE,
        summary="Traffic police at the bridge",
        starts_on=date(2027, 7, 9),
        estimated_cost_krw=0,
        due_on=date(2027, 6, 20),
    )

    sheet = sheet_of(export(client, logistics, "support_export", cohort))

    assert sheet.title == "Support requests"
    assert values(sheet) == [
        SUPPORT_HEADER,
        [
            flight.pk,
            "Flight",
            "Arranged",
            seat.name,
            None,
            "ជើងហោះហើរទៅប៊ូសាន",
            datetime(2027, 7, 3),
            datetime(2027, 7, 4),
            1,
            "Jeju Air",
            "'=1+1",
            None,
            "Arrival in Busan",
            "7C2252",
            "Phnom Penh",
            "Busan Gimhae",
            time(23, 10),
            time(6, 35),
            420_000,
            398_500,
            str(logistics),
            datetime(2027, 6, 1),
        ],
        [
            police.pk,
            "Police or traffic support",
            "Requested",
            "Salt and Stairs",
            datetime(2027, 7, 9),
            "Traffic police at the bridge",
            datetime(2027, 7, 9),
            None,
            1,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            0,
            None,
            None,
            datetime(2027, 6, 20),
        ],
    ]
    row = cells(sheet)
    assert row["Estimated cost"].number_format == MONEY_FORMAT
    assert row["Actual cost"].number_format == MONEY_FORMAT
    assert row["Start date"].number_format == DATE_FORMAT
    assert row["Departs (local time)"].number_format == TIME_FORMAT
    assert row["Booking reference"].data_type == "s"


def test_support_export_keeps_to_the_board_s_filter(client, logistics):
    seat = ParticipantFactory()
    SupportRequestFactory(participant=seat, summary="Khmer interpreter")
    SupportRequestFactory(participant=seat, kind=SupportKind.ROOM, summary="Room at the Toyoko")
    SupportRequestFactory(kind=SupportKind.ROOM, summary="Another cohort's room")

    page = export(client, logistics, "support_board", seat.cohort, {"kind": "room"})
    sheet = sheet_of(export(client, logistics, "support_export", seat.cohort, {"kind": "room"}))

    assert [support.summary for support in page.context["page_obj"]] == ["Room at the Toyoko"]
    assert [row[5] for row in values(sheet)[1:]] == ["Room at the Toyoko"]


def test_support_export_gives_no_rows_for_a_filter_that_does_not_validate(client, logistics):
    support = SupportRequestFactory()

    sheet = sheet_of(
        export(client, logistics, "support_export", support.cohort, {"due_before": "31/31/2027"})
    )

    assert values(sheet) == [SUPPORT_HEADER]


def test_support_board_links_to_its_export_with_its_filters_but_not_its_page(client, logistics):
    support = SupportRequestFactory()

    response = export(
        client, logistics, "support_board", support.cohort, {"state": "requested", "page": "2"}
    )

    url = reverse("support_export", kwargs={"slug": support.cohort.slug})
    assert f'href="{url}?state=requested"' in response.content.decode()


# As sheets of the cohort report: the same rows from the cohort's selectors -----------------


def test_exports_write_a_cohort_s_rows_from_its_selectors(production, beach):
    cohort = production.team.cohort
    day = ShootDayFactory(production=production, location=beach)
    PermitFactory(shoot_day=day)
    SupportRequestFactory(participant=ParticipantFactory(application__cohort=cohort))
    exports = [
        ShootDayExport(shoot_days=selectors.shoot_days_of(cohort=cohort)),
        PermitExport(permits=selectors.permits_of(cohort=cohort)),
        SupportRequestExport(requests=selectors.support_requests_of(cohort=cohort)),
    ]

    for made in exports:
        target = io.BytesIO()
        made.write(target)
        sheet = load_workbook(io.BytesIO(target.getvalue())).worksheets[0]
        assert (sheet.title, sheet.max_row) == (str(made.title), 2)
        assert [cell.value for cell in sheet[1]] == [str(c.header) for c in made.columns()]
        assert len(list(made.rows())) == 1


# Who may download ------------------------------------------------------------------------

EXPORTS = ["schedule_export", "permit_export", "support_export"]


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_refuse_the_review_panel(client, reviewer, production, name):
    response = export(client, reviewer, name, production.team.cohort)

    assert response.status_code == 403


def test_support_export_refuses_the_permits_officer(client, permits_officer, production):
    response = export(client, permits_officer, "support_export", production.team.cohort)

    assert response.status_code == 403


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_of_an_unknown_cohort_are_404(client, manager, name):
    client.force_login(manager)

    response = client.get(reverse(name, kwargs={"slug": "fly-1999"}))

    assert response.status_code == 404


# Queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_schedule_export_query_count_is_constant(
    client, logistics, production, django_assert_num_queries, rows
):
    for n in range(rows):
        day = ShootDayFactory(
            production=ProductionFactory(team__cohort=production.team.cohort),
            date=MONDAY + timedelta(days=n),
        )
        day.crew.add(ParticipantFactory(application__cohort=production.team.cohort))
        PermitFactory(shoot_day=day)
    client.force_login(logistics)
    url = reverse("schedule_export", kwargs={"slug": production.team.cohort.slug})

    # session, user, the user's and the groups' permissions, cohort (the page's, then the
    # export's), the production filter's choice, the count against the queue's limit, shoot
    # days, their crew, their permits
    with django_assert_num_queries(11):
        response = client.get(url, {"on": MONDAY.isoformat(), "production": production.pk})
        b"".join(response.streaming_content)

    with django_assert_num_queries(10):
        response = client.get(url, {"on": MONDAY.isoformat()})
        sheet = sheet_of(response)

    assert sheet.max_row == rows + 1


@pytest.mark.parametrize("rows", [1, 3])
def test_permit_export_query_count_is_constant(
    client, permits_officer, production, django_assert_num_queries, rows
):
    for _ in range(rows):
        PermitFactory(shoot_day=ShootDayFactory(production=production))
    client.force_login(permits_officer)
    url = reverse("permit_export", kwargs={"slug": production.team.cohort.slug})

    # session, user, the user's and the groups' permissions, cohort (the page's, then the
    # export's), the count against the queue's limit, permits
    with django_assert_num_queries(8):
        sheet = sheet_of(client.get(url, {"status": "draft"}))

    assert sheet.max_row == rows + 1


@pytest.mark.parametrize("rows", [1, 3])
def test_support_export_query_count_is_constant(
    client, logistics, production, django_assert_num_queries, rows
):
    cohort = production.team.cohort
    day = ShootDayFactory(production=production)
    for _ in range(rows):
        SupportRequestFactory(
            participant=ParticipantFactory(application__cohort=cohort), assignee=logistics
        )
        SupportRequestFactory(participant=None, production=production, cohort=cohort, shoot_day=day)
    client.force_login(logistics)
    url = reverse("support_export", kwargs={"slug": cohort.slug})

    # session, user, the user's and the groups' permissions, cohort (the page's, then the
    # export's), the count against the queue's limit, requests
    with django_assert_num_queries(8):
        sheet = sheet_of(client.get(url, {"state": "requested"}))

    assert sheet.max_row == 2 * rows + 1
