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
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from accounts.auth import LOGIN_AT_KEY, TERMS_SESSION_KEY
from accounts.selectors import terms_accepted
from accounts.services.sign_in import sign_out


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT_KEY)
            if login_at is not None and time.time() - login_at > settings.PORTAL_SESSION_ABSOLUTE_SECONDS:
                sign_out(request=request, reason="auth.session_expired")
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
        if not user.is_verified():
            sign_out(request=request, reason="auth.logout_unverified")
            return redirect_to_login(request.get_full_path())
        if getattr(view_func, "terms_gate_exempt", False):
            return None
        # Remembered in the session once seen, so the check costs a query only until the terms are accepted.
        if request.session.get(TERMS_SESSION_KEY) != settings.PORTAL_TERMS_VERSION:
            if not terms_accepted(user=user):
                return redirect(f"{reverse('accounts:terms_accept')}?{urlencode({'next': request.get_full_path()})}")
            request.session[TERMS_SESSION_KEY] = settings.PORTAL_TERMS_VERSION
        return None
