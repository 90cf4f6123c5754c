from .applicants import (
    PASSWORD,
    ApplicantFactory,
    ApplicantProfileFactory,
    ApplicationFactory,
    CohortFactory,
    CompleteApplicationFactory,
    CompleteProfileFactory,
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
    "CompleteApplicationFactory",
    "CompleteProfileFactory",
    "CountryFactory",
    "LocationFactory",
    "StaffFactory",
    "UserFactory",
]
