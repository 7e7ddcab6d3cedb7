"""MCO users (DESIGN §11): an HFS supervisor invites an MCO's first administrator; MCO administrators invite and
remove their MCO's liaisons. Invitations are accepted through accounts.services.representatives.invitation_accept
(one link, one acceptance page for every invitation); the one-place rule, invitations and removal are shared with
organizations (accounts.services.places)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from accounts import roles
from accounts.audit import audit_record
from accounts.models import MCO, Invitation, MCOMembership, User
from accounts.selectors import mco_membership_forget
from accounts.services import places


@transaction.atomic
def mco_admin_invite(*, mco: MCO, email: str, actor: User, request: HttpRequest | None = None) -> Invitation:
    """An HFS supervisor invites ``email`` to be an administrator of ``mco``'s team (7-day single-use link by
    email); a person with a place already is refused, and HFS is told why. Records ``invitation.created``."""
    if not roles.is_supervisor(actor):
        raise PermissionDenied("Only an HFS supervisor can invite an MCO's administrator.")
    mco = MCO.objects.select_for_update().get(pk=mco.pk)  # invitations to one MCO are made one at a time
    return places.invitation_send(mco=mco, email=email, actor=actor, is_admin=True, tell_why=True, request=request)


@transaction.atomic
def mco_liaison_invite(
    *, mco: MCO, email: str, actor: User, is_mco_admin: bool = False, request: HttpRequest | None = None
) -> Invitation:
    """An administrator of ``mco``'s team invites a liaison (or, with ``is_mco_admin``, another administrator);
    a person with a place already is refused without saying which (places.invitation_send). Records
    ``invitation.created``."""
    mco = MCO.objects.select_for_update().get(pk=mco.pk)
    places.ensure_team_admin(team=places.MCO_TEAM, actor=actor, place_id=mco.pk)
    return places.invitation_send(mco=mco, email=email, actor=actor, is_admin=is_mco_admin, request=request)


@transaction.atomic
def mco_membership_add(
    *,
    mco: MCO,
    user: User,
    is_mco_admin: bool = False,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> MCOMembership:
    """Make ``user`` a member of ``mco``'s team; refused for a person with a place already (an organization, an
    MCO, HFS staff). Records ``mco_membership.added``."""
    places.place_ensure_free(user=user, mco=mco)
    membership = MCOMembership.objects.create(mco=mco, user=user, is_mco_admin=is_mco_admin, added_by=actor)
    mco_membership_forget(user=user)
    audit_record(actor=actor, action="mco_membership.added", obj=membership, request=request)
    return membership


@transaction.atomic
def mco_member_remove(*, membership: MCOMembership, actor: User, request: HttpRequest | None = None) -> MCOMembership:
    """An administrator of the MCO's team removes a member (themselves too, unless they are its last
    administrator); the member's sessions end at once. Records ``mco_membership.removed``."""
    return places.member_remove(team=places.MCO_TEAM, member=membership, actor=actor, request=request)  # type: ignore[return-value]
