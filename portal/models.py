"""Shared models: the email outbox."""

from django.db import models
from django.utils import timezone


class OutboundEmail(models.Model):
    """One email to one recipient, written in the transaction of the change that causes it.

    Delivery happens after commit (a Celery task given only this row's id); the body is rendered at
    delivery from ``kind`` and ``object_id``, so no message text — and no PHI — sits in the queue.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    kind = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    to_email = models.EmailField(max_length=254)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The outbox's admin list (issue 17): newest first, alone or by status or kind; the sweep's pending rows.
            models.Index(fields=["created_at", "id"], name="portal_outbox_created"),
            models.Index(fields=["status", "created_at", "id"], name="portal_outbox_status_created"),
            models.Index(fields=["kind", "created_at", "id"], name="portal_outbox_kind_created"),
            # Its search: an address by its start (the pattern class lets LIKE 'x%' use the index on PostgreSQL).
            models.Index(fields=["to_email"], name="portal_outbox_to_email", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["object_id"], name="portal_outbox_object_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed"]), name="portal_outbound_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.status})"
