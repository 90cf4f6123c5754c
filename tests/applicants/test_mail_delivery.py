"""Mail is kept until the mail server took it: retried while it is down, failed after the last
try for staff to send again, and never sent twice."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applicants import mail
from applicants.enums import ApplicationStatus, MailKind, MailStatus
from applicants.models import OutboxMessage
from applicants.services import user_send_verification
from applicants.tasks import retry_mail, send_outbox_message
from tests.factories import ApplicantFactory, CompleteApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DOWN = "tests.mailers.DownBackend"


def submit(client, application, capture):
    client.force_login(application.applicant)
    with capture(execute=True):
        return client.post(
            reverse("application_submit", kwargs={"pk": application.pk}), follow=True
        )


def test_a_submit_while_the_mail_server_is_down_succeeds_and_the_receipt_goes_out_once_later(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    application = CompleteApplicationFactory(with_documents=True)
    settings.EMAIL_BACKEND = DOWN

    response = submit(client, application, django_capture_on_commit_callbacks)

    assert "Your application is submitted." in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    receipt = OutboxMessage.objects.get(application=application, kind=MailKind.RECEIPT)
    assert receipt.status == MailStatus.QUEUED
    assert receipt.attempts == 1
    assert receipt.error == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert mailoutbox == []

    # Not yet due: the sweep leaves it alone.
    assert retry_mail.call() == 0
    settings.EMAIL_BACKEND = LOCMEM
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert retry_mail.call() == 1
        # A duplicate task, and a sweep that comes round again, send nothing more.
        send_outbox_message.enqueue(pk=receipt.pk)
        assert retry_mail.call() == 0

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [application.applicant.email]
    assert f"FLY-{application.pk}" in mailoutbox[0].body
    receipt.refresh_from_db()
    assert (receipt.status, receipt.error, receipt.attempts) == (MailStatus.SENT, "", 2)
    assert receipt.sent_at is not None


def test_each_failed_attempt_waits_longer_and_the_last_one_fails_for_good(settings, mailoutbox):
    settings.EMAIL_BACKEND = DOWN
    message = mail.send_templated_mail(
        to="ana@example.org",
        template="registration/email/verify",
        context={"user": None, "link": "https://desk.example.org/v/1", "days": 3},
        kind=MailKind.VERIFY,
    )
    waits = []
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        send_outbox_message.call(pk=message.pk)
        for _attempt in mail.RETRY_AFTER:
            message.refresh_from_db()
            assert message.status == MailStatus.QUEUED
            waits.append(message.next_attempt_at - timezone.now())
            clock.move_to(message.next_attempt_at)
            assert retry_mail.call() == 1

    message.refresh_from_db()
    assert waits == list(mail.RETRY_AFTER)
    assert message.status == MailStatus.FAILED
    assert message.attempts == len(mail.RETRY_AFTER) + 1
    assert "Connection refused" in message.error
    assert mailoutbox == []


def failed_receipt(**fields):
    application = CompleteApplicationFactory()
    return OutboxMessage.objects.create(
        application=application,
        kind=MailKind.RECEIPT,
        to=application.applicant.email,
        subject="We received your application",
        body="Thank you.",
        html="<p>Thank you.</p>",
        **{
            "status": MailStatus.FAILED,
            "attempts": 8,
            "error": "SMTPServerDisconnected: Connection unexpectedly closed",
            **fields,
        },
    )


def test_staff_see_a_failed_mail_with_its_error_and_send_it_again(
    client, manager, mailoutbox, django_capture_on_commit_callbacks
):
    failed = failed_receipt()
    client.force_login(manager)

    listing = client.get(reverse("mail_list"), {"status": "failed"}).content.decode()
    assert "1 e-mail failed." in listing
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in listing
    page = client.get(reverse("outbox_message", kwargs={"pk": failed.pk})).content.decode()
    assert "Send it again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mail_resend", kwargs={"pk": failed.pk}), follow=True)

    assert f"The e-mail to {failed.to} is queued again." in response.content.decode()
    assert [m.subject for m in mailoutbox] == ["We received your application"]
    failed.refresh_from_db()
    assert failed.status == MailStatus.SENT
    # A second click on a stale page sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mail_resend", kwargs={"pk": failed.pk}), follow=True)
    assert "Only a failed e-mail can be sent again from here; this one is sent." in (
        response.content.decode()
    )
    assert len(mailoutbox) == 1


def test_a_sign_in_link_is_never_shown_on_the_desk_and_is_erased_once_sent(
    client, manager, mailoutbox, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user_send_verification(user=applicant, base_url="https://desk.example.org")

    link = mailoutbox[0].body.split("https://desk.example.org", 1)[1].split()[0]
    message = OutboxMessage.objects.get(kind=MailKind.VERIFY, to=applicant.email)
    assert (message.status, message.body, message.html) == (MailStatus.SENT, "", "")
    client.force_login(manager)
    # A person's own sign-in mail, once sent, is not the desk's business at all.
    listed = client.get(reverse("mail_list")).content.decode()
    assert applicant.email not in listed
    assert link not in listed
    assert client.get(reverse("outbox_message", kwargs={"pk": message.pk})).status_code == 404


@pytest.mark.parametrize("status", [MailStatus.QUEUED, MailStatus.FAILED])
def test_an_unsent_sign_in_link_is_not_shown_on_the_desk_either(
    client, settings, manager, django_capture_on_commit_callbacks, status
):
    settings.EMAIL_BACKEND = DOWN
    applicant = ApplicantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user_send_verification(user=applicant, base_url="https://desk.example.org")
    message = OutboxMessage.objects.get(kind=MailKind.VERIFY, to=applicant.email)
    OutboxMessage.objects.filter(pk=message.pk).update(status=status)
    link = message.body.split("https://desk.example.org", 1)[1].split()[0]

    client.force_login(manager)
    listed = client.get(reverse("mail_list")).content.decode()
    detail = client.get(reverse("outbox_message", kwargs={"pk": message.pk}))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin = client.get(reverse("admin:applicants_outboxmessage_change", args=[message.pk]))
    probe = client.get(
        reverse("admin:applicants_outboxmessage_changelist"), {"body__contains": link[:12]}
    )

    if status == MailStatus.FAILED:  # the desk must know that the mail server refuses
        assert applicant.email in listed
        assert "its text is not shown on the desk" in detail.content.decode()
        assert link not in detail.content.decode()
    else:
        assert applicant.email not in listed
        assert detail.status_code == 404
    assert link not in admin.content.decode()
    assert probe.status_code == 400  # the admin refuses the lookup


def test_an_attempt_cut_off_by_a_stopped_worker_is_tried_again(settings, mailoutbox):
    message = failed_receipt()
    long_ago = timezone.now() - mail.SENDING_CUT_OFF - timedelta(minutes=1)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MailStatus.SENDING, next_attempt_at=long_ago
    )

    assert retry_mail.call() == 1

    message.refresh_from_db()
    assert message.status == MailStatus.SENT
    assert len(mailoutbox) == 1


def test_the_mail_list_costs_the_same_queries_for_many_mails(
    client, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    failed_receipt()
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("mail_list"))
    for _ in range(20):
        failed_receipt()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("mail_list"))
    assert response.content.decode().count("SMTPServerDisconnected") == 21


def test_an_attempt_that_answers_after_it_was_cut_off_does_not_queue_a_sent_message(
    settings, mailoutbox
):
    message = failed_receipt()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MailStatus.SENDING, attempts=1, next_attempt_at=timezone.now()
    )
    late = OutboxMessage.objects.get(pk=message.pk)  # the first attempt, still waiting
    with time_machine.travel(timezone.now() + mail.SENDING_CUT_OFF + timedelta(minutes=1)):
        assert retry_mail.call() == 1  # the sweep takes it over and sends it

    mail._attempt_failed(late, TimeoutError("timed out"))  # the first attempt gives up late

    message.refresh_from_db()
    assert message.status == MailStatus.SENT
    assert retry_mail.call() == 0
    assert len(mailoutbox) == 1


def test_while_the_worker_is_stopped_the_sweep_hands_each_message_over_once_per_cut_off(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    message = failed_receipt(status=MailStatus.QUEUED, attempts=1, next_attempt_at=timezone.now())

    assert retry_mail.call() == 1
    for minute in range(1, 10):  # the worker does not run: the message stays queued
        with time_machine.travel(timezone.now() + timedelta(minutes=minute)):
            assert retry_mail.call() == 0
    with time_machine.travel(timezone.now() + mail.SENDING_CUT_OFF + timedelta(minutes=1)):
        assert retry_mail.call() == 1

    message.refresh_from_db()
    assert message.status == MailStatus.QUEUED


def test_a_message_that_falls_due_again_after_a_failed_attempt_is_handed_over_at_once(
    settings, mailoutbox
):
    message = failed_receipt(status=MailStatus.QUEUED, attempts=1, queued_at=timezone.now())
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=1)
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert retry_mail.call() == 1

    assert len(mailoutbox) == 1


def test_send_it_again_sends_only_a_failed_mail_never_one_held_for_release(
    client, manager, mailoutbox, django_capture_on_commit_callbacks
):
    held = failed_receipt(status=MailStatus.HELD, attempts=0, error="")
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mail_resend", kwargs={"pk": held.pk}), follow=True)

    assert "this one is not sent" in response.content.decode()
    held.refresh_from_db()
    assert held.status == MailStatus.HELD
    assert mailoutbox == []
