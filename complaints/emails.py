"""Email kinds of complaints. No PHI: the reference, the MCO, the status and a link to sign in (DESIGN §6.5)."""

from django.conf import settings
from django.urls import reverse

from complaints.models import Complaint
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
}


@register("complaints.closed")
def closed(email: OutboundEmail) -> Message:
    context = _context(email)
    complaint = Complaint.objects.get(pk=email.object_id)
    context["reason"] = complaint.get_closure_reason_display()
    context["next_step"] = NEXT_STEPS.get(complaint.closure_reason, "Sign in to read more.")
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


@register("complaints.mco_notice")
def mco_notice(email: OutboundEmail) -> Message:
    """To the MCO's notice address: the reference and the representative's name (R5), no PHI."""
    complaint = Complaint.objects.select_related("mco", "organization").get(pk=email.object_id)
    context = {
        "reference": complaint.reference,
        "mco": complaint.mco.name,
        "representative_name": complaint.representative_name,
        "organization": complaint.organization.legal_name,
        "answer_days": settings.PORTAL_MCO_ANSWER_DAYS,
        "answer_due": complaint.mco_answer_due.strftime("%B %-d, %Y") if complaint.mco_answer_due else "",
    }
    return Message(f"HFS provider complaint {complaint.reference}", "complaints/mco_notice", context)


@register("complaints.staff_digest")
def staff_digest(email: OutboundEmail) -> Message:
    """For HFS staff: references only (no PHI), overdue first."""
    from django.utils import timezone

    from complaints import selectors_staff

    # The queue's own definitions of overdue and due (the same as its filter, complaints.clock), read from its index.
    today = timezone.localdate()
    queue = selectors_staff.complaint_queue()
    columns = ("reference", "next_due", "expedited")
    overdue = list(selectors_staff.overdue(queue, today=today).values_list(*columns))
    tomorrow = today + timezone.timedelta(days=1)
    due_soon = list(selectors_staff.due_soon(queue, tomorrow, today=today).values_list(*columns))
    context = {"overdue": overdue, "due_soon": due_soon, "path": "/admin/complaints/complaint/?due=overdue"}
    subject = f"{len(overdue)} complaint(s) overdue, {len(due_soon)} due by tomorrow"
    return Message(subject, "complaints/staff_digest", context)
