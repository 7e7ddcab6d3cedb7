"""Intake rules as tables: the filing window (DESIGN §4.5) and the row rules of claims and dates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from complaints import rules
from complaints.models import FilingWindow
from complaints.policy import WindowRules, filing_window

TODAY = date(2026, 11, 29)
RULES = WindowRules(min_days=30, max_days=60, after_resolution_days=30)


@pytest.mark.parametrize(
    ("filed_days_ago", "resolved_days_ago", "expected"),
    [
        (0, None, FilingWindow.EARLY),
        (29, None, FilingWindow.EARLY),
        (30, None, FilingWindow.OK),
        (45, None, FilingWindow.OK),
        (60, None, FilingWindow.OK),
        (61, None, FilingWindow.LATE),
        (200, None, FilingWindow.LATE),
        (10, 2, FilingWindow.OK),  # the MCO answered and the provider disagrees: no need to wait 30 days
        (20, 0, FilingWindow.OK),
        (90, 30, FilingWindow.OK),  # within 30 days after the MCO's answer, even if late after filing
        (90, 31, FilingWindow.LATE),
        (40, 35, FilingWindow.OK),  # 40 days after filing is inside the window anyway
        (20, 19, FilingWindow.OK),
    ],
)
def test_filing_window(filed_days_ago, resolved_days_ago, expected):
    resolved = TODAY - timedelta(days=resolved_days_ago) if resolved_days_ago is not None else None
    check = filing_window(
        filed_on=TODAY - timedelta(days=filed_days_ago), resolved_on=resolved, today=TODAY, rules=RULES
    )
    assert check.window == expected
    assert (check.message == "") == (expected == FilingWindow.OK)


def test_the_early_warning_says_how_long_ago_in_plain_words():
    check = filing_window(filed_on=TODAY - timedelta(days=1), resolved_on=None, today=TODAY, rules=RULES)
    assert check.message.startswith("You filed with the MCO 1 day ago.")
    assert "You can still send this complaint" in check.message


def test_window_numbers_come_from_the_rules():
    check = filing_window(
        filed_on=TODAY - timedelta(days=20), resolved_on=None, today=TODAY, rules=WindowRules(min_days=14)
    )
    assert check.window == FilingWindow.OK


def line(**overrides) -> rules.ClaimLine:  # type: ignore[no-untyped-def]
    values = {"member_name": "Pat Example", "rin": "123456789", "service_from": date(2026, 9, 1)}
    values.update(overrides)
    return rules.ClaimLine(**values)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rin": "12345678"}, "rin", "9-digit Recipient Identification Number"),
        ({"rin": "1234567890"}, "rin", "9-digit"),
        ({"rin": "12345678A"}, "rin", "digits only"),
        ({"member_name": "  "}, "member_name", "Enter the member's name."),
        ({"service_from": date(2026, 12, 1)}, "service_from", "cannot be in the future"),
        ({"service_from": date(2026, 10, 20)}, "service_from", "after the date you filed with the MCO"),
        ({"service_to": date(2026, 8, 1)}, "service_to", "before the start date"),
        ({"service_to": date(2026, 12, 30)}, "service_to", "cannot be in the future"),
        ({"billed_amount": Decimal("-1")}, "billed_amount", "0 or more"),
        ({"billed_amount": Decimal("NaN")}, "billed_amount", "0 or more"),
        ({"billed_amount": Decimal("Infinity")}, "billed_amount", "0 or more"),
    ],
)
def test_claim_line_problems(overrides, field, message):
    problems = rules.claim_line_problems(line(**overrides), filed_on=date(2026, 10, 1), today=TODAY)
    assert message in problems[field]


def test_a_good_claim_line_has_no_problems():
    assert rules.claim_line_problems(line(service_to=date(2026, 9, 3)), filed_on=date(2026, 10, 1), today=TODAY) == {}


@pytest.mark.parametrize(
    ("filed", "resolved", "responded", "field", "message"),
    [
        (date(2026, 12, 1), None, False, "mco_filed_on", "cannot be in the future"),
        (date(2026, 10, 1), date(2026, 9, 1), True, "mco_resolved_on", "before you filed"),
        (date(2026, 10, 1), date(2026, 12, 1), True, "mco_resolved_on", "cannot be in the future"),
        (date(2026, 10, 1), date(2026, 10, 5), False, "mco_responded", "choose Yes"),
    ],
)
def test_mco_step_problems(filed, resolved, responded, field, message):
    problems = rules.mco_step_problems(filed_on=filed, resolved_on=resolved, responded=responded, today=TODAY)
    assert message in problems[field]


def test_access_to_care_needs_an_explanation():
    assert "access_to_care_explanation" in rules.access_to_care_problems(access_to_care=True, explanation=" ")
    assert rules.access_to_care_problems(access_to_care=False, explanation="") == {}
