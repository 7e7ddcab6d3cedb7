"""Counting the facts into cells: every published and internal cell's count, and the business days to resolution.

Each fact adds its number of complaints to every cell whose meaning includes it (reporting.cells); a cell no fact
reaches counts 0. The internal cells are counted here too, from their meaning (reporting.linkage names them).
"""

from collections import Counter
from collections.abc import Iterable

from reporting.cells import ALL, EXPEDITED, LATE, RESOLVED, STANDARD, Cell, Fact, quarter_of
from reporting.linkage import NEITHER, OTHER_OUTCOMES, RESOLVED_FROM, UNRESOLVED, joint_key
from reporting.tables import OUTCOME_TABLES

BY_GROUP_AND_TOPIC = {outcome for outcome, _, _ in OUTCOME_TABLES}  # the outcomes those tables publish

Days = dict[tuple[str, str], list[int]]  # (period received, MCO or ALL) -> business days to resolution


def count(facts: Iterable[Fact]) -> tuple[Counter[Cell], Days]:
    """Every cell's count, and the business days to resolution per (period received, MCO or ALL)."""
    counts: Counter[Cell] = Counter()
    days: Days = {}
    for fact, number in Counter(facts).items():
        for period in (fact.received, quarter_of(fact.received), "all"):
            for mco in (fact.mco, ALL):
                for group, topic in ((fact.group, ALL), (ALL, fact.topic), (ALL, ALL)):
                    counts[Cell("received", period, mco, group, topic, ALL)] += number
                if period != fact.received and mco != ALL:  # the tables by group and topic: quarters and all time
                    measure = "outcome" if fact.outcome in BY_GROUP_AND_TOPIC else OTHER_OUTCOMES
                    split = fact.outcome if measure == "outcome" else ALL
                    for group, topic in ((fact.group, ALL), (ALL, fact.topic)):
                        counts[Cell(measure, period, mco, group, topic, split)] += number
                handling = EXPEDITED if fact.expedited else STANDARD
                counts[Cell("received", period, mco, ALL, ALL, handling)] += number
                counts[Cell("outcome", period, mco, ALL, ALL, fact.outcome)] += number
                counts[Cell("first_response", period, mco, ALL, ALL, fact.first_response)] += number
                counts[Cell("mco_answer", period, mco, ALL, ALL, fact.mco_answer)] += number
                if fact.outcome == RESOLVED and fact.business_days is not None:
                    days.setdefault((period, mco), []).extend([fact.business_days] * number)
        resolved = fact.resolved_month()
        if resolved:
            for period in (resolved, quarter_of(resolved), "all"):
                for mco in (fact.mco, ALL):
                    counts[Cell("resolved_in", period, mco, ALL, ALL, ALL)] += number
            counts[Cell(RESOLVED_FROM, fact.received, fact.mco, ALL, ALL, resolved)] += number
        else:
            counts[Cell(UNRESOLVED, fact.received, fact.mco, ALL, ALL, ALL)] += number
        if fact.mco_answer != LATE and resolved != fact.received:
            counts[Cell(NEITHER, fact.received, fact.mco, ALL, ALL, ALL)] += number
        counts[joint_key(fact.received, fact.mco, fact.expedited, fact.first_response, fact.mco_answer)] += number
    return counts, days
