from django.core.management.base import BaseCommand, CommandError

from reporting.services import ReportDataInconsistent, report_snapshot_refresh


class Command(BaseCommand):
    help = "Recompute the public statistics into a new snapshot (the beat schedule does this every night)."

    def handle(self, *args: object, **options: object) -> None:
        try:
            snapshot = report_snapshot_refresh()
        except ReportDataInconsistent as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(f"Public statistics refreshed at {snapshot.computed_at:%Y-%m-%d %H:%M}.")
