"""The public aggregates (R10, DESIGN §7) as one linked system of cells, suppressed together before storing.

Each complaint becomes a ``Fact`` (MCO, provider type group, topic, month received, expedited, first response and
MCO answer on time or late, how and when it was settled). Every published number is a *cell*:
``(measure, period, mco, group, topic, split)`` with ``ALL`` for "every value". Every table states its equations
(rows and columns add up to their totals); the month tables add up to their quarter, and each all-time cell adds up
over the quarters. Tables that share a total share the very same cell, so the system is suppressed as a whole
(``reporting.suppression.suppress_system``): what one table hides, no other table, period or total gives away.

Measures and their dates: ``received`` (split by expedited/standard), ``first_response`` and ``mco_answer``
(on time/late, once the answer came or its due date passed) by the month received; ``resolved`` and ``closed``
(split by closure reason) by the month settled. These five families share no equation: each has complaints the
others do not count (open ones, ones not yet due), so none can be worked out from the others.
Shares and medians are shown only when every count they are built on is shown.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median
from typing import NamedTuple

ALL = "*"
ON_TIME, LATE = "on_time", "late"
EXPEDITED, STANDARD = "expedited", "standard"
RESOLVED = "resolved"

# Closure reasons as the public sees them (short enough for a chart label); any other code counts as "other".
PUBLIC_REASONS = [
    ("not_submitted_to_mco_first", "MCO not given the chance first"),
    ("outside_filing_window", "Outside the filing window"),
    ("fee_for_service", "Fee-for-Service issue"),
    ("medicare_only", "Medicare-only issue"),
    ("duplicate", "Duplicate"),
    ("incomplete", "Incomplete"),
    ("withdrawn_by_provider", "Withdrawn by the provider"),
    ("multiple_mcos_or_topics", "More than one MCO or topic"),
    ("other", "Other reason"),
]
REASON_NOT_FIRST = PUBLIC_REASONS[0][1]

Key = tuple[str, str, str, str, str, str]  # (measure, period, mco, group, topic, split)


class Fact(NamedTuple):
    mco: str
    group: str
    topic: str
    received: str  # "YYYY-MM"
    expedited: bool
    first_response: str | None  # ON_TIME, LATE, or None while not yet due
    mco_answer: str | None  # ON_TIME, LATE, or None (not sent to the MCO, or not yet due)
    settled: str | None  # RESOLVED or a closure reason; None while open
    settled_month: str | None
    business_days: int | None  # received to resolved, business days


@dataclass(frozen=True)
class Dimensions:
    mcos: list[str]
    groups: list[str]
    topics: list[str]
    reasons: list[tuple[str, str]]  # (code, label)
    months: list[str]  # every "YYYY-MM" from the first complaint's month to this month


def month_of(moment: date | datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def quarter_of(month: str) -> str:
    year, number = month.split("-")
    return f"{year}-Q{(int(number) - 1) // 3 + 1}"


def months_between(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def quarters(dimensions: Dimensions) -> list[str]:
    return sorted({quarter_of(month) for month in dimensions.months})


def periods(dimensions: Dimensions) -> list[str]:
    """ "all", then the quarters newest first."""
    return ["all", *reversed(quarters(dimensions))]


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    row_label: str
    column_label: str
    rows: list[tuple[str, str]]  # (key part, label)
    columns: list[tuple[str, str]]
    key: Callable[[str, str], Key]  # (row part or ALL, column part or ALL) -> cell

    def cells(self) -> Iterable[Key]:
        for row in [*(r for r, _ in self.rows), ALL]:
            for column in [*(c for c, _ in self.columns), ALL]:
                yield self.key(row, column)

    def equations(self) -> Iterable[tuple[Key, tuple[Key, ...]]]:
        row_parts, column_parts = [r for r, _ in self.rows], [c for c, _ in self.columns]
        for row in [*row_parts, ALL]:
            yield self.key(row, ALL), tuple(self.key(row, column) for column in column_parts)
        for column in [*column_parts, ALL]:
            yield self.key(ALL, column), tuple(self.key(row, column) for row in row_parts)


MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
QUARTER_NAMES = {1: "January to March", 2: "April to June", 3: "July to September", 4: "October to December"}


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def period_label(period: str) -> str:
    if period == "all":
        return "All time"
    year, quarter = period.split("-Q")
    return f"{QUARTER_NAMES[int(quarter)]} {year}"


def table_specs(dimensions: Dimensions, period: str) -> list[TableSpec]:
    """The tables published for one period ("all" or a quarter such as "2026-Q3")."""
    mcos = [(m, m) for m in dimensions.mcos]
    groups = [(g, g) for g in dimensions.groups]
    topics = [(t, t) for t in dimensions.topics]
    months = [(m, month_label(m)) for m in dimensions.months if period == "all" or quarter_of(m) == period]
    p = period
    specs = []
    for measure, verb in (("received", "received"), (RESOLVED, "resolved")):
        specs += [
            TableSpec(
                f"{measure}_by_mco_and_provider_group",
                f"Complaints {verb}, by provider type and MCO",
                "Provider type",
                "MCO",
                groups,
                mcos,
                lambda r, c, m=measure: (m, p, c, r, ALL, ALL),
            ),
            TableSpec(
                f"{measure}_by_topic_and_mco",
                f"Complaints {verb}, by topic and MCO",
                "Topic",
                "MCO",
                topics,
                mcos,
                lambda r, c, m=measure: (m, p, c, ALL, r, ALL),
            ),
            TableSpec(
                f"{measure}_by_month_and_mco",
                f"Complaints {verb}, by month and MCO",
                "Month",
                "MCO",
                months,
                mcos,
                lambda r, c, m=measure: (m, p if r == ALL else r, c, ALL, ALL, ALL),
            ),
        ]
    specs += [
        TableSpec(
            "expedited_by_mco",
            "Complaints received, expedited or standard, by MCO",
            "MCO",
            "Handling",
            mcos,
            [(EXPEDITED, "Expedited (access to care)"), (STANDARD, "Standard")],
            lambda r, c: ("received", p, r, ALL, ALL, c),
        ),
        TableSpec(
            "first_response_by_mco",
            "First response from HFS on time or late, by MCO",
            "MCO",
            "First response",
            mcos,
            [(ON_TIME, "On time"), (LATE, "Late")],
            lambda r, c: ("first_response", p, r, ALL, ALL, c),
        ),
        TableSpec(
            "mco_answer_by_mco",
            "MCO answers on time or late, by MCO",
            "MCO",
            "MCO answer",
            mcos,
            [(ON_TIME, "On time"), (LATE, "Late")],
            lambda r, c: ("mco_answer", p, r, ALL, ALL, c),
        ),
        TableSpec(
            "closed_by_reason_and_mco",
            "Complaints closed without a resolution, by reason and MCO",
            "Reason",
            "MCO",
            dimensions.reasons,
            mcos,
            lambda r, c: ("closed", p, c, ALL, ALL, r),
        ),
    ]
    return specs


def count(facts: Iterable[Fact]) -> tuple[Counter[Key], dict[tuple[str, str], list[int]]]:
    """Every cell's count, and the business days to resolution per (period, MCO or ALL)."""
    counts: Counter[Key] = Counter()
    days: dict[tuple[str, str], list[int]] = {}
    for fact, number in Counter(facts).items():
        received_periods = (fact.received, quarter_of(fact.received), "all")
        for period in received_periods:
            for mco in (fact.mco, ALL):
                for group, topic in ((fact.group, ALL), (ALL, fact.topic), (ALL, ALL)):
                    counts[("received", period, mco, group, topic, ALL)] += number
                counts[("received", period, mco, ALL, ALL, EXPEDITED if fact.expedited else STANDARD)] += number
                for measure, state in (("first_response", fact.first_response), ("mco_answer", fact.mco_answer)):
                    if state:
                        counts[(measure, period, mco, ALL, ALL, state)] += number
                        counts[(measure, period, mco, ALL, ALL, ALL)] += number
        if fact.settled and fact.settled_month:
            for period in (fact.settled_month, quarter_of(fact.settled_month), "all"):
                for mco in (fact.mco, ALL):
                    if fact.settled == RESOLVED:
                        for group, topic in ((fact.group, ALL), (ALL, fact.topic), (ALL, ALL)):
                            counts[(RESOLVED, period, mco, group, topic, ALL)] += number
                        if fact.business_days is not None:
                            days.setdefault((period, mco), []).extend([fact.business_days] * number)
                    else:
                        counts[("closed", period, mco, ALL, ALL, fact.settled)] += number
                        counts[("closed", period, mco, ALL, ALL, ALL)] += number
    return counts, days


Equations = list[tuple[Key, tuple[Key, ...]]]
Withins = list[tuple[tuple[Key, ...], tuple[Key, ...]]]


def system(dimensions: Dimensions) -> tuple[list[Key], Equations, Withins]:
    """Every published cell; every equation between them (within tables, months to quarters, quarters to all time);
    and which cells count complaints from within other cells without adding up to them — the answered among the
    received in a period, the resolved or closed in a period among those received by then — so that zeros there
    are known to empty them too."""
    cells: dict[Key, None] = {}
    equations: dict[tuple[Key, tuple[Key, ...]], None] = {}
    quarter_list = quarters(dimensions)
    for period in periods(dimensions):
        for spec in table_specs(dimensions, period):
            cells.update(dict.fromkeys(spec.cells()))
            equations.update(dict.fromkeys(spec.equations()))
    for key in list(cells):
        measure, period, *rest = key
        if period == "all" and quarter_list:
            equations[(key, tuple((measure, quarter, *rest) for quarter in quarter_list))] = None  # type: ignore[misc]
    within: Withins = []
    mcos = [*dimensions.mcos, ALL]
    splits = [*((g, ALL) for g in dimensions.groups), *((ALL, t) for t in dimensions.topics), (ALL, ALL)]
    reasons = (*(code for code, _ in dimensions.reasons), ALL)
    for period in periods(dimensions):
        for mco in mcos:
            answered = tuple(
                (measure, period, mco, ALL, ALL, split)
                for measure in ("first_response", "mco_answer")
                for split in (ON_TIME, LATE, ALL)
            )
            within.append(((("received", period, mco, ALL, ALL, ALL),), answered))
    # A complaint is settled in its month of receipt or later: what was settled in a period came from what had been
    # received by its end.
    for period in [*dimensions.months, *quarter_list, "all"]:
        is_month = period in dimensions.months
        by_then = (
            ["all"]
            if period == "all"
            else [p for p in (dimensions.months if is_month else quarter_list) if p <= period]
        )
        for mco in mcos:
            for group, topic in [(ALL, ALL)] if is_month else splits:
                containers = tuple(("received", p, mco, group, topic, ALL) for p in by_then)
                within.append((containers, ((RESOLVED, period, mco, group, topic, ALL),)))
            if not is_month:
                containers = tuple(("received", p, mco, ALL, ALL, ALL) for p in by_then)
                within.append((containers, tuple(("closed", period, mco, ALL, ALL, code) for code in reasons)))
    return list(cells), list(equations), within


def _share(value: Callable[[Key], int | None], where: tuple[str, str, str], part: str, other: str) -> float | None:
    """part / (part + other) as a percentage, only when the total and both counts are shown."""
    measure, period, mco = where
    total = value((measure, period, mco, ALL, ALL, ALL))
    shown, rest = value((measure, period, mco, ALL, ALL, part)), value((measure, period, mco, ALL, ALL, other))
    if total is None or shown is None or rest is None or total == 0:
        return None
    return round(100 * shown / total, 1)


def publish(
    dimensions: Dimensions,
    counts: Counter[Key],
    days: dict[tuple[str, str], list[int]],
    hidden: frozenset[Key],
) -> dict[str, object]:
    """The snapshot's content: per period, every table as published (a hidden count is None)."""

    def value(key: Key) -> int | None:
        return None if key in hidden else counts.get(key, 0)

    published: dict[str, dict[str, dict]] = {}
    for period in periods(dimensions):
        tables: dict[str, dict] = {}
        for spec in table_specs(dimensions, period):
            row_parts, column_parts = [r for r, _ in spec.rows], [c for c, _ in spec.columns]
            tables[spec.name] = {
                "kind": "counts",
                "title": spec.title,
                "row_label": spec.row_label,
                "column_label": spec.column_label,
                "rows": [label for _, label in spec.rows],
                "columns": [label for _, label in spec.columns],
                "cells": [[value(spec.key(r, c)) for c in column_parts] for r in row_parts],
                "row_totals": [value(spec.key(r, ALL)) for r in row_parts],
                "column_totals": [value(spec.key(ALL, c)) for c in column_parts],
                "total": value(spec.key(ALL, ALL)),
            }
        tables["timeliness_by_mco"] = _measures(dimensions, period, value, days)
        published[period] = tables
    return {
        "periods": [{"key": period, "label": period_label(period)} for period in periods(dimensions)],
        "tables": published,
    }


MEASURE_COLUMNS = [
    "Expedited (%)",
    "Median business days to resolution",
    "First response on time (%)",
    "MCO answer on time (%)",
]


def _measures(
    dimensions: Dimensions,
    period: str,
    value: Callable[[Key], int | None],
    days: dict[tuple[str, str], list[int]],
) -> dict[str, object]:
    """Shares and medians per MCO, each shown only when every count it is built on is shown."""
    rows, cells = [], []
    for mco, label in [*((m, m) for m in dimensions.mcos), (ALL, "All MCOs")]:
        resolved = value((RESOLVED, period, mco, ALL, ALL, ALL))
        durations = days.get((period, mco), [])
        rows.append(label)
        cells.append(
            [
                _share(value, ("received", period, mco), EXPEDITED, STANDARD),
                median(durations) if resolved and durations else None,
                _share(value, ("first_response", period, mco), ON_TIME, LATE),
                _share(value, ("mco_answer", period, mco), ON_TIME, LATE),
            ]
        )
    return {
        "kind": "measures",
        "title": "How quickly and how often on time, by MCO",
        "row_label": "MCO",
        "column_label": "Measure",
        "rows": rows,
        "columns": MEASURE_COLUMNS,
        "cells": cells,
    }
