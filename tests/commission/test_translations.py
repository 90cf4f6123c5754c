"""The Korean catalogue: every string translated, and the compiled .mo up to date with it."""

import ast

from django.conf import settings
from django.utils import translation

PO = settings.BASE_DIR / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def entries():
    """(msgid, msgstr, flags) of each singular entry of the .po file."""
    entry, key, flags = {}, None, ""
    for line in [*PO.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,"):
            flags = line
        elif line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
            key, _space, literal = line.partition(" ")
            entry[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
        elif not line.strip():
            if entry.get("msgid") and "msgid_plural" not in entry:
                yield entry["msgid"], entry.get("msgstr", ""), flags
            entry, key, flags = {}, None, ""


def test_every_string_has_a_korean_translation():
    untranslated = [msgid for msgid, msgstr, flags in entries() if not msgstr or "fuzzy" in flags]

    assert untranslated == []


def test_the_compiled_catalogue_holds_every_translation():
    with translation.override("ko"):
        stale = [msgid for msgid, msgstr, _f in entries() if translation.gettext(msgid) != msgstr]

    assert stale == [], "run `make messages` to compile locale/ko"
