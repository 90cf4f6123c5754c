"""The demo: a believable season built through the services from `seeds/demo.json`."""

import itertools
import math
import random
import unicodedata
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from applicants import services as applicant_services
from applicants.enums import (
    REVIEWED_DOCUMENTS,
    ApplicationStatus,
    CohortStatus,
    CrewRole,
    DocumentKind,
    EnglishLevel,
    Gender,
    MailKind,
    MailStatus,
)
from applicants.exports import export_queue
from applicants.mail import mail_render
from applicants.models import Application, Cohort, Country, OutboxMessage, Participant, User
from applicants.services import ADULT_AGE
from shoots import services as shoot_services
from shoots.enums import PermitStatus, SupportKind, SupportState, TravelDirection
from shoots.models import Location
from shoots.services import ScheduleConflict

from .reference import load_reference_data, read_seed
from .roles import REVIEWER
from .selectors import cohort_outbox
from .services import (
    assignment_add,
    decisions_release,
    review_save,
    rubric_create_default,
    selection_propose,
    staff_create,
)
from .two_factor import demo_authenticator_add

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
        # Cohorts in which one applicant's CV names them (see `upload`).
        self.named_cv_in = set()

    def run(self) -> list[str]:
        load_reference_data()
        self.countries = {country.code: country for country in Country.objects.all()}
        with transaction.atomic():
            self.staff()
            for row in self.settings["cohorts"]:
                if not Cohort.objects.filter(slug=row["slug"]).exists():
                    self.cohort(row)
            self.demo_applicant()
            self.demo_participant()
            self.desk_records()
        return self.made

    def desk_records(self):
        """What the desk's Mail and My exports pages show in a real season: a receipt the mail
        server refused for good, and the manager's report of the first cohort."""
        if OutboxMessage.objects.filter(status=MailStatus.FAILED).exists():
            return
        application = (
            Application.objects.filter(submitted_at__isnull=False)
            .select_related("applicant__profile")
            .order_by("pk")
            .first()
        )
        if application:
            OutboxMessage.objects.create(
                to=application.applicant.email,
                kind=MailKind.RECEIPT,
                application=application,
                status=MailStatus.FAILED,
                attempts=8,
                error="SMTPRecipientsRefused: 550 5.1.1 Mailbox unavailable",
                **mail_render(
                    template="applicants/email/receipt",
                    context={
                        "application": application,
                        "profile": application.applicant.profile,
                        "documents": list(application.documents.all()),
                    },
                ),
            )
        manager = User.objects.get(email="manager@example.org")
        export_queue(
            kind="cohort_report",
            params={"cohort": self.settings["cohorts"][0]["slug"]},
            user=manager,
        )
        self.made.append("desk records")

    # People ---------------------------------------------------------------------------

    def staff(self):
        for row in self.settings["staff"]:
            if not User.objects.filter(email=row["email"]).exists():
                country = self.countries[row["country"]]
                staff_create(password=self.password, **{**row, "country": country})
                self.made.append(row["email"])
            # Staff who read personal data log in with a second factor: the demo's is known.
            demo_authenticator_add(user=User.objects.get(email=row["email"]))

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

    def demo_participant(self):
        """One trainee of the finished cohort gets a demo login, to show a participant's view."""
        email = self.settings["participant"]
        if User.objects.filter(email=email).exists():
            return
        seat = Participant.objects.filter(cohort__slug="fly-2025").order_by("pk").first()
        seat.user.email = email
        seat.user.set_password(self.password)
        seat.user.save()
        self.made.append(email)

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
        age_days = self.rng.randint(cohort.min_age * 365 + 30, (cohort.max_age + 1) * 365 - 30)
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
        finished = row["status"] == CohortStatus.FINISHED
        cohort = applicant_services.cohort_create(
            by=manager,
            name=row["name"],
            slug=row["slug"],
            status=CohortStatus.OPEN,
            eligible_countries=list(self.countries.values()),
            reviewers_from_other_countries=not finished,
            team_count=row["team_count"],
            **dates,
        )
        rubric_create_default(cohort=cohort, by=manager)
        submitted = []  # (application, when, states to move it through afterwards)
        for number, (code, country) in enumerate(sorted(self.countries.items())):
            people = self.names(code, row["applicants_per_country"])
            for index, (legal, native, gender, preferred) in enumerate(people):
                email = f"{slugify(legal)[:40]}.{row['slug']}.{code.lower()}{index}@example.org"
                user = self.register(email=email, password=None, profile={})
                # A finished call's applicants all submitted; the ranking decided their fate.
                plan = ("all", []) if finished else open_plan(index, number)
                done = self.application(
                    cohort,
                    user,
                    plan,
                    profile={
                        "legal_name": legal,
                        "native_name": native,
                        "gender": gender,
                        "preferred_name": preferred,
                        "date_of_birth": self.birth_date(cohort),
                        "nationality": country,
                        "residence": country,
                        "city": self.rng.choice(self.settings["cities"][code]),
                        "languages": self.settings["languages"][code],
                        "english_level": self.rng.choice(list(EnglishLevel)),
                        "phone": self.settings["dialling"][code].format(
                            self.rng.randint(100, 9999)
                        ),
                        "passport_number": f"{code}{self.rng.randint(1000000, 9999999)}",
                        "passport_expires_on": cohort.onsite_ends_on
                        + timedelta(days=self.rng.randint(400, 3000)),
                    },
                )
                if done:
                    submitted.append(done)
        self.review(cohort, manager, submitted, everyone_done=finished)
        if finished:
            self.select(cohort, manager)
            applicant_services.cohort_set_status(
                cohort=cohort, status=CohortStatus.FINISHED, by=manager
            )
        else:
            for application, when, states in submitted:
                self.decide(cohort, application, manager, when, states)
        films = self.shoots(cohort, manager)
        self.support(cohort, manager, films, finished=finished)
        self.made.append(cohort.slug)

    def review(self, cohort, manager, submitted, everyone_done):
        """The panel: each application to three reviewers from other countries, and scores.

        Each application has a quality, each reviewer a leaning (one harsh, one lenient), so
        the mean and the normalised score tell slightly different stories.
        """
        reviewers = list(User.objects.filter(groups__name=REVIEWER).order_by("email"))
        leaning = {reviewer.pk: self.rng.gauss(0, 0.5) for reviewer in reviewers}
        leaning[reviewers[0].pk], leaning[reviewers[-1].pk] = -0.9, 0.7
        criteria = list(cohort.criteria.all())
        load = dict.fromkeys(leaning, 0)
        for application, when, _states in submitted:
            quality = self.rng.gauss(3.2, 0.8)
            country = application.applicant.profile.nationality_id
            eligible = [
                r
                for r in reviewers
                if not (cohort.reviewers_from_other_countries and r.country_id == country)
            ]
            chosen = sorted(eligible, key=lambda r: (load[r.pk], self.rng.random()))[
                : cohort.reviews_per_application
            ]
            for reviewer in chosen:
                load[reviewer.pk] += 1
                assigned = when + timedelta(days=self.rng.randint(1, 3))
                assignment = assignment_add(
                    application=application, reviewer=reviewer, by=manager, at=assigned
                )
                progress = 1.0 if everyone_done else self.rng.random()
                if progress < 0.2:
                    continue  # not started yet
                scores = {
                    criterion.pk: max(
                        1,
                        min(
                            criterion.scale,
                            round(quality + leaning[reviewer.pk] + self.rng.gauss(0, 0.6)),
                        ),
                    )
                    for criterion in criteria
                }
                review_save(
                    assignment=assignment,
                    by=reviewer,
                    scores=scores,
                    comment=self.rng.choice(self.settings["review_comments"]),
                    submit=progress >= 0.3,
                    at=min(assigned + timedelta(days=self.rng.randint(1, 10)), self.now),
                )

    def select(self, cohort, manager):
        """A finished call, through the desk: proposal, release, mail, every offer taken."""
        selection_propose(cohort=cohort, by=manager, order="normalised")
        decisions_release(cohort=cohort, by=manager)
        applicant_services.outbox_send(messages=list(cohort_outbox(cohort=cohort)), by=manager)
        for application in cohort.applications.filter(status=S.ACCEPTED).select_related(
            "applicant"
        ):
            applicant_services.offer_accept(application=application, by=application.applicant)

    def decide(self, cohort, application, manager, when, states):
        for status in states:
            by = application.applicant if status in APPLICANT_MOVES else manager
            when += timedelta(hours=self.rng.randint(2, 48))
            applicant_services.application_transition(
                application=application, to=status, by=by, at=min(when, self.now)
            )

    # Shoots ---------------------------------------------------------------------------

    def shoots(self, cohort, manager):
        """Teams split as the desk suggests, their films, shoot days and permits. Returns each
        film with its shoot days and their plans."""
        officer = User.objects.get(email="permits@example.org")
        people = [
            {"id": p.pk, "country": p.user.profile.nationality_id, "role": p.application.role_1}
            for p in Participant.objects.filter(cohort=cohort).select_related(
                "user__profile", "application"
            )
        ]
        placement = shoot_services.propose_teams(people=people, team_count=cohort.team_count)
        teams = shoot_services.teams_form(cohort=cohort, placement=placement, by=manager)
        films = []
        for team, film in zip(teams, self.settings["shoots"][cohort.slug], strict=True):
            mentors = User.objects.filter(email__in=film["mentors"])
            shoot_services.team_update(team=team, name="", mentors=mentors, roles={}, by=manager)
            fields = {key: film[key] for key in ("title", "logline", "synopsis", "format")}
            fields["running_minutes"] = film["running_minutes"]
            production = shoot_services.production_update(
                production=team.production, fields=fields, by=manager
            )
            crew = [member.participant for member in team.members.all()]
            days = [
                (self.shoot_day(cohort, production, crew, plan, officer), plan)
                for plan in film["days"]
            ]
            films.append((production, days))
        return films

    def shoot_day(self, cohort, production, crew, plan, officer):
        location = Location.objects.get(slug=plan["location"])
        fields = {
            "location": location,
            "date": cohort.onsite_starts_on + timedelta(days=plan["day"]),
            "call_time": datetime.strptime(plan["call"], "%H:%M").time(),
            "wrap_time": datetime.strptime(plan["wrap"], "%H:%M").time(),
            "scenes": plan["scenes"],
            "schedule": f"{plan['call']} Call, breakfast\n{plan['wrap']} Wrap, load out",
            "crew_count": len(crew) + 2,
            "vehicle_count": 1 + len(crew) // 4,
            "equipment": "Camera package A, sound kit, two LED panels",
        }
        # Scheduled well ahead, as the desk would; a closed day moves to the next.
        for _attempt in range(3):
            try:
                day, _warnings = shoot_services.shoot_day_save(
                    production=production,
                    fields=fields,
                    crew=crew,
                    by=officer,
                    today=fields["date"] - timedelta(days=60),
                )
                break
            except ScheduleConflict:
                fields["date"] += timedelta(days=1)
        permit = day.permits.get()
        shoot_services.permit_update(
            permit=permit,
            fields={
                "activities": plan["activities"],
                "parking_plan": "One van in the public car park; equipment carried in.",
                "fee_krw": 0 if location.authority.kind == "district_office" else 150000,
            },
            insurance=SimpleUploadedFile(
                "insurance.pdf", tiny_pdf(f"Insurance certificate: {production}")
            ),
            by=officer,
        )
        steps = {
            PermitStatus.DRAFT: [],
            PermitStatus.SUBMITTED: [PermitStatus.SUBMITTED],
            PermitStatus.APPROVED: [PermitStatus.SUBMITTED, PermitStatus.APPROVED],
            PermitStatus.APPROVED_WITH_CONDITIONS: [
                PermitStatus.SUBMITTED,
                PermitStatus.APPROVED_WITH_CONDITIONS,
            ],
        }[plan["permit"]]
        # Filed on time: by the due date, or today for a permit not due yet.
        filed_on = min(permit.due_on, timezone.localdate(self.now))
        for status in steps:
            shoot_services.permit_transition(
                permit=permit,
                to=status,
                by=officer,
                reference_number=f"BSN-{day.date:%Y}-{permit.pk:05d}",
                conditions=plan.get("conditions", "")
                if status == PermitStatus.APPROVED_WITH_CONDITIONS
                else "",
                today=filed_on,
            )
        return day

    # Logistics ------------------------------------------------------------------------

    def support(self, cohort, manager, films, *, finished):
        """The logistics desk's season: done and paid for a finished cohort, under way for
        the one ahead; and the budget it is measured against."""
        logistics = Logistics(
            cohort=cohort,
            films=films,
            spec=self.settings["support"],
            manager=manager,
            today=timezone.localdate(self.now),
        )
        if finished:
            logistics.season_done()
        else:
            logistics.season_ahead()
        logistics.budget()

    def answers(self):
        idea = self.rng.choice(self.settings["ideas"])
        others = [role for role in CrewRole if role != idea["role"]]
        self.rng.shuffle(others)
        return {
            "role_1": idea["role"],
            "role_2": others[0],
            "role_3": others[1] if self.rng.random() < 0.6 else "",
            "bio": self.rng.choice(self.settings["bios"]),
            "motivation": self.settings["motivation"],
            "logline": idea["logline"],
            "synopsis": self.settings["synopsis"],
            "showreel_url": f"https://vimeo.com/{self.rng.randint(100000000, 999999999)}",
        }

    def upload(self, application, user, kind, legal_name, *, named=False):
        """Applicants leave their names out of what reviewers read, unless `named`."""
        name = f"{kind}-{slugify(legal_name)}.pdf"
        named = named or kind not in REVIEWED_DOCUMENTS
        text = f"{kind}: {legal_name}" if named else f"{kind}: the applicant's work"
        upload = SimpleUploadedFile(name, tiny_pdf(text))
        applicant_services.document_upload(
            application=application, kind=kind, upload=upload, by=user
        )

    def application(self, cohort, user, plan, profile):
        """Fill an application as far as `plan` says; returns it if it was submitted."""
        opened = cohort.opens_at + timedelta(
            days=self.rng.randint(1, 20), minutes=self.rng.randint(0, 14 * 60)
        )
        application = applicant_services.application_start(applicant=user, cohort=cohort, at=opened)
        fill, states = plan
        applicant_services.application_save_step(
            application=application,
            by=user,
            profile=profile,
            answers=self.answers() if fill != "profile" else None,
        )
        if fill in ("profile", "answers"):
            return None
        # The first to submit in each cohort forgot to leave their name out of their CV: the
        # desk shows it withheld from reviewers, and the request to anonymise it.
        forgot = states is not None and cohort.pk not in self.named_cv_in
        if forgot:
            self.named_cv_in.add(cohort.pk)
        for kind in applicant_services.DOCUMENTS_REQUIRED:
            named = forgot and kind == DocumentKind.CV
            self.upload(application, user, kind, profile["legal_name"], named=named)
        if cohort.age_on_reference_date(profile["date_of_birth"]) < ADULT_AGE:
            guardian = f"{profile['legal_name'].split(' ')[-1]} (parent)"
            applicant_services.application_save_step(
                application=application,
                by=user,
                answers={"guardian_name": guardian, "guardian_email": f"guardian.{user.email}"},
            )
            self.upload(application, user, DocumentKind.CONSENT, profile["legal_name"])
        if states is None:
            return None
        submitted = opened + timedelta(
            days=self.rng.randint(1, 9), minutes=self.rng.randint(0, 600)
        )
        application = applicant_services.application_submit(
            application=application, by=user, at=submitted
        )
        return application, submitted, states


# How a support request reaches each state from requested.
SUPPORT_STEPS = {
    SupportState.REQUESTED: [],
    SupportState.APPROVED: [SupportState.APPROVED],
    SupportState.ARRANGED: [SupportState.APPROVED, SupportState.ARRANGED],
    SupportState.DONE: [SupportState.APPROVED, SupportState.ARRANGED, SupportState.DONE],
    SupportState.CANCELLED: [SupportState.APPROVED, SupportState.ARRANGED, SupportState.CANCELLED],
}
NIGHT_CALL = time(15, 0)
PNR_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def clock(text: str) -> tuple[time, int]:
    """A time on a ticket: '07:35+1' is 07:35 on the day after the journey starts."""
    hours, _plus, days = text.partition("+")
    return datetime.strptime(hours, "%H:%M").time(), int(days or 0)


class Logistics:
    """One cohort's travel, rooms, transfers and shoot-day support, through the desk's
    services, with prices from `seeds/demo.json`."""

    def __init__(self, *, cohort, films, spec, manager, today):
        self.cohort, self.films, self.spec = cohort, films, spec
        self.manager, self.today = manager, today
        self.desk = User.objects.get(email=spec["coordinator"])
        # A random stream of its own: the logistics leave the rest of the demo as it was.
        self.rng = random.Random(f"{cohort.slug}-logistics")  # noqa: S311 (demo data)
        self.arrive_on = cohort.onsite_starts_on - timedelta(days=1)
        self.leave_on = cohort.onsite_ends_on + timedelta(days=1)
        self.hotels = spec["hotels"][cohort.slug]
        ahead = spec["ahead"]
        self.states = itertools.cycle(ahead["states"])
        self.due_in_days = itertools.cycle(ahead["due_in_days"])
        self.hold_due_in_days = itertools.cycle(ahead["hold_due_in_days"])
        self.assigned = itertools.cycle([True, True, False])

    def request(self, state=SupportState.REQUESTED, *, by=None, **fields):
        request = shoot_services.support_request_create(
            cohort=self.cohort, fields=fields, by=by or self.desk
        )
        for step in SUPPORT_STEPS[state]:
            request = shoot_services.support_request_transition(
                request=request, to=step, by=self.desk
            )
        return request

    def invoiced(self, estimated: int) -> int:
        """What the invoice said, near the quote."""
        return int(round(estimated * self.rng.uniform(0.9, 1.04), -3))

    def pace(self) -> dict:
        """The season ahead: a state, a date to arrange it by, and perhaps an assignee."""
        return {
            "state": next(self.states),
            "due_on": self.today + timedelta(days=next(self.due_in_days)),
            "assignee": self.desk if next(self.assigned) else None,
        }

    # A finished season ------------------------------------------------------------------

    def season_done(self):
        participants = list(
            Participant.objects.filter(cohort=self.cohort)
            .select_related("user__profile__nationality", "team_member")
            .order_by("pk")
        )
        self.travel(participants)
        self.rooms(participants)
        for production, days in self.films:
            self.film_support(production, days, done=True)
        self.participant_request(participants[0])

    def route(self, profile) -> dict:
        """How someone from this city gets to Busan: their city's own way, or the flights
        from their country's main airport."""
        route = self.spec["travel"][profile.nationality.code]
        own = self.spec["travel_by_city"].get(profile.city)
        return {**route, "city": profile.city, **own} if own else route

    def flight(self, legs: list, *, arriving: bool) -> tuple[dict, list[str]]:
        """The flight that lands in or leaves Busan, with the journey's other legs as notes:
        an arrival lands the day before on-site starts, a departure leaves the day after it
        ends."""
        timed = [(leg, *clock(leg["departs"]), *clock(leg["arrives"])) for leg in legs]
        busan = timed[-1] if arriving else timed[0]
        first_day = self.arrive_on - timedelta(days=busan[4]) if arriving else self.leave_on
        places = self.spec["places"]
        others = [
            f"{leg['flight']} {leg['from']} {first_day + timedelta(days=off):%d %b} {leaves:%H:%M}"
            f" → {leg['to']} {first_day + timedelta(days=on):%d %b} {lands:%H:%M}"
            for leg, leaves, off, lands, on in timed
            if leg is not busan[0]
        ]
        leg, leaves, off, lands, on = busan
        fields = {
            "kind": SupportKind.FLIGHT,
            "direction": TravelDirection.ARRIVAL if arriving else TravelDirection.DEPARTURE,
            "flight_number": leg["flight"],
            "origin": places[leg["from"]],
            "destination": places[leg["to"]],
            "starts_on": first_day + timedelta(days=off),
            "departs_time": leaves,
            "ends_on": first_day + timedelta(days=on),
            "arrives_time": lands,
            "notes": f"Connecting flights: {'; '.join(others)}." if others else "",
        }
        stops = [leg["to"] for leg in legs[:-1]] if arriving else [leg["from"] for leg in legs[1:]]
        return fields, stops

    def travel(self, participants):
        """Round trips home and back, with a shared van between Gimhae and the hotel."""
        hotel = self.hotels[0]["name"]
        pickups, drop_offs = {}, {}  # (day, time) -> participants in the van
        for participant in participants:
            profile = participant.user.profile
            route = self.route(profile)
            if "overland" in route:
                self.overland(participant, route["overland"])
                continue
            reference = "".join(self.rng.choice(PNR_LETTERS) for _letter in range(6))
            fare = self.invoiced(route["fare_krw"])
            for arriving, legs in ((True, route["in"]), (False, route["out"])):
                fields, stops = self.flight(legs, arriving=arriving)
                home = route["city"]
                via = f" via {' and '.join(stops)}" if stops else ""
                if arriving and profile.city != home:
                    fields["notes"] = (
                        f"Own connection from {profile.city} to {home}. {fields['notes']}".strip()
                    )
                self.request(
                    SupportState.DONE,
                    participant=participant,
                    summary=(
                        f"Flight to Busan from {home}{via}"
                        if arriving
                        else f"Flight home to {home}{via}"
                    ),
                    vendor=route["airline"],
                    booking_reference=reference,
                    estimated_cost_krw=route["fare_krw"] // 2,
                    actual_cost_krw=fare // 2,
                    assignee=self.desk,
                    due_on=self.arrive_on - timedelta(days=45),
                    **fields,
                )
                if arriving:
                    pickups.setdefault((fields["ends_on"], fields["arrives_time"]), []).append(
                        (participant, fields["flight_number"])
                    )
                else:
                    drop_offs.setdefault((fields["starts_on"], fields["departs_time"]), []).append(
                        (participant, fields["flight_number"])
                    )
        self.transfers(pickups, hotel, arriving=True)
        self.transfers(drop_offs, hotel, arriving=False)

    def transfers(self, flights: dict, hotel: str, *, arriving: bool):
        spec, airport = self.spec["transfer"], self.spec["places"]["PUS"]
        for (day, flight_time), riders in sorted(flights.items()):
            vans = math.ceil(len(riders) / spec["seats"])
            share = int(round(spec["van_krw"] * vans / len(riders), -2))
            minutes = spec["pickup_after_minutes"] if arriving else -spec["leave_before_minutes"]
            leaves = datetime.combine(day, flight_time) + timedelta(minutes=minutes)
            for participant, number in riders:
                others = len(riders) - 1
                self.request(
                    SupportState.DONE,
                    kind=SupportKind.AIRPORT_TRANSFER,
                    participant=participant,
                    direction=TravelDirection.ARRIVAL if arriving else TravelDirection.DEPARTURE,
                    summary=(
                        f"Pick-up at Gimhae after {number}"
                        if arriving
                        else f"Ride to Gimhae for {number}"
                    ),
                    origin=airport if arriving else hotel,
                    destination=hotel if arriving else airport,
                    starts_on=leaves.date(),
                    departs_time=leaves.time(),
                    vendor=spec["vendor"],
                    estimated_cost_krw=share,
                    actual_cost_krw=share,
                    assignee=self.desk,
                    due_on=self.arrive_on - timedelta(days=10),
                    notes=f"Shared van: {others} more on the same flight." if others else "",
                )

    def overland(self, participant, way):
        """A Korean participant comes by train or bus, or lives in Busan already."""
        if way is None:
            return
        for arriving, (name, origin, leaves, destination, lands) in (
            (True, way["in"]),
            (False, way["out"]),
        ):
            on = self.arrive_on if arriving else self.leave_on
            self.request(
                SupportState.DONE,
                kind=SupportKind.OTHER,
                participant=participant,
                summary=f"{name} {origin} → {destination}",
                origin=origin,
                destination=destination,
                starts_on=on,
                ends_on=on,
                departs_time=clock(leaves)[0],
                arrives_time=clock(lands)[0],
                vendor=way["vendor"],
                estimated_cost_krw=way["fare_krw"],
                actual_cost_krw=way["fare_krw"],
                assignee=self.desk,
                due_on=self.arrive_on - timedelta(days=14),
            )

    def rooms(self, participants):
        """A single room each for the whole stay, women and men on floors of their own."""
        hotel = self.hotels[0]
        nights = (self.leave_on - self.arrive_on).days
        reference = f"GRP{self.arrive_on:%y%m%d}-{self.rng.randint(100, 999)}"
        taken = {}
        for participant in participants:
            floors = hotel["floors"]
            floor = floors[0] if participant.user.profile.gender == Gender.FEMALE else floors[1]
            taken[floor] = taken.get(floor, 0) + 1
            self.request(
                SupportState.DONE,
                kind=SupportKind.ROOM,
                participant=participant,
                summary=f"Single room, {nights} nights",
                vendor=hotel["name"],
                booking_reference=reference,
                starts_on=self.arrive_on,
                ends_on=self.leave_on,
                room=f"{floor}{taken[floor]:02d}",
                estimated_cost_krw=hotel["rate_krw"] * nights,
                actual_cost_krw=hotel["rate_krw"] * nights,
                assignee=self.desk,
                due_on=self.arrive_on - timedelta(days=30),
            )

    def participant_request(self, participant):
        """The demo participant asks for help on their team's last shoot day."""
        spec = self.spec["participant_request"]
        production, days = next(
            (production, days)
            for production, days in self.films
            if production.team_id == participant.team_member.team_id
        )
        day = days[-1][0]
        self.request(
            by=participant.user,
            kind=spec["kind"],
            production=production,
            shoot_day=day,
            summary=spec["summary"],
            notes=spec["notes"],
            starts_on=day.date,
            ends_on=day.date,
            estimated_cost_krw=spec["estimated_krw"],
        )

    # Shoot days, either season ------------------------------------------------------------

    def film_support(self, production, days, *, done: bool):
        """Vans, interpreters and meals for every shoot day; marshals on a day that needs
        traffic control and a drone pilot on a drone day; gear and insurance for the shoot."""
        spec = self.spec["shoot_day"]
        for day, plan in days:
            overnight = day.wrap_time < day.call_time
            activities = set(plan["activities"])
            needs = [
                (SupportKind.VEHICLE, spec["vehicle"], day.vehicle_count),
                (SupportKind.INTERPRETER, spec["interpreter"], 1),
            ]
            if done:
                needs.append((SupportKind.CATERING, spec["catering"], day.crew_count))
            if activities & {"traffic_control", "road_closure"}:
                marshals = 4 if "road_closure" in activities else 2
                needs.append((SupportKind.POLICE, spec["police"], marshals))
            if "drone" in activities:
                needs.append((SupportKind.EQUIPMENT, spec["drone"], 1))
            for kind, need, quantity in needs:
                summary = need["summary"]
                if kind == SupportKind.CATERING and (overnight or day.call_time >= NIGHT_CALL):
                    summary = need["night_summary"]
                if kind == SupportKind.POLICE:
                    summary = summary.format(count=quantity)
                estimated = need["unit_krw"] * quantity
                self.day_request(
                    day,
                    done=done,
                    kind=kind,
                    summary=summary,
                    vendor=need["vendor"],
                    quantity=quantity,
                    estimated_cost_krw=estimated,
                    actual_cost_krw=self.invoiced(estimated) if done else None,
                    notes=need.get("notes", ""),
                )
            for extra in plan.get("support", []):
                self.day_request(
                    day,
                    done=done,
                    state=extra.get("state", SupportState.DONE),
                    kind=extra["kind"],
                    summary=extra["summary"],
                    vendor=extra["vendor"],
                    estimated_cost_krw=extra["estimated_krw"],
                    actual_cost_krw=extra.get("actual_krw"),
                    notes=extra.get("notes", ""),
                )
        if done:
            first, last = days[0][0].date, days[-1][0].date
            for kind, need, quantity in (
                (SupportKind.EQUIPMENT, self.spec["production"]["equipment"], len(days)),
                (SupportKind.INSURANCE, self.spec["production"]["insurance"], 1),
            ):
                estimated = need["unit_krw"] * quantity
                self.request(
                    SupportState.DONE,
                    kind=kind,
                    production=production,
                    summary=need["summary"],
                    vendor=need["vendor"],
                    starts_on=first,
                    ends_on=last,
                    estimated_cost_krw=estimated,
                    actual_cost_krw=estimated,
                    assignee=self.desk,
                    due_on=first - timedelta(days=21),
                )

    def day_request(self, day, *, done, state=None, **fields):
        ends_on = day.date + timedelta(days=1) if day.wrap_time < day.call_time else day.date
        if done:
            pace = {
                "state": state or SupportState.DONE,
                "due_on": day.date - timedelta(days=7),
                "assignee": self.desk,
            }
        else:
            pace = self.pace()
        self.request(
            production=day.production,
            shoot_day=day,
            starts_on=day.date,
            ends_on=ends_on,
            **pace,
            **fields,
        )

    # The season ahead ---------------------------------------------------------------------

    def season_ahead(self):
        """No participants yet: rooms and seats held for the teams, a minibus per team, and
        support booked for the planned shoot days, all at estimated cost."""
        productions = [production for production, _days in self.films]
        cohort = self.cohort
        seats = math.ceil(
            cohort.seats_per_country * cohort.eligible_countries.count() / len(productions)
        )
        nights = (self.leave_on - self.arrive_on).days
        coach = self.spec["production"]["coach"]
        for index, production in enumerate(productions):
            hotel = self.hotels[index * len(self.hotels) // len(productions)]
            team = production.team.number
            self.request(
                kind=SupportKind.ROOM,
                production=production,
                summary=f"Room block: {seats} single rooms for team {team}",
                vendor=hotel["name"],
                quantity=seats,
                starts_on=self.arrive_on,
                ends_on=self.leave_on,
                estimated_cost_krw=hotel["rate_krw"] * nights * seats,
                notes="Names go to the hotel once the teams are known.",
                **self.pace(),
            )
            self.request(
                kind=SupportKind.AIRPORT_TRANSFER,
                production=production,
                direction=TravelDirection.ARRIVAL,
                summary=coach["summary"],
                vendor=coach["vendor"],
                origin=self.spec["places"]["PUS"],
                destination=hotel["name"],
                starts_on=self.arrive_on,
                departs_time=time(8, 0),
                estimated_cost_krw=coach["unit_krw"],
                **self.pace(),
            )
        self.seat_holds(productions)
        for production, days in self.films:
            self.film_support(production, days, done=False)

    def seat_holds(self, productions):
        """A group fare held on each country's route, parked on a film until the cohort is
        selected: requested, without flight numbers, due in the coming weeks."""
        seats = self.cohort.seats_per_country
        routes = [
            (code, route)
            for code, route in sorted(self.spec["travel"].items())
            if "overland" not in route
        ]
        for index, (_code, route) in enumerate(routes):
            _lands, days = clock(route["in"][-1]["arrives"])
            self.request(
                kind=SupportKind.FLIGHT,
                production=productions[index % len(productions)],
                direction=TravelDirection.ARRIVAL,
                summary=f"Seat hold: {seats} seats {route['city']} → Busan ({route['airline']})",
                origin=self.spec["places"][route["in"][0]["from"]],
                destination=self.spec["places"]["PUS"],
                starts_on=self.arrive_on - timedelta(days=days),
                ends_on=self.arrive_on,
                quantity=seats,
                estimated_cost_krw=route["fare_krw"] * seats,
                due_on=self.today + timedelta(days=next(self.hold_due_in_days)),
                assignee=self.desk if index % 2 == 0 else None,
                notes=(
                    "Group fare held until the date to arrange it by; names go on the tickets"
                    f" once the cohort is selected. Return on {self.leave_on:%d %b %Y}."
                ),
            )

    # Budget -----------------------------------------------------------------------------

    def budget(self):
        spec = self.spec["budget"][self.cohort.slug]
        for kind, amount in spec["cohort"].items():
            shoot_services.budget_line_set(
                cohort=self.cohort, production=None, kind=kind, amount_krw=amount, by=self.manager
            )
        for production, _days in self.films:
            lines = {**spec["production"], **spec["films"].get(production.title, {})}
            for kind, amount in lines.items():
                shoot_services.budget_line_set(
                    cohort=self.cohort,
                    production=production,
                    kind=kind,
                    amount_krw=amount,
                    by=self.manager,
                )


S = ApplicationStatus
APPLICANT_MOVES = {S.OFFER_ACCEPTED, S.OFFER_DECLINED, S.WITHDRAWN}
# An open call's plan for one applicant: how far they filled it in, and the states their
# application moves through after the panel's reviews (None: never submitted).
DECISIONS = [
    [S.ACCEPTED],
    [S.WAITLISTED],
    [S.REJECTED],
    [S.ACCEPTED, S.OFFER_ACCEPTED],
    [S.ACCEPTED, S.OFFER_DECLINED],
]


def open_plan(index: int, country_number: int):
    """The open call's mix: drafts at every stage, submissions, and every later state."""
    if index == 0:
        return ("profile", None)
    if index == 1:
        return ("answers", None)
    if index == 2:
        return ("all", None)
    if index == 8:
        return ("all", [S.SHORTLISTED])
    if index == 9:
        return ("all", [S.WITHDRAWN])
    if index >= 10:
        return ("all", DECISIONS[(country_number * 3 + index) % len(DECISIONS)])
    return ("all", [])


def tiny_pdf(text: str, *, after_header: bytes = b"") -> bytes:
    """A one-page PDF that says `text`: enough to stand for an applicant's document.

    `after_header` goes below the header line (the tests put a web page there)."""
    safe = text.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n" + after_header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
