from datetime import date, timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from applicants.enums import ApplicationStatus, CohortStatus
from applicants.models import ApplicantProfile, Application, Cohort, Country, User

PASSWORD = "a-long-test-password-42"


def letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> BA: a legal name in Latin letters has no digits."""
    word = ""
    while True:
        n, rest = divmod(n, 26)
        word = chr(ord("A") + rest) + word
        if not n:
            return word


class CountryFactory(factory.django.DjangoModelFactory):
    """Cambodia unless told otherwise; the same row every time for the same code."""

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
    legal_name = factory.Sequence(lambda n: f"Chan Sokha {letters(n)}")
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
    age_reference_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200))
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
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.status == ApplicationStatus.DRAFT else timezone.now()
    )


class CompleteProfileFactory(ApplicantProfileFactory):
    """A profile with every answer a submit needs, eligible for a CohortFactory cohort."""

    legal_name = factory.Sequence(lambda n: f"Chan Sokha {letters(n)}")
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365 * 20))
    phone = "+855 12 345 678"
    city = "Phnom Penh"
    languages = "Khmer, English"
    english_level = "working"
    passport_number = "N01234567"
    passport_expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3000))


class CompleteApplicantFactory(UserFactory):
    profile = factory.RelatedFactory(CompleteProfileFactory, factory_related_name="user")


class CompleteApplicationFactory(ApplicationFactory):
    """A draft whose every answer is given; documents are added by `with_documents`."""

    class Meta:
        skip_postgeneration_save = True

    applicant = factory.SubFactory("tests.factories.applicants.CompleteApplicantFactory")
    role_1 = "director"
    role_2 = "editor"
    bio = "I make short documentaries about my neighbourhood."
    motivation = "I want to work with filmmakers from other countries."
    logline = "A cook must feed a film crew before the last ferry leaves."
    synopsis = "One day and one night in a port city."

    @factory.post_generation
    def with_documents(self, create, extracted, **kwargs):
        from applicants.enums import DocumentKind
        from applicants.services import document_upload
        from tests.factories.files import pdf, png

        if create and extracted:
            for kind, upload in [
                (DocumentKind.CV, pdf()),
                (DocumentKind.PORTFOLIO, pdf("portfolio.pdf")),
                (DocumentKind.PASSPORT, png()),
            ]:
                document_upload(application=self, kind=kind, upload=upload, by=self.applicant)
