"""Filing (DESIGN §4.3, §4.4): the draft's checks, submitting, withdrawing, answering HFS's request for
information, and recording a view. Each verb runs in one transaction, writes its ComplaintEvent in it (the workflow
core, complaints/services/workflow.py) and emails through the outbox after commit (STYLE.md)."""

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import MCO, ProviderOrganization, Representative, User
from accounts.selectors import representative_forget, representative_get_active
from complaints import clock, policy, rules, workflow
from complaints.models import (
    AffectedClaim,
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    ReferenceCounter,
)
from complaints.services.workflow import ensure_filer, event_write, notify_mco, notify_submitter, transition


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


def _next_reference(*, year: int) -> str:
    counter = ReferenceCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:  # the year's first complaint (two at once: get_or_create lets one of them create it)
        ReferenceCounter.objects.get_or_create(year=year)
        counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"MCO-{year}-{counter.last_number:06d}"


def _claim_draft_files(*, draft_key: uuid.UUID, user: User, complaint: Complaint, event: ComplaintEvent) -> None:
    """The files ``user`` attached to the form sent with ``draft_key`` now belong to the complaint and its event."""
    Attachment.objects.filter(draft_key=draft_key, uploaded_by=user, complaint__isnull=True).update(
        complaint=complaint, event=event, draft_key=None
    )


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
    event = event_write(
        complaint=complaint,
        actor=user,
        request=request,
        kind=ComplaintEvent.Kind.SUBMITTED,
        to_status=ComplaintStatus.SUBMITTED,
        shared_with_provider=True,
        created_at=now,
    )
    _claim_draft_files(draft_key=idempotency_key, user=user, complaint=complaint, event=event)
    # The filer's designation for this organization was read above (filing_representative).
    notify_submitter(complaint=complaint, kind="complaints.acknowledgement", request=request, filer_checked=True)
    audit_record(actor=user, action="complaint.submitted", obj=complaint, request=request)
    return complaint


@transaction.atomic
def complaint_withdraw(
    *, complaint: Complaint, actor: User, note: str = "", request: HttpRequest | None = None
) -> Complaint:
    """The submitter withdraws a complaint that is not yet resolved or closed. Emails the submitter."""
    ensure_filer(complaint=complaint, actor=actor, doing="withdraw it")
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if current.status not in workflow.WITHDRAWABLE:
        raise ValidationError("This complaint is already resolved or closed, so it cannot be withdrawn.")
    complaint, event = transition(
        complaint=current,
        actor=actor,
        to_status=ComplaintStatus.CLOSED,
        request=request,
        kind=ComplaintEvent.Kind.WITHDRAWN,
        note=note,
        closure_reason=Complaint.ClosureReason.WITHDRAWN_BY_PROVIDER,
    )
    notify_submitter(complaint=complaint, kind="complaints.withdrawn", request=request)
    if event.from_status == ComplaintStatus.AWAITING_MCO:  # the MCO was working on its answer: it need not
        notify_mco(complaint=complaint, kind="complaints.mco_no_answer_needed")
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
    ensure_filer(complaint=complaint, actor=actor, doing="answer for it")
    if not note.strip():
        raise ValidationError({"note": "Write your answer to HFS's question."})
    current = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if answer_key is not None and current.events.filter(idempotency_key=answer_key).exists():
        return current
    if current.status != ComplaintStatus.AWAITING_PROVIDER:
        raise ValidationError("HFS is not waiting for an answer from you on this complaint.")
    complaint, event = transition(
        complaint=current,
        actor=actor,
        to_status=ComplaintStatus.IN_REVIEW,
        request=request,
        kind=ComplaintEvent.Kind.PROVIDER_ANSWERED,
        note=note,
        idempotency_key=answer_key,
    )
    if answer_key is not None:
        _claim_draft_files(draft_key=answer_key, user=actor, complaint=complaint, event=event)
    audit_record(actor=actor, action="complaint.answered", obj=complaint, request=request)
    return complaint


def complaint_record_view(*, complaint: Complaint, user: User, request: HttpRequest | None = None) -> None:
    """Record that ``user`` opened the complaint's details, which hold PHI (DESIGN §6.2)."""
    audit_record(actor=user, action="complaint.viewed", obj=complaint, request=request)
