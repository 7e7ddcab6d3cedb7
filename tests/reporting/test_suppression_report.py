"""``manage.py suppression_report``: how much of the statistics suppression leaves visible, for the complaints in
the database or the generated realistic set (reporting/realistic.py: the command imports nothing from the tests,
which tests/portal/test_layering.py enforces). It prints a line per published table and the headline checks, and
refuses nonsense sizes with a clear message."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reporting import realistic
from reporting.cells import periods
from reporting.tables import table_specs


def run(*args: str) -> str:
    out = StringIO()
    call_command("suppression_report", *args, stdout=out)
    return out.getvalue()


def test_the_realistic_set_is_measured_table_by_table() -> None:
    output = run("--realistic", "--months", "3", "--per-month", "300")
    dimensions, facts = realistic.facts(months=3, per_month=300)
    assert output.splitlines()[0] == f"{len(facts)} complaints, 5 MCOs, 15 provider type groups, 10 topics, 3 months"
    names = {spec.name for period in periods(dimensions) for spec in table_specs(dimensions, period)}
    for name in names:
        row = re.search(rf"^{name} +(\d+\.\d) % of +(\d+) ", output, re.MULTILINE)
        assert row, f"no line for {name}"
        assert 0 <= float(row[1]) <= 100 and int(row[2]) > 0
    every = re.search(r"^every published count +(\d+\.\d) % of +(\d+) +(\d+\.\d) % of +(\d+)$", output, re.MULTILINE)
    assert every and 0 < float(every[1]) < 100
    # The row totals a reader sees as * or as the sum of a fully shown row count too, on a line of their own.
    sums = re.search(
        r"^row totals shown only as a shown row's sum  +[\d.]+ % of +(\d+) +(?:[\d.]+ %|-) +of +(\d+)$", output, re.M
    )
    both = re.search(
        r"^every published count, those row totals too  +[\d.]+ % of +(\d+) +(?:[\d.]+ %|-) +of +(\d+)$", output, re.M
    )
    assert sums and both and int(sums[1]) > 0
    assert (int(both[1]), int(both[2])) == (int(every[2]) + int(sums[1]), int(every[4]) + int(sums[2]))
    hidden = re.search(r"^hidden published counts: (\d+), of which 11 or more: (\d+)$", output, re.MULTILINE)
    least = re.search(
        r"^numbers of 11 or more any protection would hide: at least (\d+) \(so at most (\d+\.\d) % of them shown\)$",
        output,
        re.MULTILINE,
    )
    assert hidden and least
    # The suppression hides no fewer than any protection must; the share it could reach follows from the bound.
    assert int(least[1]) <= int(hidden[2])
    large = int(every[4])
    assert float(least[2]) == round(100 * (large - int(least[1])) / large, 1)
    assert re.search(r"^every MCO's received and resolved totals for every period: ", output, re.MULTILINE)
    assert re.search(r"^every MCO's all-time median: ", output, re.MULTILINE)
    assert re.search(r"^suppression took \d+\.\d s$", output, re.MULTILINE)


@pytest.mark.parametrize(("flag", "value"), [("--months", "0"), ("--per-month", "-5")])
def test_a_size_below_one_is_refused_with_a_clear_message(flag: str, value: str) -> None:
    with pytest.raises(CommandError, match=rf"^{flag} must be 1 or more \(it was {value}\)\.$"):
        run("--realistic", flag, value)


def test_sizes_without_the_realistic_set_are_refused_rather_than_ignored() -> None:
    with pytest.raises(CommandError, match=r"^--months, --per-month and --seed describe the realistic set"):
        run("--months", "3")
