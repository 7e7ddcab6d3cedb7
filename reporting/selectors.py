"""Reads of the published statistics: the latest snapshot, narrowed by the page's filters.

Filters only pick published rows and columns out of a snapshot; they never compute anything new, so a filtered
view can show nothing the full tables do not.
"""

from dataclasses import dataclass

from reporting.models import ReportSnapshot


@dataclass(frozen=True)
class Filters:
    mco: str = ""  # an MCO's short name
    group: str = ""  # a provider type group label


def snapshot_latest() -> ReportSnapshot | None:
    return ReportSnapshot.objects.order_by("-computed_at", "-id").first()


def _keep(labels: list[str], wanted: str) -> list[int]:
    return [i for i, label in enumerate(labels) if label == wanted] if wanted else list(range(len(labels)))


def _narrow(table: dict, filters: Filters) -> dict:
    wanted = {"MCO": filters.mco, "Provider type": filters.group}
    rows = _keep(table["rows"], wanted.get(table["row_label"], ""))
    columns = _keep(table["columns"], wanted.get(table["column_label"], ""))
    return {
        **table,
        "rows": [table["rows"][r] for r in rows],
        "columns": [table["columns"][c] for c in columns],
        "cells": [[table["cells"][r][c] for c in columns] for r in rows],
        "row_totals": [table["row_totals"][r] for r in rows],
        "column_totals": [table["column_totals"][c] for c in columns],
    }


def tables_for(snapshot: ReportSnapshot | None, filters: Filters) -> dict[str, dict]:
    """The published tables for the filters (unknown values select nothing rather than erroring)."""
    if snapshot is None:
        return {}
    return {name: _narrow(table, filters) for name, table in snapshot.data["tables"].items()}
