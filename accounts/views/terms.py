"""The terms-of-use gate (R7): asked before anything else, recorded per version."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.auth import TERMS_SESSION_KEY
from accounts.forms import TermsForm
from accounts.services.users import user_accept_terms
from portal.decorators import terms_gate_exempt


@terms_gate_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def terms_accept_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user_accept_terms(user=request.user, request=request)
        request.session[TERMS_SESSION_KEY] = settings.PORTAL_TERMS_VERSION
        return redirect(next_url or ("admin:index" if request.user.is_staff else settings.LOGIN_REDIRECT_URL))
    context = {
        "form": form,
        "next": next_url,
        "terms_template": f"accounts/terms/{settings.PORTAL_TERMS_VERSION}.html",
        "terms_version": settings.PORTAL_TERMS_VERSION,
    }
    return render(request, "accounts/terms_accept.html", context)
