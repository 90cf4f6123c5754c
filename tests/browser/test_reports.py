from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.test_intake import log_in
from tests.commission.test_exporters import FORMULA, SHEETS, season  # noqa: F401 (a fixture)
from tests.workbooks import rows_of

DESKTOP = {"width": 1280, "height": 900}


def test_the_manager_downloads_the_cohort_report_and_a_filtered_list(
    page,
    live_server,
    shots,
    manager,
    season,  # noqa: F811
):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/desk/cohorts/{season.slug}/ranking/")
    # The report is built by the task worker: the button lands on its page, ready here.
    page.get_by_role("link", name="Export cohort report").click()
    expect(page.get_by_role("heading", name="Report of FLY 2031 Busan")).to_be_visible()
    expect(page.get_by_text("Ready", exact=True)).to_be_visible()
    page.screenshot(path=shots / "0-cohort-report-ready.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the workbook").click()
    assert download.value.suggested_filename.startswith("fly-2031-report-")
    path = shots / download.value.suggested_filename
    download.value.save_as(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == SHEETS
    assert [row["Legal name"] for row in rows_of(workbook["Applications"])] == [
        "Chan Sokha",
        "'" + FORMULA,
        "Somchai",
    ]

    # The applications list, filtered to Cambodia, downloads only what it shows.
    page.goto(f"{live_server.url}/desk/applications/")
    page.get_by_label("Nationality").select_option(label="Cambodia")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("link", name="Chan Sokha")).to_be_visible()
    expect(page.get_by_role("link", name="Somchai")).to_have_count(0)
    page.screenshot(path=shots / "1-applications-filtered.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these as Excel").click()
    path = shots / download.value.suggested_filename
    download.value.save_as(path)
    rows = rows_of(load_workbook(path)["Applications"])
    assert [row["Legal name"] for row in rows] == ["Chan Sokha"]
