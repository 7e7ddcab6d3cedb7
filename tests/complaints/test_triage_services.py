"""Staff triage services: events, clocks and notices only to contact_email, with no PHI (DESIGN §4.4, §4.5, R5, R6)."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts import roles
from accounts.models import MCO
from accounts.services.users import staff_user_create
from complaints import clock, services
from complaints.models import Complaint, ComplaintEvent
from portal.models import OutboundEmail
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory

pytestmark = pytest.mark.django_db
CANARY = "CANARY-Pat-Zebra-987654321"


@pytest.fixture
def analyst():  # type: ignore[no-untyped-def]
    return staff_user_create(
        email="ana@hfs.example", full_name="Ana Lyst", password=None, group_name=roles.TRIAGE_ANALYST
    )


@pytest.fixture
def complaint():  # type: ignore[no-untyped-def]
    mco = MCO.objects.get(short_name="Molina")
    mco.notification_email = "complaints@molina.example"
    mco.save()
    return submit(RepresentativeFactory().user, description=f"Member {CANARY} was refused.", subject=f"About {CANARY}")


def sent(capture, action):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    with capture(execute=True):
        result = action()
    return result, list(mail.outbox)


def assert_no_phi(messages):  # type: ignore[no-untyped-def]
    for message in messages:
        text = message.subject + message.body + "".join(body for body, _ in message.alternatives)
        assert CANARY not in text and "987654321" not in text and "Pat Example" not in text


def test_the_clocks_start_at_submission(complaint):
    today = timezone.localdate()
    assert complaint.first_response_due == clock.add_business_days(today, 15)
    assert complaint.mco_presentation_due == clock.add_business_days(today, 10)
    expedited = submit(complaint.submitted_by, access_to_care=True, access_to_care_explanation="No insulin.")
    assert expedited.first_response_due == clock.add_business_days(today, 2)


def test_take_assigns_and_triages(complaint, analyst):
    complaint = services.complaint_take(complaint=complaint, actor=analyst)
    assert complaint.assignee == analyst and complaint.status == "in_review"
    assert complaint.events.filter(kind="status_changed", to_status="in_review", actor=analyst).exists()


def test_closing_as_not_first_submitted_tells_only_the_submitter_what_to_do(
    complaint, analyst, django_capture_on_commit_callbacks
):
    closed, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_close(complaint=complaint, actor=analyst, reason="not_submitted_to_mco_first"),
    )
    assert closed.status == "closed" and closed.closure_reason == "not_submitted_to_mco_first"
    assert [m.to for m in messages] == [[complaint.contact_email]]
    assert not messages[0].cc and not messages[0].bcc
    assert "Send the issue to the MCO through its provider dispute process first" in messages[0].body
    assert_no_phi(messages)


def test_forwarding_starts_the_mco_clock_and_names_the_representative_to_the_mco(
    complaint, analyst, django_capture_on_commit_callbacks
):
    services.complaint_take(complaint=complaint, actor=analyst)
    forwarded, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_forward_to_mco(complaint=complaint, actor=analyst),
    )
    assert forwarded.status == "awaiting_mco" and forwarded.forwarded_on == timezone.localdate()
    assert forwarded.mco_answer_due == timezone.localdate() + timedelta(days=30)
    assert [m.to for m in messages] == [["complaints@molina.example"]]
    assert complaint.representative_name in messages[0].body and complaint.reference in messages[0].subject
    assert_no_phi(messages)


def test_one_extension_then_the_answer(complaint, analyst):
    services.complaint_take(complaint=complaint, actor=analyst)
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=analyst)
    due = complaint.mco_answer_due
    complaint = services.complaint_record_mco_answer(
        complaint=complaint, actor=analyst, note="Needs time.", extension=True
    )
    assert complaint.mco_answer_due == due + timedelta(days=30) and complaint.status == "awaiting_mco"
    assert complaint.extension_request.decision == "granted" and complaint.extension_request.party == "mco"
    with pytest.raises(ValidationError, match="one extension"):
        services.complaint_record_mco_answer(complaint=complaint, actor=analyst, note="Again.", extension=True)
    with pytest.raises(ValidationError, match="Choose what the MCO answered"):
        services.complaint_record_mco_answer(complaint=complaint, actor=analyst, note="Reprocessed.")
    complaint = services.complaint_record_mco_answer(
        complaint=complaint, actor=analyst, note="Reprocessed.", outcome="pay"
    )
    assert complaint.status == "in_review"
    # The answer that came outside the portal is this round's proposal, marked as recorded by HFS; the filer reads it.
    (proposal,) = complaint.proposals.all()
    assert (proposal.round, proposal.outcome, proposal.text, proposal.recorded_by_hfs) == (
        1,
        "pay",
        "Reprocessed.",
        True,
    )
    recorded = complaint.events.get(kind="mco_proposal")
    assert recorded.to_status == "in_review" and recorded.shared_with_provider
    assert proposal.submitted_at == recorded.created_at


def test_information_request_and_outcome_notices_go_only_to_contact_email(
    complaint, analyst, django_capture_on_commit_callbacks
):
    services.complaint_take(complaint=complaint, actor=analyst)
    _, asked = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_request_info(complaint=complaint, actor=analyst, question="Send the EOB."),
    )
    services.complaint_answer_info_request(complaint=complaint, actor=complaint.submitted_by, note="Attached.")
    resolved, told = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_resolve(
            complaint=complaint, actor=analyst, outcome_code="paid", outcome_text=f"Paid. {CANARY}"
        ),
    )
    assert [m.to for m in asked + told] == [[complaint.contact_email]] * 2
    assert resolved.outcome_text.endswith(CANARY)
    assert_no_phi(asked + told)


def test_reopening_is_for_supervisors(complaint, analyst):
    services.complaint_take(complaint=complaint, actor=analyst)
    services.complaint_resolve(complaint=complaint, actor=analyst, outcome_code="paid", outcome_text="Paid")
    with pytest.raises(PermissionDenied):
        services.complaint_reopen(complaint=complaint, actor=analyst, note="Oops")
    supervisor = staff_user_create(email="sup@hfs.example", full_name="Sup", password=None, group_name=roles.SUPERVISOR)
    assert services.complaint_reopen(complaint=complaint, actor=supervisor, note="Wrong outcome").status == "in_review"


def test_expediting_moves_the_first_response_clock(complaint, analyst):
    complaint = services.complaint_set_expedited(complaint=complaint, actor=analyst, expedited=True, note="Urgent")
    assert complaint.expedited
    assert complaint.first_response_due == clock.add_business_days(timezone.localdate(), 2)


def test_representatives_cannot_use_staff_actions(complaint):
    with pytest.raises(PermissionDenied):
        services.complaint_close(complaint=complaint, actor=complaint.submitted_by, reason="duplicate")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_closing_at_once_make_one_close_one_event_one_email():
    complaint = submit(RepresentativeFactory().user)
    staff = [
        staff_user_create(email=f"s{n}@hfs.example", full_name=f"S{n}", password=None, group_name=roles.TRIAGE_ANALYST)
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def close(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.complaint_close(complaint=complaint, actor=actor, reason="not_submitted_to_mco_first")
            outcomes.append("closed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(actor,)) for actor in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["closed", "refused"]
    assert ComplaintEvent.objects.filter(complaint=complaint, to_status="closed").count() == 1
    assert OutboundEmail.objects.filter(kind="complaints.closed", object_id=str(complaint.pk)).count() == 1
    assert Complaint.objects.get(pk=complaint.pk).status == "closed"


def test_the_daily_digest_lists_overdue_and_due_soon_references_without_phi(
    complaint, analyst, django_capture_on_commit_callbacks
):
    from complaints.tasks import send_staff_digest

    Complaint.objects.filter(pk=complaint.pk).update(first_response_due=timezone.localdate() - timedelta(days=2))
    soon = submit(complaint.submitted_by)
    Complaint.objects.filter(pk=soon.pk).update(first_response_due=timezone.localdate() + timedelta(days=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_staff_digest() == 1
    (message,) = mail.outbox
    assert message.to == [analyst.email] and "1 complaint(s) overdue, 1 due by tomorrow" in message.subject
    overdue_part, soon_part = message.body.split("Due today or tomorrow")
    assert complaint.reference in overdue_part and soon.reference in soon_part
    assert_no_phi([message])


def test_a_notice_for_a_representative_who_left_is_held_and_sent_after_transfer(
    complaint, analyst, django_capture_on_commit_callbacks
):
    from accounts.models import Representative

    services.complaint_take(complaint=complaint, actor=analyst)
    Representative.objects.filter(user=complaint.submitted_by).update(revoked_at=timezone.now())
    colleague = RepresentativeFactory(organization=complaint.organization)
    stranger = RepresentativeFactory()
    _, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_resolve(
            complaint=complaint, actor=analyst, outcome_code="paid", outcome_text="Paid"
        ),
    )
    complaint.refresh_from_db()
    assert messages == [] and complaint.held_notice == "complaints.resolved"
    assert complaint.events.filter(note__startswith="Notice held").exists()
    with pytest.raises(ValidationError):
        services.complaint_transfer(complaint=complaint, actor=analyst, to_email=stranger.user.email)
    _, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_transfer(complaint=complaint, actor=analyst, to_email=colleague.user.email),
    )
    complaint.refresh_from_db()
    assert complaint.contact_email == colleague.user.email and complaint.held_notice == ""
    assert [m.to for m in messages] == [[colleague.user.email]]
    assert complaint.events.filter(note__startswith="Transferred from").exists()


def test_assign_to_a_triage_colleague_only(complaint, analyst):
    supervisor = staff_user_create(email="sup@hfs.example", full_name="Sup", password=None, group_name=roles.SUPERVISOR)
    reporter = staff_user_create(email="rpt@hfs.example", full_name="Rpt", password=None, group_name=roles.REPORTING)
    complaint = services.complaint_assign(complaint=complaint, actor=analyst, assignee_email="SUP@hfs.example")
    assert complaint.assignee == supervisor
    assert complaint.events.filter(note__startswith="Assigned to Sup by Ana Lyst").exists()
    with pytest.raises(ValidationError):
        services.complaint_assign(complaint=complaint, actor=analyst, assignee_email=reporter.email)


def test_actions_only_from_the_states_they_belong_to(complaint, analyst):
    with pytest.raises(ValidationError, match="not waiting for this MCO"):
        services.complaint_record_mco_answer(complaint=complaint, actor=analyst, note="x", outcome="pay")
    supervisor = staff_user_create(email="sup@hfs.example", full_name="Sup", password=None, group_name=roles.SUPERVISOR)
    with pytest.raises(ValidationError, match="Only a resolved complaint"):
        services.complaint_reopen(complaint=complaint, actor=supervisor, note="x")
    assert Complaint.objects.get(pk=complaint.pk).status == "submitted"


def test_the_reporting_group_cannot_act_even_through_the_services(complaint):
    reporter = staff_user_create(email="rpt@hfs.example", full_name="Rpt", password=None, group_name=roles.REPORTING)
    with pytest.raises(PermissionDenied):
        services.complaint_take(complaint=complaint, actor=reporter)


def test_a_complaint_stays_with_its_filer_while_they_represent_the_organization(complaint, analyst):
    colleague = RepresentativeFactory(organization=complaint.organization)
    with pytest.raises(ValidationError, match="still represents"):
        services.complaint_transfer(complaint=complaint, actor=analyst, to_email=colleague.user.email)


def test_every_held_notice_is_sent_after_transfer(complaint, analyst, django_capture_on_commit_callbacks):
    from accounts.models import Representative

    services.complaint_take(complaint=complaint, actor=analyst)
    Representative.objects.filter(user=complaint.submitted_by).update(revoked_at=timezone.now())
    colleague = RepresentativeFactory(organization=complaint.organization)
    services.complaint_request_info(complaint=complaint, actor=analyst, question="EOB?")
    services.complaint_close(complaint=complaint, actor=analyst, reason="incomplete")
    _, messages = sent(
        django_capture_on_commit_callbacks,
        lambda: services.complaint_transfer(complaint=complaint, actor=analyst, to_email=colleague.user.email),
    )
    assert [m.subject.split("] ")[1].split(" ")[0] for m in messages] == ["HFS", "Complaint"]
    assert all(m.to == [colleague.user.email] for m in messages)
