"""Public: organization registration and email verification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import tokens
from accounts.forms import RegistrationForm
from accounts.models import User
from accounts.services.organizations import organization_register
from accounts.services.users import user_send_email_verification, user_verify_email
from portal.forms import apply_validation_error


@login_not_required
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization_register(
                legal_name=data["legal_name"],
                npi=data["npi"],
                medicaid_provider_id=data["medicaid_provider_id"],
                provider_type=data["provider_type"],
                county=data["county"],
                admin_email=data["admin_email"],
                admin_full_name=data["admin_full_name"],
                admin_phone=data["admin_phone"],
                admin_password=data["password1"],
                request=request,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            request.session["accounts.registered_email"] = User.objects.normalize_email(data["admin_email"])
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@login_not_required
def register_done_view(request: HttpRequest) -> HttpResponse:
    email = request.session.get("accounts.registered_email", "")
    return render(request, "accounts/register_done.html", {"email": email})


@login_not_required
def verify_email_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, email = tokens.read_email_verification_token(token)
    except tokens.TokenError as error:
        return render(request, "accounts/link_problem.html", {"reason": error.reason, "kind": "verify"}, status=400)
    if user_verify_email(user_id=user_id, email=email, request=request) is None:
        return render(request, "accounts/link_problem.html", {"reason": "broken", "kind": "verify"}, status=400)
    messages.success(request, "Thank you: your email address is confirmed. You can sign in now.")
    return redirect("accounts:login")


@login_not_required
@require_POST
def resend_verification_view(request: HttpRequest) -> HttpResponse:
    """Send a new link to an unconfirmed address. The answer is the same whether or not the address is known."""
    email = User.objects.normalize_email(request.POST.get("email", ""))
    user = User.objects.filter(email=email, email_verified_at__isnull=True, is_active=True).first()
    # At most one new link per address every 5 minutes, so the form cannot be used to flood a mailbox.
    if user is not None and cache.add(f"accounts:verify-resend:{user.pk}", 1, timeout=300):
        user_send_email_verification(user=user)
    messages.info(
        request, "If that address is waiting to be confirmed, we have sent a new link to it. It works for 3 days."
    )
    return redirect("accounts:login")
