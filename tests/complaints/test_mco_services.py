"""The MCO's part as services (issue 18 items 5-7, DESIGN §11): the written proposal (draft, files, submit once per
round, row-locked against staff recording an answer), the misdirected and the interim answer, the one extension,
and the filer's reply within its window. Each verb checks its actor and writes its events."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts.models import MCO, AuditEvent, MCOMembership
from complaints import clock, services
from complaints.models import Attachment, Complaint, ComplaintEvent, ExtensionRequest, MCOProposal
from complaints.services.mco import proposal_reply_deadline
from portal.models import OutboundEmail
from reporting.aggregates import LATE, ON_TIME
from reporting.facts import report_facts
from tests.complaints.factories import date_events, submit, triage_analyst
from tests.factories import RepresentativeFactory, UserFactory
from tests.helpers import PDF_BYTES, sign_in
from tests.plugins.services import eicar_bytes

pytestmark = pytest.mark.django_db
CANARY = "CANARY-Pat-Zebra-987654321"
CHICAGO = ZoneInfo("America/Chicago")


def member_of(mco: MCO, **extra) -> MCOMembership:  # type: ignore[no-untyped-def]
    return MCOMembership.objects.create(user=UserFactory(), mco=mco, **extra)


@pytest.fixture
def molina() -> MCO:
    mco = MCO.objects.get(short_name="Molina")
    mco.notification_email = "complaints@molina.example"
    mco.save()
    return mco


@pytest.fixture
def liaison(molina):  # type: ignore[no-untyped-def]
    return member_of(molina).user


@pytest.fixture
def analyst():  # type: ignore[no-untyped-def]
    return triage_analyst()


def presented(analyst, **overrides) -> Complaint:  # type: ignore[no-untyped-def]
    """A complaint with PHI canaries, taken by ``analyst`` (its assignee) and presented to Molina."""
    complaint = submit(
        RepresentativeFactory().user, subject=f"About {CANARY}", description=f"Member {CANARY} refused.", **overrides
    )
    complaint = services.complaint_take(complaint=complaint, actor=analyst)
    return services.complaint_forward_to_mco(complaint=complaint, actor=analyst)


@pytest.fixture
def complaint(molina, analyst):  # type: ignore[no-untyped-def]
    return presented(analyst)


def sent(capture, action):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    with capture(execute=True):
        result = action()
    return result, list(mail.outbox)


def assert_no_phi(messages) -> None:  # type: ignore[no-untyped-def]
    for message in messages:
        text = message.subject + message.body + "".join(body for body, _ in message.alternatives)
        assert CANARY not in text and "987654321" not in text and "Pat Example" not in text and "123456789" not in text


def draft(complaint, liaison, outcome="pay", text="We will reprocess the claims.") -> MCOProposal:  # type: ignore[no-untyped-def]
    return services.proposal_save_draft(complaint=complaint, actor=liaison, outcome=outcome, text=text)


# --- The proposal ---------------------------------------------------------------------------------------------------


def test_a_submitted_proposal_moves_the_complaint_to_hfs_records_the_answer_date_and_tells_filer_and_assignee(
    complaint, liaison, analyst, django_capture_on_commit_callbacks
):
    first = draft(complaint, liaison, text="First thoughts.")
    again = draft(complaint, liaison, outcome="partial", text="We will pay two of the three claims.")
    assert first.pk == again.pk and again.submitted_at is None
    assert Complaint.objects.get(pk=complaint.pk).status == "awaiting_mco"  # a draft changes nothing for HFS

    proposal, messages = sent(
        django_capture_on_commit_callbacks, lambda: services.proposal_submit(complaint=complaint, actor=liaison)
    )

    complaint.refresh_from_db()
    event = complaint.events.get(kind="mco_proposal")
    assert complaint.status == "in_review" and (event.from_status, event.to_status) == ("awaiting_mco", "in_review")
    assert event.shared_with_provider and event.actor == liaison
    assert proposal.submitted_at == event.created_at and proposal.submitted_by == liaison
    assert (proposal.round, proposal.outcome, proposal.recorded_by_hfs) == (1, "partial", False)
    assert sorted(m.to[0] for m in messages) == sorted([complaint.contact_email, analyst.email])
    to_filer = next(m for m in messages if m.to == [complaint.contact_email])
    assert complaint.reference in to_filer.subject and f"/complaints/{complaint.public_id}/" in to_filer.body
    assert "We will pay two" not in to_filer.body  # the proposal is read in the portal, never in email
    assert_no_phi(messages)


def test_submitting_twice_is_one_event_and_one_email_each(complaint, liaison, django_capture_on_commit_callbacks):
    draft(complaint, liaison)
    first, _ = sent(
        django_capture_on_commit_callbacks, lambda: services.proposal_submit(complaint=complaint, actor=liaison)
    )
    second, messages = sent(
        django_capture_on_commit_callbacks, lambda: services.proposal_submit(complaint=complaint, actor=liaison)
    )
    assert second.pk == first.pk and second.submitted_at == first.submitted_at and messages == []
    assert complaint.events.filter(kind="mco_proposal").count() == 1
    assert OutboundEmail.objects.filter(kind="complaints.proposal_arrived").count() == 1
    with pytest.raises(ValidationError, match="already been sent"):
        draft(complaint, liaison, text="Changed my mind.")


def test_submit_needs_an_outcome_and_a_text(complaint, liaison):
    with pytest.raises(ValidationError) as nothing:
        services.proposal_submit(complaint=complaint, actor=liaison)
    assert set(nothing.value.message_dict) == {"outcome", "text"}
    draft(complaint, liaison, outcome="", text="Text without an outcome.")
    with pytest.raises(ValidationError) as no_outcome:
        services.proposal_submit(complaint=complaint, actor=liaison)
    assert set(no_outcome.value.message_dict) == {"outcome"}
    with pytest.raises(ValidationError):
        draft(complaint, liaison, outcome="made-up")
    assert Complaint.objects.get(pk=complaint.pk).status == "awaiting_mco"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_mco_submit_and_staff_recording_an_answer_at_once_make_one_answer():
    mco = MCO.objects.get(short_name="Molina")
    liaison = member_of(mco).user
    staff = triage_analyst()
    complaint = presented(staff)
    draft(complaint, liaison)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(who: str) -> None:
        try:
            barrier.wait()
            if who == "staff":
                services.complaint_record_mco_answer(
                    complaint=complaint, actor=staff, note="By letter.", outcome="upheld"
                )
            else:
                services.proposal_submit(complaint=complaint, actor=liaison)
            outcomes[who] = "done"
        except ValidationError as refusal:
            outcomes[who] = " ".join(refusal.messages)
        finally:
            connection.close()

    # Whoever takes the row lock first answers; the other waits for it, then sees that answer and refuses.
    threads = [threading.Thread(target=act, args=(who,)) for who in ("mco", "staff")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["mco", "staff"] and list(outcomes.values()).count("done") == 1, outcomes
    refused = next(message for message in outcomes.values() if message != "done")
    assert "already" in refused
    (proposal,) = MCOProposal.objects.filter(complaint=complaint)
    assert proposal.is_submitted and proposal.recorded_by_hfs == (outcomes["staff"] == "done")
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="mco_proposal").count() == 1
    assert OutboundEmail.objects.filter(kind="complaints.proposal_arrived", object_id=str(complaint.pk)).count() == 1
    assert Complaint.objects.get(pk=complaint.pk).status == "in_review"


def test_staff_cannot_record_over_the_mcos_portal_answer_and_the_mco_cannot_submit_over_staffs(
    molina, liaison, analyst
):
    complaint = presented(analyst)
    draft(complaint, liaison)
    services.proposal_submit(complaint=complaint, actor=liaison)
    with pytest.raises(ValidationError, match="already sent its answer"):
        services.complaint_record_mco_answer(complaint=complaint, actor=analyst, note="By letter.", outcome="upheld")
    other = presented(analyst)
    draft(other, liaison)  # a draft the MCO started, then it answered by letter
    services.complaint_record_mco_answer(complaint=other, actor=analyst, note="By letter.", outcome="upheld")
    (recorded,) = other.proposals.all()
    assert (recorded.outcome, recorded.text, recorded.recorded_by_hfs) == ("upheld", "By letter.", True)
    with pytest.raises(ValidationError, match="HFS has already recorded"):
        services.proposal_submit(complaint=other, actor=liaison)


@pytest.mark.parametrize(
    "who",
    ["another MCO's user", "a removed liaison", "the filing representative", "HFS staff", "a deactivated user"],
)
def test_only_an_active_user_of_the_complaints_mco_writes_its_answer(complaint, molina, analyst, who):
    if who == "another MCO's user":
        actor = member_of(MCO.objects.exclude(pk=molina.pk).first()).user
    elif who == "a removed liaison":
        membership = member_of(molina)
        MCOMembership.objects.filter(pk=membership.pk).update(removed_at=timezone.now())
        actor = membership.user
    elif who == "the filing representative":
        actor = complaint.submitted_by
    elif who == "HFS staff":
        actor = analyst
    else:
        actor = member_of(molina).user
        type(actor).objects.filter(pk=actor.pk).update(is_active=False)
        actor.refresh_from_db()
    verbs = [
        lambda: draft(complaint, actor),
        lambda: services.proposal_submit(complaint=complaint, actor=actor),
        lambda: services.interim_post(complaint=complaint, actor=actor, text="Working on it."),
    ]
    for verb in verbs:
        with pytest.raises(PermissionDenied):
            verb()
    assert not complaint.proposals.exists() and not complaint.events.filter(kind="mco_interim").exists()


def test_a_complaint_not_yet_presented_is_not_the_mcos_to_answer(molina, liaison):
    complaint = submit(RepresentativeFactory().user)
    with pytest.raises(PermissionDenied):
        draft(complaint, liaison)
    with pytest.raises(PermissionDenied):
        services.extension_request(complaint=complaint, actor=liaison, reason="Need records.")


def test_a_misdirected_answer_goes_back_to_hfs_alone(complaint, liaison, analyst, django_capture_on_commit_callbacks):
    draft(complaint, liaison, outcome="misdirected", text="The member is enrolled with another plan.")
    _, messages = sent(
        django_capture_on_commit_callbacks, lambda: services.proposal_submit(complaint=complaint, actor=liaison)
    )
    complaint.refresh_from_db()
    event = complaint.events.get(kind="mco_proposal")
    assert complaint.status == "in_review" and not event.shared_with_provider
    assert [m.to for m in messages] == [[analyst.email]]  # the assignee; no email to the provider
    assert "not its member or not its complaint" in messages[0].body
    with pytest.raises(ValidationError, match="no proposal"):  # nothing for the filer to answer
        services.proposal_reply(complaint=complaint, actor=complaint.submitted_by, accept=True)


def test_sending_it_back_is_a_new_round_with_its_own_proposal(complaint, liaison, analyst):
    presented_at = complaint.presented_at
    draft(complaint, liaison, outcome="misdirected", text="Not our member.")
    services.proposal_submit(complaint=complaint, actor=liaison)
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=analyst, note="HFS checked: it is.")
    assert (complaint.mco_round, complaint.presented_at, complaint.status) == (2, presented_at, "awaiting_mco")
    second = draft(complaint, liaison, outcome="pay", text="We will pay.")
    assert second.round == 2 and second.submitted_at is None
    services.proposal_submit(complaint=complaint, actor=liaison)
    assert list(complaint.proposals.values_list("round", "outcome")) == [(1, "misdirected"), (2, "pay")]
    assert complaint.events.filter(kind="mco_proposal").count() == 2


def test_proposal_files_get_the_providers_checks_and_stay_with_the_draft(complaint, liaison, private_files, settings):
    proposal = draft(complaint, liaison)
    added = services.proposal_file_add(
        proposal=proposal, actor=liaison, upload=SimpleUploadedFile("letter.pdf", PDF_BYTES)
    )
    assert (added.proposal, added.complaint, added.scan_status) == (proposal, complaint, "clean")
    with pytest.raises(ValidationError, match="a virus was found in this file"):
        services.proposal_file_add(proposal=proposal, actor=liaison, upload=SimpleUploadedFile("v.txt", eicar_bytes()))
    with pytest.raises(ValidationError, match="is not a PDF"):
        services.proposal_file_add(
            proposal=proposal, actor=liaison, upload=SimpleUploadedFile("page.pdf", b"<html>hi</html>")
        )
    settings.PORTAL_ATTACHMENT_MAX_COUNT = 2
    services.proposal_file_add(proposal=proposal, actor=liaison, upload=SimpleUploadedFile("two.pdf", PDF_BYTES))
    with pytest.raises(ValidationError, match="at most 2 files"):
        services.proposal_file_add(proposal=proposal, actor=liaison, upload=SimpleUploadedFile("3.pdf", PDF_BYTES))
    assert len(list(private_files.iterdir())) == 2
    services.proposal_submit(complaint=complaint, actor=liaison)
    assert set(proposal.files.values_list("event__kind", flat=True)) == {"mco_proposal"}
    with pytest.raises(ValidationError, match="already been sent"):
        services.proposal_file_remove(proposal=proposal, actor=liaison, public_id=added.public_id)
    with pytest.raises(ValidationError, match="already been sent"):
        services.proposal_file_add(proposal=proposal, actor=liaison, upload=SimpleUploadedFile("late.pdf", PDF_BYTES))
    assert Attachment.objects.filter(proposal=proposal).count() == 2


def test_a_stopped_scanner_refuses_a_proposal_file(complaint, liaison, private_files, settings, clamd_server):
    settings.PORTAL_CLAMD_ADDRESS = clamd_server.address
    proposal = draft(complaint, liaison)
    clamd_server.stop()
    with pytest.raises(ValidationError, match="could not check the file for viruses"):
        services.proposal_file_add(proposal=proposal, actor=liaison, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert not proposal.files.exists() and list(private_files.iterdir()) == []


def test_a_draft_file_can_be_removed(complaint, liaison, private_files, django_capture_on_commit_callbacks):
    proposal = draft(complaint, liaison)
    added = services.proposal_file_add(proposal=proposal, actor=liaison, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_file_remove(proposal=proposal, actor=liaison, public_id=added.public_id)
    assert not proposal.files.exists() and list(private_files.iterdir()) == []


def test_staff_recording_the_answer_deletes_the_files_of_the_mcos_unsent_draft(
    complaint, liaison, analyst, private_files, django_capture_on_commit_callbacks
):
    proposal = draft(complaint, liaison, text="Our unsent thoughts.")
    unsent = services.proposal_file_add(
        proposal=proposal, actor=liaison, upload=SimpleUploadedFile("internal notes.pdf", PDF_BYTES)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_record_mco_answer(complaint=complaint, actor=analyst, note="Paid by letter.", outcome="pay")
    (recorded,) = complaint.proposals.all()
    assert (recorded.pk, recorded.text, recorded.recorded_by_hfs) == (proposal.pk, "Paid by letter.", True)
    # The MCO never sent its draft: the filer reads the answer HFS recorded, without the draft's file.
    filer = sign_in(Client(), complaint.submitted_by)
    page = filer.get(f"/complaints/{complaint.public_id}/").content.decode()
    assert "Paid by letter." in page and "internal notes.pdf" not in page and str(unsent.public_id) not in page
    assert filer.get(f"/complaints/files/{unsent.public_id}/").status_code == 404
    assert not Attachment.objects.filter(pk=unsent.pk).exists() and list(private_files.iterdir()) == []
    deleted = AuditEvent.objects.get(action="mco.proposal_draft_files_deleted")
    assert (deleted.actor, deleted.object_id) == (analyst, str(proposal.pk))


def test_the_mcos_writes_to_its_draft_are_audited_with_address_and_request_id(complaint, liaison, private_files):
    request = RequestFactory().post("/mco/", REMOTE_ADDR="203.0.113.7")
    request.request_id = "req-draft-1"
    proposal = services.proposal_save_draft(
        complaint=complaint, actor=liaison, outcome="pay", text=f"Paying {CANARY}.", request=request
    )
    added = services.proposal_file_add(
        proposal=proposal, actor=liaison, upload=SimpleUploadedFile("a.pdf", PDF_BYTES), request=request
    )
    services.proposal_file_remove(proposal=proposal, actor=liaison, public_id=added.public_id, request=request)
    rows = list(
        AuditEvent.objects.filter(action__startswith="mco.proposal")
        .order_by("id")
        .values_list("action", "actor", "object_type", "object_id", "ip_address", "request_id")
    )
    seen = (liaison.pk, "203.0.113.7", "req-draft-1")
    assert [(action, actor, ip, rid) for action, actor, _, _, ip, rid in rows] == [
        ("mco.proposal_saved", *seen),
        ("mco.proposal_file_added", *seen),
        ("mco.proposal_file_removed", *seen),
    ]
    assert [row[2:4] for row in rows] == [
        ("complaints.mcoproposal", str(proposal.pk)),
        ("complaints.attachment", str(added.pk)),
        ("complaints.attachment", str(added.pk)),
    ]
    assert not AuditEvent.objects.filter(object_id__contains=CANARY).exists()  # ids only


# --- The interim answer ---------------------------------------------------------------------------------------------


def test_an_interim_answer_is_shared_and_the_clock_keeps_running(complaint, liaison):
    due = complaint.mco_answer_due
    event = services.interim_post(complaint=complaint, actor=liaison, text="We are pulling the claim records.")
    complaint.refresh_from_db()
    assert event.kind == "mco_interim" and event.shared_with_provider and event.to_status == ""
    assert (complaint.status, complaint.mco_answer_due) == ("awaiting_mco", due)
    with pytest.raises(ValidationError):
        services.interim_post(complaint=complaint, actor=liaison, text="  ")
    draft(complaint, liaison)
    services.proposal_submit(complaint=complaint, actor=liaison)
    with pytest.raises(ValidationError, match="not waiting"):
        services.interim_post(complaint=complaint, actor=liaison, text="Another update.")


def test_an_interim_answer_sent_twice_at_once_is_recorded_once(complaint, liaison, molina):
    first = services.interim_post(complaint=complaint, actor=liaison, text="We are pulling the claim records.")
    again = services.interim_post(complaint=complaint, actor=liaison, text=" We are pulling the claim records. ")
    assert again.pk == first.pk and complaint.events.filter(kind="mco_interim").count() == 1
    # Another text, or a colleague's, is a new update; so is the same text once the moment has passed.
    services.interim_post(complaint=complaint, actor=liaison, text="The records are here.")
    colleague = member_of(molina).user
    services.interim_post(complaint=complaint, actor=colleague, text="The records are here.")
    with time_machine.travel(timezone.now() + services.mco.INTERIM_REPEAT_WINDOW + timedelta(seconds=1)):
        services.interim_post(complaint=complaint, actor=colleague, text="The records are here.")
    assert complaint.events.filter(kind="mco_interim").count() == 4


# --- The one extension ----------------------------------------------------------------------------------------------


def test_the_mco_asks_once_staff_grant_and_the_answer_moves_30_calendar_days(
    complaint, liaison, analyst, django_capture_on_commit_callbacks
):
    due = complaint.mco_answer_due
    requested, told_staff = sent(
        django_capture_on_commit_callbacks,
        lambda: services.extension_request(complaint=complaint, actor=liaison, reason="We need the records."),
    )
    assert (requested.party, requested.decision) == ("mco", "pending")
    assert [m.to for m in told_staff] == [[analyst.email]]
    with pytest.raises(ValidationError, match=r"The one extension has already been asked for on this complaint\."):
        services.extension_request(complaint=complaint, actor=complaint.submitted_by, reason="Us too.")
    # A second request from a stale page, even with no reason, hears that it was asked for, not "say why".
    for actor in (liaison, complaint.submitted_by):
        with pytest.raises(ValidationError) as stale:
            services.extension_request(complaint=complaint, actor=actor, reason="  ")
        assert stale.value.messages == ["The one extension has already been asked for on this complaint."]
    with pytest.raises(PermissionDenied):
        services.extension_decide(complaint=complaint, actor=liaison, grant=True)
    decided, told = sent(
        django_capture_on_commit_callbacks,
        lambda: services.extension_decide(complaint=complaint, actor=analyst, grant=True, note="Fair."),
    )
    complaint.refresh_from_db()
    assert decided.decision == "granted" and decided.decided_by == analyst
    assert complaint.mco_answer_due == due + timedelta(days=30) and complaint.mco_extension_granted
    assert [m.to for m in told] == [[liaison.email]] and "granted" in told[0].body
    kinds = list(complaint.events.filter(kind__startswith="extension").values_list("kind", flat=True))
    assert kinds == ["extension_requested"] and complaint.events.filter(kind="mco_extension").count() == 1
    with pytest.raises(ValidationError, match="no request for an extension waiting"):
        services.extension_decide(complaint=complaint, actor=analyst, grant=True)
    with pytest.raises(ValidationError, match="The one extension has already been asked for"):
        services.extension_request(complaint=complaint, actor=liaison, reason="More.")
    assert_no_phi(told_staff + told)


def test_a_refused_extension_leaves_the_date_and_still_counts_as_the_one(
    complaint, liaison, analyst, django_capture_on_commit_callbacks
):
    due = complaint.mco_answer_due
    services.extension_request(complaint=complaint, actor=complaint.submitted_by, reason="Please hurry them less.")
    _, told = sent(
        django_capture_on_commit_callbacks,
        lambda: services.extension_decide(complaint=complaint, actor=analyst, grant=False, note="Not needed."),
    )
    complaint.refresh_from_db()
    assert complaint.mco_answer_due == due and not complaint.mco_extension_granted
    assert complaint.extension_request.decision == "refused"
    assert complaint.events.filter(kind="extension_refused").count() == 1
    assert [m.to for m in told] == [[complaint.contact_email]] and "refused" in told[0].body
    with pytest.raises(ValidationError, match="The one extension has already been asked for"):
        services.extension_request(complaint=complaint, actor=liaison, reason="Now we need it.")


def test_a_refusal_needs_its_reason_whoever_calls_the_service(complaint, liaison, analyst):
    services.extension_request(complaint=complaint, actor=liaison, reason="We need the records.")
    with pytest.raises(ValidationError, match="Say why the extension is refused"):
        services.extension_decide(complaint=complaint, actor=analyst, grant=False, note="  ")
    complaint.extension_request.refresh_from_db()
    assert complaint.extension_request.decision == "pending"


def test_staff_recording_an_extension_by_letter_uses_the_one_request(complaint, liaison, analyst):
    services.complaint_record_mco_answer(complaint=complaint, actor=analyst, note="Asked by letter.", extension=True)
    assert complaint.extension_request.party == "mco" and complaint.extension_request.decision == "granted"
    with pytest.raises(ValidationError, match="The one extension has already been asked for"):
        services.extension_request(complaint=complaint, actor=liaison, reason="And in the portal.")


def test_only_the_filer_asks_for_the_providers_extension(complaint, molina):
    org_admin = RepresentativeFactory(organization=complaint.organization, is_org_admin=True).user
    for actor in (org_admin, RepresentativeFactory().user, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.extension_request(complaint=complaint, actor=actor, reason="Please.")
    with pytest.raises(ValidationError):
        services.extension_request(complaint=complaint, actor=complaint.submitted_by, reason=" ")
    assert not ExtensionRequest.objects.exists()


# --- The provider's reply -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "deadline"),
    [
        ("2026-11-20", "2026-12-08"),  # Thanksgiving and the day after are skipped
        ("2026-12-18", "2027-01-05"),  # Christmas and New Year's Day (Fridays) and the weekends
        ("2026-12-07", "2026-12-21"),
    ],
)
def test_the_reply_deadline_is_10_business_days_after_the_proposal(submitted, deadline):
    proposal = MCOProposal(submitted_at=datetime.fromisoformat(f"{submitted}T16:00").replace(tzinfo=CHICAGO))
    assert proposal_reply_deadline(proposal).isoformat() == deadline


def test_the_filer_replies_within_the_window_and_not_after(
    molina, liaison, analyst, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=CHICAGO), tick=False):
        complaint = presented(analyst)
        draft(complaint, liaison)
        services.proposal_submit(complaint=complaint, actor=liaison)
        late = presented(analyst)
        draft(late, liaison)
        services.proposal_submit(complaint=late, actor=liaison)
    filer = complaint.submitted_by
    with time_machine.travel(datetime(2026, 12, 8, 23, 30, tzinfo=CHICAGO), tick=False):  # the last day
        with pytest.raises(ValidationError, match="Say why"):
            services.proposal_reply(complaint=complaint, actor=filer, accept=False, reason="  ")
        replied, told = sent(
            django_capture_on_commit_callbacks,
            lambda: services.proposal_reply(complaint=complaint, actor=filer, accept=False, reason="Claim 2 is left."),
        )
    assert (replied.reply, replied.reply_reason, replied.replied_by) == ("disputed", "Claim 2 is left.", filer)
    event = complaint.events.get(kind="provider_disputed")
    assert event.shared_with_provider and "Claim 2 is left." in event.note
    assert [m.to for m in told] == [[analyst.email]] and "disputed" in told[0].body
    again = services.proposal_reply(complaint=complaint, actor=filer, accept=False, reason="Double click.")
    assert again.reply_reason == "Claim 2 is left." and complaint.events.filter(kind="provider_disputed").count() == 1
    with pytest.raises(ValidationError, match="already disputed"):
        services.proposal_reply(complaint=complaint, actor=filer, accept=True)
    the_day_after = time_machine.travel(datetime(2026, 12, 9, 0, 30, tzinfo=CHICAGO), tick=False)
    with the_day_after, pytest.raises(ValidationError, match="The 10 business days to reply have passed"):
        services.proposal_reply(complaint=late, actor=late.submitted_by, accept=True)
    assert late.proposals.get().reply == ""


def test_only_the_filer_replies(complaint, liaison, analyst):
    draft(complaint, liaison)
    services.proposal_submit(complaint=complaint, actor=liaison)
    org_admin = RepresentativeFactory(organization=complaint.organization, is_org_admin=True).user
    for actor in (org_admin, liaison, analyst):
        with pytest.raises(PermissionDenied):
            services.proposal_reply(complaint=complaint, actor=actor, accept=True)
    accepted = services.proposal_reply(complaint=complaint, actor=complaint.submitted_by, accept=True)
    assert accepted.reply == "accepted" and complaint.events.filter(kind="provider_accepted").count() == 1


def test_there_is_nothing_to_reply_to_before_the_proposal_is_sent(complaint, liaison):
    draft(complaint, liaison)
    with pytest.raises(ValidationError, match="no proposal"):
        services.proposal_reply(complaint=complaint, actor=complaint.submitted_by, accept=True)


# --- The MCO's clock ------------------------------------------------------------------------------------------------


def test_the_mcos_clock_shows_days_left_and_the_extension(complaint, liaison, analyst):
    today = complaint.forwarded_on
    left = services.mco_days_left(complaint, today)
    assert left["due"] == today + timedelta(days=30) and left["calendar_days_left"] == 30
    assert left["business_days_left"] == clock.business_days_until(today, today + timedelta(days=30))
    assert 18 <= left["business_days_left"] <= 22 and left["extension"] == "none" and not left["overdue"]
    services.extension_request(complaint=complaint, actor=liaison, reason="Records.")
    assert services.mco_days_left(complaint, today)["extension"] == "pending"
    services.extension_decide(complaint=complaint, actor=analyst, grant=True)
    complaint.refresh_from_db()
    later = services.mco_days_left(complaint, today + timedelta(days=61))
    assert later["extension"] == "granted" and later["calendar_days_left"] == -1 and later["overdue"]
    assert later["business_days_left"] <= 0


@pytest.mark.parametrize(
    ("today", "due", "left"),
    [
        ("2026-11-25", "2026-11-30", 1),  # Wed to Mon: Thanksgiving and the day after, the weekend skipped
        ("2026-12-07", "2026-12-07", 0),
        ("2026-12-08", "2026-12-07", -1),
        ("2026-12-14", "2026-12-04", -6),  # due Friday; the weekend does not count against the MCO
    ],
)
def test_business_days_until_a_due_date(today, due, left):
    from datetime import date

    assert clock.business_days_until(date.fromisoformat(today), date.fromisoformat(due)) == left


# --- Statistics -----------------------------------------------------------------------------------------------------


def test_the_statistics_count_the_portals_answer_and_extension_as_they_counted_staffs(molina, liaison, analyst):
    """Forwarded 45 days ago, extended, answered 40 days after forwarding: on time only with its extension counted;
    and answered after 35 days without one: late. The same through the portal as recorded by staff."""
    now = timezone.now()

    def forwarded_long_ago() -> Complaint:
        complaint = presented(analyst)
        date_events(complaint, now - timedelta(days=46), now - timedelta(days=46), now - timedelta(days=45))
        forwarded = timezone.localdate() - timedelta(days=45)
        Complaint.objects.filter(pk=complaint.pk).update(
            forwarded_on=forwarded, mco_answer_due=forwarded + timedelta(days=30)
        )
        return Complaint.objects.get(pk=complaint.pk)

    def answered_after(complaint: Complaint, days: int) -> None:
        from tests.complaints.factories import events_writable

        with events_writable():
            complaint.events.filter(kind="mco_proposal").update(created_at=now - timedelta(days=45 - days))
            complaint.events.filter(kind="mco_extension").update(created_at=now - timedelta(days=45 - days + 1))

    by_staff = forwarded_long_ago()
    services.complaint_record_mco_answer(complaint=by_staff, actor=analyst, note="Needs time.", extension=True)
    services.complaint_record_mco_answer(complaint=by_staff, actor=analyst, note="Paid.", outcome="pay")
    answered_after(by_staff, 40)
    in_portal = forwarded_long_ago()
    services.extension_request(complaint=in_portal, actor=liaison, reason="Needs time.")
    services.extension_decide(complaint=in_portal, actor=analyst, grant=True)
    draft(in_portal, liaison)
    services.proposal_submit(complaint=in_portal, actor=liaison)
    answered_after(in_portal, 40)
    late_by_staff = forwarded_long_ago()
    services.complaint_record_mco_answer(complaint=late_by_staff, actor=analyst, note="Paid.", outcome="pay")
    answered_after(late_by_staff, 35)
    late_in_portal = forwarded_long_ago()
    draft(late_in_portal, liaison)
    services.proposal_submit(complaint=late_in_portal, actor=liaison)
    answered_after(late_in_portal, 35)

    _, facts = report_facts(as_of=timezone.localdate())

    assert [fact.mco_answer for fact in facts] == [ON_TIME, ON_TIME, LATE, LATE]


def test_an_extension_waiting_when_the_mco_answers_lapses_and_cannot_move_a_later_round(complaint, liaison, analyst):
    services.extension_request(complaint=complaint, actor=liaison, reason="Round one needs time.")
    draft(complaint, liaison, outcome="upheld", text="Our decision stands.")
    services.proposal_submit(complaint=complaint, actor=liaison)
    extension = ExtensionRequest.objects.get(complaint=complaint)
    assert extension.decision == "refused" and "no longer needed" in extension.decision_note
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=analyst, note="Please look again.")
    due = complaint.mco_answer_due
    with pytest.raises(ValidationError, match="no request for an extension waiting"):
        services.extension_decide(complaint=complaint, actor=analyst, grant=True)
    complaint.refresh_from_db()
    assert complaint.mco_answer_due == due and not complaint.mco_extension_granted
    assert not complaint.events.filter(kind="mco_extension").exists()  # the statistics count no extension


def test_the_wrong_mco_close_follows_only_this_rounds_misdirected_answer(complaint, liaison, analyst):
    with pytest.raises(ValidationError, match="only after the MCO answered"):  # still waiting for the MCO
        services.complaint_close(complaint=complaint, actor=analyst, reason="wrong_mco")
    draft(complaint, liaison, outcome="pay", text="We will pay.")
    services.proposal_submit(complaint=complaint, actor=liaison)
    with pytest.raises(ValidationError, match="only after the MCO answered"):  # the MCO answered: it will pay
        services.complaint_close(complaint=complaint, actor=analyst, reason="wrong_mco")
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=analyst, note="Round two.")
    draft(complaint, liaison, outcome="misdirected", text="Not our member after all.")
    services.proposal_submit(complaint=complaint, actor=liaison)
    closed = services.complaint_close(complaint=complaint, actor=analyst, reason="wrong_mco")
    assert (closed.status, closed.closure_reason) == ("closed", "wrong_mco")
