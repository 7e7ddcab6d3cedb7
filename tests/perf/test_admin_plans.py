"""The audit log's and the outbox's admin lists read an index, never the whole table (issue 17 item 2).

Both tables grow with use (an audit row per page viewed, an outbox row per email). The lists are seeded in bulk
(``INSERT … SELECT generate_series``, 25,000 rows each: ``ANALYZE`` then reads every row, so the planner's
statistics and choices are the same on every run), asked for by a signed-in superuser as staff ask for them
(the first page, each filter, each search, the date drill-down), and every statement that touches the table is
run again under ``EXPLAIN ANALYZE``: none may scan the table sequentially, and none may read more than a budget
of its rows (an eighth of them) unless a ``LIMIT`` stops the reading (an index read in the list's order, as far as
the page or the capped count needs). Today's lists count, sort or de-duplicate all 25,000 rows.
"""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from accounts.audit import audit_record
from accounts.models import ProviderType, ReportingGroup, User
from tests.factories import UserFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
ROWS = 25_000
# Rows a statement may read without a LIMIT stopping it. A filter matching a few thousand rows may be sorted (at
# this size PostgreSQL finds that cheaper than reading them in the index's order); more must be read in order.
BUDGET = 3000

# Deterministic rows (no random()): 60 % "complaint.viewed", 70 % about complaints, five actors sharing the rows
# (one in fifty with no actor), five rows per object id, spread over 400 days (so over two calendar years).
AUDIT_SQL = """
INSERT INTO accounts_auditevent (actor_id, action, object_type, object_id, ip_address, request_id, created_at)
SELECT
    CASE WHEN g %% 50 = 0 THEN NULL ELSE (%(actor_ids)s::int[])[1 + g %% 5] END,
    CASE WHEN g %% 10 < 6 THEN 'complaint.viewed'
         ELSE (ARRAY['complaint.downloaded', 'sign_in.succeeded', 'sign_in.failed', 'complaint.status_changed',
                     'admin.lookup_refused', 'organization.approved', 'report.exported'])[1 + (g / 10) %% 7] END,
    CASE WHEN g %% 10 < 7 THEN 'complaints.complaint'
         ELSE (ARRAY['accounts.user', 'accounts.providerorganization', 'complaints.attachment'])[1 + g %% 3] END,
    (g %% 5000)::text, '192.0.2.1', md5(g::text), now() - interval '23 minutes' * g
FROM generate_series(1, %(count)s) AS g
"""

# 98 % sent, 1 % failed, 1 % waiting; six kinds; 3,000 addresses; spread over 300 days.
OUTBOX_SQL = """
INSERT INTO portal_outboundemail (kind, object_id, to_email, status, attempts, last_error, created_at, sent_at)
SELECT
    (ARRAY['complaints.received', 'complaints.status_changed', 'complaints.outcome', 'accounts.verify_email',
           'accounts.password_setup', 'accounts.invitation'])[1 + g %% 6],
    (g %% 7000)::text, 'person' || (g %% 3000) || '@provider.example',
    CASE g %% 100 WHEN 0 THEN 'failed' WHEN 1 THEN 'pending' ELSE 'sent' END,
    1, '', now() - interval '17 minutes' * g,
    CASE WHEN g %% 100 > 1 THEN now() - interval '17 minutes' * g + interval '5 seconds' END
FROM generate_series(1, %(count)s) AS g
"""


# One in a hundred people is staff, one in fifty inactive; one organization in twenty waits for review; one
# designation in ten is an administrator, one in twenty a billing agent; two versions of the terms.
ACCOUNTS_SQL = """
INSERT INTO accounts_user (password, is_superuser, email, full_name, phone, is_active, is_staff, date_joined,
                           session_generation)
SELECT '!', false, 'seed' || g || '@provider.example', 'Seeded Person ' || g, '', g %% 50 <> 0, g %% 100 = 0,
       now() - interval '7 minutes' * g, 0
FROM generate_series(1, %(count)s) AS g;

INSERT INTO accounts_providerorganization (legal_name, npi, medicaid_provider_id, provider_type_id, county, status,
                                           status_reason, created_at)
SELECT 'Seeded Clinic ' || g, lpad(g::text, 10, '0'), 'IL' || g,
       (%(provider_types)s::int[])[1 + g %% array_length(%(provider_types)s::int[], 1)], 'Cook',
       CASE WHEN g %% 20 = 0 THEN 'pending' ELSE 'approved' END, '', now() - interval '7 minutes' * g
FROM generate_series(1, %(count)s) AS g;

INSERT INTO accounts_representative (public_id, user_id, organization_id, is_org_admin, is_billing_agent,
                                     designated_at)
SELECT gen_random_uuid(), u.id, o.id, g %% 10 = 0, g %% 20 = 1, now() - interval '7 minutes' * g
FROM generate_series(1, %(count)s) AS g
JOIN accounts_user AS u ON u.email = 'seed' || g || '@provider.example'
JOIN accounts_providerorganization AS o ON o.npi = lpad(g::text, 10, '0');

INSERT INTO accounts_termsacceptance (user_id, version, accepted_at)
SELECT u.id, CASE WHEN g %% 4 = 0 THEN '2025-01-01' ELSE '2026-11-01' END, now() - interval '7 minutes' * g
FROM generate_series(1, %(count)s) AS g
JOIN accounts_user AS u ON u.email = 'seed' || g || '@provider.example';

INSERT INTO accounts_user_groups (user_id, group_id)
SELECT id, %(group)s FROM accounts_user WHERE is_staff AND email LIKE 'seed%%';

INSERT INTO accounts_invitation (public_id, organization_id, email, is_org_admin, is_billing_agent, invited_by_id,
                                 nonce, created_at, expires_at)
SELECT gen_random_uuid(), o.id, 'invited' || g || '@provider.example', false, false, u.id, md5(g::text),
       now() - interval '7 minutes' * g, now() - interval '7 minutes' * g + interval '7 days'
FROM generate_series(1, %(count)s / 5) AS g
JOIN accounts_user AS u ON u.email = 'seed' || g || '@provider.example'
JOIN accounts_providerorganization AS o ON o.npi = lpad(g::text, 10, '0');
"""


@pytest.fixture
def staff_client(client):  # type: ignore[no-untyped-def]
    root = User.objects.create_superuser(email="root@hfs.example", password="x" * 12, full_name="Root")
    return sign_in(client, root)


@pytest.fixture
def actors() -> list[User]:
    """25,000 audit rows by five busy people, and two rows by someone rarely seen (the last one returned)."""
    busy = [UserFactory() for _ in range(5)]
    with connection.cursor() as cursor:
        cursor.execute(AUDIT_SQL, {"actor_ids": [user.pk for user in busy], "count": ROWS})
        cursor.execute("ANALYZE accounts_auditevent")
        cursor.execute("ANALYZE accounts_user")
    rare = UserFactory()
    audit_record(actor=rare, action="organization.rejected", obj=rare)  # a rare action, by someone rarely seen
    audit_record(actor=rare, action="report.published", object_type="reporting.release", object_id="1")
    return [*busy, rare]


@pytest.fixture
def emails() -> None:
    with connection.cursor() as cursor:
        cursor.execute(OUTBOX_SQL, {"count": ROWS})
        cursor.execute("ANALYZE portal_outboundemail")


@pytest.fixture
def accounts() -> None:
    """As many people, organizations, designations and acceptances of the terms, and a few invitations."""
    provider_types = list(ProviderType.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        group = Group.objects.get(name=roles.TRIAGE_ANALYST).pk
        cursor.execute(ACCOUNTS_SQL, {"count": ROWS, "provider_types": provider_types, "group": group})
        for table in ("user", "providerorganization", "representative", "invitation", "termsacceptance"):
            cursor.execute(f"ANALYZE accounts_{table}")


# Nodes that pass rows on as they get them, so a LIMIT above them stops the scan below: an ordered index scan
# feeding the page (or the capped count) reads as far as the page needs, whatever the size of the table.
STREAMING = {"Limit", "Incremental Sort", "Result", "Subquery Scan", "Nested Loop", "Append", "Merge Append"}


def scans(node: dict, above: tuple = ()):  # type: ignore[no-untyped-def]
    """Every node with the chain of nodes above it (nearest first)."""
    yield node, above
    for child in node.get("Plans", []):
        yield from scans(child, (node, *above))


def rows_read(node: dict) -> int:
    """Rows a scan node read: those it returned and those it threw away, over all its loops."""
    kept = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
    return (kept + node.get("Rows Removed by Index Recheck", 0)) * node.get("Actual Loops", 1)


def stopped_by_a_limit(above: tuple) -> bool:
    for node in above:
        if node["Node Type"] == "Limit":
            return True
        if node["Node Type"] not in STREAMING:
            return False
    return False


def problems_in(sql: str, table: str) -> list[str]:
    """What in the statement's plan grows with the table: a sequential scan of it; a scan that reads more than
    BUDGET of its rows and is not stopped by a LIMIT (a count, a sort, a DISTINCT of everything that matches);
    reading half the table in any way."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    root = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    found, total = [], 0
    for node, above in scans(root):
        if node.get("Relation Name") != table:
            continue
        read = rows_read(node)
        total += read
        if node["Node Type"] == "Seq Scan":
            found.append(f"a sequential scan of {table}")
        elif read > BUDGET and not stopped_by_a_limit(above):
            found.append(
                f"{node['Node Type']} reading {read} rows into {above[0]['Node Type'] if above else 'the result'}"
            )
    if total > ROWS // 2:
        found.append(f"{total} rows of {table} read")
    return found


def assert_served_from_an_index(client, url: str, table: str) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    statements = [
        query["sql"]
        for query in queries.captured_queries
        if f'"{table}"' in query["sql"] and query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    assert statements, url
    problems = {sql: found for sql in statements if (found := problems_in(sql, table))}
    assert problems == {}, url


def test_the_audit_log_list_reads_an_index_for_every_page_staff_ask_for(staff_client, actors):
    busy, rare = actors[0], actors[-1]
    today = timezone.localdate()
    url = "/admin/accounts/auditevent/"
    pages = [
        "",
        "?p=3",
        "?action=complaint.viewed",  # most of the rows
        "?action=admin.lookup_refused",
        "?action=organization.rejected",  # one row
        "?object_type=complaints.complaint",
        "?object_type=accounts.user",
        "?object_type=reporting.release",  # one row
        f"?q={busy.email}",  # a fifth of the rows
        f"?q={rare.email}",
        "?q=4242",  # an object id
        f"?q={'0' * 32}",  # a request id (none has it)
        f"?created_at__year={today.year}",
        f"?created_at__year={today.year}&created_at__month={today.month}",
        f"?created_at__year={today.year}&created_at__month={today.month}&created_at__day={today.day}",
        f"?action=complaint.viewed&created_at__year={today.year}",
    ]
    for page in pages:
        assert_served_from_an_index(staff_client, url + page, "accounts_auditevent")


def actions_listed(page: str) -> list[str]:
    return re.findall(r'<td class="field-action">([^<]*)</td>', page)


def test_the_audit_log_list_still_finds_what_staff_search_and_filter_for(staff_client, actors):
    rare = actors[-1]
    url = "/admin/accounts/auditevent/"
    page = staff_client.get(url).content.decode()
    assert "More than 1,000 audit events" in page  # counted up to the cap, not to the end of the table
    # The filters offer every value there is; the years of the drill-down are those that have rows.
    for value in ("complaint.viewed", "organization.rejected", "accounts.user", "complaints.attachment"):
        assert f"={value}" in page, value
    this_year = timezone.localdate().year
    assert f"created_at__year={this_year}" in page and f"created_at__year={this_year - 1}" in page
    assert f"created_at__year={this_year - 2}" not in page
    found = staff_client.get(url, {"q": rare.email.upper()}).content.decode()
    assert actions_listed(found) == ["report.published", "organization.rejected"]
    assert actions_listed(staff_client.get(url, {"q": "4242"}).content.decode()) == ["complaint.viewed"] * 5


def test_the_outbox_list_reads_an_index_for_every_page_staff_ask_for(staff_client, emails):
    url = "/admin/portal/outboundemail/"
    pages = [
        "",
        "?p=2",
        "?status__exact=sent",
        "?status__exact=failed",
        "?kind=complaints.outcome",
        "?q=person42@provider.example",
        "?q=Person42@",  # the start of an address, typed with a capital
        "?q=4242",  # the id of what the email was about
    ]
    for page in pages:
        assert_served_from_an_index(staff_client, url + page, "portal_outboundemail")
    found = staff_client.get(url, {"q": "Person42@"}).content.decode()
    assert "person42@provider.example" in found and "person420@" not in found


def test_the_accounts_lists_read_an_index_for_their_order_and_filters(staff_client, accounts):
    """People, organizations, designations, invitations and acceptances of the terms: first page, each filter,
    and the searches that are not by name (a name is searched for any word in it, which no ordinary index serves;
    these tables grow with enrolled organizations, not with every page viewed)."""
    group = Group.objects.get(name=roles.TRIAGE_ANALYST).pk
    pages = {
        "accounts_user": [
            "",
            "?p=2",
            "?is_staff__exact=1",
            "?is_staff__exact=0",
            "?is_active__exact=0",
            f"?groups__id__exact={group}",
            "?q=SEED4242@",
        ],
        "accounts_providerorganization": [
            "",
            "?status__exact=pending",
            "?status__exact=approved",
            f"?provider_type__reporting_group__exact={ReportingGroup.PHARMACY}",
        ],
        "accounts_representative": ["", "?is_org_admin__exact=1", "?is_billing_agent__exact=1", "?q=SEED4242@"],
        "accounts_invitation": [""],
        "accounts_termsacceptance": ["", "?version=2025-01-01", "?q=SEED4242@"],
    }
    for table, queries in pages.items():
        url = f"/admin/accounts/{table.removeprefix('accounts_')}/"
        for page in queries:
            assert_served_from_an_index(staff_client, url + page, table)
    for url in ("/admin/accounts/termsacceptance/", "/admin/accounts/user/", "/admin/accounts/representative/"):
        found = staff_client.get(url, {"q": "SEED4242@"}).content.decode()
        assert "seed4242@provider.example" in found and "seed42420@" not in found, url
    named = staff_client.get("/admin/accounts/user/", {"q": "person 4242"}).content.decode()
    assert "seed4242@provider.example" in named  # a name is still found by any part of it
