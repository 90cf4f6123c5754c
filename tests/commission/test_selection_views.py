"""Selection and decisions through the desk: the board, overrides, the release, the outbox."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from applicants.enums import ApplicationStatus as S
from applicants.enums import CohortStatus
from applicants.models import Application, AuditEntry, OutboxMessage
from commission import roles, services
from tests.factories import ApplicationFactory, CohortFactory, CountryFactory, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "login"
ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "manager",
    "reviewer",
    "permits_officer",
    "logistics",
]
MANAGER_ONLY = dict.fromkeys(ROLES, 403) | {"anonymous": LOGIN, "manager": 200}
POST_ONLY = dict.fromkeys(ROLES, 405)


def cambodia():
    return CountryFactory(code="KH", name="Cambodia")


def thailand():
    return CountryFactory(code="TH", name="Thailand", time_zone="Asia/Bangkok")


def closed_cohort(countries, seats=1, **fields):
    """A cohort whose call has closed: the panel has reviewed, selection is next."""
    now = timezone.now()
    return CohortFactory(
        status=CohortStatus.CLOSED,
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=10),
        seats_per_country=seats,
        eligible_countries=countries,
        **fields,
    )


def reviewed(cohort, rows, applicants=()):
    """One submitted, reviewed application per (country, score) in `rows`, scored by one
    reviewer; `applicants` gives the first ones their accounts."""
    criteria = services.rubric_create_default(cohort=cohort, by=None)
    reviewer = StaffFactory(role=roles.REVIEWER)
    applicants = list(applicants)
    made = []
    for index, (country, value) in enumerate(rows):
        extra = {"applicant": applicants[index]} if index < len(applicants) else {}
        if "applicant" in extra:
            extra["applicant"].profile.nationality = country
            extra["applicant"].profile.save()
        else:
            extra["applicant__profile__nationality"] = country
        application = ApplicationFactory(cohort=cohort, status="submitted", **extra)
        assignment = services.assignment_add(application=application, reviewer=reviewer, by=None)
        services.review_save(
            assignment=assignment,
            by=reviewer,
            scores={criterion.pk: value for criterion in criteria},
            submit=True,
        )
        made.append(application)
    return made


@pytest.fixture
def world(applicant):
    """Cambodia: best (the applicant's), second, third; Thailand: one. One seat a country."""
    kh, th = cambodia(), thailand()
    cohort = closed_cohort([kh, th], name="FLY 2031 Busan")
    best, second, third, thai = reviewed(
        cohort, [(kh, 5), (kh, 4), (kh, 2), (th, 3)], applicants=[applicant]
    )
    return {"cohort": cohort, "best": best, "second": second, "third": third, "thai": thai}


def board_url(cohort, order=None):
    url = reverse("selection", kwargs={"slug": cohort.slug})
    return f"{url}?order={order}" if order else url


def outbox_url(cohort):
    return reverse("outbox", kwargs={"slug": cohort.slug})


def propose(client, cohort, **data):
    return client.post(
        reverse("selection_propose", kwargs={"slug": cohort.slug}), data, follow=True
    )


def override(client, application, to, reason):
    return client.post(
        reverse("selection_override", kwargs={"pk": application.pk}),
        {"to": to, "reason": reason},
        follow=True,
    )


def release(client, cohort, confirm=True):
    data = {"confirm": "on"} if confirm else {}
    return client.post(
        reverse("decisions_release", kwargs={"slug": cohort.slug}), data, follow=True
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def refreshed(application):
    return Application.objects.select_related("cohort").get(pk=application.pk)


def state(cohort):
    """Everything a refused action must leave as it was."""
    cohort.refresh_from_db()
    return (
        cohort.decisions_released_at,
        sorted(
            cohort.applications.values_list("pk", "status", "waitlist_position", "decision_reason")
        ),
        OutboxMessage.objects.count(),
        AuditEntry.objects.count(),
    )


# Who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "answers"),
    [
        ("selection", lambda w: {"slug": w["cohort"].slug}, MANAGER_ONLY),
        ("selection_propose", lambda w: {"slug": w["cohort"].slug}, POST_ONLY),
        ("selection_override", lambda w: {"pk": w["best"].pk}, POST_ONLY),
        ("decisions_release", lambda w: {"slug": w["cohort"].slug}, POST_ONLY),
        ("outbox", lambda w: {"slug": w["cohort"].slug}, MANAGER_ONLY),
        ("outbox_message", lambda w: {"pk": w["mail"].pk}, MANAGER_ONLY),
        ("outbox_send", lambda w: {"slug": w["cohort"].slug}, POST_ONLY),
    ],
)
def test_selection_url_answers_each_role(
    client, request, world, manager, role, name, kwargs, answers
):
    services.selection_propose(cohort=world["cohort"], by=manager)
    services.decisions_release(cohort=world["cohort"], by=manager)
    world["mail"] = OutboxMessage.objects.first()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(reverse(name, kwargs=kwargs(world)))

    if answers[role] == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == answers[role]


@pytest.mark.parametrize(
    "name", ["selection_propose", "selection_override", "decisions_release", "outbox_send"]
)
@pytest.mark.parametrize(
    "role", ["reviewer", "permits_officer", "logistics", "applicant", "other_applicant"]
)
def test_selection_actions_refuse_a_post_without_the_permission(
    client, request, world, manager, name, role
):
    cohort = world["cohort"]
    if name == "outbox_send":
        services.selection_propose(cohort=cohort, by=manager)
        services.decisions_release(cohort=cohort, by=manager)
    before = state(cohort)
    client.force_login(request.getfixturevalue(role))
    kwargs = {"pk": world["best"].pk} if name == "selection_override" else {"slug": cohort.slug}

    response = client.post(
        reverse(name, kwargs=kwargs), {"to": S.REJECTED, "reason": "x", "confirm": "on"}
    )

    assert response.status_code == 403
    assert state(cohort) == before
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 0


def test_selection_actions_send_anonymous_visitors_to_log_in(client, world):
    response = client.post(reverse("selection_propose", kwargs={"slug": world["cohort"].slug}))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert world["cohort"].applications.filter(status=S.SUBMITTED).count() == 4


@pytest.mark.parametrize("name", ["selection", "outbox"])
def test_an_unknown_cohort_is_404(client, manager, name):
    client.force_login(manager)

    assert client.get(reverse(name, kwargs={"slug": "no-such-cohort"})).status_code == 404


def test_an_unknown_outbox_message_is_404(client, manager):
    client.force_login(manager)

    assert client.get(reverse("outbox_message", kwargs={"pk": 999})).status_code == 404


def test_an_override_of_a_draft_is_404(client, manager, world):
    draft = ApplicationFactory(cohort=world["cohort"], status="draft")
    client.force_login(manager)

    response = client.post(
        reverse("selection_override", kwargs={"pk": draft.pk}),
        {"to": S.ACCEPTED, "reason": "Strong film"},
    )

    assert response.status_code == 404
    assert refreshed(draft).status == S.DRAFT


def test_the_selection_pages_keep_to_the_content_security_policy(client, manager, world):
    cohort = world["cohort"]
    client.force_login(manager)
    urls = [board_url(cohort)]
    services.selection_propose(cohort=cohort, by=manager)
    services.decisions_release(cohort=cohort, by=manager)
    urls += [
        board_url(cohort),
        outbox_url(cohort),
        reverse(
            "outbox_message", kwargs={"pk": OutboxMessage.objects.filter(kind="offer").first().pk}
        ),
    ]

    for url in urls:
        content = client.get(url).content.decode()
        # The mail's HTML is shown escaped: only real tags count.
        assert re.search(r"<[^>]*\sstyle=", content) is None, url
        assert re.search(r"<script(?![^>]*\bsrc=)", content) is None, url
        assert "<iframe" not in content, url


# The board ------------------------------------------------------------------------------


def test_board_shows_one_card_per_country_in_rank_order(client, manager, world):
    client.force_login(manager)

    response = client.get(board_url(world["cohort"]))

    cards = response.context["cards"]
    assert [card.country.name for card in cards] == ["Cambodia", "Thailand"]
    assert [row.application for row in cards[0].rows] == [
        world["best"],
        world["second"],
        world["third"],
    ]
    assert [row.decision for row in cards[0].rows] == ["Undecided"] * 3
    content = response.content.decode()
    assert content.count("1 seat") == 2
    assert "Propose the cohort" in content
    assert "Release all decisions" in content
    assert "I have checked the decisions" in content
    assert "4 applications have no decision yet" in content


@pytest.mark.parametrize(("order", "expected"), [("mean", "mean"), ("x", "normalised")])
def test_board_ranks_by_the_score_asked_for(client, manager, world, order, expected):
    client.force_login(manager)

    response = client.get(board_url(world["cohort"], order))

    assert response.context["order"] == expected
    for card in response.context["cards"]:
        scores = [getattr(row, expected) for row in card.rows]
        assert scores == sorted(scores, reverse=True)


def test_board_says_seats_in_the_plural(client, manager):
    cohort = closed_cohort([cambodia()], seats=2)
    reviewed(cohort, [(cambodia(), 4)])
    client.force_login(manager)

    assert "2 seats" in client.get(board_url(cohort)).content.decode()


def test_propose_then_release_through_the_views(client, manager, world, applicant):
    cohort = world["cohort"]
    client.force_login(manager)

    proposed = propose(client, cohort, order="normalised")

    assert proposed.redirect_chain[-1][0] == board_url(cohort, "normalised")
    assert messages_of(proposed) == [
        "The proposal is made: 2 offered a seat, 2 waitlisted. Nothing is released yet."
    ]
    decisions = {
        row.application.pk: row.decision for card in proposed.context["cards"] for row in card.rows
    }
    assert decisions == {
        world["best"].pk: "Pending offer",
        world["second"].pk: "Waitlist #1",
        world["third"].pk: "Waitlist #2",
        world["thai"].pk: "Pending offer",
    }
    # Pending: the applicant still reads Submitted.
    assert refreshed(world["best"]).applicant_status_label == "Submitted"

    released = release(client, cohort)

    assert released.redirect_chain[-1][0] == outbox_url(cohort)
    assert messages_of(released) == [
        "The decisions are released. 4 e-mails wait in the outbox: read them, then send them."
    ]
    best = refreshed(world["best"])
    assert best.cohort.decisions_released_at is not None
    assert best.applicant_status_label == "Offered a seat"
    assert refreshed(world["second"]).applicant_status_label == "Waitlisted"
    assert best.offer_expires_at is not None
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 4

    board = client.get(board_url(cohort))
    content = board.content.decode()
    assert "Propose the cohort" not in content
    assert "Release all decisions" not in content
    assert reverse("selection_override", kwargs={"pk": best.pk}) not in content
    assert f'href="{outbox_url(cohort)}"' in content
    assert "Reply by " in content
    decisions = [row.decision for card in board.context["cards"] for row in card.rows]
    assert decisions == ["Offered a seat", "Waitlist #1", "Waitlist #2", "Offered a seat"]


def test_board_after_release_shows_answered_offers(client, manager, world, applicant):
    from applicants.services import offer_decline

    cohort = world["cohort"]
    services.selection_propose(cohort=cohort, by=manager)
    services.decisions_release(cohort=cohort, by=manager)
    offer_decline(application=world["best"], by=applicant)
    client.force_login(manager)

    response = client.get(board_url(cohort))

    kh = response.context["cards"][0]
    assert [row.decision for row in kh.rows] == ["Offer declined", "Offered a seat", "Waitlist #2"]


def test_propose_says_when_nothing_moved(client, manager, world):
    services.selection_propose(cohort=world["cohort"], by=manager)
    client.force_login(manager)

    response = propose(client, world["cohort"])

    assert messages_of(response) == ["The proposal is made; no decision had to change."]


def test_an_override_with_a_reason_moves_the_decision_and_shows_why(client, manager, world):
    services.selection_propose(cohort=world["cohort"], by=manager)
    client.force_login(manager)

    response = override(client, world["best"], S.REJECTED, "Cannot travel in July")

    best = refreshed(world["best"])
    assert (best.status, best.decision_reason) == (S.REJECTED, "Cannot travel in July")
    assert messages_of(response) == [f"Application {best.pk}: Regret, for the reason written down."]
    assert "Overridden: Cannot travel in July" in response.content.decode()


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_refused_and_changes_nothing(
    client, manager, world, reason
):
    services.selection_propose(cohort=world["cohort"], by=manager)
    before = state(world["cohort"])
    client.force_login(manager)

    response = override(client, world["second"], S.ACCEPTED, reason)

    assert messages_of(response) == ["Write down why you override the proposal."]
    assert state(world["cohort"]) == before


def test_an_override_beyond_the_countrys_seats_is_refused(client, manager, world):
    services.selection_propose(cohort=world["cohort"], by=manager)
    before = state(world["cohort"])
    client.force_login(manager)

    response = override(client, world["second"], S.ACCEPTED, "Strong short film")

    assert messages_of(response) == ["The 1 seat of Cambodia is taken: move someone off first."]
    assert state(world["cohort"]) == before


def test_an_override_to_an_unknown_decision_is_refused(client, manager, world):
    before = state(world["cohort"])
    client.force_login(manager)

    response = override(client, world["best"], S.OFFER_ACCEPTED, "Because")

    assert len(messages_of(response)) == 1
    assert state(world["cohort"]) == before


def test_release_needs_the_confirmation_ticked(client, manager, world):
    services.selection_propose(cohort=world["cohort"], by=manager)
    before = state(world["cohort"])
    client.force_login(manager)

    response = release(client, world["cohort"], confirm=False)

    assert messages_of(response) == ["Tick “I have checked the decisions” to release them."]
    assert state(world["cohort"]) == before


def test_release_is_refused_while_applications_are_undecided(client, manager, world):
    before = state(world["cohort"])
    client.force_login(manager)

    response = release(client, world["cohort"])

    assert response.redirect_chain[-1][0] == board_url(world["cohort"])
    assert messages_of(response) == [
        "4 applications have no decision yet: propose the cohort first."
    ]
    assert state(world["cohort"]) == before
    assert refreshed(world["best"]).applicant_status_label == "Submitted"


def test_release_and_changes_are_refused_once_released(client, manager, world):
    cohort = world["cohort"]
    services.selection_propose(cohort=cohort, by=manager)
    services.decisions_release(cohort=cohort, by=manager)
    before = state(cohort)
    refusal = "The decisions of FLY 2031 Busan are released; they can no longer change here."
    client.force_login(manager)

    assert messages_of(release(client, cohort)) == [refusal]
    assert messages_of(propose(client, cohort)) == [refusal]
    assert messages_of(override(client, world["second"], S.REJECTED, "Late")) == [refusal]
    assert state(cohort) == before


# The outbox -----------------------------------------------------------------------------


@pytest.fixture
def released(world, manager):
    services.selection_propose(cohort=world["cohort"], by=manager)
    services.decisions_release(cohort=world["cohort"], by=manager)
    return world


def test_outbox_lists_the_written_mails_unsent(client, manager, released):
    client.force_login(manager)

    response = client.get(outbox_url(released["cohort"]))

    assert len(response.context["mails"]) == 4
    assert response.context["unsent"] == 4
    content = response.content.decode()
    assert content.count("Not sent") == 4
    assert "4 e-mails not sent yet." in content
    offer = OutboxMessage.objects.get(application=released["best"])
    assert reverse("outbox_message", kwargs={"pk": offer.pk}) in content


def test_outbox_message_shows_the_text_and_the_html_only_as_source(client, manager, released):
    offer = OutboxMessage.objects.get(application=released["best"])
    client.force_login(manager)

    response = client.get(reverse("outbox_message", kwargs={"pk": offer.pk}))

    content = response.content.decode()
    assert offer.subject.startswith("Action required")
    assert offer.subject in content
    assert "Congratulations: the panel offers you a seat in FLY 2031 Busan." in content
    assert "<pre" in content
    assert "<details" in content
    # The mail's own markup is shown as text, never rendered on the desk.
    assert "&lt;p&gt;" in content
    assert "<iframe" not in content


def test_outbox_send_marks_the_mails_sent_and_sends_them(
    client, manager, released, django_capture_on_commit_callbacks
):
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outbox_send", kwargs={"slug": released["cohort"].slug}), follow=True
        )

    assert messages_of(response) == ["4 e-mails sent."]
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        OutboxMessage.objects.values_list("to", flat=True)
    )
    offer = next(m for m in mail.outbox if m.to == [released["best"].applicant.email])
    assert offer.subject.startswith("Action required")
    # (The page after the redirect was drawn before the test's commit sent the mail.)
    outbox_page = client.get(reverse("outbox", kwargs={"slug": released["cohort"].slug}))
    assert "Not sent" not in outbox_page.content.decode()

    again = client.post(
        reverse("outbox_send", kwargs={"slug": released["cohort"].slug}), follow=True
    )

    assert messages_of(again) == ["Nothing to send: every e-mail in the outbox is sent."]
    assert len(mail.outbox) == 4


def test_outbox_send_leaves_other_cohorts_alone(
    client, manager, released, django_capture_on_commit_callbacks
):
    other = closed_cohort([cambodia()])
    reviewed(other, [(cambodia(), 3)])
    services.selection_propose(cohort=other, by=manager)
    services.decisions_release(cohort=other, by=manager)
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outbox_send", kwargs={"slug": released["cohort"].slug}))

    assert OutboxMessage.objects.filter(sent_at__isnull=True).get().application.cohort == other
    assert len(mail.outbox) == 4


# Query counts ---------------------------------------------------------------------------


def cohort_of(rows, manager, release_it=False):
    kh = cambodia()
    cohort = closed_cohort([kh])
    reviewed(cohort, [(kh, value) for value in range(2, 2 + rows)])
    services.selection_propose(cohort=cohort, by=manager)
    if release_it:
        services.decisions_release(cohort=cohort, by=manager)
    return cohort


@pytest.mark.parametrize("rows", [1, 3])
def test_board_query_count_is_constant(client, manager, django_assert_num_queries, rows):
    cohort = cohort_of(rows, manager)
    client.force_login(manager)

    # session, user, the user's and the groups' permissions, cohort, criteria, scores,
    # applications with their applicants, profiles and nationalities
    with django_assert_num_queries(8):
        client.get(board_url(cohort))


@pytest.mark.parametrize("rows", [1, 3])
def test_board_after_release_query_count_is_constant(
    client, manager, django_assert_num_queries, rows
):
    cohort = cohort_of(rows, manager, release_it=True)
    client.force_login(manager)

    with django_assert_num_queries(8):
        client.get(board_url(cohort))


@pytest.mark.parametrize("rows", [1, 3])
def test_outbox_query_count_is_constant(client, manager, django_assert_num_queries, rows):
    cohort = cohort_of(rows, manager, release_it=True)
    client.force_login(manager)

    # session, user, the user's and the groups' permissions, cohort, the messages with
    # their applicants and profiles
    with django_assert_num_queries(6):
        client.get(outbox_url(cohort))


# Bugs found in the services (each test fails until the service is fixed) ----------------


def test_release_refusal_speaks_of_one_application_in_the_singular(client, manager):
    cohort = closed_cohort([cambodia()])
    reviewed(cohort, [(cambodia(), 3)])
    client.force_login(manager)

    response = release(client, cohort)

    assert messages_of(response) == ["1 application has no decision yet: propose the cohort first."]


def test_release_is_refused_while_the_call_is_open(manager):
    cohort = CohortFactory(seats_per_country=1, eligible_countries=[cambodia()])
    reviewed(cohort, [(cambodia(), 3)])

    # New applications could still arrive after release and never get a decision.
    with pytest.raises(services.ReviewError, match="is open until"):
        services.selection_propose(cohort=cohort, by=manager)
    with pytest.raises(services.ReviewError, match="is open until"):
        services.decisions_release(cohort=cohort, by=manager)


def test_reproposing_keeps_an_overridden_waitlist_place_behind_those_ahead(manager):
    kh = cambodia()
    cohort = closed_cohort([kh])
    _first, second, third, fourth, fifth = reviewed(cohort, [(kh, v) for v in (5, 4, 3, 2, 1)])
    services.selection_propose(cohort=cohort, by=manager)
    # The fifth is put at the back of the waitlist, behind the three waiting.
    services.selection_override(application=fifth, to=S.WAITLISTED, reason="Local", by=manager)
    assert refreshed(fifth).waitlist_position == 4

    services.selection_propose(cohort=cohort, by=manager)

    waiting = cohort.applications.filter(status=S.WAITLISTED).order_by("waitlist_position")
    assert list(waiting) == [second, third, fourth, fifth]


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_mail_that_could_not_be_sent_stays_unsent(
    client, manager, released, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outbox_send", kwargs={"slug": released["cohort"].slug}))

    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 4
