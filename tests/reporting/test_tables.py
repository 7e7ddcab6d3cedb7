"""The tables of complaints resolved and closed by provider type and by topic (issue 19): exact counts from a handful
of hand-built complaints, the provider type filter applied to every table it can apply to (and a note on the others),
and the page, CSV and JSON showing the same numbers under every filter."""

import csv
import html
import io
import re
import types
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import MCO, ReportingGroup
from complaints.models import Category
from reporting import aggregates as A
from reporting import selectors, views
from reporting.aggregates import ALL, Cell
from reporting.services import report_snapshot_refresh
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory
from tests.reporting.test_reports import copies

DIMENSIONS = A.Dimensions(
    mcos=["Alpha", "Beta", "Gamma"],
    groups=["Hospital", "Pharmacy"],
    topics=["Claims", "Denials"],
    months=["2026-04", "2026-05", "2026-06"],
)
Q = "2026-Q2"


def complaints(mco: str, group: str, topic: str, outcome: str, number: int) -> list[A.Fact]:
    resolved = "2026-05" if outcome == A.RESOLVED else None
    return [A.Fact(mco, group, topic, "2026-04", False, outcome, 3 if resolved else None, resolved=resolved)] * number


# Alpha: 12 complaints, Beta: 14, Gamma: none.
FACTS = [
    *complaints("Alpha", "Hospital", "Claims", A.RESOLVED, 3),
    *complaints("Alpha", "Hospital", "Denials", A.REASON_NOT_FIRST, 2),
    *complaints("Alpha", "Hospital", "Claims", "incomplete", 2),
    *complaints("Alpha", "Pharmacy", "Claims", "duplicate", 1),
    *complaints("Alpha", "Pharmacy", "Denials", A.OPEN, 4),
    *complaints("Beta", "Hospital", "Denials", A.RESOLVED, 5),
    *complaints("Beta", "Pharmacy", "Claims", "withdrawn_by_provider", 6),
    *complaints("Beta", "Pharmacy", "Claims", A.REASON_NOT_FIRST, 1),
    *complaints("Beta", "Hospital", "Claims", A.OPEN, 2),
]

# name -> (cells [row][Alpha, Beta, Gamma], row totals, column totals, total), for the quarter and all time alike.
EXPECTED = {
    "resolved_by_provider_group_and_mco": ([[3, 5, 0], [0, 0, 0]], [8, 0], [3, 5, 0], 8),
    "resolved_by_topic_and_mco": ([[3, 0, 0], [0, 5, 0]], [3, 5], [3, 5, 0], 8),
    "closed_not_first_by_provider_group_and_mco": ([[2, 0, 0], [0, 1, 0]], [2, 1], [2, 1, 0], 3),
    "closed_not_first_by_topic_and_mco": ([[0, 1, 0], [2, 0, 0]], [1, 2], [2, 1, 0], 3),
    "closed_other_by_provider_group_and_mco": ([[2, 0, 0], [1, 6, 0]], [2, 7], [3, 6, 0], 9),
    "closed_other_by_topic_and_mco": ([[3, 6, 0], [0, 0, 0]], [9, 0], [3, 6, 0], 9),
}


def published(hidden: frozenset = frozenset()) -> dict:  # type: ignore[type-arg]
    counts, days = A.count(FACTS)
    return A.publish(DIMENSIONS, counts, days, hidden)


def test_each_new_table_counts_the_complaints_by_provider_type_and_by_topic_exactly():
    data = published()
    for period in ("all", Q):
        for name, (cells, row_totals, column_totals, total) in EXPECTED.items():
            table = data["tables"][period][name]
            assert table["columns"] == ["Alpha", "Beta", "Gamma"] and table["kind"] == "counts", name
            assert table["rows"] == (["Hospital", "Pharmacy"] if "provider_group" in name else ["Claims", "Denials"])
            assert table["row_label"] == ("Provider type" if "provider_group" in name else "Topic")
            assert (table["cells"], table["row_totals"], table["column_totals"], table["total"]) == (
                cells,
                row_totals,
                column_totals,
                total,
            ), (period, name)
    # The MCO totals are the outcome table's: resolved, and closed because the MCO was not given the chance first.
    outcome = data["tables"]["all"]["outcome_by_mco"]
    rows = dict(zip(outcome["rows"], outcome["cells"], strict=True))
    assert rows["Resolved"] == EXPECTED["resolved_by_provider_group_and_mco"][2]
    assert rows["Closed: MCO not given the chance first"] == EXPECTED["closed_not_first_by_topic_and_mco"][2]
    others = [cells for label, cells in rows.items() if label.startswith("Closed:") and "chance first" not in label]
    assert [sum(column) for column in zip(*others, strict=True)] == EXPECTED["closed_other_by_topic_and_mco"][2]


def test_received_is_resolved_plus_closed_plus_still_open_for_each_provider_type_and_topic():
    counts, _ = A.count(FACTS)
    cells, equations = A.system(DIMENSIONS)
    assert counts[Cell(A.STILL_OPEN, Q, "Alpha", "Pharmacy", ALL, ALL)] == 4
    assert counts[Cell(A.STILL_OPEN, Q, "Beta", ALL, "Claims", ALL)] == 2
    assert Cell(A.STILL_OPEN, Q, "Alpha", "Pharmacy", ALL, ALL) in A.internal(cells)
    hospital_alpha = Cell("received", Q, "Alpha", "Hospital", ALL, ALL)
    linked = {parts for total, parts in equations if total == hospital_alpha}
    assert (
        Cell("outcome", Q, "Alpha", "Hospital", ALL, A.RESOLVED),
        Cell("outcome", Q, "Alpha", "Hospital", ALL, A.REASON_NOT_FIRST),
        Cell("outcome", Q, "Alpha", "Hospital", ALL, A.CLOSED_OTHER),
        Cell(A.STILL_OPEN, Q, "Alpha", "Hospital", ALL, ALL),
    ) in linked
    for total, parts in equations:
        assert counts.get(total, 0) == sum(counts.get(part, 0) for part in parts), total


def snapshot(data: dict) -> types.SimpleNamespace:  # type: ignore[type-arg]
    return types.SimpleNamespace(data=data)


def test_the_provider_type_filter_narrows_every_table_by_provider_type_with_that_types_totals():
    tables = selectors.tables_for(snapshot(published()), selectors.Filters(group="Pharmacy"))
    closed = tables["closed_other_by_provider_group_and_mco"]
    # The total row under Pharmacy is Pharmacy's (1, 6: 7), never every provider type's (3, 6: 9).
    assert closed["rows"] == ["Pharmacy"] and closed["cells"] == [[1, 6, 0]]
    assert closed["column_totals"] == [1, 6, 0] and closed["total"] == 7 and "filter_note" not in closed
    received = tables["received_by_mco_and_provider_group"]
    assert received["cells"] == [[5, 7, 0]] and received["column_totals"] == [5, 7, 0] and received["total"] == 12
    # Tables not broken down by provider type say so, and still count every type.
    for name in ("received_by_topic_and_mco", "outcome_by_mco", "timeliness_by_mco", "closed_other_by_topic_and_mco"):
        assert tables[name]["filter_note"] == selectors.NOT_BY_GROUP, name
    assert tables["closed_other_by_topic_and_mco"]["total"] == 9
    both = selectors.tables_for(snapshot(published()), selectors.Filters(mco="Beta", group="Pharmacy"))
    closed = both["closed_other_by_provider_group_and_mco"]
    assert (closed["cells"], closed["row_totals"], closed["column_totals"], closed["total"]) == ([[6]], [6], [6], 6)
    outcome = both["outcome_by_mco"]  # one MCO: its own totals, not every MCO's
    assert outcome["columns"] == ["Beta"] and outcome["total"] == 14
    assert outcome["row_totals"] == [row[0] for row in outcome["cells"]]
    unfiltered = selectors.tables_for(snapshot(published()), selectors.Filters())
    assert not any("filter_note" in table for table in unfiltered.values())


def test_the_headline_figures_are_the_provider_types_under_its_filter():
    def headline(filters: selectors.Filters) -> list[str]:
        tables = selectors.tables_for(snapshot(published()), filters)
        return [figure["value"] for figure in views._summary(tables, by_group=bool(filters.group))]

    assert headline(selectors.Filters()) == ["26", "8", "3"]
    assert headline(selectors.Filters(group="Pharmacy")) == ["12", "0", "1"]
    assert headline(selectors.Filters(group="Hospital", mco="Alpha")) == ["7", "3", "2"]
    assert headline(selectors.Filters(mco="Beta")) == ["14", "5", "1"]


def test_measures_say_their_units_and_whether_nothing_was_there_to_measure():
    hidden = frozenset({Cell("received", "all", "Beta", ALL, ALL, A.EXPEDITED)})
    measures = published(hidden)["tables"]["all"]["timeliness_by_mco"]
    assert measures["units"] == ["percent", "percent", "business_days", "percent", "percent"]
    rows = dict(zip(measures["rows"], zip(measures["cells"], measures["not_applicable"], strict=True), strict=True))
    assert rows["Gamma"] == ([None] * 5, [True] * 5)  # no complaints: nothing to measure
    # Alpha: none expedited of 12, 3 resolved, in 3 business days; all 12 on time so far; none sent to the MCO.
    assert rows["Alpha"] == ([0.0, 25.0, 3, 100.0, None], [False, False, False, False, True])
    assert rows["Beta"][0][0] is None and rows["Beta"][1][0] is False  # hidden, not "nothing to measure"
    narrowed = selectors.tables_for(snapshot(published(hidden)), selectors.Filters(mco="Gamma"))["timeliness_by_mco"]
    assert narrowed["rows"] == ["Gamma"] and narrowed["not_applicable"] == [[True] * 5]


@pytest.fixture
def release(db):  # type: ignore[no-untyped-def]
    """Complaints of a quarter old enough to be published, of two provider types, two topics and two MCOs (and the
    first one filed, today: not published yet)."""
    rep = RepresentativeFactory().user
    earlier = timezone.now() - timedelta(days=200)
    molina, meridian = MCO.objects.get(short_name="Molina"), MCO.objects.get(short_name="Meridian")
    claims, other = list(Category.objects.order_by("sort_order", "name"))[:2]
    first = submit(rep, mco=molina, category=claims)
    due = (earlier + timedelta(days=3)).date()
    when = {"submitted_at": earlier, "first_response_due": due}
    copies(first, 12, status="resolved", outcome_code="paid", **when)
    copies(first, 11, status="closed", closure_reason=A.REASON_NOT_FIRST, **when)
    copies(first, 13, provider_group=ReportingGroup.HOSPITAL, category=other, **when)
    copies(
        first, 14, mco=meridian, status="resolved", outcome_code="paid", provider_group=ReportingGroup.HOSPITAL, **when
    )
    copies(first, 15, mco=meridian, status="closed", closure_reason="duplicate", category=other, **when)
    return report_snapshot_refresh(as_of=timezone.localdate())


def page_marks(page: str, name: str, table: dict) -> list[str]:  # type: ignore[type-arg]
    section = page.split(f'id="{name}-heading"')[1].split("</section>")[0]
    assert table["title"] in html.unescape(section)
    if table.get("filter_note"):
        assert table["filter_note"] in html.unescape(section)
    return re.findall(r"<td>\s*(.*?)\s*</td>", section.split("<tbody>")[1], re.S)


def test_page_csv_and_json_show_the_same_new_tables_under_every_filter(client, release):
    period = next(p["key"] for p in release.data["periods"] if p["key"] != "all")
    group = "Physician/APN"
    for query in (
        "",
        f"?group={group}",
        f"?mco=Molina&group={group}",
        "?group=Hospital",
        f"?period={period}&mco=Meridian",
    ):
        payload = client.get(f"/reports/data.json{query}").json()
        lines = list(csv.DictReader(io.StringIO(client.get(f"/reports/data.csv{query}").content.decode())))
        page = client.get(f"/reports/{query}").content.decode()
        for name in EXPECTED:
            assert name in payload["tables"], (query, name)
        for name, table in payload["tables"].items():
            assert ("filter_note" in table) == ("group=" in query and "Provider type" not in table["row_label"])
            if table["kind"] != "counts":
                continue
            numbers = [v for row, total in zip(table["cells"], table["row_totals"], strict=True) for v in [*row, total]]
            numbers += [*table["column_totals"], table["total"]]
            assert page_marks(page, name, table) == ["*" if v is None else str(v) for v in numbers], (query, name)
            in_csv = [line["value"] or None for line in lines if line["table"] == name]
            assert in_csv == [None if v is None else str(v) for v in numbers], (query, name)
        figures = re.findall(r'font-heading-xl margin-y-1">(.*?)</p>', page)
        if "group=" in query:  # the headline figures: the provider type's
            tables = payload["tables"]
            for figure, name in zip(figures, [n for _, n, _ in views.HEADLINES], strict=True):
                total = tables[name]["total"]
                assert figure == ("*" if total is None else f"{total:,}"), (query, name)
    everything = release.data["tables"]["all"]
    resolved = everything["resolved_by_provider_group_and_mco"]
    physician, molina = resolved["rows"].index(group), resolved["columns"].index("Molina")
    assert resolved["cells"][physician][molina] == 12
    assert resolved["cells"][resolved["rows"].index("Hospital")][resolved["columns"].index("Meridian")] == 14
    not_first = everything["closed_not_first_by_provider_group_and_mco"]
    assert not_first["cells"][physician][molina] == 11 and not_first["total"] == 11
    closed_other = everything["closed_other_by_topic_and_mco"]
    assert closed_other["column_totals"][closed_other["columns"].index("Meridian")] == 15
    page = client.get(f"/reports/?group={group}").content.decode()
    assert "This table is not broken down by provider type" in page
