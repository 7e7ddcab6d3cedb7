"""Designated representatives: invitations, acceptance and revocation (DESIGN §5)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Invitation, ProviderOrganization, Representative, User
from accounts.selectors import representative_forget
from accounts.services.users import user_create, user_end_sessions
from portal import outbox


def _ensure_admin_of(*, actor: User, organization: ProviderOrganization) -> None:
    if not Representative.objects.active().filter(user=actor, organization=organization, is_org_admin=True).exists():
        raise PermissionDenied("Only an administrator of this organization can do this.")


@transaction.atomic
def representative_designate(
    *,
    organization: ProviderOrganization,
    user: User,
    is_org_admin: bool = False,
    is_billing_agent: bool = False,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> Representative:
    """Designate ``user`` to file for ``organization``. Records ``representative.designated``."""
    if Representative.objects.active().filter(user=user).exists():
        raise ValidationError("This person already represents a provider organization in the portal.")
    representative = Representative.objects.create(
        organization=organization,
        user=user,
        is_org_admin=is_org_admin,
        is_billing_agent=is_billing_agent,
        designated_by=actor,
    )
    representative_forget(user=user)
    audit_record(actor=actor, action="representative.designated", obj=representative, request=request)
    return representative


@transaction.atomic
def invitation_create(
    *,
    organization: ProviderOrganization,
    email: str,
    actor: User,
    is_billing_agent: bool = False,
    is_org_admin: bool = False,
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite someone to represent ``organization`` (7-day single-use link by email). Records ``invitation.created``.

    A newer invitation to the same address replaces an open one.
    """
    # Lock the organization: invitations to it are made one at a time (a double submit waits, then replaces).
    organization = ProviderOrganization.objects.select_for_update().get(pk=organization.pk)
    _ensure_admin_of(actor=actor, organization=organization)
    if organization.status != ProviderOrganization.Status.APPROVED:
        raise ValidationError("You can invite representatives once HFS has approved your organization.")
    email = User.objects.normalize_email(email)
    if Representative.objects.active().filter(user__email=email).exists():
        # One message whatever the organization: an administrator learns nothing about other organizations.
        raise ValidationError(
            {
                "email": "This person already represents a provider organization in the portal, "
                "so they cannot be invited."
            }
        )
    now = timezone.now()
    Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        is_billing_agent=is_billing_agent,
        is_org_admin=is_org_admin,
        invited_by=actor,
        nonce=secrets.token_hex(16),
        created_at=now,
        expires_at=now + timedelta(days=settings.PORTAL_INVITATION_DAYS),
    )
    audit_record(actor=actor, action="invitation.created", obj=invitation, request=request)
    outbox.enqueue(kind="accounts.invitation", object_id=invitation.pk, to_email=email)
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: User, request: HttpRequest | None = None) -> Invitation:
    """Withdraw an open invitation. Records ``invitation.cancelled``."""
    _ensure_admin_of(actor=actor, organization=invitation.organization)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        audit_record(actor=actor, action="invitation.cancelled", obj=invitation, request=request)
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    full_name: str = "",
    phone: str = "",
    password: str | None = None,
    request: HttpRequest | None = None,
) -> Representative:
    """Use an invitation once: designate the invited person (creating their account when they have none).

    The new account's email counts as verified: the link reached that mailbox. Records
    ``invitation.accepted`` and ``representative.designated``.
    """
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organization").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used. Sign in instead.")
    if not invitation.is_open():
        raise ValidationError("This invitation has expired or was withdrawn. Ask your administrator for a new one.")
    if (
        not Representative.objects.active()
        .filter(user_id=invitation.invited_by_id, organization_id=invitation.organization_id, is_org_admin=True)
        .exists()
    ):
        # Whoever sent it is no longer an administrator there: their invitations die with their role.
        raise ValidationError(
            "This invitation is no longer valid. Ask your organization's administrator for a new one."
        )
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError("An account with this email address exists. Sign in to accept the invitation.")
        user = user_create(
            email=invitation.email,
            full_name=full_name,
            phone=phone,
            password=password,
            email_verified=True,
            request=request,
        )
    elif user.email != invitation.email:
        raise PermissionDenied("This invitation was sent to another email address.")
    representative = representative_designate(
        organization=invitation.organization,
        user=user,
        is_org_admin=invitation.is_org_admin,
        is_billing_agent=invitation.is_billing_agent,
        actor=invitation.invited_by,
        request=request,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(actor=user, action="invitation.accepted", obj=invitation, request=request)
    return representative


@transaction.atomic
def representative_revoke(
    *, representative: Representative, actor: User, request: HttpRequest | None = None
) -> Representative:
    """Remove a representative; their sessions end at once. The last administrator cannot be removed.

    Records ``representative.revoked``.
    """
    # Lock the organization's administrators first, always in the same order (no deadlock between two admins
    # removing each other), then check the actor is still one of them and the target still active.
    admins = list(
        Representative.objects.active()
        .select_for_update()
        .filter(organization_id=representative.organization_id, is_org_admin=True)
        .order_by("pk")
    )
    if not any(admin.user_id == actor.pk for admin in admins):
        raise PermissionDenied("Only an administrator of this organization can do this.")
    representative = Representative.objects.select_for_update().select_related("user").get(pk=representative.pk)
    if representative.revoked_at is not None:
        return representative
    if representative.is_org_admin and len(admins) <= 1:
        raise ValidationError(
            "You are the only administrator of this organization, so you cannot be removed. "
            "Invite another administrator first."
        )
    now = timezone.now()
    representative.revoked_at = now
    representative.revoked_by = actor
    representative.save(update_fields=["revoked_at", "revoked_by"])
    # Invitations they sent and nobody used yet go with them (they could otherwise invite themselves back).
    Invitation.objects.filter(
        invited_by=representative.user,
        organization_id=representative.organization_id,
        accepted_at__isnull=True,
        cancelled_at__isnull=True,
    ).update(cancelled_at=now)
    user_end_sessions(user=representative.user)
    if actor.pk == representative.user_id:
        representative_forget(user=actor)  # an administrator who removed themselves files no more in this request
    audit_record(actor=actor, action="representative.revoked", obj=representative, request=request)
    return representative
