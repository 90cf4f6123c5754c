"""The deploy tests run against the production stack `.ci/run` starts: two app servers (A and
B), one task worker and the scheduler, on PostgreSQL and an S3-compatible bucket. They reach
it over HTTP only. A missing piece is a failure, never a skip."""

import json
import os
from pathlib import Path

import pytest

from tests.browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/deploy/" in str(item.fspath):
            item.add_marker(pytest.mark.deploy)


def _needed(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the deploy tests through .ci/run.")
    return value


@pytest.fixture(scope="session")
def stack():
    return {
        "a": _needed("DEPLOY_A").rstrip("/"),
        "b": _needed("DEPLOY_B").rstrip("/"),
        "worker_pid": int(_needed("DEPLOY_WORKER_PID")),
        **json.loads(Path(_needed("DEPLOY_DATA")).read_text()),
    }
