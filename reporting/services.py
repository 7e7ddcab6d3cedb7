"""Writes of reporting state: a new snapshot of the public aggregates."""

from django.conf import settings
from django.db import transaction

from reporting import aggregates, selectors
from reporting.models import ReportSnapshot
from reporting.suppression import suppress_system


@transaction.atomic
def report_snapshot_refresh() -> ReportSnapshot:
    """Compute every public table for every period, suppress them as one system, and store the newest snapshot."""
    threshold = settings.PORTAL_REPORT_SUPPRESSION_THRESHOLD
    dimensions, facts = selectors.report_facts()
    counts, days = aggregates.count(facts)
    cells, equations = aggregates.system(dimensions)
    values = {cell: counts.get(cell, 0) for cell in cells}
    # A cell anyone takes for zero is counted as known only when it is zero (data entered against the time
    # limits, say, are still protected).
    public = {cell for cell in aggregates.known_zeros(cells, dimensions) if values[cell] == 0}
    hidden = suppress_system(
        values, equations, threshold=threshold, also_hide=aggregates.internal(cells), public=public
    )
    data = aggregates.publish(dimensions, counts, days, hidden)
    return ReportSnapshot.objects.create(threshold=threshold, data=data)
