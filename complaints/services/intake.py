"""Writes of complaint state. Each runs in one transaction, writes its ComplaintEvent in it, and emails
through the outbox after commit (DESIGN §4.4, STYLE.md)."""

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record, client_ip
from accounts.models import ProviderOrganization, Representative, User
from accounts.selectors import representative_forget, representative_get_active
from complaints import clock, filetypes, policy, rules, workflow
from complaints.models import (
    MCO,
    AffectedClaim,
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    ReferenceCounter,
)
from portal import clamd, outbox

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComplaintDraft:
    mco: MCO
    category: Category
    subject: str
    description: str
    mco_reference: str
    mco_filed_on: date
    mco_responded: bool = False
    mco_resolved_on: date | None = None
    mco_resolution_summary: str = ""
    concerns_members: bool = False
    access_to_care: bool = False
    access_to_care_explanation: str = ""
    lines: list[rules.ClaimLine] = field(default_factory=list)


def window_rules() -> policy.WindowRules:
    return policy.WindowRules(
        min_days=settings.PORTAL_FILING_MIN_DAYS,
        max_days=settings.PORTAL_FILING_MAX_DAYS,
        after_resolution_days=settings.PORTAL_FILING_AFTER_RESOLUTION_DAYS,
    )


def filing_representative(*, user: User) -> Representative:
    """The designation a user files under; a clear refusal when they cannot file (R11). Read once per request
    (accounts.selectors.representative_get_active): the page, the service and each attached file ask."""
    designation = representative_get_active(user=user)
    if designation is None:
        raise PermissionDenied("Only designated representatives of a provider organization can file complaints.")
    if designation.organization.status != ProviderOrganization.Status.APPROVED:
        raise PermissionDenied("Your organization can file complaints once HFS has approved its registration.")
    return designation


def draft_problems(draft: ComplaintDraft, *, today: date) -> dict[str, list[str]]:
    """Every rule the draft breaks, by field; line problems as "lines" with line numbers."""
    problems: dict[str, list[str]] = {}
    found = {
        **rules.mco_step_problems(
            filed_on=draft.mco_filed_on, resolved_on=draft.mco_resolved_on, responded=draft.mco_responded, today=today
        ),
        **rules.access_to_care_problems(
            access_to_care=draft.access_to_care, explanation=draft.access_to_care_explanation
        ),
    }
    for name, message in found.items():
        problems.setdefault(name, []).append(message)
    if draft.concerns_members and not draft.lines:
        problems.setdefault("lines", []).append(
            "Add at least one member or claim line: name, 9-digit RIN and date of service."
        )
    if len(draft.lines) > settings.PORTAL_CLAIM_LINES_MAX:
        problems.setdefault("lines", []).append(
            f"A complaint can list at most {settings.PORTAL_CLAIM_LINES_MAX} claims. Split them by topic."
        )
    for number, line in enumerate(draft.lines, start=1):
        for message in rules.claim_line_problems(line, filed_on=draft.mco_filed_on, today=today).values():
            problems.setdefault("lines", []).append(f"Line {number}: {message}")
    if not draft.mco_reference.strip():
        problems.setdefault("mco_reference", []).append("Enter the MCO's tracking or reference number.")
    return problems


def _event(
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


def _ensure_filer(*, complaint: Complaint, actor: User, doing: str) -> None:
    """Only the representative who filed (R6), while they still represent the organization."""
    if complaint.submitted_by_id != actor.pk:
        raise PermissionDenied(f"Only the representative who filed a complaint can {doing}.")
    if not Representative.objects.active().filter(user=actor, organization_id=complaint.organization_id).exists():
        raise PermissionDenied("You no longer represent this organization in the portal.")


def _notify_submitter(
    *, complaint: Complaint, kind: str, request: HttpRequest | None = None, filer_checked: bool = False
) -> None:
    """Email the complaint's contact (R6) — or, if that person no longer represents the organization, hold the
    notice and flag the complaint for staff to transfer (a recorded event). Call inside the change's transaction.
    ``filer_checked``: the caller has just read the filer's designation for this organization (no second read)."""
    still_there = Representative.objects.active().filter(
        user_id=complaint.submitted_by_id, organization_id=complaint.organization_id
    )
    if filer_checked or still_there.exists():
        outbox.enqueue(kind=kind, object_id=complaint.pk, to_email=complaint.contact_email)
        return
    held = [existing for existing in (complaint.held_notice or "").split(",") if existing]
    complaint.held_notice = ",".join([*held, kind])
    Complaint.objects.filter(pk=complaint.pk).update(held_notice=complaint.held_notice)
    _event(
        complaint=complaint,
        actor=None,
        request=request,
        kind=ComplaintEvent.Kind.NOTE,
        note="Notice held: the representative who filed no longer represents the organization. "
        "Transfer the complaint to another representative of the organization.",
    )


def _next_reference(*, year: int) -> str:
    counter = ReferenceCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:  # the year's first complaint (two at once: get_or_create lets one of them create it)
        ReferenceCounter.objects.get_or_create(year=year)
        counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"MCO-{year}-{counter.last_number:06d}"


@transaction.atomic
def complaint_submit(
    *, user: User, draft: ComplaintDraft, idempotency_key: uuid.UUID, request: HttpRequest | None = None
) -> Complaint:
    """File a complaint: the complaint, its lines, its draft attachments, the first event and the
    acknowledgement email (to the submitter's verified address only, R6) in one transaction.

    The same idempotency key twice (a double click, a retried POST) returns the first complaint.
    """
    existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.submitted_by_id != user.pk:
            raise PermissionDenied("This form was already used by someone else.")
        return existing
    # Read again here, not from what the page checked earlier in this request: a removal meanwhile refuses the filing.
    representative_forget(user=user)
    designation = filing_representative(user=user)
    today = timezone.localdate()
    problems = draft_problems(draft, today=today)
    if problems:
        raise ValidationError(problems)
    window = policy.filing_window(
        filed_on=draft.mco_filed_on, resolved_on=draft.mco_resolved_on, today=today, rules=window_rules()
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                reference=_next_reference(year=today.year),  # Illinois' year, not UTC's
                idempotency_key=idempotency_key,
                organization=designation.organization,
                provider_group=designation.organization.provider_type.reporting_group,
                submitted_by=user,
                contact_email=user.email,
                representative_name=user.full_name,
                is_billing_agent=designation.is_billing_agent,
                mco=draft.mco,
                category=draft.category,
                subject=draft.subject.strip(),
                description=draft.description.strip(),
                mco_reference=draft.mco_reference.strip(),
                mco_filed_on=draft.mco_filed_on,
                mco_responded=draft.mco_responded,
                mco_resolved_on=draft.mco_resolved_on,
                mco_resolution_summary=draft.mco_resolution_summary.strip(),
                filing_window=window.window,
                concerns_members=draft.concerns_members,
                access_to_care=draft.access_to_care,
                access_to_care_explanation=draft.access_to_care_explanation.strip() if draft.access_to_care else "",
                expedited=draft.access_to_care,  # R3
                first_response_due=clock.add_business_days(
                    today,
                    settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS_EXPEDITED
                    if draft.access_to_care
                    else settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS,
                ),
                mco_presentation_due=clock.add_business_days(today, settings.PORTAL_MCO_PRESENTATION_BUSINESS_DAYS),
                submitted_at=now,
                updated_at=now,
            )
    except IntegrityError:
        # The same form sent twice at once: the other request created it; answer with that one.
        return Complaint.objects.get(idempotency_key=idempotency_key, submitted_by=user)
    AffectedClaim.objects.bulk_create(
        AffectedClaim(
            complaint=complaint,
            line_number=number,
            member_name=line.member_name.strip(),
            rin=line.rin,
            service_from=line.service_from,
            service_to=line.service_to,
            claim_number=line.claim_number.strip(),
            billed_amount=line.billed_amount,
        )
        for number, line in enumerate(draft.lines, start=1)
    )
    event = _event(
        complaint=complaint,
        actor=user,
        request=request,
        kind=ComplaintEvent.Kind.SUBMITTED,
        to_status=ComplaintStatus.SUBMITTED,
        shared_with_provider=True,
        created_at=now,
    )
    Attachment.objects.filter(draft_key=idempotency_key, uploaded_by=user, complaint__isnull=True).update(
        complaint=complaint, event=event, draft_key=None
    )
    # The filer's designation for this organization was read above (filing_representative).
    _notify_submitter(complaint=complaint, kind="complaints.acknowledgement", request=request, filer_checked=True)
    audit_record(actor=user, action="complaint.submitted", obj=complaint, request=request)
    return complaint


def _transition(
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

    Private: the public verbs around it check the actor's permission and send the notices. ``also`` are fields
    saved with the status (an outcome must arrive with "resolved", the database checks it)."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    workflow.ensure_allowed(complaint.status, to_status)
    from_status = complaint.status
    complaint.status = to_status
    complaint.closure_reason = closure_reason if to_status == ComplaintStatus.CLOSED else ""
    complaint.updated_at = timezone.now()
    for name, value in (also or {}).items():
        setattr(complaint, name, value)
    complaint.save(update_fields=["status", "closure_reason", "updated_at", *(also or {})])
    event = _event(
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


@transaction.atomic
def complaint_withdraw(
    *, complaint: Complaint, actor: User, note: str = "", request: HttpRequest | None = None
) -> Complaint:
    """The submitter withdraws a complaint that is not yet resolved or closed. Emails the submitter."""
    _ensure_filer(complaint=complaint, actor=actor, doing="withdraw it")
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if current.status not in workflow.WITHDRAWABLE:
        raise ValidationError("This complaint is already resolved or closed, so it cannot be withdrawn.")
    complaint, _ = _transition(
        complaint=current,
        actor=actor,
        to_status=ComplaintStatus.CLOSED,
        request=request,
        kind=ComplaintEvent.Kind.WITHDRAWN,
        note=note,
        closure_reason=Complaint.ClosureReason.WITHDRAWN_BY_PROVIDER,
    )
    _notify_submitter(complaint=complaint, kind="complaints.withdrawn", request=request)
    audit_record(actor=actor, action="complaint.withdrawn", obj=complaint, request=request)
    return complaint


@transaction.atomic
def complaint_answer_info_request(
    *,
    complaint: Complaint,
    actor: User,
    note: str,
    answer_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Complaint:
    """The submitter answers HFS's request for information: a shared note (and the files uploaded with
    ``answer_key``); back to review. The same key twice records one answer."""
    _ensure_filer(complaint=complaint, actor=actor, doing="answer for it")
    if not note.strip():
        raise ValidationError({"note": "Write your answer to HFS's question."})
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if answer_key is not None and current.events.filter(idempotency_key=answer_key).exists():
        return current
    if current.status != ComplaintStatus.AWAITING_PROVIDER:
        raise ValidationError("HFS is not waiting for an answer from you on this complaint.")
    complaint, event = _transition(
        complaint=current,
        actor=actor,
        to_status=ComplaintStatus.IN_REVIEW,
        request=request,
        kind=ComplaintEvent.Kind.PROVIDER_ANSWERED,
        note=note,
        idempotency_key=answer_key,
    )
    if answer_key is not None:
        Attachment.objects.filter(draft_key=answer_key, uploaded_by=actor, complaint__isnull=True).update(
            complaint=complaint, event=event, draft_key=None
        )
    audit_record(actor=actor, action="complaint.answered", obj=complaint, request=request)
    return complaint


def complaint_record_view(*, complaint: Complaint, user: User, request: HttpRequest | None = None) -> None:
    """Record that ``user`` opened the complaint's details, which hold PHI (DESIGN §6.2)."""
    audit_record(actor=user, action="complaint.viewed", obj=complaint, request=request)


def _chunks(upload: UploadedFile):  # type: ignore[no-untyped-def]
    upload.seek(0)
    yield from upload.chunks(chunk_size=64 * 1024)


DRAFT_FILES_PER_USER = 30


def attachment_add_draft(
    *, user: User, draft_key: uuid.UUID, upload: UploadedFile, complaint: Complaint | None = None
) -> Attachment:
    """Accept one uploaded file for a form not yet sent (DESIGN §6.3), or refuse it with a message.

    In order: the name, the size, the type from the content (magic bytes and structure), the virus scan —
    all before any transaction — then, with the person's row locked, the counts (per form, per complaint for
    answers, per person for unsent forms) and the store. Only a file that passes everything is stored, under a
    server-made name, with its SHA-256. The file is read in chunks throughout. Only a representative who can file
    (a new complaint) or the complaint's filer (an answer) can attach files.
    """
    if complaint is None:
        filing_representative(user=user)
    else:
        _ensure_filer(complaint=complaint, actor=user, doing="attach files to it")
    try:
        # The name exactly as sent: browsers send a bare file name, so a path or a line break is refused.
        name = filetypes.check_name(upload.name or "")
    except filetypes.Refused as refusal:
        raise ValidationError(str(refusal)) from refusal
    if upload.size > settings.PORTAL_ATTACHMENT_MAX_BYTES:
        limit = settings.PORTAL_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"{name} is larger than {limit} MB. Attach a smaller file or split it.")
    try:
        kind = filetypes.detect(upload, name=name)
    except filetypes.Refused as refusal:
        raise ValidationError(str(refusal)) from refusal
    scan_status = _scan(upload, name=name)
    digest = hashlib.sha256()
    for chunk in _chunks(upload):
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one upload at a time per person
        counted = Q(draft_key=draft_key) | Q(complaint=complaint) if complaint is not None else Q(draft_key=draft_key)
        if Attachment.objects.filter(counted).count() >= settings.PORTAL_ATTACHMENT_MAX_COUNT:
            raise ValidationError(f"{name}: a complaint can have at most {settings.PORTAL_ATTACHMENT_MAX_COUNT} files.")
        if Attachment.objects.filter(uploaded_by=user, complaint__isnull=True).count() >= DRAFT_FILES_PER_USER:
            raise ValidationError(
                f"{name}: too many files are waiting on forms you have not sent. Send or leave those forms first."
            )
        stored = storages["attachments"].save(f"{uuid.uuid4().hex}", upload)
        try:
            return Attachment.objects.create(
                draft_key=draft_key,
                uploaded_by=user,
                original_name=name[:255],
                stored_name=stored,
                size=upload.size,
                content_type=kind.content_type,
                sha256=digest.hexdigest(),
                scan_status=scan_status,
            )
        except Exception:
            storages["attachments"].delete(stored)
            raise


def _scan(upload: UploadedFile, *, name: str) -> str:
    """CLEAN, or PENDING when no scanner is set up (embedded default); refuses on a virus or no verdict."""
    if not settings.PORTAL_CLAMD_ADDRESS:
        return Attachment.ScanStatus.PENDING
    try:
        verdict = clamd.scan_chunks(
            _chunks(upload), address=settings.PORTAL_CLAMD_ADDRESS, timeout=settings.PORTAL_CLAMD_TIMEOUT_SECONDS
        )
    except clamd.ScannerUnavailable as exc:
        logger.warning("attachments: virus scanner gave no verdict (%s); upload refused", exc)
        raise ValidationError(
            f"{name}: we could not check the file for viruses just now, so it was not stored. "
            "Please try again in a few minutes."
        ) from exc
    if not verdict.clean and verdict.signature.startswith(("Heuristics.Limits.Exceeded", "Heuristics.Encrypted")):
        # clamd's own limits (deploy/clamav/clamd.conf): it could not scan the file whole, so it is not passed.
        raise ValidationError(
            f"{name}: the file is too large, too deeply packed or password-protected to be checked for viruses "
            "completely, so it was not stored. Remove any password, or split the file or save it as PDF, and "
            "attach it again."
        )
    if not verdict.clean:
        raise ValidationError(f"{name}: a virus was found in this file, so it was not stored.")
    return Attachment.ScanStatus.CLEAN


@transaction.atomic
def attachment_remove_draft(*, user: User, draft_key: uuid.UUID, public_id: uuid.UUID) -> None:
    """Take a file back off a form not yet sent."""
    attachment = Attachment.objects.filter(
        public_id=public_id, draft_key=draft_key, uploaded_by=user, complaint__isnull=True
    ).first()
    if attachment is not None:
        stored_name = attachment.stored_name
        attachment.delete()
        transaction.on_commit(lambda: storages["attachments"].delete(stored_name))


class FileNotAvailable(Exception):
    """The file cannot be handed out; ``reason`` is "pending_scan" or "integrity"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def attachment_open_for_download(*, attachment: Attachment, user: User, request: HttpRequest | None = None):  # type: ignore[no-untyped-def]
    """Open a stored file for download, checking the very bytes to be sent against the SHA-256 recorded at
    upload (one handle: hashed, rewound, then served).

    Records ``attachment.downloaded``, or ``attachment.integrity_failed`` and refuses when the bytes changed or
    the stored copy is gone. Files not yet scanned are never handed out.
    """
    if attachment.scan_status != Attachment.ScanStatus.CLEAN:
        raise FileNotAvailable("pending_scan")
    digest = hashlib.sha256()
    try:
        handle = storages["attachments"].open(attachment.stored_name, "rb")
        for chunk in iter(lambda: handle.read(64 * 1024), b""):
            digest.update(chunk)
        handle.seek(0)
    except Exception as exc:
        logger.error("attachments: stored copy unreadable for attachment id=%s (%s)", attachment.pk, type(exc).__name__)
        audit_record(actor=user, action="attachment.integrity_failed", obj=attachment, request=request)
        raise FileNotAvailable("integrity") from exc
    if digest.hexdigest() != attachment.sha256:
        handle.close()
        audit_record(actor=user, action="attachment.integrity_failed", obj=attachment, request=request)
        logger.error("attachments: checksum mismatch for attachment id=%s", attachment.pk)
        raise FileNotAvailable("integrity")
    audit_record(actor=user, action="attachment.downloaded", obj=attachment, request=request)
    return handle


def attachment_purge_stale_drafts(*, older_than_hours: int = 24) -> int:
    """Delete files uploaded to forms that were never sent (PHI must not linger). Returns how many."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    stale = list(
        Attachment.objects.filter(complaint__isnull=True, uploaded_at__lt=cutoff).values_list("pk", "stored_name")
    )
    for pk, stored_name in stale:
        with transaction.atomic():
            Attachment.objects.filter(pk=pk, complaint__isnull=True).delete()
        storages["attachments"].delete(stored_name)
    return len(stale)
