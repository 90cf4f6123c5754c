import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from applicants import selectors
from applicants.enums import ApplicationStatus, DocumentKind
from applicants.exporters import ApplicationExporter
from tests.applicants.test_filters import absurd_cohort, submitted
from tests.factories import CohortFactory, CountryFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "ID",
    "Cohort",
    "Legal name",
    "Name in own script",
    "Preferred name",
    "E-mail",
    "Nationality",
    "Residence",
    "Gender",
    "Age on reference date",
    "Date of birth",
    "Passport number",
    "Intended roles",
    "Status",
    "Submitted (Korea time)",
    "Missing documents",
]


def exported(user):
    content = ApplicationExporter(
        applications=selectors.applications_for_staff(), user=user
    ).content()
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


def as_dicts(rows):
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_application_exporter_writes_every_column_for_the_manager(manager, as_verified):
    cohort = CohortFactory(name="FLY 2026 Busan", age_reference_date=date(2026, 8, 1))
    application = submitted(
        cohort=cohort,
        email="sokha@example.org",
        legal_name="Chan Sokha",
        native_name="ចាន់ សុខា",
        preferred_name="Sokha",
        nationality=CountryFactory(code="KH", name="Cambodia"),
        residence=CountryFactory(code="TH", name="Thailand"),
        gender="female",
        date_of_birth=date(2005, 4, 12),
        passport_number="N01234567",
        roles=("director", "", "editor"),
        submitted_at=datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("Asia/Seoul")),
        documents=[DocumentKind.CV, DocumentKind.PASSPORT],
    )

    rows = exported(as_verified(manager))

    assert rows[0] == HEADER
    assert rows[1] == [
        str(application.pk),
        "FLY 2026 Busan",
        "Chan Sokha",
        "ចាន់ សុខា",
        "Sokha",
        "sokha@example.org",
        "Cambodia",
        "Thailand",
        "Female",
        "21",
        "2005-04-12",
        "N01234567",
        "Director; Editor",
        "Submitted",
        "2026-03-01T23:30:00+09:00",
        "Portfolio",
    ]


def test_application_exporter_masks_passport_and_leaves_out_birth_date_for_logistics(logistics):
    submitted(date_of_birth=date(2005, 4, 12), passport_number="N01234567")

    row = as_dicts(exported(logistics))[0]

    assert row["Passport number"] == "••••••567"
    assert row["Date of birth"] == ""
    assert row["Age on reference date"] != ""


def test_application_exporter_neutralises_a_formula_in_a_name(manager):
    submitted(
        legal_name='=HYPERLINK("x")',
        native_name="+cmd|' /C calc'!A0",
        preferred_name="@SUM(1+1)",
    )

    row = as_dicts(exported(manager))[0]

    assert row["Legal name"] == '\'=HYPERLINK("x")'
    assert row["Name in own script"][0] == "'"
    assert row["Preferred name"] == "'@SUM(1+1)"


def test_application_exporter_neutralises_a_formula_behind_a_tab(manager):
    submitted(native_name="\t=1+1")

    row = as_dicts(exported(manager))[0]

    assert row["Name in own script"] == "'\t=1+1"


def test_application_exporter_keeps_names_in_every_script(manager):
    cohort = CohortFactory()
    names = ["ចាន់ សុខា", "สมชาย ใจดี", "ສົມພອນ", "အောင်ကျော်", "Nguyễn Văn An", "김민지"]
    for name in names:
        submitted(cohort=cohort, native_name=name)

    content = ApplicationExporter(
        applications=selectors.applications_for_staff(), user=manager
    ).content()

    assert content.encode("utf-8").startswith(b"\xef\xbb\xbf")
    assert sorted(row["Name in own script"] for row in as_dicts(exported(manager))) == sorted(names)


def test_application_exporter_leaves_out_drafts(manager):
    cohort = CohortFactory()
    submitted(cohort=cohort, legal_name="Submitted Person")
    submitted(cohort=cohort, legal_name="Draft Person", status=ApplicationStatus.DRAFT)
    submitted(
        cohort=cohort,
        legal_name="Withdrawn Draft",
        status=ApplicationStatus.WITHDRAWN,
        submitted_at=None,
    )

    assert [row["Legal name"] for row in as_dicts(exported(manager))] == ["Submitted Person"]


def test_application_exporter_writes_a_row_on_a_reference_date_in_year_10(manager):
    submitted(cohort=absurd_cohort(), date_of_birth=date(2005, 4, 12))

    row = as_dicts(exported(manager))[0]

    assert row["Age on reference date"] == "-1995"
    assert row["Missing documents"] == "Guardian's signed consent form"
