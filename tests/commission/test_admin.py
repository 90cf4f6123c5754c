import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import ApplicationFactory, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = ["applicants", "shoots", "commission"]


def our_models():
    return [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_is_in_the_admin_with_list_display_filters_and_search():
    for model in our_models():
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, model
        assert model_admin.list_display != ("__str__",), model
        assert model_admin.list_filter, model
        assert model_admin.search_fields, model


def test_every_changelist_answers_a_search_in_khmer_script(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    ApplicationFactory()
    LocationFactory()

    for model in our_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "ចាន់"})
        assert response.status_code == 200, model


def test_the_profile_admin_hides_passport_and_birth_date_from_staff_without_the_right(
    client, manager, logistics, verified_login
):
    profile = ApplicationFactory(
        applicant__profile__passport_number="N01234567", status="submitted"
    ).applicant.profile
    url = reverse("admin:applicants_applicantprofile_change", args=[profile.pk])

    verified_login(client, manager)
    assert "N01234567" in client.get(url).content.decode()
    client.force_login(logistics)
    response = client.get(url)
    assert response.status_code == 200
    assert "N01234567" not in response.content.decode()
    assert "date_of_birth" not in response.content.decode()


def test_the_profile_admin_refuses_lookups_that_would_spell_out_a_passport(
    client, manager, logistics, verified_login
):
    ApplicationFactory(applicant__profile__passport_number="N01234567", status="submitted")
    url = reverse("admin:applicants_applicantprofile_changelist")

    for lookup in ["passport_number__startswith", "date_of_birth__year", "passport_number"]:
        client.force_login(logistics)
        assert client.get(url, {lookup: "2005"}).status_code == 400, lookup
        verified_login(client, manager)
        assert client.get(url, {lookup: "2005"}).status_code == 200, lookup


def test_the_admin_shows_staff_no_draft_and_no_draft_document(client, manager):
    draft = ApplicationFactory(applicant__profile__legal_name="Drafting Person")
    submitted = ApplicationFactory(status="submitted")
    client.force_login(manager)

    listing = client.get(reverse("admin:applicants_application_changelist")).content.decode()
    profiles = client.get(reverse("admin:applicants_applicantprofile_changelist")).content
    change = client.get(reverse("admin:applicants_application_change", args=[draft.pk]))

    assert str(submitted.applicant) in listing
    assert str(draft.applicant) not in listing
    assert "Drafting Person" not in profiles.decode()
    assert change.status_code == 302  # "does not exist", back to the admin index
