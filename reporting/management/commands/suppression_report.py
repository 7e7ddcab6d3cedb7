"""How much of the public statistics suppression leaves visible: ``manage.py suppression_report``.

For the complaints in the database (as the next release would count them), or for the generated realistic data set
(``--realistic``, reporting.realistic: 5 MCOs x 15 provider type groups x 10 topics x 24 months, about 3,000
complaints a month), it suppresses the linked system exactly as a release does and prints, without storing anything:

- per table (over every period), the share of numbers shown, and of those whose true value is 11 or more;
- the same for the row totals published only as the sum of a row whose numbers are all shown (tables with
  ``row_totals=False``: not numbers of the suppressed system, but a reader sees them as * or a number), and for
  every published number with them;
- at least how many numbers of 11 or more any protection meeting the rule would hide (reporting.least_hidden): the
  part of the shortfall that comes from the data, not from how the suppression picks what to hide;
- whether each MCO's headline figures (complaints received and resolved so far, for every period) and its
  all-time median days to resolution are shown;
- how long the suppression took.
"""

import time
from collections import Counter
from dataclasses import astuple, dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting import aggregates, facts, realistic, services
from reporting.least_hidden import least_large_hidden
from reporting.suppression import suppress_least
from reporting.tables import HEADLINES


@dataclass
class Share:
    shown: int = 0
    cells: int = 0
    large_shown: int = 0
    large: int = 0

    def add(self, shown: bool, large: bool) -> None:
        self.cells += 1
        self.shown += shown
        self.large += large
        self.large_shown += shown and large

    def __add__(self, other: "Share") -> "Share":
        return Share(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass
class Measured:
    tables: dict[str, Share] = field(default_factory=dict)
    overall: Share = field(default_factory=Share)
    row_sums: Share = field(default_factory=Share)  # row totals published only as the sum of a fully shown row
    hidden: int = 0
    hidden_large: int = 0
    least_hidden_large: int = 0
    headlines_missing: list[str] = field(default_factory=list)
    medians_missing: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        def percent(part: int, whole: int) -> str:
            return f"{100 * part / whole:5.1f} %" if whole else "    -  "

        out = [f"{'table':45} {'shown':>16} {'11 or more shown':>22}"]
        with_sums = self.overall + self.row_sums
        for name, share in [
            *sorted(self.tables.items()),
            ("every published count", self.overall),
            ("row totals shown only as a shown row's sum", self.row_sums),
            ("every published count, those row totals too", with_sums),
        ]:
            out.append(
                f"{name:45} {percent(share.shown, share.cells)} of {share.cells:5}"
                f"   {percent(share.large_shown, share.large)} of {share.large:5}"
            )
        out.append(f"hidden published counts: {self.hidden}, of which 11 or more: {self.hidden_large}")
        large, least = self.overall.large, self.least_hidden_large
        out.append(
            f"numbers of 11 or more any protection would hide: at least {least} "
            f"(so at most {percent(large - least, large).strip()} of them shown)"
        )
        out.append(
            "every MCO's received and resolved totals for every period: "
            + ("shown" if not self.headlines_missing else "HIDDEN: " + ", ".join(self.headlines_missing))
        )
        out.append(
            "every MCO's all-time median: "
            + ("shown" if not self.medians_missing else "HIDDEN: " + ", ".join(self.medians_missing))
        )
        out.append(f"suppression took {self.seconds:.1f} s")
        return out


def measure(dimensions: aggregates.Dimensions, complaint_facts, *, threshold: int = 11) -> Measured:  # type: ignore[no-untyped-def]
    """Suppress the facts' linked system as a release does, and measure what is left visible."""
    counts, days = aggregates.count(complaint_facts)
    cells, equations = aggregates.system(dimensions)
    values = {cell: counts.get(cell, 0) for cell in cells}
    public, internal = aggregates.known_zeros(cells, dimensions), aggregates.internal(cells)
    started = time.perf_counter()
    evidence: dict = {}  # type: ignore[type-arg]
    hidden = suppress_least(
        values,
        equations,
        threshold=threshold,
        headline=aggregates.is_headline,
        internal=internal,
        public=public,
        evidence=evidence,
    )
    # The all-time medians a release publishes besides those the publishing rule shows (reporting.medians).
    shown_medians = services.published_medians(aggregates.publish(dimensions, counts, days, hidden))
    joint = services.Joint(values, list(equations), set(public), set())
    last_day = aggregates.period_days(dimensions.months[-1], dimensions)[1]
    more = services.more_medians(
        last_day,
        dimensions,
        joint,
        hidden,
        evidence,
        counts,
        days,
        shown_medians,
        complaint_facts,
        [],
        threshold=threshold,
    )
    result = Measured(seconds=time.perf_counter() - started)
    result.least_hidden_large = least_large_hidden(
        values, equations, threshold=threshold, internal=internal, public=public
    )
    data = aggregates.publish(dimensions, Counter(values), days, hidden, also_medians=frozenset(more))
    published: set = set()
    for period in aggregates.periods(dimensions):
        for spec in aggregates.table_specs(dimensions, period):
            share = result.tables.setdefault(spec.name, Share())
            for cell in spec.cells():
                share.add(cell not in hidden, values.get(cell, 0) >= threshold)
                published.add(cell)
            if not spec.row_totals:  # as published (reporting.publishing): a shown row's sum, else hidden
                row_totals = data["tables"][period][spec.name]["row_totals"]  # type: ignore[index]
                for (row, _), shown in zip(spec.rows, row_totals, strict=True):
                    row_sum = sum(values.get(spec.key(row, column), 0) for column, _ in spec.columns)
                    result.row_sums.add(shown is not None, row_sum >= threshold)
        for name, table in data["tables"][period].items():  # type: ignore[index]
            if table["kind"] != "measures":
                continue
            share = result.tables.setdefault(name, Share())
            not_applicable = table.get("not_applicable") or [[False] * len(row) for row in table["cells"]]
            for row, skip in zip(table["cells"], not_applicable, strict=True):
                for cell, applies_not in zip(row, skip, strict=True):
                    if not applies_not:
                        share.cells += 1
                        share.shown += cell is not None
        for mco in dimensions.mcos:
            for measure_, split, label in HEADLINES:
                cell = aggregates.Key(measure_, period, mco, aggregates.ALL, aggregates.ALL, split)
                if cell in hidden:
                    small = " (under the threshold)" if values.get(cell, 0) < threshold else ""
                    result.headlines_missing.append(f"{mco} {label} {period}{small}")
    for cell in published:
        result.overall.add(cell not in hidden, values.get(cell, 0) >= threshold)
    result.hidden = result.overall.cells - result.overall.shown
    result.hidden_large = result.overall.large - result.overall.large_shown
    for name, table in data["tables"]["all"].items():  # type: ignore[index]
        medians = [i for i, column in enumerate(table.get("columns", [])) if "Median" in column]
        if table["kind"] == "measures" and medians:
            for row, cells_of in zip(table["rows"], table["cells"], strict=True):
                if cells_of[medians[0]] is None and row in dimensions.mcos:
                    result.medians_missing.append(f"{row} ({name})")
    return result


class Command(BaseCommand):
    help = (
        "Print how much of the public statistics suppression shows: per table, for each MCO's headline figures and "
        "all-time median, and the time taken. Nothing is stored."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--realistic",
            action="store_true",
            help="Use the generated realistic data set (reporting.realistic) instead of the complaints in the "
            "database.",
        )
        parser.add_argument("--months", type=int, help="Realistic set: months covered (default 24).")
        parser.add_argument("--per-month", type=int, help="Realistic set: complaints a month (default 3000).")
        parser.add_argument("--seed", type=int, help="Realistic set: the random seed (default 19).")

    def handle(self, *args: object, **options: object) -> None:
        sizes = {name: options[name] for name in ("months", "per_month", "seed") if options[name] is not None}
        if sizes and not options["realistic"]:
            raise CommandError("--months, --per-month and --seed describe the realistic set: add --realistic.")
        if options["realistic"]:
            for name in ("months", "per_month"):
                if sizes.get(name, 1) < 1:
                    raise CommandError(f"--{name.replace('_', '-')} must be 1 or more (it was {sizes[name]}).")
            dimensions, complaint_facts = realistic.facts(**sizes)  # the set's own defaults for the rest
        else:
            dimensions, complaint_facts = facts.report_facts()
        self.stdout.write(
            f"{len(complaint_facts)} complaints, {len(dimensions.mcos)} MCOs, {len(dimensions.groups)} provider type "
            f"groups, {len(dimensions.topics)} topics, {len(dimensions.months)} months"
        )
        result = measure(dimensions, complaint_facts, threshold=settings.PORTAL_REPORT_SUPPRESSION_THRESHOLD)
        for line in result.lines():
            self.stdout.write(line)
