"""Systemic issues (issue 20, DESIGN §12): the detector's rule and its false-alarm rate, signals over real
complaints, and the issue's verbs — each linked complaint through its own service, each representative their own
notice, no PHI in any email, at most one open issue per complaint."""

import itertools
from datetime import timedelta

import numpy
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import MCO, MCOMembership
from complaints import detection, services
from complaints.models import Category, Complaint, ComplaintEvent, Signal, SystemicIssue
from complaints.rules import ClaimLine
from complaints.services import complaint_take, systemic
from portal.models import OutboundEmail
from tests.complaints.factories import submit, triage_analyst
from tests.factories import RepresentativeFactory, UserFactory
from tests.helpers import sign_in

CANARY = "CANARY-Pat-Zebra-987654321"
PHI = (CANARY, "Pat Example", "123456789", "MOL-555-0101")
WEEKS = 12
ALPHA = 0.001


def week_counts(counts: list[int], organizations: int = 5, mco: int = 1, category: int = 1) -> list:
    """Weekly counts ending in the week of 2026-11-30 (the last one is the week looked at)."""
    last = detection.week_of(timezone.datetime(2026, 11, 30).date())
    first = last - timedelta(weeks=len(counts) - 1)
    return [
        detection.WeekCount(mco, category, first + timedelta(weeks=i), count, organizations)
        for i, count in enumerate(counts)
    ]


def fired(counts: list, **overrides) -> list[detection.Finding]:  # type: ignore[no-untyped-def]
    options = {"history_weeks": WEEKS, "alpha": ALPHA, "min_organizations": 3, **overrides}
    return detection.findings(counts, counts[-1].week, **options)


# The rule, on synthetic weekly counts ----------------------------------------------------------------------------


def test_a_spike_injected_into_steady_weekly_counts_is_found_with_its_numbers():
    steady = [2, 3, 1, 2, 4, 2, 3, 2, 1, 3, 2, 3]  # 28 in 12 weeks
    found = fired(week_counts([*steady, 15]))
    assert len(found) == 1
    finding = found[0]
    assert (finding.observed, finding.organizations) == (15, 5)
    assert finding.expected == pytest.approx(28 / 12)
    assert finding.p_value <= ALPHA
    assert finding.limit <= 15
    assert detection.upper_tail(finding.limit, finding.limit + 28, 1 / 13) <= ALPHA
    assert detection.upper_tail(finding.limit - 1, finding.limit - 1 + 28, 1 / 13) > ALPHA  # the smallest
    assert fired(week_counts([*steady, 4])) == []  # an ordinary week


def test_only_the_week_looked_at_fires_and_other_weeks_and_pairs_are_kept_apart():
    spike = week_counts([1] * WEEKS + [12])
    other = week_counts([1] * WEEKS + [1], category=2)
    old_spike = week_counts([20] + [1] * WEEKS, category=3)  # a spike in the history is not this week's signal
    found = fired([*spike, *other, *old_spike])
    assert [(f.mco_id, f.category_id) for f in found] == [(1, 1)]


def test_fewer_than_three_organizations_is_not_a_systemic_signal():
    counts = [1] * WEEKS + [20]
    assert fired(week_counts(counts, organizations=2)) == []
    assert len(fired(week_counts(counts, organizations=3))) == 1


@pytest.mark.parametrize("rate", [0.3, 1.0, 3.0, 10.0, 40.0])
def test_on_steady_counts_the_false_alarm_rate_is_within_the_stated_rate(rate):
    """Stationary Poisson weeks, 4,000 MCO-category-weeks per rate, fixed seeds: the share that fires is at most the
    stated rate. Checked at 1 in 100 (so that a wrong rule shows in 4,000 weeks) and at the portal's 1 in 1,000."""
    for alpha in (0.01, ALPHA):
        alarms = trials = 0
        for seed in range(200):
            weeks = numpy.random.default_rng(seed).poisson(rate, size=(20, WEEKS + 1))
            for row in weeks:
                counts = week_counts([int(n) for n in row])
                alarms += len(fired(counts, alpha=alpha, min_organizations=0))
                trials += 1
        assert alarms / trials <= alpha, (rate, alpha, alarms, trials)


def test_the_rule_has_power_where_the_false_alarm_rate_is_kept():
    """The same steady weeks with the last one five times the rate: most are found (a rule that never fires would
    pass the false-alarm test above)."""
    found = trials = 0
    for seed in range(100):
        history = numpy.random.default_rng(seed).poisson(3.0, size=WEEKS)
        spike = int(numpy.random.default_rng(1000 + seed).poisson(15.0))
        found += len(fired(week_counts([*map(int, history), spike]), min_organizations=0))
        trials += 1
    assert found / trials >= 0.8


# Over the database ---------------------------------------------------------------------------------------------


_DAYS = itertools.count()


def filed_in(week, *, organizations: int, each: int = 1, **overrides):  # type: ignore[no-untyped-def]
    """Complaints about claim denials against Molina, filed on the Tuesday of ``week`` by distinct organizations.
    Unless ``lines`` are given, each organization's claims are for a day of service no other complaint has (so the
    dates-of-service rule stays quiet)."""
    complaints = []
    moment = timezone.make_aware(timezone.datetime.combine(week + timedelta(days=1), timezone.datetime.min.time()))
    for _ in range(organizations):
        user = RepresentativeFactory().user
        day = timezone.localdate() - timedelta(days=41 + next(_DAYS) % 300)
        lines = overrides.get("lines") or [ClaimLine("Pat Example", "123456789", day, None, "CLM-1", None)]
        for _ in range(each):
            complaint = submit(user, **{**overrides, "lines": lines})
            Complaint.objects.filter(pk=complaint.pk).update(submitted_at=moment + timedelta(hours=10))
            complaints.append(complaint)
    return complaints


@pytest.fixture
def spike(db):  # type: ignore[no-untyped-def]
    """One complaint a week for 14 weeks, then 8 from 4 organizations in the last whole week."""
    week = systemic.last_whole_week()
    for back in range(1, 15):
        filed_in(week - timedelta(weeks=back), organizations=1)
    return week, filed_in(week, organizations=4, each=2, description=f"Member {CANARY} refused.")


def test_the_nightly_detection_raises_one_signal_with_the_weeks_complaints_and_says_why(spike):
    week, complaints = spike
    raised = systemic.signals_detect()
    assert len(raised) == 1
    signal = raised[0]
    assert (signal.mco.short_name, signal.category.code, signal.week_start) == ("Molina", "claim-denial", week)
    assert (signal.observed, signal.organizations, signal.rule) == (8, 4, Signal.Rule.VOLUME)
    assert signal.expected == pytest.approx(1.0)
    assert sorted(signal.complaints.values_list("pk", flat=True)) == sorted(c.pk for c in complaints)
    assert "8 new complaints" in signal.why and "4 organizations" in signal.why and "1.0 a week" in signal.why
    assert CANARY not in signal.why
    assert systemic.signals_detect() == []  # the same week again raises nothing twice
    assert Signal.objects.count() == 1


def test_no_history_no_signal(db):
    week = systemic.last_whole_week()
    filed_in(week, organizations=4, each=3)
    assert systemic.signals_detect() == []


def test_the_detection_task_and_command_run_it(spike, capsys):
    from django.core.management import call_command

    from complaints.tasks import detect_signals

    assert detect_signals() == 1
    call_command("detect_signals", "--weeks", "3")
    out = capsys.readouterr().out
    assert out.count("new signal(s)") == 3
    with pytest.raises(Exception, match="--weeks must be 1 or more"):
        call_command("detect_signals", "--weeks", "0")


def test_counting_the_weeks_is_one_aggregate_query(spike):
    week, _ = spike
    with CaptureQueriesContext(connection) as queries:
        counts = detection.weekly_counts(week - timedelta(weeks=WEEKS), week)
    assert len(queries) == 1
    assert "GROUP BY" in queries[0]["sql"].upper() and "COUNT(DISTINCT" in queries[0]["sql"].upper()
    assert sum(count.complaints for count in counts) == 12 + 8


# The issue's verbs -------------------------------------------------------------------------------------------------


@pytest.fixture
def molina_people(db):  # type: ignore[no-untyped-def]
    molina = MCO.objects.get(short_name="Molina")
    molina.notification_email = "complaints@molina.example"
    molina.save()
    liaison = MCOMembership.objects.create(user=UserFactory(), mco=molina).user
    return {"analyst": triage_analyst(), "liaison": liaison}


def rendered(messages) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.subject + m.body + "".join(body for body, _ in m.alternatives) for m in messages]


def test_a_signal_becomes_an_issue_presented_once_and_resolved_for_each_representative(
    spike, molina_people, django_capture_on_commit_callbacks
):
    _, complaints = spike
    analyst = molina_people["analyst"]
    signal = systemic.signals_detect()[0]
    for complaint in complaints:  # triaged (the queue's bulk "Take"): only complaints in review are sent
        complaint_take(complaint=complaint, actor=analyst)
    issue = systemic.issue_from_signal(signal=signal, actor=analyst)
    signal.refresh_from_db()
    assert (signal.state, signal.issue_id) == (Signal.State.ISSUE, issue.pk)
    assert sorted(issue.complaints.values_list("pk", flat=True)) == sorted(c.pk for c in complaints)
    assert "Molina" in issue.title

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        presented = systemic.issue_present_to_mco(issue=issue, actor=analyst)
    assert len(presented.forwarded) == 8
    assert all(
        c.status == Complaint.Status.AWAITING_MCO for c in Complaint.objects.filter(pk__in=[c.pk for c in complaints])
    )
    assert OutboundEmail.objects.filter(kind="complaints.mco_notice").count() == 0  # no notice per complaint
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["complaints@molina.example", molina_people["liaison"].email])
    for text in rendered(mail.outbox):  # one notice listing the references, nothing else
        assert all(c.reference in text for c in complaints)
        assert all(canary not in text for canary in PHI)
        assert issue.title not in text

    systemic.issue_record_corrective_action(issue=issue, actor=analyst, corrective_action="Edit 42 withdrawn.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        systemic.issue_resolve(issue=issue, actor=analyst, outcome_code="paid", outcome_text="Claims reprocessed.")
    issue.refresh_from_db()
    assert issue.state == SystemicIssue.State.RESOLVED and not issue.links.filter(open=True).exists()
    for complaint in complaints:
        complaint.refresh_from_db()
        assert (complaint.status, complaint.outcome_code, complaint.outcome_text) == (
            "resolved",
            "paid",
            "Claims reprocessed.",
        )
        assert complaint.events.filter(to_status="resolved").count() == 1
    # One notice each, to each complaint's own contact address only, with no PHI and no other provider in it; and
    # one to the MCO (its users and notice address) saying the complaints it was still to answer need no answer.
    mco_addresses = {"complaints@molina.example", molina_people["liaison"].email}
    to_mco = [m for m in mail.outbox if m.to[0] in mco_addresses]
    assert sorted(m.to[0] for m in to_mco) == sorted(mco_addresses)
    assert all(c.reference in text for text in rendered(to_mco) for c in complaints)
    assert all(canary not in text for text in rendered(to_mco) for canary in PHI)
    mail.outbox[:] = [m for m in mail.outbox if m not in to_mco]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.contact_email for c in complaints)
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    for message, text in zip(mail.outbox, rendered(mail.outbox), strict=True):
        assert all(canary not in text for canary in PHI)
        others = [c for c in complaints if c.contact_email != message.to[0]]
        assert all(other.reference not in text for other in others)


def test_a_complaint_in_an_open_issue_cannot_join_another(spike, molina_people):
    _, complaints = spike
    analyst = molina_people["analyst"]
    first = systemic.issue_create(actor=analyst, title="Edit 42", complaints=complaints[:3])
    with pytest.raises(ValidationError, match="Already in another open systemic issue"):
        systemic.issue_create(actor=analyst, title="Again", complaints=complaints[2:5])
    assert SystemicIssue.objects.count() == 1
    systemic.issue_resolve(issue=first, actor=analyst, outcome_code="paid", outcome_text="Done.")
    with pytest.raises(ValidationError, match="Already resolved or closed"):
        systemic.issue_create(actor=analyst, title="Again", complaints=complaints[2:5])
    second = systemic.issue_create(actor=analyst, title="Again", complaints=complaints[3:5])
    assert second.links.count() == 2


def test_the_database_refuses_a_second_open_link(spike, molina_people):
    from django.db import IntegrityError, transaction

    from complaints.models import SystemicIssueLink

    _, complaints = spike
    analyst = molina_people["analyst"]
    first = systemic.issue_create(actor=analyst, title="A", complaints=complaints[:1])
    other = SystemicIssue.objects.create(title="B", mco=first.mco, category=first.category, created_by=analyst)
    with pytest.raises(IntegrityError), transaction.atomic():
        SystemicIssueLink.objects.create(issue=other, complaint=complaints[0])


def test_issues_need_one_mco_one_topic_and_staff(spike, molina_people):
    _, complaints = spike
    other_mco = submit(RepresentativeFactory().user, mco=MCO.objects.exclude(short_name="Molina").first())
    other_topic = submit(RepresentativeFactory().user, category=Category.objects.exclude(code="claim-denial").first())
    analyst = molina_people["analyst"]
    with pytest.raises(ValidationError, match="more than one MCO"):
        systemic.issue_create(actor=analyst, title="X", complaints=[complaints[0], other_mco])
    with pytest.raises(ValidationError, match="more than one topic"):
        systemic.issue_create(actor=analyst, title="X", complaints=[complaints[0], other_topic])
    with pytest.raises(ValidationError):
        systemic.issue_create(actor=analyst, title="  ", complaints=complaints[:1])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        systemic.issue_create(actor=complaints[0].submitted_by, title="X", complaints=complaints[:1])


def test_dismissing_needs_a_reason_and_is_audited(spike, molina_people):
    from accounts.models import AuditEvent

    signal = systemic.signals_detect()[0]
    with pytest.raises(ValidationError):
        systemic.signal_dismiss(signal=signal, actor=molina_people["analyst"], reason=" ")
    systemic.signal_dismiss(signal=signal, actor=molina_people["analyst"], reason="A known outage, already fixed.")
    signal.refresh_from_db()
    assert signal.state == Signal.State.DISMISSED
    assert AuditEvent.objects.filter(action="signal.dismissed", object_id=str(signal.pk)).count() == 1
    with pytest.raises(ValidationError):
        systemic.issue_from_signal(signal=signal, actor=molina_people["analyst"])


# The pages -----------------------------------------------------------------------------------------------------


def staff_client(client, analyst):  # type: ignore[no-untyped-def]
    sign_in(client, analyst)  # with the second factor, as the admin requires
    return client


def queries_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_signal_and_issue_pages_show_the_chart_table_and_complaints_in_constant_queries(spike, molina_people, client):
    week, complaints = spike
    analyst = molina_people["analyst"]
    staff_client(client, analyst)
    signal = systemic.signals_detect()[0]
    page = client.get(reverse("admin:complaints_signal_change", args=[signal.pk])).content.decode()
    assert "<svg" in page and 'role="img"' in page and "<table" in page
    assert "(the signal&#x27;s week)" in page or "(the signal's week)" in page
    assert all(c.reference in page for c in complaints)
    assert client.get(reverse("admin:complaints_signal_changelist")).status_code == 200

    issue = systemic.issue_from_signal(signal=signal, actor=analyst)
    signal_url = reverse("admin:complaints_signal_change", args=[signal.pk])
    issue_url = reverse("admin:complaints_systemicissue_change", args=[issue.pk])
    queries_for(client, issue_url)  # once first: per-process caches (content types) fill on the first view
    before = (queries_for(client, signal_url), queries_for(client, issue_url))
    more = filed_in(week, organizations=6, each=2)
    signal.complaints.add(*more)
    for complaint in more:
        from complaints.models import SystemicIssueLink

        SystemicIssueLink.objects.create(issue=issue, complaint=complaint)
    assert (queries_for(client, signal_url), queries_for(client, issue_url)) == before


def test_the_staff_complaint_page_shows_its_issue_and_signal_and_the_representative_sees_neither(
    spike, molina_people, client
):
    _, complaints = spike
    analyst = molina_people["analyst"]
    signal = systemic.signals_detect()[0]
    issue = systemic.issue_from_signal(signal=signal, actor=analyst, title="Molina edit 42 denials")
    staff_client(client, analyst)
    staff_page = client.get(reverse("admin:complaints_complaint_change", args=[complaints[0].pk])).content.decode()
    assert "Molina edit 42 denials" in staff_page and f"Signal {signal.pk}" in staff_page
    client.logout()
    sign_in(client, complaints[0].submitted_by)
    own_page = client.get(reverse("complaints:detail", args=[complaints[0].public_id])).content.decode()
    assert complaints[0].reference in own_page
    for hidden in ("systemic", "Systemic", "Molina edit 42", "Signal", *(c.reference for c in complaints[2:])):
        assert hidden not in own_page, hidden
    assert not complaints[0].events.filter(shared_with_provider=True, note__icontains="systemic").exists()
    assert (
        ComplaintEvent.objects.filter(note=f"Linked to systemic issue {issue.pk}.", shared_with_provider=False).count()
        == 8
    )


def test_the_queue_action_groups_selected_complaints_into_an_issue(spike, molina_people, client):
    _, complaints = spike
    staff_client(client, molina_people["analyst"])
    url = reverse("admin:complaints_complaint_changelist")
    chosen = [str(c.pk) for c in complaints[:3]]
    form = client.post(url, {"action": "group_into_issue", "_selected_action": chosen})
    assert form.status_code == 200 and "Group into a systemic issue" in form.content.decode()
    done = client.post(
        url, {"action": "group_into_issue", "_selected_action": chosen, "apply": "1", "title": "Edit 42"}
    )
    issue = SystemicIssue.objects.get()
    assert done.status_code == 302 and done.url == reverse("admin:complaints_systemicissue_change", args=[issue.pk])
    assert issue.links.count() == 3
    again = client.post(
        url, {"action": "group_into_issue", "_selected_action": chosen, "apply": "1", "title": "Again"}, follow=True
    )
    assert "Already in another open systemic issue" in again.content.decode()
    assert SystemicIssue.objects.count() == 1


# The dates-of-service rule ---------------------------------------------------------------------------------------


def with_lines(week, *spans, organizations: int = 1):  # type: ignore[no-untyped-def]
    """Complaints filed in ``week``, one per organization, each with claim lines over the (first, last) spans
    (days ago)."""
    today = timezone.localdate()
    lines = [
        ClaimLine("Pat Example", "123456789", today - timedelta(days=first), today - timedelta(days=last), "C", None)
        for first, last in spans
    ]
    return filed_in(week, organizations=organizations, lines=lines)


def test_three_organizations_with_claims_for_the_same_day_of_service_raise_a_dates_signal(db):
    week = systemic.last_whole_week()
    sharing = [*with_lines(week, (50, 45)), *with_lines(week, (47, 47)), *with_lines(week, (60, 46), (90, 89))]
    elsewhere = with_lines(week, (80, 75))  # the same MCO and topic, other days
    raised = systemic.signals_detect()
    assert [signal.rule for signal in raised] == [Signal.Rule.SHARED_DATES]
    signal = raised[0]
    assert signal.organizations == 3 and signal.shared_day == timezone.localdate() - timedelta(days=47)
    assert sorted(signal.complaints.values_list("pk", flat=True)) == sorted(c.pk for c in sharing)
    assert elsewhere[0].pk not in signal.complaints.values_list("pk", flat=True)
    assert "3 organizations" in signal.why and "same date of service" in signal.why
    assert all(canary not in signal.why for canary in PHI)
    assert systemic.signals_detect() == []  # once


def test_two_organizations_or_long_claim_lines_are_not_a_dates_pattern(db):
    week = systemic.last_whole_week()
    with_lines(week, (50, 45))
    with_lines(week, (47, 47))
    assert systemic.signals_detect() == []
    with_lines(week, (90, 40))  # 51 days: a line that long meets every other by itself
    assert systemic.signals_detect() == []
    old = with_lines(week - timedelta(weeks=4), (48, 46))  # outside the 4 weeks
    assert old and systemic.signals_detect() == []


def test_a_dates_signal_page_has_its_chart_without_a_limit_line(db, client):
    week = systemic.last_whole_week()
    for span in ((50, 45), (47, 47), (48, 46)):
        with_lines(week, span)
    signal = systemic.signals_detect()[0]
    staff_client(client, triage_analyst())
    page = client.get(reverse("admin:complaints_signal_change", args=[signal.pk])).content.decode()
    assert "<svg" in page and "stroke-dasharray" not in page  # no "unusual from" line: this rule has none
    assert "same date of service" in signal.why
    listing = client.get(reverse("admin:complaints_signal_changelist")).content.decode()
    assert "3 complaints share" in listing


def test_pages_are_read_only_and_closed_to_everyone_but_triage_staff(spike, molina_people, client):
    _, complaints = spike
    signal = systemic.signals_detect()[0]
    issue = systemic.issue_from_signal(signal=signal, actor=molina_people["analyst"])
    pages = [
        reverse("admin:complaints_signal_changelist"),
        reverse("admin:complaints_signal_change", args=[signal.pk]),
        reverse("admin:complaints_systemicissue_changelist"),
        reverse("admin:complaints_systemicissue_change", args=[issue.pk]),
    ]
    staff_client(client, molina_people["analyst"])
    assert client.post(pages[1], {"why": "changed"}).status_code == 403  # changes only through the actions
    assert client.post(pages[3], {"title": "changed"}).status_code == 403
    signal.refresh_from_db()
    assert "changed" not in signal.why
    from accounts import roles
    from accounts.services.users import staff_user_create

    reporting = staff_user_create(email="rep@hfs.example", full_name="R", password=None, group_name=roles.REPORTING)
    for user in (reporting, complaints[0].submitted_by, molina_people["liaison"]):
        client.logout()
        sign_in(client, user)
        for page in pages:
            assert client.get(page).status_code in (302, 403), (user, page)
        refused = client.post(pages[2], {"action": "resolve_all", "_selected_action": [issue.pk], "apply": "1",
                                         "outcome_code": "paid", "outcome_text": "x"})  # fmt: skip
        assert refused.status_code in (302, 403)
    issue.refresh_from_db()
    assert issue.state == SystemicIssue.State.OPEN


# What the review found (issue 20) --------------------------------------------------------------------------------


def test_weeks_run_monday_to_sunday_in_illinois_time_across_the_clock_change(db):
    from zoneinfo import ZoneInfo

    chicago = ZoneInfo("America/Chicago")
    moments = {
        timezone.datetime(2026, 11, 1, 1, 30, tzinfo=chicago): "2026-10-26",  # Sunday, the night the clocks go back
        timezone.datetime(2026, 11, 1, 23, 30, tzinfo=chicago): "2026-10-26",  # Sunday 23:30 (05:30 UTC Monday)
        timezone.datetime(2026, 11, 2, 0, 30, tzinfo=chicago): "2026-11-02",  # Monday 00:30
    }
    for moment in moments:
        complaint = submit(RepresentativeFactory().user)
        Complaint.objects.filter(pk=complaint.pk).update(submitted_at=moment)
    counts = detection.weekly_counts(timezone.datetime(2026, 10, 26).date(), timezone.datetime(2026, 11, 2).date())
    assert sorted((str(count.week), count.complaints) for count in counts) == [("2026-10-26", 2), ("2026-11-02", 1)]


def test_a_dates_pattern_is_raised_in_the_week_it_appears_and_not_again_in_the_weeks_after(db):
    week = systemic.last_whole_week() - timedelta(weeks=2)
    for span in ((50, 45), (47, 47), (48, 46)):
        with_lines(week, span)
    assert [s.rule for s in systemic.signals_detect(week=week)] == [Signal.Rule.SHARED_DATES]
    assert systemic.signals_detect(week=week + timedelta(weeks=1)) == []  # nothing new in the window
    with_lines(week + timedelta(weeks=2), (49, 46))  # a fourth organization joins the same days later
    assert systemic.signals_detect(week=week + timedelta(weeks=2)) == []  # the first signal stands
    assert Signal.objects.count() == 1


def test_a_week_that_has_not_ended_is_refused(db):
    from django.core.management import CommandError, call_command

    this_week = detection.week_of(timezone.localdate())
    with pytest.raises(ValidationError, match="has not ended"):
        systemic.signals_detect(week=this_week)
    with pytest.raises(CommandError, match="has not ended"):
        call_command("detect_signals", "--week", timezone.localdate().isoformat())


def test_an_mco_whose_contract_started_within_the_trailing_weeks_is_not_judged(spike):
    molina = MCO.objects.get(short_name="Molina")
    molina.active_from = spike[0] - timedelta(weeks=3)
    molina.save()
    assert systemic.signals_detect(week=spike[0]) == []
    molina.active_from = spike[0] - timedelta(weeks=13)
    molina.save()
    assert [s.rule for s in systemic.signals_detect(week=spike[0])] == [Signal.Rule.VOLUME]


def test_presenting_and_resolving_complaints_in_every_state(spike, molina_people, django_capture_on_commit_callbacks):
    from complaints.services import complaint_forward_to_mco, complaint_request_info

    _, complaints = spike
    analyst = molina_people["analyst"]
    with_mco = complaint_forward_to_mco(complaint=complaint_take(complaint=complaints[0], actor=analyst), actor=analyst)
    asked = complaint_request_info(
        complaint=complaint_take(complaint=complaints[1], actor=analyst), actor=analyst, question="Send the EOB."
    )
    answered = complaint_take(complaint=complaints[2], actor=analyst)
    answered = complaint_forward_to_mco(complaint=answered, actor=analyst)
    answered = services.complaint_record_mco_answer(
        complaint=answered, actor=analyst, note="We will reprocess.", outcome="pay"
    )
    in_review = [complaint_take(complaint=c, actor=analyst) for c in complaints[3:6]]
    untriaged = complaints[6:]
    issue = systemic.issue_create(actor=analyst, title="Edit 42", complaints=complaints)
    presented = systemic.issue_present_to_mco(issue=issue, actor=analyst)
    assert presented.forwarded == [c.reference for c in in_review] and not presented.no_address
    assert presented.already == [with_mco.reference]
    assert [ref.split(" ")[0] for ref in presented.not_sent] == [c.reference for c in [asked, answered, *untriaged]]
    assert "not triaged yet" in presented.not_sent[-1] and "the MCO has answered it" in presented.not_sent[1]
    assert issue.links.filter(presented_at__isnull=False).count() == 4  # what the one notice lists
    with pytest.raises(ValidationError, match="already presented to the MCO"):
        systemic.issue_present_to_mco(issue=issue, actor=analyst)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        systemic.issue_resolve(issue=issue, actor=analyst, outcome_code="paid", outcome_text="Claims reprocessed.")
    assert all(c.status == "resolved" for c in Complaint.objects.filter(pk__in=[c.pk for c in complaints]))
    no_answer = [m for m in mail.outbox if "no answer needed" in m.subject]
    assert sorted(m.to[0] for m in no_answer) == sorted(["complaints@molina.example", molina_people["liaison"].email])
    listed = rendered(no_answer)[0]
    assert all(c.reference in listed for c in [with_mco, *in_review])  # the 4 the MCO was still to answer
    assert all(c.reference not in listed for c in [asked, answered, *untriaged])
    with pytest.raises(ValidationError, match="already resolved"):
        systemic.issue_resolve(issue=issue, actor=analyst, outcome_code="paid", outcome_text="Again.")


def test_presenting_to_an_mco_without_any_address_says_so(spike, client):
    _, complaints = spike
    analyst = triage_analyst()
    complaints = [complaint_take(complaint=c, actor=analyst) for c in complaints[:2]]
    issue = systemic.issue_create(actor=analyst, title="Edit 42", complaints=complaints)
    staff_client(client, analyst)
    url = reverse("admin:complaints_systemicissue_changelist")
    form = client.post(url, {"action": "present", "_selected_action": [issue.pk]})
    assert "This cannot be undone." in form.content.decode()
    done = client.post(url, {"action": "present", "_selected_action": [issue.pk], "apply": "1"}, follow=True)
    assert "has no notice address on file" in done.content.decode()
    assert complaints[0].events.filter(note__startswith="The MCO has no notice address").exists()


def test_the_other_rules_signal_of_the_same_week_joins_the_issue(db):
    week = systemic.last_whole_week()
    for back in range(1, 15):
        filed_in(week - timedelta(weeks=back), organizations=1)
    filed_in(
        week,
        organizations=4,
        each=2,
        lines=[ClaimLine("Pat Example", "123456789", timezone.localdate() - timedelta(days=45), None, "C", None)],
    )
    signals = systemic.signals_detect()
    assert sorted(s.rule for s in signals) == [Signal.Rule.SHARED_DATES, Signal.Rule.VOLUME]
    volume = next(s for s in signals if s.rule == Signal.Rule.VOLUME)
    issue = systemic.issue_from_signal(signal=volume, actor=triage_analyst())
    assert set(Signal.objects.values_list("state", "issue_id")) == {(Signal.State.ISSUE, issue.pk)}


def test_the_representative_sees_nothing_of_the_issue_after_it_is_presented_and_resolved(spike, molina_people, client):
    _, complaints = spike
    analyst = molina_people["analyst"]
    signal = systemic.signals_detect()[0]
    issue = systemic.issue_from_signal(signal=signal, actor=analyst, title="Molina edit 42 denials")
    for complaint in complaints:
        complaint_take(complaint=complaint, actor=analyst)
    systemic.issue_present_to_mco(issue=issue, actor=analyst)
    systemic.issue_resolve(issue=issue, actor=analyst, outcome_code="paid", outcome_text="Claims reprocessed.")
    sign_in(client, complaints[0].submitted_by)
    page = client.get(reverse("complaints:detail", args=[complaints[0].public_id])).content.decode()
    assert "Claims reprocessed." in page
    for hidden in ("systemic", "Systemic", "Molina edit 42", *(c.reference for c in complaints[2:])):
        assert hidden not in page, hidden


def test_the_lists_run_the_same_queries_for_few_and_many_rows(spike, molina_people, client):
    week, _ = spike
    analyst = molina_people["analyst"]
    staff_client(client, analyst)
    signal = systemic.signals_detect()[0]
    systemic.issue_from_signal(signal=signal, actor=analyst)
    lists = [reverse("admin:complaints_signal_changelist"), reverse("admin:complaints_systemicissue_changelist")]
    for url in lists:
        queries_for(client, url)
    before = [queries_for(client, url) for url in lists]
    mcos, categories = list(MCO.objects.all()), list(Category.objects.all())
    for n in range(12):
        Signal.objects.create(
            rule=Signal.Rule.VOLUME, mco=mcos[n % len(mcos)], category=categories[n % len(categories)],
            week_start=week - timedelta(weeks=1 + n), observed=9, expected=1.0, limit=6, organizations=4,
            p_value=0.0001, why="A test signal.",
        )  # fmt: skip
        SystemicIssue.objects.create(
            title=f"Issue {n}", mco=mcos[n % len(mcos)], category=categories[0], created_by=analyst
        )
    assert [queries_for(client, url) for url in lists] == before


def test_an_issue_with_nothing_to_send_is_not_presented(spike, molina_people):
    _, complaints = spike
    analyst = molina_people["analyst"]
    issue = systemic.issue_create(actor=analyst, title="Edit 42", complaints=complaints[:2])  # both untriaged
    with pytest.raises(ValidationError, match="None of the issue's complaints is waiting for HFS"):
        systemic.issue_present_to_mco(issue=issue, actor=analyst)
    issue.refresh_from_db()
    assert issue.state == SystemicIssue.State.OPEN and not OutboundEmail.objects.filter(object_id=issue.pk).exists()


def test_the_group_form_keeps_what_was_typed_when_the_selection_is_refused(spike, molina_people, client):
    _, complaints = spike
    other_mco = submit(RepresentativeFactory().user, mco=MCO.objects.exclude(short_name="Molina").first())
    staff_client(client, molina_people["analyst"])
    chosen = [str(complaints[0].pk), str(other_mco.pk)]
    data = {"action": "group_into_issue", "_selected_action": chosen, "apply": "1", "title": "Edit 42 denials"}
    page = client.post(reverse("admin:complaints_complaint_changelist"), {**data, "summary": "Typed with care."})
    text = page.content.decode()
    assert page.status_code == 200 and "more than one MCO" in text
    assert 'value="Edit 42 denials"' in text and "Typed with care." in text
    assert not SystemicIssue.objects.exists()


def test_a_pages_buttons_are_the_actions_its_state_allows(spike, molina_people, client):
    _, complaints = spike
    analyst = molina_people["analyst"]
    staff_client(client, analyst)
    signal = systemic.signals_detect()[0]
    signal_url = reverse("admin:complaints_signal_change", args=[signal.pk])
    assert "Mark as reviewed" in client.get(signal_url).content.decode()
    issue = systemic.issue_from_signal(signal=signal, actor=analyst)
    page = client.get(signal_url).content.decode()
    assert "Turn into a systemic issue" not in page and "Mark as reviewed" not in page
    issue_url = reverse("admin:complaints_systemicissue_change", args=[issue.pk])
    assert "Present to the MCO as one case" in client.get(issue_url).content.decode()
    for complaint in complaints:
        complaint_take(complaint=complaint, actor=analyst)
    systemic.issue_present_to_mco(issue=issue, actor=analyst)
    page = client.get(issue_url).content.decode()
    assert "Present to the MCO as one case" not in page and "Resolve every linked complaint" in page
    systemic.issue_resolve(issue=issue, actor=analyst, outcome_code="paid", outcome_text="Done.")
    page = client.get(issue_url).content.decode()
    assert "Resolve every linked complaint" not in page and "<h2>Actions</h2>" not in page
