"""Stored addresses in their one normal form (see applicants/emails.py).

Rows written before it were only trimmed and lower-cased, so two of them may name one address
(a fullwidth letter in the domain, a zero-width space). Of such look-alikes the oldest account
keeps the address; each newer one is deactivated under duplicate-<id>@invalid, with an audit
entry naming its old address, and listed on the console for an administrator to settle.
"""

import contextlib
import sys
import unicodedata
from collections import defaultdict

from django.db import migrations


def normal_form(address):
    # A copy of applicants.emails.normalize_email as it was when this migration was written.
    text = "".join(char for char in str(address or "") if unicodedata.category(char) != "Cf")
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).strip()
    local, at, domain = text.rpartition("@")
    if at and domain and not domain.isascii():
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("idna").decode("ascii")
    return f"{local}{at}{domain}"


def normalise_user_emails(apps, schema_editor):
    User = apps.get_model("applicants", "User")
    AuditEntry = apps.get_model("applicants", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    accounts = defaultdict(list)
    for pk, email in User.objects.order_by("date_joined", "pk").values_list("pk", "email"):
        accounts[normal_form(email)].append((pk, email))
    # Look-alikes step aside first, so that the oldest can take the normal form.
    for normal, rows in accounts.items():
        (kept, _kept_email), *newer = rows
        for pk, email in newer:
            User.objects.filter(pk=pk).update(email=f"duplicate-{pk}@invalid", is_active=False)
            AuditEntry.objects.create(
                content_type=ContentType.objects.get_or_create(
                    app_label="applicants", model="user"
                )[0],
                object_id=pk,
                action="user.email_duplicate",
                note=f"{email} is {normal}, the address of account {kept}",
            )
            sys.stdout.write(
                f"\n  account {pk} ({email!r}) is a look-alike of account {kept} ({normal}):"
                f" deactivated as duplicate-{pk}@invalid"
            )
    for normal, rows in accounts.items():
        kept, email = rows[0]
        if email != normal:
            User.objects.filter(pk=kept).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("applicants", "0009_personal_data_access_log"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(normalise_user_emails, migrations.RunPython.noop, elidable=True),
    ]
