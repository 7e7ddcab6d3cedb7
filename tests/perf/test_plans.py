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
from accounts.models import MCO, ProviderOrganization, Representative
from accounts.services.users import staff_user_create
from complaints.models import Category, Complaint
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


# --- The MCO's part in the staff queue (issue 18): its answer column and the reply and extension filters -----------

# Two thirds of the seeded complaints in review were presented once and answered; every presented complaint has this
# round's proposal (submitted unless HFS still waits for it, a third of those with the MCO's draft), the provider's
# reply drawn among accepted, disputed and none; a fifth asked for the one extension (pending, granted or refused).
SEEDED_RANGE = {"low": "MCO-2100-", "high": "MCO-2200-"}  # the seeded complaints' references (conftest)

ANSWERS_SQL = """
UPDATE complaints_complaint SET mco_round = 1, presented_at = submitted_at + interval '10 days'
WHERE reference >= %(low)s AND reference < %(high)s AND status = 'in_review' AND id %% 3 <> 0;
INSERT INTO complaints_mcoproposal (
    public_id, complaint_id, round, outcome, text, created_by_id, created_at, updated_at, submitted_at,
    submitted_by_id, recorded_by_hfs, reply, reply_reason, replied_at, replied_by_id
)
SELECT gen_random_uuid(), id, 1, outcome, 'Seeded proposal.', %(staff)s, now(), now(),
       CASE WHEN sent THEN now() END, CASE WHEN sent THEN %(staff)s END, false, reply,
       CASE WHEN reply = 'disputed' THEN 'Seeded dispute.' ELSE '' END,
       CASE WHEN reply <> '' THEN now() END, CASE WHEN reply <> '' THEN filer END
FROM (
    SELECT id, filer, sent, outcome,
           CASE WHEN NOT sent OR outcome = 'misdirected' THEN ''
                WHEN r_reply < 0.5 THEN 'accepted' WHEN r_reply < 0.8 THEN 'disputed' ELSE '' END AS reply
    FROM (
        SELECT id, submitted_by_id AS filer, status <> 'awaiting_mco' AS sent, random() AS r_reply,
               (ARRAY['pay', 'pay', 'pay', 'partial', 'upheld', 'upheld', 'misdirected'])[1 + id %% 7] AS outcome
        FROM complaints_complaint
        WHERE reference >= %(low)s AND reference < %(high)s AND mco_round = 1
              AND (status <> 'awaiting_mco' OR id %% 3 = 0)
    ) AS drawn
) AS answers;
INSERT INTO complaints_extensionrequest (
    complaint_id, party, reason, requested_by_id, requested_at, decision, decided_by_id, decided_at, decision_note
)
SELECT id, 'mco', 'Seeded reason.', %(staff)s, now(), decision,
       CASE WHEN decision <> 'pending' THEN %(staff)s END, CASE WHEN decision <> 'pending' THEN now() END, ''
FROM (
    SELECT id, CASE WHEN status = 'awaiting_mco' THEN (ARRAY['pending', 'granted', 'refused'])[1 + id %% 3]
                    WHEN id %% 2 = 0 THEN 'granted' ELSE 'refused' END AS decision
    FROM complaints_complaint WHERE reference >= %(low)s AND reference < %(high)s AND mco_round = 1 AND id %% 5 = 0
) AS asked;
UPDATE complaints_complaint SET mco_extension_granted = true
WHERE id IN (SELECT complaint_id FROM complaints_extensionrequest WHERE decision = 'granted');
"""


@pytest.fixture(scope="module")
def mco_answers(seeded, django_db_blocker):  # type: ignore[no-untyped-def]
    """The MCO's answers and extensions on the seeded complaints, committed and analyzed like them; removed at the
    module's end (before the seeded complaints)."""
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.29)")  # the same replies drawn on every run
            cursor.execute(ANSWERS_SQL, {"staff": seeded.staff[0].pk, **SEEDED_RANGE})
            if connection.get_autocommit():
                cursor.execute("VACUUM ANALYZE complaints_complaint")
                cursor.execute("VACUUM ANALYZE complaints_mcoproposal")
                cursor.execute("VACUUM ANALYZE complaints_extensionrequest")
            cursor.execute("ANALYZE")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                seeded_ids = "SELECT id FROM complaints_complaint WHERE reference >= %(low)s AND reference < %(high)s"
                for table in ("complaints_extensionrequest", "complaints_mcoproposal"):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE complaint_id IN ({seeded_ids})",  # noqa: S608  # nosec B608
                        SEEDED_RANGE,
                    )


def test_the_mco_answer_column_and_the_reply_and_extension_filters_never_scan_the_complaints(world, mco_answers):  # type: ignore[no-untyped-def]
    """The default page (with each row's answer and reply) and every reply and extension filter, alone and with the
    status filter they are used with: no sequential scan of the complaints; the page in the queue's order from its
    index, or (a filter matching few) a sort of at most about the count cap's rows."""
    from complaints.models import ExtensionRequest, MCOProposal

    assert MCOProposal.objects.filter(reply="disputed", complaint__status="in_review").exists()
    assert ExtensionRequest.objects.filter(decision="pending").exists()
    client = sign_in(Client(), world["analyst"])
    views = [
        "",
        "?p=2",
        *[f"?reply={value}" for value in ("accepted", "disputed", "none")],
        *[f"?reply={value}&status__exact=in_review" for value in ("accepted", "disputed", "none")],
        *[f"?extension={value}" for value in ("waiting", "granted", "refused", "none")],
        "?extension=waiting&status__exact=awaiting_mco",
        "?extension=none&expedited__exact=1",
        "?extension=granted&due=overdue",
    ]
    bad = {}
    for query in views:
        if found := check_page(client, QUEUE + query, bounded_sort=True):
            bad[query or "(default)"] = found
    assert bad == {}, json.dumps(bad, indent=1)


def test_the_reply_filter_reads_the_open_complaints_from_the_queue_index_alone(world, mco_answers):  # type: ignore[no-untyped-def]
    """The reply filter looks at every open complaint (its count reaches the cap only past them all); at this size a
    read of those rows through the table is a near tie with a full scan, which PostgreSQL took on some runs. Their
    ids and rounds come from the queue index alone (an index-only scan), by far the cheapest plan at any size."""
    client = sign_in(Client(), world["analyst"])
    reads = {}
    for value in ("accepted", "disputed", "none"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{QUEUE}?reply={value}").status_code == 200
        (count_sql,) = [
            query["sql"]
            for query in captured.captured_queries
            if query["sql"].startswith("SELECT COUNT(*)") and "complaints_mcoproposal" in query["sql"]
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {count_sql}")
            (raw,) = cursor.fetchone()
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        reads[value] = sorted(
            (node["Node Type"], node.get("Index Name", ""))
            for node in plan_nodes(plan)
            if node.get("Relation Name") == TABLE
        )
    assert reads == {value: [("Index Only Scan", "complaint_queue_idx")] for value in reads}, reads
