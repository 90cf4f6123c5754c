"""The Busan location library on the desk: the list and its filters, a location's page, its
photos (upload, serving, deleting) and who may do what."""

from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applicants.models import AuditEntry
from shoots.enums import AuthorityKind, District, LocationKind
from shoots.models import CalendarFeed, LocationPhoto
from shoots.services import location_photo_add
from tests.clock import NOON
from tests.factories import AuthorityFactory, LocationFactory, ShootDayFactory
from tests.factories.files import PNG_BYTES, jpeg, pdf, png

pytestmark = pytest.mark.django_db

TODAY = NOON.date()


def list_url(**query):
    url = reverse("location_list")
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else url


def detail_url(location):
    return reverse("location_detail", kwargs={"slug": location.slug})


def add_url(location):
    return reverse("location_photo_add", kwargs={"slug": location.slug})


def names_listed(response):
    return sorted(location.name for location in response.context["page_obj"])


@pytest.fixture
def library():
    """Three places that differ in district, kind, authority and permit need."""
    port = AuthorityFactory(name="Busan Port Authority", kind=AuthorityKind.PORT, lead_days=30)
    jung = AuthorityFactory(name="Jung-gu Office", lead_days=7)
    return {
        "beach": LocationFactory(
            name="Gwangalli Beach",
            name_ko="광안리해수욕장",
            district=District.SUYEONG,
            kind=LocationKind.BEACH,
            authority=jung,
        ),
        "market": LocationFactory(
            name="Jagalchi Market",
            name_ko="자갈치시장",
            district=District.JUNG,
            kind=LocationKind.MARKET,
            authority=jung,
            permit_required=False,
            closed_weekdays=[0, 6],
            address="52 Jagalchihaean-ro, Jung-gu",
        ),
        "pier": LocationFactory(
            name="North Port Pier",
            district=District.JUNG,
            kind=LocationKind.PORT,
            authority=port,
        ),
    }


# The list ------------------------------------------------------------------------------


def test_location_list_shows_every_place_with_its_facts(client, logistics, library):
    client.force_login(logistics)

    response = client.get(list_url())

    assert response.status_code == 200
    assert names_listed(response) == ["Gwangalli Beach", "Jagalchi Market", "North Port Pier"]
    page = response.content.decode()
    assert "광안리해수욕장" in page
    assert "Jung-gu Office" in page
    assert "Busan Port Authority" in page
    assert "file 30 days ahead" in page
    assert "No permit" in page
    assert "Monday, Sunday" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"district": "jung"}, ["Jagalchi Market", "North Port Pier"]),
        ({"kind": "beach"}, ["Gwangalli Beach"]),
        ({"permit_required": "false"}, ["Jagalchi Market"]),
        ({"permit_required": "true"}, ["Gwangalli Beach", "North Port Pier"]),
        ({"q": "jagalchihaean"}, ["Jagalchi Market"]),
        ({"q": "광안리"}, ["Gwangalli Beach"]),
        ({"district": "jung", "permit_required": "true"}, ["North Port Pier"]),
    ],
)
def test_location_list_filters_narrow_the_places(client, logistics, library, query, expected):
    client.force_login(logistics)

    response = client.get(list_url(**query))

    assert names_listed(response) == expected


def test_location_list_filters_by_managing_authority(client, logistics, library):
    client.force_login(logistics)

    response = client.get(list_url(authority=library["pier"].authority.pk))

    assert names_listed(response) == ["North Port Pier"]


def test_location_list_with_an_unknown_district_shows_none_and_says_why(client, logistics, library):
    client.force_login(logistics)

    response = client.get(list_url(district="atlantis"))

    assert response.status_code == 200
    assert names_listed(response) == []
    assert "Select a valid choice" in response.content.decode()


def test_location_list_survives_a_very_long_search(client, logistics, library):
    client.force_login(logistics)

    response = client.get(list_url(q="x" * 10_000))

    assert response.status_code == 200
    assert names_listed(response) == []


def test_location_list_pages_thirty_at_a_time(client, logistics):
    LocationFactory.create_batch(31)
    client.force_login(logistics)

    first = client.get(list_url())
    second = client.get(list_url(page=2))

    assert len(first.context["page_obj"]) == 30
    assert len(second.context["page_obj"]) == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_location_list_query_count_is_constant(client, logistics, django_assert_num_queries, rows):
    LocationFactory.create_batch(rows, closed_weekdays=[1])
    client.force_login(logistics)

    # session, user, the user's and the groups' permissions, count, locations with their
    # authorities, the authorities of the filter
    with django_assert_num_queries(7):
        response = client.get(list_url())

    assert len(response.context["page_obj"]) == rows


def test_location_list_is_refused_to_reviewers_and_applicants(client, reviewer, applicant):
    client.force_login(reviewer)
    refused_reviewer = client.get(list_url())
    client.force_login(applicant)
    refused_applicant = client.get(list_url())

    assert refused_reviewer.status_code == 403
    assert refused_applicant.status_code == 403


# A location's page -----------------------------------------------------------------------


def test_location_detail_shows_the_facts_of_the_place(client, logistics):
    authority = AuthorityFactory(
        name="Haeundae-gu Office",
        name_ko="해운대구청",
        phone="051-749-4000",
        email="film@haeundae.example.org",
        website="https://www.haeundae.go.kr",
        lead_days=14,
    )
    location = LocationFactory(
        name="Dongbaekseom",
        address="Dongbaek-ro, Haeundae-gu",
        latitude="35.153500",
        longitude="129.152400",
        authority=authority,
        lead_days=21,
        restrictions="No drones over the APEC House.",
        closed_weekdays=[2],
        opening_hours="06:00-22:00",
        allows_shared_use=True,
        nearest_hospital="Haeundae Paik Hospital",
        nearest_hospital_address="875 Haeun-daero, Haeundae-gu",
    )
    client.force_login(logistics)

    response = client.get(detail_url(location))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Dongbaek-ro, Haeundae-gu" in page
    assert "35.153500, 129.152400" in page
    map_link = (
        'href="https://www.openstreetmap.org/?mlat=35.153500&amp;mlon=129.152400'
        '#map=17/35.153500/129.152400" target="_blank" rel="noopener"'
    )
    assert map_link in page
    assert "해운대구청" in page
    assert 'href="tel:051-749-4000"' in page
    assert 'href="mailto:film@haeundae.example.org"' in page
    assert 'href="https://www.haeundae.go.kr"' in page
    assert "File 21 days before the shoot" in page
    assert "No drones over the APEC House." in page
    assert response.context["closed_days"] == ["Wednesday"]
    assert "06:00-22:00" in page
    assert "Several crews can film here at once" in page
    assert "Haeundae Paik Hospital" in page
    assert "875 Haeun-daero, Haeundae-gu" in page


def test_location_detail_uses_the_authority_lead_time_when_the_place_has_none(client, logistics):
    location = LocationFactory(lead_days=None, authority=AuthorityFactory(lead_days=10))
    client.force_login(logistics)

    response = client.get(detail_url(location))

    assert "File 10 days before the shoot" in response.content.decode()


@pytest.mark.time_machine(NOON, tick=False)
def test_location_detail_lists_upcoming_shoot_days_only(client, logistics):
    location = LocationFactory()
    coming = ShootDayFactory(location=location, date=TODAY + timedelta(days=3))
    ShootDayFactory(
        location=location,
        date=TODAY - timedelta(days=3),
        call_time=time(8),
        wrap_time=time(18),
    )
    ShootDayFactory(date=TODAY + timedelta(days=3))  # another place
    client.force_login(logistics)

    response = client.get(detail_url(location))

    assert list(response.context["upcoming"]) == [coming]
    assert reverse("shoot_day_detail", kwargs={"pk": coming.pk}) in response.content.decode()


@pytest.mark.time_machine(NOON, tick=False)
def test_location_detail_keeps_todays_days_until_they_wrap(client, logistics):
    location = LocationFactory()
    under_way = ShootDayFactory(
        location=location, date=TODAY, call_time=time(8), wrap_time=time(13)
    )
    tonight = ShootDayFactory(location=location, date=TODAY, call_time=time(19), wrap_time=time(23))
    ShootDayFactory(location=location, date=TODAY, call_time=time(5), wrap_time=time(11, 59))
    ShootDayFactory(  # last night's, wrapped this morning
        location=location, date=TODAY - timedelta(days=1), call_time=time(20), wrap_time=time(4)
    )
    client.force_login(logistics)

    response = client.get(detail_url(location))

    assert list(response.context["upcoming"]) == [under_way, tonight]


def test_location_detail_of_an_unknown_slug_is_404(client, logistics):
    client.force_login(logistics)

    response = client.get(reverse("location_detail", kwargs={"slug": "no-such-place"}))

    assert response.status_code == 404


def test_location_detail_shows_photos_and_their_delete_buttons_to_the_permits_officer(
    client, permits_officer
):
    location = LocationFactory()
    photo = location_photo_add(
        location=location, upload=png(), caption="North entrance", by=permits_officer
    )
    client.force_login(permits_officer)

    page = client.get(detail_url(location)).content.decode()

    assert f'src="{reverse("location_photo", kwargs={"pk": photo.pk})}"' in page
    assert "North entrance" in page
    assert reverse("location_photo_delete", kwargs={"pk": photo.pk}) in page
    assert add_url(location) in page
    assert reverse("admin:shoots_location_change", args=[location.pk]) in page


def test_location_detail_hides_photo_and_edit_actions_from_logistics(client, logistics):
    location = LocationFactory()
    photo = location_photo_add(location=location, upload=png(), caption="", by=None)
    client.force_login(logistics)

    page = client.get(detail_url(location)).content.decode()

    assert f'src="{reverse("location_photo", kwargs={"pk": photo.pk})}"' in page
    assert reverse("location_photo_delete", kwargs={"pk": photo.pk}) not in page
    assert add_url(location) not in page
    assert reverse("admin:shoots_location_change", args=[location.pk]) not in page
    assert reverse("feed_create") not in page


def test_location_detail_offers_a_location_feed_and_lists_live_ones(client, permits_officer):
    location = LocationFactory()
    live = CalendarFeed.objects.create(kind="location", location=location)
    revoked = CalendarFeed.objects.create(
        kind="location", location=location, revoked_at=timezone.now()
    )
    CalendarFeed.objects.create(kind="location", location=LocationFactory())
    client.force_login(permits_officer)

    response = client.get(detail_url(location))

    page = response.content.decode()
    assert f'action="{reverse("feed_create")}"' in page
    assert '<input type="hidden" name="kind" value="location">' in page
    assert f'<input type="hidden" name="object" value="{location.pk}">' in page
    assert [feed for feed, _address in response.context["feeds"]] == [live]
    assert f"http://testserver{reverse('feed', args=[live.token])}" in page
    assert revoked.token not in page


def test_location_detail_is_refused_to_reviewers(client, reviewer):
    location = LocationFactory()
    client.force_login(reviewer)

    response = client.get(detail_url(location))

    assert response.status_code == 403


# Photos ----------------------------------------------------------------------------------


def test_photo_add_stores_the_photo_with_its_caption(client, permits_officer):
    location = LocationFactory()
    client.force_login(permits_officer)

    response = client.post(add_url(location), {"file": jpeg(), "caption": "Fish stalls at 6"})

    assert response.status_code == 302
    assert response.url == detail_url(location) + "#photos"
    photo = LocationPhoto.objects.get()
    assert (photo.location, photo.caption, photo.content_type) == (
        location,
        "Fish stalls at 6",
        "image/jpeg",
    )
    assert photo.file.name.endswith(".jpg")
    assert AuditEntry.objects.filter(action="location.photo_added").count() == 1


def test_photo_add_refuses_a_pdf_named_jpg_and_keeps_the_caption(client, permits_officer):
    location = LocationFactory()
    client.force_login(permits_officer)

    response = client.post(
        add_url(location),
        {"file": pdf(name="beach.jpg"), "caption": "ផ្សារត្រី"},  # a Khmer caption
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert LocationPhoto.objects.count() == 0
    assert "This file is not a JPEG or PNG photo, whatever its name says." in page
    assert 'value="ផ្សារត្រី"' in page


def test_photo_add_refuses_a_caption_too_long_and_saves_nothing(client, permits_officer):
    location = LocationFactory()
    client.force_login(permits_officer)

    response = client.post(add_url(location), {"file": png(), "caption": "x" * 10_000})

    assert response.status_code == 200
    assert LocationPhoto.objects.count() == 0
    assert "Ensure this value has at most 200 characters" in response.content.decode()


def test_photo_add_without_a_file_asks_for_one(client, permits_officer):
    location = LocationFactory()
    client.force_login(permits_officer)

    response = client.post(add_url(location), {"caption": "Forgot it"})

    assert LocationPhoto.objects.count() == 0
    assert "Choose a photo to upload." in response.content.decode()


def test_photo_add_is_refused_to_logistics(client, logistics):
    location = LocationFactory()
    client.force_login(logistics)

    response = client.post(add_url(location), {"file": png(), "caption": ""})

    assert response.status_code == 403
    assert LocationPhoto.objects.count() == 0


def test_photo_is_served_inline_with_its_checked_type(client, logistics):
    location = LocationFactory(slug="jagalchi")
    photo = location_photo_add(location=location, upload=png(), caption="", by=None)
    client.force_login(logistics)

    response = client.get(reverse("location_photo", kwargs={"pk": photo.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="jagalchi-{photo.pk}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_photo_unknown_is_404(client, logistics):
    client.force_login(logistics)

    response = client.get(reverse("location_photo", kwargs={"pk": 999}))

    assert response.status_code == 404


def test_photo_whose_file_is_gone_is_404(client, logistics):
    photo = location_photo_add(location=LocationFactory(), upload=png(), caption="", by=None)
    photo.file.storage.delete(photo.file.name)
    client.force_login(logistics)

    response = client.get(reverse("location_photo", kwargs={"pk": photo.pk}))

    assert response.status_code == 404


def test_photo_is_refused_to_reviewers_and_applicants(client, reviewer, applicant):
    photo = location_photo_add(location=LocationFactory(), upload=png(), caption="", by=None)
    url = reverse("location_photo", kwargs={"pk": photo.pk})
    client.force_login(reviewer)
    refused_reviewer = client.get(url)
    client.force_login(applicant)
    refused_applicant = client.get(url)

    assert refused_reviewer.status_code == 403
    assert refused_applicant.status_code == 403


def test_photo_delete_removes_the_photo_and_its_file(
    client, permits_officer, django_capture_on_commit_callbacks
):
    location = LocationFactory()
    photo = location_photo_add(location=location, upload=png(), caption="", by=None)
    storage, name = photo.file.storage, photo.file.name
    client.force_login(permits_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("location_photo_delete", kwargs={"pk": photo.pk}))

    assert response.status_code == 302
    assert response.url == detail_url(location) + "#photos"
    assert LocationPhoto.objects.count() == 0
    assert storage.exists(name) is False


def test_photo_delete_is_refused_to_managers(client, manager):
    photo = location_photo_add(location=LocationFactory(), upload=png(), caption="", by=None)
    client.force_login(manager)

    response = client.post(reverse("location_photo_delete", kwargs={"pk": photo.pk}))

    assert response.status_code == 403
    assert LocationPhoto.objects.count() == 1


def test_photo_delete_of_an_unknown_photo_is_404(client, permits_officer):
    client.force_login(permits_officer)

    response = client.post(reverse("location_photo_delete", kwargs={"pk": 999}))

    assert response.status_code == 404


def test_photo_add_refuses_an_empty_file(client, permits_officer):
    location = LocationFactory()
    client.force_login(permits_officer)

    response = client.post(
        add_url(location),
        {"file": SimpleUploadedFile("empty.png", b"", content_type="image/png")},
    )

    assert LocationPhoto.objects.count() == 0
    assert response.status_code == 200


@pytest.mark.time_machine(NOON, tick=False)
@pytest.mark.parametrize("rows", [1, 3])
def test_location_detail_query_count_is_constant(
    client, permits_officer, django_assert_num_queries, rows
):
    location = LocationFactory()
    for number in range(rows):
        location_photo_add(location=location, upload=png(), caption=f"Photo {number}", by=None)
        ShootDayFactory(location=location, date=TODAY + timedelta(days=number))
        CalendarFeed.objects.create(kind="location", location=location)
    client.force_login(permits_officer)

    # session, user, the user's and the groups' permissions, the location with its authority,
    # its photos, its live feeds, the shoot days, their crews, their permits
    with django_assert_num_queries(10):
        response = client.get(detail_url(location))

    assert len(response.context["photos"]) == rows


@pytest.mark.time_machine(NOON, tick=False)
def test_location_detail_links_each_coming_day_to_the_schedule_of_this_place(
    client, permits_officer
):
    day = ShootDayFactory(date=TODAY + timedelta(days=30))
    client.force_login(permits_officer)

    response = client.get(reverse("location_detail", kwargs={"slug": day.location.slug}))

    schedule = reverse("schedule", kwargs={"slug": day.production.team.cohort.slug})
    assert (
        f'href="{schedule}?location={day.location.pk}&amp;on={day.date:%Y-%m-%d}"'
        in response.content.decode()
    )
