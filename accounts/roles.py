"""Names of the staff groups created by accounts/migrations/0002_staff_groups.py, and who counts as a supervisor."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User

TRIAGE_ANALYST = "HFS triage analyst"
SUPERVISOR = "HFS supervisor"
# Sees the queue without member names, RINs, descriptions or files (minimum necessary, DESIGN §5).
REPORTING = "HFS reporting"
TRIAGE_GROUPS = (TRIAGE_ANALYST, SUPERVISOR)
STAFF_GROUPS = (TRIAGE_ANALYST, SUPERVISOR, REPORTING)


def is_supervisor(user: "User") -> bool:
    """An active HFS supervisor: staff in the supervisors' group (reference data, reopening, user management,
    DESIGN §5), or a superuser (break-glass). The one check for every supervisor-only action."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=SUPERVISOR).exists()
