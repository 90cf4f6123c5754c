"""Accounts under attack: one normal form of an address, links that expire, quiet sign-up."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants import services
from applicants.emails import normalize_email
from applicants.enums import MailKind
from applicants.models import OutboxMessage, User
from commission import roles
from commission.services import staff_create
from tests.factories import PASSWORD, ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "sina.kim@example.org"

# Spellings of ADDRESS that name the same account...
SAME_ACCOUNT = [
    pytest.param("sina.kim@example.org", id="as-stored"),
    pytest.param("SINA.KIM@EXAMPLE.ORG", id="upper-case"),
    pytest.param("Sina.Kim@Example.Org", id="mixed-case"),
    pytest.param("  sina.kim@example.org\t", id="surrounding-spaces"),
    pytest.param("\u3000sina.kim@example.org\u3000", id="ideographic-spaces"),
    pytest.param(
        "\uff53\uff49\uff4e\uff41\uff0e\uff4b\uff49\uff4d\uff20"
        "\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff4f\uff52\uff47",
        id="fullwidth",
    ),
    pytest.param("\u017fina.\u212aim@example.org", id="long-s-and-kelvin-sign"),
    pytest.param("\U0001d42c\U0001d422\U0001d427\U0001d41a.kim@example.org", id="math-bold"),
    pytest.param("sina.kim@\u212fxample.org", id="script-e-in-domain"),
    pytest.param("sina.kim@\u24d4xample.org", id="circled-e-in-domain"),
    pytest.param("si\u200bna.kim@example.org", id="zero-width-space"),
    pytest.param("\ufeffsina.k\u200dim@exa\u00admple.org\u2060", id="bom-joiner-soft-hyphen"),
]
# ...and look-alikes that name no account at all.
NO_ACCOUNT = [
    pytest.param("s\u0131na.k\u0131m@example.org", id="dotless-i"),
    pytest.param("s\u0130na.kim@example.org", id="dotted-capital-i"),
    pytest.param("sin\u0430.kim@example.org", id="cyrillic-a"),
    pytest.param("sina.kim@example.org.", id="trailing-dot"),
    pytest.param("sina .kim@example.org", id="inner-space"),
]


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def link_in(message):
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


@pytest.fixture
def account(db):
    return ApplicantFactory(email=ADDRESS)


# One normal form ----------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", SAME_ACCOUNT)
def test_normalize_email_gives_every_spelling_the_stored_form(spelling):
    assert normalize_email(spelling) == ADDRESS


@pytest.mark.parametrize("spelling", NO_ACCOUNT)
def test_normalize_email_keeps_look_alikes_apart(spelling):
    assert normalize_email(spelling) != ADDRESS


def test_normalize_email_writes_an_international_domain_in_its_ascii_form():
    assert normalize_email("Thea@B\u00fccher.Example") == "thea@xn--bcher-kva.example"
    assert normalize_email("thea@xn--bcher-kva.example") == "thea@xn--bcher-kva.example"


@pytest.mark.parametrize("spelling", SAME_ACCOUNT)
def test_login_under_any_spelling_opens_the_one_account(client, account, spelling):
    response = login(client, spelling)

    assert response.status_code == 302
    assert logged_in_as(client) == account.pk


@pytest.mark.parametrize("spelling", NO_ACCOUNT)
def test_login_under_a_look_alike_is_refused(client, account, spelling):
    response = login(client, spelling)

    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert logged_in_as(client) is None


@pytest.mark.parametrize("locked_with", SAME_ACCOUNT)
def test_login_once_locked_opens_under_no_spelling(client, account, locked_with):
    for _attempt in range(5):
        login(client, locked_with, password="wrong")

    for spelling in [param.values[0] for param in SAME_ACCOUNT + NO_ACCOUNT]:
        response = login(client, spelling)
        assert logged_in_as(client) is None, spelling
        if normalize_email(spelling) == ADDRESS:
            assert response.status_code == 429, spelling


def test_login_failures_under_different_spellings_count_towards_one_lock(client, account):
    for param in SAME_ACCOUNT[-5:]:
        login(client, param.values[0], password="wrong")

    response = login(client, ADDRESS)

    assert response.status_code == 429
    assert logged_in_as(client) is None


def test_user_saved_with_any_spelling_is_stored_in_the_normal_form(db):
    user = UserFactory(email="\uff34\uff28\uff25\uff21@Example.org\u200b ")

    user.refresh_from_db()
    assert user.email == "thea@example.org"


def test_staff_create_stores_the_normal_form(db):
    user = staff_create(
        email=" MANAGER\u200b@\uff25xample.org",
        full_name="Min-ji Park",
        password=PASSWORD,
        role=roles.PROGRAMME_MANAGER,
    )

    assert user.email == "manager@example.org"


def test_admin_add_user_stores_the_normal_form_and_refuses_a_look_alike(client, account):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:applicants_user_add")
    data = {"password1": "", "password2": "", "usable_password": "false"}

    response = client.post(url, {**data, "email": " \uff2e\uff25\uff37@example.org"})
    assert response.status_code == 302
    assert User.objects.filter(email="new@example.org").exists()

    response = client.post(url, {**data, "email": "SINA.KIM@\uff45xample.org"})
    assert response.status_code == 200
    assert User.objects.filter(email__startswith="sina").count() == 1


def test_admin_change_user_stores_the_normal_form(client, account):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:applicants_user_change", args=[account.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        email="Sina.Kim\u200b@Example.ORG",
        email_verified_at_0="2026-01-01",
        email_verified_at_1="10:00:00",
        date_joined_0="2026-01-01",
        date_joined_1="10:00:00",
        groups=[],
        user_permissions=[],
    )
    data.pop("email_verified_at")
    data.pop("date_joined", None)
    data.pop("last_login", None)

    response = client.post(url, data)

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.email == ADDRESS


def test_password_reset_finds_the_account_under_another_spelling(
    client, account, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "\uff33INA.KIM@example.org\u200b"})

    assert [message.to for message in mailoutbox] == [[ADDRESS]]


def test_password_reset_of_a_look_alike_sends_nothing(
    client, account, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "s\u0131na.kim@example.org"})

    assert response.status_code == 302
    assert mailoutbox == []


# Sign-up does not disclose accounts ------------------------------------------------------


NEW_PASSWORD = "another-long-password-43"


def signup(client, email, password=NEW_PASSWORD):
    return client.post(
        reverse("signup"), {"email": email, "password1": password, "password2": password}
    )


@pytest.mark.parametrize("spelling", SAME_ACCOUNT)
def test_signup_with_a_taken_address_answers_as_a_new_one_and_creates_nothing(
    client, account, spelling, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        taken = signup(client, spelling)
    with django_capture_on_commit_callbacks(execute=True):
        new = signup(Client(), "new.person@example.org")

    assert taken.status_code == new.status_code == 302
    assert taken.url == new.url == reverse("verification_sent")
    assert User.objects.filter(email=ADDRESS).count() == 1
    assert User.objects.count() == 2
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    page = client.get(taken.url).content.decode()
    assert ADDRESS in page
    assert "Check your e-mail" in page


def test_signup_with_a_taken_address_tells_its_owner(
    client, account, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "SINA.KIM@\uff45xample.org")

    (message,) = mailoutbox
    assert message.to == [ADDRESS]
    assert message.subject == "Someone tried to create an account with your address"
    assert "http://testserver/accounts/login/" in message.body
    assert "http://testserver/accounts/password/reset/" in message.body
    assert message.alternatives[0][1] == "text/html"
    stored = OutboxMessage.objects.get()
    assert (stored.kind, stored.to) == (MailKind.SIGNUP_ATTEMPT, ADDRESS)


def test_signup_with_a_taken_address_tells_its_owner_once_an_hour(
    client, account, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    for _attempt in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            signup(client, ADDRESS)
    time_machine.shift(timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, ADDRESS)

    assert response.url == reverse("verification_sent")
    assert len(mailoutbox) == 2


def test_signup_with_a_new_address_sends_the_verification_link(
    client, account, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "New.Person@Example.org")

    (message,) = mailoutbox
    assert message.to == ["new.person@example.org"]
    assert message.subject == "Confirm your e-mail address"


# Verification links ----------------------------------------------------------------------


def signed_up(client, mailoutbox, capture, email="new.person@example.org"):
    with capture(execute=True):
        signup(client, email)
    return User.objects.get(email=email), link_in(mailoutbox[-1])


def test_verification_link_confirms_then_asks_for_the_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user, link = signed_up(client, mailoutbox, django_capture_on_commit_callbacks)

    response = client.get(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Your e-mail address is confirmed" in response.content.decode()
    assert logged_in_as(client) is None
    user.refresh_from_db()
    assert user.email_verified
    assert login(client, "new.person@example.org", "another-long-password-43").status_code == 302


def test_verification_link_works_once(client, mailoutbox, django_capture_on_commit_callbacks):
    _user, link = signed_up(client, mailoutbox, django_capture_on_commit_callbacks)
    client.get(link)

    response = Client().get(link)

    assert response.status_code == 200
    assert "This link is not valid" in response.content.decode()


def test_verification_link_dies_when_the_password_changes(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user, link = signed_up(client, mailoutbox, django_capture_on_commit_callbacks)
    user.set_password("a-brand-new-password-77")
    user.save()

    response = client.get(link)

    assert "This link is not valid" in response.content.decode()
    user.refresh_from_db()
    assert not user.email_verified
    assert logged_in_as(client) is None


def test_verification_link_dies_when_the_address_is_confirmed_otherwise(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    _user, first = signed_up(client, mailoutbox, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        login(client, "new.person@example.org", "another-long-password-43")
    second = link_in(mailoutbox[-1])
    client.get(second)

    response = Client().get(first)

    assert "This link is not valid" in response.content.decode()


def test_verification_link_logs_nobody_in_after_a_password_reset(
    client, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    applicant.email_verified_at = None
    applicant.save()
    link = reverse("verify_email", args=[services.user_verification_token(user=applicant)])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": applicant.email})
    form_url = client.get(link_in(mailoutbox[-1]), follow=True).redirect_chain[-1][0]
    new_password = "a-brand-new-password-77"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})

    attacker = Client()
    response = attacker.get(link, follow=True)

    assert "This link is not valid" in response.content.decode()
    assert logged_in_as(attacker) is None


# A password reset ends every other session -----------------------------------------------


def test_password_reset_ends_every_other_session_of_the_account(
    applicant, mailoutbox, django_capture_on_commit_callbacks
):
    elsewhere, other_account = Client(), Client()
    elsewhere.force_login(applicant)
    other_account.force_login(ApplicantFactory())
    assert elsewhere.get(reverse("applicant_home")).status_code == 200

    owner = Client()
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(reverse("password_reset"), {"email": applicant.email})
    form_url = owner.get(link_in(mailoutbox[-1]), follow=True).redirect_chain[-1][0]
    new_password = "a-brand-new-password-77"
    owner.post(form_url, {"new_password1": new_password, "new_password2": new_password})

    response = elsewhere.get(reverse("applicant_home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert logged_in_as(elsewhere) is None
    assert other_account.get(reverse("applicant_home")).status_code == 200
    assert login(owner, applicant.email, new_password).status_code == 302


# Stored addresses ------------------------------------------------------------------------


def test_user_email_normal_form_migration_keeps_the_oldest_of_look_alikes(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("applicants.migrations.0010_user_email_normal_form")
    older = UserFactory(email="thea@example.org", date_joined=timezone.now())
    newer = UserFactory(email="other@example.org")
    plain = UserFactory(email="plain@example.org")
    # Rows written before the normal form: a look-alike with a fullwidth domain letter, and an
    # address with a zero-width space.
    User.objects.filter(pk=newer.pk).update(email="thea@\uff45xample.org")
    User.objects.filter(pk=plain.pk).update(email="pla\u200bin@example.org")

    migration.normalise_user_emails(apps, None)

    older.refresh_from_db()
    newer.refresh_from_db()
    plain.refresh_from_db()
    assert older.email == "thea@example.org"
    assert (newer.email, newer.is_active) == (f"duplicate-{newer.pk}@invalid", False)
    assert plain.email == "plain@example.org"
