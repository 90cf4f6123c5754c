"""Forms of the schedule: a shoot day, the calendar's filter, and the cohort's conflict rules."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.models import Participant
from applicants.validators import validate_plausible_date

from .. import selectors
from ..enums import ConflictAction, ConflictKind
from ..models import ShootDay
from .permits import DateInput

CALENDAR_VIEWS = {"week": _("Week"), "month": _("Month")}
DEFAULT_CALENDAR_VIEW = "week"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, location):
        return f"{location.name} · {location.get_district_display()}"


class CrewChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, participant):
        name = participant.name
        member = getattr(participant, "team_member", None)
        return f"{name} · {member.team}" if member else name


class ShootDayForm(forms.ModelForm):
    """A shoot day's fields and crew; built on a scratch instance so the saved day stays as it
    was until the service has checked the conflicts."""

    location = LocationChoiceField(
        label=_("Location"), queryset=selectors.locations().order_by("name", "pk")
    )
    crew = CrewChoiceField(
        label=_("Crew"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who is on set that day: they are checked for other shoots at that time."),
    )

    class Meta:
        model = ShootDay
        fields = [
            "location",
            "date",
            "call_time",
            "wrap_time",
            "scenes",
            "schedule",
            "crew",
            "crew_count",
            "vehicle_count",
            "equipment",
            "notes",
        ]
        widgets = {
            "date": DateInput(),
            "call_time": TimeInput(),
            "wrap_time": TimeInput(),
            "scenes": forms.Textarea(attrs={"rows": 3}),
            "schedule": forms.Textarea(attrs={"rows": 5}),
            "equipment": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "date": _("Korea time (Asia/Seoul)."),
            "call_time": _("When the crew gathers, Korea time."),
            "wrap_time": _("A wrap earlier than the call is the next morning."),
        }
        error_messages = {
            "date": {"invalid": _("Enter the date as YYYY-MM-DD, such as 2026-12-01.")},
            "call_time": {"invalid": _("Enter the call time as HH:MM, such as 07:30.")},
            "wrap_time": {"invalid": _("Enter the wrap time as HH:MM, such as 19:00.")},
        }

    def __init__(self, *args, cohort, crew_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crew"].queryset = selectors.participants_of(cohort=cohort).order_by(
            "user__profile__legal_name", "pk"
        )
        if crew_initial is not None and not self.is_bound:
            self.initial["crew"] = crew_initial
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save the shoot day")))

    def fields_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "crew"}


class CalendarForm(forms.Form):
    """The calendar's query string: which view, around which date, filtered how."""

    view = forms.ChoiceField(choices=list(CALENDAR_VIEWS.items()), required=False)
    on = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], validators=[validate_plausible_date]
    )
    production = forms.ModelChoiceField(queryset=None, required=False, label=_("Production"))
    location = forms.ModelChoiceField(queryset=None, required=False, label=_("Location"))

    def __init__(self, *args, productions, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["production"].queryset = productions
        self.fields["location"].queryset = locations

    def value(self, name, default=None):
        """A cleaned value; a field that did not validate counts as not given."""
        if name in self.errors:
            return default
        return self.cleaned_data.get(name) or default

    def bad_values_text(self) -> str:
        """What was ignored, for a message above the calendar."""
        messages = []
        for name in self.errors:
            value = self.data.get(name, "")
            if name == "on":
                messages.append(
                    _("“%(value)s” is not a date of the form YYYY-MM-DD.") % {"value": value}
                )
            else:
                messages.append(
                    _("No such %(filter)s: “%(value)s”.")
                    % {"filter": self.fields[name].label or name, "value": value}
                )
        return " ".join(str(message) for message in messages)


class ConflictRulesForm(forms.Form):
    """For each kind of conflict, whether it blocks a save or only warns."""

    def __init__(self, *args, actions: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ConflictKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=ConflictAction.choices,
                initial=actions.get(kind.value),
            )
