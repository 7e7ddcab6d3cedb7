from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    """Values every page shows: the Fee-for-Service phone line (R9); the idle limit and when to warn before it."""
    return {
        "ffs_phone": settings.PORTAL_FFS_PHONE,
        # What is left of this session's idle limit as the page is served (accounts/sessions.py): the page's countdown.
        "session_seconds": _idle_seconds_left(request),
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "session_warn_seconds": settings.PORTAL_SESSION_WARNING_SECONDS,
    }


def _idle_seconds_left(request: HttpRequest) -> int:
    left = getattr(getattr(request, "session", None), "idle_seconds_left", None)
    return left() if callable(left) else settings.SESSION_COOKIE_AGE
