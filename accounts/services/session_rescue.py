"""A form sent just after an idle sign-out is kept for its author's next sign-in (issue 16 item 13, WCAG 2.2.1).

At each completed sign-in the browser gets a random handle in its own HttpOnly cookie; the server keeps only its
SHA-256, with the user it belongs to, until the session could no longer be alive. When a form marked rescuable
(accounts.rescue.session_rescue) arrives from that browser after the session ended, its fields are kept here,
never in a URL or a log, for PORTAL_SESSION_RESCUE_SECONDS. When the same user completes a sign-in again (on that
browser or another: the kept form is theirs, and both steps prove who they are), they are taken back to the form
with what they typed; anyone else signing in on that browser gets nothing, and the form stays its author's — a
shared computer where a colleague signs in meanwhile loses nobody's work. An explicit sign-out ends the handle,
so nothing is kept after it; removing the user from their organization, a new password or an end to all their
sessions deletes everything kept for them. Handles and forms past their time are deleted at every sign-in and
every kept form too, so nothing lingers where no scheduler runs.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import SessionRescue, User

# Where the claimed rescue waits in the new session between the sign-in and the form's page.
CLAIMED_KEY = "accounts.rescued_form"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _live(token: str | None) -> SessionRescue | None:
    if not token:
        return None
    return (
        SessionRescue.objects.select_for_update()
        .select_related("user")
        .filter(handle_digest=_digest(token), expires_at__gt=timezone.now())
        .first()
    )


def _fresh(rescue: SessionRescue) -> bool:
    cutoff = timezone.now() - timedelta(seconds=settings.PORTAL_SESSION_RESCUE_SECONDS)
    return rescue.parked_at is not None and rescue.parked_at > cutoff


def handle_lifetime_seconds() -> int:
    # A session lives at most the absolute limit, and can end by idling only that long (and the minute of slack,
    # accounts/sessions.py) after its last request.
    return (
        settings.PORTAL_SESSION_ABSOLUTE_SECONDS + settings.SESSION_COOKIE_AGE + settings.PORTAL_SESSION_RENEW_SECONDS
    )


@transaction.atomic
def rescue_sign_in(*, request: HttpRequest, user: User, old_token: str | None) -> tuple[str, str]:
    """At a completed sign-in: claim the form kept for ``user`` — this browser's, else their latest from anywhere —
    (returns the page it waits on, or ""), and start a new handle (returned). The browser's old handle opens
    nothing any more; a form it kept for someone else stays theirs, never shown here."""
    rescue_purge()  # no scheduler may run (the embedded default): what is past its time goes now
    target = ""
    claim = None
    old = _live(old_token)
    if old is not None:
        if old.user_id == user.pk and _fresh(old):
            claim = old
        elif old.parked_at is None or old.user_id == user.pk:
            old.delete()
        else:
            old.handle_digest = _digest(secrets.token_urlsafe(32))  # kept for its author's own next sign-in
            old.save(update_fields=["handle_digest"])
    if claim is None:
        cutoff = timezone.now() - timedelta(seconds=settings.PORTAL_SESSION_RESCUE_SECONDS)
        claim = (
            SessionRescue.objects.select_for_update()
            .filter(user=user, parked_at__gt=cutoff)
            .order_by("-parked_at", "-pk")
            .first()
        )
    if claim is not None:
        request.session[CLAIMED_KEY] = claim.pk
        claim.handle_digest = _digest(secrets.token_urlsafe(32))  # its old cookie opens nothing any more
        claim.save(update_fields=["handle_digest"])
        target = claim.path
    token = secrets.token_urlsafe(32)
    SessionRescue.objects.create(
        user=user,
        handle_digest=_digest(token),
        expires_at=timezone.now() + timedelta(seconds=handle_lifetime_seconds()),
    )
    return token, target


@transaction.atomic
def rescue_end(*, user: User | None, token: str | None) -> None:
    """An explicit sign-out: this browser's handle opens nothing any more, and every form kept for ``user`` (from
    sessions that ended before) is deleted."""
    if token:
        SessionRescue.objects.filter(handle_digest=_digest(token)).delete()
    if user is not None:
        SessionRescue.objects.filter(user=user, parked_at__isnull=False).delete()


def rescue_forget(*, user: User) -> None:
    """Every handle of ``user`` opens nothing any more and every form kept for them is deleted: their sessions
    were ended (removed from the organization, a new password)."""
    SessionRescue.objects.filter(user=user).delete()


@dataclass(frozen=True)
class Rescued:
    data: QueryDict  # the form's fields as sent
    notes: list[str]  # what went wrong with files sent with it (e.g. a file refused), to show on the form


def rescue_owner(*, token: str | None) -> User | None:
    """Whom this browser's handle belongs to, while it is live."""
    if not token:
        return None
    rescue = SessionRescue.objects.select_related("user").filter(
        handle_digest=_digest(token), expires_at__gt=timezone.now()
    )
    return rescue[0].user if rescue else None


@transaction.atomic
def rescue_park(
    *, request: HttpRequest, token: str | None, form: str, path: str, notes: list[str] | None = None
) -> User | None:
    """Keep the fields of a form sent after the session ended, for the user the browser's handle belongs to.
    Returns that user, or None (no live handle: nothing kept). Records ``auth.form_parked``."""
    rescue = _live(token)
    if rescue is None:
        return None
    rescue.form, rescue.path, rescue.parked_at = form, path, timezone.now()
    fields = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    rescue.data = {"fields": fields, "notes": list(notes or [])}
    rescue.save(update_fields=["form", "path", "data", "parked_at"])
    audit_record(actor=None, action="auth.form_parked", obj=rescue.user, request=request)
    rescue_purge()  # after keeping this one: the purge would otherwise take a handle whose earlier form is stale
    return rescue.user


def rescue_take(*, request: HttpRequest, form: str) -> Rescued | None:
    """On the page a kept form belongs to, just after its author signed in again: its fields (once), else None.
    The kept copy is deleted. Records ``auth.form_restored``."""
    pk = request.session.get(CLAIMED_KEY)
    if pk is None or not request.user.is_authenticated:
        return None  # the usual case, every time the form's page is shown: no transaction for nothing
    return _rescue_take_claimed(request=request, form=form, pk=pk)


@transaction.atomic
def _rescue_take_claimed(*, request: HttpRequest, form: str, pk: int) -> Rescued | None:
    rescue = SessionRescue.objects.select_for_update().filter(pk=pk, user=request.user).first()
    if rescue is None or rescue.form != form or rescue.path != request.path or not _fresh(rescue):
        return None
    request.session.pop(CLAIMED_KEY, None)
    data = QueryDict(mutable=True)
    for key, values in rescue.data.get("fields", {}).items():
        data.setlist(key, values)
    notes = list(rescue.data.get("notes", []))
    rescue.delete()
    audit_record(actor=request.user, action="auth.form_restored", obj=request.user, request=request)
    return Rescued(data=data, notes=notes)


def rescue_purge() -> int:
    """Delete handles past their life and forms kept longer than PORTAL_SESSION_RESCUE_SECONDS."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.PORTAL_SESSION_RESCUE_SECONDS)
    # A handle past its life opens nothing; a form kept in it still has its own 30 minutes (a form sent at the
    # 12-hour limit is parked in a handle about to expire).
    deleted, _ = SessionRescue.objects.filter(expires_at__lte=now, parked_at__isnull=True).delete()
    stale, _ = SessionRescue.objects.filter(parked_at__lte=cutoff).delete()
    return deleted + stale
