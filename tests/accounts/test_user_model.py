"""The custom user: email is the login, unique whatever its case."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent
from accounts.services import users as services

User = get_user_model()
pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_full_name_is_required():
    assert User.USERNAME_FIELD == "email"
    assert "full_name" in User.REQUIRED_FIELDS


def test_email_is_stored_lower_case_and_trimmed():
    user = User.objects.create_user(email="  Jordan.Lee@Provider.Example ", password="x" * 12, full_name="J L")
    assert user.email == "jordan.lee@provider.example"


def test_same_email_in_another_case_cannot_be_registered_twice():
    User.objects.create_user(email="billing@provider.example", password="x" * 12, full_name="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="Billing@Provider.EXAMPLE", password="x" * 12, full_name="B")


def test_database_refuses_a_mixed_case_email_written_around_the_manager():
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email="Mixed@Provider.example", full_name="M").save()


def test_password_check_works_whatever_the_case_typed(rf):
    User.objects.create_user(email="rep@provider.example", password="correct horse battery", full_name="R")
    request = rf.post("/accounts/login/")
    assert authenticate(request, username="REP@Provider.Example", password="correct horse battery") is not None
    assert authenticate(request, username="rep@provider.example", password="wrong password!!") is None


def test_passwords_are_hashed_with_argon2_outside_tests(settings):
    assert settings.PASSWORD_HASHERS  # tests use a fast hasher; production's first hasher is Argon2
    from portal.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    min_length = next(v for v in base.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator"))
    assert min_length["OPTIONS"]["min_length"] == 12


def test_user_create_service_records_an_audit_event():
    user = services.user_create(email="New@Provider.example", full_name="New Person", password="x" * 12)
    event = AuditEvent.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert event.action == "user.created"
    assert event.actor is None


def test_audit_events_cannot_be_changed_or_deleted():
    user = services.user_create(email="a@provider.example", full_name="A", password="x" * 12)
    event = AuditEvent.objects.get(object_id=str(user.pk))
    event.action = "something.else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
