"""Request-wide helpers shared by every app."""

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (kept from a trusted proxy's X-Request-ID when well-formed) for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only a trusted proxy's id is kept; a client could otherwise write what it likes into the audit log.
        incoming = request.headers.get("X-Request-ID", "") if settings.PORTAL_TRUSTED_PROXY_COUNT > 0 else ""
        request.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class NoSharedCacheWithCookiesMiddleware:
    """A response that sets a cookie is for one browser: never ``Cache-Control: public`` (issue 17).

    Placed before the session and CSRF middleware, so it sees the cookies they add on the way out (a session
    renewed on a public statistics page, a new CSRF token): such a response loses its public caching headers and
    becomes private and unstored, so no shared cache can hand one visitor's cookie to another."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.cookies and "public" in response.get("Cache-Control", ""):
            del response["Cache-Control"]
            for validator in ("ETag", "Last-Modified", "Expires"):
                if response.has_header(validator):
                    del response[validator]
            add_never_cache_headers(response)
        return response
