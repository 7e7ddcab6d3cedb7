"""The public aggregates (R10, DESIGN §7): one linked system of cells, suppressed together before storing.

The engine is five small modules, in the order the data flows:

- ``reporting.cells`` — the vocabulary: a complaint's ``Fact``, a published number's ``Cell`` (measure, period,
  mco, group, topic, split; ``ALL`` for "every value"), the ``Dimensions`` and the periods;
- ``reporting.tables`` — which tables are published for a period and which cell sits at each row and column
  (``table_specs``); a table's rows and columns add up to its totals;
- ``reporting.linkage`` — the whole system a reader can reason with (``system``): every table's cells and
  equations, all time = the quarters, and internal cells tying the tables to what dates tell; ``known_zeros``;
- ``reporting.counting`` — every cell's count from the facts (``count``);
- ``reporting.publishing`` — the snapshot's tables from the counts and the hidden cells (``publish``), shares and
  medians only on shown counts.

reporting.facts turns complaints into facts, reporting.suppression decides which cells to hide (the whole system
at once), and reporting.services runs it all into a release. This module re-exports the names the rest of the
code imports.

How to add a table (follow every step; the tests named are where it shows):

1. Define the table: add a ``TableSpec`` to ``reporting.tables.table_specs`` — name (snake case, what it counts),
   plain-language title, row and column labels, rows and columns (key part, label), and ``key`` naming the
   ``Cell`` at each (row, column), ``ALL`` for a total. Reuse an existing cell wherever the number is the same
   (a total received per MCO is ``Cell("received", period, mco, ALL, ALL, ALL)`` in every table that shows it):
   then the tables are linked through it for free.
2. Its cells and equations: a new measure needs its meaning written in the docstring of ``reporting.cells``;
   ``TableSpec.equations`` gives its rows and columns adding up; all time = the quarters is added for every cell.
3. Link it to the rest (``reporting.linkage``): every fact a reader can combine it with is an equation. If its
   cells split the same complaints as another table's by a characteristic they do not share (a table by topic and
   one by outcome), add internal cells (a new measure in ``INTERNAL``) for the combinations and equations tying
   each table's cells to them — otherwise the suppression cannot see what a reader can work out by subtraction.
   If dates make some of its cells zero for everyone, say so in ``known_zeros``.
4. Count it: in ``reporting.counting.count``, add each fact to every one of its cells (and to the new internal
   cells), for the month, its quarter and all time.
5. Publish it: ``reporting.publishing.publish`` publishes every ``TableSpec``; a share or median built on its
   counts is shown only when every count it is built on is shown (and says when there is nothing to measure).
   Then the page: a section in ``reporting.views.SECTIONS`` (a chart unless it is a split listed in
   ``UNCHARTED``) and what it counts in templates/reporting/_method_counted.html. A table by provider type uses
   the row label ``reporting.selectors.GROUP_LABEL``, so the provider type filter narrows it (with that type's own
   totals); any other table says under that filter that it counts all provider types. The CSV and JSON carry
   every table of the snapshot by themselves.
6. What the tests must show: hand-built complaints give the exact count in each new cell, and page, CSV and JSON
   agree under every filter; the independent audit
   (tests/reporting/test_linked_suppression.py) knows the new cells from their meaning in its ``member()`` — not
   from this code — and finds nothing derivable; and removing one of the new equations makes it fail. The
   reader-side audit at the realistic size (tests/reporting/test_reader_audit.py) reads every counts table of the
   published release by itself; a table whose totals are the complaints received per MCO joins its
   ``RECEIVED_BY_COLUMN`` or ``RECEIVED_BY_ROW`` and a new share its ``shares``; a link that is not a shared total
   gets rows of its own there (as ``resolved_within_received`` has for "resolved is at most received").

A table whose row totals would close a three-way table with every two-way total published — provider type (or
topic), MCO and outcome — costs far more hiding than it shows. The tables of complaints resolved, and closed because
the MCO had not been given the chance first, by provider type and by topic (issue 19) followed these steps with
``row_totals=False`` (reporting.tables explains why, with the measurements); their link to the complaints received
is an internal cell of the rest (reporting.linkage), and their all-time version is the quarters added up
(``reporting.counting`` counts them for every period, so the equations hold). Six tables with every outcome, all
time and the all-MCO totals (commit 83abdd0, reverted) took the demo release to eight minutes and hid most of the
publication.
"""

from reporting.cells import (
    ALL,
    EXPEDITED,
    FIRST_RESPONSE_STATES,
    LATE,
    MCO_ANSWER_STATES,
    NOT_SENT,
    ON_TIME,
    OPEN,
    OUTCOMES,
    PUBLIC_REASONS,
    REASON_NOT_FIRST,
    RESOLVED,
    STANDARD,
    Cell,
    Dimensions,
    Fact,
    Key,
    month_label,
    month_of,
    months_between,
    months_in,
    period_days,
    period_label,
    periods,
    quarter_of,
    quarters,
)
from reporting.counting import count
from reporting.linkage import (
    INTERNAL,
    JOINT,
    NEITHER,
    OTHER_OUTCOMES,
    RESOLVED_FROM,
    UNRESOLVED,
    Equations,
    internal,
    joint_key,
    known_zeros,
    system,
)
from reporting.publishing import MEASURE_COLUMNS, publish
from reporting.tables import TableSpec, is_headline, table_specs

__all__ = [
    "ALL",
    "EXPEDITED",
    "FIRST_RESPONSE_STATES",
    "INTERNAL",
    "JOINT",
    "LATE",
    "MCO_ANSWER_STATES",
    "MEASURE_COLUMNS",
    "NEITHER",
    "NOT_SENT",
    "ON_TIME",
    "OPEN",
    "OTHER_OUTCOMES",
    "OUTCOMES",
    "PUBLIC_REASONS",
    "REASON_NOT_FIRST",
    "RESOLVED",
    "RESOLVED_FROM",
    "STANDARD",
    "UNRESOLVED",
    "Cell",
    "Dimensions",
    "Equations",
    "Fact",
    "Key",
    "TableSpec",
    "count",
    "internal",
    "is_headline",
    "joint_key",
    "known_zeros",
    "month_label",
    "month_of",
    "months_between",
    "months_in",
    "period_days",
    "period_label",
    "periods",
    "publish",
    "quarter_of",
    "quarters",
    "system",
    "table_specs",
]
