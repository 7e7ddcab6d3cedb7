"""Complaint data. Reference data (Category here; MCO and ProviderType in accounts) is edited by HFS supervisors."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

# MCO and ProviderType describe organizations (the one a user belongs to), so they live in accounts.
from accounts.models import MCO, ReferenceQuerySet, ReportingGroup


class Category(models.Model):
    """The single topic of a complaint (R4)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True, help_text="Plain-language hint shown on the form.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", "Received"
    IN_REVIEW = "in_review", "In review at HFS"
    AWAITING_PROVIDER = "awaiting_provider", "Waiting for your answer"
    AWAITING_MCO = "awaiting_mco", "Sent to the MCO"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class ClosureReason(models.TextChoices):
    NOT_SUBMITTED_TO_MCO_FIRST = "not_submitted_to_mco_first", "The MCO was not given the chance to resolve it first"
    OUTSIDE_FILING_WINDOW = "outside_filing_window", "Outside the filing window"
    FEE_FOR_SERVICE = "fee_for_service", "Fee-for-Service issue (call 877-782-5565)"
    MEDICARE_ONLY = "medicare_only", "Medicare-only issue"
    DUPLICATE = "duplicate", "Duplicate of another complaint"
    INCOMPLETE = "incomplete", "Incomplete"
    WITHDRAWN_BY_PROVIDER = "withdrawn_by_provider", "Withdrawn by the provider"
    MULTIPLE_MCOS_OR_TOPICS = "multiple_mcos_or_topics", "More than one MCO or topic"
    WRONG_MCO = "wrong_mco", "Filed against the wrong MCO"


class OutcomeCode(models.TextChoices):
    """How HFS resolved a complaint (DESIGN §4.4, CFPB-style); the representative reads the outcome text."""

    PAID = "paid", "Resolved in the provider's favor (paid / reprocessed)"
    PARTIAL = "partial", "Partially resolved"
    UPHELD = "upheld", "MCO decision upheld"
    REFERRED = "referred", "Referred elsewhere"
    NO_ACTION = "no_action", "No further action needed"


class MCOStage(models.IntegerChoices):
    """Where a presented complaint stands, in the MCO's words (its queue's status column and filter)."""

    AWAITING = 0, "Awaiting our answer"
    WITH_HFS = 1, "Answered — with HFS"
    SETTLED = 2, "Resolved or closed"


class FilingWindow(models.TextChoices):
    OK = "ok", "Within the filing window"
    EARLY = "early", "Possibly premature (under 30 days after filing with the MCO)"
    LATE = "late", "Possibly late (over 60 days after filing with the MCO)"


# The staff queue's order (complaints/selectors_staff.QUEUE_ORDER) as index columns, and the filters that get an
# index of their own in front of it.
QUEUE_ORDER_FIELDS = ["settled", "-expedited", "next_due", "submitted_at", "id"]
QUEUE_FILTER_COLUMNS = {
    "status": "status",
    "mco": "mco",
    "category": "category",
    "provider_group": "group",
    "assignee": "assignee",
    "filing_window": "window",
    "organization": "org",
}
# The MCO's queue (complaints/selectors_mco.MCO_QUEUE_ORDER) as index columns: awaiting our answer first by the MCO's
# due date, then the rest, newest first; only presented complaints (the MCO sees nothing else) are in its indexes.
MCO_QUEUE_ORDER_FIELDS = ["mco_stage", "mco_due", "-submitted_at", "-id"]


class Complaint(models.Model):
    """One topic about one MCO (R4), filed by a designated representative for their organization."""

    Status = ComplaintStatus
    MCOStage = MCOStage
    ClosureReason = ClosureReason
    OutcomeCode = OutcomeCode
    FilingWindow = FilingWindow

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, editable=False)
    # A double submit (two clicks, a retried POST) carries the same key: one complaint.
    idempotency_key = models.UUIDField(unique=True, editable=False)

    # Foreign keys are looked up through the composite indexes in Meta that start with them.
    organization = models.ForeignKey(
        "accounts.ProviderOrganization", on_delete=models.PROTECT, related_name="complaints", db_index=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints", db_index=False
    )
    # Frozen at submission: outcomes go to this address and nowhere else (R6).
    contact_email = models.EmailField(max_length=254, editable=False)
    # The name shared with the MCO (R5).
    representative_name = models.CharField(max_length=200)
    is_billing_agent = models.BooleanField("filed by a billing agent", default=False)

    mco = models.ForeignKey(
        MCO, on_delete=models.PROTECT, related_name="complaints", verbose_name="MCO", db_index=False
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="complaints", db_index=False)
    subject = models.CharField(max_length=150)
    description = models.TextField()

    mco_reference = models.CharField("MCO tracking or reference number", max_length=64)
    mco_filed_on = models.DateField("date filed with the MCO")
    mco_responded = models.BooleanField("the MCO responded", default=False)
    mco_resolved_on = models.DateField("date of the MCO's resolution", null=True, blank=True)
    mco_resolution_summary = models.TextField("the MCO's resolution", blank=True)
    filing_window = models.CharField(max_length=8, choices=FilingWindow.choices, default=FilingWindow.OK)

    concerns_members = models.BooleanField("about specific members or claims", default=False)
    access_to_care = models.BooleanField("affects immediate access to care", default=False)
    access_to_care_explanation = models.TextField(blank=True)
    expedited = models.BooleanField(default=False)
    # The filing organization's provider type group when it filed: the public statistics count it there for good.
    provider_group = models.CharField(max_length=32, choices=ReportingGroup.choices, editable=False)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        db_index=False,
    )
    # Clocks (DESIGN §4.5), set by the services.
    first_response_due = models.DateField(null=True, blank=True)
    mco_presentation_due = models.DateField("MCO presentation due", null=True, blank=True)
    forwarded_on = models.DateField("forwarded to the MCO on", null=True, blank=True)
    # The first presentation to the MCO (DESIGN §11): from then on, and only then, the MCO's users see it.
    presented_at = models.DateTimeField("first presented to the MCO", null=True, blank=True, editable=False)
    # Each presentation to the MCO is a round with its own written proposal.
    mco_round = models.PositiveSmallIntegerField("MCO round", default=0, editable=False)
    # The round whose "due in 5 days" / "overdue" notice the MCO's liaisons got (each once per round).
    mco_due_soon_notice_round = models.PositiveSmallIntegerField(default=0, editable=False)
    mco_overdue_notice_round = models.PositiveSmallIntegerField(default=0, editable=False)
    mco_answer_due = models.DateField("MCO answer due", null=True, blank=True)
    mco_extension_granted = models.BooleanField("MCO extension granted", default=False)
    # A notice for a representative who no longer represents the organization is held (R6) until staff transfer
    # the complaint to another representative of the same organization.
    held_notice = models.CharField(max_length=400, blank=True)  # comma-separated email kinds, oldest first
    closure_reason = models.CharField(max_length=32, choices=ClosureReason.choices, blank=True)
    outcome_code = models.CharField(max_length=32, choices=OutcomeCode.choices, blank=True)
    outcome_text = models.TextField(blank=True)

    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    # The triage queue's order (DESIGN §4.5), kept by the database itself in the same statement as every write, so
    # an index can serve the queue (issue 17) and the values can never drift from the status and due dates.
    # Resolved and closed complaints sink below every open one.
    settled = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=[ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED], then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name="resolved or closed",
    )
    # The next date HFS must act by; none once the MCO has it or the complaint is settled.
    next_due = models.GeneratedField(
        expression=models.Case(
            # Waiting for triage: the earlier of the first response and the presentation to the MCO (either alone
            # when only one is set: SQLite's two-argument MIN is NULL if one is).
            models.When(
                status=ComplaintStatus.SUBMITTED,
                then=Coalesce(
                    Least("first_response_due", "mco_presentation_due"), "first_response_due", "mco_presentation_due"
                ),
            ),
            models.When(
                status=ComplaintStatus.IN_REVIEW, forwarded_on__isnull=True, then=models.F("mco_presentation_due")
            ),
            models.When(status=ComplaintStatus.AWAITING_MCO, then=models.F("mco_answer_due")),
            default=models.Value(None),
        ),
        output_field=models.DateField(null=True),
        db_persist=True,
        verbose_name="next due",
    )

    # The MCO's queue (DESIGN §11), kept by the database like the triage queue's order: the stage in the MCO's words,
    # and the MCO's due date only while the complaint waits for its answer.
    mco_stage = models.GeneratedField(
        expression=models.Case(
            models.When(status=ComplaintStatus.AWAITING_MCO, then=models.Value(MCOStage.AWAITING.value)),
            models.When(
                status__in=[ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED],
                then=models.Value(MCOStage.SETTLED.value),
            ),
            default=models.Value(MCOStage.WITH_HFS.value),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
        verbose_name="MCO stage",
    )
    mco_due = models.GeneratedField(
        expression=models.Case(
            models.When(status=ComplaintStatus.AWAITING_MCO, then=models.F("mco_answer_due")),
            default=models.Value(None),
        ),
        output_field=models.DateField(null=True),
        db_persist=True,
        verbose_name="MCO's answer due (while awaited)",
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # The triage queue: QUEUE_ORDER exactly (PostgreSQL sorts NULLs last ascending), alone and after each
            # equality filter, so the first page is the first 50 entries of one index range (issue 17).
            # The round at its end (after the unique id: the order is unchanged) lets the reply filter read the open
            # complaints' ids and rounds from this index alone, never the table (tests/perf/test_plans.py).
            models.Index(fields=[*QUEUE_ORDER_FIELDS, "mco_round"], name="complaint_queue_idx"),
            *[
                models.Index(fields=[column, *QUEUE_ORDER_FIELDS], name=f"complaint_queue_{short}_idx")
                for column, short in QUEUE_FILTER_COLUMNS.items()
            ],
            models.Index(
                fields=QUEUE_ORDER_FIELDS, condition=models.Q(assignee__isnull=True), name="complaint_queue_unassigned"
            ),
            models.Index(fields=QUEUE_ORDER_FIELDS, condition=~models.Q(held_notice=""), name="complaint_queue_held"),
            # The representative's list (with its status or MCO filter) and the organization administrator's.
            models.Index(fields=["submitted_by", "organization", "-submitted_at", "-id"], name="complaint_filer_idx"),
            models.Index(
                fields=["submitted_by", "organization", "status", "-submitted_at", "-id"],
                name="complaint_filer_status_idx",
            ),
            models.Index(
                fields=["submitted_by", "organization", "mco", "-submitted_at", "-id"], name="complaint_filer_mco_idx"
            ),
            models.Index(fields=["organization", "-submitted_at", "-id"], name="complaint_org_idx"),
            # The MCO's queue: its order after the MCO, alone, by category and for expedited complaints; and the
            # MCO's own tracking number searched exactly.
            models.Index(
                fields=["mco", *MCO_QUEUE_ORDER_FIELDS],
                condition=models.Q(presented_at__isnull=False),
                name="complaint_mco_queue_idx",
            ),
            models.Index(
                fields=["mco", "category", *MCO_QUEUE_ORDER_FIELDS],
                condition=models.Q(presented_at__isnull=False),
                name="complaint_mco_queue_cat_idx",
            ),
            models.Index(
                fields=["mco", *MCO_QUEUE_ORDER_FIELDS],
                condition=models.Q(presented_at__isnull=False, expedited=True),
                name="complaint_mco_queue_exp_idx",
            ),
            models.Index(
                fields=["mco", "mco_reference"],
                condition=models.Q(presented_at__isnull=False),
                name="complaint_mco_queue_ref_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ComplaintStatus.values), name="complaints_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(provider_group__in=ReportingGroup.values), name="complaints_provider_group_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(closure_reason="") | models.Q(closure_reason__in=ClosureReason.values),
                name="complaints_closure_reason_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(closure_reason="") | models.Q(status="closed"),
                name="complaints_closure_reason_only_when_closed",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome_code="") | models.Q(outcome_code__in=OutcomeCode.values),
                name="complaints_outcome_code_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | ~models.Q(outcome_code=""),
                name="complaints_resolved_has_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(access_to_care=False) | ~models.Q(access_to_care_explanation=""),
                name="complaints_access_to_care_explained",
            ),
            models.CheckConstraint(
                condition=models.Q(filing_window__in=FilingWindow.values), name="complaints_filing_window_valid"
            ),
            models.CheckConstraint(condition=~models.Q(mco_reference=""), name="complaints_mco_reference_required"),
            models.CheckConstraint(
                condition=models.Q(mco_resolved_on__isnull=True)
                | models.Q(mco_resolved_on__gte=models.F("mco_filed_on")),
                name="complaints_mco_resolution_after_filing",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def possibly_premature(self) -> bool:
        return self.filing_window == self.FilingWindow.EARLY

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)

    @property
    def extension_askable(self) -> bool:
        """The one extension can be asked for while HFS waits for the MCO's answer, if it was never asked for (a
        request counts whatever HFS decided) nor granted. Pages read it to offer the form; the service that records
        the request checks the same under the row lock. Reads the request joined with the complaint, if it was."""
        return (
            self.status == self.Status.AWAITING_MCO
            and not self.mco_extension_granted
            and getattr(self, "extension_request", None) is None
        )


class ReferenceCounter(models.Model):
    """The last reference number issued per year; its row is locked while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class AffectedClaim(models.Model):
    """A member/claim line (R8): member name, 9-digit RIN, date(s) of service; several claims per complaint."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="claims")
    line_number = models.PositiveSmallIntegerField()
    member_name = models.CharField(max_length=150)
    rin = models.CharField("RIN", max_length=9)
    service_from = models.DateField("date of service (from)")
    service_to = models.DateField("date of service (to)", null=True, blank=True)
    claim_number = models.CharField(max_length=40, blank=True)
    billed_amount = models.DecimalField(max_digits=11, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["complaint", "line_number"]
        # Staff search a member's RIN exactly (the queue's search box).
        indexes = [models.Index(fields=["rin"], name="complaints_claim_rin_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(rin__regex=r"^[0-9]{9}$"), name="complaints_claim_rin_9_digits"),
            models.CheckConstraint(
                condition=models.Q(service_to__isnull=True) | models.Q(service_to__gte=models.F("service_from")),
                name="complaints_claim_service_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(billed_amount__isnull=True) | models.Q(billed_amount__gte=0),
                name="complaints_claim_amount_not_negative",
            ),
            models.UniqueConstraint(fields=["complaint", "line_number"], name="complaints_claim_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} line {self.line_number}"


class ComplaintEvent(models.Model):
    """The timeline: every change of a complaint, by whom, with a note shared with the provider or internal."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Complaint received"
        STATUS_CHANGED = "status_changed", "Status changed"
        NOTE = "note", "Note"
        PROVIDER_ANSWERED = "provider_answered", "Provider answered"
        WITHDRAWN = "withdrawn", "Withdrawn by the provider"
        MCO_EXTENSION = "mco_extension", "MCO given an extension"  # the granted extension (statistics count it)
        EXTENSION_REQUESTED = "extension_requested", "Extension asked for"
        EXTENSION_REFUSED = "extension_refused", "Extension refused"
        MCO_INTERIM = "mco_interim", "MCO progress update"
        MCO_PROPOSAL = "mco_proposal", "MCO's written proposal"
        PROVIDER_ACCEPTED = "provider_accepted", "Provider accepted the proposal"
        PROVIDER_DISPUTED = "provider_disputed", "Provider disputed the proposal"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    shared_with_provider = models.BooleanField(default=False)
    # A provider's answer sent twice (a double click) is recorded once.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Where the change came from, like the audit log (DESIGN §6.2): the client's address and the request id.
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    request_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        # Append-only: database triggers refuse UPDATE and DELETE (PostgreSQL: migration 0014; SQLite: 0015).
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint} {self.kind}"

    @property
    def to_status_label(self) -> str:
        return ComplaintStatus(self.to_status).label if self.to_status else ""


class Attachment(models.Model):
    """A file a representative attached (PHI allowed). Stored under a server-made name in private storage.

    Uploaded with the form and kept as a draft (no complaint yet) so a form sent back with errors loses nothing.
    """

    class ScanStatus(models.TextChoices):
        PENDING = "pending", "Waiting for the virus scan"
        CLEAN = "clean", "Checked for viruses"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    event = models.ForeignKey(
        ComplaintEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    draft_key = models.UUIDField(null=True, blank=True, db_index=True)
    # Set for a file of the MCO's written proposal; unset for the provider's own files.
    proposal = models.ForeignKey("MCOProposal", on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=255, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120, default="application/octet-stream")  # from the content
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class MCOProposal(models.Model):
    """The MCO's written proposal for one round (DESIGN §11): a draft until submitted once; the representative who
    filed reads it and accepts or disputes it. An answer that reached HFS outside the portal is recorded by staff."""

    class Outcome(models.TextChoices):
        PAY = "pay", "We will pay or reprocess the claims"
        PARTIAL = "partial", "We will pay or reprocess in part"
        UPHELD = "upheld", "Our decision is upheld"
        MISDIRECTED = "misdirected", "Not our member or not our complaint"

    class Reply(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DISPUTED = "disputed", "Disputed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="proposals")
    round = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    text = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by_hfs = models.BooleanField("recorded by HFS", default=False)
    reply = models.CharField(max_length=10, choices=Reply.choices, blank=True)
    reply_reason = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "MCO proposal"
        ordering = ["complaint", "round"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "round"], name="complaints_one_proposal_per_round"),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(outcome__in=["pay", "partial", "upheld", "misdirected"]),
                name="complaints_proposal_outcome_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True) | (~models.Q(outcome="") & ~models.Q(text="")),
                name="complaints_proposal_submitted_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(reply="") | models.Q(reply__in=["accepted", "disputed"]),
                name="complaints_proposal_reply_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reply="") | models.Q(submitted_at__isnull=False),
                name="complaints_proposal_reply_after_submit",
            ),
            models.CheckConstraint(
                condition=~models.Q(reply="disputed") | ~models.Q(reply_reason=""),
                name="complaints_proposal_dispute_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} round {self.round}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ExtensionRequest(models.Model):
    """The one 30-day extension of the MCO's answer (DESIGN §11): asked once per complaint, by the MCO or the
    provider, with a reason; HFS staff grant or refuse it. Each step is also a ComplaintEvent."""

    class Party(models.TextChoices):
        MCO = "mco", "The MCO"
        PROVIDER = "provider", "The provider"

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for HFS"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="extension_request")
    party = models.CharField(max_length=10, choices=Party.choices)
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(party__in=["mco", "provider"]), name="complaints_ext_party"),
            models.CheckConstraint(
                condition=models.Q(decision__in=["pending", "granted", "refused"]), name="complaints_ext_decision"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="complaints_ext_reason_required"),
            models.CheckConstraint(
                condition=models.Q(decision="pending", decided_at__isnull=True)
                | (~models.Q(decision="pending") & models.Q(decided_at__isnull=False)),
                name="complaints_ext_decided_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} extension ({self.decision})"


from complaints.systemic_models import Signal, SystemicIssue, SystemicIssueLink  # noqa: E402, F401
