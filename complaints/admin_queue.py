"""The triage queue's page (issue 16 item 11): it says what its rows are sorted by, and no column header claims to
be the sort unless the staff member clicked it. And the MCO's part in it (issue 18): this round's answer and the
provider's reply as a column, and filters for the reply and the one extension."""

from datetime import date

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from complaints.models import Complaint, ExtensionRequest, MCOProposal
from complaints.wording import OUTCOME_FOR_STAFF_QUEUE
from portal.admin import SortableOnlyChangeList

URGENCY = "Sorted by urgency: expedited first, then the next due date."


class QueueChangeList(SortableOnlyChangeList):
    @property
    def sorted_by_urgency(self) -> bool:
        return ORDER_VAR not in self.params

    @property
    def urgency_query_string(self) -> str:
        return self.get_query_string(remove=[ORDER_VAR])

    def get_ordering_field_columns(self) -> dict[int, str]:
        # The default order is urgency (selectors_staff.QUEUE_ORDER), which no single column is; Django would
        # otherwise draw every column it finds in that order (expedited, next due, received) as the sort.
        if self.sorted_by_urgency:
            return {}
        return super().get_ordering_field_columns()


def short_date(day: date) -> str:
    """``Dec 6, 2026``, kept on one line (the queue's date columns are narrow)."""
    return f"{day:%b}\N{NO-BREAK SPACE}{day.day},\N{NO-BREAK SPACE}{day.year}"


# --- The MCO's part in the queue (DESIGN §11) ---------------------------------------------------------------------

# Short words for the queue's narrow "MCO's answer" column; the change page spells each outcome out.
ANSWER_WORDS = OUTCOME_FOR_STAFF_QUEUE


def _this_rounds_answer() -> QuerySet[MCOProposal]:
    """The MCO's submitted proposal of the complaint's current presentation (one row of the (complaint, round)
    unique index); drafts are the MCO's own and never count here."""
    # No order: at most one row, and the model's default order would join the complaints again.
    return MCOProposal.objects.filter(
        complaint_id=OuterRef("pk"), round=OuterRef("mco_round"), submitted_at__isnull=False
    ).order_by()


def with_mco_answer(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Each row with this round's answer from the MCO and the provider's reply to it: two index probes per row on
    the page, in the page's own statement (no query per row)."""
    answers = _this_rounds_answer()
    return queryset.annotate(
        mco_answer_outcome=Subquery(answers.values("outcome")[:1]),
        mco_answer_reply=Subquery(answers.values("reply")[:1]),
    )


def mco_answer_words(outcome: str | None, reply: str | None) -> str:
    """``pays · disputed``; ``-`` while this round has no answer. A misdirected answer is not the provider's to
    reply to."""
    if not outcome:
        return "-"
    words = ANSWER_WORDS.get(outcome, outcome)
    if outcome == MCOProposal.Outcome.MISDIRECTED:
        return words
    reply_words = MCOProposal.Reply(reply).label.lower() if reply else "no reply yet"
    return f"{words}\N{NO-BREAK SPACE}· {reply_words}"


class ProviderReplyFilter(admin.SimpleListFilter):
    """What the provider answered to this round's proposal, among the open complaints (a settled one needs no
    decision, and its "no reply" is history). The open part of the queue's index is read in order and each row's
    proposal is one probe of the (complaint, round) index."""

    title = "provider's reply to the MCO (open complaints)"
    parameter_name = "reply"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("accepted", "Accepted"), ("disputed", "Disputed"), ("none", "No reply yet")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        answers = _this_rounds_answer()
        if self.value() in (MCOProposal.Reply.ACCEPTED, MCOProposal.Reply.DISPUTED):
            answers = answers.filter(reply=self.value())
        elif self.value() == "none":
            answers = answers.filter(reply="").exclude(outcome=MCOProposal.Outcome.MISDIRECTED)
        else:
            return queryset
        return queryset.filter(Exists(answers), settled=False)


class ExtensionFilter(admin.SimpleListFilter):
    """The one extension of the MCO's answer (DESIGN §11). A request waiting for HFS's decision is listed from every
    open complaint (the open part of the queue's index); granted, refused or none asked describe the date the MCO
    is held to, so they list the complaints waiting for its answer (the status's own part of the index). Each row's
    request is one probe of its unique index; "granted" is the complaint's own flag (also set by extensions recorded
    before requests existed)."""

    title = "extension"
    parameter_name = "extension"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [
            ("waiting", "Asked, waiting for HFS"),
            ("granted", "Granted (with the MCO)"),
            ("refused", "Refused (with the MCO)"),
            ("none", "None asked (with the MCO)"),
        ]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        requests = ExtensionRequest.objects.filter(complaint_id=OuterRef("pk"))
        if self.value() == "waiting":
            return queryset.filter(Exists(requests.filter(decision=ExtensionRequest.Decision.PENDING)), settled=False)
        with_the_mco = queryset.filter(status=Complaint.Status.AWAITING_MCO)
        if self.value() == "granted":
            return with_the_mco.filter(mco_extension_granted=True)
        if self.value() == "refused":
            return with_the_mco.filter(Exists(requests.filter(decision=ExtensionRequest.Decision.REFUSED)))
        if self.value() == "none":
            return with_the_mco.filter(~Exists(requests), mco_extension_granted=False)
        return queryset
