"""Editor accounts: staff users in the "Editor" group."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

EDITOR_GROUP = "Editor"


def generate_password() -> str:
    return secrets.token_urlsafe(18)


@transaction.atomic
def editor_create(*, username: str, password: str, email: str = "") -> AbstractBaseUser:
    """Create a staff user who can curate the glossary, or refuse with a reason."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"A user named {username!r} already exists.")
    user = User(username=username, email=email, is_staff=True)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    return user
