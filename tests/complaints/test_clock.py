"""Business days skip weekends and Illinois holidays, across year ends (DESIGN §4.5)."""

from datetime import date

import pytest

from complaints.clock import add_business_days, is_business_day


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 30), 2, date(2026, 12, 2)),  # Monday + 2 = Wednesday
        (date(2026, 12, 4), 2, date(2026, 12, 8)),  # Friday: the weekend is skipped
        (date(2026, 11, 25), 2, date(2026, 12, 1)),  # Thanksgiving (Thu 26) and the day after (Fri 27) are off
        (date(2026, 12, 24), 2, date(2026, 12, 29)),  # Christmas Friday, then the weekend
        (date(2026, 12, 30), 2, date(2027, 1, 4)),  # New Year's Day 2027 is a Friday
        (date(2027, 2, 11), 1, date(2027, 2, 16)),  # Lincoln's Birthday (Fri 12) and Washington's (Mon 15)
        (date(2026, 3, 1), 1, date(2026, 3, 3)),  # Casimir Pulaski Day, Monday March 2, 2026
        (date(2026, 11, 2), 1, date(2026, 11, 4)),  # Election Day, Tuesday November 3, 2026
        (date(2026, 11, 27), 15, date(2026, 12, 18)),  # standard first response
        (date(2026, 11, 29), 10, date(2026, 12, 11)),  # presentation to the MCO from a Sunday
        (date(2026, 11, 30), 0, date(2026, 11, 30)),
    ],
)
def test_add_business_days(start, days, expected):
    assert add_business_days(start, days) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 11, 27), False),  # the day after Thanksgiving (state offices close)
        (date(2027, 11, 26), False),
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 12, 25), False),
        (date(2027, 7, 5), False),  # Independence Day observed
        (date(2026, 12, 1), True),
    ],
)
def test_is_business_day(day, expected):
    assert is_business_day(day) is expected


def test_the_business_day_counter_agrees_with_adding_business_days():
    from datetime import date

    from complaints.clock import add_business_days, business_day_counter

    count = business_day_counter(date(2026, 1, 1), date(2027, 3, 1))
    for start in (date(2026, 1, 1), date(2026, 2, 13), date(2026, 11, 20), date(2026, 12, 24)):
        for days in (0, 1, 5, 15, 40):
            assert count(start, add_business_days(start, days)) == days


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["next_due", "mco_answer_due"])
def test_overdue_on_one_date_and_as_a_filter_agree_at_the_boundary(field):
    """Due today is not overdue, due yesterday is, no due date never is: the same answer from the test on a date
    and from the filters on a column (HFS's next due date and the MCO's answer date alike)."""
    from django.utils import timezone

    from complaints.clock import is_overdue, not_overdue_q, overdue_q
    from complaints.models import Complaint
    from tests.complaints.factories import submit
    from tests.factories import RepresentativeFactory

    today = date(2026, 12, 7)
    one_day = timezone.timedelta(days=1)
    days = {"yesterday": today - one_day, "today": today, "tomorrow": today + one_day, "none": None}
    filer = RepresentativeFactory().user
    made = {}
    for name, due in days.items():
        complaint = submit(filer)
        # next_due is computed by the database: it is the first-response date while the complaint waits for triage.
        source = {"next_due": "first_response_due"}.get(field, field)
        Complaint.objects.filter(pk=complaint.pk).update(**{source: due, "mco_presentation_due": None})
        made[name] = complaint.pk
    assert {name: is_overdue(due, today=today) for name, due in days.items()} == {
        "yesterday": True,
        "today": False,
        "tomorrow": False,
        "none": False,
    }
    rows = Complaint.objects.filter(pk__in=made.values())
    overdue = set(rows.filter(overdue_q(field, today=today)).values_list("pk", flat=True))
    not_overdue = set(rows.filter(not_overdue_q(field, today=today)).values_list("pk", flat=True))
    assert overdue == {made[name] for name, due in days.items() if is_overdue(due, today=today)}
    assert not_overdue == {
        made[name] for name, due in days.items() if due is not None and not is_overdue(due, today=today)
    }
