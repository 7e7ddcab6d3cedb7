"""The vocabulary of the public statistics: what a complaint contributes (``Fact``), what a published number is
(``Cell``), which MCOs, provider type groups, topics and months there are (``Dimensions``), and the periods.

A cell names the complaints it counts by six fields, ``ALL`` meaning "every value":

- ``measure``: what is counted — "received" (in the period), "outcome" (received in the period, by what has
  happened to them so far; with a provider type group or topic, only RESOLVED and REASON_NOT_FIRST are
  published), "resolved_in" (resolved in the period), ... (reporting.tables), or an internal measure that only
  links the others (reporting.linkage);
- ``period``: "all", a quarter ("2026-Q3") or a month ("2026-07");
- ``mco``, ``group`` (provider type group), ``topic``;
- ``split``: the value of the measure's own breakdown (an outcome, a time-limit state, expedited or standard).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
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


class Cell(NamedTuple):
    """One number of the linked system: published, or internal (linking published ones)."""

    measure: str
    period: str
    mco: str
    group: str
    topic: str
    split: str


Key = Cell  # older name


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
    # Quarters first published by a release from before the tables of what happened to the complaints by provider
    # type and by topic (issue 19): published quarters never change, so they never get those tables.
    without_outcome_tables: frozenset[str] = frozenset()
    # The day the first complaint was received: no complaint was received before it (a bound on how long any took,
    # reporting.medians). Missing: the first month's first day.
    first_received: date | None = None


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


def months_in(period: str, dimensions: Dimensions) -> list[str]:
    """The months of a period ("all" or a quarter) that the figures cover."""
    return [m for m in dimensions.months if period == "all" or quarter_of(m) == period]


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
