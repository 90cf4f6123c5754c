import re

from playwright.sync_api import expect

from applicants.models import User


def test_sign_up_verify_log_in_and_log_out_on_a_phone(page, live_server, mailoutbox, shots):
    page.goto(live_server.url)
    page.get_by_role("link", name="Create an account to apply").first.click()
    page.get_by_label("E-mail address").fill("sreymom@example.org")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill("Kampot-river-2026")
    page.get_by_label("Password again").fill("Kampot-river-2026")
    page.screenshot(path=shots / "1-signup.png", full_page=True)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    expect(page.get_by_text("sreymom@example.org")).to_be_visible()
    link = re.search(r"http://\S+/accounts/verify/\S+", mailoutbox[0].body).group(0)
    page.goto(link)

    # The link confirms the address, then asks for the password: it logs nobody in.
    expect(page.get_by_text("Your e-mail address is confirmed")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert User.objects.get(email="sreymom@example.org").email_verified
    page.screenshot(path=shots / "2-verified.png", full_page=True)

    page.get_by_label("E-mail address").fill("SREYMOM@example.org")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill("Kampot-river-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My applications")).to_be_visible()
    page.screenshot(path=shots / "3-logged-in.png", full_page=True)

    # On a phone the navigation folds behind the menu button.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    page.goto(live_server.url + "/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/me/"))
