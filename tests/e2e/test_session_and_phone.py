"""Issue 16: a phone-width screen never scrolls sideways (items 16, WCAG 1.4.10), and the idle-session warning
(item 13, WCAG 2.2.1) appears in time, takes the focus and keeps the session when asked."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
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


def test_the_idle_warning_takes_the_focus_and_stay_signed_in_keeps_the_session(web, settings, tmp_path_factory):
    # A short wait for the warning: it comes 5 seconds after the page loads; the session would end 295 seconds
    # after that, far more than the checks and the key press need however busy the machine is.
    settings.SESSION_COOKIE_AGE = 300
    settings.PORTAL_SESSION_WARNING_SECONDS = 295
    rep = RepresentativeFactory(user__password=PASSWORD)
    user_accept_terms(user=rep.user)
    device = totp_device(rep.user)
    sign_in(web, rep.user.email, PASSWORD, lambda: device_code(device))
    page = web.go("/complaints/")
    search = page.get_by_label("Status")
    search.focus()
    dialog = page.get_by_role("alertdialog", name="Are you still working?")
    dialog.wait_for(state="visible", timeout=30_000)
    web.check()  # the open dialog passes the accessibility check too
    assert page.evaluate("document.getElementById('session-warning').contains(document.activeElement)")
    assert "signed out in" in dialog.inner_text()
    shot = tmp_path_factory.mktemp("warning") / "warning.png"
    page.screenshot(path=str(shot))
    print(f"warning screenshot: {shot}")
    session = Session.objects.get(session_key=_session_key(page))
    before = session.expire_date
    page.keyboard.press("Enter")  # the focused button: Stay signed in
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "filter-status"  # focus back where it was
    assert Session.objects.get(session_key=session.session_key).expire_date > before
    assert web.go("/complaints/").get_by_role("heading", level=1).inner_text() == "Your complaints"  # still signed in


def _session_key(page) -> str:  # type: ignore[no-untyped-def]
    return next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "sessionid")


def test_staff_in_the_admin_get_the_same_idle_warning(web, settings):
    from accounts import roles
    from accounts.services.users import staff_user_create

    settings.SESSION_COOKIE_AGE = 300  # the warning 5 seconds after the page loads, as above
    settings.PORTAL_SESSION_WARNING_SECONDS = 295
    staff = staff_user_create(
        email="idle.analyst@hfs.example", full_name="Ida Lyst", password=PASSWORD, group_name=roles.TRIAGE_ANALYST
    )
    user_accept_terms(user=staff)
    device = totp_device(staff)
    sign_in(web, staff.email, PASSWORD, lambda: device_code(device))
    page = web.go("/admin/complaints/complaint/")
    ended = page.locator('[data-session-state="ended"]').text_content()
    assert "Copy anything you typed" in ended and "kept" not in ended  # the admin keeps no form after a sign-out
    dialog = page.get_by_role("alertdialog", name="Are you still working?")
    dialog.wait_for(state="visible", timeout=30_000)
    web.check()
    assert page.evaluate("document.getElementById('session-warning').contains(document.activeElement)")
    session = Session.objects.get(session_key=_session_key(page))
    before = session.expire_date
    page.keyboard.press("Enter")  # Stay signed in
    dialog.wait_for(state="hidden")
    assert Session.objects.get(session_key=session.session_key).expire_date > before
    assert "Sorted by urgency" in web.go("/admin/complaints/complaint/").content()
