"""The intake rules: completeness, eligibility, uploads, deadline and withdrawal."""

import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applicants import selectors, services
from applicants.enums import ApplicationStatus, ApplicationStep, DocumentKind
from applicants.models import ApplicationDocument
from applicants.validators import MAX_UPLOAD_BYTES
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    CohortFactory,
    CompleteApplicationFactory,
    CountryFactory,
)
from tests.factories.files import html_named_pdf, jpeg, pdf, png

pytestmark = pytest.mark.django_db


def labels(application):
    return [(item.step, item.label) for item in services.application_missing_items(application)]


def test_a_complete_application_submits_and_mails_a_receipt(
    mailoutbox, django_capture_on_commit_callbacks
):
    application = CompleteApplicationFactory(with_documents=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=application.applicant)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    message = mailoutbox[0]
    assert message.subject == f"We received your application to {application.cohort.name}"
    assert f"FLY-{application.pk}" in message.body
    assert "A cook must feed a film crew" in message.body
    assert "cv.pdf" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_submit_lists_every_missing_item_with_its_step_and_keeps_the_draft():
    application = ApplicationFactory()

    with pytest.raises(services.IncompleteApplication) as refusal:
        services.application_submit(application=application, by=application.applicant)

    items = [(item.step, item.label) for item in refusal.value.items]
    assert (ApplicationStep.PROFILE, "Mobile phone is missing.") in items
    assert (ApplicationStep.FILMMAKING, "Logline of your short film idea is missing.") in items
    assert (ApplicationStep.DOCUMENTS, "Upload your CV.") in items
    assert (ApplicationStep.DOCUMENTS, "Upload your Passport bio page.") in items
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_submit_refuses_a_nationality_the_cohort_does_not_take():
    application = CompleteApplicationFactory(with_documents=True)
    profile = application.applicant.profile
    profile.nationality = CountryFactory(code="KR", name="Republic of Korea")
    profile.save()

    assert labels(application) == [
        (ApplicationStep.PROFILE, "This call is not open to nationals of Republic of Korea.")
    ]


@pytest.mark.parametrize(("age", "eligible"), [(15, False), (16, True), (25, True), (26, False)])
def test_submit_checks_the_age_on_the_reference_date(age, eligible):
    application = CompleteApplicationFactory(with_documents=True)
    cohort = application.cohort
    cohort.age_reference_date = date(2027, 7, 22)
    cohort.save()
    profile = application.applicant.profile
    # Born exactly `age` years before the reference date: the birthday counts.
    profile.date_of_birth = date(2027 - age, 7, 22)
    profile.save()
    application.guardian_name, application.guardian_email = "Chan Dara", "dara@example.org"
    application.save()
    if age < 18:
        services.document_upload(
            application=application, kind=DocumentKind.CONSENT, upload=pdf(), by=None
        )

    assert labels(application) == (
        []
        if eligible
        else [
            (
                ApplicationStep.PROFILE,
                f"You must be 16 to 25 years old on 22 Jul 2027; you will be {age}.",
            )
        ]
    )


def test_a_minor_needs_a_guardian_and_a_signed_consent():
    application = CompleteApplicationFactory(with_documents=True)
    profile = application.applicant.profile
    profile.date_of_birth = application.cohort.age_reference_date - timedelta(days=365 * 17)
    profile.save()

    assert services.application_is_minor(application)
    assert ApplicationStep.GUARDIAN in services.application_steps(application)
    assert labels(application) == [
        (ApplicationStep.GUARDIAN, "Your guardian's name and e-mail address."),
        (ApplicationStep.GUARDIAN, "Upload the consent form your guardian signed."),
    ]


def test_an_adult_has_no_guardian_step():
    application = CompleteApplicationFactory()

    assert ApplicationStep.GUARDIAN not in services.application_steps(application)


def test_submit_refuses_a_passport_that_expires_before_the_shoot_ends():
    application = CompleteApplicationFactory(with_documents=True)
    profile = application.applicant.profile
    profile.passport_expires_on = application.cohort.onsite_ends_on - timedelta(days=1)
    profile.save()

    [(step, label)] = labels(application)
    assert step == ApplicationStep.PROFILE
    assert label.startswith("Your passport must be valid until at least")


def test_submit_after_the_deadline_is_refused_and_the_draft_kept():
    application = CompleteApplicationFactory(with_documents=True)
    late = application.cohort.closes_at + timedelta(seconds=1)

    with pytest.raises(services.ApplicationError, match="has passed; your draft is kept"):
        services.application_submit(application=application, by=application.applicant, at=late)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.documents.count() == 3


def test_a_submitted_application_can_no_longer_be_changed():
    application = CompleteApplicationFactory(with_documents=True)
    services.application_submit(application=application, by=application.applicant)

    with pytest.raises(services.ApplicationError, match="can no longer be changed"):
        services.application_save_step(
            application=application, by=application.applicant, answers={"logline": "New"}
        )
    with pytest.raises(services.ApplicationError, match="can no longer be changed"):
        services.document_upload(
            application=application, kind=DocumentKind.CV, upload=pdf(), by=None
        )


@pytest.mark.parametrize(
    ("kind", "upload", "content_type", "magic"),
    [
        (DocumentKind.CV, pdf(), "application/pdf", b"%PDF"),
        (DocumentKind.PASSPORT, png(), "image/png", b"\x89PNG"),
        (DocumentKind.PASSPORT, jpeg(), "image/jpeg", b"\xff\xd8\xff\xe0"),
        (DocumentKind.PASSPORT, pdf("passport.pdf"), "application/pdf", b"%PDF"),
    ],
)
def test_upload_accepts_the_types_of_its_kind(kind, upload, content_type, magic):
    application = ApplicationFactory()

    document = services.document_upload(application=application, kind=kind, upload=upload, by=None)

    assert document.content_type == content_type
    assert document.file.name.endswith(
        {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[content_type]
    )
    with document.file.open("rb") as stored:
        assert stored.read(4) == magic


def test_upload_decides_the_type_by_content_not_by_name():
    application = ApplicationFactory()

    with pytest.raises(ValidationError, match="not a PDF, whatever its name says"):
        services.document_upload(
            application=application, kind=DocumentKind.CV, upload=html_named_pdf(), by=None
        )
    with pytest.raises(ValidationError, match="not a PDF"):
        services.document_upload(
            application=application, kind=DocumentKind.CV, upload=png("cv.pdf"), by=None
        )
    assert not ApplicationDocument.objects.exists()


def test_upload_refuses_a_file_over_10_mb_and_keeps_the_previous_one():
    application = ApplicationFactory()
    services.document_upload(application=application, kind=DocumentKind.CV, upload=pdf(), by=None)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * MAX_UPLOAD_BYTES)

    with pytest.raises(ValidationError, match=r"over the 10 MB limit \(it is 10.0 MB\)"):
        services.document_upload(application=application, kind=DocumentKind.CV, upload=big, by=None)

    assert application.documents.get().original_name == "cv.pdf"


def test_upload_replaces_the_document_of_the_same_kind_and_deletes_its_file(
    django_capture_on_commit_callbacks,
):
    application = ApplicationFactory()
    first = services.document_upload(
        application=application, kind=DocumentKind.CV, upload=pdf("old.pdf"), by=None
    )
    storage, old_name = first.file.storage, first.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.document_upload(
            application=application, kind=DocumentKind.CV, upload=pdf("new.pdf"), by=None
        )

    assert list(application.documents.values_list("original_name", flat=True)) == ["new.pdf"]
    assert not storage.exists(old_name)


def test_upload_stores_a_name_of_ours_and_keeps_a_sanitised_display_name():
    application = ApplicationFactory()

    document = services.document_upload(
        application=application,
        kind=DocumentKind.CV,
        upload=pdf("../../etc/ប្រវត្តិរូប <script>.pdf"),
        by=None,
    )

    assert document.file.name.startswith(f"applications/{application.pk}/cv-")
    assert document.file.name.endswith(".pdf")
    assert document.original_name == "ប្រវត្តិរូប_script.pdf"


def test_withdraw_is_allowed_until_decisions_are_released():
    application = CompleteApplicationFactory(with_documents=True)
    services.application_submit(application=application, by=application.applicant)

    services.application_withdraw(application=application, by=application.applicant)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_withdraw_is_refused_once_decisions_are_released():
    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    application.cohort.decisions_released_at = timezone.now()
    application.cohort.save()

    with pytest.raises(services.ApplicationError, match=r"Decisions for .* are out"):
        services.application_withdraw(application=application, by=application.applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_withdrawn_draft_never_reaches_staff(client, logistics):
    application = CompleteApplicationFactory(with_documents=True)
    services.application_withdraw(application=application, by=application.applicant)
    document = application.documents.first()
    client.force_login(logistics)

    detail = reverse("staff_application_detail", kwargs={"pk": application.pk})
    download = reverse("document_download", kwargs={"pk": document.pk})
    listing = client.get(reverse("staff_application_list")).content.decode()

    assert client.get(detail).status_code == 404
    assert client.get(download).status_code == 404
    assert application.applicant.profile.legal_name not in listing


def test_decisions_stay_hidden_from_the_applicant_until_released():
    application = CompleteApplicationFactory(with_documents=True)
    services.application_submit(application=application, by=application.applicant)
    services.application_transition(application=application, to="rejected", by=None)
    application.refresh_from_db()

    assert application.applicant_status_label == "Submitted"
    history = selectors.status_history(application=application, for_applicant=True)
    assert [entry.to_state for entry in history] == ["submitted"]

    application.cohort.decisions_released_at = timezone.now()
    application.cohort.save()
    application.refresh_from_db()
    assert application.applicant_status_label == "Not selected"
    history = selectors.status_history(application=application, for_applicant=True)
    assert [entry.to_state for entry in history] == ["submitted", "rejected"]


def test_a_rejected_application_offers_no_withdrawal():
    application = ApplicationFactory(status=ApplicationStatus.REJECTED)

    assert not services.application_can_withdraw(application)
    with pytest.raises(services.ApplicationError, match="can no longer be withdrawn"):
        services.application_withdraw(application=application, by=application.applicant)


def test_the_profile_is_locked_while_a_submitted_application_is_being_decided():
    first = CompleteApplicationFactory(with_documents=True)
    services.application_submit(application=first, by=first.applicant)
    second = ApplicationFactory(applicant=first.applicant, cohort=CohortFactory())

    with pytest.raises(services.ApplicationError, match="part of your submitted application"):
        services.application_save_step(
            application=second, by=first.applicant, profile={"legal_name": "Someone Else"}
        )
    first.applicant.profile.refresh_from_db()
    assert first.applicant.profile.legal_name != "Someone Else"
    # Answers of the new draft itself are still the applicant's to write.
    services.application_save_step(
        application=second, by=first.applicant, answers={"logline": "A new idea."}
    )


def test_names_are_stored_in_one_unicode_spelling():
    user = ApplicantFactory()
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")

    profile = services.profile_update(user=user, native_name=decomposed)

    assert profile.native_name == unicodedata.normalize("NFC", "Nguyễn Văn An")
    assert len(profile.native_name) < len(decomposed)


def test_the_receipt_text_is_not_html_escaped(mailoutbox, django_capture_on_commit_callbacks):
    application = CompleteApplicationFactory(
        with_documents=True,
        logline='The "last" ferry <leaves>',
        applicant__profile__legal_name="Sean O'Brien",
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=application.applicant)

    assert "Sean O'Brien" in mailoutbox[0].body
    assert 'The "last" ferry <leaves>' in mailoutbox[0].body


@pytest.mark.parametrize("year", [1, 1999, 2101])
def test_a_cohort_date_outside_2000_to_2100_is_refused(year):
    now = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as refusal:
        services.cohort_create(
            by=None,
            name="FLY",
            slug="fly-x",
            opens_at=now.replace(year=year),
            closes_at=now,
            age_reference_date=now.date(),
            onsite_starts_on=now.date(),
            onsite_ends_on=now.date(),
            eligible_countries=[CountryFactory()],
        )
    assert "between the years 2000 and 2100" in str(refusal.value.message_dict["opens_at"])


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(ValidationError, match="real date of birth"):
        services.profile_update(user=ApplicantFactory(), date_of_birth=date(9999, 12, 31))


def test_a_country_needs_a_real_time_zone():
    country = CountryFactory.build(code="XX", time_zone="Asia/Nowhere")

    with pytest.raises(ValidationError, match="not a time zone name"):
        country.full_clean()
