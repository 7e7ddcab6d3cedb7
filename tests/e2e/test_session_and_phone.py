"""Issue 16: a phone-width screen never scrolls sideways (items 16, WCAG 1.4.10), and the idle-session warning
(item 13, WCAG 2.2.1) appears in time, takes the focus and keeps the session when asked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services.representatives import invitation_create
from accounts.services.users import user_accept_terms
from complaints.rules import ClaimLine
from reporting.services import report_snapshot_refresh
from tests.complaints.factories import submit
from tests.e2e.steps import device_code, sign_in
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 800}
# Long but ordinary values: they must wrap, not widen the page.
LONG_EMAIL = "alexandria.featherstonehaugh-montgomery@prairie-family-health-clinic.example"


def _overflow(page) -> dict:  # type: ignore[no-untyped-def]
    """How wide the page is, and every link or button in a table that is not wholly on the screen."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const off = [];
            for (const el of document.querySelectorAll('table a, table button')) {
                const box = el.getBoundingClientRect();
                if (box.left < 0 || box.right > width + 0.5) off.push(el.textContent.trim() + ' ' + box.right);
            }
            return {scroll: document.documentElement.scrollWidth, width, off};
        }"""
    )


def test_no_portal_page_with_a_table_scrolls_sideways_at_375_pixels(web, tmp_path_factory):
    admin = RepresentativeFactory(is_org_admin=True, user__email=LONG_EMAIL, user__password=PASSWORD)
    RepresentativeFactory(organization=admin.organization, user__email="b" + LONG_EMAIL)
    invitation_create(organization=admin.organization, email="c" + LONG_EMAIL, actor=admin.user)
    today = timezone.localdate()
    lines = [
        ClaimLine("Maximiliana Oluwaseun-Abernathy", "123456789", today - timedelta(days=50), today, "CLM-2026-0000001")
    ] * 2
    complaint = submit(admin.user, lines=lines)
    report_snapshot_refresh()
    user_accept_terms(user=admin.user)
    device = totp_device(admin.user)
    sign_in(web, admin.user.email, PASSWORD, lambda: device_code(device))
    web.page.set_viewport_size(PHONE)
    pages = [
        "/accounts/organization/",
        "/complaints/",
        "/complaints/organization/",
        f"/complaints/{complaint.public_id}/",
        "/reports/",
        "/",
    ]
    shots = tmp_path_factory.mktemp("phone")
    for path in pages:
        page = web.go(path)
        name = path.strip("/").replace("/", "_")[:40] or "home"
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        measured = _overflow(page)
        assert measured["scroll"] <= PHONE["width"], (path, measured)
        assert not measured["off"], (path, measured)
    print(f"phone screenshots: {shots}")
