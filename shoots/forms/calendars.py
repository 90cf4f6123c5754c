"""Forms of the calendar feeds: which cohort, production or location a new feed shows."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from applicants.models import Cohort

from .. import selectors
from ..enums import FeedKind

# A participant's feed is made by the participant on their team page, never by staff.
STAFF_KINDS = [FeedKind.COHORT, FeedKind.PRODUCTION, FeedKind.LOCATION]


class FeedCreateForm(forms.Form):
    """`kind` and the number of the `object` the feed shows, as the pages that make feeds post."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in STAFF_KINDS],
        error_messages={"invalid_choice": _("Choose a cohort, production or location feed.")},
    )
    object = forms.IntegerField(
        label=_("Shows"),
        min_value=1,
        max_value=2_147_483_647,
        error_messages={"invalid": _("Choose what the feed shows.")},
    )

    def subjects(self) -> QuerySet:
        """Where the object of the chosen kind is looked up."""
        match self.cleaned_data["kind"]:
            case FeedKind.COHORT:
                return Cohort.objects.all()
            case FeedKind.PRODUCTION:
                return selectors.productions()
            case _:
                return selectors.locations()
