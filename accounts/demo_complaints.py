"""Demo complaints for seed_demo: about 40, across MCOs, topics, statuses, expedited or not.

Filed and moved through the workflow by the real services, so they look exactly like real ones.
"""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from complaints import services
from complaints.models import MCO, Category, Complaint
from complaints.rules import ClaimLine

COUNT = 40
QUESTION = "Please send the remittance advice for these claims."
FIRST_NAMES = ["Avery", "Jordan", "Riley", "Casey", "Morgan", "Quinn", "Rowan", "Sasha", "Taylor", "Drew"]
LAST_NAMES = ["Garcia", "Johnson", "Nguyen", "Williams", "Brown", "Lopez", "Patel", "Kim", "Davis", "Okafor"]
SUBJECTS = [
    "Claims denied for missing authorization",
    "Claims paid at the wrong rate",
    "Authorization request not answered",
    "Member shown as not enrolled",
    "Credentialing application stalled",
    "Ride to dialysis did not arrive",
]
# Where each demo complaint ends up: a path through the workflow table.
PATHS = [
    [],
    ["in_review"],
    ["in_review", "awaiting_provider"],
    ["in_review", "awaiting_mco"],
    ["in_review", "awaiting_mco", "in_review", "resolved"],
    ["closed"],
]


def seed(*, filers: list[User], staff: User) -> int:
    """File the demo complaints unless the demo filers already have some. Returns how many were filed."""
    if Complaint.objects.filter(submitted_by__in=filers).exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not security
    mcos, categories = list(MCO.objects.all()), list(Category.objects.active())
    today = timezone.localdate()
    for number in range(COUNT):
        filed_days_ago = rng.choice([12, 35, 41, 48, 55, 70])
        lines = [
            ClaimLine(
                member_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                rin=f"{rng.randrange(10**8, 10**9):09d}",
                service_from=today - timedelta(days=filed_days_ago + rng.randrange(5, 60)),
                claim_number=f"CLM-{rng.randrange(10**6):06d}",
            )
            for _ in range(rng.choice([1, 1, 2, 3]))
        ]
        access = rng.random() < 0.2
        draft = services.ComplaintDraft(
            mco=rng.choice(mcos),
            category=rng.choice(categories),
            subject=rng.choice(SUBJECTS),
            description="Demo complaint. The MCO did not resolve the issue through its own process.",
            mco_reference=f"DEMO-{rng.randrange(10**5):05d}",
            mco_filed_on=today - timedelta(days=filed_days_ago),
            concerns_members=True,
            access_to_care=access,
            access_to_care_explanation="The member cannot get a needed service." if access else "",
            lines=lines,
        )
        complaint = services.complaint_submit(
            user=filers[number % len(filers)], draft=draft, idempotency_key=uuid.uuid4()
        )
        # Each filer gets every path (filers alternate, so step through the paths every second complaint).
        for status in PATHS[(number // len(filers)) % len(PATHS)]:
            if status == Complaint.Status.RESOLVED:
                complaint = services.complaint_resolve(
                    complaint=complaint,
                    actor=staff,
                    outcome_code="paid",
                    outcome_text="The MCO reprocessed and paid the claims.",
                )
                continue
            complaint = services.complaint_transition(
                complaint=complaint,
                actor=staff,
                to_status=status,
                closure_reason=Complaint.ClosureReason.NOT_SUBMITTED_TO_MCO_FIRST if status == "closed" else "",
                note=QUESTION if status == Complaint.Status.AWAITING_PROVIDER else "",
            )
    return COUNT
