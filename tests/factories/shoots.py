from datetime import time, timedelta

import factory

from applicants.enums import ApplicationStatus
from applicants.models import Participant
from shoots.enums import AuthorityKind, District, LocationKind, SupportKind
from shoots.models import (
    Authority,
    BudgetLine,
    Location,
    Permit,
    Production,
    ShootDay,
    SupportRequest,
    Team,
    TeamMember,
)


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


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A trainee: an application whose offer was accepted, and the seat it holds."""

    class Meta:
        model = Participant

    application = factory.SubFactory(
        "tests.factories.applicants.CompleteApplicationFactory",
        status=ApplicationStatus.OFFER_ACCEPTED,
        role_1="director",
    )
    cohort = factory.SelfAttribute("application.cohort")
    user = factory.SelfAttribute("application.applicant")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    cohort = factory.SubFactory("tests.factories.applicants.CohortFactory")
    number = factory.Sequence(lambda n: n + 1)


class ProductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Production

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"The Last Ferry {n}")
    logline = "A cook must feed a film crew before the last ferry leaves."


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    participant = factory.SubFactory(
        ParticipantFactory, application__cohort=factory.SelfAttribute("...team.cohort")
    )
    role = "director"


class ShootDayFactory(factory.django.DjangoModelFactory):
    """Saved directly, without the conflict checks of `shoot_day_save`."""

    class Meta:
        model = ShootDay

    production = factory.SubFactory(ProductionFactory)
    location = factory.SubFactory(LocationFactory)
    date = factory.LazyAttribute(lambda o: o.production.team.cohort.onsite_starts_on)
    call_time = time(8, 0)
    wrap_time = time(18, 0)
    crew_count = 6
    vehicle_count = 1


class PermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Permit

    shoot_day = factory.SubFactory(ShootDayFactory)
    authority = factory.SelfAttribute("shoot_day.location.authority")
    due_on = factory.LazyAttribute(lambda o: o.shoot_day.date - timedelta(days=14))


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """An interpreter for a participant, requested; saved without the services' checks.

    For a production, pass `participant=None, production=...` (and the production's cohort)."""

    class Meta:
        model = SupportRequest

    participant = factory.SubFactory(ParticipantFactory)
    cohort = factory.LazyAttribute(
        lambda o: o.participant.cohort if o.participant else o.production.team.cohort
    )
    production = None
    kind = SupportKind.INTERPRETER
    summary = "Khmer-Korean interpreter"
    starts_on = factory.LazyAttribute(lambda o: o.cohort.onsite_starts_on)
    estimated_cost_krw = 200_000


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    cohort = factory.SubFactory("tests.factories.applicants.CohortFactory")
    kind = SupportKind.INTERPRETER
    amount_krw = 1_000_000
