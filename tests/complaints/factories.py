"""Complaint test data, built through the service so every complaint is what a representative can make."""

import uuid
from datetime import date, datetime, timedelta

from django.utils import timezone

from complaints.models import MCO, Category, Complaint, ComplaintEvent
from complaints.rules import ClaimLine
from complaints.services import ComplaintDraft, complaint_submit


def draft(**overrides) -> ComplaintDraft:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    values = {
        "mco": MCO.objects.get(short_name="Molina"),
        "category": Category.objects.get(code="claim-denial"),
        "subject": "Inpatient claims denied",
        "description": "The MCO denied the claims for missing authorization that was on file.",
        "mco_reference": "MOL-555-0101",
        "mco_filed_on": today - timedelta(days=40),
        "concerns_members": True,
        "lines": [ClaimLine("Pat Example", "123456789", today - timedelta(days=50), None, "CLM-1", None)],
    }
    values.update(overrides)
    return ComplaintDraft(**values)


def submit(user, **overrides) -> Complaint:  # type: ignore[no-untyped-def]
    return complaint_submit(user=user, draft=draft(**overrides), idempotency_key=uuid.uuid4())


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def date_events(complaint: Complaint, *moments: datetime) -> None:
    """Date a complaint's status events so far, in order (what the public statistics read), for tests of timing."""
    events = complaint.events.exclude(to_status="").order_by("created_at", "id")
    for event, moment in zip(events, moments, strict=True):
        ComplaintEvent.objects.filter(pk=event.pk).update(created_at=moment)
