"""Staff at a systemic issue (issue 20): open the signal, turn it into an issue, present it to the MCO as one case,
resolve it; each representative reads their own outcome. axe-core checks every page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint, Signal, SystemicIssue
from complaints.services import complaint_take, systemic
from tests.complaints.factories import submit
from tests.e2e.steps import (
    analyst_fixture,  # noqa: F401 - the fixture analyst
    device_code,
    filer_fixture,  # noqa: F401 - the fixture filer
    sign_in,
    sign_out,
)
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _on(week, complaint: Complaint) -> Complaint:
    moment = timezone.make_aware(timezone.datetime.combine(week + timedelta(days=2), timezone.datetime.min.time()))
    Complaint.objects.filter(pk=complaint.pk).update(submitted_at=moment + timedelta(hours=11))
    return complaint


def test_staff_turn_a_signal_into_an_issue_present_and_resolve_it_and_each_filer_reads_their_outcome(
    web, analyst, filer
):
    week = systemic.last_whole_week()
    for back in range(1, 15):
        _on(week - timedelta(weeks=back), submit(RepresentativeFactory().user))
    mine = _on(week, submit(filer[0]))
    others = [_on(week, submit(RepresentativeFactory().user)) for _ in range(7)]
    for complaint in [mine, *others]:  # triaged already (the queue's bulk "Take"), as in the demo
        complaint_take(complaint=complaint, actor=analyst[0])
    # The same claim dates in every complaint: both rules fire (the volume one is opened).
    assert sorted(signal.rule for signal in systemic.signals_detect()) == ["shared_dates", "volume"]

    sign_in(web, analyst[0].email, PASSWORD, lambda: device_code(analyst[1]))
    page = web.go("/admin/complaints/signal/?rule__exact=volume")
    page.locator("#result_list tbody tr th a").first.click()
    web.check()
    assert "New complaints a week" in page.content() and mine.reference in page.content()
    page.get_by_role("button", name="Turn into a systemic issue…").click()
    web.check()
    page.get_by_label("Title (what the complaints have in common, no member details)").fill("Molina denial edit")
    page.get_by_role("button", name="Apply").click()
    web.check()
    assert "Made 1 systemic issue(s) from signals." in page.locator(".messagelist").inner_text()
    issue = SystemicIssue.objects.get()
    assert Signal.objects.get(rule="volume").state == Signal.State.ISSUE

    page = web.go(f"/admin/complaints/systemicissue/{issue.pk}/change/")
    page.get_by_role("button", name="Present to the MCO as one case…").click()
    web.check()
    assert "This cannot be undone." in page.content() and "8 open complaint(s)" in page.content()
    page.get_by_role("button", name="Present to the MCO").click()
    web.check()
    assert "Presented 1 issue(s) to the MCO" in page.locator(".messagelist").inner_text()
    page = web.go(f"/admin/complaints/systemicissue/{issue.pk}/change/")
    page.get_by_role("button", name="Resolve every linked complaint…").click()
    web.check()
    page.get_by_label("Outcome code").select_option(label="Resolved in the provider's favor (paid / reprocessed)")
    outcome = page.get_by_label("Outcome, read by the representative in the portal")
    outcome.fill("Molina withdrew the edit; claims paid.")
    page.get_by_role("button", name="Apply").click()
    web.check()
    assert "Resolved 1 issue(s)" in page.locator(".messagelist").inner_text()
    assert all(c.status == "resolved" for c in Complaint.objects.filter(pk__in=[mine.pk, *(o.pk for o in others)]))
    sign_out(web)

    sign_in(web, filer[0].email, PASSWORD, lambda: device_code(filer[1]))
    page = web.go(f"/complaints/{mine.public_id}/")
    text = page.content()
    assert "Molina withdrew the edit; claims paid." in text
    assert "systemic" not in text.lower() and all(other.reference not in text for other in others)


def test_the_demo_signal_from_signal_to_resolved_and_the_demo_representative_reads_the_outcome(web):
    """The demo as a newcomer finds it (`make run`): the staff user opens the demo's signal, turns it into an issue
    (its default name), presents it to Meridian and resolves it; the demo representative reads the outcome on each of
    their complaints in it."""
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import User
    from demo.accounts import DEMO_PASSWORD
    from tests.helpers import totp_device

    call_command("seed_demo", "--no-release", stdout=StringIO())  # the statistics are not this journey's
    staff = User.objects.get(email="analyst@hfs.demo.example")
    rep = User.objects.get(email="rep@prairie-health.demo.example")
    sign_in(web, staff.email, DEMO_PASSWORD, lambda: device_code(totp_device(staff)))
    page = web.go("/admin/complaints/signal/?rule__exact=volume")
    page.locator("#result_list tbody tr th a").first.click()
    web.check()
    assert "27 new complaints" in page.content()
    page.get_by_role("button", name="Turn into a systemic issue…").click()
    web.check()
    page.get_by_role("button", name="Apply").click()  # the default title: the MCO, topic and week
    web.check()
    issue = SystemicIssue.objects.get()
    assert issue.title.startswith("Meridian: ") and issue.links.count() == 27
    assert set(Signal.objects.values_list("state", flat=True)) == {Signal.State.ISSUE}  # both rules' signals

    page = web.go(f"/admin/complaints/systemicissue/{issue.pk}/change/")
    page.get_by_role("button", name="Present to the MCO as one case…").click()
    web.check()
    page.get_by_role("button", name="Present to the MCO").click()
    web.check()
    assert "Presented 1 issue(s) to the MCO" in page.locator(".messagelist").inner_text()
    page = web.go(f"/admin/complaints/systemicissue/{issue.pk}/change/")
    page.get_by_role("button", name="Resolve every linked complaint…").click()
    web.check()
    page.get_by_label("Outcome code").select_option(label="Resolved in the provider's favor (paid / reprocessed)")
    page.get_by_label("Outcome, read by the representative in the portal").fill("Meridian withdrew the edit.")
    page.get_by_role("button", name="Apply").click()
    web.check()
    sign_out(web)

    mine = list(Complaint.objects.filter(submitted_by=rep, systemic_links__issue=issue))
    assert len(mine) == 3 and all(c.status == "resolved" for c in mine)
    sign_in(web, rep.email, DEMO_PASSWORD, lambda: device_code(totp_device(rep)))
    for complaint in mine:
        text = web.go(f"/complaints/{complaint.public_id}/").content()
        assert "Meridian withdrew the edit." in text and "systemic" not in text.lower()
