"""The staff queue at 1280 and 1920 px wide (issue 16 item 11): every column triage needs is on the screen without
scrolling sideways, the page says what the rows are sorted by, and no column header claims to be the sort unless
the staff member chose it. Screenshots of both widths go to /tmp for a person to look at."""

import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from accounts import roles
from accounts.models import ProviderType
from accounts.services.users import staff_user_create, user_accept_terms
from complaints.models import Category, Complaint
from tests.complaints.factories import submit
from tests.e2e.steps import device_code, sign_in
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUEUE = "/admin/complaints/complaint/"
COLUMNS = ["Reference", "Received", "MCO", "Category", "Provider group", "Organization", "Status", "MCO answer",
           "Expedited", "Next due", "Assigned to", "Possibly premature"]  # fmt: skip
SORT_STATEMENT = "Sorted by urgency: expedited first, then the next due date."


@pytest.fixture
def queue(web):  # type: ignore[no-untyped-def]
    """An analyst signed in, with a queue that has the longest values a column can hold."""
    analyst = staff_user_create(
        email="ana.lyst@hfs.example", full_name="Ana Lyst", password=PASSWORD, group_name=roles.TRIAGE_ANALYST
    )
    user_accept_terms(user=analyst)
    rep = RepresentativeFactory(
        organization__legal_name="Saint Elizabeth Comprehensive Behavioral Health and Recovery Services of Greater "
        "Southern Illinois, Incorporated"
    ).user
    longest = max(Category.objects.all(), key=lambda c: len(c.name))
    urgent = submit(rep, category=longest, access_to_care=True, access_to_care_explanation="No insulin.")
    late = submit(rep)
    Complaint.objects.filter(pk=late.pk).update(
        first_response_due=timezone.localdate() - timezone.timedelta(days=3), filing_window="early", assignee=analyst
    )
    submit(rep)
    # The demo data's widest cells: a provider group with the longest unbreakable word, "In review at HFS", overdue.
    widest = max(ProviderType.objects.all(), key=lambda t: max(map(len, t.get_reporting_group_display().split())))
    other = RepresentativeFactory(organization__provider_type=widest).user
    in_review = submit(other, category=longest)
    Complaint.objects.filter(pk=in_review.pk).update(
        status="in_review", mco_presentation_due=timezone.localdate() - timezone.timedelta(days=2)
    )
    device = totp_device(analyst)
    sign_in(web, analyst.email, PASSWORD, lambda: device_code(device))
    web.expected_first_two = [urgent.reference, late.reference]
    return web


def header_boxes(page) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    boxes = {}
    for header in page.locator("#result_list thead th").all():
        text = " ".join(header.text_content().split())  # as written, not as the admin's CSS capitalizes it
        if text:
            boxes[text] = header.bounding_box()
    return boxes


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (1920, 1080)])
def test_every_column_fits_the_screen_and_the_sort_is_stated(queue, width, height):
    page = queue.page
    page.set_viewport_size({"width": width, "height": height})
    queue.go(QUEUE)
    page.screenshot(path=str(Path(tempfile.gettempdir()) / f"queue-{width}.png"))  # for a person to look at
    boxes = header_boxes(page)
    for name, box in boxes.items():
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{name} is off the screen at {width} px"
    assert list(boxes) == COLUMNS
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Nor does the list scroll inside its own box, or a cell's text run into the next column.
    assert page.evaluate("(e => e.scrollWidth <= e.clientWidth)(document.querySelector('#changelist-form .results'))")
    spilled = page.evaluate(
        "[...document.querySelectorAll('#result_list th, #result_list td')]"
        ".filter(cell => cell.scrollWidth > cell.clientWidth + 1).map(cell => cell.className + ': ' + cell.innerText)"
    )
    assert spilled == []
    assert page.get_by_text(SORT_STATEMENT).is_visible()
    # The rows are in urgency order, so no header is drawn as the sort column.
    assert page.locator("#result_list thead th.sorted").count() == 0
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 4
    assert queue.expected_first_two[0] in rows.nth(0).inner_text()  # expedited
    assert queue.expected_first_two[1] in rows.nth(1).inner_text() and "(overdue)" in rows.nth(1).inner_text()


def test_a_column_the_staff_member_sorts_by_is_marked_and_urgency_is_one_click_away(queue):
    page = queue.go(QUEUE)
    page.locator("#result_list thead th").filter(has_text="Received").get_by_role("link").first.click()
    queue.check()
    assert page.locator("#result_list thead th.sorted").filter(has_text="Received").count() == 1
    assert not page.get_by_text(SORT_STATEMENT).is_visible()
    page.get_by_role("link", name="Sort by urgency again").click()
    queue.check()
    assert page.get_by_text(SORT_STATEMENT).is_visible()
    assert page.locator("#result_list thead th.sorted").count() == 0
