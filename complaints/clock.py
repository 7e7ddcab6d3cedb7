"""Business-day clocks (DESIGN §4.5): weekends and Illinois holidays (the maintained `holidays` library) skipped;
and when a due date is overdue."""

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db.models import Q
from django.utils import timezone


@lru_cache(maxsize=16)
def _illinois_holidays(year: int) -> frozenset[date]:
    observed = holidays.US(subdiv="IL", years=year)
    # State offices also close the day after Thanksgiving, which the library's list leaves out.
    thanksgiving = next(day for day, name in observed.items() if "Thanksgiving" in name)
    return frozenset([*observed, thanksgiving + timedelta(days=1)])


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _illinois_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date ``days`` business days after ``start`` (the start day itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def add_calendar_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def business_days_until(today: date, due: date) -> int:
    """Business days left from ``today`` to ``due`` (today not counted, the due day counted); once ``due`` has
    passed, minus the business days since it (the due day not counted, today counted)."""
    if due >= today:
        return sum(is_business_day(today + timedelta(days=n)) for n in range(1, (due - today).days + 1))
    return -business_days_until(due, today)


def business_day_counter(first: date, last: date) -> Callable[[date, date], int]:
    """Business days from one date to a later one, both in [first, last] (the start day not counted), read from
    one running index — for counting many spans at once (the public statistics)."""
    index: dict[date, int] = {}
    running, day = 0, first
    while day <= last:
        running += is_business_day(day)
        index[day] = running
        day += timedelta(days=1)
    return lambda start, end: max(0, index[end] - index[start])


# Overdue, the one rule (DESIGN §4.5), for every clock (HFS's next due date, the MCO's answer date): the due day has
# passed. Due today is not overdue (the whole day is left); due yesterday is; no due date is never overdue. The
# test on one date and the filters on a date column are written side by side so they cannot drift apart.


def is_overdue(due: date | None, *, today: date | None = None) -> bool:
    """Whether a complaint due on ``due`` is overdue on ``today`` (Illinois' day by default)."""
    return due is not None and due < (today or timezone.localdate())


def overdue_q(field: str, *, today: date | None = None) -> Q:
    """The rows whose date column ``field`` is overdue: ``is_overdue`` as a filter (NULL never matches)."""
    return Q(**{f"{field}__lt": today or timezone.localdate()})


def not_overdue_q(field: str, *, today: date | None = None) -> Q:
    """The rows with a due date in ``field`` that is not overdue (due today or later)."""
    return Q(**{f"{field}__gte": today or timezone.localdate()})
