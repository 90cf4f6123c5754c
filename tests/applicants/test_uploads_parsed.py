"""Uploads are parsed, not sniffed: a hostile corpus, generated here, is refused with a reason.

Each file of the corpus passes a check of its first bytes; each must fail to open in its
parser (pypdf, Pillow) or be refused for what it hides, and lose nothing already saved.
"""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from applicants import services
from applicants.enums import DocumentKind
from applicants.validators import MAX_IMAGE_PIXELS, validate_file
from commission.demo import tiny_pdf
from shoots import services as shoot_services
from tests.factories import ApplicationFactory, LocationFactory, StaffFactory
from tests.factories.files import pdf, png

pytestmark = pytest.mark.django_db


def upload(name, data, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_with(*, after_header=b"", text="Curriculum vitae"):
    """A well-formed one-page PDF with `after_header` (a comment line) below its header."""
    return tiny_pdf(text, after_header=after_header)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(side=100_000) -> bytes:
    """A few hundred bytes of PNG that claim to be `side` pixels square."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("cv.txt", "Curriculum vitae")
    return out.getvalue()


def gps_jpeg(size=(40, 20), orientation=6) -> bytes:
    """A photo that says where it was taken, by whom, and that it is turned on its side."""
    image = Image.new("RGB", size, (30, 90, 160))
    exif = image.getexif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Artist] = "Thea Sok"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (35.0, 9.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (129.0, 3.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Thea's phone")
    return out.getvalue()


WHOLE = tiny_pdf("Curriculum vitae")
DAMAGED = "This PDF is damaged or incomplete and cannot be opened."
NOT_A_PDF = "This file is not a PDF, whatever its name says."

HOSTILE_PDFS = {
    "truncated in the middle": (WHOLE[: len(WHOLE) // 2], DAMAGED),
    "truncated before its trailer": (WHOLE[: WHOLE.index(b"trailer")], DAMAGED),
    "cross-reference table cut off": (WHOLE[: WHOLE.index(b"xref") + 20], DAMAGED),
    "html after the header": (
        pdf_with(after_header=b"%<html><script>alert(1)</script></html>\n"),
        "This PDF also contains a web page",
    ),
    "html before the header": (b"<html><script>alert(1)</script></html>\n" + WHOLE, NOT_A_PDF),
    "html renamed .pdf": (b"<html><script>alert(1)</script></html>", NOT_A_PDF),
    "zip renamed .pdf": (zip_bytes(), NOT_A_PDF),
    "empty": (b"", "This file is empty."),
    "a header and nothing else": (b"%PDF-1.7\n%%EOF\n", DAMAGED),
}


@pytest.mark.parametrize("case", HOSTILE_PDFS)
def test_upload_refuses_a_hostile_pdf_with_a_reason(case):
    data, message = HOSTILE_PDFS[case]
    application = ApplicationFactory()

    with pytest.raises(ValidationError, match=message):
        services.document_upload(
            application=application,
            kind=DocumentKind.CV,
            upload=upload("cv.pdf", data),
            by=application.applicant,
        )

    assert not application.documents.exists()


def test_upload_accepts_a_whole_pdf_and_stores_it_as_sent():
    application = ApplicationFactory()

    document = services.document_upload(
        application=application, kind=DocumentKind.CV, upload=upload("cv.pdf", WHOLE), by=None
    )

    with document.file.open("rb") as stored:
        assert stored.read() == WHOLE
    assert document.size == len(WHOLE)


def encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(WHOLE))
    writer.encrypt(user_password=user_password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_upload_refuses_a_pdf_locked_by_a_password():
    application = ApplicationFactory()

    with pytest.raises(ValidationError, match="This PDF is protected by a password"):
        services.document_upload(
            application=application,
            kind=DocumentKind.CV,
            upload=upload("cv.pdf", encrypted_pdf("secret")),
            by=None,
        )


def test_upload_accepts_a_pdf_that_opens_without_a_password_and_its_blind_copy_is_plain():
    from pypdf import PdfReader

    application = ApplicationFactory()

    document = services.document_upload(
        application=application,
        kind=DocumentKind.CV,
        upload=upload("cv.pdf", encrypted_pdf("")),
        by=None,
    )

    with document.blind_file.open("rb") as blind:
        reader = PdfReader(blind)
        assert not reader.is_encrypted
        assert reader.pages[0].extract_text() == "Curriculum vitae"


HOSTILE_IMAGES = {
    "decompression bomb png": (bomb_png(), "image/png", "This picture has too many pixels."),
    "bomb just over the limit": (
        bomb_png(int(MAX_IMAGE_PIXELS**0.5) + 1),
        "image/png",
        "This picture has too many pixels.",
    ),
    "truncated png": (
        png().read()[:40],
        "image/png",
        "This picture is damaged or incomplete",
    ),
    "truncated jpeg": (gps_jpeg()[:200], "image/jpeg", "This picture is damaged or incomplete"),
    "html renamed .png": (b"<html><script>alert(1)</script></html>", "text/html", "not a PDF"),
}


@pytest.mark.parametrize("case", HOSTILE_IMAGES)
def test_upload_refuses_a_hostile_image_with_a_reason(case):
    data, content_type, message = HOSTILE_IMAGES[case]
    application = ApplicationFactory()

    with pytest.raises(ValidationError, match=message):
        services.document_upload(
            application=application,
            kind=DocumentKind.PASSPORT,
            upload=upload("passport.png", data, content_type),
            by=None,
        )

    assert not application.documents.exists()


def test_upload_of_a_photo_stores_it_without_exif_gps_or_comment_and_upright():
    application = ApplicationFactory()
    original = gps_jpeg(size=(40, 20), orientation=6)

    document = services.document_upload(
        application=application,
        kind=DocumentKind.PASSPORT,
        upload=upload("passport.jpg", original, "image/jpeg"),
        by=None,
    )

    with document.file.open("rb") as stored:
        data = stored.read()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "comment" not in image.info
        # Orientation 6 (turned on its side) is applied, not carried in a tag.
        assert image.size == (20, 40)
    assert b"Exif" not in data
    assert b"Thea" not in data
    assert document.size == len(data)


def test_upload_of_a_png_drops_its_text_and_xmp_chunks():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Thea Sok")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>Thea Sok</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, "PNG", pnginfo=info)
    application = ApplicationFactory()

    document = services.document_upload(
        application=application,
        kind=DocumentKind.PASSPORT,
        upload=upload("passport.png", out.getvalue(), "image/png"),
        by=None,
    )

    with document.file.open("rb") as stored:
        data = stored.read()
    assert b"Thea" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (8, 8)
        assert image.getpixel((0, 0)) == (1, 2, 3)


def test_a_location_photo_is_stored_without_its_gps():
    location = LocationFactory()

    photo = shoot_services.location_photo_add(
        location=location,
        upload=upload("street.jpg", gps_jpeg(), "image/jpeg"),
        caption="",
        by=StaffFactory(),
    )

    with photo.file.open("rb") as stored:
        data = stored.read()
    assert b"Exif" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert dict(image.getexif()) == {}


def test_every_upload_path_parses_a_pdf():
    with pytest.raises(ValidationError, match=DAMAGED):
        validate_file(upload("insurance.pdf", WHOLE[: len(WHOLE) // 2]), ["application/pdf"])


def test_a_refused_upload_rerenders_the_step_with_its_reason_and_keeps_the_others(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    for kind, file in [(DocumentKind.CV, pdf("my-cv.pdf")), (DocumentKind.PASSPORT, png())]:
        services.document_upload(application=application, kind=kind, upload=file, by=None)

    response = client.post(
        reverse("document_upload", kwargs={"pk": application.pk, "kind": "cv"}),
        {"cv-file": upload("cv.pdf", WHOLE[: len(WHOLE) // 2])},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"CV not uploaded: {DAMAGED}" in page
    assert "my-cv.pdf" in page
    assert sorted(application.documents.values_list("kind", "original_name")) == [
        ("cv", "my-cv.pdf"),
        ("passport", "passport.png"),
    ]
