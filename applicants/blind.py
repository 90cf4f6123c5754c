"""Blind copies of documents for reviewers, and whether a document names its applicant.

A blind copy of a PDF is its pages only: no document information (author, title, producer),
no XMP, no attachments, scripts or comments. Its text is searched for the applicant's names
in every script (case and accents folded), their e-mail address and their phone number.
"""

import io
import re
import unicodedata
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

# Letters that carry their accent in the letter itself, so NFKD does not split it off.
UNSPLIT = str.maketrans(
    {"đ": "d", "ð": "d", "ł": "l", "ø": "o", "\u0131": "i", "æ": "ae", "œ": "oe"}
)

# Particles of names in the region, and words too common in a CV to identify anyone on their
# own: "Nguyen Van An" is found whole, never by "van" or "an" alone.
COMMON_TOKENS = frozenset(
    [
        "bin",
        "binti",
        "bte",
        "bt",
        "al",
        "ap",
        "anak",
        "van",
        "thi",
        "dela",
        "del",
        "de",
        "la",
        "da",
        "le",
        "los",
        "las",
        "dos",
        "der",
        "den",
        "ng",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "sir",
        "mister",
        "daw",
        "ko",
        "maung",
        "ma",
        "nang",
        "nai",
    ]
)
# A Latin-letter token identifies someone alone from this length; other scripts are
# matched from two characters (a Korean given name is two syllables).
MIN_LATIN_TOKEN = 3
MIN_OTHER_TOKEN = 2
MIN_PHONE_DIGITS = 7


def fold(text: str) -> str:
    """Text compared without case, accents or compatibility forms: "Nguyễn" is "nguyen"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if unicodedata.category(char) not in ("Mn", "Cf"))
    return bare.casefold().translate(UNSPLIT)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _long_enough(token: str) -> bool:
    # Counted in characters as written: a Korean syllable is one, not its three jamo.
    if token.isascii():
        return len(token) >= MIN_LATIN_TOKEN
    return len(unicodedata.normalize("NFC", token)) >= MIN_OTHER_TOKEN


@dataclass(frozen=True)
class Identity:
    """What names an applicant: their names in every script, e-mail and phone."""

    names: tuple[str, ...]
    email: str = ""
    phone: str = ""  # as the applicant wrote it, to show
    phone_digits: str = ""  # the national number, without country code or trunk zero

    @classmethod
    def of(cls, user) -> "Identity":
        profile = getattr(user, "profile", None)
        names = [user.full_name]
        phone = digits = ""
        if profile is not None:
            names += [profile.legal_name, profile.native_name, profile.preferred_name]
            number = profile.phone
            if number and getattr(number, "national_number", None):
                phone, digits = number.as_international, str(number.national_number)
        return cls(
            names=tuple(name for name in names if name and name.strip()),
            email=user.email or "",
            phone=phone,
            phone_digits=digits,
        )

    def tokens(self) -> dict[str, str]:
        """The parts of the names distinctive enough to identify the applicant alone,
        folded, each with the word as the applicant wrote it."""
        found = {}
        for name in self.names:
            for word in _words(name):
                for token in _words(fold(word)):
                    if token in COMMON_TOKENS or token.isdigit() or not _long_enough(token):
                        continue
                    found.setdefault(token, word)
        return found


def findings(text: str, identity: Identity) -> list[str]:
    """What in `text` names the applicant: whole names, name parts, e-mail or phone."""
    folded = fold(text)
    words = set(_words(folded))
    spaced = f" {' '.join(_words(folded))} "
    compact = "".join(_words(folded))
    found, covered = [], set()
    for name in identity.names:
        parts = _words(fold(name))
        if len(parts) < 2:
            continue  # a one-word name is matched as a token, below
        whole = " ".join(parts)
        if f" {whole} " in spaced or (not whole.isascii() and "".join(parts) in compact):
            found.append(name)
            covered.update(parts)
    for token, word in identity.tokens().items():
        if token in covered:
            continue
        # Latin words are matched whole ("Ana" is not in "analysis"); scripts written without
        # spaces between words (Thai, Khmer, Lao, Burmese), and Korean with its particles,
        # inside the text.
        if token in words if token.isascii() else token in compact:
            found.append(word)
    if identity.email and fold(identity.email) in folded:
        found.append(identity.email)
    if _has_phone(text, identity.phone_digits):
        found.append(identity.phone)
    return found


def _has_phone(text: str, national: str) -> bool:
    if len(national) < MIN_PHONE_DIGITS:
        return False
    for run in re.findall(r"\+?\d[\d\s().\-/]{5,}\d", text):
        if national in re.sub(r"\D", "", run):
            return True
    return False


@dataclass(frozen=True)
class BlindCopy:
    content: bytes
    text: str


class BlindCopyError(Exception):
    """The PDF could not be copied or its text read."""


# Link annotations stay (a portfolio's links to films); comments and form fields, which
# carry their author's name, go.
KEPT_ANNOTATIONS = {"/Link"}
PAGE_KEYS_DROPPED = ("/Metadata", "/PieceInfo", "/AA", "/Thumb")


def blind_pdf(data: bytes) -> BlindCopy:
    """The pages of a PDF in a new file without its metadata, and the text of those pages."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        writer = PdfWriter()
        texts = []
        for page in reader.pages:
            texts.append(page.extract_text() or "")
            added = writer.add_page(page)
            for key in PAGE_KEYS_DROPPED:
                if key in added:
                    del added[NameObject(key)]
            _drop_image_metadata(added)
            if "/Annots" in added:
                kept = [
                    _bare_link(annotation.get_object())
                    for annotation in added["/Annots"]
                    if _kept_annotation(annotation.get_object())
                ]
                added[NameObject("/Annots")] = ArrayObject(kept)
                # A link's address is read too: vimeo.com/pham-thu-ha names its owner.
                texts.extend(_link_words(link) for link in kept)
        # PdfWriter writes a /Producer of its own; nothing of the original's information.
        writer.metadata = None
        # What was cloned with the pages and dropped since (a picture's XMP, a link's title)
        # would still be written as an object nothing points at.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise BlindCopyError(str(error)) from error
    return BlindCopy(content=out.getvalue(), text="\n".join(texts))


def _drop_image_metadata(page) -> None:
    """Pictures carry XMP of their own (dc:creator names the photographer, often the author)."""
    resources = page.get("/Resources")
    objects = resources.get_object().get("/XObject") if resources is not None else None
    if objects is None:
        return
    for reference in objects.get_object().values():
        stream = reference.get_object()
        if "/Metadata" in stream:
            del stream[NameObject("/Metadata")]


def _bare_link(annotation) -> DictionaryObject:
    """A link with where it is and where it goes, and none of its text (/T, /Contents...)."""
    link = DictionaryObject()
    for key in ("/Type", "/Subtype", "/Rect", "/Border", "/Dest"):
        if key in annotation:
            link[NameObject(key)] = annotation[key]
    action = annotation.get("/A")
    uri = action.get_object().get("/URI") if action is not None else None
    if uri is not None:
        link[NameObject("/A")] = DictionaryObject(
            {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(str(uri))}
        )
    return link


def _link_words(link) -> str:
    action = link.get("/A")
    uri = str(action.get("/URI", "")) if action is not None else ""
    return re.sub(r"[/._\-]+", " ", uri)


def _kept_annotation(annotation) -> bool:
    if annotation.get("/Subtype") not in KEPT_ANNOTATIONS:
        return False
    action = annotation.get("/A")
    uri = str(action.get_object().get("/URI", "")) if action is not None else ""
    return not uri.lower().startswith("mailto:")


def pdf_text(data: bytes) -> str:
    """The text of a PDF's pages, as reviewers' software would read it."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise BlindCopyError(str(error)) from error
