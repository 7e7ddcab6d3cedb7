"""What a published median tells a reader, as equations the audit can check (issue 19: the all-time median per MCO).

A median of business days to resolution says, of the complaints it covers, that at least half took that long or
less and at least half that long or more. Where its counts are all shown anyway (reporting.publishing's rule), it
narrows nothing hidden. Where they are not — an MCO's all-time median spans the launch month, whose few
resolutions are hidden — it is published only if the audits still pass with it (reporting.services):

- **A reader who knows more.** The audit assumes the reader knows, of the complaints a median covers, how many took
  fewer business days than the lower middle value, exactly that many, between the two middle values, exactly the
  upper one, and more (its five *bands*). Every arrangement with those counts has the same median, so what this
  reader cannot work out, no reader of the median can.
- **At month level.** Each internal cell of the complaints received in month z and resolved in month s
  (``RESOLVED_FROM``) splits into the ranges of days the medians' middle values cut, where its dates allow them
  (``Span``: from z to s is at least and at most so many business days); each band's count is the sum of its
  ranges over the complaints the median covers. One split serves every median at once (all time and the quarters,
  each MCO and all of them, every release).

Late answers tie to durations too (a late first response means a resolution after its due date); the publishing
rule still requires the late counts shown when a median is below the fewest days a late one can take, as before.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from reporting.cells import ALL, Cell
from reporting.linkage import RESOLVED_FROM

MEDIAN_BAND, DURATION_BAND = "median_band", "duration_band"
BANDS = ("below", "lower", "between", "upper", "above")
# A resolved complaint a median covers: (month received, MCO, month resolved, business days to resolution)
Resolved = tuple[str, str, str, int]
Span = Callable[[str, str], tuple[int, int]]  # (month received, month resolved) -> fewest, most business days


def middles(days: Iterable[int]) -> tuple[int, int]:
    """The two middle values (the same one for an odd count): the median is their mean."""
    ordered = sorted(days)
    return ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]


def band_of(days: int, lower: int, upper: int) -> str:
    if days < lower:
        return "below"
    if days == lower:
        return "lower"
    if days < upper:
        return "between"
    return "upper" if days == upper else "above"


@dataclass
class BandModel:
    """The added cells and equations: band counts are known to the reader (``public``); the ranges are not."""

    values: dict[Cell, int] = field(default_factory=dict)
    equations: list[tuple[Cell, tuple[Cell, ...]]] = field(default_factory=list)
    public: set[Cell] = field(default_factory=set)
    ranges: set[Cell] = field(default_factory=set)


@dataclass(frozen=True)
class Median:
    """One published median: the ``RESOLVED_FROM`` cells it spans, as (received, MCO, resolved) — every one a
    complaint it covers could be in, empty or not —, and the resolved complaints it covers."""

    period: str  # its period's label in the audited system ("all@<release>", "all", a quarter)
    mco: str  # or ALL
    spans: tuple[tuple[str, str, str], ...]
    covered: tuple[Resolved, ...]


def band_model(medians: Iterable[Median], span: Span) -> BandModel:
    """The equations a reader who knows these medians' bands knows: each ``RESOLVED_FROM`` cell a median spans is
    the sum of its ranges, each band's count the sum of the ranges in it."""
    medians = list(medians)
    cuts: dict[tuple[str, str, str], set[int]] = {}
    for median in medians:
        points = middles(days for *_, days in median.covered)
        for where in median.spans:
            cuts.setdefault(where, set()).update(points)
    ranges = {where: _ranges(sorted(points), *span(where[0], where[2])) for where, points in cuts.items()}
    model = BandModel()
    in_range: dict[Cell, int] = {}  # complaints per range (the same in every median covering it: frozen cohorts)
    for median in medians:
        counts: dict[Cell, int] = {}
        for received, mco, resolved, days in median.covered:
            where = (received, mco, resolved)
            found = [r for r in ranges.get(where, []) if r[0] <= days <= r[1]]
            if len(found) != 1:
                raise ValueError(f"{days} business days: not one range of {where} ({ranges.get(where)})")
            cell = _cell(where, found[0], ranges[where])
            counts[cell] = counts.get(cell, 0) + 1
        for cell, number in counts.items():
            if in_range.setdefault(cell, number) != number:
                raise ValueError(f"Medians disagree on the complaints of {cell}")
    for where, cell_ranges in ranges.items():
        if len(cell_ranges) > 1:
            parts = tuple(_cell(where, r, cell_ranges) for r in cell_ranges)
            model.values.update({part: in_range.get(part, 0) for part in parts})
            model.ranges.update(parts)
            model.equations.append((Cell(RESOLVED_FROM, where[0], where[1], ALL, ALL, where[2]), parts))
    for median in medians:
        lower, upper = middles(days for *_, days in median.covered)
        for band in BANDS:
            total = Cell(MEDIAN_BAND, median.period, median.mco, ALL, ALL, band)
            parts = tuple(
                _cell(where, r, ranges[where])
                for where in median.spans
                for r in ranges[where]
                if band_of(r[0], lower, upper) == band_of(r[1], lower, upper) == band
            )
            model.values[total] = sum(1 for *_, days in median.covered if band_of(days, lower, upper) == band)
            model.public.add(total)
            model.equations.append((total, parts))
    return model


def _cell(where: tuple[str, str, str], bounds: tuple[int, int], cell_ranges: list[tuple[int, int]]) -> Cell:
    """The cell of the complaints of ``where`` in that range of days: the ``RESOLVED_FROM`` cell itself when it has
    only the one range."""
    received, mco, resolved = where
    if len(cell_ranges) == 1:
        return Cell(RESOLVED_FROM, received, mco, ALL, ALL, resolved)
    return Cell(DURATION_BAND, received, mco, ALL, ALL, f"{resolved}|{bounds[0]}-{bounds[1]}")


def _ranges(points: list[int], fewest: int, most: int) -> list[tuple[int, int]]:
    """[fewest, most] cut at each point (each point a range of its own): the ranges that are not empty."""
    out, start = [], fewest
    for point in points:
        if start <= min(point - 1, most):
            out.append((start, min(point - 1, most)))
        if fewest <= point <= most:
            out.append((point, point))
        start = max(start, point + 1)
    if start <= most:
        out.append((start, most))
    return out
