"""The filing journey with the keyboard alone (issue 8, WCAG 2.1.1): sign in, screen, fill the complaint with a
claim line, fix a mistake and send it — only Tab, Shift+Tab, Space, Enter, arrow keys and typing; no clicks."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services.users import user_accept_terms
from complaints.models import Complaint
from tests.e2e.steps import device_code, fresh_code
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FOCUSED_NAME = """(tag) => {
  const e = document.activeElement;
  if (!e || (tag && e.tagName !== tag)) return "";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (label || e.getAttribute("aria-label") || e.innerText || e.value || "").trim();
}"""


def tab_to(page, name: str, *, tag: str = "", limit: int = 250) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused control's label (or text) starts with ``name`` (and is a ``tag`` if given)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME, tag).startswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def submit(page) -> None:  # type: ignore[no-untyped-def]
    """Enter on the focused button, and wait for the page the form brings back."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    tab_to(page, name)
    page.keyboard.type(text)


def test_filing_with_the_keyboard_alone(web):
    rep = RepresentativeFactory(user__password=PASSWORD)
    device = totp_device(rep.user)
    user_accept_terms(user=rep.user)
    page = web.go("/accounts/login/")
    type_into(page, "Email address", rep.user.email)
    type_into(page, "Password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/accounts/login/code/"))
    type_into(page, "6-digit code", fresh_code(lambda: device_code(device)))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/complaints/"))
    tab_to(page, "File a complaint")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/complaints/new/"))
    web.check()

    tab_to(page, "A Medicaid managed care organization")  # the first radio button of the question
    page.keyboard.press("Space")
    tab_to(page, "Yes")
    page.keyboard.press("Space")
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/complaints/new/complaint/"))
    web.check()

    today = timezone.localdate()
    filed = today - timedelta(days=40)
    served = today - timedelta(days=60)
    tab_to(page, "Which MCO")
    page.keyboard.type("Molina")  # a select jumps to the option typed
    type_into(page, "What is the complaint about?", "Claim denial")
    type_into(page, "Short summary", "Claims denied")
    type_into(page, "Describe the problem", "Molina denied the claims; the authorization was on file.")
    type_into(page, "MCO tracking or reference number", "MOL-77")
    type_into(page, "Date you filed with the MCO", filed.strftime("%m%d%Y"))
    # A radio group is one Tab stop; the arrow keys choose within it.
    tab_to(page, "Yes")  # has the MCO answered?
    page.keyboard.press("ArrowDown")  # No
    tab_to(page, "Yes")  # does it affect access to care?
    page.keyboard.press("ArrowDown")  # No
    tab_to(page, "Yes")  # is it about specific members or claims?
    page.keyboard.press("Space")
    tab_to(page, "Add a line")
    submit(page)
    web.check()
    type_into(page, "Member name", "Jordan Example")
    type_into(page, "RIN", "123456789")
    type_into(page, "Date of service", served.strftime("%m%d%Y"))
    tab_to(page, "Send complaint")  # consent not given yet: the form comes back with the message
    submit(page)
    web.check()
    assert "Tick the box to agree" in page.content()
    tab_to(page, "I understand that my name is shared", tag="INPUT")  # the box, not the link to it in the summary
    page.keyboard.press("Space")
    tab_to(page, "Send complaint")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/submitted/"))
    web.check()
    complaint = Complaint.objects.get()
    assert (
        complaint.mco.short_name == "Molina" and complaint.claims.count() == 1 and complaint.subject == "Claims denied"
    )
