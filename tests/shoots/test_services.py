import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from shoots.models import Authority, Location
from shoots.services import location_library_load

pytestmark = pytest.mark.django_db

LIBRARY = json.loads((settings.BASE_DIR / "seeds" / "busan_locations.json").read_text("utf-8"))


def load(library=LIBRARY):
    return location_library_load(authorities=library["authorities"], locations=library["locations"])


def test_location_library_holds_at_least_25_real_busan_places_with_every_fact():
    load()

    assert Location.objects.count() >= 25
    for location in Location.objects.select_related("authority"):
        assert location.district and location.address and location.authority
        assert 34.9 < location.latitude < 35.4 and 128.8 < location.longitude < 129.4
        assert location.permit_lead_days > 0
        assert location.restrictions
        assert location.nearest_hospital


def test_location_library_load_twice_updates_instead_of_duplicating():
    load()
    load()

    assert Location.objects.count() == len(LIBRARY["locations"])
    assert Authority.objects.count() == len(LIBRARY["authorities"])


def test_location_library_load_refuses_a_place_outside_the_globe_and_loads_nothing():
    broken = json.loads(json.dumps(LIBRARY))
    broken["locations"][-1]["latitude"] = "135.000000"

    with pytest.raises(ValidationError):
        load(broken)
    assert not Location.objects.exists()


def test_location_lead_time_falls_back_to_the_authority():
    load()
    beach = Location.objects.get(slug="haeundae-beach")
    bridge = Location.objects.get(slug="yeongdo-bridge")

    assert beach.permit_lead_days == beach.authority.lead_days
    assert bridge.permit_lead_days == 21
