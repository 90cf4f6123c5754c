"""Exports of the call for staff, as CSV and as Excel.

CSV text goes through defusedcsv and Excel text through `xlsx.neutralise`: neither leaves a
formula that a spreadsheet would run.
"""

import datetime
from collections.abc import Iterator

import rules
from defusedcsv import csv
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access_log import LoggedRows
from .enums import CrewRole, PersonalDataPlace, PersonalDatum
from .filters import missing_documents
from .models import Application
from .rules import holds_travel_data_permission, passed_second_factor
from .text import plain_text
from .xlsx import DATE, DATETIME, NUMBER, Column, ListExport

BOM = "\ufeff"  # so that Excel reads the file as UTF-8: Khmer, Thai, Lao, Korean names intact


class _Line:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _guard_whitespace(cell):
    """defusedcsv leaves a formula behind a tab or a line break, which OWASP counts too."""
    if isinstance(cell, str) and cell[:1] in ("\t", "\r", "\n"):
        return "'" + cell
    return cell


def _csv_value(value):
    """A typed value as CSV text: dates in ISO form, times as they read in Korea."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, timezone.get_default_timezone()).isoformat("T", "seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):  # a line break is quoted; a NUL or other control is dropped
        value = plain_text(value)
    return "" if value is None else _guard_whitespace(value)


class ApplicationExporter(ListExport):
    """The applications a staff member filtered, one row each, as CSV or as an Excel sheet.

    Passport numbers and dates of birth are in full only for a reader of personal data
    (`applicants.read_personal_data`: the permission and a second factor); a reader of travel
    data reads participants' passport numbers in full; for anyone else the passport number is
    masked and the date of birth left blank. Every row shown in full is logged as read.
    """

    filename = "applications"
    title = gettext_lazy("Applications")

    def __init__(self, *, applications: QuerySet[Application], user):
        self.applications = applications
        self.user = user
        # The rules themselves, not user.has_perm: a superuser too needs the second factor.
        self.personal_data = rules.has_perm("applicants.read_personal_data", user)
        self.travel_data = not self.personal_data and bool(
            (holds_travel_data_permission & passed_second_factor).test(user)
        )

    def size(self) -> int:
        return self.applications.count()

    def columns(self) -> list[Column]:
        return [
            Column(_("ID"), NUMBER, 8),
            Column(_("Cohort"), width=18),
            Column(_("Legal name"), width=24),
            Column(_("Name in own script"), width=24),
            Column(_("Preferred name"), width=16),
            Column(_("E-mail"), width=28),
            Column(_("Nationality"), width=16),
            Column(_("Residence"), width=16),
            Column(_("Gender"), width=12),
            Column(_("Age on reference date"), NUMBER, 10),
            Column(_("Date of birth"), DATE, 12),
            Column(_("Passport number"), width=14),
            Column(_("Intended roles"), width=28),
            Column(_("Status"), width=16),
            Column(_("Submitted (Korea time)"), DATETIME, 18),
            Column(_("Missing documents"), width=30),
        ]

    def header(self) -> list[str]:
        return [str(column.header) for column in self.columns()]

    def rows(self) -> Iterator[list]:
        # chunk_size keeps memory flat and still runs the documents prefetch per chunk.
        applications = self.applications
        if self.travel_data:
            applications = applications.select_related("participant")
        applications = applications.iterator(chunk_size=500)
        if self.personal_data or self.travel_data:
            applications = LoggedRows(
                applications,
                user=self.user,
                where=PersonalDataPlace.APPLICATION_EXPORT,
                what=self.shown,
            )
        for application in applications:
            yield self.row(application)

    def full_passport(self, application) -> bool:
        return self.personal_data or (self.travel_data and hasattr(application, "participant"))

    def shown(self, application) -> list[PersonalDatum]:
        """What of the applicant's personal data the row shows in full."""
        profile = getattr(application.applicant, "profile", None)
        if profile is None:
            return []
        shown = []
        if self.personal_data and profile.date_of_birth:
            shown.append(PersonalDatum.BIRTH_DATE)
        if self.full_passport(application) and profile.passport_number:
            shown.append(PersonalDatum.PASSPORT_NUMBER)
        return shown

    def row(self, application: Application) -> list:
        profile = getattr(application.applicant, "profile", None)
        birth = profile.date_of_birth if profile else None
        if profile is None:
            passport = ""
        elif self.full_passport(application):
            passport = profile.passport_number
        else:
            passport = profile.masked_passport_number
        roles = [application.role_1, application.role_2, application.role_3]
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
            application.cohort.age_on_reference_date(birth) if birth else None,
            birth if self.personal_data else None,
            passport,
            "; ".join(str(CrewRole(role).label) for role in roles if role),
            application.get_status_display(),
            application.submitted_at,
            "; ".join(str(kind.label) for kind in missing_documents(application)),
        ]

    def lines(self) -> Iterator[str]:
        """The file, line by line, starting with the byte order mark."""
        writer = csv.writer(_Line())
        yield BOM
        yield writer.writerow(self.header())
        for row in self.rows():
            yield writer.writerow([_csv_value(cell) for cell in row])

    def content(self) -> str:
        return "".join(self.lines())

    def get_csv_filename(self) -> str:
        return self.get_filename().removesuffix(".xlsx") + ".csv"
