"""Public statistics: aggregates on a small data set, one snapshot behind every page, CSV = JSON = page."""

import csv
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import MCO, Complaint
from reporting.services import report_snapshot_refresh
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory

pytestmark = pytest.mark.django_db


def copies(complaint: Complaint, count: int, **changes) -> None:  # type: ignore[no-untyped-def]
    rows = []
    for _ in range(count):
        row = Complaint.objects.get(pk=complaint.pk)
        row.pk, row.public_id, row.idempotency_key = None, uuid.uuid4(), uuid.uuid4()
        row.reference = f"MCO-2097-{uuid.uuid4().int % 10**6:06d}"
        for name, value in changes.items():
            setattr(row, name, value)
        rows.append(row)
    Complaint.objects.bulk_create(rows)


@pytest.fixture
def data():  # type: ignore[no-untyped-def]
    """One physician practice: 15 Molina, 14 Meridian, 12 BCCHP and 3 Aetna complaints."""
    rep = RepresentativeFactory(organization__legal_name="Secret Clinic Name").user
    molina = submit(rep, description="Member Canary Person")
    copies(molina, 11, status="resolved")
    copies(molina, 1, status="resolved")
    copies(molina, 2)
    aetna = submit(rep, mco=MCO.objects.get(short_name="Aetna"))
    copies(aetna, 2, status="closed", closure_reason="not_submitted_to_mco_first")
    copies(molina, 14, mco=MCO.objects.get(short_name="Meridian"))
    copies(molina, 12, mco=MCO.objects.get(short_name="BCCHP"))
    return report_snapshot_refresh()


def test_the_numbers_on_a_small_data_set(data):
    table = data.data["tables"]["received_by_mco_and_provider_group"]
    rows = dict(zip(table["rows"], table["row_totals"], strict=True))
    assert rows["Molina"] == 15 and rows["Aetna"] is None  # 3 is suppressed
    assert 0 in [value for row in table["cells"] for value in row]  # zero may be shown
    column = table["columns"].index("Physician/APN")  # the factory organization is a physician practice
    assert table["cells"][table["rows"].index("Molina")][column] == 15
    assert table["total"] == 44
    assert set(data.data["tables"]) == {"received_by_mco_and_provider_group", "received_by_category_and_mco"}


def test_no_count_from_1_to_10_is_published_anywhere(data):
    for table in data.data["tables"].values():
        numbers = [v for row in table["cells"] for v in row] + table["row_totals"] + table["column_totals"]
        numbers.append(table["total"])
        assert all(v is None or v == 0 or v >= 11 for v in numbers)


def test_csv_json_and_page_show_the_same_numbers(client, data):
    payload = client.get("/reports/data.json").json()
    assert payload["_meta"]["suppression_threshold"] == 11 and payload["_meta"]["last_updated"]
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/data.csv").content.decode())))
    page = client.get("/reports/").content.decode()
    for name, table in payload["tables"].items():
        for row, cells in zip(table["rows"], table["cells"], strict=True):
            for column, value in zip(table["columns"], cells, strict=True):
                line = next(r for r in rows if r["table"] == name and r["row"] == row and r["column"] == column)
                assert line["value"] == ("" if value is None else str(value))
        assert table["title"] in page
    assert "15" in page and "* suppressed" in page


def test_pages_and_downloads_run_a_fixed_number_of_queries(client, data):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = {url: count(url) for url in ("/reports/", "/reports/data.csv", "/reports/data.json")}
    rep = RepresentativeFactory().user
    copies(submit(rep), 60)
    report_snapshot_refresh()
    assert {url: count(url) for url in before} == before
    assert max(before.values()) <= 3


def test_no_phi_or_organization_names_in_anything_published(client, data):
    for url in ("/reports/", "/reports/data.csv", "/reports/data.json", "/reports/methodology/"):
        body = client.get(url).content.decode()
        for secret in ("Secret Clinic Name", "Canary", "123456789", "Pat Example", "MCO-20"):
            assert secret not in body, (url, secret)


def test_the_page_is_public_and_says_when_there_is_nothing_yet(client):
    response = client.get("/reports/")
    assert response.status_code == 200 and "being prepared" in response.content.decode()


def test_refresh_reports_command_makes_a_snapshot(db):
    from io import StringIO

    from django.core.management import call_command

    from reporting.models import ReportSnapshot

    out = StringIO()
    call_command("refresh_reports", stdout=out)
    assert ReportSnapshot.objects.count() == 1 and "refreshed" in out.getvalue()


def test_charts_are_accessible_svg_with_a_takeaway(client, data):
    page = client.get("/reports/").content.decode()
    assert '<svg role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "Molina has the most: 15." in page


def test_filters_narrow_page_csv_and_json_alike(client, data):
    query = "mco=Molina&group=Physician%2FAPN"
    payload = client.get(f"/reports/data.json?{query}").json()
    table = payload["tables"]["received_by_mco_and_provider_group"]
    assert table["rows"] == ["Molina"] and table["columns"] == ["Physician/APN"] and table["cells"] == [[15]]
    assert payload["_meta"]["filters"] == {"mco": "Molina", "group": "Physician/APN"}
    rows = list(csv.DictReader(io.StringIO(client.get(f"/reports/data.csv?{query}").content.decode())))
    lines = [r for r in rows if r["table"] == "received_by_mco_and_provider_group" and r["row"] == "Molina"]
    assert [(r["column"], r["value"]) for r in lines] == [("Physician/APN", "15"), ("total", "15")]
    page = client.get(f"/reports/?{query}").content.decode()
    assert "Aetna" not in page.split("received_by_mco_and_provider_group-heading")[1].split("</section>")[0]


def test_an_mco_total_hidden_in_one_table_is_hidden_in_the_other(client, data):
    tables = client.get("/reports/data.json").json()["tables"]
    by_group, by_topic = tables["received_by_mco_and_provider_group"], tables["received_by_category_and_mco"]
    group_totals = dict(zip(by_group["rows"], by_group["row_totals"], strict=True))
    topic_totals = dict(zip(by_topic["columns"], by_topic["column_totals"], strict=True))
    assert group_totals == topic_totals
    assert group_totals["Aetna"] is None and by_group["total"] == by_topic["total"]


def test_hidden_cells_of_a_row_never_add_up_to_a_small_count_next_to_a_shown_total(data):
    for table in data.data["tables"].values():
        for row, cells, total in zip(table["rows"], table["cells"], table["row_totals"], strict=True):
            if total is None:
                continue
            hidden_sum = total - sum(v for v in cells if v is not None)
            assert hidden_sum == 0 or hidden_sum >= 11, (row, cells, total)
