"""People's rights over their data (issue 15, point 10): download it, delete the account, and
the nightly purge a cohort's kept days after its end."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applicants import personal_data
from applicants.access_log import accesses_record
from applicants.enums import (
    ApplicationStatus,
    CohortStatus,
    DocumentKind,
    MailKind,
    MailStatus,
    PersonalDataPlace,
    PersonalDatum,
)
from applicants.models import (
    ApplicantProfile,
    Application,
    ApplicationDocument,
    AuditEntry,
    Cohort,
    OutboxMessage,
    User,
)
from applicants.services import audit
from commission.exporters import CohortReport
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CohortFactory,
    CompleteApplicationFactory,
    CountryFactory,
    ParticipantFactory,
    TeamMemberFactory,
)

S = ApplicationStatus


def ended_cohort(*, days_ago=200, kept_days=180, **fields) -> Cohort:
    """A finished cohort whose last on-site day was `days_ago` days ago."""
    ends = timezone.localdate() - timedelta(days=days_ago)
    now = timezone.now()
    return CohortFactory(
        status=CohortStatus.FINISHED,
        opens_at=now - timedelta(days=days_ago + 150),
        closes_at=now - timedelta(days=days_ago + 100),
        onsite_starts_on=ends - timedelta(days=14),
        onsite_ends_on=ends,
        age_reference_date=ends - timedelta(days=14),
        decisions_released_at=now - timedelta(days=days_ago + 60),
        personal_data_kept_days=kept_days,
        **fields,
    )


def add_document(application, kind, data=b"%PDF-1.4 test", name="file.pdf") -> ApplicationDocument:
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
    )
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


def zip_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def logs_in(client, email) -> bool:
    client.logout()
    client.post(reverse("login"), {"username": email, "password": PASSWORD})
    return "_auth_user_id" in client.session


def read_json(archive, name):
    return json.loads(archive.read(name).decode("utf-8"))


# Download -------------------------------------------------------------------------------


@pytest.fixture
def submitted(db):
    """A submitted application with its documents, by a Khmer-named applicant."""
    application = CompleteApplicationFactory(with_documents=True)
    application.applicant.profile.native_name = "ចាន់ សុខា"
    application.applicant.profile.save()
    application.status = S.SUBMITTED
    application.submitted_at = timezone.now()
    application.save()
    audit(
        actor=application.applicant,
        subject=application,
        action="application.status",
        from_state=S.DRAFT,
        to_state=S.SUBMITTED,
    )
    return application


def test_my_data_zip_holds_profile_applications_history_messages_and_documents(client, submitted):
    user = submitted.applicant
    OutboxMessage.objects.create(
        application=submitted,
        kind=MailKind.RECEIPT,
        to=user.email,
        subject="Your application to FLY",
        body="Dear Sokha, we received it — សូមអរគុណ",
        html="<p>Dear Sokha</p>",
        status=MailStatus.SENT,
        sent_at=timezone.now(),
    )
    client.force_login(user)

    archive = zip_of(client.get(reverse("my_data_download")))

    names = set(archive.namelist())
    assert {
        "profile.json",
        "applications.json",
        "history.json",
        "messages.json",
        "sign_ins.json",
        "reads_by_staff.json",
    } <= names
    profile = read_json(archive, "profile.json")
    assert profile["account"]["email"] == user.email
    assert profile["profile"]["native_name"] == "ចាន់ សុខា"
    assert "ចាន់ សុខា".encode() in archive.read("profile.json")  # UTF-8, not \u escapes
    assert profile["profile"]["passport_number"] == "N01234567"
    assert profile["profile"]["nationality"] == "Cambodia"
    [application] = read_json(archive, "applications.json")
    assert application["cohort"] == submitted.cohort.name
    assert application["status"] == "Submitted"
    assert application["answers"]["logline"] == submitted.logline
    assert application["answers"]["role_1"] == "Director"
    kinds = {document["kind"]: document for document in application["documents"]}
    assert set(kinds) == {"CV", "Portfolio", "Passport bio page"}
    for document in submitted.documents.all():
        path = kinds[str(document.get_kind_display())]["in_this_zip"]
        with document.file.open("rb") as stored:
            assert archive.read(path) == stored.read()
    history = [row["what"] for row in read_json(archive, "history.json")]
    assert "Status: Submitted" in history
    assert "Document uploaded: CV" in history
    [message] = read_json(archive, "messages.json")
    assert message["subject"] == "Your application to FLY"
    assert message["text"] == "Dear Sokha, we received it — សូមអរគុណ"


def test_my_data_zip_hides_decisions_not_yet_released(client, submitted):
    submitted.status = S.REJECTED
    submitted.save()
    audit(
        actor=None,
        subject=submitted,
        action="application.status",
        from_state=S.SUBMITTED,
        to_state=S.REJECTED,
        note="proposal",
    )
    client.force_login(submitted.applicant)

    archive = zip_of(client.get(reverse("my_data_download")))

    [application] = read_json(archive, "applications.json")
    assert application["status"] == "Submitted"
    history = json.dumps(read_json(archive, "history.json"))
    assert "Not selected" not in history
    assert "proposal" not in history


def test_my_data_zip_leaves_out_sign_in_mail_and_held_mail_text(client, applicant):
    OutboxMessage.objects.create(
        kind=MailKind.VERIFY,
        to=applicant.email,
        subject="Confirm your address",
        body="https://desk.example/accounts/verify/secret-token/",
        html="",
        secret=True,
        status=MailStatus.QUEUED,
    )
    application = ApplicationFactory(applicant=applicant, status=S.REJECTED)
    OutboxMessage.objects.create(
        application=application,
        kind=MailKind.REGRET,
        to=applicant.email,
        subject="Held regret",
        body="We are sorry",
        html="",
        status=MailStatus.HELD,
    )
    client.force_login(applicant)

    archive = zip_of(client.get(reverse("my_data_download")))

    [message] = read_json(archive, "messages.json")
    assert message["subject"] == "Confirm your address"
    assert message["text"] is None
    assert b"secret-token" not in b"".join(archive.read(name) for name in archive.namelist())


def test_my_data_zip_is_the_signed_in_applicants_own(client, submitted, other_applicant):
    client.force_login(other_applicant)

    archive = zip_of(client.get(reverse("my_data_download")))

    assert read_json(archive, "profile.json")["account"]["email"] == "dara@example.org"
    assert read_json(archive, "applications.json") == []
    assert not [name for name in archive.namelist() if name.startswith("documents/")]


def test_my_data_download_is_refused_to_staff_and_visitors(client, submitted, manager):
    response = client.get(reverse("my_data_download"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    client.force_login(manager)
    response = client.get(reverse("my_data_download"))
    assert response.status_code == 302
    assert response["Location"] == reverse("desk")


def test_my_data_zip_names_a_file_gone_from_storage_without_it(client, submitted):
    document = submitted.documents.get(kind=DocumentKind.CV)
    default_storage.delete(document.file.name)
    client.force_login(submitted.applicant)

    archive = zip_of(client.get(reverse("my_data_download")))

    [application] = read_json(archive, "applications.json")
    [cv] = [row for row in application["documents"] if row["kind"] == "CV"]
    assert cv["in_this_zip"] is None


def test_applicant_home_links_to_the_download_and_the_deletion(client, applicant):
    client.force_login(applicant)

    page = client.get(reverse("applicant_home")).content.decode()

    assert reverse("my_data_download") in page
    assert reverse("account_delete") in page


# Deleting an account --------------------------------------------------------------------


def test_account_delete_erases_drafts_profile_and_account(
    client, applicant, django_capture_on_commit_callbacks
):
    draft = CompleteApplicationFactory(applicant=applicant, with_documents=True)
    stored = [document.file.name for document in draft.documents.all()]
    assert logs_in(client, "thea@example.org")  # before: the password works

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_delete"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your account is deleted." in response.content.decode()
    assert not AccessLog.objects.filter(username="thea@example.org").exists()
    assert not response.context["user"].is_authenticated
    assert not User.objects.filter(pk=applicant.pk).exists()
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not ApplicantProfile.objects.filter(user_id=applicant.pk).exists()
    assert [name for name in stored if default_storage.exists(name)] == []
    assert AuditEntry.objects.filter(action="user.erased", object_id=applicant.pk).exists()
    assert not logs_in(client, "thea@example.org")


def test_account_delete_anonymises_submitted_applications_of_finished_cohorts(
    client, db, django_capture_on_commit_callbacks
):
    cohort = ended_cohort(days_ago=20)
    application = CompleteApplicationFactory(
        cohort=cohort, status=S.REJECTED, submitted_at=timezone.now() - timedelta(days=300)
    )
    user = application.applicant
    email = user.email
    legal_name = user.profile.legal_name
    passport = add_document(application, DocumentKind.PASSPORT)
    passport_name = passport.file.name
    team_entry = audit(actor=None, subject=cohort, action="team.member_placed", note=legal_name)
    own_entry = audit(
        actor=user, subject=application, action="application.status", to_state=S.SUBMITTED
    )
    assert logs_in(client, email)  # before: the password works

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.REJECTED  # counted as before
    assert application.role_1 == "director"
    assert (application.bio, application.motivation, application.logline) == ("", "", "")
    assert not application.documents.exists()
    assert not default_storage.exists(passport_name)
    user.refresh_from_db()
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert not user.is_active
    assert not user.has_usable_password()
    profile = user.profile
    assert (profile.legal_name, profile.native_name, profile.preferred_name) == ("", "", "")
    assert (profile.date_of_birth, profile.passport_number, profile.phone) == (None, "", "")
    assert profile.nationality.code == "KH"  # the cohort's counts by country stay
    assert profile.gender == "female"
    team_entry.refresh_from_db()
    assert legal_name not in team_entry.note
    assert team_entry.note == f"erased-{user.pk}"
    own_entry.refresh_from_db()
    assert own_entry.actor_id == user.pk  # a pseudonym now
    assert not logs_in(client, email)


@pytest.mark.parametrize(
    ("status", "released"),
    [
        (S.SUBMITTED, False),
        (S.SHORTLISTED, False),
        (S.REJECTED, False),  # a decision not yet out: still being decided
        (S.WAITLISTED, True),
        (S.ACCEPTED, True),  # an offer waiting for its answer
    ],
)
def test_account_delete_is_refused_while_an_application_is_under_decision(
    client, applicant, status, released
):
    cohort = CohortFactory(
        status=CohortStatus.CLOSED, decisions_released_at=timezone.now() if released else None
    )
    application = ApplicationFactory(applicant=applicant, cohort=cohort, status=status)
    client.force_login(applicant)

    page = client.get(reverse("account_delete")).content.decode()
    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert "You cannot delete your account yet" in page
    assert cohort.name in page
    assert response.status_code == 200
    assert User.objects.get(pk=applicant.pk).email == "thea@example.org"
    assert Application.objects.filter(pk=application.pk).exists()


def test_account_delete_is_refused_to_a_participant_of_a_cohort_not_finished(client, db):
    participant = ParticipantFactory(
        application__cohort=CohortFactory(status=CohortStatus.IN_PRODUCTION)
    )
    user = participant.user
    client.force_login(user)

    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert "You are a participant of" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.profile.legal_name


def test_account_delete_is_allowed_after_a_released_regret(client, applicant):
    cohort = CohortFactory(status=CohortStatus.CLOSED, decisions_released_at=timezone.now())
    application = ApplicationFactory(applicant=applicant, cohort=cohort, status=S.REJECTED)
    client.force_login(applicant)

    client.post(reverse("account_delete"), {"password": PASSWORD})

    application.refresh_from_db()
    assert application.applicant.email.endswith("@erased.invalid")


def test_account_delete_needs_the_password(client, applicant):
    client.force_login(applicant)

    response = client.post(reverse("account_delete"), {"password": "not-it"})

    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=applicant.pk, is_active=True).exists()


def test_account_delete_page_is_for_applicants_only(client, manager):
    client.force_login(manager)

    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response["Location"] == reverse("desk")
    assert User.objects.get(pk=manager.pk).is_active


# Retention ------------------------------------------------------------------------------


@pytest.fixture
def purged_season(db):
    """A cohort past its kept days: a participant, a regret and a waitlisted applicant, with
    their passports and (for the participant) a consent form."""
    cohort = ended_cohort(days_ago=200, kept_days=180)
    participant = ParticipantFactory(application__cohort=cohort)
    TeamMemberFactory(participant=participant)
    not_selected = [
        CompleteApplicationFactory(cohort=cohort, status=status)
        for status in (S.REJECTED, S.WAITLISTED)
    ]
    for application in [participant.application, *not_selected]:
        add_document(application, DocumentKind.PASSPORT)
        add_document(application, DocumentKind.CV)
    add_document(participant.application, DocumentKind.CONSENT)
    return cohort, participant, not_selected


def test_purge_anonymises_who_was_not_selected_and_deletes_everyones_passports(purged_season):
    cohort, participant, not_selected = purged_season
    files = {
        document.kind + str(document.application_id): document.file.name
        for document in ApplicationDocument.objects.all()
    }

    assert personal_data.personal_data_purge() == 1

    for application in not_selected:
        application.refresh_from_db()
        user = application.applicant
        assert user.email.endswith("@erased.invalid")
        assert user.profile.legal_name == ""
        assert user.profile.passport_number == ""
        assert user.profile.nationality.code == "KH"
        assert application.motivation == ""
        assert not application.documents.exists()
    kept = participant.application
    assert set(kept.documents.values_list("kind", flat=True)) == {DocumentKind.CV}
    profile = ApplicantProfile.objects.get(user=participant.user)
    assert profile.legal_name != ""  # alumni keep their name
    assert (profile.passport_number, profile.passport_expires_on) == ("", None)
    assert default_storage.exists(files[DocumentKind.CV + str(kept.pk)])
    assert not default_storage.exists(files[DocumentKind.PASSPORT + str(kept.pk)])
    assert not default_storage.exists(files[DocumentKind.CONSENT + str(kept.pk)])
    cohort.refresh_from_db()
    assert cohort.personal_data_purged_at is not None


def test_purge_waits_for_the_cohorts_kept_days(db):
    cohort = ended_cohort(days_ago=100, kept_days=180)
    application = CompleteApplicationFactory(cohort=cohort, status=S.REJECTED)

    assert personal_data.personal_data_purge() == 0
    assert personal_data.personal_data_purge(today=timezone.localdate() + timedelta(days=79)) == 0
    assert ApplicantProfile.objects.get(user=application.applicant).legal_name != ""

    assert personal_data.personal_data_purge(today=timezone.localdate() + timedelta(days=80)) == 1
    assert ApplicantProfile.objects.get(user=application.applicant).legal_name == ""


def test_purge_is_idempotent_and_records_one_audit_entry_per_cohort(purged_season):
    cohort = purged_season[0]

    personal_data.personal_data_purge()
    personal_data.personal_data_purge()

    [entry] = AuditEntry.objects.filter(
        action="cohort.personal_data_purged",
        content_type=ContentType.objects.get_for_model(Cohort),
        object_id=cohort.pk,
    )
    assert entry.note == (
        "anonymised 2 applicants, deleted 6 documents and 1 participants' passport numbers"
    )


def test_purge_keeps_a_profile_that_a_later_application_uses(db):
    old = ended_cohort(days_ago=400)
    regret = CompleteApplicationFactory(cohort=old, status=S.REJECTED)
    add_document(regret, DocumentKind.PASSPORT)
    later = ApplicationFactory(applicant=regret.applicant, cohort=CohortFactory(), status=S.DRAFT)

    personal_data.personal_data_purge()

    regret.refresh_from_db()
    assert regret.motivation == "" and not regret.documents.exists()
    profile = ApplicantProfile.objects.get(user=later.applicant)
    assert profile.passport_number == "N01234567"
    assert later.applicant.email.endswith("@example.org")


def test_cohort_report_of_a_purged_cohort_keeps_its_counts(purged_season, tmp_path):
    cohort = purged_season[0]
    CompleteApplicationFactory(cohort=cohort, status=S.SUBMITTED)
    ApplicationFactory(cohort=cohort)  # a draft, counted by country
    thai = CountryFactory(code="TH", name="Thailand", time_zone="Asia/Bangkok")
    cohort.eligible_countries.add(thai)
    other = CompleteApplicationFactory(cohort=cohort, status=S.REJECTED)
    other.applicant.profile.nationality = thai
    other.applicant.profile.save()

    def summary():
        path = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.xlsx"
        CohortReport(cohort=Cohort.objects.get(pk=cohort.pk), personal_data=True).write(path)
        workbook = load_workbook(path)
        rows = [
            row
            for row in workbook["Summary"].iter_rows(values_only=True)
            if row[0] != "Report made (Korea time)"
        ]
        return rows, workbook["Applications"].max_row

    before = summary()
    personal_data.personal_data_purge()
    after = summary()

    assert ApplicantProfile.objects.get(user=other.applicant).legal_name == ""
    assert after == before
    assert ("Thailand", 2, 1, 0, 0, 0) in [row[:6] for row in before[0]]


def test_cohort_form_sets_the_days_personal_data_is_kept(client, manager):
    cohort = CohortFactory()
    client.force_login(manager)
    form = client.get(reverse("cohort_update", args=[cohort.slug])).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name != "eligible_countries"
    }
    data.update(
        opens_at=timezone.localtime(cohort.opens_at).strftime("%Y-%m-%dT%H:%M"),
        closes_at=timezone.localtime(cohort.closes_at).strftime("%Y-%m-%dT%H:%M"),
        eligible_countries=[country.pk for country in cohort.eligible_countries.all()],
        personal_data_kept_days=365,
    )

    response = client.post(reverse("cohort_update", args=[cohort.slug]), data)

    assert response.status_code == 302, response.context["form"].errors
    cohort.refresh_from_db()
    assert cohort.personal_data_kept_days == 365


def test_account_delete_page_says_when_each_cohorts_data_is_purged(client, applicant):
    cohort = ended_cohort(days_ago=20, kept_days=30)
    ApplicationFactory(applicant=applicant, cohort=cohort, status=S.REJECTED)
    client.force_login(applicant)

    page = client.get(reverse("account_delete")).content.decode()

    due = timezone.localdate() + timedelta(days=10)
    assert f"{cohort.name}: on {due:%-d %b %Y}" in page


def test_my_data_zip_lists_the_accounts_sign_ins(client, applicant):
    assert logs_in(client, "thea@example.org")

    archive = zip_of(client.get(reverse("my_data_download")))

    [sign_in] = read_json(archive, "sign_ins.json")
    assert sign_in["ip_address"] == "127.0.0.1"


def test_my_data_zip_lists_staff_reads_of_the_persons_data_without_naming_staff(
    client, submitted, manager
):
    accesses_record(
        user=manager,
        where=PersonalDataPlace.APPLICATION_PAGE,
        what=[PersonalDatum.PASSPORT_NUMBER],
        applications=[submitted],
    )
    client.force_login(submitted.applicant)

    archive = zip_of(client.get(reverse("my_data_download")))

    [read] = read_json(archive, "reads_by_staff.json")
    assert (read["what"], read["where"]) == ("Passport number", "application page")
    assert b"manager@example.org" not in archive.read("reads_by_staff.json")


def test_account_delete_erases_a_participants_booking_references_and_notes(client, db):
    from tests.factories.shoots import SupportRequestFactory

    participant = ParticipantFactory(
        application__cohort=CohortFactory(status=CohortStatus.FINISHED)
    )
    booking = SupportRequestFactory(
        participant=participant,
        cohort=participant.cohort,
        booking_reference="T4PJAV",
        notes="Window seat, Pham's mother meets her at Gimhae",
    )
    client.force_login(participant.user)

    client.post(reverse("account_delete"), {"password": PASSWORD})

    booking.refresh_from_db()
    assert (booking.booking_reference, booking.notes) == ("", "")
