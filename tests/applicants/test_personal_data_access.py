"""Who reads personal data (issue 15, points 3 and 4): documents by role and kind, passports
for travel of participants only, and the access log of every read."""

import csv
import io
from datetime import date

import pytest
import rules
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from applicants.enums import (
    ApplicationStatus,
    DocumentKind,
    PersonalDataPlace,
    PersonalDatum,
)
from applicants.exports import export_build
from applicants.models import ApplicationDocument, Export, PersonalDataAccess
from commission import roles
from tests.applicants.test_filters import submitted
from tests.factories import (
    ApplicantFactory,
    CohortFactory,
    ParticipantFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

# Who downloads which kind of a participant's document through the desk, after their second
# factor. Reviewers read blind copies of what they review elsewhere (review_document); logistics
# reads the passport's fields on the application page, never a scan.
READS_DOCUMENTS = {
    roles.PROGRAMME_MANAGER: set(DocumentKind),
    roles.REVIEWER: set(),
    roles.PERMITS_OFFICER: set(),
    roles.LOGISTICS_COORDINATOR: set(),
}


def with_documents(application, kinds=tuple(DocumentKind)):
    """Stored files, one per kind, as the applicant uploaded them."""
    for kind in kinds:
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=f"{kind}.pdf",
            content_type="application/pdf",
            size=9,
        )
        document.file.save(f"{kind}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return application


def participant_application(**profile):
    fields = {f"application__applicant__profile__{name}": value for name, value in profile.items()}
    return ParticipantFactory(**fields).application


def download(client, application, kind):
    document = application.documents.get(kind=kind)
    response = client.get(reverse("document_download", kwargs={"pk": document.pk}))
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def test_the_role_table_covers_every_role():
    assert set(READS_DOCUMENTS) == set(roles.ROLES)


@pytest.mark.parametrize("kind", list(DocumentKind))
@pytest.mark.parametrize("role", list(roles.ROLES))
def test_document_download_by_role_and_kind_follows_the_table(client, verified_login, role, kind):
    application = with_documents(participant_application())
    verified_login(client, StaffFactory(role=role))

    status = download(client, application, kind)

    assert status == (200 if kind in READS_DOCUMENTS[role] else 404)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_document_download_by_the_owner_is_every_kind_and_by_another_applicant_none(client, kind):
    application = with_documents(participant_application())

    client.force_login(application.applicant)
    assert download(client, application, kind) == 200
    client.force_login(ApplicantFactory())
    assert download(client, application, kind) == 404


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (DocumentKind.CV, 200),
        (DocumentKind.PORTFOLIO, 200),
        (DocumentKind.RECOMMENDATION, 200),
        (DocumentKind.PASSPORT, 404),
        (DocumentKind.CONSENT, 404),
    ],
)
def test_document_download_of_personal_documents_needs_the_second_factor(
    client, manager, kind, status
):
    application = with_documents(submitted(documents=[]))
    client.force_login(manager)

    assert download(client, application, kind) == status


def test_document_download_of_a_passport_by_a_superuser_needs_the_second_factor(
    client, verified_login
):
    application = with_documents(submitted(documents=[]), [DocumentKind.PASSPORT])
    boss = StaffFactory(is_superuser=True)

    client.force_login(boss)
    assert download(client, application, DocumentKind.PASSPORT) == 404
    verified_login(client, boss)
    assert download(client, application, DocumentKind.PASSPORT) == 200


def test_document_download_refuses_logistics_a_submitted_applicants_passport_and_consent(
    client, logistics, verified_login
):
    # The finding: logistics downloaded any submitted applicant's passport scan by its URL.
    application = with_documents(submitted(documents=[]))
    verified_login(client, logistics)

    statuses = [download(client, application, kind) for kind in DocumentKind]

    assert statuses == [404] * len(DocumentKind)


def test_document_download_refuses_a_reviewer_even_of_an_assigned_application(
    client, reviewer, manager, verified_login
):
    from commission.services import assignment_add, rubric_create_default

    application = with_documents(submitted(documents=[]))
    rubric_create_default(cohort=application.cohort, by=manager)
    assignment_add(application=application, reviewer=reviewer, by=manager)
    verified_login(client, reviewer)

    statuses = [download(client, application, kind) for kind in DocumentKind]

    assert statuses == [404] * len(DocumentKind)


# Passports for travel -------------------------------------------------------------------


def detail(client, application):
    response = client.get(reverse("staff_application_detail", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_application_detail_shows_logistics_a_participants_passport(
    client, logistics, verified_login
):
    application = participant_application(
        passport_number="N01234567", passport_expires_on=date(2031, 5, 1)
    )
    verified_login(client, logistics)

    content = detail(client, application)

    assert "N01234567" in content
    assert "1 May 2031" in content
    assert "12 Apr 2005" not in content  # the birth date is no ticket's business


@pytest.mark.parametrize(
    "status", [ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED, ApplicationStatus.ACCEPTED]
)
def test_application_detail_masks_an_applicant_who_is_no_participant_for_logistics(
    client, logistics, verified_login, status
):
    application = submitted(
        status=status, passport_number="N01234567", passport_expires_on=date(2031, 5, 1)
    )
    verified_login(client, logistics)

    content = detail(client, application)

    assert "N01234567" not in content
    assert "••••••567" in content
    assert "1 May 2031" not in content


def test_application_detail_masks_a_participants_passport_for_logistics_without_second_factor(
    client, logistics
):
    application = participant_application(
        passport_number="N01234567", passport_expires_on=date(2031, 5, 1)
    )
    client.force_login(logistics)

    content = detail(client, application)

    assert "N01234567" not in content
    assert "1 May 2031" not in content


def test_application_detail_masks_personal_data_for_a_manager_without_second_factor(
    client, manager
):
    application = submitted(date_of_birth=date(2005, 4, 12), passport_number="N01234567")
    client.force_login(manager)

    content = detail(client, application)

    assert "N01234567" not in content
    assert "12 Apr 2005" not in content
    assert PersonalDataAccess.objects.count() == 0
    # No link that would answer 404: the passport scan is named, not offered.
    passport = application.documents.get(kind=DocumentKind.PASSPORT)
    cv = application.documents.get(kind=DocumentKind.CV)
    assert reverse("document_download", kwargs={"pk": passport.pk}) not in content
    assert reverse("document_download", kwargs={"pk": cv.pk}) in content


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(content)))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_application_export_shows_logistics_participants_passports_only(
    client, logistics, verified_login
):
    seat = participant_application(legal_name="Seated Person", passport_number="N01234567")
    submitted(
        cohort=seat.cohort,
        status=ApplicationStatus.REJECTED,
        legal_name="Rejected Person",
        passport_number="M07654321",
    )
    verified_login(client, logistics)

    rows = csv_rows(client.get(reverse("staff_application_export")))

    passports = {row["Legal name"]: row["Passport number"] for row in rows}
    assert passports == {"Seated Person": "N01234567", "Rejected Person": "••••••321"}
    assert {row["Date of birth"] for row in rows} == {""}
    logged = PersonalDataAccess.objects.values_list("person", "what", "where")
    assert list(logged) == [
        (seat.applicant_id, PersonalDatum.PASSPORT_NUMBER, PersonalDataPlace.APPLICATION_EXPORT)
    ]


# The access log -------------------------------------------------------------------------


def test_application_detail_logs_what_the_manager_saw(client, manager, verified_login):
    application = submitted(date_of_birth=date(2005, 4, 12), passport_number="N01234567")
    verified_login(client, manager)

    detail(client, application)

    logged = PersonalDataAccess.objects.order_by("what")
    assert [
        (entry.user, entry.person, entry.application, entry.what, entry.where) for entry in logged
    ] == [
        (manager, application.applicant, application, PersonalDatum.BIRTH_DATE, "application_page"),
        (
            manager,
            application.applicant,
            application,
            PersonalDatum.PASSPORT_NUMBER,
            "application_page",
        ),
    ]


def test_application_detail_lists_who_saw_personal_data_for_the_manager(
    client, manager, logistics, verified_login
):
    application = participant_application(passport_number="N01234567")
    logistics.full_name = "Nguyen Logistics"
    logistics.save()
    verified_login(client, logistics)
    detail(client, application)

    verified_login(client, manager)
    content = detail(client, application)

    assert "Who saw personal data" in content
    assert "Nguyen Logistics" in content
    assert "application page" in content


def test_application_detail_hides_the_access_log_from_logistics(client, logistics, verified_login):
    application = participant_application(passport_number="N01234567")
    verified_login(client, logistics)

    content = detail(client, application)

    assert "Who saw personal data" not in content


@pytest.mark.parametrize(
    ("kind", "logged"),
    [
        (DocumentKind.PASSPORT, [PersonalDatum.PASSPORT_SCAN]),
        (DocumentKind.CONSENT, [PersonalDatum.CONSENT_FORM]),
        (DocumentKind.CV, []),
    ],
)
def test_document_download_logs_passport_scans_and_consent_forms(
    client, manager, verified_login, kind, logged
):
    application = with_documents(submitted(documents=[]), [kind])
    verified_login(client, manager)

    assert download(client, application, kind) == 200

    entries = PersonalDataAccess.objects.filter(user=manager, person=application.applicant)
    assert [entry.what for entry in entries] == logged
    assert {entry.where for entry in entries} <= {PersonalDataPlace.DOCUMENT_DOWNLOAD}


def test_document_download_by_the_owner_is_not_logged(client):
    application = with_documents(submitted(documents=[]), [DocumentKind.PASSPORT])
    client.force_login(application.applicant)

    assert download(client, application, DocumentKind.PASSPORT) == 200
    assert PersonalDataAccess.objects.count() == 0


def test_application_export_logs_each_person_shown_in_full(client, manager, verified_login):
    cohort = CohortFactory()
    people = [submitted(cohort=cohort, passport_number=f"N0123456{n}") for n in range(3)]
    verified_login(client, manager)

    assert len(csv_rows(client.get(reverse("staff_application_export")))) == 3

    logged = PersonalDataAccess.objects.filter(user=manager)
    assert sorted((entry.person_id, entry.what) for entry in logged) == sorted(
        (application.applicant_id, what)
        for application in people
        for what in (PersonalDatum.BIRTH_DATE, PersonalDatum.PASSPORT_NUMBER)
    )


@pytest.mark.parametrize("rows", [1, 3])
def test_application_export_query_count_with_the_log_is_constant(
    client, manager, verified_login, django_assert_num_queries, rows
):
    cohort = CohortFactory()
    for _row in range(rows):
        submitted(cohort=cohort)
    verified_login(client, manager)

    # session, user, second factor's device, user's permissions, group permissions,
    # applications, their documents, the log's one insert
    with django_assert_num_queries(8):
        assert len(csv_rows(client.get(reverse("staff_application_export")))) == rows


def roster_of(export):
    with export.file.open("rb") as stored:
        return load_workbook(stored)["Roster"]


def test_cohort_report_built_by_the_worker_holds_and_logs_passports_after_second_factor(
    client, manager, verified_login
):
    application = participant_application(passport_number="N01234567")
    verified_login(client, manager)

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.get(reverse("cohort_report", args=[application.cohort.slug]))
    export = Export.objects.get(requested_by=manager)
    export_build(pk=export.pk)  # a second run builds nothing again

    export.refresh_from_db()
    roster = roster_of(export)
    header, row = list(roster.iter_rows(values_only=True))
    assert dict(zip(header, row, strict=True))["Passport number"] == "N01234567"
    logged = PersonalDataAccess.objects.filter(where=PersonalDataPlace.COHORT_REPORT)
    assert sorted(entry.what for entry in logged) == [
        PersonalDatum.BIRTH_DATE,
        PersonalDatum.PASSPORT_NUMBER,
    ]


def test_cohort_report_asked_without_second_factor_has_no_passports(client, manager):
    application = participant_application(passport_number="N01234567")
    client.force_login(manager)

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.get(reverse("cohort_report", args=[application.cohort.slug]))

    export = Export.objects.get(requested_by=manager)
    roster = roster_of(export)
    header = next(roster.iter_rows(values_only=True))
    assert "Passport number" not in header
    assert PersonalDataAccess.objects.count() == 0


def test_profile_admin_logs_what_the_manager_saw(client, manager, verified_login):
    application = submitted(passport_number="N01234567")
    url = reverse(
        "admin:applicants_applicantprofile_change", args=[application.applicant.profile.pk]
    )
    verified_login(client, manager)

    assert "N01234567" in client.get(url).content.decode()

    assert set(PersonalDataAccess.objects.values_list("where", "what")) == {
        (PersonalDataPlace.ADMIN, PersonalDatum.BIRTH_DATE),
        (PersonalDataPlace.ADMIN, PersonalDatum.PASSPORT_NUMBER),
    }


# The one rule ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_read_personal_data_is_the_permission_and_the_second_factor(as_verified, role):
    user = StaffFactory(role=role)
    holds = Group.objects.get(name=role).permissions.filter(codename="view_personal_data").exists()

    assert rules.has_perm("applicants.read_personal_data", user) is False
    assert rules.has_perm("applicants.read_personal_data", as_verified(user)) is holds
