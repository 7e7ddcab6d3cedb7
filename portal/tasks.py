"""Celery tasks of the shared layer. Arguments are ids only."""

from celery import shared_task

from portal import outbox


@shared_task
def sweep_outbound_email() -> int:
    """Every few minutes (beat): queue again the emails still pending."""
    return outbox.sweep()


@shared_task(bind=True, max_retries=outbox.MAX_ATTEMPTS, acks_late=True)
def deliver_outbound_email(self, email_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Send one outbox email; retried with backoff while it fails (the row records each attempt)."""
    sent = outbox.deliver(email_id)
    if not sent and not self.request.is_eager:
        raise self.retry(countdown=outbox.retry_delay(self.request.retries))
    return sent
