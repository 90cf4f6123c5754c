"""Every URL of the URLconf, asked for by every kind of user, with the answer each must get.

A URL without a declared expectation fails `test_every_url_has_a_declared_expectation`, so no
new view can go without a permission decision. Declare a new URL in MATRIX with the GET status
each role gets: a number, or LOGIN for a redirect to the login page. The admin has one rule:
non-staff are sent to the admin login; staff see what their permissions allow.
"""

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from applicants.exports import export_queue
from applicants.models import ApplicationDocument, OutboxMessage
from applicants.services import document_upload
from commission import roles as role_groups
from commission.services import assignment_add, rubric_create_default
from shoots.services import (
    feed_create,
    location_photo_add,
    permit_update,
    support_attachment_add,
    support_request_create,
)
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    ParticipantFactory,
    PermitFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    TeamMemberFactory,
)
from tests.factories.files import pdf, png

ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "manager",
    "reviewer",
    "permits_officer",
    "logistics",
]
STAFF = ["manager", "reviewer", "permits_officer", "logistics"]
APPLICANTS = ["applicant", "other_applicant"]
LOGIN = "login"


def expect(default, **by_role):
    """`default` for every role, except the roles named; `staff=` and `applicants=` name groups."""
    answers = dict.fromkeys(ROLES, default)
    for group, roles in (("applicants", APPLICANTS), ("staff", STAFF)):
        if group in by_role:
            answers.update(dict.fromkeys(roles, by_role.pop(group)))
    answers.update(by_role)
    return answers


def draft(w):
    return {"pk": w["draft"].pk}


def export(w):
    return {"pk": w["export"].pk}


# The applicant's own pages: staff are sent to their desk, anyone else's application is 404.
OWN = expect(302, anonymous=LOGIN, applicant=200, other_applicant=404)
POST_ONLY = expect(405)
# Reading applications on the desk: programme managers and logistics coordinators.
READS_APPLICATIONS = expect(
    403, anonymous=LOGIN, manager=200, logistics=200, reviewer=403, permits_officer=403
)
MANAGES_COHORTS = expect(403, anonymous=LOGIN, manager=200)
# A reviewer's own assignment; anyone else on the panel would get 404 (tested in place).
REVIEWS = expect(403, anonymous=LOGIN, reviewer=200)


def assignment(w):
    return {"pk": w["assignment"].pk}


def cohort(w):
    return {"slug": w["submitted"].cohort.slug}


# The shoots desk: staff who read the schedule (not the review panel).
READS_SHOOTS = expect(
    403, anonymous=LOGIN, manager=200, permits_officer=200, logistics=200, reviewer=403
)
MANAGES_TEAMS = expect(403, anonymous=LOGIN, manager=200)
SCHEDULES = expect(403, anonymous=LOGIN, manager=200, permits_officer=200)
FILES_PERMITS = expect(403, anonymous=LOGIN, permits_officer=200)
# Staff who read the schedule and the day's own crew; to anyone else it does not exist.
CALL_SHEET = expect(
    404, anonymous=LOGIN, manager=200, permits_officer=200, logistics=200, applicant=200
)


def location(w):
    return {"slug": w["shoot_day"].location.slug}


def team(w):
    return {"pk": w["shoot_day"].production.team.pk}


def production(w):
    return {"pk": w["shoot_day"].production.pk}


def shoot_day(w):
    return {"pk": w["shoot_day"].pk}


def shoot_cohort(w):
    return {"slug": w["shoot_day"].production.team.cohort.slug}


def permit(w):
    return {"pk": w["permit"].pk}


# The logistics desk: staff who read support requests (not the permits officer: participants'
# travel is personal data); who may file them; the budget's readers.
READS_SUPPORT = expect(403, anonymous=LOGIN, manager=200, logistics=200)
REQUESTS_SUPPORT = expect(403, anonymous=LOGIN, logistics=200)
READS_BUDGET = expect(403, anonymous=LOGIN, manager=200, logistics=200)
# A participant's own pages: staff are sent to their desk; anyone without a seat has none.
OWN_SEAT = expect(302, anonymous=LOGIN, applicant=200, other_applicant=404)


def support(w):
    return {"pk": w["support"].pk}


# url name -> (kwargs maker taking the objects of `world`, {role: GET status})
MATRIX = {
    "home": (None, expect(302, anonymous=200)),
    "call_detail": (lambda w: {"slug": w["draft"].cohort.slug}, expect(200)),
    "application_start": (lambda w: {"slug": w["draft"].cohort.slug}, POST_ONLY),
    "applicant_home": (None, expect(302, anonymous=LOGIN, applicants=200)),
    # One's own data: no id in the address, so each applicant reaches only their own.
    "my_data_download": (None, expect(302, anonymous=LOGIN, applicants=200)),
    "account_delete": (None, expect(302, anonymous=LOGIN, applicants=200)),
    "application_detail": (draft, OWN),
    "application_step": (lambda w: {"pk": w["draft"].pk, "step": "profile"}, OWN),
    "document_upload": (lambda w: {"pk": w["draft"].pk, "kind": "cv"}, POST_ONLY),
    "document_delete": (lambda w: {"pk": w["draft"].pk, "kind": "cv"}, POST_ONLY),
    "consent_form": (draft, OWN),
    "application_submit": (draft, POST_ONLY),
    "application_withdraw": (draft, OWN),
    # Nobody but the owner and staff who read the document's kind learns it exists: a CV is
    # the manager's; logistics reads no document (see tests/applicants/test_personal_data_access).
    "document_download": (
        lambda w: {"pk": w["submitted"].documents.first().pk},
        expect(404, applicant=200, manager=200),
    ),
    "cohort_list": (None, expect(403, anonymous=LOGIN, staff=200)),
    "cohort_create": (None, MANAGES_COHORTS),
    "cohort_update": (lambda w: {"slug": w["draft"].cohort.slug}, MANAGES_COHORTS),
    "staff_application_list": (None, READS_APPLICATIONS),
    "staff_application_export": (None, READS_APPLICATIONS),
    "staff_application_detail": (lambda w: {"pk": w["submitted"].pk}, READS_APPLICATIONS),
    "review_list": (None, REVIEWS),
    "review_detail": (assignment, REVIEWS),
    "review_document": (lambda w: {"pk": w["assignment"].pk, "kind": "cv"}, REVIEWS),
    "review_conflict": (assignment, REVIEWS),
    "rubric_edit": (cohort, MANAGES_COHORTS),
    "assignment_board": (cohort, MANAGES_COHORTS),
    "assignment_auto": (cohort, POST_ONLY),
    "assignment_bulk": (cohort, POST_ONLY),
    "assignment_delete": (assignment, POST_ONLY),
    "ranking": (cohort, MANAGES_COHORTS),
    "application_audit": (lambda w: {"pk": w["submitted"].pk}, MANAGES_COHORTS),
    "selection": (cohort, MANAGES_COHORTS),
    "selection_propose": (cohort, POST_ONLY),
    "selection_override": (lambda w: {"pk": w["submitted"].pk}, POST_ONLY),
    "decisions_release": (cohort, POST_ONLY),
    "outbox": (cohort, MANAGES_COHORTS),
    "outbox_message": (lambda w: {"pk": w["mail"].pk}, MANAGES_COHORTS),
    "outbox_send": (cohort, POST_ONLY),
    "mail_list": (None, MANAGES_COHORTS),
    # A staff member's own workbooks: anyone else's is not found.
    "export_list": (None, expect(403, anonymous=LOGIN, staff=200)),
    "export_detail": (
        lambda w: {"pk": w["export"].pk},
        expect(403, anonymous=LOGIN, staff=404, manager=200),
    ),
    "export_download": (lambda w: {"pk": w["export"].pk}, expect(403, anonymous=LOGIN, staff=404)),
    "mail_resend": (lambda w: {"pk": w["mail"].pk}, POST_ONLY),
    "offer_accept": (draft, POST_ONLY),
    "offer_decline": (draft, POST_ONLY),
    "signup": (None, expect(302, anonymous=200)),
    "verification_sent": (None, expect(200)),
    "verify_email": (lambda w: {"token": "not-a-token"}, expect(200)),
    "login": (None, expect(302, anonymous=200)),
    "logout": (None, expect(405)),
    "password_reset": (None, expect(200)),
    "password_reset_done": (None, expect(200)),
    "password_reset_confirm": (lambda w: {"uidb64": "MQ", "token": "bad-token"}, expect(200)),
    "password_reset_complete": (None, expect(200)),
    "desk": (None, expect(403, anonymous=LOGIN, staff=200)),
    # The second factor: staff set one up; the code after the password sends anyone on who
    # has no authenticator to be asked for (applicants are never asked).
    "two_factor_setup": (None, expect(403, anonymous=LOGIN, staff=200)),
    "two_factor_verify": (None, expect(302, anonymous=LOGIN)),
    "location_list": (None, READS_SHOOTS),
    "location_detail": (location, READS_SHOOTS),
    "location_photo_add": (location, POST_ONLY),
    "location_photo": (lambda w: {"pk": w["photo"].pk}, READS_SHOOTS),
    "location_photo_delete": (lambda w: {"pk": w["photo"].pk}, POST_ONLY),
    "team_board": (shoot_cohort, READS_SHOOTS),
    "team_detail": (team, READS_SHOOTS),
    "team_edit": (team, MANAGES_TEAMS),
    "production_edit": (production, MANAGES_TEAMS),
    # A participant's own team; an applicant who is not one has no team page.
    "my_team": (None, expect(302, anonymous=LOGIN, applicant=200, other_applicant=404)),
    "schedule": (shoot_cohort, READS_SHOOTS),
    "shoot_day_create": (production, SCHEDULES),
    "shoot_day_detail": (shoot_day, READS_SHOOTS),
    "shoot_day_edit": (shoot_day, SCHEDULES),
    "shoot_day_delete": (shoot_day, POST_ONLY),
    "conflict_list": (shoot_cohort, READS_SHOOTS),
    "conflict_rules": (shoot_cohort, POST_ONLY),
    "permit_list": (shoot_cohort, READS_SHOOTS),
    "permit_create": (shoot_day, FILES_PERMITS),
    "permit_detail": (permit, READS_SHOOTS),
    "permit_transition": (permit, POST_ONLY),
    "permit_insurance": (permit, READS_SHOOTS),
    "call_sheet": (shoot_day, CALL_SHEET),
    "feed_list": (None, READS_SHOOTS),
    "feed_create": (None, POST_ONLY),
    "feed_revoke": (lambda w: {"pk": w["feed"].pk}, POST_ONLY),
    "my_feed": (None, POST_ONLY),
    # The token is the secret: whoever holds it reads the calendar, logged in or not.
    "feed": (lambda w: {"token": w["feed"].token}, expect(200)),
    "support_board": (shoot_cohort, READS_SUPPORT),
    "support_create": (shoot_cohort, REQUESTS_SUPPORT),
    "support_detail": (support, READS_SUPPORT),
    "support_transition": (support, POST_ONLY),
    "support_attachment_add": (support, POST_ONLY),
    # The traveller's ticket: the desk and the traveller; to anyone else it does not exist.
    "support_attachment": (
        lambda w: {"pk": w["attachment"].pk},
        expect(404, anonymous=LOGIN, manager=200, logistics=200, applicant=200),
    ),
    "support_attachment_delete": (lambda w: {"pk": w["attachment"].pk}, POST_ONLY),
    "travel_board": (shoot_cohort, READS_SUPPORT),
    "room_board": (shoot_cohort, READS_SUPPORT),
    "budget": (shoot_cohort, READS_BUDGET),
    "support_import": (shoot_cohort, REQUESTS_SUPPORT),
    "support_import_template": (shoot_cohort, REQUESTS_SUPPORT),
    "my_travel": (None, OWN_SEAT),
    "my_support_request": (None, OWN_SEAT),
    "my_support_withdraw": (support, POST_ONLY),
    "set_language": (None, expect(302)),  # a language is chosen by POST; GET goes home
    # The desk's lists in Excel: whoever reads the page downloads its rows.
    "schedule_export": (shoot_cohort, READS_SHOOTS),
    "permit_export": (shoot_cohort, READS_SHOOTS),
    "support_export": (shoot_cohort, READS_SUPPORT),
    "staff_application_export_xlsx": (None, READS_APPLICATIONS),
    "review_export": (cohort, MANAGES_COHORTS),
    # The whole season in one workbook: only for whoever reads every sheet of it.
    # Queued for the worker: the asker lands on its page.
    "cohort_report": (cohort, expect(403, anonymous=LOGIN, manager=302)),
}


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_has_a_declared_expectation():
    undeclared = {
        name for name in url_names() if name not in MATRIX and not name.startswith("admin:")
    }

    assert undeclared == set()


def build_world(applicant, other_applicant, manager, reviewer, permits_officer, logistics):
    draft = ApplicationFactory(applicant=applicant)
    # A minor, so that the guardian's consent form is theirs to see.
    profile = applicant.profile
    reference = draft.cohort.age_reference_date
    profile.date_of_birth = reference.replace(year=reference.year - 17)
    profile.save()
    submitted = ApplicationFactory(applicant=applicant, status="submitted")
    document_upload(application=draft, kind="cv", upload=pdf(), by=applicant)
    ApplicationDocument.objects.filter(application=draft).update(application=submitted)
    rubric_create_default(cohort=submitted.cohort, by=manager)
    assignment = assignment_add(application=submitted, reviewer=reviewer, by=manager)
    # The applicant is also a participant of an earlier cohort, filming one shoot day.
    production = ProductionFactory()
    cohort_ = production.team.cohort
    seat = ParticipantFactory(application__applicant=applicant, application__cohort=cohort_)
    TeamMemberFactory(team=production.team, participant=seat)
    shoot_day = ShootDayFactory(production=production)
    shoot_day.crew.add(seat)
    permit = permit_update(
        permit=PermitFactory(shoot_day=shoot_day), fields={}, insurance=pdf(), by=permits_officer
    )
    support = support_request_create(
        cohort=cohort_,
        fields={"participant": seat, "kind": "flight", "summary": "Flight to Busan"},
        by=logistics,
    )
    return {
        "support": support,
        "attachment": support_attachment_add(
            request=support, upload=pdf("ticket.pdf"), by=logistics
        ),
        "users": {
            "applicant": applicant,
            "other_applicant": other_applicant,
            "manager": manager,
            "reviewer": reviewer,
            "permits_officer": permits_officer,
            "logistics": logistics,
        },
        "draft": draft,
        "submitted": submitted,
        "assignment": assignment,
        "shoot_day": shoot_day,
        "permit": permit,
        "photo": location_photo_add(
            location=shoot_day.location, upload=png(), caption="Entrance", by=permits_officer
        ),
        "feed": feed_create(kind="production", subject=production, by=manager),
        "export": export_queue(
            kind="cohort_report", params={"cohort": submitted.cohort.slug}, user=manager
        ),
        "mail": OutboxMessage.objects.create(
            application=submitted,
            kind="regret",
            to=applicant.email,
            subject="-",
            body="-",
            html="-",
        ),
    }


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for this module's ~600 tests and rolled back after them; each
    test runs in a savepoint inside it, so what a request writes is undone after the test."""
    uploads = tmp_path_factory.mktemp("uploads")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=uploads,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        made = build_world(
            applicant=ApplicantFactory(email="thea@example.org"),
            other_applicant=ApplicantFactory(email="dara@example.org"),
            manager=StaffFactory(email="manager@example.org", role=role_groups.PROGRAMME_MANAGER),
            reviewer=StaffFactory(email="reviewer@example.org", role=role_groups.REVIEWER),
            permits_officer=StaffFactory(
                email="permits@example.org", role=role_groups.PERMITS_OFFICER
            ),
            logistics=StaffFactory(
                email="logistics@example.org", role=role_groups.LOGISTICS_COORDINATOR
            ),
        )
        yield uploads, made
        transaction.set_rollback(True)


@pytest.fixture
def world(db, settings, shared_world):
    uploads, made = shared_world
    settings.MEDIA_ROOT = uploads  # where the world's documents and photos were stored
    return made


def get_as(client, world, role, url):
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.get(url)
    if response.streaming:
        # Reading a download to its end closes its file (the test client's own way).
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_declared(client, world, name, role):
    make_kwargs, answers = MATRIX[name]
    url = reverse(name, kwargs=make_kwargs(world) if make_kwargs else None)

    response = get_as(client, world, role, url)

    expected = answers[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected


def admin_urls():
    yield "admin:index", None, None
    for model in admin.site._registry:
        meta = model._meta
        yield f"admin:{meta.app_label}_{meta.model_name}_changelist", None, model
    yield "admin:app_list", {"app_label": "applicants"}, None


@pytest.mark.parametrize("role", ROLES)
def test_admin_urls_answer_each_role_by_its_permissions(client, world, role):
    for name, kwargs, model in admin_urls():
        response = get_as(client, world, role, reverse(name, kwargs=kwargs))
        if role in STAFF:
            user = world["users"][role]
            allowed = model is None or any(
                user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
                for action in ("view", "change")
            )
            assert response.status_code == (200 if allowed else 403), name
        else:
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("admin:login")), name
