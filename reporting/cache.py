"""Public statistics served from the cache (issue 17): each page is rendered once per release and filter choice.

The public pages change only when a release is published, so a page is kept in Django's default cache (Redis in
production, the process's memory on the embedded default) under a key made of:

- the release: its id and when it was computed (``refresh_reports --again`` makes a new one), read with one small
  query per request, so a new release is served at once, in every process;
- the page and its filters, only when each is one the release offers (anything else is rendered and not kept,
  so made-up parameters cannot fill the cache; parameters the page does not read are ignored);
- what else the page is made of: its templates, the static files' names and the settings it shows (a deployment
  or a changed setting is a new key).

Only the body and this module's own headers are kept: the request id, the content security policy, cookies and
every other header are added by the middleware for each response, as for any page. Only anonymous requests
without a pending message use or fill the cache; a signed-in user's page (its own navigation and a sign-out
form with a CSRF token) is rendered for them and never stored, and is not ``Cache-Control: public``.

Responses say ``ETag`` (the key's digest), ``Last-Modified`` (the release or the templates, the later) and
``Cache-Control: public, max-age``, and a conditional request for the current page is answered 304 without
reading the cache.
"""

import functools
import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import astuple
from datetime import datetime

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template import Template
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from reporting import selectors
from reporting.models import ReportSnapshot

# How long browsers and shared caches may reuse a page without asking again (then a 304 if unchanged).
MAX_AGE = 300
# How long a page is kept in the cache. A new release, deployment or setting is a new key, so this only bounds
# the space kept for pages no one asks for any more.
KEPT_SECONDS = 24 * 60 * 60
# Pages also kept in each process's memory, up to this many bytes (the most recently served), so most requests
# need no cache server round trip; their keys name the release, so they are never out of date.
RECENT_BYTES = 8 * 1024 * 1024
# The files and settings the public pages are made of, besides the release: these pages' templates and every
# template they extend or include, found by reading them (a part added later is never missed).
PAGES = ("reporting/report.html", "reporting/methodology.html")
SETTINGS = (
    "PORTAL_FFS_PHONE",
    "PORTAL_BASE_URL",
    "PORTAL_FIRST_RESPONSE_BUSINESS_DAYS",
    "PORTAL_FIRST_RESPONSE_BUSINESS_DAYS_EXPEDITED",
    "PORTAL_MCO_ANSWER_DAYS",
    "STATIC_URL",
    "TIME_ZONE",
    "LANGUAGE_CODE",
)
# Headers a view sets that are part of the page (the rest are the middleware's, per response).
KEPT_HEADERS = ("Content-Type", "Content-Disposition")

PublicView = Callable[[HttpRequest, ReportSnapshot | None, selectors.Filters], HttpResponse]

logger = logging.getLogger(__name__)

_build: str | None = None
_build_time: int = 0


def _build_digest() -> str:
    """What the pages are made of besides the release, once per process (again after a setting changes)."""
    global _build, _build_time
    if _build is None:
        templates = _templates(PAGES)
        parts = [template.source for template in templates]
        parts.append(json.dumps(sorted(getattr(staticfiles_storage, "hashed_files", {}).items())))
        parts.append(json.dumps([str(getattr(settings, name, "")) for name in SETTINGS]))
        _build = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
        # When the deployed pages last changed: a conditional request with only If-Modified-Since (no ETag) gets
        # the new page after a deployment, not a 304 for the old one.
        _build_time = max((_modified(template.origin.name) for template in templates), default=0)
    return _build


def _templates(names: Iterable[str]) -> list[Template]:
    """The templates named and, recursively, every one they extend or include by a constant name."""
    found: dict[str, Template] = {}
    waiting = list(names)
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        template = found[name] = get_template(name).template  # type: ignore[attr-defined]
        nodes = template.nodelist.get_nodes_by_type(IncludeNode) + template.nodelist.get_nodes_by_type(ExtendsNode)
        for node in nodes:
            expression = node.template if isinstance(node, IncludeNode) else node.parent_name
            if isinstance(expression.var, str):
                waiting.append(str(expression.var))
    return [found[name] for name in sorted(found)]


def _modified(path: str) -> int:
    try:
        return int(os.stat(path).st_mtime)
    except (OSError, TypeError, ValueError):
        return 0


def _last_modified(release: tuple[int, datetime] | None) -> int | None:
    """Whole seconds, as sent: the later of the release's computation and the deployed templates' last change."""
    if release is None:
        return None
    _build_digest()
    return max(int(release[1].timestamp()), _build_time)


@receiver(setting_changed)
def _forget_build(**kwargs: object) -> None:
    global _build
    _build = None


def _key(page: str, release: tuple[int, datetime] | None, filters: selectors.Filters) -> str:
    release_part = [release[0], release[1].isoformat()] if release else None
    variant = json.dumps([_build_digest(), page, release_part, astuple(filters)])
    return f"reporting:public:{hashlib.sha256(variant.encode()).hexdigest()}"


def _public_headers(response: HttpResponse, key: str, release: tuple[int, datetime] | None) -> None:
    response["ETag"] = _etag(key)
    if release is not None:
        response["Last-Modified"] = http_date(_last_modified(release))
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    patch_vary_headers(response, ["Cookie"])


def _etag(key: str) -> str:
    return f'"{key.rsplit(":", 1)[1][:32]}"'


class _Recent:
    """The pages this process served last, within a budget of bytes (least recently served out first)."""

    def __init__(self, budget: int) -> None:
        self.budget, self.used = budget, 0
        self.pages: OrderedDict[str, dict] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: dict) -> None:
        size = len(page["content"])
        with self.lock:
            if key in self.pages or size > self.budget:
                return
            self.pages[key] = page
            self.used += size
            while self.used > self.budget:
                _, dropped = self.pages.popitem(last=False)
                self.used -= len(dropped["content"])


_recent = _Recent(RECENT_BYTES)


def _cache_get(key: str) -> dict | None:
    """The kept page, or None; a cache that fails is logged and the page rendered, as without a cache."""
    page = _recent.get(key)
    if page is not None:
        return page
    try:
        page = cache.get(key)
    except Exception as problem:  # noqa: BLE001 (any backend's error)
        logger.warning("public statistics: cache unavailable (%s); page rendered", type(problem).__name__)
        return None
    if page is not None:
        _recent.put(key, page)
    return page


def _cache_set(key: str, value: dict) -> None:
    _recent.put(key, value)
    try:
        cache.set(key, value, KEPT_SECONDS)
    except Exception as problem:  # noqa: BLE001
        logger.warning("public statistics: cache unavailable (%s); page not kept", type(problem).__name__)


def _personal(response: HttpResponse) -> HttpResponse:
    """A page for one person (signed in, or showing them a message): never stored anywhere."""
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Cookie"])
    return response


def public_release_cached(
    page: str, filters: Callable[[HttpRequest], selectors.Filters] = lambda request: selectors.Filters()
) -> Callable[[PublicView], Callable[[HttpRequest], HttpResponse]]:
    """Serve ``view(request, snapshot, filters)`` from the cache for anonymous requests (see the module)."""

    def decorator(view: PublicView) -> Callable[[HttpRequest], HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            chosen = filters(request)
            if request.user.is_authenticated or len(get_messages(request)):
                return _personal(view(request, selectors.snapshot_latest(), chosen))
            release = selectors.release_current()
            key = _key(page, release, chosen)
            # An ETag is only ever sent for a page the release offers, so only a client that had one gets a 304.
            answer = get_conditional_response(request, etag=_etag(key), last_modified=_last_modified(release))
            if answer is not None:  # 304 Not Modified (or 412 for a failed If-Match)
                if answer.status_code == 304:
                    _public_headers(answer, key, release)
                return answer
            kept = _cache_get(key)
            if kept is not None:
                response = HttpResponse(kept["content"])
                for name, value in kept["headers"].items():
                    response[name] = value
                _public_headers(response, key, release)
                return response
            snapshot = selectors.snapshot_latest()
            rendered = (snapshot.pk, snapshot.computed_at) if snapshot is not None else None
            if rendered != release:  # published since the first query (or a row not in the release layout)
                release, key = rendered, _key(page, rendered, chosen)
            response = view(request, snapshot, chosen)
            if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # not expected: for one person
                return _personal(response)
            if response.status_code != 200 or not selectors.filters_known(snapshot, chosen):
                # A choice the release does not offer (a made-up MCO or provider type in the link): rendered for this
                # request only, never kept here or in any shared cache, so no one can plant a page under the
                # state's name with their own words in its heading.
                return _personal(response)
            _public_headers(response, key, release)
            kept_headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            _cache_set(key, {"content": response.content, "headers": kept_headers})
            return response

        return wrapper

    return decorator
