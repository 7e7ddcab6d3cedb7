"""Email kinds of complaints. No PHI: the reference, the MCO, the status and a link to sign in (DESIGN §6.5)."""

from django.conf import settings
from django.urls import reverse

from complaints.models import Complaint, ExtensionRequest, MCOProposal
from portal.models import OutboundEmail
from portal.outbox import Message, register


def _context(email: OutboundEmail) -> dict[str, object]:
    complaint = Complaint.objects.select_related("mco").get(pk=email.object_id)
    return {
        "reference": complaint.reference,
        "mco": complaint.mco.name,
        "status": complaint.get_status_display(),
        "expedited": complaint.expedited,
        "path": reverse("complaints:detail", args=[complaint.public_id]),
    }


@register("complaints.acknowledgement")
def acknowledgement(email: OutboundEmail) -> Message:
    context = _context(email)
    return Message(f"We received complaint {context['reference']}", "complaints/acknowledgement", context)


@register("complaints.withdrawn")
def withdrawn(email: OutboundEmail) -> Message:
    context = _context(email)
    return Message(f"Complaint {context['reference']} is withdrawn", "complaints/withdrawn", context)


NEXT_STEPS = {
    "not_submitted_to_mco_first": "Send the issue to the MCO through its provider dispute process first, keep its "
    "tracking number, and file again here if the MCO does not resolve it (no sooner than 30 days after filing with "
    "the MCO).",
    "outside_filing_window": "File within 60 days of filing with the MCO, or within 30 days of the MCO's answer.",
    "fee_for_service": "Fee-for-Service issues are handled by phone: call HFS at 877-782-5565.",
    "medicare_only": "Contact Medicare or the member's Medicare plan.",
    "duplicate": "Follow the earlier complaint about the same issue in the portal.",
    "incomplete": "File a new complaint with the missing information.",
    "multiple_mcos_or_topics": "File one complaint for each MCO and each topic.",
    "wrong_mco": "File a new complaint against the MCO that covers the member or the claim. The link below starts "
    "one with this complaint's details filled in; choose the right MCO.",
}


@register("complaints.closed")
def closed(email: OutboundEmail) -> Message:
    context = _context(email)
    complaint = Complaint.objects.get(pk=email.object_id)
    context["reason"] = complaint.get_closure_reason_display()
    context["next_step"] = NEXT_STEPS.get(complaint.closure_reason, "Sign in to read more.")
    if complaint.closure_reason == Complaint.ClosureReason.WRONG_MCO:  # a complaint's MCO never changes: file anew
        context["another_path"] = f"{reverse('complaints:another')}?from={complaint.public_id}"
    return Message(f"Complaint {context['reference']} is closed", "complaints/closed", context)


@register("complaints.info_requested")
def info_requested(email: OutboundEmail) -> Message:
    context = _context(email)
    return Message(
        f"HFS needs information about complaint {context['reference']}", "complaints/info_requested", context
    )


@register("complaints.resolved")
def resolved(email: OutboundEmail) -> Message:
    context = _context(email)
    return Message(f"There is an outcome for complaint {context['reference']}", "complaints/resolved", context)


def _mco_path(complaint: Complaint) -> str:
    """The complaint's page on the MCO's side (DESIGN §9: /mco/ and below)."""
    return f"/mco/{complaint.public_id}/"


def _long_date(day) -> str:  # type: ignore[no-untyped-def]
    return day.strftime("%B %-d, %Y") if day else ""


@register("complaints.mco_notice")
def mco_notice(email: OutboundEmail) -> Message:
    """To the MCO's users and notice address: the reference and the representative's name (R5), no PHI."""
    complaint = Complaint.objects.select_related("mco", "organization").get(pk=email.object_id)
    context = {
        "reference": complaint.reference,
        "mco": complaint.mco.name,
        "representative_name": complaint.representative_name,
        "organization": complaint.organization.legal_name,
        "again": complaint.mco_round > 1,
        "answer_days": settings.PORTAL_MCO_ANSWER_DAYS,
        "answer_due": _long_date(complaint.mco_answer_due),
        "path": _mco_path(complaint),
    }
    subject = f"HFS provider complaint {complaint.reference}" + (" is sent back to you" if context["again"] else "")
    return Message(subject, "complaints/mco_notice", context)


@register("complaints.systemic_mco_notice")
def systemic_mco_notice(email: OutboundEmail) -> Message:
    """To the MCO's users and notice address: one notice for a systemic issue — its number, the topic and the
    references of the complaints presented with it (as recorded then, whenever the email goes), each to answer in
    the portal as usual. No titles, no summaries, no PHI (staff write those)."""
    from complaints.systemic_models import SystemicIssue

    issue = SystemicIssue.objects.select_related("mco", "category").get(pk=email.object_id)
    complaints = list(
        Complaint.objects.filter(systemic_links__issue=issue, systemic_links__presented_at__isnull=False)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    context = {
        "issue": issue.pk,
        "mco": issue.mco.name,
        "topic": issue.category.name,
        "references": complaints,
        "answer_days": settings.PORTAL_MCO_ANSWER_DAYS,
        "path": "/mco/",
    }
    return Message(
        f"HFS presents {len(complaints)} provider complaints as one case", "complaints/systemic_mco_notice", context
    )


@register("complaints.systemic_mco_no_answer_needed")
def systemic_mco_no_answer_needed(email: OutboundEmail) -> Message:
    """To the MCO's users and notice address, once per issue: HFS resolved the issue, so the complaints of it the MCO
    was still to answer need no answer. References only."""
    from complaints.systemic_models import SystemicIssue

    issue = SystemicIssue.objects.select_related("mco", "category").get(pk=email.object_id)
    references = list(
        Complaint.objects.filter(systemic_links__issue=issue, systemic_links__mco_released=True)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    context = {"issue": issue.pk, "mco": issue.mco.name, "topic": issue.category.name, "references": references}
    subject = f"HFS systemic issue {issue.pk}: no answer needed"
    return Message(subject, "complaints/systemic_mco_no_answer_needed", context)


def _mco_context(email: OutboundEmail) -> dict[str, object]:
    complaint = Complaint.objects.select_related("mco").get(pk=email.object_id)
    return {
        "reference": complaint.reference,
        "mco": complaint.mco.short_name,
        "answer_due": _long_date(complaint.mco_answer_due),
        "path": _mco_path(complaint),
    }


@register("complaints.mco_due_soon")
def mco_due_soon(email: OutboundEmail) -> Message:
    context = _mco_context(email)
    return Message(f"Your answer to complaint {context['reference']} is due soon", "complaints/mco_due_soon", context)


@register("complaints.mco_overdue")
def mco_overdue(email: OutboundEmail) -> Message:
    context = _mco_context(email)
    return Message(f"Your answer to complaint {context['reference']} is overdue", "complaints/mco_overdue", context)


@register("complaints.mco_no_answer_needed")
def mco_no_answer_needed(email: OutboundEmail) -> Message:
    """To the MCO's users: a complaint waiting for their answer was closed (by HFS, or withdrawn by the provider)."""
    context = _mco_context(email)
    return Message(
        f"Complaint {context['reference']} no longer needs your answer", "complaints/mco_no_answer_needed", context
    )


def _extension_decided(email: OutboundEmail, *, path: str | None = None) -> Message:
    context = _context(email)
    extension = ExtensionRequest.objects.select_related("complaint__mco").get(complaint_id=email.object_id)
    complaint = extension.complaint
    context.update(
        mco=complaint.mco.short_name,
        granted=extension.decision == ExtensionRequest.Decision.GRANTED,
        answer_due=_long_date(complaint.mco_answer_due),
        path=path or context["path"],
    )
    return Message(
        f"Extension {extension.decision} for complaint {complaint.reference}", "complaints/extension_decided", context
    )


@register("complaints.extension_decided")
def extension_decided(email: OutboundEmail) -> Message:
    """To the representative who asked (contact_email)."""
    return _extension_decided(email)


@register("complaints.mco_extension_decided")
def mco_extension_decided(email: OutboundEmail) -> Message:
    """To the MCO's users (they asked, or their answer date moved)."""
    complaint = Complaint.objects.only("public_id").get(pk=email.object_id)
    return _extension_decided(email, path=_mco_path(complaint))


@register("complaints.proposal_arrived")
def proposal_arrived(email: OutboundEmail) -> Message:
    """To the representative who filed: the MCO's proposal is in the portal, and until when to answer it."""
    from complaints.services.mco import proposal_reply_deadline

    context = _context(email)
    proposal = (
        MCOProposal.objects.filter(complaint_id=email.object_id, submitted_at__isnull=False).order_by("-round").first()
    )
    context["reply_by"] = _long_date(proposal_reply_deadline(proposal)) if proposal else ""
    context["reply_days"] = settings.PORTAL_PROVIDER_REPLY_BUSINESS_DAYS
    return Message(f"The MCO answered complaint {context['reference']}", "complaints/proposal_arrived", context)


# Notes to the assigned HFS staff member: what happened, and the complaint's page in the staff admin.
STAFF_NOTES = {
    "complaints.staff_mco_answered": "The MCO answered complaint {reference}",
    "complaints.staff_extension_requested": "An extension is asked for on complaint {reference}",
    "complaints.staff_provider_replied": "The provider answered the MCO's proposal on complaint {reference}",
}


def _staff_note(email: OutboundEmail) -> Message:
    complaint = Complaint.objects.select_related("mco").get(pk=email.object_id)
    proposal = complaint.proposals.filter(round=complaint.mco_round).first()
    context = {
        "reference": complaint.reference,
        "mco": complaint.mco.short_name,
        "what": STAFF_NOTES[email.kind].format(reference=complaint.reference),
        "misdirected": bool(proposal and proposal.outcome == MCOProposal.Outcome.MISDIRECTED)
        and email.kind == "complaints.staff_mco_answered",
        "reply": proposal.get_reply_display().lower() if proposal and proposal.reply else "",
        "path": reverse("admin:complaints_complaint_change", args=[complaint.pk]),
    }
    return Message(context["what"], "complaints/staff_note", context)


for _kind in STAFF_NOTES:
    register(_kind)(_staff_note)


@register("complaints.staff_digest")
def staff_digest(email: OutboundEmail) -> Message:
    """For HFS staff: references only (no PHI), overdue first."""
    from django.utils import timezone

    from complaints import selectors_staff

    # The queue's own definitions of overdue and due (the same as its filter, complaints.clock), read from its index.
    today = timezone.localdate()
    queue = selectors_staff.complaint_queue()
    # Overdue answers of the MCO are in it (next_due is the MCO's answer date while HFS waits for it), marked so.
    columns = ("reference", "next_due", "expedited", "status")
    overdue = list(selectors_staff.overdue(queue, today=today).values_list(*columns))
    tomorrow = today + timezone.timedelta(days=1)
    due_soon = list(selectors_staff.due_soon(queue, tomorrow, today=today).values_list(*columns))
    context = {
        "overdue": overdue,
        "due_soon": due_soon,
        "waiting_for_mco": Complaint.Status.AWAITING_MCO,
        "path": "/admin/complaints/complaint/?due=overdue",
    }
    subject = f"{len(overdue)} complaint(s) overdue, {len(due_soon)} due by tomorrow"
    return Message(subject, "complaints/staff_digest", context)
