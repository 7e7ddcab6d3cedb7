"""The published statistics as one system (DESIGN §7): whatever the data, no count from 1 to 10 is shown, and none
can be worked out from everything that is shown — across tables, months, quarters and all time — by a reader who
knows every published number, every zero, and how each number is made of individual complaints.

The check is independent of the production code: it builds each published number from "atoms" (every possible
combination of the characteristics a number can tell apart), treats atoms inside a published zero — or ruled out
by contract dates and time limits — as known, and asks

- with exact linear algebra (modulo a large prime) whether a hidden small count — a cell, the hidden part of any
  table row or column, or any two hidden cells of one row or column together — lies in the span of the shown
  numbers;
- with linear programming over the atoms (counts are never negative) whether a hidden small cell could still be
  0 and could still be 11 or more.
"""

import functools
import itertools
from datetime import date

import highspy
import numpy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting import aggregates as A
from reporting.suppression import suppress_system

MONTHS = ["2026-03", "2026-04", "2026-05"]  # two quarters: March alone, then April and May
# Beta's contract starts in April: anyone can tell its March counts are zero. "Today" is in late May: standard
# complaints received in May are not due a first response yet, expedited ones from 20 May on; no May complaint can
# be late for the MCO's answer (30 days).
DIMENSIONS = A.Dimensions(
    mcos=["Alpha", "Beta"],
    groups=["Hospital", "Pharmacy"],
    topics=["Claims", "Denials"],
    months=MONTHS,
    contracts={"Beta": (date(2026, 4, 1), None)},
    response_due_from={False: date(2026, 4, 25), True: date(2026, 5, 20)},
    answer_late_before=date(2026, 4, 10),
)
QUARTER = {"2026-03": "2026-Q1", "2026-04": "2026-Q2", "2026-05": "2026-Q2"}
OUTCOMES = [code for code, _ in A.OUTCOMES]
FIRST = [code for code, _ in A.FIRST_RESPONSE_STATES]
ANSWER = [code for code, _ in A.MCO_ANSWER_STATES]
# The last characteristic: the month a resolved complaint was resolved (that month or a later one), else None.
ATOMS = [
    (*atom, resolved)
    for atom in itertools.product(
        DIMENSIONS.mcos, DIMENSIONS.groups, DIMENSIONS.topics, MONTHS, [True, False], OUTCOMES, FIRST, ANSWER
    )
    for resolved in ([m for m in MONTHS if m >= atom[3]] if atom[5] == A.RESOLVED else [None])
]


def ruled_out(atom) -> bool:  # type: ignore[no-untyped-def]
    """Complaints anyone can tell do not exist: outside Beta's contract, or late before the time was up."""
    mco, _, _, month, expedited, _, first, answer, resolved = atom
    starts = date.fromisoformat(f"{month}-01")
    return (
        (mco == "Beta" and month == "2026-03")
        or (answer == A.LATE and resolved == month)  # a late answer comes 30+ days after receipt, resolution after it
        or (first == A.LATE and starts >= DIMENSIONS.response_due_from[expedited])
        or (answer == A.LATE and starts >= DIMENSIONS.answer_late_before)
    )


KNOWN_ZERO = {i for i, atom in enumerate(ATOMS) if ruled_out(atom)}
POSSIBLE = [i for i in range(len(ATOMS)) if i not in KNOWN_ZERO]


def member(cell, atom) -> bool:  # type: ignore[no-untyped-def]
    """Whether the complaints of ``atom`` are counted in ``cell``, from the meaning of a cell alone."""
    measure, period, mco, group, topic, split = cell
    a_mco, a_group, a_topic, month, expedited, outcome, first, answer, resolved = atom
    handling = A.EXPEDITED if expedited else A.STANDARD

    def matches(part: str, value: object) -> bool:
        return part == A.ALL or part == value

    if measure == A.JOINT:  # internal: one month, one MCO, one combination of handling, first response, answer
        return period == month and mco == a_mco and split.split("|") == [handling, first, answer]
    if measure == A.RESOLVED_FROM:  # internal: received in one month, resolved in another
        return period == month and mco == a_mco and split == resolved
    if measure == A.UNRESOLVED:  # internal: received in one month, not resolved
        return period == month and mco == a_mco and resolved is None
    if measure == A.NEITHER:  # internal: received in one month, neither answered late nor resolved that month
        return period == month and mco == a_mco and answer != A.LATE and resolved != month
    if measure == A.OTHER_OUTCOMES:  # internal: received in one quarter, by MCO and group or topic, neither resolved
        # nor closed because the MCO had not been given the chance first
        return (
            period == QUARTER[month]
            and mco == a_mco
            and matches(group, a_group)
            and matches(topic, a_topic)
            and outcome not in (A.RESOLVED, A.REASON_NOT_FIRST)
        )
    if measure == "resolved_in":  # counted by the month resolved
        return resolved is not None and period in ("all", resolved, QUARTER[resolved]) and matches(mco, a_mco)
    if period not in ("all", month, QUARTER[month]) or not matches(mco, a_mco):
        return False
    if not (matches(group, a_group) and matches(topic, a_topic)):
        return False
    return matches(split, {"outcome": outcome, "first_response": first, "mco_answer": answer}.get(measure, handling))


@functools.cache
def atoms_of(cells: tuple) -> dict:  # type: ignore[type-arg]
    """Each cell's atoms (the same cells in every example: worked out once)."""
    return {cell: frozenset(i for i, atom in enumerate(ATOMS) if member(cell, atom)) for cell in cells}


PRIME = (1 << 61) - 1  # exact arithmetic modulo a large prime: the rank of these 0/1 rows is the rational rank


def subtract(row: dict[int, int], pivot_row: dict[int, int], factor: int | None) -> None:
    """row -= factor * pivot_row (mod the prime), dropping zeros."""
    if not factor:
        return
    for i, v in pivot_row.items():
        updated = (row.get(i, 0) - factor * v) % PRIME
        if updated:
            row[i] = updated
        else:
            row.pop(i, None)


def derivable(cells, values, hidden, equations):  # type: ignore[no-untyped-def]
    """Hidden small counts in the span of the shown cells: single cells, and the hidden parts of an equation."""
    vectors = atoms_of(tuple(cells))
    known_zero = set(KNOWN_ZERO).union(*(v for c, v in vectors.items() if c not in hidden and values[c] == 0))
    basis: dict[int, dict[int, int]] = {}

    def reduce(row: dict[int, int]) -> dict[int, int]:
        row = {i: v for i, v in row.items() if i not in known_zero and v}
        for pivot, pivot_row in basis.items():
            subtract(row, pivot_row, row.get(pivot))
        return row

    for cell, vector in vectors.items():
        if cell in hidden:
            continue
        row = reduce(dict.fromkeys(vector, 1))
        if row:
            pivot = min(row)
            inverse = pow(row[pivot], PRIME - 2, PRIME)
            row = {i: v * inverse % PRIME for i, v in row.items()}
            for other in basis.values():
                subtract(other, row, other.get(pivot))
            basis[pivot] = row
    leaks = [c for c in cells if c in hidden and 0 < values[c] < 11 and not reduce(dict.fromkeys(vectors[c], 1))]
    for _total, parts in equations:
        hidden_parts = [p for p in parts if p in hidden]
        groups = [hidden_parts] + [list(pair) for pair in itertools.combinations(hidden_parts, 2)]
        for group in groups:
            amount = sum(values[p] for p in group)
            if len(group) > 1 and 0 < amount < 11:
                row: dict[int, int] = {}
                for part in group:
                    for i in vectors[part]:
                        row[i] = row.get(i, 0) + 1
                if not reduce(row):
                    leaks.append(("sum of", tuple(group)))
    return leaks + bounded(cells, values, hidden, vectors, known_zero)


def bounded(cells, values, hidden, vectors, known_zero):  # type: ignore[no-untyped-def]
    """Hidden small cells a reader can bound away from 0 or from 11: over the unknown atoms (never negative), with
    every shown cell fixed, the cell's smallest possible value must be 0 and its largest 11 or more."""
    unknown = sorted(set(range(len(ATOMS))) - known_zero)
    column = {atom: i for i, atom in enumerate(unknown)}
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.addVars(len(unknown), numpy.zeros(len(unknown)), numpy.full(len(unknown), highspy.kHighsInf))
    for cell in cells:
        atoms = [column[a] for a in vectors[cell] if a in column]
        if cell not in hidden and atoms:
            solver.addRow(
                values[cell], values[cell], len(atoms), numpy.array(atoms, numpy.int32), numpy.ones(len(atoms))
            )
    leaks = []
    for cell in cells:
        if cell not in hidden or not 0 < values[cell] < 11:
            continue
        extremes = possible_range(solver, len(unknown), [column[a] for a in vectors[cell] if a in column])
        if extremes[0] > 1e-6 or extremes[1] < 11 - 1e-6:
            leaks.append(("range", cell, tuple(extremes)))
    return leaks


def possible_range(solver: highspy.Highs, width: int, members: list[int]) -> tuple[float, float]:
    """The smallest and largest the sum of the ``members`` columns can be under the solver's constraints (inf:
    unbounded above)."""
    objective = numpy.zeros(width)
    objective[members] = 1
    solver.changeColsCost(width, numpy.arange(width, dtype=numpy.int32), objective)
    extremes = []
    for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
        solver.changeObjectiveSense(sense)
        solver.run()
        status = solver.getModelStatus()
        assert status in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded), status
        unbounded = status == highspy.HighsModelStatus.kUnbounded
        extremes.append(float("inf") if unbounded else solver.getInfo().objective_function_value)
    return extremes[0], extremes[1]


counts_strategy = st.integers(1, 4) | st.integers(5, 40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(POSSIBLE), counts_strategy), max_size=30))
def test_no_small_count_is_shown_or_derivable_across_all_published_tables(atoms):
    facts = []
    for index, number in atoms:
        mco, group, topic, month, expedited, outcome, first, answer, resolved = ATOMS[index]
        days = 5 if outcome == A.RESOLVED else None
        facts += [A.Fact(mco, group, topic, month, expedited, outcome, days, first, answer, resolved)] * number
    counts, _ = A.count(facts)
    cells, equations = A.system(DIMENSIONS)
    values = {cell: counts.get(cell, 0) for cell in cells}
    public = A.known_zeros(cells, DIMENSIONS)
    hidden = suppress_system(values, equations, internal=A.internal(cells), public=public)
    assert not hidden & public and A.internal(cells) - public <= hidden
    assert all(values[c] == 0 or values[c] >= 11 for c in cells if c not in hidden)
    assert derivable(cells, values, hidden, equations) == []


def test_the_cells_are_what_the_tables_say():
    """The atom meaning above agrees with the production counts (so the audit checks the real numbers)."""
    picks = [(0, 3), (len(ATOMS) - 1, 12), (200, 4), (77, 9), (2000, 5)]
    picks += [(next(i for i, atom in enumerate(ATOMS) if atom[8] == "2026-05" and atom[3] == "2026-03"), 7)]
    facts = [A.Fact(*ATOMS[i][:6], None, *ATOMS[i][6:]) for i, n in picks for _ in range(n)]
    counts, _ = A.count(facts)
    cells, _ = A.system(DIMENSIONS)
    for cell in cells:
        assert counts.get(cell, 0) == sum(n for i, n in picks if member(cell, ATOMS[i])), cell
    assert counts[("received", "all", A.ALL, A.ALL, A.ALL, A.ALL)] == 40
    assert counts[("resolved_in", "2026-Q2", A.ALL, A.ALL, A.ALL, A.ALL)] >= 7


def test_every_published_split_is_a_partition_of_the_complaints_received():
    """Each table splits the same complaints; the internal cells tie the handling, first-response and MCO-answer
    splits to the months (so a reader's knowledge of dates is in the equations)."""
    cells, _ = A.system(DIMENSIONS)
    splits = {(cell.measure, cell.split) for cell in cells if cell.measure not in A.INTERNAL}
    assert {measure for measure, _ in splits} == {"received", "outcome", "first_response", "mco_answer", "resolved_in"}
    assert {split for measure, split in splits if measure == "outcome"} == set(OUTCOMES)
    assert {split for measure, split in splits if measure == "first_response"} == set(FIRST)
    assert {split for measure, split in splits if measure == "mco_answer"} == set(ANSWER)
    assert {split for measure, split in splits if measure == "received"} == {A.ALL, A.EXPEDITED, A.STANDARD}
    joint = len(DIMENSIONS.mcos) * len(MONTHS) * 2 * len(FIRST) * len(ANSWER)
    # (received, resolved) pairs; not resolved; neither answered late nor resolved in the month received
    resolution = len(DIMENSIONS.mcos) * (3 + 2 + 1 + 2 * len(MONTHS))
    # not resolved, per quarter, MCO and provider type group or topic (the tables of resolved by group and topic)
    by_row = len(DIMENSIONS.mcos) * 2 * (len(DIMENSIONS.groups) + len(DIMENSIONS.topics))
    assert len(A.internal(cells)) == joint + resolution + by_row


def test_cells_outside_an_mco_contract_are_known_zeros():
    cells, _ = A.system(DIMENSIONS)
    zeros = A.known_zeros(cells, DIMENSIONS)
    assert ("received", "2026-03", "Beta", A.ALL, A.ALL, A.ALL) in zeros
    assert ("received", "2026-Q1", "Beta", "Hospital", A.ALL, A.ALL) in zeros
    assert ("outcome", "2026-Q1", "Beta", A.ALL, A.ALL, A.RESOLVED) in zeros
    assert not {
        c
        for c in zeros
        if c.measure not in A.INTERNAL and (c.period in ("2026-04", "2026-Q2", "all") or c.mco != "Beta")
    }


def test_late_before_the_time_is_up_is_a_known_zero():
    """A quarter or all time always holds days when a complaint could be late, so only internal cells of May are
    ruled out by the time limits."""
    cells, _ = A.system(DIMENSIONS)
    zeros = A.known_zeros(cells, DIMENSIONS) - {
        c for c in cells if c.mco == "Beta" and c.period in ("2026-03", "2026-Q1")
    }
    assert zeros == {
        A.joint_key("2026-05", mco, expedited, first, answer)
        for mco in DIMENSIONS.mcos
        for expedited in (True, False)
        for first in FIRST
        for answer in ANSWER
        if (first == A.LATE and not expedited) or answer == A.LATE
    }
