"""Reads that authorize. A complaint that is not the user's answers 404 (DESIGN §6.1)."""

import uuid
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import MCO, ProviderOrganization, Representative, User
from complaints.models import AffectedClaim, Attachment, Complaint, ComplaintEvent, MCOProposal


def _still_represents(user: User) -> Q:
    """Only while the person still represents the complaint's organization (a removed representative sees nothing)."""
    return Q(organization_id__in=Representative.objects.active().filter(user=user).values("organization_id"))


def complaint_list_for_representative(
    *, user: User, status: str = "", mco_id: int | None = None
) -> QuerySet[Complaint]:
    """The complaints this person submitted, newest first.

    The organizations still represented are read first (one small query) and given as a list: as a subquery,
    PostgreSQL misjudged how many of the person's complaints it keeps (the two columns go together) and sorted all
    of them; as values, the index on (submitted_by, organization, submitted_at) serves the page in order (issue 17).
    """
    organization_ids = list(Representative.objects.active().filter(user=user).values_list("organization_id", flat=True))
    complaints = Complaint.objects.filter(organization_id__in=organization_ids, submitted_by=user).select_related(
        "mco", "category"
    )
    if status:
        complaints = complaints.filter(status=status)
    if mco_id:
        complaints = complaints.filter(mco_id=mco_id)
    return complaints


def complaint_list_for_organization_admin(*, user: User) -> QuerySet[Complaint]:
    """Organization administrators: every complaint of their organization — for status, never outcomes."""
    designation = Representative.objects.active().filter(user=user, is_org_admin=True).first()
    if designation is None:
        raise Http404("No organization to show.")
    return (
        Complaint.objects.filter(organization_id=designation.organization_id)
        .select_related("mco", "category", "submitted_by")
        .only(
            "public_id",
            "reference",
            "status",
            "submitted_at",
            "updated_at",
            "submitted_by_id",
            "mco__short_name",
            "category__name",
            "submitted_by__full_name",
        )
    )


def complaint_get_for_user(*, user: User, public_id: str) -> Complaint:
    """One complaint its submitter may open; 404 for everyone else."""
    # The one extension request (a OneToOne, at most one row) comes in the same statement: the page states it.
    complaint = (
        Complaint.objects.select_related("mco", "category", "organization", "extension_request")
        .filter(_still_represents(user), public_id=public_id, submitted_by=user)
        .first()
    )
    if complaint is None:
        raise Http404("No such complaint.")
    return complaint


def complaint_get_for_another(*, user: User, public_id: str, organization: ProviderOrganization) -> Complaint:
    """A complaint to start the next one from (R4): the person's own, filed for the organization they file for now;
    404 otherwise, so nothing is carried across representatives or organizations."""
    try:
        public_id = str(uuid.UUID(public_id))
    except ValueError:
        raise Http404("No such complaint.") from None
    complaint = complaint_get_for_user(user=user, public_id=public_id)
    if complaint.organization_id != organization.pk:
        raise Http404("No such complaint.")
    return complaint


def complaint_shared_timeline(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.filter(shared_with_provider=True).select_related("actor")


def attachment_list_draft(*, user: User, draft_key: str) -> QuerySet[Attachment]:
    return Attachment.objects.filter(draft_key=draft_key, uploaded_by=user, complaint__isnull=True)


def complaint_claims(*, complaint: Complaint) -> QuerySet[AffectedClaim]:
    return complaint.claims.order_by("line_number")


def complaint_attachments(*, complaint: Complaint) -> QuerySet[Attachment]:
    """The provider's own files (the MCO's proposal files are shown with their proposal, to whom may see them)."""
    return complaint.attachments.filter(proposal__isnull=True).order_by("uploaded_at", "id")


def _shown_to_filer(via: str = "") -> Q:
    """The MCO's proposals the filing representative reads (R6, DESIGN §11): submitted and not misdirected — never
    a draft, never an answer that the complaint is not the MCO's (that goes back to HFS). ``via``: the path to the
    proposal from the rows filtered (``"proposal__"`` for its files)."""
    return Q(**{f"{via}submitted_at__isnull": False}) & ~Q(**{f"{via}outcome": MCOProposal.Outcome.MISDIRECTED})


def proposal_list_for_filer(*, complaint: Complaint) -> list[MCOProposal]:
    """The MCO's answers the filer may read on the complaint's page, oldest round first, each with its files.

    ``complaint`` is one the caller already authorized (complaint_get_for_user). Never presented to the MCO: no
    proposal can exist, and nothing is read."""
    if not complaint.mco_round:
        return []
    files = Prefetch("files", queryset=Attachment.objects.order_by("uploaded_at", "id"))
    return list(complaint.proposals.filter(_shown_to_filer()).order_by("round").prefetch_related(files))


def mco_list_for_filing(*, today: date) -> QuerySet[MCO]:
    """The MCOs a complaint can name today (contracts that have started and not ended)."""
    return MCO.objects.filter(Q(active_from__isnull=True) | Q(active_from__lte=today)).filter(
        Q(active_to__isnull=True) | Q(active_to__gte=today)
    )


def mco_list_for_filter() -> QuerySet[MCO]:
    return MCO.objects.order_by("name")


def user_is_organization_admin(*, user: User) -> bool:
    return Representative.objects.active().filter(user=user, is_org_admin=True).exists()


def complaint_for_idempotency_key(*, user: User, key: object) -> Complaint | None:
    return Complaint.objects.filter(idempotency_key=key, submitted_by=user).first()


def answer_already_sent(*, complaint: Complaint, key: object) -> bool:
    return complaint.events.filter(idempotency_key=key).exists()


def attachment_get_for_download(*, user: User, public_id: str) -> Attachment:
    """A file of a filed complaint for its submitter (still representing the organization), or for HFS staff who
    passed the second factor and hold the permission; 404 for anyone else.

    Two kinds of file: the provider's own (a filed complaint's, no proposal), and the files of the MCO's written
    proposal — only once the proposal is submitted; for the submitter only when it is not misdirected (the
    proposals the complaint's page shows them, proposal_list_for_filer). A draft proposal's file is the MCO's own."""
    attachments = Attachment.objects.select_related("complaint").filter(public_id=public_id)
    providers = Q(complaint__isnull=False, proposal__isnull=True)
    if user.is_staff and user.is_verified() and user.has_perm("complaints.view_attachment"):
        attachment = attachments.filter(providers | Q(proposal__submitted_at__isnull=False)).first()
    else:
        # The file's own proposal is joined (by its key) and checked, not every proposal the person may read.
        mine = Complaint.objects.filter(_still_represents(user), submitted_by=user)
        proposals = _shown_to_filer(via="proposal__") & Q(proposal__complaint__in=mine)
        attachment = attachments.filter((providers & Q(complaint__in=mine)) | proposals).first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment
