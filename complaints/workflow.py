"""The allowed status changes (DESIGN §4.4), in one table every transition service reads."""

from django.core.exceptions import ValidationError

from complaints.models import ComplaintStatus as S

# (from, to) -> what the change is called in messages.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.SUBMITTED, S.IN_REVIEW): "triage",
    (S.IN_REVIEW, S.AWAITING_MCO): "forward to the MCO",
    (S.AWAITING_MCO, S.IN_REVIEW): "record the MCO's answer",
    (S.IN_REVIEW, S.AWAITING_PROVIDER): "ask the provider for information",
    (S.AWAITING_PROVIDER, S.IN_REVIEW): "provider answers",
    (S.IN_REVIEW, S.RESOLVED): "resolve",
    (S.RESOLVED, S.IN_REVIEW): "reopen",
    (S.SUBMITTED, S.CLOSED): "close",
    (S.IN_REVIEW, S.CLOSED): "close",
    (S.AWAITING_PROVIDER, S.CLOSED): "close",
    (S.AWAITING_MCO, S.CLOSED): "close",
}

# A provider may withdraw what is not yet resolved or closed.
WITHDRAWABLE = frozenset({S.SUBMITTED, S.IN_REVIEW, S.AWAITING_PROVIDER, S.AWAITING_MCO})


def is_allowed(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in TRANSITIONS


def ensure_allowed(from_status: str, to_status: str) -> None:
    if not is_allowed(from_status, to_status):
        now, wanted = _lower_first(S(from_status).label), _lower_first(S(to_status).label)
        raise ValidationError(f"A complaint that is {now} cannot become {wanted}.", code="transition_not_allowed")


def _lower_first(label: str) -> str:
    """'Sent to the MCO' becomes 'sent to the MCO': acronyms keep their capitals."""
    return label[:1].lower() + label[1:]
