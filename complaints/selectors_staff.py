"""Reads for HFS staff: the triage queue with its next due date (DESIGN §4.5).

The queue's order is kept in two columns the database computes on every write (``Complaint.settled`` and
``Complaint.next_due``), and the order ends with the primary key, so one index range serves each page (issue 17).
"""

from datetime import date

from django.db.models import F, QuerySet

from complaints import clock
from complaints.models import Complaint

# Open before settled, expedited first, the next due date (none last), the oldest received first; the id makes the
# order total, so the admin adds nothing and the order is exactly the index complaint_queue_idx.
QUEUE_ORDER = ["settled", "-expedited", F("next_due").asc(nulls_last=True), "submitted_at", "id"]


def complaint_queue() -> QuerySet[Complaint]:
    """Every complaint with its next due date; expedited first, then the oldest due date."""
    return Complaint.objects.select_related("mco", "category", "organization", "assignee").order_by(*QUEUE_ORDER)


def overdue(queryset: QuerySet[Complaint], *, today: date | None = None) -> QuerySet[Complaint]:
    """Open complaints past their next due date (clock.overdue_q; settled ones have none: the ``settled`` term keeps
    the read to the open part of the queue's index)."""
    return queryset.filter(clock.overdue_q("next_due", today=today), settled=False)


def due_by(queryset: QuerySet[Complaint], day: date) -> QuerySet[Complaint]:
    """Open complaints due on or before ``day`` (overdue included)."""
    return queryset.filter(settled=False, next_due__lte=day)


def due_soon(queryset: QuerySet[Complaint], day: date, *, today: date | None = None) -> QuerySet[Complaint]:
    """Open complaints due on or before ``day`` and not overdue (clock.not_overdue_q)."""
    return due_by(queryset, day).filter(clock.not_overdue_q("next_due", today=today))
