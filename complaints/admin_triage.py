"""The HFS triage queue in the admin (DESIGN §4.4 and §4.5). Thin: every action calls a service."""

import csv
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
from complaints import clock, selectors_staff, services
from complaints.admin_queue import URGENCY, QueueChangeList, short_date
from complaints.models import AffectedClaim, Attachment, Complaint, ComplaintEvent
from portal.admin import QuickActionCheckboxMixin, service_action
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


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["download", "size", "content_type", "scan_status", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description="file")
    def download(self, obj: Attachment) -> str:
        if obj.scan_status != Attachment.ScanStatus.CLEAN:
            return f"{obj.original_name} (waiting for the virus scan)"
        return format_html('<a href="/complaints/files/{}/">{}</a>', obj.public_id, obj.original_name)


class TimelineInline(ReadOnlyInline):
    model = ComplaintEvent
    verbose_name_plural = "timeline (shared notes are seen by the provider)"
    fields = ["created_at", "actor", "kind", "from_status", "to_status", "note", "shared_with_provider"]
    readonly_fields = fields

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The actor's name and each row's label (its complaint, ComplaintEvent.__str__): joined, not two reads a row.
        return super().get_queryset(request).select_related("complaint", "actor")


class CloseForm(forms.Form):
    note = forms.CharField(
        label="Note for the provider (they will read it)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason = forms.ChoiceField(
        choices=[c for c in Complaint.ClosureReason.choices if c[0] != Complaint.ClosureReason.WITHDRAWN_BY_PROVIDER]
    )


class QuestionForm(forms.Form):
    question = forms.CharField(label="Question for the provider (they will read it)", widget=forms.Textarea)


class MCOAnswerForm(forms.Form):
    note = forms.CharField(label="Summary of the MCO's answer (internal)", widget=forms.Textarea)
    extension = forms.BooleanField(label="The MCO asks for its one 30-day extension", required=False)


class AssignForm(forms.Form):
    assignee_email = forms.EmailField(label="Email of the HFS colleague to assign")


class TransferForm(forms.Form):
    to_email = forms.EmailField(label="Email of another active representative of the same organization")


class ReopenForm(forms.Form):
    note = forms.CharField(label="Why it is reopened (internal)", widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    outcome_code = forms.ChoiceField(choices=Complaint.OutcomeCode.choices)
    outcome_text = forms.CharField(label="Outcome, read by the representative in the portal", widget=forms.Textarea)


def _no_notice_address(complaint: Complaint) -> str | None:
    """Said on the page after forwarding: the MCO was not told, so the staff member must tell it another way."""
    if complaint.mco.notification_email:
        return None
    return (
        f"{complaint.reference}: {complaint.mco.name} has no notice address on file, so the portal could not tell "
        "the MCO. Send the MCO the notice another way today, and ask a supervisor to add the address under MCOs."
    )


def _describe(complaint: Complaint) -> str:
    """A selected complaint on an action's form page."""
    return f"{complaint.reference} · {complaint.mco.short_name} · {complaint.get_status_display()}"


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
            form=MCOAnswerForm, title="The MCO's answer",
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


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_queue_csv(queryset: QuerySet[Complaint]) -> StreamingHttpResponse:
    """The queue as CSV, streamed row by row; no member data and no descriptions."""
    writer = csv.writer(_Echo())

    def rows():  # type: ignore[no-untyped-def]
        yield writer.writerow(EXPORT_COLUMNS)
        for complaint in queryset.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    complaint.reference,
                    timezone.localtime(complaint.submitted_at).date().isoformat(),
                    complaint.mco.short_name,
                    complaint.category.name,
                    complaint.get_provider_group_display(),
                    complaint.get_status_display(),
                    "yes" if complaint.expedited else "no",
                    complaint.next_due.isoformat() if complaint.next_due else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="complaint-queue.csv"'
    return response


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
        return selectors_staff.complaint_queue()

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
        # "settled" only orders the queue (the status says it).
        hidden = {"id", "idempotency_key", "settled", *([] if self.sees_phi(request) else self.PHI_FIELDS)}
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
        extra_context = {**(extra_context or {}), "triage_actions": actions}
        response = super().change_view(request, object_id, form_url, extra_context)
        # Recorded only when the page is shown: a refused or missing one showed nothing.
        # A page shown (200) is a complaint that exists; the audit row needs only its id, not a second read.
        if response.status_code == 200 and str(object_id).isdecimal():
            complaint = Complaint(pk=int(object_id))
            services.complaint_record_view(complaint=complaint, user=request.user, request=request)
        return response

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

    @admin.display(description="possibly premature", boolean=True, ordering="filing_window")
    def premature_marker(self, obj: Complaint) -> bool:
        return obj.possibly_premature


admin.site.register(Complaint, ComplaintAdmin)
