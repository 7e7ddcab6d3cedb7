"""The MCO's part of a complaint in the browser (issue 18, DESIGN §11): staff forward a complaint; the Molina liaison
signs in for the first time (authenticator, recovery codes, the MCO's terms), reads it, downloads the provider's
file and asks for the one extension; staff grant it; the liaison sends a written proposal with a PDF; the
representative disputes it; staff send it back; the liaison's second proposal is accepted; staff resolve it and the
outcome email reaches only the representative. Also an MCO administrator inviting a liaison from the team page.

Each person works in their own browser, signed in once, as people at their own desks do. axe-core checks every page
and every error state; no email of the journey carries the complaint's PHI."""

import re
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import MCO, User
from accounts.services import mco_users, users
from complaints import services
from complaints.models import Complaint, MCOProposal
from complaints.rules import ClaimLine
from tests.complaints.factories import days_ago, draft
from tests.e2e.conftest import Checked
from tests.e2e.steps import (
    NEW_PASSWORD,
    accept_terms,
    analyst_fixture,  # noqa: F401 - the fixture analyst
    choose,
    device_code,
    filer_fixture,  # noqa: F401 - the fixture filer
    first_sign_in,
    link_in_last_email,
    open_in_admin,
    pick,
    press,
    sign_in,
)
from tests.helpers import PASSWORD, PDF_BYTES, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# PHI of the complaint: none of it may be in any email (DESIGN §6.5).
MEMBER_NAME = "Marisol Canarywood"
RIN = "731904268"
DESCRIPTION = "Canary description: Marisol's dialysis claims were denied although the authorization was on file."
PROVIDER_PDF = PDF_BYTES.replace(b"%%EOF", b"% the provider's EOB\n%%EOF")
PROPOSAL_PDF = PDF_BYTES.replace(b"%%EOF", b"% Molina's reprocessing letter\n%%EOF")
LIAISON_EMAIL = "lia.son@molina.example"


@pytest.fixture
def desk(browser, live_server, request, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Opens another person's browser (its own cookies); all are closed after the test, screenshots if it failed."""
    opened = []

    def open_desk(name: str) -> Checked:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        opened.append((name, context, page))
        return Checked(page, live_server.url)

    yield open_desk
    for name, context, page in opened:
        if getattr(request.node, "failed_in_call", False):
            shot = tmp_path_factory.getbasetemp() / f"{request.node.name}-{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of {name}'s page: {shot}")
        context.close()


def molina() -> MCO:
    return MCO.objects.get(short_name="Molina")


def mco_person(email: str, full_name: str, *, admin: bool = False) -> User:
    """A Molina user made through the accounts services (as the demo's are), without an authenticator yet."""
    user = users.user_create(email=email, full_name=full_name, password=NEW_PASSWORD, email_verified=True)
    mco_users.mco_membership_add(mco=molina(), user=user, is_mco_admin=admin)
    return user


def filed_with_a_pdf(user: User) -> Complaint:
    """What the representative's form sends (test_filing.py walks the form itself): one member line and a PDF."""
    key = uuid.uuid4()
    upload = SimpleUploadedFile("eob.pdf", PROVIDER_PDF, content_type="application/pdf")
    services.attachment_add_draft(user=user, draft_key=key, upload=upload)
    lines = [ClaimLine(MEMBER_NAME, RIN, days_ago(50), None, "CLM-88", None)]
    return services.complaint_submit(user=user, draft=draft(description=DESCRIPTION, lines=lines), idempotency_key=key)


def long_date(day: date) -> str:
    """A date as the pages write it ("December 7, 2026")."""
    return f"{day:%B} {day.day}, {day.year}"


def due_date_shown(page) -> date:  # type: ignore[no-untyped-def]
    text = page.locator("#clock").inner_text()
    return datetime.strptime(re.search(r"answer is due (\w+ \d+, \d{4})", text).group(1), "%B %d, %Y").date()


def error_state(web, *texts: str) -> None:  # type: ignore[no-untyped-def]
    """A form came back with errors: axe-checked, the summary and each message shown."""
    web.check()
    page = web.page
    assert page.title().startswith("Error: ")
    assert page.locator(".portal-error-summary, .usa-alert--error").first.is_visible()
    for text in texts:
        assert page.get_by_text(text).first.is_visible(), text


def downloaded(page, link_name: str) -> bytes:  # type: ignore[no-untyped-def]
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    return Path(download.value.path()).read_bytes()


def submit_proposal(web, outcome: str, text: str) -> None:  # type: ignore[no-untyped-def]
    choose(web.page, outcome)
    web.page.get_by_role("textbox", name="Your written proposal").fill(text)
    web.page.get_by_role("button", name="Submit the proposal").click()
    web.check()
    assert web.page.get_by_text("Your proposal is sent to HFS.").is_visible()


def reply(web, answer: str, reason: str = "") -> None:  # type: ignore[no-untyped-def]
    pick(web.page, "Your reply to the MCO's proposal", answer)
    if reason:
        web.page.get_by_label("Your reason for disputing it").fill(reason)
    web.page.get_by_role("button", name="Send your reply").click()


def test_the_mco_answers_twice_in_the_portal(web, desk, analyst, filer, private_files):
    rep_user, rep_device = filer
    complaint = filed_with_a_pdf(rep_user)
    reference, detail = complaint.reference, f"/mco/{complaint.public_id}/"
    mco_person(LIAISON_EMAIL, "Lia Son")
    staff, mco, rep = web, desk("liaison"), desk("representative")

    # 1. Staff take the complaint and forward it to Molina: the liaison is told.
    sign_in(staff, analyst[0].email, PASSWORD, lambda: device_code(analyst[1]))
    open_in_admin(staff, reference)
    assert press(staff, reference, "Take (assign to me; start review)") == "Took 1."
    assert "the MCO clock started" in press(staff, reference, "Forward to the MCO")
    assert link_in_last_email(LIAISON_EMAIL) == detail

    # 2. The liaison's first sign-in: authenticator, recovery codes, the MCO's terms; then the queue.
    mco.go("/accounts/login/")
    first_sign_in(mco, LIAISON_EMAIL)
    assert "Terms for MCO users" in mco.page.content()
    accept_terms(mco)
    assert mco.page.url == mco.base + "/mco/"
    mco.page.get_by_role("link", name=reference).click()
    mco.check()
    content = mco.page.content()
    assert DESCRIPTION in content and MEMBER_NAME in content and complaint.representative_name in content
    assert complaint.contact_email not in content  # minimum necessary: no way to reach the provider around HFS
    assert downloaded(mco.page, "eob.pdf") == PROVIDER_PDF
    due = due_date_shown(mco.page)
    mco.page.get_by_role("button", name="Ask for the extension").click()
    error_state(mco, "Say why you need more time.")
    mco.page.get_by_label("Why you need more time").fill("We are pulling the authorization records from storage.")
    mco.page.get_by_role("button", name="Ask for the extension").click()
    mco.check()
    assert "waiting for HFS to decide" in mco.page.locator("#clock").inner_text()

    # 3. Staff grant it from the complaint page: the MCO's answer is due 30 days later.
    open_in_admin(staff, reference)
    assert "We are pulling the authorization records" in staff.page.content()
    assert "Extensions granted: 1." in press(staff, reference, "Grant the extension")
    mco.go(detail)
    assert due_date_shown(mco.page) == due + timedelta(days=30)
    assert f"granted: your answer is now due {long_date(due + timedelta(days=30))}" in mco.page.content()

    # 4. The proposal: submitted with no answer chosen (errors), then a draft, its PDF, and submitted.
    mco.page.get_by_role("button", name="Submit the proposal").click()
    error_state(mco, "Choose your answer.", "Write your proposal.")
    choose(mco.page, "We uphold our decision (say why below)")
    mco.page.get_by_role("textbox", name="Your written proposal").fill(
        "The authorization on file covers other dates of service."
    )
    mco.page.get_by_role("button", name="Save draft").click()
    mco.check()
    assert mco.page.get_by_text("Your draft is saved.").is_visible()
    mco.page.locator("#id_proposal_file").set_input_files(
        files=[{"name": "molina-letter.pdf", "mimeType": "application/pdf", "buffer": PROPOSAL_PDF}]
    )
    mco.page.get_by_role("button", name="Attach the file").click()
    mco.check()
    assert mco.page.get_by_text("molina-letter.pdf is attached to your draft.").is_visible()
    assert mco.page.get_by_label("We uphold our decision (say why below)").is_checked()  # kept with the draft
    mco.page.get_by_role("button", name="Submit the proposal").click()
    mco.check()
    assert mco.page.get_by_text("Your proposal is sent to HFS.").is_visible()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.IN_REVIEW

    # 5. The representative reads it with its file and disputes it (first without a reason).
    sign_in(rep, rep_user.email, PASSWORD, lambda: device_code(rep_device))
    rep.go(f"/complaints/{complaint.public_id}/")
    assert "The authorization on file covers other dates of service." in rep.page.content()
    assert downloaded(rep.page, "molina-letter.pdf") == PROPOSAL_PDF
    reply(rep, "I dispute the MCO's proposal")
    error_state(rep, "Write why you dispute the proposal.")
    reply(rep, "I dispute the MCO's proposal", reason="The authorization letter names these exact dates.")
    rep.check()
    assert rep.page.get_by_text("You disputed the MCO's proposal.").first.is_visible()

    # 6. Staff send it back (round 2); the liaison answers again; the representative accepts.
    open_in_admin(staff, reference)
    assert "The authorization letter names these exact dates." in staff.page.content()
    assert "a new round started" in press(
        staff,
        reference,
        "Send back to the MCO (new round)…",
        **{"What the MCO should look at again": "Check the authorization letter's dates against the claims."},
    )
    mco.go(detail)
    assert "Check the authorization letter's dates against the claims." in mco.page.content()
    submit_proposal(mco, "We will pay or reprocess the claims", "We found the authorization; we reprocess both claims.")
    assert "Round 1" in mco.page.content() and "Round 2" in mco.page.content()
    rep.go(f"/complaints/{complaint.public_id}/")
    assert "We found the authorization; we reprocess both claims." in rep.page.content()
    reply(rep, "I accept the MCO's proposal")
    rep.check()
    assert rep.page.get_by_text("You accepted the MCO's proposal.").first.is_visible()
    assert list(MCOProposal.objects.filter(complaint=complaint).order_by("round").values_list("reply", flat=True)) == [
        "disputed",
        "accepted",
    ]

    # 7. Staff resolve; the outcome email goes only to the representative's contact address; no email carries PHI.
    open_in_admin(staff, reference)
    press(
        staff,
        reference,
        "Resolve with an outcome…",
        **{
            "Outcome code": "Resolved in the provider's favor (paid / reprocessed)",
            "Outcome, read by the representative in the portal": "Molina reprocesses both claims; payment follows.",
        },
    )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RESOLVED
    rep.go(f"/complaints/{complaint.public_id}/")
    assert "Molina reprocesses both claims; payment follows." in rep.page.content()
    outcome = [m for m in mail.outbox if m.subject.endswith(f"There is an outcome for complaint {reference}")]
    assert [m.to for m in outcome] == [[complaint.contact_email]]
    assert not [m for m in mail.outbox if LIAISON_EMAIL in m.to and "outcome" in m.subject.lower()]
    texts = [m.subject + m.body + "".join(body for body, _ in getattr(m, "alternatives", [])) for m in mail.outbox]
    # Every party got email on the way (the liaison, the representative, the assigned analyst): the check is not void.
    assert {LIAISON_EMAIL, complaint.contact_email, analyst[0].email} <= {to for m in mail.outbox for to in m.to}
    assert all(reference in text for text in texts)  # each email's subject and bodies are read
    for canary in (MEMBER_NAME, RIN, DESCRIPTION[:40]):
        assert not [text for text in texts if canary in text], canary


def test_the_mco_administrator_invites_a_liaison_who_accepts(web, desk):
    admin_user = mco_person("ada.admin@molina.example", "Ada Admin", admin=True)
    users.user_accept_terms(user=admin_user)
    device = totp_device(admin_user)
    sign_in(web, admin_user.email, NEW_PASSWORD, lambda: device_code(device))
    assert web.page.url == web.base + "/mco/"
    web.page.get_by_role("link", name="Team", exact=True).click()
    web.check()
    page = web.page
    page.get_by_label("Their work email address").fill("new.liaison@molina")  # not an address
    page.get_by_role("button", name="Send invitation").click()
    web.check()
    assert page.locator(".usa-alert--error, .usa-error-message").first.is_visible()
    page.get_by_label("Their work email address").fill("new.liaison@molina.example")
    page.get_by_role("button", name="Send invitation").click()
    web.check()
    assert "new.liaison@molina.example" in page.locator("table", has_text="Open invitations").inner_text()

    invitee = desk("invitee")
    invitee.go(link_in_last_email("new.liaison@molina.example"))
    assert "answer provider complaints for" in invitee.page.content()
    invitee.page.get_by_label("Your full name").fill("Nia Liaison")
    invitee.page.get_by_label("Your work phone number").fill("312-555-0142")
    invitee.page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    invitee.page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    invitee.page.get_by_role("button", name="Create my account").click()
    invitee.check()
    first_sign_in(invitee, "new.liaison@molina.example")
    accept_terms(invitee)
    assert invitee.page.url == invitee.base + "/mco/"
    assert invitee.page.get_by_role("heading", name=f"Complaints for {molina().name}").is_visible()

    web.go("/mco/team/")
    members = page.locator("table", has_text="People who can answer complaints").inner_text()
    assert "Nia Liaison" in members and "Ada Admin" in members
    assert not page.locator("table", has_text="Open invitations").count()
