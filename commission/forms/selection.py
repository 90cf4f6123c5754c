"""Forms of selection: proposing the cohort, a manager's override, the release of decisions."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applicants.enums import ApplicationStatus

# The orders a proposal may follow, as the ranking computes them.
PROPOSAL_ORDERS = ("normalised", "mean", "median")
DEFAULT_ORDER = "normalised"


class ProposeForm(forms.Form):
    """Propose the cohort in the order the board shows; a bad order falls back to normalised."""

    order = forms.ChoiceField(
        choices=[(order, order) for order in PROPOSAL_ORDERS],
        required=False,
        widget=forms.HiddenInput,
    )

    def clean_order(self):
        return self.cleaned_data["order"] or DEFAULT_ORDER


class OverrideForm(forms.Form):
    """A manager's own decision on one application, and why.

    The board writes it by hand in each row: a crispy helper per row would be heavy.
    """

    to = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ApplicationStatus.ACCEPTED, _("Offer a seat")),
            (ApplicationStatus.WAITLISTED, _("Waitlist")),
            (ApplicationStatus.REJECTED, _("Regret")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Write down why you override the proposal.")},
    )


class ReleaseForm(forms.Form):
    """Release every decision at once, once the manager has said they checked them."""

    confirm = forms.BooleanField(
        label=_("I have checked the decisions"),
        error_messages={"required": _("Tick “I have checked the decisions” to release them.")},
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse("decisions_release", kwargs={"slug": cohort.slug})
        self.helper.layout = Layout("confirm")
        self.helper.add_input(Submit("release", _("Release all decisions"), css_class="btn-danger"))
