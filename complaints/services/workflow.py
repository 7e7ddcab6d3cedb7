"""The workflow core every complaint verb uses (DESIGN §4.4): one timeline event, the locked status transition
checked against the table in complaints/workflow.py, the filer's standing, and the notice to the submitter.

Shared inside the services package only (intake, triage, and the MCO's proposal import these): views, admin and
tasks call the public verbs, which check their actor and send their notices around these steps.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import client_ip
from accounts.models import Representative, User
from complaints.models import Complaint, ComplaintEvent, ComplaintStatus
from complaints.workflow import ensure_allowed
from portal import outbox


def event_write(
    *, complaint: Complaint, actor: User | None, request: HttpRequest | None, **fields: object
) -> ComplaintEvent:
    """Append one timeline event with where the change came from (the client's address and the request id), like
    the audit log. Events are append-only (a database trigger on PostgreSQL)."""
    return ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        **fields,
    )


def transition(
    *,
    complaint: Complaint,
    actor: User | None,
    to_status: str,
    request: HttpRequest | None,
    kind: str = ComplaintEvent.Kind.STATUS_CHANGED,
    note: str = "",
    shared: bool = True,
    closure_reason: str = "",
    idempotency_key: uuid.UUID | None = None,
    also: dict[str, object] | None = None,
) -> tuple[Complaint, ComplaintEvent]:
    """Lock the row, check the transition table, change the status and write the event (caller's transaction).

    The public verbs around it check the actor's permission and send the notices. ``also`` are fields saved with
    the status (an outcome must arrive with "resolved", the database checks it)."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    ensure_allowed(complaint.status, to_status)
    from_status = complaint.status
    complaint.status = to_status
    complaint.closure_reason = closure_reason if to_status == ComplaintStatus.CLOSED else ""
    complaint.updated_at = timezone.now()
    for name, value in (also or {}).items():
        setattr(complaint, name, value)
    complaint.save(update_fields=["status", "closure_reason", "updated_at", *(also or {})])
    event = event_write(
        complaint=complaint,
        actor=actor,
        request=request,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note.strip(),
        shared_with_provider=shared,
        idempotency_key=idempotency_key,
    )
    return complaint, event


def filer_still_represents(complaint: Complaint) -> bool:
    """Whether the representative who filed still represents the complaint's organization (R6)."""
    return (
        Representative.objects.active()
        .filter(user_id=complaint.submitted_by_id, organization_id=complaint.organization_id)
        .exists()
    )


def ensure_filer(*, complaint: Complaint, actor: User, doing: str) -> None:
    """Only the representative who filed (R6), while they still represent the organization."""
    if complaint.submitted_by_id != actor.pk:
        raise PermissionDenied(f"Only the representative who filed a complaint can {doing}.")
    if not filer_still_represents(complaint):
        raise PermissionDenied("You no longer represent this organization in the portal.")


def notify_submitter(
    *, complaint: Complaint, kind: str, request: HttpRequest | None = None, filer_checked: bool = False
) -> None:
    """Email the complaint's contact (R6) — or, if that person no longer represents the organization, hold the
    notice and flag the complaint for staff to transfer (a recorded event). Call inside the change's transaction.
    ``filer_checked``: the caller has just read the filer's designation for this organization (no second read)."""
    if filer_checked or filer_still_represents(complaint):
        outbox.enqueue(kind=kind, object_id=complaint.pk, to_email=complaint.contact_email)
        return
    held = [existing for existing in (complaint.held_notice or "").split(",") if existing]
    complaint.held_notice = ",".join([*held, kind])
    Complaint.objects.filter(pk=complaint.pk).update(held_notice=complaint.held_notice)
    event_write(
        complaint=complaint,
        actor=None,
        request=request,
        kind=ComplaintEvent.Kind.NOTE,
        note="Notice held: the representative who filed no longer represents the organization. "
        "Transfer the complaint to another representative of the organization.",
    )
