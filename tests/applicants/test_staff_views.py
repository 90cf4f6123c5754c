import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from applicants.enums import ApplicationStatus, CohortStatus, DocumentKind
from applicants.models import AuditEntry, Cohort
from applicants.services import application_transition
from tests.applicants.test_filters import absurd_cohort, submitted
from tests.factories import CohortFactory, CountryFactory

pytestmark = pytest.mark.django_db


def cohort_data(**changes):
    data = {
        "name": "FLY 2031 Busan",
        "slug": "fly-2031",
        "host_city": "Busan",
        "status": CohortStatus.DRAFT,
        "opens_at": "2031-03-01T09:00",
        "closes_at": "2031-04-30T18:00",
        "eligible_countries": [CountryFactory(code="KH", name="Cambodia").pk],
        "min_age": 16,
        "max_age": 25,
        "age_reference_date": "2031-08-01",
        "seats_per_country": 2,
        "team_count": 2,
        "onsite_starts_on": "2031-08-01",
        "onsite_ends_on": "2031-08-14",
        "blind_review": "on",
        "reviews_per_application": 3,
        "personal_data_kept_days": 180,
    }
    data.update(changes)
    return data


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# Cohorts ---------------------------------------------------------------------------------


def test_cohort_list_shows_cohorts_with_counts_in_korea_time(client, reviewer):
    cohort = CohortFactory(name="FLY 2031 Busan")
    submitted(cohort=cohort)
    submitted(cohort=cohort, status=ApplicationStatus.DRAFT)
    client.force_login(reviewer)

    response = client.get(reverse("cohort_list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "FLY 2031 Busan" in content
    assert "Call window (Korea time)" in content
    assert [cohort.n_applications for cohort in response.context["cohorts"]] == [2]


def test_cohort_list_offers_edit_only_with_the_change_permission(client, manager, logistics):
    cohort = CohortFactory()
    edit = reverse("cohort_update", kwargs={"slug": cohort.slug})

    client.force_login(logistics)
    assert edit not in client.get(reverse("cohort_list")).content.decode()
    client.force_login(manager)
    assert edit in client.get(reverse("cohort_list")).content.decode()


@pytest.mark.parametrize("cohorts", [1, 3])
def test_cohort_list_query_count_is_constant(client, manager, django_assert_num_queries, cohorts):
    for _cohort in range(cohorts):
        submitted(cohort=CohortFactory())
    client.force_login(manager)

    # session, user, user's permissions, group permissions, cohorts with their counts
    with django_assert_num_queries(5):
        response = client.get(reverse("cohort_list"))

    assert len(response.context["cohorts"]) == cohorts


def test_cohort_list_sends_an_applicant_away(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("cohort_list")).status_code == 403


def test_cohort_create_saves_the_cohort_through_the_form(client, manager):
    client.force_login(manager)

    response = client.post(reverse("cohort_create"), cohort_data())

    assert response.status_code == 302
    assert response.url == reverse("cohort_list")
    cohort = Cohort.objects.get()
    assert cohort.name == "FLY 2031 Busan"
    assert cohort.closes_at.isoformat() == "2031-04-30T09:00:00+00:00"  # 18:00 Korea time
    assert [country.code for country in cohort.eligible_countries.all()] == ["KH"]
    assert AuditEntry.objects.get().action == "cohort.created"


def test_cohort_create_refuses_a_call_that_closes_before_it_opens(client, manager):
    client.force_login(manager)

    response = client.post(reverse("cohort_create"), cohort_data(closes_at="2031-02-28T18:00"))

    assert response.status_code == 200
    assert "The call must close after it opens." in response.content.decode()
    assert Cohort.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("role", ["reviewer", "permits_officer", "logistics"])
def test_cohort_create_is_refused_without_the_add_permission(client, request, role):
    client.force_login(request.getfixturevalue(role))

    response = client.post(reverse("cohort_create"), cohort_data())

    assert response.status_code == 403
    assert Cohort.objects.count() == 0


def test_cohort_update_saves_changes_and_audits_them(client, manager):
    cohort = CohortFactory(slug="fly-2031", status=CohortStatus.DRAFT)
    laos = CountryFactory(code="LA", name="Laos")
    client.force_login(manager)

    response = client.post(
        reverse("cohort_update", kwargs={"slug": cohort.slug}),
        cohort_data(seats_per_country=3, status=CohortStatus.OPEN, eligible_countries=[laos.pk]),
    )

    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.seats_per_country == 3
    assert cohort.status == CohortStatus.OPEN
    assert [country.code for country in cohort.eligible_countries.all()] == ["LA"]
    entry = AuditEntry.objects.get(action="cohort.updated")
    assert (entry.actor, entry.from_state, entry.to_state) == (manager, "draft", "open")
    assert "seats_per_country" in entry.note
    assert "eligible_countries" in entry.note


def test_cohort_update_refuses_a_call_that_closes_before_it_opens_and_saves_nothing(
    client, manager
):
    cohort = CohortFactory(slug="fly-2031", name="FLY 2031 Busan", seats_per_country=2)
    closes_at = cohort.closes_at
    client.force_login(manager)

    response = client.post(
        reverse("cohort_update", kwargs={"slug": cohort.slug}),
        cohort_data(name="Renamed", seats_per_country=5, closes_at="2031-02-28T18:00"),
    )

    assert response.status_code == 200
    assert "The call must close after it opens." in response.content.decode()
    cohort.refresh_from_db()
    assert (cohort.name, cohort.seats_per_country, cohort.closes_at) == (
        "FLY 2031 Busan",
        2,
        closes_at,
    )
    assert not AuditEntry.objects.filter(action="cohort.updated").exists()


def test_cohort_update_is_refused_without_the_change_permission(client, logistics):
    cohort = CohortFactory()
    client.force_login(logistics)

    response = client.post(
        reverse("cohort_update", kwargs={"slug": cohort.slug}), cohort_data(name="Renamed")
    )

    assert response.status_code == 403
    cohort.refresh_from_db()
    assert cohort.name != "Renamed"


# The list of applications ---------------------------------------------------------------


def test_application_list_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("staff_application_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("role", ["applicant", "reviewer", "permits_officer"])
def test_application_list_is_refused_without_the_view_permission(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("staff_application_list")).status_code == 403


def test_application_list_shows_submitted_applications_and_only_counts_drafts(client, logistics):
    cohort = CohortFactory()
    submitted(cohort=cohort, legal_name="Chan Sokha")
    submitted(
        cohort=cohort,
        legal_name="Secret Draftperson",
        status=ApplicationStatus.DRAFT,
        nationality=CountryFactory(code="TH", name="Thailand"),
    )
    client.force_login(logistics)

    response = client.get(reverse("staff_application_list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Chan Sokha" in content
    assert "Secret Draftperson" not in content
    assert "Drafts by country" in content
    assert [
        (row["applicant__profile__nationality__name"], row["n"])
        for row in response.context["draft_counts"]
    ] == [("Thailand", 1)]


def test_application_list_drafts_card_follows_the_cohort_filter(client, manager):
    first, second = CohortFactory(), CohortFactory()
    submitted(cohort=first, status=ApplicationStatus.DRAFT)
    submitted(cohort=second, status=ApplicationStatus.DRAFT)
    submitted(cohort=second, status=ApplicationStatus.DRAFT)
    client.force_login(manager)

    response = client.get(reverse("staff_application_list"), {"cohort": second.pk})

    assert [row["n"] for row in response.context["draft_counts"]] == [2]


def test_application_list_filters_by_the_query_string(client, manager):
    cohort = CohortFactory()
    submitted(cohort=cohort, legal_name="Chan Sokha", roles=("director", "", "editor"))
    submitted(cohort=cohort, legal_name="Heng Dara", roles=("director", "sound", ""))
    client.force_login(manager)

    response = client.get(reverse("staff_application_list"), {"role": "editor"})

    content = response.content.decode()
    assert "Chan Sokha" in content
    assert "Heng Dara" not in content


def test_application_list_with_an_invalid_filter_shows_the_error_and_no_rows(client, manager):
    submitted(legal_name="Chan Sokha")
    client.force_login(manager)

    response = client.get(reverse("staff_application_list"), {"status": "draft"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert len(response.context["page_obj"]) == 0


def test_application_list_refuses_a_10000_character_search(client, manager):
    submitted(legal_name="Chan Sokha")
    client.force_login(manager)

    response = client.get(reverse("staff_application_list"), {"q": "a " * 5000})

    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters" in response.content.decode()
    assert len(response.context["page_obj"]) == 0


def test_application_list_pages_by_50_and_keeps_the_filters(client, manager):
    cohort = CohortFactory()
    for _row in range(51):
        submitted(cohort=cohort, documents=[])
    client.force_login(manager)

    response = client.get(reverse("staff_application_list"), {"cohort": cohort.pk, "o": "name"})

    assert len(response.context["page_obj"]) == 50
    assert f'href="?cohort={cohort.pk}&amp;o=name&amp;page=2"' in response.content.decode()
    second = client.get(
        reverse("staff_application_list"), {"cohort": cohort.pk, "o": "name", "page": 2}
    )
    assert len(second.context["page_obj"]) == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_application_list_query_count_is_constant(client, manager, django_assert_num_queries, rows):
    cohort = CohortFactory()
    for _row in range(rows):
        submitted(cohort=cohort)
    client.force_login(manager)

    # session, user, user's permissions, group permissions, count, page of applications,
    # their documents, drafts by country, cohort choices, country choices
    with django_assert_num_queries(10):
        response = client.get(reverse("staff_application_list"))

    assert len(response.context["page_obj"]) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_application_list_query_count_is_constant_with_the_age_and_missing_filters(
    client, manager, django_assert_num_queries, rows
):
    # Three cohorts, so three reference dates: still read in one query, once for both filters.
    cohorts = [CohortFactory(age_reference_date=date(2026 + year, 8, 1)) for year in range(3)]
    for row in range(rows):
        submitted(cohort=cohorts[row], date_of_birth=date(2008, 1, 1), documents=[])
    client.force_login(manager)

    # session, user, user's permissions, group permissions, reference dates, count, page of
    # applications, their documents, drafts by country, cohort choices, country choices
    with django_assert_num_queries(11):
        response = client.get(reverse("staff_application_list"), {"age": "18_21", "missing": "any"})

    assert len(response.context["page_obj"]) == rows


@pytest.mark.parametrize("data", [{"submitted_to": "9999-12-31"}, {"submitted_from": "0001-01-01"}])
def test_application_list_with_a_date_out_of_range_shows_the_error_and_no_rows(
    client, manager, data
):
    submitted(legal_name="Chan Sokha")
    client.force_login(manager)

    response = client.get(reverse("staff_application_list"), data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Please give a date between the years 2000 and 2100." in content
    assert "Chan Sokha" not in content
    assert len(response.context["page_obj"]) == 0


@pytest.mark.parametrize("band", ["under_18", "18_21", "22_25", "over_25"])
def test_application_list_age_filter_survives_a_reference_date_in_year_10(client, manager, band):
    submitted(cohort=absurd_cohort(), date_of_birth=date(2005, 4, 12))
    client.force_login(manager)

    response = client.get(reverse("staff_application_list"), {"age": band, "missing": "any"})

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == (1 if band == "under_18" else 0)


# The CSV export --------------------------------------------------------------------------


def test_application_export_is_the_filtered_rows_without_drafts(client, manager):
    cohort = CohortFactory()
    submitted(cohort=cohort, legal_name="Chan Sokha", gender="female")
    submitted(cohort=cohort, legal_name="Heng Dara", gender="male")
    submitted(cohort=cohort, legal_name="Draft Person", gender="female", status="draft")
    client.force_login(manager)

    response = client.get(reverse("staff_application_export"), {"gender": "female"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="applications-')
    assert [row["Legal name"] for row in csv_rows(response)] == ["Chan Sokha"]


def test_application_export_with_an_invalid_filter_has_no_rows(client, manager):
    submitted(legal_name="Chan Sokha")
    client.force_login(manager)

    response = client.get(reverse("staff_application_export"), {"status": "bogus"})

    assert csv_rows(response) == []


@pytest.mark.parametrize("data", [{"submitted_to": "9999-12-31"}, {"submitted_from": "0001-01-01"}])
def test_application_export_with_a_date_out_of_range_has_no_rows(client, manager, data):
    submitted(legal_name="Chan Sokha")
    client.force_login(manager)

    response = client.get(reverse("staff_application_export"), data)

    assert response.status_code == 200
    assert csv_rows(response) == []


@pytest.mark.parametrize("band", ["under_18", "22_25"])
def test_application_export_age_filter_survives_a_reference_date_in_year_10(client, manager, band):
    submitted(cohort=absurd_cohort(), legal_name="Chan Sokha", date_of_birth=date(2005, 4, 12))
    client.force_login(manager)

    rows = csv_rows(client.get(reverse("staff_application_export"), {"age": band}))

    assert [row["Legal name"] for row in rows] == (["Chan Sokha"] if band == "under_18" else [])


def test_application_export_shows_personal_data_to_the_manager_only(
    client, manager, logistics, verified_login
):
    submitted(date_of_birth=date(2005, 4, 12), passport_number="N01234567")

    verified_login(client, manager)
    full = csv_rows(client.get(reverse("staff_application_export")))[0]
    client.force_login(logistics)
    masked = csv_rows(client.get(reverse("staff_application_export")))[0]

    assert (full["Passport number"], full["Date of birth"]) == ("N01234567", "2005-04-12")
    assert (masked["Passport number"], masked["Date of birth"]) == ("••••••567", "")


def test_application_export_neutralises_a_formula(client, manager):
    submitted(legal_name='=HYPERLINK("x")')
    client.force_login(manager)

    row = csv_rows(client.get(reverse("staff_application_export")))[0]

    assert row["Legal name"] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize("role", ["reviewer", "permits_officer", "applicant"])
def test_application_export_is_refused_without_the_view_permission(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("staff_application_export")).status_code == 403


@pytest.mark.parametrize("rows", [1, 3])
def test_application_export_query_count_is_constant(
    client, manager, django_assert_num_queries, rows
):
    cohort = CohortFactory()
    for _row in range(rows):
        submitted(cohort=cohort)
    client.force_login(manager)

    # session, user, user's permissions, group permissions, applications, their documents
    with django_assert_num_queries(6):
        assert len(csv_rows(client.get(reverse("staff_application_export")))) == rows


# One application ------------------------------------------------------------------------


def test_application_detail_of_a_draft_is_404(client, manager):
    draft = submitted(status=ApplicationStatus.DRAFT)
    withdrawn_draft = submitted(status=ApplicationStatus.WITHDRAWN, submitted_at=None)
    client.force_login(manager)

    for application in (draft, withdrawn_draft):
        url = reverse("staff_application_detail", kwargs={"pk": application.pk})
        assert client.get(url).status_code == 404
    assert client.get(reverse("staff_application_detail", kwargs={"pk": 999999})).status_code == 404


def test_application_detail_shows_the_manager_passport_and_birth_date(
    client, manager, verified_login
):
    application = submitted(
        date_of_birth=date(2005, 4, 12),
        passport_number="N01234567",
        native_name="ចាន់ សុខា",
        documents=[DocumentKind.CV],
    )
    application.motivation = "I want to shoot in Busan."
    application.save()
    application_transition(application=application, to="shortlisted", by=manager)
    verified_login(client, manager)

    response = client.get(reverse("staff_application_detail", kwargs={"pk": application.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "N01234567" in content
    assert "12 Apr 2005" in content
    assert "ចាន់ សុខា" in content
    assert "I want to shoot in Busan." in content
    document = application.documents.get()
    assert reverse("document_download", kwargs={"pk": document.pk}) in content
    assert [entry.to_state for entry in response.context["history"]] == ["shortlisted"]
    assert "Shortlisted" in content


def test_application_detail_masks_the_passport_and_shows_the_age_to_logistics(client, logistics):
    cohort = CohortFactory(age_reference_date=date(2026, 8, 1))
    application = submitted(
        cohort=cohort, date_of_birth=date(2005, 4, 12), passport_number="N01234567"
    )
    client.force_login(logistics)

    response = client.get(reverse("staff_application_detail", kwargs={"pk": application.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "N01234567" not in content
    assert "••••••567" in content
    assert "12 Apr 2005" not in content
    assert "2005" not in content
    assert response.context["application"].age == 21


@pytest.mark.parametrize("role", ["reviewer", "permits_officer", "applicant"])
def test_application_detail_is_refused_without_the_view_permission(client, request, role):
    application = submitted()
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("staff_application_detail", kwargs={"pk": application.pk}))

    assert response.status_code == 403
