"""Refresh the README's screenshots.

`make run` in one shell, then `.venv/bin/python docs/take_screenshots.py` in another. The
cohort report's first page is drawn by LibreOffice and poppler (`soffice`, `pdftoppm`).
"""

import base64
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from django_otp.oath import totp
from playwright.sync_api import sync_playwright

BASE = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
OUT = Path(__file__).parent / "screenshots"
PASSWORD = "incubator-demo"  # noqa: S105 (the published demo password)
# The demo staff's authenticator secret, published in the README (never outside the demo).
DEMO_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # noqa: S105

SHOTS = [
    # (file, who logs in, path, viewport width)
    ("open-calls-phone.png", None, "/", 390),
    ("call-phone.png", None, "/calls/fly-2026/", 390),
    ("signup-phone.png", None, "/accounts/signup/", 390),
    ("applicant-home-phone.png", "applicant@example.org", "/me/", 390),
    ("application-step-phone.png", "applicant@example.org", "/me/", 390),
    ("staff-desk.png", "manager@example.org", "/desk/", 1280),
    ("staff-applications.png", "manager@example.org", "/desk/applications/?status=submitted", 1280),
    ("review-phone.png", "reviewer@example.org", "/desk/reviews/", 390),
    ("ranking.png", "manager@example.org", "/desk/cohorts/fly-2026/ranking/", 1280),
    ("selection.png", "manager@example.org", "/desk/cohorts/fly-2025/selection/", 1280),
    ("teams.png", "manager@example.org", "/desk/cohorts/fly-2025/teams/", 1280),
    (
        "schedule.png",
        "permits@example.org",
        "/desk/cohorts/fly-2025/schedule/?view=month&on=2025-08-18",
        1280,
    ),
    ("conflicts.png", "permits@example.org", "/desk/cohorts/fly-2026/conflicts/", 1280),
    ("permits.png", "permits@example.org", "/desk/cohorts/fly-2026/permits/", 1280),
    ("locations.png", "permits@example.org", "/desk/locations/", 1280),
    ("location-phone.png", "permits@example.org", "/desk/locations/jagalchi-market/", 390),
    ("my-team-phone.png", "participant@example.org", "/me/team/", 390),
    ("call-sheet-phone.png", "participant@example.org", "/me/team/", 390),
    (
        "support-board.png",
        "logistics@example.org",
        "/desk/cohorts/fly-2026/support/?kind=interpreter",
        1280,
    ),
    ("travel.png", "logistics@example.org", "/desk/cohorts/fly-2025/travel/", 1280),
    ("rooms.png", "logistics@example.org", "/desk/cohorts/fly-2026/rooms/", 1280),
    ("budget.png", "logistics@example.org", "/desk/cohorts/fly-2025/budget/", 1280),
    ("import.png", "logistics@example.org", "/desk/cohorts/fly-2025/support/import/", 1280),
    ("my-travel-phone.png", "participant@example.org", "/me/travel/", 390),
    ("dashboard-phone.png", "manager@example.org", "/desk/", 390),
    ("two-factor-phone.png", "manager@example.org", "/accounts/two-factor/", 390),
    ("delete-account-phone.png", "applicant@example.org", "/me/delete/", 390),
]


def log_in(page, email):
    """The password, then for staff who read personal data the demo authenticator's code."""
    page.goto(BASE + "/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    if "/accounts/two-factor/verify/" in page.url:
        code = totp(base64.b32decode(DEMO_SECRET))
        page.fill("input[name=token]", f"{code:06d}")
        page.locator("main form button[type=submit], main form input[type=submit]").first.click()


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        # One signed-in context a person: a code of the authenticator is good once.
        contexts = {}
        for name, email, path, width in SHOTS:
            if email not in contexts:
                contexts[email] = browser.new_context()
                if email:
                    log_in(contexts[email].new_page(), email)
            page = contexts[email].new_page()
            page.set_viewport_size({"width": width, "height": 844})
            page.goto(BASE + path)
            if name == "application-step-phone.png":
                page.get_by_role("link", name="FLY 2026 Busan").first.click()
                page.get_by_role("link", name="2. Filmmaking").click()
            if name == "call-sheet-phone.png":
                page.get_by_role("link", name="Call sheet").first.click()
            if name == "review-phone.png":
                page.locator("main a[href^='/desk/reviews/']").first.click()
            page.screenshot(path=OUT / name, full_page=True)
            page.close()
        report_page(contexts["manager@example.org"].new_page())
        browser.close()
    return 0


def report_page(page):
    """The cohort report's Summary sheet as LibreOffice prints it, with its chart."""
    # The report is built by the task worker (at once under `make run`): its page, then the file.
    page.goto(BASE + "/desk/cohorts/fly-2025/report.xlsx")
    download = re.search(r'href="([^"]+/download/)"', page.content()).group(1)
    response = page.request.get(BASE + download)
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "report.xlsx"
        workbook.write_bytes(response.body())
        convert = ["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder]
        subprocess.run([*convert, str(workbook)], check=True, capture_output=True)  # noqa: S603
        first = ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"]
        target = OUT / "cohort-report"
        subprocess.run([*first, str(workbook.with_suffix(".pdf")), str(target)], check=True)  # noqa: S603
    page.close()


if __name__ == "__main__":
    sys.exit(main())
