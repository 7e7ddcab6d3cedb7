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

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"Report snapshot {self.computed_at:%Y-%m-%d %H:%M}"
