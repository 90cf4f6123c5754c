"""Small real files for upload tests: the type is in the bytes, not the name."""

from django.core.files.uploadedfile import SimpleUploadedFile

from commission.demo import tiny_pdf

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def pdf(name="cv.pdf", text="Curriculum vitae"):
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def png(name="passport.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def jpeg(name="passport.jpg"):
    return SimpleUploadedFile(name, JPEG_BYTES, content_type="image/jpeg")


def html_named_pdf(name="cv.pdf"):
    """A web page wearing a PDF's name and content type."""
    return SimpleUploadedFile(
        name, b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
