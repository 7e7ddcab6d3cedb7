"""Systemic issues (DESIGN §12): the signals the detector raises, and the issues staff make of them. HFS triage
staff only.

Every write is one transaction with its audit row. What happens to a linked complaint goes through that
complaint's own verbs (services/triage.py): each gets its own event, each filing representative their own notice
(R6) — never a word about other providers. The MCO gets one notice for the whole issue.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import MCO, User
from complaints import detection
from complaints.models import Category, Complaint, ComplaintEvent, ComplaintStatus
from complaints.services.triage import complaint_forward_to_mco, complaint_resolve
from complaints.services.workflow import ensure_staff, event_write, mco_addresses, transition
from complaints.systemic_models import Signal, SystemicIssue, SystemicIssueLink
from portal import outbox

S = ComplaintStatus


def last_whole_week(today: date | None = None) -> date:
    """The Monday of the last week that has ended."""
    return detection.week_of(today or timezone.localdate()) - timedelta(weeks=1)


@transaction.atomic
def signals_detect(*, week: date | None = None) -> list[Signal]:
    """A signal for each MCO and category either rule (complaints.detection) finds in ``week`` (a Monday; by
    default the last whole week), with the complaints behind it. A week looked at again raises nothing twice."""
    week = detection.week_of(week) if week else last_whole_week()
    if week > last_whole_week():
        raise ValidationError(
            f"The week of {week:%-d %B %Y} has not ended: its signals would miss the complaints still to come."
        )
    found = detection.week_findings(week)
    shared = detection.week_shared_dates(week)
    mcos = MCO.objects.in_bulk({f.mco_id for f in found} | {f.mco_id for f in shared})
    categories = Category.objects.in_bulk({f.category_id for f in found} | {f.category_id for f in shared})
    raised = []
    for finding in found:
        signal, created = Signal.objects.get_or_create(
            rule=Signal.Rule.VOLUME,
            mco_id=finding.mco_id,
            category_id=finding.category_id,
            week_start=week,
            defaults={
                "observed": finding.observed,
                "expected": finding.expected,
                "limit": finding.limit,
                "organizations": finding.organizations,
                "p_value": finding.p_value,
                "why": detection.why(finding, mcos[finding.mco_id].name, categories[finding.category_id].name),
            },
        )
        if not created:
            continue
        start = detection.start_of(week)
        behind = Complaint.objects.filter(
            mco_id=finding.mco_id,
            category_id=finding.category_id,
            submitted_at__gte=start,
            submitted_at__lt=start + timedelta(days=7),
        )
        signal.complaints.set(behind.values_list("id", flat=True))
        audit_record(actor=None, action="signal.raised", obj=signal)
        raised.append(signal)
    for pattern in shared:
        raised_before = Signal.objects.filter(
            rule=Signal.Rule.SHARED_DATES,
            mco_id=pattern.mco_id,
            category_id=pattern.category_id,
            shared_day=pattern.day,
            week_start__lt=week,
            week_start__gte=week - timedelta(weeks=settings.PORTAL_SIGNAL_SHARED_DATES_WEEKS),
        )
        if raised_before.exists():  # the same pattern, grown since: its first signal stands
            continue
        signal, created = Signal.objects.get_or_create(
            rule=Signal.Rule.SHARED_DATES,
            mco_id=pattern.mco_id,
            category_id=pattern.category_id,
            week_start=week,
            defaults={
                "observed": len(pattern.complaint_ids),
                "organizations": pattern.organizations,
                "shared_day": pattern.day,
                "why": detection.why_shared(pattern, mcos[pattern.mco_id].name, categories[pattern.category_id].name),
            },
        )
        if created:
            signal.complaints.set(pattern.complaint_ids)
            audit_record(actor=None, action="signal.raised", obj=signal)
            raised.append(signal)
    return raised


def _state_words(row: Signal | SystemicIssue) -> str:
    """A state in a sentence: "dismissed", "presented to the MCO" (acronyms keep their capitals)."""
    label = row.get_state_display()
    return label[:1].lower() + label[1:]


def _locked_signal(signal: Signal) -> Signal:
    # Only the signal's row: locking the joined MCO and category would hold up every complaint filed against them.
    return Signal.objects.select_for_update(of=("self",)).select_related("mco", "category").get(pk=signal.pk)


@transaction.atomic
def signal_review(*, signal: Signal, actor: User, request: HttpRequest | None = None) -> Signal:
    """Mark a new signal as looked at (it stays on the list, out of the new ones)."""
    ensure_staff(actor)
    signal = _locked_signal(signal)
    if signal.state != Signal.State.NEW:
        raise ValidationError(f"This signal is already {_state_words(signal)}.")
    signal.state = Signal.State.REVIEWED
    signal.save(update_fields=["state"])
    audit_record(actor=actor, action="signal.reviewed", obj=signal, request=request)
    return signal


@transaction.atomic
def signal_dismiss(*, signal: Signal, actor: User, reason: str, request: HttpRequest | None = None) -> Signal:
    """Dismiss a signal, saying why (kept, with the reason, for the next person who sees the same pattern)."""
    ensure_staff(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the signal is dismissed."})
    signal = _locked_signal(signal)
    if signal.state in (Signal.State.DISMISSED, Signal.State.ISSUE):
        raise ValidationError(f"This signal is already {_state_words(signal)}.")
    signal.state, signal.dismissed_reason = Signal.State.DISMISSED, reason.strip()[:400]
    signal.save(update_fields=["state", "dismissed_reason"])
    audit_record(actor=actor, action="signal.dismissed", obj=signal, request=request)
    return signal


def _references(complaints: list[Complaint]) -> str:
    return ", ".join(complaint.reference for complaint in complaints)


@transaction.atomic
def issue_create(
    *,
    actor: User,
    title: str,
    complaints: list[Complaint],
    summary: str = "",
    signal: Signal | None = None,
    request: HttpRequest | None = None,
) -> SystemicIssue:
    """A systemic issue linking open complaints of one MCO and one category. Refused, naming them, for complaints
    already settled or already in another open issue (a complaint is in at most one open issue)."""
    ensure_staff(actor)
    if not title.strip():
        raise ValidationError({"title": "Give the issue a short title."})
    ids = sorted({complaint.pk for complaint in complaints})
    if not ids:
        raise ValidationError("Choose at least one open complaint for the issue.")
    locked = list(Complaint.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len({complaint.mco_id for complaint in locked}) > 1:
        raise ValidationError("The complaints name more than one MCO: a systemic issue is about one MCO.")
    if len({complaint.category_id for complaint in locked}) > 1:
        raise ValidationError("The complaints are about more than one topic: a systemic issue is about one topic.")
    settled = [complaint for complaint in locked if complaint.status in (S.RESOLVED, S.CLOSED)]
    if settled:
        raise ValidationError(f"Already resolved or closed, so not part of a new issue: {_references(settled)}.")
    taken = list(
        SystemicIssueLink.objects.filter(complaint_id__in=ids, open=True)
        .select_related("complaint")
        .order_by("complaint_id")
    )
    if taken:
        listed = "; ".join(f"{link.complaint.reference} (systemic issue {link.issue_id})" for link in taken)
        raise ValidationError(f"Already in another open systemic issue: {listed}.")
    first = locked[0]
    issue = SystemicIssue.objects.create(
        title=title.strip()[:150],
        summary=summary.strip(),
        mco_id=first.mco_id,
        category_id=first.category_id,
        created_by=actor,
    )
    SystemicIssueLink.objects.bulk_create(SystemicIssueLink(issue=issue, complaint=c) for c in locked)
    for complaint in locked:
        event_write(
            complaint=complaint,
            actor=actor,
            request=request,
            kind=ComplaintEvent.Kind.NOTE,
            note=f"Linked to systemic issue {issue.pk}.",
        )
    audit_record(actor=actor, action="systemic_issue.created", obj=issue, request=request)
    if signal is not None:
        signal = _locked_signal(signal)
        if signal.state == Signal.State.ISSUE:
            raise ValidationError(f"This signal is already systemic issue {signal.issue_id}.")
        signal.state, signal.issue = Signal.State.ISSUE, issue
        signal.save(update_fields=["state", "issue"])
        audit_record(actor=actor, action="signal.turned_into_issue", obj=signal, request=request)
        _siblings_join(signal, issue, actor=actor, request=request)
    return issue


def _siblings_join(signal: Signal, issue: SystemicIssue, *, actor: User, request: HttpRequest | None) -> None:
    """The other rule's signal of the same MCO, topic and week, when each of its open complaints is now in the
    issue, is the same pattern: it joins the issue rather than stay new with nothing left to make of it."""
    linked = set(issue.links.values_list("complaint_id", flat=True))
    siblings = Signal.objects.select_for_update(of=("self",)).filter(
        mco_id=signal.mco_id,
        category_id=signal.category_id,
        week_start=signal.week_start,
        state__in=[Signal.State.NEW, Signal.State.REVIEWED],
    )
    for sibling in siblings.exclude(pk=signal.pk):
        still_open = set(sibling.complaints.filter(settled=False).values_list("pk", flat=True))
        if still_open <= linked:
            sibling.state, sibling.issue = Signal.State.ISSUE, issue
            sibling.save(update_fields=["state", "issue"])
            audit_record(actor=actor, action="signal.turned_into_issue", obj=sibling, request=request)


@transaction.atomic
def issue_from_signal(
    *, signal: Signal, actor: User, title: str = "", summary: str = "", request: HttpRequest | None = None
) -> SystemicIssue:
    """Turn a signal into a systemic issue with its complaints that are still open and in no other open issue."""
    ensure_staff(actor)
    locked = _locked_signal(signal)
    if locked.state in (Signal.State.ISSUE, Signal.State.DISMISSED):
        raise ValidationError(f"This signal is already {_state_words(locked)}.")
    eligible = list(
        locked.complaints.filter(settled=False).exclude(systemic_links__open=True).order_by("pk").distinct()
    )
    if not eligible:
        raise ValidationError("None of the signal's complaints is still open and outside another systemic issue.")
    title = title.strip() or f"{locked.mco.short_name}: {locked.category.name}, week of {locked.week_start:%-d %B %Y}"
    return issue_create(
        actor=actor, title=title, summary=summary or locked.why, complaints=eligible, signal=locked, request=request
    )


def _locked_issue(issue: SystemicIssue) -> SystemicIssue:
    return SystemicIssue.objects.select_for_update(of=("self",)).select_related("mco").get(pk=issue.pk)


def _open_complaints(issue: SystemicIssue) -> list[Complaint]:
    ids = issue.links.filter(open=True).values_list("complaint_id", flat=True)
    return list(Complaint.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk"))


@dataclass
class Presented:
    issue: SystemicIssue
    forwarded: list[str]  # references sent to the MCO now (their clocks started)
    already: list[str]  # already with the MCO
    not_sent: list[str]  # "reference (why not)": not triaged, answered by the MCO, waiting for the provider
    no_address: bool = False  # the MCO has no notice address and no portal users: staff must tell it another way


# Why a linked complaint is not sent with the issue (each is handled on its own first).
_NOT_SENT = {
    S.SUBMITTED: "not triaged yet: take it into review first",
    S.IN_REVIEW: "the MCO has answered it: send it back on its own if needed",
    S.AWAITING_PROVIDER: "waiting for the provider",
}


@transaction.atomic
def issue_present_to_mco(*, issue: SystemicIssue, actor: User, request: HttpRequest | None = None) -> Presented:
    """Present the issue to the MCO as one case: each linked complaint in review and never sent to the MCO is
    forwarded through the normal verb (its clock starts, its event is written, the representative sees it was sent),
    and the MCO gets one notice listing the references of those and of the ones already with it (no PHI). Complaints
    not triaged yet, already answered by the MCO, or waiting for the provider are not sent (``Presented`` says which
    and why); with none to send, nothing is done."""
    ensure_staff(actor)
    issue = _locked_issue(issue)
    if issue.state != SystemicIssue.State.OPEN:
        raise ValidationError(f"This issue is already {_state_words(issue)}.")
    result = Presented(issue, [], [], [])
    presented = []
    for complaint in _open_complaints(issue):
        if complaint.status == S.IN_REVIEW and complaint.mco_round == 0:
            complaint_forward_to_mco(complaint=complaint, actor=actor, notify=False, request=request)
            result.forwarded.append(complaint.reference)
            presented.append(complaint)
        elif complaint.status == S.AWAITING_MCO:
            result.already.append(complaint.reference)
            presented.append(complaint)
        else:
            result.not_sent.append(f"{complaint.reference} ({_NOT_SENT.get(complaint.status, 'settled')})")
    if not result.forwarded:
        listed = "; ".join(
            part
            for part in (
                f"already with the MCO: {', '.join(result.already)}" if result.already else "",
                f"not sent: {', '.join(result.not_sent)}" if result.not_sent else "",
            )
            if part
        )
        raise ValidationError(f"None of the issue's complaints is waiting for HFS to send it to the MCO ({listed}).")
    addresses = mco_addresses(mco_id=issue.mco_id, also=issue.mco.notification_email)
    now = timezone.now()
    issue.links.filter(complaint__in=presented).update(presented_at=now)  # what the notice lists, whenever sent
    for address in addresses:
        outbox.enqueue(kind="complaints.systemic_mco_notice", object_id=issue.pk, to_email=address)
    if not addresses:
        result.no_address = True
        for complaint in presented:
            event_write(
                complaint=complaint,
                actor=actor,
                request=request,
                kind=ComplaintEvent.Kind.NOTE,
                note="The MCO has no notice address on file: send the notice another way.",
            )
    issue.state, issue.presented_at = SystemicIssue.State.PRESENTED, now
    issue.save(update_fields=["state", "presented_at"])
    audit_record(actor=actor, action="systemic_issue.presented", obj=issue, request=request)
    return result


@transaction.atomic
def issue_record_corrective_action(
    *, issue: SystemicIssue, actor: User, corrective_action: str, request: HttpRequest | None = None
) -> SystemicIssue:
    """Record what the MCO says it changed (a rule fixed, claims reprocessed)."""
    ensure_staff(actor)
    if not corrective_action.strip():
        raise ValidationError({"corrective_action": "Write the MCO's corrective action."})
    issue = _locked_issue(issue)
    if issue.state == SystemicIssue.State.RESOLVED:
        raise ValidationError("This issue is already resolved.")
    issue.corrective_action, issue.corrective_action_at = corrective_action.strip(), timezone.now()
    issue.save(update_fields=["corrective_action", "corrective_action_at"])
    audit_record(actor=actor, action="systemic_issue.corrective_action", obj=issue, request=request)
    return issue


@transaction.atomic
def issue_resolve(
    *,
    issue: SystemicIssue,
    actor: User,
    outcome_code: str,
    outcome_text: str,
    request: HttpRequest | None = None,
) -> SystemicIssue:
    """Resolve every linked open complaint with one outcome, each through the normal resolve verb (its own event
    and its own notice to its representative's contact address), then the issue. A complaint with the MCO or the
    provider first comes back into review (an internal event saying why)."""
    ensure_staff(actor)
    if outcome_code not in Complaint.OutcomeCode.values:
        raise ValidationError({"outcome_code": "Choose the outcome."})
    if not outcome_text.strip():
        raise ValidationError({"outcome_text": "Write the outcome the representatives will read."})
    issue = _locked_issue(issue)
    if issue.state == SystemicIssue.State.RESOLVED:
        raise ValidationError("This issue is already resolved.")
    no_answer_needed: list[int] = []  # complaints the MCO was still to answer
    for complaint in _open_complaints(issue):
        if complaint.status in (S.RESOLVED, S.CLOSED):
            continue
        if complaint.status != S.IN_REVIEW:
            waiting_for_mco = complaint.status == S.AWAITING_MCO
            complaint, _ = transition(
                complaint=complaint,
                actor=actor,
                request=request,
                to_status=S.IN_REVIEW,
                shared=False,
                note=f"Back in review to be resolved with systemic issue {issue.pk}.",
            )
            if waiting_for_mco:
                no_answer_needed.append(complaint.pk)
        complaint_resolve(
            complaint=complaint, actor=actor, outcome_code=outcome_code, outcome_text=outcome_text, request=request
        )
    if no_answer_needed:  # the MCO was working on its answers: it need not (one notice, as for presenting)
        issue.links.filter(complaint_id__in=no_answer_needed).update(mco_released=True)
        for address in mco_addresses(mco_id=issue.mco_id, also=issue.mco.notification_email):
            outbox.enqueue(kind="complaints.systemic_mco_no_answer_needed", object_id=issue.pk, to_email=address)
    issue.links.filter(open=True).update(open=False)
    issue.state, issue.resolved_at = SystemicIssue.State.RESOLVED, timezone.now()
    issue.outcome_code, issue.outcome_text = outcome_code, outcome_text.strip()
    issue.save(update_fields=["state", "resolved_at", "outcome_code", "outcome_text"])
    audit_record(actor=actor, action="systemic_issue.resolved", obj=issue, request=request)
    return issue
