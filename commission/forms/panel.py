"""Forms of the programme manager's panel: the rubric, and who reviews what."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applicants.models import Application, User

from ..models import Criterion
from ..selectors import panel_reviewers, reviewable_applications
from ..services import RUBRIC_FIELDS

MAX_EXTRA_ROWS = 10


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = RUBRIC_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].help_text = _("0 to 100; a criterion weighs this much in a total.")
        # The model's limits, for the phone's keyboard and the browser's own check.
        self.fields["weight"].widget.attrs.update(min=0, max=100)
        self.fields["scale"].widget.attrs.update(min=2, max=10)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The formset's hidden id and its delete box come after the layout.
        self.helper.render_unmentioned_fields = True
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-4"), Column("description", css_class="col-md-8")),
            Row(
                Column("weight", css_class="col-6 col-md-2"),
                Column("scale", css_class="col-6 col-md-2"),
                Column("position", css_class="col-6 col-md-2"),
                Column("required", css_class="col-6 col-md-3 pt-md-4"),
                Column("counted", css_class="col-12 col-md-3 pt-md-4"),
            ),
        )


class BaseRubricFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this criterion")

    def changes(self) -> tuple[list[dict], list[int]]:
        """What the service takes: the criteria to keep or add, and the ids to remove."""
        rows, deleted = [], []
        for form in self.forms:
            if self._should_delete_form(form):
                if form.instance.pk:
                    deleted.append(form.instance.pk)
                continue
            if form.instance.pk is None and not form.has_changed():
                continue  # a blank row left blank
            rows.append(
                {
                    "id": form.instance.pk,
                    **{name: form.cleaned_data[name] for name in RUBRIC_FIELDS},
                }
            )
        return rows, deleted


RubricFormSet = modelformset_factory(
    Criterion, form=CriterionForm, formset=BaseRubricFormSet, extra=1, can_delete=True
)


def rubric_formset(*, cohort, data=None, extra: int = 1) -> BaseRubricFormSet:
    """The cohort's criteria and `extra` blank rows to add new ones."""
    formset = RubricFormSet(data, queryset=cohort.criteria.all())
    formset.extra = max(0, min(extra, MAX_EXTRA_ROWS))
    return formset


class AssignmentAddForm(forms.Form):
    """One reviewer for one application.

    The board writes it by hand once per row, in a table cell: a helper per row would read
    the reviewers once per row.
    """

    application = forms.ModelChoiceField(
        label=_("Application"), queryset=Application.objects.none()
    )
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = reviewable_applications(cohort=cohort)
        self.fields["reviewer"].queryset = panel_reviewers()


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, reviewer):
        return str(reviewer)


class AssignmentBulkForm(forms.Form):
    """Every ticked reviewer for every ticked application.

    The board lists the applications' boxes in its table, outside this form's tag: they join
    the form through their `form` attribute, since forms cannot nest.
    """

    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        error_messages={"required": _("Tick at least one application in the table.")},
    )
    reviewers = ReviewerChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one reviewer.")},
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = reviewable_applications(cohort=cohort)
        self.fields["reviewers"].queryset = panel_reviewers()
        self.helper = FormHelper()
        self.helper.form_id = "bulk-form"
        self.helper.form_action = reverse("assignment_bulk", kwargs={"slug": cohort.slug})
        self.helper.layout = Layout("reviewers")
        self.helper.add_input(
            Submit("bulk", _("Assign them to the ticked applications"), css_class="btn-sm")
        )
