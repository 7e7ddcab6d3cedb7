"""Marking a form's view as rescuable after an idle sign-out (see accounts.services.session_rescue).

``@session_rescue(form="complaint")`` on a view that takes a POST: when that POST arrives after the session
ended, SessionRescueMiddleware keeps its fields for the author's next sign-in instead of dropping them.
``back_to`` names the page (same URL arguments) the form is shown on again, when it is not the view's own.
``keep_files(request, user)`` stores the files sent with the form for that user and returns what went wrong.
``allowed(user)`` says whether the user may still send the form (e.g. not removed from their organization): when
not, nothing is kept and the sign-in page says so.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from accounts.models import User


@dataclass(frozen=True)
class RescuableForm:
    form: str
    back_to: str | None = None
    keep_files: Callable[[HttpRequest, User], list[str]] | None = None
    allowed: Callable[[User], bool] | None = None


def session_rescue(
    *,
    form: str,
    back_to: str | None = None,
    keep_files: Callable[[HttpRequest, User], list[str]] | None = None,
    allowed: Callable[[User], bool] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def mark(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        marked = RescuableForm(form=form, back_to=back_to, keep_files=keep_files, allowed=allowed)
        view.session_rescue = marked  # type: ignore[attr-defined]
        return view

    return mark


def handle_from(request: HttpRequest) -> str | None:
    """The browser's rescue handle, if its cookie is there and its signature holds."""
    value: Any = request.get_signed_cookie(settings.PORTAL_SESSION_RESCUE_COOKIE, default=None, salt="session-rescue")
    return value or None


def set_handle(response: HttpResponse, token: str) -> None:
    # A browser-session cookie, like the session's own (SESSION_EXPIRE_AT_BROWSER_CLOSE): closing the browser ends
    # both. The server ends the handle itself at the session's longest possible life.
    response.set_signed_cookie(
        settings.PORTAL_SESSION_RESCUE_COOKIE,
        token,
        salt="session-rescue",
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def clear_handle(response: HttpResponse) -> None:
    response.delete_cookie(settings.PORTAL_SESSION_RESCUE_COOKIE, samesite="Lax")
