import factory

from shoots.enums import AuthorityKind, District, LocationKind
from shoots.models import Authority, Location


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"Haeundae-gu Office {n}")
    kind = AuthorityKind.DISTRICT_OFFICE
    lead_days = 14


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    slug = factory.Sequence(lambda n: f"haeundae-beach-{n}")
    name = factory.Sequence(lambda n: f"Haeundae Beach {n}")
    kind = LocationKind.BEACH
    district = District.HAEUNDAE
    address = "264 Haeundaehaebyeon-ro, Haeundae-gu"
    latitude = "35.158698"
    longitude = "129.160384"
    authority = factory.SubFactory(AuthorityFactory)
    nearest_hospital = "Inje University Haeundae Paik Hospital"
