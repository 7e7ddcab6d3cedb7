"""The published count tables: for each period, which cells each table shows and how they add up.

A table is a grid of cells (``TableSpec``): rows, columns, a total per row and column and a grand total. Its
``key`` names the cell behind each position (row part or ``ALL``, column part or ``ALL``); tables that share a
total name the very same cell, so the linked system (reporting.linkage) holds it once.

A table may leave its rows' totals out of the system (``row_totals=False``): the tables of what happened to a
period's complaints by provider type and by topic, whose row totals (a provider type's resolved complaints for all
MCOs, say) would close a three-way table — provider type, MCO, outcome — with every two-way total published. Small
numbers hidden in such a table need far more numbers hidden around them (measured on the realistic data set, issue
19: with those totals, 81.5 % instead of 91.9 % of the complaints received by provider type and MCO that are 11 or
more still shown). Such a row's total is published only as the sum of its cells when they are all shown.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reporting.cells import (
    ALL,
    EXPEDITED,
    FIRST_RESPONSE_STATES,
    MCO_ANSWER_STATES,
    OUTCOMES,
    REASON_NOT_FIRST,
    RESOLVED,
    STANDARD,
    Cell,
    Dimensions,
    month_label,
    months_in,
)

Equation = tuple[Cell, tuple[Cell, ...]]  # (total, parts): total = sum(parts)


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    row_label: str
    column_label: str
    rows: list[tuple[str, str]]  # (key part, label)
    columns: list[tuple[str, str]]
    key: Callable[[str, str], Cell]  # (row part or ALL, column part or ALL) -> cell
    # False: a row's total is not a cell of the linked system; it is published only where the row's cells are all
    # shown, as their sum (reporting.publishing), which tells a reader nothing new.
    row_totals: bool = True

    def cells(self) -> Iterable[Cell]:
        for row in [*(r for r, _ in self.rows), ALL]:
            for column in [*(c for c, _ in self.columns), ALL]:
                if self.row_totals or row == ALL or column != ALL:
                    yield self.key(row, column)

    def equations(self) -> Iterable[Equation]:
        row_parts, column_parts = [r for r, _ in self.rows], [c for c, _ in self.columns]
        for row in [*row_parts, ALL] if self.row_totals else [ALL]:
            yield self.key(row, ALL), tuple(self.key(row, column) for column in column_parts)
        for column in [*column_parts, ALL] if self.row_totals else column_parts:
            yield self.key(ALL, column), tuple(self.key(row, column) for row in row_parts)


def table_specs(dimensions: Dimensions, period: str) -> list[TableSpec]:
    """The tables published for one period ("all" or a quarter such as "2026-Q3"): complaints received in it."""
    mcos = [(m, m) for m in dimensions.mcos]
    months = [(m, month_label(m)) for m in months_in(period, dimensions)]
    p = period

    def total(mco: str) -> Cell:
        return Cell("received", p, mco, ALL, ALL, ALL)

    return [
        TableSpec(
            "received_by_month_and_mco",
            "Complaints received, by month and MCO",
            "Month",
            "MCO",
            months,
            mcos,
            lambda r, c: Cell("received", p if r == ALL else r, c, ALL, ALL, ALL),
        ),
        TableSpec(
            "resolved_by_month_and_mco",
            "Complaints resolved, by month resolved and MCO",
            "Month resolved",
            "MCO",
            months,
            mcos,
            lambda r, c: Cell("resolved_in", p if r == ALL else r, c, ALL, ALL, ALL),
        ),
        TableSpec(
            "received_by_mco_and_provider_group",
            "Complaints received, by provider type and MCO",
            "Provider type",
            "MCO",
            [(g, g) for g in dimensions.groups],
            mcos,
            lambda r, c: Cell("received", p, c, r, ALL, ALL),
        ),
        TableSpec(
            "received_by_topic_and_mco",
            "Complaints received, by topic and MCO",
            "Topic",
            "MCO",
            [(t, t) for t in dimensions.topics],
            mcos,
            lambda r, c: Cell("received", p, c, ALL, r, ALL),
        ),
        TableSpec(
            "outcome_by_mco",
            "What has happened to the complaints received, by MCO",
            "Outcome so far",
            "MCO",
            OUTCOMES,
            mcos,
            lambda r, c: total(c) if r == ALL else Cell("outcome", p, c, ALL, ALL, r),
        ),
        TableSpec(
            "expedited_by_mco",
            "Complaints received, expedited or standard, by MCO",
            "MCO",
            "Handling",
            mcos,
            [(EXPEDITED, "Expedited (access to care)"), (STANDARD, "Standard")],
            lambda r, c: total(r) if c == ALL else Cell("received", p, r, ALL, ALL, c),
        ),
        TableSpec(
            "first_response_by_mco",
            "HFS first response to the complaints received, by MCO",
            "MCO",
            "First response",
            mcos,
            FIRST_RESPONSE_STATES,
            lambda r, c: total(r) if c == ALL else Cell("first_response", p, r, ALL, ALL, c),
        ),
        TableSpec(
            "mco_answer_by_mco",
            "The MCO's answer to the complaints received, by MCO",
            "MCO",
            "MCO answer",
            mcos,
            MCO_ANSWER_STATES,
            lambda r, c: total(r) if c == ALL else Cell("mco_answer", p, r, ALL, ALL, c),
        ),
        *(_resolved_tables(dimensions, period) if has_outcome_tables(dimensions, period) else []),
    ]


# The headline figures: (measure, split, name) of an MCO's complaints received, and resolved so far.
HEADLINES = [("received", ALL, "received"), ("outcome", RESOLVED, "resolved")]


def is_headline(cell: Cell) -> bool:
    """An MCO's complaints received, or resolved so far, for all time or a quarter: the totals readers look for
    first (the headline cards of an MCO's view; issue 19 asks that they stay shown)."""
    return (
        cell.mco != ALL
        and cell.group == ALL
        and cell.topic == ALL
        and (cell.period == "all" or "-Q" in cell.period)
        and any((cell.measure, cell.split) == (measure, split) for measure, split, _ in HEADLINES)
    )


def has_outcome_tables(dimensions: Dimensions, period: str) -> bool:
    """Whether the period has the tables of what happened to its complaints by provider type and by topic: every
    quarter but those first published before they existed (``Dimensions.without_outcome_tables``), and all time (the
    quarters added up) when no quarter is one of those: all time without them would be a different period under the
    same name."""
    if period == "all":
        return not dimensions.without_outcome_tables
    return period not in dimensions.without_outcome_tables


# What happened to a period's complaints, by provider type and by topic, each by MCO: (outcome, name, title).
OUTCOME_TABLES = [
    (RESOLVED, "resolved", "Of the complaints received, those resolved so far"),
    (
        REASON_NOT_FIRST,
        "closed_not_first",
        "Of the complaints received, those closed because the MCO had not been given the chance first",
    ),
]


def _resolved_tables(dimensions: Dimensions, period: str) -> list[TableSpec]:
    """Of the complaints received in a quarter (or all time: the quarters added up), those resolved so far, and those
    closed because the MCO had not been given the chance first (the headline's closure reason), by provider type
    group and MCO and by topic and MCO. A column's total is the MCO's count in the outcome table, the grand total
    every MCO's.

    Without a total per row in the system (the row's total is published only as the sum of a fully shown row):
    measured on the realistic data set (issue 19, all time included), with those totals in the system 86.5 % of
    every published number of 11 or more is shown and the suppression takes 274 s; without, also 86.5 % counting
    those totals (91.6 % of the numbers in the system: the other tables lose less, received by provider type 92.9 %
    instead of 86.5 %), in 13 s. The all-time version costs little: 91.6 % instead of 92.2 %, 13 s instead of
    6.5 s; on the demo 80.9 % instead of 81.0 % (one release alone), and in its real release (four frozen quarters,
    all time their sum) 75.0 % instead of 79.1 %, though 773 such numbers are shown instead of 745.
    Closed for the other reasons is not split this way: a fourth outcome took the demo release from about 30 s to
    over 8 minutes and hid half the numbers of 11 or more of the other tables."""
    mcos = [(m, m) for m in dimensions.mcos]
    specs = []
    for outcome, name, title in OUTCOME_TABLES:
        specs += [
            TableSpec(
                f"{name}_by_provider_group_and_mco",
                f"{title}, by provider type and MCO",
                "Provider type",
                "MCO",
                [(g, g) for g in dimensions.groups],
                mcos,
                lambda r, c, o=outcome: Cell("outcome", period, c, r, ALL, o),
                row_totals=False,
            ),
            TableSpec(
                f"{name}_by_topic_and_mco",
                f"{title}, by topic and MCO",
                "Topic",
                "MCO",
                [(t, t) for t in dimensions.topics],
                mcos,
                lambda r, c, o=outcome: Cell("outcome", period, c, ALL, r, o),
                row_totals=False,
            ),
        ]
    return specs
