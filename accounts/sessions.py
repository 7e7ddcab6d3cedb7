"""The session store (SESSION_ENGINE): the database's, written when the session's data changes, and otherwise at
most once every PORTAL_SESSION_RENEW_SECONDS (a minute) to move the idle limit on (issue 17; DESIGN §6.1).

The rule. Each write gives the row a life of SESSION_COOKIE_AGE (15 minutes) from the moment of the write. A request
that only reads the session writes it again once less than SESSION_COOKIE_AGE - PORTAL_SESSION_RENEW_SECONDS (14
minutes) of that life is left, that is a minute or more after the last write, and then only the row's expiry: never
data read earlier, which a concurrent request may have changed since. So after every request at time t, the row ends
at E with

    t + 14 min  <=  E  <=  t + 15 min

- never later than 15 minutes after the last request (the idle limit is a hard bound, DESIGN §6.1), and each page
  counts down exactly the row's life left when it is served (``idle_seconds_left``, shown by the idle warning,
  WCAG 2.2.1, static/portal/js/session.js, which warns 2 minutes before and says "signed out" at the end), so the page
  never says "signed out" while the session still works, nor the other way round. The decision is taken when the
  response is done (SessionMiddleware reads ``modified`` then), so a slow page cannot shift it.

Unchanged: the absolute limit (12 hours, accounts.middleware) is checked on every request, whatever the row says;
ending a user's sessions (a new password, removal from the organization, deactivation) is checked on every request
too, by the user row itself (the session's auth hash, is_active), not by the session row, so it still acts at once.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.utils import timezone


class SessionStore(db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        self._expires_at: datetime | None = None  # the stored row's end, once read or written in this request
        self._changed = False
        super().__init__(session_key)

    # SessionMiddleware saves the session when ``modified`` is true: when its data changed, or when the idle limit
    # is due to move on (the rule above).
    @property
    def modified(self) -> bool:  # type: ignore[override]
        return self._changed or self.renewal_due()

    @modified.setter
    def modified(self, value: bool) -> None:
        self._changed = value

    def renewal_due(self) -> bool:
        """Whether a minute or more has gone since the stored row was written (only for a row read in this request)."""
        if self._expires_at is None:
            return False
        fresh = timedelta(seconds=settings.SESSION_COOKIE_AGE - settings.PORTAL_SESSION_RENEW_SECONDS)
        return self._expires_at - timezone.now() < fresh

    def idle_seconds_left(self) -> int:
        """How long the session lives without another request, as the page being served should count it."""
        if self._changed or self._expires_at is None or self.renewal_due():
            return settings.SESSION_COOKIE_AGE  # written when this response is done
        return max(0, int((self._expires_at - timezone.now()).total_seconds()))

    def get_session_cookie_age(self) -> int:
        # The row's life from a write (the cookie itself ends when the browser closes: SESSION_EXPIRE_AT_BROWSER_CLOSE).
        return settings.SESSION_COOKIE_AGE

    def load(self) -> dict[str, Any]:
        row = self._get_session_from_db()
        self._expires_at = row.expire_date if row else None
        return self.decode(row.session_data) if row else {}

    async def aload(self) -> dict[str, Any]:
        row = await self._aget_session_from_db()
        self._expires_at = row.expire_date if row else None
        return self.decode(row.session_data) if row else {}

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        row = super().create_model_instance(data)
        self._expires_at = row.expire_date
        return row

    def save(self, must_create: bool = False) -> None:
        if must_create or self._changed or self.session_key is None or self._expires_at is None:
            super().save(must_create=must_create)
            return
        # Only the idle clock moves: the row's end, not its data (what this request read may be stale by now).
        expires_at = self.get_expiry_date()
        if not self.model.objects.filter(session_key=self.session_key).update(expire_date=expires_at):
            raise UpdateError  # the session was ended meanwhile (signed out in another tab): it stays ended
        self._expires_at = expires_at
