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
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed"]), name="portal_outbound_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.status})"
