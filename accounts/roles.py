"""Names of the staff groups created by accounts/migrations/0002_staff_groups.py."""

TRIAGE_ANALYST = "HFS triage analyst"
SUPERVISOR = "HFS supervisor"
# Sees the queue without member names, RINs, descriptions or files (minimum necessary, DESIGN §5).
REPORTING = "HFS reporting"
TRIAGE_GROUPS = (TRIAGE_ANALYST, SUPERVISOR)
STAFF_GROUPS = (TRIAGE_ANALYST, SUPERVISOR, REPORTING)
