"""The MCO's queue is read from an index at any size (issue 18 item 3), like the staff queue (tests/perf/test_plans.py).

100,000 complaints are written in one statement and analyzed (those forwarded to the MCO are presented, round 1);
then every view of an MCO liaison's queue and its export is requested while its SQL is captured, and PostgreSQL's
plan for each query that reads complaints is checked: no sequential scan of the complaints table, and no sort of the
matching complaints (a search for one reference or tracking number may sort the few it finds). Plans, not timings.
"""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import MCO, MCOMembership
from complaints.models import Category, Complaint
from tests.factories import UserFactory
from tests.helpers import sign_in
from tests.perf.conftest import remove_seeded, seed_complaints, seeded_reference
from tests.perf.test_plans import TABLE, check_page, problems

COMPLAINTS = 100_000


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        seeded = seed_complaints(COMPLAINTS)
        try:
            yield seeded
        finally:
            remove_seeded(seeded)


@pytest.fixture
def liaison(seeded, db):  # type: ignore[no-untyped-def]
    """A liaison of the MCO with the most presented complaints."""
    mco = MCO.objects.order_by("pk").last()
    user = UserFactory(email="plans-liaison@mco.example")
    MCOMembership.objects.create(user=user, mco=mco)
    return sign_in(Client(), user)


def queue_views() -> tuple[list[str], list[str]]:
    mco = MCO.objects.order_by("pk").last()
    category = Category.objects.order_by("pk").last()
    found = Complaint.objects.filter(mco=mco, presented_at__isnull=False).order_by("pk").values("reference").first()
    reference = found["reference"] if found else seeded_reference(1)
    tracking = Complaint.objects.get(reference=reference).mco_reference
    in_order = [
        "",
        "?page=3",
        "?status=awaiting",
        "?status=answered",
        "?status=resolved",
        "?status=resolved&page=5",
        "?expedited=yes",
        "?expedited=yes&status=resolved",
        f"?category={category.pk}",
        f"?category={category.pk}&status=awaiting",
    ]
    # A range of due dates (like the staff queue's ranges of days) and a search for one complaint: the planner may
    # sort the few it finds (EXPLAIN ANALYZE: at most about the count cap's rows).
    bounded = [
        "?due=soon",
        "?due=overdue",
        f"?category={category.pk}&due=overdue",
        f"?q={reference}",
        f"?q={reference.lower()}",
        f"?q={tracking}",
    ]
    return in_order, bounded


def test_every_view_of_the_mco_queue_is_read_from_an_index_in_order(liaison):  # type: ignore[no-untyped-def]
    in_order, bounded = queue_views()
    bad = {}
    for query in in_order:
        if found := check_page(liaison, "/mco/" + query):
            bad[query or "(default)"] = found
    for query in bounded:
        if found := check_page(liaison, "/mco/" + query, bounded_sort=True):
            bad[query] = found
    assert bad == {}, json.dumps(bad, indent=1)


def test_the_export_streams_from_a_server_side_cursor_without_scanning_the_table(liaison):  # type: ignore[no-untyped-def]
    """The export reads all of a filter's rows (no page): through a cursor, a chunk at a time; a selective filter
    (awaiting our answer, overdue, expedited) from the queue's indexes, never a pass over the whole table. (Exporting
    every resolved complaint — an eighth of all complaints here — PostgreSQL may rightly read in one pass.)"""
    bad = {}
    for query in ("?status=awaiting", "?due=overdue", "?due=soon", "?expedited=yes"):
        with CaptureQueriesContext(connection) as captured:
            response = liaison.get("/mco/export.csv" + query)
            lines = b"".join(response.streaming_content).count(b"\n")
        assert response.status_code == 200 and lines > 1, query
        reads = [q["sql"] for q in captured.captured_queries if TABLE in q["sql"]]
        assert reads and all(sql.startswith("DECLARE") for sql in reads), reads
        for sql in reads:
            found = [p for p in problems(sql[sql.upper().index("SELECT") :]) if "sequential scan" in p]
            if found:
                bad[query] = found
    assert bad == {}, json.dumps(bad, indent=1)


def test_the_queue_holds_only_the_mcos_presented_complaints(liaison):  # type: ignore[no-untyped-def]
    mco = MCO.objects.order_by("pk").last()
    for query in ("", "?status=resolved", "?page=4"):
        shown = re.findall(r">(MCO-\d{4}-\d{6})</a>", liaison.get("/mco/" + query).content.decode())
        assert len(shown) == 25, query
        rows = Complaint.objects.filter(reference__in=shown)
        assert {(c.mco_id, c.presented_at is not None) for c in rows} == {(mco.pk, True)}, query
