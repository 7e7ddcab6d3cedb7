"""The open data (issue 19, item 6): data.csv as a data tool reads it, checked against datapackage.json by the
Frictionless library, offline, as a user who downloaded both files would check them."""

import csv
import html
import io
import json
import socket
from datetime import date, timedelta

import frictionless
import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import MCO
from reporting import downloads
from reporting.aggregates import month_of, quarter_of
from reporting.models import ReportSnapshot
from reporting.services import report_snapshot_refresh
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory
from tests.reporting.test_reports import copies

pytestmark = pytest.mark.django_db


OLD = timezone.now() - timedelta(days=200)  # a quarter published by today (PORTAL_REPORT_COHORT_AGE_MONTHS)
OLD_QUARTER = quarter_of(month_of(timezone.localtime(OLD)))


@pytest.fixture
def release():  # type: ignore[no-untyped-def]
    """A quarter old enough to be published, physician practices: 35 Molina (12 resolved, 23 open), 14 Meridian (none
    resolved: no median to give), 3 Aetna (suppressed)."""
    rep = RepresentativeFactory().user
    molina = submit(rep)
    then = {"submitted_at": OLD, "first_response_due": (OLD + timedelta(days=3)).date()}
    copies(molina, 12, status="resolved", outcome_code="paid", **then)
    copies(molina, 23, **then)
    copies(molina, 14, mco=MCO.objects.get(short_name="Meridian"), **then)
    copies(molina, 3, mco=MCO.objects.get(short_name="Aetna"), **then)
    return report_snapshot_refresh(as_of=timezone.localdate())


def download(client, tmp_path, query: str = "") -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """data.csv (with the query) and datapackage.json, saved side by side as the package names them."""
    csv_response = client.get(f"/reports/data.csv{query}")
    package_response = client.get("/reports/datapackage.json")
    assert csv_response.status_code == package_response.status_code == 200
    assert package_response["Content-Type"] == "application/json"
    (tmp_path / "data.csv").write_bytes(csv_response.content)
    (tmp_path / "datapackage.json").write_bytes(package_response.content)
    return list(csv.DictReader(io.StringIO(csv_response.content.decode())))


def validate(tmp_path, monkeypatch) -> frictionless.Report:  # type: ignore[no-untyped-def]
    """The package and its file, validated with no network: any attempt to reach one fails the validation."""

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("no network in the open data's validation")

    with monkeypatch.context() as offline:
        offline.setattr(socket, "create_connection", refuse)
        offline.setattr(socket, "getaddrinfo", refuse)
        offline.setattr(socket.socket, "connect", refuse)
        return frictionless.validate(str(tmp_path / "datapackage.json"))


def errors(report: frictionless.Report) -> list:
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def line(rows: list[dict[str, str]], table: str, row: str, column: str) -> dict[str, str]:
    (found,) = [r for r in rows if (r["table"], r["row"], r["column"]) == (table, row, column)]
    return found


def test_the_csv_download_is_valid_against_its_data_package(client, release, tmp_path, monkeypatch):
    rows = download(client, tmp_path)
    report = validate(tmp_path, monkeypatch)
    assert report.valid, errors(report)
    assert report.stats["tasks"] == 1 and report.tasks[0].stats["rows"] == len(rows) > 100
    # Every line says which release it is from.
    assert {r["figures_as_of"] for r in rows} == {release.covers_to.isoformat()}
    # A percentage: its unit, and a decimal number (12 of 35 resolved).
    resolved = line(rows, "timeliness_by_mco", "Molina", "Resolved so far (%)")
    assert (resolved["value"], resolved["unit"], resolved["status"]) == ("34.3", "percent", "shown")
    # A suppressed count (Aetna's 3) and a share built on it: empty, and said so.
    aetna = line(rows, "received_by_mco_and_provider_group", "Physician/APN", "Aetna")
    assert (aetna["value"], aetna["unit"], aetna["status"]) == ("", "count", "suppressed")
    aetna_share = line(rows, "timeliness_by_mco", "Aetna", "Resolved so far (%)")
    assert (aetna_share["value"], aetna_share["unit"], aetna_share["status"]) == ("", "percent", "suppressed")
    # A shown count is a whole number; the median is in business days.
    molina = line(rows, "received_by_mco_and_provider_group", "Physician/APN", "Molina")
    assert (molina["value"], molina["unit"], molina["status"]) == ("35", "count", "shown")
    median = line(rows, "timeliness_by_mco", "Molina", "Median business days to resolution")
    assert median["unit"] == "business_days" and median["status"] == "shown" and float(median["value"]) > 0
    # Meridian resolved none: there is no median, which is not a hidden number (releases that record it: §4 of
    # issue 19's contract; one from before reads as suppressed).
    no_median = line(rows, "timeliness_by_mco", "Meridian", "Median business days to resolution")
    assert (no_median["value"], no_median["unit"]) == ("", "business_days")
    recorded = "not_applicable" in release.data["tables"]["all"]["timeliness_by_mco"]
    assert no_median["status"] == ("not_applicable" if recorded else "suppressed")
    assert all(r["value"] == "" for r in rows if r["status"] != "shown")
    assert all(r["value"] != "" for r in rows if r["status"] == "shown")


@pytest.mark.parametrize("query", ["?mco=Meridian", f"?period={OLD_QUARTER}&group=Physician%2FAPN"])
def test_a_filtered_download_fits_the_same_package(client, release, tmp_path, monkeypatch, query):
    rows = download(client, tmp_path, query)
    report = validate(tmp_path, monkeypatch)
    assert report.valid, errors(report)
    assert rows and report.tasks[0].stats["rows"] == len(rows)


def test_the_package_refuses_the_old_file_a_star_for_a_number_and_an_unknown_unit(
    client, release, tmp_path, monkeypatch
):
    """The check can fail: the file as it was before (value only: no release day, unit or status), a suppressed
    number written as * instead of left empty, and a unit outside the list are each refused."""
    rows = download(client, tmp_path)

    def refused(header: list[str], lines: list[list[str]]) -> set[tuple[str, str]]:
        written = io.StringIO()
        csv.writer(written).writerows([header, *lines])
        (tmp_path / "data.csv").write_text(written.getvalue())
        report = validate(tmp_path, monkeypatch)
        assert not report.valid
        return {(kind, field) for _, field, kind, _ in errors(report)}

    old = ["period", "table", "row", "column", "value"]
    assert ("incorrect-label", "figures_as_of") in refused(old, [[r[k] for k in old] for r in rows])
    suppressed = next(i for i, r in enumerate(rows) if r["status"] == "suppressed")
    starred = [list(r.values()) for r in rows]
    starred[suppressed][5] = "*"
    assert refused(list(rows[0]), starred) == {("type-error", "value")}
    unknown = [list(r.values()) for r in rows]
    unknown[0][6] = "percentage"
    assert refused(list(rows[0]), unknown) == {("constraint-error", "unit")}


def test_the_package_describes_the_release_its_licence_and_its_methodology(client, release):
    package = client.get("/reports/datapackage.json").json()
    assert package["profile"] == "tabular-data-package" and package["figures_as_of"] == release.covers_to.isoformat()
    assert package["licenses"] == [
        {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": downloads.LICENCE}
    ]
    assert package["homepage"].endswith("/reports/methodology/")
    (resource,) = package["resources"]
    assert resource["path"] == "data.csv" and resource["profile"] == "tabular-data-resource"
    schema = resource["schema"]
    assert schema["missingValues"] == [""]
    fields = {field["name"]: field for field in schema["fields"]}
    assert list(fields) == ["figures_as_of", "period", "table", "row", "column", "value", "unit", "status"]
    assert fields["value"]["type"] == "number" and fields["figures_as_of"]["type"] == "date"
    assert fields["unit"]["constraints"]["enum"] == ["count", "percent", "business_days"]
    assert fields["status"]["constraints"]["enum"] == ["shown", "suppressed", "not_applicable"]
    # Every table of every period of the release, and nothing else.
    names = {name for tables in release.data["tables"].values() for name in tables}
    assert set(fields["table"]["constraints"]["enum"]) == names


def test_the_json_names_its_package_units_and_statuses(client, release):
    meta = client.get("/reports/data.json").json()["_meta"]
    assert meta["datapackage"] == "/reports/datapackage.json" and meta["suppressed_value"] is None
    assert set(meta["units"]) == {"count", "percent", "business_days"}
    assert set(meta["statuses"]) == {"shown", "suppressed", "not_applicable"}


def test_the_data_dictionary_lists_every_table_of_the_release_and_links_the_package(client, release):
    context = {"open_data": downloads.dictionary(release)}
    page = html.unescape(render_to_string("reporting/_method_data_dictionary.html", context))
    assert 'href="/reports/datapackage.json"' in page
    for tables in release.data["tables"].values():
        for name, table in tables.items():
            assert f"<code>{name}</code>: {table['title']}" in page
    for word in ("figures_as_of", "unit", "status", "business_days", "not_applicable", "suppressed"):
        assert f"<code>{word}</code>" in page
    assert 'href="/reports/datapackage.json"' in client.get("/reports/methodology/").content.decode()


def test_a_release_that_states_units_and_what_is_not_applicable_is_read_as_it_says(client):
    """A measures table says each column's unit and where there is nothing to measure; older releases do not (their
    units come from the column labels, and a missing number is suppressed)."""
    measures = {
        "kind": "measures",
        "title": "Shares",
        "row_label": "MCO",
        "column_label": "Measure",
        "rows": ["Molina", "Meridian"],
        "columns": ["Resolved", "Days"],
        "units": ["percent", "business_days"],
        "cells": [[12.5, None], [None, 3]],
        "not_applicable": [[False, True], [False, False]],
    }
    older = {key: value for key, value in measures.items() if key not in ("units", "not_applicable")}
    older["columns"] = ["Resolved (%)", "Median business days"]
    ReportSnapshot.objects.create(
        threshold=11,
        covers_to=date(2026, 10, 31),
        data={"periods": [{"key": "all", "label": "All time"}], "tables": {"all": {"new": measures, "old": older}}},
    )
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/data.csv").content.decode())))
    got = {(r["table"], r["row"], r["column"]): (r["value"], r["unit"], r["status"]) for r in rows}
    assert got == {
        ("new", "Molina", "Resolved"): ("12.5", "percent", "shown"),
        ("new", "Molina", "Days"): ("", "business_days", "not_applicable"),
        ("new", "Meridian", "Resolved"): ("", "percent", "suppressed"),
        ("new", "Meridian", "Days"): ("3", "business_days", "shown"),
        ("old", "Molina", "Resolved (%)"): ("12.5", "percent", "shown"),
        ("old", "Molina", "Median business days"): ("", "business_days", "suppressed"),
        ("old", "Meridian", "Resolved (%)"): ("", "percent", "suppressed"),
        ("old", "Meridian", "Median business days"): ("3", "business_days", "shown"),
    }
    assert {r["figures_as_of"] for r in rows} == {"2026-10-31"}
    assert json.loads(client.get("/reports/datapackage.json").content)["figures_as_of"] == "2026-10-31"
