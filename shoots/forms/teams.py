"""Forms of teams and productions: placing participants in teams, a team's crew, its film."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.enums import CrewRole

from ..models import Production


def participant_name(participant) -> str:
    profile = getattr(participant.user, "profile", None)
    return (profile and profile.display_name) or str(participant.user)


class TeamPlacementForm(forms.Form):
    """One choice of team per participant of the cohort: field `p<participant pk>`.

    Someone already in a team can move to another but not out of all teams (the services
    never take a member out); someone not yet placed may stay so for now.
    """

    def __init__(
        self,
        *args,
        participants,
        team_count: int,
        placement: dict[int, int],
        placed: set[int],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        teams = [
            (str(number), _("Team %(number)d") % {"number": number})
            for number in range(1, team_count + 1)
        ]
        for participant in self.participants:
            in_team = participant.pk in placed
            self.fields[f"p{participant.pk}"] = forms.TypedChoiceField(
                label=participant_name(participant),
                choices=teams if in_team else [("", _("Not in a team yet")), *teams],
                coerce=int,
                empty_value=None,
                required=in_team,
                initial=placement.get(participant.pk),
                error_messages={
                    "required": _("Choose a team for %(name)s.")
                    % {"name": participant_name(participant)},
                    "invalid_choice": _("Choose one of the cohort's teams."),
                },
            )

    def rows(self):
        """(participant, bound field) pairs, in the order of the participants."""
        return [(p, self[f"p{p.pk}"]) for p in self.participants]

    def placement(self) -> dict[int, int]:
        chosen = {p.pk: self.cleaned_data[f"p{p.pk}"] for p in self.participants}
        return {pk: number for pk, number in chosen.items() if number is not None}


class TeamForm(forms.Form):
    """A team's name, its mentors, and each member's crew role (field `role<member pk>`)."""

    name = forms.CharField(
        label=_("Team name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to call it by its number."),
    )
    mentors = forms.ModelMultipleChoiceField(
        label=_("Mentors"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Staff who review applications can mentor a team."),
    )

    def __init__(self, *args, team, mentor_choices, **kwargs):
        kwargs.setdefault(
            "initial",
            {"name": team.name, "mentors": [mentor.pk for mentor in team.mentors.all()]},
        )
        super().__init__(*args, **kwargs)
        self.fields["mentors"].queryset = mentor_choices
        self.fields["mentors"].label_from_instance = lambda user: user.full_name or user.email
        self.members = list(team.members.all())
        for member in self.members:
            self.fields[f"role{member.pk}"] = forms.ChoiceField(
                label=participant_name(member.participant),
                choices=[("", _("No role yet")), *CrewRole.choices],
                required=False,
                initial=member.role,
            )

    def role_fields(self):
        return [(member, self[f"role{member.pk}"]) for member in self.members]

    def roles(self) -> dict[int, str]:
        return {member.pk: self.cleaned_data[f"role{member.pk}"] for member in self.members}


class ProductionForm(forms.ModelForm):
    class Meta:
        model = Production
        fields = ["title", "logline", "synopsis", "format", "running_minutes"]
        widgets = {
            "logline": forms.Textarea(attrs={"rows": 2}),
            "synopsis": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "title": _("In any script: Khmer, Thai, Korean..."),
            "logline": _("One or two sentences: who wants what, and what stands in the way."),
        }
