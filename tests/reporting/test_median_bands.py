"""Medians whose counts are not all shown (issue 19: the all-time median per MCO): published only when the audits
pass with what a reader of them is assumed to know (reporting.medians), checked by ``audit_extended``."""

from reporting import aggregates as A
from reporting.medians import BANDS, Median, band_model, middles
from reporting.services import frozen_on, release_build
from reporting.suppression import audit_extended, suppress_system
from tests.reporting.test_suppression import table_system

MEDIAN = "Median business days to resolution"
DAY = frozen_on("2026-Q2", 1)  # 31 July 2026: the release publishing March to June 2026


def rf(received: str, mco: str, resolved: str) -> A.Cell:
    return A.Cell("resolved_from", received, mco, "*", "*", resolved)


# The engine ---------------------------------------------------------------------------------------------------------


def test_what_readers_know_besides_can_expose_a_hidden_count_and_the_audit_finds_it():
    """A 2 x 2 table with a 4 in it: all four inside cells are hidden, the totals shown. A reader who also knows the
    17 beside the 4 (an added equation with a known total) works the 4 out; one who knows the column's 42 again
    learns nothing."""
    values, equations = table_system([[4, 17], [16, 25]])
    evidence: dict = {}
    hidden = suppress_system(values, equations, evidence=evidence)
    assert {(0, 0), (0, 1), (1, 0), (1, 1)} <= hidden
    knows_17 = [("told", ((0, 1),))]
    knows_42 = [("told", ((0, 1), (1, 1)))]
    for witnesses in (None, evidence["witnesses"]):  # the proofs of the suppression do not prove what is known now
        exposed = audit_extended(
            {**values, "told": 17}, equations, hidden, knows_17, public={"told"}, witnesses=witnesses
        )
        assert (0, 0) in exposed or "told" in exposed
        assert (
            audit_extended({**values, "told": 42}, equations, hidden, knows_42, public={"told"}, witnesses=witnesses)
            == []
        )


def test_what_readers_are_assumed_to_know_is_not_itself_a_count_to_protect():
    """The reader is assumed to know that 5 complaints took under a day (a median band), split 2 and 3 over two
    cells nobody publishes. Those are not published counts: nothing is exposed. Counted as counts to protect, the
    5 would look like a small sum worked out."""
    table, equations = table_system([[40, 17], [16, 25]])
    hidden = suppress_system(table, equations)
    assert hidden == frozenset()
    values = {**table, "band": 5, "u1": 2, "u2": 3, "u3": 20}
    added = [("band", ("u1", "u2")), ((1, 1), ("u1", "u2", "u3"))]
    new = {"u1", "u2", "u3"}
    assert (
        audit_extended(values, equations, hidden, added, public={"band"}, internal=new, unprotected=new | {"band"})
        == []
    )
    assert audit_extended(values, equations, hidden, added, public={"band"}, internal=new) != []


# The bands ----------------------------------------------------------------------------------------------------------


def test_the_bands_split_each_month_pair_where_a_median_cuts_it_and_add_up():
    """Complaints received in March and resolved in March (0 to 22 business days possible) or April (1 to 43):
    durations 2, 5, 5, 30 — the median is 5 (middles 5 and 5)."""
    covered = (("2026-03", "A", "2026-03", 2), ("2026-03", "A", "2026-03", 5), ("2026-03", "A", "2026-04", 5))
    covered += (("2026-03", "A", "2026-04", 30),)
    spans = (("2026-03", "A", "2026-03"), ("2026-03", "A", "2026-04"))
    assert middles(d for *_, d in covered) == (5, 5)
    model = band_model([Median("all", "A", spans, covered)], lambda z, s: (0, 22) if z == s else (1, 43))
    totals = {cell.split: model.values[cell] for cell in model.public}
    assert totals == {"below": 1, "lower": 2, "between": 0, "upper": 0, "above": 1}
    assert set(totals) == set(BANDS)
    march = {
        cell.split: v
        for cell, v in model.values.items()
        if cell.measure == "duration_band" and "2026-03|" in cell.split
    }
    assert march == {"2026-03|0-4": 1, "2026-03|5-5": 1, "2026-03|6-22": 0}
    true = {rf("2026-03", "A", "2026-03"): 2, rf("2026-03", "A", "2026-04"): 2, **model.values}
    for total, parts in model.equations:
        assert true[total] == sum(true[part] for part in parts), total


# Releases -----------------------------------------------------------------------------------------------------------


def fact(mco: str, received: str, days: int | None, resolved: str | None) -> A.Fact:
    outcome = A.RESOLVED if resolved else A.OPEN
    return A.Fact(mco, "Hospital", "Claims", received, False, outcome, days, A.ON_TIME, A.ON_TIME, resolved)


def release(*, launch_days: int, alpha_each_month: bool) -> tuple[dict, dict]:  # type: ignore[type-arg]
    """Two MCOs from March 2026. Alpha resolved 3 complaints in March (a hidden small count), each in
    ``launch_days`` business days, and 20 more of March's in June, each in 60; with ``alpha_each_month``, 25 of each
    later month's in that month, each in 3. Beta is large every month."""
    facts = [fact("Alpha", "2026-03", launch_days, "2026-03")] * 3 + [fact("Alpha", "2026-03", 60, "2026-06")] * 20
    facts += [fact("Alpha", "2026-03", None, None)] * 14
    for month in ("2026-04", "2026-05", "2026-06"):
        facts += [fact("Alpha", month, 3, month)] * (25 if alpha_each_month else 0) + [
            fact("Alpha", month, None, None)
        ] * 20
    for month in ("2026-03", "2026-04", "2026-05", "2026-06"):
        facts += [fact("Beta", month, 3, month)] * 30 + [fact("Beta", month, None, None)] * 15
    months = A.months_between("2026-03", A.month_of(DAY))
    dimensions = A.Dimensions(["Alpha", "Beta"], ["Hospital", "Pharmacy"], ["Claims", "Denials"], months)
    return release_build(DAY, dimensions, facts, [], threshold=11, age_months=1)


def alpha_median(data: dict) -> object:  # type: ignore[type-arg]
    table = data["tables"]["all"]["timeliness_by_mco"]
    return table["cells"][table["rows"].index("Alpha")][table["columns"].index(MEDIAN)]


def test_an_all_time_median_over_a_hidden_launch_month_is_published_when_it_narrows_nothing():
    """Alpha's 3 launch-month resolutions are hidden, so the publishing rule alone leaves its median out; the audit
    with what the median tells passes, so it is published, and the release's audit records it."""
    data, audit = release(launch_days=3, alpha_each_month=True)
    march = A.Cell("resolved_in", "2026-03", "Alpha", "*", "*", "*")
    assert next(row[7] for row in audit["cells"] if tuple(row[:6]) == march)  # hidden
    assert alpha_median(data) == 3
    assert ["all", "Alpha"] in audit["medians"]


def test_an_all_time_median_that_would_tell_a_hidden_count_stays_hidden():
    """Alpha resolved only the 3 in March, in a day, and 20 in June, in 60 days: the median is 60, and a reader who
    knows how many took fewer days than that (3) knows at most 3 were resolved in March."""
    data, audit = release(launch_days=1, alpha_each_month=False)
    assert alpha_median(data) is None
    assert ["all", "Alpha"] not in audit["medians"]


def test_a_release_audits_its_medians_together_with_those_earlier_releases_published(monkeypatch):
    """Alpha opened in February with 3 resolutions (hidden). The first release (Q1) publishes its all-time median
    after the audit; the second (Q1 and Q2) audits its own with the first's: a reader has both."""
    from reporting import medians

    def facts_to(last: str) -> list[A.Fact]:
        facts = [fact("Alpha", "2026-02", 3, "2026-02")] * 3 + [fact("Alpha", "2026-02", None, None)] * 20
        facts += [fact("Beta", "2026-02", 3, "2026-02")] * 30
        for month in A.months_between("2026-03", last):
            facts += [fact("Alpha", month, 3, month)] * 25 + [fact("Alpha", month, None, None)] * 20
            facts += [fact("Beta", month, 3, month)] * 30 + [fact("Beta", month, None, None)] * 15
        return facts

    def build(day, last: str, earlier):  # type: ignore[no-untyped-def]
        months = A.months_between("2026-02", A.month_of(day))
        dimensions = A.Dimensions(["Alpha", "Beta"], ["Hospital", "Pharmacy"], ["Claims", "Denials"], months)
        return release_build(day, dimensions, facts_to(last), earlier, threshold=11, age_months=1)

    first_data, first = build(frozen_on("2026-Q1", 1), "2026-04", [])
    assert alpha_median(first_data) == 3 and ["all", "Alpha"] in first["medians"]
    modelled = []
    real = medians.band_model
    monkeypatch.setattr(medians, "band_model", lambda chosen, span: real(modelled.extend(chosen) or modelled, span))
    second_data, second = build(DAY, "2026-07", [(1, first)])
    assert {("all@1", "Alpha"), ("all", "Alpha")} <= {(m.period, m.mco) for m in modelled}
    assert alpha_median(second_data) == 3 and ["all", "Alpha"] in second["medians"]


def test_the_medians_an_older_release_showed_are_read_from_what_it_published():
    """Releases from before their audit recorded the medians: what their data shows is what readers have."""
    from reporting.services import published_medians

    table = {"rows": ["Alpha", "All MCOs"], "columns": ["Expedited (%)", MEDIAN], "cells": [[1.0, None], [2.0, 4.5]]}
    data = {
        "tables": {
            "all": {"timeliness_by_mco": table},
            "2026-Q1": {"timeliness_by_mco": {**table, "cells": [[1.0, 3], [2.0, None]]}},
        }
    }
    assert published_medians(data) == {("all", "*"), ("2026-Q1", "Alpha")}
    older = {"tables": {"all": {"timeliness_by_mco": {**table, "columns": ["Expedited (%)", "Other"]}}}}
    assert published_medians(older) == set() and published_medians({"periods": [], "tables": {}}) == set()


def test_the_days_a_month_pair_allows_are_exactly_what_the_calendar_allows():
    """The fewest and most business days from a day of one month (not before the first complaint) to a day of a
    later one (not after the release day), against every pair of days: wider would let the assumed reader believe
    durations no complaint could have, narrower would only hide a median more often — it must be exact."""
    from datetime import date, timedelta

    from complaints import clock
    from reporting.services import _span

    first, as_of = date(2025, 12, 15), date(2026, 3, 31)
    dimensions = A.Dimensions(
        ["Alpha"], ["Hospital"], ["Claims"], A.months_between("2025-12", "2026-03"), first_received=first
    )
    span = _span(dimensions, as_of)
    count = clock.business_day_counter(first, as_of)
    days = [first + timedelta(days=n) for n in range((as_of - first).days + 1)]
    for received in dimensions.months:
        for resolved in (m for m in dimensions.months if m >= received):
            taken = [
                count(a, b)
                for a in days
                for b in days
                if a <= b and A.month_of(a) == received and A.month_of(b) == resolved
            ]
            assert span(received, resolved) == (min(taken), max(taken)), (received, resolved)
