"""The public aggregates (R10, DESIGN §7): cross-tabulated counts, suppressed before anything is stored.

Every table is additive (cells sum to their row and column totals), so the suppression rules apply to it.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F

from complaints.models import MCO, Category, Complaint, ComplaintStatus, ReportingGroup
from reporting.suppression import suppress


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    row_label: str
    column_label: str
    rows: list[str]
    columns: list[str]
    counts: list[list[int]]


def _crosstab(pairs: Iterable[tuple[str, str, int]], rows: list[str], columns: list[str]) -> list[list[int]]:
    counter: Counter[tuple[str, str]] = Counter()
    for row, column, count in pairs:
        counter[(row, column)] += count
    return [[counter[(row, column)] for column in columns] for row in rows]


def quarter_of(day) -> str:  # type: ignore[no-untyped-def]
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarters_present() -> list[str]:
    """The quarters complaints were received in, oldest first (Illinois dates)."""
    from django.db.models.functions import TruncQuarter

    starts = (
        Complaint.objects.annotate(quarter=TruncQuarter("submitted_at"))
        .values_list("quarter", flat=True)
        .distinct()
        .order_by("quarter")
    )
    return [quarter_of(start) for start in starts]


def compute_tables(*, quarter: str | None = None) -> list[Table]:
    """Every published table, for all time or one quarter ("2026-Q4"), grouped in the database."""
    mcos = list(MCO.objects.order_by("name").values_list("short_name", flat=True))
    groups = [label for _, label in ReportingGroup.choices]
    group_label = dict(ReportingGroup.choices)
    categories = list(Category.objects.order_by("sort_order").values_list("name", flat=True))
    reasons = [label for _, label in Complaint.ClosureReason.choices]
    reason_label = dict(Complaint.ClosureReason.choices)

    def grouped(queryset, row_field: str, column_field: str):  # type: ignore[no-untyped-def]
        return queryset.values(row=F(row_field), column=F(column_field)).annotate(count=Count("id")).order_by()

    received = Complaint.objects.all()
    if quarter is not None:
        year, number = quarter.split("-Q")
        first_month = 3 * (int(number) - 1) + 1
        received = received.filter(
            submitted_at__year=int(year), submitted_at__month__gte=first_month, submitted_at__month__lt=first_month + 3
        )
    resolved = received.filter(status=ComplaintStatus.RESOLVED)
    closed = received.filter(status=ComplaintStatus.CLOSED)
    by_group = "organization__provider_type__reporting_group"

    def mco_by_group(queryset):  # type: ignore[no-untyped-def]
        rows = grouped(queryset, "mco__short_name", by_group)
        return _crosstab(((r["row"], group_label[r["column"]], r["count"]) for r in rows), mcos, groups)

    tables = [
        Table(
            "received_by_mco_and_provider_group",
            "Complaints received, by MCO and provider type",
            "MCO",
            "Provider type",
            mcos,
            groups,
            _crosstab(
                (
                    (r["row"], group_label[r["column"]], r["count"])
                    for r in grouped(received, "mco__short_name", by_group)
                ),
                mcos,
                groups,
            ),
        ),
        Table(
            "resolved_by_mco_and_provider_group",
            "Complaints resolved, by MCO and provider type",
            "MCO",
            "Provider type",
            mcos,
            groups,
            _crosstab(
                (
                    (r["row"], group_label[r["column"]], r["count"])
                    for r in grouped(resolved, "mco__short_name", by_group)
                ),
                mcos,
                groups,
            ),
        ),
        Table(
            "received_by_category_and_mco",
            "Complaints received, by topic and MCO",
            "Topic",
            "MCO",
            categories,
            mcos,
            _crosstab(
                ((r["row"], r["column"], r["count"]) for r in grouped(received, "category__name", "mco__short_name")),
                categories,
                mcos,
            ),
        ),
        Table(
            "expedited_by_mco",
            "Complaints received, expedited or not, by MCO",
            "MCO",
            "Access to care",
            mcos,
            ["Expedited", "Not expedited"],
            _crosstab(
                (
                    (r["row"], "Expedited" if r["column"] else "Not expedited", r["count"])
                    for r in grouped(received, "mco__short_name", "expedited")
                ),
                mcos,
                ["Expedited", "Not expedited"],
            ),
        ),
        Table(
            "closure_reasons_by_mco",
            "Complaints closed, by reason and MCO",
            "Reason",
            "MCO",
            reasons,
            mcos,
            _crosstab(
                (
                    (reason_label[r["row"]], r["column"], r["count"])
                    for r in grouped(closed, "closure_reason", "mco__short_name")
                ),
                reasons,
                mcos,
            ),
        ),
    ]
    if quarter is None:
        from django.db.models.functions import TruncQuarter

        quarters = quarters_present()
        by_quarter = (
            received.annotate(quarter=TruncQuarter("submitted_at"))
            .values("quarter", column=F("mco__short_name"))
            .annotate(count=Count("id"))
            .order_by()
        )
        from django.db.models.functions import TruncMonth

        by_month = (
            received.annotate(month=TruncMonth("submitted_at"))
            .values("month", column=F("mco__short_name"))
            .annotate(count=Count("id"))
            .order_by()
        )
        months = sorted({f"{r['month']:%Y-%m}" for r in by_month})
        tables.append(
            Table(
                "received_by_month_and_mco",
                "Complaints received, by month and MCO",
                "Month",
                "MCO",
                months,
                mcos,
                _crosstab(((f"{r['month']:%Y-%m}", r["column"], r["count"]) for r in by_month), months, mcos),
            )
        )
        tables.append(
            Table(
                "received_by_quarter_and_mco",
                "Complaints received, by quarter and MCO",
                "Quarter",
                "MCO",
                quarters,
                mcos,
                _crosstab(((quarter_of(r["quarter"]), r["column"], r["count"]) for r in by_quarter), quarters, mcos),
            )
        )
    return tables


def publish(table: Table, *, threshold: int) -> dict[str, object]:
    """The table as published: suppressed entries are None (shown as a marker, never as a number)."""
    hidden = suppress(table.counts, threshold=threshold).hidden
    rows, columns = range(len(table.rows)), range(len(table.columns))

    def value(row: int, column: int, number: int) -> int | None:
        return None if (row, column) in hidden else number

    return {
        "title": table.title,
        "row_label": table.row_label,
        "column_label": table.column_label,
        "rows": table.rows,
        "columns": table.columns,
        "cells": [[value(r, c, table.counts[r][c]) for c in columns] for r in rows],
        "row_totals": [value(r, -1, sum(table.counts[r])) for r in rows],
        "column_totals": [value(-1, c, sum(table.counts[r][c] for r in rows)) for c in columns],
        "total": value(-1, -1, sum(map(sum, table.counts))),
    }


MEASURE_COLUMNS = [
    "Expedited share (%)",
    "Median business days to resolution",
    "First response on time (%)",
    "MCO answer on time (%)",
]


def _business_days_between(start, end) -> int:  # type: ignore[no-untyped-def]
    from complaints.clock import is_business_day

    days, current = 0, start
    while current < end:
        current = current.fromordinal(current.toordinal() + 1)
        days += is_business_day(current)
    return days


def compute_measures(published: dict[str, dict], *, threshold: int) -> dict[str, object]:
    """Shares and medians per MCO. Each is shown only when the count it is built on is itself shown and at least
    the threshold (a percentage of a suppressed count would give the count away)."""
    from statistics import median

    from django.db.models import Max, Min
    from django.utils import timezone

    from complaints.models import ComplaintEvent

    received = published["received_by_mco_and_provider_group"]
    resolved = published["resolved_by_mco_and_provider_group"]
    received_total = dict(zip(received["rows"], received["row_totals"], strict=True))
    resolved_total = dict(zip(resolved["rows"], resolved["row_totals"], strict=True))
    mcos = received["rows"]

    def base_ok(count) -> bool:  # type: ignore[no-untyped-def]
        return count is not None and count >= threshold

    rows = Complaint.objects.values_list(
        "id", "mco__short_name", "expedited", "submitted_at", "first_response_due", "mco_answer_due", "status"
    )
    resolved_at = dict(
        ComplaintEvent.objects.filter(to_status=ComplaintStatus.RESOLVED)
        .values("complaint_id")
        .annotate(at=Max("created_at"))
        .values_list("complaint_id", "at")
    )
    first_response = dict(
        ComplaintEvent.objects.filter(from_status=ComplaintStatus.SUBMITTED)
        .values("complaint_id")
        .annotate(at=Min("created_at"))
        .values_list("complaint_id", "at")
    )
    mco_answer = dict(
        ComplaintEvent.objects.filter(from_status=ComplaintStatus.AWAITING_MCO, to_status=ComplaintStatus.IN_REVIEW)
        .values("complaint_id")
        .annotate(at=Min("created_at"))
        .values_list("complaint_id", "at")
    )
    per_mco: dict[str, dict[str, list]] = {m: {"expedited": [], "days": [], "first": [], "answer": []} for m in mcos}
    local = timezone.localtime
    for pk, mco, expedited, submitted, first_due, answer_due, status in rows.iterator(chunk_size=2000):
        bucket = per_mco.setdefault(mco, {"expedited": [], "days": [], "first": [], "answer": []})
        bucket["expedited"].append(expedited)
        if status == ComplaintStatus.RESOLVED and pk in resolved_at:
            bucket["days"].append(_business_days_between(local(submitted).date(), local(resolved_at[pk]).date()))
        if pk in first_response and first_due:
            bucket["first"].append(local(first_response[pk]).date() <= first_due)
        if pk in mco_answer and answer_due:
            bucket["answer"].append(local(mco_answer[pk]).date() <= answer_due)

    def share(values: list[bool]) -> float | None:
        return round(100 * sum(values) / len(values), 1) if len(values) >= threshold else None

    cells = []
    for mco in mcos:
        bucket = per_mco[mco]
        cells.append(
            [
                share(bucket["expedited"]) if base_ok(received_total.get(mco)) else None,
                (median(bucket["days"]) if len(bucket["days"]) >= threshold else None)
                if base_ok(resolved_total.get(mco))
                else None,
                share(bucket["first"]) if base_ok(received_total.get(mco)) else None,
                share(bucket["answer"]) if base_ok(received_total.get(mco)) else None,
            ]
        )
    return {
        "title": "How quickly and how often on time, by MCO",
        "kind": "measures",
        "row_label": "MCO",
        "column_label": "Measure",
        "rows": mcos,
        "columns": MEASURE_COLUMNS,
        "cells": cells,
        "row_totals": [None] * len(mcos),
        "column_totals": [None] * len(MEASURE_COLUMNS),
        "total": None,
    }
