"""First response and MCO answer, as the public statistics count them (DESIGN §4.5, §7): each complaint is on time
so far, late or overdue, or (for the MCO) not sent — from the events the triage services write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import roles
from accounts.services.users import staff_user_create
from complaints import services
from complaints.models import Complaint
from reporting.aggregates import LATE, NOT_SENT, ON_TIME, month_of
from reporting.selectors import report_facts
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory

pytestmark = pytest.mark.django_db


def test_each_complaint_is_on_time_so_far_late_or_not_sent():
    analyst = staff_user_create(
        email="ana@hfs.example", full_name="Ana Lyst", password=None, group_name=roles.TRIAGE_ANALYST
    )
    rep = RepresentativeFactory().user
    yesterday = timezone.localdate() - timedelta(days=1)
    expected = []

    def complaint(first_response: str, mco_answer: str, **clocks) -> Complaint:  # type: ignore[no-untyped-def]
        filed = submit(rep)
        Complaint.objects.filter(pk=filed.pk).update(**clocks)
        expected.append((first_response, mco_answer))
        return Complaint.objects.get(pk=filed.pk)

    def take(c: Complaint) -> Complaint:
        return services.complaint_take(complaint=c, actor=analyst)

    def forward(c: Complaint) -> Complaint:
        return services.complaint_forward_to_mco(complaint=take(c), actor=analyst)

    def overdue_at_mco(c: Complaint) -> Complaint:
        c = forward(c)
        Complaint.objects.filter(pk=c.pk).update(mco_answer_due=yesterday)
        return Complaint.objects.get(pk=c.pk)

    complaint(ON_TIME, NOT_SENT)  # not yet due
    complaint(LATE, NOT_SENT, first_response_due=yesterday)  # overdue, nobody has looked at it
    take(complaint(ON_TIME, NOT_SENT))
    take(complaint(LATE, NOT_SENT, first_response_due=yesterday))  # taken on after its due date
    services.complaint_close(
        complaint=complaint(ON_TIME, NOT_SENT), actor=analyst, reason=Complaint.ClosureReason.NOT_SUBMITTED_TO_MCO_FIRST
    )  # closing is a response
    forward(complaint(ON_TIME, ON_TIME))  # waiting for the MCO, within its time
    overdue_at_mco(complaint(ON_TIME, LATE))
    services.complaint_record_mco_answer(complaint=forward(complaint(ON_TIME, ON_TIME)), actor=analyst, note="Paid.")
    services.complaint_record_mco_answer(
        complaint=overdue_at_mco(complaint(ON_TIME, LATE)), actor=analyst, note="Paid, late."
    )
    services.complaint_close(
        complaint=forward(complaint(ON_TIME, ON_TIME)), actor=analyst, reason=Complaint.ClosureReason.DUPLICATE
    )  # closed while the MCO still had time

    dimensions, facts = report_facts()

    assert [(fact.first_response, fact.mco_answer) for fact in facts] == expected
    today = timezone.localdate()
    assert dimensions.answer_late_before == today - timedelta(days=30)
    # A complaint received today cannot be late yet, expedited or not; one received 30 days ago can be.
    assert all(today >= day > today - timedelta(days=30) for day in dimensions.response_due_from.values())
    assert dimensions.response_due_from[True] > dimensions.response_due_from[False]  # 2 business days, not 15
    assert {fact.received for fact in facts} == {month_of(today)}
