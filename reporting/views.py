"""Public statistics (R10, DESIGN §7): no sign-in; every page reads only the latest snapshot."""

import csv
import io

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.decorators import terms_gate_exempt
from reporting import selectors
from reporting.models import ReportSnapshot

LICENCE = "Creative Commons Attribution 4.0 (CC BY 4.0)"
BAR_WIDTH = 420


def _filters(request: HttpRequest) -> selectors.Filters:
    return selectors.Filters(
        mco=request.GET.get("mco", "")[:40],
        group=request.GET.get("group", "")[:40],
    )


def _chart(table: dict) -> dict[str, object]:
    """Bars for the row totals, scaled to the largest shown one; suppressed rows get a marker, not a bar."""
    shown = [value for value in table["row_totals"] if value is not None]
    largest = max(shown, default=0) or 1
    bars = []
    for index, (label, value) in enumerate(zip(table["rows"], table["row_totals"], strict=True)):
        width = 0 if value is None else round(BAR_WIDTH * value / largest)
        bars.append({"label": label, "value": value, "width": width, "y": index * 28})
    top = max(
        ((label, value) for label, value in zip(table["rows"], table["row_totals"], strict=True) if value),
        key=lambda pair: pair[1],
        default=None,
    )
    takeaway = f"{top[0]} has the most: {top[1]}." if top else "No shown counts yet."
    return {"bars": bars, "height": len(bars) * 28 + 4, "takeaway": takeaway}


@login_not_required
@terms_gate_exempt
@require_safe
def report_page(request: HttpRequest) -> HttpResponse:
    snapshot = selectors.snapshot_latest()
    filters = _filters(request)
    tables = [
        {"name": name, **table, "chart": _chart(table), "rows_cells": _rows(table)}
        for name, table in selectors.tables_for(snapshot, filters).items()
    ]
    full = snapshot.data["tables"] if snapshot else {}
    context = {
        "snapshot": snapshot,
        "tables": tables,
        "filters": filters,
        "query": request.GET.urlencode(),
        "mcos": full.get("received_by_mco_and_provider_group", {}).get("rows", []),
        "groups": full.get("received_by_mco_and_provider_group", {}).get("columns", []),
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
def methodology(request: HttpRequest) -> HttpResponse:
    snapshot = selectors.snapshot_latest()
    threshold = snapshot.threshold if snapshot else 11
    return render(request, "reporting/methodology.html", {"threshold": threshold, "licence": LICENCE})


def _meta(snapshot: ReportSnapshot | None, filters: selectors.Filters) -> dict[str, object]:
    return {
        "filters": {"mco": filters.mco or None, "group": filters.group or None},
        "last_updated": snapshot.computed_at.isoformat() if snapshot else None,
        "suppression_threshold": snapshot.threshold if snapshot else None,
        "suppressed_value": None,
        "licence": LICENCE,
        "methodology": "/reports/methodology/",
    }


@login_not_required
@terms_gate_exempt
@require_safe
def data_json(request: HttpRequest) -> JsonResponse:
    snapshot = selectors.snapshot_latest()
    filters = _filters(request)
    return JsonResponse({"_meta": _meta(snapshot, filters), "tables": selectors.tables_for(snapshot, filters)})


@login_not_required
@terms_gate_exempt
@require_safe
def data_csv(request: HttpRequest) -> HttpResponse:
    """Long format: one line per published number; an empty value is a suppressed count."""
    snapshot = selectors.snapshot_latest()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "row", "column", "value"])
    for name, table in selectors.tables_for(snapshot, _filters(request)).items():
        for row, cells, total in zip(table["rows"], table["cells"], table["row_totals"], strict=True):
            for column, value in zip(table["columns"], cells, strict=True):
                writer.writerow([name, row, column, "" if value is None else value])
            writer.writerow([name, row, "total", "" if total is None else total])
        for column, value in zip(table["columns"], table["column_totals"], strict=True):
            writer.writerow([name, "total", column, "" if value is None else value])
        writer.writerow([name, "total", "total", "" if table["total"] is None else table["total"]])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mco-complaints.csv"'
    return response
