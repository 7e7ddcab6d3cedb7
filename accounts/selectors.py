"""Reads that authorize: one function per object kind, used by lists and details alike."""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from accounts import tokens
from accounts.models import MCO, Invitation, MCOMembership, ProviderOrganization, Representative, TermsAcceptance, User

# What a request reads about its signed-in user more than once (the designation: by the page, by the service it
# calls, once per attached file) is read once: accounts.middleware gives the request's user object a fresh dict under
# this name before the view runs, and it goes with that object at the end of the request. A user object without it
# (a task, a test, a row loaded for someone else) reads every time.
REQUEST_MEMO = "_portal_request_memo"
_DESIGNATION = "designation"
_MCO_MEMBERSHIP = "mco_membership"
# The terms of use an MCO user accepts (the MCO's own HIPAA duties) are a document of their own: recorded as
# "mco-<version>" (TermsAcceptance.version), its text in templates/accounts/terms/mco-<version>.html.
MCO_TERMS_PREFIX = "mco-"

_Read = TypeVar("_Read")


def request_memo_start(*, user: User) -> None:
    setattr(user, REQUEST_MEMO, {})


def _forget(user: User, key: str) -> None:
    memo = getattr(user, REQUEST_MEMO, None)
    if memo is not None:
        memo.pop(key, None)


def _read_once(user: User, key: str, read: Callable[[], _Read]) -> _Read:
    """``read()`` once per request for the request's own user object (every time for any other)."""
    memo = getattr(user, REQUEST_MEMO, None)
    if memo is not None and key in memo:
        return memo[key]
    value = read()
    if memo is not None:
        memo[key] = value
    return value


def representative_forget(*, user: User) -> None:
    """The designation of ``user`` changed in this request: read it again next time."""
    _forget(user, _DESIGNATION)


def representative_get_active(*, user: User) -> Representative | None:
    """The user's current designation (with its organization and provider type), if any; read once per request."""
    if not user.is_authenticated:
        return None
    return _read_once(
        user,
        _DESIGNATION,
        lambda: Representative.objects.active().select_related("organization__provider_type").filter(user=user).first(),
    )


def mco_membership_forget(*, user: User) -> None:
    """The MCO membership of ``user`` changed in this request: read it again next time."""
    _forget(user, _MCO_MEMBERSHIP)


def mco_membership_get_active(*, user: User) -> MCOMembership | None:
    """The user's current place at an MCO (with the MCO), if any; read once per request."""
    if not user.is_authenticated:
        return None
    return _read_once(
        user,
        _MCO_MEMBERSHIP,
        lambda: MCOMembership.objects.active().select_related("mco").filter(user=user).first(),
    )


def mco_membership_for_navigation(*, user: User, terms_version: str | None) -> MCOMembership | None:
    """The MCO membership the navigation shows, read only when the request already points to an MCO user: the
    terms its session holds are the MCO users' (the terms gate stores them), or the page has read the membership.
    A provider's or a staff member's page costs no query for it."""
    if not user.is_authenticated or user.is_staff:
        return None
    memo = getattr(user, REQUEST_MEMO, None)
    if (memo is not None and _MCO_MEMBERSHIP in memo) or (terms_version or "").startswith(MCO_TERMS_PREFIX):
        return mco_membership_get_active(user=user)
    return None


def mco_user_emails(*, mco_id: int) -> QuerySet[MCOMembership]:
    """The sign-in addresses of the MCO's active users (liaisons and administrators), by email: who the MCO's
    notices go to."""
    return (
        MCOMembership.objects.active()
        .filter(mco_id=mco_id, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def mco_get_for_admin(*, user: User) -> MCO:
    """The MCO ``user`` administers; 404 for anyone else (a liaison, a representative, HFS staff)."""
    membership = mco_membership_get_active(user=user)
    if membership is None or not membership.is_mco_admin:
        raise Http404("No MCO team to manage.")
    return membership.mco


def mco_membership_list_for_admin(*, user: User) -> QuerySet[MCOMembership]:
    """The active members of the MCO ``user`` administers (404 otherwise), by name."""
    mco = mco_get_for_admin(user=user)
    return (
        MCOMembership.objects.active()
        .filter(mco=mco)
        .select_related("user", "mco")
        .order_by("user__full_name", "user__email")
    )


def mco_invitation_list_open_for_admin(*, user: User) -> QuerySet[Invitation]:
    """Invitations to the MCO ``user`` administers that nobody has used or withdrawn yet (404 otherwise)."""
    mco = mco_get_for_admin(user=user)
    return (
        Invitation.objects.filter(mco=mco, accepted_at__isnull=True, cancelled_at__isnull=True)
        .select_related("invited_by", "mco")
        .order_by("-created_at", "-id")
    )


def mco_membership_get_for_admin(*, user: User, public_id: str) -> MCOMembership:
    """One active member of the MCO ``user`` administers; 404 otherwise (another MCO's member too)."""
    membership = mco_membership_list_for_admin(user=user).filter(public_id=public_id).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def mco_invitation_get_for_admin(*, user: User, public_id: str) -> Invitation:
    """One open invitation to the MCO ``user`` administers; 404 otherwise."""
    invitation = mco_invitation_list_open_for_admin(user=user).filter(public_id=public_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def user_landing_url(*, user: User) -> str:
    """Where a signed-in person starts: HFS staff in the admin, MCO users at their MCO's queue, others at their
    complaints."""
    if user.is_staff:
        return reverse("admin:index")
    if mco_membership_get_active(user=user) is not None:
        return reverse("mco:queue")
    return reverse(settings.LOGIN_REDIRECT_URL)


def organization_get_for_admin(*, user: User) -> ProviderOrganization:
    """The organization ``user`` administers; 404 for anyone who administers none."""
    designation = representative_get_active(user=user)
    if designation is None or not designation.is_org_admin:
        raise Http404("No organization to manage.")
    return designation.organization


def representative_list_for_admin(*, user: User) -> QuerySet[Representative]:
    organization = organization_get_for_admin(user=user)
    return (
        Representative.objects.active()
        .filter(organization=organization)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def invitation_list_open_for_admin(*, user: User) -> QuerySet[Invitation]:
    organization = organization_get_for_admin(user=user)
    return Invitation.objects.filter(
        organization=organization, accepted_at__isnull=True, cancelled_at__isnull=True
    ).select_related("invited_by")


def representative_get_for_admin(*, user: User, public_id: str) -> Representative:
    """One active representative of the organization ``user`` administers; 404 otherwise (another tenant's too)."""
    representative = representative_list_for_admin(user=user).filter(public_id=public_id).first()
    if representative is None:
        raise Http404("No such representative.")
    return representative


def invitation_get_for_admin(*, user: User, public_id: str) -> Invitation:
    invitation = invitation_list_open_for_admin(user=user).filter(public_id=public_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def invitation_get_by_token(*, token: str) -> Invitation:
    """The invitation a link was made for; TokenError(broken/expired/used) when it cannot be used (its ``for_mco``
    says whether an expired or used one was an MCO's invitation)."""
    try:
        public_id, nonce = tokens.read_invitation_token(token)
    except tokens.TokenError as error:
        if error.reason != "expired":
            raise
        public_id, nonce = tokens.read_invitation_token(token, any_age=True)
        to_mco = Invitation.objects.filter(public_id=public_id, nonce=nonce, mco__isnull=False).exists()
        raise tokens.TokenError("expired", for_mco=to_mco) from error
    invitation = (
        Invitation.objects.select_related("organization", "mco", "invited_by")
        .filter(public_id=public_id, nonce=nonce)
        .first()
    )
    if invitation is None:
        raise tokens.TokenError("broken")
    if invitation.accepted_at is not None:
        raise tokens.TokenError("used", for_mco=invitation.mco_id is not None)
    if not invitation.is_open():
        raise tokens.TokenError("expired", for_mco=invitation.mco_id is not None)
    return invitation


def terms_versions_current() -> tuple[str, str]:
    """The current terms of use: everyone's (providers and HFS staff), and the MCO users'."""
    return settings.PORTAL_TERMS_VERSION, f"{MCO_TERMS_PREFIX}{settings.PORTAL_MCO_TERMS_VERSION}"


def terms_version_for(*, user: User) -> str:
    """The terms ``user`` must accept, by their place: MCO users the MCO's, everyone else the portal's."""
    providers, mcos = terms_versions_current()
    return mcos if mco_membership_get_active(user=user) is not None else providers


def terms_accepted(*, user: User) -> bool:
    return TermsAcceptance.objects.filter(user=user, version=terms_version_for(user=user)).exists()
