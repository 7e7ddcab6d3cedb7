"""/mco/team/: an MCO's administrators invite and remove the MCO's liaisons (DESIGN §11). Everyone else: 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors
from accounts.forms import MCOInvitationForm
from accounts.services.mco_users import mco_liaison_invite, mco_member_remove
from accounts.services.representatives import invitation_cancel
from portal.forms import apply_validation_error


@require_http_methods(["GET", "HEAD", "POST"])
def team_view(request: HttpRequest) -> HttpResponse:
    """The MCO's members, its open invitations, and the invitation form."""
    mco = selectors.mco_get_for_admin(user=request.user)
    form = MCOInvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = mco_liaison_invite(
                mco=mco,
                email=form.cleaned_data["email"],
                is_mco_admin=form.cleaned_data["is_mco_admin"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}. It works once, for 7 days.")
            return redirect("mco_team:team")
    context = {
        "mco": mco,
        "members": selectors.mco_membership_list_for_admin(user=request.user),
        "invitations": selectors.mco_invitation_list_open_for_admin(user=request.user),
        "form": form,
        "nav_current": "mco_team",
    }
    return render(request, "mco/team.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def member_remove_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Asks first; the POST removes the member, whose sessions end at once."""
    membership = selectors.mco_membership_get_for_admin(user=request.user, public_id=public_id)
    error = ""
    if request.method == "POST":
        try:
            mco_member_remove(membership=membership, actor=request.user, request=request)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            name, mco = membership.user.full_name, membership.mco.name
            messages.success(request, f"{name} can no longer see or answer complaints for {mco}.")
            return redirect("mco_team:team")
    context = {
        "member": membership.user,
        "place_name": membership.mco.name,
        "back_url": "mco_team:team",
        "consequence": "can no longer see or answer complaints for",
        "after": "The proposals and answers they already sent stay with the complaints.",
        "error": error,
        "nav_current": "mco_team",
    }
    return render(request, "accounts/revoke_confirm.html", context)


@require_POST
def invitation_cancel_view(request: HttpRequest, public_id: str) -> HttpResponse:
    invitation = selectors.mco_invitation_get_for_admin(user=request.user, public_id=public_id)
    invitation_cancel(invitation=invitation, actor=request.user, request=request)
    messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("mco_team:team")
