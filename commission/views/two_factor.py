"""The second factor: setting up an authenticator, and the code asked after the password.

Django's login view checks the password; these pages come after it (see
`commission.two_factor`), so the login form stays as it is.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from rules.contrib.views import permission_required

from .. import two_factor
from ..forms.two_factor import ConfirmForm, VerifyForm


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url("desk" if request.user.is_staff else settings.LOGIN_REDIRECT_URL)


def _verified(request, device):
    """The session now holds the second factor; a fresh session key for the stronger login."""
    otp_login(request, device)
    request.session.pop(two_factor.PENDING, None)
    request.session.cycle_key()


def _qr_svg(device) -> str:
    # Inline SVG: no image request and no script, as the Content-Security-Policy wants.
    code = segno.make(device.config_url, error="m")
    return mark_safe(  # noqa: S308 (segno's own markup of a URL we built)
        code.svg_inline(scale=4, title=_("QR code of your authenticator's secret"))
    )


def _secret(device) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))


def _codes_page(request, codes):
    response = render(request, "commission/two_factor/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@permission_required("commission.use_desk", raise_exception=True)
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator: its secret as a QR code and as text, confirmed by a code from
    it; then ten recovery codes, shown once. Replacing one needs the second factor first."""
    user = request.user
    has_authenticator = two_factor.has_authenticator(user)
    if has_authenticator and not user.is_verified():
        query = urlencode({"next": reverse("two_factor_setup")})
        return redirect(f"{reverse('two_factor_verify')}?{query}")
    if request.method == "POST" and "recovery_codes" in request.POST and has_authenticator:
        return _codes_page(request, two_factor.recovery_codes_replace(user=user))
    device = two_factor.authenticator_start(user=user)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.authenticator_confirm(
            device=device, token="".join(form.cleaned_data["token"].split())
        )
        if codes is None:
            form.add_error("token", _("That code is not right. Check the app and try again."))
        else:
            device.refresh_from_db()
            _verified(request, device)
            messages.success(request, _("Two-factor login is on."))
            return _codes_page(request, codes)
    return render(
        request,
        "commission/two_factor/setup.html",
        {
            "form": form,
            "has_authenticator": has_authenticator,
            "secret": _secret(device),
            "qr": _qr_svg(device),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The code after the password: from the authenticator, or a recovery code (used once)."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified() or not two_factor.has_authenticator(user):
        request.session.pop(two_factor.PENDING, None)
        return redirect(next_url)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, device = two_factor.device_for(user=user, token=form.cleaned_data["token"])
        allowed, wait = (False, None) if device is None else device.verify_is_allowed()
        if device is not None and not allowed:
            until = localtime(wait["locked_until"]) if wait and "locked_until" in wait else None
            form.add_error(
                "token",
                _("Too many wrong codes. Try again after %(time)s.")
                % {"time": date_format(until, "TIME_FORMAT") if until else _("a minute")},
            )
        elif device is not None and verify_token(user, device.persistent_id, token):
            _verified(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(left)d is left. Set up new ones soon.",
                        "You used a recovery code: %(left)d are left. Set up new ones soon.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(next_url)
        else:
            form.add_error("token", _("That code is not right. Check the app and try again."))
    return render(request, "commission/two_factor/verify.html", {"form": form, "next": next_url})
