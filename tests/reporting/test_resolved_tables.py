"""What happened to a quarter's complaints — resolved so far, or closed because the MCO had not been given the
chance first — by provider type and MCO and by topic and MCO (issue 19, DESIGN §7): hand-built numbers through the
real release, page, CSV and JSON.

The tables are published for each quarter only, without a total per row in the suppressed system (a row's total is
the sum of its cells where all are shown): see reporting.tables.
"""

import csv
import html
import io
import re

import pytest
from django.conf import settings

from accounts.models import MCO
from complaints.models import Category
from reporting import aggregates as A
from reporting.services import frozen_on, release_build, report_snapshot_refresh
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory
from tests.reporting.test_reports import THIS_QUARTER, copies

pytestmark = pytest.mark.django_db

GROUPS = "resolved_by_provider_group_and_mco"
TOPICS = "resolved_by_topic_and_mco"
CLOSED_GROUPS, CLOSED_TOPICS = "closed_not_first_by_provider_group_and_mco", "closed_not_first_by_topic_and_mco"
NEW = {GROUPS, TOPICS, CLOSED_GROUPS, CLOSED_TOPICS}
MCOS = ["Aetna", "BCCHP", "CountyCare", "Meridian", "Molina"]


def cell(table: dict, row: str, column: str) -> int | None:
    return table["cells"][table["rows"].index(row)][table["columns"].index(column)]


def release(**hospital_molina: int):  # type: ignore[no-untyped-def]
    """This quarter, as first published:

    - physicians: Molina 24 (12 resolved, 12 open), Meridian 12 (all resolved), Aetna 12 (all closed because
      the MCO had not been given the chance first);
    - hospitals: Molina ``received`` (``resolved`` of them resolved), about another topic (prior authorization).
    """
    rep = RepresentativeFactory().user
    molina = submit(rep)
    copies(molina, 12, status="resolved", outcome_code="paid")
    copies(molina, 11)  # with the first: 12 open
    copies(molina, 12, mco=MCO.objects.get(short_name="Meridian"), status="resolved", outcome_code="paid")
    aetna = MCO.objects.get(short_name="Aetna")
    copies(molina, 12, mco=aetna, status="closed", closure_reason="not_submitted_to_mco_first")
    received, resolved = hospital_molina.get("received", 13), hospital_molina.get("resolved", 13)
    other_topic = Category.objects.exclude(pk=molina.category_id).order_by("code").first()
    hospital = {"provider_group": "hospital", "category": other_topic}
    copies(molina, resolved, status="resolved", outcome_code="paid", **hospital)
    copies(molina, received - resolved, **hospital)
    report_snapshot_refresh(as_of=frozen_on(THIS_QUARTER, settings.PORTAL_REPORT_COHORT_AGE_MONTHS))
    return molina.category.name, other_topic.name  # type: ignore[union-attr]


def test_resolved_by_provider_type_and_by_topic_each_by_mco(client):
    topic, other_topic = release()
    tables = client.get(f"/reports/data.json?period={THIS_QUARTER}").json()["tables"]
    by_group = tables[GROUPS]
    assert by_group["title"] == "Of the complaints received, those resolved so far, by provider type and MCO"
    assert by_group["columns"] == MCOS and by_group["column_label"] == "MCO"
    assert cell(by_group, "Physician/APN", "Molina") == 12 and cell(by_group, "Physician/APN", "Meridian") == 12
    assert cell(by_group, "Hospital", "Molina") == 13
    assert all(cell(by_group, "Pharmacy", mco) == 0 for mco in MCOS)
    assert dict(zip(by_group["columns"], by_group["column_totals"], strict=True)) == {
        "Aetna": 0,
        "BCCHP": 0,
        "CountyCare": 0,
        "Meridian": 12,
        "Molina": 25,
    }
    assert by_group["total"] == 37
    totals = dict(zip(by_group["rows"], by_group["row_totals"], strict=True))
    assert totals["Physician/APN"] == 24 and totals["Hospital"] == 13 and totals["Dental"] == 0
    by_topic = tables[TOPICS]
    assert cell(by_topic, topic, "Molina") == 12 and cell(by_topic, topic, "Meridian") == 12
    assert cell(by_topic, other_topic, "Molina") == 13
    assert by_topic["total"] == 37
    closed = tables[CLOSED_GROUPS]
    assert closed["title"] == (
        "Of the complaints received, those closed because the MCO had not been given the chance first, by provider "
        "type and MCO"
    )
    assert cell(closed, "Physician/APN", "Aetna") == 12 and cell(closed, "Hospital", "Molina") == 0
    assert closed["column_totals"] == [12, 0, 0, 0, 0] and closed["total"] == 12
    assert cell(tables[CLOSED_TOPICS], topic, "Aetna") == 12 and tables[CLOSED_TOPICS]["total"] == 12
    # Each MCO's total is the outcome table's, the same number.
    outcome = tables["outcome_by_mco"]
    resolved = outcome["rows"].index("Resolved")
    assert outcome["cells"][resolved] == by_group["column_totals"] == by_topic["column_totals"]
    not_first = outcome["rows"].index("Closed: MCO not given the chance first")
    assert outcome["cells"][not_first] == closed["column_totals"] == tables[CLOSED_TOPICS]["column_totals"]


def test_all_time_has_them_too_on_the_page_csv_and_json(client):
    """One quarter published: all time is that quarter, table for table, in every format."""
    release()
    quarter = client.get(f"/reports/data.json?period={THIS_QUARTER}").json()["tables"]
    all_time = client.get("/reports/data.json").json()["tables"]
    assert set(all_time) >= NEW
    for name in NEW:
        for key in ("rows", "columns", "cells", "row_totals", "column_totals", "total"):
            assert all_time[name][key] == quarter[name][key], (name, key)
    page = html.unescape(client.get("/reports/").content.decode())
    heading = "Resolved, or closed because the MCO was not given the chance first: by provider type and topic</h2>"
    section = page.split(heading)[1].split("<h2")[0]
    assert "all time adds up the quarters" in section and "not published for all time" not in section
    section = page.split(f'id="{GROUPS}-heading"')[1].split("</section>")[0]
    assert "Molina has the most: 25." in section
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/data.csv").content.decode())))
    lines = {(r["row"], r["column"]): (r["value"], r["status"]) for r in rows if r["table"] == GROUPS}
    assert lines[("Hospital", "Molina")] == ("13", "shown") and lines[("total", "total")] == ("37", "shown")
    lines = {(r["row"], r["column"]): r["value"] for r in rows if r["table"] == CLOSED_GROUPS}
    assert lines[("Physician/APN", "Aetna")] == "12"


def test_all_time_adds_up_the_quarters_as_each_was_first_published():
    """Q1: MCO A's provider type g1 24 resolved and 12 open, g2 12 closed because A had not been given the chance
    first; B's g1 30 resolved. Q2: A's g1 20 resolved; B's g2 11 resolved and 15 open. By the second release A's
    12 open Q1 complaints are resolved, but Q1 is frozen as first published: all time adds up the quarters as
    published (g1 and A: 24 + 20 = 44, not 56)."""
    fact = A.Fact

    def complaints(mco, group, month, outcome, number):  # type: ignore[no-untyped-def]
        topic = {"g1": "t1", "g2": "t2"}[group]
        days, resolved = (5, month) if outcome == A.RESOLVED else (None, None)
        return [fact(mco, group, topic, month, False, outcome, days, A.ON_TIME, A.NOT_SENT, resolved)] * number

    q1 = [
        *complaints("A", "g1", "2025-01", A.RESOLVED, 24),
        *complaints("A", "g1", "2025-01", A.OPEN, 12),
        *complaints("A", "g2", "2025-01", A.REASON_NOT_FIRST, 12),
        *complaints("B", "g1", "2025-01", A.RESOLVED, 30),
    ]
    q1_later = [
        c._replace(outcome=A.RESOLVED, business_days=70, resolved="2025-04") if c.outcome == A.OPEN else c for c in q1
    ]
    q2 = [
        *complaints("A", "g1", "2025-04", A.RESOLVED, 20),
        *complaints("B", "g2", "2025-04", A.RESOLVED, 11),
        *complaints("B", "g2", "2025-04", A.OPEN, 15),
    ]

    def dimensions(last: str) -> A.Dimensions:
        return A.Dimensions(["A", "B"], ["g1", "g2"], ["t1", "t2"], A.months_between("2025-01", last))

    first_data, first = release_build(
        frozen_on("2025-Q1", 1), dimensions("2025-04"), q1, [], threshold=11, age_months=1
    )
    assert first_data["tables"]["all"][GROUPS]["cells"] == [[24, 30], [0, 0]]
    data, _ = release_build(
        frozen_on("2025-Q2", 1), dimensions("2025-07"), q1_later + q2, [(1, first)], threshold=11, age_months=1
    )
    tables = data["tables"]["all"]
    assert tables[GROUPS]["cells"] == [[44, 30], [0, 11]] and tables[GROUPS]["row_totals"] == [74, 11]
    assert tables[GROUPS]["column_totals"] == [44, 41] and tables[GROUPS]["total"] == 85
    assert tables[TOPICS]["cells"] == [[44, 30], [0, 11]]
    assert tables[CLOSED_GROUPS]["cells"] == [[0, 0], [12, 0]] and tables[CLOSED_TOPICS]["total"] == 12
    # Each MCO's total is the outcome table's for all time.
    outcome = tables["outcome_by_mco"]
    assert outcome["cells"][outcome["rows"].index("Resolved")] == [44, 41]
    for name in NEW:  # all time is the sum of the quarters, cell by cell
        quarters = [data["tables"][q][name]["cells"] for q in ("2025-Q1", "2025-Q2")]
        assert tables[name]["cells"] == [[sum(q[r][c] for q in quarters) for c in range(2)] for r in range(2)], name


def test_received_and_resolved_never_tell_a_small_number_not_resolved(client):
    """13 hospital complaints to Molina, 11 resolved: showing both would tell that 2 are not (closed or still
    open). One of the two is hidden. (That nothing else gives the 2 away is what the audits check:
    test_linked_suppression.py and, at the realistic size, test_reader_audit.py.)"""
    release(received=13, resolved=11)
    tables = client.get(f"/reports/data.json?period={THIS_QUARTER}").json()["tables"]
    received = cell(tables["received_by_mco_and_provider_group"], "Hospital", "Molina")
    resolved = cell(tables[GROUPS], "Hospital", "Molina")
    assert received is None or resolved is None


def test_the_provider_type_filter_narrows_the_table_and_the_headline(client):
    release()
    query = f"period={THIS_QUARTER}&group=Hospital"
    payload = client.get(f"/reports/data.json?{query}").json()
    t = payload["tables"][GROUPS]
    assert t["rows"] == ["Hospital"] and t["cells"] == [[0, 0, 0, 0, 13]] and t["total"] == 13
    assert "filter_note" not in t and payload["tables"][TOPICS]["filter_note"]
    page = html.unescape(client.get(f"/reports/?{query}").content.decode())
    summary = page.split('class="usa-card-group portal-summary"')[1].split("</ul>")[0]
    assert re.search(r"13\s*</p>\s*<p[^>]*>Complaints received", summary)
    assert re.search(r"13\s*</p>\s*<p[^>]*>Resolved so far", summary)
    assert re.search(r"0\s*</p>\s*<p[^>]*>Closed because the MCO had not been given the chance", summary)
    # One MCO: each row's total is that MCO's number.
    t = client.get(f"/reports/data.json?period={THIS_QUARTER}&mco=Meridian").json()["tables"][GROUPS]
    assert t["columns"] == ["Meridian"] and t["total"] == 12
    assert t["row_totals"] == [cells[0] for cells in t["cells"]]


def test_a_quarter_published_before_these_tables_never_gets_them_and_the_next_release_is_published():
    """A release from before the tables by provider type and topic published Q1 (its stored audit has none of their
    cells). Everything it showed is public: MCO A's 28 + 20 complaints by provider type, 24 resolved, 0 closed that
    way. Adding the tables to Q1 now would make a reader's bound on g1's other outcomes (28 - 24 = at least 4) a
    count no hiding can protect, and every number of the next release was hidden. Q1 stays as published, without
    them; Q2 gets them and is published."""
    fact = A.Fact
    q1 = [fact("A", "g1", "t1", "2025-01", False, A.RESOLVED, 5, A.ON_TIME, A.NOT_SENT, "2025-01")] * 24
    q1 += [fact("A", "g1", "t1", "2025-01", False, A.OPEN, None, A.ON_TIME, A.NOT_SENT, None)] * 4
    q1 += [fact("A", "g2", "t2", "2025-01", False, A.OPEN, None, A.ON_TIME, A.NOT_SENT, None)] * 20
    q1 += [fact("B", "g1", "t1", "2025-01", False, A.RESOLVED, 5, A.ON_TIME, A.NOT_SENT, "2025-01")] * 30
    q2 = [
        complaint
        for mco in ("A", "B")
        for complaint in [fact(mco, "g1", "t1", "2025-04", False, A.RESOLVED, 5, A.ON_TIME, A.NOT_SENT, "2025-04")] * 30
        + [fact(mco, "g2", "t2", "2025-04", False, A.OPEN, None, A.ON_TIME, A.NOT_SENT, None)] * 30
    ]

    def dimensions(last: str) -> A.Dimensions:
        return A.Dimensions(["A", "B"], ["g1", "g2"], ["t1", "t2"], A.months_between("2025-01", last))

    first_data, first = release_build(
        frozen_on("2025-Q1", 1), dimensions("2025-04"), q1, [], threshold=11, age_months=1
    )
    assert GROUPS in first_data["tables"]["2025-Q1"]  # made now, Q1 has them
    # As a release from before them stored it: none of their cells.
    old = {**first, "cells": [row for row in first["cells"] if not new_table_cell(row)]}
    data, audit = release_build(
        frozen_on("2025-Q2", 1), dimensions("2025-07"), q1 + q2, [(1, old)], threshold=11, age_months=1
    )
    assert not NEW & set(data["tables"]["2025-Q1"]) and set(data["tables"]["2025-Q2"]) >= NEW
    assert audit["dimensions"]["without_outcome_tables"] == ["2025-Q1"]
    assert not NEW & set(data["tables"]["all"])  # all time would leave Q1 out: not published for all time
    q2_tables = data["tables"]["2025-Q2"]
    assert q2_tables[GROUPS]["cells"] == [[30, 30], [0, 0]] and q2_tables["outcome_by_mco"]["total"] == 120
    for name, table in data["tables"]["2025-Q1"].items():  # Q1 as first published
        assert table == first_data["tables"]["2025-Q1"][name], name
    # A release after that reads the same from both: Q1 still without them.
    later, _ = release_build(
        frozen_on("2025-Q2", 2), dimensions("2025-08"), q1 + q2, [(1, old), (2, audit)], threshold=11, age_months=1
    )
    assert later["tables"]["2025-Q1"] == data["tables"]["2025-Q1"]
    assert later["tables"]["2025-Q2"] == data["tables"]["2025-Q2"]


def new_table_cell(row: list) -> bool:  # type: ignore[type-arg]
    """A stored cell of the tables by provider type and topic, or their internal cell."""
    measure, _, _, group, topic, _ = row[:6]
    return measure == A.OTHER_OUTCOMES or (measure == "outcome" and (group != A.ALL or topic != A.ALL))


def test_a_release_from_before_these_tables_does_not_send_readers_to_look_for_them(client):
    """All time says where the tables are only when some quarter of the release has them."""
    from reporting.models import ReportSnapshot

    release()
    snapshot = ReportSnapshot.objects.latest()
    for tables in snapshot.data["tables"].values():
        for name in NEW:
            tables.pop(name, None)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data=snapshot.data)
    page = html.unescape(client.get("/reports/").content.decode())
    assert "published for each quarter only" not in page and "by provider type and topic</h2>" not in page


def test_all_time_without_them_says_why_and_where_they_are(client):
    """A series whose first quarters were published before these tables: the quarters after have them, all time
    cannot add them up, and says so."""
    from reporting.models import ReportSnapshot

    release()
    snapshot = ReportSnapshot.objects.latest()
    for name in NEW:
        snapshot.data["tables"]["all"].pop(name)
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(data=snapshot.data)
    page = html.unescape(client.get("/reports/").content.decode())
    heading = "Resolved, or closed because the MCO was not given the chance first: by provider type and topic</h2>"
    section = page.split(heading)[1].split("<h2")[0]
    assert "not published for all time" in section and "Choose a quarter" in section
    summary = html.unescape(client.get("/reports/?group=Physician%2FAPN").content.decode())
    summary = summary.split('class="usa-card-group portal-summary"')[1].split("</ul>")[0]
    assert "Complaints received" in summary and "Resolved so far" not in summary and "Closed because" not in summary
