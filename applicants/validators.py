"""Checks on what applicants type and upload, shared by models, forms and services."""

import re
import unicodedata
import zoneinfo
from datetime import date
from pathlib import PurePath

import filetype
from django.core.exceptions import ValidationError
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


def validate_upload(upload, kind: str) -> str:
    """Refuse a file of the wrong type or size for this kind; returns its real content type."""
    return validate_file(upload, ALLOWED_TYPES[kind])


def validate_file(upload, allowed: list[str]) -> str:
    """Refuse a file of another type than `allowed`, or too large; returns its real type."""
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
    return content_type


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
