"""The session clock CI starts the suite on (tests/clock.py)."""

from datetime import datetime

import pytest

from tests.clock import KOREA, destination

REAL = datetime(2026, 12, 5, 18, 20, tzinfo=KOREA)


def test_korean_evening_is_the_next_2330_in_korea():
    assert destination("korean-evening", REAL) == datetime(2026, 12, 5, 23, 30, tzinfo=KOREA)


def test_korean_evening_after_2330_is_the_next_day():
    late = datetime(2026, 12, 31, 23, 45, tzinfo=KOREA)

    assert destination("korean-evening", late) == datetime(2027, 1, 1, 23, 30, tzinfo=KOREA)


def test_new_year_is_half_past_midnight_in_korea_and_still_the_old_year_in_utc():
    start = destination("new-year", REAL)

    assert start == datetime(2027, 1, 1, 0, 30, tzinfo=KOREA)
    assert start.utctimetuple().tm_year == 2026


def test_an_iso_clock_needs_an_offset():
    with pytest.raises(ValueError, match="needs an offset"):
        destination("2027-02-28T23:45", REAL)
