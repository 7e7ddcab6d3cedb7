"""Row rules of a complaint, as pure functions: the service enforces them, the forms place their messages.

Each returns {field name: plain-language message}; an empty dict means the input follows the rules.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings

RIN = re.compile(r"^[0-9]{9}$")


@dataclass(frozen=True)
class ClaimLine:
    member_name: str
    rin: str
    service_from: date
    service_to: date | None = None
    claim_number: str = ""
    billed_amount: Decimal | None = None


def _spelled(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _too_early(what: str, earliest: date) -> str:
    return f"{what} is before {_spelled(earliest)}, earlier than any Illinois Medicaid MCO complaint. Check the year."


def claim_line_problems(
    line: ClaimLine, *, filed_on: date | None, today: date, earliest: date | None = None
) -> dict[str, str]:
    earliest = earliest or settings.PORTAL_EARLIEST_DATE
    problems: dict[str, str] = {}
    if not line.member_name.strip():
        problems["member_name"] = "Enter the member's name."
    if not RIN.match(line.rin):
        problems["rin"] = "Enter the member's 9-digit Recipient Identification Number (RIN), digits only."
    if line.service_from > today:
        problems["service_from"] = "The date of service cannot be in the future."
    elif line.service_from < earliest:
        problems["service_from"] = _too_early("The date of service", earliest)
    elif filed_on is not None and line.service_from > filed_on:
        problems["service_from"] = "The date of service is after the date you filed with the MCO. Check both dates."
    if line.service_to is not None:
        if line.service_to < line.service_from:
            problems["service_to"] = "The end date of service is before the start date."
        elif line.service_to > today:
            problems["service_to"] = "The date of service cannot be in the future."
    if line.billed_amount is not None and (not line.billed_amount.is_finite() or line.billed_amount < 0):
        problems["billed_amount"] = "Enter the billed amount as a number of dollars, 0 or more, like 125.50."
    return problems


def mco_step_problems(
    *, filed_on: date | None, resolved_on: date | None, responded: bool, today: date, earliest: date | None = None
) -> dict[str, str]:
    earliest = earliest or settings.PORTAL_EARLIEST_DATE
    problems: dict[str, str] = {}
    if filed_on is not None and filed_on > today:
        problems["mco_filed_on"] = "The date you filed with the MCO cannot be in the future."
    elif filed_on is not None and filed_on < earliest:
        problems["mco_filed_on"] = _too_early("The date you filed with the MCO", earliest)
    if resolved_on is not None:
        if resolved_on > today:
            problems["mco_resolved_on"] = "The date of the MCO's answer cannot be in the future."
        elif filed_on is not None and resolved_on < filed_on:
            problems["mco_resolved_on"] = "The MCO's answer cannot be dated before you filed with the MCO."
        if not responded:
            problems["mco_responded"] = "You gave a date for the MCO's answer: choose Yes, the MCO answered."
    return problems


def access_to_care_problems(*, access_to_care: bool, explanation: str) -> dict[str, str]:
    if access_to_care and not explanation.strip():
        return {
            "access_to_care_explanation": "Explain how the member's immediate access to care is affected, "
            "so HFS can expedite it."
        }
    return {}
