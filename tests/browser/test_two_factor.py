import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from commission import roles
from tests.factories import StaffFactory
from tests.factories.applicants import PASSWORD


def code(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def log_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_manager_sets_up_two_factor_and_logs_in_with_a_code(page, live_server, shots):
    """Under the strict CSP: the QR code is inline SVG, no script, no image request."""
    manager = StaffFactory(email="manager@example.org", role=roles.PROGRAMME_MANAGER)
    log_in(page, live_server, manager.email)
    expect(page.locator("#second-factor-banner")).to_be_visible()
    page.get_by_role("link", name="Set up two-factor login").click()
    expect(page.locator("#two-factor-qr svg")).to_be_visible()
    page.screenshot(path=shots / "1-setup.png", full_page=True)

    device = TOTPDevice.objects.get(user=manager)
    page.get_by_label("Six-digit code from the app").fill(code(device))
    page.get_by_role("button", name="Turn on two-factor login").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.screenshot(path=shots / "2-recovery-codes.png", full_page=True)
    page.get_by_role("link", name="I have kept them: go to the desk").click()
    expect(page.locator("#second-factor-banner")).to_have_count(0)

    page.context.clear_cookies()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the next code, in this step
    log_in(page, live_server, manager.email)
    expect(page.get_by_role("heading", name="Log in: second step")).to_be_visible()
    page.screenshot(path=shots / "3-verify.png", full_page=True)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Desk")).to_be_visible()
