"""Celery tasks of complaints. Arguments are ids only."""

from celery import shared_task

from complaints import services


@shared_task
def purge_stale_draft_attachments() -> int:
    """Hourly (beat): files uploaded to forms that were never sent are deleted after a day."""
    return services.attachment_purge_stale_drafts()


@shared_task
def send_staff_digest() -> int:
    """Daily (beat): staff are emailed what is overdue or due tomorrow."""
    from complaints.services.triage import staff_digest_send

    return staff_digest_send()


@shared_task
def send_mco_deadline_notices() -> int:
    """Daily (beat): the MCO's users are told of answers due within 5 days and of overdue ones, once per round."""
    return services.mco_deadline_notices_send()


@shared_task
def detect_signals() -> int:
    """Nightly (beat): signals of systemic issues for the last whole week (complaints.detection)."""
    from complaints.services.systemic import signals_detect

    return len(signals_detect())
