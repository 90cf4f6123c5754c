"""Exports of the call for staff. Text cells go through defusedcsv, which neutralises formulas."""

from collections.abc import Iterator

from defusedcsv import csv
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import CrewRole
from .filters import missing_documents
from .models import Application

BOM = "\ufeff"  # so that Excel reads the file as UTF-8: Khmer, Thai, Lao, Korean names intact


class _Line:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _guard_whitespace(cell):
    """defusedcsv leaves a formula behind a tab or carriage return, which OWASP counts too."""
    if isinstance(cell, str) and cell[:1] in ("\t", "\r"):
        return "'" + cell
    return cell


class ApplicationExporter:
    """The applications a staff member filtered, one row each, as CSV.

    Passport numbers and dates of birth are in full only for a user with
    `applicants.view_personal_data`; for anyone else the passport number is masked and the
    date of birth left blank.
    """

    filename = "applications"

    def __init__(self, *, applications: QuerySet[Application], user):
        self.applications = applications
        self.personal_data = user.has_perm("applicants.view_personal_data")

    def header(self) -> list[str]:
        return [
            _("ID"),
            _("Cohort"),
            _("Legal name"),
            _("Name in own script"),
            _("Preferred name"),
            _("E-mail"),
            _("Nationality"),
            _("Residence"),
            _("Gender"),
            _("Age on reference date"),
            _("Date of birth"),
            _("Passport number"),
            _("Intended roles"),
            _("Status"),
            _("Submitted (Korea time)"),
            _("Missing documents"),
        ]

    def rows(self) -> Iterator[list]:
        # chunk_size keeps memory flat and still runs the documents prefetch per chunk.
        for application in self.applications.iterator(chunk_size=500):
            yield self.row(application)

    def row(self, application: Application) -> list:
        profile = getattr(application.applicant, "profile", None)
        birth = profile.date_of_birth if profile else None
        if profile is None:
            passport = ""
        elif self.personal_data:
            passport = profile.passport_number
        else:
            passport = profile.masked_passport_number
        roles = [application.role_1, application.role_2, application.role_3]
        submitted = application.submitted_at
        return [
            application.pk,
            application.cohort.name,
            profile.legal_name if profile else "",
            profile.native_name if profile else "",
            profile.preferred_name if profile else "",
            application.applicant.email,
            str(profile.nationality or "") if profile else "",
            str(profile.residence or "") if profile else "",
            profile.get_gender_display() if profile else "",
            application.cohort.age_on_reference_date(birth) if birth else "",
            birth.isoformat() if birth and self.personal_data else "",
            passport,
            "; ".join(str(CrewRole(role).label) for role in roles if role),
            application.get_status_display(),
            timezone.localtime(submitted, timezone.get_default_timezone()).isoformat("T", "seconds")
            if submitted
            else "",
            "; ".join(str(kind.label) for kind in missing_documents(application)),
        ]

    def lines(self) -> Iterator[str]:
        """The file, line by line, starting with the byte order mark."""
        writer = csv.writer(_Line())
        yield BOM
        yield writer.writerow(self.header())
        for row in self.rows():
            yield writer.writerow([_guard_whitespace(cell) for cell in row])

    def content(self) -> str:
        return "".join(self.lines())

    def get_filename(self) -> str:
        stamp = timezone.localtime(timezone.now(), timezone.get_default_timezone())
        return f"{self.filename}-{stamp:%Y%m%d-%H%M}.csv"
