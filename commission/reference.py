"""The reference data every installation needs, read from `seeds/`."""

import json

from django.conf import settings

from applicants.services import countries_load
from shoots.services import location_library_load

SEEDS = settings.BASE_DIR / "seeds"


def read_seed(name: str):
    return json.loads((SEEDS / name).read_text(encoding="utf-8"))


def load_reference_data() -> dict:
    library = read_seed("busan_locations.json")
    return {
        "countries": countries_load(rows=read_seed("countries.json")),
        "locations": location_library_load(
            authorities=library["authorities"], locations=library["locations"]
        ),
    }
