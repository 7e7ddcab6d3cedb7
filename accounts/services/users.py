"""Writes of user state. Each runs in one transaction and records its audit row in it."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record, client_ip
from accounts.models import TermsAcceptance, User
from accounts.roles import STAFF_GROUPS
from accounts.selectors import terms_version_for
from accounts.services.session_rescue import rescue_forget
from portal import outbox


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None,
    phone: str = "",
    email_verified: bool = False,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Create an active user (email normalized). Records ``user.created``."""
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        phone=phone,
        email_verified_at=timezone.now() if email_verified else None,
    )
    audit_record(actor=actor, action="user.created", obj=user, request=request)
    return user


@transaction.atomic
def staff_user_create(
    *, email: str, full_name: str, password: str | None, group_name: str, actor: User | None = None
) -> User:
    """Create an HFS staff user in one staff group. Records ``user.created`` and ``user.group_added``."""
    if group_name not in STAFF_GROUPS:
        raise ValueError(f"Unknown staff group: {group_name}")
    user = user_create(email=email, full_name=full_name, password=password, email_verified=True, actor=actor)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=group_name))
    audit_record(actor=actor, action="user.group_added", obj=user)
    return user


@transaction.atomic
def user_send_email_verification(*, user: User) -> None:
    """Email ``user`` a link that confirms their address (after commit)."""
    outbox.enqueue(kind="accounts.verify_email", object_id=user.pk, to_email=user.email)


@transaction.atomic
def user_send_password_setup(*, user: User) -> None:
    """Email a new staff member a link to choose their password (the password-reset link, after commit)."""
    outbox.enqueue(kind="accounts.password_setup", object_id=user.pk, to_email=user.email)


@transaction.atomic
def user_verify_email(*, user_id: int, email: str, request: HttpRequest | None = None) -> User | None:
    """Mark the address confirmed if it is still the user's. Records ``user.email_verified`` once."""
    user = User.objects.select_for_update().filter(pk=user_id, email=email, is_active=True).first()
    if user is None:
        return None
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit_record(actor=user, action="user.email_verified", obj=user, request=request)
    return user


PASSWORD_ACTIONS = ("auth.password_reset", "auth.password_changed")


@transaction.atomic
def user_set_password(
    *, user: User, password: str, request: HttpRequest | None = None, action: str = "auth.password_reset"
) -> User:
    """Set ``user``'s new password (the form has checked the reset link or the old password, and the password
    rules) and record ``action`` in the same transaction. The session hash changes, so every other session of
    the user ends; the caller keeps the current one if it should (update_session_auth_hash)."""
    if action not in PASSWORD_ACTIONS:
        raise ValueError(f"Unknown password action: {action}")
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    rescue_forget(user=user)  # the sessions end, and so does what was kept for them (staff pages keep no form)
    audit_record(actor=user, action=action, obj=user, request=request)
    return user


def user_end_sessions(*, user: User) -> None:
    """End every session of ``user`` now: their session hash changes, so the server refuses old sessions."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    rescue_forget(user=user)  # and nothing sent after it is kept for them


@transaction.atomic
def user_accept_terms(*, user: User, request: HttpRequest | None = None) -> TermsAcceptance:
    """Record that ``user`` accepted the current terms of use of their place (R7; MCO users have their own).
    Records ``terms.accepted``."""
    acceptance, created = TermsAcceptance.objects.get_or_create(
        user=user,
        version=terms_version_for(user=user),
        defaults={"ip_address": client_ip(request)},
    )
    if created:
        audit_record(actor=user, action="terms.accepted", obj=acceptance, request=request)
    return acceptance
