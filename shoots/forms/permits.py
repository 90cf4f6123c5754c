"""Forms of the permits desk: a new permit, its details, and a move to another status.

Plain forms rather than model forms: a model form writes what it validates onto its
instance, and the page would then show unsaved values as if they were saved.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.validators import validate_plausible_date

from ..enums import PERMIT_TRANSITIONS, PermitActivity, PermitStatus
from ..models import Authority


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _text(label, max_length, *, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PermitDetailsForm(forms.Form):
    """What an application to an authority says: the same on a new permit and on its page."""

    activities = forms.MultipleChoiceField(
        label=_("Activities"),
        choices=PermitActivity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Anything beyond ordinary filming that the authority must agree to."),
    )
    crew_size = forms.IntegerField(label=_("Crew size"), min_value=0, max_value=200, initial=0)
    vehicle_count = forms.IntegerField(label=_("Vehicles"), min_value=0, max_value=50, initial=0)
    parking_plan = _text(
        _("Parking plan"), 2000, help_text=_("Where the vehicles stand, and for how long.")
    )
    fee_krw = forms.IntegerField(
        label=_("Fee (KRW)"), min_value=0, max_value=100_000_000, initial=0
    )
    notes = _text(_("Notes"), 2000)


class PermitCreateForm(PermitDetailsForm):
    field_order = ["authority"]

    authority = forms.ModelChoiceField(
        label=_("Authority"),
        queryset=Authority.objects.order_by("name"),
        empty_label=_("Choose the authority"),
        error_messages={"invalid_choice": _("Choose an authority from the list.")},
    )


class PermitUpdateForm(PermitDetailsForm):
    reference_number = forms.CharField(
        label=_("Reference number"),
        max_length=60,
        required=False,
        help_text=_("The number the authority gave the application."),
    )
    conditions = _text(_("Conditions"), 2000)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput(),
        validators=[validate_plausible_date],
        error_messages={"invalid": _("Enter a date such as 2026-12-31.")},
    )
    insurance_certificate = forms.FileField(
        label=_("Insurance certificate"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 10 MB. A new file replaces the one attached."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    @staticmethod
    def initial_of(permit) -> dict:
        names = [*PermitDetailsForm.base_fields, "reference_number", "conditions", "expires_on"]
        return {name: getattr(permit, name) for name in names}


class PermitTransitionForm(forms.Form):
    """A move to another status, with what the authority answered."""

    to = forms.ChoiceField(
        choices=PermitStatus.choices,
        error_messages={"invalid_choice": _("Choose one of the status buttons.")},
    )
    reference_number = forms.CharField(
        label=_("Reference number"),
        max_length=60,
        required=False,
        help_text=_("Needed to record an approval."),
    )
    conditions = _text(
        _("Conditions"), 2000, rows=2, help_text=_("Needed for an approval with conditions.")
    )


# The order of the status buttons, and what each says.
TRANSITION_BUTTONS = [
    (PermitStatus.SUBMITTED, _("Mark as filed"), "btn-primary"),
    (PermitStatus.APPROVED, _("Record the approval"), "btn-success"),
    (
        PermitStatus.APPROVED_WITH_CONDITIONS,
        _("Record an approval with conditions"),
        "btn-outline-success",
    ),
    (PermitStatus.REJECTED, _("Record the rejection"), "btn-outline-danger"),
    (PermitStatus.DRAFT, _("Back to draft, to file again"), "btn-outline-secondary"),
    (PermitStatus.CANCELLED, _("Cancel the permit"), "btn-outline-danger"),
]


def transition_buttons(status: str) -> list[tuple[str, str, str]]:
    """The buttons for the statuses a permit may move to next: (status, label, classes)."""
    allowed = PERMIT_TRANSITIONS[PermitStatus(status)]
    return [button for button in TRANSITION_BUTTONS if button[0] in allowed]
