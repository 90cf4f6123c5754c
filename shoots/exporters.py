"""Exports of the shoots desk. A calendar feed is one iCalendar file of shoot days; the
schedule, the permits and the support requests go to Excel as their pages filter them."""

from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event

from applicants.text import one_line, plain_text
from applicants.xlsx import DATE, DECIMAL, MONEY, NUMBER, TIME, Column, ListExport

from .enums import FeedKind, PermitActivity, PermitStatus
from .models import SHOOT_ZONE, CalendarFeed, Permit, ShootDay, SupportRequest
from .selectors import shoot_day_is_ready

PRODID = "-//Busan Film Commission//Film Incubator Desk//EN"
UID_DOMAIN = "film-incubator-desk"
# How often a calendar app should read the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH_MINUTES = 60  # X-PUBLISHED-TTL below says the same for older apps


class ShootDayCalendar:
    """The shoot days a calendar feed shows, one VEVENT each.

    An event's UID is fixed per shoot day and its SEQUENCE is the shoot day's revision, so a
    calendar app replaces a changed day instead of adding a second one. Times are Korea time,
    with the VTIMEZONE that apps without a time zone database need.
    """

    content_type = "text/calendar; charset=utf-8"

    def __init__(
        self,
        *,
        feed: CalendarFeed,
        shoot_days: Iterable[ShootDay],
        absolute_url: Callable[[str], str],
    ):
        self.feed = feed
        self.shoot_days = shoot_days
        self.absolute_url = absolute_url

    def name(self) -> str:
        # icalendar writes X-WR-CALNAME as it is: a line break in a name ended the feed (500).
        return one_line(self._name())

    def _name(self) -> str:
        feed = self.feed
        match feed.kind:
            case FeedKind.COHORT:
                return feed.cohort.name
            case FeedKind.PRODUCTION:
                return f"{feed.production.team.cohort.name} · {feed.production.title}"
            case FeedKind.LOCATION:
                return _("Shoot days at %(location)s") % {"location": feed.location.name}
            case _:
                return f"{feed.participant.cohort.name} · {feed.participant.name}"

    @staticmethod
    def uid(shoot_day: ShootDay) -> str:
        return f"shoot-day-{shoot_day.pk}@{UID_DOMAIN}"

    def call_sheet_url(self, shoot_day: ShootDay) -> str:
        return self.absolute_url(reverse("call_sheet", kwargs={"pk": shoot_day.pk}))

    def description(self, shoot_day: ShootDay) -> str:
        hours = {
            "call": f"{shoot_day.call_time:%H:%M}",
            "wrap": f"{shoot_day.wrap_time:%H:%M}",
        }
        if shoot_day.crosses_midnight:
            lines = [_("Call %(call)s, wrap %(wrap)s the next morning") % hours]
        else:
            lines = [_("Call %(call)s, wrap %(wrap)s") % hours]
        if shoot_day.scenes.strip():
            lines.append(_("Scenes: %(scenes)s") % {"scenes": shoot_day.scenes.strip()})
        lines.append(_("Crew on set: %(count)s") % {"count": shoot_day.crew_count})
        lines.append(_("Call sheet: %(url)s") % {"url": self.call_sheet_url(shoot_day)})
        return "\n".join(lines)

    def event(self, shoot_day: ShootDay) -> Event:
        location = shoot_day.location
        event = Event()
        event.add("uid", self.uid(shoot_day))
        event.add("sequence", shoot_day.sequence)
        event.add("dtstamp", shoot_day.updated_at)
        event.add("last-modified", shoot_day.updated_at)
        event.add("dtstart", shoot_day.starts_at.astimezone(SHOOT_ZONE))
        event.add("dtend", shoot_day.ends_at.astimezone(SHOOT_ZONE))
        # A line break in a name would end the content line: each name is one line.
        event.add("summary", one_line(f"{shoot_day.production.title} · {location.name}"))
        event.add("location", one_line(f"{location.name}, {location.address}"))
        event.add("geo", (float(location.latitude), float(location.longitude)))
        event.add("description", plain_text(self.description(shoot_day)))
        event.add("url", self.call_sheet_url(shoot_day))
        return event

    def calendar(self) -> Calendar:
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", self.name())
        calendar.add("x-wr-timezone", SHOOT_ZONE.key)
        calendar.add("refresh-interval", timedelta(minutes=REFRESH_MINUTES))
        calendar.add("x-published-ttl", "PT1H")
        for shoot_day in self.shoot_days:
            calendar.add_component(self.event(shoot_day))
        calendar.add_missing_timezones()
        return calendar

    def content(self) -> bytes:
        return self.calendar().to_ical()

    def get_filename(self) -> str:
        return f"{slugify(self.name()) or 'shoot-days'}.ics"


# Excel: the desk's lists -----------------------------------------------------------------

# Rows are read a chunk at a time; a chunk runs the queryset's prefetches once.
CHUNK_SIZE = 500


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


class ShootDayExport(ListExport):
    """Shoot days, one row each, with their place, their permits and whether they are ready.

    Give it `selectors.shoot_days()` or a filter of it: the rows read the prefetched crew and
    permits.
    """

    filename = "shoot-days"
    title = gettext_lazy("Shoot days")

    def __init__(self, *, shoot_days: QuerySet[ShootDay]):
        self.shoot_days = shoot_days

    def size(self) -> int:
        return self.shoot_days.count()

    def columns(self) -> list[Column]:
        return [
            Column(_("Date"), DATE, 12),
            Column(_("Call"), TIME, 8),
            Column(_("Wrap"), TIME, 8),
            Column(_("Hours"), DECIMAL, 8),
            Column(_("Production"), width=24),
            Column(_("Team"), width=14),
            Column(_("Location"), width=24),
            Column(_("Location in Korean"), width=20),
            Column(_("District"), width=14),
            Column(_("Address"), width=30),
            Column(_("Crew on set"), NUMBER, 10),
            Column(_("Vehicles"), NUMBER, 10),
            Column(_("Crew"), width=30),
            Column(_("Permits"), width=30),
            Column(_("Ready to shoot"), width=10),
            Column(_("Scenes"), width=40),
        ]

    def rows(self) -> Iterator[list]:
        for day in self.shoot_days.iterator(chunk_size=CHUNK_SIZE):
            yield self.row(day)

    def row(self, day: ShootDay) -> list:
        location = day.location
        permits = "; ".join(
            f"{permit.authority.name}: {permit.get_status_display()}"
            for permit in day.permits.all()
            if permit.status != PermitStatus.CANCELLED
        )
        return [
            day.date,
            day.call_time,
            day.wrap_time,
            round(day.hours, 1),
            day.production.title,
            str(day.production.team),
            location.name,
            location.name_ko,
            location.get_district_display(),
            location.address,
            day.crew_count,
            day.vehicle_count,
            "; ".join(person.name for person in day.crew.all()),
            permits,
            _yes_no(shoot_day_is_ready(day)),
            day.scenes.strip(),
        ]


def _activities(values) -> str:
    """A permit's activities in words; a value no longer on the list is kept as written."""
    labels = dict(PermitActivity.choices)
    values = values if isinstance(values, list) else []
    return "; ".join(str(labels.get(value, value)) for value in values)


class PermitExport(ListExport):
    """Permits, one row each: the shoot day, the authority, the state of the application and
    its dates. Give it `selectors.permits()` or a filter of it."""

    filename = "permits"
    title = gettext_lazy("Permits")

    def __init__(self, *, permits: QuerySet[Permit]):
        self.permits = permits

    def size(self) -> int:
        return self.permits.count()

    def columns(self) -> list[Column]:
        return [
            Column(_("Shoot day"), DATE, 12),
            Column(_("Production"), width=24),
            Column(_("Location"), width=24),
            Column(_("Location in Korean"), width=20),
            Column(_("Authority"), width=24),
            Column(_("Status"), width=16),
            Column(_("Activities"), width=24),
            Column(_("Crew size"), NUMBER, 10),
            Column(_("Vehicles"), NUMBER, 10),
            Column(_("Fee"), MONEY, 12),
            Column(_("Reference number"), width=16),
            Column(_("File by"), DATE, 12),
            Column(_("Filed on"), DATE, 12),
            Column(_("Decided on"), DATE, 12),
            Column(_("Expires on"), DATE, 12),
            Column(_("Insurance certificate"), width=12),
            Column(_("Conditions"), width=40),
        ]

    def rows(self) -> Iterator[list]:
        for permit in self.permits.iterator(chunk_size=CHUNK_SIZE):
            yield self.row(permit)

    def row(self, permit: Permit) -> list:
        day = permit.shoot_day
        return [
            day.date,
            day.production.title,
            day.location.name,
            day.location.name_ko,
            permit.authority.name,
            permit.get_status_display(),
            _activities(permit.activities),
            permit.crew_size,
            permit.vehicle_count,
            permit.fee_krw,
            permit.reference_number,
            permit.due_on,
            permit.submitted_on,
            permit.decided_on,
            permit.expires_on,
            _yes_no(bool(permit.insurance_certificate)),
            permit.conditions.strip(),
        ]


class SupportRequestExport(ListExport):
    """Support requests, one row each: what, for whom, when, from whom, at what cost and who
    arranges it. Give it `selectors.support_requests()` or a filter of it."""

    filename = "support-requests"
    title = gettext_lazy("Support requests")

    def __init__(self, *, requests: QuerySet[SupportRequest]):
        self.requests = requests

    def size(self) -> int:
        return self.requests.count()

    def columns(self) -> list[Column]:
        return [
            Column(_("ID"), NUMBER, 8),
            Column(_("Kind"), width=18),
            Column(_("State"), width=12),
            Column(_("For"), width=24),
            Column(_("Shoot day"), DATE, 12),
            Column(_("What is needed"), width=30),
            Column(_("Start date"), DATE, 12),
            Column(_("End date"), DATE, 12),
            Column(_("Quantity"), NUMBER, 9),
            Column(_("Vendor"), width=20),
            Column(_("Booking reference"), width=16),
            Column(_("Room number"), width=10),
            Column(_("Direction"), width=18),
            Column(_("Flight number"), width=10),
            Column(_("From"), width=16),
            Column(_("To"), width=16),
            Column(_("Departs (local time)"), TIME, 10),
            Column(_("Arrives (local time)"), TIME, 10),
            Column(_("Estimated cost"), MONEY, 14),
            Column(_("Actual cost"), MONEY, 14),
            Column(_("Assignee"), width=20),
            Column(_("Arrange by"), DATE, 12),
        ]

    def rows(self) -> Iterator[list]:
        for request in self.requests.iterator(chunk_size=CHUNK_SIZE):
            yield self.row(request)

    def row(self, request: SupportRequest) -> list:
        whom = request.participant.name if request.participant else request.production.title
        return [
            request.pk,
            request.get_kind_display(),
            request.get_state_display(),
            whom,
            request.shoot_day.date if request.shoot_day else None,
            request.summary,
            request.starts_on,
            request.ends_on,
            request.quantity,
            request.vendor,
            request.booking_reference,
            request.room,
            request.get_direction_display(),
            request.flight_number,
            request.origin,
            request.destination,
            request.departs_time,
            request.arrives_time,
            request.estimated_cost_krw,
            request.actual_cost_krw,
            str(request.assignee) if request.assignee else "",
            request.due_on,
        ]
