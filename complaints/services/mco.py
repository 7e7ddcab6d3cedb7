"""The MCO's part (DESIGN §11): its written proposal (draft, files, submit once per round), its interim answer, the
one extension (asked by the MCO or the provider, decided by HFS), the provider's reply, and the MCO's reminders.

Each verb checks its actor, locks the complaint row before it reads what it changes, writes its event through the
workflow core in the same transaction and notifies through the outbox after commit — the representative only at
the complaint's contact_email (R6), the MCO at its users' addresses, never with PHI (DESIGN §6.5).
"""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import MCOMembership, User
from accounts.selectors import mco_membership_get_active
from complaints import clock
from complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    ExtensionRequest,
    MCOProposal,
)
from complaints.services.attachments import file_check, file_store, files_delete
from complaints.services.workflow import (
    answer_arrived,
    ensure_filer,
    ensure_staff,
    event_write,
    extension_grant,
    extension_open,
    notify_assignee,
    notify_mco,
    notify_submitter,
)
from complaints.wording import outcome_words

NOT_WAITING = "HFS is not waiting for the MCO's answer on this complaint."


def _membership(actor: User) -> MCOMembership | None:
    """The actor's active place at an MCO (read once per request), while their account is active."""
    return mco_membership_get_active(user=actor) if actor.is_active else None


def _ensure_mco_user(*, complaint: Complaint, actor: User) -> MCOMembership:
    """An active user of the MCO the complaint was presented to (the wall of DESIGN §11)."""
    membership = _membership(actor)
    if membership is None or membership.mco_id != complaint.mco_id or complaint.presented_at is None:
        raise PermissionDenied("Only the MCO this complaint was presented to can do this.")
    return membership


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _round_proposal(complaint: Complaint) -> MCOProposal | None:
    return MCOProposal.objects.filter(complaint_id=complaint.pk, round=complaint.mco_round).first()


def _ensure_draft(complaint: Complaint, proposal: MCOProposal | None) -> None:
    if proposal is not None and proposal.is_submitted:
        if proposal.recorded_by_hfs:
            raise ValidationError("HFS has already recorded the MCO's answer for this round (it came by other means).")
        raise ValidationError("The proposal for this round has already been sent to HFS.")
    if complaint.status != ComplaintStatus.AWAITING_MCO:
        raise ValidationError(NOT_WAITING)


# --- The written proposal --------------------------------------------------------------------------------------


@transaction.atomic
def proposal_save_draft(
    *, complaint: Complaint, actor: User, outcome: str, text: str, request: HttpRequest | None = None
) -> MCOProposal:
    """Create or update this round's draft proposal (MCO users of the complaint's MCO, while HFS waits for it).
    Records ``mco.proposal_saved``."""
    _ensure_mco_user(complaint=complaint, actor=actor)
    if outcome and outcome not in MCOProposal.Outcome.values:
        raise ValidationError({"outcome": "Choose one of the outcomes."})
    complaint = _locked(complaint)
    proposal = _round_proposal(complaint)
    _ensure_draft(complaint, proposal)
    if proposal is None:
        proposal = MCOProposal(complaint=complaint, round=complaint.mco_round, created_by=actor)
    proposal.outcome, proposal.text, proposal.updated_at = outcome, text.strip(), timezone.now()
    proposal.save()
    audit_record(actor=actor, action="mco.proposal_saved", obj=proposal, request=request)
    return proposal


def proposal_file_add(
    *, proposal: MCOProposal, actor: User, upload: UploadedFile, request: HttpRequest | None = None
) -> Attachment:
    """Attach one file to a draft proposal: the provider's files' content checks and virus scan (failing closed,
    the same messages) before any transaction, then the count (at most PORTAL_ATTACHMENT_MAX_COUNT per proposal)
    and the store with the complaint row locked, so a file never joins a proposal already sent. Records
    ``mco.proposal_file_added``."""
    _ensure_mco_user(complaint=proposal.complaint, actor=actor)
    checked = file_check(upload)
    with transaction.atomic():
        complaint = _locked(proposal.complaint)
        proposal = MCOProposal.objects.get(pk=proposal.pk)
        if proposal.round != complaint.mco_round:
            raise ValidationError("This proposal belongs to an earlier round: it can no longer change.")
        _ensure_draft(complaint, proposal)
        if proposal.files.count() >= settings.PORTAL_ATTACHMENT_MAX_COUNT:
            raise ValidationError(
                f"{checked.name}: a proposal can have at most {settings.PORTAL_ATTACHMENT_MAX_COUNT} files."
            )
        with file_store(upload) as stored:
            attachment = Attachment.objects.create(
                complaint=complaint,
                proposal=proposal,
                uploaded_by=actor,
                original_name=checked.name[:255],
                stored_name=stored,
                size=checked.size,
                content_type=checked.content_type,
                sha256=checked.sha256,
                scan_status=checked.scan_status,
            )
            audit_record(actor=actor, action="mco.proposal_file_added", obj=attachment, request=request)
    return attachment


@transaction.atomic
def proposal_file_remove(
    *, proposal: MCOProposal, actor: User, public_id: uuid.UUID, request: HttpRequest | None = None
) -> None:
    """Take a file off a draft proposal (its stored copy is deleted after commit). Records
    ``mco.proposal_file_removed``."""
    _ensure_mco_user(complaint=proposal.complaint, actor=actor)
    complaint = _locked(proposal.complaint)
    proposal = MCOProposal.objects.get(pk=proposal.pk)
    if proposal.round != complaint.mco_round:
        raise ValidationError("This proposal belongs to an earlier round: it can no longer change.")
    _ensure_draft(complaint, proposal)
    attachment = proposal.files.filter(public_id=public_id).only("pk").first()
    if attachment is not None:
        audit_record(actor=actor, action="mco.proposal_file_removed", obj=attachment, request=request)
        files_delete(proposal.files.filter(pk=attachment.pk))


@transaction.atomic
def proposal_submit(*, complaint: Complaint, actor: User, request: HttpRequest | None = None) -> MCOProposal:
    """Send this round's proposal to HFS, once: a second submit returns it unchanged (no second event or email).
    Moves the complaint back to HFS's review; its time is the MCO's answer date for clocks and statistics."""
    _ensure_mco_user(complaint=complaint, actor=actor)
    complaint = _locked(complaint)
    proposal = _round_proposal(complaint)
    if proposal is not None and proposal.is_submitted and not proposal.recorded_by_hfs:
        return proposal
    _ensure_draft(complaint, proposal)
    problems = {}
    if not (proposal and proposal.outcome):
        problems["outcome"] = "Choose the outcome of your proposal."
    if not (proposal and proposal.text):
        problems["text"] = "Write your proposal: what you will do, or why your decision stands."
    if proposal is None or problems:
        raise ValidationError(problems)
    if proposal.outcome == MCOProposal.Outcome.MISDIRECTED:
        note = "The MCO answered that this is not its member or not its complaint: HFS decides what happens next."
    else:
        note = f"The MCO sent its written proposal. {outcome_words(proposal.outcome, 'provider')}"
    answer_arrived(complaint=complaint, proposal=proposal, actor=actor, note=note, request=request)
    return proposal


# --- Interim answer ---------------------------------------------------------------------------------------------


# The same update sent again this soon by the same person, with nothing else in between, is a double click.
INTERIM_REPEAT_WINDOW = timedelta(minutes=10)


@transaction.atomic
def interim_post(*, complaint: Complaint, actor: User, text: str, request: HttpRequest | None = None) -> ComplaintEvent:
    """The MCO says what it is doing while HFS waits for its proposal; the representative sees it. The MCO's
    clock does not stop. Sent twice (a double click: the complaint's latest event is this very update by the same
    person, within INTERIM_REPEAT_WINDOW — so in this round, which a forwarding event would have begun), it is
    recorded once and the first is returned."""
    _ensure_mco_user(complaint=complaint, actor=actor)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write what you are doing about the complaint."})
    complaint = _locked(complaint)
    if complaint.status != ComplaintStatus.AWAITING_MCO:
        raise ValidationError(NOT_WAITING)
    latest = ComplaintEvent.objects.filter(complaint_id=complaint.pk).order_by("-created_at", "-id").first()
    if (
        latest is not None
        and (latest.kind, latest.actor_id, latest.note) == (ComplaintEvent.Kind.MCO_INTERIM, actor.pk, text)
        and latest.created_at >= timezone.now() - INTERIM_REPEAT_WINDOW
    ):
        return latest
    return event_write(
        complaint=complaint,
        actor=actor,
        request=request,
        kind=ComplaintEvent.Kind.MCO_INTERIM,
        note=text,
        shared_with_provider=True,
    )


# --- The one extension ------------------------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *, complaint: Complaint, actor: User, reason: str, request: HttpRequest | None = None
) -> ExtensionRequest:
    """Ask for the complaint's one extension of the MCO's answer, with a reason: a user of the complaint's MCO, or
    the representative who filed it. Once per complaint, whoever asked and whatever HFS decided."""
    if _membership(actor) is not None:
        _ensure_mco_user(complaint=complaint, actor=actor)
        party = ExtensionRequest.Party.MCO
    else:
        ensure_filer(complaint=complaint, actor=actor, doing="ask for an extension")
        party = ExtensionRequest.Party.PROVIDER
    complaint = _locked(complaint)
    extension = extension_open(complaint=complaint, party=party, reason=reason, actor=actor, request=request)
    notify_assignee(complaint=complaint, kind="complaints.staff_extension_requested", actor=actor)
    return extension


@transaction.atomic
def extension_decide(
    *, complaint: Complaint, actor: User, grant: bool, note: str = "", request: HttpRequest | None = None
) -> ExtensionRequest:
    """HFS grants or refuses the extension asked for: granted, the MCO's answer is due PORTAL_MCO_EXTENSION_DAYS
    calendar days later (while HFS still waits for it). The side that asked is told, and the MCO whenever its date
    moves."""
    ensure_staff(actor)
    complaint = _locked(complaint)
    extension = ExtensionRequest.objects.select_for_update().filter(complaint_id=complaint.pk).first()
    if extension is None or extension.decision != ExtensionRequest.Decision.PENDING:
        raise ValidationError("There is no request for an extension waiting for a decision on this complaint.")
    if not grant and not note.strip():
        raise ValidationError({"note": "Say why the extension is refused."})
    if grant:
        if complaint.status != ComplaintStatus.AWAITING_MCO:
            raise ValidationError(f"{NOT_WAITING} There is no answer date to move: refuse the request instead.")
        extension_grant(complaint=complaint, extension=extension, actor=actor, note=note, request=request)
    else:
        extension.decision = ExtensionRequest.Decision.REFUSED
        extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note.strip()
        extension.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
        event_write(
            complaint=complaint,
            actor=actor,
            request=request,
            kind=ComplaintEvent.Kind.EXTENSION_REFUSED,
            note=f"Extension refused: the MCO's answer date stays. {note}".strip(),
            shared_with_provider=True,
        )
        if extension.party == ExtensionRequest.Party.MCO:
            notify_mco(complaint=complaint, kind="complaints.mco_extension_decided")
    if extension.party == ExtensionRequest.Party.PROVIDER:  # (a granted one moved the MCO's date: it was told)
        notify_submitter(complaint=complaint, kind="complaints.extension_decided", request=request)
    return extension


# --- The provider's reply ---------------------------------------------------------------------------------------


def proposal_reply_deadline(proposal: MCOProposal) -> date:
    """The last day the filer can accept or dispute a submitted proposal."""
    submitted = timezone.localtime(proposal.submitted_at).date()
    return clock.add_business_days(submitted, settings.PORTAL_PROVIDER_REPLY_BUSINESS_DAYS)


@transaction.atomic
def proposal_reply(
    *, complaint: Complaint, actor: User, accept: bool, reason: str = "", request: HttpRequest | None = None
) -> MCOProposal:
    """The representative who filed accepts or disputes (with a reason) the MCO's latest proposal, within
    PORTAL_PROVIDER_REPLY_BUSINESS_DAYS business days of it. The same answer twice is recorded once."""
    ensure_filer(complaint=complaint, actor=actor, doing="answer the MCO's proposal")
    reply = MCOProposal.Reply.ACCEPTED if accept else MCOProposal.Reply.DISPUTED
    if not accept and not reason.strip():
        raise ValidationError({"reason": "Say why you dispute the MCO's proposal."})
    complaint = _locked(complaint)
    proposal = (
        MCOProposal.objects.select_for_update()
        .filter(complaint_id=complaint.pk, round=complaint.mco_round, submitted_at__isnull=False)
        .exclude(outcome=MCOProposal.Outcome.MISDIRECTED)
        .first()
    )
    if proposal is None or not complaint.is_open:
        raise ValidationError("There is no proposal from the MCO waiting for your answer.")
    if proposal.reply:
        if proposal.reply == reply:
            return proposal
        raise ValidationError(f"You have already {proposal.get_reply_display().lower()} this proposal.")
    if timezone.localdate() > proposal_reply_deadline(proposal):
        days = settings.PORTAL_PROVIDER_REPLY_BUSINESS_DAYS
        raise ValidationError(
            f"The {days} business days to reply have passed, so HFS will decide without your answer. "
            "You can still read the proposal."
        )
    proposal.reply, proposal.reply_reason = reply, "" if accept else reason.strip()
    proposal.replied_at, proposal.replied_by = timezone.now(), actor
    proposal.save(update_fields=["reply", "reply_reason", "replied_at", "replied_by"])
    event_write(
        complaint=complaint,
        actor=actor,
        request=request,
        kind=ComplaintEvent.Kind.PROVIDER_ACCEPTED if accept else ComplaintEvent.Kind.PROVIDER_DISPUTED,
        note="The provider accepted the MCO's proposal."
        if accept
        else f"The provider disputed the MCO's proposal: {reason.strip()}",
        shared_with_provider=True,
    )
    notify_assignee(complaint=complaint, kind="complaints.staff_provider_replied", actor=actor)
    return proposal


# --- Clocks and reminders ---------------------------------------------------------------------------------------


def mco_days_left(complaint: Complaint, today: date | None = None) -> dict[str, object]:
    """The MCO's clock for its pages: the due date, calendar and business days left (negative once overdue),
    whether it is overdue, and the extension's state ("none", "pending", "granted" or "refused")."""
    today = today or timezone.localdate()
    due = complaint.mco_answer_due
    decision = (
        ExtensionRequest.objects.filter(complaint_id=complaint.pk).values_list("decision", flat=True).first() or "none"
    )
    if complaint.mco_extension_granted:
        decision = ExtensionRequest.Decision.GRANTED
    return {
        "due": due,
        "calendar_days_left": (due - today).days if due else None,
        "business_days_left": clock.business_days_until(today, due) if due else None,
        "overdue": clock.is_overdue(due, today=today),
        "extension": str(decision),
    }


_NOTICE_ROUNDS = ("mco_due_soon_notice_round", "mco_overdue_notice_round")


def mco_deadline_notices_send(*, today: date | None = None) -> int:
    """Tell the MCO's users about complaints waiting for its answer that are due within PORTAL_MCO_DUE_SOON_DAYS
    calendar days, and those overdue: each notice once per round (marked under the row lock, so two runs at once
    send it once). Read through the queue's status index. Returns how many complaints got a notice."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.PORTAL_MCO_DUE_SOON_DAYS)
    waiting = Complaint.objects.filter(
        status=ComplaintStatus.AWAITING_MCO, settled=False, next_due__lte=horizon, presented_at__isnull=False
    )
    owed = (clock.not_overdue_q("next_due", today=today) & Q(mco_due_soon_notice_round__lt=F("mco_round"))) | (
        clock.overdue_q("next_due", today=today) & Q(mco_overdue_notice_round__lt=F("mco_round"))
    )
    candidates = list(waiting.filter(owed).order_by().values_list("pk", flat=True))
    told = 0
    for pk in candidates:
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update()
                .filter(pk=pk, status=ComplaintStatus.AWAITING_MCO)
                .only("pk", "mco_id", "mco_round", "mco_answer_due", *_NOTICE_ROUNDS)
                .first()
            )
            if complaint is None or complaint.mco_answer_due is None:
                continue
            kind = _deadline_notice(complaint, today=today)
            if kind is None:
                continue
            notify_mco(complaint=complaint, kind=kind)
            told += 1
    return told


def _deadline_notice(complaint: Complaint, *, today: date) -> str | None:
    """Which reminder this complaint is owed now, marking it sent for the round (the row is locked): overdue, or
    due soon. An overdue complaint that never had its "due soon" notice gets only the overdue one."""
    if clock.is_overdue(complaint.mco_answer_due, today=today):
        if complaint.mco_overdue_notice_round >= complaint.mco_round:
            return None
        complaint.mco_overdue_notice_round = complaint.mco_due_soon_notice_round = complaint.mco_round
        complaint.save(update_fields=list(_NOTICE_ROUNDS))
        return "complaints.mco_overdue"
    if complaint.mco_due_soon_notice_round >= complaint.mco_round:
        return None
    complaint.mco_due_soon_notice_round = complaint.mco_round
    complaint.save(update_fields=["mco_due_soon_notice_round"])
    return "complaints.mco_due_soon"
