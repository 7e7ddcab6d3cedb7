"""Small-cell suppression for published tables (DESIGN §7): a pure function, no database.

A table is published with its row totals, column totals and grand total. Rules:
- primary: any count from 1 to threshold - 1 (default 1 to 10) is suppressed, totals included; 0 may be shown;
- complementary: no row or column equation (total = sum of its cells) and no grand-total equation may have exactly
  one suppressed entry (it could be worked out by subtraction), nor hidden cells whose sum — known from a shown
  total — is itself a count from 1 to threshold - 1. While one does, another entry of that equation is suppressed
  (the smallest non-zero cell; a zero, then the total, only when nothing else is left).
- audit: the shown entries and all the equations together must not pin any hidden small count either (checked
  with linear algebra); while one is pinned, another entry of one of its equations is suppressed.
Both repeat until nothing changes.
"""

from dataclasses import dataclass

Cell = tuple[int, int]  # (row, column); column -1 is the row total, row -1 the column total, (-1, -1) the grand total


@dataclass(frozen=True)
class Suppressed:
    """Which entries of a table may be shown; ``hidden`` holds (row, column) keys as in ``Cell``."""

    hidden: frozenset[Cell]

    def shows(self, row: int, column: int) -> bool:
        return (row, column) not in self.hidden


def _equations(rows: int, columns: int) -> list[list[Cell]]:
    """Each equation lists its entries, the total last."""
    equations = [[(r, c) for c in range(columns)] + [(r, -1)] for r in range(rows)]
    equations += [[(r, c) for r in range(rows)] + [(-1, c)] for c in range(columns)]
    equations.append([(r, -1) for r in range(rows)] + [(-1, -1)])
    equations.append([(-1, c) for c in range(columns)] + [(-1, -1)])
    return equations


def suppress(table: list[list[int]], *, threshold: int = 11, also_hide: frozenset[Cell] = frozenset()) -> Suppressed:
    """The entries to hide so that no count from 1 to ``threshold - 1`` is shown or can be derived from totals."""
    rows = len(table)
    columns = len(table[0]) if rows else 0
    values: dict[Cell, int] = {(r, c): table[r][c] for r in range(rows) for c in range(columns)}
    for r in range(rows):
        values[(r, -1)] = sum(table[r])
    for c in range(columns):
        values[(-1, c)] = sum(table[r][c] for r in range(rows))
    values[(-1, -1)] = sum(values[(r, -1)] for r in range(rows))

    hidden = {cell for cell, value in values.items() if 0 < value < threshold} | set(also_hide)
    equations = _equations(rows, columns)

    def hide_another(equation: list[Cell]) -> bool:
        candidates = [cell for cell in equation[:-1] if cell not in hidden]
        if not candidates:
            if equation[-1] in hidden:
                return False
            hidden.add(equation[-1])
            return True
        # The smallest non-zero entry hides the least while still blurring the hidden sum; zeros only when no
        # other entry is left.
        hidden.add(min(candidates, key=lambda cell: (values[cell] == 0, values[cell])))
        return True

    def exposed(equation: list[Cell]) -> bool:
        """One hidden entry alone, or hidden cells whose known sum (total shown) is a small count."""
        hidden_here = [cell for cell in equation if cell in hidden]
        if len(hidden_here) == 1:
            return True
        total_shown = equation[-1] not in hidden
        hidden_sum = sum(values[cell] for cell in hidden_here)
        return bool(hidden_here) and total_shown and 0 < hidden_sum < threshold

    while True:
        changed = True
        while changed:
            changed = False
            for equation in equations:
                if exposed(equation):
                    changed = hide_another(equation) or changed
        pinned = [cell for cell in sorted(hidden) if 0 < values[cell] < threshold and _pinned(cell, hidden, equations)]
        if not pinned:
            return Suppressed(frozenset(hidden))
        cell = pinned[0]
        if not any(hide_another(equation) for equation in equations if cell in equation):
            return Suppressed(frozenset(values))  # nothing left to hide around it: hide the whole table


_PRIME = (1 << 61) - 1


def _rank(rows: list[list[int]]) -> int:
    """Rank over a large prime field (equal to the rational rank for these 0/±1 matrices)."""
    rows = [list(row) for row in rows]
    rank = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] % _PRIME), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        inverse = pow(rows[rank][column], _PRIME - 2, _PRIME)
        rows[rank] = [(value * inverse) % _PRIME for value in rows[rank]]
        for i in range(len(rows)):
            if i != rank and rows[i][column] % _PRIME:
                factor = rows[i][column]
                rows[i] = [(a - factor * b) % _PRIME for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def _pinned(cell: Cell, hidden: set[Cell], equations: list[list[Cell]]) -> bool:
    """True when the equations, with every shown entry known, determine ``cell`` exactly."""
    unknowns = sorted(hidden)
    index = {entry: i for i, entry in enumerate(unknowns)}
    matrix = []
    for equation in equations:
        row = [0] * len(unknowns)
        for entry in equation[:-1]:
            if entry in index:
                row[index[entry]] += 1
        if equation[-1] in index:
            row[index[equation[-1]]] -= 1
        if any(row):
            matrix.append(row)
    unit = [0] * len(unknowns)
    unit[index[cell]] = 1
    return _rank([*matrix, unit]) == _rank(matrix)
