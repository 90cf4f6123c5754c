"""People's text made safe for the outputs that controls break: calendar feeds, CSV and Excel
cells, mail headers and download file names.

A name may hold anything its form let through, a line break or a NUL among them. Each
output takes it through one of these: `one_line` where a line break ends a header or a
content line, `plain_text` where lines are kept, `file_name` for what a browser saves.
Letters, marks and joiners of every script are kept.
"""

import re

# Line and paragraph breaks of every kind: CRLF, LF, CR, VT, FF, FS/GS/RS, NEL, U+2028, U+2029.
LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# The other controls (C0 but tab, DEL, C1), lone surrogates and the non-characters U+FFFE
# and U+FFFF: nothing a person means, and each breaks some format (XML, SMTP, iCalendar).
CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Bidirectional overrides and isolates turn "cv\u202efdp.exe" into a name that reads as a PDF.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain_text(text: str) -> str:
    """`text` with its line breaks as LF and no other control character but the tab."""
    if text.isprintable():  # the common case: no control, no break, nothing to search for
        return text
    return CONTROLS.sub("", LINE_BREAKS.sub("\n", text))


def one_line(text: str) -> str:
    """`text` on one line: each line break or tab a space, other controls dropped."""
    if text.isprintable():
        return text
    return CONTROLS.sub("", LINE_BREAKS.sub(" ", text)).replace("\t", " ")


def file_name(name: str, fallback: str = "download") -> str:
    """A name a browser saves a download under: one line, no folders, no bidi tricks."""
    name = BIDI_CONTROLS.sub("", one_line(name)).replace("/", "-").replace("\\", "-")
    return name.strip(" .") or fallback
