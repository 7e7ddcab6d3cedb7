"""Sign-in plumbing: the half-signed-in state between the password and the one-time code, and axes glue.

A correct password alone does not sign anyone in: it records the user as *pending* in the session, and
django.contrib.auth.login() runs only after the one-time code (or first-time enrollment) succeeds.
"""

import ipaddress
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from accounts.models import User

PENDING_KEY = "accounts.pending_sign_in"
PENDING_SECONDS = 10 * 60  # time allowed between the password and the one-time code
LOGIN_AT_KEY = "accounts.login_at"
TERMS_SESSION_KEY = "accounts.terms_version"


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The key axes counts failures under: the email typed, normalized like the login."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return get_user_model().objects.normalize_email(value) if value else None


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's IP. Behind N trusted proxies (PORTAL_TRUSTED_PROXY_COUNT) that each append to
    X-Forwarded-For, it is the N-th address from the right; anything further left is the client's own claim.
    """
    count = settings.PORTAL_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")


def axes_client_str(username: str | None, ip_address: str | None, user_agent: str, path_info: str, request) -> str:  # type: ignore[no-untyped-def]
    return f"ip={ip_address} path={path_info}"


def pending_start(request: HttpRequest, user: User, backend: str) -> None:
    request.session.cycle_key()  # a new session id once the password is right
    request.session[PENDING_KEY] = {"user_id": user.pk, "backend": backend, "started": time.time()}


def pending_user(request: HttpRequest) -> tuple[User, str] | None:
    """The user whose password was right in this session within the last minutes, with their backend."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["started"] > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()
    return (user, pending["backend"]) if user else None


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
