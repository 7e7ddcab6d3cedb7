"""The staff queue and the filers' lists are read from an index at any size (issue 17).

20,000 complaints are written in one statement and analyzed; then every page is requested as a person would
(default order, each filter, each search) while its SQL is captured, and PostgreSQL's plan for each query that reads
complaints is checked: no sequential scan of the complaints table, and the page's rows come from an index in the
list's own order (no sort of the matching complaints). Plans, not timings: the same on any machine.
"""

import datetime
import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from accounts.models import ProviderOrganization, Representative
from accounts.services.users import staff_user_create
from complaints.models import MCO, Category, Complaint
from portal.pagination import count_cap
from tests.helpers import sign_in
from tests.perf.conftest import remove_seeded, seed_complaints, seeded_reference, seeded_rin

COMPLAINTS = 20_000
QUEUE = "/admin/complaints/complaint/"
TABLE = "complaints_complaint"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The seeded complaints for the whole module: committed and vacuumed (index-only scans need the visibility
    map, as in production after autovacuum), deleted at its end. Each test's own rows roll back as usual."""
    with django_db_blocker.unblock():
        seeded = seed_complaints(COMPLAINTS)
        try:
            yield seeded
        finally:
            remove_seeded(seeded)


@pytest.fixture
def world(seeded, db):  # type: ignore[no-untyped-def]
    analyst = staff_user_create(
        email="plans@hfs.example", full_name="Plan Analyst", password=None, group_name=roles.TRIAGE_ANALYST
    )
    return {"analyst": analyst, "seeded": seeded}


def plan_nodes(plan: dict) -> list[dict]:
    nodes = [plan]
    for child in plan.get("Plans", []):
        nodes.extend(plan_nodes(child))
    return nodes


def reads_complaints(node: dict) -> bool:
    return any(n.get("Relation Name") == TABLE for n in plan_nodes(node))


def problems(sql: str, *, bounded_sort: bool = False) -> list[str]:
    """What is wrong with the plan of one query that reads complaints: a sequential scan of them, or the matching
    complaints sorted. With ``bounded_sort`` (a search for one complaint, a held notice, a range of days), a sort is
    accepted of about the count cap's rows at most (EXPLAIN ANALYZE: what was actually sorted)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({'ANALYZE, ' if bounded_sort else ''}FORMAT JSON) {sql}")
        (raw,) = cursor.fetchone()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    found = []
    for node in plan_nodes(plan):
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") == TABLE:
            found.append("sequential scan of the complaints")
        if node["Node Type"] in ("Sort", "Incremental Sort") and reads_complaints(node):
            sorted_rows = node["Plans"][0].get("Actual Rows")
            if not bounded_sort or sorted_rows is None or sorted_rows > 2 * count_cap():
                found.append(f"{sorted_rows or 'all matching'} complaints sorted by {node.get('Sort Key')}")
    return found


def check_page(client: Client, url: str, *, bounded_sort: bool = False) -> list[tuple[str, list[str]]]:
    """Request the page; the plan problems of each of its queries that read complaints."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    bad = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if TABLE not in sql or not sql.lstrip().upper().startswith("SELECT"):
            continue
        # The captured SQL has its parameters filled in, as PostgreSQL ran it.
        found = problems(sql, bounded_sort=bounded_sort)
        if found:
            bad.append((sql[:200], found))
    return bad


def queue_views(world) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """The queue's default order and each filter and search, as its own links give them: those read in the queue's
    order from an index, and those that may sort a bounded few (one complaint, held notices, a range of days)."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)  # the date filter's midnights
    agent_org = Representative.objects.get(user=world["seeded"].agent).organization
    mco, category = MCO.objects.order_by("pk").last(), Category.objects.order_by("pk").last()
    days = {
        "today": (today, today + datetime.timedelta(days=1)),
        "past 7 days": (today - datetime.timedelta(days=7), today + datetime.timedelta(days=1)),
        "this month": (today.replace(day=1), (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)),
        "this year": (today.replace(month=1, day=1), today.replace(year=today.year + 1, month=1, day=1)),
    }
    in_order = [
        "",
        "?p=3",
        *[f"?status__exact={status}" for status in Complaint.Status.values],
        f"?mco__id__exact={mco.pk}",
        f"?category__id__exact={category.pk}",
        "?provider_group=physician_apn",
        "?provider_group=dental",
        "?expedited__exact=1",
        "?expedited__exact=0",
        "?due=overdue",
        "?due=tomorrow",
        "?filing_window__exact=early",
        "?filing_window__exact=late",
        "?assigned=me",
        "?assigned=none",
        f"?q={agent_org.npi}",
        "?q=Provider+Organization",  # a name every seeded organization has
    ]
    bounded = [
        # The columns that sort: the reference, the day received (the rest of the queue's order breaks ties: a sort
        # within each run of equal values, read in order from the column's index).
        "?o=1",
        "?o=-1",
        "?o=2",
        "?o=-2",
        "?held=yes",
        *["?" + urlencode({"submitted_at__gte": str(a), "submitted_at__lt": str(b)}) for a, b in days.values()],
        f"?q={seeded_reference(1234)}",
        f"?q={seeded_reference(1234).lower()}",
        f"?q={seeded_rin(4321)}",
    ]
    return in_order, bounded


def test_every_view_of_the_staff_queue_is_read_from_an_index_in_order(world):  # type: ignore[no-untyped-def]
    client = sign_in(Client(), world["analyst"])
    in_order, bounded = queue_views(world)
    bad = {}
    for query in in_order:
        if found := check_page(client, QUEUE + query):
            bad[query or "(default)"] = found
    for query in bounded:
        if found := check_page(client, QUEUE + query, bounded_sort=True):
            bad[query] = found
    assert bad == {}, json.dumps(bad, indent=1)


def test_searches_find_the_one_complaint_they_name(world):  # type: ignore[no-untyped-def]
    client = sign_in(Client(), world["analyst"])
    for term in (seeded_reference(1234), seeded_reference(1234).lower(), seeded_rin(1234)):
        page = client.get(QUEUE, {"q": term}).content.decode()
        assert seeded_reference(1234) in page, term
        assert seeded_reference(1235) not in page, term


def test_the_queue_says_more_than_the_cap_instead_of_counting_every_complaint(world, settings):  # type: ignore[no-untyped-def]
    settings.PORTAL_LIST_COUNT_CAP = 1000
    client = sign_in(Client(), world["analyst"])
    with CaptureQueriesContext(connection) as captured:
        page = client.get(QUEUE).content.decode()
    assert "More than 1,000 complaints" in page
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and TABLE in q["sql"]]
    assert counts and all("LIMIT 1001" in sql for sql in counts)


def test_the_filers_lists_are_read_from_an_index_in_order(world):  # type: ignore[no-untyped-def]
    seeded = world["seeded"]
    mco = MCO.objects.order_by("pk").first()
    agent = sign_in(Client(), seeded.agent)
    bad = {}
    for query in ("", "?page=3", "?status=awaiting_mco", "?status=resolved", f"?mco={mco.pk}"):
        if found := check_page(agent, "/complaints/" + query):
            bad["/complaints/" + query] = found
    # Both filters: a sort of at most the cap's rows is fine (either index reads the page in order at scale).
    if found := check_page(agent, f"/complaints/?status=closed&mco={mco.pk}", bounded_sort=True):
        bad["/complaints/ (both filters)"] = found
    admin = sign_in(Client(), seeded.org_admin)
    for query in ("", "?page=2"):
        if found := check_page(admin, "/complaints/organization/" + query):
            bad["/complaints/organization/" + query] = found
    assert bad == {}, json.dumps(bad, indent=1)


def test_the_busy_filers_list_says_more_than_the_cap(world, settings):  # type: ignore[no-untyped-def]
    settings.PORTAL_LIST_COUNT_CAP = 1000
    page = sign_in(Client(), world["seeded"].agent).get("/complaints/").content.decode()
    assert "of more than 1,000 complaints" in page
    assert ProviderOrganization.objects.exists()
