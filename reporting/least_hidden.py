"""The fewest counts of the threshold or more that any protection of a release must hide: a lower bound, to tell how
much of a shortfall in numbers shown is the suppression's doing and how much the data's (``suppression_report``).

The rule every protection must meet (reporting.suppression): a hidden count from 1 to threshold - 1 must stay
possibly the threshold or more, whatever else is published. Take an equation whose total is not hidden anyway and
whose parts that are hidden anyway — the counts from 1 to threshold - 1, what must stay hidden, the internal cells —
include such a small count but add up to less than the threshold. If nothing more of that equation were hidden, a
reader would know the sum of its hidden parts, below the threshold, and no part could reach it. Hiding a zero does
not change that sum and every count from 1 to threshold - 1 is hidden already, so one more of its counts of the
threshold or more must be hidden — a part, or the total.

The fewest such counts that meet every such equation at once (a set cover, solved as a whole-number program with
HiGHS; where its work limit stops it, the bound it has proven) is a lower bound for any suppression meeting the rule.
It leaves out what those cells need in turn (a cell alone in its other equations) and everything only the exact and
bounds audits find, so a real suppression hides more.
"""

import math
from collections.abc import Hashable, Iterable, Sequence

import highspy
import numpy

Key = Hashable
Equation = tuple[Key, tuple[Key, ...]]  # (total, parts): total = sum(parts)

# Branch-and-bound nodes at most: a fixed amount of work, so the bound does not depend on the machine's speed.
_NODES = 20_000


def least_large_hidden(
    values: dict[Key, int],
    equations: Sequence[Equation],
    *,
    threshold: int = 11,
    also_hide: Iterable[Key] = (),
    public: Iterable[Key] = (),
    internal: Iterable[Key] = (),
) -> int:
    """At least how many published cells (not ``internal``) with a count of ``threshold`` or more any suppression
    meeting the rule hides: those hidden anyway (``also_hide``), and the fewest more that every equation needing one
    (see the module) gets one of."""
    internal, public = frozenset(internal), frozenset(public)

    def small(key: Key) -> bool:
        return 0 < values[key] < threshold

    anyway = {key for key in values if small(key)} | frozenset(also_hide) | internal
    anyway -= public
    large = [key for key in values if values[key] >= threshold and key not in internal]
    hidden_large = sum(1 for key in large if key in anyway)
    choices = [key for key in large if key not in anyway and key not in public]
    column = {key: index for index, key in enumerate(choices)}
    needs: set[tuple[int, ...]] = set()
    for total, parts in equations:
        hidden_parts = [part for part in parts if part in anyway]
        if total in anyway or not any(small(part) for part in hidden_parts):
            continue
        if sum(values[part] for part in hidden_parts) >= threshold:
            continue
        options = tuple(sorted({column[key] for key in (total, *parts) if key in column}))
        if options:  # none: nothing could protect it, and a suppression then hides every number
            needs.add(options)
    return hidden_large + _fewest_meeting(len(choices), needs)


def _fewest_meeting(width: int, needs: Iterable[tuple[int, ...]]) -> int:
    """The fewest of ``width`` choices such that every need (a tuple of choices) gets one (a proven lower bound)."""
    needs = list(needs)
    if not needs:
        return 0
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    every = numpy.arange(width, dtype=numpy.int32)
    solver.addVars(width, numpy.zeros(width), numpy.ones(width))
    solver.changeColsCost(width, every, numpy.ones(width))
    for options in needs:
        solver.addRow(1, highspy.kHighsInf, len(options), numpy.array(options, numpy.int32), numpy.ones(len(options)))
    solver.changeColsIntegrality(width, every, numpy.full(width, highspy.HighsVarType.kInteger))
    solver.setOptionValue("mip_max_nodes", _NODES)
    solver.run()
    proven = solver.getInfo().mip_dual_bound
    return max(0, math.ceil(proven - 1e-6)) if math.isfinite(proven) else 0
