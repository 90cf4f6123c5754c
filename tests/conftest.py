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
def verified_login(db):
    """Log a user in on a test client as after their password and a code from their
    authenticator (a confirmed TOTP device, made if they have none): django_otp.login's
    session key, as the verify page leaves it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from commission.two_factor import PENDING

    def login(client, user):
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.pop(PENDING, None)
        session.save()
        return device

    return login


@pytest.fixture
def as_verified(db):
    """Mark a user object as django-otp's middleware marks a request's user after a second
    factor: for code that takes a user without a request (exporters, rules)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def verify(user):
        user.otp_device = TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
        user.is_verified = lambda: True
        return user

    return verify


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
