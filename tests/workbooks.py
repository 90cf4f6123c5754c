"""Reading a downloaded workbook in a test."""

import io

from openpyxl import load_workbook


def workbook_of(response):
    """The workbook a download response carries.

    Reading the stream to its end closes the response (and its spool file), as the test
    client does; closing it again would close the database connection too.
    """
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(sheet) -> list[dict]:
    """A sheet's rows below the header, each as a dict of header to value."""
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]
