"""Periodic work for accounts (Celery beat: portal/settings/base.py CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from accounts.services.session_rescue import rescue_purge


@shared_task
def purge_session_rescues() -> int:
    """Forms kept after an idle sign-out that nobody came back for, and handles past their life, are deleted."""
    return rescue_purge()
