"""Writes of reporting state: a new snapshot of the public aggregates."""

from django.conf import settings
from django.db import transaction

from reporting.aggregates import compute_measures, compute_tables, publish, quarters_present
from reporting.models import ReportSnapshot


@transaction.atomic
def report_snapshot_refresh() -> ReportSnapshot:
    """Compute every public table, suppress small cells, and store the result as the newest snapshot."""
    threshold = settings.PORTAL_REPORT_SUPPRESSION_THRESHOLD
    tables = {table.name: publish(table, threshold=threshold) for table in compute_tables()}
    tables["measures_by_mco"] = compute_measures(tables, threshold=threshold)
    periods = {
        quarter: {table.name: publish(table, threshold=threshold) for table in compute_tables(quarter=quarter)}
        for quarter in quarters_present()
    }
    return ReportSnapshot.objects.create(threshold=threshold, data={"tables": tables, "periods": periods})
