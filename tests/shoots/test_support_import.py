import zipfile
from datetime import date, datetime, time, timedelta
from io import BytesIO

import openpyxl.xml
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from applicants.models import AuditEntry
from shoots import services
from shoots.enums import SupportKind, SupportState, TravelDirection
from shoots.importers import COLUMNS, XLSX, ImportRefused, TravelImport
from shoots.models import SupportRequest
from tests.factories import ParticipantFactory, SupportRequestFactory
from tests.factories.files import pdf

HEADERS = [column.header for column in COLUMNS]
LANDS = date(2031, 7, 22)


def workbook(*rows, headers=HEADERS, name="travel.xlsx"):
    """An .xlsx made in memory: the column names, then one row a dict (None: a blank row)."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([(row or {}).get(header) for header in headers])
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def flight(participant, changes=None):
    row = {
        "Kind": "flight",
        "Participant e-mail": participant.user.email,
        "Direction": "arrival",
        "Flight number": "PR 418",
        "From": "MNL",
        "To": "PUS",
        "Departs": datetime.combine(LANDS, time(9, 5)),
        "Arrives": datetime.combine(LANDS, time(14, 5)),
        "Airline or hotel": "Philippine Airlines",
        "Booking reference": "X7K2QP",
        "Estimated cost (KRW)": 450_000,
    }
    return row | (changes or {})


def room(participant, changes=None):
    row = {
        "Kind": "room",
        "Participant e-mail": participant.user.email,
        "Airline or hotel": "Haeundae Seaside Hotel",
        "Room": 1204,
        "Check-in": LANDS,
        "Check-out": LANDS + timedelta(days=14),
        "Estimated cost (KRW)": 1_600_000,
    }
    return row | (changes or {})


def refusal(cohort, upload) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        TravelImport(cohort=cohort).read(upload)
    return refused.value.errors


@pytest.fixture
def participant(db):
    return ParticipantFactory()


@pytest.fixture
def cohort(participant):
    return participant.cohort


# Reading a good file ---------------------------------------------------------------------


def test_import_good_file_saves_flights_and_rooms_as_arranged(cohort, participant, logistics):
    upload = workbook(flight(participant, {"Actual cost (KRW)": 438_000}), room(participant))

    requests = TravelImport(cohort=cohort).read(upload)
    count = services.support_requests_import(cohort=cohort, requests=requests, by=logistics)

    assert count == 2
    trip, stay = SupportRequest.objects.order_by("kind")
    assert (trip.kind, trip.state, trip.participant, trip.requested_by) == (
        SupportKind.FLIGHT,
        SupportState.ARRANGED,
        participant,
        logistics,
    )
    assert trip.summary == "Flight PR 418 MNL → PUS"
    assert (trip.direction, trip.flight_number, trip.origin, trip.destination) == (
        TravelDirection.ARRIVAL,
        "PR 418",
        "MNL",
        "PUS",
    )
    assert (trip.starts_on, trip.departs_time, trip.ends_on, trip.arrives_time) == (
        LANDS,
        time(9, 5),
        LANDS,
        time(14, 5),
    )
    assert (trip.vendor, trip.booking_reference) == ("Philippine Airlines", "X7K2QP")
    assert (trip.estimated_cost_krw, trip.actual_cost_krw) == (450_000, 438_000)
    assert (stay.kind, stay.summary, stay.vendor, stay.room) == (
        SupportKind.ROOM,
        "Room at Haeundae Seaside Hotel",
        "Haeundae Seaside Hotel",
        "1204",
    )
    assert (stay.starts_on, stay.ends_on, stay.actual_cost_krw) == (
        LANDS,
        LANDS + timedelta(days=14),
        None,
    )
    assert stay.state == SupportState.ARRANGED
    entries = AuditEntry.objects.filter(action="support.imported").order_by("object_id")
    assert [(e.object_id, e.actor, e.to_state) for e in entries] == [
        (trip.pk, logistics, "arranged"),
        (stay.pk, logistics, "arranged"),
    ]


def test_import_reads_text_dates_labels_and_any_header_case(cohort, participant):
    headers = [header.upper() for header in HEADERS]
    row = flight(
        participant,
        {
            "Kind": "Flight",
            "Direction": "Departure from Busan",
            "Flight number": "pr418",
            "Departs": "2031-08-05 23:40",
            "Arrives": "2031-08-06 03:15",
            "Estimated cost (KRW)": "1,200,000",
        },
    )
    stay = room(participant, {"Check-in": "2031-07-22", "Check-out": "2031-08-05"})
    upload = workbook(
        {key.upper(): value for key, value in row.items()},
        {key.upper(): value for key, value in stay.items()},
        headers=headers,
    )

    trip, stay = TravelImport(cohort=cohort).read(upload)

    assert (trip.kind, trip.direction, trip.flight_number) == ("flight", "departure", "PR418")
    assert (trip.starts_on, trip.departs_time) == (date(2031, 8, 5), time(23, 40))
    assert (trip.ends_on, trip.arrives_time) == (date(2031, 8, 6), time(3, 15))
    assert trip.estimated_cost_krw == 1_200_000
    assert (stay.starts_on, stay.ends_on) == (date(2031, 7, 22), date(2031, 8, 5))


def test_import_email_matches_in_any_case(cohort, participant):
    upload = workbook(room(participant, {"Participant e-mail": participant.user.email.upper()}))

    (stay,) = TravelImport(cohort=cohort).read(upload)

    assert stay.participant == participant


def test_import_keeps_notes_in_khmer_and_thai_script(cohort, participant, logistics):
    notes = "អ្នកបកប្រែ​ភាសាខ្មែរ · ขอที่นั่งริมหน้าต่าง"
    upload = workbook(flight(participant, {"Notes": notes}))

    requests = TravelImport(cohort=cohort).read(upload)
    services.support_requests_import(cohort=cohort, requests=requests, by=logistics)

    assert SupportRequest.objects.get().notes == notes


def test_import_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers(cohort, participant):
    upload = workbook(room(participant), None, None, room(participant, {"Kind": "bus"}))

    assert refusal(cohort, upload) == ["Row 5, Kind: Write flight or room."]


def test_import_optional_columns_may_be_left_out(cohort, participant):
    headers = [column.header for column in COLUMNS if column.required]

    (stay,) = TravelImport(cohort=cohort).read(workbook(room(participant), headers=headers))

    assert (stay.room, stay.estimated_cost_krw, stay.notes) == ("", 0, "")


# Bad rows --------------------------------------------------------------------------------


def test_import_bad_rows_are_each_reported_by_row_and_nothing_is_saved(
    cohort, participant, logistics, client
):
    stranger = ParticipantFactory()  # a participant of another cohort
    upload = workbook(
        flight(participant),
        flight(participant, {"Participant e-mail": "nobody@example.org"}),
        room(stranger),
        flight(participant, {"Flight number": "KE 624", "Departs": "22/07/2031 09:05"}),
        room(participant, {"Airline or hotel": "Lotte", "Check-out": LANDS - timedelta(1)}),
        flight(participant, {"Flight number": ""}),
        room(participant, {"Airline or hotel": "Park Hyatt", "Estimated cost (KRW)": -5}),
        flight(participant),
    )

    errors = refusal(cohort, upload)

    assert errors == [
        f"Row 3, Participant e-mail: Nobody of {cohort.name} has the address nobody@example.org.",
        f"Row 4, Participant e-mail: Nobody of {cohort.name} has the address "
        f"{stranger.user.email}.",
        "Row 5, Departs: Write the local date and time, as 2027-07-22 14:05.",
        "Row 6, Check-out: The end date is before the start date.",
        "Row 7, Flight number: Fill this in.",
        "Row 8, Estimated cost (KRW): A cost cannot be negative.",
        "Row 9: the same booking as row 2.",
    ]
    assert SupportRequest.objects.count() == 0


def test_import_flight_needs_what_an_arranged_flight_needs(cohort, participant):
    upload = workbook(flight(participant, {"Direction": None, "To": "", "Arrives": None}))

    assert refusal(cohort, upload) == [
        "Row 2, Direction: Fill this in.",
        "Row 2, To: Fill this in.",
        "Row 2, Arrives: Fill this in.",
    ]


def test_import_flight_time_is_required_not_only_its_date(cohort, participant):
    upload = workbook(flight(participant, {"Departs": LANDS, "Arrives": "2031-07-22"}))

    assert refusal(cohort, upload) == [
        "Row 2, Departs: Write the local date and time, as 2027-07-22 14:05.",
        "Row 2, Arrives: Write the local date and time, as 2027-07-22 14:05.",
    ]


def test_import_room_with_flight_cells_is_refused(cohort, participant):
    upload = workbook(room(participant, {"Flight number": "PR 418", "Direction": "arrival"}))

    assert refusal(cohort, upload) == [
        "Row 2, Direction: A room has no Direction: leave it blank.",
        "Row 2, Flight number: A room has no Flight number: leave it blank.",
    ]


def test_import_cost_in_fractions_of_won_or_words_is_refused(cohort, participant):
    upload = workbook(
        room(participant, {"Estimated cost (KRW)": 12.5}),
        room(participant, {"Actual cost (KRW)": "lots"}),
    )

    assert refusal(cohort, upload) == [
        "Row 2, Estimated cost (KRW): Write a whole number of won, as 450000.",
        "Row 3, Actual cost (KRW): Write a whole number of won, as 450000.",
    ]


def test_import_too_long_value_is_reported_by_its_column(cohort, participant):
    upload = workbook(room(participant, {"Room": "1" * 21}))

    assert refusal(cohort, upload) == [
        "Row 2, Room: Ensure this value has at most 20 characters (it has 21)."
    ]


def test_import_duplicate_of_live_booking_is_refused(cohort, participant):
    SupportRequestFactory(
        participant=participant,
        kind=SupportKind.FLIGHT,
        flight_number="PR418",
        starts_on=LANDS,
        state=SupportState.ARRANGED,
    )
    SupportRequestFactory(
        participant=participant,
        kind=SupportKind.ROOM,
        vendor="Haeundae  seaside hotel",
        starts_on=LANDS,
        state=SupportState.REQUESTED,
    )

    assert refusal(cohort, workbook(flight(participant), room(participant))) == [
        "Row 2: Flight PR 418 MNL → PUS is already booked for this participant.",
        "Row 3: Room at Haeundae Seaside Hotel is already booked for this participant.",
    ]


def test_import_duplicate_of_cancelled_booking_is_allowed(cohort, participant):
    SupportRequestFactory(
        participant=participant,
        kind=SupportKind.FLIGHT,
        flight_number="PR 418",
        starts_on=LANDS,
        state=SupportState.CANCELLED,
    )

    assert len(TravelImport(cohort=cohort).read(workbook(flight(participant)))) == 1


def test_import_service_refuses_a_booking_saved_since_the_file_was_read(
    cohort, participant, logistics
):
    first = TravelImport(cohort=cohort).read(workbook(flight(participant)))
    second = TravelImport(cohort=cohort).read(workbook(flight(participant)))
    services.support_requests_import(cohort=cohort, requests=first, by=logistics)

    with pytest.raises(services.ShootError) as refused:
        services.support_requests_import(cohort=cohort, requests=second, by=logistics)

    assert str(refused.value) == (
        f"Flight PR 418 MNL → PUS for {participant.name} is already booked: nothing was imported."
    )
    assert SupportRequest.objects.count() == 1


def test_import_too_many_problems_are_cut_short(cohort, participant):
    upload = workbook(*[room(participant, {"Kind": "bus"})] * 105)

    errors = refusal(cohort, upload)

    assert len(errors) == 101
    assert errors[-1] == "… and 5 more problems."


# The file and its columns ----------------------------------------------------------------


def test_import_missing_and_unknown_columns_are_named(cohort, participant):
    headers = [h for h in HEADERS if h not in ("Flight number", "Check-in")] + ["Seat", "Meal"]

    assert refusal(cohort, workbook(flight(participant), headers=headers)) == [
        "Columns missing: Flight number, Check-in.",
        "Columns not known: Seat, Meal. Use the names of the template.",
    ]


def test_import_column_named_twice_is_refused(cohort, participant):
    assert refusal(cohort, workbook(headers=[*HEADERS, "notes"])) == ["Columns named twice: notes."]


def test_import_sheet_without_bookings_is_refused(cohort):
    assert refusal(cohort, workbook()) == ["The sheet has column names but no bookings under them."]


NOT_XLSX = (
    "This file is not an Excel workbook (.xlsx). Save it from Excel or another spreadsheet "
    "as an Excel workbook, without a password, and upload that."
)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("travel.xlsx", pdf().read(), content_type=XLSX),
        SimpleUploadedFile("travel.xlsx", b"Kind,Participant e-mail\nflight,a@example.org\n"),
        SimpleUploadedFile("travel.xlsx", b""),
        SimpleUploadedFile("travel.csv", b"Kind,Participant e-mail\n", content_type="text/csv"),
        # A zip, but not a workbook.
        SimpleUploadedFile("travel.xlsx", b"PK\x05\x06" + b"\x00" * 18),
    ],
    ids=["pdf-renamed", "text", "empty", "csv", "empty-zip"],
)
def test_import_not_an_excel_file_is_refused_in_one_message(cohort, upload):
    assert refusal(cohort, upload) == [NOT_XLSX]


def tampered(upload, part, change):
    """The workbook with one of its XML parts changed by `change`."""
    source, out = zipfile.ZipFile(BytesIO(upload.read())), BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            archive.writestr(name, change(data) if name == part else data)
    return SimpleUploadedFile("travel.xlsx", out.getvalue(), content_type=XLSX)


def test_import_xml_entity_bomb_is_refused(cohort, participant):
    laughs = '<!DOCTYPE worksheet [<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    )
    upload = tampered(
        workbook(room(participant)),
        "xl/worksheets/sheet1.xml",
        lambda xml: (laughs + "]>" + xml.decode().replace("<t>room", "<t>&l9;room")).encode(),
    )

    assert refusal(cohort, upload) == [NOT_XLSX]
    # openpyxl parses through defusedxml, which refuses any entity outright.
    assert openpyxl.xml.DEFUSEDXML is True


def test_import_zip_bomb_is_refused(cohort, participant):
    # 60 MB of spaces packs into some 60 kB: under the upload limit, over the unpacked one.
    upload = tampered(
        workbook(room(participant)), "xl/worksheets/sheet1.xml", lambda xml: xml + b" " * 60_000_000
    )

    assert upload.size < 1024 * 1024
    assert refusal(cohort, upload) == [NOT_XLSX]


def test_import_workbook_under_another_name_is_refused(cohort, participant):
    upload = workbook(room(participant), name="travel.xls")

    assert refusal(cohort, upload) == [NOT_XLSX]


def test_import_file_over_five_megabytes_is_refused(cohort):
    upload = SimpleUploadedFile("travel.xlsx", b"PK" + b"\x00" * (5 * 1024 * 1024))

    assert refusal(cohort, upload) == [
        "This file is over the 5 MB limit: split it into smaller ones."
    ]


def test_import_sheet_running_far_past_its_bookings_is_refused(cohort, participant):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append([room(participant).get(header) for header in HEADERS])
    sheet.cell(row=1_048_576, column=1, value="room")
    buffer = BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("travel.xlsx", buffer.getvalue(), content_type=XLSX)

    assert refusal(cohort, upload) == [
        "The sheet runs past row 10,000: delete the empty rows below the bookings and upload "
        "it again."
    ]


def test_import_more_than_two_thousand_rows_is_refused(cohort, participant):
    upload = workbook(*[room(participant)] * 2001)

    assert refusal(cohort, upload) == ["A file can hold at most 2,000 bookings: split it in two."]


@pytest.mark.parametrize("rows", [1, 3])
def test_import_query_count_is_constant(cohort, django_assert_num_queries, rows):
    people = [ParticipantFactory(application__cohort=cohort) for _n in range(rows)]
    upload = workbook(*[flight(person) for person in people], *[room(p) for p in people])

    # the participants named, their live flights and rooms
    with django_assert_num_queries(2):
        requests = TravelImport(cohort=cohort).read(upload)

    assert len(requests) == 2 * rows


# Views -----------------------------------------------------------------------------------


def import_url(cohort):
    return reverse("support_import", kwargs={"slug": cohort.slug})


def template_url(cohort):
    return reverse("support_import_template", kwargs={"slug": cohort.slug})


def test_import_page_explains_the_columns(client, logistics, cohort):
    client.force_login(logistics)

    response = client.get(import_url(cohort))

    assert response.status_code == 200
    assert [column.header for column in response.context["columns"]] == HEADERS
    assert b'accept=".xlsx"' in response.content


def test_import_upload_by_coordinator_imports_and_goes_to_travel(
    client, logistics, cohort, participant
):
    client.force_login(logistics)

    response = client.post(
        import_url(cohort), {"workbook": workbook(flight(participant), room(participant))}
    )

    assert response.status_code == 302
    assert response.url == reverse("travel_board", kwargs={"slug": cohort.slug})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "2 flights and rooms imported."
    ]
    assert SupportRequest.objects.filter(cohort=cohort, state="arranged").count() == 2


def test_import_upload_of_bad_file_shows_its_rows_and_saves_nothing(
    client, logistics, cohort, participant
):
    client.force_login(logistics)
    upload = workbook(room(participant), room(participant, {"Check-in": "soon"}))

    response = client.post(import_url(cohort), {"workbook": upload})

    assert response.status_code == 200
    assert response.context["errors"] == ["Row 3, Check-in: Write the date as 2027-07-22."]
    assert "Row 3, Check-in: Write the date as 2027-07-22." in response.content.decode()
    assert SupportRequest.objects.count() == 0


def test_import_upload_without_a_file_asks_for_one(client, logistics, cohort):
    client.force_login(logistics)

    response = client.post(import_url(cohort), {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"workbook": ["This field is required."]}


def test_import_by_reviewer_is_forbidden(client, reviewer, cohort, participant):
    client.force_login(reviewer)

    assert client.get(import_url(cohort)).status_code == 403
    assert client.get(template_url(cohort)).status_code == 403
    response = client.post(import_url(cohort), {"workbook": workbook(room(participant))})
    assert response.status_code == 403
    assert SupportRequest.objects.count() == 0


def test_import_of_unknown_cohort_is_not_found(client, logistics, db):
    client.force_login(logistics)

    assert client.get(reverse("support_import", kwargs={"slug": "fly-1999"})).status_code == 404


def test_import_template_opens_with_the_headers_and_two_examples(client, logistics, cohort):
    client.force_login(logistics)

    response = client.get(template_url(cohort))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="flights-and-rooms-{cohort.slug}.xlsx"'
    )
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert sheet["A1"].font.bold is True
    assert [row[0] for row in rows[1:]] == ["flight", "room"]


def test_import_template_as_downloaded_reads_but_for_its_example_address(client, logistics, cohort):
    client.force_login(logistics)
    content = client.get(template_url(cohort)).content
    upload = SimpleUploadedFile("template.xlsx", content, content_type=XLSX)

    missing = f"Nobody of {cohort.name} has the address trainee@example.org."
    assert refusal(cohort, upload) == [
        f"Row 2, Participant e-mail: {missing}",
        f"Row 3, Participant e-mail: {missing}",
    ]
