"""Demo complaints for seed_demo: about 40, across MCOs, topics, statuses, expedited or not.

Filed and moved through the workflow by the real services, so they look exactly like real ones.
"""

import random
import uuid
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import MCO, ProviderOrganization, ProviderType, User
from accounts.services import organizations, representatives, users
from accounts.validators import npi_with_check_digit
from complaints import clock, services
from complaints.models import AffectedClaim, Category, Complaint, ComplaintEvent, ReferenceCounter
from complaints.rules import ClaimLine
from complaints.services.systemic import last_whole_week

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
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not security  # nosec B311
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
            complaint = _move(complaint, to_status=status, staff=staff)
    return COUNT


def _move(complaint: Complaint, *, to_status: str, staff: User) -> Complaint:
    """One step of a demo path, through the staff verb a triage analyst would use for it."""
    status = Complaint.Status
    if to_status == status.IN_REVIEW and complaint.status == status.SUBMITTED:
        return services.complaint_take(complaint=complaint, actor=staff)
    if to_status == status.IN_REVIEW:  # back from the MCO
        return services.complaint_record_mco_answer(
            complaint=complaint, actor=staff, note="The MCO reprocessed the claims.", outcome="pay"
        )
    if to_status == status.AWAITING_PROVIDER:
        return services.complaint_request_info(complaint=complaint, actor=staff, question=QUESTION)
    if to_status == status.AWAITING_MCO:
        return services.complaint_forward_to_mco(complaint=complaint, actor=staff)
    if to_status == status.RESOLVED:
        return services.complaint_resolve(
            complaint=complaint,
            actor=staff,
            outcome_code=Complaint.OutcomeCode.PAID,
            outcome_text="The MCO reprocessed and paid the claims.",
        )
    return services.complaint_close(
        complaint=complaint, actor=staff, reason=Complaint.ClosureReason.NOT_SUBMITTED_TO_MCO_FIRST
    )


# The MCO's part (DESIGN §11): for each demo MCO, one complaint in each state its liaison can meet.
MCO_STATES = [
    "not presented yet",
    "presented",
    "due in 3 days",
    "overdue",
    "draft proposal",
    "progress update",
    "extension asked",
    "extension granted",
    "extension refused",
    "proposal sent",
    "disputed, back for round 2",
    "accepted and resolved",
    "misdirected",
    "closed: filed against the wrong MCO",
]
# The smallest PDF the portal accepts (header and end-of-file marker): the demo's "remittance advice".
DEMO_PDF = b"%PDF-1.4\n% Demo remittance advice\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PROPOSAL_TEXT = "We reviewed the claims and will reprocess them within 15 days; the remittance will follow."


def seed_mco(*, filer: User, staff: User, liaisons: dict[str, User]) -> int:
    """File, for each demo MCO, one complaint per state of the MCO's part, moved there by the real services (the
    liaison drafts, updates, asks and answers; staff forward, decide and resolve; the filer replies). Returns how
    many were filed; none when they exist already."""
    if Complaint.objects.filter(mco_reference__startswith="MCODEMO-").exists():
        return 0
    today = timezone.localdate()
    category = Category.objects.active().first()
    filed = 0
    for short_name, liaison in liaisons.items():
        mco = MCO.objects.get(short_name=short_name)
        for number, state in enumerate(MCO_STATES):
            draft = services.ComplaintDraft(
                mco=mco,
                category=category,
                subject=f"Claims denied for missing authorization ({state})",
                description="Demo complaint. The MCO denied the claims and did not resolve it through its own process.",
                mco_reference=f"MCODEMO-{short_name[:3].upper()}-{number:02d}",
                mco_filed_on=today - timedelta(days=35),
                concerns_members=True,
                lines=[
                    ClaimLine(
                        member_name="Avery Demo",
                        rin=f"{100000000 + number:09d}",
                        service_from=today - timedelta(days=60),
                        claim_number=f"CLM-{number:06d}",
                    )
                ],
            )
            # Each has the provider's file for the liaison to download (without a scanner configured, as under
            # `make run` by default, it waits for the virus scan and cannot be downloaded).
            key = uuid.uuid4()
            services.attachment_add_draft(
                user=filer,
                draft_key=key,
                upload=SimpleUploadedFile("remittance-advice.pdf", DEMO_PDF, content_type="application/pdf"),
            )
            complaint = services.complaint_submit(user=filer, draft=draft, idempotency_key=key)
            _mco_state(complaint, state=state, filer=filer, staff=staff, liaison=liaison, today=today)
            filed += 1
    return filed


def _mco_state(complaint: Complaint, *, state: str, filer: User, staff: User, liaison: User, today: date) -> None:
    complaint = services.complaint_take(complaint=complaint, actor=staff)
    if state == "not presented yet":
        return
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=staff)
    if state in ("due in 3 days", "overdue"):
        # Demo only: age the presentation so the queue shows a complaint due soon and one overdue.
        due = today + timedelta(days=3 if state == "due in 3 days" else -2)
        Complaint.objects.filter(pk=complaint.pk).update(forwarded_on=due - timedelta(days=30), mco_answer_due=due)
    elif state == "draft proposal":
        services.proposal_save_draft(complaint=complaint, actor=liaison, outcome="pay", text=PROPOSAL_TEXT)
    elif state == "progress update":
        services.interim_post(
            complaint=complaint, actor=liaison, text="We asked our claims team to review the denials this week."
        )
    elif state.startswith("extension"):
        services.extension_request(
            complaint=complaint, actor=liaison, reason="We need the medical records from the provider's billing office."
        )
        if state != "extension asked":
            granted = state == "extension granted"
            note = "Granted once." if granted else "The records are attached to the complaint already."
            services.extension_decide(complaint=complaint, actor=staff, grant=granted, note=note)
    elif state != "presented":
        outcome = "misdirected" if "misdirected" in state or "wrong MCO" in state else "pay"
        outcome = "upheld" if state == "disputed, back for round 2" else outcome
        text = "This member is enrolled with another MCO." if outcome == "misdirected" else PROPOSAL_TEXT
        services.proposal_save_draft(complaint=complaint, actor=liaison, outcome=outcome, text=text)
        complaint = services.proposal_submit(complaint=complaint, actor=liaison).complaint
        if state == "disputed, back for round 2":
            services.proposal_reply(
                complaint=complaint, actor=filer, accept=False, reason="The authorization was on file before the visit."
            )
            services.complaint_forward_to_mco(
                complaint=complaint, actor=staff, note="The provider disputes the proposal: please look again."
            )
        elif state == "closed: filed against the wrong MCO":
            services.complaint_close(complaint=complaint, actor=staff, reason=Complaint.ClosureReason.WRONG_MCO)
        elif state == "accepted and resolved":
            services.proposal_reply(complaint=complaint, actor=filer, accept=True)
            services.complaint_resolve(
                complaint=complaint,
                actor=staff,
                outcome_code=Complaint.OutcomeCode.PAID,
                outcome_text="The MCO reprocessed and paid the claims.",
            )


BULK_COUNT = 3000


def _bulk_complaint(reference: str, organization: ProviderOrganization, filer: User, **fields: object) -> Complaint:
    """A demo complaint made in bulk (thousands at once, so not through the intake service), filed by ``filer`` for
    ``organization``; not saved."""
    return Complaint(
        reference=reference,
        idempotency_key=uuid.uuid4(),
        organization=organization,
        provider_group=organization.provider_type.reporting_group,
        submitted_by=filer,
        contact_email=filer.email,
        representative_name=filer.full_name,
        **fields,
    )


def seed_bulk(*, staff: User, count: int = BULK_COUNT) -> int:
    """About 3,000 complaints over the last year from demo organizations of every provider type, so the public
    statistics show real numbers as well as suppressed ones. Written in bulk (demo data only)."""
    if Complaint.objects.filter(mco_reference__startswith="BULK-").exists():
        return 0
    rng = random.Random(7)  # noqa: S311 - repeatable demo data, not security  # nosec B311
    filers = []
    for number, provider_type in enumerate(ProviderType.objects.active().order_by("code")):
        npi = npi_with_check_digit(f"7{number:08d}")
        organization = ProviderOrganization.objects.filter(npi=npi).first()
        if organization is None:
            organization = organizations.organization_create(
                legal_name=f"Demo {provider_type.name}",
                npi=npi,
                medicaid_provider_id=f"IL9{number:06d}",
                provider_type=provider_type,
                county=rng.choice(["Cook", "Sangamon", "Champaign", "Peoria", "Lake", "Will"]),
            )
            organizations.organization_approve(organization=organization, actor=staff)
            filer = users.user_create(
                email=f"filer{number}@demo-{provider_type.code}.demo.example",
                full_name=f"Demo Filer {number}",
                password=None,
                email_verified=True,
            )
            representatives.representative_designate(organization=organization, user=filer)
        filers.append((organization, organization.representatives.first().user))
    # Provider types are not equally common: a few groups file most complaints, some rarely (suppressed cells).
    weights = [rng.choice([1, 2, 8, 20, 40]) for _ in filers]
    mcos, categories = list(MCO.objects.all()), list(Category.objects.active())
    now = timezone.now()
    counter, _ = ReferenceCounter.objects.get_or_create(year=now.year)
    first_number = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    complaints = []
    for offset in range(count):
        organization, filer = rng.choices(filers, weights=weights)[0]
        submitted = now - timedelta(days=rng.randrange(1, 365), minutes=rng.randrange(600))
        day = timezone.localtime(submitted).date()
        expedited = rng.random() < 0.12
        complaints.append(
            _bulk_complaint(
                f"MCO-{now.year}-{first_number + offset:06d}",
                organization,
                filer,
                mco=rng.choices(mcos, weights=[30, 25, 20, 15, 10])[0],
                category=rng.choice(categories),
                subject="Demo complaint",
                description="Demo complaint for the public statistics.",
                mco_reference=f"BULK-{offset:05d}",
                mco_filed_on=day - timedelta(days=rng.choice([15, 35, 45, 55, 70])),
                concerns_members=False,
                access_to_care=expedited,
                access_to_care_explanation="Demo: access to care." if expedited else "",
                expedited=expedited,
                first_response_due=clock.add_business_days(day, 2 if expedited else 15),
                mco_presentation_due=clock.add_business_days(day, 10),
                status=rng.choices(["resolved", "closed", "in_review", "awaiting_mco"], weights=[55, 20, 15, 10])[0],
                submitted_at=submitted,
                updated_at=submitted,
            )
        )
    for complaint in complaints:
        if complaint.status == "closed":
            complaint.closure_reason = rng.choice(["not_submitted_to_mco_first", "duplicate", "fee_for_service"])
        if complaint.status == "resolved":
            complaint.outcome_code, complaint.outcome_text = "paid", "Demo outcome."
    Complaint.objects.bulk_create(complaints, batch_size=500)
    events = []

    def event(complaint: Complaint, actor: User, kind: str, from_status: str, to_status: str, at) -> None:  # type: ignore[no-untyped-def]
        events.append(
            ComplaintEvent(
                complaint=complaint,
                actor=actor,
                kind=kind,
                from_status=from_status,
                to_status=to_status,
                shared_with_provider=True,
                created_at=at,
            )
        )

    forwarded = []
    for complaint in complaints:
        # Never in the future: a complaint filed last week cannot have been answered next month.
        triaged = min(now, complaint.submitted_at + timedelta(days=rng.choice([1, 2, 5, 12, 20])))
        event(complaint, complaint.submitted_by, "submitted", "", "submitted", complaint.submitted_at)
        event(complaint, staff, "status_changed", "submitted", "in_review", triaged)
        last = triaged
        if complaint.status == "awaiting_mco" or (complaint.status == "resolved" and rng.random() < 0.6):
            # Presented to the MCO; most answer within the 30 days, some late, some still out.
            sent = min(now, triaged + timedelta(days=rng.randrange(1, 10)))
            event(complaint, staff, "status_changed", "in_review", "awaiting_mco", sent)
            complaint.forwarded_on = timezone.localtime(sent).date()
            complaint.mco_answer_due = complaint.forwarded_on + timedelta(days=30)
            forwarded.append(complaint)
            last = sent
            if complaint.status == "resolved":
                answered = min(now, sent + timedelta(days=rng.choice([5, 12, 20, 28, 34, 45])))
                event(complaint, staff, "status_changed", "awaiting_mco", "in_review", answered)
                last = answered
        if complaint.status == "resolved":
            resolved_at = min(now, last + timedelta(days=rng.randrange(1, 30)))
            event(complaint, staff, "status_changed", "in_review", "resolved", resolved_at)
        if complaint.status == "closed":
            closed_at = min(now, last + timedelta(days=rng.randrange(0, 5)))
            event(complaint, staff, "status_changed", "in_review", "closed", closed_at)
    # Not presented in the portal (no presented_at): these stand for the statistics' history, so the demo MCOs'
    # queues show only the MCODEMO complaints their liaisons can act on.
    Complaint.objects.bulk_update(forwarded, ["forwarded_on", "mco_answer_due"], batch_size=500)
    ComplaintEvent.objects.bulk_create(events, batch_size=1000)
    return count


SPIKE_MCO = "Meridian"
SPIKE_COMPLAINTS = 3  # from each organization


def seed_spike(*, staff: User, representative: User) -> int:
    """One clear systemic pattern for the signals (DESIGN §12): in the last whole week, many organizations — the
    demo representative's among them — filed complaints about one topic against one MCO, far more than its usual
    week, about claims for the same few days of service (both rules find it). In review, so staff can group them,
    present them to the MCO and resolve them. Written in bulk (demo data only), dated in that week."""
    if Complaint.objects.filter(mco_reference__startswith="SPIKE-").exists():
        return 0
    rng = random.Random(12)  # noqa: S311 - repeatable demo data, not security  # nosec B311
    mco = MCO.objects.get(short_name=SPIKE_MCO)
    category = Category.objects.active().order_by("sort_order", "name").first()
    own = (
        representative.designations.filter(revoked_at__isnull=True).select_related("organization").first().organization
    )
    others = [
        (organization, organization.representatives.first().user)
        for organization in ProviderOrganization.objects.filter(npi__startswith="7").order_by("npi")[:8]
    ]
    filers = [(own, representative), *others]
    monday = last_whole_week()
    now = timezone.now()
    counter, _ = ReferenceCounter.objects.get_or_create(year=now.year)
    first_number = counter.last_number + 1
    counter.last_number += len(filers) * SPIKE_COMPLAINTS
    counter.save(update_fields=["last_number"])
    complaints, events = [], []
    for offset in range(len(filers) * SPIKE_COMPLAINTS):
        organization, filer = filers[offset % len(filers)]
        day = monday + timedelta(days=offset % 5)
        submitted = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(
            hours=8 + rng.randrange(9), minutes=rng.randrange(60)
        )
        complaints.append(
            _bulk_complaint(
                f"MCO-{now.year}-{first_number + offset:06d}",
                organization,
                filer,
                mco=mco,
                category=category,
                subject="Claims denied since the MCO's new edit",
                description="Demo complaint: claims denied after the MCO changed a claims edit.",
                mco_reference=f"SPIKE-{offset:03d}",
                mco_filed_on=day - timedelta(days=31),
                concerns_members=True,
                first_response_due=clock.add_business_days(day, 15),
                mco_presentation_due=clock.add_business_days(day, 10),
                status="in_review",
                submitted_at=submitted,
                updated_at=submitted + timedelta(hours=2),
            )
        )
    Complaint.objects.bulk_create(complaints)
    # The denied claims are for the same few days of service (the week the MCO's new edit started).
    AffectedClaim.objects.bulk_create(
        AffectedClaim(
            complaint=complaint,
            line_number=1,
            member_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            rin=f"{rng.randrange(10**8, 10**9):09d}",
            service_from=monday - timedelta(days=45 - offset % 5),
            service_to=monday - timedelta(days=39 - offset % 5),
            claim_number=f"CLM-{rng.randrange(10**6):06d}",
        )
        for offset, complaint in enumerate(complaints)
    )
    for complaint in complaints:
        for from_status, to_status, at, actor in (
            ("", "submitted", complaint.submitted_at, complaint.submitted_by),
            ("submitted", "in_review", complaint.updated_at, staff),
        ):
            events.append(
                ComplaintEvent(
                    complaint=complaint,
                    actor=actor,
                    kind="submitted" if not from_status else "status_changed",
                    from_status=from_status,
                    to_status=to_status,
                    shared_with_provider=True,
                    created_at=at,
                )
            )
    ComplaintEvent.objects.bulk_create(events)
    return len(complaints)
