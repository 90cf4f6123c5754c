"""A second factor for staff who can read personal data: TOTP, with recovery codes.

Through django-otp. A staff member with a confirmed authenticator logs in with their password
(Django's login, untouched), then gives a code on the verify page before any other page; until
they do, and until they set one up at all, `applicants.read_personal_data` says no and personal
data stays masked (see `applicants.rules`). Applicants are never asked for one.

A wrong code makes the next try wait 1, 2, 4... seconds (django-otp's throttling, per device),
on top of the password's own lockout (django-axes).
"""

import rules
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Set at login for a user with a confirmed device; cleared by the second factor.
PENDING = "second_factor_pending"
RECOVERY_CODES = 10
AUTHENTICATOR = "Authenticator"
RECOVERY = "Recovery codes"

# Pages a user between their password and their code may open.
OPEN_WHILE_PENDING = ("two_factor_verify", "logout", "set_language")


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@receiver(user_logged_in, dispatch_uid="commission.two_factor.ask_for_second_factor")
def ask_for_second_factor(sender, request, user, **kwargs):
    """After the password: a user with an authenticator owes a code before the next page."""
    if request is None or not hasattr(request, "session"):
        return
    if user.is_staff and has_authenticator(user):
        request.session[PENDING] = True
    else:
        request.session.pop(PENDING, None)


class SecondFactorMiddleware:
    """Sends a signed-in user who owes their code to the verify page, from any other page.

    Reads the session only (no query), so a page's query count is the same for everyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(PENDING):
            if self.open_paths is None:
                self.open_paths = {reverse(name) for name in OPEN_WHILE_PENDING}
            user = request.user
            if not user.is_authenticated or user.is_verified():
                session.pop(PENDING, None)
            elif request.path not in self.open_paths and not request.path.startswith(
                settings.STATIC_URL
            ):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('two_factor_verify')}?{query}")
        return self.get_response(request)


def second_factor_owed(user) -> bool:
    """Could read personal data, but has not given a second factor in this session."""
    return rules.has_perm("applicants.needs_second_factor", user) and not user.is_verified()


# Services ---------------------------------------------------------------------------------


def authenticator_start(*, user) -> TOTPDevice:
    """The user's authenticator being set up: a new secret, unconfirmed until a code proves it.

    The same secret until it is confirmed, so a reload does not break a half-scanned code.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def authenticator_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code from it; None if the code is wrong.

    On success the user's other authenticators go, and ten new recovery codes replace the old:
    returned here, once, to be shown once.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return recovery_codes_replace(user=device.user)


def recovery_codes_replace(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes


def device_for(*, user, token: str):
    """The device a token is meant for: six digits are the authenticator's, anything else a
    recovery code. Each keeps its own throttle."""
    token = "".join(token.split()).lower()
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    return token, model.objects.filter(user=user, confirmed=True).first()


# The demo ---------------------------------------------------------------------------------

# The demo staff's authenticator secret: public, in the README, so never outside the demo
# (seed_demo and demo_code refuse to run in production). RFC 6238's own test key.
DEMO_KEY = "3132333435363738393031323334353637383930"
DEMO_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # noqa: S105 (the same, in base32)


def demo_authenticator_add(*, user) -> TOTPDevice | None:
    """Give a demo staff member who can read personal data the demo's authenticator."""
    if not rules.has_perm("applicants.needs_second_factor", user):
        return None
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name=AUTHENTICATOR, defaults={"key": DEMO_KEY, "confirmed": True}
    )
    return device


def demo_code() -> str:
    """The demo authenticator's code of this moment."""
    device = TOTPDevice(key=DEMO_KEY)
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
