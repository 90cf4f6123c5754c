"""Two app servers share what they store: an upload through one downloads through the other, a
report queued on one is built by the worker and downloaded from the other, and /health/ says
when the worker stops. Run in this order (the last stops the worker)."""

import io
import json
import os
import re
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories.files import tiny_pdf

# A PDF no other test uploads: what comes back must be these very bytes.
CV = tiny_pdf(f"Deploy CV {os.urandom(8).hex()}")


def log_in(page, server, email, password):
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)


def test_an_applicant_uploads_through_a_and_a_manager_downloads_it_through_b(browser, stack):
    applicant = browser.new_context().new_page()
    log_in(applicant, stack["a"], stack["applicant"], stack["password"])
    application = stack["application"]
    applicant.goto(f"{stack['a']}/me/applications/{application}/step/documents/")
    applicant.get_by_label("CV", exact=True).set_input_files(
        {"name": "deploy-cv.pdf", "mimeType": "application/pdf", "buffer": CV}
    )
    applicant.locator("#document-cv").get_by_role("button", name="Upload").click()
    expect(applicant.get_by_text("CV uploaded.")).to_be_visible()
    applicant.goto(f"{stack['a']}/me/applications/{application}/step/review/")
    applicant.get_by_role("button", name="Submit my application").click()
    expect(applicant.get_by_text("Your application is submitted.")).to_be_visible()

    manager = browser.new_context().new_page()
    log_in(manager, stack["b"], stack["manager"], stack["password"])
    manager.goto(f"{stack['b']}/desk/applications/{application}/")
    with manager.expect_download() as download:
        manager.get_by_role("link", name=re.compile("deploy-cv.pdf")).first.click()
    assert download.value.url.startswith(stack["b"])
    assert Path(download.value.path()).read_bytes() == CV


def test_a_report_queued_on_a_is_built_by_the_worker_and_downloaded_from_b(browser, stack):
    page = browser.new_context().new_page()
    log_in(page, stack["a"], stack["manager"], stack["password"])
    page.goto(f"{stack['a']}/desk/cohorts/{stack['cohort']}/report.xlsx")
    expect(page).to_have_url(re.compile(r"/desk/exports/\d+/$"))
    export = re.search(r"/desk/exports/(\d+)/$", page.url).group(1)
    # The page looks again every few seconds until the worker has built it.
    expect(page.get_by_role("link", name="Download the workbook")).to_be_visible(timeout=60_000)

    page.goto(f"{stack['b']}/desk/exports/{export}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the workbook").click()
    assert download.value.url.startswith(stack["b"])
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "Applications" in workbook.sheetnames
    legal_names = [
        row[1] for row in workbook["Applications"].iter_rows(min_row=2, values_only=True)
    ]
    assert len(legal_names) == 1


def health(server):
    try:
        with urllib.request.urlopen(f"{server}/health/", timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health_is_200_and_503_once_the_worker_stops(stack):
    status, body = health(stack["a"])
    assert status == 200, body
    assert body["database"] == {"ok": True}
    assert body["worker"]["ok"] is True

    os.kill(stack["worker_pid"], signal.SIGTERM)
    deadline = time.monotonic() + body["worker"]["limit_seconds"] + 30
    while time.monotonic() < deadline:
        status, body = health(stack["b"])
        if status == 503:
            break
        time.sleep(1)

    assert status == 503, body
    assert body["status"] == "failing"
    assert body["worker"]["ok"] is False
    assert body["database"] == {"ok": True}
