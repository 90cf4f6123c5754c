from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthorityKind(models.TextChoices):
    DISTRICT_OFFICE = "district_office", _("District office")
    CITY = "city", _("City government")
    POLICE = "police", _("Police")
    PORT = "port", _("Port authority")
    RAIL = "rail", _("Railway operator")
    TEMPLE = "temple", _("Temple")
    VENUE = "venue", _("Venue operator")
    HERITAGE = "heritage", _("Heritage body")
    OTHER = "other", _("Other")


class LocationKind(models.TextChoices):
    BEACH = "beach", _("Beach and coast")
    STREET = "street", _("Street and neighbourhood")
    MARKET = "market", _("Market")
    PARK = "park", _("Park and nature")
    TEMPLE = "temple", _("Temple and heritage")
    PORT = "port", _("Port and harbour")
    TRANSPORT = "transport", _("Station and transport")
    BUILDING = "building", _("Building and venue")
    BRIDGE = "bridge", _("Bridge and viewpoint")


class District(models.TextChoices):
    """Busan's fifteen districts (gu) and one county (gun)."""

    JUNG = "jung", _("Jung-gu")
    SEO = "seo", _("Seo-gu")
    DONG = "dong", _("Dong-gu")
    YEONGDO = "yeongdo", _("Yeongdo-gu")
    BUSANJIN = "busanjin", _("Busanjin-gu")
    DONGNAE = "dongnae", _("Dongnae-gu")
    NAM = "nam", _("Nam-gu")
    BUK = "buk", _("Buk-gu")
    HAEUNDAE = "haeundae", _("Haeundae-gu")
    SAHA = "saha", _("Saha-gu")
    GEUMJEONG = "geumjeong", _("Geumjeong-gu")
    GANGSEO = "gangseo", _("Gangseo-gu")
    YEONJE = "yeonje", _("Yeonje-gu")
    SUYEONG = "suyeong", _("Suyeong-gu")
    SASANG = "sasang", _("Sasang-gu")
    GIJANG = "gijang", _("Gijang-gun")
