"""Excel workbooks written as they are read: openpyxl's write-only mode, rows streamed to disk.

Each export is a list of sheets; each sheet is typed columns and an iterator of rows. The
writer makes every sheet look the same: a bold header row that stays put, an autofilter,
column widths, dates and money as typed cells, and no text that a spreadsheet could run.
"""

import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .text import file_name

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT = "text"
NUMBER = "number"  # a count, an ID
DECIMAL = "decimal"  # a score
MONEY = "money"  # whole won
DATE = "date"
DATETIME = "datetime"  # shown in Korea time, which is when everything here happens
TIME = "time"

FORMATS = {
    NUMBER: "0",
    DECIMAL: "0.0",
    MONEY: '#,##0 "₩"',
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    TIME: "hh:mm",
}

# What a spreadsheet may read as the start of a formula (OWASP's list, as in defusedcsv).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot carry: control characters, lone surrogates, U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's own limits: a sheet name, a cell's text.
SHEET_TITLE_LENGTH = 31
CELL_TEXT_LENGTH = 32_767
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(name="Calibri", size=11, bold=True)  # named: a bare bold font prints as a serif


def neutralise(text: str) -> str:
    """Text as a spreadsheet shows it and never runs it: a formula, or text that reads as an
    error code (#N/A), gets a leading apostrophe.

    Characters XML cannot carry are dropped; every script (Khmer, Lao, Hangul...) is kept.
    """
    if not text.isprintable():  # the common case skips the search
        text = XML_ILLEGAL.sub("", text)
    if text.startswith(FORMULA_STARTS) or text in ERROR_CODES:
        text = "'" + text
    return text[:CELL_TEXT_LENGTH]


def sheet_title(title: str) -> str:
    return _SHEET_TITLE_FORBIDDEN.sub(" ", str(title))[:SHEET_TITLE_LENGTH]


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = 16


@dataclass
class Sheet:
    """One table: a header row of columns, then rows of values in the same order.

    `finish` is called with the worksheet and the number of rows written, for what comes after
    the rows (a chart).
    """

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    finish: Callable | None = field(default=None)


def _as_text(value) -> str:
    return neutralise(value if isinstance(value, str) else str(value))


def _as_local(value):
    """Excel keeps no time zone: an aware time is written as it reads in Korea."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)
    return value


def _converter(worksheet, column: Column):
    """A function from a value to what the worksheet appends, one per column.

    A styled column reuses one cell: write-only mode writes each row as it is appended.
    """
    if column.kind == TEXT:
        return lambda value: None if value is None or value == "" else _as_text(value)
    cell = WriteOnlyCell(worksheet)
    cell.number_format = FORMATS[column.kind]

    def convert(value):
        if value is None or value == "":
            return None
        if isinstance(value, str):  # a value a column could not type: kept, and harmless
            return _as_text(value)
        if isinstance(value, Decimal):
            value = float(value)
        cell.value = _as_local(value)
        return cell

    return convert


def cell(worksheet, value, kind: str = TEXT, *, bold: bool = False) -> WriteOnlyCell:
    """One cell written outside a table's columns (a heading, a fact below a table)."""
    made = WriteOnlyCell(worksheet)
    if kind == TEXT:
        made.value = None if value is None else _as_text(value)
    else:
        made.value = _as_local(value)
        made.number_format = FORMATS[kind]
    if bold:
        made.font = BOLD
    return made


def write_sheet(workbook: Workbook, sheet: Sheet) -> int:
    """Write one sheet; the number of rows written, header excluded."""
    worksheet = workbook.create_sheet(title=sheet_title(sheet.title))
    for index, column in enumerate(sheet.columns, 1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    worksheet.freeze_panes = "A2"
    # Printed or made a PDF: landscape, as wide as the page, the header on every page.
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.fitToWidth, worksheet.page_setup.fitToHeight = 1, 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.print_title_rows = "1:1"

    fill = PatternFill("solid", fgColor="E9ECEF")
    wrap = Alignment(vertical="top", wrap_text=True)
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(worksheet, value=_as_text(column.header))
        cell.font, cell.fill, cell.alignment = BOLD, fill, wrap
        header.append(cell)
    worksheet.append(header)
    converters = [_converter(worksheet, column) for column in sheet.columns]
    written = 0
    for row in sheet.rows:
        worksheet.append([convert(value) for convert, value in zip(converters, row, strict=True)])
        written += 1
    last = get_column_letter(max(len(sheet.columns), 1))
    worksheet.auto_filter.ref = f"A1:{last}{written + 1}"
    if sheet.finish:
        sheet.finish(worksheet, written)
    return written


class XlsxExport:
    """One workbook of one or more sheets. Subclasses say `filename` and yield `sheets()`."""

    filename = "export"

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def write(self, target) -> None:
        """Write the workbook to a path or a binary file, sheet after sheet."""
        workbook = Workbook(write_only=True)
        for sheet in self.sheets():
            write_sheet(workbook, sheet)
        workbook.save(target)

    def size(self) -> int | None:
        """How many rows it holds, when a count tells at a glance; None when it does not.
        A workbook over the limit, or of unknown size, is built by the task worker."""
        return None

    def get_filename(self) -> str:
        stamp = timezone.localtime(timezone.now(), timezone.get_default_timezone())
        return file_name(f"{self.filename}-{stamp:%Y%m%d-%H%M}.xlsx", "export.xlsx")

    def response(self) -> FileResponse:
        """The workbook as a download, spooled through a temporary file rather than memory."""
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
        self.write(spool)
        spool.seek(0)
        response = FileResponse(
            spool, as_attachment=True, filename=self.get_filename(), content_type=CONTENT_TYPE
        )
        response["Cache-Control"] = "private, no-store"  # names, and sometimes passports
        return response


class ListExport(XlsxExport):
    """A staff list's rows, as filtered on its page, on one sheet."""

    title = ""

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def rows(self) -> Iterator[Sequence]:
        raise NotImplementedError

    def sheets(self) -> Iterator[Sheet]:
        yield Sheet(title=self.title, columns=self.columns(), rows=self.rows())
