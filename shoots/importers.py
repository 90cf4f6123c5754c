"""Flights and rooms read from an Excel workbook, every row checked before any is saved.

The first sheet holds one booking a row under column names in row 1 (any order, any case).
A file is taken whole or not at all: `TravelImport.read` returns every booking, or raises
`ImportRefused` with every problem found, each bad row named by its number in the sheet.
"""

import pyexpat
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import PurePath

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.functions import Lower
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string

from applicants.models import Cohort, Participant

from . import services
from .enums import SupportKind, SupportState, TravelDirection
from .models import SupportRequest

MAX_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: a small one that unpacks to gigabytes is an attack, not a booking list.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 2000
LAST_ROW = MAX_ROWS * 5  # blank rows between bookings are skipped, up to this row
# What a list of bookings can hold, checked while the file's XML streams by, before openpyxl
# reads it (a 48 kB header of 16,384 columns, or 2.5 million shared strings in 105 kB, would
# otherwise hold a worker for most of a minute). Each is far above what a booking list needs.
MAX_COLUMNS = 64  # the template has 15
MAX_CELL_CHARS = 5_000  # a note in any language; Excel's own limit is 32,767
MAX_SHARED_STRINGS = 50_000  # different texts: 2,000 rows of 15 columns hold at most 30,000
MAX_XML_ELEMENTS = 400_000  # in all the parts together: 2,000 full rows need about 150,000
MAX_PARTS = 200  # files inside the zip; Excel writes a dozen
MAX_ERRORS = 100  # past that, a list of errors helps nobody: the file is wrong throughout
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # matched as written, in any case; not translated, so one file suits all
    help: Promise
    required: bool = True


COLUMNS = [
    Column("kind", "Kind", gettext_lazy("flight or room.")),
    Column("email", "Participant e-mail", gettext_lazy("The address they sign in with.")),
    Column(
        "direction",
        "Direction",
        gettext_lazy("Flights: arrival (in Busan) or departure (from Busan)."),
    ),
    Column("flight_number", "Flight number", gettext_lazy("Flights: as on the ticket, PR 418.")),
    Column("origin", "From", gettext_lazy("Flights: where it takes off, MNL or Manila.")),
    Column("destination", "To", gettext_lazy("Flights: where it lands, PUS or Busan.")),
    Column(
        "departs",
        "Departs",
        gettext_lazy("Flights: local date and time of take-off, 2027-07-22 14:05."),
    ),
    Column("arrives", "Arrives", gettext_lazy("Flights: local date and time of landing.")),
    Column("vendor", "Airline or hotel", gettext_lazy("The airline of a flight, a room's hotel.")),
    Column("room", "Room", gettext_lazy("Rooms: the room number, if known."), required=False),
    Column("check_in", "Check-in", gettext_lazy("Rooms: the date, 2027-07-22.")),
    Column("check_out", "Check-out", gettext_lazy("Rooms: the date.")),
    Column(
        "booking_reference",
        "Booking reference",
        gettext_lazy("The airline's or hotel's reference."),
        required=False,
    ),
    Column(
        "estimated_cost_krw",
        "Estimated cost (KRW)",
        gettext_lazy("Whole won; blank for none."),
        required=False,
    ),
    Column(
        "actual_cost_krw",
        "Actual cost (KRW)",
        gettext_lazy("Whole won; blank until invoiced."),
        required=False,
    ),
    Column("notes", "Notes", gettext_lazy("Anything else, in any language."), required=False),
]
WIDTHS = {"email": 28, "vendor": 24, "estimated_cost_krw": 20, "actual_cost_krw": 18, "notes": 48}
HEADERS = {column.key: column.header for column in COLUMNS}
FLIGHT_ONLY = ["direction", "flight_number", "origin", "destination", "departs", "arrives"]
ROOM_ONLY = ["room", "check_in", "check_out"]
# Which column a model field's error points at, for each kind.
FIELD_COLUMNS = {
    "participant": "email",
    "vendor": "vendor",
    "booking_reference": "booking_reference",
    "estimated_cost_krw": "estimated_cost_krw",
    "actual_cost_krw": "actual_cost_krw",
    "notes": "notes",
}
FLIGHT_FIELDS = {
    "direction": "direction",
    "flight_number": "flight_number",
    "origin": "origin",
    "destination": "destination",
    "starts_on": "departs",
    "departs_time": "departs",
    "ends_on": "arrives",
    "arrives_time": "arrives",
}
ROOM_FIELDS = {"room": "room", "starts_on": "check_in", "ends_on": "check_out"}


class ImportRefused(Exception):
    """A workbook that cannot be imported; `errors` says why, one message a problem."""

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors))
        self.errors = errors


def _past_last_row() -> ImportRefused:
    return ImportRefused(
        [
            _(
                "The sheet runs past row %(row)s: delete the empty rows below "
                "the bookings and upload it again."
            )
            % {"row": f"{LAST_ROW:,}"}
        ]
    )


def _not_a_workbook() -> ImportRefused:
    return ImportRefused(
        [
            _(
                "This file is not an Excel workbook (.xlsx). Save it from Excel or another "
                "spreadsheet as an Excel workbook, without a password, and upload that."
            )
        ]
    )


def _refusal(message: str, **values) -> ImportRefused:
    return ImportRefused([message % values])


class _Inspector:
    """Reads the parts of an .xlsx as a stream of tags and stops at the first limit passed:
    columns, rows, different texts, a cell's length, elements in all. Only expat's callbacks
    run per element, so that a refusal comes in a fraction of a second.

    A DTD (and with it any entity) is refused, as openpyxl's defusedxml does; a part that is
    not well-formed XML is left to openpyxl to judge.
    """

    def __init__(self):
        self.elements = 0

    def part(self, stream) -> None:
        self.rows = self.strings = self.cells = self.text = self.piece = 0
        self.in_text = self.in_item = False
        parser = pyexpat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = self.doctype
        try:
            parser.ParseFile(stream)
        except pyexpat.ExpatError:
            return

    def doctype(self, *_args):
        raise _not_a_workbook()

    def start(self, tag: str, attributes: dict) -> None:
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise _refusal(
                _(
                    "This workbook holds far more than a list of %(count)s bookings: copy the "
                    "bookings alone into a new workbook and upload that."
                ),
                count=f"{MAX_ROWS:,}",
            )
        name = tag.rpartition("}")[2]
        if name in ("t", "v"):  # a cell's value, or a piece of a text
            self.in_text = True
            self.piece = 0
        elif name in ("si", "is"):  # a shared text, a cell's own text: maybe many pieces
            self.in_item = True
            self.text = 0
            if name == "si":
                self.strings += 1
                if self.strings > MAX_SHARED_STRINGS:
                    raise _refusal(
                        _(
                            "This workbook holds more than %(count)s different texts, more "
                            "than any list of bookings: copy the bookings alone into a new "
                            "workbook and upload that."
                        ),
                        count=f"{MAX_SHARED_STRINGS:,}",
                    )
        elif name == "c":
            self.cells += 1
            at = attributes.get("r", "").rstrip("0123456789")
            if self.cells > MAX_COLUMNS or (
                at and (len(at) > 3 or column_index_from_string(at) > MAX_COLUMNS)
            ):
                raise _refusal(
                    _(
                        "The sheet has cells past column %(count)s: a booking takes %(columns)s "
                        "columns. Delete the columns to the right of the bookings and upload "
                        "it again."
                    ),
                    count=MAX_COLUMNS,
                    columns=len(COLUMNS),
                )
        elif name == "row":
            self.cells = 0
            self.rows += 1
            number = attributes.get("r", "")
            if self.rows > LAST_ROW or (number.isdigit() and int(number) > LAST_ROW):
                raise _past_last_row()

    def end(self, tag: str) -> None:
        self.in_text = False
        if self.in_item and tag.rpartition("}")[2] in ("si", "is"):
            self.in_item = False

    def characters(self, data: str) -> None:
        if self.in_text:
            self.piece += len(data)
            if self.in_item:
                self.text += len(data)
            if self.piece > MAX_CELL_CHARS or self.text > MAX_CELL_CHARS:
                raise _refusal(
                    _(
                        "A cell holds more than %(count)s characters: shorten it and upload "
                        "the file again."
                    ),
                    count=f"{MAX_CELL_CHARS:,}",
                )


def _inspect(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook whose content is beyond any booking list, before openpyxl reads it.
    Every part is read, whatever it claims to be: it is the workbook's own index that tells
    openpyxl which part is the sheet."""
    inspector = _Inspector()
    for member in members:
        # No part is skipped by its name: openpyxl reads whatever the index points at, so a
        # shared-strings bomb named `.bin` must be read too. A picture fails at its first byte.
        if member.is_dir():
            continue
        with archive.open(member) as part:
            inspector.part(part)


class BadCell(ValueError):
    """A value that cannot be read; the message says how to write it."""


def _normal(header) -> str:
    return " ".join(str(header).split()).casefold()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _value(cell):
    value = cell.value
    # Excel keeps every date as a date and time: a cell shown without hours holds a date.
    if (
        isinstance(value, datetime)
        and value.time() == time(0)
        and "h" not in (cell.number_format or "").lower()
    ):
        return value.date()
    return value


def _text(value) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a room number typed as a number: 1204, not 1204.0
    return str(value).strip()


def _choice(value, choices: list) -> str:
    """One of two choices, by its value or its label, in any case."""
    wanted = _text(value).casefold()
    for choice in choices:
        if wanted in (choice.value, str(choice.label).casefold()):
            return choice.value
    raise BadCell(
        _("Write %(one)s or %(other)s.") % {"one": choices[0].value, "other": choices[1].value}
    )


def _moment(value) -> tuple[date, time]:
    """A local date and time, from a date-and-time cell or text like 2027-07-22 14:05."""
    if isinstance(value, datetime):
        return value.date(), value.time().replace(microsecond=0)
    if isinstance(value, str):
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"):
            try:
                moment = datetime.strptime(value.strip(), pattern)
            except ValueError:
                continue
            return moment.date(), moment.time()
    raise BadCell(_("Write the local date and time, as 2027-07-22 14:05."))


def _day(value) -> date:
    """A date, from a date cell or text like 2027-07-22."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise BadCell(_("Write the date as 2027-07-22."))


def _won(value) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and re.fullmatch(r"-?[\d, ]+", value.strip()):
        value = int(re.sub(r"[, ]", "", value))  # 1,200,000 as typed in a text cell
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadCell(_("Write a whole number of won, as 450000."))
    if value < 0:
        raise BadCell(_("A cost cannot be negative."))
    return value


class TravelImport:
    """Reads a cohort's flights and rooms from a workbook into unsaved support requests.

    Two queries whatever the number of rows: the participants named, and their bookings."""

    def __init__(self, *, cohort: Cohort):
        self.cohort = cohort

    def read(self, upload) -> list[SupportRequest]:
        header, rows = self._sheet(upload)
        positions = self._columns(header)
        rows = [(number, {key: row[at] for key, at in positions.items()}) for number, row in rows]
        if not rows:
            raise ImportRefused([_("The sheet has column names but no bookings under them.")])

        emails = {_text(cells.get("email")).lower() for _number, cells in rows}
        participants = {
            participant.lowered_email: participant
            for participant in Participant.objects.filter(cohort=self.cohort)
            .annotate(lowered_email=Lower("user__email"))
            .filter(lowered_email__in=emails)
            .select_related("user__profile")
        }
        built = [(number, *self._build(number, cells, participants)) for number, cells in rows]
        booked = services.support_booked_keys(
            cohort=self.cohort,
            participant_ids={r.participant_id for _n, r, _e in built if r and r.participant_id},
        )

        errors, seen, requests = [], {}, []
        for number, request, row_errors in built:
            key = services.support_booking_key(request) if request else None
            if key and None not in key and not row_errors:
                if key in seen:
                    row_errors.append(
                        _("Row %(row)d: the same booking as row %(first)d.")
                        % {"row": number, "first": seen[key]}
                    )
                elif key in booked:
                    row_errors.append(
                        _("Row %(row)d: %(booking)s is already booked for this participant.")
                        % {"row": number, "booking": request.summary}
                    )
                seen.setdefault(key, number)
            errors.extend(row_errors)
            requests.append(request)
        if errors:
            if len(errors) > MAX_ERRORS:
                more = len(errors) - MAX_ERRORS
                errors = [
                    *errors[:MAX_ERRORS],
                    _("… and %(count)d more problems.") % {"count": more},
                ]
            raise ImportRefused(errors)
        return requests

    # The file and its columns ------------------------------------------------------------

    def _sheet(self, upload) -> tuple[list, list]:
        """The first sheet's column names, and its rows that are not blank with their numbers."""
        not_xlsx = _(
            "This file is not an Excel workbook (.xlsx). Save it from Excel or another "
            "spreadsheet as an Excel workbook, without a password, and upload that."
        )
        if PurePath(upload.name or "").suffix.lower() != ".xlsx":
            raise ImportRefused([not_xlsx])
        if upload.size > MAX_BYTES:
            raise ImportRefused(
                [
                    _("This file is over the %(limit)d MB limit: split it into smaller ones.")
                    % {"limit": MAX_BYTES // 2**20}
                ]
            )
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                members = archive.infolist()
                unpacked = sum(member.file_size for member in members)
                if unpacked > MAX_UNPACKED_BYTES or len(members) > MAX_PARTS:
                    raise ImportRefused([not_xlsx])
                _inspect(archive, members)
        except ImportRefused:
            raise
        # A damaged, encrypted or oddly packed zip: not a workbook to read.
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            ValueError,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ):
            raise ImportRefused([not_xlsx]) from None

        workbook = None
        try:
            upload.seek(0)
            workbook = load_workbook(upload, read_only=True, data_only=True)
            if not workbook.worksheets:
                raise ImportRefused([not_xlsx])
            sheet = workbook.worksheets[0]
            # Some programs write a wrong size into the sheet: read it all, as it is.
            sheet.reset_dimensions()
            header = next(sheet.iter_rows(max_row=1, values_only=True), ())
            while header and _blank(header[-1]):
                header = header[:-1]
            if not header:
                raise ImportRefused(
                    [_("The first row of the first sheet must hold the column names.")]
                )
            rows = []
            for number, cells in enumerate(
                sheet.iter_rows(min_row=2, max_col=len(header)), start=2
            ):
                # The reader makes up every missing row up to the last used one: a sheet that
                # runs far past its bookings is refused rather than read to its end.
                if number > LAST_ROW:
                    raise _past_last_row()
                values = [_value(cell) for cell in cells]
                if all(_blank(value) for value in values):
                    continue
                if len(rows) == MAX_ROWS:
                    raise ImportRefused(
                        [
                            _("A file can hold at most %(count)s bookings: split it in two.")
                            % {"count": f"{MAX_ROWS:,}"}
                        ]
                    )
                rows.append((number, values))
        except ImportRefused:
            raise
        # Whatever a broken or hostile file makes the reader raise, the answer is the same.
        except Exception:
            raise ImportRefused([not_xlsx]) from None
        finally:
            if workbook is not None:
                workbook.close()
        return list(header), rows

    def _columns(self, header: list) -> dict[str, int]:
        """Where each column is; refuses missing, unknown, repeated and unnamed columns."""
        known = {_normal(column.header): column.key for column in COLUMNS}
        positions, unknown, repeated, unnamed = {}, [], [], []
        for at, name in enumerate(header):
            if _blank(name):
                unnamed.append(at + 1)
            elif _normal(name) not in known:
                unknown.append(_text(name))
            elif known[_normal(name)] in positions:
                repeated.append(_text(name))
            else:
                positions[known[_normal(name)]] = at
        missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
        errors = []
        if missing:
            errors.append(_("Columns missing: %(names)s.") % {"names": ", ".join(missing)})
        if unknown:
            errors.append(
                _("Columns not known: %(names)s. Use the names of the template.")
                % {"names": ", ".join(unknown)}
            )
        if repeated:
            errors.append(_("Columns named twice: %(names)s.") % {"names": ", ".join(repeated)})
        if unnamed:
            errors.append(
                _("Columns without a name in row 1: %(numbers)s.")
                % {"numbers": ", ".join(str(number) for number in unnamed)}
            )
        if errors:
            raise ImportRefused(errors)
        return positions

    # One row -----------------------------------------------------------------------------

    def _build(self, number: int, cells: dict, participants: dict):
        """The row's booking (None when its kind is unclear) and its errors."""
        errors = {}  # column key -> message; one problem a column is enough to fix it

        def read(key, parse):
            try:
                return parse(cells.get(key))
            except BadCell as bad:
                errors[key] = str(bad)
                return None

        def say():
            said = []
            for key, problem in errors.items():
                if key is None:
                    said.append(_("Row %(row)d: %(problem)s") % {"row": number, "problem": problem})
                else:
                    said.append(
                        _("Row %(row)d, %(column)s: %(problem)s")
                        % {"row": number, "column": HEADERS[key], "problem": problem}
                    )
            return said

        kind = read("kind", lambda value: _choice(value, [SupportKind.FLIGHT, SupportKind.ROOM]))
        if kind is None:
            return None, say()
        wrong = ROOM_ONLY if kind == SupportKind.FLIGHT else FLIGHT_ONLY
        for key in wrong:
            if not _blank(cells.get(key)):
                errors[key] = (
                    _("A flight has no %(column)s: leave it blank.")
                    if kind == SupportKind.FLIGHT
                    else _("A room has no %(column)s: leave it blank.")
                ) % {"column": HEADERS[key]}

        email = _text(cells.get("email")).lower()
        participant = participants.get(email)
        if not email:
            errors["email"] = _("Fill this in.")
        elif participant is None:
            errors["email"] = _("Nobody of %(cohort)s has the address %(email)s.") % {
                "cohort": self.cohort.name,
                "email": email,
            }
        request = SupportRequest(
            cohort=self.cohort,
            kind=kind,
            state=SupportState.ARRANGED,
            participant=participant,
            vendor=_text(cells.get("vendor")),
            booking_reference=_text(cells.get("booking_reference")),
            estimated_cost_krw=read("estimated_cost_krw", _won) or 0,
            actual_cost_krw=read("actual_cost_krw", _won),
            notes=_text(cells.get("notes")),
        )
        if kind == SupportKind.FLIGHT:
            fields = FLIGHT_FIELDS
            if not _blank(cells.get("direction")):
                request.direction = read("direction", lambda v: _choice(v, list(TravelDirection)))
            # Written as airlines print it, so that PR418 and pr 418 are the same flight.
            request.flight_number = " ".join(_text(cells.get("flight_number")).upper().split())
            request.origin = _text(cells.get("origin"))
            request.destination = _text(cells.get("destination"))
            if not _blank(cells.get("departs")):
                request.starts_on, request.departs_time = read("departs", _moment) or (None, None)
            if not _blank(cells.get("arrives")):
                request.ends_on, request.arrives_time = read("arrives", _moment) or (None, None)
            request.summary = _("Flight %(number)s %(from)s → %(to)s") % {
                "number": request.flight_number,
                "from": request.origin,
                "to": request.destination,
            }
        else:
            fields = ROOM_FIELDS
            request.room = _text(cells.get("room"))
            if not _blank(cells.get("check_in")):
                request.starts_on = read("check_in", _day)
            if not _blank(cells.get("check_out")):
                request.ends_on = read("check_out", _day)
            request.summary = _("Room at %(hotel)s") % {"hotel": request.vendor}
        fields = {**FIELD_COLUMNS, **fields}

        # Imported bookings are arranged: they need what an arranged booking needs.
        for name in services.ARRANGED_NEEDS[kind]:
            if getattr(request, name) in (None, "") and fields[name] not in errors:
                errors[fields[name]] = _("Fill this in.")
        try:
            services.support_import_clean(request)
        except ValidationError as invalid:
            for name, problems in invalid.message_dict.items():
                key = None if name == NON_FIELD_ERRORS else fields.get(name)
                errors.setdefault(key, " ".join(problems))
        return request, say()


def template_workbook(*, cohort: Cohort) -> bytes:
    """The workbook to fill in: the column names in bold, and an example flight and room."""
    first = cohort.onsite_starts_on - timedelta(days=1)
    last = cohort.onsite_ends_on + timedelta(days=1)
    examples = [
        {
            "kind": "flight",
            "email": "trainee@example.org",
            "direction": "arrival",
            "flight_number": "PR 418",
            "origin": "MNL",
            "destination": "PUS",
            "departs": datetime.combine(first, time(9, 5)),
            "arrives": datetime.combine(first, time(14, 5)),
            "vendor": "Philippine Airlines",
            "booking_reference": "X7K2QP",
            "estimated_cost_krw": 450_000,
            "notes": _("Example: replace this row with a real flight."),
        },
        {
            "kind": "room",
            "email": "trainee@example.org",
            "vendor": "Haeundae Seaside Hotel",
            "room": "1204",
            "check_in": first,
            "check_out": last,
            "booking_reference": "HS-88231",
            "estimated_cost_krw": 1_600_000,
            "notes": _("Example: replace this row with a real room."),
        },
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Flights and rooms"
    sheet.append([column.header for column in COLUMNS])
    for example in examples:
        sheet.append([example.get(column.key) for column in COLUMNS])
    for at, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=at).font = Font(bold=True)
        letter = sheet.cell(row=1, column=at).column_letter
        sheet.column_dimensions[letter].width = WIDTHS.get(column.key, 16)
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
