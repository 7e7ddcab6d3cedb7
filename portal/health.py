"""Readiness checks for /readyz: each returns None when its dependency answers, or raises."""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from portal.celery import app as celery_app


def check_database() -> None:
    """The default database answers a trivial query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    """The cache stores and returns a value."""
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value it was given")
    cache.delete(key)


def broker_configured() -> bool:
    """A real broker is in use (the embedded default runs tasks in-process with none)."""
    url = settings.CELERY_BROKER_URL or ""
    return bool(url) and not url.startswith("memory://")


def check_broker() -> None:
    """The Celery broker accepts a connection."""
    timeout = settings.PORTAL_READINESS_TIMEOUT_SECONDS
    transport_options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL, transport_options=transport_options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        # Opening a channel makes the transport talk to the server (Redis answers a PING).
        conn.default_channel  # noqa: B018


def readiness() -> dict[str, str]:
    """Run every check that applies; each part is "ok", "skipped" or "unavailable (<error type>)"."""
    checks: dict[str, Callable[[], None] | None] = {
        "database": check_database,
        "cache": check_cache,
        "broker": check_broker if broker_configured() else None,
    }
    results: dict[str, str] = {}
    for name, check in checks.items():
        if check is None:
            results[name] = "skipped"
            continue
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the type names it.
            results[name] = f"unavailable ({type(exc).__name__})"
        else:
            results[name] = "ok"
    return results
