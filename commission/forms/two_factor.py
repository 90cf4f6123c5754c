"""The second factor's forms: a code from the authenticator, or a recovery code."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class ConfirmForm(TokenForm):
    """The first code of a new authenticator: six digits."""

    token = forms.RegexField(
        label=_("Six-digit code from the app"),
        regex=r"^\s*\d{3}\s*\d{3}\s*$",
        error_messages={"invalid": _("Enter the six digits the app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class VerifyForm(TokenForm):
    token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off"}
        ),
    )
