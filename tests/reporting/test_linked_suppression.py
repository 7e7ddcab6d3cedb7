"""The published statistics as one system (DESIGN §7): whatever the data, no count from 1 to 10 is shown, and none
can be worked out from everything that is shown — across tables, months, quarters and all time — by a reader who
knows every published number, every zero, and how each number is made of individual complaints.

The check is independent of the production code: it builds each published number from "atoms" (every possible
combination of the characteristics a number can tell apart), treats atoms inside a published zero as known, and
asks with exact rational linear algebra whether a hidden small count — a cell, the hidden part of any table row
or column, or any two hidden cells of one row or column together — lies in the span of the shown numbers.
"""

import itertools
from datetime import date
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting import aggregates as A
from reporting.suppression import suppress_system

MONTHS = ["2026-03", "2026-04", "2026-05"]  # two quarters: March alone, then April and May
# Beta's contract starts in April: anyone can tell its March counts are zero.
DIMENSIONS = A.Dimensions(
    mcos=["Alpha", "Beta"],
    groups=["Hospital", "Pharmacy"],
    topics=["Claims", "Denials"],
    months=MONTHS,
    contracts={"Beta": (date(2026, 4, 1), None)},
)
QUARTER = {"2026-03": "2026-Q1", "2026-04": "2026-Q2", "2026-05": "2026-Q2"}
OUTCOMES = [code for code, _ in A.OUTCOMES]
ATOMS = list(itertools.product(DIMENSIONS.mcos, DIMENSIONS.groups, DIMENSIONS.topics, MONTHS, [True, False], OUTCOMES))
OUTSIDE_CONTRACT = {i for i, atom in enumerate(ATOMS) if atom[0] == "Beta" and atom[3] == "2026-03"}
POSSIBLE = [i for i in range(len(ATOMS)) if i not in OUTSIDE_CONTRACT]


def member(cell, atom) -> bool:  # type: ignore[no-untyped-def]
    """Whether the complaints of ``atom`` are counted in ``cell``, from the meaning of a cell alone."""
    measure, period, mco, group, topic, split = cell
    a_mco, a_group, a_topic, month, expedited, outcome = atom

    def matches(part: str, value: object) -> bool:
        return part == A.ALL or part == value

    if period not in ("all", month, QUARTER[month]) or not matches(mco, a_mco):
        return False
    if not (matches(group, a_group) and matches(topic, a_topic)):
        return False
    if measure == "outcome":
        return matches(split, outcome)
    return matches(split, A.EXPEDITED if expedited else A.STANDARD)


def subtract(row: dict[int, Fraction], pivot_row: dict[int, Fraction], factor: Fraction | None) -> None:
    """row -= factor * pivot_row, exactly, dropping zeros."""
    if not factor:
        return
    for i, v in pivot_row.items():
        updated = row.get(i, Fraction(0)) - factor * v
        if updated:
            row[i] = updated
        else:
            row.pop(i, None)


def derivable(cells, values, hidden, equations):  # type: ignore[no-untyped-def]
    """Hidden small counts in the span of the shown cells: single cells, and the hidden parts of an equation."""
    vectors = {cell: frozenset(i for i, atom in enumerate(ATOMS) if member(cell, atom)) for cell in cells}
    known_zero = set(OUTSIDE_CONTRACT).union(*(v for c, v in vectors.items() if c not in hidden and values[c] == 0))
    basis: dict[int, dict[int, Fraction]] = {}

    def reduce(row: dict[int, Fraction]) -> dict[int, Fraction]:
        row = {i: v for i, v in row.items() if i not in known_zero and v}
        for pivot, pivot_row in basis.items():
            subtract(row, pivot_row, row.get(pivot))
        return row

    for cell, vector in vectors.items():
        if cell in hidden:
            continue
        row = reduce({i: Fraction(1) for i in vector})
        if row:
            pivot = min(row)
            scale = row[pivot]
            row = {i: v / scale for i, v in row.items()}
            for other in basis.values():
                subtract(other, row, other.get(pivot))
            basis[pivot] = row
    leaks = [
        c for c in cells if c in hidden and 0 < values[c] < 11 and not reduce({i: Fraction(1) for i in vectors[c]})
    ]
    for _total, parts in equations:
        hidden_parts = [p for p in parts if p in hidden]
        groups = [hidden_parts] + [list(pair) for pair in itertools.combinations(hidden_parts, 2)]
        for group in groups:
            amount = sum(values[p] for p in group)
            if len(group) > 1 and 0 < amount < 11:
                row: dict[int, Fraction] = {}
                for part in group:
                    for i in vectors[part]:
                        row[i] = row.get(i, Fraction(0)) + 1
                if not reduce(row):
                    leaks.append(("sum of", tuple(group)))
    return leaks


counts_strategy = st.integers(1, 4) | st.integers(5, 40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(POSSIBLE), counts_strategy), max_size=30))
def test_no_small_count_is_shown_or_derivable_across_all_published_tables(atoms):
    facts = []
    for index, number in atoms:
        mco, group, topic, month, expedited, outcome = ATOMS[index]
        facts += [A.Fact(mco, group, topic, month, expedited, outcome, 5 if outcome == A.RESOLVED else None)] * number
    counts, _ = A.count(facts)
    cells, equations = A.system(DIMENSIONS)
    values = {cell: counts.get(cell, 0) for cell in cells}
    public = A.known_zeros(cells, DIMENSIONS)
    hidden = suppress_system(values, equations, public=public)
    assert not hidden & public
    assert all(values[c] == 0 or values[c] >= 11 for c in cells if c not in hidden)
    assert derivable(cells, values, hidden, equations) == []


def test_the_cells_are_what_the_tables_say():
    """The atom meaning above agrees with the production counts (so the audit checks the real numbers)."""
    picks = [(0, 3), (len(ATOMS) - 1, 12), (200, 4), (77, 9)]
    facts = [A.Fact(*ATOMS[i][:6], None) for i, n in picks for _ in range(n)]
    counts, _ = A.count(facts)
    cells, _ = A.system(DIMENSIONS)
    for cell in cells:
        assert counts.get(cell, 0) == sum(n for i, n in picks if member(cell, ATOMS[i])), cell
    assert counts[("received", "all", A.ALL, A.ALL, A.ALL, A.ALL)] == 28


def test_every_combination_can_occur():
    """No 'at most' relation between tables: each split is a partition, and any complaint can fall in any part of
    every split at once (so equations are all a reader has)."""
    splits = {(cell[0], cell[5]) for cell in A.system(DIMENSIONS)[0]}
    assert {measure for measure, _ in splits} == {"received", "outcome"}
    assert {split for measure, split in splits if measure == "outcome"} == set(OUTCOMES)
    assert {split for measure, split in splits if measure == "received"} == {A.ALL, A.EXPEDITED, A.STANDARD}


def test_cells_outside_an_mco_contract_are_known_zeros():
    cells, _ = A.system(DIMENSIONS)
    zeros = A.known_zeros(cells, DIMENSIONS)
    assert ("received", "2026-03", "Beta", A.ALL, A.ALL, A.ALL) in zeros
    assert ("received", "2026-Q1", "Beta", "Hospital", A.ALL, A.ALL) in zeros
    assert ("outcome", "2026-Q1", "Beta", A.ALL, A.ALL, A.RESOLVED) in zeros
    assert not {c for c in zeros if c[1] in ("2026-04", "2026-Q2", "all") or c[2] != "Beta"}
