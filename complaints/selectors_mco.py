"""Reads for MCO users (DESIGN §11, "minimum necessary"): the wall, one selector per object kind, used by the
queue, the complaint page, downloads and the export alike.

An MCO user sees a complaint only when it is its MCO's and has been presented to it (``presented_at`` set, never
cleared); everything else answers 404, like another tenant's page.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, CharField, F, Prefetch, Q, QuerySet, TextField, Value, When
from django.http import Http404

from accounts.models import MCOMembership, User
from accounts.selectors import mco_membership_get_active
from complaints import clock
from complaints.models import (
    MCO_QUEUE_ORDER_FIELDS,
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    MCOProposal,
)
from complaints.wording import STATUS_FOR_MCO


def _nullable(name: str) -> bool:
    """Whether the complaint's column ``name`` may be empty (a generated column says so on its output field)."""
    field = Complaint._meta.get_field(name)
    return bool(field.null or getattr(getattr(field, "output_field", None), "null", False))


# Awaiting our answer first by the MCO's due date, then answered (with HFS), then resolved or closed, each newest
# first; the id makes the order total. Exactly the index complaint_mco_queue_idx after the MCO (its columns are
# MCO_QUEUE_ORDER_FIELDS): an ascending index column keeps empty values last, as a nullable column must say here.
MCO_QUEUE_ORDER = [
    F(name).asc(nulls_last=True) if not name.startswith("-") and _nullable(name) else name
    for name in MCO_QUEUE_ORDER_FIELDS
]

# The events an MCO reads on its timeline besides those shared with the provider: its own answers (a misdirected
# proposal's event goes to HFS only, but it is the MCO's own).
_MCO_OWN_EVENTS = (ComplaintEvent.Kind.MCO_PROPOSAL, ComplaintEvent.Kind.MCO_INTERIM)
_EXTENSION_EVENTS = (
    ComplaintEvent.Kind.EXTENSION_REQUESTED,
    ComplaintEvent.Kind.MCO_EXTENSION,
    ComplaintEvent.Kind.EXTENSION_REFUSED,
)


def _membership(user: User) -> MCOMembership | None:
    """The user's active MCO membership (at most one), read once per request."""
    return mco_membership_get_active(user=user)


def mco_membership_for_pages(*, user: User) -> MCOMembership:
    """The membership an MCO page is shown for; 404 for anyone who is not an active MCO user."""
    membership = _membership(user) if user.is_authenticated else None
    if membership is None:
        raise Http404("No such page.")
    return membership


def _visible(membership: MCOMembership | None) -> QuerySet[Complaint]:
    if membership is None:
        return Complaint.objects.none()
    return Complaint.objects.filter(mco_id=membership.mco_id, presented_at__isnull=False)


def complaint_list_for_mco(*, user: User) -> QuerySet[Complaint]:
    """The wall: the complaints presented to the user's MCO (none for anyone else), in the queue's order."""
    return _visible(_membership(user)).select_related("category").order_by(*MCO_QUEUE_ORDER)


def category_list_for_filter() -> QuerySet[Category]:
    """Every category, retired ones too (the MCO's older complaints have them), in the order the form lists them."""
    return Category.objects.order_by("sort_order", "name")


def complaint_get_for_mco(*, user: User, public_id: object) -> Complaint:
    """One complaint presented to the user's MCO; 404 for anything else (another MCO's, not yet presented)."""
    complaint = (
        _visible(_membership(user))
        .select_related("mco", "category", "organization", "extension_request")
        .filter(public_id=public_id)
        .first()
    )
    if complaint is None:
        raise Http404("No such complaint.")
    return complaint


def attachment_get_for_mco(*, user: User, public_id: object) -> Attachment:
    """A file an MCO user may download: the provider's files of a complaint it sees, or the files of its MCO's own
    proposals (drafts included) on such a complaint; 404 for anything else."""
    visible = _visible(_membership(user))
    attachment = (
        Attachment.objects.select_related("complaint", "proposal")
        .filter(public_id=public_id)
        .filter(Q(proposal__isnull=True, complaint__in=visible) | Q(proposal__complaint__in=visible))
        .first()
    )
    if attachment is None:
        raise Http404("No such file.")
    return attachment


def proposal_current_for_mco(*, complaint: Complaint) -> MCOProposal | None:
    """This round's proposal (draft or submitted) of a complaint the caller already authorized, with its files."""
    if not complaint.mco_round:
        return None
    return (
        complaint.proposals.filter(round=complaint.mco_round)
        .prefetch_related(Prefetch("files", queryset=Attachment.objects.order_by("uploaded_at", "id")))
        .first()
    )


def proposal_list_for_mco(*, complaint: Complaint) -> list[MCOProposal]:
    """Every round's proposal of a complaint the caller already authorized (its MCO's own), with their files."""
    if not complaint.mco_round:
        return []
    files = Prefetch("files", queryset=Attachment.objects.order_by("uploaded_at", "id"))
    return list(complaint.proposals.order_by("round").prefetch_related(files))


def complaint_files_for_mco(*, complaint: Complaint) -> QuerySet[Attachment]:
    """The provider's files of a complaint the caller already authorized (not the proposals' files)."""
    return complaint.attachments.filter(proposal__isnull=True).order_by("uploaded_at", "id")


# Events whose note the MCO reads: its own answers and updates, and the one extension (asked, granted, refused).
_MCO_NOTE_EVENTS = (*_MCO_OWN_EVENTS, *_EXTENSION_EVENTS)


def complaint_timeline_for_mco(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """The shared timeline, plus the MCO's own answers; never HFS's internal notes. Each event as ``mco_note`` (the
    note only of what is addressed to the MCO: HFS forwarding or sending it back, its own answers and updates, and
    the extension; a note for the provider — a question, the provider's answer or reply, a closing note — is never
    read) and ``mco_status`` (the status it moved to, in the MCO's words)."""
    addressed = Q(kind__in=_MCO_NOTE_EVENTS) | Q(to_status=ComplaintStatus.AWAITING_MCO)
    return (
        complaint.events.filter(Q(shared_with_provider=True) | Q(kind__in=_MCO_OWN_EVENTS))
        .defer("note")
        .annotate(
            mco_note=Case(When(addressed, then=F("note")), default=Value(""), output_field=TextField()),
            mco_status=Case(
                *[When(to_status=status, then=Value(words)) for status, words in STATUS_FOR_MCO.items()],
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .order_by("created_at", "id")
    )


def complaint_queue_filter(
    complaints: QuerySet[Complaint],
    *,
    today: date,
    stage: int | None = None,
    due: str = "",
    expedited: bool = False,
    category_id: int | None = None,
    search: str = "",
) -> QuerySet[Complaint]:
    """The queue's filters, each served by one of its indexes: the stage (in the MCO's words); due within
    PORTAL_MCO_DUE_SOON_DAYS ("soon", not yet overdue) or overdue (complaints.clock's one rule), both while the
    complaint waits for the MCO; expedited; the category; and a search for a reference (stored in capitals) or the
    MCO's own tracking number, each exact."""
    if stage is not None:
        complaints = complaints.filter(mco_stage=stage)
    if due in ("soon", "overdue"):
        complaints = complaints.filter(mco_stage=Complaint.MCOStage.AWAITING)
        if due == "overdue":
            complaints = complaints.filter(clock.overdue_q("mco_due", today=today))
        else:
            horizon = today + timedelta(days=settings.PORTAL_MCO_DUE_SOON_DAYS)
            complaints = complaints.filter(clock.not_overdue_q("mco_due", today=today), mco_due__lte=horizon)
    if expedited:
        complaints = complaints.filter(expedited=True)
    if category_id is not None:
        complaints = complaints.filter(category_id=category_id)
    search = search.strip()
    if search:
        complaints = complaints.filter(Q(reference=search.upper()) | Q(mco_reference=search))
    return complaints
