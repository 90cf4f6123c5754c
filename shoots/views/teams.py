"""Teams and productions: the cohort's team board, a team's page, its edits, and the
participant's own team page."""

from collections import Counter
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rules.contrib.views import permission_required

from applicants.enums import CrewRole
from applicants.forms import refusal_text
from applicants.models import Cohort

from .. import selectors, services
from ..forms.teams import ProductionForm, TeamForm, TeamPlacementForm
from .calendars import feed_url

REFUSALS = (services.ShootError, ValidationError)


# The team board ----------------------------------------------------------------------------


def _country(participant):
    profile = getattr(participant.user, "profile", None)
    return profile.nationality if profile else None


def _balance(participants, placement: dict[int, int], team_count: int) -> list[dict]:
    """Per team number: how many, from which countries, wanting which crew roles."""
    teams = {number: [] for number in range(1, team_count + 1)}
    for participant in participants:
        number = placement.get(participant.pk)
        if number in teams:
            teams[number].append(participant)
    roles = dict(CrewRole.choices)
    balance = []
    for number, people in teams.items():
        countries = Counter(str(_country(p) or _("Nationality not given")) for p in people)
        wanted = Counter(str(roles.get(p.application.role_1, _("No role given"))) for p in people)
        balance.append(
            {
                "number": number,
                "size": len(people),
                "countries": sorted(countries.items()),
                "roles": sorted(wanted.items()),
            }
        )
    return balance


def _current_placement(participants) -> dict[int, int]:
    placement = {}
    for participant in participants:
        member = getattr(participant, "team_member", None)
        if member is not None:
            placement[participant.pk] = member.team.number
    return placement


def _suggested_placement(participants, cohort) -> dict[int, int]:
    people = [
        {
            "id": p.pk,
            "country": getattr(_country(p), "pk", None),
            "role": p.application.role_1,
        }
        for p in participants
    ]
    return services.propose_teams(people=people, team_count=cohort.team_count)


@login_required
@permission_required("shoots.view_team", raise_exception=True)
@require_http_methods(["GET", "POST"])
def team_board(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    if request.method == "POST" and not request.user.has_perm("shoots.add_team"):
        raise PermissionDenied
    participants = list(selectors.participants_of(cohort=cohort))
    current = _current_placement(participants)
    placement, suggested = current, False
    if request.method == "GET" and request.GET.get("suggest") and participants:
        try:
            placement, suggested = _suggested_placement(participants, cohort), True
        except services.ShootError as refusal:
            messages.error(request, str(refusal))

    form = None
    if request.user.has_perm("shoots.add_team"):
        form = TeamPlacementForm(
            request.POST or None,
            participants=participants,
            team_count=cohort.team_count,
            placement=placement,
            placed=set(current),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.teams_form(cohort=cohort, placement=form.placement(), by=request.user)
            except REFUSALS as refusal:
                messages.error(request, refusal_text(refusal))
            else:
                messages.success(request, _("The teams are saved."))
                return redirect("team_board", slug=cohort.slug)

    teams = list(selectors.teams_of(cohort=cohort))
    sizes = {row["number"]: row for row in _balance(participants, current, cohort.team_count)}
    for team in teams:
        team.balance = sizes.get(team.number)
    return render(
        request,
        "shoots/team/board.html",
        {
            "cohort": cohort,
            "teams": teams,
            "unplaced": [p for p in participants if p.pk not in current],
            "form": form,
            "suggested": suggested,
            "proposal": _balance(participants, placement, cohort.team_count) if suggested else None,
        },
    )


# One team ----------------------------------------------------------------------------------


def _feed_urls(request, feeds):
    return [(feed, feed_url(request, feed)) for feed in feeds]


@login_required
@permission_required("shoots.view_team", raise_exception=True)
@require_GET
def team_detail(request, pk):
    team = get_object_or_404(selectors.teams(), pk=pk)
    production = getattr(team, "production", None)
    days, feeds = [], []
    if production is not None:
        days = list(selectors.shoot_days().filter(production=production))
        for day in days:
            day.ready = selectors.shoot_day_is_ready(day)
        feeds = _feed_urls(request, selectors.live_feeds().filter(production=production))
    return render(
        request,
        "shoots/team/detail.html",
        {
            "team": team,
            "cohort": team.cohort,
            "production": production,
            "shoot_days": days,
            "feeds": feeds,
        },
    )


@login_required
@permission_required("shoots.change_team", raise_exception=True)
@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    team = get_object_or_404(selectors.teams(), pk=pk)
    form = TeamForm(
        request.POST or None,
        team=team,
        mentor_choices=selectors.mentor_candidates(team=team),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(
                team=team,
                name=form.cleaned_data["name"],
                mentors=form.cleaned_data["mentors"],
                roles=form.roles(),
                by=request.user,
            )
        except REFUSALS as refusal:
            form.add_error(None, refusal_text(refusal))
        else:
            messages.success(request, _("%(team)s is saved.") % {"team": team})
            return redirect("team_detail", pk=team.pk)
    return render(
        request,
        "shoots/team/form.html",
        {"team": team, "cohort": team.cohort, "form": form},
    )


@login_required
@permission_required("shoots.change_production", raise_exception=True)
@require_http_methods(["GET", "POST"])
def production_edit(request, pk):
    production = get_object_or_404(selectors.productions(), pk=pk)
    # The form writes what it validates onto its instance: the page shows the saved title.
    saved_title = production.title
    form = ProductionForm(request.POST or None, instance=production)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ProductionForm.Meta.fields}
        try:
            services.production_update(production=production, fields=fields, by=request.user)
        except REFUSALS as refusal:
            form.add_error(None, refusal_text(refusal))
        else:
            messages.success(request, _("%(title)s is saved.") % {"title": production.title})
            return redirect("team_detail", pk=production.team_id)
    return render(
        request,
        "shoots/production/form.html",
        {
            "production": production,
            "team": production.team,
            "cohort": production.team.cohort,
            "saved_title": saved_title,
            "form": form,
        },
    )


# The participant's own team ----------------------------------------------------------------


def participant_required(view):
    """Signed in and a participant: staff have the desk instead; to anyone else, no page."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if request.user.is_staff:
            return redirect("desk")
        if not request.user.has_perm("shoots.use_team_page"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@participant_required
def my_team(request):
    user = request.user
    seats = list(selectors.participations_of(user=user))
    team_ids = [seat.team_member.team_id for seat in seats if hasattr(seat, "team_member")]
    teams = {team.pk: team for team in selectors.teams().filter(pk__in=team_ids)}
    days_by_cohort = {}
    for day in selectors.shoot_days_of_user(user=user):
        day.ready = selectors.shoot_day_is_ready(day)
        days_by_cohort.setdefault(day.production.team.cohort_id, []).append(day)
    feeds_by_seat = {}
    for feed, url in _feed_urls(
        request, selectors.live_feeds().filter(participant__in=[seat.pk for seat in seats])
    ):
        feeds_by_seat.setdefault(feed.participant_id, []).append((feed, url))

    sections = []
    for seat in seats:
        member = getattr(seat, "team_member", None)
        team = teams.get(member.team_id) if member else None
        sections.append(
            {
                "seat": seat,
                "cohort": seat.cohort,
                "team": team,
                "me": member,
                "production": getattr(team, "production", None) if team else None,
                "mates": [m for m in team.members.all() if m.pk != member.pk] if team else [],
                "shoot_days": days_by_cohort.get(seat.cohort_id, []),
                "feeds": feeds_by_seat.get(seat.pk, []),
            }
        )
    return render(request, "shoots/participant/my_team.html", {"sections": sections})
