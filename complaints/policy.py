"""Pure policy: the filing window of 89 Ill. Adm. Code 140.75 (DESIGN §2, §4.5). Numbers are settings."""

from dataclasses import dataclass
from datetime import date

from complaints.models import FilingWindow


@dataclass(frozen=True)
class WindowRules:
    min_days: int = 30  # no sooner than this many days after filing with the MCO
    max_days: int = 60  # no later than this many days after filing with the MCO
    after_resolution_days: int = 30  # or within this many days after the MCO's resolution


@dataclass(frozen=True)
class WindowCheck:
    window: str
    message: str  # plain language, shown as a warning on the form ("" when within the window)


def filing_window(*, filed_on: date, resolved_on: date | None, today: date, rules: WindowRules) -> WindowCheck:
    """Where a filing today falls in the window. Outside it is a warning for triage, never a refusal."""
    if resolved_on is not None and 0 <= (today - resolved_on).days <= rules.after_resolution_days:
        return WindowCheck(FilingWindow.OK, "")
    days = (today - filed_on).days
    if days < rules.min_days:
        return WindowCheck(
            FilingWindow.EARLY,
            f"You filed with the MCO {days} day{'s' if days != 1 else ''} ago. The MCO usually has "
            f"{rules.min_days} days to resolve it first, unless it has already answered. You can still send this "
            "complaint; HFS may close it and ask you to give the MCO more time.",
        )
    if days > rules.max_days:
        return WindowCheck(
            FilingWindow.LATE,
            f"You filed with the MCO {days} days ago. Complaints are normally filed within {rules.max_days} days of "
            f"filing with the MCO, or within {rules.after_resolution_days} days of the MCO's answer. You can still "
            "send it; HFS will review whether it can be accepted.",
        )
    return WindowCheck(FilingWindow.OK, "")
