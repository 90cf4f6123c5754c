"""A reviewer's forms: the scores of one application against its cohort's rubric, a conflict."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import ConflictKind
from ..models import Conflict, Criterion, Review

SCORE_TEMPLATE = "commission/review/_score_field.html"


def score_field_name(criterion: Criterion) -> str:
    return f"score_{criterion.pk}"


class ReviewForm(forms.Form):
    """One row of radio buttons per criterion, then the comment for the staff.

    Every score may stay empty in a draft; what a submit needs is checked by
    `services.review_save`. Here only the range of each answer is checked.
    """

    comment = forms.CharField(
        label=_("Comment for programme staff"),
        required=False,
        max_length=Review._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Only programme staff read this: never the applicant, never the other reviewers."
        ),
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        comment = self.fields.pop("comment")
        for criterion in criteria:
            field = forms.TypedChoiceField(
                label=criterion.name,
                choices=[(value, str(value)) for value in range(1, criterion.scale + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                # Rendered escaped by SCORE_TEMPLATE: the rubric is typed in by staff.
                help_text=criterion.description,
            )
            field.criterion = criterion
            self.fields[score_field_name(criterion)] = field
        self.fields["comment"] = comment
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(Field(score_field_name(c), template=SCORE_TEMPLATE) for c in criteria),
            "comment",
        )

    def scores(self) -> dict[int, int | None]:
        """{criterion id: 1..scale or None}, as `services.review_save` takes them."""
        return {c.pk: self.cleaned_data.get(score_field_name(c)) for c in self.criteria}

    def mark_unscored_required(self):
        """After a refused submit: point at each required criterion still without a score."""
        for criterion in self.criteria:
            name = score_field_name(criterion)
            if criterion.required and self.cleaned_data.get(name) is None:
                self.add_error(name, _("Score this criterion to submit the review."))


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of conflict"), choices=ConflictKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note for programme staff"),
        required=False,
        max_length=Conflict._meta.get_field("note").max_length,
        help_text=_("Optional: a few words on the conflict, if it helps."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
