from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.aggregates import month_label, month_of
from reporting.services import ReportDataInconsistent, report_snapshot_refresh


class Command(BaseCommand):
    help = (
        "Publish the public statistics for the last full month, if that release is not out yet (the beat schedule "
        "tries every night). --again makes a new release for that month after correcting data: quarters already "
        "published keep their numbers, the correction shows in quarters published after it."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--again",
            action="store_true",
            help="Make a new release even if this month's is out already (checked together with every release out).",
        )

    def handle(self, *args: object, **options: object) -> None:
        started = timezone.now()
        try:
            snapshot = report_snapshot_refresh(again=bool(options["again"]))
        except ReportDataInconsistent as problem:
            raise CommandError(str(problem)) from problem
        month = month_label(month_of(snapshot.covers_to))
        if snapshot.computed_at >= started:
            self.stdout.write(f"Public statistics to the end of {month}: published.")
        else:
            self.stdout.write(
                f"Public statistics to the end of {month}: already published at "
                f"{timezone.localtime(snapshot.computed_at):%Y-%m-%d %H:%M}. Use --again to recompute them."
            )
