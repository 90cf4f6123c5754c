"""Blind review that stays blind in the files reviewers download.

Reviewers of a blind cohort get a blind copy of each document (pages only: no document
information, no XMP); a document whose text names the applicant is withheld from them,
flagged for the manager, and the applicant is asked for an anonymised version.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from applicants.blind import Identity, findings
from applicants.enums import DocumentKind, MailKind
from applicants.models import ApplicationDocument, OutboxMessage
from applicants.services import application_save_step, application_submit, document_upload
from commission import services
from commission.demo import tiny_pdf
from tests.factories import CompleteApplicationFactory

pytestmark = pytest.mark.django_db

LEGAL_NAME = "Chan Sokha"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Chan Sokha</dc:creator>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def pdf_with_metadata(text="Curriculum vitae: short films since 2022") -> bytes:
    """A PDF whose text is anonymous and whose metadata and XMP name its author."""
    writer = PdfWriter(clone_from=io.BytesIO(tiny_pdf(text)))
    writer.add_metadata({"/Author": LEGAL_NAME, "/Title": f"CV of {LEGAL_NAME}"})
    xmp = StreamObject()
    xmp.set_data(XMP)
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cv(data: bytes, name="cv.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def submitted(*, blind=True, cv_data=None, **profile):
    """A submitted application, its CV `cv_data`."""
    application = CompleteApplicationFactory(
        with_documents=True,
        cohort__blind_review=blind,
        applicant__profile__legal_name=LEGAL_NAME,
        applicant__email="sokha.chan@example.org",
        **{f"applicant__profile__{name}": value for name, value in profile.items()},
    )
    if cv_data is not None:
        document_upload(application=application, kind=DocumentKind.CV, upload=cv(cv_data), by=None)
    return application_submit(application=application, by=application.applicant)


def assign(application, reviewer):
    services.rubric_create_default(cohort=application.cohort, by=None)
    return services.assignment_add(application=application, reviewer=reviewer, by=None)


def download(client, user, url):
    client.force_login(user)
    response = client.get(url)
    if response.streaming:
        response.downloaded = b"".join(response.streaming_content)
    return response


def review_cv_url(assignment):
    return reverse("review_document", kwargs={"pk": assignment.pk, "kind": "cv"})


# The blind copy ----------------------------------------------------------------------------


def pdf_with_a_named_link_and_picture() -> bytes:
    """Anonymous text, but a link titled with the author's name to an address that spells it,
    and a picture whose own XMP names its creator."""
    writer = PdfWriter(clone_from=io.BytesIO(tiny_pdf("Portfolio: three short films")))
    page = writer.pages[0]
    picture = StreamObject()
    picture.set_data(b"\xff")
    picture.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(1),
            NameObject("/Height"): NumberObject(1),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    xmp = StreamObject()
    xmp.set_data(XMP)
    picture[NameObject("/Metadata")] = writer._add_object(xmp)
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject())
    resources[NameObject("/XObject")] = DictionaryObject(
        {NameObject("/Im1"): writer._add_object(picture)}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 50, 20)]),
            NameObject("/T"): TextStringObject("Chan Sokha"),
            NameObject("/Contents"): TextStringObject("Films by Chan Sokha"),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/URI"),
                    NameObject("/URI"): TextStringObject("https://vimeo.com/chan-sokha"),
                }
            ),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_blind_copy_drops_link_titles_and_picture_metadata_and_reads_link_addresses():
    application = CompleteApplicationFactory(applicant__profile__legal_name=LEGAL_NAME)

    document = document_upload(
        application=application,
        kind=DocumentKind.PORTFOLIO,
        upload=cv(pdf_with_a_named_link_and_picture(), name="portfolio.pdf"),
        by=None,
    )

    with document.blind_file.open("rb") as stored:
        data = stored.read()
    assert b"Chan Sokha" not in data
    assert b"dc:creator" not in data
    # The address still names them: the document is withheld until they send another.
    assert document.blind_findings != ""


def test_a_blind_copy_keeps_the_pages_and_drops_the_metadata_and_xmp():
    application = CompleteApplicationFactory(applicant__profile__legal_name=LEGAL_NAME)

    document = document_upload(
        application=application, kind=DocumentKind.CV, upload=cv(pdf_with_metadata()), by=None
    )

    with document.blind_file.open("rb") as stored:
        data = stored.read()
    reader = PdfReader(io.BytesIO(data))
    assert [page.extract_text() for page in reader.pages] == [
        "Curriculum vitae: short films since 2022"
    ]
    assert "/Author" not in (reader.metadata or {})
    assert "/Title" not in (reader.metadata or {})
    assert reader.xmp_metadata is None
    assert b"Chan Sokha" not in data
    assert document.blind_findings == ""
    # The applicant's own file is kept as they sent it.
    with document.file.open("rb") as original:
        assert b"Chan Sokha" in original.read()


def test_a_reviewer_of_a_blind_cohort_downloads_the_blind_copy(client, reviewer):
    assignment = assign(submitted(cv_data=pdf_with_metadata()), reviewer)

    response = download(client, reviewer, review_cv_url(assignment))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert b"Chan Sokha" not in response.downloaded
    assert PdfReader(io.BytesIO(response.downloaded)).xmp_metadata is None


def test_a_reviewer_of_an_open_cohort_downloads_the_original(client, reviewer):
    assignment = assign(submitted(blind=False, cv_data=pdf_with_metadata()), reviewer)

    response = download(client, reviewer, review_cv_url(assignment))

    assert response.status_code == 200
    assert b"Chan Sokha" in response.downloaded


# A document that names its applicant -------------------------------------------------------

NAMING_TEXTS = {
    "legal name": "CV of Chan Sokha, director",
    "capitals": "CHAN SOKHA - DIRECTOR",
    "one name": "Films by Sokha",
    "e-mail": "Write to Sokha.Chan@example.org",
    "phone in national form": "Call me on 012 345 678",
    "phone in international form": "Phone: +855-12-345-678",
}


@pytest.mark.parametrize("case", NAMING_TEXTS)
def test_a_document_that_names_the_applicant_is_flagged(case):
    application = CompleteApplicationFactory(
        applicant__profile__legal_name=LEGAL_NAME, applicant__email="sokha.chan@example.org"
    )

    document = document_upload(
        application=application,
        kind=DocumentKind.CV,
        upload=cv(tiny_pdf(NAMING_TEXTS[case])),
        by=None,
    )

    assert document.names_applicant
    assert document.withheld_from_blind_review


IDENTITY = Identity(
    names=("Nguyễn Văn An", "ចាន់ សុខា", "김민준", "Sokha", "Thea Sok"),
    email="thea@example.org",
    phone="+855 12 345 678",
    phone_digits="12345678",
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Directed by NGUYEN VAN AN in 2024", ["Nguyễn Văn An"]),
        ("Nguyễn văn an", ["Nguyễn Văn An"]),
        ("ngu\u0303yen, a combining tilde", ["Nguyễn"]),
        ("ឈ្មោះ ចាន់សុខា ជាអ្នកដឹកនាំ", ["ចាន់ សុខា"]),
        ("김민준은 감독입니다", ["김민준"]),
        ("\uff33\uff2f\uff2b\uff28\uff21 in fullwidth letters", ["Sokha"]),
        ("So\u200bkha with a zero-width space", ["Sokha"]),
        ("thea sok", ["Thea Sok"]),
        ("An idea of Van Gogh for the theatre", []),
        ("Curriculum vitae: analysis, editing, sound", []),
        ("Born 1999; 12 short films; 345 festivals", []),
    ],
)
def test_names_are_found_in_every_script_with_case_and_accents_folded(text, found):
    assert findings(text, IDENTITY) == found


def test_a_withheld_document_is_not_downloaded_and_the_page_says_why(client, reviewer):
    assignment = assign(submitted(cv_data=tiny_pdf("CV of Chan Sokha")), reviewer)

    page = download(
        client, reviewer, reverse("review_detail", kwargs={"pk": assignment.pk})
    ).content.decode()
    response = download(client, reviewer, review_cv_url(assignment))

    assert "Withheld: it names the applicant." in page
    assert f'href="{review_cv_url(assignment)}"' not in page
    assert response.status_code == 404


def test_the_manager_sees_the_flag_on_the_application_page(client, manager):
    application = submitted(cv_data=tiny_pdf("CV of Chan Sokha"))

    client.force_login(manager)
    page = client.get(
        reverse("staff_application_detail", kwargs={"pk": application.pk})
    ).content.decode()

    assert "Names the applicant" in page
    assert "Withheld from reviewers" in page


def test_the_applicant_is_asked_by_e_mail_and_on_their_page(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted(cv_data=tiny_pdf("CV of Chan Sokha"))

    asked = OutboxMessage.objects.get(application=application, kind=MailKind.ANONYMISE)
    assert asked.to == "sokha.chan@example.org"
    assert "CV (cv.pdf): Chan Sokha" in asked.body
    assert any(message.subject == asked.subject for message in mailoutbox)
    client.force_login(application.applicant)
    page = client.get(reverse("application_detail", kwargs={"pk": application.pk})).content.decode()
    assert "Please send anonymised documents" in page
    assert "Upload the anonymised version" in page


def test_no_request_goes_out_when_no_document_names_the_applicant():
    application = submitted(cv_data=tiny_pdf("Curriculum vitae"))

    assert not OutboxMessage.objects.filter(
        application=application, kind=MailKind.ANONYMISE
    ).exists()


def test_an_anonymised_version_replaces_the_document_and_reviewers_get_it(client, reviewer):
    application = submitted(cv_data=tiny_pdf("CV of Chan Sokha"))
    assignment = assign(application, reviewer)
    client.force_login(application.applicant)

    response = client.post(
        reverse("document_upload", kwargs={"pk": application.pk, "kind": "cv"}),
        {"cv-file": cv(tiny_pdf("CV of the applicant"))},
    )

    assert response.status_code == 302
    document = application.documents.get(kind=DocumentKind.CV)
    assert not document.names_applicant
    response = download(client, reviewer, review_cv_url(assignment))
    assert response.status_code == 200
    assert PdfReader(io.BytesIO(response.downloaded)).pages[0].extract_text() == (
        "CV of the applicant"
    )


def test_a_submitted_document_that_does_not_name_the_applicant_stays_as_it_is(client):
    application = submitted(cv_data=tiny_pdf("Curriculum vitae"))
    client.force_login(application.applicant)

    client.post(
        reverse("document_upload", kwargs={"pk": application.pk, "kind": "cv"}),
        {"cv-file": cv(tiny_pdf("Something else"))},
    )

    document = application.documents.get(kind=DocumentKind.CV)
    with document.file.open("rb") as stored:
        assert PdfReader(stored).pages[0].extract_text() == "Curriculum vitae"


def test_a_name_given_after_the_upload_is_found_on_submit():
    application = CompleteApplicationFactory(
        with_documents=True, applicant__profile__preferred_name=""
    )
    document_upload(
        application=application, kind=DocumentKind.CV, upload=cv(tiny_pdf("By Kiri")), by=None
    )
    profile = application.applicant.profile
    profile.preferred_name = "Kiri"
    profile.save()

    application_submit(application=application, by=application.applicant)

    assert application.documents.get(kind=DocumentKind.CV).blind_findings == "Kiri"


def test_a_name_saved_just_before_the_upload_is_found():
    application = CompleteApplicationFactory()
    application_save_step(
        application=application,
        by=application.applicant,
        profile={"legal_name": "Haziq Iskandar bin Rosli"},
    )

    document = document_upload(
        application=application,
        kind=DocumentKind.CV,
        upload=cv(tiny_pdf("cv: Haziq Iskandar bin Rosli")),
        by=None,
    )

    assert document.blind_findings == "Haziq Iskandar bin Rosli"


# Before there were blind copies ------------------------------------------------------------


def test_the_backfill_makes_blind_copies_and_asks_who_is_named(client, reviewer):
    application = submitted(cv_data=tiny_pdf("CV of Chan Sokha"))
    assignment = assign(application, reviewer)
    # As uploaded before this change: no blind copy, no findings.
    ApplicationDocument.objects.update(blind_file="", blind_findings="")
    OutboxMessage.objects.filter(kind=MailKind.ANONYMISE).delete()
    assert download(client, reviewer, review_cv_url(assignment)).status_code == 404

    call_command("make_blind_copies", stdout=io.StringIO())

    cv_document = application.documents.get(kind=DocumentKind.CV)
    portfolio = application.documents.get(kind=DocumentKind.PORTFOLIO)
    assert cv_document.blind_findings == "Chan Sokha"
    assert portfolio.blind_file and not portfolio.names_applicant
    assert not application.documents.get(kind=DocumentKind.PASSPORT).blind_file
    assert (
        OutboxMessage.objects.filter(application=application, kind=MailKind.ANONYMISE).count() == 1
    )
    portfolio_url = reverse("review_document", kwargs={"pk": assignment.pk, "kind": "portfolio"})
    assert download(client, reviewer, portfolio_url).status_code == 200


# What applicants are told up front ---------------------------------------------------------


@pytest.mark.parametrize(("blind", "told"), [(True, True), (False, False)])
def test_the_documents_step_says_what_to_leave_out_in_a_blind_call(client, blind, told):
    application = CompleteApplicationFactory(cohort__blind_review=blind)
    client.force_login(application.applicant)

    page = client.get(
        reverse("application_step", kwargs={"pk": application.pk, "step": "documents"})
    ).content.decode()

    assert ("Leave your name, e-mail address and phone number out of your CV" in page) == told


def test_a_draft_upload_that_names_the_applicant_is_pointed_out_at_once(client):
    application = CompleteApplicationFactory(applicant__profile__legal_name=LEGAL_NAME)
    client.force_login(application.applicant)

    response = client.post(
        reverse("document_upload", kwargs={"pk": application.pk, "kind": "cv"}),
        {"cv-file": cv(tiny_pdf("CV of Chan Sokha"))},
        follow=True,
    )

    page = response.content.decode()
    assert "CV names you (Chan Sokha), so reviewers will not get it." in page
    assert "This document names you (Chan Sokha)." in page
