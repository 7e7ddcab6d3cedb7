"""A realistic data set for the public statistics (issue 19): 5 MCOs x 15 provider type groups x 10 topics x
24 months, about 3,000 complaints a month, skewed like real complaints — a few groups and topics file most of them,
the MCOs differ in size, recent complaints are more often still open.

Pure and deterministic (a fixed seed): the same facts on every run and every machine. Used by
``manage.py suppression_report --realistic`` and by the audit tests at realistic size
(tests/reporting/test_reader_audit.py); it lives with the code, not the tests, so that the command works wherever
the portal is installed.
"""

import random
from datetime import date, timedelta

from reporting import aggregates as A

MCOS = ["Aetna Better Health", "BlueCross Community", "CountyCare", "Meridian", "Molina"]
MCO_WEIGHTS = [0.14, 0.27, 0.22, 0.25, 0.12]
GROUPS = [f"Group {number:02d}" for number in range(1, 16)]
TOPICS = [f"Topic {number:02d}" for number in range(1, 11)]
FIRST_MONTH = "2024-12"


def _zipf(size: int, exponent: float) -> list[float]:
    """Weights 1, 1/2^s, 1/3^s, ...: the first few values take most of the complaints."""
    return [1 / (rank**exponent) for rank in range(1, size + 1)]


GROUP_WEIGHTS = _zipf(len(GROUPS), 1.3)
TOPIC_WEIGHTS = _zipf(len(TOPICS), 1.1)
CLOSURES = [code for code, _ in A.PUBLIC_REASONS]
CLOSURE_WEIGHTS = [30, 8, 6, 4, 10, 12, 14, 3, 5]


def dimensions(months: int = 24) -> A.Dimensions:
    """``months`` months from December 2024; the figures run to the end of the last one. First responses are due
    within 10 business days (2 for expedited ones) and the MCO's answer within 30 days, so the newest complaints
    cannot be late yet (what any reader can tell from the dates)."""
    month_list = A.months_between(FIRST_MONTH, _month_after(FIRST_MONTH, months - 1))
    as_of = A.period_days(month_list[-1], A.Dimensions([], [], [], month_list))[1]
    return A.Dimensions(
        mcos=list(MCOS),
        groups=list(GROUPS),
        topics=list(TOPICS),
        months=month_list,
        response_due_from={False: as_of - timedelta(days=13), True: as_of - timedelta(days=2)},
        answer_late_before=as_of - timedelta(days=30),
    )


def _month_after(month: str, steps: int) -> str:
    year, number = map(int, month.split("-"))
    index = year * 12 + number - 1 + steps
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def facts(months: int = 24, per_month: int = 3000, seed: int = 19) -> tuple[A.Dimensions, list[A.Fact]]:
    """The dimensions and one fact per complaint (about ``per_month`` a month), from a fixed seed."""
    dims = dimensions(months)
    rng = random.Random(seed)  # noqa: S311 - repeatable measuring data, not security  # nosec B311
    late_answer_possible = {m for m in dims.months if date.fromisoformat(f"{m}-01") < dims.answer_late_before}
    result: list[A.Fact] = []
    for age, month in enumerate(reversed(dims.months)):  # age 0: the newest month
        number = max(0, round(rng.gauss(per_month, per_month * 0.08)))
        for _ in range(number):
            mco = rng.choices(MCOS, MCO_WEIGHTS)[0]
            group = rng.choices(GROUPS, GROUP_WEIGHTS)[0]
            topic = rng.choices(TOPICS, TOPIC_WEIGHTS)[0]
            expedited = rng.random() < 0.06
            # Older complaints are mostly done; the newest month is mostly open.
            done = min(0.97, 0.25 + 0.3 * age)
            roll = rng.random()
            if roll > done:
                outcome, resolved, days = A.OPEN, None, None
            elif roll < done * 0.72:
                lag = min(age, int(rng.expovariate(1.2)))
                outcome, resolved, days = A.RESOLVED, _month_after(month, lag), 3 + lag * 20 + rng.randint(0, 18)
            else:
                outcome, resolved, days = rng.choices(CLOSURES, CLOSURE_WEIGHTS)[0], None, None
            first = A.LATE if age > 0 and rng.random() < 0.04 else A.ON_TIME
            if outcome == A.REASON_NOT_FIRST or (outcome not in (A.OPEN, A.RESOLVED) and rng.random() < 0.5):
                answer = A.NOT_SENT
            elif month in late_answer_possible and resolved != month and rng.random() < 0.07:
                answer = A.LATE  # a late answer comes 30+ days after receipt: never resolved in the same month
            else:
                answer = A.ON_TIME
            result.append(A.Fact(mco, group, topic, month, expedited, outcome, days, first, answer, resolved))
    return dims, result
