"""Many complaints fast, for the plan tests: a few real filers made through the factories, then one
``INSERT … SELECT generate_series`` on PostgreSQL (tens of thousands of rows in about a second).

The shape is what the portal sees after a while: most complaints resolved or closed, the open ones recent, a few
expedited, one busy filer (a billing agent) with a tenth of all complaints, some assigned to staff.
"""

from dataclasses import dataclass

from django.db import connection

from accounts.models import MCO, ProviderOrganization, ReportingGroup, Representative, User
from complaints.models import Category
from tests.factories import RepresentativeFactory, UserFactory

SEED_SQL = """
INSERT INTO complaints_complaint (
    public_id, reference, idempotency_key, organization_id, submitted_by_id, contact_email, representative_name,
    is_billing_agent, mco_id, category_id, subject, description, mco_reference, mco_filed_on, mco_responded,
    mco_resolved_on, mco_resolution_summary, filing_window, concerns_members, access_to_care,
    access_to_care_explanation, expedited, provider_group, status, assignee_id, first_response_due,
    mco_presentation_due, forwarded_on, mco_answer_due, mco_extension_granted, held_notice, closure_reason,
    outcome_code, outcome_text, submitted_at, updated_at, presented_at, mco_round, mco_due_soon_notice_round,
    mco_overdue_notice_round
)
SELECT
    gen_random_uuid(), 'MCO-' || (2100 + g / 1000000) || '-' || lpad((g %% 1000000)::text, 6, '0'),
    gen_random_uuid(), org_ids[slot], user_ids[slot], 'filer@provider.example', 'Seeded Filer',
    slot <= 10, mco_ids[1 + (r_mco * array_length(mco_ids, 1))::int %% array_length(mco_ids, 1)],
    category_ids[1 + (r_cat * array_length(category_ids, 1))::int %% array_length(category_ids, 1)],
    'Seeded complaint', 'Seeded for the plan tests.', 'REF-' || g, day - 40, false,
    NULL, '', (ARRAY['ok', 'ok', 'ok', 'early', 'late'])[1 + (r_window * 5)::int %% 5], false, expedited,
    CASE WHEN expedited THEN 'Seeded: access to care.' ELSE '' END, expedited, groups[slot], status,
    CASE WHEN status = 'submitted' OR r_assign >= 0.8 THEN NULL
         ELSE staff_ids[1 + (r_assign * 10)::int %% array_length(staff_ids, 1)] END,
    day + 21, day + 14,
    CASE WHEN status IN ('awaiting_mco', 'resolved', 'closed') THEN day + 10 END,
    CASE WHEN status IN ('awaiting_mco', 'resolved', 'closed') THEN day + 40 END,
    false, CASE WHEN r_held < 0.002 THEN 'outcome' ELSE '' END,
    CASE WHEN status = 'closed' THEN 'duplicate' ELSE '' END,
    CASE WHEN status = 'resolved' THEN 'paid' ELSE '' END,
    CASE WHEN status = 'resolved' THEN 'Seeded outcome.' ELSE '' END,
    submitted, submitted,
    CASE WHEN status IN ('awaiting_mco', 'resolved', 'closed') THEN (day + 10)::timestamptz END,
    CASE WHEN status IN ('awaiting_mco', 'resolved', 'closed') THEN 1 ELSE 0 END, 0, 0
FROM (
    SELECT g, slot, r_mco, r_cat, r_window, r_assign, r_held, status, expedited, submitted,
           (submitted AT TIME ZONE 'America/Chicago')::date AS day
    FROM (
        SELECT g, slot, r_mco, r_cat, r_window, r_assign, r_held, status, r_exp < 0.1 AS expedited,
               now() - CASE WHEN status IN ('resolved', 'closed') THEN interval '1 day' * (30 + r_age * 1800)
                            ELSE interval '1 day' * r_age * 60 END AS submitted
        FROM (
            SELECT g, 1 + (random() * 99)::int AS slot, random() AS r_mco, random() AS r_cat, random() AS r_window,
                   random() AS r_assign, random() AS r_held, random() AS r_exp, random() AS r_age,
                   CASE WHEN r < 0.60 THEN 'resolved' WHEN r < 0.85 THEN 'closed' WHEN r < 0.90 THEN 'submitted'
                        WHEN r < 0.95 THEN 'in_review' WHEN r < 0.97 THEN 'awaiting_provider'
                        ELSE 'awaiting_mco' END AS status
            FROM (SELECT g, random() AS r FROM generate_series(%(first)s, %(last)s) AS g) AS numbers
        ) AS drawn
    ) AS dated
) AS rows,
    (SELECT %(org_ids)s::int[] AS org_ids, %(user_ids)s::int[] AS user_ids, %(groups)s::text[] AS groups,
            %(mco_ids)s::int[] AS mco_ids, %(category_ids)s::int[] AS category_ids,
            %(staff_ids)s::int[] AS staff_ids) AS choices
"""

# One claim line per complaint; the member's RIN is the complaint's number, so each RIN names one complaint.
CLAIMS_SQL = """
INSERT INTO complaints_affectedclaim (complaint_id, line_number, member_name, rin, service_from, claim_number)
SELECT id, 1, 'Seeded Member', lpad((substr(reference, 10)::int + (substr(reference, 5, 4)::int - 2100) * 1000000)
       ::text, 9, '0'), mco_filed_on - 10, ''
FROM complaints_complaint WHERE reference >= 'MCO-2100-' AND reference < 'MCO-2200-'
"""


def seeded_rin(number: int) -> str:
    """The member's RIN on seeded complaint ``number`` (from 1)."""
    return f"{number:09d}"


def seeded_reference(number: int) -> str:
    return f"MCO-{2100 + number // 1000000}-{number % 1000000:06d}"


@dataclass
class Seeded:
    """Who filed what: the busy billing agent (slots 1-10 of 100, a tenth of all complaints) and their admin."""

    agent: User
    org_admin: User
    other_filers: list[User]
    designations: list[Representative]
    staff: list[User]


def seed_complaints(count: int, *, first: int = 1) -> Seeded:
    """``count`` complaints in one statement (PostgreSQL), filed by 10 organizations; slot 1-10 is the agent.
    The same rows every time (the random numbers are seeded)."""
    staff = [UserFactory(email=f"seeded-staff-{n}@hfs.example") for n in range(3)]
    agent_designation = RepresentativeFactory(is_org_admin=False)
    admin_designation = RepresentativeFactory(organization=agent_designation.organization, is_org_admin=True)
    others = [RepresentativeFactory() for _ in range(9)]
    slots = [agent_designation] * 10 + [others[n % 9] if n % 10 else admin_designation for n in range(90)]
    others_groups = [ReportingGroup.values[n % 9 + 1] for n in range(9)]
    groups = [ReportingGroup.PHYSICIAN_APN.value if n < 10 or not n % 10 else others_groups[n % 9] for n in range(100)]
    params = {
        "first": first,
        "last": first + count - 1,
        "org_ids": [d.organization_id for d in slots],
        "user_ids": [d.user_id for d in slots],
        "groups": groups,
        "mco_ids": list(MCO.objects.values_list("pk", flat=True)),
        "category_ids": list(Category.objects.values_list("pk", flat=True)),
        "staff_ids": [user.pk for user in staff],
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.17)")
        cursor.execute(SEED_SQL, params)
        cursor.execute(CLAIMS_SQL)
        if connection.get_autocommit():
            # Committed rows: as after autovacuum, the visibility map lets index-only scans skip the table.
            cursor.execute("VACUUM ANALYZE complaints_complaint")
            cursor.execute("VACUUM ANALYZE complaints_affectedclaim")
        cursor.execute("ANALYZE")
    return Seeded(
        agent=agent_designation.user,
        org_admin=admin_designation.user,
        other_filers=[d.user for d in others],
        designations=[agent_designation, admin_designation, *others],
        staff=staff,
    )


def remove_seeded(seeded: Seeded) -> None:
    """Delete what ``seed_complaints`` wrote (for a seed that was committed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM complaints_affectedclaim WHERE complaint_id IN "
            "(SELECT id FROM complaints_complaint WHERE reference >= 'MCO-2100-' AND reference < 'MCO-2200-')"
        )
        cursor.execute("DELETE FROM complaints_complaint WHERE reference >= 'MCO-2100-' AND reference < 'MCO-2200-'")
    organizations = {d.organization_id for d in seeded.designations}
    users = {d.user_id for d in seeded.designations} | {user.pk for user in seeded.staff}
    Representative.objects.filter(pk__in=[d.pk for d in seeded.designations]).delete()
    ProviderOrganization.objects.filter(pk__in=organizations).delete()
    User.objects.filter(pk__in=users).delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
