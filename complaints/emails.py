"""Email kinds of complaints. No PHI: the reference, the MCO, the status and a link to sign in (DESIGN §6.5)."""

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
