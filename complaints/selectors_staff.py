"""Reads for HFS staff: the triage queue with its next due date (DESIGN §4.5)."""

from django.db.models import Case, DateField, F, QuerySet, Value, When
from django.utils import timezone

from complaints.models import Complaint, ComplaintStatus

NEXT_DUE = Case(
    When(status=ComplaintStatus.SUBMITTED, then=F("first_response_due")),
    When(status=ComplaintStatus.IN_REVIEW, forwarded_on__isnull=True, then=F("mco_presentation_due")),
    When(status=ComplaintStatus.AWAITING_MCO, then=F("mco_answer_due")),
    default=Value(None),
    output_field=DateField(),
)


def complaint_queue() -> QuerySet[Complaint]:
    """Every complaint with its next due date; expedited first, then the oldest due date."""
    return (
        Complaint.objects.select_related("mco", "category", "organization__provider_type", "assignee")
        .annotate(next_due=NEXT_DUE)
        .order_by("-expedited", F("next_due").asc(nulls_last=True), "submitted_at")
    )


def overdue(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.filter(next_due__lt=timezone.localdate())
