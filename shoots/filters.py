"""Filters of the shoots desk: the location library, a cohort's permits and its support
requests."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import selectors
from .enums import District, LocationKind, PermitStatus, SupportKind, SupportState
from .forms.permits import DateInput
from .models import Authority, Location, Permit, SupportRequest


class LocationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    district = django_filters.ChoiceFilter(
        label=_("District"), choices=District.choices, empty_label=_("All districts")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of place"), choices=LocationKind.choices, empty_label=_("All kinds")
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Managing authority"),
        queryset=Authority.objects.order_by("name"),
        empty_label=_("All authorities"),
    )
    permit_required = django_filters.BooleanFilter(
        label=_("Permit"),
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Permit needed")), ("false", _("No permit"))]
        ),
    )

    class Meta:
        model = Location
        fields = ["q", "district", "kind", "authority", "permit_required"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(
            Q(name__icontains=value) | Q(name_ko__icontains=value) | Q(address__icontains=value)
        )


class PermitFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=PermitStatus.choices, empty_label=_("All statuses")
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Authority"),
        queryset=Authority.objects.order_by("name"),
        empty_label=_("All authorities"),
    )

    class Meta:
        model = Permit
        fields = ["status", "authority"]


class SupportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=SupportKind.choices, empty_label=_("All kinds")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=SupportState.choices, empty_label=_("All states")
    )
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assignee"),
        queryset=selectors.support_assignees(),
        empty_label=_("Anyone"),
        null_label=_("Nobody yet"),
        null_value="none",
    )
    due_after = django_filters.DateFilter(
        label=_("Arrange from"), field_name="due_on", lookup_expr="gte", widget=DateInput
    )
    due_before = django_filters.DateFilter(
        label=_("Arrange by"), field_name="due_on", lookup_expr="lte", widget=DateInput
    )

    class Meta:
        model = SupportRequest
        fields = ["q", "kind", "state", "assignee", "due_after", "due_before"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        return queryset.filter(
            Q(summary__icontains=value)
            | Q(vendor__icontains=value)
            | Q(booking_reference__icontains=value)
            | Q(flight_number__icontains=value)
            | Q(participant__user__profile__legal_name__icontains=value)
            | Q(participant__user__profile__preferred_name__icontains=value)
            | Q(production__title__icontains=value)
        )
