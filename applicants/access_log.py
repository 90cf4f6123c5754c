"""The access log of personal data: who saw whose passport number, birth date, passport scan
or consent form, when and where.

Every page, download and export that shows one of them in full writes here; a list page or an
export writes all its rows in one `bulk_create` per chunk, so its query count does not grow
with its rows. A manager reads the log on the applicant's record.
"""

from collections.abc import Iterable
from itertools import islice

from django.db.models import QuerySet

from .enums import DocumentKind, PersonalDatum
from .models import Application, PersonalDataAccess

# A document kind, as the datum its download shows.
DOCUMENT_DATA = {
    DocumentKind.PASSPORT: PersonalDatum.PASSPORT_SCAN,
    DocumentKind.CONSENT: PersonalDatum.CONSENT_FORM,
}


def accesses_record(
    *, user, where: str, what: Iterable[PersonalDatum], applications: Iterable[Application]
) -> int:
    """Record that `user` saw `what` of each application's applicant at `where`: one entry
    per person and datum, written in one query. Returns how many entries were written."""
    what = list(what)
    entries = [
        PersonalDataAccess(
            user=user if user.is_authenticated else None,
            person_id=application.applicant_id,
            application_id=application.pk,
            what=datum,
            where=where,
        )
        for application in applications
        for datum in what
    ]
    if entries:
        PersonalDataAccess.objects.bulk_create(entries)
    return len(entries)


def document_access_record(*, user, document, where: str) -> bool:
    """Record a download of a passport scan or a consent form; other kinds are not personal
    data in this sense (a CV is what the applicant chose to tell the panel)."""
    datum = DOCUMENT_DATA.get(document.kind)
    if datum is None:
        return False
    accesses_record(user=user, where=where, what=[datum], applications=[document.application])
    return True


def accesses_of(*, person) -> QuerySet[PersonalDataAccess]:
    """Who saw `person`'s personal data, newest first."""
    return PersonalDataAccess.objects.filter(person=person).select_related("user")


class LoggedRows:
    """Rows of an export, recorded as read by `user` as they are written, a chunk at a time.

    Wraps an iterator of rows (applications, or anything `application_of` turns into one):
    each chunk of `size` rows is logged in one query. `what` is the data each row shows, or a
    function of the row that says it (a row may show none).
    """

    def __init__(self, rows, *, user, where: str, what, application_of=None, size: int = 500):
        self.rows = rows
        self.application_of = application_of or (lambda row: row)
        self.user = user
        self.where = where
        self.what = what if callable(what) else (lambda row, shown=list(what): shown)
        self.size = size

    def __iter__(self):
        # Each chunk is logged before any of its rows is handed on.
        rows = iter(self.rows)
        while chunk := list(islice(rows, self.size)):
            self._record(chunk)
            yield from chunk

    def _record(self, chunk):
        entries = [
            PersonalDataAccess(
                user=self.user,
                person_id=application.applicant_id,
                application_id=application.pk,
                what=datum,
                where=self.where,
            )
            for row in chunk
            for application in [self.application_of(row)]
            for datum in self.what(row)
        ]
        if entries:
            PersonalDataAccess.objects.bulk_create(entries)
