"""Workflows of the shoots desk."""

from django.db import transaction

from .models import Authority, Location


def location_library_load(*, authorities: list[dict], locations: list[dict]) -> int:
    """Insert or update the location library from seed rows, by name and slug."""
    with transaction.atomic():
        by_key = {}
        for row in authorities:
            fields = {key: value for key, value in row.items() if key not in ("key", "name")}
            by_key[row["key"]], _created = Authority.objects.update_or_create(
                name=row["name"], defaults=fields
            )
        for row in locations:
            fields = {key: value for key, value in row.items() if key not in ("slug", "authority")}
            fields["authority"] = by_key[row["authority"]]
            location = Location(slug=row["slug"], **fields)
            location.full_clean(exclude=["slug"])
            Location.objects.update_or_create(slug=row["slug"], defaults=fields)
    return len(locations)
