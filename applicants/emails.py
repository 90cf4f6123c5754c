"""The one normal form of an e-mail address: what is stored, looked up, counted and compared."""

import contextlib
import unicodedata


def normalize_email(address) -> str:
    """An e-mail address as the desk stores and compares it; two spellings are one account
    exactly when this gives the same string for both.

    In order:

    1. Format characters (Unicode category Cf: zero-width spaces and joiners, the byte-order
       mark, soft hyphens, bidirectional marks) are dropped: they are invisible, so a person
       cannot tell two addresses apart by them.
    2. NFKC, so that compatibility forms (fullwidth letters and at sign, script and circled
       letters, the long s, the Kelvin sign, mathematical letters) become the letters they
       look like.
    3. casefold, then NFKC again (casefolding may leave a string that is not in NFKC). This
       folds the local part too, although RFC 5321 lets a mail server tell THEA@ from thea@:
       no provider our applicants use does, the desk has always kept one account per address in
       any letter case, and Django's address check takes only ASCII in the local part, where
       casefold is plain lower case. Look-alikes from other scripts (a Cyrillic a, a dotless i)
       are not letters of the address, stay as they are, and so name no account.
    4. Surrounding white space (any Unicode space) is trimmed; inner spaces stay, and make the
       address invalid.
    5. An international domain is written in its ASCII form (IDNA, "xn--"), so that both
       spellings of one domain are one; one that cannot be encoded stays as it is and is
       refused by the address check.

    The login's lockout counter (django-axes) keys on this form too, so a spelling that opens
    an account counts its failures against that account's one lock.
    """
    text = "".join(char for char in str(address or "") if unicodedata.category(char) != "Cf")
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).strip()
    local, at, domain = text.rpartition("@")
    if at and domain and not domain.isascii():
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
    return f"{local}{at}{domain}"
