"""The MCO's complaint page and the filer's view of the MCO's part, after review (issue 18): the extension's date
said only in the round it moved, one accessible error summary per form, each audience's outcome words, files still
waiting for the virus scan never offered as links, and plain messages for a proposal that can no longer be sent."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import MCO
from complaints import admin_queue, selectors_mco, services, wording
from complaints.forms_mco import OUTCOME_CHOICES
from complaints.models import Attachment, Complaint, MCOProposal
from tests.complaints.factories import submit, triage_analyst
from tests.complaints.test_mco_walls import mco_user, presented
from tests.factories import RepresentativeFactory
from tests.helpers import PDF_BYTES, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():  # type: ignore[no-untyped-def]
    return RepresentativeFactory().user


@pytest.fixture
def liaison():  # type: ignore[no-untyped-def]
    return mco_user(MCO.objects.get(short_name="Molina"))


@pytest.fixture
def client_(liaison):  # type: ignore[no-untyped-def]
    return sign_in(Client(), liaison)


def answered(complaint: Complaint, liaison, outcome: str = "pay", text: str = "We will pay.") -> Complaint:  # type: ignore[no-untyped-def]
    services.proposal_save_draft(complaint=complaint, actor=liaison, outcome=outcome, text=text)
    services.proposal_submit(complaint=complaint, actor=liaison)
    complaint.refresh_from_db()
    return complaint


def granted(complaint: Complaint, liaison) -> Complaint:  # type: ignore[no-untyped-def]
    services.extension_request(complaint=complaint, actor=liaison, reason="Records are archived.")
    services.extension_decide(complaint=complaint, actor=triage_analyst(), grant=True)
    complaint.refresh_from_db()
    return complaint


# --- The extension's date, in the round it moved -------------------------------------------------------------


def test_a_granted_extension_moves_the_date_of_its_own_round_only(client_, rep, liaison):
    complaint = granted(presented(submit(rep)), liaison)
    moved = f"{complaint.mco_answer_due:%B} {complaint.mco_answer_due.day}, {complaint.mco_answer_due.year}"
    mco_page = client_.get(f"/mco/{complaint.public_id}/").content.decode()
    assert f"your answer is now due {moved}" in mco_page
    rep_page = sign_in(Client(), rep).get(f"/complaints/{complaint.public_id}/").content.decode()
    assert f"its answer is now due by {moved}" in rep_page
    # HFS sends it back after the MCO's answer: round 2 has its own date, which no extension moved.
    complaint = services.complaint_forward_to_mco(complaint=answered(complaint, liaison), actor=triage_analyst())
    mco_page = client_.get(f"/mco/{complaint.public_id}/").content.decode()
    assert "your answer is now due" not in mco_page and "in an earlier round" in mco_page
    rep_page = sign_in(Client(), rep).get(f"/complaints/{complaint.public_id}/").content.decode()
    assert "its answer is now due by" not in rep_page and "in an earlier round" in rep_page


# --- One error summary per form --------------------------------------------------------------------------------


def summaries(page: str) -> list[str]:
    return re.findall(r'<div class="usa-alert usa-alert--error portal-error-summary[^>]*>', page)


def assert_summary_links_resolve(page: str) -> None:
    (summary,) = summaries(page)
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', summary)
    assert labelled_by and f'id="{labelled_by.group(1)}"' in page
    block = page[page.index(summary) :]
    block = block[: block.index("</ul>")]
    targets = re.findall(r'href="#([^"]+)"', block)
    assert targets and all(f'id="{target}"' in page for target in targets), targets


@pytest.mark.parametrize(
    ("endpoint", "data"),
    [
        ("proposal", {"action": "submit", "text": ""}),
        ("update", {"text": " "}),
        ("extension", {"reason": ""}),
    ],
)
def test_each_forms_error_summary_is_labelled_and_links_to_its_fields(client_, rep, endpoint, data):
    complaint = presented(submit(rep))
    page = client_.post(f"/mco/{complaint.public_id}/{endpoint}/", data).content.decode()
    assert_summary_links_resolve(page)


def test_the_filers_reply_error_summary_is_not_a_heading_above_its_section(rep, liaison):
    complaint = answered(presented(submit(rep)), liaison)
    client = sign_in(Client(), rep)
    page = client.post(f"/complaints/{complaint.public_id}/reply/", {"reply": "dispute", "reason": ""}).content.decode()
    assert_summary_links_resolve(page)
    headings = re.findall(r"<h([1-6])[^>]*>\s*([^<]*)", page)
    position = next(i for i, (_, text) in enumerate(headings) if text.strip() == "There is a problem")
    # The summary's h2 sits in a section whose own heading is an h2 (not an h3 above an h2).
    assert headings[position][0] == "2" and int(headings[position - 1][0]) <= 2, headings


# --- The outcome in each audience's words ----------------------------------------------------------------------


def test_each_audience_reads_the_outcome_in_its_own_words(client_, rep, liaison):
    assert [value for value, _ in OUTCOME_CHOICES] == list(MCOProposal.Outcome.values)
    assert dict(OUTCOME_CHOICES)["partial"] == wording.OUTCOME_FOR_MCO["partial"]
    queue_words = wording.OUTCOME_FOR_STAFF_QUEUE["partial"]
    assert admin_queue.mco_answer_words("partial", "") == f"{queue_words}\xa0· no reply yet"
    complaint = answered(presented(submit(rep)), liaison, outcome="partial", text="Half.")
    mco_page = client_.get(f"/mco/{complaint.public_id}/").content.decode()
    assert wording.OUTCOME_FOR_MCO["partial"] in mco_page and MCOProposal.Outcome.PARTIAL.label not in mco_page
    rep_page = sign_in(Client(), rep).get(f"/complaints/{complaint.public_id}/").content.decode()
    assert wording.OUTCOME_FOR_PROVIDER["partial"] in rep_page


# --- Files waiting for the virus scan --------------------------------------------------------------------------


def test_proposal_files_waiting_for_the_scan_are_not_links(client_, rep, liaison, private_files):
    complaint = presented(submit(rep))
    address = f"/mco/{complaint.public_id}/proposal/"
    upload = SimpleUploadedFile("letter.pdf", PDF_BYTES)
    client_.post(address, {"action": "add_file", "outcome": "pay", "text": "Paid.", "file": upload})
    file = Attachment.objects.get(proposal__complaint=complaint)
    Attachment.objects.filter(pk=file.pk).update(scan_status=Attachment.ScanStatus.PENDING)
    download = f"/mco/files/{file.public_id}/"
    draft = client_.get(f"/mco/{complaint.public_id}/").content.decode()
    assert "letter.pdf" in draft and "waiting for the virus scan" in draft and download not in draft
    client_.post(address, {"action": "submit", "outcome": "pay", "text": "Paid."})
    sent = client_.get(f"/mco/{complaint.public_id}/").content.decode()
    assert "letter.pdf" in sent and "waiting for the virus scan" in sent and download not in sent


# --- Messages when a proposal cannot be sent --------------------------------------------------------------------


def test_a_submit_after_hfs_recorded_the_answer_says_so(client_, rep):
    complaint = presented(submit(rep))
    services.complaint_record_mco_answer(
        complaint=complaint, actor=triage_analyst(), note="By fax: paid.", outcome="pay"
    )
    response = client_.post(
        f"/mco/{complaint.public_id}/proposal/", {"action": "submit", "outcome": "pay", "text": "Paid."}, follow=True
    )
    page = response.content.decode()
    assert "HFS has already recorded" in page and "already sent to HFS" not in page


def test_a_second_submit_that_crossed_the_first_says_it_is_sent(client_, rep, liaison, monkeypatch):
    """The second click read the proposal before the first one was sent: the service refuses it as sent; the page
    says it is sent (information), not that something went wrong."""
    complaint = answered(presented(submit(rep)), liaison)
    reads = []
    original = selectors_mco.proposal_current_for_mco

    def stale_first(*, complaint):  # type: ignore[no-untyped-def]
        reads.append(1)
        return None if len(reads) == 1 else original(complaint=complaint)

    monkeypatch.setattr(selectors_mco, "proposal_current_for_mco", stale_first)
    response = client_.post(
        f"/mco/{complaint.public_id}/proposal/", {"action": "submit", "outcome": "pay", "text": "Again."}, follow=True
    )
    page = response.content.decode()
    assert "Your proposal for this round is already sent to HFS." in page
    assert "usa-alert--error" not in page and "has already been sent" not in page


def test_a_file_over_the_size_limit_is_named(client_, rep, private_files):
    complaint = presented(submit(rep))
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"\0" * (21 * 1024 * 1024))
    page = client_.post(
        f"/mco/{complaint.public_id}/proposal/", {"action": "add_file", "outcome": "pay", "text": "Kept.", "file": big}
    ).content.decode()
    assert "big.pdf is larger than 20 MB" in page and "Choose a file to attach." not in page and "Kept." in page
    assert not Attachment.objects.filter(proposal__complaint=complaint).exists()
