"""Complaint test data, built through the service so every complaint is what a representative can make."""

import contextlib
import uuid
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from accounts import roles
from accounts.models import MCO, User
from accounts.services.users import staff_user_create
from complaints import services
from complaints.models import Category, Complaint, ComplaintEvent
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


@contextlib.contextmanager
def events_writable():  # type: ignore[no-untyped-def]
    """Tests of timing date events in the past: lift the append-only trigger inside the test's transaction only
    (the test's rollback restores it; the application never does this)."""
    trigger = "complaints_complaintevent_append_only"
    with connection.cursor() as cursor:
        # ALTER TABLE waits for no deferred foreign-key check: run the pending ones now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE complaints_complaintevent DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE complaints_complaintevent ENABLE TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def date_events(complaint: Complaint, *moments: datetime) -> None:
    """Date a complaint's status events so far, in order (what the public statistics read), for tests of timing."""
    events = complaint.events.exclude(to_status="").order_by("created_at", "id")
    with events_writable():
        for event, moment in zip(events, moments, strict=True):
            ComplaintEvent.objects.filter(pk=event.pk).update(created_at=moment)


def triage_analyst(email: str = "triage@hfs.example") -> User:
    """An HFS triage analyst (the staff group that acts on complaints)."""
    existing = User.objects.filter(email=email).first()
    return existing or staff_user_create(
        email=email, full_name="Tri Age", password=None, group_name=roles.TRIAGE_ANALYST
    )


def asked(complaint: Complaint, question: str = "Send the EOB.") -> Complaint:
    """Taken into review and a question sent to the provider, by a triage analyst (the real verbs)."""
    staff = triage_analyst()
    complaint = services.complaint_take(complaint=complaint, actor=staff)
    return services.complaint_request_info(complaint=complaint, actor=staff, question=question)


def resolved(complaint: Complaint, outcome_text: str = "Paid.") -> Complaint:
    """Taken into review and resolved in the provider's favor, by a triage analyst."""
    staff = triage_analyst()
    complaint = services.complaint_take(complaint=complaint, actor=staff)
    return services.complaint_resolve(
        complaint=complaint, actor=staff, outcome_code=Complaint.OutcomeCode.PAID, outcome_text=outcome_text
    )
