"""What an all-time median tells a reader, as equations the suppression protects against (DESIGN §7).

A median of ``m`` business days to resolution over an MCO's N resolved complaints (or every MCO's) says that at least
half of them (N/2 rounded up) took ``m`` or more, and at least half took ``m`` or fewer. A reader also knows
roughly when each complaint could have been received and resolved — the ``RESOLVED_FROM`` cells count them by month
received and month resolved — so the median says: the complaints of the (received, resolved) month pairs in which
``m`` days or more is possible number at least half, and likewise for ``m`` or fewer. That can narrow a hidden
count: an MCO's few complaints resolved in the month the portal opened cannot have taken long, so a long median
caps them.

The links below state this more strongly than any reader can: with the pairs in which some complaint actually took
``m`` or more (fewer than those where it is possible), which is still true. Per MCO and for all MCOs, and per side:

    long  = sum of the RESOLVED_FROM cells of those pairs        (internal, ``MEDIAN_LONG``)
    long  = half + spare                                         (``MEDIAN_HALF`` public; ``MEDIAN_SPARE_LONG``
                                                                  internal, never negative)

and the same for ``m`` or fewer (``MEDIAN_SHORT``, ``MEDIAN_SPARE_SHORT``). With them in the system, the exact and
bounds audits keep every hidden small count possibly 0 and possibly 11 or more whatever the medians say, so the
all-time median is published whenever the count it is taken over is shown (reporting.publishing). A quarter's
median keeps the older rule — shown only when every later month's count of complaints resolved is — as quarters
published under it never change.
"""

from collections import defaultdict
from collections.abc import Iterable
from statistics import median

from reporting.cells import ALL, RESOLVED, Cell, Fact
from reporting.linkage import (
    MEDIAN_HALF,
    MEDIAN_LONG,
    MEDIAN_SHORT,
    MEDIAN_SPARE_LONG,
    MEDIAN_SPARE_SHORT,
    RESOLVED_FROM,
)
from reporting.tables import Equation

LINKED_PERIODS = frozenset({"all"})  # the periods whose medians are linked (the others keep the older rule)


def links(facts: Iterable[Fact]) -> tuple[dict[Cell, int], list[Equation]]:
    """The median links of all time for these facts (the release's published complaints): the new cells' values
    (``MEDIAN_HALF`` ones public, the rest internal) and the equations tying them to the ``RESOLVED_FROM`` cells."""
    resolved: dict[str, list[tuple[tuple[str, str, str], int]]] = defaultdict(list)
    for fact in facts:
        if fact.outcome == RESOLVED and fact.business_days is not None:
            pair = (fact.mco, fact.received, fact.resolved_month() or fact.received)
            for row in (fact.mco, ALL):
                resolved[row].append((pair, fact.business_days))
    values: dict[Cell, int] = {}
    equations: list[Equation] = []
    for row, items in sorted(resolved.items()):
        middle = median(days for _, days in items)
        half = (len(items) + 1) // 2
        values[_cell(MEDIAN_HALF, row)] = half
        for side, spare, longer in ((MEDIAN_LONG, MEDIAN_SPARE_LONG, True), (MEDIAN_SHORT, MEDIAN_SPARE_SHORT, False)):
            pairs = {pair for pair, days in items if (days >= middle if longer else days <= middle)}
            count = sum(1 for pair, _ in items if pair in pairs)
            parts = tuple(Cell(RESOLVED_FROM, received, mco, ALL, ALL, month) for mco, received, month in sorted(pairs))
            values[_cell(side, row)] = count
            values[_cell(spare, row)] = count - half  # at least half took that long (or that short): never negative
            equations.append((_cell(side, row), parts))
            equations.append((_cell(side, row), (_cell(MEDIAN_HALF, row), _cell(spare, row))))
    return values, equations


def _cell(measure: str, row: str) -> Cell:
    return Cell(measure, "all", row, ALL, ALL, ALL)
