"""Reads for HFS staff: the triage queue with its next due date (DESIGN §4.5)."""

from django.db.models import Case, DateField, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Least
from django.utils import timezone

from complaints.models import Complaint, ComplaintStatus

NEXT_DUE = Case(
    # Waiting for triage: the earlier of the first response and the presentation to the MCO.
    When(status=ComplaintStatus.SUBMITTED, then=Least("first_response_due", "mco_presentation_due")),
    When(status=ComplaintStatus.IN_REVIEW, forwarded_on__isnull=True, then=F("mco_presentation_due")),
    When(status=ComplaintStatus.AWAITING_MCO, then=F("mco_answer_due")),
    default=Value(None),
    output_field=DateField(),
)


# Resolved and closed complaints sink below every open one.
SETTLED = Case(
    When(status__in=[ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED], then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)
QUEUE_ORDER = [F("settled").asc(), F("expedited").desc(), F("next_due").asc(nulls_last=True), "submitted_at"]


def complaint_queue() -> QuerySet[Complaint]:
    """Every complaint with its next due date; expedited first, then the oldest due date."""
    return (
        Complaint.objects.select_related("mco", "category", "organization", "assignee")
        .annotate(next_due=NEXT_DUE, settled=SETTLED)
        .order_by(*QUEUE_ORDER)
    )


def overdue(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.filter(next_due__lt=timezone.localdate())
