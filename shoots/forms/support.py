"""Forms of the logistics desk: a support request (the desk's and a participant's), a move to
another state, an attachment and a budget line.

Plain forms rather than model forms, as for permits: the page must not show unsaved values on
the request as if they were saved.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from applicants.validators import validate_plausible_date

from .. import selectors
from ..enums import (
    PARTICIPANT_SUPPORT_KINDS,
    SUPPORT_TRANSITIONS,
    SupportKind,
    SupportState,
    TravelDirection,
)
from ..models import MAX_KRW, Production
from .permits import DateInput, _text
from .schedule import TimeInput

DATE_ERRORS = {"invalid": _("Enter a date such as 2026-12-31.")}
TIME_ERRORS = {"invalid": _("Enter a time such as 14:30.")}


def _date(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(),
        validators=[validate_plausible_date],
        error_messages=DATE_ERRORS,
        help_text=help_text,
    )


def _time(label, help_text=""):
    return forms.TimeField(
        label=label,
        required=False,
        widget=TimeInput(),
        error_messages=TIME_ERRORS,
        help_text=help_text,
    )


def _krw(label, *, required=True):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_KRW,
        required=required,
        initial=0 if required else None,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000}),
    )


def add_model_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a model's validation errors on the form: by field where it has one, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = name if name in form.fields else None
        if name == "shoot_day" and "subject" in form.fields:
            field = "subject"
        form.add_error(None if name == NON_FIELD_ERRORS else field, errors)


class SubjectField(forms.ChoiceField):
    """Whom or what a request is for, as one choice: "participant:7", "shoot_day:3"..."""

    KINDS = ("participant", "production", "shoot_day")

    def __init__(self, *, objects: dict, **kwargs):
        self.objects = objects  # value -> object
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        kind = value.split(":")[0]
        return {name: self.objects[value] if name == kind else None for name in self.KINDS}


def _value(kind, obj) -> str:
    return f"{kind}:{obj.pk}"


def subject_value(request) -> str:
    if request.participant_id:
        return _value("participant", request.participant)
    if request.shoot_day_id:
        return _value("shoot_day", request.shoot_day)
    return _value("production", request.production)


def _day_label(day) -> str:
    return f"{day.date:%Y-%m-%d} · {day.production.title} · {day.location.name}"


class SubjectForm(forms.Form):
    """A form whose "subject" choice names a participant, a production or a shoot day."""

    def fields_for_service(self) -> dict:
        fields = dict(self.cleaned_data)
        fields.update(fields.pop("subject"))
        return fields


class SupportRequestForm(SubjectForm):
    """The desk's request: for any participant, film or shoot day of the cohort."""

    subject = forms.ChoiceField(label=_("For"))
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    summary = forms.CharField(
        label=_("What is needed"),
        max_length=200,
        help_text=_("For example: Khmer-Korean interpreter for the market scenes."),
    )
    starts_on = _date(
        _("Start date"), _("The first day; a flight's departure date; a room's check-in.")
    )
    ends_on = _date(_("End date"), _("The last day; a flight's arrival date; a room's check-out."))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=500, initial=1)
    vendor = forms.CharField(
        label=_("Vendor"),
        max_length=120,
        required=False,
        help_text=_("The hotel for a room, the airline for a flight."),
    )
    booking_reference = forms.CharField(label=_("Booking reference"), max_length=40, required=False)
    estimated_cost_krw = _krw(_("Estimated cost (KRW)"))
    actual_cost_krw = _krw(_("Actual cost (KRW)"), required=False)
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=selectors.support_assignees(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    due_on = _date(_("Arrange by"))
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=[("", _("Not travel")), *TravelDirection.choices],
        required=False,
    )
    flight_number = forms.CharField(label=_("Flight number"), max_length=12, required=False)
    origin = forms.CharField(label=_("From (place)"), max_length=80, required=False)
    destination = forms.CharField(label=_("To (place)"), max_length=80, required=False)
    departs_time = _time(
        _("Departs (local time)"), _("As on the ticket; for a transfer, the pick-up time.")
    )
    arrives_time = _time(_("Arrives (local time)"))
    room = forms.CharField(label=_("Room number"), max_length=20, required=False)
    notes = _text(_("Notes"), 2000)

    # The form's sections on the page: (heading, field names).
    SECTIONS = [
        (
            _("The request"),
            ["subject", "kind", "summary", "starts_on", "ends_on", "quantity", "notes"],
        ),
        (
            _("Handling and cost"),
            [
                "assignee",
                "due_on",
                "vendor",
                "booking_reference",
                "estimated_cost_krw",
                "actual_cost_krw",
            ],
        ),
        (
            _("Travel and rooms"),
            [
                "direction",
                "flight_number",
                "origin",
                "destination",
                "departs_time",
                "arrives_time",
                "room",
            ],
        ),
    ]

    def __init__(self, *args, cohort, assignee=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Whoever the request is assigned to stays a choice, even after leaving the role.
        self.fields["assignee"].queryset = selectors.support_assignees(keep=assignee)
        objects, groups = {}, []
        for label, kind, items, name in [
            (_("Participants"), "participant", selectors.participants_of(cohort=cohort), str),
            (
                _("Productions"),
                "production",
                Production.objects.filter(team__cohort=cohort).select_related("team"),
                str,
            ),
            (
                _("Shoot days"),
                "shoot_day",
                selectors.shoot_days_of(cohort=cohort).order_by("date", "call_time"),
                _day_label,
            ),
        ]:
            options = []
            for item in items:
                objects[_value(kind, item)] = item
                options.append(
                    (_value(kind, item), name(item) if kind != "participant" else item.name)
                )
            if options:
                groups.append((label, options))
        self.fields["subject"] = SubjectField(
            label=_("For"),
            objects=objects,
            choices=[("", _("Choose a participant, a film or a shoot day")), *groups],
            error_messages={"invalid_choice": _("Choose from the list whom this is for.")},
        )

    @property
    def sections(self):
        return [(heading, [self[name] for name in names]) for heading, names in self.SECTIONS]

    @staticmethod
    def initial_of(request) -> dict:
        names = [name for name in SupportRequestForm.base_fields if name != "subject"]
        return {"subject": subject_value(request)} | {
            name: getattr(request, name) for name in names
        }


class ParticipantSupportForm(SubjectForm):
    """What a participant asks the desk for: for themselves, or for a shoot day of their team."""

    kind = forms.ChoiceField(
        label=_("What kind of help?"),
        choices=[(kind.value, kind.label) for kind in PARTICIPANT_SUPPORT_KINDS],
    )
    summary = forms.CharField(
        label=_("What do you need?"),
        max_length=200,
        help_text=_("For example: an interpreter from Khmer to Korean for the market scenes."),
    )
    starts_on = _date(_("From"))
    ends_on = _date(_("Until"), _("Leave empty for one day."))
    quantity = forms.IntegerField(label=_("How many?"), min_value=1, max_value=500, initial=1)
    notes = _text(_("Anything else the desk should know?"), 2000)

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        objects = {_value("participant", participant): participant}
        days = []
        member = getattr(participant, "team_member", None)
        if member is not None:
            for day in selectors.shoot_days_of(cohort=participant.cohort).filter(
                production__team=member.team_id
            ):
                objects[_value("shoot_day", day)] = day
                days.append((_value("shoot_day", day), _day_label(day)))
        choices = [(_value("participant", participant), _("Me"))]
        if days:
            choices.append((_("A shoot day of my team"), days))
        self.fields["subject"] = SubjectField(
            label=_("For"),
            objects=objects,
            choices=choices,
            error_messages={"invalid_choice": _("Choose yourself or one of your team's days.")},
        )
        self.order_fields(["subject"])


class SupportTransitionForm(forms.Form):
    to = forms.ChoiceField(
        choices=SupportState.choices,
        error_messages={"invalid_choice": _("Choose one of the state buttons.")},
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("Why, for the request's history: say why when you cancel."),
    )


# The order of the state buttons, and what each says.
TRANSITION_BUTTONS = [
    (SupportState.APPROVED, _("Approve"), "btn-primary"),
    (SupportState.ARRANGED, _("Mark as arranged"), "btn-success"),
    (SupportState.DONE, _("Mark as done"), "btn-outline-success"),
    (SupportState.CANCELLED, _("Cancel the request"), "btn-outline-danger"),
]
# Going back from arranged: a booking that fell through.
BACK_BUTTON = (
    SupportState.APPROVED,
    _("Back to approved, to arrange again"),
    "btn-outline-secondary",
)


def transition_buttons(state: str) -> list[tuple[str, str, str]]:
    """The buttons for the states a request may move to next: (state, label, classes)."""
    allowed = SUPPORT_TRANSITIONS[SupportState(state)]
    buttons = [button for button in TRANSITION_BUTTONS if button[0] in allowed]
    if state == SupportState.ARRANGED:
        buttons = [button for button in buttons if button[0] != SupportState.APPROVED]
        buttons.append(BACK_BUTTON)
    return buttons


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Ticket, voucher or invoice"),
        help_text=_("PDF, JPEG or PNG, up to 10 MB."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class BudgetLineForm(forms.Form):
    production = forms.ModelChoiceField(
        label=_("For"),
        queryset=Production.objects.none(),
        required=False,
        empty_label=_("The whole cohort"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    amount_krw = _krw(_("Budget (KRW)"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["production"].queryset = Production.objects.filter(
            team__cohort=cohort
        ).select_related("team")
        self.fields["production"].error_messages["invalid_choice"] = _(
            "Choose a film of this cohort."
        )
