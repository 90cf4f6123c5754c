import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_a_forbidden_page_is_a_friendly_403(client, applicant):
    client.force_login(applicant)

    response = client.get(reverse("desk"))

    assert response.status_code == 403
    assert "This page is not for your account" in response.content.decode()


def test_a_server_error_is_a_friendly_500_that_needs_no_database():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Nothing you saved is lost" in response.content.decode()


def test_desk_counts_each_cohorts_applications_by_state(client, manager):
    cohort = CohortFactory(name="FLY 2031 Busan")
    ApplicationFactory.create_batch(3, cohort=cohort)
    ApplicationFactory.create_batch(2, cohort=cohort, status="submitted")
    client.force_login(manager)

    response = client.get(reverse("desk"))

    row = next(c for c in response.context["cohorts"] if c.pk == cohort.pk)
    assert (row.n_draft, row.n_submitted, row.n_applications) == (3, 2, 5)
    assert "Programme manager" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_desk_query_count_is_constant(client, manager, django_assert_num_queries, rows):
    for _row in range(rows):
        ApplicationFactory(cohort=CohortFactory())
    client.force_login(manager)

    # session, user, the user's groups, the user's and the groups' permissions (for the
    # navigation), cohorts with their counts; the dashboard: the current cohort, funnel,
    # countries (2), reviewers, shoot days, permits due (2), support due (2), budget (3)
    with django_assert_num_queries(19):
        client.get(reverse("desk"))


@pytest.mark.parametrize("role", ["applicant", "manager"])
def test_navigation_fits_the_role(client, role, request):
    client.force_login(request.getfixturevalue(role))

    content = client.get(reverse("desk" if role == "manager" else "applicant_home")).content
    content = content.decode()

    assert ("My applications" in content) == (role == "applicant")
    assert (">Desk<" in content) == (role == "manager")
