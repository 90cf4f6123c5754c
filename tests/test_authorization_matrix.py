"""Every URL of the URLconf, asked for by every kind of user, with the answer each must get.

A URL without a declared expectation fails `test_every_url_has_a_declared_expectation`, so no
new view can go without a permission decision. Declare a new URL in MATRIX with the GET status
each role gets: a number, or LOGIN for a redirect to the login page. The admin has one rule:
non-staff are sent to the admin login; staff see what their permissions allow.
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "manager",
    "reviewer",
    "permits_officer",
    "logistics",
]
STAFF = ["manager", "reviewer", "permits_officer", "logistics"]
APPLICANTS = ["applicant", "other_applicant"]
LOGIN = "login"


def expect(default, **by_role):
    """`default` for every role, except the roles named; `staff=` and `applicants=` name groups."""
    answers = dict.fromkeys(ROLES, default)
    for group, roles in (("applicants", APPLICANTS), ("staff", STAFF)):
        if group in by_role:
            answers.update(dict.fromkeys(roles, by_role.pop(group)))
    answers.update(by_role)
    return answers


# url name -> (kwargs maker taking the objects of `world`, {role: GET status})
MATRIX = {
    "home": (None, expect(302, anonymous=200)),
    "applicant_home": (None, expect(302, anonymous=LOGIN, applicants=200)),
    "signup": (None, expect(302, anonymous=200)),
    "verification_sent": (None, expect(200)),
    "verify_email": (lambda w: {"token": "not-a-token"}, expect(200)),
    "login": (None, expect(302, anonymous=200)),
    "logout": (None, expect(405)),
    "password_reset": (None, expect(200)),
    "password_reset_done": (None, expect(200)),
    "password_reset_confirm": (lambda w: {"uidb64": "MQ", "token": "bad-token"}, expect(200)),
    "password_reset_complete": (None, expect(200)),
    "desk": (None, expect(403, anonymous=LOGIN, staff=200)),
    "set_language": (None, expect(302)),  # a language is chosen by POST; GET goes home
}


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_has_a_declared_expectation():
    undeclared = {
        name for name in url_names() if name not in MATRIX and not name.startswith("admin:")
    }

    assert undeclared == set()


@pytest.fixture
def world(db, applicant, other_applicant, manager, reviewer, permits_officer, logistics):
    return {
        "users": {
            "applicant": applicant,
            "other_applicant": other_applicant,
            "manager": manager,
            "reviewer": reviewer,
            "permits_officer": permits_officer,
            "logistics": logistics,
        },
    }


def get_as(client, world, role, url):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client.get(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_declared(client, world, name, role):
    make_kwargs, answers = MATRIX[name]
    url = reverse(name, kwargs=make_kwargs(world) if make_kwargs else None)

    response = get_as(client, world, role, url)

    expected = answers[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected


def admin_urls():
    yield "admin:index", None, None
    for model in admin.site._registry:
        meta = model._meta
        yield f"admin:{meta.app_label}_{meta.model_name}_changelist", None, model
    yield "admin:app_list", {"app_label": "applicants"}, None


@pytest.mark.parametrize("role", ROLES)
def test_admin_urls_answer_each_role_by_its_permissions(client, world, role):
    for name, kwargs, model in admin_urls():
        response = get_as(client, world, role, reverse(name, kwargs=kwargs))
        if role in STAFF:
            user = world["users"][role]
            allowed = model is None or any(
                user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
                for action in ("view", "change")
            )
            assert response.status_code == (200 if allowed else 403), name
        else:
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("admin:login")), name
