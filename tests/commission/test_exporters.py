"""The cohort report: its sheets, typed cells, chart and neutralised text, as staff open it."""

import io
import re
import shutil
import subprocess
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from applicants.enums import ApplicationStatus
from applicants.exports import export_build
from applicants.models import Export
from commission.exporters import CohortReport
from commission.models import Review
from shoots.enums import PermitStatus, SupportKind, SupportState
from tests.applicants.test_filters import submitted
from tests.commission.test_ranking import review, rubric
from tests.factories import (
    BudgetLineFactory,
    CohortFactory,
    CountryFactory,
    ParticipantFactory,
    PermitFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    SupportRequestFactory,
    TeamFactory,
    TeamMemberFactory,
)
from tests.workbooks import rows_of, workbook_of

pytestmark = pytest.mark.django_db

SHEETS = [
    "Summary",
    "Applications",
    "Selection",
    "Roster",
    "Reviews",
    "Shoot days",
    "Permits",
    "Logistics",
    "Budget",
]
FORMULA = '=HYPERLINK("http://evil.example","Click")'
KRW = '#,##0 "₩"'


@pytest.fixture
def season():
    """A small season: two eligible countries, a third that is not, every stage filled in."""
    cambodia = CountryFactory(code="KH", name="Cambodia")
    korea = CountryFactory(code="KR", name="Republic of Korea")
    thailand = CountryFactory(code="TH", name="Thailand")
    cohort = CohortFactory(
        name="FLY 2031 Busan",
        slug="fly-2031",
        eligible_countries=[cambodia, korea, thailand],
        age_reference_date=date(2031, 8, 1),
    )
    sokha = submitted(
        cohort=cohort,
        legal_name="Chan Sokha",
        native_name="ចាន់ សុខា",
        nationality=cambodia,
        gender="female",
        date_of_birth=date(2012, 4, 12),  # 19 on the reference date
        passport_number="N01234567",
    )
    injected = submitted(cohort=cohort, legal_name=FORMULA, nationality=korea, gender="male")
    submitted(cohort=cohort, status=ApplicationStatus.DRAFT, nationality=cambodia)
    # Withdrawn before it was ever sent: staff never read it, and the report counts it nowhere.
    submitted(
        cohort=cohort,
        status=ApplicationStatus.WITHDRAWN,
        submitted_at=None,
        legal_name="Never Sent",
        nationality=cambodia,
        gender="female",
    )
    somchai = submitted(cohort=cohort, legal_name="Somchai", nationality=thailand, gender="male")
    criteria = rubric(cohort, ("Vision", 1, 5, True), ("Story", 1, 5, True))
    panel = [StaffFactory(role="Reviewer", full_name=name) for name in ("Kim Minji", "Lee Jun")]
    review(sokha, panel[0], criteria, [5, 5])
    review(sokha, panel[1], criteria, [4, 4])
    review(injected, panel[0], criteria, [2, 1])
    # A reviewer's unsent draft, with a comment: theirs until they send it.
    review(somchai, panel[1], criteria, [1, 1], submit=False)
    Review.objects.filter(assignment__application=somchai).update(comment="Not sure yet")
    injected.status, injected.waitlist_position = ApplicationStatus.WAITLISTED, 1
    injected.save()
    sokha.status = ApplicationStatus.OFFER_ACCEPTED
    sokha.save()
    participant = ParticipantFactory(application=sokha)
    team = TeamFactory(cohort=cohort, number=1)
    production = ProductionFactory(team=team, title="ផ្ទះ Home")
    TeamMemberFactory(team=team, participant=participant, role="cinematographer")
    day = ShootDayFactory(production=production, date=date(2031, 8, 5))
    PermitFactory(shoot_day=day, status=PermitStatus.APPROVED, fee_krw=150_000)
    SupportRequestFactory(
        participant=participant,
        kind=SupportKind.ROOM,
        state=SupportState.DONE,
        summary=FORMULA,
        vendor="Shilla Stay",
        starts_on=date(2031, 8, 3),
        ends_on=date(2031, 8, 17),
        estimated_cost_krw=1_400_000,
        actual_cost_krw=1_330_000,
    )
    BudgetLineFactory(cohort=cohort, kind=SupportKind.ROOM, amount_krw=1_000_000)
    return cohort


def report(client, user, cohort):
    """The cohort report as its asker gets it, after a password and a second factor: queued,
    built by the worker, downloaded."""
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(reverse("cohort_report", args=[cohort.slug]))
    export = Export.objects.get(requested_by=user)
    assert response.url == reverse("export_detail", args=[export.pk])
    return workbook_of(client.get(reverse("export_download", args=[export.pk])))


def test_cohort_report_has_every_sheet_formatted_alike(client, manager, season):
    workbook = report(client, manager, season)
    assert workbook.sheetnames == SHEETS
    for sheet in workbook:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert all(cell.font.b for cell in sheet[1] if cell.value), sheet.title
        assert sheet.column_dimensions["A"].width >= 8, sheet.title


def test_cohort_report_summary_counts_countries_against_seats_with_a_chart(client, manager, season):
    summary = report(client, manager, season)["Summary"]
    countries = list(summary.iter_rows(min_row=1, max_row=4, max_col=6, values_only=True))
    assert countries == [
        ("Country", "Seats", "Applications", "Drafts", "Offered a seat", "Confirmed"),
        ("Cambodia", 2, 1, 1, 1, 1),
        ("Republic of Korea", 2, 1, 0, 0, 0),
        ("Thailand", 2, 1, 0, 0, 0),
    ]
    assert summary.auto_filter.ref == "A1:F4"
    labels = {row[0]: row[1] for row in summary.iter_rows(min_row=5, values_only=True) if row}
    assert labels["Waitlisted"] == 1
    assert labels["Offer accepted"] == 1
    assert labels["Draft"] == 1
    assert labels["Withdrawn"] == 0  # the draft withdrawn unsent was never received
    assert (labels["Female"], labels["Male"]) == (1, 2)
    assert labels["Cinematographer"] == 1
    [chart] = summary._charts
    assert chart.tagname == "barChart"
    assert chart.title.tx.rich.p[0].r[0].t == "Applications and seats by country"
    assert [series.val.numRef.f for series in chart.series] == [
        "'Summary'!$B$2:$B$4",
        "'Summary'!$C$2:$C$4",
    ]
    assert chart.series[0].cat.numRef.f == "'Summary'!$A$2:$A$4"


def test_cohort_report_applications_carry_typed_scores_and_no_drafts(client, manager, season):
    rows = rows_of(report(client, manager, season)["Applications"])
    assert [row["Legal name"] for row in rows] == ["Chan Sokha", "'" + FORMULA, "Somchai"]
    sokha = rows[0]
    assert sokha["Name in own script"] == "ចាន់ សុខា"
    assert sokha["Reviews"] == 2
    assert sokha["Mean score (0-100)"] == 87.5
    assert sokha["Age on reference date"] == 19
    assert isinstance(sokha["Submitted (Korea time)"], datetime)
    assert rows[2]["Reviews"] == 0 and rows[2]["Mean score (0-100)"] is None


def test_cohort_report_selection_ranks_within_each_country(client, manager, season):
    rows = rows_of(report(client, manager, season)["Selection"])
    assert [
        (row["Country"], row["Rank in country"], row["Legal name"], row["Decision"]) for row in rows
    ] == [
        ("Cambodia", 1, "Chan Sokha", "Offer accepted"),
        ("Republic of Korea", 1, "'" + FORMULA, "Waitlisted"),
        ("Thailand", 1, "Somchai", "Submitted"),
    ]
    assert rows[1]["Waitlist place"] == 1


def test_cohort_report_roster_holds_passports_only_for_a_manager(client, manager, season, tmp_path):
    [row] = rows_of(report(client, manager, season)["Roster"])
    assert row["Film"] == "ផ្ទះ Home"
    assert row["Crew role"] == "Cinematographer"
    assert row["Passport number"] == "N01234567"
    assert row["Date of birth"] == datetime(2012, 4, 12)
    path = tmp_path / "report.xlsx"
    call_command("export_cohort_report", cohort="fly-2031", output=str(path))
    [row] = rows_of(load_workbook(path)["Roster"])
    assert row["Legal name"] == "Chan Sokha"
    assert "Passport number" not in row
    assert "E-mail" not in row
    assert "Date of birth" not in row
    assert "Guardian's name" not in row


def test_cohort_report_reviews_show_each_score(client, manager, season):
    rows = rows_of(report(client, manager, season)["Reviews"])
    assert [
        (row["Legal name"], row["Reviewer"], row["Review"], row["Total (0-100)"]) for row in rows
    ] == [
        ("Chan Sokha", "Kim Minji", "Submitted", 100.0),
        ("Chan Sokha", "Lee Jun", "Submitted", 75.0),
        ("'" + FORMULA, "Kim Minji", "Submitted", 12.5),
        ("Somchai", "Lee Jun", "Draft", None),
    ]
    assert (rows[0]["Vision"], rows[0]["Story"]) == (5, 5)
    # A draft shows its state, never its scores or comment.
    assert (rows[3]["Vision"], rows[3]["Story"], rows[3]["Comment"]) == (None, None, None)


def test_cohort_report_money_is_typed_in_won(client, manager, season):
    workbook = report(client, manager, season)
    logistics = workbook["Logistics"]
    [row] = rows_of(logistics)
    assert row["What is needed"] == "'" + FORMULA
    assert row["Actual cost"] == 1_330_000
    header = [cell.value for cell in logistics[1]]
    assert logistics.cell(2, header.index("Actual cost") + 1).number_format == KRW
    budget = workbook["Budget"]
    rows = rows_of(budget)
    room = next(row for row in rows if row["Kind"] == "Room" and row["For"] == "Whole cohort")
    assert (room["Budgeted"], room["Committed"], room["Remaining"]) == (
        1_000_000,
        1_330_000,
        -330_000,
    )
    assert room["Warning"] == "Committed over budget; Spent over budget"
    assert budget["C2"].number_format == KRW
    permits = rows_of(workbook["Permits"])
    assert permits[0]["Fee"] == 150_000


@pytest.mark.parametrize("role", ["logistics", "reviewer", "permits_officer"])
def test_cohort_report_is_refused_to_who_cannot_read_every_sheet(client, season, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("cohort_report", args=[season.slug])).status_code == 403


def test_cohort_report_of_an_unknown_cohort_is_not_found(client, manager):
    client.force_login(manager)
    assert client.get(reverse("cohort_report", args=["fly-1999"])).status_code == 404


def test_cohort_report_button_is_on_the_desk_and_panel_for_the_manager_only(
    client, manager, logistics, season
):
    url = reverse("cohort_report", args=[season.slug])
    client.force_login(manager)
    assert url in client.get(reverse("ranking", args=[season.slug])).content.decode()
    assert url in client.get(reverse("desk"), {"cohort": season.slug}).content.decode()
    client.force_login(logistics)
    assert url not in client.get(reverse("desk"), {"cohort": season.slug}).content.decode()


def test_cohort_report_of_an_empty_cohort_is_headers_only(client, manager):
    cohort = CohortFactory()
    workbook = report(client, manager, cohort)
    assert workbook.sheetnames == SHEETS
    assert workbook["Applications"].max_row == 1
    assert workbook["Summary"]._charts  # the eligible country, with its seats


@pytest.mark.parametrize("applications", [1, 3])
def test_cohort_report_queries_stay_constant(
    client, manager, django_assert_num_queries, applications
):
    cohort = CohortFactory()
    for _n in range(applications):
        ParticipantFactory(application__cohort=cohort)
    client.force_login(manager)
    # The button: session, user, permissions, cohort (the page's, the title's), the export.
    with django_assert_num_queries(8):
        client.get(reverse("cohort_report", args=[cohort.slug]))
    export = Export.objects.get(requested_by=manager)
    # The worker: claim, export and asker, the asker's permissions, the sheets, done.
    with django_assert_num_queries(25):
        export_build(pk=export.pk)
    response = client.get(reverse("export_download", args=[export.pk]))
    assert workbook_of(response)["Roster"].max_row == applications + 1


def test_export_cohort_report_command_refuses_bad_arguments(tmp_path, season):
    with pytest.raises(
        CommandError, match=re.escape("No cohort 'fly-1999'. Known cohorts: fly-2031.")
    ):
        call_command("export_cohort_report", cohort="fly-1999", output=str(tmp_path / "r.xlsx"))
    with pytest.raises(CommandError, match=re.escape("should end in .xlsx")):
        call_command("export_cohort_report", cohort="fly-2031", output=str(tmp_path / "r.csv"))
    with pytest.raises(CommandError, match="No folder"):
        call_command("export_cohort_report", cohort="fly-2031", output="/nowhere/r.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_export_cohort_report_command_writes_the_workbook(tmp_path, season):
    out = io.StringIO()
    path = tmp_path / "fly-2031.xlsx"
    call_command(
        "export_cohort_report", cohort="fly-2031", output=str(path), personal_data=True, stdout=out
    )
    assert out.getvalue().startswith(f"Wrote {path} (")
    assert list(tmp_path.iterdir()) == [path]  # no partial file left beside it
    [row] = rows_of(load_workbook(path)["Roster"])
    assert row["Passport number"] == "N01234567"


def test_cohort_report_converts_with_libreoffice_headless(tmp_path, season):
    """What a funder opens in LibreOffice: it converts, and the formula stays text."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed: apt-get install libreoffice-calc-nogui"
    path = tmp_path / "report.xlsx"
    CohortReport(cohort=season, personal_data=True).write(path)
    for target in (
        "pdf",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
    ):
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp_path}/profile",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "Error" not in done.stdout + done.stderr
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    # The CSV filter's last option, -1, writes every sheet to a file of its own.
    applications = (tmp_path / "report-Applications.csv").read_text(encoding="utf-8")
    assert "ចាន់ សុខា" in applications
    assert "'" + FORMULA.replace('"', '""') in applications


def test_review_export_follows_the_ranking_pages_order(client, manager, season):
    client.force_login(manager)
    ranking = client.get(reverse("ranking", args=[season.slug]), {"order": "median"})
    assert (
        f"{reverse('review_export', args=[season.slug])}?order=median" in ranking.content.decode()
    )
    response = client.get(reverse("review_export", args=[season.slug]), {"order": "median"})
    assert 'filename="reviews-' in response["Content-Disposition"]
    rows = rows_of(workbook_of(response)["Reviews"])
    assert [(row["Legal name"], row["Review"]) for row in rows] == [
        ("Chan Sokha", "Submitted"),
        ("Chan Sokha", "Submitted"),
        ("'" + FORMULA, "Submitted"),
        ("Somchai", "Draft"),
    ]


def test_review_export_ignores_an_unknown_order(client, manager, season):
    client.force_login(manager)
    response = client.get(reverse("review_export", args=[season.slug]), {"order": "'; drop"})
    rows = rows_of(workbook_of(response)["Reviews"])
    assert [row["Legal name"] for row in rows] == [
        "Chan Sokha",
        "Chan Sokha",
        "'" + FORMULA,
        "Somchai",
    ]


@pytest.mark.parametrize("role", ["logistics", "reviewer", "permits_officer"])
def test_review_export_is_refused_to_who_cannot_read_reviews(client, season, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("review_export", args=[season.slug])).status_code == 403


@pytest.mark.parametrize("reviews", [1, 3])
def test_review_export_queries_stay_constant(client, manager, django_assert_num_queries, reviews):
    cohort = CohortFactory()
    criteria = rubric(cohort, ("Vision", 1, 5, True))
    panel = StaffFactory(role="Reviewer")
    for _n in range(reviews):
        review(submitted(cohort=cohort), panel, criteria, [3])
    client.force_login(manager)
    with django_assert_num_queries(13):
        response = client.get(reverse("review_export", args=[cohort.slug]))
    assert workbook_of(response)["Reviews"].max_row == reviews + 1
