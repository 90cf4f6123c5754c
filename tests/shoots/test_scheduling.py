"""The conflict engine behind shoot days: what each rule finds, and what block and warn do."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from applicants.models import AuditEntry
from shoots import selectors, services
from shoots.enums import ConflictAction, ConflictKind, PermitStatus
from shoots.models import ConflictRule, Location, Permit, ShootDay
from tests.factories import (
    AuthorityFactory,
    CohortFactory,
    LocationFactory,
    ParticipantFactory,
    PermitFactory,
    ProductionFactory,
)

K = ConflictKind


def fields(location, on, call=time(8, 0), wrap=time(18, 0), **extra):
    return {
        "location": location,
        "date": on,
        "call_time": call,
        "wrap_time": wrap,
        "scenes": "Scene 4, market entrance",
        "schedule": "",
        "crew_count": 4,
        "vehicle_count": 1,
        "equipment": "",
        "notes": "",
        **extra,
    }


@pytest.fixture
def desk(db, manager):
    """A cohort with two productions, a place, and a trainee who could be on both crews."""
    cohort = CohortFactory()
    first = ProductionFactory(team__cohort=cohort)
    second = ProductionFactory(team__cohort=cohort)
    return {
        "cohort": cohort,
        "first": first,
        "second": second,
        "place": LocationFactory(),
        "other_place": LocationFactory(),
        "person": ParticipantFactory(application__cohort=cohort),
        "on": cohort.onsite_starts_on,
        "by": manager,
    }


def save(desk, production, values, crew=(), **kwargs):
    return services.shoot_day_save(
        production=production, fields=values, crew=crew, by=desk["by"], **kwargs
    )


def kinds(conflicts):
    return [conflict.kind for conflict in conflicts]


def refused_kinds(desk, production, values, crew=(), **kwargs):
    with pytest.raises(services.ScheduleConflict) as refusal:
        save(desk, production, values, crew, **kwargs)
    return kinds(refusal.value.conflicts)


# Saving ----------------------------------------------------------------------------------


def test_shoot_day_save_without_conflicts_stores_the_day_its_crew_and_a_draft_permit(desk):
    day, warnings = save(desk, desk["first"], fields(desk["place"], desk["on"]), [desk["person"]])

    day.refresh_from_db()
    assert warnings == []
    assert (day.production, day.location, day.date) == (desk["first"], desk["place"], desk["on"])
    assert list(day.crew.all()) == [desk["person"]]
    assert list(day.permits.values_list("authority", "status", "due_on")) == [
        (desk["place"].authority_id, PermitStatus.DRAFT, desk["on"] - timedelta(days=14))
    ]
    assert AuditEntry.objects.filter(action="shoot_day.created", object_id=day.pk).count() == 1


def test_shoot_day_save_raises_the_sequence_on_every_edit(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))
    sequences = [day.sequence]
    for call in (time(9, 0), time(10, 0)):
        day, _ = save(
            desk, desk["first"], fields(desk["place"], desk["on"], call=call), shoot_day=day
        )
        sequences.append(ShootDay.objects.get(pk=day.pk).sequence)

    assert sequences == [0, 1, 2]


def test_shoot_day_save_moves_the_permits_due_date_with_the_shoot_date(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))
    later = desk["on"] + timedelta(days=5)

    save(desk, desk["first"], fields(desk["place"], later), shoot_day=day)

    assert list(day.permits.values_list("due_on", flat=True)) == [later - timedelta(days=14)]


# Location booked twice ---------------------------------------------------------------------


def test_location_double_booked_at_overlapping_times_blocks_and_saves_nothing(desk):
    save(desk, desk["first"], fields(desk["place"], desk["on"], time(8, 0), time(14, 0)))

    found = refused_kinds(
        desk, desk["second"], fields(desk["place"], desk["on"], time(13, 0), time(18, 0))
    )

    assert found == [K.LOCATION_DOUBLE_BOOKED]
    assert ShootDay.objects.filter(production=desk["second"]).count() == 0


def test_location_double_booked_by_a_night_shoot_crossing_into_the_next_early_call(desk):
    save(desk, desk["first"], fields(desk["place"], desk["on"], time(20, 0), time(3, 0)))
    next_day = desk["on"] + timedelta(days=1)

    found = refused_kinds(desk, desk["second"], fields(desk["place"], next_day, time(2, 0)))

    assert found == [K.LOCATION_DOUBLE_BOOKED]


def test_location_double_booked_is_not_found_when_the_place_allows_shared_use(desk):
    place = LocationFactory(allows_shared_use=True)
    save(desk, desk["first"], fields(place, desk["on"]))

    _day, warnings = save(desk, desk["second"], fields(place, desk["on"]))

    assert warnings == []
    assert ShootDay.objects.filter(location=place).count() == 2


def test_location_double_booked_is_not_found_when_times_only_touch(desk):
    save(desk, desk["first"], fields(desk["place"], desk["on"], time(8, 0), time(12, 0)))

    _day, warnings = save(
        desk, desk["second"], fields(desk["place"], desk["on"], time(12, 0), time(16, 0))
    )

    assert warnings == []


def test_location_double_booked_across_cohorts(desk):
    """Another cohort filming at the same place and time is a double booking too."""
    elsewhere = ProductionFactory()
    save(desk, elsewhere, fields(desk["place"], desk["on"]))

    assert refused_kinds(desk, desk["first"], fields(desk["place"], desk["on"])) == [
        K.LOCATION_DOUBLE_BOOKED
    ]


# A person in two places --------------------------------------------------------------------


def test_person_double_booked_in_overlapping_days_blocks(desk):
    crew = [desk["person"]]
    save(desk, desk["first"], fields(desk["place"], desk["on"], time(8, 0), time(14, 0)), crew)

    found = refused_kinds(
        desk,
        desk["second"],
        fields(desk["other_place"], desk["on"], time(12, 0), time(18, 0)),
        crew,
    )

    assert found == [K.PERSON_DOUBLE_BOOKED]


def test_person_double_booked_is_not_found_for_different_crews(desk):
    save(desk, desk["first"], fields(desk["place"], desk["on"]), [desk["person"]])
    someone_else = ParticipantFactory(application__cohort=desk["cohort"])

    _day, warnings = save(
        desk, desk["second"], fields(desk["other_place"], desk["on"]), [someone_else]
    )

    assert warnings == []


# A closed location -------------------------------------------------------------------------


def test_location_closed_on_its_closed_weekday_blocks(desk):
    place = LocationFactory(closed_weekdays=[desk["on"].weekday()])

    assert refused_kinds(desk, desk["first"], fields(place, desk["on"])) == [K.LOCATION_CLOSED]


def test_location_closed_is_not_found_on_an_open_weekday(desk):
    place = LocationFactory(closed_weekdays=[(desk["on"].weekday() + 1) % 7])

    _day, warnings = save(desk, desk["first"], fields(place, desk["on"]))

    assert warnings == []


# Permit lead time --------------------------------------------------------------------------


def test_permit_lead_time_not_met_warns_and_saves(desk):
    today = desk["on"] - timedelta(days=3)

    day, warnings = save(desk, desk["first"], fields(desk["place"], desk["on"]), today=today)

    assert kinds(warnings) == [K.PERMIT_LEAD_TIME]
    assert ShootDay.objects.filter(pk=day.pk).count() == 1


def test_permit_lead_time_is_met_once_the_permit_is_filed(desk):
    today = desk["on"] - timedelta(days=3)
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]), today=today)
    day.permits.update(status=PermitStatus.SUBMITTED)

    _day, warnings = save(
        desk, desk["first"], fields(desk["place"], desk["on"]), shoot_day=day, today=today
    )

    assert warnings == []


def test_permit_lead_time_is_judged_on_the_new_date_when_a_day_moves_earlier(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))
    today = desk["on"] - timedelta(days=20)
    # Its draft permit is not yet due for the old date, but is late for the new one.
    earlier = today + timedelta(days=3)

    _day, warnings = save(
        desk, desk["first"], fields(desk["place"], earlier), shoot_day=day, today=today
    )

    assert kinds(warnings) == [K.PERMIT_LEAD_TIME]


def test_permit_lead_time_forgets_the_old_authority_s_draft_when_a_day_moves_away(desk):
    slow = LocationFactory(authority=AuthorityFactory(lead_days=30))
    quick = LocationFactory(authority=AuthorityFactory(lead_days=2))
    today = desk["on"] - timedelta(days=3)
    day, _ = save(desk, desk["first"], fields(slow, desk["on"]), today=desk["on"] - timedelta(40))

    _day, warnings = save(
        desk, desk["first"], fields(quick, desk["on"]), shoot_day=day, today=today
    )

    assert warnings == []
    assert sorted(day.permits.values_list("authority", "status")) == sorted(
        [(slow.authority_id, PermitStatus.CANCELLED), (quick.authority_id, PermitStatus.DRAFT)]
    )


def test_permit_lead_time_uses_the_location_s_own_lead_time(desk):
    place = LocationFactory(authority=AuthorityFactory(lead_days=30), lead_days=2)
    today = desk["on"] - timedelta(days=3)

    _day, warnings = save(desk, desk["first"], fields(place, desk["on"]), today=today)

    assert warnings == []


# A day over 12 hours -----------------------------------------------------------------------


def test_long_day_over_12_hours_warns(desk):
    day, warnings = save(desk, desk["first"], fields(desk["place"], desk["on"], time(6), time(19)))

    assert kinds(warnings) == [K.LONG_DAY]
    assert day.pk is not None


def test_long_day_of_exactly_12_hours_is_not_found(desk):
    _day, warnings = save(desk, desk["first"], fields(desk["place"], desk["on"], time(6), time(18)))

    assert warnings == []


def test_long_day_when_a_persons_two_days_on_one_date_add_up_to_over_12_hours(desk):
    crew = [desk["person"]]
    save(desk, desk["first"], fields(desk["place"], desk["on"], time(6), time(12)), crew)

    _day, warnings = save(
        desk, desk["second"], fields(desk["other_place"], desk["on"], time(13), time(20)), crew
    )

    assert kinds(warnings) == [K.LONG_DAY]
    assert desk["person"].user.full_name in warnings[0].message


# Block or warn, for each rule ----------------------------------------------------------------


def _double_booked_place(desk):
    save(desk, desk["first"], fields(desk["place"], desk["on"]))
    return fields(desk["place"], desk["on"]), [], {}


def _person_in_two_places(desk):
    crew = [desk["person"]]
    # Short days, so that together they stay under the 12-hour limit.
    save(desk, desk["first"], fields(desk["place"], desk["on"], time(8), time(12)), crew)
    return fields(desk["other_place"], desk["on"], time(10), time(14)), crew, {}


def _closed_place(desk):
    place = LocationFactory(closed_weekdays=[desk["on"].weekday()])
    return fields(place, desk["on"]), [], {}


def _late_permit(desk):
    return fields(desk["place"], desk["on"]), [], {"today": desk["on"] - timedelta(days=1)}


def _long_day(desk):
    return fields(desk["place"], desk["on"], time(5), time(23)), [], {}


SITUATIONS = {
    K.LOCATION_DOUBLE_BOOKED: _double_booked_place,
    K.PERSON_DOUBLE_BOOKED: _person_in_two_places,
    K.LOCATION_CLOSED: _closed_place,
    K.PERMIT_LEAD_TIME: _late_permit,
    K.LONG_DAY: _long_day,
}


@pytest.mark.parametrize("kind", list(K))
def test_each_conflict_rule_set_to_block_refuses_and_saves_nothing(desk, kind):
    services.conflict_rules_set(
        cohort=desk["cohort"], actions={kind: ConflictAction.BLOCK}, by=desk["by"]
    )
    values, crew, extra = SITUATIONS[kind](desk)

    found = refused_kinds(desk, desk["second"], values, crew, **extra)

    assert found == [kind]
    assert ShootDay.objects.filter(production=desk["second"]).count() == 0
    assert Permit.objects.filter(shoot_day__production=desk["second"]).count() == 0


@pytest.mark.parametrize("kind", list(K))
def test_each_conflict_rule_set_to_warn_saves_and_returns_the_warning(desk, kind):
    services.conflict_rules_set(
        cohort=desk["cohort"], actions={kind: ConflictAction.WARN}, by=desk["by"]
    )
    values, crew, extra = SITUATIONS[kind](desk)

    day, warnings = save(desk, desk["second"], values, crew, **extra)

    assert kinds(warnings) == [kind]
    assert [conflict.blocks for conflict in warnings] == [False]
    assert list(ShootDay.objects.filter(production=desk["second"])) == [day]


def test_conflict_rules_set_stores_the_actions_and_an_audit_entry(desk):
    services.conflict_rules_set(
        cohort=desk["cohort"],
        actions={K.LONG_DAY: ConflictAction.BLOCK, K.LOCATION_CLOSED: ConflictAction.WARN},
        by=desk["by"],
    )

    actions = ConflictRule.actions_for(desk["cohort"])
    assert (actions[K.LONG_DAY], actions[K.LOCATION_CLOSED]) == ("block", "warn")
    assert actions[K.LOCATION_DOUBLE_BOOKED] == "block"  # the default, untouched
    entry = AuditEntry.objects.get(action="conflict_rules.set")
    assert entry.note == "location_closed=warn, long_day=block"


def test_conflict_rules_set_refuses_an_unknown_action_and_stores_nothing(desk):
    with pytest.raises(ValueError):
        services.conflict_rules_set(
            cohort=desk["cohort"], actions={K.LONG_DAY: "ignore"}, by=desk["by"]
        )

    assert ConflictRule.objects.filter(cohort=desk["cohort"]).count() == 0


# Deleting ----------------------------------------------------------------------------------


def test_shoot_day_delete_removes_the_day_and_its_draft_permits(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))

    services.shoot_day_delete(shoot_day=day, by=desk["by"])

    assert ShootDay.objects.filter(pk=day.pk).count() == 0
    assert Permit.objects.filter(shoot_day_id=day.pk).count() == 0
    assert AuditEntry.objects.filter(action="shoot_day.deleted").count() == 1


def test_shoot_day_delete_refuses_a_day_with_an_approved_permit(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))
    day.permits.update(status=PermitStatus.APPROVED)

    with pytest.raises(services.ShootError):
        services.shoot_day_delete(shoot_day=day, by=desk["by"])

    assert ShootDay.objects.filter(pk=day.pk).count() == 1


def test_shoot_day_delete_keeps_other_days(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))
    other = PermitFactory(shoot_day__production=desk["second"]).shoot_day

    services.shoot_day_delete(shoot_day=day, by=desk["by"])

    assert list(ShootDay.objects.all()) == [other]


# A moved day, and changes from outside the day ---------------------------------------------


def approve(permit, by):
    permit.status = PermitStatus.APPROVED
    permit.reference_number = "BSN-1"
    permit.save()


def test_a_day_moved_to_another_date_sends_its_approved_permit_back_to_draft(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))
    approve(day.permits.get(), desk["by"])
    assert selectors.shoot_day_is_ready(selectors.shoot_days().get(pk=day.pk))

    save(desk, desk["first"], fields(desk["place"], desk["on"] + timedelta(1)), shoot_day=day)

    permit = day.permits.get()
    assert (permit.status, permit.reference_number) == (PermitStatus.DRAFT, "BSN-1")
    assert not selectors.shoot_day_is_ready(selectors.shoot_days().get(pk=day.pk))
    entry = AuditEntry.objects.filter(action="permit.status", object_id=permit.pk).last()
    assert (entry.from_state, entry.to_state) == (PermitStatus.APPROVED, PermitStatus.DRAFT)


def test_a_day_edited_at_the_same_date_and_place_keeps_its_approved_permit(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))
    approve(day.permits.get(), desk["by"])

    save(desk, desk["first"], fields(desk["place"], desk["on"], scenes="Scene 5"), shoot_day=day)

    assert day.permits.get().status == PermitStatus.APPROVED


def test_a_day_is_not_ready_when_its_approved_permit_expires_before_it(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))
    approve(day.permits.get(), desk["by"])
    day.permits.update(expires_on=desk["on"] - timedelta(days=1))

    assert not selectors.shoot_day_is_ready(selectors.shoot_days().get(pk=day.pk))


def test_another_cohort_s_booking_blocks_even_where_our_rule_only_warns(desk):
    ConflictRule.objects.create(
        cohort=desk["cohort"], kind=K.LOCATION_DOUBLE_BOOKED, action=ConflictAction.WARN
    )
    elsewhere = ProductionFactory(
        team__cohort__onsite_starts_on=desk["on"],
        team__cohort__age_reference_date=desk["on"],
    )
    save(desk, elsewhere, fields(desk["place"], desk["on"]))

    assert refused_kinds(desk, desk["first"], fields(desk["place"], desk["on"])) == [
        K.LOCATION_DOUBLE_BOOKED
    ]


def test_a_closed_weekday_stored_badly_is_ignored_rather_than_a_crash(desk):
    Location.objects.filter(pk=desk["place"].pk).update(closed_weekdays="Sunday")
    place = Location.objects.get(pk=desk["place"].pk)

    _day, warnings = save(desk, desk["first"], fields(place, desk["on"]))

    assert warnings == []


@pytest.mark.parametrize("closed", [5, "Sunday", ["6"], [7], [True]])
def test_location_clean_refuses_closed_weekdays_that_are_not_numbers_0_to_6(desk, closed):
    desk["place"].closed_weekdays = closed

    with pytest.raises(ValidationError) as refusal:
        desk["place"].full_clean()

    assert "closed_weekdays" in refusal.value.message_dict


def test_a_production_renamed_raises_the_revision_of_its_shoot_days(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))

    services.production_update(production=desk["first"], fields={"title": "Ferry"}, by=None)

    assert ShootDay.objects.get(pk=day.pk).sequence == day.sequence + 1


def test_shoot_days_revise_recomputes_due_dates_from_a_changed_lead_time(desk):
    day, _ = save(desk, desk["first"], fields(desk["place"], desk["on"]))
    desk["place"].authority.lead_days = 30
    desk["place"].authority.save()

    services.shoot_days_revise(shoot_days=ShootDay.objects.filter(pk=day.pk))

    assert day.permits.get().due_on == desk["on"] - timedelta(days=30)
    assert ShootDay.objects.get(pk=day.pk).sequence == 1
