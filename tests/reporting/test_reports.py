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
    """15 Molina and 3 Aetna complaints from one physician practice, 12 Molina resolved; 2 Aetna closed."""
    rep = RepresentativeFactory(organization__legal_name="Secret Clinic Name").user
    molina = submit(rep, description="Member Canary Person")
    copies(molina, 11, status="resolved")
    copies(molina, 1, status="resolved")
    copies(molina, 2)
    aetna = submit(rep, mco=MCO.objects.get(short_name="Aetna"))
    copies(aetna, 2, status="closed", closure_reason="not_submitted_to_mco_first")
    return report_snapshot_refresh()


def test_the_numbers_on_a_small_data_set(data):
    table = data.data["tables"]["received_by_mco_and_provider_group"]
    rows = dict(zip(table["rows"], table["row_totals"], strict=True))
    assert rows["Molina"] == 15 and rows["Aetna"] is None  # 3 is suppressed
    assert 0 in [value for row in table["cells"] for value in row]  # zero may be shown
    column = table["columns"].index("Physician/APN")  # the factory organization is a physician practice
    assert table["cells"][table["rows"].index("Molina")][column] == 15
    assert table["total"] == 18
    resolved = data.data["tables"]["resolved_by_mco_and_provider_group"]
    assert dict(zip(resolved["rows"], resolved["row_totals"], strict=True))["Molina"] == 12
    closed = data.data["tables"]["closure_reasons_by_mco"]
    assert closed["total"] is None  # 2 closures: suppressed


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
    assert payload["_meta"]["filters"] == {"period": None, "mco": "Molina", "group": "Physician/APN"}
    rows = list(csv.DictReader(io.StringIO(client.get(f"/reports/data.csv?{query}").content.decode())))
    lines = [r for r in rows if r["table"] == "received_by_mco_and_provider_group" and r["row"] == "Molina"]
    assert [(r["column"], r["value"]) for r in lines] == [("Physician/APN", "15"), ("total", "15")]
    page = client.get(f"/reports/?{query}").content.decode()
    assert "Aetna" not in page.split("received_by_mco_and_provider_group-heading")[1].split("</section>")[0]


def test_a_period_shows_that_quarter(client, data):
    from django.utils import timezone

    from reporting.aggregates import quarter_of

    quarter = quarter_of(timezone.localdate())
    payload = client.get(f"/reports/data.json?period={quarter}").json()
    assert payload["tables"]["received_by_mco_and_provider_group"]["total"] == 18
    assert client.get("/reports/data.json?period=1999-Q1").json()["tables"] == {}
    quarters = client.get("/reports/data.json").json()["tables"]["received_by_quarter_and_mco"]
    assert quarters["rows"] == [quarter] and quarters["total"] == 18


def test_shares_and_medians_are_shown_only_on_large_enough_counts(db):
    from accounts import roles
    from accounts.services.users import staff_user_create
    from complaints import services

    analyst = staff_user_create(email="a@hfs.example", full_name="A", password=None, group_name=roles.TRIAGE_ANALYST)
    rep = RepresentativeFactory().user
    for n in range(12):
        complaint = submit(rep, access_to_care=n < 3, access_to_care_explanation="Urgent" if n < 3 else "")
        services.complaint_take(complaint=complaint, actor=analyst)
        services.complaint_resolve_with_notice(
            complaint=complaint, actor=analyst, outcome_code="paid", outcome_text="x"
        )
    submit(rep, mco=MCO.objects.get(short_name="Aetna"))
    measures = report_snapshot_refresh().data["tables"]["measures_by_mco"]
    row = dict(zip(measures["rows"], measures["cells"], strict=True))
    expedited, median_days, first_on_time, _ = row["Molina"]
    assert expedited == 25.0 and median_days == 0 and first_on_time == 100.0
    assert row["Aetna"] == [None, None, None, None]  # 1 complaint: nothing shown


def test_a_month_table_is_published(client, data):
    from django.utils import timezone

    month = f"{timezone.localtime():%Y-%m}"
    table = client.get("/reports/data.json").json()["tables"]["received_by_month_and_mco"]
    assert table["rows"] == [month] and table["total"] == 18
