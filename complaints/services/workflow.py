"""The workflow core every complaint verb uses (DESIGN §4.4): one timeline event, the locked status transition
checked against the table in complaints/workflow.py, the filer's standing, and the notice to the submitter.

Shared inside the services package only (intake, triage, and the MCO's proposal import these): views, admin and
tasks call the public verbs, which check their actor and send their notices around these steps.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import client_ip
from accounts.models import Representative, User
from accounts.selectors import mco_user_emails
from complaints import clock
from complaints.models import Complaint, ComplaintEvent, ComplaintStatus, ExtensionRequest, MCOProposal
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


def ensure_staff(actor: User) -> None:
    """HFS triage staff only: the reporting group reads, it does not act on complaints."""
    if not (actor.is_staff and actor.has_perm("complaints.change_complaint")):
        raise PermissionDenied("Only HFS triage staff can do this.")


def mco_addresses(*, mco_id: int, also: str = "") -> list[str]:
    """Every active user of the MCO (its liaisons and administrators), and ``also`` (its notice address) once."""
    addresses = list(mco_user_emails(mco_id=mco_id))
    if also and also not in addresses:
        addresses.append(also)
    return addresses


def notify_mco(*, complaint: Complaint, kind: str, also: str = "") -> int:
    """Email every active user of the complaint's MCO (its liaisons and administrators), and ``also`` (the MCO's
    notice address) once. Returns how many addresses."""
    addresses = mco_addresses(mco_id=complaint.mco_id, also=also)
    for address in addresses:
        outbox.enqueue(kind=kind, object_id=complaint.pk, to_email=address)
    return len(addresses)


def notify_assignee(*, complaint: Complaint, kind: str, actor: User | None = None) -> None:
    """A staff note to the complaint's assignee (none while nobody is assigned, nor to the one who acted)."""
    if complaint.assignee_id is None or complaint.assignee_id == getattr(actor, "pk", None):
        return
    assignee = User.objects.filter(pk=complaint.assignee_id, is_active=True).only("email").first()
    if assignee is not None:
        outbox.enqueue(kind=kind, object_id=complaint.pk, to_email=assignee.email)


# The MCO's round (DESIGN §11), shared by the MCO's verbs (services/mco.py) and the staff's (services/triage.py):
# the one extension and the answer's arrival, whoever brings them into the portal. The caller holds the row lock.

ONE_EXTENSION = "The one extension has already been asked for on this complaint."


def extension_open(
    *, complaint: Complaint, party: str, reason: str, actor: User, request: HttpRequest | None
) -> ExtensionRequest:
    """Record the complaint's one request for an extension (refused if one was ever asked for) and its event.
    Whether it can be asked for at all is answered before the reason is read: a second request, even an empty
    one from a stale page, hears that the one extension was asked for already."""
    if complaint.mco_extension_granted or ExtensionRequest.objects.filter(complaint_id=complaint.pk).exists():
        raise ValidationError(ONE_EXTENSION)
    if complaint.status != ComplaintStatus.AWAITING_MCO:
        raise ValidationError("An extension can be asked for only while HFS waits for the MCO's answer.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why more time is needed."})
    extension = ExtensionRequest.objects.create(
        complaint=complaint, party=party, reason=reason.strip(), requested_by=actor
    )
    event_write(
        complaint=complaint,
        actor=actor,
        request=request,
        kind=ComplaintEvent.Kind.EXTENSION_REQUESTED,
        note=f"{ExtensionRequest.Party(party).label} asked for the one extension: {reason.strip()}",
        shared_with_provider=True,
    )
    return extension


def extension_grant(
    *, complaint: Complaint, extension: ExtensionRequest, actor: User, note: str, request: HttpRequest | None
) -> ExtensionRequest:
    """Grant the one extension of a complaint waiting for the MCO: the answer is due PORTAL_MCO_EXTENSION_DAYS
    calendar days later, the new date gets its own reminders, and the MCO_EXTENSION event is the one the
    statistics count. The MCO's users are told."""
    extension.decision = ExtensionRequest.Decision.GRANTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note.strip()
    extension.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    complaint.mco_extension_granted = True
    complaint.mco_answer_due = clock.add_calendar_days(complaint.mco_answer_due, settings.PORTAL_MCO_EXTENSION_DAYS)
    # This round's reminders were about the old date: the new one gets its own (once each).
    complaint.mco_due_soon_notice_round = complaint.mco_overdue_notice_round = max(complaint.mco_round - 1, 0)
    rounds = ["mco_due_soon_notice_round", "mco_overdue_notice_round"]
    complaint.save(update_fields=["mco_extension_granted", "mco_answer_due", *rounds])
    event_write(
        complaint=complaint,
        actor=actor,
        request=request,
        kind=ComplaintEvent.Kind.MCO_EXTENSION,
        note=f"Extension granted: the MCO's answer is now due {complaint.mco_answer_due:%B %-d, %Y}. {note}".strip(),
        shared_with_provider=True,
    )
    notify_mco(complaint=complaint, kind="complaints.mco_extension_decided")
    return extension


def answer_arrived(
    *, complaint: Complaint, proposal: MCOProposal, actor: User, note: str, request: HttpRequest | None
) -> Complaint:
    """This round's proposal (complete, not yet saved as submitted) reaches HFS, from the portal or recorded by
    staff: awaiting_mco → in_review with an MCO_PROPOSAL event whose time is the MCO's answer date (clocks and
    statistics). The filer is told unless the MCO says it is not its complaint (that goes back to HFS only); the
    assignee gets a staff note."""
    misdirected = proposal.outcome == MCOProposal.Outcome.MISDIRECTED
    complaint, event = transition(
        complaint=complaint,
        actor=actor,
        request=request,
        to_status=ComplaintStatus.IN_REVIEW,
        kind=ComplaintEvent.Kind.MCO_PROPOSAL,
        note=note,
        shared=not misdirected,
    )
    proposal.submitted_at = proposal.updated_at = event.created_at
    proposal.submitted_by = actor
    proposal.save()
    proposal.files.update(event=event)
    _extension_lapse(complaint=complaint, at=event.created_at, request=request)
    if not misdirected:
        notify_submitter(complaint=complaint, kind="complaints.proposal_arrived", request=request)
    notify_assignee(complaint=complaint, kind="complaints.staff_mco_answered", actor=actor)
    return complaint


LAPSED_NOTE = "The MCO answered before HFS decided on the extension, so it is no longer needed."


def _extension_lapse(*, complaint: Complaint, at: object, request: HttpRequest | None) -> None:
    """An extension still waiting for HFS when the MCO's answer arrives is no longer needed: it is closed as refused
    (it still counts as the one), so it can never move a later round's date."""
    pending = (
        ExtensionRequest.objects.select_for_update()
        .filter(complaint_id=complaint.pk, decision=ExtensionRequest.Decision.PENDING)
        .first()
    )
    if pending is None:
        return
    pending.decision, pending.decided_at, pending.decision_note = ExtensionRequest.Decision.REFUSED, at, LAPSED_NOTE
    pending.save(update_fields=["decision", "decided_at", "decision_note"])
    event_write(
        complaint=complaint,
        actor=None,
        request=request,
        kind=ComplaintEvent.Kind.EXTENSION_REFUSED,
        note=LAPSED_NOTE,
        shared_with_provider=True,
    )


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
