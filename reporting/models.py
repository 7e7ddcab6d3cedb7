"""Public statistics are computed into snapshots; the public pages read only the latest one (DESIGN §7)."""

from django.db import models
from django.utils import timezone


class ReportSnapshot(models.Model):
    """Aggregates only — never record-level data — already suppressed, as published."""

    computed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The release day: the figures count complaints received up to the end of this day, as they stood then.
    covers_to = models.DateField(null=True, blank=True, db_index=True)
    threshold = models.PositiveSmallIntegerField()
    data = models.JSONField()
    # Never served (the public pages and downloads read only ``data``): what the release needs to be audited
    # together with the releases after it (reporting.services): every cell's true value and whether it was hidden,
    # the dimensions its equations are rebuilt from, and the complaints of each quarter it published for the first
    # time, as they stood that day (counted by their characteristics, without ids), which later releases reuse.
    audit = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"Report snapshot {self.computed_at:%Y-%m-%d %H:%M}"
