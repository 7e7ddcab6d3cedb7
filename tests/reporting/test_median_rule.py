"""When a median of business days to resolution is published (DESIGN §7): only when every count it could narrow is
shown. A median tells roughly when complaints were resolved, and how many took long: a late MCO answer comes 31 or
more days after receipt, so a short median caps the complaints answered late (found from outside, stop 28).

Alpha received 21 complaints in March 2026 and resolved them all in April: 11 within a business day, 10 in 40
business days, ``late`` of those 10 answered late by the MCO. A median of 1 day says at least 11 were not answered
late, so 3 hidden late answers would be known to be at most 10. A median longer than a late answer can take tells
nothing of the kind.
"""

import pytest

from reporting import aggregates as A
from reporting.services import frozen_on, release_build

DAY = frozen_on("2026-Q2", 1)
MEDIAN = "Median business days to resolution"


def fact(mco: str, received: str, days: int | None, resolved: str | None, answer: str) -> A.Fact:
    outcome = A.RESOLVED if resolved else A.OPEN
    return A.Fact(mco, "Hospital", "Claims", received, False, outcome, days, A.ON_TIME, answer, resolved)


def release(late: int, quick: int = 1) -> dict:  # type: ignore[type-arg]
    """Alpha's 11 quick ones take ``quick`` business days."""
    facts = [fact("Alpha", "2026-03", quick, "2026-04", A.ON_TIME)] * 11
    facts += [fact("Alpha", "2026-03", 40, "2026-04", A.LATE)] * late
    facts += [fact("Alpha", "2026-03", 40, "2026-04", A.ON_TIME)] * (10 - late)
    for month in ("2026-04", "2026-05", "2026-06"):
        facts += [fact("Alpha", month, None, None, A.ON_TIME)] * 20
    for month in ("2026-03", "2026-04", "2026-05", "2026-06"):
        facts += [fact("Beta", month, 3, month, A.ON_TIME)] * 30 + [fact("Beta", month, None, None, A.ON_TIME)] * 15
        facts += [fact("Beta", month, None, None, A.LATE)] * 12
    months = A.months_between("2026-03", A.month_of(DAY))
    dimensions = A.Dimensions(["Alpha", "Beta"], ["Hospital", "Pharmacy"], ["Claims", "Denials"], months)
    data, _ = release_build(DAY, dimensions, facts, [], threshold=11, age_months=1)
    return data


def alpha(data: dict, period: str, table: str, row: str, column: str) -> object:  # type: ignore[type-arg]
    t = data["tables"][period][table]
    return t["cells"][t["rows"].index(row)][t["columns"].index(column)]


@pytest.mark.parametrize("period", ["all", "2026-Q1"])
def test_no_median_where_it_would_cap_hidden_late_answers(period):
    data = release(late=3)
    assert alpha(data, period, "mco_answer_by_mco", "Alpha", "Late or overdue") is None  # the 3: hidden
    assert alpha(data, period, "timeliness_by_mco", "Alpha", MEDIAN) is None


@pytest.mark.parametrize("period", ["all", "2026-Q1"])
def test_the_median_is_published_where_the_late_answers_are_shown(period):
    data = release(late=0)
    assert alpha(data, period, "mco_answer_by_mco", "Alpha", "Late or overdue") == 0
    assert alpha(data, period, "timeliness_by_mco", "Alpha", MEDIAN) == 1


def test_a_median_longer_than_a_late_answer_takes_is_published_with_the_late_answers_hidden():
    """11 took 30 business days and 10 took 40: a median of 30 is more than a late MCO answer needs (31 calendar
    days), so it says nothing about how many were late."""
    data = release(late=3, quick=30)
    assert alpha(data, "all", "mco_answer_by_mco", "Alpha", "Late or overdue") is None
    assert alpha(data, "all", "timeliness_by_mco", "Alpha", MEDIAN) == 30


@pytest.mark.parametrize(
    "hidden",
    [
        A.Cell("received", "2026-04", "Alpha", "*", "*", "*"),  # a month's complaints received
        A.Cell("resolved_in", "2026-06", "Alpha", "*", "*", "*"),  # a month's complaints resolved
        A.Cell("outcome", "2026-Q1", "Alpha", "*", "*", A.RESOLVED),  # a quarter's resolved (all time only)
        A.Cell("mco_answer", "all", "Alpha", "*", "*", A.LATE),  # late answers: the median is 1 day
    ],
)
def test_the_median_waits_for_every_count_it_could_narrow(hidden):
    """The all-time median of 1 day, with every count shown but one."""
    from collections import Counter

    from reporting.publishing import _measures

    months = A.months_between("2026-03", "2026-06")
    dimensions = A.Dimensions(["Alpha"], ["Hospital"], ["Claims"], months)
    counts = Counter({A.Cell("outcome", "all", "Alpha", "*", "*", A.RESOLVED): 21})

    def value(cell: A.Cell) -> int | None:
        return None if cell in (hidden,) else counts.get(cell, 30)

    def median_of(measures: dict) -> object:  # type: ignore[type-arg]
        return measures["cells"][0][measures["columns"].index(MEDIAN)]

    days = {("all", "Alpha"): [1] * 11 + [40] * 10}
    assert median_of(_measures(dimensions, "all", lambda cell: counts.get(cell, 30), days)) == 1
    assert median_of(_measures(dimensions, "all", value, days)) is None
