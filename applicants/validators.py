"""Checks on what applicants type and upload, shared by models, forms and services."""

import io
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .enums import DocumentKind

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
ALLOWED_TYPES = {
    DocumentKind.CV: [PDF],
    DocumentKind.PORTFOLIO: [PDF],
    DocumentKind.PASSPORT: [PDF, JPEG, PNG],
    DocumentKind.RECOMMENDATION: [PDF],
    DocumentKind.CONSENT: [PDF, JPEG, PNG],
}

WRONG_TYPE = {
    (PDF,): _("This file is not a PDF, whatever its name says. Please upload a PDF."),
    (PDF, JPEG, PNG): _(
        "This file is not a PDF, JPEG or PNG, whatever its name says. Please upload one of those."
    ),
    (JPEG, PNG): _("This file is not a JPEG or PNG photo, whatever its name says."),
}

# Latin letters as in a passport, with the accents some carry and Malaysia's a/l and a/p.
LATIN_NAME = re.compile(r"^[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F .'/\-]*$")


def validate_latin_name(value):
    if not LATIN_NAME.match(value):
        raise ValidationError(
            _("Write this name in Latin letters (A to Z), as in your passport."),
            code="latin_name",
        )


def word_count(text: str) -> int:
    return len(text.split())


class WordLimitValidator:
    def __init__(self, limit):
        self.limit = limit

    def __call__(self, value):
        count = word_count(value or "")
        if count > self.limit:
            raise ValidationError(
                ngettext(
                    "Keep this to %(limit)d word or fewer (now %(count)d).",
                    "Keep this to %(limit)d words or fewer (now %(count)d).",
                    self.limit,
                )
                % {"limit": self.limit, "count": count},
                code="word_limit",
            )

    def __eq__(self, other):
        return isinstance(other, WordLimitValidator) and other.limit == self.limit

    def deconstruct(self):
        return ("applicants.validators.WordLimitValidator", [self.limit], {})


def detect_content_type(upload) -> str | None:
    """The file's type read from its first bytes, whatever its name says."""
    upload.seek(0)
    head = upload.read(261)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


@dataclass(frozen=True)
class CheckedFile:
    """An upload that parsed as its type: what to store, and its real content type."""

    content_type: str
    data: bytes
    name: str

    @property
    def content(self) -> ContentFile:
        return ContentFile(self.data, name=self.name)

    @property
    def size(self) -> int:
        return len(self.data)


def validate_upload(upload, kind: str) -> CheckedFile:
    """Refuse a file of the wrong type or size for this kind, or one that does not parse."""
    return validate_file(upload, ALLOWED_TYPES[kind])


def validate_file(upload, allowed: list[str]) -> CheckedFile:
    """Refuse a file of another type than `allowed`, too large, or one that does not open
    in its parser; an image comes back re-encoded, without its metadata (EXIF, GPS, XMP)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _(
                "This file is over the %(limit)d MB limit (it is %(size).1f MB). "
                "Please make it smaller."
            )
            % {"size": upload.size / 2**20, "limit": MAX_UPLOAD_BYTES // 2**20},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    content_type = detect_content_type(upload)
    if content_type not in allowed:
        raise ValidationError(WRONG_TYPE[tuple(allowed)], code="wrong_type")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if content_type == PDF:
        pdf_check(data)
        content = data
    else:
        content = image_reencode(data, content_type)
    return CheckedFile(content_type=content_type, data=content, name=upload.name)


# A page or a browser that sniffs would take a file with these near its start for a web page.
HTML_MARKERS = (b"<html", b"<script", b"<!doctype", b"<head", b"<body", b"<iframe", b"<svg")
MAX_PDF_PAGES = 200
DAMAGED_PDF = _(
    "This PDF is damaged or incomplete and cannot be opened. Save or export it again "
    "from the program that made it, then upload the new file."
)


def pdf_reader(data: bytes):
    """A reader for a PDF whose structure (header, cross-reference table, trailer) parses
    as written; a file cut short, or patched up only by guessing, is refused."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    if not data.startswith(b"%PDF-"):
        raise ValidationError(WRONG_TYPE[(PDF,)], code="wrong_type")
    if any(marker in data[:1024].lower() for marker in HTML_MARKERS):
        raise ValidationError(
            _("This PDF also contains a web page, so it is refused. Please upload a plain PDF."),
            code="polyglot",
        )
    # A complete file ends with its end-of-file marker; pypdf would carry on without one.
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(DAMAGED_PDF, code="damaged")
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("This PDF is protected by a password. Please upload it without one."),
                code="encrypted",
            )
        # Pages are read leniently: a font quirk is no reason to turn a CV away.
        reader.strict = False
        count = len(reader.pages)
    except ValidationError:
        raise
    except (DependencyError, NotImplementedError) as error:
        # An encryption pypdf cannot undo: to us, as to reviewers, a locked file.
        raise ValidationError(
            _("This PDF is protected by a password. Please upload it without one."),
            code="encrypted",
        ) from error
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValidationError(DAMAGED_PDF, code="damaged") from error
    if count == 0:
        raise ValidationError(DAMAGED_PDF, code="damaged")
    if count > MAX_PDF_PAGES:
        raise ValidationError(
            _("This PDF has %(count)d pages; please keep it to %(limit)d.")
            % {"count": count, "limit": MAX_PDF_PAGES},
            code="too_many_pages",
        )
    return reader


def pdf_check(data: bytes) -> None:
    """Refuse a PDF that does not open, or one of whose pages cannot be read."""
    from pypdf.errors import PyPdfError

    reader = pdf_reader(data)
    try:
        for page in reader.pages:
            page.mediabox  # noqa: B018 (reading it is the check)
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValidationError(DAMAGED_PDF, code="damaged") from error


# Pillow decodes at most this many pixels: a phone's 48-megapixel photo, not a few bytes of
# PNG that claim to be 100,000 pixels square (a decompression bomb).
MAX_IMAGE_PIXELS = 50_000_000
DAMAGED_IMAGE = _(
    "This picture is damaged or incomplete and cannot be opened. "
    "Please take or export it again, then upload the new file."
)
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


def image_reencode(data: bytes, content_type: str) -> bytes:
    """The picture decoded and saved again: its orientation applied, its metadata (EXIF, GPS,
    XMP, comments) left behind; a file that does not decode is refused."""
    from PIL import Image, ImageOps

    fmt = PILLOW_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
            too_large(*probe.size)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large(0, 0) from error
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ValidationError(DAMAGED_IMAGE, code="damaged") from error
    # Only what shows the picture is kept: its colour profile and transparency.
    kept = {
        name: upright.info[name] for name in ("icc_profile", "transparency") if name in upright.info
    }
    upright.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        kept.pop("transparency", None)
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90, **kept)
    else:
        upright.save(out, "PNG", **kept)
    return out.getvalue()


def too_large(width: int, height: int) -> ValidationError:
    """Raises for a picture over the pixel limit; the error, for a size Pillow refused."""
    error = ValidationError(
        _("This picture has too many pixels. Please send one under %(limit)d megapixels.")
        % {"limit": MAX_IMAGE_PIXELS // 10**6},
        code="too_many_pixels",
    )
    if width * height > MAX_IMAGE_PIXELS:
        raise error
    return error


def safe_file_stem(name: str, fallback: str) -> str:
    """A file name's stem without paths or punctuation, keeping letters of every script.

    (Django's get_valid_filename drops the vowel signs of Khmer, Thai or Burmese.)
    """
    stem = PurePath((name or "").replace("\\", "/")).stem
    kept = "".join(
        char if unicodedata.category(char)[0] in "LMN" or char == "-" else "_" for char in stem
    )
    return re.sub(r"_+", "_", kept).strip("_")[:100] or fallback


# The years a programme date may fall in: a typo like 0026 is refused, and no date near
# date.min or date.max reaches arithmetic or a time zone conversion that would overflow.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def validate_plausible_date(value):
    if not EARLIEST_DAY.year <= value.year <= LATEST_DAY.year:
        raise ValidationError(
            _("Please give a date between the years %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={"earliest": EARLIEST_DAY.year, "latest": LATEST_DAY.year},
        )


def validate_birth_date(value):
    if value.year < 1900 or value > timezone.localdate():
        raise ValidationError(_("Please give your real date of birth."), code="birth_date")


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("%(zone)s is not a time zone name such as Asia/Bangkok.") % {"zone": value},
            code="time_zone",
        ) from error
