"""The representative's pages: screening, the complaint form, the confirmation, the list and the detail."""

import contextlib
import functools
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts.auth import TERMS_SESSION_KEY
from accounts.models import User
from accounts.rescue import session_rescue
from accounts.selectors import mco_membership_for_navigation
from accounts.services.session_rescue import Rescued, rescue_take
from complaints import form_keys, policy, selectors, services, wording
from complaints.downloads import attachment_response
from complaints.forms import (
    CSV_COLUMNS,
    AnswerForm,
    ClaimLineFormSet,
    ComplaintForm,
    ExtensionRequestForm,
    ProposalReplyForm,
    ScreeningForm,
    WithdrawForm,
    parse_date,
    read_claims_csv,
)
from complaints.models import Complaint, ExtensionRequest, MCOProposal
from portal.forms import apply_validation_error, small_int
from portal.pagination import CappedPaginator

SCREENED_KEY = "complaints.screened_at"
SCREENING_SECONDS = 2 * 60 * 60


def provider_pages(patterns: list[URLPattern]) -> list[URLPattern]:
    """Every page of this module answers MCO users 404 (DESIGN §11: their pages are under /mco/); applied to the
    whole URLconf (complaints/urls.py), so a new provider page cannot miss it. The membership is read only when the
    session already points to an MCO user (the terms it accepted), so a provider's page costs no query for it."""

    def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)  # keeps the markers the middleware reads (session_rescue, login_required)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            terms = request.session.get(TERMS_SESSION_KEY) if hasattr(request, "session") else None
            if mco_membership_for_navigation(user=request.user, terms_version=terms) is not None:
                raise Http404("No such page.")
            return view(request, *args, **kwargs)

        return wrapper

    for pattern in patterns:
        pattern.callback = guarded(pattern.callback)
    return patterns


def _cannot_file(request: HttpRequest) -> HttpResponse | None:
    try:
        services.filing_representative(user=request.user)
    except PermissionDenied as refusal:
        return render(request, "complaints/cannot_file.html", {"reason": str(refusal)}, status=403)
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def new_view(request: HttpRequest) -> HttpResponse:
    """Screening (DESIGN §4.3): Fee-for-Service, Medicare-only and not-yet-filed issues stop here; nothing is stored."""
    refusal = _cannot_file(request)
    if refusal:
        return refusal
    form = ScreeningForm(request.POST if request.method == "POST" else None)
    valid = request.method == "POST" and form.is_valid()
    program = form.cleaned_data.get("program") if form.is_bound else None
    if program in ("ffs", "medicare"):  # sent elsewhere first, whatever else was (not) answered (issue 16)
        return render(request, "complaints/screen_out.html", {"program": program})
    if valid:
        if not form.cleaned_data["filed_with_mco"]:
            return render(request, "complaints/screen_out.html", {"program": "not_filed"})
        request.session[SCREENED_KEY] = time.time()
        return redirect("complaints:new_complaint")
    return render(request, "complaints/new.html", {"form": form})


def _line_initial(data, total: int) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The lines typed so far (without those marked for removal), to show again with nothing lost."""
    lines = []
    for index in range(min(total, settings.PORTAL_CLAIM_LINES_MAX)):
        prefix = f"lines-{index}-"
        if data.get(prefix + "DELETE"):
            continue
        values = {name: data.get(prefix + name, "") for name in CSV_COLUMNS}
        if any(values.values()):
            lines.append(values)
    return lines


def issue_form_key(request: HttpRequest, key: uuid.UUID | None = None) -> uuid.UUID:
    """A complaint form's idempotency key: a new one, or the one a kept form had. The page carries it signed for the
    person (complaints.form_keys, see _render_form); nothing is kept in the session, so a request that overlaps the
    form's page and writes the session back cannot make the form expire (issue 16)."""
    return key or uuid.uuid4()


def _posted_form_key(request: HttpRequest) -> uuid.UUID | None:
    """The posted key if it was given to the person signed in; None for a changed, made-up or someone else's key."""
    return form_keys.complaint_key(request.POST.get("idempotency_key", ""), user_pk=request.user.pk)


def _posted_date(data, name: str) -> date | None:  # type: ignore[no-untyped-def]
    value = data.get(name) or ""
    return parse_date(value) if value else None


def _window_warning(data) -> policy.WindowCheck | None:  # type: ignore[no-untyped-def]
    """The filing-window warning for the dates typed so far (a warning only: the complaint can still be sent)."""
    filed_on = _posted_date(data, "mco_filed_on")
    today = timezone.localdate()
    if filed_on is None or filed_on > today or filed_on < settings.PORTAL_EARLIEST_DATE:
        return None  # no date yet, or a date the form refuses with its own message
    check = policy.filing_window(
        filed_on=filed_on, resolved_on=_posted_date(data, "mco_resolved_on"), today=today, rules=services.window_rules()
    )
    return check if check.message else None


def _store_uploads(request: HttpRequest, key: uuid.UUID, complaint: Complaint | None = None) -> list[str]:
    errors = [wording.file_too_large(name) for name in getattr(request, "oversize_uploads", [])]
    for upload in request.FILES.getlist("attachments"):
        try:
            services.attachment_add_draft(user=request.user, draft_key=key, upload=upload, complaint=complaint)
        except ValidationError as error:
            errors.extend(error.messages)
    return errors


def _render_form(request, key, form, formset, status=200, **extra) -> HttpResponse:  # type: ignore[no-untyped-def]
    rules = services.window_rules()
    context = {
        "form": form,
        "formset": formset,
        "drafts": selectors.attachment_list_draft(user=request.user, draft_key=str(key)),
        "form_key": form_keys.complaint_token(key=key, user_pk=request.user.pk),
        "window": _window_warning(form.data if form.is_bound else form.initial),
        # What the page's script needs to warn as soon as a date is typed (static/portal/js/intake.js).
        "window_rules": rules,
        "today": timezone.localdate(),
        "earliest": settings.PORTAL_EARLIEST_DATE,
        "max_files": settings.PORTAL_ATTACHMENT_MAX_COUNT,
        "session_rescuable": True,  # sent after an idle sign-out, this form is kept (the idle dialog says so)
        "scanner_configured": bool(settings.PORTAL_CLAMD_ADDRESS),
        "csv_errors": [],
        "file_errors": [],
        "line_errors": [],
        **extra,
    }
    return render(request, "complaints/complaint_form.html", context, status=status)


def _rescued_uploads(request: HttpRequest, user: User, complaint: Complaint | None = None) -> list[str]:
    """Files sent with a form after an idle sign-out: stored for their author under the form's key, as if the
    session had still been alive (accounts.rescue); what was refused is said on the form once they are back."""
    posted = request.POST.get("idempotency_key", "")
    if complaint is None:
        key = form_keys.complaint_key(posted, user_pk=user.pk)
    else:
        key = form_keys.answer_key(posted, user_pk=user.pk, complaint_id=str(complaint.public_id))
    if key is None:  # not a form given to this person: its files are not stored
        return ["Files sent with the form could not be kept. Attach them again."] if request.FILES else []
    errors = []
    for upload in request.FILES.getlist("attachments"):
        try:
            services.attachment_add_draft(user=user, draft_key=key, upload=upload, complaint=complaint)
        except ValidationError as error:
            errors.extend(error.messages)
        except PermissionDenied:  # no longer allowed to file: nothing is stored (the form says why once back)
            return []
    return errors


def _may_file(user: User) -> bool:
    """Whether a form sent after an idle sign-out may be kept for ``user`` (accounts.rescue)."""
    try:
        services.filing_representative(user=user)
    except PermissionDenied:
        return False
    return True


def _rescued_form(request: HttpRequest, rescued: Rescued) -> HttpResponse:
    """Back after an idle sign-out: the complaint form as it was sent, with its files, to check and send."""
    data = rescued.data
    key = issue_form_key(request, form_keys.complaint_key(data.get("idempotency_key", ""), user_pk=request.user.pk))
    lines = _line_initial(data, small_int(data.get("lines-TOTAL_FORMS")) or 0)
    form = ComplaintForm(initial=data.dict())
    formset = ClaimLineFormSet(prefix="lines", initial=lines)
    messages.success(request, "Welcome back. Your complaint is as you left it. Check it, then select Send complaint.")
    return _render_form(request, key, form, formset, file_errors=rescued.notes)


@session_rescue(form="complaint", keep_files=_rescued_uploads, allowed=_may_file)
@require_http_methods(["GET", "HEAD", "POST"])
def new_complaint_view(request: HttpRequest) -> HttpResponse:
    """The complaint form. "Add a line", "Add from CSV" and "Remove" a file show the form again with all input
    kept; files are stored as they arrive, so a form sent back with errors keeps them too."""
    refusal = _cannot_file(request)
    if refusal:
        return refusal
    if request.method != "POST":
        rescued = rescue_take(request=request, form="complaint")
        if rescued is not None:  # sent after an idle sign-out, kept for its author (accounts.rescue)
            return _rescued_form(request, rescued)
        # The screening answers hold for a while; a form being filled in is never thrown away for it.
        screened_at = request.session.get(SCREENED_KEY)
        if screened_at is None or time.time() - screened_at > SCREENING_SECONDS:
            return redirect("complaints:new")
        key = issue_form_key(request)
        # A new key has no files yet: nothing to read.
        return _render_form(request, key, ComplaintForm(), ClaimLineFormSet(prefix="lines"), drafts=[])
    key = _posted_form_key(request)
    # The same form sent again (a second click, also after signing in again): show what the first sending made.
    sent_with = key or form_keys.bare_key(request.POST.get("idempotency_key", ""))
    already = selectors.complaint_for_idempotency_key(user=request.user, key=sent_with) if sent_with else None
    if already is not None:
        return redirect("complaints:submitted", public_id=already.public_id)
    if key is None:  # not a form given to this person: send nothing, show the text again to check
        return _form_expired(request)
    file_errors = _store_uploads(request, key)
    action = request.POST.get("action", "submit")
    if request.POST.get("remove_file"):
        action = "remove_file"
    elif action == "submit" and request.FILES.get("claims_csv"):
        action = "import_csv"  # a CSV chosen but not yet added: add it and show the lines before sending
    if action == "submit":
        return _submit(request, key, file_errors)
    return _redisplay(request, key, action, file_errors)


def _form_expired(request: HttpRequest) -> HttpResponse:
    """A form whose key was not given to this person (changed, made up, or someone else's): file nothing, and show
    everything typed again under a fresh key, to check and send (files are not kept: they must be attached again)."""
    key = issue_form_key(request)
    lines = _line_initial(request.POST, small_int(request.POST.get("lines-TOTAL_FORMS")) or 0)
    form = ComplaintForm(initial=request.POST.dict())
    formset = ClaimLineFormSet(prefix="lines", initial=lines)
    return _render_form(request, key, form, formset, status=400, form_expired=True)


def _redisplay(request: HttpRequest, key: uuid.UUID, action: str, file_errors: list[str]) -> HttpResponse:
    lines = _line_initial(request.POST, small_int(request.POST.get("lines-TOTAL_FORMS")) or 0)
    csv_errors: list[str] = []
    added_line = None
    if action == "remove_file":
        public_id = None
        with contextlib.suppress(ValueError):  # a mangled id removes nothing
            public_id = uuid.UUID(request.POST["remove_file"])
        if public_id is not None:
            services.attachment_remove_draft(user=request.user, draft_key=key, public_id=public_id)
    elif action == "add_line" and len(lines) < settings.PORTAL_CLAIM_LINES_MAX:
        lines.append({})
        added_line = len(lines)
    elif action == "import_csv":
        upload = request.FILES.get("claims_csv")
        if upload is None:
            csv_errors = ["Choose a CSV file to add claims from."]
        else:
            imported = read_claims_csv(upload, filed_on=_posted_date(request.POST, "mco_filed_on"))
            csv_errors = imported.errors
            if not imported.errors:
                lines += imported.rows
                messages.success(request, f"Added {len(imported.rows)} claim lines from the file. Check them below.")
    form = ComplaintForm(initial=request.POST.dict())
    formset = ClaimLineFormSet(prefix="lines", initial=lines)
    if added_line and not file_errors:  # keep the person's place: the new line's first field, announced (WCAG 2.4.3)
        formset.forms[added_line - 1].fields["member_name"].widget.attrs["autofocus"] = True
    return _render_form(
        request, key, form, formset, csv_errors=csv_errors, file_errors=file_errors, added_line=added_line
    )


def _submit(request: HttpRequest, key: uuid.UUID, file_errors: list[str]) -> HttpResponse:
    data = request.POST
    form = ComplaintForm(data)
    form.is_valid()
    filed_on = form.cleaned_data.get("mco_filed_on")
    formset = ClaimLineFormSet(data, prefix="lines", form_kwargs={"filed_on": filed_on})
    if not (form.is_valid() and formset.is_valid()) or file_errors:
        return _render_form(request, key, form, formset, file_errors=file_errors)
    if _window_warning(request.POST) and not form.cleaned_data["window_confirmed"]:
        # Outside the filing window and the warning not yet acknowledged: show it, file nothing (DESIGN §4.3).
        return _render_form(request, key, form, formset, window_confirm=True)
    data = form.cleaned_data
    draft = services.ComplaintDraft(
        mco=data["mco"],
        category=data["category"],
        subject=data["subject"],
        description=data["description"],
        mco_reference=data["mco_reference"],
        mco_filed_on=data["mco_filed_on"],
        mco_responded=data["mco_responded"],
        mco_resolved_on=data.get("mco_resolved_on"),
        mco_resolution_summary=data.get("mco_resolution_summary", ""),
        concerns_members=data["concerns_members"],
        access_to_care=data["access_to_care"],
        access_to_care_explanation=data.get("access_to_care_explanation", ""),
        lines=[line.to_line() for line in formset.forms if line.has_changed() and not line.cleaned_data.get("DELETE")],
    )
    try:
        complaint = services.complaint_submit(user=request.user, draft=draft, idempotency_key=key, request=request)
    except ValidationError as error:
        problems = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        line_errors = problems.pop("lines", [])
        if problems:
            apply_validation_error(form, ValidationError(problems))
        return _render_form(request, key, form, formset, line_errors=line_errors)
    return redirect("complaints:submitted", public_id=complaint.public_id)


@require_http_methods(["GET", "HEAD"])
def submitted_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Confirmation with the reference, and "file another complaint" for a second MCO or topic (R4)."""
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    return render(request, "complaints/submitted.html", {"complaint": complaint})


@require_http_methods(["GET", "HEAD"])
def another_view(request: HttpRequest) -> HttpResponse:
    """Start another complaint right after one: the screening answers still hold. From ``?from=<public_id>`` of
    the person's own complaint, the form starts with its MCO reference, dates and claim lines; the MCO and the
    topic are left to choose (R4)."""
    request.session[SCREENED_KEY] = time.time()
    if "from" not in request.GET:
        return redirect("complaints:new_complaint")
    refusal = _cannot_file(request)
    if refusal:
        return refusal
    first = selectors.complaint_get_for_another(
        user=request.user,
        public_id=request.GET["from"],
        organization=services.filing_representative(user=request.user).organization,
    )
    services.complaint_record_view(complaint=first, user=request.user, request=request)  # its claim lines are shown
    key = issue_form_key(request)
    form = ComplaintForm(initial=_carried_over(first))
    lines = [
        {
            "member_name": claim.member_name,
            "rin": claim.rin,
            "service_from": claim.service_from.isoformat(),
            "service_to": claim.service_to.isoformat() if claim.service_to else "",
            "claim_number": claim.claim_number,
            "billed_amount": "" if claim.billed_amount is None else str(claim.billed_amount),
        }
        for claim in selectors.complaint_claims(complaint=first)
    ]
    return _render_form(request, key, form, ClaimLineFormSet(prefix="lines", initial=lines), started_from=first)


def _carried_over(first: Complaint) -> dict[str, str]:
    """What a second complaint about the same dispute shares with the first: the MCO step, not the MCO or topic."""
    return {
        "mco_reference": first.mco_reference,
        "mco_filed_on": first.mco_filed_on.isoformat(),
        "mco_responded": "yes" if first.mco_responded else "no",
        "mco_resolved_on": first.mco_resolved_on.isoformat() if first.mco_resolved_on else "",
        "mco_resolution_summary": first.mco_resolution_summary,
        "concerns_members": "yes" if first.concerns_members else "no",
    }


@require_http_methods(["GET", "HEAD"])
def claims_template_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claim-lines-template.csv"'
    response.write(",".join(CSV_COLUMNS) + "\r\n")
    response.write("Example Member,123456789,2026-09-15,,CLM-0001,125.50\r\n")
    return response


@require_http_methods(["GET", "HEAD"])
def list_view(request: HttpRequest) -> HttpResponse:
    """The complaints this representative filed, with status and MCO filters, 25 to a page."""
    status = request.GET.get("status", "")
    status = status if status in Complaint.Status.values else ""
    mco_id = small_int(request.GET.get("mco"))
    complaints = selectors.complaint_list_for_representative(user=request.user, status=status, mco_id=mco_id)
    page = CappedPaginator(complaints, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "mco_id": mco_id,
        "query": urlencode([(name, value) for name, value in (("status", status), ("mco", mco_id)) if value]),
        "statuses": Complaint.Status.choices,
        "mcos": selectors.mco_list_for_filter(),
        "is_org_admin": selectors.user_is_organization_admin(user=request.user),
        "nav_current": "complaints",
    }
    return render(request, "complaints/list.html", context)


@require_http_methods(["GET", "HEAD"])
def organization_list_view(request: HttpRequest) -> HttpResponse:
    """Organization administrators: the organization's complaints, status only."""
    complaints = selectors.complaint_list_for_organization_admin(user=request.user)
    page = CappedPaginator(complaints, 25).get_page(request.GET.get("page"))
    return render(request, "complaints/organization_list.html", {"page": page, "nav_current": "complaints"})


def _detail(  # type: ignore[no-untyped-def]
    request: HttpRequest, complaint: Complaint, answer_key: uuid.UUID | None = None, status: int = 200, **extra
) -> HttpResponse:
    """The complaint's page; an answer form, when HFS asked, carries its key signed for the person and complaint."""
    services.complaint_record_view(complaint=complaint, user=request.user, request=request)
    signed_key = form_keys.answer_token(
        key=answer_key or uuid.uuid4(), user_pk=request.user.pk, complaint_id=str(complaint.public_id)
    )
    context = {
        "complaint": complaint,
        "claims": selectors.complaint_claims(complaint=complaint),
        "attachments": selectors.complaint_attachments(complaint=complaint),
        "timeline": selectors.complaint_shared_timeline(complaint=complaint),
        "answer_form": AnswerForm() if complaint.status == Complaint.Status.AWAITING_PROVIDER else None,
        "answer_key": signed_key,
        "file_errors": [],
        "drafts": [],
        "nav_current": "complaints",
        **_mco_answer_context(complaint, reply_form=extra.pop("reply_form", None)),
        **extra,
    }
    # The answer to HFS, the reply to the MCO's proposal and the extension request are kept after an idle sign-out.
    context["session_rescuable"] = any(context[form] is not None for form in ("answer_form", *MCO_FORM_KEYS))
    return render(request, "complaints/detail.html", context, status=status)


def _awaiting_reply(complaint: Complaint, proposals: list[MCOProposal]) -> MCOProposal | None:
    """The proposal the filer can still answer (services.proposal_reply): this round's, submitted and not
    misdirected, without a reply, while the complaint is open (once HFS sends it back to the MCO, a new round)."""
    latest = proposals[-1] if proposals else None
    if latest is None or latest.reply or latest.round != complaint.mco_round or not complaint.is_open:
        return None
    return latest


def _extension(complaint: Complaint) -> ExtensionRequest | None:
    return getattr(complaint, "extension_request", None)  # joined with the complaint (complaint_get_for_user)


def _mco_answer_context(complaint: Complaint, *, reply_form: ProposalReplyForm | None) -> dict[str, object]:
    """The MCO's part on the filer's page (DESIGN §11, R6): its submitted answers with their files, the reply
    window of the one that waits for a reply, and the one extension (asked, granted, refused, or still possible)."""
    proposals = selectors.proposal_list_for_filer(complaint=complaint)
    waiting = _awaiting_reply(complaint, proposals)
    reply_due = services.proposal_reply_deadline(waiting) if waiting else None
    reply_open = reply_due is not None and timezone.localdate() <= reply_due
    return {
        "proposals": proposals,
        "reply_proposal": waiting,
        "reply_due": reply_due,
        "reply_form": (reply_form or ProposalReplyForm()) if reply_open else None,
        "reply_days": settings.PORTAL_PROVIDER_REPLY_BUSINESS_DAYS,
        "extension": _extension(complaint),
        "extension_form": ExtensionRequestForm() if complaint.extension_askable else None,
        "extension_days": settings.PORTAL_MCO_EXTENSION_DAYS,
    }


@require_http_methods(["GET", "HEAD"])
def detail_view(request: HttpRequest, public_id: str) -> HttpResponse:
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    rescued = rescue_take(request=request, form="answer")
    if rescued is not None and complaint.status != Complaint.Status.AWAITING_PROVIDER:
        # HFS moved the complaint on while the author was signed out: the answer cannot be sent, but what they
        # wrote is shown so they can copy it (the kept copy is gone).
        messages.warning(
            request,
            "HFS is no longer waiting for an answer from you on this complaint, so your answer was not sent. "
            "Here is what you wrote, to copy if you need it.",
        )
        return _detail(request, complaint, unsent_answer=rescued.data.get("note", ""))
    if rescued is not None:
        posted = rescued.data.get("idempotency_key", "")
        key = form_keys.answer_key(posted, user_pk=request.user.pk, complaint_id=str(complaint.public_id))
        key = key or uuid.uuid4()
        messages.success(request, "Welcome back. Your answer is as you left it. Check it, then send it.")
        form = AnswerForm(initial={"note": rescued.data.get("note", "")})
        drafts = selectors.attachment_list_draft(user=request.user, draft_key=str(key))
        return _detail(request, complaint, answer_key=key, answer_form=form, file_errors=rescued.notes, drafts=drafts)
    for name in MCO_FORMS:
        rescued = rescue_take(request=request, form=name)
        if rescued is not None:
            return _rescued_mco_form(request, complaint, name, rescued)
    return _detail(request, complaint)


# The filer's forms about the MCO's part, kept after an idle sign-out (accounts.rescue) like the answer to HFS.
MCO_FORMS = {"reply": ProposalReplyForm, "extension": ExtensionRequestForm}
MCO_FORM_KEYS = [f"{name}_form" for name in MCO_FORMS]


def _rescued_mco_form(request: HttpRequest, complaint: Complaint, name: str, rescued: Rescued) -> HttpResponse:
    """Back after an idle sign-out: the reply or the extension request as it was sent, to check and send — or, if
    it can no longer be sent (the window passed, someone asked first, HFS moved on), what was written, to copy."""
    form = MCO_FORMS[name](initial=rescued.data.dict())
    if _mco_answer_context(complaint, reply_form=None)[f"{name}_form"] is None:
        messages.warning(request, "This can no longer be sent, so it was not. Here is what you wrote, to copy.")
        return _detail(request, complaint, unsent_mco=rescued.data.get("reason", ""))
    messages.success(request, "Welcome back. What you wrote is as you left it. Check it, then send it.")
    return _detail(request, complaint, **{f"{name}_form": form})


def _rescued_answer_uploads(request: HttpRequest, user: User) -> list[str]:
    public_id = request.resolver_match.kwargs["public_id"] if request.resolver_match else None
    complaint = selectors.complaint_list_for_representative(user=user).filter(public_id=public_id).first()
    if complaint is None or complaint.status != Complaint.Status.AWAITING_PROVIDER:
        return []
    return _rescued_uploads(request, user, complaint)


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_view(request: HttpRequest, public_id: str) -> HttpResponse:
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_withdraw(
                complaint=complaint, actor=request.user, note=form.cleaned_data["note"], request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Complaint {complaint.reference} is withdrawn.")
        return redirect("complaints:detail", public_id=complaint.public_id)
    return render(request, "complaints/withdraw.html", {"complaint": complaint, "form": form})


@session_rescue(form="answer", back_to="complaints:detail", keep_files=_rescued_answer_uploads, allowed=_may_file)
@require_http_methods(["POST"])
def answer_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Answer HFS's request for information: a note and files; the complaint goes back to review."""
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    posted = request.POST.get("idempotency_key", "")
    key = form_keys.answer_key(posted, user_pk=request.user.pk, complaint_id=str(complaint.public_id))
    form = AnswerForm(request.POST)
    sent_with = key or form_keys.bare_key(posted)
    if sent_with and selectors.answer_already_sent(complaint=complaint, key=sent_with):  # the same answer again
        return redirect("complaints:detail", public_id=complaint.public_id)
    if complaint.status != Complaint.Status.AWAITING_PROVIDER:  # nothing asked: store nothing
        messages.info(request, "HFS is not waiting for an answer from you on this complaint.")
        return redirect("complaints:detail", public_id=complaint.public_id)
    if key is None:  # not a form given to this person for this complaint: send nothing, show the text again
        return _detail(request, complaint, answer_form=form, answer_expired=True, status=400)
    file_errors = _store_uploads(request, key, complaint)
    if form.is_valid() and not file_errors:
        try:
            services.complaint_answer_info_request(
                complaint=complaint,
                actor=request.user,
                note=form.cleaned_data["note"],
                answer_key=key,
                request=request,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Your answer is sent to HFS.")
            return redirect("complaints:detail", public_id=complaint.public_id)
    drafts = selectors.attachment_list_draft(user=request.user, draft_key=str(key))
    return _detail(request, complaint, answer_key=key, answer_form=form, file_errors=file_errors, drafts=drafts)


def _replied(complaint: Complaint, posted: str) -> str:
    """What to say when this round's proposal already has the filer's reply (read afresh), else "". The same reply
    sent twice (a double click) is simply recorded; the other one, from a page left open in another tab, is not: the
    earlier reply stands and the filer is told so, with its date."""
    proposals = selectors.proposal_list_for_filer(complaint=complaint)
    proposal = proposals[-1] if proposals and proposals[-1].round == complaint.mco_round else None
    if proposal is None or not proposal.reply:
        return ""
    accepted = proposal.reply == MCOProposal.Reply.ACCEPTED
    if posted == ("accept" if accepted else "dispute"):
        return "Your reply to the MCO's proposal is recorded."
    day = date_format(timezone.localtime(proposal.replied_at).date(), "F j, Y") if proposal.replied_at else ""
    earlier = "accepted" if accepted else "disputed"
    return f"You already {earlier} this proposal{f' on {day}' if day else ''}; contact HFS to change it."


@session_rescue(form="reply", back_to="complaints:detail", allowed=_may_file)
@require_http_methods(["POST"])
def reply_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """The filer accepts or disputes the MCO's written proposal, within the reply window (DESIGN §11)."""
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    if _awaiting_reply(complaint, selectors.proposal_list_for_filer(complaint=complaint)) is None:
        # Sent twice (a double click, another tab), or nothing to answer any more: the page says where things stand.
        if replied := _replied(complaint, request.POST.get("reply", "")):
            messages.info(request, replied)
        else:
            messages.info(request, "There is no proposal from the MCO waiting for your reply on this complaint.")
        return redirect("complaints:detail", public_id=complaint.public_id)
    form = ProposalReplyForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["reply"] == "accept"
        try:
            services.proposal_reply(
                complaint=complaint,
                actor=request.user,
                accept=accept,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            if replied := _replied(complaint, request.POST.get("reply", "")):  # sent twice at once: the first counts
                messages.info(request, replied)
                return redirect("complaints:detail", public_id=complaint.public_id)
            if _mco_answer_context(complaint, reply_form=None)["reply_form"] is None:
                # The window closed while the page was open: no form to show the reason on.
                messages.error(request, " ".join(error.messages))
                return redirect("complaints:detail", public_id=complaint.public_id)
            apply_validation_error(form, error)
        else:
            done = "You accepted the MCO's proposal." if accept else "You disputed the MCO's proposal."
            messages.success(request, f"{done} HFS has your reply.")
            return redirect("complaints:detail", public_id=complaint.public_id)
    return _detail(request, complaint, reply_form=form)


@session_rescue(form="extension", back_to="complaints:detail", allowed=_may_file)
@require_http_methods(["POST"])
def extension_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """The filer asks for the complaint's one 30-day extension of the MCO's answer (DESIGN §11)."""
    complaint = selectors.complaint_get_for_user(user=request.user, public_id=public_id)
    form = ExtensionRequestForm(request.POST)
    # Not offered (already asked, or no longer with the MCO): whatever was typed, the service says why not.
    if form.is_valid() or not complaint.extension_askable:
        try:
            services.extension_request(
                complaint=complaint,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                request=request,
            )
        except ValidationError as error:
            # Already asked (by either side), or the complaint is no longer with the MCO: the page says which.
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your request for more time is sent to HFS. HFS decides whether to grant it.")
        return redirect("complaints:detail", public_id=complaint.public_id)
    return _detail(request, complaint, extension_form=form)


@require_http_methods(["GET", "HEAD"])
def attachment_download_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Hand out one file: authorized, integrity-checked, audited, always as a download (DESIGN §6.3)."""
    attachment = selectors.attachment_get_for_download(user=request.user, public_id=public_id)
    return attachment_response(request, attachment, back_url=reverse("complaints:list"))
