"""HFS staff triage (DESIGN §4.4, §4.5): every action locks the row, checks the workflow table, writes its event
in the same transaction and emails through the outbox — the representative's notices only to contact_email (R6)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import roles
from accounts.audit import audit_record
from accounts.models import User
from complaints import clock
from complaints.models import Complaint, ComplaintEvent, ComplaintStatus, ExtensionRequest, MCOProposal
from complaints.services.attachments import files_delete
from complaints.services.workflow import (
    answer_arrived,
    ensure_staff,
    event_write,
    extension_grant,
    extension_open,
    filer_still_represents,
    notify_mco,
    notify_submitter,
    transition,
)
from complaints.wording import outcome_words
from portal import outbox


def _note(
    complaint: Complaint,
    actor: User,
    note: str,
    *,
    request: HttpRequest | None,
    shared: bool = False,
    kind: str = ComplaintEvent.Kind.NOTE,
) -> ComplaintEvent:
    return event_write(
        complaint=complaint, actor=actor, request=request, kind=kind, note=note.strip(), shared_with_provider=shared
    )


@transaction.atomic
def complaint_take(*, complaint: Complaint, actor: User, request: HttpRequest | None = None) -> Complaint:
    """Assign to oneself; a complaint still waiting for triage moves into review (the first response)."""
    ensure_staff(actor)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    complaint.assignee = actor
    complaint.save(update_fields=["assignee"])
    _note(complaint, actor, f"Assigned to {actor.full_name}.", request=request)
    if complaint.status == ComplaintStatus.SUBMITTED:
        complaint, _ = transition(
            complaint=complaint, actor=actor, request=request, to_status=ComplaintStatus.IN_REVIEW
        )
    return complaint


@transaction.atomic
def complaint_assign(
    *, complaint: Complaint, actor: User, assignee_email: str, request: HttpRequest | None = None
) -> Complaint:
    """Assign to a colleague in a triage group (recorded as an internal event)."""
    ensure_staff(actor)
    assignee = User.objects.filter(
        email=User.objects.normalize_email(assignee_email),
        is_active=True,
        is_staff=True,
        groups__name__in=roles.TRIAGE_GROUPS,
    ).first()
    if assignee is None:
        raise ValidationError({"assignee_email": "That is not an active HFS triage analyst or supervisor."})
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    complaint.assignee = assignee
    complaint.save(update_fields=["assignee"])
    _note(complaint, actor, f"Assigned to {assignee.full_name} by {actor.full_name}.", request=request)
    return complaint


@transaction.atomic
def complaint_set_expedited(
    *, complaint: Complaint, actor: User, expedited: bool, note: str = "", request: HttpRequest | None = None
) -> Complaint:
    """Expedite (R3) or not; the first-response clock follows while the complaint waits for triage."""
    ensure_staff(actor)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.expedited == expedited:
        return complaint
    complaint.expedited = expedited
    fields = ["expedited"]
    if complaint.status == ComplaintStatus.SUBMITTED:
        days = (
            settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS_EXPEDITED
            if expedited
            else settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS
        )
        complaint.first_response_due = clock.add_business_days(timezone.localtime(complaint.submitted_at).date(), days)
        fields.append("first_response_due")
    complaint.save(update_fields=fields)
    _note(complaint, actor, ("Expedited. " if expedited else "No longer expedited. ") + note, request=request)
    return complaint


@transaction.atomic
def complaint_close(
    *, complaint: Complaint, actor: User, reason: str, note: str = "", request: HttpRequest | None = None
) -> Complaint:
    """Close with a reason (R2: "not first submitted to the MCO" is one click). Tells the submitter why, and
    what to do next."""
    ensure_staff(actor)
    if reason not in Complaint.ClosureReason.values or reason == Complaint.ClosureReason.WITHDRAWN_BY_PROVIDER:
        raise ValidationError("Choose why the complaint is closed.")
    if reason == Complaint.ClosureReason.WRONG_MCO:
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        answered_misdirected = MCOProposal.objects.filter(
            complaint_id=complaint.pk,
            round=complaint.mco_round,
            submitted_at__isnull=False,
            outcome=MCOProposal.Outcome.MISDIRECTED,
        ).exists()
        if complaint.status != ComplaintStatus.IN_REVIEW or not answered_misdirected:
            raise ValidationError(
                "Close as filed against the wrong MCO only after the MCO answered, for this round, that it is not its "
                "member or not its complaint."
            )
    complaint, event = transition(
        complaint=complaint,
        actor=actor,
        request=request,
        to_status=ComplaintStatus.CLOSED,
        note=note,
        closure_reason=reason,
    )
    notify_submitter(complaint=complaint, kind="complaints.closed", request=request)
    if event.from_status == ComplaintStatus.AWAITING_MCO:  # the MCO was working on its answer: it need not
        notify_mco(complaint=complaint, kind="complaints.mco_no_answer_needed")
    return complaint


@transaction.atomic
def complaint_forward_to_mco(
    *, complaint: Complaint, actor: User, note: str = "", notify: bool = True, request: HttpRequest | None = None
) -> Complaint:
    """Present the complaint to the MCO — the first time, or again after its answer (a new round with its own
    proposal): the MCO's clock starts, and its users and notice address are told (the representative's name, R5;
    no PHI). From the first presentation on, the MCO's users see the complaint. ``notify=False``: the caller sends
    the MCO one notice for several complaints (a systemic issue, services/systemic.py)."""
    ensure_staff(actor)
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    today = timezone.localdate()
    complaint, _ = transition(
        complaint=locked,
        actor=actor,
        request=request,
        to_status=ComplaintStatus.AWAITING_MCO,
        note=note,
        shared=True,
        also={
            "presented_at": locked.presented_at or timezone.now(),
            "mco_round": locked.mco_round + 1,
            "forwarded_on": today,
            "mco_answer_due": clock.add_calendar_days(today, settings.PORTAL_MCO_ANSWER_DAYS),
        },
    )
    if notify and not notify_mco(
        complaint=complaint, kind="complaints.mco_notice", also=complaint.mco.notification_email
    ):
        _note(complaint, actor, "The MCO has no notice address on file: send the notice another way.", request=request)
    return complaint


@transaction.atomic
def complaint_record_mco_answer(
    *,
    complaint: Complaint,
    actor: User,
    note: str,
    outcome: str = "",
    extension: bool = False,
    request: HttpRequest | None = None,
) -> Complaint:
    """The MCO's answer came outside the portal: staff record it as this round's proposal (``outcome``, and the text
    the representative reads), marked as recorded by HFS — or its request for the one extension, granted at once.
    Under the same row lock as the MCO's own submit: refused once the MCO has answered in the portal."""
    ensure_staff(actor)
    if not note.strip():
        raise ValidationError({"note": "Write the MCO's answer or request."})
    if not extension and outcome not in MCOProposal.Outcome.values:
        raise ValidationError({"outcome": "Choose what the MCO answered."})
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    proposal = MCOProposal.objects.filter(complaint_id=complaint.pk, round=complaint.mco_round).first()
    if proposal is not None and proposal.is_submitted:
        raise ValidationError("The MCO has already sent its answer for this round in the portal.")
    if complaint.status != ComplaintStatus.AWAITING_MCO:
        raise ValidationError("HFS is not waiting for this MCO's answer: forward the complaint to the MCO first.")
    if extension:
        request_row = extension_open(
            complaint=complaint, party=ExtensionRequest.Party.MCO, reason=note, actor=actor, request=request
        )
        extension_grant(
            complaint=complaint, extension=request_row, actor=actor, note="Recorded by HFS.", request=request
        )
        return complaint
    if proposal is None:
        proposal = MCOProposal(complaint=complaint, round=complaint.mco_round, created_by=actor)
    elif files_delete(proposal.files.all()):
        # A draft the MCO had started is replaced by the answer it sent by other means. The draft's files were
        # never sent: they go (HFS and the provider never see them), rows now and stored copies after commit.
        audit_record(actor=actor, action="mco.proposal_draft_files_deleted", obj=proposal, request=request)
    proposal.outcome, proposal.text, proposal.recorded_by_hfs = outcome, note.strip(), True
    return answer_arrived(
        complaint=complaint,
        proposal=proposal,
        actor=actor,
        note=f"HFS recorded the MCO's answer, which came outside the portal. {outcome_words(outcome, 'provider')}",
        request=request,
    )


@transaction.atomic
def complaint_request_info(
    *, complaint: Complaint, actor: User, question: str, request: HttpRequest | None = None
) -> Complaint:
    """Ask the provider for information: a shared question; the submitter is emailed to sign in and answer."""
    ensure_staff(actor)
    if not question.strip():
        raise ValidationError({"question": "Write the question for the provider."})
    complaint, _ = transition(
        complaint=complaint,
        actor=actor,
        request=request,
        to_status=ComplaintStatus.AWAITING_PROVIDER,
        note=question,
        shared=True,
    )
    notify_submitter(complaint=complaint, kind="complaints.info_requested", request=request)
    return complaint


@transaction.atomic
def complaint_resolve(
    *, complaint: Complaint, actor: User, outcome_code: str, outcome_text: str, request: HttpRequest | None = None
) -> Complaint:
    """Resolve with an outcome code and the text the submitter reads in the portal; the email only says there is
    one (R6). Triage staff only."""
    ensure_staff(actor)
    if outcome_code not in Complaint.OutcomeCode.values:
        raise ValidationError({"outcome_code": "Choose the outcome."})
    if not outcome_text.strip():
        raise ValidationError({"outcome_text": "Write the outcome the representative will read."})
    complaint, _ = transition(
        complaint=complaint,
        actor=actor,
        request=request,
        to_status=ComplaintStatus.RESOLVED,
        also={"outcome_code": outcome_code, "outcome_text": outcome_text.strip()},
    )
    notify_submitter(complaint=complaint, kind="complaints.resolved", request=request)
    return complaint


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, actor: User, note: str, request: HttpRequest | None = None) -> Complaint:
    """Supervisors only: a resolved complaint goes back into review."""
    if not roles.is_supervisor(actor):
        raise PermissionDenied("Only an HFS supervisor can reopen a complaint.")
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not note.strip():
        raise ValidationError({"note": "Say why the complaint is reopened."})
    if complaint.status != ComplaintStatus.RESOLVED:
        raise ValidationError("Only a resolved complaint can be reopened.")
    complaint, _ = transition(
        complaint=complaint, actor=actor, request=request, to_status=ComplaintStatus.IN_REVIEW, note=note, shared=False
    )
    return complaint


def staff_digest_send() -> int:
    """The daily digest: each HFS staff member is emailed what is overdue or due tomorrow. Returns how many."""
    from django.contrib.auth.models import Group

    staff = User.objects.filter(
        is_active=True, is_staff=True, groups__in=Group.objects.filter(name__in=roles.TRIAGE_GROUPS)
    )
    recipients = list(staff.distinct())
    with transaction.atomic():
        for member in recipients:
            outbox.enqueue(kind="complaints.staff_digest", object_id=member.pk, to_email=member.email)
    return len(recipients)


@transaction.atomic
def complaint_transfer(
    *, complaint: Complaint, actor: User, to_email: str, request: HttpRequest | None = None
) -> Complaint:
    """Give a complaint to another active representative of its organization (the filer left). Their verified
    address becomes the contact (R6); a held notice is sent to them now. Recorded as an internal event."""
    from accounts.models import Representative

    ensure_staff(actor)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not complaint.held_notice and filer_still_represents(complaint):
        raise ValidationError("The representative who filed still represents the organization: R6 keeps it theirs.")
    designation = (
        Representative.objects.active()
        .select_related("user")
        .filter(organization_id=complaint.organization_id, user__email=User.objects.normalize_email(to_email))
        .first()
    )
    if designation is None:
        raise ValidationError({"to_email": "That person is not an active representative of this organization."})
    previous = complaint.representative_name
    complaint.submitted_by = designation.user
    complaint.contact_email = designation.user.email
    complaint.representative_name = designation.user.full_name
    held, complaint.held_notice = [kind for kind in complaint.held_notice.split(",") if kind], ""
    complaint.save(update_fields=["submitted_by", "contact_email", "representative_name", "held_notice"])
    _note(complaint, actor, f"Transferred from {previous} to {designation.user.full_name}.", request=request)
    for kind in held:  # every notice held while nobody could receive it, in order
        outbox.enqueue(kind=kind, object_id=complaint.pk, to_email=complaint.contact_email)
    return complaint
