"""Reads that authorize: one function per object kind, used by lists and details alike."""

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from accounts import tokens
from accounts.models import Invitation, ProviderOrganization, Representative, TermsAcceptance, User

# What a request reads about its signed-in user more than once (the designation: by the page, by the service it
# calls, once per attached file) is read once: accounts.middleware gives the request's user object a fresh dict under
# this name before the view runs, and it goes with that object at the end of the request. A user object without it
# (a task, a test, a row loaded for someone else) reads every time.
REQUEST_MEMO = "_portal_request_memo"
_DESIGNATION = "designation"


def request_memo_start(*, user: User) -> None:
    setattr(user, REQUEST_MEMO, {})


def representative_forget(*, user: User) -> None:
    """The designation of ``user`` changed in this request: read it again next time."""
    memo = getattr(user, REQUEST_MEMO, None)
    if memo is not None:
        memo.pop(_DESIGNATION, None)


def representative_get_active(*, user: User) -> Representative | None:
    """The user's current designation (with its organization and provider type), if any; read once per request."""
    if not user.is_authenticated:
        return None
    memo = getattr(user, REQUEST_MEMO, None)
    if memo is not None and _DESIGNATION in memo:
        return memo[_DESIGNATION]
    designation = (
        Representative.objects.active().select_related("organization__provider_type").filter(user=user).first()
    )
    if memo is not None:
        memo[_DESIGNATION] = designation
    return designation


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
    """The invitation a link was made for; TokenError(broken/expired/used) when it cannot be used."""
    public_id, nonce = tokens.read_invitation_token(token)
    invitation = (
        Invitation.objects.select_related("organization", "invited_by").filter(public_id=public_id, nonce=nonce).first()
    )
    if invitation is None:
        raise tokens.TokenError("broken")
    if invitation.accepted_at is not None:
        raise tokens.TokenError("used")
    if not invitation.is_open():
        raise tokens.TokenError("expired")
    return invitation


def terms_accepted(*, user: User) -> bool:
    return TermsAcceptance.objects.filter(user=user, version=settings.PORTAL_TERMS_VERSION).exists()
