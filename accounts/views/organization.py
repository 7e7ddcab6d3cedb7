"""Signed-in pages: the account home, the organization's representatives, and invitation acceptance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, tokens
from accounts.auth import TERMS_SESSION_KEY
from accounts.forms import InvitationAcceptForm, InvitationForm
from accounts.models import User
from accounts.services.representatives import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    representative_revoke,
)
from portal.forms import apply_validation_error


@require_http_methods(["GET", "HEAD"])
def account_home_view(request: HttpRequest) -> HttpResponse:
    designation = selectors.representative_get_active(user=request.user)
    membership = None if designation else selectors.mco_membership_get_active(user=request.user)
    return render(request, "accounts/home.html", {"designation": designation, "mco_membership": membership})


@require_http_methods(["GET", "HEAD", "POST"])
def organization_view(request: HttpRequest) -> HttpResponse:
    """For organization administrators: the representatives, open invitations, and the invitation form."""
    organization = selectors.organization_get_for_admin(user=request.user)
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                organization=organization,
                email=form.cleaned_data["email"],
                is_billing_agent=form.cleaned_data["is_billing_agent"],
                is_org_admin=form.cleaned_data["is_org_admin"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}. It works once, for 7 days.")
            return redirect("accounts:organization")
    context = {
        "organization": organization,
        "representatives": selectors.representative_list_for_admin(user=request.user),
        "invitations": selectors.invitation_list_open_for_admin(user=request.user),
        "form": form,
    }
    return render(request, "accounts/organization.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def representative_revoke_view(request: HttpRequest, public_id: str) -> HttpResponse:
    representative = selectors.representative_get_for_admin(user=request.user, public_id=public_id)
    error = ""
    if request.method == "POST":
        try:
            representative_revoke(representative=representative, actor=request.user, request=request)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{representative.user.full_name} can no longer use the portal for you.")
            return redirect("accounts:organization")
    context = {
        "member": representative.user,
        "place_name": representative.organization.legal_name,
        "back_url": "accounts:organization",
        "consequence": "can no longer file or see complaints for",
        "after": "Complaints they already filed stay open.",
        "error": error,
    }
    return render(request, "accounts/revoke_confirm.html", context)


@require_POST
def invitation_cancel_view(request: HttpRequest, public_id: str) -> HttpResponse:
    invitation = selectors.invitation_get_for_admin(user=request.user, public_id=public_id)
    invitation_cancel(invitation=invitation, actor=request.user, request=request)
    messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("accounts:organization")


@login_not_required
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public: accept an invitation, creating an account, or with the signed-in account it was sent to."""
    try:
        invitation = selectors.invitation_get_by_token(token=token)
    except tokens.TokenError as error:
        context = {"reason": error.reason, "kind": "invitation", "for_mco": error.for_mco}
        return render(request, "accounts/link_problem.html", context, status=400)
    user = request.user if request.user.is_authenticated else None
    context = {"invitation": invitation, "form": None}
    if user is not None and user.email != invitation.email:
        # Signed in as someone else: say so, and offer to sign out (the link works again afterwards).
        return render(request, "accounts/invitation.html", {**context, "wrong_account": user}, status=403)
    if user is None and User.objects.filter(email=invitation.email).exists():
        # They already have an account: sign in first, then come back here.
        context["sign_in_url"] = f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
        return render(request, "accounts/invitation.html", context)
    form = (
        None
        if user
        else InvitationAcceptForm(request.POST if request.method == "POST" else None, email=invitation.email)
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            invitation_accept(
                invitation=invitation,
                user=user,
                full_name=data.get("full_name", ""),
                phone=data.get("phone", ""),
                password=data.get("password1"),
                request=request,
            )
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("accounts:home")
            apply_validation_error(form, error)
        else:
            if user:
                # A new place may come with other terms of use (MCO users have their own): asked on the next page.
                request.session.pop(TERMS_SESSION_KEY, None)
                if invitation.mco is not None:
                    messages.success(request, f"You are now on the portal team of {invitation.mco.name}.")
                    return redirect(selectors.user_landing_url(user=user))
                messages.success(request, f"You now represent {invitation.organization.legal_name}.")
                return redirect("accounts:home")
            messages.success(
                request,
                "Your account is ready. Sign in to set up your second sign-in step with an authenticator app.",
            )
            return redirect("accounts:login")
    return render(request, "accounts/invitation.html", {"invitation": invitation, "form": form})
