from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    """Values every page shows: the Fee-for-Service phone line (R9); the idle limit and when to warn before it."""
    return {
        "ffs_phone": settings.PORTAL_FFS_PHONE,
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "session_warn_seconds": settings.PORTAL_SESSION_WARNING_SECONDS,
    }
