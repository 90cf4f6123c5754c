import os
from datetime import UTC, datetime

import pytest
import time_machine

from commission import roles
from tests.clock import destination
from tests.factories import ApplicantFactory, StaffFactory


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("TEST_CLOCK", ""),
        help="start the session at another moment: korean-evening, new-year or an ISO datetime",
    )


CLOCK_START = pytest.StashKey[datetime | None]()


def pytest_configure(config):
    spec = config.getoption("--clock")
    config.stash[CLOCK_START] = destination(spec, datetime.now(UTC)) if spec else None


def pytest_report_header(config):
    start = config.stash[CLOCK_START]
    if start:
        return f"clock: {config.getoption('--clock')}, from {start.isoformat()}"
    return None


@pytest.fixture(scope="session", autouse=True)
def _session_clock(pytestconfig):
    start = pytestconfig.stash[CLOCK_START]
    if start is None:
        yield None
        return
    with time_machine.travel(start, tick=True):
        yield start


@pytest.fixture(autouse=True)
def _fast_and_private(settings, tmp_path):
    # Argon2 is the real hasher (see test_settings); tests hash with MD5 to stay fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def applicant(db):
    return ApplicantFactory(email="thea@example.org")


@pytest.fixture
def other_applicant(db):
    return ApplicantFactory(email="dara@example.org")


@pytest.fixture
def manager(db):
    return StaffFactory(email="manager@example.org", role=roles.PROGRAMME_MANAGER)


@pytest.fixture
def reviewer(db):
    return StaffFactory(email="reviewer@example.org", role=roles.REVIEWER)


@pytest.fixture
def permits_officer(db):
    return StaffFactory(email="permits@example.org", role=roles.PERMITS_OFFICER)


@pytest.fixture
def logistics(db):
    return StaffFactory(email="logistics@example.org", role=roles.LOGISTICS_COORDINATOR)
