"""Reads for HFS staff: the triage queue with its next due date (DESIGN §4.5).

The queue's order is kept in two columns the database computes on every write (``Complaint.settled`` and
``Complaint.next_due``), and the order ends with the primary key, so one index range serves each page (issue 17).
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet

from complaints import clock, detection
from complaints.models import (
    Attachment,
    Complaint,
    ExtensionRequest,
    MCOProposal,
    Signal,
    SystemicIssue,
    SystemicIssueLink,
)

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


def extension_for_staff(*, complaint: Complaint) -> ExtensionRequest | None:
    """The complaint's one extension request (asked once, ever) with who asked and who decided; None if never."""
    return (
        ExtensionRequest.objects.select_related("requested_by", "decided_by").filter(complaint_id=complaint.pk).first()
    )


def proposal_list_for_staff(*, complaint: Complaint, with_files: bool) -> QuerySet[MCOProposal]:
    """Each round's submitted proposal (a draft is the MCO's own), oldest round first, with who submitted and who
    replied; with their files (one more statement, however many rounds) only when ``with_files``."""
    proposals = MCOProposal.objects.filter(complaint_id=complaint.pk, submitted_at__isnull=False)
    proposals = proposals.select_related("submitted_by", "replied_by").order_by("round")
    if with_files:
        proposals = proposals.prefetch_related(
            Prefetch("files", queryset=Attachment.objects.order_by("uploaded_at", "id"))
        )
    return proposals


def systemic_of(complaint: Complaint) -> dict[str, list]:
    """The systemic issues a complaint is linked to (its open one first) and the signals that found it: two queries.
    Staff only: the representative's pages never read these."""
    links = SystemicIssueLink.objects.filter(complaint_id=complaint.pk).select_related("issue").order_by("-open", "-id")
    signals = (
        Signal.objects.filter(complaints__id=complaint.pk).select_related("mco", "category").order_by("-week_start")
    )
    return {"systemic_links": list(links), "systemic_signals": list(signals)}


def signal_weeks(signal: Signal, last_week: date) -> list[dict[str, object]]:
    """New complaints a week for the signal's MCO and topic, from the trailing weeks before it to ``last_week``
    (every week, zeros too; the signal's own marked): one aggregate query."""
    first = signal.week_start - timedelta(weeks=settings.PORTAL_SIGNAL_HISTORY_WEEKS)
    counts = detection.weekly_counts(first, last_week, mco_id=signal.mco_id, category_id=signal.category_id)
    by_week = {count.week: count.complaints for count in counts}
    mondays = [first + timedelta(weeks=n) for n in range((last_week - first).days // 7 + 1)]
    return [{"week": day, "count": by_week.get(day, 0), "signal": day == signal.week_start} for day in mondays]


def signal_complaints(signal: Signal, limit: int) -> list[Complaint]:
    """The complaints behind a signal, oldest first, with their organizations: one query."""
    return list(signal.complaints.select_related("organization").order_by("submitted_at", "id")[:limit])


def systemic_issues() -> QuerySet[SystemicIssue]:
    """Systemic issues with their MCO and topic and how many of their complaints are still linked as open."""
    return SystemicIssue.objects.select_related("mco", "category").annotate(
        open_complaints=Count("links", filter=Q(links__open=True))
    )


def issue_page(issue: SystemicIssue) -> dict[str, list]:
    """A systemic issue's complaints (with their organizations) and the signals it came from: two queries."""
    links = issue.links.select_related("complaint__organization").order_by("complaint__submitted_at", "id")
    return {
        "issue_complaints": [link.complaint for link in links],
        "issue_signals": list(issue.signals.order_by("-week_start")),
    }
