from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from applicants.fields import HttpsURLField

from .enums import AuthorityKind, District, LocationKind


class Authority(models.Model):
    """Who grants permission to film somewhere: a district office, the police, a port."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_ko = models.CharField(_("name in Korean"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AuthorityKind.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = HttpsURLField(_("website"), blank=True)
    lead_days = models.PositiveSmallIntegerField(
        _("permit lead time (days)"),
        default=14,
        help_text=_("How many days before the shoot an application must be filed."),
    )

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Location(models.Model):
    """A place in the Busan location library."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ko = models.CharField(_("name in Korean"), max_length=200, blank=True)
    kind = models.CharField(_("kind of place"), max_length=20, choices=LocationKind.choices)
    district = models.CharField(_("district"), max_length=20, choices=District.choices)
    address = models.CharField(_("address"), max_length=300)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("managing authority"),
    )
    permit_required = models.BooleanField(_("permit required"), default=True)
    lead_days = models.PositiveSmallIntegerField(
        _("permit lead time (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the authority's lead time."),
    )
    restrictions = models.TextField(_("restrictions"), blank=True)
    closed_weekdays = models.JSONField(
        _("closed weekdays"),
        default=list,
        blank=True,
        help_text=_("0 is Monday, 6 is Sunday."),
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    allows_shared_use = models.BooleanField(
        _("several crews at once"),
        default=False,
        help_text=_("A large public place where two productions can film at the same time."),
    )
    nearest_hospital = models.CharField(_("nearest hospital"), max_length=200)
    nearest_hospital_address = models.CharField(_("hospital address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def permit_lead_days(self):
        return self.lead_days if self.lead_days is not None else self.authority.lead_days
