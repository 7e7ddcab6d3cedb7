"""Signals of systemic issues (DESIGN §12): which MCO, category and week had improbably many new complaints.

The rule, for one MCO and category and one week (Monday to Sunday, Illinois time):

- X is the week's new complaints, S those of the H weeks before it (H = ``PORTAL_SIGNAL_HISTORY_WEEKS``, 12).
- If complaints arrived at a steady rate — whatever that rate is — each of the X + S complaints of those H + 1
  weeks is as likely to fall in one week as in another, so X, given X + S, follows a binomial distribution with
  n = X + S and p = 1 / (H + 1).
- The week is unusual when the chance of X or more under that binomial is at most alpha
  (``PORTAL_SIGNAL_FALSE_ALARM_RATE``, 1 in 1,000). The test is exact given the total: over weeks with a steady
  rate it fires at most alpha of the time per MCO, category and week (less, as counts are whole numbers), and there is
  no estimated rate to get wrong when the history is short or small.
- A signal also needs at least ``PORTAL_SIGNAL_MIN_ORGANIZATIONS`` (3) distinct organizations among the week's
  complaints — one busy billing office is not a pattern across providers — and complaints from before the H weeks
  (without a history there is nothing to compare with).

The counts come from one aggregate query (``weekly_counts``); the arithmetic (``findings``) is pure.

A second rule looks at the dates of service (``shared_dates``): in the week and the weeks before it
(``PORTAL_SIGNAL_SHARED_DATES_WEEKS``, 4 in all), complaints about one MCO and category from at least
``PORTAL_SIGNAL_MIN_ORGANIZATIONS`` organizations whose claim lines cover one same day of service. A claim line
covering more than ``PORTAL_SIGNAL_SHARED_DATES_MAX_DAYS`` days (a long stay, a month of therapy) would meet every
other line by itself, so it is left out. This rule has no statistical model, so no stated false-alarm rate: it is
a pattern staff asked to see, and its signal says exactly what was shared.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from accounts.models import MCO
from complaints.models import AffectedClaim, Complaint


def upper_tail(k: int, n: int, p: float) -> float:
    """The chance of k or more successes in n trials of chance p (binomial), computed in logarithms."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    log_n = math.lgamma(n + 1)
    terms = [log_n - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q for i in range(k, n + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * math.fsum(math.exp(term - top) for term in terms))


def unusual_from(history: int, weeks: int, alpha: float) -> int:
    """The smallest count in a week that the rule calls unusual after ``history`` complaints in the ``weeks``
    before it."""
    count = max(1, history // weeks)
    while upper_tail(count, count + history, 1 / (weeks + 1)) > alpha:
        count += 1
    return count


@dataclass(frozen=True)
class WeekCount:
    mco_id: int
    category_id: int
    week: date  # its Monday
    complaints: int
    organizations: int


@dataclass(frozen=True)
class Finding:
    """An MCO, category and week the rule calls unusual, with the numbers that say why."""

    mco_id: int
    category_id: int
    week: date
    observed: int
    expected: float  # the trailing weeks' average
    limit: int  # the smallest count called unusual after that history
    organizations: int
    p_value: float  # the chance of ``observed`` or more with a steady rate


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def weekly_query(
    first_week: date, last_week: date, *, mco_id: int | None = None, category_id: int | None = None
) -> QuerySet:
    """New complaints and distinct organizations per MCO, category and week, for the weeks from ``first_week`` to
    ``last_week`` (Mondays), optionally for one MCO and category: one aggregate query over the index on the day
    received, whatever the table's size."""
    complaints = Complaint.objects.filter(
        submitted_at__gte=start_of(first_week), submitted_at__lt=start_of(last_week + timedelta(days=7))
    )
    if mco_id is not None:
        complaints = complaints.filter(mco_id=mco_id)
    if category_id is not None:
        complaints = complaints.filter(category_id=category_id)
    return (
        complaints.annotate(week=TruncWeek("submitted_at"))
        .values("mco_id", "category_id", "week")
        .annotate(complaints=Count("id"), organizations=Count("organization_id", distinct=True))
        .order_by()
    )


def weekly_counts(
    first_week: date, last_week: date, *, mco_id: int | None = None, category_id: int | None = None
) -> list[WeekCount]:
    """``weekly_query``'s rows, each week as its Monday."""
    return [
        WeekCount(
            row["mco_id"],
            row["category_id"],
            timezone.localtime(row["week"]).date() if timezone.is_aware(row["week"]) else row["week"].date(),
            row["complaints"],
            row["organizations"],
        )
        for row in weekly_query(first_week, last_week, mco_id=mco_id, category_id=category_id)
    ]


def findings(
    counts: Iterable[WeekCount], week: date, *, history_weeks: int, alpha: float, min_organizations: int
) -> list[Finding]:
    """The MCO and category pairs whose count in ``week`` the rule calls unusual against the ``history_weeks``
    before it (``counts`` may hold other weeks: they are ignored)."""
    first = week - timedelta(weeks=history_weeks)
    history: dict[tuple[int, int], int] = {}
    this_week: dict[tuple[int, int], WeekCount] = {}
    for count in counts:
        pair = (count.mco_id, count.category_id)
        if count.week == week:
            this_week[pair] = count
        elif first <= count.week < week:
            history[pair] = history.get(pair, 0) + count.complaints
    found = []
    for pair, count in sorted(this_week.items()):
        before = history.get(pair, 0)
        chance = upper_tail(count.complaints, count.complaints + before, 1 / (history_weeks + 1))
        if chance <= alpha and count.organizations >= min_organizations:
            found.append(
                Finding(
                    *pair,
                    week=week,
                    observed=count.complaints,
                    expected=before / history_weeks,
                    limit=unusual_from(before, history_weeks, alpha),
                    organizations=count.organizations,
                    p_value=chance,
                )
            )
    return found


def has_history(week: date, history_weeks: int) -> bool:
    """Whether the portal received complaints before the trailing weeks of ``week`` (otherwise there is nothing to
    compare the week with)."""
    return Complaint.objects.filter(submitted_at__lt=start_of(week - timedelta(weeks=history_weeks))).exists()


def week_findings(week: date) -> list[Finding]:
    """The rule over the database for one week, with the settings' history, false-alarm rate and minimum. An MCO
    whose contract started within the trailing weeks has no steady history yet: its weeks are not judged."""
    weeks = settings.PORTAL_SIGNAL_HISTORY_WEEKS
    if not has_history(week, weeks):
        return []
    history_from = week - timedelta(weeks=weeks)
    new_mcos = set(MCO.objects.filter(active_from__gt=history_from).values_list("pk", flat=True))
    counts = [c for c in weekly_counts(history_from, week) if c.mco_id not in new_mcos]
    return findings(
        counts,
        week,
        history_weeks=weeks,
        alpha=settings.PORTAL_SIGNAL_FALSE_ALARM_RATE,
        min_organizations=settings.PORTAL_SIGNAL_MIN_ORGANIZATIONS,
    )


def why(finding: Finding, mco: str, category: str) -> str:
    """The one plain sentence a signal says why it fired."""
    week = f"{finding.week:%-d %B %Y}"
    return (
        f"{finding.observed} new complaints about {category} against {mco} from {finding.organizations} "
        f"organizations in the week of {week}, where the {settings.PORTAL_SIGNAL_HISTORY_WEEKS} weeks before averaged "
        f"{finding.expected:.1f} a week: {finding.limit} or more would happen by chance less than once in "
        f"{round(1 / settings.PORTAL_SIGNAL_FALSE_ALARM_RATE):,} weeks."
    )


@dataclass(frozen=True)
class SharedDates:
    """Complaints of several organizations about one MCO and category whose claim lines cover one same day."""

    mco_id: int
    category_id: int
    week: date
    day: date  # a day of service every one of them covers
    organizations: int
    complaint_ids: list[int]


def _window_lines(week: date, weeks: int, max_days: int) -> QuerySet:
    """The claim lines of the complaints received in ``week`` and the ``weeks - 1`` before it, short ones only,
    with the last day they cover (``last``)."""
    first = week - timedelta(weeks=weeks - 1)
    return (
        AffectedClaim.objects.filter(
            complaint__submitted_at__gte=start_of(first), complaint__submitted_at__lt=start_of(week + timedelta(days=7))
        )
        .filter(Q(service_to__isnull=True) | Q(service_to__lte=F("service_from") + timedelta(days=max_days)))
        .annotate(last=Coalesce("service_to", "service_from"))
    )


# Every day each short claim line covers (a recursive query: at most max_days + 1 rows a line), then per MCO,
# category and day the distinct organizations and complaints, where a complaint of the week looked at is among them.
# Linear in the window's claim lines. Date arithmetic differs: PostgreSQL adds integers to dates, SQLite has date().
_COVERED_SQL = """
WITH RECURSIVE covered(mco_id, category_id, organization_id, complaint_id, is_new, day, last_day) AS (
    SELECT c.mco_id, c.category_id, c.organization_id, c.id, CASE WHEN c.submitted_at >= %s THEN 1 ELSE 0 END,
           l.service_from, COALESCE(l.service_to, l.service_from)
    FROM {claims} l JOIN {complaints} c ON c.id = l.complaint_id
    WHERE c.submitted_at >= %s AND c.submitted_at < %s AND (l.service_to IS NULL OR l.service_to <= {span})
    UNION ALL
    SELECT mco_id, category_id, organization_id, complaint_id, is_new, {next_day}, last_day
    FROM covered WHERE day < last_day
)
SELECT mco_id, category_id, day, COUNT(DISTINCT organization_id), COUNT(DISTINCT complaint_id)
FROM covered
GROUP BY mco_id, category_id, day
HAVING COUNT(DISTINCT organization_id) >= %s AND MAX(is_new) = 1
ORDER BY mco_id, category_id, COUNT(DISTINCT organization_id) DESC, COUNT(DISTINCT complaint_id) DESC, day
"""
_DATE_SQL = {
    "postgresql": {"span": "l.service_from + %s", "next_day": "day + 1"},
    "sqlite": {"span": "date(l.service_from, '+' || %s || ' days')", "next_day": "date(day, '+1 day')"},
}


def shared_dates(week: date, *, weeks: int, max_days: int, min_organizations: int) -> list[SharedDates]:
    """Per MCO and category, the day of service covered by claim lines of the most organizations (then of the most
    complaints), where that is at least ``min_organizations`` and a complaint received in ``week`` is among them
    (so a pattern is raised in the week it appears, not again in each later week of the window), with the complaints
    covering it. One aggregate query, then one per pattern found for its complaints."""
    first = week - timedelta(weeks=weeks - 1)
    adapt = connection.ops.adapt_datetimefield_value
    sql = _COVERED_SQL.format(  # nosec B608 - table names from the models; values are parameters
        claims=connection.ops.quote_name(AffectedClaim._meta.db_table),
        complaints=connection.ops.quote_name(Complaint._meta.db_table),
        **_DATE_SQL[connection.vendor],
    )
    params = [adapt(start_of(week)), adapt(start_of(first)), adapt(start_of(week + timedelta(days=7))), max_days]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, min_organizations])
        rows = cursor.fetchall()
    best: dict[tuple[int, int], tuple[date, int]] = {}
    for mco_id, category_id, day, organizations, _complaints in rows:
        best.setdefault(
            (mco_id, category_id), (day if isinstance(day, date) else date.fromisoformat(day), organizations)
        )
    lines = _window_lines(week, weeks, max_days)
    found = []
    for (mco_id, category_id), (day, organizations) in sorted(best.items()):
        ids = (
            lines.filter(
                complaint__mco_id=mco_id, complaint__category_id=category_id, service_from__lte=day, last__gte=day
            )
            .order_by("complaint_id")
            .values_list("complaint_id", flat=True)
            .distinct()
        )
        found.append(SharedDates(mco_id, category_id, week, day, organizations, list(ids)))
    return found


def week_shared_dates(week: date) -> list[SharedDates]:
    """The dates-of-service rule over the database for one week, with the settings' window, span and minimum."""
    return shared_dates(
        week,
        weeks=settings.PORTAL_SIGNAL_SHARED_DATES_WEEKS,
        max_days=settings.PORTAL_SIGNAL_SHARED_DATES_MAX_DAYS,
        min_organizations=settings.PORTAL_SIGNAL_MIN_ORGANIZATIONS,
    )


def why_shared(found: SharedDates, mco: str, category: str) -> str:
    """The one plain sentence a dates-of-service signal says why it fired (the day itself is on the staff page only:
    a date of service is not for logs)."""
    weeks = settings.PORTAL_SIGNAL_SHARED_DATES_WEEKS
    return (
        f"{found.organizations} organizations filed complaints about {category} against {mco} in the {weeks} weeks to "
        f"{found.week + timedelta(days=6):%-d %B %Y} with claims for the same date of service: "
        f"{len(found.complaint_ids)} complaints."
    )
