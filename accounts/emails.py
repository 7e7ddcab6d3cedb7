"""Email kinds of the accounts app, rendered at delivery from ids (no PHI: names of organizations and links only)."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import tokens
from accounts.models import Invitation, ProviderOrganization, User
from portal.models import OutboundEmail
from portal.outbox import Message, register


@register("accounts.verify_email")
def verify_email(email: OutboundEmail) -> Message:
    user = User.objects.get(pk=email.object_id)
    path = reverse("accounts:verify_email", args=[tokens.email_verification_token(user)])
    return Message("Confirm your email address", "accounts/verify_email", {"user": user, "path": path})


@register("accounts.invitation")
def invitation(email: OutboundEmail) -> Message:
    invitation = Invitation.objects.select_related("organization", "mco", "invited_by").get(pk=email.object_id)
    path = reverse("accounts:invitation", args=[tokens.invitation_token(invitation)])
    if invitation.mco is not None:
        subject = f"You are invited to answer provider complaints for {invitation.mco.name}"
    else:
        subject = f"You are invited to file complaints for {invitation.organization.legal_name}"
    return Message(subject, "accounts/invitation", {"invitation": invitation, "path": path})


@register("accounts.organization_approved")
def organization_approved(email: OutboundEmail) -> Message:
    organization = ProviderOrganization.objects.get(pk=email.object_id)
    return Message(
        "Your organization is approved",
        "accounts/organization_approved",
        {"organization": organization, "path": reverse("accounts:login")},
    )


@register("accounts.organization_rejected")
def organization_rejected(email: OutboundEmail) -> Message:
    organization = ProviderOrganization.objects.get(pk=email.object_id)
    return Message(
        "Your organization registration was not approved",
        "accounts/organization_rejected",
        {"organization": organization},
    )


def _password_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])


@register("accounts.password_reset")
def password_reset(email: OutboundEmail) -> Message:
    user = User.objects.get(pk=email.object_id)
    return Message("Reset your password", "accounts/password_reset", {"user": user, "path": _password_path(user)})


@register("accounts.password_setup")
def password_setup(email: OutboundEmail) -> Message:
    user = User.objects.get(pk=email.object_id)
    return Message("Your HFS staff account", "accounts/password_setup", {"user": user, "path": _password_path(user)})
