"""Small-cell suppression (DESIGN §7) of one table with its totals: hand cases and properties over random tables
(hypothesis). The linked system of every published table is checked in test_linked_suppression."""

from dataclasses import dataclass
from itertools import pairwise

import highspy
import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.least_hidden import least_large_hidden
from reporting.suppression import _WHOLE_NODES, bounded, suppress_least, suppress_system

Cell = tuple[int, int]  # a table entry (row, column); column -1 is the row total, row -1 the column total


@dataclass(frozen=True)
class Suppressed:
    """Which entries of a table may be shown; ``hidden`` holds (row, column) keys as in ``Cell``."""

    hidden: frozenset[Cell]

    def shows(self, row: int, column: int) -> bool:
        return (row, column) not in self.hidden


def _equations(rows: int, columns: int) -> list[list[Cell]]:
    """A table's equations, each listing its entries with the total last."""
    equations = [[(r, c) for c in range(columns)] + [(r, -1)] for r in range(rows)]
    equations += [[(r, c) for r in range(rows)] + [(-1, c)] for c in range(columns)]
    equations.append([(r, -1) for r in range(rows)] + [(-1, -1)])
    equations.append([(-1, c) for c in range(columns)] + [(-1, -1)])
    return equations


def table_system(table: list[list[int]]) -> tuple[dict[Cell, int], list[tuple[Cell, tuple[Cell, ...]]]]:
    """One table's entries with its row, column and grand totals, and its equations."""
    rows = len(table)
    columns = len(table[0]) if rows else 0
    values: dict[Cell, int] = {(r, c): table[r][c] for r in range(rows) for c in range(columns)}
    for r in range(rows):
        values[(r, -1)] = sum(table[r])
    for c in range(columns):
        values[(-1, c)] = sum(table[r][c] for r in range(rows))
    values[(-1, -1)] = sum(values[(r, -1)] for r in range(rows))
    return values, [(equation[-1], tuple(equation[:-1])) for equation in _equations(rows, columns)]


def suppress(
    table: list[list[int]],
    *,
    threshold: int = 11,
    also_hide: frozenset[Cell] = frozenset(),
    look_ahead: bool = True,
) -> Suppressed:
    """One table with its row, column and grand totals, suppressed on its own."""
    values, equations = table_system(table)
    return Suppressed(
        frozenset(suppress_system(values, equations, threshold=threshold, also_hide=also_hide, look_ahead=look_ahead))
    )


def shown_values(table, result):  # type: ignore[no-untyped-def]
    rows, columns = len(table), len(table[0])
    values = {(r, c): table[r][c] for r in range(rows) for c in range(columns)}
    for r in range(rows):
        values[(r, -1)] = sum(table[r])
    for c in range(columns):
        values[(-1, c)] = sum(table[r][c] for r in range(rows))
    values[(-1, -1)] = sum(map(sum, table))
    return {cell: value for cell, value in values.items() if cell not in result.hidden}, values


def test_a_small_cell_and_a_complement_in_its_row_and_column_are_hidden():
    table = [[5, 40, 30], [20, 25, 60]]
    result = suppress(table)
    assert (0, 0) in result.hidden  # primary: 5
    assert (0, 2) in result.hidden  # its row's smallest other cell (30)
    assert (1, 0) in result.hidden  # its column's complement (20)
    assert result.shows(0, -1) and result.shows(-1, -1)  # totals stay when they can


def test_zeros_and_large_counts_are_shown():
    result = suppress([[0, 12], [40, 0]])
    assert result.hidden == frozenset()


def test_a_small_total_is_hidden_too():
    result = suppress([[3, 4], [0, 0]])
    assert (0, -1) in result.hidden and (-1, 0) in result.hidden and (-1, -1) in result.hidden


def test_the_threshold_is_a_parameter():
    assert suppress([[12, 40], [30, 50]], threshold=13).hidden >= {(0, 0)}
    assert suppress([[12, 40], [30, 50]]).hidden == frozenset()


tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda rows: st.integers(min_value=1, max_value=6).flatmap(
        lambda columns: st.lists(
            st.lists(st.one_of(st.integers(0, 15), st.integers(0, 300)), min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_count_from_1_to_10_is_shown(table):
    shown, _ = shown_values(table, suppress(table))
    assert all(value == 0 or value >= 11 for value in shown.values())


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_hidden_entry_is_alone_in_a_row_column_or_total_equation(table):
    result = suppress(table)
    for equation in _equations(len(table), len(table[0])):
        assert sum(cell in result.hidden for cell in equation) != 1


def determined(hidden: list, equations: list, cell) -> bool:  # type: ignore[no-untyped-def]
    """True when the equations pin ``cell`` exactly (its unit vector lies in their row space), over the rationals."""
    from fractions import Fraction

    index = {entry: i for i, entry in enumerate(hidden)}
    matrix = []
    for equation in equations:
        row = [Fraction(0)] * len(hidden)
        for entry in equation[:-1]:
            if entry in index:
                row[index[entry]] += 1
        if equation[-1] in index:
            row[index[equation[-1]]] -= 1
        if any(row):
            matrix.append(row)

    def rank(rows):  # type: ignore[no-untyped-def]
        rows = [list(r) for r in rows]
        rank_, column = 0, 0
        width = len(hidden)
        while rank_ < len(rows) and column < width:
            pivot = next((i for i in range(rank_, len(rows)) if rows[i][column] != 0), None)
            if pivot is None:
                column += 1
                continue
            rows[rank_], rows[pivot] = rows[pivot], rows[rank_]
            for i in range(len(rows)):
                if i != rank_ and rows[i][column] != 0:
                    factor = rows[i][column] / rows[rank_][column]
                    rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank_], strict=True)]
            rank_ += 1
            column += 1
        return rank_

    unit = [Fraction(0)] * len(hidden)
    unit[index[cell]] = Fraction(1)
    return rank([*matrix, unit]) == rank(matrix)


@pytest.mark.parametrize("look_ahead", [True, False], ids=["looking ahead", "not looking ahead"])
@settings(max_examples=300, deadline=None)
@given(table=tables)
def test_no_hidden_small_count_is_pinned_by_the_shown_entries_and_totals(table, look_ahead):
    """Stronger than one equation at a time: the whole system of shown totals does not determine any small count
    (either way of choosing the cells that protect others: ``suppress_least`` may publish either)."""
    result = suppress(table, look_ahead=look_ahead)
    _, values = shown_values(table, result)
    hidden = sorted(result.hidden)
    equations = _equations(len(table), len(table[0]))
    for cell in hidden:
        if 0 < values[cell] < 11:
            assert not determined(hidden, equations, cell), (cell, table)


def test_looking_ahead_protects_a_small_count_with_the_cell_that_exposes_nothing_more():
    """a = 4 needs a partner in T1 = a + b + c. b (20) is the smaller count, but hidden it would be alone in
    T2 = b + d, so d would go too; c (30) protects e = 4 in T3 = c + e + f as well. Looking ahead hides c: three
    numbers hidden instead of five, and b, d and their total stay shown."""
    values = {"a": 4, "b": 20, "c": 30, "T1": 54, "d": 40, "T2": 60, "e": 4, "f": 50, "T3": 84}
    equations = [("T1", ("a", "b", "c")), ("T2", ("b", "d")), ("T3", ("c", "e", "f"))]
    assert suppress_system(values, equations) == {"a", "c", "e"}
    assert suppress_system(values, equations, look_ahead=False) == {"a", "b", "c", "d", "e"}
    assert suppress_least(values, equations) == {"a", "c", "e"}


def test_the_least_suppression_takes_the_plain_way_where_looking_ahead_hides_more():
    """Looking ahead is a rule of thumb: on this table it hides 4 numbers of 11 or more, the plain way 3, and the
    release publishes the plain way's."""
    values, equations = table_system([[4, 9, 53], [27, 2, 21], [55, 21, 4]])
    ahead = suppress_system(values, equations)
    plain = suppress_system(values, equations, look_ahead=False)
    assert [sum(values[cell] >= 11 for cell in hidden) for hidden in (ahead, plain)] == [4, 3]
    assert suppress_least(values, equations) == plain


def test_the_least_suppression_keeps_the_headline_totals_shown_first():
    """Looking ahead hides 3 numbers of 11 or more here, among them the third column's total (67); the plain way
    hides 5 but shows that total. Where the total is a headline figure (an MCO's complaints in a quarter, say), the
    release takes the plain way."""
    values, equations = table_system([[32, 1, 29], [15, 6, 38]])
    ahead = suppress_system(values, equations)
    plain = suppress_system(values, equations, look_ahead=False)
    assert (-1, 2) in ahead and (-1, 2) not in plain
    assert suppress_least(values, equations) == ahead
    assert suppress_least(values, equations, headline=lambda cell: cell == (-1, 2)) == plain


def test_the_headline_figures_are_each_mcos_received_and_resolved_for_all_time_and_each_quarter():
    from reporting.cells import ALL, RESOLVED, Cell
    from reporting.tables import is_headline

    assert is_headline(Cell("received", "all", "Molina", ALL, ALL, ALL))
    assert is_headline(Cell("outcome", "2026-Q3", "Molina", ALL, ALL, RESOLVED))
    assert not is_headline(Cell("received", "2026-07", "Molina", ALL, ALL, ALL))  # a month: a row of a table
    assert not is_headline(Cell("received", "all", ALL, ALL, ALL, ALL))  # every MCO's
    assert not is_headline(Cell("received", "all", "Molina", "Pharmacy", ALL, ALL))
    assert not is_headline(Cell("outcome", "all", "Molina", ALL, ALL, "duplicate"))


@settings(max_examples=200, deadline=None)
@given(tables)
def test_the_least_suppression_hides_no_more_large_numbers_than_either_way_and_is_one_of_them(table):
    values, equations = table_system(table)
    least = suppress_least(values, equations)
    ways = [suppress_system(values, equations, look_ahead=look_ahead) for look_ahead in (True, False)]
    assert least in ways
    assert sum(values[cell] >= 11 for cell in least) == min(sum(values[c] >= 11 for c in way) for way in ways)


def test_the_complement_is_taken_from_inside_a_table_before_a_total_readers_look_for():
    """g = x + y + s with s = 3 hidden: one more entry must go. x (25) is a smaller count than y (30), but x is the
    total of x1 + x2 — an MCO's quarter, say — so y goes, and x and its parts stay shown."""
    values = {"g": 58, "x": 25, "y": 30, "s": 3, "x1": 12, "x2": 13}
    equations = [("g", ("x", "y", "s")), ("x", ("x1", "x2"))]
    assert suppress_system(values, equations) == {"s", "y"}


def test_a_count_bounded_by_counts_never_being_negative_is_caught_and_protected():
    """x + y = 12 is shown, and y = w + 11 with 11 shown: y is at least 11, so x is 0 or 1 — no single value is
    pinned (x + w = 1, but x and w share no row), yet a reader learns x is at most 1."""
    values = {"total": 12, "x": 1, "y": 11, "w": 0, "v": 11}
    equations = [("total", ("x", "y")), ("y", ("w", "v"))]
    assert bounded(values, equations, {"x", "y", "w"}, threshold=11) == ["x"]
    hidden = suppress_system(values, equations)
    assert "x" in hidden and bounded(values, equations, set(hidden), threshold=11) == []
    # Hidden with nothing left to bound it, the count could be anything from 0 to 12: safe.
    assert bounded(values, [("total", ("x", "y"))], {"x", "y"}, threshold=11) == []


def test_a_count_bounded_only_from_further_away_is_protected_without_withdrawing_every_table():
    """Three quarters of a 3 x 3 table and their all-time sum. Some small counts end up hidden with every equation
    around them hidden too, yet still bounded below the threshold by shown cells further away (through hidden ones).
    The engine hides the nearest equation's shown cell instead of giving up and publishing nothing."""
    grid = [
        [[12, 40, 5], [20, 20, 1], [0, 1, 3]],
        [[2, 40, 1], [0, 1, 8], [40, 0, 0]],
        [[20, 3, 0], [2, 3, 0], [40, 20, 0]],
    ]
    T = "total"
    periods, lines = [0, 1, 2, "all"], [0, 1, 2, T]
    values = {(p, r, c): grid[p][r][c] for p in range(3) for r in range(3) for c in range(3)}
    for r in range(3):
        for c in range(3):
            values[("all", r, c)] = sum(grid[p][r][c] for p in range(3))
    equations = []
    for p in periods:
        for r in range(3):
            values[(p, r, T)] = sum(values[(p, r, c)] for c in range(3))
        for c in lines:
            values[(p, T, c)] = sum(values[(p, r, c)] for r in range(3))
        equations += [((p, r, T), tuple((p, r, c) for c in range(3))) for r in lines]
        equations += [((p, T, c), tuple((p, r, c) for r in range(3))) for c in lines]
    equations += [(("all", r, c), tuple((p, r, c) for p in range(3))) for r in lines for c in lines]

    hidden = suppress_system(values, equations, threshold=11)

    assert len(hidden) < len(values)  # it used to withdraw all 64 numbers
    assert not [key for key, value in values.items() if 0 < value < 11 and key not in hidden]
    assert bounded(values, equations, set(hidden), threshold=11) == []


def test_the_whole_number_search_is_limited_by_work_not_by_the_clock(monkeypatch):
    """Which cells are hidden must not depend on how fast the machine is: the whole-number search over every cell
    (reached here, where only whole numbers expose x) stops after a fixed number of branch-and-bound nodes, never
    after a time limit, which a slower machine would reach with less done."""
    options: list[tuple[str, object]] = []
    original = highspy.Highs.setOptionValue

    def record(solver, name, value):  # type: ignore[no-untyped-def]
        options.append((name, value))
        return original(solver, name, value)

    monkeypatch.setattr(highspy.Highs, "setOptionValue", record)
    values = {"S": 41, "x": 1, "y": 20, "z": 20, "c": 35, "d": 15}
    equations = [("S", ("x", "y", "z")), ("c", ("y", "d")), ("c", ("z", "d"))]

    assert bounded(values, equations, {"x", "y", "z", "c", "d"}, threshold=11) == ["x"]

    limits = [value for name, value in options if name == "mip_max_nodes"]
    # Both searches over every cell ran limited: the one for every unproven cell together, and the one for x alone.
    assert limits.count(_WHOLE_NODES) == 2
    # Each limit is lifted again before the solver's next (local, always finished) search.
    assert all(after == highspy.kHighsIInf for before, after in pairwise(limits) if before == _WHOLE_NODES)
    assert limits[-1] == highspy.kHighsIInf
    assert not [name for name, _value in options if name == "time_limit"]


def test_a_bound_that_only_whole_numbers_reveal_is_caught_and_protected():
    """S = x + y + z is shown (41) and two hidden links say y = z (c = y + d = z + d). In fractions x could be 0
    (y = z = 20.5), but counts are whole numbers: x + 2y = 41 makes x odd, so a reader knows x is at least 1. The
    linear relaxation alone accepts the fractional witness; checked again in whole numbers, x is exposed and the
    total that reveals it is hidden too."""
    values = {"S": 41, "x": 1, "y": 20, "z": 20, "c": 35, "d": 15}
    equations = [("S", ("x", "y", "z")), ("c", ("y", "d")), ("c", ("z", "d"))]
    all_but_s = {"x", "y", "z", "c", "d"}
    assert bounded(values, equations, all_but_s, threshold=11, whole=False) == []  # fractions: x looks safe
    assert bounded(values, equations, all_but_s, threshold=11) == ["x"]

    hidden = suppress_system(values, equations, also_hide={"c", "d"})

    assert "S" in hidden
    # Independently, in whole numbers (every cell 0 to 45): what a reader can tell x is, from what is shown.
    x, y, z, d = numpy.meshgrid(*[numpy.arange(46)] * 4, indexing="ij")
    c = y + d
    possible = z + d == c
    for name, cell in {"S": x + y + z, "x": x, "y": y, "z": z, "c": c, "d": d}.items():
        if name not in hidden:
            possible &= cell == values[name]
    assert 0 in set(x[possible]) and max(x[possible]) >= 11


def test_an_internal_cell_a_reader_can_work_out_needs_protecting_only_when_small():
    """Received = resolved + not resolved, the last never published (internal). With 40 received and 25 resolved,
    anyone can tell 15 are not resolved: that tells no small count, so both stay shown. With 27 resolved, the 13
    not resolved would still be fine; with 33, the 7 not resolved is a small count: one of the two published
    numbers is hidden (and, as the row must not show one hidden number alone, its neighbour too)."""
    equations = [("received", ("resolved", "not")), ("all", ("received", "other"))]
    for resolved, hides in ((25, False), (27, False), (33, True)):
        values = {"received": 40, "resolved": resolved, "not": 40 - resolved, "all": 60, "other": 20}
        hidden = suppress_system(values, equations, internal={"not"})
        assert "not" in hidden and bool(hidden & {"received", "resolved"}) == hides, resolved
        # A cell hidden for another reason (what an earlier release hid) is not internal: alone, it is exposed.
        earlier = suppress_system(values, equations, also_hide={"not"})
        assert earlier & {"received", "resolved"}


def test_the_least_any_protection_hides_counts_what_each_small_count_and_each_complement_needs():
    """3 | 20 and 30 | 40: the 3 is hidden; its row and its column each need one more count of 11 or more hidden
    (their hidden parts would otherwise add up to 3), and no cell but the 3 is in both. Each of those two is then
    alone in its own column or row, where the 40 serves both: at least 3, which is what the suppression hides. What
    must stay hidden anyway counts too."""
    values, equations = table_system([[3, 20], [30, 40]])
    assert least_large_hidden(values, equations) == 3
    assert sum(values[cell] >= 11 for cell in suppress([[3, 20], [30, 40]]).hidden) == 3
    assert least_large_hidden(values, equations, also_hide={(1, 1)}) == 3  # the 40, and the two the 3 needs
    # Small counts can protect each other: 3 + 9 hidden in one column add up to 12, so that column needs nothing
    # more; each row still needs one (3 and 9 alone are below 11), and the 20 and 40 keep each other company.
    values, equations = table_system([[3, 20], [9, 40]])
    assert least_large_hidden(values, equations) == 2
    assert sum(values[cell] >= 11 for cell in suppress([[3, 20], [9, 40]]).hidden) == 2
    # Without rule 1 (a threshold of 1: nothing is small), nothing needs hiding.
    assert least_large_hidden(values, equations, threshold=1) == 0


@settings(max_examples=200, deadline=None)
@given(tables)
def test_no_suppression_hides_fewer_counts_of_11_or_more_than_the_least(table):
    values, equations = table_system(table)
    hidden = suppress(table).hidden
    assert least_large_hidden(values, equations) <= sum(values[cell] >= 11 for cell in hidden)
