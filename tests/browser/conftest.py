"""Browser tests: pytest-playwright driving Debian's Chromium against live_server.

A missing browser is a failure, never a skip: CI installs it (.ci/run), and so does anyone
who runs `make test` (see the README).
"""

import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from commission.roles import sync_role_groups

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# between browser steps are ordinary blocking calls, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: install Debian's chromium package.")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "en-GB"}


@pytest.fixture
def shots(request):
    """Where a test saves screenshots for people to look at: var/screenshots/<test>/."""
    folder = Path(__file__).resolve().parents[2] / "var" / "screenshots" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def context(context):
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """The role groups, made by a migration, are flushed away after every browser test."""
    sync_role_groups(django_apps)


@pytest.fixture(autouse=True)
def no_console_errors(page):
    """Every browser test also fails on a script error or a Content-Security-Policy refusal."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield
    assert errors == []
