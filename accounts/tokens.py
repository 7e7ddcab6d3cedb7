"""Signed links sent by email: email verification and invitations. Nothing secret is stored in the database."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from accounts.models import Invitation, User

_VERIFY_SALT = "accounts.verify-email"
_INVITATION_SALT = "accounts.invitation"


@dataclass(frozen=True)
class TokenError(Exception):
    """A link that is broken, expired or already used; ``reason`` is one of broken/expired/used. ``for_mco``: the
    invitation it was made for (when known) was to an MCO, so its page names the MCO's administrator."""

    reason: str
    for_mco: bool = False


def email_verification_token(user: User) -> str:
    # The email is part of the payload: a link stops working if the address changes.
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_VERIFY_SALT, compress=True)


def _load(token: str, *, salt: str, days: int) -> dict[str, object]:
    try:
        return signing.loads(token, salt=salt, max_age=days * 86400)
    except signing.SignatureExpired as exc:
        raise TokenError("expired") from exc
    except signing.BadSignature as exc:
        raise TokenError("broken") from exc


def read_email_verification_token(token: str) -> tuple[int, str]:
    payload = _load(token, salt=_VERIFY_SALT, days=settings.PORTAL_EMAIL_VERIFICATION_DAYS)
    return int(payload["u"]), str(payload["e"])


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": str(invitation.public_id), "n": invitation.nonce}, salt=_INVITATION_SALT, compress=True)


def read_invitation_token(token: str, *, any_age: bool = False) -> tuple[str, str]:
    """(public id, nonce) of the invitation a token was made for; expiry is checked against the row too. With
    ``any_age``, an expired link is read too (only to say whose administrator to ask for a new one)."""
    if any_age:
        try:
            payload = signing.loads(token, salt=_INVITATION_SALT)
        except signing.BadSignature as exc:
            raise TokenError("broken") from exc
        return str(payload["i"]), str(payload["n"])
    payload = _load(token, salt=_INVITATION_SALT, days=settings.PORTAL_INVITATION_DAYS)
    return str(payload["i"]), str(payload["n"])
