"""The applicant's application pages: steps, drafts, uploads, submit, and nobody else's."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.enums import ApplicationStatus, DocumentKind
from applicants.models import Application
from applicants.services import application_transition
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    CohortFactory,
    CompleteApplicationFactory,
)
from tests.factories.files import html_named_pdf, pdf

pytestmark = pytest.mark.django_db


def step_url(application, step):
    return reverse("application_step", kwargs={"pk": application.pk, "step": step})


@pytest.fixture
def draft(applicant):
    return ApplicationFactory(applicant=applicant)


def test_starting_an_application_opens_its_first_step(client, applicant):
    cohort = CohortFactory()
    client.force_login(applicant)

    response = client.post(reverse("application_start", kwargs={"slug": cohort.slug}))

    application = Application.objects.get(applicant=applicant, cohort=cohort)
    assert response.url == step_url(application, "profile")


def test_starting_twice_goes_back_to_the_same_application(client, draft):
    client.force_login(draft.applicant)

    response = client.post(reverse("application_start", kwargs={"slug": draft.cohort.slug}))

    assert response.url == reverse("application_detail", kwargs={"pk": draft.pk})
    assert Application.objects.count() == 1


def test_a_step_saves_a_draft_that_is_there_after_logging_out(client, draft):
    client.force_login(draft.applicant)
    client.post(
        step_url(draft, "filmmaking"),
        {"role_1": "director", "logline": "Two strangers share an umbrella.", "save": ""},
    )
    client.post(reverse("logout"))
    client.force_login(draft.applicant)

    response = client.get(step_url(draft, "filmmaking"))

    assert "Two strangers share an umbrella." in response.content.decode()
    draft.refresh_from_db()
    assert (draft.role_1, draft.status) == ("director", ApplicationStatus.DRAFT)


def test_save_and_continue_moves_to_the_next_step(client, draft):
    client.force_login(draft.applicant)

    response = client.post(step_url(draft, "profile"), {"city": "Phnom Penh", "continue": ""})

    assert response.url == step_url(draft, "filmmaking")


def test_a_bad_answer_is_explained_and_loses_nothing_saved(client, draft):
    draft.logline = "Saved before."
    draft.save()
    client.force_login(draft.applicant)

    response = client.post(
        step_url(draft, "filmmaking"),
        {"logline": "word " * 51, "showreel_url": "not a link", "bio": "Kept in the form"},
    )

    content = response.content.decode()
    assert "Keep this to 50 words or fewer (now 51)." in content
    assert "Enter a valid URL." in content
    assert "Kept in the form" in content
    draft.refresh_from_db()
    assert draft.logline == "Saved before."


def test_the_legal_name_must_be_in_latin_letters_and_not_endless(client, draft):
    client.force_login(draft.applicant)

    khmer = client.post(step_url(draft, "profile"), {"legal_name": "ចាន់ សុខា"})
    endless = client.post(step_url(draft, "profile"), {"legal_name": "A" * 10_000})

    assert "Write this name in Latin letters" in khmer.content.decode()
    assert "Ensure this value has at most 200 characters" in endless.content.decode()
    draft.applicant.profile.refresh_from_db()
    assert draft.applicant.profile.legal_name.startswith("Chan Sokha")


def test_the_name_in_own_script_keeps_khmer(client, draft):
    client.force_login(draft.applicant)

    client.post(step_url(draft, "profile"), {"native_name": "ចាន់ សុខា", "save": ""})

    draft.applicant.profile.refresh_from_db()
    assert draft.applicant.profile.native_name == "ចាន់ សុខា"


def test_a_phone_number_must_be_international(client, draft):
    client.force_login(draft.applicant)

    response = client.post(step_url(draft, "profile"), {"phone": "012 345 678"})

    assert "Enter a valid phone number" in response.content.decode()


def test_crew_roles_must_be_distinct_and_in_order(client, draft):
    client.force_login(draft.applicant)

    twice = client.post(step_url(draft, "filmmaking"), {"role_1": "sound", "role_2": "sound"})
    gap = client.post(step_url(draft, "filmmaking"), {"role_2": "sound"})

    assert "Choose each crew role only once." in twice.content.decode()
    assert "Fill the choices in order" in gap.content.decode()


def test_an_upload_of_the_wrong_type_is_refused_with_the_reason(client, draft):
    client.force_login(draft.applicant)

    response = client.post(
        reverse("document_upload", kwargs={"pk": draft.pk, "kind": "cv"}),
        {"cv-file": html_named_pdf()},
    )

    assert response.status_code == 200
    assert "CV not uploaded: This file is not a PDF" in response.content.decode()
    assert not draft.documents.exists()


def test_an_upload_is_stored_and_shown_on_the_documents_step(client, draft):
    client.force_login(draft.applicant)

    response = client.post(
        reverse("document_upload", kwargs={"pk": draft.pk, "kind": "cv"}),
        {"cv-file": pdf("my cv.pdf")},
        follow=True,
    )

    assert "my_cv.pdf" in response.content.decode()
    assert draft.documents.get().kind == DocumentKind.CV


def test_the_owner_downloads_a_document_as_an_attachment_that_is_not_sniffed(client, draft):
    client.force_login(draft.applicant)
    client.post(
        reverse("document_upload", kwargs={"pk": draft.pk, "kind": "cv"}), {"cv-file": pdf()}
    )
    document = draft.documents.get()

    response = client.get(reverse("document_download", kwargs={"pk": document.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_submitting_an_incomplete_application_lists_what_is_missing_with_links(client, draft):
    client.force_login(draft.applicant)

    response = client.post(reverse("application_submit", kwargs={"pk": draft.pk}))

    content = response.content.decode()
    assert "Before you can submit" in content
    assert f'href="{step_url(draft, "documents")}">Upload your CV.' in content
    assert f'href="{step_url(draft, "profile")}">Mobile phone is missing.' in content
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_submitting_a_complete_application_shows_the_receipt(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    application = CompleteApplicationFactory(with_documents=True)
    client.force_login(application.applicant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("application_submit", kwargs={"pk": application.pk}), follow=True
        )

    content = response.content.decode()
    assert "Your application is submitted." in content
    assert f"reference FLY-{application.pk}" in content
    assert len(mailoutbox) == 1
    # A submitted application's steps are closed.
    response = client.get(step_url(application, "profile"))
    assert response.url == reverse("application_detail", kwargs={"pk": application.pk})


def test_the_applicant_sees_the_history_but_not_the_desks_working_states(client):
    application = CompleteApplicationFactory(with_documents=True)
    client.force_login(application.applicant)
    client.post(reverse("application_submit", kwargs={"pk": application.pk}))
    application_transition(application=application, to="shortlisted", by=None)

    content = client.get(reverse("application_detail", kwargs={"pk": application.pk})).content
    timeline = content.decode().split('class="status-timeline')[1].split("</ol>")[0]
    assert timeline.count("<li>") == 1
    assert "<strong>Submitted</strong>" in timeline
    assert "Shortlisted" not in content.decode()


def test_withdrawing_asks_first_then_withdraws(client, draft):
    client.force_login(draft.applicant)
    url = reverse("application_withdraw", kwargs={"pk": draft.pk})

    assert "Withdraw your application?" in client.get(url).content.decode()
    client.post(url)

    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.WITHDRAWN


def test_the_guardian_step_and_consent_form_exist_only_for_a_minor(client, draft):
    client.force_login(draft.applicant)

    assert client.get(step_url(draft, "guardian")).status_code == 404
    assert client.get(reverse("consent_form", kwargs={"pk": draft.pk})).status_code == 404
    profile = draft.applicant.profile
    profile.date_of_birth = draft.cohort.age_reference_date.replace(
        year=draft.cohort.age_reference_date.year - 17
    )
    profile.save()
    assert client.get(step_url(draft, "guardian")).status_code == 200
    consent = client.get(reverse("consent_form", kwargs={"pk": draft.pk})).content.decode()
    assert "Consent of a parent or legal guardian" in consent
    assert profile.legal_name in consent


@pytest.mark.parametrize(
    "name",
    ["application_detail", "application_withdraw", "consent_form", "application_submit"],
)
def test_another_applicant_gets_404_on_an_application(client, draft, other_applicant, name):
    client.force_login(other_applicant)

    response = client.post(reverse(name, kwargs={"pk": draft.pk}))

    assert response.status_code == 404


def test_another_applicant_gets_404_on_steps_and_documents(client, draft, other_applicant):
    client.force_login(draft.applicant)
    client.post(
        reverse("document_upload", kwargs={"pk": draft.pk, "kind": "cv"}), {"cv-file": pdf()}
    )
    document = draft.documents.get()
    client.force_login(other_applicant)

    assert client.get(step_url(draft, "profile")).status_code == 404
    assert (
        client.post(
            reverse("document_upload", kwargs={"pk": draft.pk, "kind": "cv"}), {"cv-file": pdf()}
        ).status_code
        == 404
    )
    assert client.get(reverse("document_download", kwargs={"pk": document.pk})).status_code == 404
    client.logout()
    assert client.get(reverse("document_download", kwargs={"pk": document.pk})).status_code == 404
    assert draft.documents.get().pk == document.pk


def test_the_call_page_shows_the_deadline_in_korea_and_in_the_applicants_time(client):
    cohort = CohortFactory()
    applicant = ApplicantFactory()
    client.force_login(applicant)

    content = client.get(reverse("call_detail", kwargs={"slug": cohort.slug})).content.decode()

    assert "Korea time" in content
    assert "your time (Asia/Phnom_Penh)" in content
    assert f'datetime="{timezone.localtime(cohort.closes_at).isoformat()}"' in content


def test_a_draft_cohort_has_no_public_page(client):
    cohort = CohortFactory(status="draft")

    assert client.get(reverse("call_detail", kwargs={"slug": cohort.slug})).status_code == 404
