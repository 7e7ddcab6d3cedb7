"""Writes of reporting state: a new snapshot of the public aggregates."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reporting import aggregates, facts
from reporting.models import ReportSnapshot
from reporting.suppression import suppress_system


class ReportDataInconsistent(Exception):
    """Complaints contradict what the public can tell without the statistics (an MCO's contract dates)."""


@transaction.atomic
def report_snapshot_refresh(*, as_of: date | None = None, again: bool = False) -> ReportSnapshot:
    """The release for ``as_of`` (by default the end of last month): every public table for every period, as the
    complaints stood at the end of that day, suppressed as one system and stored as the newest snapshot.

    One release per day covered: a release already made is returned as it is, unless ``again`` (after correcting
    data). New figures once a month, not every night, so that no one can compare one day's statistics with the
    next and single out a complaint received, answered or resolved in between."""
    as_of = as_of or facts.release_day(timezone.localdate())
    if not again:
        released = ReportSnapshot.objects.filter(covers_to=as_of, data__has_key="periods").first()
        if released is not None:
            return released
    threshold = settings.PORTAL_REPORT_SUPPRESSION_THRESHOLD
    dimensions, complaint_facts = facts.report_facts(as_of)
    counts, days = aggregates.count(complaint_facts)
    cells, equations = aggregates.system(dimensions)
    values = {cell: counts.get(cell, 0) for cell in cells}
    # Cells anyone takes for zero. If one is not, publishing would either show a false 0 or, by hiding it, tell
    # that it is not 0: refuse, keep the last snapshot, and say what to correct.
    public = aggregates.known_zeros(cells, dimensions)
    contradicted = sorted({(cell[2], cell[1]) for cell in public if values[cell]})
    if contradicted:
        where = "; ".join(f"{mco} in {period}" for mco, period in contradicted[:10])
        raise ReportDataInconsistent(
            f"The statistics were not refreshed: complaints name an MCO outside its contract dates ({where}). "
            "Correct the MCO's contract dates (active from / active to) in the admin, then refresh again."
        )
    hidden = suppress_system(
        values, equations, threshold=threshold, also_hide=aggregates.internal(cells), public=public
    )
    data = aggregates.publish(dimensions, counts, days, hidden)
    return ReportSnapshot.objects.create(covers_to=as_of, threshold=threshold, data=data)
