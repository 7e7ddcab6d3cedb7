"""The MCO's pages (DESIGN §11): its queue, its CSV export, the complaint page with its forms, and file downloads.

Every page is for active MCO users only (anyone else signed in: 404; anonymous: the sign-in page, as everywhere),
reads through complaints.selectors_mco (the wall) and is audited with the client's IP and the request id.
"""

import functools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_record
from complaints import clock, selectors, selectors_mco, services, wording
from complaints.downloads import attachment_response
from complaints.forms_mco import ExtensionForm, InterimForm, ProposalForm
from complaints.models import Complaint, ExtensionRequest, MCOProposal
from portal.csv import csv_cell, csv_response
from portal.forms import apply_validation_error, small_int
from portal.pagination import CappedPaginator

STAGES = {
    "awaiting": Complaint.MCOStage.AWAITING,
    "answered": Complaint.MCOStage.WITH_HFS,
    "resolved": Complaint.MCOStage.SETTLED,
}
DUE_FILTERS = {"soon": "Due within {days} days", "overdue": "Overdue"}
PAGE_SIZE = 25


def mco_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For active MCO users only: anyone else signed in gets 404 (the sign-in wall already sent visitors away)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.mco_membership = selectors_mco.mco_membership_for_pages(user=request.user)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters as the address gives them (anything unknown is ignored)."""

    status: str = ""
    due: str = ""
    expedited: bool = False
    category_id: int | None = None
    search: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> "QueueFilters":
        status = request.GET.get("status", "")
        due = request.GET.get("due", "")
        return cls(
            status=status if status in STAGES else "",
            due=due if due in DUE_FILTERS else "",
            expedited=request.GET.get("expedited") == "yes",
            category_id=small_int(request.GET.get("category")),
            search=request.GET.get("q", "").strip()[:64],
        )

    def apply(self, complaints: Any, *, today: Any) -> Any:
        return selectors_mco.complaint_queue_filter(
            complaints,
            today=today,
            stage=STAGES[self.status] if self.status else None,
            due=self.due,
            expedited=self.expedited,
            category_id=self.category_id,
            search=self.search,
        )

    def query(self) -> str:
        """The filters as an address's query (for the page links and the export)."""
        pairs = [
            ("status", self.status),
            ("due", self.due),
            ("expedited", "yes" if self.expedited else ""),
            ("category", str(self.category_id) if self.category_id is not None else ""),
            ("q", self.search),
        ]
        return urlencode([(name, value) for name, value in pairs if value])

    def summary(self) -> str:
        """For the audit row: which filters were used, never the search term (it may name a member's claim)."""
        parts = [f"status={self.status}" if self.status else "", f"due={self.due}" if self.due else ""]
        parts += ["expedited" if self.expedited else "", f"category={self.category_id}" if self.category_id else ""]
        parts += ["search" if self.search else ""]
        return ";".join(part for part in parts if part)[:64] or "all"

    @property
    def any(self) -> bool:
        return bool(self.query())


def _row(complaint: Complaint, today: Any) -> dict[str, Any]:
    """What the queue and the export show of one complaint: minimum necessary (DESIGN §11)."""
    due = complaint.mco_due
    return {
        "complaint": complaint,
        "stage": Complaint.MCOStage(complaint.mco_stage).label,
        "due": due,
        "days_left": (due - today).days if due else None,
        "overdue": due is not None and clock.is_overdue(due, today=today),
        "overdue_days": (today - due).days if due else 0,
    }


def _queue(request: HttpRequest) -> tuple[Any, QueueFilters, Any]:
    filters = QueueFilters.from_request(request)
    today = timezone.localdate()
    complaints = filters.apply(selectors_mco.complaint_list_for_mco(user=request.user), today=today)
    return complaints, filters, today


@mco_page
@require_http_methods(["GET", "HEAD"])
def queue_view(request: HttpRequest) -> HttpResponse:
    """The complaints presented to the user's MCO: awaiting its answer first, by due date, then the rest."""
    complaints, filters, today = _queue(request)
    page = CappedPaginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action="mco.queue_viewed",
        object_type="accounts.mco",
        object_id=str(request.mco_membership.mco_id),  # type: ignore[attr-defined]
        request=request,
    )
    context = {
        "mco": request.mco_membership.mco,  # type: ignore[attr-defined]
        "page": page,
        "rows": [_row(complaint, today) for complaint in page.object_list],
        "filters": filters,
        "stages": [(name, stage.label) for name, stage in STAGES.items()],
        "due_filters": [
            (name, label.format(days=settings.PORTAL_MCO_DUE_SOON_DAYS)) for name, label in DUE_FILTERS.items()
        ],
        "categories": selectors_mco.category_list_for_filter(),
        "query": filters.query(),
        "nav_current": "mco",
    }
    return render(request, "mco/queue.html", context)


EXPORT_COLUMNS = [
    "reference",
    "received",
    "category",
    "subject",
    "status",
    "expedited",
    "answer due",
    "days left",
    "MCO tracking number",
]


@mco_page
@require_http_methods(["GET", "HEAD"])
def export_view(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as CSV, streamed; no contact details, no member names or RINs; audited."""
    complaints, filters, today = _queue(request)
    audit_record(
        actor=request.user,
        action="mco.queue_exported",
        object_type="complaints.complaint",
        object_id=filters.summary(),
        request=request,
    )

    def rows() -> Iterator[list[str]]:
        for complaint in complaints.iterator(chunk_size=500):
            row = _row(complaint, today)
            yield [
                complaint.reference,
                timezone.localtime(complaint.submitted_at).date().isoformat(),
                csv_cell(complaint.category.name),
                csv_cell(complaint.subject),
                row["stage"],
                "yes" if complaint.expedited else "no",
                row["due"].isoformat() if row["due"] else "",
                "" if row["days_left"] is None else str(row["days_left"]),
                csv_cell(complaint.mco_reference),
            ]

    return csv_response(header=EXPORT_COLUMNS, rows=rows(), filename="mco-complaints.csv")


def _detail(request: HttpRequest, complaint: Complaint, status: int = 200, **forms: Any) -> HttpResponse:
    """The complaint page: what the MCO may see (DESIGN §11), its clock, and the forms while HFS waits for it."""
    services.complaint_record_view(complaint=complaint, user=request.user, request=request)
    proposals = selectors_mco.proposal_list_for_mco(complaint=complaint)
    current = next((p for p in proposals if p.round == complaint.mco_round), None)
    waiting = complaint.status == Complaint.Status.AWAITING_MCO
    try:
        extension = complaint.extension_request
    except ExtensionRequest.DoesNotExist:
        extension = None
    may_propose = waiting and (current is None or not current.is_submitted)
    initial = {"outcome": current.outcome, "text": current.text} if current is not None else {}
    context = {
        "complaint": complaint,
        "stage": Complaint.MCOStage(complaint.mco_stage).label,
        "claims": selectors.complaint_claims(complaint=complaint),
        "files": selectors_mco.complaint_files_for_mco(complaint=complaint),
        "proposals": proposals,
        "current": current,
        "timeline": selectors_mco.complaint_timeline_for_mco(complaint=complaint),
        "clock": services.mco_days_left(complaint, timezone.localdate()) if waiting else None,
        "extension": extension,
        "waiting": waiting,
        "proposal_form": forms.get("proposal_form") or (ProposalForm(initial=initial) if may_propose else None),
        "interim_form": forms.get("interim_form") or (InterimForm() if waiting else None),
        "extension_form": forms.get("extension_form") or (ExtensionForm() if complaint.extension_askable else None),
        "max_files": settings.PORTAL_ATTACHMENT_MAX_COUNT,
        "nav_current": "mco",
    }
    return render(request, "mco/detail.html", context, status=status)


@mco_page
@require_http_methods(["GET", "HEAD"])
def detail_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    complaint = selectors_mco.complaint_get_for_mco(user=request.user, public_id=public_id)
    return _detail(request, complaint)


@mco_page
@require_http_methods(["GET", "HEAD"])
def attachment_download_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One file, authorized by the wall, integrity-checked, audited, always as a download (DESIGN §6.3)."""
    attachment = selectors_mco.attachment_get_for_mco(user=request.user, public_id=public_id)
    return attachment_response(request, attachment, back_url=reverse("mco:queue"))


def _back(complaint: Complaint, anchor: str = "") -> HttpResponse:
    url = reverse("mco:detail", kwargs={"public_id": complaint.public_id})
    return redirect(f"{url}#{anchor}" if anchor else url)


ALREADY_SENT = "Your proposal for this round is already sent to HFS."


def _sent_by_us(complaint: Complaint) -> bool:
    """This round's proposal is submitted, by the MCO itself (not recorded by HFS)."""
    current = selectors_mco.proposal_current_for_mco(complaint=complaint)
    return current is not None and current.is_submitted and not current.recorded_by_hfs


def _refused(
    request: HttpRequest, complaint: Complaint, refusal: ValidationError | PermissionDenied, *, proposal: bool = False
) -> HttpResponse:
    """A service refused for a reason the form cannot show (the complaint moved on): say so at the top. A proposal
    refused because the same proposal was just sent (a second click, another tab) says it is sent."""
    if proposal:
        complaint.refresh_from_db(fields=["mco_round"])
        if _sent_by_us(complaint):
            messages.info(request, ALREADY_SENT)
            return _back(complaint, "proposal")
    text = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
    messages.error(request, text)
    return _back(complaint)


@mco_page
@require_POST
def proposal_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The written proposal: "Save draft", "Attach the file", "Remove" a file, or "Submit the proposal". What was
    typed is saved with every action, so nothing is lost; a second submit shows the one already sent."""
    complaint = selectors_mco.complaint_get_for_mco(user=request.user, public_id=public_id)
    action = request.POST.get("action", "save")
    if request.POST.get("remove_file"):
        action = "remove_file"
    form = ProposalForm(request.POST)
    current = selectors_mco.proposal_current_for_mco(complaint=complaint)
    if action == "submit" and current is not None and current.is_submitted and not current.recorded_by_hfs:
        messages.info(request, ALREADY_SENT)
        return _back(complaint, "proposal")
    if not form.is_valid():
        return _detail(request, complaint, proposal_form=form)
    try:
        proposal = services.proposal_save_draft(
            complaint=complaint,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            text=form.cleaned_data["text"],
            request=request,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            apply_validation_error(form, error)
            return _detail(request, complaint, proposal_form=form)
        return _refused(request, complaint, error, proposal=True)
    except PermissionDenied as refusal:
        return _refused(request, complaint, refusal)
    if action == "add_file":
        return _add_file(request, complaint, proposal, form)
    if action == "remove_file":
        return _remove_file(request, complaint, proposal)
    if action == "submit":
        return _submit(request, complaint, form)
    messages.success(request, "Your draft is saved. HFS and the provider do not see it until you submit it.")
    return _back(complaint, "proposal")


def _add_file(request: HttpRequest, complaint: Complaint, proposal: MCOProposal, form: ProposalForm) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        # A file over the size limit was skipped by the upload handler (complaints/uploads.py): name it.
        too_large = [wording.file_too_large(name) for name in getattr(request, "oversize_uploads", [])]
        for message in too_large or ["Choose a file to attach."]:
            form.add_error("file", message)
        return _detail(request, complaint, proposal_form=form)
    try:
        services.proposal_file_add(proposal=proposal, actor=request.user, upload=upload, request=request)
    except ValidationError as error:
        for message in error.messages:
            form.add_error("file", message)
        return _detail(request, complaint, proposal_form=form)
    messages.success(request, f"{upload.name} is attached to your draft.")
    return _back(complaint, "proposal")


def _remove_file(request: HttpRequest, complaint: Complaint, proposal: MCOProposal) -> HttpResponse:
    try:
        public_id = uuid.UUID(request.POST["remove_file"])
    except ValueError:
        return _back(complaint, "proposal")  # a mangled id removes nothing
    try:
        services.proposal_file_remove(proposal=proposal, actor=request.user, public_id=public_id, request=request)
    except ValidationError as error:
        return _refused(request, complaint, error)
    messages.success(request, "The file is removed from your draft.")
    return _back(complaint, "proposal")


def _submit(request: HttpRequest, complaint: Complaint, form: ProposalForm) -> HttpResponse:
    if not form.check_complete():
        return _detail(request, complaint, proposal_form=form)
    try:
        services.proposal_submit(complaint=complaint, actor=request.user, request=request)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            apply_validation_error(form, error)
            return _detail(request, complaint, proposal_form=form)
        return _refused(request, complaint, error, proposal=True)
    messages.success(request, "Your proposal is sent to HFS. HFS reviews it and decides.")
    return _back(complaint)


@mco_page
@require_POST
def interim_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A progress update the provider and HFS read; the MCO's answer is still due."""
    complaint = selectors_mco.complaint_get_for_mco(user=request.user, public_id=public_id)
    form = InterimForm(request.POST)
    if not form.is_valid():
        return _detail(request, complaint, interim_form=form)
    try:
        services.interim_post(complaint=complaint, actor=request.user, text=form.cleaned_data["text"], request=request)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            apply_validation_error(form, error)
            return _detail(request, complaint, interim_form=form)
        return _refused(request, complaint, error)
    messages.success(request, "Your update is posted. The provider and HFS can read it.")
    return _back(complaint, "timeline")


@mco_page
@require_POST
def extension_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Ask for the complaint's one extension; HFS decides."""
    complaint = selectors_mco.complaint_get_for_mco(user=request.user, public_id=public_id)
    form = ExtensionForm(request.POST)
    if not form.is_valid() and complaint.extension_askable:
        return _detail(request, complaint, extension_form=form)
    # A request from a page left open after the one extension was asked: the service says so, whatever the reason.
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.extension_request(complaint=complaint, actor=request.user, reason=reason, request=request)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            apply_validation_error(form, error)
            return _detail(request, complaint, extension_form=form)
        return _refused(request, complaint, error)
    messages.success(request, "You asked HFS for the extension. HFS will decide, and we will email you.")
    return _back(complaint, "clock")
