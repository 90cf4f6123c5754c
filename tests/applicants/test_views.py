import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from applicants.enums import ApplicationStatus
from applicants.models import Application, User
from tests.factories import (
    PASSWORD,
    ApplicantFactory,
    ApplicationFactory,
    CohortFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def link_in(message):
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def signup(client, email="sokha@example.org", password=PASSWORD, again=None):
    return client.post(
        reverse("signup"),
        {"email": email, "password1": password, "password2": again or password},
    )


def test_signup_sends_a_link_that_confirms_then_asks_for_the_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)

    assert response.status_code == 302
    assert response.url == reverse("verification_sent")
    assert "sokha@example.org" in client.get(response.url).content.decode()
    response = client.get(link_in(mailoutbox[0]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Your e-mail address is confirmed" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.get().email_verified


def test_signup_with_a_taken_address_in_any_letter_case_creates_no_account(client, applicant):
    response = signup(client, email=applicant.email.upper())

    assert response.status_code == 302
    assert response.url == reverse("verification_sent")
    assert User.objects.count() == 1


def test_signup_refuses_different_passwords(client):
    response = signup(client, again="another-long-password-43")

    assert "The two passwords differ" in response.content.decode()
    assert not User.objects.exists()


def test_signup_refuses_a_10000_character_address(client):
    response = signup(client, email="a" * 10_000 + "@example.org")

    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.content.decode()
    assert not User.objects.exists()


def test_verify_email_with_a_bad_token_explains_itself(client):
    response = client.get(reverse("verify_email", kwargs={"token": "not-a-token"}))

    assert response.status_code == 200
    assert "This link is not valid" in response.content.decode()


def test_login_of_an_unconfirmed_address_is_refused_with_a_new_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="new@example.org", email_verified_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("login"), {"username": "new@example.org", "password": PASSWORD}
        )

    assert "Please confirm your e-mail address first" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert mailoutbox[0].to == ["new@example.org"]


def test_login_accepts_the_address_in_any_letter_case(client, applicant):
    response = client.post(reverse("login"), {"username": "THEA@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == applicant.pk


def test_login_is_throttled_at_the_fifth_failure(client, applicant):
    for _attempt in range(4):
        response = client.post(reverse("login"), {"username": applicant.email, "password": "wrong"})
        assert "do not match an account" in response.content.decode()
    response = client.post(reverse("login"), {"username": applicant.email, "password": "wrong"})
    assert response.status_code == 429

    # Even the right password waits out the pause.
    response = client.post(reverse("login"), {"username": applicant.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_throttle_counts_an_address_in_any_letter_case_as_one(client, applicant):
    for spelling in [
        "thea@example.org",
        "THEA@example.org",
        "Thea@Example.org",
        "tHEA@example.org",
    ]:
        client.post(reverse("login"), {"username": spelling, "password": "wrong"})

    response = client.post(reverse("login"), {"username": "THEA@EXAMPLE.ORG", "password": "x"})

    assert response.status_code == 429


def test_logout_needs_a_post_and_ends_the_session(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(
    client, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": applicant.email})

    message = mailoutbox[0]
    assert message.subject == "Choose a new password"
    assert message.alternatives[0][1] == "text/html"
    form_url = client.get(link_in(message), follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "a-brand-new-password-77", "new_password2": "a-brand-new-password-77"},
    )
    assert response.url == reverse("password_reset_complete")
    applicant.refresh_from_db()
    assert applicant.check_password("a-brand-new-password-77")


def test_home_sends_each_user_to_their_own_home(client, applicant, manager):
    assert client.get(reverse("home")).status_code == 200
    client.force_login(applicant)
    assert client.get(reverse("home")).url == reverse("applicant_home")
    client.force_login(manager)
    assert client.get(reverse("home")).url == reverse("desk")


def test_home_lists_open_calls_with_their_deadline(client):
    CohortFactory(name="FLY 2031 Busan")
    CohortFactory(name="FLY 2029 Busan", status="finished")

    content = client.get(reverse("home")).content.decode()

    assert "FLY 2031 Busan" in content
    assert "FLY 2029 Busan" not in content


def test_applicant_home_shows_only_the_applicants_own_applications(client, applicant):
    ApplicationFactory(
        applicant=applicant, cohort__name="FLY 2031 Busan", status=ApplicationStatus.SUBMITTED
    )
    ApplicationFactory(cohort__name="FLY 2032 Busan", cohort__status="closed")
    client.force_login(applicant)

    content = client.get(reverse("applicant_home")).content.decode()

    assert "FLY 2031 Busan" in content
    assert "Submitted" in content
    assert "FLY 2032 Busan" not in content


@pytest.mark.parametrize("rows", [1, 3])
def test_applicant_home_query_count_is_constant(client, django_assert_num_queries, rows):
    user = ApplicantFactory()
    for _row in range(rows):
        ApplicationFactory(applicant=user)
    client.force_login(user)
    ContentType.objects.get_for_model(Application)  # cached once a process, whatever the rows

    # session, user, applications with cohorts, their state changes, open cohorts, their
    # eligible countries, the applicant's time zone, whether they have a team (the nav's link)
    with django_assert_num_queries(8):
        client.get(reverse("applicant_home"))


def test_pages_speak_korean_when_the_browser_asks_for_it(client):
    content = client.get(reverse("signup"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert '<html lang="ko">' in content
    assert "계정 만들기" in content
    assert "시간은 한국 표준시(Asia/Seoul) 기준입니다." in content


def test_the_language_picker_switches_to_korean(client):
    client.post(reverse("set_language"), {"language": "ko", "next": "/"})

    assert "모집 중인 프로그램" in client.get(reverse("home")).content.decode()


def test_a_name_in_khmer_script_shows_on_the_applicant_home(client):
    user = ApplicantFactory(profile__native_name="ចាន់ សុខា")
    ApplicationFactory(applicant=user)
    client.force_login(user)

    assert client.get(reverse("applicant_home")).status_code == 200
