"""Public statistics from the cache (issue 17): rendered once per release and filter choice, with ETag,
Last-Modified and Cache-Control: public for anonymous readers, 304 to conditional requests, a new (or recomputed)
release served at once, and nothing personal ever kept or replayed."""

from datetime import timedelta

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from accounts.models import MCO
from reporting import cache as public_cache
from reporting import selectors
from reporting.services import report_snapshot_refresh
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in
from tests.reporting.test_reports import EARLIER, EARLIER_QUARTER, copies

pytestmark = pytest.mark.django_db

URLS = (
    "/reports/",
    f"/reports/?period={EARLIER_QUARTER}&mco=Molina&group=Physician%2FAPN",
    "/reports/data.json",
    f"/reports/data.json?mco=Molina&period={EARLIER_QUARTER}",
    "/reports/data.csv",
    "/reports/data.csv?group=Physician%2FAPN",
    "/reports/methodology/",
)


@pytest.fixture
def data():  # type: ignore[no-untyped-def]
    """A release of today's figures: Molina and Meridian, this quarter and an earlier one, physician practices."""
    rep = RepresentativeFactory().user
    molina = submit(rep)
    copies(molina, 11, status="resolved", outcome_code="paid")
    copies(molina, 14, mco=MCO.objects.get(short_name="Meridian"))
    copies(molina, 11, submitted_at=EARLIER, first_response_due=(EARLIER + timedelta(days=3)).date())
    return report_snapshot_refresh(as_of=timezone.localdate())


class Spy:
    """The default cache, with the keys written and read counted."""

    def __init__(self, cache) -> None:  # type: ignore[no-untyped-def]
        self.cache, self.written, self.read = cache, [], []

    def get(self, key, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.read.append(key)
        return self.cache.get(key, *args, **kwargs)

    def set(self, key, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.written.append(key)
        return self.cache.set(key, *args, **kwargs)


@pytest.fixture
def spy(monkeypatch):  # type: ignore[no-untyped-def]
    spy = Spy(public_cache.cache)
    monkeypatch.setattr(public_cache, "cache", spy)
    return spy


@pytest.mark.parametrize("url", URLS)
def test_a_second_request_is_the_same_bytes_with_only_the_release_looked_up(client, data, url, monkeypatch):
    first = client.get(url)
    assert first.status_code == 200

    def no_rendering(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("rendered again")

    monkeypatch.setattr(selectors, "tables_for", no_rendering)
    monkeypatch.setattr(selectors, "snapshot_latest", no_rendering)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(url)
    assert second.status_code == 200 and second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # One small query: which release is current, without reading its tables (not even to test a key in them).
    assert len(captured) == 1
    assert '"data"' not in captured[0]["sql"]


@pytest.mark.parametrize("url", URLS)
def test_responses_say_etag_last_modified_and_public_max_age(client, data, url):
    response = client.get(url)
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10  # strong
    assert response["Last-Modified"] == http_date(data.computed_at.timestamp())
    assert response["Cache-Control"] == f"public, max-age={public_cache.MAX_AGE}"
    assert "Cookie" in response["Vary"]
    assert client.get(url)["ETag"] == etag  # served from the cache: the same


def test_each_page_and_filter_choice_has_its_own_etag(client, data):
    assert len({client.get(url)["ETag"] for url in URLS}) == len(URLS)


@pytest.mark.parametrize("url", URLS)
def test_a_conditional_request_gets_304_with_no_body(client, data, url):
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]

    by_etag = client.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == etag and by_etag["Cache-Control"].startswith("public")

    by_date = client.get(url, headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304 and by_date.content == b"" and by_date["ETag"] == etag

    head = client.head(url, headers={"If-None-Match": etag})
    assert head.status_code == 304 and head["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_head_gets_the_headers_of_get(client, data):
    etag = client.get("/reports/data.csv")["ETag"]
    head = client.head("/reports/data.csv")
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == etag
    assert head["Content-Disposition"] == 'attachment; filename="mco-complaints.csv"'


def test_a_new_release_is_served_at_once_with_a_new_etag(client, data):
    before = {url: client.get(url) for url in URLS}
    copies(submit(RepresentativeFactory().user), 60)
    newer = report_snapshot_refresh(as_of=timezone.localdate() + timedelta(days=1))

    for url, old in before.items():
        new = client.get(url, headers={"If-None-Match": old["ETag"]})
        assert new.status_code == 200, url
        assert new["ETag"] != old["ETag"]
        assert new["Last-Modified"] == http_date(newer.computed_at.timestamp())
    assert client.get("/reports/data.json").json()["_meta"]["figures_as_of"] == newer.covers_to.isoformat()
    assert client.get("/reports/").content != before["/reports/"].content


def test_a_recomputed_release_is_served_at_once(client, data):
    """refresh_reports --again: the same release day, computed again (after correcting data) is a new release, served
    at once; the quarters it publishes were published already, so their numbers are the same (never revised)."""
    old_page, old_json = client.get("/reports/"), client.get("/reports/data.json")
    copies(submit(RepresentativeFactory().user), 60)
    again = report_snapshot_refresh(as_of=data.covers_to, again=True)

    page = client.get("/reports/", headers={"If-None-Match": old_page["ETag"]})
    assert page.status_code == 200 and page["ETag"] != old_page["ETag"] and page.content == old_page.content
    payload = client.get("/reports/data.json")
    assert payload["ETag"] != old_json["ETag"]
    assert payload.json()["_meta"]["last_updated"] == again.computed_at.isoformat()


def test_parameters_the_pages_do_not_offer_add_nothing_to_the_cache(client, data, spy):
    page = client.get("/reports/")
    assert len(spy.written) == 1

    # Parameters the pages do not read: the same page, from the cache.
    for junk in ("?utm_source=a", "?utm_source=b&x=1", "?period=all&mco=&group=", "?period=&nonsense=1"):
        response = client.get(f"/reports/{junk}")
        assert response.content == page.content and response["ETag"] == page["ETag"]
    # The filtered downloads' links carry the filters chosen, nothing else.
    filtered = client.get(f"/reports/?period={EARLIER_QUARTER}&utm_source=x").content.decode()
    assert f'href="/reports/data.csv?period={EARLIER_QUARTER}"' in filtered and "utm_source" not in filtered
    assert len(spy.written) == 2
    # Values the release does not offer: answered as before, not kept.
    assert "no statistics for that choice" in client.get("/reports/?period=1999-Q1").content.decode()
    assert client.get("/reports/data.json?period=nonsense").json()["tables"] == {}
    for made_up in ("?mco=Nobody", "?group=Astronauts", "?period=2001-Q2&mco=X", "?mco=Nobody"):
        assert client.get(f"/reports/data.csv{made_up}").status_code == 200
    assert len(spy.written) == 2


def test_a_signed_in_page_is_never_kept_nor_served_from_the_public_cache(client, data, spy):
    anonymous = client.get("/reports/")
    assert anonymous["Cache-Control"].startswith("public") and "Sign out" not in anonymous.content.decode()
    read_before = len(spy.read)

    sign_in(client, RepresentativeFactory().user)
    for url in URLS:
        signed_in = client.get(url)
        assert signed_in.status_code == 200
        assert "public" not in signed_in["Cache-Control"] and "private" in signed_in["Cache-Control"]
        assert "no-store" in signed_in["Cache-Control"] and not signed_in.has_header("ETag")
    page = client.get("/reports/").content.decode()
    assert "Sign out" in page and "csrfmiddlewaretoken" in page
    assert len(spy.written) == 1 and len(spy.read) == read_before
    assert client.get("/reports/", headers={"If-None-Match": anonymous["ETag"]}).status_code == 200

    client.logout()
    again = client.get("/reports/")
    assert again.content == anonymous.content and "csrfmiddlewaretoken" not in again.content.decode()


def test_a_pending_message_is_shown_to_its_reader_and_never_kept(client, data, spy):
    client.get("/reports/")  # kept
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "You were signed out.")])

    with_message = client.get("/reports/")
    assert "You were signed out." in with_message.content.decode()
    assert "public" not in with_message["Cache-Control"] and not with_message.has_header("ETag")
    assert len(spy.written) == 1

    after = client.get("/reports/")
    assert "You were signed out." not in after.content.decode() and after["Cache-Control"].startswith("public")


def test_per_request_headers_are_not_replayed_from_the_cache(client, data):
    first = client.get("/reports/")
    second = client.get("/reports/")
    assert second["ETag"] == first["ETag"]  # the second from the cache
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert second.has_header("Content-Security-Policy") and second["X-Frame-Options"] == "DENY"
    assert not second.cookies


def test_a_failing_cache_renders_the_page(client, data, monkeypatch):
    class Broken:
        def get(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise ConnectionError("cache down")

        set = get

    expected = client.get("/reports/data.json").content
    monkeypatch.setattr(public_cache, "cache", Broken())
    response = client.get("/reports/data.json")
    assert response.status_code == 200 and response.content == expected


def test_a_page_kept_by_another_process_is_served_from_the_shared_cache(client, data, spy, monkeypatch):
    first = client.get("/reports/?mco=Molina")
    public_cache._recent.pages.clear()  # as in another worker process: only the shared cache has it

    def no_rendering(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("rendered again")

    monkeypatch.setattr(selectors, "snapshot_latest", no_rendering)
    second = client.get("/reports/?mco=Molina")
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert spy.read[-1] == spy.written[-1]


def test_the_pages_kept_in_memory_stay_within_their_budget():
    recent = public_cache._Recent(budget=10)
    for key in ("a", "b", "c"):
        recent.put(key, {"content": b"1234", "headers": {}})
    recent.put("huge", {"content": b"x" * 11, "headers": {}})
    assert list(recent.pages) == ["b", "c"] and recent.used == 8
    assert recent.get("a") is None and recent.get("b") is not None
    recent.put("d", {"content": b"1234", "headers": {}})
    assert list(recent.pages) == ["b", "d"]  # "c" was served least recently


def test_the_current_release_is_the_one_the_pages_show(data):
    assert selectors.release_current() == (data.pk, data.computed_at)
    again = report_snapshot_refresh(as_of=data.covers_to, again=True)
    assert selectors.release_current() == (again.pk, again.computed_at)
    report_snapshot_refresh(as_of=data.covers_to - timedelta(days=40), again=True)  # an older release
    assert (
        selectors.release_current()
        == (again.pk, again.computed_at)
        == (selectors.snapshot_latest().pk, again.computed_at)
    )


def test_a_row_in_an_older_layout_is_neither_shown_nor_kept_as_the_release(client, data):
    from reporting.models import ReportSnapshot

    ReportSnapshot.objects.create(covers_to=data.covers_to + timedelta(days=1), threshold=11, data={"tables": {}})
    for _ in range(2):
        response = client.get("/reports/data.json")
        assert response.json()["_meta"]["last_updated"] == data.computed_at.isoformat()


def test_a_response_that_sets_a_cookie_is_never_publicly_cacheable(client, data):
    """Found from outside: a session renewed (or a CSRF cookie replaced) on a public page went out with
    Cache-Control: public, so a shared cache could hand one visitor's cookie to the next."""
    client.get("/reports/")  # kept in the cache
    client.cookies["csrftoken"] = "x"  # not a valid token: the CSRF middleware sends a new one
    response = client.get("/reports/")
    assert response.cookies, "the page was expected to set a cookie"
    assert "public" not in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")


@pytest.mark.parametrize("made_up", ["?mco=Call%20555-0100%20now", "?group=Astronauts", "?period=1999-Q1"])
def test_a_choice_the_release_does_not_offer_is_never_publicly_cacheable(client, data, made_up):
    """Found from outside: made-up words in the link appear in the heading; such a page must not be kept by a shared
    cache under the state's name."""
    for page in ("/reports/", "/reports/data.json", "/reports/data.csv"):
        response = client.get(f"{page}{made_up}")
        assert response.status_code == 200
        assert "public" not in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert not response.has_header("ETag")


def test_last_modified_moves_with_a_deployment_of_new_templates(client, data, monkeypatch):
    """Found from outside: a client that sends only If-Modified-Since kept the old page after a deployment."""
    before = client.get("/reports/")
    deployed = int(data.computed_at.timestamp()) + 3600
    monkeypatch.setattr(public_cache, "_modified", lambda path: deployed)
    monkeypatch.setattr(public_cache, "_build", None)
    after = client.get("/reports/", headers={"If-Modified-Since": before["Last-Modified"]})
    assert after.status_code == 200 and after["Last-Modified"] == http_date(deployed)


def test_every_part_of_the_public_pages_is_in_what_their_cache_key_is_made_of():
    """Found from outside: the methodology page's parts were not in the key, so a deployment that changed only one of
    them kept serving the old page for a day. Every template of the public pages (they live in templates/reporting/)
    and what they extend or include counts."""
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "templates" / "reporting"
    parts = {f"reporting/{path.name}" for path in folder.glob("*.html")}
    counted = {template.origin.template_name for template in public_cache._templates(public_cache.PAGES)}
    assert parts <= counted
    assert {"base.html", "portal/_session_dialog.html"} <= counted
    assert "PORTAL_BASE_URL" in public_cache.SETTINGS  # datapackage.json links the methodology page by it


def test_the_public_pages_never_read_a_releases_private_audit(client, data):
    """A release keeps every cell's true value for the next release's joint audit (ReportSnapshot.audit); the public
    pages read only the published tables, so the private part is never even loaded for them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for page in ("/reports/", "/reports/data.json", "/reports/data.csv", "/reports/datapackage.json"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        releases = [
            query["sql"] for query in captured.captured_queries if '"reporting_reportsnapshot"."data"' in query["sql"]
        ]
        assert releases, f"{page} was expected to read the release (a fresh release: nothing kept yet)"
        assert not any('"audit"' in sql for sql in releases), page
