"""Issue 18 items 6-7, the provider's side (DESIGN §11, R6): the filing representative reads the MCO's written
proposal and its files on the complaint's page, accepts or disputes it within the reply window, and can ask for the
one extension; nobody else in the organization sees the MCO's answer or the reply."""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, MCOMembership
from complaints import services
from complaints.models import Complaint, ComplaintEvent, ExtensionRequest, MCOProposal
from complaints.services import mco  # the MCO's part, as its own pages call it
from tests.complaints.factories import submit, triage_analyst
from tests.complaints.test_pages import queries
from tests.factories import RepresentativeFactory, UserFactory
from tests.helpers import PDF_BYTES, sign_in

pytestmark = pytest.mark.django_db

SECRET = "Proposal text only the filer reads: we will pay claim CLM-1."
CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def rep():  # type: ignore[no-untyped-def]
    return RepresentativeFactory()


def liaison(complaint: Complaint):  # type: ignore[no-untyped-def]
    """A liaison of the complaint's MCO (the membership row; inviting one is another page's business)."""
    membership = MCOMembership.objects.filter(mco=complaint.mco, removed_at__isnull=True).first()
    if membership is None:
        membership = MCOMembership.objects.create(user=UserFactory(), mco=complaint.mco)
    return membership.user


def presented(complaint: Complaint) -> Complaint:
    """Taken into review by HFS and presented to the MCO (the real verbs)."""
    staff = triage_analyst()
    complaint = services.complaint_take(complaint=complaint, actor=staff)
    return services.complaint_forward_to_mco(complaint=complaint, actor=staff)


def answered(  # type: ignore[no-untyped-def]
    complaint: Complaint, outcome: str = "pay", text: str = SECRET, files: tuple[str, ...] = (), submit_it=True
) -> MCOProposal:
    """The MCO's liaison writes this round's proposal (with files) and, unless told not to, submits it."""
    if complaint.status != Complaint.Status.AWAITING_MCO:
        complaint = presented(complaint)
    actor = liaison(complaint)
    proposal = mco.proposal_save_draft(complaint=complaint, actor=actor, outcome=outcome, text=text)
    for name in files:
        mco.proposal_file_add(proposal=proposal, actor=actor, upload=SimpleUploadedFile(name, PDF_BYTES))
    if submit_it:
        proposal = mco.proposal_submit(complaint=complaint, actor=actor)
    return proposal


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as a person reads it (entities such as &#x27; turned back into characters)."""
    return html.unescape(response.content.decode())


def page(client: Client, complaint: Complaint) -> str:
    response = client.get(f"/complaints/{complaint.public_id}/")
    assert response.status_code == 200
    return text(response)


def file_url(proposal: MCOProposal) -> str:
    return f"/complaints/files/{proposal.files.get().public_id}/"


def test_the_filer_reads_the_submitted_answer_with_its_files_and_downloads_them_audited(client, rep, private_files):
    proposal = answered(submit(rep.user), files=("answer letter.pdf",))
    sign_in(client, rep.user)
    shown = page(client, proposal.complaint)
    assert "The MCO's answer" in shown and SECRET in shown
    assert "The MCO will pay or reprocess the claims." in shown
    assert f"The MCO's answer of {proposal.submitted_at.astimezone(CHICAGO):%B} " in shown
    assert file_url(proposal) in shown and "answer letter.pdf" in shown
    assert "Recorded by HFS" not in shown
    response = client.get(file_url(proposal))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;") and "no-store" in response["Cache-Control"]
    audit = AuditEvent.objects.get(action="attachment.downloaded")
    assert audit.actor == rep.user and audit.object_id == str(proposal.files.get().pk) and audit.request_id


def test_nobody_else_reads_the_answer_or_downloads_its_files(client, rep, private_files):
    proposal = answered(submit(rep.user), files=("answer.pdf",))
    complaint = proposal.complaint
    mco.proposal_reply(complaint=complaint, actor=rep.user, accept=False, reason="Disputed: the claim was clean.")
    colleague = RepresentativeFactory(organization=rep.organization)
    org_admin = RepresentativeFactory(organization=rep.organization, is_org_admin=True)
    stranger = RepresentativeFactory()
    for user in (colleague.user, org_admin.user, stranger.user):
        other = sign_in(Client(), user)
        assert other.get(f"/complaints/{complaint.public_id}/").status_code == 404
        assert other.get(file_url(proposal)).status_code == 404
        assert other.post(f"/complaints/{complaint.public_id}/reply/", {"reply": "accept"}).status_code == 404
        assert other.post(f"/complaints/{complaint.public_id}/extension/", {"reason": "x"}).status_code == 404
    assert not AuditEvent.objects.filter(action="attachment.downloaded").exists()
    # The organization administrator's own pages: status only, never the proposal or the reply.
    admin_client = sign_in(client, org_admin.user)
    for url in ("/complaints/organization/", "/complaints/", "/complaints/organization/?page=2"):
        response = admin_client.get(url)
        shown = text(response)
        assert SECRET not in shown and "the claim was clean" not in shown and "answer.pdf" not in shown
    assert complaint.reference in text(admin_client.get("/complaints/organization/"))
    assert Client().get(file_url(proposal)).status_code == 302  # anonymous: sign in first


def test_a_draft_is_never_shown_or_downloadable(client, rep, private_files):
    draft = answered(
        submit(rep.user), text="Draft wording the MCO may still change.", files=("d.pdf",), submit_it=False
    )
    sign_in(client, rep.user)
    shown = page(client, draft.complaint)
    assert "Draft wording" not in shown and "d.pdf" not in shown and file_url(draft) not in shown
    assert "Its answer is due by" in shown
    assert client.get(file_url(draft)).status_code == 404
    staff = triage_analyst()
    assert sign_in(Client(), staff).get(file_url(draft)).status_code == 404  # the MCO's work until submitted


def test_a_misdirected_answer_is_never_shown_or_downloadable(client, rep, private_files):
    proposal = answered(
        submit(rep.user), outcome="misdirected", text="Not our member: Pat is with Aetna.", files=("m.pdf",)
    )
    sign_in(client, rep.user)
    shown = page(client, proposal.complaint)
    assert "Status: In review at HFS" in shown
    assert "Not our member" not in shown and "m.pdf" not in shown and "Accept or dispute" not in shown
    assert client.get(file_url(proposal)).status_code == 404
    response = client.post(f"/complaints/{proposal.complaint.public_id}/reply/", {"reply": "accept"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.reply == ""


def test_accept_records_the_reply_and_shows_it_read_only(client, rep):
    proposal = answered(submit(rep.user))
    sign_in(client, rep.user)
    assert "You have until" in page(client, proposal.complaint)
    response = client.post(f"/complaints/{proposal.complaint.public_id}/reply/", {"reply": "accept", "reason": ""})
    assert response.status_code == 302 and response["Location"] == f"/complaints/{proposal.complaint.public_id}/"
    proposal.refresh_from_db()
    assert proposal.reply == MCOProposal.Reply.ACCEPTED and proposal.replied_by == rep.user
    shown = page(client, proposal.complaint)
    assert "You accepted this proposal" in shown and "You accepted the MCO's proposal" in shown
    assert "You have until" not in shown and 'name="reply"' not in shown


def test_dispute_with_a_reason_records_it(client, rep):
    proposal = answered(submit(rep.user))
    sign_in(client, rep.user)
    reason = "The authorization was on file on 10/01."
    response = client.post(f"/complaints/{proposal.complaint.public_id}/reply/", {"reply": "dispute", "reason": reason})
    assert response.status_code == 302
    assert reason not in response["Location"]  # nothing typed travels in the address
    proposal.refresh_from_db()
    assert (proposal.reply, proposal.reply_reason) == (MCOProposal.Reply.DISPUTED, reason)
    assert ComplaintEvent.objects.filter(complaint=proposal.complaint, kind="provider_disputed").count() == 1
    shown = page(client, proposal.complaint)
    assert "You disputed this proposal" in shown and "The authorization was on file on 10/01." in shown


def test_a_dispute_without_a_reason_is_explained_next_to_the_field_and_nothing_typed_is_lost(client, rep):
    proposal = answered(submit(rep.user))
    sign_in(client, rep.user)
    url = f"/complaints/{proposal.complaint.public_id}/reply/"
    response = client.post(url, {"reply": "dispute", "reason": "   "})
    shown = text(response)
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error:", shown) and "There is a problem" in shown
    assert shown.count("Write why you dispute the proposal.") == 2  # in the summary and next to the field
    assert re.search(r'<input[^>]*value="dispute"[^>]*checked', shown)  # the choice made is kept
    too_long = "x" * 5001
    shown = text(client.post(url, {"reply": "dispute", "reason": too_long}))
    assert too_long in shown and "shorten it to 5,000 or fewer" in shown
    proposal.refresh_from_db()
    assert proposal.reply == ""
    assert client.post(url, {}).status_code == 200  # no choice: said so, nothing recorded
    assert "Choose whether you accept or dispute the proposal." in text(client.post(url, {}))


def test_the_same_reply_sent_twice_is_recorded_once(client, rep):
    proposal = answered(submit(rep.user))
    sign_in(client, rep.user)
    url = f"/complaints/{proposal.complaint.public_id}/reply/"
    first = client.post(url, {"reply": "accept"})
    second = client.post(url, {"reply": "accept"})
    assert first.status_code == second.status_code == 302
    assert ComplaintEvent.objects.filter(complaint=proposal.complaint, kind="provider_accepted").count() == 1
    assert "Your reply to the MCO's proposal is recorded." in text(client.get(second["Location"]))
    # A change of mind after the reply changes nothing: the first reply stands.
    client.post(url, {"reply": "dispute", "reason": "Second thoughts."})
    proposal.refresh_from_db()
    assert proposal.reply == MCOProposal.Reply.ACCEPTED and proposal.reply_reason == ""


# Submitted on Monday November 16, 2026. Business days after it: Nov 17, 18, 19, 20, 23, 24, 25 (7), then
# Thanksgiving (Nov 26) and the day after (Nov 27, a state holiday) are skipped, then Nov 30 (8), Dec 1 (9),
# Dec 2 (10): the 10th business day is still open, Dec 3 (the 11th) is closed.
SUBMITTED_ON = datetime(2026, 11, 16, 10, 0, tzinfo=CHICAGO)


@pytest.mark.parametrize(
    ("today", "open_"),
    [(datetime(2026, 12, 2, 16, 0, tzinfo=CHICAGO), True), (datetime(2026, 12, 3, 9, 0, tzinfo=CHICAGO), False)],
)
def test_the_reply_window_is_10_business_days_with_illinois_holidays_skipped(client, rep, today, open_):
    with time_machine.travel(SUBMITTED_ON, tick=False):
        proposal = answered(submit(rep.user))
    assert mco.proposal_reply_deadline(proposal).isoformat() == "2026-12-02"
    with time_machine.travel(today, tick=False):
        sign_in(client, rep.user)
        shown = page(client, proposal.complaint)
        url = f"/complaints/{proposal.complaint.public_id}/reply/"
        if open_:
            assert "You have until December 2, 2026 to accept or dispute" in shown
            assert "has passed" not in shown
        else:
            assert "The time to reply (10 business days) has passed. HFS will decide." in shown
            assert 'name="reply"' not in shown and "You have until" not in shown
        response = client.post(url, {"reply": "dispute", "reason": "The claim was clean."})
        assert response.status_code == 302
        proposal.refresh_from_db()
        assert (proposal.reply == MCOProposal.Reply.DISPUTED) is open_
        if not open_:
            assert "have passed" in text(client.get(response["Location"]))


def test_the_provider_asks_for_the_one_extension_once(client, rep):
    complaint = presented(submit(rep.user))
    sign_in(client, rep.user)
    shown = page(client, complaint)
    assert "Ask for more time" in shown
    url = f"/complaints/{complaint.public_id}/extension/"
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and "Write why you ask for more time." in text(empty)
    assert not ExtensionRequest.objects.exists()
    response = client.post(url, {"reason": "We are sending the MCO the operative report."})
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(complaint=complaint)
    assert (request.party, request.requested_by, request.decision) == ("provider", rep.user, "pending")
    shown = text(client.get(response["Location"]))
    assert "You asked" in shown and "HFS has not decided yet." in shown and "Ask for more time" not in shown
    again = client.post(url, {"reason": "Once more."})
    assert "The one extension has already been asked for on this complaint." in text(client.get(again["Location"]))
    assert ExtensionRequest.objects.count() == 1
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="extension_requested").count() == 1


def test_after_the_mco_asked_the_provider_is_told_and_not_offered(client, rep):
    complaint = presented(submit(rep.user))
    mco.extension_request(complaint=complaint, actor=liaison(complaint), reason="Records requested from the plan.")
    sign_in(client, rep.user)
    shown = page(client, complaint)
    assert "The MCO asked" in shown and "Ask for more time" not in shown
    mco.extension_decide(complaint=complaint, actor=triage_analyst(), grant=True)
    complaint.refresh_from_db()
    shown = page(client, complaint)
    assert f"its answer is now due by {complaint.mco_answer_due:%B} {complaint.mco_answer_due.day}" in shown


def test_not_with_the_mco_no_extension_is_offered(client, rep):
    complaint = submit(rep.user)
    sign_in(client, rep.user)
    assert "Ask for more time" not in page(client, complaint)  # never presented: the section is not there
    proposal = answered(complaint)
    shown = page(client, proposal.complaint)
    assert "Ask for more time" not in shown
    assert "More time can be asked for only while the MCO has the complaint." in shown


def test_the_mcos_updates_read_as_updates_from_the_mco(client, rep):
    complaint = presented(submit(rep.user))
    mco.interim_post(complaint=complaint, actor=liaison(complaint), text="We asked our claims team to reprocess.")
    sign_in(client, rep.user)
    shown = page(client, complaint)
    assert "Update from the MCO" in shown and "We asked our claims team to reprocess." in shown


def test_the_complaint_page_reads_the_same_for_one_answer_or_three_rounds_with_files(client, rep, private_files):
    sign_in(client, rep.user)
    one = answered(submit(rep.user), files=("a.pdf",)).complaint
    few = queries(client, f"/complaints/{one.public_id}/")
    many = submit(rep.user)
    for round_ in range(3):
        proposal = answered(many, files=("a.pdf", "b.pdf", "c.pdf"), text=f"Round {round_ + 1}.")
        mco.proposal_reply(complaint=proposal.complaint, actor=rep.user, accept=False, reason="No.")
        many = proposal.complaint
    many.refresh_from_db()
    assert queries(client, f"/complaints/{many.public_id}/") == few
    shown = page(client, many)
    assert all(f"Round {n}." in shown for n in (1, 2, 3))


def test_the_mcos_part_costs_the_complaint_page_two_statements_at_most(client, rep, private_files):
    """The budget of tests/complaints/test_query_budget.py (8 for a complaint never presented: nothing more is read)
    plus, once presented, the proposals shown to the filer (one statement; the extension request comes joined
    with the complaint) and, when there are any, their files (one prefetch). Counted as there: in one frozen
    moment, so the session is read and not written."""
    from tests.complaints.test_query_budget import listing, statements

    complaint = presented(submit(rep.user))
    with time_machine.travel(timezone.now(), tick=False):
        sign_in(client, rep.user)
        sql = statements(client, "GET", f"/complaints/{complaint.public_id}/")
        assert len(sql) == 9, listing(sql)
        mco.extension_request(complaint=complaint, actor=rep.user, reason="Records on the way.")
        proposal = answered(complaint, files=("a.pdf", "b.pdf"))
        sql = statements(client, "GET", f"/complaints/{proposal.complaint.public_id}/")
        assert len(sql) == 10, listing(sql)
    assert len([s for s in sql if '"complaints_extensionrequest"' in s]) == 1  # joined in the complaint's statement


def test_an_answer_recorded_by_hfs_is_shown_as_such_and_can_be_answered(client, rep):
    complaint = presented(submit(rep.user))
    services.complaint_record_mco_answer(
        complaint=complaint,
        actor=triage_analyst(),
        note="By fax: we will reprocess part of the claims.",
        outcome="partial",
    )
    sign_in(client, rep.user)
    shown = page(client, complaint)
    assert "Recorded by HFS" in shown and "By fax: we will reprocess part of the claims." in shown
    assert "The MCO will pay or reprocess part of the claims." in shown and "You have until" in shown


def test_a_reply_sent_after_an_idle_sign_out_waits_on_the_complaint_page():
    from tests.accounts.test_session_rescue import idle_out, post, rep_user
    from tests.accounts.test_session_rescue import sign_in as sign_in_with_code

    browser = Client(enforce_csrf_checks=True)
    user = rep_user()
    proposal = answered(submit(user))
    url = f"/complaints/{proposal.complaint.public_id}/"
    sign_in_with_code(browser, user)
    assert "what you typed is kept until you sign in again" in text(browser.get(url))  # the dialog's promise
    idle_out(browser)
    response = post(browser, f"{url}reply/", {"reply": "dispute", "reason": "The member was eligible on 09/14."})
    assert response["Location"] == "/accounts/login/"
    assert sign_in_with_code(browser, user) == url
    shown = text(browser.get(url))
    assert "Welcome back. What you wrote is as you left it." in shown
    assert "The member was eligible on 09/14.</textarea>" in shown
    assert re.search(r'<input[^>]*value="dispute"[^>]*checked', shown)
    proposal.refresh_from_db()
    assert proposal.reply == ""  # nothing sent until the person checks it and sends it


def test_an_extension_request_that_can_no_longer_be_sent_is_shown_to_copy():
    from tests.accounts.test_session_rescue import idle_out, post, rep_user
    from tests.accounts.test_session_rescue import sign_in as sign_in_with_code

    browser = Client(enforce_csrf_checks=True)
    user = rep_user()
    complaint = presented(submit(user))
    url = f"/complaints/{complaint.public_id}/"
    sign_in_with_code(browser, user)
    idle_out(browser)
    post(browser, f"{url}extension/", {"reason": "We are sending the operative report."})
    mco.extension_request(complaint=complaint, actor=liaison(complaint), reason="Records requested.")  # meanwhile
    assert sign_in_with_code(browser, user) == url
    shown = text(browser.get(url))
    assert "This can no longer be sent, so it was not." in shown and "The MCO asked" in shown
    assert re.search(r"<textarea[^>]*readonly[^>]*>We are sending the operative report.</textarea>", shown)
    assert ExtensionRequest.objects.get().party == "mco"
