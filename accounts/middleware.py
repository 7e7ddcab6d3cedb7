"""The gate every signed-in request passes (DESIGN §6.1, R7).

- A session older than the absolute limit (12 hours) is ended, whatever its activity.
- A signed-in session must have passed the second factor; one that has not is ended (it cannot be
  created by the portal's own sign-in, which logs in only after the one-time code).
- A user who has not accepted the current terms of use is asked to before anything else.
- Responses to signed-in users are never stored by browsers or proxies (they may show PHI).
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from accounts import rescue
from accounts.auth import LOGIN_AT_KEY, TERMS_SESSION_KEY
from accounts.selectors import request_memo_start, terms_accepted, terms_version_for, terms_versions_current
from accounts.services import session_rescue
from accounts.services.sign_in import sign_out

RESCUED_MESSAGE = (
    "You were signed out after {minutes} minutes without activity. Sign in again and your form will be waiting "
    "with everything you typed. Files you attached are kept too."
)
RESCUED_AT_LIMIT_MESSAGE = (
    "For your security you were signed out after 12 hours. Sign in again and your form will be waiting with "
    "everything you typed. Files you attached are kept too."
)
# The author may no longer send the form (removed from the organization, the organization not approved).
NOT_KEPT_MESSAGE = (
    "You were signed out after {minutes} minutes without activity. The form you sent could not be kept, "
    "because your account can no longer send it. Sign in again to see why, or ask your organization's "
    "administrator."
)
NOT_KEPT_AT_LIMIT_MESSAGE = (
    "For your security you were signed out after 12 hours. The form you sent could not be kept, because your "
    "account can no longer send it. Sign in again to see why, or ask your organization's administrator."
)
KEPT, NOT_KEPT = "kept", "not kept"


def _past_absolute_limit(request: HttpRequest) -> bool:
    login_at = request.session.get(LOGIN_AT_KEY)
    return login_at is not None and time.time() - login_at > settings.PORTAL_SESSION_ABSOLUTE_SECONDS


def _keep_form(request: HttpRequest, view_func: Callable[..., Any], view_kwargs: Any) -> str | None:
    """Keep a rescuable form's POST for the browser's signed-in user (accounts.services.session_rescue): KEPT,
    NOT_KEPT (the user may no longer send it), or None (not a rescuable form, or no live handle)."""
    marked: rescue.RescuableForm | None = getattr(view_func, "session_rescue", None)
    if marked is None or request.method != "POST":
        return None
    token = rescue.handle_from(request)
    owner = session_rescue.rescue_owner(token=token)
    if owner is None or (request.user.is_authenticated and owner.pk != request.user.pk):
        return None
    if not owner.is_active or (marked.allowed is not None and not marked.allowed(owner)):
        return NOT_KEPT
    path = reverse(marked.back_to, kwargs=view_kwargs) if marked.back_to else request.path
    notes = marked.keep_files(request, owner) if marked.keep_files else []
    kept = session_rescue.rescue_park(request=request, token=token, form=marked.form, path=path, notes=notes)
    return KEPT if kept is not None else None


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and SESSION_KEY in request.session:
            # The session names a person who may no longer sign in (deactivated, deleted): it ends now, so it is
            # neither renewed nor usable again if the account is switched back on.
            request.session.flush()
        # A POST waits for process_view, after the CSRF check: the form it carries may be kept.
        if request.user.is_authenticated and request.method != "POST" and _past_absolute_limit(request):
            sign_out(request=request, reason="auth.session_expired", keep_form=True)
            messages.info(request, "For your security you were signed out after 12 hours. Please sign in again.")
            return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        request_memo_start(user=user)  # this request's reads about its user, once each (accounts.selectors)
        if _past_absolute_limit(request):
            kept = _keep_form(request, view_func, view_kwargs)
            sign_out(request=request, reason="auth.session_expired", keep_form=True)
            if kept is not None:
                messages.info(request, RESCUED_AT_LIMIT_MESSAGE if kept == KEPT else NOT_KEPT_AT_LIMIT_MESSAGE)
                return redirect(settings.LOGIN_URL)
            messages.info(request, "For your security you were signed out after 12 hours. Please sign in again.")
            return redirect_to_login(request.get_full_path())
        if not user.is_verified():
            sign_out(request=request, reason="auth.logout_unverified")
            return redirect_to_login(request.get_full_path())
        if getattr(view_func, "terms_gate_exempt", False):
            return None
        # Remembered in the session once seen, so the check costs a query only until the terms are accepted. Which
        # terms depends on the person's place (MCO users have their own); a place taken while signed in (accepting
        # an invitation) clears what the session remembers.
        if request.session.get(TERMS_SESSION_KEY) not in terms_versions_current():
            if not terms_accepted(user=user):
                return redirect(f"{reverse('accounts:terms_accept')}?{urlencode({'next': request.get_full_path()})}")
            request.session[TERMS_SESSION_KEY] = terms_version_for(user=user)
        return None


class SessionRescueMiddleware:
    """A form sent after an idle sign-out is kept for its author (accounts.services.session_rescue), then the
    browser goes to the sign-in page with a message saying so. Runs after the CSRF check and before the
    sign-in wall: only a POST that passed the CSRF check, from a browser whose handle is still live, is kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.user.is_authenticated:
            return None
        kept = _keep_form(request, view_func, view_kwargs)
        if kept is None:
            return None
        message = RESCUED_MESSAGE if kept == KEPT else NOT_KEPT_MESSAGE
        messages.info(request, message.format(minutes=settings.SESSION_COOKIE_AGE // 60))
        return redirect(settings.LOGIN_URL)
