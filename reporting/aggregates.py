"""The public aggregates (R10, DESIGN §7) as one linked system of cells, suppressed together before storing.

Each complaint becomes a ``Fact``: its MCO, provider type group, topic, month received, whether it is expedited,
what has happened to it so far (still open, resolved, or closed with a reason), and how its first response and the
MCO's answer stand against their time limits (on time so far, late or overdue; or not sent to the MCO). Every
published number is a *cell* ``(measure, period, mco, group, topic, split)`` — ``ALL`` for "every value". All but
one table count complaints *received* in a period, so their numbers are sums of the same one-complaint-one-place
partition:

- received by provider type group and MCO, by topic and MCO, by month and MCO;
- received split by handling (expedited or standard), by outcome so far (open, resolved, closed by reason), by
  first response and by MCO answer;
- and resolved by month resolved and MCO (below).

Tables that share a total share the very same cell; each table states its equations (rows and columns add up to
their totals), the months add up to their quarter and each all-time cell to the quarters. What a reader can tell
from the dates — a recent complaint cannot be late yet — is linked in with internal cells per month and MCO
(``system``) and known zeros (``known_zeros``). The system is suppressed as a whole
(``reporting.suppression.suppress_system``), bounds included.

One table counts by another date: complaints *resolved* in each month, whenever they were received. It is linked to
the rest by internal cells too: per MCO, the complaints received in one month and resolved in the same or a later
one, and those of the month not resolved. Shares and medians are shown only when every count they are built on is
shown.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import NamedTuple

ALL = "*"
EXPEDITED, STANDARD = "expedited", "standard"
OPEN, RESOLVED = "open", "resolved"
# How the first response and the MCO's answer stand for every complaint received (DESIGN §4.5 clocks). "On time so
# far" also counts those still within the time limit: a separate "not yet due" count would be small and hidden
# most of the time, taking the late counts with it.
ON_TIME, LATE, NOT_SENT = "on_time", "late", "not_sent"
FIRST_RESPONSE_STATES = [(ON_TIME, "On time so far"), (LATE, "Late or overdue")]
MCO_ANSWER_STATES = [(ON_TIME, "On time so far"), (LATE, "Late or overdue"), (NOT_SENT, "Not sent to the MCO")]

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
REASON_NOT_FIRST = PUBLIC_REASONS[0][0]
OUTCOMES = [
    (OPEN, "Still open"),
    (RESOLVED, "Resolved"),
    *((code, f"Closed: {label}") for code, label in PUBLIC_REASONS),
]

Key = tuple[str, str, str, str, str, str]  # (measure, period, mco, group, topic, split)


class Fact(NamedTuple):
    mco: str
    group: str
    topic: str
    received: str  # "YYYY-MM"
    expedited: bool
    outcome: str  # OPEN, RESOLVED or a closure reason code
    business_days: int | None  # received to resolved, business days (resolved complaints only)
    first_response: str = ON_TIME  # ON_TIME (so far: answered in time, or not yet due) or LATE (or overdue)
    mco_answer: str = NOT_SENT  # ON_TIME (so far), LATE (or overdue), or NOT_SENT to the MCO
    resolved: str | None = None  # "YYYY-MM" resolved (resolved complaints; missing: the month received)

    def resolved_month(self) -> str | None:
        return (self.resolved or self.received) if self.outcome == RESOLVED else None


# Internal cells, never published (see system()): per month received and MCO, the handling x first response x MCO
# answer combinations; the complaints resolved in each later month; those not resolved; and those neither answered
# late by the MCO nor resolved in the month received (a late answer comes 30+ days after receipt, so before any
# resolution: no complaint is both).
JOINT, RESOLVED_FROM, UNRESOLVED, NEITHER = "joint", "resolved_from", "unresolved", "neither"
INTERNAL = frozenset({JOINT, RESOLVED_FROM, UNRESOLVED, NEITHER})


@dataclass(frozen=True)
class Dimensions:
    mcos: list[str]
    groups: list[str]
    topics: list[str]
    months: list[str]  # every "YYYY-MM" from the first complaint's month to the month the figures run to
    contracts: dict[str, tuple[date | None, date | None]] = field(default_factory=dict)  # MCO -> (from, to)
    # What the published time limits tell anyone (DESIGN §4.5), by expedited or not: a complaint received on or
    # after response_due_from[expedited] is not yet due its first response, so it cannot be late. The MCO's answer
    # can be late only for complaints received before answer_late_before. Missing: nothing is assumed.
    response_due_from: dict[bool, date] = field(default_factory=dict)
    answer_late_before: date | None = None


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
    """The tables published for one period ("all" or a quarter such as "2026-Q3"): complaints received in it."""
    mcos = [(m, m) for m in dimensions.mcos]
    months = [(m, month_label(m)) for m in dimensions.months if period == "all" or quarter_of(m) == period]
    p = period

    def total(c: str) -> Key:
        return ("received", p, c, ALL, ALL, ALL)

    return [
        TableSpec(
            "received_by_month_and_mco",
            "Complaints received, by month and MCO",
            "Month",
            "MCO",
            months,
            mcos,
            lambda r, c: ("received", p if r == ALL else r, c, ALL, ALL, ALL),
        ),
        TableSpec(
            "resolved_by_month_and_mco",
            "Complaints resolved, by month resolved and MCO",
            "Month resolved",
            "MCO",
            months,
            mcos,
            lambda r, c: ("resolved_in", p if r == ALL else r, c, ALL, ALL, ALL),
        ),
        TableSpec(
            "received_by_mco_and_provider_group",
            "Complaints received, by provider type and MCO",
            "Provider type",
            "MCO",
            [(g, g) for g in dimensions.groups],
            mcos,
            lambda r, c: ("received", p, c, r, ALL, ALL),
        ),
        TableSpec(
            "received_by_topic_and_mco",
            "Complaints received, by topic and MCO",
            "Topic",
            "MCO",
            [(t, t) for t in dimensions.topics],
            mcos,
            lambda r, c: ("received", p, c, ALL, r, ALL),
        ),
        TableSpec(
            "outcome_by_mco",
            "What has happened to the complaints received, by MCO",
            "Outcome so far",
            "MCO",
            OUTCOMES,
            mcos,
            lambda r, c: total(c) if r == ALL else ("outcome", p, c, ALL, ALL, r),
        ),
        TableSpec(
            "expedited_by_mco",
            "Complaints received, expedited or standard, by MCO",
            "MCO",
            "Handling",
            mcos,
            [(EXPEDITED, "Expedited (access to care)"), (STANDARD, "Standard")],
            lambda r, c: total(r) if c == ALL else ("received", p, r, ALL, ALL, c),
        ),
        TableSpec(
            "first_response_by_mco",
            "HFS first response to the complaints received, by MCO",
            "MCO",
            "First response",
            mcos,
            FIRST_RESPONSE_STATES,
            lambda r, c: total(r) if c == ALL else ("first_response", p, r, ALL, ALL, c),
        ),
        TableSpec(
            "mco_answer_by_mco",
            "The MCO's answer to the complaints received, by MCO",
            "MCO",
            "MCO answer",
            mcos,
            MCO_ANSWER_STATES,
            lambda r, c: total(r) if c == ALL else ("mco_answer", p, r, ALL, ALL, c),
        ),
    ]


def count(facts: Iterable[Fact]) -> tuple[Counter[Key], dict[tuple[str, str], list[int]]]:
    """Every cell's count, and the business days to resolution per (period received, MCO or ALL)."""
    counts: Counter[Key] = Counter()
    days: dict[tuple[str, str], list[int]] = {}
    for fact, number in Counter(facts).items():
        for period in (fact.received, quarter_of(fact.received), "all"):
            for mco in (fact.mco, ALL):
                for group, topic in ((fact.group, ALL), (ALL, fact.topic), (ALL, ALL)):
                    counts[("received", period, mco, group, topic, ALL)] += number
                counts[("received", period, mco, ALL, ALL, EXPEDITED if fact.expedited else STANDARD)] += number
                counts[("outcome", period, mco, ALL, ALL, fact.outcome)] += number
                counts[("first_response", period, mco, ALL, ALL, fact.first_response)] += number
                counts[("mco_answer", period, mco, ALL, ALL, fact.mco_answer)] += number
                if fact.outcome == RESOLVED and fact.business_days is not None:
                    days.setdefault((period, mco), []).extend([fact.business_days] * number)
        resolved = fact.resolved_month()
        if resolved:
            for period in (resolved, quarter_of(resolved), "all"):
                for mco in (fact.mco, ALL):
                    counts[("resolved_in", period, mco, ALL, ALL, ALL)] += number
            counts[(RESOLVED_FROM, fact.received, fact.mco, ALL, ALL, resolved)] += number
        else:
            counts[(UNRESOLVED, fact.received, fact.mco, ALL, ALL, ALL)] += number
        if fact.mco_answer != LATE and resolved != fact.received:
            counts[(NEITHER, fact.received, fact.mco, ALL, ALL, ALL)] += number
        counts[joint_key(fact.received, fact.mco, fact.expedited, fact.first_response, fact.mco_answer)] += number
    return counts, days


def joint_key(month: str, mco: str, expedited: bool, first_response: str, mco_answer: str) -> Key:
    """The internal cell of the complaints received in ``month`` naming ``mco`` with this combination of handling,
    first response and MCO answer (never published; see system())."""
    return (JOINT, month, mco, ALL, ALL, "|".join([EXPEDITED if expedited else STANDARD, first_response, mco_answer]))


def _joint_cells(month: str, mco: str) -> list[tuple[Key, bool, str, str]]:
    """Every combination's internal cell for one month and MCO: (cell, expedited, first response, MCO answer)."""
    return [
        (joint_key(month, mco, expedited, first, answer), expedited, first, answer)
        for expedited in (True, False)
        for first, _ in FIRST_RESPONSE_STATES
        for answer, _ in MCO_ANSWER_STATES
    ]


Equations = list[tuple[Key, tuple[Key, ...]]]


def system(dimensions: Dimensions) -> tuple[list[Key], Equations]:
    """Every cell and every equation between them (within tables, months to quarters, quarters to all).

    Whether a first response or an MCO answer can be late depends on when the complaint was received (recent ones
    cannot be late yet, expedited ones sooner than standard: ``known_zeros``), and the published splits are by
    quarter. So the cells include, for each month and MCO, an internal ``JOINT`` cell per combination of handling,
    first response and MCO answer, adding up to that month's complaints and to each split's quarterly counts. A
    reader knows these links; with the internal cells they are equations and counts never being negative, which
    the suppression audits. Internal cells are always hidden and never published (``internal``).
    """
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
    for mco in dimensions.mcos:
        for quarter in quarter_list:
            joint = [
                cell for month in dimensions.months if quarter_of(month) == quarter for cell in _joint_cells(month, mco)
            ]
            cells.update(dict.fromkeys(cell for cell, *_ in joint))
            splits: list[tuple[Key, Callable[[bool, str, str], bool]]] = [
                (("received", quarter, mco, ALL, ALL, EXPEDITED), lambda e, f, a: e),
                *(
                    (("first_response", quarter, mco, ALL, ALL, state), lambda e, f, a, s=state: f == s)
                    for state, _ in FIRST_RESPONSE_STATES
                ),
                *(
                    (("mco_answer", quarter, mco, ALL, ALL, state), lambda e, f, a, s=state: a == s)
                    for state, _ in MCO_ANSWER_STATES
                ),
            ]
            for total, chosen in splits:
                equations[(total, tuple(cell for cell, *state in joint if chosen(*state)))] = None
        for month in dimensions.months:
            month_total = ("received", month, mco, ALL, ALL, ALL)
            equations[(month_total, tuple(cell for cell, *_ in _joint_cells(month, mco)))] = None
        # Complaints received in one month and resolved in the same or a later one: the resolved ones of a quarter
        # (outcome table), those resolved in a month (resolved table), at most the month's complaints.
        later = {
            received: [
                (RESOLVED_FROM, received, mco, ALL, ALL, month) for month in dimensions.months if month >= received
            ]
            for received in dimensions.months
        }
        for received, resolved in later.items():
            unresolved, neither = (UNRESOLVED, received, mco, ALL, ALL, ALL), (NEITHER, received, mco, ALL, ALL, ALL)
            cells.update(dict.fromkeys([*resolved, unresolved, neither]))
            month_total = ("received", received, mco, ALL, ALL, ALL)
            equations[(month_total, (*resolved, unresolved))] = None
            answered_late = tuple(cell for cell, _, _, answer in _joint_cells(received, mco) if answer == LATE)
            equations[(month_total, (*answered_late, resolved[0], neither))] = None  # resolved[0]: that same month
        for month in dimensions.months:
            resolved_in = tuple(cell for cells_of in later.values() for cell in cells_of if cell[5] == month)
            equations[(("resolved_in", month, mco, ALL, ALL, ALL), resolved_in)] = None
        for quarter in quarter_list:
            of_quarter = tuple(
                cell for month, cells_of in later.items() if quarter_of(month) == quarter for cell in cells_of
            )
            equations[(("outcome", quarter, mco, ALL, ALL, RESOLVED), of_quarter)] = None
    return list(cells), list(equations)


def internal(cells: Iterable[Key]) -> set[Key]:
    """The cells that only link the published ones: always hidden, never published."""
    return {cell for cell in cells if cell[0] in INTERNAL}


def period_days(period: str, dimensions: Dimensions) -> tuple[date, date]:
    """The first and last day of a month ("2026-03"), a quarter ("2026-Q1") or all time (the months covered)."""
    if period == "all":
        first, last = dimensions.months[0], dimensions.months[-1]
    elif "-Q" in period:
        year, quarter = period.split("-Q")
        first, last = f"{year}-{3 * int(quarter) - 2:02d}", f"{year}-{3 * int(quarter):02d}"
    else:
        first = last = period
    year, month = map(int, last.split("-"))
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromisoformat(f"{first}-01"), following - timedelta(days=1)


def known_zeros(cells: Iterable[Key], dimensions: Dimensions) -> set[Key]:
    """Cells anyone can tell are zero without the statistics. Hiding them would protect nothing:

    - an MCO's cells for a period wholly outside its contract (complaints cannot name it then; contract dates
      are public);
    - "late" for every complaint received in the period: too recent to be late yet
      (``Dimensions.response_due_from``, ``answer_late_before``).
    """
    return {key for key in cells if _outside_contract(key, dimensions) or _ruled_out_by_dates(key, dimensions)}


def _outside_contract(key: Key, dimensions: Dimensions) -> bool:
    mco, period = key[2], key[1]
    if mco == ALL or mco not in dimensions.contracts:
        return False
    starts, ends = dimensions.contracts[mco]
    first, last = period_days(period, dimensions)
    # A complaint received under the contract may be resolved after it ends.
    return bool((starts and last < starts) or (ends and first > ends and key[0] != "resolved_in"))


def _ruled_out_by_dates(key: Key, dimensions: Dimensions) -> bool:
    measure, period, split = key[0], key[1], key[5]
    if measure == JOINT:
        handling, first_response, mco_answer = split.split("|")
        handlings = [handling == EXPEDITED]
    elif measure in ("first_response", "mco_answer"):
        first_response, mco_answer = (split, "") if measure == "first_response" else ("", split)
        handlings = [True, False]
    else:
        return False
    first = period_days(period, dimensions)[0]
    late_before = dimensions.answer_late_before
    if mco_answer == LATE and late_before is not None and first >= late_before:
        return True
    if first_response != LATE:
        return False
    due_from = [dimensions.response_due_from.get(expedited) for expedited in handlings]
    return all(day is not None and first >= day for day in due_from)


def _whole(number: float) -> float | int:
    """29.0 reads as 29; a half day stays (28.5)."""
    return int(number) if float(number).is_integer() else number


def _on_time_share(value: Callable[[Key], int | None], prefix: tuple[str, str, str, str, str]) -> float | None:
    """On time as a share of those due so far (on time plus late), when both counts are shown."""
    on_time, late = value((*prefix, ON_TIME)), value((*prefix, LATE))
    return _share(on_time, None if on_time is None or late is None else on_time + late)


def _share(part: int | None, total: int | None) -> float | None:
    """part / total as a percentage, only when both are shown (then it tells nothing the counts do not)."""
    if total is None or part is None or total == 0:
        return None
    return round(100 * part / total, 1)


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
    "Resolved so far (%)",
    "Median business days to resolution",
    "First response on time (%)",
    "MCO answered on time (%)",
]


def _measures(
    dimensions: Dimensions,
    period: str,
    value: Callable[[Key], int | None],
    days: dict[tuple[str, str], list[int]],
) -> dict[str, object]:
    """Shares and the median per MCO, each shown only when every count it is built on is shown."""
    since = month_of(period_days(period, dimensions)[0])

    def timing_shown(mco: str) -> bool:
        """Whether every month's count of complaints resolved (from the period on) is shown. A median of days to
        resolution tells roughly when they were resolved, which could narrow a hidden one of those counts."""
        return all(value(("resolved_in", m, mco, ALL, ALL, ALL)) is not None for m in dimensions.months if m >= since)

    rows, cells = [], []
    for mco, label in [*((m, m) for m in dimensions.mcos), (ALL, "All MCOs")]:
        received = value(("received", period, mco, ALL, ALL, ALL))
        expedited = value(("received", period, mco, ALL, ALL, EXPEDITED))
        resolved = value(("outcome", period, mco, ALL, ALL, RESOLVED))
        durations = days.get((period, mco), [])
        rows.append(label)
        cells.append(
            [
                _share(expedited, received),
                _share(resolved, received),
                _whole(median(durations)) if resolved and durations and timing_shown(mco) else None,
                _on_time_share(value, ("first_response", period, mco, ALL, ALL)),
                _on_time_share(value, ("mco_answer", period, mco, ALL, ALL)),
            ]
        )
    return {
        "kind": "measures",
        "title": "Expedited share, time to resolution and deadlines met, by MCO",
        "row_label": "MCO",
        "column_label": "Measure",
        "rows": rows,
        "columns": MEASURE_COLUMNS,
        "cells": cells,
    }
