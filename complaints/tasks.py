"""Celery tasks of complaints. Arguments are ids only."""

from celery import shared_task

from complaints import services


@shared_task
def purge_stale_draft_attachments() -> int:
    """Daily (beat): files uploaded to forms that were never sent are deleted after a day."""
    return services.attachment_purge_stale_drafts()
