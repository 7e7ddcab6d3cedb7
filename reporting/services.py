"""Writes of reporting state: a new snapshot of the public aggregates."""

from django.conf import settings
from django.db import transaction

from reporting.aggregates import Table, compute_tables, publish
from reporting.models import ReportSnapshot
from reporting.suppression import Cell, suppress


def _mco_margins(table: Table) -> dict[str, Cell]:
    """Where each MCO's total stands in a table (a row total or a column total)."""
    if table.row_label == "MCO":
        return {mco: (row, -1) for row, mco in enumerate(table.rows)}
    if table.column_label == "MCO":
        return {mco: (-1, column) for column, mco in enumerate(table.columns)}
    return {}


def suppress_together(tables: list[Table], *, threshold: int) -> dict[str, frozenset[Cell]]:
    """Suppress each table, then hide every shared margin (an MCO's total, the grand total) wherever it is hidden
    in any table, and again until nothing changes — so no table shows what another hides."""
    forced: dict[str, set[Cell]] = {table.name: set() for table in tables}
    while True:
        hidden = {
            table.name: suppress(table.counts, threshold=threshold, also_hide=frozenset(forced[table.name])).hidden
            for table in tables
        }
        hidden_mcos = {
            mco for table in tables for mco, cell in _mco_margins(table).items() if cell in hidden[table.name]
        }
        grand_hidden = any((-1, -1) in hidden[table.name] for table in tables)
        wanted = {
            table.name: {cell for mco, cell in _mco_margins(table).items() if mco in hidden_mcos}
            | ({(-1, -1)} if grand_hidden else set())
            for table in tables
        }
        if all(wanted[name] <= hidden[name] for name in hidden):
            return hidden
        for name in forced:
            forced[name] |= wanted[name]


@transaction.atomic
def report_snapshot_refresh() -> ReportSnapshot:
    """Compute the public tables, suppress them together, and store the result as the newest snapshot."""
    threshold = settings.PORTAL_REPORT_SUPPRESSION_THRESHOLD
    tables = compute_tables()
    hidden = suppress_together(tables, threshold=threshold)
    published = {table.name: publish(table, hidden=hidden[table.name]) for table in tables}
    return ReportSnapshot.objects.create(threshold=threshold, data={"tables": published})
