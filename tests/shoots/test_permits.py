from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applicants.models import AuditEntry
from shoots import selectors, services
from shoots.enums import PermitStatus
from shoots.models import Permit
from tests.factories import (
    AuthorityFactory,
    LocationFactory,
    PermitFactory,
    ProductionFactory,
    ShootDayFactory,
)
from tests.factories.files import html_named_pdf, pdf, png

TODAY = date(2026, 11, 24)
# Due dates, expiry and "coming days" are read against a clock that starts on TODAY.
pytestmark = pytest.mark.time_machine(
    datetime(2026, 11, 24, 10, 0, tzinfo=timezone.get_fixed_timezone(9 * 60))
)


def shoot_day(**kwargs):
    kwargs.setdefault("date", TODAY + timedelta(days=30))
    return ShootDayFactory(**kwargs)


def insured(permit, by):
    return services.permit_update(permit=permit, fields={}, insurance=pdf("cert.pdf"), by=by)


def fresh(permit):
    return Permit.objects.get(pk=permit.pk)


# permit_create ---------------------------------------------------------------------------


def test_permit_create_due_on_follows_the_location_lead_time(permits_officer):
    day = shoot_day(location=LocationFactory(lead_days=21))

    permit = services.permit_create(
        shoot_day=day,
        authority=day.location.authority,
        fields={"activities": ["drone"], "fee_krw": 50000},
        by=permits_officer,
    )

    assert permit.due_on == day.date - timedelta(days=21)
    assert permit.status == PermitStatus.DRAFT
    assert fresh(permit).activities == ["drone"]


def test_permit_create_other_authority_uses_its_own_lead_time(permits_officer):
    day = shoot_day(location=LocationFactory(lead_days=21))
    police = AuthorityFactory(name="Haeundae Police Station", kind="police", lead_days=10)

    permit = services.permit_create(shoot_day=day, authority=police, fields={}, by=permits_officer)

    assert permit.due_on == day.date - timedelta(days=10)


def test_permit_create_second_live_permit_from_authority_is_refused(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day())

    with pytest.raises(services.ShootError) as refused:
        services.permit_create(
            shoot_day=permit.shoot_day, authority=permit.authority, fields={}, by=permits_officer
        )

    assert str(refused.value) == (f"This shoot day already has a permit from {permit.authority}.")
    assert Permit.objects.count() == 1


def test_permit_create_after_cancelled_one_is_allowed(permits_officer):
    old = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.CANCELLED)

    new = services.permit_create(
        shoot_day=old.shoot_day, authority=old.authority, fields={}, by=permits_officer
    )

    assert Permit.objects.filter(shoot_day=old.shoot_day).count() == 2
    assert new.status == PermitStatus.DRAFT


# permit_update ---------------------------------------------------------------------------


def test_permit_update_stores_the_insurance_certificate(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day())

    services.permit_update(
        permit=permit, fields={"fee_krw": 120000}, insurance=png("policy.png"), by=permits_officer
    )

    saved = fresh(permit)
    assert saved.insurance_name == "policy.png"
    assert saved.insurance_certificate.name.endswith(".png")
    assert saved.fee_krw == 120000


def test_permit_update_wrong_file_is_refused_and_nothing_changes(permits_officer):
    permit = insured(PermitFactory(shoot_day=shoot_day(), fee_krw=5000), permits_officer)
    before = fresh(permit).insurance_certificate.name

    with pytest.raises(ValidationError) as refused:
        services.permit_update(
            permit=permit, fields={"fee_krw": 9}, insurance=html_named_pdf(), by=permits_officer
        )

    assert refused.value.messages == [
        "This file is not a PDF, JPEG or PNG, whatever its name says. Please upload one of those."
    ]
    saved = fresh(permit)
    assert saved.fee_krw == 5000
    assert saved.insurance_certificate.name == before


def test_permit_update_cancelled_permit_is_refused(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.CANCELLED)

    with pytest.raises(services.ShootError):
        services.permit_update(permit=permit, fields={"notes": "x"}, by=permits_officer)

    assert fresh(permit).notes == ""


# permit_transition -----------------------------------------------------------------------


def test_permit_transition_submit_without_insurance_is_refused(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day())

    with pytest.raises(services.ShootError) as refused:
        services.permit_transition(permit=permit, to="submitted", by=permits_officer)

    assert str(refused.value) == "Attach the insurance certificate before filing the permit."
    assert fresh(permit).status == PermitStatus.DRAFT


def test_permit_transition_submit_with_insurance_records_the_date(permits_officer):
    permit = insured(PermitFactory(shoot_day=shoot_day()), permits_officer)

    services.permit_transition(permit=permit, to="submitted", by=permits_officer, today=TODAY)

    saved = fresh(permit)
    assert (saved.status, saved.submitted_on) == (PermitStatus.SUBMITTED, TODAY)
    entry = AuditEntry.objects.filter(action="permit.status").get()
    assert (entry.from_state, entry.to_state, entry.actor) == (
        "draft",
        "submitted",
        permits_officer,
    )


def test_permit_transition_draft_to_approved_is_refused(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), reference_number="HD-1")

    with pytest.raises(services.ShootError) as refused:
        services.permit_transition(permit=permit, to="approved", by=permits_officer)

    assert str(refused.value) == "A permit that is draft cannot become approved."
    assert fresh(permit).status == PermitStatus.DRAFT


def test_permit_transition_approve_without_reference_number_is_refused(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.SUBMITTED)

    with pytest.raises(services.ShootError) as refused:
        services.permit_transition(permit=permit, to="approved", by=permits_officer)

    assert str(refused.value) == "Write the authority's reference number to record an approval."
    assert fresh(permit).status == PermitStatus.SUBMITTED


def test_permit_transition_approve_with_reference_number(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.SUBMITTED)

    services.permit_transition(
        permit=permit,
        to="approved",
        reference_number="HD-2026-0142",
        by=permits_officer,
        today=TODAY,
    )

    saved = fresh(permit)
    assert (saved.status, saved.reference_number, saved.decided_on) == (
        PermitStatus.APPROVED,
        "HD-2026-0142",
        TODAY,
    )


def test_permit_transition_approved_with_conditions_needs_conditions(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.SUBMITTED)

    with pytest.raises(services.ShootError) as refused:
        services.permit_transition(
            permit=permit, to="approved_with_conditions", reference_number="P-7", by=permits_officer
        )

    assert str(refused.value) == "Write down the conditions the authority set."
    assert fresh(permit).status == PermitStatus.SUBMITTED
    assert fresh(permit).reference_number == ""


def test_permit_transition_approved_with_conditions_keeps_them(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.SUBMITTED)

    services.permit_transition(
        permit=permit,
        to="approved_with_conditions",
        reference_number="P-7",
        conditions="No drone after 18:00.",
        by=permits_officer,
    )

    saved = fresh(permit)
    assert (saved.status, saved.conditions) == ("approved_with_conditions", "No drone after 18:00.")


def test_permit_transition_rejected_back_to_draft_clears_the_dates(permits_officer):
    permit = PermitFactory(
        shoot_day=shoot_day(), status=PermitStatus.REJECTED, submitted_on=TODAY, decided_on=TODAY
    )

    services.permit_transition(permit=permit, to="draft", by=permits_officer)

    saved = fresh(permit)
    assert (saved.status, saved.submitted_on, saved.decided_on) == ("draft", None, None)


def test_permit_transition_from_cancelled_is_refused(permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.CANCELLED)

    with pytest.raises(services.ShootError):
        services.permit_transition(permit=permit, to="draft", by=permits_officer)

    assert fresh(permit).status == PermitStatus.CANCELLED


# Due and overdue lists -------------------------------------------------------------------


def test_permits_due_splits_overdue_and_due_within_seven_days(db):
    day = shoot_day()
    cohort = day.production.team.cohort

    def permit(due_in, status="draft"):
        return PermitFactory(
            shoot_day=day,
            authority=AuthorityFactory(),
            due_on=TODAY + timedelta(days=due_in),
            status=status,
        )

    late = permit(-1)
    late_rejected = permit(-3, "rejected")
    permit(-2, "submitted")
    today = permit(0)
    last_day = permit(7)
    permit(8)
    PermitFactory(shoot_day=shoot_day(), due_on=TODAY - timedelta(days=1))  # another cohort

    overdue, due_soon = selectors.permits_due(cohort=cohort, today=TODAY)

    assert list(overdue) == [late_rejected, late]
    assert list(due_soon) == [today, last_day]


# Readiness -------------------------------------------------------------------------------


def ready(day):
    return selectors.shoot_day_is_ready(selectors.shoot_days().get(pk=day.pk))


def test_shoot_day_is_ready_not_without_the_location_permit(db):
    day = shoot_day()

    assert ready(day) is False


def test_shoot_day_is_ready_not_while_a_permit_is_pending(db):
    day = shoot_day()
    PermitFactory(shoot_day=day, status=PermitStatus.APPROVED)
    PermitFactory(shoot_day=day, authority=AuthorityFactory(), status=PermitStatus.SUBMITTED)

    assert ready(day) is False


def test_shoot_day_is_ready_when_every_live_permit_is_approved(db):
    day = shoot_day()
    PermitFactory(shoot_day=day, status=PermitStatus.APPROVED_WITH_CONDITIONS)
    PermitFactory(shoot_day=day, authority=AuthorityFactory(), status=PermitStatus.CANCELLED)

    assert ready(day) is True


def test_shoot_day_is_ready_without_permits_where_none_is_required(db):
    day = shoot_day(location=LocationFactory(permit_required=False))

    assert ready(day) is True


# Views: the list -------------------------------------------------------------------------


def list_url(cohort):
    return reverse("permit_list", kwargs={"slug": cohort.slug})


def test_permit_list_shows_overdue_due_soon_and_every_permit(client, logistics):
    today = timezone.localdate()
    day = ShootDayFactory(date=today + timedelta(days=20))
    cohort = day.production.team.cohort
    late = PermitFactory(
        shoot_day=day,
        authority=AuthorityFactory(name="Busan Port Authority"),
        due_on=today - timedelta(days=2),
        fee_krw=1250000,
        reference_number="BPA-99",
    )
    soon = PermitFactory(
        shoot_day=day, authority=AuthorityFactory(name="Jung-gu Office"), due_on=today
    )
    client.force_login(logistics)

    response = client.get(list_url(cohort))

    assert response.status_code == 200
    assert [p.pk for p in response.context["overdue"]] == [late.pk]
    assert [p.pk for p in response.context["due_soon"]] == [soon.pk]
    assert [p.pk for p in response.context["permits"]] == [late.pk, soon.pk]
    content = response.content.decode()
    assert "1,250,000" in content
    assert "BPA-99" in content
    assert day.production.title in content
    assert reverse("permit_detail", kwargs={"pk": late.pk}) in content


def test_permit_list_filters_by_status_and_authority(client, logistics):
    day = shoot_day()
    approved = PermitFactory(shoot_day=day, status=PermitStatus.APPROVED)
    PermitFactory(shoot_day=day, authority=AuthorityFactory())
    client.force_login(logistics)
    url = list_url(day.production.team.cohort)

    by_status = client.get(url, {"status": "approved"})
    by_authority = client.get(url, {"authority": approved.authority.pk})

    assert [p.pk for p in by_status.context["permits"]] == [approved.pk]
    assert [p.pk for p in by_authority.context["permits"]] == [approved.pk]


def test_permit_list_shows_only_its_cohort(client, logistics):
    mine = PermitFactory(shoot_day=shoot_day())
    PermitFactory(shoot_day=shoot_day())
    client.force_login(logistics)

    response = client.get(list_url(mine.shoot_day.production.team.cohort))

    assert [p.pk for p in response.context["permits"]] == [mine.pk]


@pytest.mark.parametrize("rows", [1, 3])
def test_permit_list_query_count_is_constant(client, logistics, django_assert_num_queries, rows):
    today = timezone.localdate()
    production = ProductionFactory()
    for n in range(rows):
        day = ShootDayFactory(production=production, date=today + timedelta(days=10 + n))
        PermitFactory(shoot_day=day, due_on=today - timedelta(days=1))
        PermitFactory(shoot_day=day, authority=AuthorityFactory(), due_on=today)
    client.force_login(logistics)

    # session, user, the user's and the groups' permissions, cohort, overdue, due soon,
    # every permit, the authorities of the filter
    with django_assert_num_queries(9):
        response = client.get(list_url(production.team.cohort))

    assert len(response.context["permits"]) == 2 * rows


# Views: a new permit ---------------------------------------------------------------------


def create_url(day):
    return reverse("permit_create", kwargs={"pk": day.pk})


def test_permit_create_view_adds_a_draft(client, permits_officer):
    day = shoot_day()
    client.force_login(permits_officer)

    response = client.post(
        create_url(day),
        {
            "authority": day.location.authority.pk,
            "activities": ["drone", "road_closure"],
            "crew_size": "12",
            "vehicle_count": "2",
            "parking_plan": "Two vans at the east car park.",
            "fee_krw": "300000",
            "notes": "",
        },
    )

    permit = Permit.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("permit_detail", kwargs={"pk": permit.pk})
    assert (permit.activities, permit.crew_size, permit.fee_krw, permit.status) == (
        ["drone", "road_closure"],
        12,
        300000,
        "draft",
    )


def test_permit_create_view_duplicate_authority_is_refused_with_a_message(client, permits_officer):
    existing = PermitFactory(shoot_day=shoot_day())
    client.force_login(permits_officer)

    response = client.post(
        create_url(existing.shoot_day),
        {
            "authority": existing.authority.pk,
            "crew_size": "4",
            "vehicle_count": "0",
            "fee_krw": "0",
            "notes": "Second try",
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert f"This shoot day already has a permit from {existing.authority}." in content
    assert "Second try" in content
    assert Permit.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("fee_krw", "lots", "Enter a whole number."),
        ("notes", "x" * 10000, "Ensure this value has at most 2000 characters (it has 10000)."),
        ("crew_size", "ប្រាំ", "Enter a whole number."),
    ],
)
def test_permit_create_view_bad_input_is_refused(client, permits_officer, field, value, message):
    day = shoot_day()
    client.force_login(permits_officer)
    data = {"authority": day.location.authority.pk, "crew_size": "4", "vehicle_count": "0"}
    data.update({"fee_krw": "0", field: value})

    response = client.post(create_url(day), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Permit.objects.count() == 0


def test_permit_create_view_is_refused_to_logistics(client, logistics):
    day = shoot_day()
    client.force_login(logistics)

    response = client.post(create_url(day), {"authority": day.location.authority.pk})

    assert response.status_code == 403
    assert Permit.objects.count() == 0


# Views: a permit's page ------------------------------------------------------------------


def detail_url(permit):
    return reverse("permit_detail", kwargs={"pk": permit.pk})


def test_permit_detail_shows_facts_history_and_certificate(client, logistics, permits_officer):
    permit = services.permit_create(
        shoot_day=shoot_day(),
        authority=AuthorityFactory(name="Haeundae Police"),
        fields={"activities": ["pyrotechnics"], "fee_krw": 75000},
        by=permits_officer,
    )
    insured(permit, permits_officer)
    client.force_login(logistics)

    response = client.get(detail_url(permit))

    content = response.content.decode()
    assert "Haeundae Police" in content
    assert "Pyrotechnics" in content
    assert "75,000" in content
    assert reverse("permit_insurance", kwargs={"pk": permit.pk}) in content
    assert [entry.action_label for entry in response.context["history"]] == [
        "Permit created",
        "Details changed",
    ]
    # Logistics reads; only the permits officer changes.
    assert "Save the permit" not in content
    assert reverse("permit_transition", kwargs={"pk": permit.pk}) not in content


def test_permit_detail_offers_the_allowed_next_states(client, permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.SUBMITTED)
    client.force_login(permits_officer)

    response = client.get(detail_url(permit))

    assert [button[0] for button in response.context["buttons"]] == [
        "approved",
        "approved_with_conditions",
        "rejected",
        "cancelled",
    ]
    assert 'value="approved_with_conditions"' in response.content.decode()


def test_permit_detail_edit_saves_the_details_and_certificate(client, permits_officer):
    permit = PermitFactory(shoot_day=shoot_day())
    client.force_login(permits_officer)

    response = client.post(
        detail_url(permit),
        {
            "activities": ["animals"],
            "crew_size": "8",
            "vehicle_count": "1",
            "fee_krw": "45000",
            "reference_number": "HU-12",
            "expires_on": "2026-12-31",
            "insurance_certificate": pdf("Policy 2026.pdf"),
        },
    )

    assert response.status_code == 302
    saved = fresh(permit)
    assert (saved.activities, saved.fee_krw, saved.reference_number, saved.expires_on) == (
        ["animals"],
        45000,
        "HU-12",
        date(2026, 12, 31),
    )
    assert saved.insurance_name == "Policy_2026.pdf"


def test_permit_detail_edit_wrong_file_is_refused_and_input_kept(client, permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), fee_krw=1000)
    client.force_login(permits_officer)

    response = client.post(
        detail_url(permit),
        {
            "crew_size": "8",
            "vehicle_count": "1",
            "fee_krw": "45000",
            "notes": "Call the office first",
            "insurance_certificate": html_named_pdf(),
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "This file is not a PDF, JPEG or PNG, whatever its name says." in content
    assert "Call the office first" in content
    saved = fresh(permit)
    assert (saved.fee_krw, saved.notes, saved.insurance_certificate.name) == (1000, "", "")


def test_permit_detail_edit_malformed_date_is_refused(client, permits_officer):
    permit = PermitFactory(shoot_day=shoot_day())
    client.force_login(permits_officer)

    response = client.post(
        detail_url(permit),
        {"crew_size": "1", "vehicle_count": "0", "fee_krw": "0", "expires_on": "31/31/2026"},
    )

    assert response.status_code == 200
    assert response.context["edit_form"].errors["expires_on"] == [
        "Enter a date such as 2026-12-31."
    ]
    assert fresh(permit).expires_on is None


def test_permit_detail_edit_is_refused_to_logistics(client, logistics):
    permit = PermitFactory(shoot_day=shoot_day())
    client.force_login(logistics)

    response = client.post(
        detail_url(permit), {"crew_size": "1", "vehicle_count": "0", "fee_krw": "99"}
    )

    assert response.status_code == 403
    assert fresh(permit).fee_krw == 0


# Views: status changes -------------------------------------------------------------------


def transition_url(permit):
    return reverse("permit_transition", kwargs={"pk": permit.pk})


def test_permit_transition_view_refusal_is_shown_and_input_kept(client, permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.SUBMITTED)
    client.force_login(permits_officer)

    response = client.post(
        transition_url(permit),
        {"to": "approved_with_conditions", "reference_number": "HD-77", "conditions": ""},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Write down the conditions the authority set." in content
    assert 'value="HD-77"' in content
    assert fresh(permit).status == PermitStatus.SUBMITTED


def test_permit_transition_view_approves(client, permits_officer):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.SUBMITTED)
    client.force_login(permits_officer)

    response = client.post(
        transition_url(permit),
        {"to": "approved", "reference_number": " HD-78 ", "conditions": ""},
        follow=True,
    )

    assert "The permit is now Approved." in response.content.decode()
    saved = fresh(permit)
    assert (saved.status, saved.reference_number) == ("approved", "HD-78")


def test_permit_transition_view_unknown_status_is_refused(client, permits_officer):
    permit = PermitFactory(shoot_day=shoot_day())
    client.force_login(permits_officer)

    response = client.post(transition_url(permit), {"to": "granted"})

    assert response.status_code == 200
    assert "Choose one of the status buttons." in response.content.decode()
    assert fresh(permit).status == PermitStatus.DRAFT


def test_permit_transition_view_is_refused_to_logistics(client, logistics):
    permit = PermitFactory(shoot_day=shoot_day(), status=PermitStatus.SUBMITTED)
    client.force_login(logistics)

    response = client.post(transition_url(permit), {"to": "cancelled"})

    assert response.status_code == 403
    assert fresh(permit).status == PermitStatus.SUBMITTED


# Views: the insurance certificate --------------------------------------------------------


def test_permit_insurance_downloads_the_certificate(client, logistics, permits_officer):
    permit = insured(PermitFactory(shoot_day=shoot_day()), permits_officer)
    client.force_login(logistics)

    response = client.get(reverse("permit_insurance", kwargs={"pk": permit.pk}))

    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cert.pdf"'
    assert body.startswith(b"%PDF")


def test_permit_insurance_without_a_certificate_is_404(client, logistics):
    permit = PermitFactory(shoot_day=shoot_day())
    client.force_login(logistics)

    response = client.get(reverse("permit_insurance", kwargs={"pk": permit.pk}))

    assert response.status_code == 404


def test_permit_insurance_whose_file_is_gone_from_storage_is_404(
    client, logistics, permits_officer
):
    permit = insured(PermitFactory(shoot_day=shoot_day()), permits_officer)
    permit.insurance_certificate.storage.delete(permit.insurance_certificate.name)
    client.force_login(logistics)

    response = client.get(reverse("permit_insurance", kwargs={"pk": permit.pk}))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("status", "blanked"),
    [
        (PermitStatus.APPROVED, {"reference_number": " "}),
        (PermitStatus.APPROVED_WITH_CONDITIONS, {"conditions": ""}),
    ],
)
def test_permit_update_refuses_to_blank_what_an_approval_rests_on(permits_officer, status, blanked):
    permit = PermitFactory(
        shoot_day=shoot_day(), status=status, reference_number="BSN-7", conditions="Marshal"
    )

    with pytest.raises(services.ShootError):
        services.permit_update(permit=permit, fields=blanked, by=permits_officer)

    assert (fresh(permit).reference_number, fresh(permit).conditions) == ("BSN-7", "Marshal")


def test_a_location_edited_in_the_admin_revises_its_coming_shoot_days(client, permits_officer):
    day = shoot_day()
    PermitFactory(shoot_day=day)
    location = day.location
    client.force_login(permits_officer)

    response = client.post(
        reverse("admin:shoots_location_change", args=[location.pk]),
        {
            "slug": location.slug,
            "name": location.name,
            "kind": location.kind,
            "district": location.district,
            "address": "1 New Address-ro",
            "latitude": location.latitude,
            "longitude": location.longitude,
            "authority": location.authority_id,
            "permit_required": "on",
            "lead_days": "30",
            "closed_weekdays": "[]",
            "nearest_hospital": location.nearest_hospital,
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    day.refresh_from_db()
    assert day.sequence == 1
    assert day.permits.get().due_on == day.date - timedelta(days=30)
