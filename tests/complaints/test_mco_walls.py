"""The MCO's walls (issue 18 item 2, DESIGN §11): every MCO URL answers only a user of the complaint's MCO once the
complaint is presented; everyone else gets 404 (visitors the sign-in page), and what the MCO reads is the minimum
necessary — never the representative's email or phone, HFS's internal notes or the outcome text for the provider.
Every view, download and export is in the audit log with the client's IP and the request id."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver

from accounts.models import MCO, AuditEvent, MCOMembership, User
from complaints import services
from complaints.models import Attachment, Complaint, ComplaintEvent
from tests.accounts.test_access_walls import concrete, walk
from tests.complaints.factories import draft, triage_analyst
from tests.factories import RepresentativeFactory, UserFactory
from tests.helpers import PDF_BYTES, sign_in

pytestmark = pytest.mark.django_db

# Canaries: none of these may reach an MCO page, the queue or the export.
CONTACT_PHONE = "312-555-0199"
INTERNAL_NOTE = "Internal canary: HFS thinks the MCO is stalling."
OUTCOME_TEXT = "Outcome canary: HFS decided for the provider."
MCO_ROUTES = sorted((route, name) for route, name, _ in walk(get_resolver()) if name and name.startswith("mco:"))


def mco_user(mco: MCO, **fields) -> User:  # type: ignore[no-untyped-def]
    """An active user of ``mco`` (a liaison)."""
    user = UserFactory(**fields)
    MCOMembership.objects.create(user=user, mco=mco)
    return user


def presented(complaint: Complaint) -> Complaint:
    """Taken into review and presented to its MCO by a triage analyst (the real verbs)."""
    staff = triage_analyst()
    complaint = services.complaint_take(complaint=complaint, actor=staff)
    return services.complaint_forward_to_mco(complaint=complaint, actor=staff)


def filed(user: User, **overrides) -> Complaint:  # type: ignore[no-untyped-def]
    """A complaint with one file, filed by ``user``."""
    key = uuid.uuid4()
    services.attachment_add_draft(user=user, draft_key=key, upload=SimpleUploadedFile("eob.pdf", PDF_BYTES))
    return services.complaint_submit(user=user, draft=draft(**overrides), idempotency_key=key)


@pytest.fixture
def world(private_files):  # type: ignore[no-untyped-def]
    """A complaint presented to Molina (with the provider's file, an internal note, a resolved sibling with an
    outcome text), one not yet presented, and users of Molina and of another MCO."""
    molina, other = MCO.objects.get(short_name="Molina"), MCO.objects.exclude(short_name="Molina").first()
    rep = RepresentativeFactory(user__phone=CONTACT_PHONE)
    complaint = presented(filed(rep.user))
    services.complaint_record_view(complaint=complaint, user=rep.user)
    ComplaintEvent.objects.create(complaint=complaint, kind=ComplaintEvent.Kind.NOTE, note=INTERNAL_NOTE)
    resolved = presented(filed(rep.user, subject="Second claim batch"))
    liaison = mco_user(molina)
    services.proposal_save_draft(complaint=resolved, actor=liaison, outcome="pay", text="We will reprocess.")
    services.proposal_submit(complaint=resolved, actor=liaison)
    services.complaint_resolve(
        complaint=resolved, actor=triage_analyst(), outcome_code=Complaint.OutcomeCode.PAID, outcome_text=OUTCOME_TEXT
    )
    return {
        "complaint": complaint,
        "resolved": resolved,
        "file": Attachment.objects.get(complaint=complaint),
        "not_presented": filed(rep.user, subject="Not yet presented"),
        "rep": rep.user,
        "liaison": liaison,
        "other_mco": mco_user(other),
        "staff": triage_analyst(),
    }


def url(route: str, target: object) -> str:
    return concrete(route).replace("00000000-0000-4000-8000-000000000000", str(target.public_id))  # type: ignore[attr-defined]


def test_every_mco_route_is_checked():
    assert {name for _, name in MCO_ROUTES} == {
        "mco:queue",
        "mco:export",
        "mco:detail",
        "mco:attachment_download",
        "mco:proposal",
        "mco:interim",
        "mco:extension",
    }


@pytest.mark.parametrize(("route", "name"), MCO_ROUTES, ids=[name for _, name in MCO_ROUTES])
def test_only_the_right_mco_opens_a_presented_complaint(world, route, name):
    target = world["file"] if "files/" in route else world["complaint"]
    address = url(route, target)
    get = name not in ("mco:proposal", "mco:interim", "mco:extension")
    ok = 200 if get else 302  # a POST with nothing in it shows the form's errors or goes back to the page

    def answer(user: User | None) -> int | str:
        client = sign_in(Client(), user) if user else Client()
        response = client.get(address) if get else client.post(address, {})
        if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
            return "sign-in"
        return response.status_code

    assert answer(None) == "sign-in"
    for role in ("rep", "staff"):
        assert answer(world[role]) == 404, role
    # Another MCO's user has a queue of its own (without this complaint: see below); nothing else of it.
    assert answer(world["other_mco"]) == (200 if name in ("mco:queue", "mco:export") else 404)
    assert answer(world["liaison"]) in (ok, 200), name


@pytest.mark.parametrize("page", ["detail", "file", "proposal", "interim", "extension"])
def test_a_complaint_not_yet_presented_is_not_there_for_its_own_mco(world, page):
    complaint = world["not_presented"]
    client = sign_in(Client(), world["liaison"])
    if page == "file":
        key = uuid.uuid4()
        services.attachment_add_draft(
            user=world["rep"], draft_key=key, upload=SimpleUploadedFile("late.pdf", PDF_BYTES)
        )
        hidden = services.complaint_submit(user=world["rep"], draft=draft(), idempotency_key=key)
        response = client.get(f"/mco/files/{Attachment.objects.get(complaint=hidden).public_id}/")
    elif page == "detail":
        response = client.get(f"/mco/{complaint.public_id}/")
    else:
        endpoint = {"proposal": "proposal", "interim": "update", "extension": "extension"}[page]
        response = client.post(f"/mco/{complaint.public_id}/{endpoint}/", {"text": "x", "reason": "x"})
    assert response.status_code == 404
    assert not complaint.proposals.exists() and not complaint.events.exclude(kind="submitted").exists()


def test_a_removed_liaison_sees_nothing(world):
    client = sign_in(Client(), world["liaison"])
    MCOMembership.objects.filter(user=world["liaison"]).update(removed_at=world["complaint"].presented_at)
    assert client.get("/mco/").status_code in (302, 404)
    assert client.get(f"/mco/{world['complaint'].public_id}/").status_code in (302, 404)


def test_the_queue_holds_only_presented_complaints_of_the_users_mco(world):
    page = sign_in(Client(), world["liaison"]).get("/mco/").content.decode()
    assert world["complaint"].reference in page and world["resolved"].reference in page
    assert world["not_presented"].reference not in page
    other = sign_in(Client(), world["other_mco"]).get("/mco/").content.decode()
    assert world["complaint"].reference not in other and "has not presented any complaints" in other


def test_minimum_necessary_on_the_page_the_queue_and_the_export(world):
    client = sign_in(Client(), world["liaison"])
    contact = world["complaint"].contact_email
    pages = {
        "detail": client.get(f"/mco/{world['complaint'].public_id}/").content.decode(),
        "resolved": client.get(f"/mco/{world['resolved'].public_id}/").content.decode(),
        "queue": client.get("/mco/").content.decode(),
        "export": b"".join(client.get("/mco/export.csv").streaming_content).decode(),
    }
    for name, text in pages.items():
        for canary in (contact, CONTACT_PHONE, INTERNAL_NOTE, OUTCOME_TEXT):
            assert canary not in text, (name, canary)
    # What the MCO does see (DESIGN §11): the representative's name, the organization, the claim lines, the file.
    detail = pages["detail"]
    complaint = world["complaint"]
    assert complaint.representative_name in detail and complaint.organization.npi in detail
    assert "Pat Example" in detail and "123456789" in detail and "eob.pdf" in detail
    # The queue's export: no member names or RINs either.
    assert "Pat Example" not in pages["export"] and "123456789" not in pages["export"]


def test_every_view_download_and_export_is_audited_with_ip_and_request_id(world):
    client = sign_in(Client(), world["liaison"])
    complaint = world["complaint"]
    before = AuditEvent.objects.count()
    client.get("/mco/?status=awaiting", REMOTE_ADDR="203.0.113.9")
    client.get(f"/mco/{complaint.public_id}/", REMOTE_ADDR="203.0.113.9")
    response = client.get(f"/mco/files/{world['file'].public_id}/", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    b"".join(client.get("/mco/export.csv?status=awaiting&q=MOL-555-0101", REMOTE_ADDR="203.0.113.9").streaming_content)
    rows = list(AuditEvent.objects.order_by("id")[before:].values("action", "object_id", "ip_address", "request_id"))
    actions = [row["action"] for row in rows]
    assert actions == ["mco.queue_viewed", "complaint.viewed", "attachment.downloaded", "mco.queue_exported"]
    assert all(row["ip_address"] == "203.0.113.9" and len(row["request_id"]) >= 8 for row in rows)
    assert rows[0]["object_id"] == str(complaint.mco_id)
    assert rows[1]["object_id"] == str(complaint.pk) and rows[2]["object_id"] == str(world["file"].pk)
    # The export's row says which filters, never the search term itself.
    assert rows[3]["object_id"] == "status=awaiting;search" and "MOL-555" not in str(rows)


def test_the_mco_pages_are_never_stored_by_a_browser(world):
    client = sign_in(Client(), world["liaison"])
    for address in ("/mco/", f"/mco/{world['complaint'].public_id}/", "/mco/export.csv"):
        assert "no-store" in client.get(address)["Cache-Control"], address


def test_files_of_another_mcos_complaint_or_a_draft_form_are_not_downloadable(world):
    client = sign_in(Client(), world["other_mco"])
    assert client.get(f"/mco/files/{world['file'].public_id}/").status_code == 404
    key = uuid.uuid4()
    services.attachment_add_draft(user=world["rep"], draft_key=key, upload=SimpleUploadedFile("draft.pdf", PDF_BYTES))
    loose = Attachment.objects.get(draft_key=key, complaint__isnull=True)
    assert sign_in(Client(), world["liaison"]).get(f"/mco/files/{loose.public_id}/").status_code == 404


QUESTION = "Question canary: send us the remittance advice."
PROVIDER_ANSWER = "Answer canary: the remittance is attached."
CLOSE_NOTE = "Close canary: for the provider, call us if this happens again."
DISPUTE_REASON = "Dispute canary: the claim was clean."


def test_the_mco_reads_only_the_notes_addressed_to_it(world):
    """HFS's question to the provider, the provider's answer and reply, and a closing note for the provider never
    reach the MCO's page: those events show their kind only; what HFS sends the MCO and the MCO's own answers do.
    Statuses read in the MCO's words."""
    staff, rep, liaison = world["staff"], world["rep"], world["liaison"]
    complaint = services.complaint_take(complaint=filed(rep), actor=staff)
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=staff, note="Forward canary: please look.")
    services.proposal_save_draft(complaint=complaint, actor=liaison, outcome="upheld", text="Own canary: upheld.")
    services.proposal_submit(complaint=complaint, actor=liaison)
    services.proposal_reply(complaint=complaint, actor=rep, accept=False, reason=DISPUTE_REASON)
    services.complaint_request_info(complaint=complaint, actor=staff, question=QUESTION)
    services.complaint_answer_info_request(complaint=complaint, actor=rep, note=PROVIDER_ANSWER)
    services.complaint_close(
        complaint=complaint, actor=staff, reason=Complaint.ClosureReason.DUPLICATE, note=CLOSE_NOTE
    )
    page = sign_in(Client(), liaison).get(f"/mco/{complaint.public_id}/").content.decode()
    for canary in (QUESTION, PROVIDER_ANSWER, CLOSE_NOTE, DISPUTE_REASON):
        assert canary not in page, canary
    assert "Forward canary: please look." in page and "Own canary: upheld." in page
    assert "Provider disputed the proposal" in page and "Provider answered" in page
    assert "With HFS: waiting for the provider" in page and "Waiting for your answer" not in page
