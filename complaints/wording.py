"""One home for the words each audience reads about the MCO's part (DESIGN §11): the MCO's liaison, the
representative who filed, and HFS staff in the queue's narrow column. The model keeps its own labels (what the
admin shows); the pages and forms read the audience's words from here.

Templates read them with the ``mco_part`` filters (complaints/templatetags/mco_part.py)."""

from django.conf import settings

from complaints.models import ComplaintStatus, MCOProposal

Outcome = MCOProposal.Outcome

# The MCO's liaison: its own answer, in its own voice (the proposal form and the MCO's complaint page).
OUTCOME_FOR_MCO = {
    Outcome.PAY: "We will pay or reprocess the claims",
    Outcome.PARTIAL: "We will pay or reprocess part of the claims",
    Outcome.UPHELD: "We uphold our decision",
    Outcome.MISDIRECTED: "This is not our member or not our complaint",
}

# The representative who filed (never shown a misdirected answer: DESIGN §11, R6).
OUTCOME_FOR_PROVIDER = {
    Outcome.PAY: "The MCO will pay or reprocess the claims.",
    Outcome.PARTIAL: "The MCO will pay or reprocess part of the claims.",
    Outcome.UPHELD: "The MCO keeps its decision.",
    Outcome.MISDIRECTED: "The MCO says this is not its member or not its complaint.",
}

# HFS staff, the triage queue's narrow "MCO's answer" column (the change page spells each outcome out).
OUTCOME_FOR_STAFF_QUEUE = {
    Outcome.PAY: "pays",
    Outcome.PARTIAL: "pays in part",
    Outcome.UPHELD: "upheld",
    Outcome.MISDIRECTED: "not its complaint",
}

OUTCOME_WORDS = {"mco": OUTCOME_FOR_MCO, "provider": OUTCOME_FOR_PROVIDER, "staff_queue": OUTCOME_FOR_STAFF_QUEUE}

# A complaint's status as the MCO reads it on its timeline: the provider's words ("Waiting for your answer") would
# read as if the MCO owed the answer.
STATUS_FOR_MCO = {
    ComplaintStatus.SUBMITTED: "Received by HFS",
    ComplaintStatus.IN_REVIEW: "In review at HFS",
    ComplaintStatus.AWAITING_PROVIDER: "With HFS: waiting for the provider",
    ComplaintStatus.AWAITING_MCO: "Sent to you for your answer",
    ComplaintStatus.RESOLVED: "Resolved",
    ComplaintStatus.CLOSED: "Closed",
}


def outcome_words(outcome: str, audience: str) -> str:
    """The outcome in the audience's words ("mco", "provider" or "staff_queue"); an unknown value as it is."""
    return OUTCOME_WORDS[audience].get(outcome, outcome)


def file_too_large(name: str) -> str:
    """What a form says of a file the upload handler (complaints/uploads.py) skipped for its size."""
    limit = settings.PORTAL_ATTACHMENT_MAX_BYTES // (1024 * 1024)
    return f"{name} is larger than {limit} MB. Attach a smaller file or split it."
