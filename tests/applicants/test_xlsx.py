import io
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applicants.xlsx import (
    DATE,
    DATETIME,
    DECIMAL,
    MONEY,
    NUMBER,
    TIME,
    Column,
    ListExport,
    neutralise,
    sheet_title,
)
from tests.applicants.test_filters import submitted
from tests.factories import CohortFactory, CountryFactory
from tests.workbooks import workbook_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Chan Sokha", "Chan Sokha"),
        ("ចាន់ សុខា", "ចាន់ សុខា"),
        ("a=b", "a=b"),
        ("\x01=cmd", "'=cmd"),  # a control character XML can't carry is dropped first
        ("Sok\ufffeha\uffff\x00", "Sokha"),
        ("ក្\u200dម", "ក្\u200dម"),  # a zero-width joiner is part of the script
        ("#N/A", "'#N/A"),
        ("#REF!", "'#REF!"),
    ],
)
def test_neutralise_prefixes_formula_starts_and_keeps_everything_else(text, expected):
    assert neutralise(text) == expected


def test_neutralise_cuts_text_at_excels_cell_limit():
    assert len(neutralise("ន" * 40_000)) == 32_767


def test_sheet_title_drops_what_excel_refuses_and_keeps_31_characters():
    assert sheet_title("Budget: 2026/27 [draft]?") == "Budget  2026 27  draft  "
    assert len(sheet_title("ស" * 50)) == 31


class Sample(ListExport):
    filename = "sample"
    title = "Sample"

    def __init__(self, rows):
        self._rows = rows

    def columns(self):
        return [
            Column("Name", width=30),
            Column("Count", NUMBER, 8),
            Column("Score", DECIMAL, 8),
            Column("Cost", MONEY, 14),
            Column("Day", DATE, 12),
            Column("Call", TIME, 8),
            Column("Sent", DATETIME, 18),
        ]

    def rows(self):
        return iter(self._rows)


def written(export):
    target = io.BytesIO()
    export.write(target)
    target.seek(0)
    return load_workbook(target)


def test_list_export_writes_a_formatted_typed_sheet():
    sent = datetime(2026, 3, 1, 0, 30, tzinfo=ZoneInfo("UTC"))
    sheet = written(
        Sample(
            [
                ["ចាន់ សុខា", 3, Decimal("71.5"), 1_250_000, date(2026, 8, 4), time(6, 30), sent],
                ["=1+1", None, None, None, None, None, None],
                ["Sok\ufffeha", None, None, None, None, None, None],
            ]
        )
    )["Sample"]
    header = list(sheet[1])
    assert [cell.value for cell in header] == [
        "Name",
        "Count",
        "Score",
        "Cost",
        "Day",
        "Call",
        "Sent",
    ]
    assert all(cell.font.b for cell in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G4"
    assert sheet.column_dimensions["A"].width == 30
    name, count, score, cost, day, call, at = sheet[2]
    assert (name.value, name.data_type) == ("ចាន់ សុខា", "s")
    assert (count.value, count.number_format) == (3, "0")
    assert (score.value, score.number_format) == (71.5, "0.0")
    assert (cost.value, cost.number_format) == (1_250_000, '#,##0 "₩"')
    assert (day.value, day.number_format) == (datetime(2026, 8, 4), "yyyy-mm-dd")
    assert (call.value, call.number_format) == (time(6, 30), "hh:mm")
    # Korea time, as the desk shows it: 09:30 on 1 March.
    assert (at.value, at.number_format) == (datetime(2026, 3, 1, 9, 30), "yyyy-mm-dd hh:mm")
    injected = sheet["A3"]
    assert (injected.value, injected.data_type) == ("'=1+1", "s")
    assert [cell.value for cell in sheet[3]][1:] == [None] * 6
    assert sheet["A4"].value == "Sokha"  # lxml refuses U+FFFE: dropped, not a failed export


def test_list_export_of_no_rows_is_a_header_with_its_filter():
    sheet = written(Sample([]))["Sample"]
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:G1"


@pytest.mark.django_db
def test_application_xlsx_export_holds_the_filtered_rows_typed(client, manager, verified_login):
    cohort = CohortFactory(name="FLY 2026 Busan", age_reference_date=date(2026, 8, 1))
    kept = submitted(
        cohort=cohort,
        legal_name="Chan Sokha",
        native_name="ចាន់ សុខា",
        nationality=CountryFactory(code="KH", name="Cambodia"),
        date_of_birth=date(2005, 4, 12),
        passport_number="N01234567",
    )
    submitted(
        cohort=cohort, legal_name="Somchai", nationality=CountryFactory(code="TH", name="Thailand")
    )
    verified_login(client, manager)
    response = client.get(
        reverse("staff_application_export_xlsx"), {"country": kept.applicant.profile.nationality_id}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="applications-' in response["Content-Disposition"]
    sheet = workbook_of(response)["Applications"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("ID", "Cohort", "Legal name", "Name in own script")
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["ID"] == kept.pk
    assert row["Name in own script"] == "ចាន់ សុខា"
    assert row["Date of birth"] == datetime(2005, 4, 12)
    assert row["Passport number"] == "N01234567"
    assert row["Age on reference date"] == 21
    assert isinstance(row["Submitted (Korea time)"], datetime)


@pytest.mark.django_db
def test_application_xlsx_export_masks_passports_and_neutralises_names(client, logistics):
    cohort = CohortFactory()
    submitted(
        cohort=cohort,
        legal_name="=cmd|' /C calc'!A0",
        date_of_birth=date(2005, 4, 12),
        passport_number="N01234567",
    )
    client.force_login(logistics)
    response = client.get(reverse("staff_application_export_xlsx"))
    sheet = workbook_of(response)["Applications"]
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Legal name"] == "'=cmd|' /C calc'!A0"
    assert row["Passport number"] == "••••••567"
    assert row["Date of birth"] is None


@pytest.mark.django_db
def test_application_xlsx_export_is_refused_to_a_reviewer(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("staff_application_export_xlsx")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 3])
def test_application_xlsx_export_queries_stay_constant(
    client, manager, django_assert_num_queries, rows
):
    cohort = CohortFactory()
    for _row in range(rows):
        submitted(cohort=cohort)
    client.force_login(manager)
    with django_assert_num_queries(7):
        response = client.get(reverse("staff_application_export_xlsx"))
    assert len(workbook_of(response)["Applications"]["A"]) == rows + 1
