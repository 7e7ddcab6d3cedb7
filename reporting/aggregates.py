"""The public aggregates (R10, DESIGN §7): cross-tabulated counts, suppressed before anything is stored.

Every table is additive (cells sum to their row and column totals), so the suppression rules apply to it.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F

from complaints.models import MCO, Category, Complaint, ReportingGroup


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    row_label: str
    column_label: str
    rows: list[str]
    columns: list[str]
    counts: list[list[int]]


def _crosstab(pairs: Iterable[tuple[str, str, int]], rows: list[str], columns: list[str]) -> list[list[int]]:
    counter: Counter[tuple[str, str]] = Counter()
    for row, column, count in pairs:
        counter[(row, column)] += count
    return [[counter[(row, column)] for column in columns] for row in rows]


def compute_tables() -> list[Table]:
    """The published tables (all time), grouped in the database: one query per table.

    Both share the MCO totals and the grand total; reporting.services suppresses them together so that a margin
    hidden in one is hidden in the other.
    """
    mcos = list(MCO.objects.order_by("name").values_list("short_name", flat=True))
    groups = [label for _, label in ReportingGroup.choices]
    group_label = dict(ReportingGroup.choices)
    categories = list(Category.objects.order_by("sort_order").values_list("name", flat=True))

    def grouped(row_field: str, column_field: str):  # type: ignore[no-untyped-def]
        return Complaint.objects.values(row=F(row_field), column=F(column_field)).annotate(count=Count("id")).order_by()

    by_group = grouped("mco__short_name", "organization__provider_type__reporting_group")
    by_category = grouped("category__name", "mco__short_name")
    return [
        Table(
            "received_by_mco_and_provider_group",
            "Complaints received, by MCO and provider type",
            "MCO",
            "Provider type",
            mcos,
            groups,
            _crosstab(((r["row"], group_label[r["column"]], r["count"]) for r in by_group), mcos, groups),
        ),
        Table(
            "received_by_category_and_mco",
            "Complaints received, by topic and MCO",
            "Topic",
            "MCO",
            categories,
            mcos,
            _crosstab(((r["row"], r["column"], r["count"]) for r in by_category), categories, mcos),
        ),
    ]


def publish(table: Table, *, hidden: frozenset[tuple[int, int]]) -> dict[str, object]:
    """The table as published: suppressed entries are None (shown as a marker, never as a number)."""
    rows, columns = range(len(table.rows)), range(len(table.columns))

    def value(row: int, column: int, number: int) -> int | None:
        return None if (row, column) in hidden else number

    return {
        "title": table.title,
        "row_label": table.row_label,
        "column_label": table.column_label,
        "rows": table.rows,
        "columns": table.columns,
        "cells": [[value(r, c, table.counts[r][c]) for c in columns] for r in rows],
        "row_totals": [value(r, -1, sum(table.counts[r])) for r in rows],
        "column_totals": [value(-1, c, sum(table.counts[r][c] for r in rows)) for c in columns],
        "total": value(-1, -1, sum(map(sum, table.counts))),
    }
