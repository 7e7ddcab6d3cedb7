"""First response and MCO answer, as the public statistics count them (DESIGN §4.5, §7): each complaint is on time
so far, late or overdue, or (for the MCO) not sent — from the events the triage services write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from accounts.services.users import staff_user_create
from complaints import clock, services
from complaints.models import Complaint
from reporting.aggregates import LATE, NOT_SENT, ON_TIME
from reporting.facts import report_facts
from tests.complaints.factories import date_events, submit
from tests.factories import RepresentativeFactory

pytestmark = pytest.mark.django_db


def test_each_complaint_is_on_time_so_far_late_or_not_sent():
    analyst = staff_user_create(
        email="ana@hfs.example", full_name="Ana Lyst", password=None, group_name=roles.TRIAGE_ANALYST
    )
    rep = RepresentativeFactory().user
    today = timezone.localdate()
    now = timezone.now()
    long_ago = now - timedelta(days=80)  # past every first-response limit, and the MCO's 30 days
    expected = []

    def complaint(first_response: str, mco_answer: str, **changes) -> Complaint:  # type: ignore[no-untyped-def]
        filed = submit(rep)
        Complaint.objects.filter(pk=filed.pk).update(**changes)
        expected.append((first_response, mco_answer))
        return Complaint.objects.get(pk=filed.pk)

    def take(c: Complaint) -> Complaint:
        return services.complaint_take(complaint=c, actor=analyst)

    def forward(c: Complaint) -> Complaint:
        return services.complaint_forward_to_mco(complaint=take(c), actor=analyst)

    def timeline(c: Complaint, *days_ago: int) -> None:
        date_events(c, *(now - timedelta(days=days) for days in days_ago))

    def overdue_at_mco(c: Complaint) -> Complaint:
        c = forward(c)
        timeline(c, 80, 41, 40)  # filed, taken on late, sent to the MCO 40 days ago
        forwarded = today - timedelta(days=40)
        Complaint.objects.filter(pk=c.pk).update(forwarded_on=forwarded, mco_answer_due=forwarded + timedelta(days=30))
        return Complaint.objects.get(pk=c.pk)

    complaint(ON_TIME, NOT_SENT)  # not yet due
    complaint(LATE, NOT_SENT, submitted_at=long_ago)  # overdue, nobody has looked at it
    take(complaint(ON_TIME, NOT_SENT))
    take(complaint(LATE, NOT_SENT, submitted_at=long_ago))  # taken on after its due date
    # An expedited complaint is held to 2 business days, a standard one to 15, whatever date is stored.
    take(complaint(ON_TIME, NOT_SENT, submitted_at=timezone.now() - timedelta(days=8), first_response_due=today))
    take(complaint(LATE, NOT_SENT, submitted_at=timezone.now() - timedelta(days=8), expedited=True))
    services.complaint_close(
        complaint=complaint(ON_TIME, NOT_SENT), actor=analyst, reason=Complaint.ClosureReason.NOT_SUBMITTED_TO_MCO_FIRST
    )  # closing is a response
    forward(complaint(ON_TIME, ON_TIME))  # waiting for the MCO, within its time
    overdue_at_mco(complaint(LATE, LATE, submitted_at=long_ago))
    services.complaint_record_mco_answer(
        complaint=forward(complaint(ON_TIME, ON_TIME)), actor=analyst, note="Paid.", outcome="pay"
    )
    services.complaint_record_mco_answer(
        complaint=overdue_at_mco(complaint(LATE, LATE, submitted_at=long_ago)),
        actor=analyst,
        note="Paid, late.",
        outcome="pay",
    )
    services.complaint_close(
        complaint=forward(complaint(ON_TIME, ON_TIME)), actor=analyst, reason=Complaint.ClosureReason.DUPLICATE
    )  # closed while the MCO still had time

    # Sent to the MCO again after an answer in time: measured by the last round, which came back late.
    c = complaint(LATE, LATE, submitted_at=long_ago)
    c = services.complaint_record_mco_answer(complaint=forward(c), actor=analyst, note="No.", outcome="pay")
    c = services.complaint_forward_to_mco(complaint=c, actor=analyst)
    timeline(c, 80, 46, 45, 44, 40)  # the first answer came in time, 44 days ago; sent again 40 days ago
    forwarded = today - timedelta(days=40)
    Complaint.objects.filter(pk=c.pk).update(forwarded_on=forwarded, mco_answer_due=forwarded + timedelta(days=30))
    services.complaint_record_mco_answer(complaint=c, actor=analyst, note="Paid on the second request.", outcome="pay")

    # A due date stored earlier than the MCO's 30 days from forwarding does not make it late.
    c = forward(complaint(ON_TIME, ON_TIME))
    Complaint.objects.filter(pk=c.pk).update(mco_answer_due=today - timedelta(days=1))

    dimensions, facts = report_facts(as_of=today)

    assert [(fact.first_response, fact.mco_answer) for fact in facts] == expected
    assert dimensions.answer_late_before == today - timedelta(days=30)
    for expedited, days in ((True, 2), (False, 15)):
        # The first day a complaint can be received and still not be late today (and the day before it can be).
        due_from = dimensions.response_due_from[expedited]
        assert (
            clock.add_business_days(due_from, days)
            >= today
            > clock.add_business_days(due_from - timedelta(days=1), days)
        )
