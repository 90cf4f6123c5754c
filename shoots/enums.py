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


class ProductionFormat(models.TextChoices):
    FICTION = "fiction", _("Short fiction")
    DOCUMENTARY = "documentary", _("Short documentary")
    EXPERIMENTAL = "experimental", _("Experimental")
    ANIMATION = "animation", _("Animation and mixed media")


class ConflictKind(models.TextChoices):
    LOCATION_DOUBLE_BOOKED = "location_double_booked", _("Location booked twice")
    PERSON_DOUBLE_BOOKED = "person_double_booked", _("Person in two places")
    LOCATION_CLOSED = "location_closed", _("Location closed that day")
    PERMIT_LEAD_TIME = "permit_lead_time", _("Permit lead time cannot be met")
    LONG_DAY = "long_day", _("Crew day over 12 hours")


class ConflictAction(models.TextChoices):
    BLOCK = "block", _("Block")
    WARN = "warn", _("Warn")


# What a new cohort starts with; staff change it per cohort on the conflict rules page.
DEFAULT_CONFLICT_ACTIONS = {
    ConflictKind.LOCATION_DOUBLE_BOOKED: ConflictAction.BLOCK,
    ConflictKind.PERSON_DOUBLE_BOOKED: ConflictAction.BLOCK,
    ConflictKind.LOCATION_CLOSED: ConflictAction.BLOCK,
    ConflictKind.PERMIT_LEAD_TIME: ConflictAction.WARN,
    ConflictKind.LONG_DAY: ConflictAction.WARN,
}

LONGEST_CREW_DAY_HOURS = 12


class PermitActivity(models.TextChoices):
    DRONE = "drone", _("Drone")
    ROAD_CLOSURE = "road_closure", _("Road closure")
    TRAFFIC_CONTROL = "traffic_control", _("Traffic control")
    PYROTECHNICS = "pyrotechnics", _("Pyrotechnics")
    PROP_WEAPONS = "prop_weapons", _("Prop weapons")
    ANIMALS = "animals", _("Animals")


class PermitStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Approved with conditions")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


PERMIT_TRANSITIONS = {
    PermitStatus.DRAFT: {PermitStatus.SUBMITTED, PermitStatus.CANCELLED},
    PermitStatus.SUBMITTED: {
        PermitStatus.APPROVED,
        PermitStatus.APPROVED_WITH_CONDITIONS,
        PermitStatus.REJECTED,
        PermitStatus.CANCELLED,
    },
    PermitStatus.APPROVED: {PermitStatus.CANCELLED},
    PermitStatus.APPROVED_WITH_CONDITIONS: {PermitStatus.CANCELLED},
    # A rejected application is corrected and filed again.
    PermitStatus.REJECTED: {PermitStatus.DRAFT, PermitStatus.CANCELLED},
    PermitStatus.CANCELLED: set(),
}
PERMIT_APPROVED = {PermitStatus.APPROVED, PermitStatus.APPROVED_WITH_CONDITIONS}
# A permit still being worked on: counted in the due-soon and overdue lists.
PERMIT_PENDING = {PermitStatus.DRAFT, PermitStatus.REJECTED}
PERMIT_DUE_SOON_DAYS = 7


class FeedKind(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    PRODUCTION = "production", _("Production")
    LOCATION = "location", _("Location")
    COHORT = "cohort", _("Cohort")


class SupportKind(models.TextChoices):
    FLIGHT = "flight", _("Flight")
    AIRPORT_TRANSFER = "airport_transfer", _("Airport transfer")
    ROOM = "room", _("Room")
    VEHICLE = "vehicle", _("Vehicle")
    EQUIPMENT = "equipment", _("Equipment rental")
    INTERPRETER = "interpreter", _("Interpreter or fixer")
    CATERING = "catering", _("Catering")
    INSURANCE = "insurance", _("Insurance")
    VISA_LETTER = "visa_letter", _("Visa invitation letter")
    SCOUTING = "scouting", _("Location scouting")
    POLICE = "police", _("Police or traffic support")
    OTHER = "other", _("Other")


# What a participant may ask for themselves; insurance, police and scouting are the desk's.
PARTICIPANT_SUPPORT_KINDS = [
    SupportKind.FLIGHT,
    SupportKind.AIRPORT_TRANSFER,
    SupportKind.ROOM,
    SupportKind.VEHICLE,
    SupportKind.EQUIPMENT,
    SupportKind.INTERPRETER,
    SupportKind.CATERING,
    SupportKind.VISA_LETTER,
    SupportKind.OTHER,
]
# Kinds that travel from one place to another at a time: flights and transfers.
TRAVEL_KINDS = {SupportKind.FLIGHT, SupportKind.AIRPORT_TRANSFER}


class SupportState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    ARRANGED = "arranged", _("Arranged")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


SUPPORT_TRANSITIONS = {
    SupportState.REQUESTED: {SupportState.APPROVED, SupportState.CANCELLED},
    SupportState.APPROVED: {SupportState.ARRANGED, SupportState.CANCELLED},
    # A booking that falls through is arranged again.
    SupportState.ARRANGED: {SupportState.DONE, SupportState.APPROVED, SupportState.CANCELLED},
    SupportState.DONE: set(),
    SupportState.CANCELLED: set(),
}
# Still to be arranged: counted in the overdue and due-this-week lists.
SUPPORT_OPEN = {SupportState.REQUESTED, SupportState.APPROVED}
# Costs that are still coming: every request but a cancelled one.
SUPPORT_LIVE = {
    SupportState.REQUESTED,
    SupportState.APPROVED,
    SupportState.ARRANGED,
    SupportState.DONE,
}
SUPPORT_DUE_SOON_DAYS = 7


class TravelDirection(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival in Busan")
    DEPARTURE = "departure", _("Departure from Busan")
