"""The public's journey: statistics on the page and as a CSV download; an FFS issue is sent to the FFS line."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint
from reporting.services import report_snapshot_refresh
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_public_reads_the_statistics_and_downloads_the_csv(web):
    # A complaint received 200 days ago: its quarter is published (a quarter appears a month after it ends).
    complaint = submit(RepresentativeFactory().user)
    Complaint.objects.filter(pk=complaint.pk).update(submitted_at=timezone.now() - timedelta(days=200))
    report_snapshot_refresh()
    page = web.go("/")
    page.get_by_role("link", name="Statistics").first.click()
    web.check()
    assert page.get_by_role("heading", level=1).inner_text() == "MCO complaint statistics"
    # A quarter: the tables of complaints resolved by provider type and by topic, each by MCO, under the filter.
    quarter = page.get_by_label("Period", exact=True).locator("option").nth(1).inner_text()
    page.get_by_label("Period", exact=True).select_option(label=quarter)
    page.get_by_label("Provider type", exact=True).select_option(label="Physician/APN")
    page.get_by_role("button", name="Show").click()
    web.check()
    title = "Of the complaints received, those resolved so far, by provider type and MCO"
    assert page.get_by_role("heading", name=title).count()
    page.get_by_label("Period", exact=True).select_option(label="All time")
    page.get_by_label("Provider type", exact=True).select_option(label="All provider types")
    page.get_by_role("button", name="Show").click()
    web.check()
    assert page.get_by_role("heading", name=title).count()  # all time adds up the quarters
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert rows and list(rows[0]) == ["figures_as_of", "period", "table", "row", "column", "value", "unit", "status"]
    assert {row["status"] for row in rows} <= {"shown", "suppressed", "not_applicable"}
    page.get_by_role("link", name="how they are counted").click()
    web.check()
    assert "How the statistics are counted" in page.content()


def test_the_accessibility_check_catches_a_violation(web):
    """The check every journey relies on can fail: an image without a text alternative is reported."""
    web.go("/help/")
    web.page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/favicon.ico\">')")
    with pytest.raises(AssertionError, match="image-alt"):
        web.check()
