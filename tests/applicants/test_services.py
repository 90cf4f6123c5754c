from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from applicants import services
from applicants.enums import ApplicationStatus
from applicants.models import Application, AuditEntry, User
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    CohortFactory,
    CompleteApplicationFactory,
    CountryFactory,
)

pytestmark = pytest.mark.django_db


def register(email="sokha@example.org"):
    return services.user_register(
        email=email, password="a-long-test-password-42", base_url="http://testserver/"
    )


def test_user_register_sends_the_verification_link_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = register("Sokha@Example.org")

    assert user.email == "sokha@example.org"
    assert user.email_verified_at is None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["sokha@example.org"]
    assert message.subject == "Confirm your e-mail address"
    assert "http://testserver/accounts/verify/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_user_register_sends_nothing_when_the_transaction_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register()

    assert mailoutbox == []
    assert len(callbacks) == 1


def test_user_register_refuses_an_address_in_other_letter_case():
    register("sokha@example.org")

    with pytest.raises(services.ApplicationError, match="exists"):
        register("SOKHA@example.org")
    assert User.objects.count() == 1


def test_user_verify_email_confirms_the_address_once():
    user = register()
    token = services.user_verification_token(user=user)

    services.user_verify_email(token=token)
    with pytest.raises(services.ApplicationError, match="not valid"):
        services.user_verify_email(token=token)

    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert AuditEntry.objects.filter(action="user.email_verified").count() == 1


def test_user_verify_email_refuses_a_tampered_token():
    user = register()
    token = services.user_verification_token(user=user)

    with pytest.raises(services.ApplicationError, match="not valid"):
        services.user_verify_email(token=token[:-2] + "xx")


def test_user_verify_email_refuses_an_expired_token(settings):
    user = register()
    token = services.user_verification_token(user=user)
    settings.EMAIL_VERIFICATION_MAX_AGE = timedelta(seconds=-1)

    with pytest.raises(services.ApplicationError, match="expired"):
        services.user_verify_email(token=token)


def test_user_verify_email_refuses_a_token_for_a_changed_address():
    user = register()
    token = services.user_verification_token(user=user)
    User.objects.filter(pk=user.pk).update(email="new@example.org")

    with pytest.raises(services.ApplicationError, match="not valid"):
        services.user_verify_email(token=token)


def test_user_verify_email_refuses_a_link_sent_before_links_were_single_use():
    user = register()
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=services.VERIFY_SALT)

    with pytest.raises(services.ApplicationError, match="not valid"):
        services.user_verify_email(token=token)


def test_cohort_create_refuses_a_call_that_closes_before_it_opens():
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.cohort_create(
            by=None,
            name="FLY 2031",
            slug="fly-2031",
            opens_at=now,
            closes_at=now - timedelta(1),
            age_reference_date=now.date(),
            onsite_starts_on=now.date(),
            onsite_ends_on=now.date(),
            eligible_countries=[CountryFactory()],
        )
    assert "closes_at" in error.value.message_dict


def test_application_start_refuses_a_second_application_to_the_same_cohort():
    application = ApplicationFactory()

    with pytest.raises(services.ApplicationError, match="already have an application"):
        services.application_start(applicant=application.applicant, cohort=application.cohort)
    assert Application.objects.count() == 1


def test_application_start_refuses_a_closed_call():
    cohort = CohortFactory(closes_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(services.ApplicationError, match="not open"):
        services.application_start(applicant=ApplicantFactory(), cohort=cohort)


def test_application_submit_after_the_deadline_keeps_the_draft():
    application = ApplicationFactory(cohort__closes_at=timezone.now() + timedelta(hours=1))

    with pytest.raises(services.ApplicationError, match=r"deadline .* has passed; your draft"):
        services.application_submit(
            application=application,
            by=application.applicant,
            at=timezone.now() + timedelta(hours=2),
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.submitted_at is None


def test_application_submit_records_the_time_and_an_audit_entry():
    application = CompleteApplicationFactory(with_documents=True)

    services.application_submit(application=application, by=application.applicant)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at is not None
    entry = AuditEntry.objects.get(action="application.status")
    assert (entry.actor, entry.from_state, entry.to_state) == (
        application.applicant,
        "draft",
        "submitted",
    )


def test_application_transition_refuses_a_move_the_state_machine_forbids():
    application = ApplicationFactory()

    with pytest.raises(services.ApplicationError, match="Draft cannot become Offer accepted"):
        services.application_transition(
            application=application, to=ApplicationStatus.OFFER_ACCEPTED, by=None
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert not AuditEntry.objects.filter(action="application.status").exists()


def test_profile_update_keeps_names_in_every_script():
    user = ApplicantFactory()

    profile = services.profile_update(
        user=user, legal_name="Aung Kyaw Moe", native_name="အောင်ကျော်မိုး"
    )

    profile.refresh_from_db()
    assert profile.native_name == "အောင်ကျော်မိုး"


def test_profile_update_refuses_a_10000_character_name_and_keeps_the_old_one():
    user = ApplicantFactory(profile__legal_name="Chan Sokha")

    with pytest.raises(ValidationError):
        services.profile_update(user=user, legal_name="ក" * 10_000)
    user.profile.refresh_from_db()
    assert user.profile.legal_name == "Chan Sokha"


@pytest.mark.parametrize(
    ("number", "masked"),
    [("N01234567", "••••••567"), ("AB12", "••••••2"), ("A1", "••••••"), ("", "")],
)
def test_masked_passport_number_shows_at_most_a_third_and_never_more_than_three(number, masked):
    profile = ApplicantFactory(profile__passport_number=number).profile

    assert profile.masked_passport_number == masked
