"""What an all-time median tells a reader is protected like every other published number (reporting.medians).

A median of business days to resolution says at least half the complaints it is taken over took that long or
longer; a complaint resolved in the month it was received cannot have taken long. So a long median caps the
complaints resolved in an MCO's first month: Alpha resolved 16 complaints, 3 of them in March 2026 (within two
days) and 13 in May (45 business days each): median 45, so at least 8 were resolved after March, and March's
hidden 3 is at most 8 — a count from 1 to 10, told apart from 11 or more.

The reader below is independent of the engine: it reads only the published all-time tables (complaints received and
resolved by month and MCO, resolved per MCO, the medians) and knows how many business days can separate two days
(weekdays, which can only overcount the business days). Its unknowns are the hidden numbers and, per MCO, the
complaints received in one month and resolved in another; linear programming asks whether each hidden count from 1
to 10 can still be 0 and 11 or more.
"""

import math
from datetime import date, timedelta

import highspy
import numpy
import pytest

from reporting import aggregates as A
from reporting import medians
from reporting.services import frozen_on, release_build
from tests.reporting.test_linked_suppression import possible_range

MCOS, GROUPS, TOPICS = ["Alpha", "Beta"], ["Hospital", "Pharmacy"], ["Claims", "Denials"]
DAY = frozen_on("2026-Q2", 1)  # 31 July 2026: March (the first quarter's only month) to June are published
MEDIAN = "Median business days to resolution"


def fact(mco: str, received: str, days: int | None = None, resolved: str | None = None) -> A.Fact:
    outcome = A.RESOLVED if resolved else A.OPEN
    return A.Fact(mco, "Hospital", "Claims", received, False, outcome, days, resolved=resolved)


def complaints(may: int = 13) -> list[A.Fact]:
    """Alpha: of 30 received in March 2026, 3 resolved in March and ``may`` in May (45 business days each)."""
    facts = [fact("Alpha", "2026-03", days, "2026-03") for days in (1, 2, 2)]
    facts += [fact("Alpha", "2026-03", 45, "2026-05")] * may + [fact("Alpha", "2026-03")] * (27 - may)
    facts += [fact("Beta", "2026-03", 2, "2026-03")] * 30 + [fact("Beta", "2026-03")] * 12
    for month in ("2026-04", "2026-05", "2026-06"):
        facts += [fact("Alpha", month)] * 40 + [fact("Beta", month, 3, month)] * 30 + [fact("Beta", month)] * 15
    return facts


def release(may: int = 13) -> tuple[dict, dict]:  # type: ignore[type-arg]
    dimensions = A.Dimensions(MCOS, GROUPS, TOPICS, A.months_between("2026-03", A.month_of(DAY)))
    return release_build(DAY, dimensions, complaints(may), [], threshold=11, age_months=1)


def weekdays(first: date, last: date) -> int:
    return sum((first + timedelta(days=n)).weekday() < 5 for n in range((last - first).days + 1))


def month_days(month: str) -> tuple[date, date]:
    first = date.fromisoformat(f"{month}-01")
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def reader_leaks(data: dict, may: int = 13) -> list[tuple[str, str, int]]:  # type: ignore[type-arg]
    """Hidden counts from 1 to 10 of the all-time tables of complaints received and resolved by month that a reader
    who also uses the medians can bound away from 0 or from 11 (with their true values from ``complaints``)."""
    tables = data["tables"]["all"]
    resolved_in, received = tables["resolved_by_month_and_mco"], tables["received_by_month_and_mco"]
    months = A.months_between("2026-03", "2026-06")
    assert resolved_in["rows"] == received["rows"] == [A.month_label(month) for month in months]
    later = A.months_between("2026-03", A.month_of(DAY))  # resolution months (July is not a row yet)
    columns: dict[tuple, int] = {}  # unknown -> LP column

    def var(key: tuple) -> int:
        return columns.setdefault(key, len(columns))

    rows: list[tuple[dict[int, float], float, float]] = []  # (coefficients, lower, upper)

    def add(terms: list[tuple[tuple | None, float | None]], lower: float, upper: float) -> None:
        """sum(terms) between lower and upper; a term is (unknown, coefficient) or (None, a known number)."""
        coefficients: dict[int, float] = {}
        for key, number in terms:
            if key is None:
                lower, upper = lower - number, upper - number  # type: ignore[operator]
            else:
                coefficients[var(key)] = coefficients.get(var(key), 0) + (number or 0)
        rows.append((coefficients, lower, upper))

    def entry(table: str, shown: int | None, key: tuple, sign: float = 1.0) -> tuple[tuple | None, float]:
        return (None, sign * shown) if shown is not None else ((table, *key), sign)

    for name, table in (("resolved", resolved_in), ("received", received)):
        for r, row in enumerate(table["cells"]):
            terms = [entry(name, value, (r, c)) for c, value in enumerate(row)]
            add([*terms, entry(name, table["row_totals"][r], (r, "T"), -1.0)], 0, 0)
        for c, total in enumerate(table["column_totals"]):
            terms = [entry(name, row[c], (r, c)) for r, row in enumerate(table["cells"])]
            add([*terms, entry(name, total, ("T", c), -1.0)], 0, 0)
    outcome = tables["outcome_by_mco"]
    resolved_row = outcome["cells"][outcome["rows"].index("Resolved")]
    measures = tables["timeliness_by_mco"]
    for c, mco in enumerate(MCOS):
        pairs = [(z, y) for z in months for y in later if y >= z]
        for r, month in enumerate(months):  # resolved in a month: the pairs resolved then
            resolved = [((mco, z, y), 1.0) for z, y in pairs if y == month]
            add([*resolved, entry("resolved", resolved_in["cells"][r][c], (r, c), -1.0)], 0, 0)
            received_then = [((mco, z, y), 1.0) for z, y in pairs if z == month]  # at most those received
            add([*received_then, entry("received", received["cells"][r][c], (r, c), -1.0)], -math.inf, 0)
        everything = [((mco, z, y), 1.0) for z, y in pairs]
        add([*everything, entry("outcome", resolved_row[c], ("resolved", c), -1.0)], 0, 0)
        median = measures["cells"][measures["rows"].index(mco)][measures["columns"].index(MEDIAN)]
        if median is not None and resolved_row[c] is not None:
            # At least half took the median or longer: only in pairs where that many business days fit.
            fits = [((mco, z, y), 1.0) for z, y in pairs if weekdays(month_days(z)[0], month_days(y)[1]) >= median]
            add(fits, math.ceil(resolved_row[c] / 2), math.inf)
    truth = {(m, mco): 0 for m in months for mco in MCOS}
    for complaint in complaints(may):
        if complaint.resolved_month() in months:
            truth[(complaint.resolved_month(), complaint.mco)] += 1
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.addVars(len(columns), numpy.zeros(len(columns)), numpy.full(len(columns), highspy.kHighsInf))
    for coefficients, lower, upper in rows:
        if coefficients:
            index = numpy.array(list(coefficients), numpy.int32)
            values = numpy.array(list(coefficients.values()), float)
            solver.addRow(lower, upper, len(index), index, values)
    leaks = []
    for r, month in enumerate(months):
        for c, mco in enumerate(MCOS):
            value = truth[(month, mco)]
            if resolved_in["cells"][r][c] is None and 0 < value < 11:
                low, high = possible_range(solver, len(columns), [columns[("resolved", r, c)]])
                if low > 1e-6 or high < 11 - 1e-6:
                    leaks.append((month, mco, value))
    return leaks


def test_a_reader_who_knows_the_median_can_bound_no_hidden_count():
    data, audit = release()
    tables = data["tables"]["all"]
    march = tables["resolved_by_month_and_mco"]["cells"][0]
    assert march[0] is None  # Alpha's 3 resolved in March: hidden
    assert reader_leaks(data) == []
    # The median links are stored with the release, for the releases after it to be audited with them.
    assert audit["median_links"] and {A.Cell(*total).mco for total, _ in audit["median_links"]} == {
        "Alpha",
        "Beta",
        "*",
    }


def test_without_the_median_in_the_system_the_reader_finds_the_count_it_caps(monkeypatch):
    """The same release from an engine that publishes the median but leaves it out of the system: Alpha's
    resolved count (16) and median (45) are shown, and the reader bounds March's 3 to at most 8."""
    monkeypatch.setattr(medians, "links", lambda facts: ({}, []))
    data, _ = release()
    tables = data["tables"]["all"]
    measures = tables["timeliness_by_mco"]
    assert measures["cells"][measures["rows"].index("Alpha")][measures["columns"].index(MEDIAN)] == 45
    assert ("2026-03", "Alpha", 3) in reader_leaks(data)


@pytest.mark.parametrize("days", [[3, 5, 5, 8], [2, 2, 40, 41, 45]])
def test_the_links_say_at_least_half_took_the_median_or_longer_and_at_least_half_the_median_or_less(days):
    """Per MCO and for all MCOs: the complaints of the month pairs where one took the median or more number half
    (rounded up) plus a spare that is never negative, and likewise for the median or less."""
    facts = [fact("Alpha", "2026-03", d, "2026-03" if d < 20 else "2026-05") for d in days]
    values, equations = medians.links(facts)
    half = (len(days) + 1) // 2
    for row in ("Alpha", "*"):
        assert values[A.Cell(A.MEDIAN_HALF, "all", row, "*", "*", "*")] == half
        for side in ("median_long", "median_short"):
            total = A.Cell(side, "all", row, "*", "*", "*")
            spare = A.Cell(side.replace("median_", "median_spare_"), "all", row, "*", "*", "*")
            assert values[total] == values[A.Cell(A.MEDIAN_HALF, "all", row, "*", "*", "*")] + values[spare]
            assert values[spare] >= 0
            parts = next(parts for total_, parts in equations if total_ == total and spare not in parts)
            assert all(part.measure == A.RESOLVED_FROM and part.mco == "Alpha" for part in parts)
    # [2, 2, 40, 41, 45]: median 40, taken only by those resolved in May; all five are in the pairs of 40 or less
    if days == [2, 2, 40, 41, 45]:
        assert values[A.Cell("median_long", "all", "Alpha", "*", "*", "*")] == 3
        assert values[A.Cell("median_short", "all", "Alpha", "*", "*", "*")] == 5


def test_a_median_is_published_where_every_hidden_count_stays_protected_with_it():
    """With 20 resolved in May, Alpha's 23 and median 45 leave March's hidden 3 able to be 11 (23 less the 12 that
    took 45 days or more): both are shown."""
    data, _ = release(may=20)
    tables = data["tables"]["all"]
    measures = tables["timeliness_by_mco"]
    assert measures["cells"][measures["rows"].index("Alpha")][measures["columns"].index(MEDIAN)] == 45
    assert tables["resolved_by_month_and_mco"]["column_totals"][0] == 23
    assert tables["resolved_by_month_and_mco"]["cells"][0][0] is None
    assert reader_leaks(data, may=20) == []


def test_the_releases_after_one_are_audited_with_what_its_medians_told():
    """A stored release rebuilds its system with its median links, under its own all time (``all@<id>``)."""
    from reporting.services import _stored_release

    _, audit = release(may=20)
    cells, equations = _stored_release(7, audit).system()
    linked = [(total, parts) for total, parts in equations if total.measure == "median_long"]
    assert {total.period for total, _ in linked} == {"all@7"} and len(linked) == 2 * 3  # both equations, 3 rows
    assert A.Cell(A.MEDIAN_HALF, "all@7", "Alpha", "*", "*", "*") in cells
