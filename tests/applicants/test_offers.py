"""The applicant's side of an offer: accept or decline before the deadline, and nobody else's."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applicants.enums import ApplicationStatus as S
from applicants.models import Application, OutboxMessage, Participant
from applicants.services import offers_expire
from commission import services as commission_services
from tests.factories import ApplicantFactory, ApplicationFactory, CohortFactory, CountryFactory

pytestmark = pytest.mark.django_db

OFFER_URLS = ["offer_accept", "offer_decline"]


@pytest.fixture
def cohort():
    """Decisions released yesterday; one seat per country (every factory applicant is KH)."""
    return CohortFactory(
        seats_per_country=1, decisions_released_at=timezone.now() - timedelta(days=1)
    )


def offered(cohort, applicant=None, expires_in=timedelta(days=6)):
    return ApplicationFactory(
        cohort=cohort,
        applicant=applicant or ApplicantFactory(),
        status=S.ACCEPTED,
        offer_expires_at=timezone.now() + expires_in,
    )


def waiting(cohort, position):
    return ApplicationFactory(cohort=cohort, status=S.WAITLISTED, waitlist_position=position)


@pytest.fixture
def offer(cohort, applicant):
    return offered(cohort, applicant)


def url(name, application):
    return reverse(name, kwargs={"pk": application.pk})


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_offer_accept_makes_a_participant(client, offer):
    client.force_login(offer.applicant)

    response = client.post(url("offer_accept", offer))

    assert response.status_code == 302
    assert response.url == url("application_detail", offer)
    offer.refresh_from_db()
    assert offer.status == S.OFFER_ACCEPTED
    participant = Participant.objects.get()
    assert (participant.cohort, participant.user, participant.application) == (
        offer.cohort,
        offer.applicant,
        offer,
    )
    assert texts(response) == [f"You accepted your seat in {offer.cohort.name}. Welcome!"]


def test_offer_accept_twice_is_refused_with_a_message(client, offer):
    client.force_login(offer.applicant)
    client.post(url("offer_accept", offer), follow=True)  # the page shows the first message

    response = client.post(url("offer_accept", offer))

    assert texts(response) == ["There is no open offer on this application."]
    assert Participant.objects.count() == 1


def test_offer_decline_promotes_the_next_waitlisted_and_writes_an_offer_mail(client, cohort, offer):
    second = waiting(cohort, 2)
    first = waiting(cohort, 1)
    client.force_login(offer.applicant)

    response = client.post(url("offer_decline", offer), {"confirm": "1"})

    assert response.url == url("application_detail", offer)
    assert texts(response) == ["You declined the offer. Thank you for telling us."]
    offer.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert offer.status == S.OFFER_DECLINED
    assert (first.status, first.waitlist_position) == (S.ACCEPTED, None)
    assert first.offer_expires_at > timezone.now()
    assert (second.status, second.waitlist_position) == (S.WAITLISTED, 2)
    mail = OutboxMessage.objects.get()
    assert (mail.application, mail.kind, mail.to) == (first, "offer", first.applicant.email)
    assert mail.sent_at is None
    assert Participant.objects.count() == 0


def test_offer_decline_without_the_confirmation_changes_nothing(client, cohort, offer):
    first = waiting(cohort, 1)
    client.force_login(offer.applicant)

    response = client.post(url("offer_decline", offer))

    assert response.url == url("application_detail", offer)
    assert texts(response) == ["Tick the box to confirm that you give up your seat."]
    assert Application.objects.get(pk=offer.pk).status == S.ACCEPTED
    assert Application.objects.get(pk=first.pk).status == S.WAITLISTED
    assert OutboxMessage.objects.count() == 0


def test_offer_accept_after_the_deadline_is_refused(client, cohort, applicant):
    expired = offered(cohort, applicant, expires_in=-timedelta(minutes=1))
    client.force_login(applicant)

    response = client.post(url("offer_accept", expired))

    assert texts(response) == ["This offer expired; the seat went to the next on the waitlist."]
    assert Participant.objects.count() == 0
    assert Application.objects.get(pk=expired.pk).status == S.ACCEPTED


def test_offer_decline_after_the_deadline_is_refused(client, cohort, applicant):
    expired = offered(cohort, applicant, expires_in=-timedelta(minutes=1))
    client.force_login(applicant)

    response = client.post(url("offer_decline", expired), {"confirm": "1"})

    assert texts(response) == ["This offer expired; the seat went to the next on the waitlist."]
    assert Application.objects.get(pk=expired.pk).status == S.ACCEPTED


def test_expire_offers_command_closes_expired_offers_and_promotes(cohort):
    expired = offered(cohort, expires_in=-timedelta(minutes=1))
    other_cohort = CohortFactory(
        seats_per_country=1, decisions_released_at=timezone.now() - timedelta(days=1)
    )
    still_open = offered(other_cohort)
    first = waiting(cohort, 1)
    second = waiting(cohort, 2)
    out = StringIO()

    call_command("expire_offers", stdout=out)

    assert out.getvalue() == "1 expired offers closed; their seats were offered on.\n"
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {
        expired.pk: S.OFFER_DECLINED,
        still_open.pk: S.ACCEPTED,
        first.pk: S.ACCEPTED,
        second.pk: S.WAITLISTED,
    }
    assert list(OutboxMessage.objects.values_list("application", "kind")) == [(first.pk, "offer")]


def test_expire_offers_command_twice_closes_nothing_more(cohort):
    offered(cohort, expires_in=-timedelta(minutes=1))
    waiting(cohort, 1)
    call_command("expire_offers", stdout=StringIO())
    out = StringIO()

    call_command("expire_offers", stdout=out)

    assert out.getvalue() == "0 expired offers closed; their seats were offered on.\n"


@pytest.mark.parametrize("name", OFFER_URLS)
def test_offer_post_by_another_applicant_is_404(client, cohort, offer, other_applicant, name):
    first = waiting(cohort, 1)
    client.force_login(other_applicant)

    response = client.post(url(name, offer), {"confirm": "1"})

    assert response.status_code == 404
    assert Application.objects.get(pk=offer.pk).status == S.ACCEPTED
    assert Application.objects.get(pk=first.pk).status == S.WAITLISTED
    assert Participant.objects.count() == 0


@pytest.mark.parametrize("name", OFFER_URLS)
def test_offer_post_by_staff_goes_to_the_desk(client, offer, manager, name):
    client.force_login(manager)

    response = client.post(url(name, offer), {"confirm": "1"})

    assert response.url == reverse("desk")
    assert Application.objects.get(pk=offer.pk).status == S.ACCEPTED


@pytest.mark.parametrize("name", OFFER_URLS)
def test_offer_post_anonymous_goes_to_login(client, offer, name):
    response = client.post(url(name, offer), {"confirm": "1"})

    assert response.url.startswith(reverse("login"))
    assert Application.objects.get(pk=offer.pk).status == S.ACCEPTED


@pytest.mark.parametrize("name", OFFER_URLS)
@pytest.mark.parametrize("role", ["anonymous", "applicant", "other_applicant", "manager"])
def test_offer_get_is_405(client, offer, request, name, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(url(name, offer))

    assert response.status_code == 405
    assert Application.objects.get(pk=offer.pk).status == S.ACCEPTED


def test_offer_shows_with_its_deadline_after_release(client, offer):
    client.force_login(offer.applicant)

    page = client.get(url("application_detail", offer)).content.decode()
    home = client.get(reverse("applicant_home")).content.decode()

    assert "Accept the seat" in page
    assert 'action="{}"'.format(url("offer_accept", offer)) in page
    assert 'action="{}"'.format(url("offer_decline", offer)) in page
    assert 'name="confirm" value="1" id="offer-decline-confirm" required' in page
    korea = timezone.localtime(offer.offer_expires_at).strftime("%H:%M")
    assert f"{korea} Korea time" in page
    assert "your time (Asia/Phnom_Penh)" in page
    assert "You are offered a seat" in home
    assert "style=" not in page
    assert "<script>" not in page


def test_nothing_shows_before_release(client, applicant):
    unreleased = CohortFactory(seats_per_country=1)
    pending = offered(unreleased, applicant)
    client.force_login(applicant)

    page = client.get(url("application_detail", pending)).content.decode()
    home = client.get(reverse("applicant_home")).content.decode()
    response = client.post(url("offer_accept", pending))

    for html in (page, home):
        assert "Accept the seat" not in html
        assert "offered a seat" not in html
        assert "Accepted" not in html
    assert texts(response) == ["There is no open offer on this application."]
    assert Participant.objects.count() == 0
    assert Application.objects.get(pk=pending.pk).status == S.ACCEPTED


def test_offer_box_is_gone_once_accepted(client, offer):
    client.force_login(offer.applicant)
    client.post(url("offer_accept", offer))

    page = client.get(url("application_detail", offer)).content.decode()

    assert "Accept the seat" not in page
    assert "You accepted your seat." in page


def test_an_offer_whose_mail_was_never_sent_does_not_expire(manager):
    country = CountryFactory(code="TH", name="Thailand")
    cohort = CohortFactory(
        seats_per_country=1,
        eligible_countries=[country],
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=1),
    )
    for _ in range(2):
        ApplicationFactory(
            cohort=cohort, status="submitted", applicant__profile__nationality=country
        )
    commission_services.selection_propose(cohort=cohort, by=manager)
    commission_services.decisions_release(cohort=cohort, by=manager)
    later = timezone.now() + timedelta(days=cohort.offer_reply_days + 1)

    assert offers_expire(at=later) == 0  # the offer mail still waits in the outbox
    OutboxMessage.objects.update(sent_at=timezone.now())
    assert offers_expire(at=later) == 1
