"""Publishing: the snapshot's content (what the page, CSV and JSON read) from the counts and the hidden cells.

Every count table is published as its grid, row and column totals and total, a hidden count as None. The measures
table (shares and medians) is built only from shown counts: a share only when its part and whole are shown, a
median only when every count it could narrow is shown (complaints resolved and received by month, resolved by
quarter; late first responses and late MCO answers, if it is shorter than those take).
"""

from collections import Counter
from collections.abc import Callable
from statistics import median

from django.conf import settings

from reporting.cells import (
    ALL,
    EXPEDITED,
    LATE,
    ON_TIME,
    RESOLVED,
    Cell,
    Dimensions,
    month_of,
    months_in,
    period_days,
    period_label,
    periods,
    quarters,
)
from reporting.counting import Days
from reporting.tables import TableSpec, table_specs

Value = Callable[[Cell], int | None]  # a cell's published count (None: hidden)


def publish(
    dimensions: Dimensions,
    counts: Counter[Cell],
    days: Days,
    hidden: frozenset[Cell],
    also_medians: frozenset[tuple[str, str]] = frozenset(),
) -> dict[str, object]:
    """The snapshot's content: per period, every table as published (a hidden count is None). ``also_medians``:
    the medians, by (period, MCO or ALL), shown though some count they could narrow is hidden, because the audits
    pass with what they tell (reporting.medians)."""

    def value(cell: Cell) -> int | None:
        return None if cell in hidden else counts.get(cell, 0)

    published: dict[str, dict[str, dict]] = {}
    for period in periods(dimensions):
        tables: dict[str, dict] = {spec.name: _counts_table(spec, value) for spec in table_specs(dimensions, period)}
        tables["timeliness_by_mco"] = _measures(dimensions, period, value, days, also_medians)
        published[period] = tables
    return {
        "periods": [{"key": period, "label": period_label(period)} for period in periods(dimensions)],
        "tables": published,
    }


def _counts_table(spec: TableSpec, value: Value) -> dict[str, object]:
    row_parts, column_parts = [r for r, _ in spec.rows], [c for c, _ in spec.columns]
    return {
        "kind": "counts",
        "title": spec.title,
        "row_label": spec.row_label,
        "column_label": spec.column_label,
        "rows": [label for _, label in spec.rows],
        "columns": [label for _, label in spec.columns],
        "cells": [[value(spec.key(r, c)) for c in column_parts] for r in row_parts],
        "row_totals": [
            value(spec.key(r, ALL)) if spec.row_totals else _sum_if_shown([value(spec.key(r, c)) for c in column_parts])
            for r in row_parts
        ],
        "column_totals": [value(spec.key(ALL, c)) for c in column_parts],
        "total": value(spec.key(ALL, ALL)),
    }


def _sum_if_shown(cells: list[int | None]) -> int | None:
    """A row's total in a table whose row totals are not in the linked system (``TableSpec.row_totals``): the sum
    of its cells when every one is shown — anyone can add them up, so it tells nothing more —, else hidden."""
    return None if any(cell is None for cell in cells) else sum(cells)  # type: ignore[arg-type]


def _whole(number: float) -> float | int:
    """29.0 reads as 29; a half day stays (28.5)."""
    return int(number) if float(number).is_integer() else number


def _on_time_share(value: Value, like: Cell) -> float | None:
    """On time as a share of those due so far (on time plus late), when both counts are shown."""
    on_time, late = value(like._replace(split=ON_TIME)), value(like._replace(split=LATE))
    return _share(on_time, None if on_time is None or late is None else on_time + late)


def _share(part: int | None, total: int | None) -> float | None:
    """part / total as a percentage, only when both are shown (then it tells nothing the counts do not)."""
    if total is None or part is None or total == 0:
        return None
    return round(100 * part / total, 1)


MEASURE_COLUMNS = [
    "Expedited (%)",
    "Resolved so far (%)",
    "Median business days to resolution",
    "First response on time (%)",
    "MCO answered on time (%)",
]


def _weekdays_at_most(calendar_days: int) -> int:
    """The most weekdays any run of that many calendar days holds."""
    return 5 * (calendar_days // 7) + min(calendar_days % 7, 5)


def _late_takes_at_least() -> dict[str, int]:
    """Per measure, business days a resolved complaint late for it took at least — at most this many (a bound from
    above: erring high only hides a median more often): with a late first response, more than the longer time limit
    (a resolution is a response); with a late MCO answer, more than the MCO's calendar days from receipt."""
    return {
        "first_response": settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS + 2,
        "mco_answer": _weekdays_at_most(settings.PORTAL_MCO_ANSWER_DAYS + 1) + 1,
    }


def late_counts_told(period: str, mco: str, middle: float) -> list[Cell]:
    """The late counts a median of ``middle`` days tells something about: below the fewest days a complaint late
    for a measure can take, at least half were not late for it."""
    return [
        Cell(measure, period, mco, ALL, ALL, LATE)
        for measure, fewest in _late_takes_at_least().items()
        if middle < fewest
    ]


def _measures(
    dimensions: Dimensions,
    period: str,
    value: Value,
    days: Days,
    also_medians: frozenset[tuple[str, str]] = frozenset(),
) -> dict[str, object]:
    """Shares and the median per MCO, each shown only when every count it is built on is shown."""
    since = month_of(period_days(period, dimensions)[0])

    def narrowed_shown(mco: str, middle: float) -> bool:
        """Whether every count a median of ``middle`` business days to resolution could narrow is shown. It tells
        roughly when the complaints were resolved after they came in: so each month's count resolved (from the
        period on), received (in the period) and, for all time, each quarter's resolved; and that at least half
        took ``middle`` days or fewer: below the fewest a complaint with a late first response (or a late MCO
        answer) can take, at least half were not late (a median of 1 day over 21 says at least 11 were not
        answered late, so a hidden 3 late answers could not be 11 or more)."""
        cells = [Cell("resolved_in", m, mco, ALL, ALL, ALL) for m in dimensions.months if m >= since]
        cells += [Cell("received", m, mco, ALL, ALL, ALL) for m in months_in(period, dimensions)]
        if period == "all":
            cells += [Cell("outcome", q, mco, ALL, ALL, RESOLVED) for q in quarters(dimensions)]
        cells += late_counts_told(period, mco, middle)
        return all(value(cell) is not None for cell in cells)

    rows, cells = [], []
    for mco, label in [*((m, m) for m in dimensions.mcos), (ALL, "All MCOs")]:
        received = value(Cell("received", period, mco, ALL, ALL, ALL))
        expedited = value(Cell("received", period, mco, ALL, ALL, EXPEDITED))
        resolved = value(Cell("outcome", period, mco, ALL, ALL, RESOLVED))
        durations = days.get((period, mco), [])
        middle = median(durations) if durations else None
        rows.append(label)
        cells.append(
            [
                _share(expedited, received),
                _share(resolved, received),
                _whole(middle)
                if resolved and middle is not None and (narrowed_shown(mco, middle) or (period, mco) in also_medians)
                else None,
                _on_time_share(value, Cell("first_response", period, mco, ALL, ALL, ALL)),
                _on_time_share(value, Cell("mco_answer", period, mco, ALL, ALL, ALL)),
            ]
        )
    return {
        "kind": "measures",
        "title": "Expedited share, time to resolution and deadlines met, by MCO",
        "row_label": "MCO",
        "column_label": "Measure",
        "rows": rows,
        "columns": MEASURE_COLUMNS,
        "cells": cells,
    }
