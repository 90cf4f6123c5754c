"""Filters of the shoots desk: the location library and a cohort's permits."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import District, LocationKind, PermitStatus
from .models import Authority, Location, Permit


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
