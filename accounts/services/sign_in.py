"""Signing in and out: the events of DESIGN §6.2 (success, failure, one-time-code failure, logout)."""

import time

from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device

from accounts.audit import audit_record
from accounts.auth import LOGIN_AT_KEY, pending_clear
from accounts.models import User
from accounts.rescue import handle_from
from accounts.services.session_rescue import rescue_end


def audit_attempt(*, action: str, email: str | None, request: HttpRequest) -> None:
    """Record an attempt on the account the email names ("unknown" when none): the email itself is not kept."""
    user = User.objects.filter(email=User.objects.normalize_email(email)).first() if email else None
    audit_record(
        actor=None,
        action=action,
        object_type="accounts.user",
        object_id=str(user.pk) if user else "unknown",
        request=request,
    )


def sign_in_failed(*, email: str, request: HttpRequest) -> None:
    """Record a wrong email/password (axes counts it itself). Records ``auth.login_failed``."""
    audit_attempt(action="auth.login_failed", email=email, request=request)


def sign_in_code_failed(*, user: User, request: HttpRequest) -> None:
    """A wrong one-time code counts as a failed sign-in for axes too. Records ``auth.otp_failed``."""
    audit_record(actor=None, action="auth.otp_failed", obj=user, request=request)
    # django-otp does not tell axes; this signal is what axes counts failures by.
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)


@transaction.atomic
def sign_in_complete(*, request: HttpRequest, user: User, backend: str, device: Device) -> None:
    """Password and second factor both passed: start the session. Records ``auth.login_succeeded``."""
    pending_clear(request)
    login(request, user, backend=backend)  # rotates the session key; axes resets its failure count
    otp_login(request, device)
    request.session[LOGIN_AT_KEY] = time.time()
    audit_record(actor=user, action="auth.login_succeeded", obj=user, request=request)


def sign_out(*, request: HttpRequest, reason: str = "auth.logout", keep_form: bool = False) -> None:
    """End the session on the server. Records ``auth.logout`` (or the given reason, e.g. a timeout). This browser's
    rescue handle ends too, and every form kept for the user (accounts.services.session_rescue), unless
    ``keep_form`` (a timeout: what was just sent waits for the next sign-in)."""
    user = request.user if request.user.is_authenticated else None
    if not keep_form:
        rescue_end(user=user, token=handle_from(request))
    if user is not None:
        audit_record(actor=user, action=reason, obj=user, request=request)
    logout(request)
