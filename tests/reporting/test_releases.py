"""Releases of the public statistics: complaints received to the end of last month, as they stood at the end of
that day, published once a month — so comparing one day's figures with the next singles out no complaint."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts import roles
from accounts.services.users import staff_user_create
from complaints import services
from complaints.models import MCO, Complaint
from reporting.aggregates import NOT_SENT, ON_TIME, OPEN, RESOLVED, month_label, month_of
from reporting.selectors import release_day, report_facts
from reporting.services import report_snapshot_refresh
from reporting.tasks import refresh_reports
from tests.complaints.factories import date_events, submit
from tests.factories import RepresentativeFactory

pytestmark = pytest.mark.django_db

RELEASE = release_day(timezone.localdate())  # the last day of last month
BEFORE = timezone.make_aware(datetime.combine(RELEASE - timedelta(days=3), time(10)))  # in the month covered


@pytest.fixture
def supervisor():  # type: ignore[no-untyped-def]
    return staff_user_create(
        email="sue@hfs.example", full_name="Sue Pervisor", password=None, group_name=roles.SUPERVISOR
    )


@pytest.fixture
def rep():  # type: ignore[no-untyped-def]
    return RepresentativeFactory().user


def taken_on_before(rep, staff, **draft) -> Complaint:  # type: ignore[no-untyped-def]
    """Filed and taken on in the month the release covers."""
    complaint = services.complaint_take(complaint=submit(rep, **draft), actor=staff)
    Complaint.objects.filter(pk=complaint.pk).update(submitted_at=BEFORE)
    date_events(complaint, BEFORE, BEFORE)
    return Complaint.objects.get(pk=complaint.pk)


def test_release_day_is_the_last_day_of_the_month_before():
    assert release_day(RELEASE + timedelta(days=1)) == RELEASE
    assert release_day(RELEASE) < RELEASE.replace(day=1)
    assert (RELEASE + timedelta(days=1)).day == 1


def test_a_release_counts_complaints_as_they_stood_at_the_end_of_its_day(rep, supervisor):
    resolved_since = taken_on_before(rep, supervisor)
    services.complaint_resolve(complaint=resolved_since, actor=supervisor, outcome_code="paid", outcome_text="Paid.")
    reopened_since = taken_on_before(rep, supervisor)
    services.complaint_resolve(complaint=reopened_since, actor=supervisor, outcome_code="paid", outcome_text="Paid.")
    date_events(reopened_since, BEFORE, BEFORE, BEFORE + timedelta(hours=1))
    services.complaint_reopen(complaint=reopened_since, actor=supervisor, note="The MCO took the payment back.")
    sent_since = taken_on_before(rep, supervisor)
    services.complaint_forward_to_mco(complaint=sent_since, actor=supervisor)
    submit(rep)  # filed this month: in next month's release

    dimensions, facts = report_facts()

    assert dimensions.months[-1] == month_of(RELEASE)
    assert [(f.outcome, f.first_response, f.mco_answer) for f in facts] == [
        (OPEN, ON_TIME, NOT_SENT),  # resolved only after the release day
        (RESOLVED, ON_TIME, NOT_SENT),  # resolved then, reopened since
        (OPEN, ON_TIME, NOT_SENT),  # sent to the MCO only after the release day
    ]
    assert facts[1].resolved == month_of(RELEASE)


def test_what_happens_after_the_release_day_does_not_change_its_figures(rep, supervisor):
    meridian = MCO.objects.get(short_name="Meridian")
    last_month = [taken_on_before(rep, supervisor) for _ in range(14)]
    last_month += [taken_on_before(rep, supervisor, mco=meridian) for _ in range(12)]
    first = report_snapshot_refresh()
    assert first.covers_to == RELEASE and first.data["tables"]["all"]["received_by_month_and_mco"]["total"] == 26

    # This month: complaints resolved, closed, sent to the MCO, and new ones filed.
    for complaint in last_month[:6]:
        services.complaint_resolve(complaint=complaint, actor=supervisor, outcome_code="paid", outcome_text="Paid.")
    for complaint in last_month[6:8]:
        services.complaint_close(complaint=complaint, actor=supervisor, reason=Complaint.ClosureReason.DUPLICATE)
    for complaint in last_month[14:18]:
        services.complaint_forward_to_mco(complaint=complaint, actor=supervisor)
    for _ in range(12):
        submit(rep)

    assert report_snapshot_refresh().pk == first.pk  # the nightly run: this release is out already
    again = report_snapshot_refresh(again=True)
    assert again.pk != first.pk and again.data == first.data
    # Counted to today instead, the same activity would show: the figures above could have changed.
    assert report_snapshot_refresh(as_of=timezone.localdate(), again=True).data != first.data


def test_the_nightly_task_publishes_each_release_once():
    assert refresh_reports() == refresh_reports()


def test_the_page_and_downloads_say_which_day_the_figures_run_to(client):
    report_snapshot_refresh()
    page = client.get("/reports/").content.decode()
    assert f"Figures to the end of {month_label(month_of(RELEASE))}" in page
    assert "updated once a month" in page
    meta = client.get("/reports/data.json").json()["_meta"]
    assert meta["figures_as_of"] == RELEASE.isoformat()


def test_a_complaint_stays_in_the_provider_type_group_it_was_filed_under(rep):
    """An organization's provider type corrected later does not move its earlier complaints between groups (which
    a later release would show as a difference)."""
    from accounts.models import ProviderOrganization
    from complaints.models import ProviderType

    filed = submit(rep)
    hospital = ProviderType.objects.filter(reporting_group="hospital").first()
    ProviderOrganization.objects.filter(pk=filed.organization_id).update(provider_type=hospital)
    submit(rep)

    _, facts = report_facts(as_of=timezone.localdate())

    assert [fact.group for fact in facts] == ["Physician/APN", "Hospital"]
