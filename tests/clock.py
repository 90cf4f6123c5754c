"""The clock the suite runs on.

`pytest --clock=SPEC` (or TEST_CLOCK=SPEC) starts the whole session at another moment and lets
time run on from there, so CI can prove that no test depends on the hour it happens to run at:

- `korean-evening`: the next 23:30 in Korea, when today's shoot days have wrapped;
- `new-year`: the next 1 January, 00:30 in Korea, still 31 December in UTC;
- an ISO 8601 datetime with an offset, e.g. `2027-02-28T23:45+09:00`.

The destinations lie ahead of the real clock, so the cookies the server sets stay valid in the
browser, whose clock is not moved.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

KOREA = ZoneInfo("Asia/Seoul")
# Where tests that build data around "now" set the clock: a Wednesday noon in Korea, mid-month.
NOON = datetime(2027, 3, 10, 12, 0, tzinfo=KOREA)


def next_at(now: datetime, *, month: int | None, day: int | None, hour: int, minute: int):
    """The first moment after `now` in Korea with the given (month, day,) hour and minute."""
    now = now.astimezone(KOREA)
    candidate = now.replace(
        month=month or now.month, day=day or now.day, hour=hour, minute=minute, second=0
    )
    while candidate <= now:
        if month:
            candidate = candidate.replace(year=candidate.year + 1)
        else:
            candidate += timedelta(days=1)
    return candidate


def destination(spec: str, now: datetime) -> datetime:
    if spec == "korean-evening":
        return next_at(now, month=None, day=None, hour=23, minute=30)
    if spec == "new-year":
        return next_at(now, month=1, day=1, hour=0, minute=30)
    moment = datetime.fromisoformat(spec)
    if moment.tzinfo is None:
        raise ValueError(f"--clock={spec!r} needs an offset, e.g. +09:00")
    return moment
