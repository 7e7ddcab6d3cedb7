"""The filing journey (issue 8): an organization registers, HFS approves it, its administrator invites a
representative, who sets up the authenticator, accepts the terms and files a complaint with two claim lines and a
PDF — making and fixing mistakes on the way. axe-core checks every page and every error state."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import roles
from accounts.models import ProviderOrganization
from accounts.services.users import staff_user_create, user_accept_terms
from accounts.validators import npi_with_check_digit
from complaints.models import Complaint
from tests.e2e.steps import (
    NEW_PASSWORD,
    accept_terms,
    choose,
    device_code,
    first_sign_in,
    link_in_last_email,
    pick,
    sign_in,
    sign_out,
)
from tests.helpers import totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def supervisor():  # type: ignore[no-untyped-def]
    user = staff_user_create(
        email="morgan.chen@hfs.example", full_name="Morgan Chen", password=NEW_PASSWORD, group_name=roles.SUPERVISOR
    )
    user_accept_terms(user=user)
    return user, totp_device(user)


def register(web) -> None:  # type: ignore[no-untyped-def]
    page = web.go("/")
    page.get_by_role("link", name="Register an organization").first.click()
    web.check()
    page.get_by_label("Organization's legal name").fill("Prairie Family Health")
    page.get_by_label("National Provider Identifier (NPI)").fill("1234567890")  # a typo: the check digit is wrong
    page.get_by_label("Illinois Medicaid provider ID").fill("IL4455667")
    page.get_by_label("Provider type").select_option(index=1)
    page.get_by_label("County").select_option("Sangamon")
    page.get_by_label("Your full name").fill("Alex Rivera")
    page.get_by_label("Your work email address").fill("alex.rivera@prairie.example")
    page.get_by_label("Your work phone number").fill("217-555-0100")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Register organization").click()
    web.check()  # the error state
    assert page.locator(".usa-alert--error, .usa-error-message").first.is_visible()
    assert page.get_by_label("Organization's legal name").input_value() == "Prairie Family Health"  # nothing lost
    page.get_by_label("National Provider Identifier (NPI)").fill(npi_with_check_digit("123456789"))
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Register organization").click()
    web.check()
    web.go(link_in_last_email("alex.rivera@prairie.example"))  # the link in the confirmation email


def approve(web, supervisor) -> None:  # type: ignore[no-untyped-def]
    user, device = supervisor
    sign_in(web, user.email, NEW_PASSWORD, lambda: device_code(device))
    page = web.go("/admin/accounts/providerorganization/")
    page.get_by_role("checkbox", name=re.compile("Prairie Family Health")).check()
    page.get_by_label("Action:").select_option(label="Approve the selected organizations")
    page.get_by_role("button", name="Go").click()
    web.check()
    assert ProviderOrganization.objects.get(legal_name="Prairie Family Health").status == "approved"
    sign_out(web)


def test_register_approve_invite_enroll_and_file(web, supervisor, private_files):
    register(web)
    approve(web, supervisor)

    # The administrator signs in for the first time: authenticator, recovery codes, terms; then invites.
    web.go("/accounts/login/")
    first_sign_in(web, "alex.rivera@prairie.example")
    accept_terms(web)
    page = web.go("/accounts/organization/")
    page.get_by_label("Their work email address").fill("sam.lee@prairie")  # not an address
    page.get_by_role("button", name="Send invitation").click()
    web.check()
    page.get_by_label("Their work email address").fill("sam.lee@prairie.example")
    page.get_by_role("button", name="Send invitation").click()
    web.check()
    sign_out(web)

    # The representative accepts, sets up the authenticator and accepts the terms.
    web.go(link_in_last_email("sam.lee@prairie.example"))
    page.get_by_label("Your full name").fill("Sam Lee")
    page.get_by_label("Your work phone number").fill("217-555-0101")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    web.check()
    first_sign_in(web, "sam.lee@prairie.example")
    accept_terms(web)

    # Filing, with mistakes: no answers on the screening page, then a complaint with a bad RIN, access to care
    # without an explanation and no consent; fixed one by one.
    page = web.go("/complaints/new/")
    page.get_by_role("button", name="Continue").click()
    web.check()
    choose(page, "A Medicaid managed care organization (MCO)")
    pick(page, "Have you already sent this issue to the MCO and given the MCO the chance to review it?", "Yes")
    page.get_by_role("button", name="Continue").click()
    web.check()
    today = timezone.localdate()
    page.get_by_label("Which MCO is this complaint about?").select_option(label="Molina Healthcare of Illinois")
    page.get_by_label("What is the complaint about?").select_option(label="Claim denial")
    page.get_by_label("Short summary").fill("Inpatient claims denied for missing authorization")
    page.get_by_label("Describe the problem and what you want the MCO to do").fill(
        "Molina denied two inpatient claims for missing authorization, which was on file. Please reprocess them."
    )
    page.get_by_label("MCO tracking or reference number").fill("MOL-2026-88812")
    page.get_by_label("Date you filed with the MCO").fill((today - timedelta(days=40)).isoformat())
    pick(page, "Has the MCO answered?", "No")
    pick(page, "Does this affect a member's immediate access to care?", "Yes")
    pick(page, "Is this about specific members or claims?", "Yes")
    page.get_by_role("button", name="Add a line").click()  # without JavaScript: the form comes back, kept, with a line
    web.check()
    line1 = page.get_by_role("group", name="Line 1")
    line1.get_by_label("Member name").fill("Jordan Example")
    line1.get_by_label("RIN").fill("12345")  # too short
    line1.get_by_label("Date of service", exact=True).fill((today - timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Add a line").click()
    web.check()
    line2 = page.get_by_role("group", name="Line 2")
    line2.get_by_label("Member name").fill("Casey Example")
    line2.get_by_label("RIN").fill("987654321")
    line2.get_by_label("Date of service", exact=True).fill((today - timedelta(days=55)).isoformat())
    line2.get_by_label("Claim number").fill("CLM-2")
    # The USWDS file input names itself "Drag files here or choose from folder"; choosing a file is the same.
    page.locator("input[name=attachments]").set_input_files(
        files=[{"name": "denial-letter.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send complaint").last.click()
    web.check()  # the error state: RIN, explanation, consent
    content = page.content()
    assert "Tick the box to agree" in content and "denial-letter.pdf" in content  # the file was kept
    assert page.get_by_role("group", name="Line 1").get_by_label("Member name").input_value() == "Jordan Example"
    page.get_by_role("group", name="Line 1").get_by_label("RIN").fill("123456789")
    page.get_by_label("How is access to care affected?").fill("The member cannot be admitted for follow-up care.")
    choose(page, "I understand that my name is shared with the MCO named in this complaint.")
    page.get_by_role("button", name="Send complaint").last.click()
    web.check()
    reference = re.search(r"MCO-\d{4}-\d{6}", page.content()).group(0)

    complaint = Complaint.objects.get(reference=reference)
    assert complaint.claims.count() == 2 and complaint.attachments.count() == 1 and complaint.expedited
    assert [m.to for m in mail.outbox if reference in m.subject] == [["sam.lee@prairie.example"]]
    page.get_by_role("link", name="Your complaints").first.click()
    web.check()
    page.get_by_role("link", name=reference).click()
    web.check()
    assert "Inpatient claims denied" in page.content()
