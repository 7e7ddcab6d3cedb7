"""Small-cell suppression for published statistics (DESIGN §7): pure functions, no database.

The published numbers form one system: every number is a *cell*, and *equations* say which cells add up to which
(a total equals the sum of its parts — across a table, between a quarter and its months, between all time and the
quarters, between two tables that share a total). The phases (``_Suppression``, one method each):

1. primary: any count from 1 to threshold - 1 (default 1 to 10) is hidden, totals included; 0 may be shown;
2. complementary, per equation: no equation may have exactly one hidden entry (it could be worked out by
   subtraction) — unless that entry is an internal cell (``internal``: never published) whose count is 0 or the
   threshold or more, which tells nothing that needs protecting —, nor hidden entries whose sum — known from a shown
   total — is itself a count from 1 to threshold - 1. While one does, another entry of that equation is hidden (the
   cheapest shown part, ``price``: the one leaving the fewest other equations exposed, cells inside tables
   before totals; the total only when no part is left);
3. exact audit, over the whole system: the shown cells and all the equations together must not determine any
   hidden small count — by exact linear algebra over a large prime field, and by counts never being negative (the
   parts of a zero are zero; a known total equal to its known parts makes the rest zero) — and the per-equation
   rule above is checked again with every derivable cell counted as known (a hidden total that can be worked out
   does not protect small hidden parts), as is the sum of any two hidden parts of one equation;
4. bounds audit, over the whole system: counts are never negative, so a reader can bound hidden cells by linear
   programming even where nothing is pinned exactly. Every hidden small count must still be possibly 0 and
   possibly the threshold or more (``bounded``), in whole numbers: a witness with fractions is checked again
   with integer variables (the HiGHS MIP);
   whatever phases 3 and 4 find is repaired by hiding another entry of one of its equations (or, with all of
   those hidden, of the nearest equation linked to it through hidden cells), and the round starts again at 2;
5. show what is derivable anyway: once a round finds nothing, hidden cells the shown ones determine anyway (never
   a small count by then) are shown: a * there would protect nothing.

Termination: every round either ends the run or hides at least one more cell, and nothing is shown again before
the end, so there are at most as many rounds as cells (``suppress_system`` asserts it). If a round can hide
nothing more (inconsistent input: nothing shown is linked to a pinned cell, even through hidden ones), every cell
is hidden.

Links between tables that are not sums ("at most" relations, dates that rule a state out) are turned into
equations by the caller, with internal cells that are always hidden and known zeros marked ``public``:
reporting.aggregates does this for the published statistics.
"""

import logging
from collections.abc import Callable, Hashable, Iterable, Sequence

import highspy
import numpy

logger = logging.getLogger(__name__)
Key = Hashable
Equation = tuple[Key, tuple[Key, ...]]  # (total, parts): total = sum(parts)


def suppress_system(
    values: dict[Key, int],
    equations: Sequence[Equation],
    *,
    threshold: int = 11,
    also_hide: Iterable[Key] = (),
    public: Iterable[Key] = (),
    internal: Iterable[Key] = (),
    unprotected: Iterable[Key] = (),
    look_ahead: bool = True,
    evidence: dict | None = None,  # type: ignore[type-arg]
) -> frozenset[Key]:
    """The cells to hide so that no count from 1 to ``threshold - 1`` is shown or can be derived.

    ``public`` cells are known to everyone anyway (zeros nobody needs the statistics for): never hidden, never
    counted on as protection. ``also_hide`` cells stay hidden whatever their value (what earlier releases hid).
    ``internal`` cells are never published (they only link published ones): hidden unless public (a known zero),
    and one a reader can work out is a problem only when its count is small (``_Suppression.exposed``).

    The phases run in rounds (``_Suppression``): primary once, then per round the complementary rule, the exact
    audit and the bounds audit; a round whose audits find nothing ends it (showing what is derivable anyway),
    any other round hides at least one more cell. Cells are finite, so there are at most ``len(values)`` rounds.

    ``look_ahead``: among the entries that could protect an exposed equation, prefer the one leaving the fewest
    other equations exposed (``_Suppression.knock_on``); False: only by where the cell sits and its count (see
    ``suppress_least``, which tries both).
    """
    internal = frozenset(internal)
    run = _Suppression(
        values,
        equations,
        threshold=threshold,
        also_hide=frozenset(also_hide) | internal,
        public=frozenset(public),
        internal=internal,
        unprotected=frozenset(unprotected),
        look_ahead=look_ahead,
    )
    run.primary()
    for _round in range(len(values) + 1):
        run.complementary()
        known, pinned, summed = run.exact_audit()
        if not pinned and not summed:
            pinned = run.bounds_audit()
            if not pinned:
                if evidence is not None:
                    evidence["witnesses"] = run.witnesses
                return run.show_derivable(known)
        if not run.repair(pinned, summed):
            # Nothing shown is linked to them, even through hidden cells (inconsistent input): publish nothing
            # rather than loop or leak — and say so, as a release of stars is not what anyone wants.
            logger.warning(
                "Suppression could not protect %d small counts by hiding more: every number not public is hidden.",
                len(pinned) + len(summed),
            )
            return frozenset(values) - run.public
    # Each round before this hid at least one more of the len(values) cells, or returned.
    raise AssertionError("suppression did not settle within one round per cell")


def suppress_least(
    values: dict[Key, int],
    equations: Sequence[Equation],
    *,
    threshold: int = 11,
    counted: Callable[[Key], bool] = lambda key: True,
    headline: Callable[[Key], bool] = lambda key: False,
    evidence: dict | None = None,  # type: ignore[type-arg]
    **options: Iterable[Key],
) -> frozenset[Key]:
    """``suppress_system`` both ways of choosing the cells that protect others (with and without ``look_ahead``),
    and the result hiding the fewest ``headline`` numbers (the totals readers look for first), then the fewest
    ``counted`` numbers of ``threshold`` or more, then the fewest counted cells.

    Each result passed every audit on its own, so either is safe to publish. Neither way wins everywhere (issue 19,
    measured with ``manage.py suppression_report`` and chains of releases of the realistic set): looking ahead
    keeps the hidden cells together and shows more on the demo data (79.1 % instead of 76.0 % of the numbers of 11
    or more in its release) and on most chains, but a low-volume second release (400 complaints a month) showed
    fewer numbers of its new quarter with it. Trying both costs a second suppression."""
    results = []
    for look_ahead in (True, False):
        found: dict = {}  # type: ignore[type-arg]
        hidden = suppress_system(
            values, equations, threshold=threshold, look_ahead=look_ahead, evidence=found, **options
        )
        mine = [key for key in hidden if counted(key)]
        large = [key for key in mine if values[key] >= threshold]
        results.append((sum(map(headline, mine)), len(large), len(mine), not look_ahead, hidden, found))
    best = min(results, key=lambda result: result[:4])
    if evidence is not None:
        evidence.update(best[5])
    return best[4]


class _Suppression:
    """One run of the suppression: the system, the cells hidden so far, and the phases that hide more.

    Every phase only ever adds to ``hidden`` (nothing is shown again until ``show_derivable``, at the very end).
    """

    def __init__(
        self,
        values: dict[Key, int],
        equations: Sequence[Equation],
        *,
        threshold: int,
        also_hide: frozenset[Key],
        public: frozenset[Key],
        internal: frozenset[Key] = frozenset(),
        unprotected: frozenset[Key] = frozenset(),
        look_ahead: bool = True,
    ) -> None:
        self.values, self.equations, self.threshold = values, equations, threshold
        self.unprotected = unprotected
        self.witnesses: dict[tuple[str, Key], dict[Key, int]] = {}  # how each small cell was proven (``bounded``)
        self.look_ahead = look_ahead
        self.also_hide, self.public, self.internal = also_hide, public, internal
        self.hidden: set[Key] = set()
        # Small cells a whole-number solution has shown at 0 (and at the threshold or more): the cells hidden in
        # later rounds only widen what a reader must allow for, so these stay proven (see ``bounded``).
        self.proven: dict[str, set[Key]] = {"zero": set(), "large": set()}
        self.containing: dict[Key, list[int]] = {}  # cell -> the equations it is in
        self.totalling: dict[Key, int] = {}  # cell -> how many equations it is the total of
        for number, (total, parts) in enumerate(equations):
            for key in (total, *parts):
                self.containing.setdefault(key, []).append(number)
            self.totalling[total] = self.totalling.get(total, 0) + 1

    def small(self, value: int) -> bool:
        return 0 < value < self.threshold

    def protected_small(self, key: Key) -> bool:
        return key not in self.unprotected and self.small(self.values[key])

    def can_hide(self, key: Key) -> bool:
        return key not in self.hidden and key not in self.public

    # Phase 1 -----------------------------------------------------------------------------------------------------

    def primary(self) -> None:
        """Every count from 1 to threshold - 1, and the cells that must stay hidden (``also_hide``)."""
        small = {key for key, value in self.values.items() if self.small(value)}
        self.hidden |= (small | self.also_hide) - self.public

    # Phase 2 -----------------------------------------------------------------------------------------------------

    def complementary(self) -> None:
        """Per equation, until none is exposed (``exposed``): hide one more of its entries (``hide_another``).

        Each equation is looked at again whenever one of its cells is newly hidden; every step hides a cell or
        finds the equation cannot hide more, so this ends."""
        pending = set(range(len(self.equations)))
        while pending:
            number = min(pending)
            pending.discard(number)
            if self.exposed(number, set()):
                before = set(self.hidden)
                self.hide_another(number)
                for key in self.hidden - before:
                    pending.update(self.containing.get(key, ()))

    def exposed(self, number: int, known: set[Key]) -> bool:
        """One unknown entry alone, or unknown parts whose sum — fixed by a known total — is a small count.

        An internal cell alone is exposed only when its count is small. Internal cells are never published: one
        that can be worked out protects no published cell, but tells only its own count (received less resolved,
        say), which needs protecting only from 1 to threshold - 1. (A published hidden cell alone is always exposed:
        it was hidden to protect others.) The audits check every small count, internal ones included."""
        total, parts = self.equations[number]
        unknown = [key for key in (total, *parts) if key in self.hidden and key not in known]
        if all(key in self.unprotected for key in unknown):
            return False
        if len(unknown) == 1:
            return unknown[0] not in self.internal or self.small(self.values[unknown[0]])
        unknown_parts = sum(self.values[key] for key in parts if key in self.hidden and key not in known)
        return bool(unknown) and total not in unknown and self.small(unknown_parts)

    def hide_another(self, number: int) -> bool:
        """Hide one more entry of the equation: its cheapest hideable part, else its total. False: none left."""
        total, parts = self.equations[number]
        candidates = [key for key in parts if self.can_hide(key)]
        if candidates:
            self.hidden.add(min(candidates, key=self.price))
            return True
        if not self.can_hide(total):
            return False
        self.hidden.add(total)
        return True

    def price(self, key: Key) -> tuple:  # type: ignore[type-arg]
        """What hiding ``key`` costs readers (lower is cheaper): a non-zero count before a zero (a hidden zero
        blurs nothing); then the fewer equations it leaves needing one more cell hidden (``knock_on``); then a cell
        inside a table before a total, and the total of fewer equations before the total of more (readers look for
        totals: an MCO's complaints in a quarter, a row's all-time figure); then the smaller count (it hides the
        least while still blurring the hidden sum)."""
        value = self.values[key]
        knock_on = self.knock_on(key) if self.look_ahead else 0
        return (value == 0, knock_on, self.totalling.get(key, 0), value, repr(key))

    def knock_on(self, key: Key) -> int:
        """How many more equations would be exposed once ``key`` is hidden: those it would be the only hidden entry
        of (each then needs another cell hidden, and so on), less those exposed now that it would be one more hidden
        entry of. Preferring the cell that starts the fewest new exposures keeps the hidden cells together: in one
        release of the demo data 81.0 % instead of 77.9 % of the numbers of 11 or more stay shown, of the realistic
        set 92.2 % instead of 91.2 % (issue 19, ``manage.py suppression_report``)."""
        alone = helps = 0
        for number in self.containing.get(key, ()):
            total, parts = self.equations[number]
            if not any(other in self.hidden for other in (total, *parts) if other != key):
                alone += 1
            elif self.exposed(number, set()):
                helps += 1
        return alone - helps

    def cheapest(self, number: int) -> tuple:  # type: ignore[type-arg]
        """What hiding one more entry of the equation costs: its cheapest hideable part, else its total."""
        total, parts = self.equations[number]
        candidates = [key for key in parts if self.can_hide(key)]
        if candidates:
            return (0, *self.price(min(candidates, key=self.price))[:-1])
        return (1, *self.price(total)[:-1])

    # Phase 3 -----------------------------------------------------------------------------------------------------

    def exact_audit(self) -> tuple[set[Key], list[Key], list[int]]:
        """What the shown cells determine exactly, over the whole system (``_known``): the derivable cells, the
        derivable small counts (``pinned``), and the equations still exposed once every derivable cell counts as
        known — a hidden total that can be worked out does not protect small hidden parts — or with two unknown
        parts whose sum the system fixes at a small count (``summed``)."""
        known, pivots = _known(self.values, self.equations, self.hidden)
        pinned = sorted((key for key in known if self.protected_small(key)), key=repr)
        pinned_set = set(pinned)
        protected = self.hidden - self.unprotected
        summed = [
            number
            for number, (_total, parts) in enumerate(self.equations)
            if not any(key in pinned_set for key in parts)
            and (
                self.exposed(number, known)
                or _small_pair(self.equations[number], protected, known, self.values, pivots, self.small)
            )
        ]
        return known, pinned, summed

    # Phase 4 -----------------------------------------------------------------------------------------------------

    def bounds_audit(self) -> list[Key]:
        """Hidden small counts a reader can bound away from 0 or from the threshold (``bounded``: linear
        programming, re-checked in whole numbers where its witness is fractional)."""
        return bounded(
            self.values,
            self.equations,
            self.hidden,
            threshold=self.threshold,
            proven=self.proven,
            unprotected=self.unprotected,
            proofs=self.witnesses,
        )

    # Repair: what phases 3 and 4 found -------------------------------------------------------------------------

    def repair(self, pinned: list[Key], summed: list[int]) -> bool:
        """Hide one more entry per pinned cell and per exposed equation. False when nothing more could be hidden
        (then nothing shown is linked to them: the input is inconsistent)."""
        before = len(self.hidden)
        for key in pinned:
            self.unpin(key)
        for number in summed:
            if not self.hide_another(number):  # its total is hidden but derivable: blur the total's other equations
                total, parts = self.equations[number]
                options = [
                    other
                    for other in self.containing.get(total, ())
                    if other != number
                    and any(self.can_hide(k) for k in (self.equations[other][0], *self.equations[other][1]))
                ]
                if options:
                    self.hide_another(min(options, key=self.cheapest))
                else:  # the small sum is fixed through the parts' other equations (another period, say): blur there
                    for part in parts:
                        if part in self.hidden and (self.small(self.values[part]) or self.values[part] == 0):
                            self.unpin(part)
        return len(self.hidden) > before

    def unpin(self, key: Key) -> None:
        """One more hidden entry next to a determined (or bounded) cell, in the equation offering the cheapest one;
        with every equation around it hidden already (it is bounded through hidden cells, by shown ones further
        away), in the nearest equation, over hidden cells, that still shows something."""
        around = self.containing.get(key, ())
        options = [n for n in around if any(self.can_hide(part) for part in self.equations[n][1])]
        options = options or [n for n in around if self.can_hide(self.equations[n][0])]
        options = options or _nearest_showing(key, self.equations, self.containing, self.hidden, self.can_hide)
        if options:
            self.hide_another(min(options, key=self.cheapest))

    # Phase 5 -----------------------------------------------------------------------------------------------------

    def show_derivable(self, known: set[Key]) -> frozenset[Key]:
        """The final hidden set: a hidden cell the shown ones determine anyway (none is a small count by now)
        protects nothing, so it is shown rather than a * where anyone can work out the number (a zero under a
        total of 0, say). Cells that must stay hidden (``also_hide``) stay hidden."""
        return frozenset(self.hidden - (known - self.also_hide))


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


def bounded(
    values: dict[Key, int],
    equations: Sequence[Equation],
    hidden: set[Key],
    *,
    threshold: int,
    whole: bool = True,
    proven: dict[str, set[Key]] | None = None,
    unprotected: frozenset[Key] = frozenset(),
    proofs: dict[tuple[str, Key], dict[Key, int]] | None = None,
) -> list[Key]:
    """Hidden small counts whose possible range, given every shown cell, the equations and counts never being
    negative, leaves out 0 or leaves out the threshold — a reader could tell the count is not zero, or that it is
    below the threshold.

    Ranges come from linear programming (HiGHS): the hidden cells are the variables, each equation a constraint.
    Every solution found is a witness for all the cells it shows at 0 (or at the threshold or more), so one solve
    for all of them first, then one per cell still unproven, is enough. A witness only counts when it is made of
    whole numbers: the linear relaxation can reach 0 (or the threshold) with fractions where whole numbers cannot
    (x + 2y = 41 allows x = 0 only with y = 20.5). Where its solution is fractional, the cell is solved again as a
    mixed-integer program (the cells integer; ``whole=False`` skips this, for tests that show why it is needed).

    ``proven`` carries the cells already shown able to reach 0 ("zero") and the threshold ("large") from one call to
    the next, with the same equations and more cells hidden: a witness stays one (the cells hidden since keep their
    true values in it), so only the rest are solved again. ``proofs``, when given, gets each proof: per ("zero"
    or "large", cell), the cells its whole-number solution moves from their true values, with their values there
    (``audit_extended`` reuses them).
    """
    small = sorted((key for key in hidden if 0 < values[key] < threshold and key not in unprotected), key=repr)
    if not small:
        return []
    unknown = sorted(hidden, key=repr)
    column = {key: i for i, key in enumerate(unknown)}
    capped = {key: len(unknown) + i for i, key in enumerate(small)}  # min(cell, threshold), to maximise together
    width = len(unknown) + len(small)
    solver = _solver()
    upper = numpy.concatenate([numpy.full(len(unknown), highspy.kHighsInf), numpy.full(len(small), threshold)])
    solver.addVars(width, numpy.zeros(width), upper)
    linked: dict[int, set[int]] = {}  # cell column -> the cell columns sharing an equation with it
    rows: list[tuple[float, numpy.ndarray, numpy.ndarray]] = []
    for total, parts in equations:
        row = _coefficients((total, parts), hidden)
        if row:
            # The shown cells move to the other side: sum(row) = total - parts, over the shown ones.
            shown = (0 if total in hidden else values[total]) - sum(values[p] for p in parts if p not in hidden)
            indices = numpy.array([column[key] for key in row], numpy.int32)
            rows.append((shown, indices, numpy.array(list(row.values()), float)))
            for index in indices:
                linked.setdefault(int(index), set()).update(int(i) for i in indices)
    for shown, indices, coefficients in rows:
        solver.addRow(shown, shown, len(indices), indices, coefficients)
    for key in small:  # capped <= cell
        solver.addRow(0, highspy.kHighsInf, 2, numpy.array([column[key], capped[key]], numpy.int32), _ONE_MINUS_ONE)
    cells = numpy.arange(len(unknown), dtype=numpy.int32)
    every = numpy.arange(width, dtype=numpy.int32)

    # A whole-number search leaves the solver without a basis to start the next linear solve from (which then starts
    # from scratch: on a chain of releases most of the time went there); the last linear one is kept for it.
    lp_basis: list[highspy.HighsBasis] = []

    def whole_run() -> None:
        """A whole-number search, keeping the linear solves' basis to start the next one from."""
        basis = solver.getBasis()
        if basis.valid and not lp_basis:
            lp_basis.append(basis)
        _whole_run(solver)

    def solve(sense: highspy.ObjSense, costs: dict[int, float]) -> numpy.ndarray | None:
        """A solution optimising the costs, in fractions (None: the solver gave no answer, which proves nothing)."""
        objective = numpy.zeros(width)
        objective[list(costs)] = list(costs.values())
        solver.changeColsCost(width, every, objective)
        solver.changeObjectiveSense(sense)
        if lp_basis:  # the basis from before a whole-number search, if that search left none
            saved = lp_basis.pop()
            if not solver.getBasis().valid:
                solver.setBasis(saved)
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return numpy.asarray(solver.getSolution().col_value)

    def and_neighbours(columns: Iterable[int]) -> set[int]:
        """The cell columns and every one sharing an equation with one of them."""
        columns = {int(index) for index in columns}
        return columns | {other for index in columns for other in linked.get(index, ())}

    def near(start: int, steps: int) -> list[int]:
        """The cell columns at most ``steps`` equations away from ``start``."""
        reached, frontier = {start}, {start}
        for _ in range(steps):
            frontier = {other for index in frontier for other in linked.get(index, ())} - reached
            reached |= frontier
        return sorted(reached)

    truth = numpy.array([values[key] for key in unknown], float)

    def solve_whole(variable: int, bound: float, free: list[int] | None) -> numpy.ndarray | None:
        """Any solution in whole numbers with the variable at ``bound`` (None: none found).

        A feasibility problem (the first whole solution found ends it). Only the ``free`` cells may move: the
        others are held at their true values, which satisfy every equation, so a solution found that way is a
        real one. ``free`` None: every cell, with a node limit (``_WHOLE_NODES``) — no answer within it proves
        nothing, so the cell counts as exposed and more is hidden."""
        solver.changeColsCost(width, every, numpy.zeros(width))
        solver.changeColsIntegrality(len(cells), cells, numpy.full(len(cells), highspy.HighsVarType.kInteger))
        solver.changeColBounds(variable, bound, bound)
        held = cells if free is None else numpy.setdiff1d(cells, numpy.array(free, numpy.int32)).astype(numpy.int32)
        held = held if free is not None else held[:0]
        solver.changeColsBounds(len(held), held, truth[held], truth[held])
        solver.setOptionValue("mip_max_nodes", _WHOLE_NODES if free is None else highspy.kHighsIInf)
        whole_run()
        found = solver.getModelStatus() == highspy.HighsModelStatus.kOptimal
        solution = solver_solution() if found else None
        solver.changeColsBounds(len(held), held, numpy.zeros(len(held)), numpy.full(len(held), highspy.kHighsInf))
        solver.setOptionValue("mip_max_nodes", highspy.kHighsIInf)
        solver.changeColBounds(variable, 0, upper[variable])
        solver.changeColsIntegrality(len(cells), cells, numpy.full(len(cells), highspy.HighsVarType.kContinuous))
        return solution

    def witnesses(sense: highspy.ObjSense, costs: dict[int, float], found: set[Key], test) -> float | None:  # type: ignore[no-untyped-def]
        """Add to ``found`` the small cells a whole-number solution optimising the costs shows passing ``test``;
        the optimum in fractions (None: no answer)."""
        solution = solve(sense, costs)
        if solution is None:
            return None
        if not whole or _integral(solution[: len(unknown)]):
            record(solution, found, test)
        return solver.getInfo().objective_function_value

    def search(key: Key, found: set[Key], test, sense: highspy.ObjSense, variable: int, bound: float) -> None:  # type: ignore[no-untyped-def]
        """Whether the cell can reach the bound (0, or the threshold) in some solution; every cell a solution found
        shows at the bound joins ``found``. In fractions first (which can prove that no solution reaches it);
        where that solution is fractional, in whole numbers: among the cells the fractional solution moved and
        their neighbours first (quick, and usually enough), then near the cell, then over everything."""
        optimum = witnesses(sense, {variable: 1.0}, found, test)
        if not whole or key in found or optimum is None or not test(optimum):
            return
        nearest = closest(variable, bound)
        if nearest is not None and _integral(nearest[: len(unknown)]) and take(nearest, found, test):
            return
        moved = numpy.flatnonzero(numpy.abs(solver_solution()[: len(unknown)] - truth) > _TOLERANCE)
        if nearest is not None:
            moved = numpy.flatnonzero(numpy.abs(nearest[: len(unknown)] - truth) > _TOLERANCE)
        around = and_neighbours([*moved, column[key]])
        for free in (sorted(around), near(column[key], 4), None):
            if take(solve_whole(variable, bound, free), found, test):
                return

    closest_model: list[highspy.Highs] = []

    def closest(variable: int, bound: float) -> numpy.ndarray | None:
        """The solution, in fractions, with the variable at ``bound`` that moves the cells least from their true
        values (in total): it changes few cells, so whole numbers are looked for among those. A second model
        (built on first use): the cells, the capped cells, and per cell its distance from the true value."""
        if not closest_model:
            model = _solver()
            model.setOptionValue("simplex_strategy", 1)  # dual: only a bound changes between solves
            n = len(unknown)
            model.addVars(
                width + n, numpy.zeros(width + n), numpy.concatenate([upper, numpy.full(n, highspy.kHighsInf)])
            )
            for shown, indices, coefficients in rows:
                model.addRow(shown, shown, len(indices), indices, coefficients)
            for key in small:
                pair = numpy.array([column[key], capped[key]], numpy.int32)
                model.addRow(0, highspy.kHighsInf, 2, pair, _ONE_MINUS_ONE)
            for i in range(n):  # distance >= cell - truth and >= truth - cell
                pair = numpy.array([i, width + i], numpy.int32)
                model.addRow(-highspy.kHighsInf, truth[i], 2, pair, _ONE_MINUS_ONE)
                model.addRow(-highspy.kHighsInf, -truth[i], 2, pair, _MINUS_ONE_MINUS_ONE)
            model.changeColsCost(n, numpy.arange(width, width + n, dtype=numpy.int32), numpy.ones(n))
            closest_model.append(model)
        model = closest_model[0]
        model.changeColBounds(variable, bound, bound)
        model.run()
        found = model.getModelStatus() == highspy.HighsModelStatus.kOptimal
        solution = numpy.asarray(model.getSolution().col_value)[:width] if found else None
        model.changeColBounds(variable, 0, upper[variable])
        return solution

    def solver_solution() -> numpy.ndarray:
        return numpy.asarray(solver.getSolution().col_value)

    def take(solution: numpy.ndarray | None, found: set[Key], test) -> bool:  # type: ignore[no-untyped-def]
        if solution is not None:
            record(solution, found, test)
        return solution is not None

    def record(solution: numpy.ndarray, found: set[Key], test) -> None:  # type: ignore[no-untyped-def]
        """Every small cell the solution shows passing ``test`` is proven; its proof kept if asked for."""
        new = [key for key in small if key not in found and test(solution[column[key]])]
        found.update(new)
        if proofs is not None and new and (not whole or _integral(solution[: len(unknown)])):
            moved = numpy.flatnonzero(numpy.abs(solution[: len(unknown)] - truth) > _TOLERANCE)
            delta = {unknown[i]: round(float(solution[i])) for i in moved}
            kind = "zero" if found is can_be_zero else "large"
            for key in new:
                proofs[(kind, key)] = delta

    def together(sense: highspy.ObjSense, variable: dict[Key, int], found: set[Key], test) -> None:  # type: ignore[no-untyped-def]
        """One solve for every cell still unproven, again while each proves more: few solves settle most cells."""
        while True:
            waiting = [key for key in small if key not in found]
            before = len(found)
            costs = {variable[key]: 1.0 for key in waiting}
            if not waiting or witnesses(sense, costs, found, test) is None:
                return
            if len(found) == before and whole:
                # A fractional optimum proves nothing: any whole-number solution with the same aim that the solver
                # finds within the node limit (best or not) is a witness for every cell it shows at the bound.
                # First with the cells the optimum has whole (and not next to a fraction) held there: a few
                # hundred cells left to place, quick, and usually enough; else over every cell.
                optimum = solver_solution()[: len(unknown)]
                free = and_neighbours(numpy.flatnonzero(numpy.abs(optimum - numpy.round(optimum)) > _TOLERANCE))
                held = numpy.setdiff1d(cells, numpy.array(sorted(free), numpy.int32)).astype(numpy.int32)
                rounded = numpy.round(optimum[held])
                if not take(solve_whole_aim(sense, costs, held, rounded), found, test):
                    take(solve_whole_aim(sense, costs), found, test)
            if len(found) == before:
                return

    def solve_whole_aim(
        sense: highspy.ObjSense, costs: dict[int, float], held: numpy.ndarray = _NONE, at: numpy.ndarray = _NOWHERE
    ) -> numpy.ndarray | None:
        """A whole-number solution optimising the costs as far as the node limit allows (None: none found), with
        the ``held`` cells at the values ``at``."""
        objective = numpy.zeros(width)
        objective[list(costs)] = list(costs.values())
        solver.changeColsCost(width, every, objective)
        solver.changeObjectiveSense(sense)
        solver.changeColsIntegrality(len(cells), cells, numpy.full(len(cells), highspy.HighsVarType.kInteger))
        solver.changeColsBounds(len(held), held, at, at)
        solver.setOptionValue("mip_max_nodes", _WHOLE_NODES)
        whole_run()
        feasible = solver.getInfo().primal_solution_status == 2  # a feasible solution, optimal or not
        solution = solver_solution() if feasible else None
        solver.changeColsBounds(len(held), held, numpy.zeros(len(held)), numpy.full(len(held), highspy.kHighsInf))
        solver.setOptionValue("mip_max_nodes", highspy.kHighsIInf)
        solver.changeColsIntegrality(len(cells), cells, numpy.full(len(cells), highspy.HighsVarType.kContinuous))
        if solution is not None and not _integral(solution[: len(unknown)]):
            return None
        return solution

    # Witnesses already found (by an earlier round, with fewer cells hidden) stay witnesses: the cells hidden since
    # can keep their true values in them.
    proven = proven if proven is not None else {"zero": set(), "large": set()}
    can_be_zero, can_be_large = proven["zero"], proven["large"]
    at_zero = lambda value: value <= _TOLERANCE  # noqa: E731
    together(highspy.ObjSense.kMinimize, column, can_be_zero, at_zero)
    for key in small:
        if key not in can_be_zero:
            search(key, can_be_zero, at_zero, highspy.ObjSense.kMinimize, column[key], 0.0)
    at_threshold = lambda value: value >= threshold - _TOLERANCE  # noqa: E731
    together(highspy.ObjSense.kMaximize, capped, can_be_large, at_threshold)
    for key in small:
        if key not in can_be_large:
            search(key, can_be_large, at_threshold, highspy.ObjSense.kMaximize, capped[key], float(threshold))
    return [key for key in small if key not in can_be_zero or key not in can_be_large]


def audit_extended(
    values: dict[Key, int],
    equations: Sequence[Equation],
    hidden: Iterable[Key],
    added: Sequence[Equation],
    *,
    threshold: int = 11,
    public: Iterable[Key] = (),
    internal: Iterable[Key] = (),
    unprotected: Iterable[Key] = (),
    witnesses: dict[tuple[str, Key], dict[Key, int]] | None = None,
) -> list[Key]:
    """Whether a suppression's result still holds once readers know more: the cells it hid (``hidden``), with the
    ``added`` equations (over new cells, ``unprotected``: what readers are assumed to know, not counts to protect;
    hidden unless ``public``) joining the system. The small counts some audit would find — the exact audit, then the
    bounds audit — or the totals of the equations it finds exposed; [] when none.

    ``witnesses`` (``suppress_system``'s ``evidence``): the whole-number solutions that proved each small cell able to
    be 0 and the threshold or more. One still proves it when the new cells can be given whole values meeting the
    added equations with the old cells as it has them (``_extends``, a small integer program); only the cells left
    are solved again over the whole system."""
    internal, unprotected = frozenset(internal), frozenset(unprotected)
    combined = [*equations, *added]
    run = _Suppression(
        values,
        combined,
        threshold=threshold,
        also_hide=frozenset(hidden) | internal,
        public=frozenset(public),
        internal=internal,
        unprotected=unprotected,
    )
    run.primary()
    _known_cells, pinned, summed = run.exact_audit()
    if pinned or summed:
        return [*pinned, *(combined[number][0] for number in summed)]
    proven: dict[str, set[Key]] = {"zero": set(), "large": set()}
    new = unprotected & run.hidden
    # The hidden cells the added equations tie to that no proof is about (0, or the threshold or more): a proof may
    # move them, and everything their equations tie them to stays as it has it.
    movable = {
        key
        for total, parts in added
        for key in (total, *parts)
        if key in run.hidden and key not in new and not run.small(values[key])
    }
    touching = [equation for equation in equations if any(key in movable for key in (equation[0], *equation[1]))]
    extends: dict[int, bool] = {}
    for (kind, key), moved in (witnesses or {}).items():
        if key in run.hidden and key not in unprotected:
            if id(moved) not in extends:
                extends[id(moved)] = _extends(values, [*added, *touching], moved, new | movable)
            if extends[id(moved)]:
                proven[kind].add(key)
    return bounded(values, combined, run.hidden, threshold=threshold, proven=proven, unprotected=unprotected)


def _extends(values: dict[Key, int], added: Sequence[Equation], moved: dict[Key, int], new: set[Key]) -> bool:
    """Whether the ``new`` cells have whole values, none negative, meeting every equation given (``added``) with each
    other cell at its value in the solution (``moved``, else its true value)."""
    variables = sorted({key for total, parts in added for key in (total, *parts) if key in new}, key=repr)
    column = {key: i for i, key in enumerate(variables)}
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.addVars(len(variables), numpy.zeros(len(variables)), numpy.full(len(variables), highspy.kHighsInf))
    for total, parts in added:
        row = _coefficients((total, parts), set(column))
        fixed = {key: moved.get(key, values[key]) for key in (total, *parts) if key not in column}
        right = (fixed.get(total, 0)) - sum(fixed.get(part, 0) for part in parts if part in fixed)
        if not row:
            if right != 0:
                return False
            continue
        indices = numpy.array([column[key] for key in row], numpy.int32)
        solver.addRow(right, right, len(indices), indices, numpy.array(list(row.values()), float))
    if not variables:
        return True
    every = numpy.arange(len(variables), dtype=numpy.int32)
    solver.changeColsIntegrality(len(variables), every, numpy.full(len(variables), highspy.HighsVarType.kInteger))
    solver.run()
    return solver.getModelStatus() == highspy.HighsModelStatus.kOptimal


def _solver() -> highspy.Highs:
    """A quiet HiGHS model for solving again and again with only the aim (or a bound) changed: no presolve, and
    primal simplex, so each solve starts from the last optimal basis (still feasible when only the aim changes)
    instead of from scratch — ten times faster on a release's system."""
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("presolve", "off")
    solver.setOptionValue("simplex_strategy", 4)  # primal
    return solver


def _whole_run(solver: highspy.Highs) -> None:
    """Solve with integer cells: with presolve (a whole-number search starts afresh anyway; presolve halves it)."""
    solver.setOptionValue("presolve", "on")
    solver.run()
    solver.setOptionValue("presolve", "off")


def _integral(solution: numpy.ndarray) -> bool:
    """Whether every value is a whole number (up to the solver's tolerance)."""
    return bool(numpy.all(numpy.abs(solution - numpy.round(solution)) <= _TOLERANCE))


_TOLERANCE = 1e-6
_NONE, _NOWHERE = numpy.zeros(0, numpy.int32), numpy.zeros(0)  # no cells held
# At most this many branch-and-bound nodes for one whole-number search over every hidden cell: a fixed amount of work,
# so what is hidden does not depend on the machine's speed (a time limit would hide more on a slower one).
_WHOLE_NODES = 200
_ONE_MINUS_ONE = numpy.array([1.0, -1.0])
_MINUS_ONE_MINUS_ONE = numpy.array([-1.0, -1.0])


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
