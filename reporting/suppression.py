"""Small-cell suppression for published statistics (DESIGN §7): pure functions, no database.

The published numbers form one system: every number is a *cell*, and *equations* say which cells add up to which
(a total equals the sum of its parts — across a table, between a quarter and its months, between all time and the
quarters, between two tables that share a total). Rules:

- primary: any count from 1 to threshold - 1 (default 1 to 10) is hidden, totals included; 0 may be shown;
- complementary, per equation: no equation may have exactly one hidden entry (it could be worked out by
  subtraction), nor hidden entries whose sum — known from a shown total — is itself a count from 1 to
  threshold - 1. While one does, another entry of that equation is hidden (the smallest non-zero shown part; a
  zero, then the total, only when nothing else is left);
- audit, over the whole system: the shown cells and all the equations together must not determine any hidden
  small count — by exact linear algebra over a large prime field, and by counts never being negative (the parts
  of a zero are zero; a known total equal to its known parts makes the rest zero) — and the per-equation rule
  above is checked again with every derivable cell counted as known (a hidden total that can be worked out does
  not protect small hidden parts), as is the sum of any two hidden parts of one equation. While any of this
  fails, another entry of one of those equations is hidden.
- bounds, over the whole system: counts are never negative, so a reader can bound hidden cells by linear
  programming even where nothing is pinned exactly. Every hidden small count must still be possibly 0 and
  possibly the threshold or more (``bounded``); while one is not, another entry of one of its equations is
  hidden (or, with all of those hidden, of the nearest equation linked to it through hidden cells).
Everything repeats until nothing changes. Each round hides more, so it ends; if a round can hide nothing more
(inconsistent input: nothing shown is linked to a pinned cell, even through hidden ones), every cell is hidden.
Finally, hidden cells the shown ones determine anyway (never a small count by then) are shown: a * there would
protect nothing.

Links between tables that are not sums ("at most" relations, dates that rule a state out) are turned into
equations by the caller, with internal cells that are always hidden and known zeros marked ``public``:
reporting.aggregates does this for the published statistics.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence

import highspy
import numpy

Key = Hashable
Equation = tuple[Key, tuple[Key, ...]]  # (total, parts): total = sum(parts)


def suppress_system(
    values: dict[Key, int],
    equations: Sequence[Equation],
    *,
    threshold: int = 11,
    also_hide: Iterable[Key] = (),
    public: Iterable[Key] = (),
) -> frozenset[Key]:
    """The cells to hide so that no count from 1 to ``threshold - 1`` is shown or can be derived.

    ``public`` cells are known to everyone anyway (zeros nobody needs the statistics for): never hidden, never
    counted on as protection.
    """
    public = frozenset(public)
    also_hide = frozenset(also_hide)
    hidden = ({key for key, value in values.items() if 0 < value < threshold} | also_hide) - public
    containing: dict[Key, list[int]] = {}
    for number, (total, parts) in enumerate(equations):
        for key in (total, *parts):
            containing.setdefault(key, []).append(number)

    def small(value: int) -> bool:
        return 0 < value < threshold

    def can_hide(key: Key) -> bool:
        return key not in hidden and key not in public

    def hide_another(number: int) -> bool:
        total, parts = equations[number]
        candidates = [key for key in parts if can_hide(key)]
        if candidates:
            # The smallest non-zero part hides the least while still blurring the hidden sum.
            hidden.add(min(candidates, key=lambda key: (values[key] == 0, values[key], repr(key))))
            return True
        if total in hidden or total in public:
            return False
        hidden.add(total)
        return True

    def cheapest(equation: Equation) -> tuple[int, int]:
        """How much hiding one more entry of the equation costs: its smallest hideable part, else its total."""
        total, parts = equation
        shown = [values[key] for key in parts if can_hide(key)]
        if shown:
            smallest = min(shown, key=lambda value: (value == 0, value))
            return (smallest == 0, smallest)
        return (2, values[total])

    def exposed(number: int, known: set[Key]) -> bool:
        """One unknown entry alone, or unknown parts whose sum — fixed by a known total — is a small count."""
        total, parts = equations[number]
        unknown = [key for key in (total, *parts) if key in hidden and key not in known]
        if len(unknown) == 1:
            return True
        unknown_parts = sum(values[key] for key in parts if key in hidden and key not in known)
        return bool(unknown) and total not in unknown and small(unknown_parts)

    while True:
        pending = set(range(len(equations)))
        while pending:
            number = min(pending)
            pending.discard(number)
            if exposed(number, set()):
                before = set(hidden)
                hide_another(number)
                for key in hidden - before:
                    pending.update(containing.get(key, ()))
        known, pivots = _known(values, equations, hidden)
        pinned = sorted((key for key in known if small(values[key])), key=repr)
        # Also: unknown parts next to a total that is known only through other equations (a derived large cell),
        # and two unknown parts of one equation whose sum the whole system fixes at a small count.
        summed = [
            n
            for n in range(len(equations))
            if not any(k in pinned for k in equations[n][1])
            and (exposed(n, known) or _small_pair(equations[n], hidden, known, values, pivots, small))
        ]
        if not pinned and not summed:
            # The exact checks pass; now bounds. Counts are never negative, so a reader can also bound hidden
            # cells (linear programming over everything shown); a hidden small count must stay possibly 0 and
            # possibly at least the threshold.
            pinned = bounded(values, equations, hidden, threshold=threshold)
            if not pinned:
                # A hidden cell the shown ones determine anyway (none is a small count now) protects nothing: show
                # it, rather than a * where anyone can work out the number (a zero under a total of 0, say).
                return frozenset(hidden - (known - also_hide))
        before = len(hidden)
        for key in pinned:
            # One more hidden entry per determined cell, in the equation offering the smallest candidate.
            options = [n for n in containing.get(key, ()) if any(can_hide(p) for p in equations[n][1])]
            options = options or [n for n in containing.get(key, ()) if can_hide(equations[n][0])]
            # Every equation around it hidden already, yet it is bounded (through hidden cells, by shown ones
            # further away): blur the nearest equation, over hidden cells, that still shows something.
            options = options or _nearest_showing(key, equations, containing, hidden, can_hide)
            if options:
                hide_another(min(options, key=lambda n: cheapest(equations[n])))
        for number in summed:
            if not hide_another(number):  # its total is hidden but derivable: blur the total's other equations
                total = equations[number][0]
                options = [
                    n
                    for n in containing.get(total, ())
                    if n != number and any(can_hide(k) for k in (equations[n][0], *equations[n][1]))
                ]
                if options:
                    hide_another(min(options, key=lambda n: cheapest(equations[n])))
        if len(hidden) == before:
            # Nothing shown is linked to them, even through hidden cells (inconsistent input): publish nothing
            # rather than loop or leak.
            return frozenset(values) - public


def _nearest_showing(
    key: Key,
    equations: Sequence[Equation],
    containing: dict[Key, list[int]],
    hidden: set[Key],
    can_hide: Callable[[Key], bool],
) -> list[int]:
    """The equations nearest to ``key`` — reached from it through hidden cells only — that still show a cell that
    may be hidden (none: nothing shown is linked to it)."""
    reached, frontier, visited = {key}, [key], set()
    while frontier:
        options, following = [], []
        for cell in frontier:
            for number in containing.get(cell, ()):
                if number in visited:
                    continue
                visited.add(number)
                total, parts = equations[number]
                if any(can_hide(entry) for entry in (total, *parts)):
                    options.append(number)
                following += [entry for entry in (total, *parts) if entry in hidden and entry not in reached]
                reached.update(following)
        if options:
            return options
        frontier = following
    return []


def bounded(values: dict[Key, int], equations: Sequence[Equation], hidden: set[Key], *, threshold: int) -> list[Key]:
    """Hidden small counts whose possible range, given every shown cell, the equations and counts never being
    negative, leaves out 0 or leaves out the threshold — a reader could tell the count is not zero, or that it is
    below the threshold.

    Ranges come from linear programming (HiGHS): the hidden cells are the variables, each equation a constraint.
    This is the linear relaxation: in principle it can reach 0 (or the threshold) only with fractions where whole
    numbers cannot; for these sums of counts its solutions have been whole numbers in practice (a random search
    found no such case), and the atom-level test checks independently. Every solution found is a witness for all
    the cells it shows at 0 (or at the threshold or more), so one solve for all of them first, then one per cell
    still unproven, is enough.
    """
    small = sorted((key for key in hidden if 0 < values[key] < threshold), key=repr)
    if not small:
        return []
    unknown = sorted(hidden, key=repr)
    column = {key: i for i, key in enumerate(unknown)}
    capped = {key: len(unknown) + i for i, key in enumerate(small)}  # min(cell, threshold), to maximise together
    width = len(unknown) + len(small)
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    upper = numpy.concatenate([numpy.full(len(unknown), highspy.kHighsInf), numpy.full(len(small), threshold)])
    solver.addVars(width, numpy.zeros(width), upper)
    for total, parts in equations:
        row = _coefficients((total, parts), hidden)
        if row:
            # The shown cells move to the other side: sum(row) = total - parts, over the shown ones.
            shown = (0 if total in hidden else values[total]) - sum(values[p] for p in parts if p not in hidden)
            indices = numpy.array([column[key] for key in row], numpy.int32)
            solver.addRow(shown, shown, len(row), indices, numpy.array(list(row.values()), float))
    for key in small:  # capped <= cell
        solver.addRow(0, highspy.kHighsInf, 2, numpy.array([column[key], capped[key]], numpy.int32), _ONE_MINUS_ONE)

    def witnesses(sense: highspy.ObjSense, costs: dict[int, float], found: set[Key], test) -> None:  # type: ignore[no-untyped-def]
        objective = numpy.zeros(width)
        objective[list(costs)] = list(costs.values())
        solver.changeColsCost(width, numpy.arange(width, dtype=numpy.int32), objective)
        solver.changeObjectiveSense(sense)
        solver.run()
        if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            solution = solver.getSolution().col_value
            found.update(key for key in small if test(solution[column[key]]))

    can_be_zero: set[Key] = set()
    at_zero = lambda value: value <= _TOLERANCE  # noqa: E731
    witnesses(highspy.ObjSense.kMinimize, {column[key]: 1.0 for key in small}, can_be_zero, at_zero)
    for key in small:
        if key not in can_be_zero:
            witnesses(highspy.ObjSense.kMinimize, {column[key]: 1.0}, can_be_zero, at_zero)
    can_be_large: set[Key] = set()
    at_threshold = lambda value: value >= threshold - _TOLERANCE  # noqa: E731
    witnesses(highspy.ObjSense.kMaximize, {capped[key]: 1.0 for key in small}, can_be_large, at_threshold)
    for key in small:
        if key not in can_be_large:
            witnesses(highspy.ObjSense.kMaximize, {capped[key]: 1.0}, can_be_large, at_threshold)
    # A solver giving no answer proves nothing: the cell counts as exposed.
    return [key for key in small if key not in can_be_zero or key not in can_be_large]


_TOLERANCE = 1e-6
_ONE_MINUS_ONE = numpy.array([1.0, -1.0])


def _small_pair(equation, hidden, known, values, pivots, small) -> bool:  # type: ignore[no-untyped-def]
    """Two unknown parts of the equation whose sum is a small count and is fixed by the system."""
    # A small sum has small (or zero) parts: only those can pair up.
    unknown = [k for k in equation[1] if k in hidden and k not in known and (small(values[k]) or values[k] == 0)]
    for index, first in enumerate(unknown):
        for second in unknown[index + 1 :]:
            if small(values[first] + values[second]) and in_span(pivots, (first, second)):
                return True
    return False


def _known(
    values: dict[Key, int], equations: Sequence[Equation], hidden: set[Key]
) -> tuple[set[Key], dict[Key, dict[Key, int]]]:
    """The hidden cells an attacker can still pin down from the shown ones.

    Two kinds of reasoning, repeated until neither finds more: linear algebra (``_rref``), and counts never
    being negative — the parts of a zero total are zero, and when a known total equals the sum of its known parts
    every unknown part is zero.
    """
    known: set[Key] = set()
    while True:
        changed = True
        while changed:
            changed = False
            for total, parts in equations:
                unknown = [key for key in parts if key in hidden and key not in known]
                total_known = total not in hidden or total in known
                if unknown and total_known and values[total] - sum(values[k] for k in parts if k not in unknown) == 0:
                    known.update(unknown)
                    changed = True
        pivots = _rref(equations, hidden - known)
        found = {column for column, row in pivots.items() if len(row) == 1} - known
        if not found:
            return known, pivots
        known |= found


_PRIME = (1 << 61) - 1


def _rref(equations: Sequence[Equation], hidden: set[Key]) -> dict[Key, dict[Key, int]]:
    """The reduced row echelon form of the equations over the hidden cells: pivot column -> its row.

    Unknowns are the hidden cells; each equation becomes a linear row over them. A hidden cell is determined when
    its unit vector lies in the rows' span: here, a pivot whose row has no other entry. Exact arithmetic modulo a
    large prime (the rank equals the rational rank for these small-integer rows).
    """
    rows: list[dict[Key, int]] = []
    for equation in equations:
        row = {key: coefficient % _PRIME for key, coefficient in _coefficients(equation, hidden).items()}
        if row:
            rows.append(row)
    pivots: dict[Key, dict[Key, int]] = {}
    uses: dict[Key, set[Key]] = {}  # column -> pivots whose row contains it
    for row in rows:
        row = dict(row)
        # Pivot rows hold no other pivot's column, so one pass clears every pivot column from the row.
        for column in [c for c in row if c in pivots]:
            _subtract(row, pivots[column], row.get(column, 0))
        if not row:
            continue
        column = min(row, key=lambda c: (len(uses.get(c, ())), repr(c)))
        inverse = pow(row[column], _PRIME - 2, _PRIME)
        row = {c: (v * inverse) % _PRIME for c, v in row.items()}
        for other in list(uses.get(column, ())):
            pivot_row = pivots[other]
            factor = pivot_row.get(column, 0)
            if factor:
                for c in pivot_row:
                    uses.setdefault(c, set()).discard(other)
                _subtract(pivot_row, row, factor)
                for c in pivot_row:
                    uses.setdefault(c, set()).add(other)
        pivots[column] = row
        for c in row:
            uses.setdefault(c, set()).add(column)
    return pivots


def _coefficients(equation: Equation, unknown: set[Key]) -> dict[Key, int]:
    """The equation as a linear row over the ``unknown`` cells: +1 per part, -1 for the total (zeros dropped)."""
    total, parts = equation
    row: dict[Key, int] = {}
    for key, sign in ((total, -1), *((part, 1) for part in parts)):
        if key in unknown:
            row[key] = row.get(key, 0) + sign
    return {key: coefficient for key, coefficient in row.items() if coefficient}


def in_span(pivots: dict[Key, dict[Key, int]], keys: Iterable[Key]) -> bool:
    """Whether the sum of the hidden cells ``keys`` is fixed by the equations (its vector is in the rows' span)."""
    residual: dict[Key, int] = {}
    for key in keys:
        residual[key] = (residual.get(key, 0) + 1) % _PRIME
    for column in [c for c in residual if c in pivots]:
        _subtract(residual, pivots[column], residual.get(column, 0))
    return not residual


def _subtract(row: dict[Key, int], pivot_row: dict[Key, int], factor: int) -> None:
    """row -= factor * pivot_row (mod the prime), dropping zeros."""
    if not factor:
        return
    for column, value in pivot_row.items():
        updated = (row.get(column, 0) - factor * value) % _PRIME
        if updated:
            row[column] = updated
        else:
            row.pop(column, None)
