"""Realistic complaints in bulk, on PostgreSQL: `seed_complaints(n)` for `make bench` and the plan tests.

Everything is written by `INSERT … SELECT … FROM generate_series(…)` in batches, so neither Python nor the database
holds more than one batch (never an ORM object per row): about a million complaints in a few minutes.

What a call adds (a database that already has complaints gets more, nothing is replaced):
- about n/40 approved provider organizations of the reference provider types (a few types file most), each with
  one representative (organization administrator) who files its complaints;
- one billing agent representative (``BILLING_AGENT_EMAIL``, created once) who files about 10 % of all complaints;
- a few HFS triage analysts (``STAFF_EMAILS``, created once) as assignees;
- n complaints submitted over the last 24 months with references numbered as the app numbers them (per Illinois
  year, the year's counter moved past them), the demo's MCOs and categories, ~80 % resolved or closed, the rest
  across submitted / in review / waiting for the provider / sent to the MCO, ~5 % expedited, ~8 % possibly
  premature, due dates from the business-day clock (complaints/clock.py), forwarded_on and mco_answer_due for
  every complaint sent to the MCO (and most resolved ones), one affected claim line (9-digit RIN) each;
- their timeline (a "received" event each, a status change for every one past "submitted"), audit rows
  (submitted, viewed by staff) and outbox rows (acknowledgement, the status notice).

Independent of the test settings: only the database alias is needed. Not for SQLite (the embedded default keeps
`seed_demo`'s ORM seeding).
"""

import random
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.utils import timezone

BATCH_SIZE = 50_000
COMPLAINTS_PER_ORGANIZATION = 40
BILLING_AGENT_SHARE = 0.10
BILLING_AGENT_EMAIL = "billing-agent@claims-partners.bench.example"
STAFF_EMAILS = [f"analyst{number}@hfs.bench.example" for number in range(1, 5)]
# Bench organizations are recognised by their Medicaid provider id (and their NPIs start with 8).
ORGANIZATION_ID_PREFIX = "ILB"

FIRST_NAMES = ["Avery", "Jordan", "Riley", "Casey", "Morgan", "Quinn", "Rowan", "Sasha", "Taylor", "Drew", "Jamie"]
LAST_NAMES = ["Garcia", "Johnson", "Nguyen", "Williams", "Brown", "Lopez", "Patel", "Kim", "Davis", "Okafor", "Ali"]
PLACES = ["Prairie", "Lakeshore", "Riverside", "Heartland", "Northside", "Kankakee", "Fox Valley", "Little Egypt"]
KINDS = ["Family Health", "Medical Group", "Community Care", "Pediatrics", "Home Care", "Therapy Partners"]
COUNTIES = ["Cook", "Cook", "Cook", "Sangamon", "Champaign", "Peoria", "Lake", "Will", "DuPage", "Winnebago"]
SUBJECTS = [
    "Claims denied for missing authorization",
    "Claims paid at the wrong rate",
    "Authorization request not answered",
    "Member shown as not enrolled",
    "Credentialing application stalled",
    "Ride to dialysis did not arrive",
    "Claims denied as duplicates",
    "Recoupment without notice",
]
CLOSURE_REASONS = [
    "not_submitted_to_mco_first",
    "not_submitted_to_mco_first",
    "duplicate",
    "fee_for_service",
    "medicare_only",
    "incomplete",
    "withdrawn_by_provider",
    "outside_filing_window",
]
OUTCOME_CODES = ["paid", "paid", "paid", "partial", "upheld", "referred", "no_action"]

# Where each new complaint ends up: cumulative shares of the statuses (about 80 % settled).
STATUS_SHARES = [
    ("resolved", 0.55),
    ("closed", 0.80),
    ("submitted", 0.85),
    ("in_review", 0.92),
    ("awaiting_provider", 0.95),
    ("awaiting_mco", 1.0),
]

_BATCH_SQL = """
WITH base AS (
    SELECT g, random() AS r_status, random() AS r_age, random() AS r_minute, random() AS r_org, random() AS r_agent,
           random() AS r_expedited, random() AS r_window, random() AS r_filed, random() AS r_forward,
           random() AS r_forward_day, random() AS r_assignee, random() AS r_changed
    FROM generate_series(%(first)s, %(last)s) AS g
), with_status AS (
    SELECT base.*,
           CASE {status_case} END AS status,
           CASE WHEN r_agent < %(agent_share)s THEN -1
                ELSE least(%(organizations)s - 1, floor(r_org * r_org * %(organizations)s)::int) END AS org_idx
    FROM base
), dated AS (
    SELECT with_status.*,
           %(now)s::timestamptz - make_interval(
               days => CASE status
                   WHEN 'submitted' THEN floor(r_age * 25)::int
                   WHEN 'in_review' THEN 1 + floor(r_age * 60)::int
                   WHEN 'awaiting_provider' THEN 3 + floor(r_age * 60)::int
                   WHEN 'awaiting_mco' THEN 2 + floor(r_age * 45)::int
                   ELSE 5 + floor(r_age * 725)::int END,
               mins => floor(r_minute * 600)::int) AS submitted_at
    FROM with_status
), shaped AS (
    SELECT dated.*,
           (submitted_at AT TIME ZONE %(tz)s)::date AS day,
           r_expedited < 0.05 AS expedited,
           CASE WHEN r_window < 0.08 THEN 'early' WHEN r_window > 0.98 THEN 'late' ELSE 'ok' END AS filing_window,
           (status = 'awaiting_mco' OR (status = 'resolved' AND r_forward < 0.6)
            OR (status = 'closed' AND r_forward < 0.1)) AS forwarded
    FROM dated
), placed AS (
    SELECT shaped.*, o.org_id, o.user_id, o.grp, o.email, o.full_name, o.is_agent,
           extract(year FROM shaped.day)::int AS year,
           first_due.day AS first_response_due,
           presentation_due.day AS mco_presentation_due,
           CASE WHEN forwarded THEN least(%(today)s::date, shaped.day + 1 + floor(r_forward_day * 9)::int) END
               AS forwarded_on,
           CASE WHEN status = 'submitted' THEN submitted_at
                ELSE least(%(now)s::timestamptz, submitted_at + make_interval(days => 1 + floor(r_changed * 30)::int))
           END AS changed_at
    FROM shaped
    JOIN bench_seed_org o ON o.idx = shaped.org_idx
    JOIN bench_seed_calendar c ON c.day = shaped.day
    JOIN bench_seed_business_day first_due
        ON first_due.bidx = c.bidx + CASE WHEN shaped.expedited THEN %(first_response_expedited)s
                                          ELSE %(first_response)s END
    JOIN bench_seed_business_day presentation_due ON presentation_due.bidx = c.bidx + %(presentation)s
), numbered AS (
    SELECT placed.*, counter.base + row_number() OVER (PARTITION BY placed.year ORDER BY placed.g) AS number
    FROM placed JOIN unnest(%(years)s::int[], %(bases)s::int[]) AS counter(year, base) USING (year)
), inserted AS (
    INSERT INTO complaints_complaint (
        public_id, reference, idempotency_key, contact_email, representative_name, is_billing_agent, subject,
        description, mco_reference, mco_filed_on, mco_responded, mco_resolved_on, mco_resolution_summary,
        filing_window, concerns_members, access_to_care, access_to_care_explanation, expedited, status,
        closure_reason, outcome_code, outcome_text, submitted_at, updated_at, category_id, mco_id, organization_id,
        submitted_by_id, assignee_id, first_response_due, forwarded_on, mco_answer_due, mco_extension_granted,
        mco_presentation_due, held_notice, provider_group, presented_at, mco_round, mco_due_soon_notice_round,
        mco_overdue_notice_round
    )
    SELECT gen_random_uuid(),
           'MCO-' || year || '-' || lpad(number::text, greatest(6, length(number::text)), '0'),
           gen_random_uuid(), email, full_name, is_agent,
           (%(subjects)s::text[])[1 + floor(random() * cardinality(%(subjects)s::text[]))::int],
           'The MCO denied the claims listed below and did not resolve the issue through its own process.',
           'CR-' || lpad(floor(random() * 100000000)::bigint::text, 8, '0'),
           day - CASE filing_window WHEN 'early' THEN 5 + floor(r_filed * 24)::int
                                    WHEN 'late' THEN 61 + floor(r_filed * 30)::int
                                    ELSE 30 + floor(r_filed * 31)::int END,
           false, NULL, '', filing_window, true, expedited,
           CASE WHEN expedited THEN 'The member cannot get a needed service.' ELSE '' END,
           expedited, status,
           CASE WHEN status = 'closed'
                THEN (%(closure_reasons)s::text[])[1 + floor(random() * cardinality(%(closure_reasons)s::text[]))::int]
                ELSE '' END,
           CASE WHEN status = 'resolved'
                THEN (%(outcome_codes)s::text[])[1 + floor(random() * cardinality(%(outcome_codes)s::text[]))::int]
                ELSE '' END,
           CASE WHEN status = 'resolved' THEN 'The MCO reprocessed the claims.' ELSE '' END,
           submitted_at, changed_at,
           (%(categories)s::bigint[])[1 + floor(random() * cardinality(%(categories)s::bigint[]))::int],
           (%(mcos)s::bigint[])[1 + floor(random() * cardinality(%(mcos)s::bigint[]))::int],
           org_id, user_id,
           CASE WHEN status = 'submitted' OR r_assignee >= 0.9 THEN NULL
                ELSE (%(staff)s::bigint[])[1 + floor(r_assignee / 0.9 * cardinality(%(staff)s::bigint[]))::int] END,
           first_response_due, forwarded_on, forwarded_on + %(answer_days)s, false, mco_presentation_due, '', grp,
           forwarded_on::timestamptz, CASE WHEN forwarded_on IS NULL THEN 0 ELSE 1 END, 0, 0
    FROM numbered
    RETURNING id, status, submitted_by_id, assignee_id, contact_email, submitted_at, updated_at, mco_filed_on, mco_id
), events AS (
    INSERT INTO complaints_complaintevent (
        kind, from_status, to_status, note, shared_with_provider, created_at, actor_id, complaint_id, request_id
    )
    SELECT 'submitted', '', 'submitted', '', true, submitted_at, submitted_by_id, id, '' FROM inserted
    UNION ALL
    SELECT 'status_changed', CASE WHEN status = 'in_review' THEN 'submitted' ELSE 'in_review' END, status, '', true,
           updated_at, coalesce(assignee_id, %(first_staff)s), id, ''
    FROM inserted WHERE status <> 'submitted'
), claims AS (
    INSERT INTO complaints_affectedclaim (
        line_number, member_name, rin, service_from, service_to, claim_number, billed_amount, complaint_id
    )
    SELECT 1,
           (%(first_names)s::text[])[1 + floor(random() * cardinality(%(first_names)s::text[]))::int] || ' ' ||
           (%(last_names)s::text[])[1 + floor(random() * cardinality(%(last_names)s::text[]))::int],
           lpad(floor(random() * 1000000000)::bigint::text, 9, '0'),
           mco_filed_on - (5 + floor(random() * 50)::int), NULL,
           'CLM-' || lpad(floor(random() * 10000000)::bigint::text, 7, '0'),
           round((random() * 5000)::numeric, 2), id
    FROM inserted
), audit AS (
    INSERT INTO accounts_auditevent (action, object_type, object_id, ip_address, request_id, created_at, actor_id)
    SELECT 'complaint.submitted', 'complaints.complaint', id::text,
           ('192.0.2.' || (1 + floor(random() * 250))::int)::inet, md5(random()::text), submitted_at, submitted_by_id
    FROM inserted
    UNION ALL
    SELECT 'complaint.viewed', 'complaints.complaint', id::text,
           ('198.51.100.' || (1 + floor(random() * 250))::int)::inet, md5(random()::text), updated_at,
           coalesce(assignee_id, %(first_staff)s)
    FROM inserted WHERE status <> 'submitted'
), outbox AS (
    INSERT INTO portal_outboundemail (kind, object_id, to_email, status, attempts, last_error, created_at, sent_at)
    SELECT 'complaints.acknowledgement', id::text, contact_email, 'sent', 1, '', submitted_at,
           submitted_at + interval '4 seconds'
    FROM inserted
    UNION ALL
    SELECT CASE status WHEN 'resolved' THEN 'complaints.resolved' WHEN 'closed' THEN 'complaints.closed'
                       ELSE 'complaints.info_requested' END,
           id::text, contact_email, 'sent', 1, '', updated_at, updated_at + interval '4 seconds'
    FROM inserted WHERE status IN ('resolved', 'closed', 'awaiting_provider')
)
SELECT extract(year FROM (submitted_at AT TIME ZONE %(tz)s))::int AS year, count(*),
       count(*) FILTER (WHERE status <> 'submitted'),
       count(*) FILTER (WHERE status IN ('resolved', 'closed', 'awaiting_provider'))
FROM inserted GROUP BY 1
"""


def _status_case() -> str:
    return " ".join(f"WHEN r_status < {share} THEN '{status}'" for status, share in STATUS_SHARES[:-1]) + (
        f" ELSE '{STATUS_SHARES[-1][0]}'"
    )


def seed_complaints(n: int, *, using: str = "default", batch_size: int = BATCH_SIZE, analyze: bool = True) -> dict:
    """Add ``n`` realistic complaints (and their organizations, events, claims, audit and outbox rows).

    Returns what was made: counts, the billing agent's and the staff's emails, and the seconds it took.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured("bench.seed writes with PostgreSQL's generate_series; use seed_demo on SQLite.")
    if n <= 0:
        return {"complaints": 0, "seconds": 0.0}
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate(now)
    organizations_wanted = max(1, n // COMPLAINTS_PER_ORGANIZATION)
    with transaction.atomic(using=using):
        mcos, categories, provider_types = _reference_data(using)
        staff = _staff(using)
        _organizations_add(using, count=organizations_wanted, provider_types=provider_types, now=now)
        agent = _billing_agent(using)
        with connection.cursor() as cursor:
            organizations = _temp_tables(cursor, agent=agent, today=today)
    totals = {"events": 0, "claims": 0, "audit_events": 0, "outbound_emails": 0}
    first_year = (today - timedelta(days=740)).year
    years = list(range(first_year, today.year + 1))
    for first in range(0, n, batch_size):
        last = min(n, first + batch_size) - 1
        offset = _complaint_count(using)
        with transaction.atomic(using=using), connection.cursor() as cursor:
            bases = _lock_counters(cursor, years)
            cursor.execute(
                _BATCH_SQL.format(status_case=_status_case()),
                {
                    "first": offset + first,
                    "last": offset + last,
                    "agent_share": BILLING_AGENT_SHARE,
                    "organizations": organizations,
                    "now": now,
                    "today": today,
                    "tz": settings.TIME_ZONE,
                    "first_response": settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS,
                    "first_response_expedited": settings.PORTAL_FIRST_RESPONSE_BUSINESS_DAYS_EXPEDITED,
                    "presentation": settings.PORTAL_MCO_PRESENTATION_BUSINESS_DAYS,
                    "answer_days": settings.PORTAL_MCO_ANSWER_DAYS,
                    "years": years,
                    "bases": [bases[year] for year in years],
                    "subjects": SUBJECTS,
                    "closure_reasons": CLOSURE_REASONS,
                    "outcome_codes": OUTCOME_CODES,
                    "categories": categories,
                    "mcos": mcos,
                    "staff": staff,
                    "first_staff": staff[0],
                    "first_names": FIRST_NAMES,
                    "last_names": LAST_NAMES,
                },
            )
            for year, count, changed, notices in cursor.fetchall():
                cursor.execute(
                    "UPDATE complaints_referencecounter SET last_number = last_number + %s WHERE year = %s",
                    [count, year],
                )
                totals["events"] += count + changed
                totals["claims"] += count
                totals["audit_events"] += count + changed
                totals["outbound_emails"] += count + notices
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_seed_org, bench_seed_calendar, bench_seed_business_day")
        if analyze:
            cursor.execute(
                "ANALYZE complaints_complaint, complaints_complaintevent, complaints_affectedclaim, "
                "accounts_auditevent, portal_outboundemail, accounts_providerorganization, accounts_user, "
                "accounts_representative"
            )
    return {
        "complaints": n,
        "organizations": organizations_wanted,
        **totals,
        "billing_agent": BILLING_AGENT_EMAIL,
        "staff": STAFF_EMAILS,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _complaint_count(using: str) -> int:
    """Where this batch's series starts (it only orders the rows numbered within a year; ids come from the table)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM complaints_complaint")
        return int(cursor.fetchone()[0])


def _reference_data(using: str) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """The MCOs (weighted: the big plans get most complaints), active categories and active provider types with a
    weight each (a few types file most, some rarely). Minimal ones are created if a table is empty."""
    from accounts.models import MCO, ProviderType
    from complaints.models import Category

    if not MCO.objects.using(using).exists():
        MCO.objects.using(using).bulk_create(
            MCO(name=f"{name} Health Plan", short_name=name) for name in ["Aetna", "Meridian", "Molina", "CountyCare"]
        )
    if not Category.objects.using(using).active().exists():
        Category.objects.using(using).bulk_create(
            Category(code=code, name=code.replace("-", " ").capitalize(), sort_order=number)
            for number, code in enumerate(["claim-denial", "claim-payment", "prior-authorization", "other"])
        )
    if not ProviderType.objects.using(using).active().exists():
        ProviderType.objects.using(using).bulk_create(
            ProviderType(code=code, name=code.capitalize(), reporting_group=group)
            for code, group in [("physician", "physician_apn"), ("hospital", "hospital"), ("pharmacy", "pharmacy")]
        )
    mco_ids = list(MCO.objects.using(using).order_by("pk").values_list("pk", flat=True))
    weighted_mcos = [
        pk
        for pk, weight in zip(mco_ids, [30, 25, 20, 15, 10] + [5] * len(mco_ids), strict=False)
        for _ in range(weight)
    ]
    categories = list(Category.objects.using(using).active().order_by("pk").values_list("pk", flat=True))
    rng = random.Random(7)  # noqa: S311 - repeatable bench data, not security  # nosec B311
    types = list(ProviderType.objects.using(using).active().order_by("code").values_list("pk", flat=True))
    return weighted_mcos, categories, [(pk, rng.choice([1, 2, 8, 20, 40])) for pk in types]


def _staff(using: str) -> list[int]:
    """The bench's triage analysts (created once), as assignee ids."""
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import User

    group = Group.objects.using(using).filter(name=roles.TRIAGE_ANALYST).first()
    ids = []
    for number, email in enumerate(STAFF_EMAILS):
        user = User.objects.using(using).filter(email=email).first()
        if user is None:
            user = User.objects.db_manager(using).create_user(
                email=email,
                password=None,
                full_name=f"{FIRST_NAMES[number]} {LAST_NAMES[-1 - number]}",
                is_staff=True,
                email_verified_at=timezone.now(),
            )
            if group is not None:
                user.groups.add(group)
        ids.append(user.pk)
    return ids


def _organizations_add(using: str, *, count: int, provider_types: list[tuple[int, int]], now) -> None:  # type: ignore[no-untyped-def]
    """``count`` more approved organizations, each with one representative (its administrator), in one statement."""
    from accounts.validators import npi_with_check_digit

    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM accounts_providerorganization WHERE medicaid_provider_id LIKE %s",
            [ORGANIZATION_ID_PREFIX + "%"],
        )
        start = int(cursor.fetchone()[0])
        numbers = range(start, start + count)
        rng = random.Random(start)  # noqa: S311 - repeatable bench data, not security  # nosec B311
        type_ids = [pk for pk, _ in provider_types]
        weights = [weight for _, weight in provider_types]
        people = [(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for _ in numbers]
        cursor.execute(
            """
            WITH source AS (
                SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[],
                                     %s::text[]) AS s(legal_name, npi, provider_id, provider_type_id, county, email,
                                                      full_name)
            ), organizations AS (
                INSERT INTO accounts_providerorganization (
                    legal_name, npi, medicaid_provider_id, county, status, status_reason, created_at,
                    status_changed_at, provider_type_id
                )
                SELECT legal_name, npi, provider_id, county, 'approved', '', %s, %s, provider_type_id FROM source
                RETURNING id, medicaid_provider_id
            ), users AS (
                INSERT INTO accounts_user (
                    password, is_superuser, email, full_name, phone, is_active, is_staff, date_joined,
                    email_verified_at, session_generation
                )
                SELECT '!' || md5(random()::text), false, email, full_name, '', true, false, %s, %s, 0 FROM source
                RETURNING id, email
            )
            INSERT INTO accounts_representative (
                public_id, is_org_admin, is_billing_agent, designated_at, organization_id, user_id
            )
            SELECT gen_random_uuid(), true, false, %s, organizations.id, users.id
            FROM source
            JOIN organizations ON organizations.medicaid_provider_id = source.provider_id
            JOIN users ON users.email = source.email
            """,
            [
                [f"{rng.choice(PLACES)} {rng.choice(KINDS)} {number}" for number in numbers],
                [npi_with_check_digit(f"8{number:08d}") for number in numbers],
                [f"{ORGANIZATION_ID_PREFIX}{number:07d}" for number in numbers],
                rng.choices(type_ids, weights=weights, k=count),
                [rng.choice(COUNTIES) for _ in numbers],
                [f"rep{number}@org{number}.bench.example" for number in numbers],
                [f"{first} {last}" for first, last in people],
                *([now] * 5),
            ],
        )


def _billing_agent(using: str):  # type: ignore[no-untyped-def]
    """The billing agent representative (created once) of the first bench organization."""
    from accounts.models import ProviderOrganization, Representative, TermsAcceptance, User

    agent = User.objects.using(using).filter(email=BILLING_AGENT_EMAIL).first()
    if agent is None:
        agent = User.objects.db_manager(using).create_user(
            email=BILLING_AGENT_EMAIL,
            password=None,
            full_name="Robin Claims-Partners",
            email_verified_at=timezone.now(),
        )
        organization = (
            ProviderOrganization.objects.using(using)
            .filter(medicaid_provider_id__startswith=ORGANIZATION_ID_PREFIX)
            .order_by("pk")
            .first()
        )
        Representative.objects.using(using).create(organization=organization, user=agent, is_billing_agent=True)
        TermsAcceptance.objects.using(using).create(user=agent, version=settings.PORTAL_TERMS_VERSION)
    return Representative.objects.using(using).active().select_related("user").get(user=agent)


def _temp_tables(cursor, *, agent, today: date) -> int:  # type: ignore[no-untyped-def]
    """Session tables the batches join: the filers by index (-1 is the billing agent) and the business-day clock.
    Returns how many organizations (besides the agent) complaints are spread over."""
    from complaints import clock

    cursor.execute("DROP TABLE IF EXISTS bench_seed_org, bench_seed_calendar, bench_seed_business_day")
    cursor.execute(
        """
        CREATE TEMP TABLE bench_seed_org AS
        SELECT (row_number() OVER (ORDER BY o.id) - 1)::int AS idx, o.id AS org_id, u.id AS user_id,
               t.reporting_group AS grp, u.email, u.full_name, false AS is_agent
        FROM accounts_providerorganization o
        JOIN complaints_providertype t ON t.id = o.provider_type_id
        JOIN accounts_representative r ON r.organization_id = o.id AND r.revoked_at IS NULL AND r.is_org_admin
        JOIN accounts_user u ON u.id = r.user_id
        WHERE o.medicaid_provider_id LIKE %s
        """,
        [ORGANIZATION_ID_PREFIX + "%"],
    )
    cursor.execute("SELECT count(*) FROM bench_seed_org")
    organizations = int(cursor.fetchone()[0])
    cursor.execute(
        """
        INSERT INTO bench_seed_org
        SELECT -1, o.id, %s, t.reporting_group, %s, %s, true
        FROM accounts_providerorganization o JOIN complaints_providertype t ON t.id = o.provider_type_id
        WHERE o.id = %s
        """,
        [agent.user_id, agent.user.email, agent.user.full_name, agent.organization_id],
    )
    cursor.execute("ALTER TABLE bench_seed_org ADD PRIMARY KEY (idx)")
    # Running count of business days up to each day; add_business_days(d, k) is the business day numbered
    # count(d) + k (the start day itself does not count), as complaints/clock.py computes it.
    first, last = today - timedelta(days=760), today + timedelta(days=200)
    days, indexes, business = [], [], []
    running, day = 0, first
    while day <= last:
        if clock.is_business_day(day):
            running += 1
            business.append(day)
        days.append(day)
        indexes.append(running)
        day += timedelta(days=1)
    cursor.execute(
        "CREATE TEMP TABLE bench_seed_calendar AS SELECT * FROM unnest(%s::date[], %s::int[]) AS c(day, bidx)",
        [days, indexes],
    )
    cursor.execute("ALTER TABLE bench_seed_calendar ADD PRIMARY KEY (day)")
    cursor.execute(
        "CREATE TEMP TABLE bench_seed_business_day AS SELECT * FROM unnest(%s::int[], %s::date[]) AS b(bidx, day)",
        [list(range(1, len(business) + 1)), business],
    )
    cursor.execute("ALTER TABLE bench_seed_business_day ADD PRIMARY KEY (bidx)")
    cursor.execute("ANALYZE bench_seed_org, bench_seed_calendar, bench_seed_business_day")
    return organizations


def _lock_counters(cursor, years: list[int]) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """Each year's reference counter, locked for the batch (the app takes the same lock for each filing)."""
    cursor.execute(
        "INSERT INTO complaints_referencecounter (year, last_number) SELECT unnest(%s::int[]), 0 "
        "ON CONFLICT (year) DO NOTHING",
        [years],
    )
    cursor.execute("SELECT year, last_number FROM complaints_referencecounter WHERE year = ANY(%s) FOR UPDATE", [years])
    return dict(cursor.fetchall())
