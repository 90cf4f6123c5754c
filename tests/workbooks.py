"""Reading a downloaded workbook in a test."""

import io

from openpyxl import load_workbook


def workbook_of(response):
    """The workbook a download response carries; the response's spool file is closed."""
    assert response.status_code == 200, response.status_code
    try:
        content = b"".join(response.streaming_content)
    finally:
        response.close()
    return load_workbook(io.BytesIO(content))


def rows_of(sheet) -> list[dict]:
    """A sheet's rows below the header, each as a dict of header to value."""
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]
