from datetime import date, timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from applicants.enums import ApplicationStatus, CohortStatus
from applicants.models import ApplicantProfile, Application, Cohort, Country, User

PASSWORD = "a-long-test-password-42"


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = "KH"
    name = "Cambodia"
    is_asean = True
    time_zone = "Asia/Phnom_Penh"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)


class ApplicantFactory(UserFactory):
    profile = factory.RelatedFactory(
        "tests.factories.applicants.ApplicantProfileFactory", factory_related_name="user"
    )


class ApplicantProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantProfile

    user = factory.SubFactory(UserFactory)
    legal_name = factory.Sequence(lambda n: f"Chan Sokha {n}")
    native_name = "ចាន់ សុខា"
    preferred_name = "Sokha"
    date_of_birth = date(2005, 4, 12)
    nationality = factory.SubFactory(CountryFactory)
    residence = factory.SelfAttribute("nationality")
    gender = "female"


class StaffFactory(UserFactory):
    is_staff = True
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort whose call is open now."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"FLY {2030 + n} Busan")
    slug = factory.Sequence(lambda n: f"fly-{2030 + n}")
    status = CohortStatus.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    age_reference_date = factory.LazyFunction(lambda: date.today() + timedelta(days=200))
    onsite_starts_on = factory.SelfAttribute("age_reference_date")
    onsite_ends_on = factory.LazyAttribute(lambda o: o.onsite_starts_on + timedelta(days=14))

    @factory.post_generation
    def eligible_countries(self, create, extracted, **kwargs):
        if create:
            self.eligible_countries.set(extracted or [CountryFactory()])


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    cohort = factory.SubFactory(CohortFactory)
    applicant = factory.SubFactory(ApplicantFactory)
    status = ApplicationStatus.DRAFT
