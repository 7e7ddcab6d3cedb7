"""Reads of the published statistics: the latest snapshot, narrowed by the page's filters.

Filters only pick published rows and columns out of a snapshot; they never compute anything new, so a filtered
view can show nothing the full tables do not.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, router
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from reporting.models import ReportSnapshot


@dataclass(frozen=True)
class Filters:
    period: str = "all"  # "all" or a quarter such as "2026-Q3"
    mco: str = ""  # an MCO's short name
    group: str = ""  # a provider type group label


def filters_asked(request: HttpRequest) -> Filters:
    """The filters a public page's query string asks for, cut to a sane length (unknown values select nothing)."""
    return Filters(
        period=request.GET.get("period", "")[:10] or "all",
        mco=request.GET.get("mco", "")[:40],
        group=request.GET.get("group", "")[:40],
    )


def _releases() -> QuerySet[ReportSnapshot]:
    """Releases, the current first: the release to the latest day, its newest computation (one from before
    releases waits for the next)."""
    current = ReportSnapshot.objects.filter(data__has_key="periods", covers_to__isnull=False)
    return current.order_by("-covers_to", "-computed_at", "-id")


def snapshot_latest() -> ReportSnapshot | None:
    """The current release, with its tables (never its private audit: hundreds of kilobytes no page reads)."""
    return _releases().defer("audit").first()


_RELEASE_SQL: dict[str, tuple[str, tuple[object, ...]]] = {}


def release_current() -> tuple[int, datetime] | None:
    """Which release is current, without its tables: its id and when it was computed (a release recomputed with
    ``refresh_reports --again`` is a new row, computed later). One small query, asked on every public page
    (their cache keys): its SQL is built by the ORM once per database and then reused.

    It reads the index on the release day and never the tables: checking the layout (``snapshot_latest``) would
    unpack the whole stored value on every request. Every release is stored in the current layout
    (``report_snapshot_refresh``); the public pages still key what they keep by the snapshot they rendered, so
    a row that was not would only mean pages rendered each time, never the wrong one."""
    connection = connections[router.db_for_read(ReportSnapshot)]
    compiled = _RELEASE_SQL.get(connection.alias)
    if compiled is None:
        releases = ReportSnapshot.objects.filter(covers_to__isnull=False).order_by("-covers_to", "-computed_at", "-id")
        query = releases.values_list("id", "computed_at")[:1].query
        sql, params = query.get_compiler(connection=connection).as_sql()
        compiled = _RELEASE_SQL[connection.alias] = (sql, tuple(params))
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, computed_at = row
    if isinstance(computed_at, str):  # SQLite
        computed_at = datetime.fromisoformat(computed_at)
    if timezone.is_naive(computed_at):  # stored in UTC (USE_TZ)
        computed_at = computed_at.replace(tzinfo=UTC)
    return pk, computed_at


def filters_known(snapshot: ReportSnapshot | None, filters: Filters) -> bool:
    """Whether each filter is empty or a value the release's pages offer (a period, an MCO, a provider type)."""
    if snapshot is None:
        return filters == Filters()
    periods = {period["key"] for period in periods_of(snapshot)} | {"all"}
    offered = snapshot.data.get("tables", {}).get("all", {}).get("received_by_mco_and_provider_group", {})
    return (
        filters.period in periods
        and (not filters.mco or filters.mco in offered.get("columns", []))
        and (not filters.group or filters.group in offered.get("rows", []))
    )


def published_anywhere(snapshot: ReportSnapshot | None, names: list[str]) -> bool:
    """Whether any period of the release has one of these tables."""
    tables = snapshot.data.get("tables", {}) if snapshot else {}
    return any(isinstance(of, dict) and set(names) & set(of) for of in tables.values())


def periods_of(snapshot: ReportSnapshot | None) -> list[dict[str, str]]:
    return list(snapshot.data.get("periods", [])) if snapshot else []


def _keep(labels: list[str], wanted: str) -> list[int]:
    return [i for i, label in enumerate(labels) if label == wanted] if wanted else list(range(len(labels)))


GROUP_LABEL = "Provider type"  # the row or column label of the tables broken down by provider type group
NOT_BY_GROUP = "This table is not broken down by provider type: it counts all provider types."


def _narrow(table: dict, filters: Filters) -> dict:
    """The rows and columns the filters keep. Where a filter keeps one row (or column) of a dimension, the totals
    across that dimension are that row's own numbers: a Total under one provider type's row is that type's, never
    every type's."""
    wanted = {"MCO": filters.mco, GROUP_LABEL: filters.group}
    row_filter, column_filter = wanted.get(table["row_label"], ""), wanted.get(table["column_label"], "")
    rows, columns = _keep(table["rows"], row_filter), _keep(table["columns"], column_filter)
    narrowed = {
        **table,
        "rows": [table["rows"][r] for r in rows],
        "columns": [table["columns"][c] for c in columns],
        "cells": [[table["cells"][r][c] for c in columns] for r in rows],
    }
    if table.get("kind") != "counts":
        return narrowed
    row_totals = [table["row_totals"][r] for r in rows]
    column_totals = [table["column_totals"][c] for c in columns]
    total = table["total"]
    if row_filter:  # the total over the rows kept: the one row, or nothing
        column_totals = list(narrowed["cells"][0]) if rows else [0] * len(columns)
        total = row_totals[0] if rows else 0
    if column_filter:  # likewise over the columns kept
        row_totals = [cells[0] if columns else 0 for cells in narrowed["cells"]]
        total = column_totals[0] if columns else 0
    return narrowed | {"row_totals": row_totals, "column_totals": column_totals, "total": total}


def _by_group(table: dict) -> bool:
    return GROUP_LABEL in (table.get("row_label"), table.get("column_label"))


def tables_for(snapshot: ReportSnapshot | None, filters: Filters) -> dict[str, dict]:
    """The published tables for the filters. Unknown values (a period, MCO or provider type the release does not
    offer, a misspelling) select nothing rather than erroring — never tables of made-up zeros."""
    if snapshot is None or not filters_known(snapshot, filters):
        return {}
    tables = snapshot.data.get("tables", {}).get(filters.period)
    if not isinstance(tables, dict):
        return {}
    narrowed = {name: _narrow(table, filters) for name, table in tables.items()}
    if filters.group:  # a table the provider type cannot narrow says so instead of passing for the type's numbers
        for table in narrowed.values():
            if not _by_group(table):
                table["filter_note"] = NOT_BY_GROUP
    return narrowed
