"""A person's one place in the portal (DESIGN §5, §11): a provider organization (a Representative), an MCO (an
MCOMembership) or HFS staff — never two at once. What the two kinds of team share: the one-place rule, invitations
by email, and removing a member, which ends their sessions at once. representatives.py and mco_users.py use these;
the public verbs live there."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import MCO, Invitation, MCOMembership, ProviderOrganization, Representative, User
from accounts.roles import is_supervisor
from accounts.selectors import mco_membership_forget, representative_forget
from accounts.services.users import user_end_sessions
from portal import outbox


@dataclass(frozen=True)
class Team:
    """One kind of place with members and administrators, named by its fields."""

    model: type[Model]  # Representative or MCOMembership
    place: str  # the member's foreign key to the place
    admin_flag: str
    ended_at: str
    ended_by: str
    removed_action: str  # the audit action of a removal
    forget: Callable[..., None]  # the request's memo of the member's place (accounts.selectors)
    not_admin: str
    last_admin: str


ORGANIZATION = Team(
    model=Representative,
    place="organization",
    admin_flag="is_org_admin",
    ended_at="revoked_at",
    ended_by="revoked_by",
    removed_action="representative.revoked",
    forget=representative_forget,
    not_admin="Only an administrator of this organization can do this.",
    last_admin="You are the only administrator of this organization, so you cannot be removed. "
    "Invite another administrator first.",
)
MCO_TEAM = Team(
    model=MCOMembership,
    place="mco",
    admin_flag="is_mco_admin",
    ended_at="removed_at",
    ended_by="removed_by",
    removed_action="mco_membership.removed",
    forget=mco_membership_forget,
    not_admin="Only an administrator of this MCO's team can do this.",
    last_admin="You are the only administrator of this MCO's team, so you cannot be removed. "
    "Invite another administrator first.",
)


ON_THIS_MCO_TEAM = "is already on this MCO's team"
ON_THIS_ORGANIZATION = "already represents this organization in the portal"
NOT_INVITABLE = "This address cannot be invited to your team. If this person should be on it, contact HFS."


def place_taken(*, email: str, mco: MCO | None = None, organization: ProviderOrganization | None = None) -> str | None:
    """Why the person with ``email`` cannot take a new place, as the end of a sentence ("This person …"), or None.

    ``mco`` or ``organization``: the place they would join (its own members are told apart from other places'
    members: ON_THIS_MCO_TEAM, ON_THIS_ORGANIZATION). One statement."""
    row = (
        User.objects.filter(email=User.objects.normalize_email(email))
        .annotate(
            organization_id=Subquery(
                Representative.objects.active().filter(user=OuterRef("pk")).values("organization_id")[:1]
            ),
            mco_id=Subquery(MCOMembership.objects.active().filter(user=OuterRef("pk")).values("mco_id")[:1]),
        )
        .values("is_staff", "organization_id", "mco_id")
        .first()
    )
    if row is None:
        return None
    if row["is_staff"]:
        return "is HFS staff in the portal"
    if row["organization_id"] is not None:
        if organization is not None and row["organization_id"] == organization.pk:
            return ON_THIS_ORGANIZATION
        return "already represents a provider organization in the portal"
    if row["mco_id"] is not None:
        if mco is not None and row["mco_id"] == mco.pk:
            return ON_THIS_MCO_TEAM
        return "already works for an MCO in the portal"
    return None


def place_ensure_free(*, user: User, mco: MCO | None = None) -> None:
    """Before ``user`` takes a place: their row is locked (two places taken at once wait for each other), and a
    person who has one already is refused."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    reason = place_taken(email=user.email, mco=mco)
    if reason is not None:
        raise ValidationError(f"This person {reason}. One account belongs to one place in the portal.")


def invitation_send(
    *,
    email: str,
    actor: User,
    is_admin: bool,
    organization: ProviderOrganization | None = None,
    mco: MCO | None = None,
    is_billing_agent: bool = False,
    tell_why: bool = False,
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite ``email`` to one place (the caller has locked it and checked ``actor``); a newer invitation to the
    same address replaces an open one. Records ``invitation.created``; the email goes after commit.

    A person with a place already is refused. Only HFS (``tell_why``: a supervisor inviting an MCO's
    administrator) is told which place: a team's administrator hears one neutral answer, so inviting addresses
    cannot find out who is HFS staff, another organization's representative or an MCO's member. That a person is
    already on the administrator's own team is said (their team page lists them)."""
    email = User.objects.normalize_email(email)
    reason = place_taken(email=email, mco=mco, organization=organization)
    if reason in (ON_THIS_MCO_TEAM, ON_THIS_ORGANIZATION) or (reason is not None and tell_why):
        raise ValidationError({"email": f"This person {reason}, so they cannot be invited."})
    if reason is not None:
        raise ValidationError({"email": NOT_INVITABLE})
    now = timezone.now()
    _ensure_not_flooding(email=email, actor=actor, organization=organization, mco=mco, since=now - timedelta(hours=1))
    Invitation.objects.filter(
        organization=organization, mco=mco, email=email, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    invitation = Invitation.objects.create(
        organization=organization,
        mco=mco,
        email=email,
        is_billing_agent=is_billing_agent,
        is_org_admin=is_admin,
        invited_by=actor,
        nonce=secrets.token_hex(16),
        created_at=now,
        expires_at=now + timedelta(days=settings.PORTAL_INVITATION_DAYS),
    )
    audit_record(actor=actor, action="invitation.created", obj=invitation, request=request)
    outbox.enqueue(kind="accounts.invitation", object_id=invitation.pk, to_email=email)
    return invitation


def _ensure_not_flooding(
    *, email: str, actor: User, organization: ProviderOrganization | None, mco: MCO | None, since: object
) -> None:
    """Invitations are emails the portal sends to any address: an administrator sends at most
    PORTAL_INVITATIONS_PER_HOUR an hour, and one address gets at most PORTAL_INVITATIONS_PER_ADDRESS_PER_HOUR from
    the same team (counted per team, so the answer says nothing about other teams)."""
    recent = Invitation.objects.filter(created_at__gte=since)
    per_hour = settings.PORTAL_INVITATIONS_PER_HOUR
    if recent.filter(invited_by=actor).count() >= per_hour:
        raise ValidationError(
            {"email": f"You have sent {per_hour} invitations in the last hour, the most the portal allows. "
             "Try again in an hour."}
        )  # fmt: skip
    per_address = settings.PORTAL_INVITATIONS_PER_ADDRESS_PER_HOUR
    if recent.filter(email=email, organization=organization, mco=mco).count() >= per_address:
        raise ValidationError(
            {"email": f"This address got {per_address} invitations from your team in the last hour. Ask the person "
             "to look for the latest one (also in their spam folder) before sending another."}
        )  # fmt: skip


def team_of(invitation: Invitation) -> tuple[Team, int]:
    """The kind of team an invitation is to, and the id of its place (the organization or the MCO)."""
    if invitation.mco_id is not None:
        return MCO_TEAM, invitation.mco_id
    return ORGANIZATION, invitation.organization_id  # type: ignore[return-value]


def is_team_admin(*, team: Team, user_id: int | None, place_id: int | None) -> bool:
    return (
        team.model.objects.active()  # type: ignore[attr-defined]
        .filter(**{"user_id": user_id, f"{team.place}_id": place_id, team.admin_flag: True})
        .exists()
    )


def ensure_team_admin(*, team: Team, actor: User, place_id: int | None) -> None:
    if not is_team_admin(team=team, user_id=actor.pk, place_id=place_id):
        raise PermissionDenied(team.not_admin)


def inviter_still_entitled(invitation: Invitation) -> bool:
    """An invitation dies with its sender's role: they must still administer the place (an MCO's first
    administrator is invited by an HFS supervisor, who must still be one)."""
    team, place_id = team_of(invitation)
    if is_team_admin(team=team, user_id=invitation.invited_by_id, place_id=place_id):
        return True
    return team is MCO_TEAM and is_supervisor(invitation.invited_by)


def member_remove(*, team: Team, member: Model, actor: User, request: HttpRequest | None = None) -> Model:
    """Remove a member of ``team``; their sessions end at once. The last administrator cannot be removed.

    Records ``team.removed_action``; invitations the member sent that nobody used yet are withdrawn."""
    place_id = getattr(member, f"{team.place}_id")
    # Lock the place's administrators first, always in the same order (no deadlock between two admins removing
    # each other), then check the actor is still one of them and the member still active.
    admins = list(
        team.model.objects.active()  # type: ignore[attr-defined]
        .select_for_update()
        .filter(**{f"{team.place}_id": place_id, team.admin_flag: True})
        .order_by("pk")
    )
    if not any(admin.user_id == actor.pk for admin in admins):
        raise PermissionDenied(team.not_admin)
    member = team.model.objects.select_for_update().select_related("user").get(pk=member.pk)
    if getattr(member, team.ended_at) is not None:
        return member
    if getattr(member, team.admin_flag) and len(admins) <= 1:
        raise ValidationError(team.last_admin)
    now = timezone.now()
    setattr(member, team.ended_at, now)
    setattr(member, team.ended_by, actor)
    member.save(update_fields=[team.ended_at, team.ended_by])
    # Invitations they sent and nobody used yet go with them (they could otherwise invite themselves back).
    Invitation.objects.filter(
        invited_by=member.user,  # type: ignore[attr-defined]
        accepted_at__isnull=True,
        cancelled_at__isnull=True,
        **{f"{team.place}_id": place_id},
    ).update(cancelled_at=now)
    user_end_sessions(user=member.user)  # type: ignore[attr-defined]
    if actor.pk == member.user_id:  # type: ignore[attr-defined]
        team.forget(user=actor)  # an administrator who removed themselves acts no more in this request
    audit_record(actor=actor, action=team.removed_action, obj=member, request=request)
    return member
