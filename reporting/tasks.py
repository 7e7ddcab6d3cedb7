"""Celery tasks of reporting."""

from celery import shared_task

from reporting.services import report_snapshot_refresh


@shared_task
def refresh_reports() -> int:
    """Nightly (beat): the release for the last full month, once (a release already out stays). Returns its id."""
    return report_snapshot_refresh().pk
