"""Small real files for upload tests: the type is in the bytes, not the name."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from commission.demo import tiny_pdf


def _image_bytes(fmt: str, mode: str) -> bytes:
    # Pictures that decode: uploads are opened in Pillow, not judged by their first bytes.
    out = io.BytesIO()
    Image.new(mode, (4, 3), (200, 120, 40)).save(out, fmt)
    return out.getvalue()


PNG_BYTES = _image_bytes("PNG", "RGBA")
JPEG_BYTES = _image_bytes("JPEG", "RGB")


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
