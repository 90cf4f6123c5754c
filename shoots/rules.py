"""Who may see what of the shoots. Staff rights are Django permissions; a participant sees
their own team, its shoot days and call sheets, and nothing of other teams."""

import rules


@rules.predicate
def reads_schedule(user):
    return user.has_perm("shoots.view_shootday")


@rules.predicate
def is_participant(user):
    return user.is_authenticated and not user.is_staff and user.participations.exists()


@rules.predicate
def works_on_shoot_day(user, shoot_day):
    """On the crew of the day, or in the team whose film it is."""
    if shoot_day is None:
        return False
    return (
        shoot_day.crew.filter(user=user).exists()
        or shoot_day.production.team.members.filter(participant__user=user).exists()
    )


rules.add_perm("shoots.use_team_page", is_participant)
rules.add_perm("shoots.view_call_sheet", reads_schedule | works_on_shoot_day)


@rules.predicate
def reads_support(user):
    return user.has_perm("shoots.view_supportrequest")


@rules.predicate
def is_served_by(user, request):
    """The participant it is for, or a member of the team whose film it is for."""
    if request is None:
        return False
    if request.participant_id:
        return request.participant.user_id == user.pk
    return request.production.team.members.filter(participant__user=user).exists()


rules.add_perm("shoots.read_support_request", reads_support | is_served_by)
