"""Celery tasks of reporting."""

from celery import shared_task

from reporting.services import report_snapshot_refresh


@shared_task
def refresh_reports() -> int:
    """Nightly (beat): a new snapshot of the public statistics. Returns its id."""
    return report_snapshot_refresh().pk
