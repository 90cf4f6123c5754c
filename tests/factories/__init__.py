from .applicants import (
    PASSWORD,
    ApplicantFactory,
    ApplicantProfileFactory,
    ApplicationFactory,
    CohortFactory,
    CountryFactory,
    StaffFactory,
    UserFactory,
)
from .shoots import AuthorityFactory, LocationFactory

__all__ = [
    "PASSWORD",
    "ApplicantFactory",
    "ApplicantProfileFactory",
    "ApplicationFactory",
    "AuthorityFactory",
    "CohortFactory",
    "CountryFactory",
    "LocationFactory",
    "StaffFactory",
    "UserFactory",
]
