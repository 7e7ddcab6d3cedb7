"""The HFS triage queue in the admin (DESIGN §4.4 and §4.5). Thin: every action calls a service."""

import functools
import re

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin_lookups import AllowlistedLookupsMixin
from accounts.audit import audit_record
from accounts.models import ProviderOrganization, ReportingGroup
from accounts.selectors import mco_user_emails
from complaints import clock, selectors_staff, services
from complaints.admin_queue import (
    URGENCY,
    ExtensionFilter,
    ProviderReplyFilter,
    QueueChangeList,
    mco_answer_words,
    short_date,
    with_mco_answer,
)
from complaints.forms import LongTextField
from complaints.models import AffectedClaim, Attachment, Complaint, ComplaintEvent, ExtensionRequest, MCOProposal
from portal.admin import QuickActionCheckboxMixin, service_action
from portal.csv import csv_cell, csv_response
from portal.pagination import CappedPaginator

REFERENCE = re.compile(r"^MCO-\d{4}-\d{6}$", re.IGNORECASE)


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("overdue", "Overdue"), ("tomorrow", "Due by tomorrow")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        today = timezone.localdate()
        if self.value() == "overdue":
            return selectors_staff.overdue(queryset, today=today)
        if self.value() == "tomorrow":
            return selectors_staff.due_by(queryset, today + timezone.timedelta(days=1))
        return queryset


class StatusFilter(admin.ChoicesFieldListFilter):
    """The status filter, with the part of the queue it implies (open or settled), so the first page is read from
    that part of the queue's index and not after every row of the other part (issue 17)."""

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        queryset = super().queryset(request, queryset)
        statuses = set(self.used_parameters.get(self.lookup_kwarg) or [])
        settled = {Complaint.Status.RESOLVED, Complaint.Status.CLOSED}
        if statuses and statuses <= settled:
            return queryset.filter(settled=True)
        if statuses and not statuses & settled:
            return queryset.filter(settled=False)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = "assigned"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("me", "Assigned to me"), ("none", "Unassigned")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset


class HeldNoticeFilter(admin.SimpleListFilter):
    title = "needs a new representative"
    parameter_name = "held"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("yes", "Notice held: transfer needed")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        return queryset.exclude(held_notice="") if self.value() == "yes" else queryset


class ProviderGroupFilter(admin.SimpleListFilter):
    title = "provider type group"
    parameter_name = "provider_group"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return ReportingGroup.choices

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value():
            return queryset.filter(provider_group=self.value())
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ClaimInline(ReadOnlyInline):
    model = AffectedClaim
    fields = ["line_number", "member_name", "rin", "service_from", "service_to", "claim_number", "billed_amount"]
    readonly_fields = fields

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # Each row's label names its complaint (AffectedClaim.__str__): joined, not read once per row.
        return super().get_queryset(request).select_related("complaint")


def file_link(attachment: Attachment) -> str:
    """A file for staff: its download link (the authorized, audited view) once the virus scan passed."""
    if attachment.scan_status != Attachment.ScanStatus.CLEAN:
        return f"{attachment.original_name} (waiting for the virus scan)"
    return format_html('<a href="/complaints/files/{}/">{}</a>', attachment.public_id, attachment.original_name)


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    verbose_name_plural = "the provider's files"
    fields = ["download", "size", "content_type", "scan_status", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The MCO's proposal files are shown with their proposal (a draft's, never).
        return super().get_queryset(request).filter(proposal__isnull=True)

    @admin.display(description="file")
    def download(self, obj: Attachment) -> str:
        return file_link(obj)


class TimelineInline(ReadOnlyInline):
    model = ComplaintEvent
    verbose_name_plural = "timeline (shared notes are seen by the provider)"
    fields = ["created_at", "actor", "kind", "from_status", "to_status", "note", "shared_with_provider"]
    readonly_fields = fields

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The actor's name and each row's label (its complaint, ComplaintEvent.__str__): joined, not two reads a row.
        return super().get_queryset(request).select_related("complaint", "actor")


class StaffTextField(LongTextField):
    """A staff member's text that the provider or the MCO may read: the portal's rules for long text (no hidden
    control or direction-override characters) and a cap the pages can show."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max_length", 5000)
        super().__init__(**kwargs)


class CloseForm(forms.Form):
    note = StaffTextField(
        label="Note for the provider (they will read it)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason = forms.ChoiceField(
        choices=[c for c in Complaint.ClosureReason.choices if c[0] != Complaint.ClosureReason.WITHDRAWN_BY_PROVIDER]
    )


class QuestionForm(forms.Form):
    question = StaffTextField(label="Question for the provider (they will read it)", widget=forms.Textarea)


class MCOAnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What the MCO answered",
        choices=[("", "Choose the MCO's answer"), *MCOProposal.Outcome.choices],
        required=False,
    )
    note = StaffTextField(
        label="The MCO's answer, as the representative will read it (or why the MCO asks for more time)",
        widget=forms.Textarea,
    )
    extension = forms.BooleanField(
        label="Instead of answering, the MCO asks for its one 30-day extension (granted at once)", required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("extension") and not data.get("outcome"):
            self.add_error("outcome", "Choose what the MCO answered.")
        return data


MCO_ANSWER_INTRO = (
    "Use this when the MCO answered outside the portal. The answer becomes this round's proposal, marked "
    '"recorded by HFS"; the representative reads it, unless the MCO says it is not its member or not its complaint. '
    "If the MCO has already answered in the portal, nothing is recorded."
)


class SendBackForm(forms.Form):
    note = StaffTextField(
        label="What the MCO should look at again (the MCO and the representative read it)", widget=forms.Textarea
    )


class ExtensionGrantForm(forms.Form):
    note = StaffTextField(
        label="Note (optional; the MCO and the representative read it)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ExtensionRefuseForm(forms.Form):
    note = StaffTextField(
        label="Why the extension is refused (the MCO and the representative read it)",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the extension is refused."},
    )


class AssignForm(forms.Form):
    assignee_email = forms.EmailField(label="Email of the HFS colleague to assign")


class TransferForm(forms.Form):
    to_email = forms.EmailField(label="Email of another active representative of the same organization")


class ReopenForm(forms.Form):
    note = StaffTextField(label="Why it is reopened (internal)", widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    outcome_code = forms.ChoiceField(choices=Complaint.OutcomeCode.choices)
    outcome_text = StaffTextField(label="Outcome, read by the representative in the portal", widget=forms.Textarea)


def _no_notice_address(complaint: Complaint) -> str | None:
    """Said on the page after forwarding: the MCO was not told, so the staff member must tell it another way."""
    if complaint.mco.notification_email or mco_user_emails(mco_id=complaint.mco_id).exists():
        return None
    return (
        f"{complaint.reference}: {complaint.mco.name} has no notice address on file and no one at the MCO uses the "
        "portal, so the portal could not tell the MCO. Send the MCO the notice another way today, and ask a "
        "supervisor to add the address under MCOs."
    )


def _describe(complaint: Complaint) -> str:
    """A selected complaint on an action's form page."""
    return f"{complaint.reference} · {complaint.mco.short_name} · {complaint.get_status_display()}"


EXTENSION_ACTIONS = {"extension_grant", "extension_refuse"}


def _extension_grant_action(triage):  # type: ignore[no-untyped-def]
    """Granting is one click in the queue; the complaint page's button may send a note with it (its form comes
    already applied)."""
    service, done = services.extension_decide, "Extensions granted: {count}. The MCO's answer is due 30 days later."
    one_click = triage("extension_grant", "Grant the extension request", service, done, grant=True)
    with_note = triage(
        "extension_grant", "Grant the extension request", service, done, grant=True, form=ExtensionGrantForm
    )

    @admin.action(description="Grant the extension request", permissions=["change"])
    def extension_grant(modeladmin, request, queryset):  # type: ignore[no-untyped-def]
        return (with_note if "apply" in request.POST else one_click)(modeladmin, request, queryset)

    return extension_grant


def complaint_admin_actions():  # type: ignore[no-untyped-def]
    """The triage actions; each calls one service per selected complaint and reports refusals one by one."""

    # portal.admin.service_action, each form page listing the complaints by reference, MCO and status.
    triage = functools.partial(service_action, describe=_describe)

    actions = [
        triage("take", "Take (assign to me; start review)", services.complaint_take, "Took {count}."),
        triage(
            "assign", "Assign to a colleague…", services.complaint_assign, "Assigned {count}.",
            form=AssignForm, title="Assign",
        ),
        triage(
            "close_not_first", "Close: not first submitted to the MCO (one click)", services.complaint_close,
            "Closed {count}; the representatives are told to go to the MCO first.",
            reason="not_submitted_to_mco_first",
        ),
        triage(
            "close_other", "Close with another reason…", services.complaint_close, "Closed {count}.",
            form=CloseForm, title="Close complaints",
        ),
        triage("expedite", "Expedite", services.complaint_set_expedited, "Expedited {count}.", expedited=True),
        triage(
            "unexpedite", "Stop expediting", services.complaint_set_expedited, "{count} no longer expedited.",
            expedited=False,
        ),
        triage(
            "forward", "Forward to the MCO", services.complaint_forward_to_mco,
            "Forwarded {count}; the MCO clock started.", warn=_no_notice_address,
        ),
        triage(
            "mco_answer", "Record the MCO's answer…", services.complaint_record_mco_answer, "Recorded {count}.",
            form=MCOAnswerForm, title="The MCO's answer (recorded by HFS)", intro=MCO_ANSWER_INTRO,
        ),
        _extension_grant_action(triage),
        triage(
            "extension_refuse", "Refuse the extension request…", services.extension_decide,
            "Extension requests refused: {count}. The MCO's answer dates stay.",
            form=ExtensionRefuseForm, title="Refuse the extension", grant=False,
        ),
        triage(
            "send_back", "Send back to the MCO (new round)…", services.complaint_forward_to_mco,
            "Sent {count} back to the MCO; a new round started and the MCO clock restarted.",
            form=SendBackForm, title="Send back to the MCO", warn=_no_notice_address,
            intro="The MCO is asked for a new written proposal, with its own 30 days.",
        ),
        triage(
            "close_wrong_mco", "Close: filed against the wrong MCO", services.complaint_close,
            "Closed {count}; the representatives are offered a new complaint against the right MCO.",
            reason="wrong_mco",
        ),
        triage(
            "request_info", "Ask the provider for information…", services.complaint_request_info, "Asked {count}.",
            form=QuestionForm, title="Ask the provider",
        ),
        triage(
            "resolve", "Resolve with an outcome…", services.complaint_resolve, "Resolved {count}.",
            form=ResolveForm, title="Resolve",
        ),
        triage(
            "reopen", "Reopen (supervisors)…", services.complaint_reopen, "Reopened {count}.",
            form=ReopenForm, title="Reopen",
        ),
        triage(
            "transfer", "Transfer to another representative…", services.complaint_transfer, "Transferred {count}.",
            form=TransferForm, title="Transfer",
        ),
    ]  # fmt: skip

    @admin.action(description="Export the selected complaints (CSV, no PHI)", permissions=["view"])
    def export_csv(modeladmin, request, queryset):  # type: ignore[no-untyped-def]
        audit_record(
            actor=request.user, action="complaint.queue_exported", object_type="complaints.complaint", request=request
        )
        return export_queue_csv(queryset)

    return [*actions, export_csv]


EXPORT_COLUMNS = ["reference", "received", "mco", "category", "provider_type_group", "status", "expedited", "next_due"]


def export_queue_csv(queryset: QuerySet[Complaint]) -> StreamingHttpResponse:
    """The queue as CSV, streamed row by row; no member data and no descriptions."""
    rows = (
        [
            complaint.reference,
            timezone.localtime(complaint.submitted_at).date().isoformat(),
            csv_cell(complaint.mco.short_name),
            csv_cell(complaint.category.name),
            complaint.get_provider_group_display(),
            complaint.get_status_display(),
            "yes" if complaint.expedited else "no",
            complaint.next_due.isoformat() if complaint.next_due else "",
        ]
        for complaint in queryset.iterator(chunk_size=500)
    )
    return csv_response(header=EXPORT_COLUMNS, rows=rows, filename="complaint-queue.csv")


class ComplaintAdmin(AllowlistedLookupsMixin, QuickActionCheckboxMixin, admin.ModelAdmin):
    # Every column triage needs fits 1280 px (admin.css narrows the page for this list; tests/e2e).
    list_display = [
        "reference",
        "received",
        "mco_name",
        "category",
        "provider_group",
        "organization_name",
        "status",
        "mco_answer",
        "expedited_marker",
        "due",
        "assigned",
        "premature_marker",
    ]
    list_filter = [
        ("status", StatusFilter),
        "mco",
        ProviderGroupFilter,
        "category",
        "expedited",
        OverdueFilter,
        ProviderReplyFilter,
        ExtensionFilter,
        "filing_window",
        AssigneeFilter,
        HeldNoticeFilter,
        ("submitted_at", admin.DateFieldListFilter),
    ]
    search_fields = ["reference"]
    search_help_text = "Reference (exact), organization name, NPI (10 digits) or a member's RIN (9 digits, exact)."
    # No page counts the whole table (issue 17): the count stops at PORTAL_LIST_COUNT_CAP ("more than 1,000"),
    # and the filters show no per-choice counts.
    show_full_result_count = False
    paginator = CappedPaginator
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    # Columns sort only where an index keeps the order (the reference, the day received); the default order is
    # urgency, and every other column has a filter (issue 17: no page sorts the whole table).
    sortable_by = ["reference", "received"]

    actions = complaint_admin_actions()
    inlines = [ClaimInline, AttachmentInline, TimelineInline]

    def get_ordering(self, request: HttpRequest) -> list[object]:
        # Expedited first, then the oldest due date (an annotation, so not in the `ordering` attribute, which the
        # system checks validate against model fields; the admin would otherwise use the model's newest-first).
        return list(selectors_staff.QUEUE_ORDER)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        return with_mco_answer(selectors_staff.complaint_queue())

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[QueueChangeList]:
        return QueueChangeList

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        # The queue needs the whole width at 1280 px: no list of models beside it (the breadcrumbs stay).
        extra_context = {**(extra_context or {}), "is_nav_sidebar_enabled": False, "urgency_statement": URGENCY}
        return super().changelist_view(request, extra_context)

    PHI_FIELDS = (
        "subject",
        "description",
        "access_to_care_explanation",
        "mco_resolution_summary",
        "outcome_text",
    )

    def sees_phi(self, request: HttpRequest) -> bool:
        """Triage analysts and supervisors; the reporting group sees no member data, descriptions or files."""
        return request.user.has_perm("complaints.view_affectedclaim")

    def get_fields(self, request: HttpRequest, obj: Complaint | None = None) -> list[str]:
        # "settled" and the MCO queue's stage and due date only order the queues (the status and dates say them);
        # the reminder rounds are the reminders' own bookkeeping.
        hidden = {
            "id",
            "idempotency_key",
            "settled",
            "mco_stage",
            "mco_due",
            "mco_due_soon_notice_round",
            "mco_overdue_notice_round",
            *([] if self.sees_phi(request) else self.PHI_FIELDS),
        }
        return [field.name for field in Complaint._meta.fields if field.name not in hidden]

    def get_readonly_fields(self, request: HttpRequest, obj: Complaint | None = None) -> list[str]:
        return self.get_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Complaint | None = None) -> list[type]:
        return list(self.inlines) if self.sees_phi(request) else []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The page of one complaint is read-only (no Save that could overwrite a concurrent change); the
        # queue's actions still need the permission.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):  # type: ignore[no-untyped-def]
        term = search_term.strip()
        if not term:
            return queryset, False
        # Each search reads an index: references are stored in capitals (the unique index answers an exact match,
        # not a case-insensitive one), the RIN through its own index, the NPI resolved to its organization first so
        # the queue's organization index serves the order.
        if REFERENCE.match(term):
            return queryset.filter(reference=term.upper()), False
        if re.fullmatch(r"\d{9}", term) and self.sees_phi(request):
            # A member's RIN: exact only, and the search is recorded (who searched, not the RIN itself).
            audit_record(
                actor=request.user,
                action="complaint.rin_search",
                object_type="complaints.affectedclaim",
                request=request,
            )
            return queryset.filter(pk__in=AffectedClaim.objects.filter(rin=term).values("complaint_id")), False
        if re.fullmatch(r"\d{10}", term):
            organization_ids = list(ProviderOrganization.objects.filter(npi=term).values_list("pk", flat=True)[:1])
            return queryset.filter(organization_id__in=organization_ids), False
        # A name: the organizations are found first (a small table), so PostgreSQL estimates their complaints from
        # the organization column's statistics and reads the queue's index in order when they are many.
        organization_ids = list(
            ProviderOrganization.objects.filter(legal_name__icontains=term).values_list("pk", flat=True)[:101]
        )
        if len(organization_ids) > 100:
            return queryset.filter(organization__legal_name__icontains=term), False
        return queryset.filter(organization_id__in=organization_ids), False

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        actions = [(name, description) for name, description in self.get_action_choices(request) if name]
        # The extension's two actions have their own buttons, with the request they decide (mco_part).
        extra_context = {
            **(extra_context or {}),
            "triage_actions": [(name, label) for name, label in actions if name not in EXTENSION_ACTIONS],
            "decides_extensions": {name for name, _ in actions} >= EXTENSION_ACTIONS,
        }
        response = super().change_view(request, object_id, form_url, extra_context)
        # Recorded only when the page is shown: a refused or missing one showed nothing.
        # A page shown (200) is a complaint that exists; the audit row needs only its id, not a second read.
        if response.status_code == 200 and str(object_id).isdecimal():
            complaint = Complaint(pk=int(object_id))
            services.complaint_record_view(complaint=complaint, user=request.user, request=request)
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # type: ignore[no-untyped-def]
        if obj is not None:
            context = {
                **context,
                **self.mco_part(request, obj, decides=context.get("decides_extensions", False)),
                **selectors_staff.systemic_of(obj),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def mco_part(self, request: HttpRequest, complaint: Complaint, *, decides: bool) -> dict:
        """The MCO's part of the complaint page (DESIGN §11): the one extension and each round's submitted proposal
        (a draft is the MCO's own). Read only once the complaint was presented: one statement for the extension,
        one for the proposals and one for all their files, however many rounds. The reporting group sees who
        asked, when and what was decided, and each answer's outcome, without the texts or files (PHI)."""
        if not complaint.mco_round:
            return {}
        phi = self.sees_phi(request)
        extension = selectors_staff.extension_for_staff(complaint=complaint)
        proposals = selectors_staff.proposal_list_for_staff(complaint=complaint, with_files=phi)
        today = timezone.localdate()
        rounds = []
        for proposal in proposals:
            reply_due = services.proposal_reply_deadline(proposal)
            rounds.append(
                {
                    "proposal": proposal,
                    "files": [file_link(attachment) for attachment in proposal.files.all()] if phi else [],
                    "reply_due": reply_due,
                    "reply_open": today <= reply_due,
                }
            )
        pending = extension is not None and extension.decision == ExtensionRequest.Decision.PENDING
        return {
            "mco_part": True,
            "sees_phi": phi,
            "extension": extension,
            "extension_decidable": decides and pending,
            "rounds": rounds,
        }

    @admin.display(description="received", ordering="submitted_at")
    def received(self, obj: Complaint) -> str:
        return short_date(timezone.localtime(obj.submitted_at).date())

    @admin.display(description="organization", ordering="organization__legal_name")
    def organization_name(self, obj: Complaint) -> str:
        # Long names are cut to two lines on screen (admin.css); the whole name is the tooltip and is read out.
        name = obj.organization.legal_name
        return format_html('<span class="queue-clip" title="{}">{}</span>', name, name)

    @admin.display(description="assigned to", ordering="assignee__full_name")
    def assigned(self, obj: Complaint) -> str:
        return (obj.assignee.full_name or obj.assignee.email) if obj.assignee else "-"

    @admin.display(description="MCO", ordering="mco__short_name")
    def mco_name(self, obj: Complaint) -> str:
        return obj.mco.short_name

    @admin.display(description="provider type group")
    def provider_group(self, obj: Complaint) -> str:
        return obj.get_provider_group_display()

    @admin.display(description="expedited", boolean=True, ordering="expedited")
    def expedited_marker(self, obj: Complaint) -> bool:
        return obj.expedited

    @admin.display(description="next due", ordering="next_due")
    def due(self, obj: Complaint) -> str:
        if obj.next_due is None:
            return "-"
        if clock.is_overdue(obj.next_due):
            return format_html("<strong>{} (overdue)</strong>", short_date(obj.next_due))
        return short_date(obj.next_due)

    @admin.display(description="MCO answer")
    def mco_answer(self, obj: Complaint) -> str:
        """This round's answer from the MCO and the provider's reply (annotated by with_mco_answer)."""
        return mco_answer_words(obj.mco_answer_outcome, obj.mco_answer_reply)  # type: ignore[attr-defined]

    @admin.display(description="possibly premature", boolean=True, ordering="filing_window")
    def premature_marker(self, obj: Complaint) -> bool:
        return obj.possibly_premature


admin.site.register(Complaint, ComplaintAdmin)
