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
Everything repeats until nothing changes. Each round hides more, so it ends; if a round can hide nothing more
(inconsistent input, or rarely a cell pinned only through equations already fully hidden), every cell is hidden.

Only equations are modelled: the published cells must not be linked by "at most" relations (one set of
complaints inside another without adding up to it), which linear programming could exploit. reporting.aggregates
publishes only splits of one partition of the complaints for that reason.
"""

from collections.abc import Hashable, Iterable, Sequence

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
    hidden = ({key for key, value in values.items() if 0 < value < threshold} | set(also_hide)) - public
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
            return frozenset(hidden)
        before = len(hidden)
        for key in pinned:
            # One more hidden entry per determined cell, in the equation offering the smallest candidate.
            options = [n for n in containing.get(key, ()) if any(can_hide(p) for p in equations[n][1])]
            options = options or [n for n in containing.get(key, ()) if can_hide(equations[n][0])]
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
            # Nothing left to hide around them (with inconsistent input, or rarely when a cell is pinned only
            # through equations already fully hidden): publish nothing rather than loop or leak.
            return frozenset(values) - public


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
    for total, parts in equations:
        row: dict[Key, int] = {}
        for key in parts:
            if key in hidden:
                row[key] = row.get(key, 0) + 1
        if total in hidden:
            row[total] = row.get(total, 0) - 1
        row = {key: coefficient % _PRIME for key, coefficient in row.items() if coefficient % _PRIME}
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
