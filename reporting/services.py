"""Writes of reporting state: a new release of the public statistics.

Every release is one of a series, and a reader can put any releases side by side, so no count from 1 to 10 may be
derivable from any set of them (DESIGN §7). Three rules make that hold:

1. **Frozen quarters.** A quarter's complaints (those received in it) are published once, in the first release whose
   day is at least ``PORTAL_REPORT_COHORT_AGE_MONTHS`` whole months after the quarter ends, as they stood on that
   day, and never recomputed: later releases reuse the stored complaints of that quarter (``Release.cohorts``), so
   every number of that quarter, its months and the months' "resolved in" rows is the same in every release. A
   quarter not yet that old is not published at all. "All time" is the sum of the published quarters, so a new
   release changes it only by adding the quarter it publishes with it.
2. **What each release stores privately** (``ReportSnapshot.audit``, never served): every cell's true value and
   whether it was hidden, the dimensions its equations are rebuilt from, the complaints of the quarters it
   published first (counted by their characteristics), and the medians it showed (a later release's all-time
   median is audited with them: reporting.medians).
3. **Joint audit.** A new release is suppressed as one system with every earlier release: the quarters' cells are
   the same cells in each (they are frozen), and each release's "all time" is its own cell ("all@<release id>").
   What earlier releases showed is known to everyone (``public``: never hidden, never counted on as protection);
   what they hid stays hidden (``also_hide``).

A correction (``refresh_reports --again``) is a new release, audited like any other; quarters already published
keep their published numbers.
"""

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from complaints import clock
from reporting import aggregates, facts, medians
from reporting.aggregates import Cell, Dimensions, Fact
from reporting.models import ReportSnapshot
from reporting.publishing import late_counts_told
from reporting.suppression import audit_extended, suppress_least

logger = logging.getLogger(__name__)

Equation = tuple[Cell, tuple[Cell, ...]]


class ReportDataInconsistent(Exception):
    """Complaints contradict what the public can tell without the statistics (an MCO's contract dates)."""


def frozen_on(quarter: str, age_months: int) -> date:
    """The first release day a quarter's complaints can be published on: the last day of the month ``age_months``
    after the quarter's last month."""
    year, number = map(int, quarter.split("-Q"))
    month = 3 * number + age_months  # the month, counted from January of ``year``, the figures stand at
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _in_quarters(period: str, quarters: set[str]) -> bool:
    """Whether a cell's period (all time, a quarter or a month) is published with these quarters."""
    return period == "all" or (period if "-Q" in period else aggregates.quarter_of(period)) in quarters


@dataclass(frozen=True)
class Release:
    """One release as the joint audit reads it: what it published and what it hid."""

    label: str  # its "all time" period in the joint system ("all@<id>"); "all" for the release being made
    dimensions: Dimensions  # months: every month its equations cover
    quarters: frozenset[str]  # the quarters it published
    values: dict[Cell, int]  # every cell's true value ("all" cells under period "all")
    hidden: frozenset[Cell]

    def renamed(self, cell: Cell) -> Cell:
        return cell._replace(period=self.label) if cell.period == "all" else cell

    def system(self) -> tuple[list[Cell], list[Equation]]:
        """Its cells and equations, with its "all time" under its own name."""
        cells, equations = linked_system(self.dimensions, self.quarters)
        known = set(self.values)
        equations = [eq for eq in equations if eq[0] in known and all(part in known for part in eq[1])]
        return [self.renamed(cell) for cell in cells if cell in known], [
            (self.renamed(total), tuple(self.renamed(part) for part in parts)) for total, parts in equations
        ]

    def known_zeros(self) -> set[Cell]:
        """Cells anyone could tell were zero on its day (contract dates; too recent to be late then)."""
        return {self.renamed(cell) for cell in aggregates.known_zeros(list(self.values), self.dimensions)}


def linked_system(dimensions: Dimensions, quarters: Iterable[str]) -> tuple[list[Cell], list[Equation]]:
    """The cells and equations of a release publishing ``quarters``: the whole system over ``dimensions.months``
    (which run past the published quarters, to the months the complaints of the last one were resolved in), less
    the periods not published; all time adds up the published quarters (and their months) only."""
    chosen = set(quarters)
    cells, equations = aggregates.system(dimensions)
    kept = [Cell(*cell) for cell in cells if _in_quarters(cell[1], chosen)]
    keep = set(kept)
    linked: dict[Equation, None] = {}
    for total, parts in equations:
        if total in keep:
            linked[(Cell(*total), tuple(Cell(*part) for part in parts if part in keep))] = None
    return kept, list(linked)


def release_values(
    dimensions: Dimensions, quarters: Iterable[str], cohort_facts: Iterable[Fact]
) -> tuple[dict[Cell, int], Counter, dict, list[Equation]]:
    """Every cell's value from the published quarters' complaints (as frozen), the counts ``publish`` reads (all
    time being the sum of the published quarters), the days to resolution, and the equations they satisfy."""
    chosen = set(quarters)
    counts, days = aggregates.count(cohort_facts)
    cells, equations = linked_system(dimensions, chosen)
    values = {cell: counts.get(cell, 0) for cell in cells}
    for cell in cells:
        if cell.period == "all":  # not the complaints resolved in months not published yet
            values[cell] = sum(counts.get(cell._replace(period=quarter), 0) for quarter in chosen)
            counts[cell] = values[cell]
    for total, parts in equations:
        if values[total] != sum(values[part] for part in parts):
            raise ValueError(f"The release's equations do not hold: {total} != sum of {parts}")
    return values, counts, days, equations


@dataclass
class Joint:
    """A release and every earlier one as one system (``joint_system``)."""

    values: dict[Cell, int]
    equations: list[Equation]
    public: set[Cell]  # shown by an earlier release, or known to be zero
    hidden_before: set[Cell]  # hidden by an earlier release: stays hidden


def joint_hidden(own: Release, joint: Joint, threshold: int, *, evidence: dict | None = None) -> frozenset:  # type: ignore[type-arg]
    """The cells of ``own`` to hide so that no count from 1 to ``threshold - 1`` is shown or derivable from it
    together with every earlier release (``joint``, each with its own all time): earlier shown cells are known,
    earlier hidden ones stay hidden, and a cell anyone knew was zero on any release's day is never counted on as
    protection. ``evidence``: see ``suppress_system``."""
    hidden = suppress_least(
        joint.values,
        joint.equations,
        threshold=threshold,
        counted=lambda cell: cell in own.values,
        headline=aggregates.is_headline,
        also_hide=joint.hidden_before,
        public=joint.public,
        internal=aggregates.internal(joint.values),
        evidence=evidence,
    )
    return frozenset(cell for cell in hidden if cell in own.values)


def joint_system(own: Release, equations: list[Equation], earlier: Iterable[Release]) -> Joint:
    """``own`` and every earlier release as one system: each release's all time is its own cell, the quarters are
    the same cells in each (frozen)."""
    values = dict(own.values)
    linked: dict[Equation, None] = dict.fromkeys(equations)
    public, shown_before, hidden_before = own.known_zeros(), set(), set()
    for release in earlier:
        cells, release_equations = release.system()
        linked.update(dict.fromkeys(release_equations))
        for cell in cells:
            value = release.values[cell._replace(period="all") if cell.period == release.label else cell]
            if cell in own.values and own.values[cell] != value:
                raise ReportDataInconsistent(  # the way complaints are counted changed since that release
                    f"The statistics were not refreshed: a published quarter's figure would change ({cell}). "
                    "Published quarters are never revised; count them the way they were published."
                )
            values[cell] = value
        hidden_before |= {release.renamed(cell) for cell in release.hidden}
        shown_before |= {release.renamed(cell) for cell in release.values if cell not in release.hidden}
        public |= release.known_zeros()
    return Joint(values, list(linked), (public | shown_before) - hidden_before, hidden_before)


def _dimensions_json(dimensions: Dimensions) -> dict[str, object]:
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "mcos": dimensions.mcos,
        "groups": dimensions.groups,
        "topics": dimensions.topics,
        "months": dimensions.months,
        "contracts": {mco: [day(starts), day(ends)] for mco, (starts, ends) in dimensions.contracts.items()},
        "response_due_from": {
            "expedited" if flag else "standard": day(v) for flag, v in dimensions.response_due_from.items()
        },
        "answer_late_before": day(dimensions.answer_late_before),
        "without_outcome_tables": sorted(dimensions.without_outcome_tables),
    }


def _dimensions_from(stored: dict) -> Dimensions:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return Dimensions(
        mcos=stored["mcos"],
        groups=stored["groups"],
        topics=stored["topics"],
        months=stored["months"],
        contracts={mco: (day(starts), day(ends)) for mco, (starts, ends) in stored["contracts"].items()},
        response_due_from={key == "expedited": day(v) for key, v in stored["response_due_from"].items()},
        answer_late_before=day(stored["answer_late_before"]),
        without_outcome_tables=frozenset(stored.get("without_outcome_tables", [])),
    )


def _stored_release(pk: int, audit: dict) -> Release:
    values = {Cell(*row[:6]): row[6] for row in audit["cells"]}
    return Release(
        label=f"all@{pk}",
        dimensions=_dimensions_from(audit["dimensions"]),
        quarters=frozenset(audit["quarters"]),
        values=values,
        hidden=frozenset(Cell(*row[:6]) for row in audit["cells"] if row[7]),
    )


def _had_outcome_tables(audit: dict, quarter: str) -> bool:
    """Whether the release that first published ``quarter`` published its tables of what happened to the complaints
    by provider type and by topic (releases from before them stored none of their cells). Its figures are frozen as
    published, so a later release adds those tables only to the quarters that had them: a quarter published without
    them could only get them with every one of its numbers public already, and those numbers can bound the new
    ones' internal cells so that no hiding is left to protect them."""
    return any(row[0] == aggregates.OTHER_OUTCOMES and row[1] == quarter for row in audit["cells"])


def release_build(
    as_of: date,
    dimensions: Dimensions,
    complaint_facts: Iterable[Fact],
    earlier: Sequence[tuple[int, dict]],
    *,
    threshold: int,
    age_months: int,
) -> tuple[dict[str, object], dict[str, object]]:
    """A release's published ``data`` and private ``audit``, from the complaints as they stood at the end of
    ``as_of`` (``facts.report_facts``) and the audits of the releases already out, by id (oldest first): see the
    module's docstring. Raises ReportDataInconsistent when a cell anyone takes for zero is not."""
    cohorts: dict[str, list[Fact]] = {}
    without_outcome_tables: set[str] = set()
    for _, audit in earlier:  # the first release to publish a quarter froze it
        for quarter, rows in audit.get("cohorts", {}).items():
            if quarter not in cohorts and not _had_outcome_tables(audit, quarter):
                without_outcome_tables.add(quarter)  # published before them: the quarter never gets them
            cohorts.setdefault(quarter, [Fact(*row[:-1]) for row in rows for _ in range(row[-1])])
    dimensions = replace(dimensions, without_outcome_tables=frozenset(without_outcome_tables))
    candidates = {aggregates.quarter_of(month) for month in dimensions.months} | set(cohorts)
    quarters = sorted(quarter for quarter in candidates if frozen_on(quarter, age_months) <= as_of)
    new: dict[str, list[Fact]] = {quarter: [] for quarter in quarters if quarter not in cohorts}
    for fact in complaint_facts:
        quarter = aggregates.quarter_of(fact.received)
        if quarter in new:
            new[quarter].append(fact)
    published = [fact for quarter in quarters for fact in (cohorts[quarter] if quarter in cohorts else new[quarter])]
    # The equations run from the first month a published complaint was received in to the end of the last published
    # quarter, or the last month one was resolved in (the months after that quarter are not published themselves).
    ends = [aggregates.month_of(aggregates.period_days(quarter, dimensions)[1]) for quarter in quarters[-1:]]
    ends += [month for month in (fact.resolved_month() for fact in published) if month]
    first = min((fact.received for fact in published), default=dimensions.months[0])
    dimensions = replace(dimensions, months=aggregates.months_between(first, max(ends, default=dimensions.months[-1])))
    values, counts, days, equations = release_values(dimensions, quarters, published)
    own = Release("all", dimensions, frozenset(quarters), values, frozenset())
    # Cells anyone takes for zero. If one is not, publishing would either show a false 0 or, by hiding it, tell
    # that it is not 0: refuse, keep the last snapshot, and say what to correct.
    contradicted = sorted({(cell.mco, cell.period) for cell in own.known_zeros() if values[cell]})
    if contradicted:
        where = "; ".join(f"{mco} in {period}" for mco, period in contradicted[:10])
        raise ReportDataInconsistent(
            f"The statistics were not refreshed: complaints name an MCO outside its contract dates ({where}). "
            "Correct the MCO's contract dates (active from / active to) in the admin, then refresh again."
        )
    joint = joint_system(own, equations, [_stored_release(pk, audit) for pk, audit in earlier])
    evidence: dict = {}  # type: ignore[type-arg]
    hidden = joint_hidden(own, joint, threshold, evidence=evidence)
    data: dict[str, object] = {"periods": [], "tables": {}}  # nothing old enough yet
    medians: set[tuple[str, str]] = set()
    if quarters:
        shown_months = [month for month in dimensions.months if aggregates.quarter_of(month) in set(quarters)]
        shown_dimensions = replace(dimensions, months=shown_months)
        data = aggregates.publish(shown_dimensions, counts, days, hidden)
        medians = published_medians(data)
        earlier_medians = [
            (f"all@{pk}" if period == "all" else period, mco, tuple(audit["quarters"]))
            for pk, audit in earlier
            for period, mco in audit.get("medians", [])
        ]
        more = more_medians(
            as_of,
            dimensions,
            joint,
            hidden,
            evidence,
            counts,
            days,
            medians,
            published,
            earlier_medians,
            threshold=threshold,
        )
        if more:
            medians |= more
            data = aggregates.publish(shown_dimensions, counts, days, hidden, also_medians=frozenset(more))
    audit = {
        "dimensions": _dimensions_json(dimensions),
        "quarters": quarters,
        "cohorts": {
            quarter: [[*fact, number] for fact, number in sorted(Counter(new[quarter]).items(), key=repr)]
            for quarter in new
        },
        "cells": [[*cell, value, cell in hidden] for cell, value in values.items()],
        "medians": sorted([period, mco] for period, mco in medians),
    }
    return data, audit


def published_medians(data: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    """The medians a release shows, by (period, MCO or ALL)."""
    shown = set()
    for period, tables in (data.get("tables") or {}).items():
        table = tables.get("timeliness_by_mco") or {}
        columns = table.get("columns", [])
        if "Median business days to resolution" not in columns:  # a release from before medians were published
            continue
        column = columns.index("Median business days to resolution")
        for label, row in zip(table["rows"], table["cells"], strict=True):
            if row[column] is not None:
                shown.add((period, aggregates.ALL if label == "All MCOs" else label))
    return shown


def more_medians(
    as_of: date,
    dimensions: Dimensions,
    joint: Joint,
    hidden: frozenset,
    evidence: dict,  # type: ignore[type-arg]
    counts: Counter,
    days: dict,
    shown: set[tuple[str, str]],
    published: Iterable[Fact],
    earlier_medians: Iterable[tuple[str, str, Iterable[str]]],
    *,
    threshold: int,
) -> set[tuple[str, str]]:
    """The all-time medians, by (period, MCO or ALL), to publish besides those the publishing rule shows (``shown``):
    those it left out (``_all_time_medians_to_check``), if the audits pass with what every median tells — this
    release's and those earlier releases published (``earlier_medians``: their all-time period's label, the MCO and
    the quarters it covered) — and none otherwise. ``published``: the complaints of every quarter published (each
    earlier release's too)."""
    more = _all_time_medians_to_check(dimensions, counts, days, hidden, shown)
    facts_by_quarter: dict[str, list[Fact]] = {}
    for fact in published:
        facts_by_quarter.setdefault(aggregates.quarter_of(fact.received), []).append(fact)
    own_quarters = sorted(facts_by_quarter)
    if more and _medians_pass_audit(
        as_of,
        dimensions,
        joint,
        hidden,
        evidence,
        threshold,
        facts_by_quarter,
        [*earlier_medians, *((period, mco, own_quarters) for period, mco in shown | more)],
    ):
        return more
    return set()


def _all_time_medians_to_check(
    dimensions: Dimensions, counts: Counter, days: dict, hidden: frozenset, shown: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The all-time medians the publishing rule left out that the audit may still allow: with complaints resolved,
    their count shown, and every late count the median tells about shown."""
    more = set()
    for mco in [*dimensions.mcos, aggregates.ALL]:
        durations = days.get(("all", mco))
        resolved = Cell("outcome", "all", mco, aggregates.ALL, aggregates.ALL, aggregates.RESOLVED)
        if ("all", mco) in shown or not durations or resolved in hidden or not counts.get(resolved):
            continue
        lower, _upper = medians.middles(durations)
        if not any(cell in hidden for cell in late_counts_told("all", mco, lower)):
            more.add(("all", mco))
    return more


def _medians_pass_audit(
    as_of: date,
    dimensions: Dimensions,
    joint: Joint,
    hidden: frozenset,
    evidence: dict,  # type: ignore[type-arg]
    threshold: int,
    facts_by_quarter: dict[str, list[Fact]],
    published_medians: list[tuple[str, str, Iterable[str]]],
) -> bool:
    """Whether the audits still pass once readers know the bands (reporting.medians) of every median published, by
    (period label, MCO or ALL, the quarters its release published): then no hidden count is narrowed by them."""
    by_month: dict[str, list[Cell]] = {}
    for cell in joint.values:
        if cell.measure == aggregates.RESOLVED_FROM:
            by_month.setdefault(cell.period, []).append(cell)

    def median(label: str, mco: str, chosen: Iterable[str]) -> medians.Median:
        chosen = set(chosen) if label.startswith("all") else {label}
        spans = tuple(
            (cell.period, cell.mco, cell.split)
            for month, cells in sorted(by_month.items())
            if aggregates.quarter_of(month) in chosen
            for cell in cells
            if mco in (aggregates.ALL, cell.mco)
        )
        covered = tuple(
            (fact.received, fact.mco, fact.resolved_month(), fact.business_days)
            for quarter in sorted(chosen)
            for fact in facts_by_quarter.get(quarter, [])
            if fact.outcome == aggregates.RESOLVED
            and fact.business_days is not None
            and mco in (aggregates.ALL, fact.mco)
        )
        return medians.Median(label, mco, spans, covered)

    unique = {(label, mco): median(label, mco, quarters) for label, mco, quarters in published_medians}
    try:
        model = medians.band_model(unique.values(), _span(dimensions, as_of))
    except ValueError:
        logger.exception("The medians' bands could not be built: the all-time medians stay hidden.")
        return False
    values = {**joint.values, **model.values}
    if any(values[total] != sum(values[part] for part in parts) for total, parts in model.equations):
        logger.error("The medians' bands do not add up to the counts: the all-time medians stay hidden.")
        return False
    found = audit_extended(
        values,
        joint.equations,
        hidden | joint.hidden_before,
        model.equations,
        threshold=threshold,
        public=joint.public | model.public,
        internal=aggregates.internal(joint.values) | model.ranges,
        unprotected=model.ranges | model.public,
        witnesses=evidence.get("witnesses"),
    )
    return not found


def _span(dimensions: Dimensions, as_of: date) -> medians.Span:
    """The fewest and most business days from a day of one month to a day of another, both on or after the first
    complaint and on or before ``as_of``: what the dates allow a complaint received in the one and resolved in the
    other to have taken."""
    first = dimensions.first_received or aggregates.period_days(dimensions.months[0], dimensions)[0]
    last = max(as_of, aggregates.period_days(dimensions.months[-1], dimensions)[1])
    business_days = clock.business_day_counter(min(first, as_of), last)

    def span(received: str, resolved: str) -> tuple[int, int]:
        start, end = aggregates.period_days(received, dimensions)
        begins, finishes = aggregates.period_days(resolved, dimensions)
        start, finishes = max(start, first), min(finishes, as_of)
        fewest = 0 if received == resolved else business_days(end, begins)
        return fewest, business_days(start, finishes)

    return span


@transaction.atomic
def report_snapshot_refresh(*, as_of: date | None = None, again: bool = False) -> ReportSnapshot:
    """The release for ``as_of`` (by default the end of last month), stored as the newest snapshot: every quarter at
    least ``PORTAL_REPORT_COHORT_AGE_MONTHS`` months old by then, each as first published (a quarter published now
    for the first time: its complaints as they stood at the end of ``as_of``), and all time as their sum; suppressed
    together with every release already out.

    One release per day covered: a release already made is returned as it is, unless ``again`` (after correcting
    data: a new release, audited with the others; quarters already published keep their numbers). New figures
    once a month, not every night, so that no one can compare one day's statistics with the next."""
    as_of = as_of or facts.release_day(timezone.localdate())
    if not again:
        released = ReportSnapshot.objects.filter(covers_to=as_of, data__has_key="periods").first()
        if released is not None:
            return released
    threshold = settings.PORTAL_REPORT_SUPPRESSION_THRESHOLD
    # Releases from before they were audited together stored nothing to audit them by.
    earlier = [
        # A release from before its medians were stored showed those its data has.
        (pk, audit if "medians" in audit else {**audit, "medians": sorted(map(list, published_medians(data)))})
        for pk, audit, data in ReportSnapshot.objects.filter(audit__has_key="cells")
        .order_by("id")
        .values_list("id", "audit", "data")
    ]
    dimensions, complaint_facts = facts.report_facts(as_of)
    data, audit = release_build(
        as_of,
        dimensions,
        complaint_facts,
        earlier,
        threshold=threshold,
        age_months=settings.PORTAL_REPORT_COHORT_AGE_MONTHS,
    )
    return ReportSnapshot.objects.create(covers_to=as_of, threshold=threshold, data=data, audit=audit)
