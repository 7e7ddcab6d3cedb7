"""The linked system: every cell of every table in every period, and every equation a reader knows between them.

An equation is ``(total, parts)``: total = sum(parts). The equations are

- each table's own (rows and columns add up to their totals: reporting.tables);
- time: each all-time cell is the sum of the same cell in every quarter (a quarter's months are rows of the
  month tables);
- what a reader can tell from dates, as internal cells (never published, always hidden) tied to published ones:
  per month received and MCO, a ``JOINT`` cell per combination of handling, first response and MCO answer (adding
  up to the month and to each split's quarter); ``RESOLVED_FROM`` cells for the complaints received in one month
  and resolved in the same or a later one (adding up to the resolved of the outcome table, and to the month
  resolved of the resolved table), ``UNRESOLVED`` for those not resolved, and ``NEITHER`` for those neither
  answered late nor resolved in the month received (a late answer comes 30+ days after receipt, so before any
  resolution: no complaint is both); and per quarter, MCO and provider type group (or topic), ``OTHER_OUTCOMES``
  for the complaints received and neither resolved nor closed because the MCO had not been given the chance first
  (still open, or closed for another reason), so that received = resolved + closed that way + the rest there
  (what the tables by provider type and by topic publish is at most the complaints received, which a reader
  knows);
- and the cells anyone knows are zero (``known_zeros``): outside an MCO's contract, or late before the time was up.

The whole system is suppressed together (reporting.suppression.suppress_system), so no hidden small count can be
worked out by combining tables, periods, totals or dates.
"""

from collections.abc import Callable, Iterable

from reporting.cells import (
    ALL,
    EXPEDITED,
    FIRST_RESPONSE_STATES,
    LATE,
    MCO_ANSWER_STATES,
    RESOLVED,
    STANDARD,
    Cell,
    Dimensions,
    period_days,
    periods,
    quarter_of,
    quarters,
)
from reporting.tables import OUTCOME_TABLES, Equation, has_outcome_tables, table_specs

JOINT, RESOLVED_FROM, UNRESOLVED, NEITHER = "joint", "resolved_from", "unresolved", "neither"
# Received in a quarter, by MCO and provider type group (or topic), and neither resolved nor closed because the MCO
# had not been given the chance first (the outcomes those tables publish)
OTHER_OUTCOMES = "other_outcomes"
INTERNAL = frozenset({JOINT, RESOLVED_FROM, UNRESOLVED, NEITHER, OTHER_OUTCOMES})

Equations = list[Equation]


def joint_key(month: str, mco: str, expedited: bool, first_response: str, mco_answer: str) -> Cell:
    """The internal cell of the complaints received in ``month`` naming ``mco`` with this combination of handling,
    first response and MCO answer (never published; see system())."""
    handling = EXPEDITED if expedited else STANDARD
    return Cell(JOINT, month, mco, ALL, ALL, "|".join([handling, first_response, mco_answer]))


def _joint_cells(month: str, mco: str) -> list[tuple[Cell, bool, str, str]]:
    """Every combination's internal cell for one month and MCO: (cell, expedited, first response, MCO answer)."""
    return [
        (joint_key(month, mco, expedited, first, answer), expedited, first, answer)
        for expedited in (True, False)
        for first, _ in FIRST_RESPONSE_STATES
        for answer, _ in MCO_ANSWER_STATES
    ]


class _System:
    """Cells and equations collected in order, each once."""

    def __init__(self) -> None:
        self.cells: dict[Cell, None] = {}
        self.equations: dict[Equation, None] = {}

    def add_cells(self, cells: Iterable[Cell]) -> None:
        self.cells.update(dict.fromkeys(cells))

    def add(self, total: Cell, parts: Iterable[Cell]) -> None:
        self.equations[(total, tuple(parts))] = None


def system(dimensions: Dimensions) -> tuple[list[Cell], Equations]:
    """Every cell and every equation between them (within tables, months to quarters, quarters to all, dates).

    Internal cells are always hidden and never published (``internal``)."""
    linked = _System()
    _tables(linked, dimensions)
    _all_time_is_the_quarters(linked, dimensions)
    for mco in dimensions.mcos:
        _splits_by_month(linked, dimensions, mco)
        _resolution_by_month(linked, dimensions, mco)
        _resolved_by_group_and_topic(linked, dimensions, mco)
    return list(linked.cells), list(linked.equations)


def _tables(linked: _System, dimensions: Dimensions) -> None:
    """Each table's cells, and its rows and columns adding up to their totals."""
    for period in periods(dimensions):
        for spec in table_specs(dimensions, period):
            linked.add_cells(spec.cells())
            for total, parts in spec.equations():
                linked.add(total, parts)


def _all_time_is_the_quarters(linked: _System, dimensions: Dimensions) -> None:
    quarter_list = quarters(dimensions)
    if not quarter_list:
        return
    for cell in list(linked.cells):
        if cell.period == "all":
            linked.add(cell, (cell._replace(period=quarter) for quarter in quarter_list))


def _splits_by_month(linked: _System, dimensions: Dimensions, mco: str) -> None:
    """The handling, first-response and MCO-answer splits are published by quarter, but whether a complaint can be
    late depends on its month (``known_zeros``): per month, a JOINT cell per combination adds up to the month's
    complaints, and a quarter's JOINT cells to each split's quarterly count."""
    for quarter in quarters(dimensions):
        joint = [
            entry for month in dimensions.months if quarter_of(month) == quarter for entry in _joint_cells(month, mco)
        ]
        linked.add_cells(cell for cell, *_ in joint)
        splits: list[tuple[Cell, Callable[[bool, str, str], bool]]] = [
            (Cell("received", quarter, mco, ALL, ALL, EXPEDITED), lambda e, f, a: e),
            *(
                (Cell("first_response", quarter, mco, ALL, ALL, state), lambda e, f, a, s=state: f == s)
                for state, _ in FIRST_RESPONSE_STATES
            ),
            *(
                (Cell("mco_answer", quarter, mco, ALL, ALL, state), lambda e, f, a, s=state: a == s)
                for state, _ in MCO_ANSWER_STATES
            ),
        ]
        for total, chosen in splits:
            linked.add(total, (cell for cell, *state in joint if chosen(*state)))
    for month in dimensions.months:
        linked.add(Cell("received", month, mco, ALL, ALL, ALL), (cell for cell, *_ in _joint_cells(month, mco)))


def _resolution_by_month(linked: _System, dimensions: Dimensions, mco: str) -> None:
    """Complaints received in one month and resolved in the same or a later one: the resolved ones of a quarter
    (outcome table), those resolved in a month (resolved table), at most the month's complaints."""
    later = {
        received: [
            Cell(RESOLVED_FROM, received, mco, ALL, ALL, month) for month in dimensions.months if month >= received
        ]
        for received in dimensions.months
    }
    for received, resolved in later.items():
        unresolved = Cell(UNRESOLVED, received, mco, ALL, ALL, ALL)
        neither = Cell(NEITHER, received, mco, ALL, ALL, ALL)
        linked.add_cells([*resolved, unresolved, neither])
        month_total = Cell("received", received, mco, ALL, ALL, ALL)
        linked.add(month_total, (*resolved, unresolved))
        answered_late = [cell for cell, _, _, answer in _joint_cells(received, mco) if answer == LATE]
        linked.add(month_total, (*answered_late, resolved[0], neither))  # resolved[0]: that same month
    for month in dimensions.months:
        linked.add(
            Cell("resolved_in", month, mco, ALL, ALL, ALL),
            (cell for cells_of in later.values() for cell in cells_of if cell.split == month),
        )
    for quarter in quarters(dimensions):
        linked.add(
            Cell("outcome", quarter, mco, ALL, ALL, RESOLVED),
            (cell for month, cells_of in later.items() if quarter_of(month) == quarter for cell in cells_of),
        )


def _resolved_by_group_and_topic(linked: _System, dimensions: Dimensions, mco: str) -> None:
    """Per quarter, provider type group (or topic) and MCO: the complaints received = those resolved so far + those
    closed because the MCO had not been given the chance first (the tables by provider type and by topic) + the
    rest (internal). The MCO's counts add up to the outcome table's through the tables' own columns."""
    for quarter in (quarter for quarter in quarters(dimensions) if has_outcome_tables(dimensions, quarter)):
        rows = [
            *(Cell("received", quarter, mco, group, ALL, ALL) for group in dimensions.groups),
            *(Cell("received", quarter, mco, ALL, topic, ALL) for topic in dimensions.topics),
        ]
        for received in rows:
            rest = received._replace(measure=OTHER_OUTCOMES)
            linked.add_cells([rest])
            published = (received._replace(measure="outcome", split=outcome) for outcome, _, _ in OUTCOME_TABLES)
            linked.add(received, (*published, rest))


def internal(cells: Iterable[Cell]) -> set[Cell]:
    """The cells that only link the published ones: always hidden, never published."""
    return {cell for cell in cells if Cell(*cell).measure in INTERNAL}


def known_zeros(cells: Iterable[Cell], dimensions: Dimensions) -> set[Cell]:
    """Cells anyone can tell are zero without the statistics. Hiding them would protect nothing:

    - an MCO's cells for a period wholly outside its contract (complaints cannot name it then; contract dates
      are public);
    - "late" for every complaint received in the period: too recent to be late yet
      (``Dimensions.response_due_from``, ``answer_late_before``).
    """
    return {cell for cell in cells if _outside_contract(cell, dimensions) or _ruled_out_by_dates(cell, dimensions)}


def _outside_contract(cell: Cell, dimensions: Dimensions) -> bool:
    if cell.mco == ALL or cell.mco not in dimensions.contracts:
        return False
    starts, ends = dimensions.contracts[cell.mco]
    first, last = period_days(cell.period, dimensions)
    # A complaint received under the contract may be resolved after it ends.
    return bool((starts and last < starts) or (ends and first > ends and cell.measure != "resolved_in"))


def _ruled_out_by_dates(cell: Cell, dimensions: Dimensions) -> bool:
    if cell.measure == JOINT:
        handling, first_response, mco_answer = cell.split.split("|")
        handlings = [handling == EXPEDITED]
    elif cell.measure in ("first_response", "mco_answer"):
        first_response, mco_answer = (cell.split, "") if cell.measure == "first_response" else ("", cell.split)
        handlings = [True, False]
    else:
        return False
    first = period_days(cell.period, dimensions)[0]
    late_before = dimensions.answer_late_before
    if mco_answer == LATE and late_before is not None and first >= late_before:
        return True
    if first_response != LATE:
        return False
    due_from = [dimensions.response_due_from.get(expedited) for expedited in handlings]
    return all(day is not None and first >= day for day in due_from)
