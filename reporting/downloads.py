"""The public statistics as open data (R10, DESIGN §7): the same published tables as the page, for download.

``data.csv`` is one line per published number (long format), each saying which release it belongs to, its unit and
whether it is shown, suppressed or not applicable; ``datapackage.json`` describes that file as a Frictionless
Tabular Data Package (a Table Schema with types, constraints, the missing-value marker and the licence), so a data
tool can read and check it as it is. ``data.json`` holds the same tables as the page.
"""

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from portal.decorators import terms_gate_exempt
from reporting import selectors
from reporting.cache import public_release_cached
from reporting.models import ReportSnapshot

LICENCE = "Creative Commons Attribution 4.0 (CC BY 4.0)"
LICENCE_NAME = "CC-BY-4.0"  # its SPDX identifier
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# What a number measures, and whether it is there (the CSV's unit and status columns; the JSON's _meta).
UNITS = {
    "count": "a number of complaints (a whole number)",
    "percent": "a percentage, 0 to 100, to one decimal place",
    "business_days": "a number of business days (weekends and Illinois state holidays not counted); may end in .5",
}
STATUSES = {
    "shown": "the number is published",
    "suppressed": "hidden to protect privacy: it is a count from 1 to 10, or would let one be worked out",
    "not_applicable": "there is nothing to measure (for example no complaint resolved, so no median)",
}
# The CSV's columns: (name, Table Schema type, what it holds), in order. The methodology page lists the same.
FIELDS = (
    ("figures_as_of", "date", "The release: the last day its figures cover (YYYY-MM-DD), the same on every line."),
    ("period", "string", "The period of the numbers: all (all time) or a quarter, YYYY-Qn (such as 2026-Q3)."),
    ("table", "string", "Which table (listed on the methodology page)."),
    ("row", "string", "The row's category, or total for a column's total."),
    ("column", "string", "The column's category, or total for a row's total."),
    (
        "value",
        "number",
        "The number, in its unit; empty unless the status is shown. Counts are whole numbers; percentages and "
        "days may have a decimal point (12.5).",
    ),
    ("unit", "string", "What the number measures."),
    ("status", "string", "Whether the number is there."),
)
VALUES = {"unit": UNITS, "status": STATUSES}  # the columns whose values are one of a list
COLUMNS = tuple(name for name, _, _ in FIELDS)
CSV_NAME = "mco-complaints.csv"
MISSING = ""  # the CSV's marker for a number that is not there (see status)


def _unit_of(label: str) -> str:
    """A measure's unit from its column label, for releases that do not state their units."""
    if "%" in label:
        return "percent"
    return "business_days" if "days" in label.lower() else "count"


def _units(table: dict) -> list[str]:
    if table["kind"] == "counts":
        return ["count"] * len(table["columns"])
    return list(table.get("units") or [_unit_of(label) for label in table["columns"]])


def _status(value: object, not_applicable: bool) -> str:
    if value is not None:
        return "shown"
    return "not_applicable" if not_applicable else "suppressed"


def _numbers(table: dict) -> Iterator[tuple[str, str, object, str, str]]:
    """Each published number of a table: (row, column, value, unit, status), totals after their row or column.

    A count that is not shown is always suppressed; a measure says whether it is hidden or has nothing to measure
    (releases from before that was recorded: hidden)."""
    rows, columns, units = table["rows"], table["columns"], _units(table)
    if table["kind"] != "counts":
        blank = [[False] * len(columns) for _ in rows]
        flags = table.get("not_applicable") or blank
        for row, cells, missing in zip(rows, table["cells"], flags, strict=True):
            for column, value, unit, na in zip(columns, cells, units, missing, strict=True):
                yield row, column, value, unit, _status(value, na)
        return
    for row, cells, total in zip(rows, table["cells"], table["row_totals"], strict=True):
        for column, value in zip(columns, cells, strict=True):
            yield row, column, value, "count", _status(value, False)
        yield row, "total", total, "count", _status(total, False)
    for column, value in zip(columns, table["column_totals"], strict=True):
        yield "total", column, value, "count", _status(value, False)
    yield "total", "total", table["total"], "count", _status(table["total"], False)


def _meta(snapshot: ReportSnapshot | None, filters: selectors.Filters) -> dict[str, object]:
    return {
        "filters": {"period": filters.period, "mco": filters.mco or None, "group": filters.group or None},
        "periods": selectors.periods_of(snapshot),
        "figures_as_of": snapshot.covers_to.isoformat() if snapshot else None,
        "last_updated": snapshot.computed_at.isoformat() if snapshot else None,
        "suppression_threshold": snapshot.threshold if snapshot else None,
        "suppressed_value": None,
        "units": UNITS,
        "statuses": STATUSES,
        "licence": LICENCE,
        "methodology": reverse("reporting:methodology"),
        "datapackage": reverse("reporting:datapackage"),
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
    """Long format: one line per published number, with its release day, unit and status (datapackage.json)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    day = snapshot.covers_to.isoformat() if snapshot else MISSING  # a release always has its day
    for name, table in selectors.tables_for(snapshot, filters).items():
        if table.get("filter_note"):  # not broken down by the provider type asked for: not that type's numbers
            continue
        for row, column, value, unit, status in _numbers(table):
            shown = MISSING if status != "shown" else value
            writer.writerow([day, filters.period, name, row, column, shown, unit, status])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_name(filters)}"'
    return response


def csv_name(filters: selectors.Filters) -> str:
    """The file name a browser saves the CSV under: the filters chosen in it (all time for all: CSV_NAME), so that
    several filtered downloads do not overwrite each other. Only letters, digits and hyphens."""
    chosen = [filters.period if filters.period != "all" else "", filters.mco, filters.group]
    words = [word for word in (slugify(value) for value in chosen) if word]
    return "-".join(["mco-complaints", *words]) + ".csv"


def data_tables(snapshot: ReportSnapshot | None) -> list[dict[str, object]]:
    """Every table the release publishes, in the order of its first period (the name, title, kind and units), for
    the data dictionary and the package's enumeration of table names."""
    seen: dict[str, dict[str, object]] = {}
    for tables in (snapshot.data.get("tables", {}) if snapshot else {}).values():
        for name, table in tables.items():
            entry = seen.setdefault(name, {"name": name, "title": table["title"], "kind": table["kind"], "units": []})
            entry["units"] = list(dict.fromkeys([*entry["units"], *_units(table)]))  # type: ignore[misc]
    return list(seen.values())


def _schema(snapshot: ReportSnapshot | None) -> dict[str, object]:
    """The Table Schema of data.csv for this release (any filtered download of it fits it too)."""
    periods = [period["key"] for period in selectors.periods_of(snapshot)]
    tables = [table["name"] for table in data_tables(snapshot)]
    constraints: dict[str, dict[str, object]] = {
        "period": {"enum": periods} if periods else {"pattern": "all|[0-9]{4}-Q[1-4]"},
        "table": {"enum": tables} if tables else {},
        "value": {"minimum": 0},
        "unit": {"enum": [*UNITS]},
        "status": {"enum": [*STATUSES]},
    }
    return {
        "fields": [
            {
                "name": name,
                "type": kind,
                "description": " ".join([description, *(f"{k}: {v}." for k, v in VALUES.get(name, {}).items())]),
                # Every column but the value is always there (the status says why a value is not).
                "constraints": ({} if name == "value" else {"required": True}) | constraints.get(name, {}),
            }
            for name, kind, description in FIELDS
        ],
        "primaryKey": ["period", "table", "row", "column"],
        "missingValues": [MISSING],
    }


def dictionary(snapshot: ReportSnapshot | None) -> dict[str, object]:
    """What the methodology page's data dictionary lists: the CSV's columns (with the units and statuses) and this
    release's tables, so a table added to the release is listed without editing the page."""
    return {
        "fields": [
            {"name": name, "type": kind, "description": text, "values": VALUES.get(name, {})}
            for name, kind, text in FIELDS
        ],
        "missing": MISSING,
        "tables": data_tables(snapshot),
    }


def package_descriptor(snapshot: ReportSnapshot | None) -> dict[str, object]:
    """data.csv as a Frictionless Tabular Data Package: one resource, its Table Schema, the licence and release."""
    site = settings.PORTAL_BASE_URL.rstrip("/")
    methodology = f"{site}{reverse('reporting:methodology')}"
    release = {}
    if snapshot is not None and snapshot.covers_to is not None:
        release = {"figures_as_of": snapshot.covers_to.isoformat(), "created": snapshot.computed_at.isoformat()}
    return {
        "profile": "tabular-data-package",
        "name": "illinois-medicaid-mco-provider-complaints",
        "title": "Illinois Medicaid: provider complaints about managed care organizations (MCOs), statistics",
        "description": (
            "Complaints that providers filed with HFS about Illinois Medicaid MCOs: how many were received and what "
            "happened to them, by MCO, month, quarter, provider type and topic, and whether the time limits were "
            "met. Counts from 1 to 10, and numbers that would let one be worked out, are suppressed to protect "
            "privacy. Each line of data.csv is one published number with its unit and status. How the numbers are "
            f"counted: {methodology}"
        ),
        "homepage": methodology,
        **release,
        "licenses": [{"name": LICENCE_NAME, "path": LICENCE_URL, "title": LICENCE}],
        "sources": [{"title": "Illinois Department of Healthcare and Family Services (HFS) complaint portal"}],
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": "mco-complaints",
                "path": "data.csv",
                "title": "Published numbers, one per line",
                "description": (
                    "Every number of the release's all-time tables, in long format. The same download with the "
                    "statistics page's filters (period=YYYY-Qn for a quarter's tables, mco, group) has this format "
                    f"too. A browser saves it as {CSV_NAME} (a filtered one with the filters in the name)."
                ),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": _schema(snapshot),
            }
        ],
    }


@login_not_required
@terms_gate_exempt
@require_safe
@public_release_cached("datapackage.json")
def datapackage(request: HttpRequest, snapshot: ReportSnapshot | None, filters: selectors.Filters) -> JsonResponse:
    return JsonResponse(package_descriptor(snapshot), json_dumps_params={"indent": 2})
