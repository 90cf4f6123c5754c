"""Two-factor login for staff who can read personal data (issue 15, point 11)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.models import Country, User
from commission import two_factor
from commission.demo import DemoBuilder
from commission.reference import load_reference_data
from tests.applicants.test_filters import submitted
from tests.factories.applicants import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def password_login(client, user, next_url=""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.email, "password": PASSWORD})


def verify(client, token, next_url="/desk/"):
    return client.post(reverse("two_factor_verify"), {"token": token, "next": next_url})


def passport_visible(client, application) -> bool:
    url = reverse("staff_application_detail", kwargs={"pk": application.pk})
    return "N01234567" in client.get(url).content.decode()


# Setting up -----------------------------------------------------------------------------


def test_setup_shows_the_secret_and_an_inline_qr_code(client, manager):
    client.force_login(manager)

    response = client.get(reverse("two_factor_setup"))

    content = response.content.decode()
    device = TOTPDevice.objects.get(user=manager)
    assert response.status_code == 200
    assert device.confirmed is False
    assert "<svg" in content
    assert "<img" not in content.split('id="two-factor-qr"')[1].split("</span>")[0]
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', content).group(1)
    assert len(secret.replace(" ", "")) == 32


def test_setup_confirmed_with_a_code_shows_ten_recovery_codes_once(client, manager):
    application = submitted(passport_number="N01234567")
    client.force_login(manager)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=manager)

    response = client.post(reverse("two_factor_setup"), {"token": current_code(device)})

    codes = [StaticToken.objects.get(token=code).token for code in response.context["codes"]]
    assert len(codes) == 10
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed is True
    assert passport_visible(client, application)  # this session passed the second factor
    again = client.get(reverse("two_factor_setup")).content.decode()
    assert not any(code in again for code in codes)


def test_setup_with_a_wrong_code_stays_unconfirmed(client, manager):
    client.force_login(manager)
    client.get(reverse("two_factor_setup"))

    response = client.post(reverse("two_factor_setup"), {"token": "000000"})

    assert "That code is not right" in response.content.decode()
    assert TOTPDevice.objects.get(user=manager).confirmed is False
    assert StaticDevice.objects.filter(user=manager).exists() is False


def test_setup_of_a_new_authenticator_needs_the_second_factor_first(client, manager):
    authenticator(manager)
    client.force_login(manager)  # the password only

    response = client.get(reverse("two_factor_setup"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=manager).count() == 1


def test_setup_is_refused_to_applicants(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("two_factor_setup")).status_code == 403


# Logging in -----------------------------------------------------------------------------


def test_login_of_staff_with_an_authenticator_asks_for_the_code_before_any_page(client, manager):
    authenticator(manager)

    response = password_login(client, manager, next_url="/desk/")
    follow = client.get(response.url)

    assert follow.status_code == 302
    assert follow.url == reverse("two_factor_verify") + "?next=%2Fdesk%2F"
    assert client.get(reverse("staff_application_list")).status_code == 302


def test_login_with_the_code_opens_the_desk_and_personal_data(client, manager):
    device = authenticator(manager)
    application = submitted(passport_number="N01234567")
    password_login(client, manager)
    session_key = client.session.session_key

    response = verify(client, current_code(device))

    assert response.status_code == 302
    assert response.url == "/desk/"
    assert client.session.session_key != session_key
    assert client.get(reverse("desk")).status_code == 200
    assert passport_visible(client, application)


def test_login_with_a_recovery_code_works_once(client, manager):
    authenticator(manager)
    [code, *_rest] = two_factor.recovery_codes_replace(user=manager)

    password_login(client, manager)
    assert verify(client, code.upper()).status_code == 302
    client.logout()
    password_login(client, manager)
    response = verify(client, code)

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert StaticToken.objects.filter(device__user=manager).count() == 9


def test_login_code_is_throttled_after_a_wrong_one(client, manager):
    device = authenticator(manager)
    password_login(client, manager)

    with time_machine.travel(timezone.now(), tick=False):
        verify(client, "000000")
        response = verify(client, current_code(device))

    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        assert verify(client, current_code(device)).status_code == 302


def test_login_code_never_sends_on_to_another_site(client, manager):
    device = authenticator(manager)
    password_login(client, manager)

    response = verify(client, current_code(device), next_url="https://evil.example/")

    assert response.url == reverse("desk")


def test_login_of_an_applicant_asks_for_no_second_factor(client, applicant):
    response = password_login(client, applicant)

    assert client.get(response.url).status_code in (200, 302)
    assert client.get(reverse("applicant_home")).status_code == 200


def test_login_of_staff_without_an_authenticator_masks_personal_data(client, manager):
    application = submitted(passport_number="N01234567")

    password_login(client, manager)

    assert client.get(reverse("desk")).status_code == 200
    assert not passport_visible(client, application)


# The desk's invitation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "banner"),
    [("manager", True), ("logistics", True), ("reviewer", False), ("permits_officer", False)],
)
def test_desk_invites_readers_of_personal_data_to_set_up_a_second_factor(
    client, request, role, banner
):
    client.force_login(request.getfixturevalue(role))

    content = client.get(reverse("desk")).content.decode()

    assert ('id="second-factor-banner"' in content) is banner


def test_desk_has_no_invitation_after_the_second_factor(client, manager, verified_login):
    verified_login(client, manager)

    content = client.get(reverse("desk")).content.decode()

    assert 'id="second-factor-banner"' not in content


# The demo -------------------------------------------------------------------------------


def test_demo_staff_pass_the_second_factor_with_demo_code(client, capsys):
    builder = DemoBuilder()
    load_reference_data()
    builder.countries = {country.code: country for country in Country.objects.all()}
    builder.staff()
    manager = User.objects.get(email="manager@example.org")
    reviewer = User.objects.get(email="reviewer@example.org")
    call_command("demo_code")
    code = capsys.readouterr().out.splitlines()[0]

    password_login(client, manager)
    response = verify(client, code)

    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=manager).key == two_factor.DEMO_KEY
    assert TOTPDevice.objects.filter(user=reviewer).exists() is False


def test_demo_secret_is_the_demo_key_in_base32():
    from base64 import b32encode

    assert b32encode(bytes.fromhex(two_factor.DEMO_KEY)).decode() == two_factor.DEMO_SECRET


def test_demo_code_refuses_to_run_in_production(settings):
    from django.core.management import CommandError

    settings.PRODUCTION = True

    with pytest.raises(CommandError):
        call_command("demo_code")
