"""A file the database names but storage no longer holds: on every download view, a 404 page
that says so, never a 500 (issue 14, point 5). On the file system and on S3 alike."""

from unittest import mock

import boto3
import pytest
from botocore.exceptions import ClientError
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from moto import mock_aws
from storages.backends.s3 import S3File

from applicants.enums import DocumentKind
from applicants.services import application_submit, document_upload
from commission import roles
from commission.services import assignment_add, rubric_create_default
from shoots.services import location_photo_add, permit_update, support_attachment_add
from tests.factories import (
    ApplicationFactory,
    CompleteApplicationFactory,
    LocationFactory,
    PermitFactory,
    ShootDayFactory,
    StaffFactory,
    SupportRequestFactory,
)
from tests.factories.files import pdf, png

pytestmark = pytest.mark.django_db

MISSING = "This file is no longer in storage. Ask the programme team to upload it again."
MISSING_KO = (
    "이 파일은 더 이상 저장소에 없습니다. 프로그램 담당자에게 다시 올려 달라고 요청해 주세요."
)


def document_download():
    application = ApplicationFactory()
    document = document_upload(
        application=application, kind=DocumentKind.CV, upload=pdf(), by=application.applicant
    )
    url = reverse("document_download", kwargs={"pk": document.pk})
    return application.applicant, url, document.file


def review_document():
    reviewer = StaffFactory(role=roles.REVIEWER)
    application = CompleteApplicationFactory(with_documents=True)
    application = application_submit(application=application, by=application.applicant)
    rubric_create_default(cohort=application.cohort, by=None)
    assignment = assignment_add(application=application, reviewer=reviewer, by=None)
    url = reverse("review_document", kwargs={"pk": assignment.pk, "kind": DocumentKind.CV})
    # A blind cohort's reviewer downloads the blind copy: that is the file that goes.
    return reviewer, url, application.documents.get(kind=DocumentKind.CV).blind_file


def location_photo():
    officer = StaffFactory(role=roles.PERMITS_OFFICER)
    photo = location_photo_add(location=LocationFactory(), upload=png(), caption="", by=officer)
    return officer, reverse("location_photo", kwargs={"pk": photo.pk}), photo.file


def permit_insurance():
    officer = StaffFactory(role=roles.PERMITS_OFFICER)
    permit = permit_update(
        permit=PermitFactory(shoot_day=ShootDayFactory()), fields={}, insurance=pdf(), by=officer
    )
    url = reverse("permit_insurance", kwargs={"pk": permit.pk})
    return officer, url, permit.insurance_certificate


def support_attachment():
    coordinator = StaffFactory(role=roles.LOGISTICS_COORDINATOR)
    attachment = support_attachment_add(
        request=SupportRequestFactory(), upload=pdf("ticket.pdf"), by=coordinator
    )
    url = reverse("support_attachment", kwargs={"pk": attachment.pk})
    return coordinator, url, attachment.file


# Every view that hands out a stored file: (a reader allowed to see it, its URL, the file).
DOWNLOADS = [
    document_download,
    review_document,
    location_photo,
    permit_insurance,
    support_attachment,
]


def s3_error(code, status):
    return ClientError(
        {"Error": {"Code": code, "Message": "-"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "GetObject",
    )


def get(client, user, url, **headers):
    client.force_login(user)
    response = client.get(url, **headers)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, so the file is closed
    return response


@pytest.mark.parametrize("download", DOWNLOADS, ids=lambda view: view.__name__)
def test_a_file_gone_from_storage_is_a_404_that_says_so(client, download):
    user, url, stored = download()
    default_storage.delete(stored.name)

    response = get(client, user, url)

    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that file" in page
    assert MISSING in page


def test_the_missing_file_page_is_translated(client):
    user, url, stored = document_download()
    default_storage.delete(stored.name)

    response = get(client, user, url, HTTP_ACCEPT_LANGUAGE="ko")

    assert response.status_code == 404
    assert MISSING_KO in response.content.decode()


def test_any_other_404_says_nothing_of_why(client):
    user, _url, _stored = document_download()
    client.force_login(user)

    response = client.get(reverse("document_download", kwargs={"pk": 999_999}))

    page = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in page
    assert MISSING not in page
    # get_object_or_404's own message names the model.
    assert "ApplicationDocument" not in page
    assert "matches the given query" not in page


@pytest.mark.parametrize(
    ("code", "status"), [("NoSuchKey", 404), ("404", 404)], ids=["NoSuchKey", "bare-404"]
)
@pytest.mark.parametrize("download", DOWNLOADS, ids=lambda view: view.__name__)
def test_an_s3_error_that_the_object_is_gone_is_a_404_too(client, download, code, status):
    user, url, _stored = download()

    with mock.patch.object(FileSystemStorage, "open", side_effect=s3_error(code, status)):
        response = get(client, user, url)

    assert response.status_code == 404
    assert MISSING in response.content.decode()


def test_any_other_s3_error_is_not_passed_off_as_a_missing_file(client):
    user, url, _stored = document_download()
    client.force_login(user)

    with (
        mock.patch.object(FileSystemStorage, "open", side_effect=s3_error("AccessDenied", 403)),
        pytest.raises(ClientError),
    ):
        client.get(url)


# django-storages' own S3 backend, on moto's in-memory S3 -------------------------------------

BUCKET = "desk-uploads"


@pytest.fixture
def s3(settings, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": BUCKET, "default_acl": "private"},
            },
        }
        yield


def test_on_s3_a_missing_object_is_a_404_that_says_so(client, s3):
    user, url, stored = document_download()
    assert get(client, user, url).status_code == 200  # it is on S3
    default_storage.delete(stored.name)

    response = get(client, user, url)

    assert response.status_code == 404
    assert MISSING in response.content.decode()


def test_on_s3_an_object_gone_between_the_check_and_the_download_is_a_404(client, s3):
    user, url, _stored = document_download()
    gone = mock.PropertyMock(side_effect=s3_error("NoSuchKey", 404))

    with mock.patch.object(S3File, "file", gone):
        response = get(client, user, url)

    assert gone.called
    assert response.status_code == 404
    assert MISSING in response.content.decode()
