"""Template filters for the MCO's part of a complaint (DESIGN §11), on the MCO's page and the filer's page alike:
the outcome in each audience's words (complaints.wording) and whether the one extension moved this round's date."""

from collections.abc import Iterable

from django import template

from complaints import wording
from complaints.models import ComplaintEvent, ComplaintStatus

register = template.Library()


@register.filter
def outcome_for(outcome: str, audience: str) -> str:
    """``{{ proposal.outcome|outcome_for:"provider" }}``."""
    return wording.outcome_words(outcome, audience)


@register.filter
def extension_this_round(timeline: Iterable[ComplaintEvent]) -> bool:
    """Whether the granted extension moved this round's date: granted after the complaint was last sent to the MCO
    (both events are on every timeline that shows the extension). One granted in an earlier round moved that
    round's date only: each presentation has its own. ``{% if timeline|extension_this_round %}``."""
    granted = presented = None
    for event in timeline:
        if event.kind == ComplaintEvent.Kind.MCO_EXTENSION:
            granted = event.created_at
        elif event.to_status == ComplaintStatus.AWAITING_MCO:
            presented = event.created_at
    return granted is not None and presented is not None and granted >= presented
