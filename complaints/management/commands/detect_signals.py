"""manage.py detect_signals: raise signals of systemic issues now (the nightly task does the last whole week)."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from complaints.detection import week_of
from complaints.services.systemic import last_whole_week, signals_detect


class Command(BaseCommand):
    help = "Look for signals of systemic issues in the last whole week, or in the last N weeks (--weeks)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--weeks", type=int, default=1, help="How many whole weeks to look at, newest last.")
        parser.add_argument("--week", help="Look at the week containing this day (YYYY-MM-DD) instead.")

    def handle(self, *args, weeks: int, week: str | None, **options):  # type: ignore[no-untyped-def]
        if weeks < 1:
            raise CommandError(f"--weeks must be 1 or more (it was {weeks}).")
        if week:
            try:
                mondays = [date.fromisoformat(week)]
            except ValueError:
                raise CommandError(f"--week must be a day written YYYY-MM-DD (it was {week!r}).") from None
        else:
            last = last_whole_week()
            mondays = [last - timedelta(weeks=back) for back in reversed(range(weeks))]
        for day in mondays:
            monday = week_of(day)
            try:
                raised = signals_detect(week=monday)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(f"Week of {monday:%-d %B %Y}: {len(raised)} new signal(s).")
            for signal in raised:
                self.stdout.write(f"  {signal.why}")
