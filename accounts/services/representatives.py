"""Designated representatives and the invitations of both teams (an organization's, an MCO's): sending, acceptance
and revocation (DESIGN §5, §11). The parts the two teams share live in accounts.services.places."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Invitation, MCOMembership, ProviderOrganization, Representative, User
from accounts.selectors import representative_forget
from accounts.services import places
from accounts.services.mco_users import mco_membership_add
from accounts.services.users import user_create


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
    """Designate ``user`` to file for ``organization``; refused for a person with a place already (an organization,
    an MCO, HFS staff). Records ``representative.designated``."""
    places.place_ensure_free(user=user)
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

    A newer invitation to the same address replaces an open one; a person with a place already is refused.
    """
    # Lock the organization: invitations to it are made one at a time (a double submit waits, then replaces).
    organization = ProviderOrganization.objects.select_for_update().get(pk=organization.pk)
    places.ensure_team_admin(team=places.ORGANIZATION, actor=actor, place_id=organization.pk)
    if organization.status != ProviderOrganization.Status.APPROVED:
        raise ValidationError("You can invite representatives once HFS has approved your organization.")
    return places.invitation_send(
        organization=organization,
        email=email,
        actor=actor,
        is_admin=is_org_admin,
        is_billing_agent=is_billing_agent,
        request=request,
    )


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: User, request: HttpRequest | None = None) -> Invitation:
    """Withdraw an open invitation (an administrator of the place it invites to). Records ``invitation.cancelled``."""
    team, place_id = places.team_of(invitation)
    places.ensure_team_admin(team=team, actor=actor, place_id=place_id)
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
) -> Representative | MCOMembership:
    """Use an invitation once: designate the invited person, or make them a member of the MCO's team (creating
    their account when they have none); a person with a place already is refused.

    The new account's email counts as verified: the link reached that mailbox. Records ``invitation.accepted``
    and ``representative.designated`` or ``mco_membership.added``.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("organization", "mco").get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used. Sign in instead.")
    if not invitation.is_open():
        raise ValidationError("This invitation has expired or was withdrawn. Ask your administrator for a new one.")
    if not places.inviter_still_entitled(invitation):
        # Whoever sent it is no longer an administrator there: their invitations die with their role.
        whom = "your MCO's portal administrator" if invitation.mco_id else "your organization's administrator"
        raise ValidationError(f"This invitation is no longer valid. Ask {whom} for a new one.")
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
    place: Representative | MCOMembership
    if invitation.mco_id is not None:
        place = mco_membership_add(
            mco=invitation.mco,
            user=user,
            is_mco_admin=invitation.is_org_admin,
            actor=invitation.invited_by,
            request=request,
        )
    else:
        place = representative_designate(
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
    return place


@transaction.atomic
def representative_revoke(
    *, representative: Representative, actor: User, request: HttpRequest | None = None
) -> Representative:
    """Remove a representative; their sessions end at once. The last administrator cannot be removed.

    Records ``representative.revoked``.
    """
    return places.member_remove(team=places.ORGANIZATION, member=representative, actor=actor, request=request)  # type: ignore[return-value]
