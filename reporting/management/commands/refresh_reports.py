from django.core.management.base import BaseCommand

from reporting.services import report_snapshot_refresh


class Command(BaseCommand):
    help = "Recompute the public statistics into a new snapshot (the beat schedule does this every night)."

    def handle(self, *args: object, **options: object) -> None:
        snapshot = report_snapshot_refresh()
        self.stdout.write(f"Public statistics refreshed at {snapshot.computed_at:%Y-%m-%d %H:%M}.")
