"""The demo: a believable season built through the services from `seeds/demo.json`."""

import random
import unicodedata
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from applicants import services as applicant_services
from applicants.enums import ApplicationStatus, CohortStatus
from applicants.models import Cohort, Country, User

from .reference import load_reference_data, read_seed
from .services import staff_create

BASE_URL = "http://127.0.0.1:8000/"


def ascii_fold(text: str) -> str:
    """Latin letters without diacritics, as in a passport: Nguyễn Thu Hà -> Nguyen Thu Ha."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class DemoBuilder:
    def __init__(self, *, today: date | None = None):
        self.settings = read_seed("demo.json")
        self.password = self.settings["password"]
        self.rng = random.Random(2026)  # noqa: S311 (demo data, the same every run)
        self.now = (
            timezone.now()
            if today is None
            else timezone.make_aware(datetime.combine(today, datetime.min.time()))
        )
        self.countries = {}
        self.made = []

    def run(self) -> list[str]:
        load_reference_data()
        self.countries = {country.code: country for country in Country.objects.all()}
        with transaction.atomic():
            self.staff()
            for row in self.settings["cohorts"]:
                if not Cohort.objects.filter(slug=row["slug"]).exists():
                    self.cohort(row)
            self.demo_applicant()
        return self.made

    # People ---------------------------------------------------------------------------

    def staff(self):
        for row in self.settings["staff"]:
            if not User.objects.filter(email=row["email"]).exists():
                staff_create(password=self.password, **row)
                self.made.append(row["email"])

    def register(self, *, email, password, profile):
        user = applicant_services.user_register(email=email, password=password, base_url=BASE_URL)
        applicant_services.user_verify_email(
            token=applicant_services.user_verification_token(user=user)
        )
        applicant_services.profile_update(user=user, **profile)
        return user

    def demo_applicant(self):
        row = self.settings["applicant"]
        if User.objects.filter(email=row["email"]).exists():
            return
        country = self.countries[row["country"]]
        user = self.register(
            email=row["email"],
            password=self.password,
            profile={
                "legal_name": row["legal_name"],
                "native_name": row["native_name"],
                "preferred_name": row["preferred_name"],
                "gender": row["gender"],
                "date_of_birth": date.fromisoformat(row["date_of_birth"]),
                "nationality": country,
                "residence": country,
            },
        )
        cohort = Cohort.objects.get(slug="fly-2026")
        applicant_services.application_start(applicant=user, cohort=cohort)
        self.made.append(row["email"])

    def names(self, code: str, count: int):
        """`count` people of one country: legal name, name in own script, gender, preferred."""
        spec = self.settings["names"][code]
        if spec["order"] == "single":
            pool = [tuple(row) for row in spec["names"]]
        else:
            joiner = spec.get("joiner", " ")
            pool = []
            for given, given_native, gender in spec["given"]:
                for family, family_native in spec["family"]:
                    latin, native = (given, family), (given_native, family_native)
                    if spec["order"] == "family_given":
                        latin, native = latin[::-1], native[::-1]
                    native_name = joiner.join(native) if given_native else ""
                    pool.append((" ".join(latin), native_name, gender, given))
        self.rng.shuffle(pool)
        for index in range(count):
            latin, native, gender, preferred = pool[index % len(pool)]
            if code == "VN":  # Vietnamese is written in Latin letters with diacritics
                latin, native = ascii_fold(latin), latin
            yield latin, native, gender, preferred

    def birth_date(self, cohort: Cohort) -> date:
        age_days = self.rng.randint((cohort.min_age + 1) * 365, cohort.max_age * 365 - 30)
        return cohort.age_reference_date - timedelta(days=age_days)

    # Cohorts --------------------------------------------------------------------------

    def cohort_dates(self, row):
        if "opens_at" in row:
            return {
                "opens_at": datetime.fromisoformat(row["opens_at"]),
                "closes_at": datetime.fromisoformat(row["closes_at"]),
                "age_reference_date": date.fromisoformat(row["age_reference_date"]),
                "onsite_starts_on": date.fromisoformat(row["onsite_starts_on"]),
                "onsite_ends_on": date.fromisoformat(row["onsite_ends_on"]),
            }
        # An open call stays open around whatever day the demo is loaded.
        today = timezone.localdate(self.now)
        starts = today + timedelta(days=row["onsite_starts_in_days"])
        return {
            "opens_at": self.now + timedelta(days=row["opens_in_days"]),
            "closes_at": timezone.localtime(
                self.now + timedelta(days=row["closes_in_days"])
            ).replace(hour=18, minute=0, second=0, microsecond=0),
            "age_reference_date": starts,
            "onsite_starts_on": starts,
            "onsite_ends_on": starts + timedelta(days=row["onsite_days"]),
        }

    def cohort(self, row):
        manager = User.objects.get(email="manager@example.org")
        dates = self.cohort_dates(row)
        cohort = applicant_services.cohort_create(
            by=manager,
            name=row["name"],
            slug=row["slug"],
            status=CohortStatus.OPEN,
            eligible_countries=list(self.countries.values()),
            **dates,
        )
        finished = row["status"] == CohortStatus.FINISHED
        for code, country in sorted(self.countries.items()):
            people = self.names(code, row["applicants_per_country"])
            for index, (legal, native, gender, preferred) in enumerate(people):
                email = f"{slugify(legal)[:40]}.{row['slug']}.{code.lower()}{index}@example.org"
                user = self.register(
                    email=email,
                    password=None,
                    profile={
                        "legal_name": legal,
                        "native_name": native,
                        "gender": gender,
                        "preferred_name": preferred,
                        "date_of_birth": self.birth_date(cohort),
                        "nationality": country,
                        "residence": country,
                    },
                )
                self.application(cohort, user, manager, index, finished)
        if finished:
            applicant_services.cohort_set_status(
                cohort=cohort, status=CohortStatus.FINISHED, by=manager
            )
        self.made.append(cohort.slug)

    def application(self, cohort, user, manager, index, finished):
        opened = cohort.opens_at + timedelta(days=self.rng.randint(1, 20), hours=index)
        application = applicant_services.application_start(applicant=user, cohort=cohort, at=opened)
        if not finished and index < 2:
            return  # the first two of each country are still drafting
        applicant_services.application_submit(
            application=application, by=user, at=opened + timedelta(days=self.rng.randint(1, 9))
        )
        if not finished:
            return
        S = ApplicationStatus
        steps = [S.ACCEPTED, S.OFFER_ACCEPTED] if index < cohort.seats_per_country else [S.REJECTED]
        for status in steps:
            applicant_services.application_transition(
                application=application,
                to=status,
                by=user if status == S.OFFER_ACCEPTED else manager,
            )
