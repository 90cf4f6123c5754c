import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from commission import settings as project_settings

ROOT = settings.BASE_DIR
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x7!kq2-production-secret-for-the-deploy-check-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "incubator.example.org",
}


def manage(*args, env):
    return python("manage.py", *args, env=env)


def python(*args, env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def setting(expression, **env):
    """What `commission.settings.<expression>` reads as in a fresh process with `env`."""
    script = f"from commission import settings; print(settings.{expression})"
    return python("-c", script, env=env).stdout.strip()


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_ENV=production" in result.stderr


def test_production_passes_every_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend"},
        {"DJANGO_S3_BUCKET": "desk-uploads", "DJANGO_S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
        {"DJANGO_S3_BUCKET": "desk-uploads"},
    ],
    ids=["database-tasks", "s3-compatible", "s3"],
)
def test_every_documented_production_setting_passes_the_checks(env):
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env={**PRODUCTION, **env})

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_database_tasks_backend_brings_its_app():
    chosen = setting("INSTALLED_APPS[-1]", DJANGO_TASKS_BACKEND="django_tasks_db.DatabaseBackend")

    assert chosen == "django_tasks_db"
    assert "django_tasks_db" not in project_settings.INSTALLED_APPS


def test_debug_pages_are_off_unless_a_developer_asks():
    assert setting("DEBUG") == "False"
    assert setting("DEBUG", DJANGO_DEBUG="1") == "True"


def test_seed_demo_refuses_to_run_in_production():
    result = manage("seed_demo", env=PRODUCTION)

    assert result.returncode != 0
    assert "refused" in result.stderr


def test_the_project_hashes_passwords_with_argon2():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_the_project_runs_on_korea_time_with_english_and_korean():
    assert project_settings.TIME_ZONE == "Asia/Seoul"
    assert project_settings.LANGUAGE_CODE == "en"
    assert [code for code, _name in project_settings.LANGUAGES] == ["en", "ko"]


def test_database_url_selects_postgresql():
    engine = setting(
        "DATABASES['default']['ENGINE']", DATABASE_URL="postgres://desk@db.example.org:5432/desk"
    )

    assert engine == "django.db.backends.postgresql"


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_code(client):
    response = client.get(reverse("login"))

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()
    assert " style=" not in response.content.decode()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_connection_pool_keeps_the_options_of_the_database_url():
    options = setting(
        'DATABASES["default"]["OPTIONS"]',
        DATABASE_URL="postgres://desk@db.example.org/desk?sslmode=require",
        DJANGO_DB_POOL_SIZE="4",
    )

    assert "'sslmode': 'require'" in options
    assert "'max_size': 4" in options
