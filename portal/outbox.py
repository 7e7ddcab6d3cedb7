"""The email outbox: enqueue in the caller's transaction, deliver after commit, render from ids.

Apps register a *kind*: a function that, given the row, returns the subject, the template name and its
context (built from ids at delivery time). Templates live in templates/emails/<name>.txt and .html.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from portal.models import OutboundEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
RETRY_MAX_SECONDS = 600  # the longest wait between two attempts (the sweep leaves rows younger than this alone)
# How many ids one sweep reads at a time: memory stays bounded however many emails waited through an outage.
SWEEP_BATCH_SIZE = 500


@dataclass(frozen=True)
class Message:
    subject: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


_KINDS: dict[str, Callable[[OutboundEmail], Message]] = {}


def register(kind: str) -> Callable[[Callable[[OutboundEmail], Message]], Callable[[OutboundEmail], Message]]:
    def decorator(builder: Callable[[OutboundEmail], Message]) -> Callable[[OutboundEmail], Message]:
        _KINDS[kind] = builder
        return builder

    return decorator


def enqueue(*, kind: str, object_id: object, to_email: str) -> OutboundEmail:
    """Write an outbox row in the current transaction; its delivery is scheduled for after commit."""
    if kind not in _KINDS:
        raise ValueError(f"Unknown email kind: {kind}")
    email = OutboundEmail.objects.create(kind=kind, object_id=str(object_id), to_email=to_email)
    transaction.on_commit(lambda: _schedule(email.pk))
    return email


def _schedule(email_id: int) -> bool:
    from portal.tasks import deliver_outbound_email

    try:
        deliver_outbound_email.delay(email_id)
    except Exception:  # noqa: BLE001 - broker down: the row stays pending for sweep(); the request goes on.
        logger.warning("outbox: could not queue email id=%s; it stays pending", email_id)
        return False
    return True


def sweep(*, older_than_seconds: int = 900) -> int:
    """Queue again every email still pending after a while (the broker was down, a worker died). Returns how many.

    The wait is longer than the task's own longest retry delay (``RETRY_MAX_SECONDS``), so rows still being retried
    are left alone.
    Everything that waited is queued, however much: the ids are read in batches, walking up the id so that rows
    sent meanwhile do not shift the next batch. Queuing a row twice is harmless: deliver() locks the row and sends
    only a pending one. If the broker fails again, the sweep stops; the rest stays pending for the next one.
    """
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    waiting = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, created_at__lt=cutoff).order_by("pk")
    queued, last_id = 0, 0
    while batch := list(waiting.filter(pk__gt=last_id).values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]):
        for email_id in batch:
            if not _schedule(email_id):
                return queued
            queued += 1
        last_id = batch[-1]
    return queued


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text part: the template without HTML escaping (a name like "O'Brien & Sons" reads as typed, not
    "O&#x27;Brien &amp; Sons"); the HTML part stays escaped."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def deliver(email_id: int) -> bool:
    """Send one pending email (row-locked, so it is sent once). False only when it should be tried again."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutboundEmail.Status.PENDING:
            return True
        try:
            message = _KINDS[email.kind](email)
            context = {"portal_base_url": settings.PORTAL_BASE_URL, **message.context}
            mail = EmailMultiAlternatives(
                subject=settings.EMAIL_SUBJECT_PREFIX + message.subject,
                body=render_text(f"emails/{message.template}.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email.to_email],
            )
            mail.attach_alternative(render_to_string(f"emails/{message.template}.html", context), "text/html")
            mail.send()
        except Exception as exc:  # noqa: BLE001 - record the kind of failure (no message text: it may hold an address).
            email.attempts += 1
            email.last_error = type(exc).__name__
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
            logger.warning("outbox: email id=%s failed (%s), attempt %s", email.pk, email.last_error, email.attempts)
            return email.status == OutboundEmail.Status.FAILED
        email.status = OutboundEmail.Status.SENT
        email.attempts += 1
        email.sent_at = timezone.now()
        email.save(update_fields=["status", "attempts", "sent_at"])
        return True


def retry_delay(retries: int) -> int:
    """Seconds before attempt ``retries`` + 2 of a failed delivery: doubling from ``PORTAL_EMAIL_RETRY_SECONDS``."""
    return min(RETRY_MAX_SECONDS, settings.PORTAL_EMAIL_RETRY_SECONDS * 2**retries)
