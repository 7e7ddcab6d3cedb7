from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, str]:
    """Values every page shows: the Fee-for-Service phone line (R9)."""
    return {"ffs_phone": settings.PORTAL_FFS_PHONE}
