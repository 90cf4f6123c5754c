"""Workflows of the staff desk."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from applicants.models import User
from applicants.services import audit


def staff_create(*, email: str, full_name: str, password: str, role: str, by=None) -> User:
    """A staff account in one role group, its e-mail address taken as confirmed."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            is_staff=True,
            email_verified_at=timezone.now(),
        )
        user.groups.add(Group.objects.get(name=role))
        audit(actor=by, subject=user, action="staff.created", to_state=role)
    return user
