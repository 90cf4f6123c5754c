import pytest
from django.contrib.auth.models import Group

from commission.roles import ROLES

pytestmark = pytest.mark.django_db


def test_role_groups_hold_exactly_the_role_table_after_the_last_migration():
    held = {
        group.name: sorted(
            f"{permission.content_type.app_label}.{permission.codename}"
            for permission in group.permissions.select_related("content_type")
        )
        for group in Group.objects.all()
    }

    assert held == {role: sorted(codenames) for role, codenames in ROLES.items()}


def test_only_programme_managers_may_see_personal_data(
    manager, reviewer, permits_officer, logistics
):
    assert manager.has_perm("applicants.view_personal_data")
    for user in (reviewer, permits_officer, logistics):
        assert not user.has_perm("applicants.view_personal_data")
