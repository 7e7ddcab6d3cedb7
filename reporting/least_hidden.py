"""The fewest counts of the threshold or more that any protection of a release must hide: a lower bound, to tell how
much of a shortfall in numbers shown is the suppression's doing and how much the data's (``suppression_report``).

Two things every protection must do (reporting.suppression), whatever else it does:

1. A hidden count from 1 to threshold - 1 must stay possibly the threshold or more. Take an equation whose total is
   not hidden anyway and whose parts hidden anyway — the counts from 1 to threshold - 1, what must stay hidden, the
   internal cells — include such a small count but add up to less than the threshold. If nothing more of it were
   hidden, a reader would know its hidden parts add up to less than the threshold, and none could reach it. Hiding a
   zero does not change that sum and every count from 1 to threshold - 1 is hidden already, so one more of its
   counts of the threshold or more must be hidden — a part, or the total.
2. A hidden number alone in an equation can be worked out by subtraction. A small count must never be (another
   entry of the equation is hidden too: a zero will do). Any other number that can be worked out protects nothing:
   showing it changes nothing a reader can tell, so the fewest a protection hides never include one (what must stay
   hidden from earlier releases stays hidden regardless).

The fewest counts of the threshold or more that meet both everywhere at once (a whole-number program solved with
HiGHS; where its work limit stops it, the bound it has proven) is a lower bound for any suppression that protects
every small count. It leaves out everything only the exact and bounds audits find (a count pinned through several
equations, or bounded by counts never being negative), so a real suppression hides more.
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
    protecting every small count hides: those hidden anyway (``also_hide``), and the fewest more that rules 1 and 2
    of the module need. ``public`` cells (known zeros) are never hidden."""
    internal, public = frozenset(internal), frozenset(public)

    def small(key: Key) -> bool:
        return 0 < values[key] < threshold

    anyway = ({key for key in values if small(key)} | frozenset(also_hide) | internal) - public
    large = [key for key in values if values[key] >= threshold and key not in internal]
    choices = [key for key in values if key not in anyway and key not in public]  # counts of 11 or more, and zeros
    column = {key: index for index, key in enumerate(choices)}
    program = _Program(len(choices), costs=[1.0 if values[key] >= threshold else 0.0 for key in choices])
    for total, parts in equations:
        entries = list(dict.fromkeys((total, *parts)))
        hidden_parts = [part for part in parts if part in anyway]
        if (
            total not in anyway
            and any(small(part) for part in hidden_parts)
            and sum(values[part] for part in hidden_parts) < threshold
        ):  # rule 1: one more count of the threshold or more
            program.at_least_one([column[key] for key in entries if key in column and values[key] >= threshold])
        for entry in entries:  # rule 2: no hidden entry alone
            others = [key for key in entries if key != entry]
            if any(key in anyway for key in others):
                continue  # never alone
            hideable = [column[key] for key in others if key in column]
            if entry in anyway and small(entry):
                program.at_least_one(hideable)
            elif entry in column:
                program.not_alone(column[entry], hideable)
    return sum(1 for key in large if key in anyway) + program.least()


class _Program:
    """A whole-number program over 0/1 choices (1: hidden) with a cost each: the least total cost it can prove."""

    def __init__(self, width: int, costs: list[float]) -> None:
        self.width = width
        self.solver = highspy.Highs()
        self.solver.setOptionValue("output_flag", False)
        self.every = numpy.arange(width, dtype=numpy.int32)
        self.solver.addVars(width, numpy.zeros(width), numpy.ones(width))
        self.solver.changeColsCost(width, self.every, numpy.array(costs, float))

    def at_least_one(self, choices: list[int]) -> None:
        """One of the choices is hidden (none: nothing could meet the rule, and a suppression hides everything)."""
        if choices:
            indices = numpy.array(sorted(set(choices)), numpy.int32)
            self.solver.addRow(1, highspy.kHighsInf, len(indices), indices, numpy.ones(len(indices)))

    def not_alone(self, choice: int, others: list[int]) -> None:
        """If the choice is hidden, so is one of the others (choice - sum(others) <= 0)."""
        others = sorted(set(others) - {choice})
        indices = numpy.array([choice, *others], numpy.int32)
        coefficients = numpy.array([1.0] + [-1.0] * len(others))
        self.solver.addRow(-highspy.kHighsInf, 0, len(indices), indices, coefficients)

    def least(self) -> int:
        if not self.width:
            return 0
        self.solver.changeColsIntegrality(self.width, self.every, numpy.full(self.width, highspy.HighsVarType.kInteger))
        self.solver.setOptionValue("mip_max_nodes", _NODES)
        self.solver.run()
        proven = self.solver.getInfo().mip_dual_bound
        return max(0, math.ceil(proven - 1e-6)) if math.isfinite(proven) else 0
