"""Names of the staff groups created by accounts/migrations/0002_staff_groups.py."""

TRIAGE_ANALYST = "HFS triage analyst"
SUPERVISOR = "HFS supervisor"
STAFF_GROUPS = (TRIAGE_ANALYST, SUPERVISOR)
