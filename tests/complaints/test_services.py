"""complaint_submit and friends: one transaction, one event, one email to the submitter only."""

import threading
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from complaints import services, workflow
from complaints.models import AffectedClaim, Complaint, ComplaintEvent
from complaints.rules import ClaimLine
from portal.models import OutboundEmail
from tests.complaints.factories import asked, days_ago, draft, submit, triage_analyst
from tests.factories import RepresentativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():  # type: ignore[no-untyped-def]
    return RepresentativeFactory(is_billing_agent=True).user


def test_submit_writes_the_complaint_lines_event_and_acknowledgement(rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(rep)
    assert complaint.reference.startswith(f"MCO-{complaint.submitted_at.year}-")
    assert complaint.contact_email == rep.email and complaint.representative_name == rep.full_name
    assert complaint.is_billing_agent and complaint.status == Complaint.Status.SUBMITTED
    assert list(complaint.claims.values_list("line_number", "rin")) == [(1, "123456789")]
    event = ComplaintEvent.objects.get(complaint=complaint)
    assert event.kind == ComplaintEvent.Kind.SUBMITTED and event.actor == rep and event.shared_with_provider
    assert [m.to for m in mail.outbox] == [[rep.email]]


def test_the_acknowledgement_carries_no_phi(rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(rep, description="Member Pat Example, RIN 123456789, was refused a wheelchair.")
    message = mail.outbox[0]
    text = message.subject + message.body + message.alternatives[0][0]
    assert complaint.reference in text and "Molina" in text
    for phi in ("Pat Example", "123456789", "wheelchair", "Inpatient claims denied", "MOL-555-0101"):
        assert phi not in text


def test_references_are_sequential_and_unique(rep):
    first, second = submit(rep), submit(rep)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_the_same_idempotency_key_makes_one_complaint(rep, django_capture_on_commit_callbacks):
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.complaint_submit(user=rep, draft=draft(), idempotency_key=key)
        second = services.complaint_submit(user=rep, draft=draft(), idempotency_key=key)
    assert first.pk == second.pk
    assert Complaint.objects.count() == 1 and len(mail.outbox) == 1


def test_someone_else_cannot_reuse_a_key(rep):
    key = uuid.uuid4()
    services.complaint_submit(user=rep, draft=draft(), idempotency_key=key)
    with pytest.raises(PermissionDenied):
        services.complaint_submit(user=RepresentativeFactory().user, draft=draft(), idempotency_key=key)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_submits_with_one_key_make_one_complaint_and_one_email(django_capture_on_commit_callbacks):

    rep = RepresentativeFactory().user
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(services.complaint_submit(user=rep, draft=draft(), idempotency_key=key).pk)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(set(results)) == 1 and Complaint.objects.count() == 1
    assert OutboundEmail.objects.filter(kind="complaints.acknowledgement").count() == 1


def test_access_to_care_marks_it_expedited_and_needs_an_explanation(rep):
    with pytest.raises(ValidationError) as refused:
        submit(rep, access_to_care=True, access_to_care_explanation="")
    assert "access_to_care_explanation" in refused.value.message_dict
    complaint = submit(rep, access_to_care=True, access_to_care_explanation="Member cannot get insulin.")
    assert complaint.expedited


@pytest.mark.parametrize(
    ("filed_days_ago", "window"),
    [(10, "early"), (45, "ok"), (75, "late")],
)
def test_the_filing_window_is_flagged_not_refused(rep, filed_days_ago, window):
    lines = [ClaimLine("Pat Example", "123456789", days_ago(filed_days_ago + 5))]
    complaint = submit(rep, mco_filed_on=days_ago(filed_days_ago), lines=lines)
    assert complaint.filing_window == window
    assert complaint.possibly_premature == (window == "early")


def test_lines_are_required_when_it_is_about_members_and_checked_with_line_numbers(rep):
    with pytest.raises(ValidationError) as refused:
        submit(rep, lines=[])
    assert "Add at least one member or claim line" in refused.value.message_dict["lines"][0]
    bad = [ClaimLine("A", "123456789", days_ago(50)), ClaimLine("B", "12345", days_ago(50))]
    with pytest.raises(ValidationError) as refused:
        submit(rep, lines=bad)
    assert refused.value.message_dict["lines"] == [
        "Line 2: Enter the member's 9-digit Recipient Identification Number (RIN), digits only."
    ]
    assert not Complaint.objects.exists()


def test_the_database_enforces_one_mco_one_category_and_the_rin_shape(rep):
    complaint = submit(rep)
    for column in ("mco_id", "category_id"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Complaint.objects.filter(pk=complaint.pk).update(**{column: None})
    with pytest.raises(IntegrityError), transaction.atomic():
        AffectedClaim.objects.filter(complaint=complaint).update(rin="12345678X")
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(status="lost")


def test_only_approved_organizations_file():
    pending = RepresentativeFactory(organization__status="pending").user
    with pytest.raises(PermissionDenied, match="once HFS has approved"):
        submit(pending)


def test_withdraw_closes_with_the_reason_and_tells_the_submitter(rep, django_capture_on_commit_callbacks):
    complaint = submit(rep)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_withdraw(complaint=complaint, actor=rep, note="Paid after all.")
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.closure_reason == "withdrawn_by_provider"
    assert complaint.events.filter(kind="withdrawn", note="Paid after all.", from_status="submitted").exists()
    assert [m.to for m in mail.outbox] == [[rep.email]]
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        services.complaint_withdraw(complaint=complaint, actor=rep)


def test_only_the_submitter_withdraws(rep):
    complaint = submit(rep)
    with pytest.raises(PermissionDenied):
        services.complaint_withdraw(complaint=complaint, actor=RepresentativeFactory().user)


def test_answering_an_information_request_returns_it_to_review(rep):
    complaint = asked(submit(rep), "Send the EOB.")
    services.complaint_answer_info_request(complaint=complaint, actor=rep, note="Attached.")
    complaint.refresh_from_db()
    assert complaint.status == "in_review"
    assert complaint.events.filter(kind="provider_answered", note="Attached.", shared_with_provider=True).exists()


def test_an_answer_is_refused_when_nothing_was_asked(rep):
    complaint = submit(rep)
    with pytest.raises(ValidationError, match="not waiting for an answer"):
        services.complaint_answer_info_request(complaint=complaint, actor=rep, note="Hello")
    complaint.refresh_from_db()
    assert complaint.status == "submitted"


# DESIGN §4.4, written out: the table in complaints/workflow.py must say exactly this.
DESIGN_TRANSITIONS = {
    ("submitted", "in_review"),
    ("in_review", "awaiting_mco"),
    ("awaiting_mco", "in_review"),
    ("in_review", "awaiting_provider"),
    ("awaiting_provider", "in_review"),
    ("in_review", "resolved"),
    ("resolved", "in_review"),
    ("submitted", "closed"),
    ("in_review", "closed"),
    ("awaiting_provider", "closed"),
    ("awaiting_mco", "closed"),
}
STATUSES = ["submitted", "in_review", "awaiting_provider", "awaiting_mco", "resolved", "closed"]


@pytest.mark.parametrize("from_status", STATUSES)
@pytest.mark.parametrize("to_status", STATUSES)
def test_the_transition_table_is_design_section_4_4(from_status, to_status):
    assert workflow.is_allowed(from_status, to_status) == ((from_status, to_status) in DESIGN_TRANSITIONS)


def test_a_transition_outside_the_table_is_refused_and_writes_nothing(rep):
    complaint = submit(rep)
    with pytest.raises(ValidationError, match="cannot become resolved"):
        services.complaint_resolve(complaint=complaint, actor=triage_analyst(), outcome_code="paid", outcome_text="x")
    assert complaint.events.count() == 1
