"""The staff desk's filters on applications: the list and its CSV export share them."""

import unicodedata
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ApplicationStatus, CrewRole, DocumentKind, Gender
from .models import Application, ApplicationDocument, Cohort, Country
from .services import ADULT_AGE, DOCUMENTS_REQUIRED, application_is_minor
from .validators import EARLIEST_DAY, LATEST_DAY, validate_plausible_date

# Age bands on the cohort's age reference date: (key, label, lowest age, age no longer in it).
AGE_BANDS = {
    "under_18": (_("Under 18"), None, 18),
    "18_21": (_("18 to 21"), 18, 22),
    "22_25": (_("22 to 25"), 22, 26),
    "over_25": (_("Over 25"), 26, None),
}
ANY_REQUIRED = "any"


def valid_rows(filterset: django_filters.FilterSet) -> QuerySet:
    """The rows a list page's filters let through; filters that do not validate give no rows
    rather than all of them (a mistyped date must not export the whole list)."""
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def born_by_for_age(reference: date, age: int) -> date | None:
    """The latest birth date of someone who is `age` or older on `reference`, or None when
    that is before 1 January of year 1: then no birth date we can store is old enough.

    Matches `Cohort.age_on_reference_date`: on a 29 February reference day in a year without
    one, the birthday that has passed is 28 February.
    """
    year = reference.year - age
    if year < date.min.year:
        return None  # an implausible reference date, such as year 10 in a row saved long ago
    try:
        return reference.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def age_band_q(band: str, reference_dates) -> Q:
    """Applications whose applicant's age on their cohort's reference date is in `band`.

    Exact date bounds per reference date, ORed: no date arithmetic in SQL, so it is exact on
    birthdays and the same on SQLite and PostgreSQL. On a reference date too early to give a
    bound (no one can be that old yet), a lowest age leaves the cohort out and an age no
    longer in the band bounds nothing.
    """
    _label, lowest, beyond = AGE_BANDS[band]
    query = Q(pk__in=[])
    for reference in reference_dates:
        bounds = Q(cohort__age_reference_date=reference)
        if lowest is not None:
            born_by = born_by_for_age(reference, lowest)
            if born_by is None:
                continue
            bounds &= Q(applicant__profile__date_of_birth__lte=born_by)
        if beyond is not None:
            born_by = born_by_for_age(reference, beyond)
            if born_by is not None:
                bounds &= Q(applicant__profile__date_of_birth__gt=born_by)
        query |= bounds & Q(applicant__profile__date_of_birth__isnull=False)
    return query


def document_missing_q(kind: str) -> Exists:
    return ~Exists(ApplicationDocument.objects.filter(application=OuterRef("pk"), kind=kind))


def missing_documents_q(kind: str, reference_dates) -> Q | Exists:
    """Applications missing a document of `kind`, or (ANY_REQUIRED) any document they need:
    the required ones for everyone, the guardian's consent for a minor."""
    if kind != ANY_REQUIRED:
        return document_missing_q(kind)
    query = Q(pk__in=[])
    for required in DOCUMENTS_REQUIRED:
        query |= document_missing_q(required)
    minors = Q(pk__in=[])
    for reference in reference_dates:
        born_by = born_by_for_age(reference, ADULT_AGE)
        # With no bound, everyone with a birth date is a minor, as the model counts it.
        born_after = (
            Q(applicant__profile__date_of_birth__isnull=False)
            if born_by is None
            else Q(applicant__profile__date_of_birth__gt=born_by)
        )
        minors |= Q(cohort__age_reference_date=reference) & born_after
    return query | (minors & document_missing_q(DocumentKind.CONSENT))


def missing_documents(application: Application) -> list[DocumentKind]:
    """The same rule as `missing_documents_q`, read from the prefetched documents."""
    uploaded = {document.kind for document in application.documents.all()}
    needed = list(DOCUMENTS_REQUIRED)
    if application_is_minor(application):
        needed.append(DocumentKind.CONSENT)
    return [DocumentKind(kind) for kind in needed if kind not in uploaded]


def korea_day_start(day: date) -> datetime:
    """The first instant of `day` in Korea. Takes a day from EARLIEST_DAY to LATEST_DAY + 1:
    the date filters refuse any other, as near date.min or date.max it overflows."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


class DayField(forms.DateField):
    """A date from EARLIEST_DAY to LATEST_DAY (a query string may ask for 9999-12-31, which
    neither the next day nor the conversion to UTC survives); any other is a form error."""

    default_validators = [validate_plausible_date]


class KoreaDayFilter(django_filters.DateFilter):
    """A day in Korea time, from the query string: every date filter here is one of these."""

    field_class = DayField

    def __init__(self, *args, **kwargs):
        attrs = {"type": "date", "min": EARLIEST_DAY.isoformat(), "max": LATEST_DAY.isoformat()}
        kwargs.setdefault("widget", forms.DateInput(attrs=attrs))
        super().__init__(*args, **kwargs)


def reference_dates() -> list[date]:
    return list(Cohort.objects.order_by().values_list("age_reference_date", flat=True).distinct())


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting that ends on the primary key, so that pages never repeat or skip a row."""

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        if ordered is qs:
            return qs
        return ordered.order_by(*ordered.query.order_by, "pk")


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=100,
        help_text=_("Legal name, name in own script, preferred name or e-mail."),
    )
    cohort = django_filters.ModelChoiceFilter(
        label=_("Cohort"),
        empty_label=_("All cohorts"),
        queryset=lambda request: Cohort.objects.order_by("-opens_at"),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Nationality"),
        empty_label=_("All countries"),
        field_name="applicant__profile__nationality",
        queryset=lambda request: Country.objects.order_by("name"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        empty_label=_("Any status"),
        choices=[
            (value, label)
            for value, label in ApplicationStatus.choices
            if value != ApplicationStatus.DRAFT
        ],
    )
    role = django_filters.ChoiceFilter(
        label=_("Intended role (any choice)"),
        empty_label=_("Any role"),
        choices=CrewRole.choices,
        method="filter_role",
    )
    gender = django_filters.ChoiceFilter(
        label=_("Gender"),
        empty_label=_("Any gender"),
        field_name="applicant__profile__gender",
        choices=Gender.choices,
    )
    age = django_filters.ChoiceFilter(
        label=_("Age on the reference date"),
        empty_label=_("Any age"),
        choices=[(key, label) for key, (label, _low, _beyond) in AGE_BANDS.items()],
        method="filter_age",
    )
    submitted_from = KoreaDayFilter(
        label=_("Submitted from (Korea time)"), method="filter_submitted_from"
    )
    submitted_to = KoreaDayFilter(
        label=_("Submitted until (Korea time)"), method="filter_submitted_to"
    )
    missing = django_filters.ChoiceFilter(
        label=_("Missing document"),
        empty_label=_("Not filtered"),
        choices=[(ANY_REQUIRED, _("Any required document")), *DocumentKind.choices],
        method="filter_missing",
    )
    o = StableOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("submitted_at", "submitted"),
            ("applicant__profile__legal_name", "name"),
            ("applicant__profile__nationality__name", "country"),
            ("status", "status"),
        ),
        field_labels={
            "submitted_at": _("Submitted"),
            "applicant__profile__legal_name": _("Legal name"),
            "applicant__profile__nationality__name": _("Country"),
            "status": _("Status"),
            "-submitted": _("Submitted (newest first)"),
            "-name": _("Legal name (Z to A)"),
            "-country": _("Country (Z to A)"),
            "-status": _("Status (descending)"),
        },
        empty_label=_("Newest submitted first"),
    )

    class Meta:
        model = Application
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # NFC, because the same Hangul, Thai or Khmer text can arrive composed or not.
        for term in unicodedata.normalize("NFC", value).split():
            queryset = queryset.filter(
                Q(applicant__profile__legal_name__icontains=term)
                | Q(applicant__profile__native_name__icontains=term)
                | Q(applicant__profile__preferred_name__icontains=term)
                | Q(applicant__email__icontains=term)
            )
        return queryset

    def filter_role(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(role_1=value) | Q(role_2=value) | Q(role_3=value))

    def filter_age(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(age_band_q(value, self._reference_dates()))

    def filter_submitted_from(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(submitted_at__gte=korea_day_start(value))

    def filter_submitted_to(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(submitted_at__lt=korea_day_start(value + timedelta(days=1)))

    def filter_missing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(missing_documents_q(value, self._reference_dates()))

    def _reference_dates(self) -> list[date]:
        if not hasattr(self, "_reference_dates_cache"):
            self._reference_dates_cache = reference_dates()
        return self._reference_dates_cache
