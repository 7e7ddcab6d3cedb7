"""The terms-of-use gate (R7): asked before anything else, recorded per version."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.auth import TERMS_SESSION_KEY
from accounts.forms import TermsForm
from accounts.selectors import MCO_TERMS_PREFIX, terms_version_for, user_landing_url
from accounts.services.users import user_accept_terms
from portal.decorators import terms_gate_exempt


@terms_gate_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def terms_accept_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    version = terms_version_for(user=request.user)  # by the person's place: MCO users have their own terms
    form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user_accept_terms(user=request.user, request=request)
        request.session[TERMS_SESSION_KEY] = version
        return redirect(next_url or user_landing_url(user=request.user))
    context = {
        "form": form,
        "next": next_url,
        "terms_template": f"accounts/terms/{version}.html",
        "terms_version": version.removeprefix(MCO_TERMS_PREFIX),
        "mco_terms": version.startswith(MCO_TERMS_PREFIX),
    }
    return render(request, "accounts/terms_accept.html", context)
