"""The published statistics as one system (DESIGN §7): whatever the data, no count from 1 to 10 is shown, and none
can be worked out from everything that is shown — across tables, months, quarters and all time — by an attacker
who knows every published number, every zero, and how each number is made of individual complaints.

The check below is independent of the production code: it builds each published number from "atoms" (every
possible combination of the characteristics a number can tell apart), treats atoms inside a published zero as
known, and asks with exact rational linear algebra whether a hidden small count lies in the span of the shown ones.
"""

import itertools
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting import aggregates as A
from reporting.suppression import suppress_system

MONTHS = ["2026-03", "2026-04", "2026-05"]  # two quarters: March alone, then April and May
DIMENSIONS = A.Dimensions(
    mcos=["Alpha", "Beta"],
    groups=["Hospital", "Pharmacy"],
    topics=["Claims", "Denials"],
    reasons=[("duplicate", "Duplicate"), ("fee_for_service", "Fee-for-Service")],
    months=MONTHS,
)
QUARTER = {"2026-03": "2026-Q1", "2026-04": "2026-Q2", "2026-05": "2026-Q2"}
STATES = [A.ON_TIME, A.LATE, None]


def in_period(period: str, month: str) -> bool:
    return period in ("all", month, QUARTER[month])


def matches(part: str, value: object) -> bool:
    return part == A.ALL or part == value


def received_member(cell, atom) -> bool:  # type: ignore[no-untyped-def]
    measure, period, mco, group, topic, split = cell
    a_mco, a_group, a_topic, month, expedited, first, answer = atom
    if measure not in ("received", "first_response", "mco_answer"):
        return False
    if not (in_period(period, month) and matches(mco, a_mco)):
        return False
    if measure == "received":
        handling = A.EXPEDITED if expedited else A.STANDARD
        return matches(group, a_group) and matches(topic, a_topic) and matches(split, handling)
    state = first if measure == "first_response" else answer
    return state is not None and matches(split, state)


def settled_member(cell, atom) -> bool:  # type: ignore[no-untyped-def]
    measure, period, mco, group, topic, split = cell
    a_mco, a_group, a_topic, month, how = atom
    if measure not in (A.RESOLVED, "closed"):
        return False
    if not (in_period(period, month) and matches(mco, a_mco)):
        return False
    if measure == A.RESOLVED:
        return how == A.RESOLVED and matches(group, a_group) and matches(topic, a_topic)
    return how != A.RESOLVED and matches(split, how)


RECEIVED_ATOMS = list(
    itertools.product(DIMENSIONS.mcos, DIMENSIONS.groups, DIMENSIONS.topics, MONTHS, [True, False], STATES, STATES)
)
SETTLED_ATOMS = list(
    itertools.product(
        DIMENSIONS.mcos, DIMENSIONS.groups, DIMENSIONS.topics, MONTHS, [A.RESOLVED, "duplicate", "fee_for_service"]
    )
)


def derivable_small_cells(cells, values, hidden, atoms, member):  # type: ignore[no-untyped-def]
    """Hidden cells from 1 to 10 whose atom vector lies in the span of the shown cells' vectors."""
    vectors = {cell: frozenset(i for i, atom in enumerate(atoms) if member(cell, atom)) for cell in cells}
    vectors = {cell: vector for cell, vector in vectors.items() if vector}  # cells of other families
    known_zero = set().union(*(v for c, v in vectors.items() if c not in hidden and values[c] == 0))
    basis: dict[int, dict[int, Fraction]] = {}  # pivot atom -> row with 1 there

    def reduce(vector: frozenset[int]) -> dict[int, Fraction]:
        row = {i: Fraction(1) for i in vector - known_zero}
        for pivot, pivot_row in basis.items():
            factor = row.get(pivot)
            if factor:
                for i, v in pivot_row.items():
                    updated = row.get(i, Fraction(0)) - factor * v
                    if updated:
                        row[i] = updated
                    else:
                        row.pop(i, None)
        return row

    for cell, vector in vectors.items():
        if cell in hidden:
            continue
        row = reduce(vector)
        if row:
            pivot = min(row)
            scale = row[pivot]
            row = {i: v / scale for i, v in row.items()}
            for other in basis.values():
                factor = other.get(pivot)
                if factor:
                    for i, v in row.items():
                        updated = other.get(i, Fraction(0)) - factor * v
                        if updated:
                            other[i] = updated
                        else:
                            other.pop(i, None)
            basis[pivot] = row
    return [c for c, v in vectors.items() if c in hidden and 0 < values[c] < 11 and not reduce(v)]


def facts_from(received: list[tuple[int, int]], settled: list[tuple[int, int]]) -> list[A.Fact]:
    facts = []
    for index, number in received:
        mco, group, topic, month, expedited, first, answer = RECEIVED_ATOMS[index]
        facts += [A.Fact(mco, group, topic, month, expedited, first, answer, None, None, None)] * number
    for index, number in settled:
        mco, group, topic, month, how = SETTLED_ATOMS[index]
        facts += [A.Fact(mco, group, topic, "2026-03", False, None, None, how, month, 5)] * number
    return facts


counts_strategy = st.integers(1, 4) | st.integers(5, 40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(RECEIVED_ATOMS) - 1), counts_strategy), max_size=30),
    st.lists(st.tuples(st.integers(0, len(SETTLED_ATOMS) - 1), counts_strategy), max_size=20),
)
def test_no_small_count_is_shown_or_derivable_across_all_published_tables(received, settled):
    counts, _ = A.count(facts_from(received, settled))
    cells, equations, within = A.system(DIMENSIONS)
    values = {cell: counts.get(cell, 0) for cell in cells}
    hidden = suppress_system(values, equations, within=within)
    assert all(values[c] == 0 or values[c] >= 11 for c in cells if c not in hidden)
    assert derivable_small_cells(cells, values, hidden, RECEIVED_ATOMS, received_member) == []
    assert derivable_small_cells(cells, values, hidden, SETTLED_ATOMS, settled_member) == []


def test_the_cells_are_what_the_tables_say():
    """The atom definitions above agree with the production counts (so the audit checks the real numbers)."""
    facts = facts_from([(0, 3), (len(RECEIVED_ATOMS) - 1, 12), (200, 4)], [(0, 7), (len(SETTLED_ATOMS) - 1, 2)])
    counts, _ = A.count(facts)
    cells, _, _ = A.system(DIMENSIONS)
    for cell in cells:
        expected = 0
        for fact in facts:
            received = (
                fact.mco,
                fact.group,
                fact.topic,
                fact.received,
                fact.expedited,
                fact.first_response,
                fact.mco_answer,
            )
            expected += received_member(cell, received)
            if fact.settled:
                expected += settled_member(cell, (fact.mco, fact.group, fact.topic, fact.settled_month, fact.settled))
        assert counts.get(cell, 0) == expected, cell
    assert counts[("received", "all", A.ALL, A.ALL, A.ALL, A.ALL)] == 28
