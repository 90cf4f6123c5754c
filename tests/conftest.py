import pytest

from commission import roles
from tests.factories import ApplicantFactory, StaffFactory


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
