"""Issue 16 in the browser: the filing-window warning appears as the date is typed (item 8), a second failed submit
is announced from the error summary (item 14), and "Add a line" keeps the person's place (item 15)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services.users import user_accept_terms
from complaints.models import Complaint
from tests.e2e.steps import choose, device_code, pick, sign_in
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ACTIVE_ID = "() => document.activeElement ? document.activeElement.id : ''"


@pytest.fixture
def form_page(web):  # type: ignore[no-untyped-def]
    """A representative signed in, past the screening questions, on an empty complaint form."""
    rep = RepresentativeFactory(user__password=PASSWORD)
    device = totp_device(rep.user)
    user_accept_terms(user=rep.user)
    sign_in(web, rep.user.email, PASSWORD, lambda: device_code(device))
    page = web.go("/complaints/new/")
    choose(page, "A Medicaid managed care organization (MCO)")
    pick(page, "Have you already sent this issue to the MCO and given the MCO the chance to review it?", "Yes")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile("/complaints/new/complaint/$"))
    web.check()
    return page


def days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def send(web, page, button: str = "Send complaint") -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    web.check()


def test_the_filing_window_warning_appears_as_soon_as_the_date_is_typed(web, form_page):
    page = form_page
    warning = page.locator("#filing-window-status")
    anyway = page.get_by_label("I have checked the dates. Send the complaint anyway")
    expect(warning).to_have_text("")
    expect(anyway).to_be_hidden()

    page.get_by_label("Date you filed with the MCO").fill(days_ago(5))
    expect(warning).to_contain_text("You filed with the MCO 5 days ago.")  # before anything is sent
    expect(anyway).to_be_visible()
    assert warning.get_attribute("aria-live") == "polite"
    web.check()

    page.get_by_label("Date you filed with the MCO").fill(days_ago(45))  # inside the window: the warning goes
    expect(warning).to_have_text("")
    expect(anyway).to_be_hidden()
    page.get_by_label("Date you filed with the MCO").fill(days_ago(5))
    expect(warning).to_contain_text("5 days ago")

    page.get_by_label("Which MCO is this complaint about?").select_option(label="Molina Healthcare of Illinois")
    page.get_by_label("What is the complaint about?").select_option(label="Claim denial")
    page.get_by_label("Short summary").fill("Claims denied for a missing authorization")
    page.get_by_label("Describe the problem").fill("Molina denied the claims; the authorization was on file.")
    page.get_by_label("MCO tracking or reference number").fill("MOL-77")
    pick(page, "Has the MCO answered?", "No")
    pick(page, "Does this affect a member's immediate access to care?", "No")
    pick(page, "Is this about specific members or claims?", "No")
    choose(page, "I understand that my name is shared with the MCO named in this complaint.")
    choose(page, "I have checked the dates. Send the complaint anyway")
    send(web, page)
    expect(page.get_by_role("heading", name="Complaint received")).to_be_visible()
    assert Complaint.objects.get().possibly_premature


def test_a_second_failed_submit_after_following_a_summary_link_is_announced(web, form_page):
    page = form_page
    send(web, page)  # everything missing
    summary = page.locator(".portal-error-summary")
    expect(summary).to_be_focused()

    page.get_by_role("link", name=re.compile("^Short summary")).click()  # the address now ends in #id_subject
    assert page.url.endswith("#id_subject")
    expect(page.get_by_label("Short summary")).to_be_focused()
    page.keyboard.type("Claims denied")
    send(web, page)  # still missing the rest
    expect(page.locator(".portal-error-summary")).to_be_focused()
    assert "#" not in page.url
    assert page.get_by_label("Short summary").input_value() == "Claims denied"


def test_add_a_line_puts_focus_on_the_new_lines_first_field_and_announces_it(web, form_page):
    page = form_page
    page.get_by_label("Short summary").fill("Claims denied")
    send(web, page, "Add a line")
    expect(page.locator("#id_lines-0-member_name")).to_be_focused()
    expect(page.locator("#claim-lines-status")).to_have_text("Line 1 added.")
    page.keyboard.type("Avery Member")

    send(web, page, "Add a line")
    expect(page.locator("#id_lines-1-member_name")).to_be_focused()
    expect(page.locator("#claim-lines-status")).to_have_text("Line 2 added.")
    assert page.locator("#id_lines-0-member_name").input_value() == "Avery Member"
    assert page.get_by_label("Short summary").input_value() == "Claims denied"
