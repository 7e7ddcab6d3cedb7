"""Issue 17 item 6 in the browser: the pages load only the USWDS rules the portal uses, and none is missing for what
a page shows: the classes read from the live page, including the ones the USWDS script adds while it runs (the
menu on a phone, the file input's drop zone, its previews and its refusal), each have their rules shipped."""

import re
from pathlib import Path

import pytest

from accounts.services.users import user_accept_terms
from portal.assets import FULL_CSS, PORTAL_CSS, Rule, parse_css, selector_can_match
from reporting.services import report_snapshot_refresh
from tests.e2e.steps import choose, device_code, pick, sign_in
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
CLASSES_ON_PAGE = """() => Array.from(new Set(
    Array.from(document.querySelectorAll('[class]')).flatMap(element => Array.from(element.classList))
))"""
LETTER = {"name": "denial-letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}


def selectors(rules: list[Rule], context: tuple[str, ...] = ()) -> set[tuple[tuple[str, ...], str]]:
    found = set()
    for rule in rules:
        if rule.children is not None:
            found |= selectors(rule.children, (*context, rule.prelude))
        found |= {(context, selector) for selector in rule.selectors}
    return found


FULL = selectors(parse_css((ROOT / FULL_CSS).read_text(encoding="utf-8")))
SHIPPED = selectors(parse_css((ROOT / PORTAL_CSS).read_text(encoding="utf-8")))


def missing_rules(page) -> list:  # type: ignore[no-untyped-def]
    """Rules of the full USWDS build that apply to the classes on the page but are not in the shipped stylesheet."""
    on_page = set(page.evaluate(CLASSES_ON_PAGE))
    needed = {(context, selector) for context, selector in FULL if selector_can_match(selector, on_page)}
    return sorted(needed - SHIPPED)


def test_every_uswds_rule_a_page_needs_is_shipped_also_for_what_the_script_adds(web):
    report_snapshot_refresh()
    page = web.page
    assert missing_rules(web.go("/reports/")) == []
    sheets = page.evaluate("() => Array.from(document.styleSheets).map(sheet => sheet.href || '')")
    assert any("uswds-portal.min" in href for href in sheets)
    assert not any("/uswds.min" in href for href in sheets)

    # A phone: the menu opened by the USWDS script (the open menu, the overlay).
    page.set_viewport_size({"width": 375, "height": 800})
    web.go("/")
    page.get_by_role("button", name="Menu").click()
    page.wait_for_selector(".usa-nav.is-visible")
    assert page.evaluate("() => document.body.classList.contains('usa-js-mobile-nav--active')")
    assert missing_rules(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # The complaint form: the script turns each file input into a drop zone; a file of the wrong type is refused
    # in the CSV zone, a letter in the attachments zone gets a preview.
    rep = RepresentativeFactory(user__password=PASSWORD)
    device = totp_device(rep.user)
    user_accept_terms(user=rep.user)
    sign_in(web, rep.user.email, PASSWORD, lambda: device_code(device))
    page = web.go("/complaints/new/")
    page.get_by_role("button", name="Continue").click()  # unanswered: the error styles
    web.check()
    assert missing_rules(page) == []
    choose(page, "A Medicaid managed care organization (MCO)")
    pick(page, "Have you already sent this issue to the MCO and given the MCO the chance to review it?", "Yes")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile("/complaints/new/complaint/$"))
    page.wait_for_selector(".usa-file-input__target")
    # The attachments first: after a refusal the USWDS script (3.14) shows no preview in any other zone.
    page.locator("input[type=file]").last.set_input_files(files=[LETTER])
    page.wait_for_selector(".usa-file-input__preview")
    page.locator("input[type=file]").first.set_input_files(files=[LETTER])
    page.wait_for_selector(".has-invalid-file")
    web.check()
    assert missing_rules(page) == []
