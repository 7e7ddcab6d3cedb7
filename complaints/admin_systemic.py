"""Signals and systemic issues in the admin (DESIGN §12): HFS triage staff only. Thin: every action calls a service
(complaints/services/systemic.py); the pages only read."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin_lookups import AllowlistedLookupsMixin
from complaints import selectors_staff
from complaints.admin_triage import ResolveForm, StaffTextField
from complaints.models import Complaint
from complaints.services import systemic
from complaints.systemic_models import Signal, SystemicIssue
from portal.admin import QuickActionCheckboxMixin, action_form_page, service_action

WEEKS_AFTER = 4  # the chart shows the trailing weeks, the signal's week and up to this many weeks after it
SHOWN = 500  # complaints listed on a signal's page (the rest are in the queue, filtered by MCO and topic)


class DismissForm(forms.Form):
    reason = forms.CharField(label="Why is the signal dismissed?", max_length=400, widget=forms.Textarea)


class IssueForm(forms.Form):
    title = forms.CharField(
        label="Title (what the complaints have in common, no member details)", max_length=150, required=False
    )
    summary = StaffTextField(label="Summary (for HFS staff only)", widget=forms.Textarea, required=False)


class NewIssueForm(IssueForm):
    title = forms.CharField(label="Title (what the complaints have in common, no member details)", max_length=150)


class CorrectiveActionForm(forms.Form):
    corrective_action = StaffTextField(label="The MCO's corrective action", widget=forms.Textarea)


def _describe_issue(issue: SystemicIssue) -> str:
    """A selected issue on an action's form page: what the action will reach (``open_complaints`` is counted by
    the list's query, SystemicIssueAdmin.get_queryset)."""
    return f"{issue} · {issue.mco.short_name} · {issue.open_complaints} open complaint(s)"


class PresentForm(forms.Form):
    """Nothing to fill in: the page lists the issues and says what presenting does before anything is sent."""


def _presented_warning(result: systemic.Presented) -> str | None:
    parts = []
    if result.no_address:
        parts.append(
            f"{result.issue.mco.name} has no notice address on file and no one at the MCO uses the portal, so the "
            "portal could not tell the MCO: send it the notice another way today"
        )
    if result.already:
        parts.append(f"already with the MCO: {', '.join(result.already)}")
    if result.not_sent:
        parts.append(f"not sent: {', '.join(result.not_sent)}")
    return f"{result.issue}: " + "; ".join(parts) + "." if parts else None


class ActionsOnPageMixin:
    """The change page offers the list's actions as buttons for this row (the same action, one row selected)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        actions = [(name, label) for name, label in self.get_action_choices(request) if name]  # type: ignore[attr-defined]
        extra_context = {
            **(extra_context or {}),
            "page_actions": actions,
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    # The buttons a row's page offers in each state (a resolved issue offers none); the list offers every action and
    # the services refuse what does not apply.
    page_actions_by_state: dict[str, set[str]] = {}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # type: ignore[no-untyped-def]
        wanted = self.page_actions_by_state.get(getattr(obj, "state", ""))
        if wanted is not None and "page_actions" in context:
            context = {**context, "page_actions": [(n, label) for n, label in context["page_actions"] if n in wanted]}
        return super().render_change_form(request, context, add, change, form_url, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """The actions (on the list) need it; a row's own page is read only (a POST to it is refused)."""
        return obj is None and super().has_change_permission(request)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Signal)
class SignalAdmin(AllowlistedLookupsMixin, ActionsOnPageMixin, QuickActionCheckboxMixin, admin.ModelAdmin):
    list_display = ["week_start", "mco_name", "category", "strength", "organizations", "rule", "state"]
    page_actions_by_state = {
        Signal.State.NEW: {"review", "dismiss", "make_issue"},
        Signal.State.REVIEWED: {"dismiss", "make_issue"},
        Signal.State.DISMISSED: set(),
        Signal.State.ISSUE: set(),
    }
    list_filter = ["state", "mco", "category", "rule"]
    list_select_related = ["mco", "category"]
    ordering = ["-week_start", "-id"]
    sortable_by: list[str] = []
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    VOLUME_FIELDS = ["usual", "limit", "chance"]
    readonly_fields = ["why", "rule", "mco", "category", "week_start", "observed", *VOLUME_FIELDS, "shared_day",
                       "organizations", "state", "dismissed_reason", "issue_link"]  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: Signal | None = None) -> list[str]:
        """Each rule's own numbers: the volume rule's usual week, limit and chance; the dates rule's shared day."""
        if obj is not None and obj.rule == Signal.Rule.SHARED_DATES:
            return [field for field in self.readonly_fields if field not in self.VOLUME_FIELDS]
        return [field for field in self.readonly_fields if field != "shared_day"]

    actions = [
        service_action("review", "Mark as reviewed", systemic.signal_review, "Marked {count} as reviewed."),
        service_action(
            "dismiss", "Dismiss, with a reason…", systemic.signal_dismiss, "Dismissed {count}.",
            form=DismissForm, title="Dismiss signals",
        ),
        service_action(
            "make_issue", "Turn into a systemic issue…", systemic.issue_from_signal,
            "Made {count} systemic issue(s) from signals.", form=IssueForm, title="Turn into a systemic issue",
            intro="The signal's complaints that are still open, and in no other open issue, are linked to the new "
            "issue. Leave the title empty to name it after the MCO, topic and week.",
        ),
    ]  # fmt: skip

    @admin.display(description="MCO")
    def mco_name(self, obj: Signal) -> str:
        return obj.mco.short_name

    @admin.display(description="strength")
    def strength(self, obj: Signal) -> str:
        if obj.rule == Signal.Rule.SHARED_DATES:
            return f"{obj.observed} complaints share {obj.shared_day:%-d %b %Y}"
        return f"{obj.observed} complaints; usually {obj.expected:.1f} a week"

    @admin.display(description="usual a week")
    def usual(self, obj: Signal) -> str:
        return f"{obj.expected:.1f} (the average of the {settings.PORTAL_SIGNAL_HISTORY_WEEKS} weeks before)"

    @admin.display(description="chance if nothing had changed")
    def chance(self, obj: Signal) -> str:
        """The chance in words: "less than 1 in 1,000,000" rather than a float with twenty zeros."""
        if obj.p_value is None:
            return "—"
        for odds in (10**9, 10**6, 10**3):
            if obj.p_value < 1 / odds:
                return f"less than 1 in {odds:,}"
        return f"about 1 in {round(1 / obj.p_value):,}" if obj.p_value else "—"

    @admin.display(description="systemic issue")
    def issue_link(self, obj: Signal) -> str:
        if not obj.issue_id:
            return "—"
        url = reverse("admin:complaints_systemicissue_change", args=[obj.issue_id])
        return format_html('<a href="{}">{}</a>', url, obj.issue)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # type: ignore[no-untyped-def]
        if obj is not None:
            context = {**context, **signal_page(obj)}
        return super().render_change_form(request, context, add, change, form_url, obj)


def signal_page(signal: Signal) -> dict[str, object]:
    """The weeks around the signal (a chart and the same numbers in a table) and its complaints."""
    last = max(min(signal.week_start + timedelta(weeks=WEEKS_AFTER), systemic.last_whole_week()), signal.week_start)
    rows = selectors_staff.signal_weeks(signal, last)
    complaints = selectors_staff.signal_complaints(signal, SHOWN)
    return {
        "signal_weeks": rows,
        "signal_chart": chart(rows, signal.limit),
        "signal_complaints": complaints,
        "signal_complaints_more": len(complaints) == SHOWN and signal.observed > SHOWN,
    }


def chart(rows: list[dict], limit: int | None) -> dict[str, object]:
    """A bar chart as SVG geometry (drawn by the template; no script): one bar a week, the signal's week marked,
    and a line at the count the volume rule calls unusual (none for the dates-of-service rule)."""
    width, height, left, bottom = 640, 200, 36, 28
    top = max([limit or 0, *(row["count"] for row in rows), 1])
    step = (width - left) / max(len(rows), 1)
    scale = (height - bottom - 10) / top
    bars = [
        {
            "x": round(left + i * step + 2, 1),
            "y": round(height - bottom - row["count"] * scale, 1),
            "width": round(step - 4, 1),
            "height": round(row["count"] * scale, 1),
            "signal": row["signal"],
            "label": f"{row['week']:%-d %b}",
            "label_x": round(left + i * step + step / 2, 1),
            "count": row["count"],
        }
        for i, row in enumerate(rows)
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "limit_y": round(height - bottom - limit * scale, 1) if limit is not None else None,
        "limit": limit,
        "axis_y": height - bottom,
        "left": left,
        "top": top,
    }


@admin.register(SystemicIssue)
class SystemicIssueAdmin(AllowlistedLookupsMixin, ActionsOnPageMixin, QuickActionCheckboxMixin, admin.ModelAdmin):
    list_display = ["__str__", "mco", "category", "state", "created_at"]
    page_actions_by_state = {
        SystemicIssue.State.OPEN: {"present", "corrective_action", "resolve_all"},
        SystemicIssue.State.PRESENTED: {"corrective_action", "resolve_all"},
        SystemicIssue.State.RESOLVED: set(),
    }
    list_filter = ["state", "mco", "category"]
    list_select_related = ["mco", "category"]
    ordering = ["-created_at", "-id"]
    sortable_by: list[str] = []
    show_facets = admin.ShowFacets.NEVER
    fields = ["title", "mco", "category", "summary", "state", "presented_at", "corrective_action",
              "corrective_action_at", "outcome_code", "outcome_text", "resolved_at", "created_by",
              "created_at"]  # fmt: skip
    readonly_fields = fields
    actions = [
        service_action(
            "present", "Present to the MCO as one case…", systemic.issue_present_to_mco,
            "Presented {count} issue(s) to the MCO: one notice each; each complaint's clock started.",
            argument="issue", warn=_presented_warning, form=PresentForm, describe=_describe_issue,
            title="Present to the MCO as one case",
            submit="Present to the MCO",
            intro="Each linked complaint in review and never sent to the MCO is sent now: its 30 days start and its "
            "representative sees it was sent. Complaints not triaged yet, already answered by the MCO, or waiting "
            "for the provider are not sent (you are told which). The MCO gets one notice listing the references. "
            "This cannot be undone.",
        ),
        service_action(
            "corrective_action", "Record the MCO's corrective action…", systemic.issue_record_corrective_action,
            "Recorded for {count} issue(s).", argument="issue", form=CorrectiveActionForm, describe=_describe_issue,
            title="The MCO's corrective action",
        ),
        service_action(
            "resolve_all", "Resolve every linked complaint…", systemic.issue_resolve,
            "Resolved {count} issue(s): each open linked complaint is resolved and its representative told.",
            argument="issue", form=ResolveForm, title="Resolve every linked open complaint", describe=_describe_issue,
            intro="Each open complaint of the issue is resolved with this outcome, one by one, and each filing "
            "representative reads it on their own complaint. They are not told about the others.",
        ),
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[SystemicIssue]:
        return selectors_staff.systemic_issues()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # type: ignore[no-untyped-def]
        if obj is not None:
            context = {**context, **selectors_staff.issue_page(obj)}
        return super().render_change_form(request, context, add, change, form_url, obj)


def _describe(complaint: Complaint) -> str:
    return f"{complaint.reference} · {complaint.mco.short_name} · {complaint.category.name}"


@admin.action(description="Group into a systemic issue…", permissions=["change"])
def group_into_issue(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
    """The queue's selected complaints (one MCO, one topic) become one new systemic issue."""
    bound = NewIssueForm(request.POST if "apply" in request.POST else None)
    if bound.is_bound and bound.is_valid():
        try:
            issue = systemic.issue_create(
                actor=request.user, complaints=list(queryset), request=request, **bound.cleaned_data
            )
        except PermissionDenied as error:
            modeladmin.message_user(request, str(error), messages.WARNING)
            return None
        except ValidationError as error:  # shown on the form, with what was typed kept
            bound.add_error(None, " ".join(error.messages))
        else:
            modeladmin.message_user(request, f"Made {issue} with {queryset.count()} complaint(s).")
            return redirect(reverse("admin:complaints_systemicissue_change", args=[issue.pk]))
    rows = [(row.pk, _describe(row)) for row in queryset.select_related("mco", "category")]
    return action_form_page(
        modeladmin,
        request,
        "group_into_issue",
        bound,
        rows,
        title="Group into a systemic issue",
        intro="The complaints must name one MCO and one topic, be open, and be in no other open systemic issue.",
        submit="Make the issue",
    )
