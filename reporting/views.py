"""Public statistics (R10, DESIGN §7): no sign-in; every page reads only the latest snapshot."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from portal.decorators import terms_gate_exempt
from reporting import selectors
from reporting.aggregates import OUTCOMES, REASON_NOT_FIRST, RESOLVED, Dimensions, period_days
from reporting.cache import public_release_cached
from reporting.downloads import LICENCE
from reporting.models import ReportSnapshot

BAR_WIDTH = 290  # of a 360-unit-wide chart: room for the value after the longest bar
BAR_ROW = 44  # a label line, then its bar


def _query(filters: selectors.Filters) -> str:
    """The filters chosen, for the filtered downloads' links (only those the page reads, none left at default)."""
    chosen = {"period": filters.period if filters.period != "all" else "", "mco": filters.mco, "group": filters.group}
    return urlencode({name: value for name, value in chosen.items() if value})


def _lower(label: str) -> str:
    """A column or row label inside a sentence: "Provider type" reads "provider type", "MCO" stays "MCO"."""
    return label if label.isupper() else label.lower()


def _chart(table: dict, by_column: bool = False) -> dict[str, object]:
    """Horizontal bars, scaled to the largest shown value; a suppressed value gets a marker, not a bar. The takeaway
    names the largest shown value, and says when a suppressed one could be larger.

    The bars are the row totals (the column totals with ``by_column``: a table whose row totals are shown only where
    the whole row is); when a filter leaves one column (one MCO), that column's values; when it leaves one row (one
    provider type), that row's values across the columns.
    """
    rows, columns = table["rows"], table["columns"]
    if len(rows) == 1 and len(columns) > 1:
        labels, values, scope = columns, table["cells"][0], f"{rows[0]}, by {_lower(table['column_label'])}"
    elif len(columns) == 1:
        labels, values, scope = (
            rows,
            [cells[0] for cells in table["cells"]],
            f"{columns[0]}, by {_lower(table['row_label'])}",
        )
    elif by_column:
        labels, values, scope = columns, table["column_totals"], f"totals by {_lower(table['column_label'])}"
    else:
        labels, values, scope = rows, table["row_totals"], f"totals by {_lower(table['row_label'])}"
    largest = max((value for value in values if value is not None), default=0) or 1
    bars = [
        {
            "label": label,
            "value": value,
            "width": 0 if value is None else round(BAR_WIDTH * value / largest),
            "y": index * BAR_ROW,
        }
        for index, (label, value) in enumerate(zip(labels, values, strict=True))
    ]
    top = max(
        ((label, value) for label, value in zip(labels, values, strict=True) if value), key=lambda p: p[1], default=None
    )
    takeaway = f"{top[0]} has the most: {top[1]:,}." if top else "Every count here is zero or suppressed."
    if top and None in values:  # said whatever the hidden values are, so it tells nothing about them
        takeaway = f"Of the numbers shown, {top[0]} has the most: {top[1]:,}. A suppressed one (*) may be larger."
    return {"bars": bars, "height": len(bars) * BAR_ROW + 4, "takeaway": takeaway, "scope": scope}


RESOLVED_BY_HEADING = "Resolved, or closed because the MCO was not given the chance first: by provider type and topic"
SECTIONS = [
    (
        "Complaints received",
        ["received_by_month_and_mco", "received_by_mco_and_provider_group", "received_by_topic_and_mco"],
    ),
    ("What happened to them", ["outcome_by_mco", "timeliness_by_mco", "expedited_by_mco", "resolved_by_month_and_mco"]),
    (
        RESOLVED_BY_HEADING,
        [
            "resolved_by_provider_group_and_mco",
            "resolved_by_topic_and_mco",
            "closed_not_first_by_provider_group_and_mco",
            "closed_not_first_by_topic_and_mco",
        ],
    ),
    ("Time limits", ["first_response_by_mco", "mco_answer_by_mco"]),
]
# What a section says under its heading: (when the period has its tables, when it has none of them).
SECTION_NOTES = {
    RESOLVED_BY_HEADING: (
        "Of the complaints received in the period, by MCO: how many were resolved, and how many were closed "
        "because the MCO had not been given the chance to resolve them first, as they stood when their quarter was "
        "published (all time adds up the quarters). A provider type's or topic's Total is shown only when every "
        "MCO's number in its row is shown: it is then their sum.",
        "These tables are not published for all time: some quarters were published before these tables existed, "
        "so they cannot be added up for all time. Choose a quarter under Period above.",
    )
}

# A split table (a few columns and a total per MCO) would chart the MCO totals again: it is a table only.
UNCHARTED = {"expedited_by_mco", "first_response_by_mco", "mco_answer_by_mco"}
# Tables whose row totals are shown only where every cell of the row is (reporting.tables.TableSpec.row_totals):
# their chart has a bar per MCO instead.
CHARTED_BY_COLUMN = set(dict(SECTIONS)[RESOLVED_BY_HEADING])
OUTCOME_LABEL = dict(OUTCOMES)


def _summary(tables: dict[str, dict], by_group: bool = False) -> list[dict[str, object]]:
    """Headline numbers for the filters (one MCO, or all): received, and what happened to them. Under a provider
    type filter only the complaints received, and where the period has the tables by provider type what happened to
    them, can be that type's (those tables, narrowed to its row): otherwise the other figures are left out rather
    than shown for every provider type under that type's name."""

    def total(name: str, row_label: str | None = None) -> int | None:
        """The table's total, or one row's (a filtered table's totals are already the kept rows' and columns')."""
        table = tables.get(name)
        if not table or (row_label is not None and row_label not in table["rows"]):
            return None
        return table["total"] if row_label is None else table["row_totals"][table["rows"].index(row_label)]

    closed_not_first = "Closed because the MCO had not been given the chance to resolve it first"
    if by_group:
        figures = [("Complaints received", total("received_by_mco_and_provider_group"))]
        if "resolved_by_provider_group_and_mco" in tables:  # what happened, by provider type
            figures.append(("Resolved so far", total("resolved_by_provider_group_and_mco")))
            figures.append((closed_not_first, total("closed_not_first_by_provider_group_and_mco")))
        return [{"label": label, "value": "*" if value is None else f"{value:,}"} for label, value in figures]
    figures = [
        ("Complaints received", total("outcome_by_mco")),
        ("Resolved so far", total("outcome_by_mco", OUTCOME_LABEL[RESOLVED])),
        (closed_not_first, total("outcome_by_mco", OUTCOME_LABEL[REASON_NOT_FIRST])),
    ]
    return [{"label": label, "value": "*" if value is None else f"{value:,}"} for label, value in figures]


@login_not_required
@terms_gate_exempt
@require_safe
@public_release_cached("report", selectors.filters_asked)
def report_page(request: HttpRequest, snapshot: ReportSnapshot | None, filters: selectors.Filters) -> HttpResponse:
    tables = selectors.tables_for(snapshot, filters)
    sections = []
    for heading, names in SECTIONS:
        shown = []
        for name in names:
            if name not in tables:
                continue
            table = tables[name]
            entry = {"name": name, **table}
            if table["kind"] == "counts":
                entry |= {"rows_cells": _rows(table)}
                if name not in UNCHARTED:
                    entry["chart"] = _chart(table, by_column=name in CHARTED_BY_COLUMN)
            else:
                pairs = zip(table["rows"], table["cells"], strict=True)
                entry |= {"rows_cells": [{"label": label, "cells": cells} for label, cells in pairs]}
            shown.append(entry)
        notes = SECTION_NOTES.get(heading, (None, None))
        # All time explains where they are only when some quarter has them (a release from before them: none).
        elsewhere = filters.period == "all" and selectors.published_anywhere(snapshot, names)
        note = notes[0] if shown else notes[1] if elsewhere else None
        if shown or note:
            sections.append({"heading": heading, "tables": shown, "note": note})
    periods = selectors.periods_of(snapshot)
    everything = selectors.tables_for(snapshot, selectors.Filters())
    by_group = everything.get("received_by_mco_and_provider_group", {})
    context = {
        "snapshot": snapshot,
        "sections": sections if tables else [],
        "summary": _summary(tables, by_group=bool(filters.group)),
        "filters": filters,
        "periods": periods,
        # The last day of the newest quarter published (quarters are published once, a month after they end).
        "published_to": next(
            (period_days(p["key"], Dimensions([], [], [], []))[1] for p in periods if p["key"] != "all"), None
        ),
        "period_label": next((p["label"] for p in periods if p["key"] == filters.period), None),
        "query": _query(filters),
        "mcos": by_group.get("columns", []),
        "groups": by_group.get("rows", []),
        "nav_current": "reports",
    }
    return render(request, "reporting/report.html", context)


def _rows(table: dict) -> list[dict[str, object]]:
    return [
        {"label": label, "cells": cells, "total": total}
        for label, cells, total in zip(table["rows"], table["cells"], table["row_totals"], strict=True)
    ]


@login_not_required
@terms_gate_exempt
@require_safe
@public_release_cached("methodology")
def methodology(request: HttpRequest, snapshot: ReportSnapshot | None, filters: selectors.Filters) -> HttpResponse:
    threshold = snapshot.threshold if snapshot else 11
    context = {
        "threshold": threshold,
        "licence": LICENCE,
        "first_response_days": settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS,
        "first_response_days_expedited": settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS_EXPEDITED,
        "mco_answer_days": settings.PORTAL_MCO_ANSWER_DAYS,
    }
    return render(request, "reporting/methodology.html", context)
