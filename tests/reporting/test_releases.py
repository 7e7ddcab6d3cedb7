"""Releases of the public statistics: complaints received to the end of last month, as they stood at the end of
that day, published once a month — so comparing one day's figures with the next singles out no complaint."""

import re
from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts import roles
from accounts.models import MCO
from accounts.services.users import staff_user_create
from complaints import services
from complaints.models import Complaint
from reporting.aggregates import LATE, NOT_SENT, ON_TIME, OPEN, RESOLVED, month_of
from reporting.facts import release_day, report_facts
from reporting.services import report_snapshot_refresh
from reporting.tasks import refresh_reports
from tests.complaints.factories import date_events, events_writable, submit
from tests.factories import RepresentativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def release():  # type: ignore[no-untyped-def]
    """The last day of last month: the day the default release covers to."""
    return release_day(timezone.localdate())


def before(release, days: int = 3):  # type: ignore[no-untyped-def]
    """A moment ``days`` before the end of the release day (in the month covered, for a few days)."""
    return timezone.make_aware(datetime.combine(release - timedelta(days=days), time(10)))


def end_of(day):  # type: ignore[no-untyped-def]
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@pytest.fixture
def supervisor():  # type: ignore[no-untyped-def]
    return staff_user_create(
        email="sue@hfs.example", full_name="Sue Pervisor", password=None, group_name=roles.SUPERVISOR
    )


@pytest.fixture
def rep():  # type: ignore[no-untyped-def]
    return RepresentativeFactory().user


def taken_on(rep, staff, at, **draft) -> Complaint:  # type: ignore[no-untyped-def]
    """Filed and taken on at ``at``."""
    complaint = services.complaint_take(complaint=submit(rep, **draft), actor=staff)
    Complaint.objects.filter(pk=complaint.pk).update(submitted_at=at)
    date_events(complaint, at, at)
    return Complaint.objects.get(pk=complaint.pk)


def test_release_day_is_the_last_day_of_the_month_before(release):
    assert release_day(release + timedelta(days=1)) == release
    assert release_day(release) < release.replace(day=1)
    assert (release + timedelta(days=1)).day == 1


def test_a_release_counts_complaints_as_they_stood_at_the_end_of_its_day(rep, supervisor, release):
    at = before(release)
    resolved_since = taken_on(rep, supervisor, at)
    services.complaint_resolve(complaint=resolved_since, actor=supervisor, outcome_code="paid", outcome_text="Paid.")
    reopened_since = taken_on(rep, supervisor, at)
    services.complaint_resolve(complaint=reopened_since, actor=supervisor, outcome_code="paid", outcome_text="Paid.")
    date_events(reopened_since, at, at, at + timedelta(hours=1))
    services.complaint_reopen(complaint=reopened_since, actor=supervisor, note="The MCO took the payment back.")
    sent_since = taken_on(rep, supervisor, at)
    services.complaint_forward_to_mco(complaint=sent_since, actor=supervisor)
    submit(rep)  # filed this month: in next month's release

    dimensions, facts = report_facts()

    assert dimensions.months[-1] == month_of(release)
    assert [(f.outcome, f.first_response, f.mco_answer) for f in facts] == [
        (OPEN, ON_TIME, NOT_SENT),  # resolved only after the release day
        (RESOLVED, ON_TIME, NOT_SENT),  # resolved then, reopened since
        (OPEN, ON_TIME, NOT_SENT),  # sent to the MCO only after the release day
    ]
    assert facts[1].resolved == month_of(release)


def test_the_release_day_ends_at_midnight_illinois_time(rep, supervisor, release):
    end = end_of(release)
    for resolved_at in (end - timedelta(minutes=1), end):
        complaint = taken_on(rep, supervisor, before(release))
        services.complaint_resolve(complaint=complaint, actor=supervisor, outcome_code="paid", outcome_text="Paid.")
        date_events(complaint, before(release), before(release), resolved_at)

    _, facts = report_facts()

    assert [fact.outcome for fact in facts] == [RESOLVED, OPEN]  # 11:59 p.m. on the day; midnight is the next day


def test_the_mco_answer_counts_the_extension_it_had_by_the_release_day(rep, supervisor, release):
    def sent_to_the_mco(days_before: int) -> Complaint:
        complaint = taken_on(rep, supervisor, before(release, days_before + 1))
        complaint = services.complaint_forward_to_mco(complaint=complaint, actor=supervisor)
        date_events(complaint, *[before(release, days_before + 1)] * 2, before(release, days_before))
        sent_on = release - timedelta(days=days_before)  # what the service stores on the day it forwards
        Complaint.objects.filter(pk=complaint.pk).update(forwarded_on=sent_on, mco_answer_due=sent_on + timedelta(30))
        return Complaint.objects.get(pk=complaint.pk)

    def extend(complaint: Complaint, at=None) -> Complaint:  # type: ignore[no-untyped-def]
        complaint = services.complaint_record_mco_answer(
            complaint=complaint, actor=supervisor, note="Needs the records.", extension=True
        )
        if at is not None:
            with events_writable():
                complaint.events.filter(kind="mco_extension").update(created_at=at)
        return complaint

    # Extended in time, answered on day 45 of 60, then sent again after the release day: on time in the release.
    first_round = extend(sent_to_the_mco(50), at=before(release, 40))
    first_round = services.complaint_record_mco_answer(
        complaint=first_round, actor=supervisor, note="Paid.", outcome="pay"
    )
    with events_writable():
        first_round.events.filter(from_status="awaiting_mco").update(created_at=before(release, 5))
    services.complaint_forward_to_mco(complaint=first_round, actor=supervisor)
    # Overdue at the end of the release day, extended only since: late in the release.
    extend(sent_to_the_mco(35))

    _, facts = report_facts()

    assert [fact.mco_answer for fact in facts] == [ON_TIME, LATE]


def test_what_happens_after_the_release_day_does_not_change_its_figures(rep, supervisor, release):
    meridian = MCO.objects.get(short_name="Meridian")
    received = before(release, 100)  # in a quarter that ended at least a month before the release day
    received_then = [taken_on(rep, supervisor, received) for _ in range(14)]
    received_then += [taken_on(rep, supervisor, received, mco=meridian) for _ in range(12)]
    first = report_snapshot_refresh()
    assert first.covers_to == release and first.data["tables"]["all"]["received_by_month_and_mco"]["total"] == 26

    # This month: complaints resolved, closed, sent to the MCO, and new ones filed.
    for complaint in received_then[:6]:
        services.complaint_resolve(complaint=complaint, actor=supervisor, outcome_code="paid", outcome_text="Paid.")
    for complaint in received_then[6:8]:
        services.complaint_close(complaint=complaint, actor=supervisor, reason=Complaint.ClosureReason.DUPLICATE)
    for complaint in received_then[14:18]:
        services.complaint_forward_to_mco(complaint=complaint, actor=supervisor)
    for _ in range(12):
        submit(rep)

    assert report_snapshot_refresh().pk == first.pk  # the nightly run: this release is out already
    again = report_snapshot_refresh(again=True)
    assert again.pk != first.pk and again.data == first.data
    # Counted to today instead, last month's complaints would show what happened to them since.
    month = month_of(received)
    _, now = report_facts(as_of=timezone.localdate())
    of_that_month = Counter((f.outcome, f.mco_answer) for f in now if f.received == month)
    assert of_that_month == {
        (RESOLVED, NOT_SENT): 6,
        ("duplicate", NOT_SENT): 2,
        (OPEN, ON_TIME): 4,
        (OPEN, NOT_SENT): 14,
    }


def test_the_nightly_task_publishes_each_release_once():
    assert refresh_reports() == refresh_reports()


def test_the_page_and_downloads_say_which_day_the_figures_run_to(client, release):
    report_snapshot_refresh()
    page = client.get("/reports/").content.decode()
    # Quarters are published once, a month after they end: the page names the release day and says so, and never
    # claims the figures run to the release day.
    assert f"release of {release:%B} {release.day}, {release.year}" in page
    assert "Each quarter is published once, in the first release at least a month after it ends" in page
    assert "updated once a month" in page
    assert "where they stood that day" not in page
    # No quarter is old enough to publish yet: the period choice still offers all time (it was an empty list).
    assert re.search(r'<option value="all"\s+selected>All time</option>', page)
    meta = client.get("/reports/data.json").json()["_meta"]
    assert meta["figures_as_of"] == release.isoformat()


def test_the_page_shows_the_release_to_the_latest_day(client, release):
    latest = report_snapshot_refresh()
    report_snapshot_refresh(as_of=release - timedelta(days=40), again=True)  # an older release, recomputed
    assert client.get("/reports/data.json").json()["_meta"]["figures_as_of"] == latest.covers_to.isoformat()


def test_a_complaint_stays_in_the_provider_type_group_it_was_filed_under(rep):
    """An organization's provider type corrected later does not move its earlier complaints between groups (which
    a later release would show as a difference)."""
    from accounts.models import ProviderOrganization, ProviderType

    filed = submit(rep)
    hospital = ProviderType.objects.filter(reporting_group="hospital").first()
    ProviderOrganization.objects.filter(pk=filed.organization_id).update(provider_type=hospital)
    submit(rep)

    _, facts = report_facts(as_of=timezone.localdate())

    assert [fact.group for fact in facts] == ["Physician/APN", "Hospital"]
