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
  of a zero are zero; a known total equal to its known parts makes the rest zero; whatever lies within a zero is
  zero). While one is determined, another entry of one of its equations is hidden.
Everything repeats until nothing changes; the result only ever hides more, so it always ends.
"""

from collections.abc import Hashable, Iterable, Sequence

Key = Hashable
Equation = tuple[Key, tuple[Key, ...]]  # (total, parts): total = sum(parts)
Within = tuple[tuple[Key, ...], tuple[Key, ...]]  # (containers, inside): inside is empty when the containers are


def suppress_system(
    values: dict[Key, int],
    equations: Sequence[Equation],
    *,
    threshold: int = 11,
    also_hide: Iterable[Key] = (),
    within: Sequence[Within] = (),
) -> frozenset[Key]:
    """The cells to hide so that no count from 1 to ``threshold - 1`` is shown or can be derived.

    ``within`` lists (containers, cells counted inside them) that are not an equation — say, the complaints answered
    on time among those received: when every container is known to be zero, so is every cell inside.
    """
    hidden = {key for key, value in values.items() if 0 < value < threshold} | set(also_hide)
    containing: dict[Key, list[int]] = {}
    for number, (total, parts) in enumerate(equations):
        for key in (total, *parts):
            containing.setdefault(key, []).append(number)

    def small(value: int) -> bool:
        return 0 < value < threshold

    def hide_another(number: int) -> bool:
        total, parts = equations[number]
        candidates = [key for key in parts if key not in hidden]
        if candidates:
            # The smallest non-zero part hides the least while still blurring the hidden sum.
            hidden.add(min(candidates, key=lambda key: (values[key] == 0, values[key], repr(key))))
            return True
        if total in hidden:
            return False
        hidden.add(total)
        return True

    def exposed(number: int) -> bool:
        total, parts = equations[number]
        hidden_here = [key for key in (total, *parts) if key in hidden]
        if len(hidden_here) == 1:
            return True
        hidden_parts = sum(values[key] for key in parts if key in hidden)
        return bool(hidden_here) and total not in hidden and small(hidden_parts)

    while True:
        pending = set(range(len(equations)))
        while pending:
            number = min(pending)
            pending.discard(number)
            if exposed(number):
                before = set(hidden)
                hide_another(number)
                for key in hidden - before:
                    pending.update(containing.get(key, ()))
        pinned = sorted((key for key in _known(values, equations, hidden, within) if small(values[key])), key=repr)
        if not pinned:
            return frozenset(hidden)
        progressed = False
        for key in pinned:
            # One more hidden entry per determined cell, in the equation offering the smallest candidate.
            options = [n for n in containing.get(key, ()) if any(p not in hidden for p in equations[n][1])]
            options = options or [n for n in containing.get(key, ()) if equations[n][0] not in hidden]
            if options:
                best = min(options, key=lambda n: _cheapest(equations[n], hidden, values))
                progressed = hide_another(best) or progressed
        if not progressed:  # nothing left to hide around them: hide everything they touch
            for key in pinned:
                for number in containing.get(key, ()):
                    hidden.update((equations[number][0], *equations[number][1]))


def _cheapest(equation: Equation, hidden: set[Key], values: dict[Key, int]) -> tuple[int, int]:
    total, parts = equation
    shown = [values[key] for key in parts if key not in hidden]
    if shown:
        smallest = min(shown, key=lambda value: (value == 0, value))
        return (smallest == 0, smallest)
    return (2, values[total])


def _known(
    values: dict[Key, int], equations: Sequence[Equation], hidden: set[Key], within: Sequence[Within] = ()
) -> set[Key]:
    """The hidden cells an attacker can still pin down from the shown ones.

    Two kinds of reasoning, repeated until neither finds more: linear algebra (``determined``), and counts never
    being negative — the parts of a zero total are zero, when a known total equals the sum of its known parts every
    unknown part is zero, and whatever lies within a known zero is zero.
    """
    known: set[Key] = set()
    while True:
        changed = True
        while changed:
            changed = False
            for containers, inside in within:
                if all((c not in hidden or c in known) and values[c] == 0 for c in containers):
                    unknown = [key for key in inside if key in hidden and key not in known]
                    if unknown:
                        known.update(unknown)
                        changed = True
            for total, parts in equations:
                unknown = [key for key in parts if key in hidden and key not in known]
                total_known = total not in hidden or total in known
                if unknown and total_known and values[total] - sum(values[k] for k in parts if k not in unknown) == 0:
                    known.update(unknown)
                    changed = True
        found = determined(values, equations, hidden - known) - known
        if not found:
            return known
        known |= found


_PRIME = (1 << 61) - 1


def determined(values: dict[Key, int], equations: Sequence[Equation], hidden: set[Key]) -> set[Key]:
    """The hidden cells whose value the shown cells and the equations fix exactly.

    Unknowns are the hidden cells; each equation becomes a linear row over them. A hidden cell is determined when
    its unit vector lies in the rows' span: in the reduced row echelon form it is a pivot whose row has no other
    entry. Exact arithmetic modulo a large prime (the rank equals the rational rank for these small-integer rows).
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
    return {column for column, row in pivots.items() if len(row) == 1}


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
