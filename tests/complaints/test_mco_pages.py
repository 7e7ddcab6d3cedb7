"""The MCO's queue, export and complaint page with its forms (issue 18 items 3-5)."""

import csv
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import MCO
from complaints import services
from complaints.models import Category, Complaint, ComplaintEvent, ExtensionRequest, MCOProposal
from portal.csv import csv_cell
from tests.complaints.factories import submit
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


def due_in(complaint: Complaint, days: int) -> Complaint:
    Complaint.objects.filter(pk=complaint.pk).update(mco_answer_due=timezone.localdate() + timedelta(days=days))
    complaint.refresh_from_db()
    return complaint


def references(page: str) -> list[str]:
    return re.findall(r">(MCO-\d{4}-\d{6})</a>", page)


@pytest.fixture
def queue(rep, liaison):  # type: ignore[no-untyped-def]
    """Awaiting: due in 20 days, overdue by 2, due in 3 (expedited); answered (with HFS); resolved."""
    later = due_in(presented(submit(rep, subject="Later")), 20)
    overdue = due_in(presented(submit(rep, subject="Overdue")), -2)
    soon = due_in(presented(submit(rep, subject="Soon")), 3)
    Complaint.objects.filter(pk=soon.pk).update(expedited=True)
    answered = presented(submit(rep, subject="Answered", category=Category.objects.get(code="claim-denial")))
    services.proposal_save_draft(complaint=answered, actor=liaison, outcome="upheld", text="Denied correctly.")
    services.proposal_submit(complaint=answered, actor=liaison)
    done = presented(submit(rep, subject="Closed"))
    services.complaint_close(complaint=done, actor=services_staff(), reason=Complaint.ClosureReason.DUPLICATE)
    submit(rep, subject="Never presented")
    return {"later": later, "overdue": overdue, "soon": soon, "answered": answered, "done": done}


def services_staff():  # type: ignore[no-untyped-def]
    from tests.complaints.factories import triage_analyst

    return triage_analyst()


def test_awaiting_our_answer_first_by_due_date_then_the_rest(client_, queue):
    page = client_.get("/mco/").content.decode()
    expected = [queue[name].reference for name in ("overdue", "soon", "later", "answered", "done")]
    assert references(page) == expected
    assert "Overdue by 2 days" in page and "(3 days left)" in page and "Expedited" in page
    assert "Awaiting our answer" in page and "Answered — with HFS" in page and "Resolved or closed" in page


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("status=awaiting", ["overdue", "soon", "later"]),
        ("status=answered", ["answered"]),
        ("status=resolved", ["done"]),
        ("due=soon", ["soon"]),
        ("due=overdue", ["overdue"]),
        ("expedited=yes", ["soon"]),
        ("status=resolved&due=overdue", []),
        ("status=nonsense", ["overdue", "soon", "later", "answered", "done"]),
    ],
)
def test_the_queues_filters(client_, queue, query, names):
    assert references(client_.get(f"/mco/?{query}").content.decode()) == [queue[n].reference for n in names]


def test_the_category_filter(client_, queue):
    other = Category.objects.exclude(code="claim-denial").first()
    Complaint.objects.filter(pk=queue["later"].pk).update(category=other)
    page = client_.get(f"/mco/?category={other.pk}").content.decode()
    assert references(page) == [queue["later"].reference]


def test_search_by_reference_in_any_case_or_by_our_own_tracking_number(client_, queue):
    reference = queue["soon"].reference
    assert references(client_.get(f"/mco/?q={reference.lower()}").content.decode()) == [reference]
    Complaint.objects.filter(pk=queue["later"].pk).update(mco_reference="MOL-TRACK-77")
    assert references(client_.get("/mco/?q=MOL-TRACK-77").content.decode()) == [queue["later"].reference]
    assert references(client_.get("/mco/?q=MOL-TRACK").content.decode()) == []  # exact only


def test_the_queue_reads_a_constant_number_of_statements(client_, rep, liaison):
    def count() -> int:
        client_.get("/mco/")
        with CaptureQueriesContext(connection) as captured:
            assert client_.get("/mco/").status_code == 200
        return len(captured)

    for _ in range(2):
        presented(submit(rep))
    few = count()
    for _ in range(6):
        presented(submit(rep))
    assert count() == few


def test_the_export_is_the_filtered_queue_formula_safe(client_, queue):
    Complaint.objects.filter(pk=queue["later"].pk).update(subject="=HYPERLINK(1)", mco_reference="+1-555")
    response = client_.get("/mco/export.csv?status=awaiting")
    assert response["Content-Type"].startswith("text/csv") and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "reference" and [row[0] for row in rows[1:]] == [
        queue[name].reference for name in ("overdue", "soon", "later")
    ]
    later = rows[3]
    assert later[3] == "'=HYPERLINK(1)" and later[8] == "'+1-555" and later[4] == "Awaiting our answer"


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("MOL-1", "MOL-1")],
)
def test_csv_cells_never_start_a_formula(value, safe):
    assert csv_cell(value) == safe


def test_the_page_shows_the_clock_and_the_extension_state(client_, rep, liaison):
    with time_machine.travel(timezone.now().replace(year=2026, month=12, day=1, hour=15), tick=False):
        complaint = presented(submit(rep))
        page = client_.get(f"/mco/{complaint.public_id}/").content.decode()
    # Presented Tuesday December 1, 2026: due 30 calendar days later, December 31 (Christmas Day a holiday).
    assert "December 31, 2026" in page and "30 calendar days" in page and "21 business days" in page
    assert "not asked for" in page and "Ask for the extension" in page


def test_ask_for_the_extension_once(client_, rep):
    complaint = presented(submit(rep))
    address = f"/mco/{complaint.public_id}/extension/"
    empty = client_.post(address, {"reason": ""})
    assert empty.status_code == 200 and "Say why you need more time." in empty.content.decode()
    assert client_.post(address, {"reason": "Records are archived."}).status_code == 302
    request = ExtensionRequest.objects.get(complaint=complaint)
    assert request.party == "mco" and request.decision == "pending"
    page = client_.get(f"/mco/{complaint.public_id}/").content.decode()
    assert "waiting for HFS to decide" in page and "Ask for the extension</button>" not in page
    again = client_.post(address, {"reason": "Still more time."}, follow=True).content.decode()
    assert "already been asked for" in again and ExtensionRequest.objects.filter(complaint=complaint).count() == 1
    # From a page left open before the request: even with no reason typed, it hears that the one was asked for.
    stale = client_.post(address, {"reason": ""}, follow=True).content.decode()
    assert "already been asked for" in stale and "Say why you need more time." not in stale


def test_post_a_progress_update(client_, rep):
    complaint = presented(submit(rep))
    due = complaint.mco_answer_due
    assert "Write the update." in client_.post(f"/mco/{complaint.public_id}/update/", {"text": " "}).content.decode()
    assert client_.post(f"/mco/{complaint.public_id}/update/", {"text": "Reprocessing now."}).status_code == 302
    event = complaint.events.get(kind=ComplaintEvent.Kind.MCO_INTERIM)
    assert event.shared_with_provider and event.note == "Reprocessing now."
    complaint.refresh_from_db()
    assert complaint.mco_answer_due == due and complaint.status == Complaint.Status.AWAITING_MCO
    assert "Reprocessing now." in client_.get(f"/mco/{complaint.public_id}/").content.decode()


def test_the_proposal_draft_files_and_submit(client_, rep, private_files):
    complaint = presented(submit(rep))
    address = f"/mco/{complaint.public_id}/proposal/"
    # Submitting an empty proposal: the errors next to the fields and in the summary; nothing sent.
    page = client_.post(address, {"action": "submit", "text": ""}).content.decode()
    assert "There is a problem" in page and "Choose your answer." in page and "Write your proposal." in page
    # What was typed is kept with a file attached (the draft is saved first).
    upload = SimpleUploadedFile("answer.pdf", PDF_BYTES)
    response = client_.post(address, {"action": "add_file", "outcome": "partial", "text": "Half.", "file": upload})
    assert response.status_code == 302
    proposal = MCOProposal.objects.get(complaint=complaint)
    assert (proposal.outcome, proposal.text, proposal.files.count(), proposal.submitted_at) == (
        "partial",
        "Half.",
        1,
        None,
    )
    page = client_.get(f"/mco/{complaint.public_id}/").content.decode()
    assert "answer.pdf" in page and "Half." in page and "Awaiting our answer" in page
    # Submit, then the same submit again: one proposal, one event.
    assert client_.post(address, {"action": "submit", "outcome": "partial", "text": "Half paid."}).status_code == 302
    assert client_.post(address, {"action": "submit", "outcome": "partial", "text": "Half paid."}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.is_submitted and proposal.text == "Half paid."
    assert complaint.events.filter(kind=ComplaintEvent.Kind.MCO_PROPOSAL).count() == 1
    page = client_.get(f"/mco/{complaint.public_id}/").content.decode()
    assert "Answered — with HFS" in page and "Half paid." in page and "Submit the proposal" not in page


def test_a_file_the_checks_refuse_is_said_next_to_the_file_field(client_, rep, private_files):
    complaint = presented(submit(rep))
    bad = SimpleUploadedFile("script.pdf", b"#!/bin/sh\necho hi\n")
    page = client_.post(
        f"/mco/{complaint.public_id}/proposal/", {"action": "add_file", "outcome": "pay", "text": "Kept.", "file": bad}
    ).content.decode()
    assert "There is a problem" in page and 'href="#id_proposal_file"' in page and "Kept." in page
    assert not MCOProposal.objects.get(complaint=complaint).files.exists()


def test_remove_a_file_from_the_draft_keeps_the_text(client_, rep, private_files):
    complaint = presented(submit(rep))
    address = f"/mco/{complaint.public_id}/proposal/"
    upload = SimpleUploadedFile("wrong.pdf", PDF_BYTES)
    client_.post(address, {"action": "add_file", "outcome": "upheld", "text": "Denied.", "file": upload})
    attached = MCOProposal.objects.get(complaint=complaint).files.get()
    response = client_.post(address, {"remove_file": str(attached.public_id), "outcome": "upheld", "text": "Denied."})
    assert response.status_code == 302
    proposal = MCOProposal.objects.get(complaint=complaint)
    assert not proposal.files.exists() and (proposal.outcome, proposal.text) == ("upheld", "Denied.")


def test_the_queues_pages_keep_the_filters_and_say_plainly_when_capped(client_, queue, monkeypatch, settings):
    """One pagination template for the provider's list and the MCO's queue: the next page keeps the filters; past
    the count cap the caption says what the pages show without a number said twice."""
    monkeypatch.setattr("complaints.views_mco.PAGE_SIZE", 1)
    settings.PORTAL_LIST_COUNT_CAP = 2
    page = client_.get("/mco/", {"status": "awaiting", "expedited": ""}).content.decode()
    assert 'href="?status=awaiting&amp;page=2"' in page
    assert "they show the first 2 in this order" in page and "2 of more than 2" not in page
