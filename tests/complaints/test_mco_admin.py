"""Issue 18 items 5-8, the HFS staff side in the admin (DESIGN §11): the one extension granted or refused from the
complaint page's buttons and the queue's actions, each round's submitted proposal on the complaint page (never a
draft), sending a complaint back to the MCO for a new round, closing one filed against the wrong MCO, and the queue's
"MCO answer" column with its reply and extension filters — at a constant number of statements."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from accounts.models import MCOMembership, User
from accounts.services.users import staff_user_create
from complaints import services
from complaints.models import Complaint, ComplaintEvent, ExtensionRequest, MCOProposal
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory, UserFactory
from tests.helpers import PDF_BYTES, sign_in

pytestmark = pytest.mark.django_db

QUEUE = "/admin/complaints/complaint/"
SECRET = "Proposal canary: we will reprocess claim CLM-7 for Pat Example."
DRAFT = "Draft canary: still deciding about CLM-9."
REASON = "Reason canary: the claims system is down until Friday."


@pytest.fixture
def analyst() -> User:
    return staff_user_create(email="ana@hfs.example", full_name="Ana", password=None, group_name=roles.TRIAGE_ANALYST)


@pytest.fixture
def staff_client(analyst):  # type: ignore[no-untyped-def]
    return sign_in(Client(), analyst)


@pytest.fixture
def reporting_client():  # type: ignore[no-untyped-def]
    reporter = staff_user_create(email="rita@hfs.example", full_name="Rita", password=None, group_name=roles.REPORTING)
    return sign_in(Client(), reporter)


@pytest.fixture
def rep():  # type: ignore[no-untyped-def]
    return RepresentativeFactory().user


def liaison_of(complaint: Complaint) -> User:
    """An active user of the complaint's MCO."""
    membership = MCOMembership.objects.active().filter(mco_id=complaint.mco_id).first()
    if membership is None:
        membership = MCOMembership.objects.create(user=UserFactory(), mco=complaint.mco)
    return membership.user


def presented(complaint: Complaint, analyst: User) -> Complaint:
    complaint = services.complaint_take(complaint=complaint, actor=analyst)
    return services.complaint_forward_to_mco(complaint=complaint, actor=analyst)


def answered(complaint: Complaint, *, outcome: str = "pay", text: str = SECRET, files: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """The MCO's liaison writes this round's proposal, attaches ``files`` and sends it."""
    liaison = liaison_of(complaint)
    proposal = services.proposal_save_draft(complaint=complaint, actor=liaison, outcome=outcome, text=text)
    for name in files:
        services.proposal_file_add(proposal=proposal, actor=liaison, upload=SimpleUploadedFile(name, PDF_BYTES))
    return services.proposal_submit(complaint=complaint, actor=liaison)


def replied(complaint: Complaint, rep: User, *, accept: bool) -> MCOProposal:
    return services.proposal_reply(
        complaint=complaint, actor=rep, accept=accept, reason="" if accept else "The EOB says otherwise."
    )


def asked(complaint: Complaint) -> ExtensionRequest:
    return services.extension_request(complaint=complaint, actor=liaison_of(complaint), reason=REASON)


def change_page(client: Client, complaint: Complaint) -> str:
    response = client.get(f"{QUEUE}{complaint.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def act(client: Client, action: str, *complaints: Complaint, **fields: str):  # type: ignore[no-untyped-def]
    data = {"action": action, "_selected_action": [c.pk for c in complaints], **fields}
    return client.post(QUEUE, data, follow=True)


def shown(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# --- The one extension --------------------------------------------------------------------------------------------


def test_the_change_page_shows_the_request_and_its_grant_button_moves_the_due_date_30_calendar_days(
    staff_client, analyst, rep
):
    complaint = presented(submit(rep), analyst)
    due = complaint.mco_answer_due
    asked(complaint)
    page = change_page(staff_client, complaint)
    assert "The MCO (" in page and REASON in page and "Waiting for HFS" in page
    assert 'form="extension-decision"' in page and 'value="extension_grant"' in page
    assert 'value="extension_refuse"' in page
    # The decision form stands outside the admin's own form (browsers drop nested forms), with its CSRF token.
    admin_form_end = page.index("</form>", page.index('id="complaint_form"'))
    decision_form = page[page.index('<form id="extension-decision"') :]
    assert page.index('<form id="extension-decision"') > admin_form_end
    assert "csrfmiddlewaretoken" in decision_form.split("</form>")[0]

    # What the page's "Grant the extension" button sends: its form, the note and the button's action.
    response = act(staff_client, "extension_grant", complaint, apply="1", note="Once, as the rule allows.")
    assert "Extensions granted: 1." in shown(response)
    complaint.refresh_from_db()
    assert complaint.mco_answer_due == due + datetime.timedelta(days=30) and complaint.mco_extension_granted
    extension = ExtensionRequest.objects.get(complaint=complaint)
    assert (extension.decision, extension.decided_by, extension.decision_note) == (
        "granted",
        analyst,
        "Once, as the rule allows.",
    )
    assert complaint.events.filter(kind=ComplaintEvent.Kind.MCO_EXTENSION).count() == 1
    page = change_page(staff_client, complaint)
    assert "Granted by Ana" in page and 'value="extension_grant"' not in page


def test_refusing_needs_a_reason_and_keeps_the_due_date(staff_client, analyst, rep):
    complaint = presented(submit(rep), analyst)
    due = complaint.mco_answer_due
    asked(complaint)
    response = act(staff_client, "extension_refuse", complaint, apply="1", note="  ")
    assert response.templates[0].name == "admin/action_form.html"
    assert "Say why the extension is refused." in shown(response)
    assert ExtensionRequest.objects.get(complaint=complaint).decision == "pending"
    response = act(staff_client, "extension_refuse", complaint, apply="1", note="The MCO had the records.")
    assert "Extension requests refused: 1." in shown(response)
    complaint.refresh_from_db()
    assert complaint.mco_answer_due == due and not complaint.mco_extension_granted
    assert ExtensionRequest.objects.get(complaint=complaint).decision == "refused"
    assert complaint.events.filter(kind=ComplaintEvent.Kind.EXTENSION_REFUSED).count() == 1


def test_the_queue_grants_in_one_click_and_refuses_through_its_form(staff_client, analyst, rep):
    first, second, third = (presented(submit(rep), analyst) for _ in range(3))
    for complaint in (first, second, third):
        asked(complaint)
    response = act(staff_client, "extension_grant", first, second)
    assert "Extensions granted: 2." in shown(response)
    form = act(staff_client, "extension_refuse", third)
    assert form.templates[0].name == "admin/action_form.html"
    assert "Why the extension is refused" in shown(form) and third.reference in shown(form)
    act(staff_client, "extension_refuse", third, apply="1", note="Not needed.")
    decisions = dict(ExtensionRequest.objects.values_list("complaint_id", "decision"))
    assert decisions == {first.pk: "granted", second.pk: "granted", third.pk: "refused"}


def test_a_second_decision_is_refused_with_a_clear_message_and_moves_nothing(staff_client, analyst, rep):
    complaint = presented(submit(rep), analyst)
    asked(complaint)
    act(staff_client, "extension_grant", complaint)
    complaint.refresh_from_db()
    due = complaint.mco_answer_due
    for action, fields in (("extension_grant", {}), ("extension_refuse", {"apply": "1", "note": "Changed mind."})):
        response = act(staff_client, action, complaint, **fields)
        assert (
            f"{complaint.reference}: There is no request for an extension waiting for a decision on this complaint."
            in shown(response)
        )
    complaint.refresh_from_db()
    assert complaint.mco_answer_due == due
    assert ExtensionRequest.objects.get(complaint=complaint).decision == "granted"
    assert complaint.events.filter(kind=ComplaintEvent.Kind.MCO_EXTENSION).count() == 1


def test_the_reporting_group_the_mco_and_representatives_cannot_decide(reporting_client, analyst, rep):
    complaint = presented(submit(rep), analyst)
    asked(complaint)
    page = change_page(reporting_client, complaint)
    assert "Waiting for HFS" in page and "The MCO (" in page
    assert 'value="extension_grant"' not in page and REASON not in page  # the reason may hold PHI
    act(reporting_client, "extension_grant", complaint, apply="1")
    for user in (rep, liaison_of(complaint)):
        response = sign_in(Client(), user).post(
            QUEUE, {"action": "extension_grant", "_selected_action": [complaint.pk], "apply": "1"}
        )
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert ExtensionRequest.objects.get(complaint=complaint).decision == "pending"
    complaint.refresh_from_db()
    assert not complaint.mco_extension_granted


# --- Proposals on the complaint page ------------------------------------------------------------------------------


def test_the_page_shows_each_submitted_round_with_its_files_marker_and_reply_and_never_a_draft(
    staff_client, analyst, rep, private_files
):
    complaint = presented(submit(rep), analyst)
    first = answered(complaint, outcome="upheld", files=("answer letter.pdf",))
    replied(complaint, rep, accept=False)
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=analyst, note="Look again at CLM-7.")
    # Round 2's answer came by fax: staff record it through the action's form, with its outcome.
    form = act(staff_client, "mco_answer", complaint)
    assert "recorded by HFS" in shown(form) and "What the MCO answered" in shown(form)
    act(staff_client, "mco_answer", complaint, apply="1", outcome="pay", note="Faxed: we will pay CLM-7.")
    second = MCOProposal.objects.get(complaint=complaint, round=2)
    assert second.recorded_by_hfs and second.outcome == "pay" and second.is_submitted

    page = change_page(staff_client, complaint)
    assert "<h3>Round 1</h3>" in page and "<h3>Round 2 · recorded by HFS</h3>" in page
    assert SECRET in page and "Faxed: we will pay CLM-7." in page
    assert "Our decision is upheld" in page and "We will pay or reprocess the claims" in page
    assert f'<a href="/complaints/files/{first.files.get().public_id}/">answer letter.pdf</a>' in page
    assert "Disputed on" in page and "The EOB says otherwise." in page
    assert "No reply yet (the provider can reply until" in page

    # Round 3: the MCO's draft, with a file, is its own until it sends it.
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=analyst, note="Once more.")
    liaison = liaison_of(complaint)
    draft = services.proposal_save_draft(complaint=complaint, actor=liaison, outcome="partial", text=DRAFT)
    draft_file = services.proposal_file_add(
        proposal=draft, actor=liaison, upload=SimpleUploadedFile("draft note.pdf", PDF_BYTES)
    )
    page = change_page(staff_client, complaint)
    assert DRAFT not in page and "draft note.pdf" not in page and "Round 3" not in page
    assert staff_client.get(f"/complaints/files/{draft_file.public_id}/").status_code == 404
    queue = staff_client.get(QUEUE).content.decode()
    assert "pays in part" not in queue


def test_record_the_mcos_answer_needs_its_outcome(staff_client, analyst, rep):
    complaint = presented(submit(rep), analyst)
    response = act(staff_client, "mco_answer", complaint, apply="1", note="They will pay.")
    assert response.templates[0].name == "admin/action_form.html"
    assert "Choose what the MCO answered." in shown(response)
    assert not MCOProposal.objects.exists()
    act(staff_client, "mco_answer", complaint, apply="1", note="Asked for time by phone.", extension="on")
    complaint.refresh_from_db()
    assert complaint.mco_extension_granted and ExtensionRequest.objects.get(complaint=complaint).decision == "granted"


def test_the_reporting_group_sees_each_answers_outcome_without_its_text_files_or_reply_reason(
    reporting_client, analyst, rep, private_files
):
    complaint = presented(submit(rep), analyst)
    answered(complaint, outcome="upheld", files=("answer letter.pdf",))
    replied(complaint, rep, accept=False)
    page = change_page(reporting_client, complaint)
    assert "Round 1" in page and "Our decision is upheld" in page and "Disputed on" in page
    for phi in (SECRET, "answer letter.pdf", "The EOB says otherwise."):
        assert phi not in page


# --- After the MCO answered ---------------------------------------------------------------------------------------


def test_send_back_starts_a_new_round_that_the_mco_sees_again_with_the_note(staff_client, analyst, rep):
    complaint = presented(submit(rep), analyst)
    answered(complaint, outcome="upheld")
    replied(complaint, rep, accept=False)
    form = act(staff_client, "send_back", complaint)
    assert "What the MCO should look at again" in shown(form)
    response = act(staff_client, "send_back", complaint, apply="1", note="The provider sent the EOB: look again.")
    assert "Sent 1 back to the MCO" in shown(response)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.mco_round) == ("awaiting_mco", 2)
    assert complaint.mco_answer_due == timezone.localdate() + datetime.timedelta(days=30)
    liaison = sign_in(Client(), liaison_of(complaint))
    assert complaint.reference in liaison.get("/mco/").content.decode()
    mco_page = liaison.get(f"/mco/{complaint.public_id}/").content.decode()
    assert "The provider sent the EOB: look again." in mco_page
    proposal = services.proposal_save_draft(
        complaint=complaint, actor=liaison_of(complaint), outcome="pay", text="We will pay after all."
    )
    assert proposal.round == 2


def test_a_misdirected_answer_is_closed_as_filed_against_the_wrong_mco(
    staff_client, analyst, rep, django_capture_on_commit_callbacks
):
    complaint = presented(submit(rep), analyst)
    answered(complaint, outcome="misdirected", text="Not our member: the member is with another plan.")
    assert "not its complaint" in staff_client.get(QUEUE).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(staff_client, "close_wrong_mco", complaint)
    assert "Closed 1; the representatives are offered a new complaint against the right MCO." in shown(response)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closure_reason) == ("closed", "wrong_mco")
    assert [m.to for m in mail.outbox] == [[complaint.contact_email]]


# --- The queue ----------------------------------------------------------------------------------------------------


def listed(client: Client, query: str) -> str:
    response = client.get(QUEUE + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_reply_filter_and_column_read_this_rounds_answer_of_open_complaints(staff_client, analyst, rep):
    def answered_complaint(outcome: str = "pay") -> Complaint:
        complaint = presented(submit(rep), analyst)
        answered(complaint, outcome=outcome)
        return complaint

    accepted, disputed, waiting = answered_complaint(), answered_complaint("partial"), answered_complaint()
    replied(accepted, rep, accept=True)
    replied(disputed, rep, accept=False)
    misdirected = answered_complaint("misdirected")
    sent_back = answered_complaint("upheld")
    replied(sent_back, rep, accept=False)
    services.complaint_forward_to_mco(complaint=sent_back, actor=analyst, note="Look again.")
    resolved = answered_complaint()
    replied(resolved, rep, accept=True)
    services.complaint_resolve(complaint=resolved, actor=analyst, outcome_code="paid", outcome_text="Paid.")
    not_presented = submit(rep)

    everyone = [accepted, disputed, waiting, misdirected, sent_back, resolved, not_presented]
    expected = {"accepted": {accepted}, "disputed": {disputed}, "none": {waiting}}
    for value, matching in expected.items():
        page = listed(staff_client, f"?reply={value}")
        assert {c for c in everyone if c.reference in page} == matching, value

    queue = listed(staff_client, "")

    def row(complaint: Complaint) -> str:
        return queue[queue.index(complaint.reference) :].split("</tr>")[0]

    assert "pays\N{NO-BREAK SPACE}· accepted" in row(accepted)
    assert "pays in part\N{NO-BREAK SPACE}· disputed" in row(disputed)
    assert "pays\N{NO-BREAK SPACE}· no reply yet" in row(waiting)
    assert "not its complaint" in row(misdirected)
    assert '<td class="field-mco_answer">-</td>' in row(sent_back)  # round 2 waits for the MCO
    assert '<td class="field-mco_answer">-</td>' in row(not_presented)


def test_the_extension_filter(staff_client, analyst, rep):
    waiting, granted, refused, none = (presented(submit(rep), analyst) for _ in range(4))
    for complaint in (waiting, granted, refused):
        asked(complaint)
    services.extension_decide(complaint=granted, actor=analyst, grant=True)
    services.extension_decide(complaint=refused, actor=analyst, grant=False, note="No.")
    never_presented = submit(rep)
    # A request still waiting after the MCO answered is still HFS's to decide; a granted one that was answered no
    # longer holds the MCO to a date.
    answered_while_asked, answered_after_grant = (presented(submit(rep), analyst) for _ in range(2))
    asked(answered_while_asked)
    answered(answered_while_asked)
    asked(answered_after_grant)
    services.extension_decide(complaint=answered_after_grant, actor=analyst, grant=True)
    answered(answered_after_grant)
    everyone = [waiting, granted, refused, none, never_presented, answered_while_asked, answered_after_grant]
    # Granted, refused and none describe the date the MCO is held to: complaints waiting for its answer.
    expected = {
        "waiting": {waiting},  # the request lapsed when the MCO answered
        "granted": {granted},
        "refused": {refused},
        "none": {none},
    }
    for value, matching in expected.items():
        page = listed(staff_client, f"?extension={value}")
        assert {c for c in everyone if c.reference in page} == matching, value


def queue_statements(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(QUEUE).status_code == 200
    return len(captured)


def test_the_queue_runs_the_same_statements_for_2_and_6_answered_complaints(staff_client, analyst, rep):
    def answered_and_replied(accept: bool) -> None:
        complaint = presented(submit(rep), analyst)
        asked(complaint)
        answered(complaint)
        replied(complaint, rep, accept=accept)

    for accept in (True, False):
        answered_and_replied(accept)
    queue_statements(staff_client)  # warm what a running server keeps
    few = queue_statements(staff_client)
    for accept in (True, False, True, False):
        answered_and_replied(accept)
    assert queue_statements(staff_client) == few
    assert listed(staff_client, "").count("\N{NO-BREAK SPACE}· ") == 6


def test_the_complaint_page_reads_the_same_for_one_round_or_three_with_files(staff_client, analyst, rep, private_files):
    def statements(complaint: Complaint) -> int:
        change_page(staff_client, complaint)
        with CaptureQueriesContext(connection) as captured:
            change_page(staff_client, complaint)
        return len(captured)

    one = presented(submit(rep), analyst)
    asked(one)
    answered(one, files=("a.pdf",))
    three = presented(submit(rep), analyst)
    asked(three)
    for n in range(3):
        if n:
            three = services.complaint_forward_to_mco(complaint=three, actor=analyst, note="Again.")
        answered(three, files=(f"b{n}.pdf", f"c{n}.pdf"))
        replied(three, rep, accept=False)
    assert statements(three) == statements(one)


def test_staff_texts_the_mco_and_provider_read_follow_the_portals_rules(staff_client, analyst, rep):
    complaint = presented(submit(rep), analyst)
    answered(complaint, outcome="upheld", text="Our decision stands.")
    hidden = act(staff_client, "send_back", complaint, apply="1", note="Look again \u202eevil\x07")
    assert "hidden formatting" in shown(hidden).lower() or "special character" in shown(hidden).lower()
    too_long = act(staff_client, "send_back", complaint, apply="1", note="x" * 5001)
    assert "5000" in shown(too_long) or "5,000" in shown(too_long)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.mco_round) == ("in_review", 1)  # nothing was sent back
