"""The public statistics as open data (R10, DESIGN §7): the same published tables as the page, for download."""

import csv
import io

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from portal.decorators import terms_gate_exempt
from reporting import selectors
from reporting.cache import public_release_cached
from reporting.models import ReportSnapshot

LICENCE = "Creative Commons Attribution 4.0 (CC BY 4.0)"


def _meta(snapshot: ReportSnapshot | None, filters: selectors.Filters) -> dict[str, object]:
    return {
        "filters": {"period": filters.period, "mco": filters.mco or None, "group": filters.group or None},
        "periods": selectors.periods_of(snapshot),
        "figures_as_of": snapshot.covers_to.isoformat() if snapshot else None,
        "last_updated": snapshot.computed_at.isoformat() if snapshot else None,
        "suppression_threshold": snapshot.threshold if snapshot else None,
        "suppressed_value": None,
        "licence": LICENCE,
        "methodology": "/reports/methodology/",
    }


@login_not_required
@terms_gate_exempt
@require_safe
@public_release_cached("data.json", selectors.filters_asked)
def data_json(request: HttpRequest, snapshot: ReportSnapshot | None, filters: selectors.Filters) -> JsonResponse:
    return JsonResponse({"_meta": _meta(snapshot, filters), "tables": selectors.tables_for(snapshot, filters)})


@login_not_required
@terms_gate_exempt
@require_safe
@public_release_cached("data.csv", selectors.filters_asked)
def data_csv(request: HttpRequest, snapshot: ReportSnapshot | None, filters: selectors.Filters) -> HttpResponse:
    """Long format: one line per published number; an empty value is a suppressed count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["period", "table", "row", "column", "value"])

    def line(name: str, row: str, column: str, value: object) -> None:
        writer.writerow([filters.period, name, row, column, "" if value is None else value])

    for name, table in selectors.tables_for(snapshot, filters).items():
        if table["kind"] != "counts":
            for row, cells in zip(table["rows"], table["cells"], strict=True):
                for column, value in zip(table["columns"], cells, strict=True):
                    line(name, row, column, value)
            continue
        for row, cells, total in zip(table["rows"], table["cells"], table["row_totals"], strict=True):
            for column, value in zip(table["columns"], cells, strict=True):
                line(name, row, column, value)
            line(name, row, "total", total)
        for column, value in zip(table["columns"], table["column_totals"], strict=True):
            line(name, "total", column, value)
        line(name, "total", "total", table["total"])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mco-complaints.csv"'
    return response
