"""Exports of the shoots desk. A calendar feed is one iCalendar file of shoot days."""

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .enums import FeedKind
from .models import SHOOT_ZONE, CalendarFeed, ShootDay

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
        event.add("summary", f"{shoot_day.production.title} · {location.name}")
        event.add("location", f"{location.name}, {location.address}")
        event.add("geo", (float(location.latitude), float(location.longitude)))
        event.add("description", self.description(shoot_day))
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
