"""Idle sign-out (issue 16 item 13, WCAG 2.2.1): signed-in pages warn before the limit and can keep the session; a
form sent after the session ended is kept server-side for its author, who finds it again after signing in."""

import logging
import re
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.auth import LOGIN_AT_KEY
from accounts.models import AuditEvent, Representative, SessionRescue
from accounts.services.representatives import representative_revoke
from accounts.services.session_rescue import rescue_purge
from accounts.services.users import staff_user_create, user_accept_terms, user_set_password
from complaints.models import Attachment, Complaint
from complaints.services import complaint_close
from tests.complaints.factories import asked, submit, triage_analyst
from tests.complaints.test_intake_views import answer_key_of, form_data, key_of
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD, PDF_BYTES, totp_code, totp_device

pytestmark = pytest.mark.django_db

RESCUED = "You were signed out after 15 minutes without activity. Sign in again and your form will be waiting"


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def rep_user():  # type: ignore[no-untyped-def]
    user = RepresentativeFactory(user__password=PASSWORD).user
    user_accept_terms(user=user)
    return user


def post(client: Client, path: str, data: dict | None = None, **extra):  # type: ignore[no-untyped-def]
    """A POST as a browser sends it: with the CSRF token of the cookie it holds."""
    if "csrftoken" not in client.cookies:
        client.get("/accounts/login/")
    return client.post(path, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, **extra)


def sign_in(client: Client, user) -> str:  # type: ignore[no-untyped-def]
    """Password, then the authenticator's code; returns where the sign-in leads."""
    device = totp_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a code works once: this test signs in again
    client.get("/accounts/login/")
    response = post(client, "/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/login/code/"
    response = post(client, "/accounts/login/code/", {"code": totp_code(device)})
    assert response.status_code == 302, response
    return response["Location"]


def idle_out(client: Client) -> None:
    """The 15 idle minutes pass: the server-side session is past its expiry (what the idle limit does)."""
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))


def open_form(client: Client) -> str:
    post(client, "/complaints/new/", {"program": "mco", "filed_with_mco": "yes"})
    return key_of(client.get("/complaints/new/complaint/"))


def page_text(client: Client, path: str) -> str:
    return client.get(path, follow=True).content.decode()


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


# --- the warning -------------------------------------------------------------------------------------------------


def test_signed_in_pages_carry_the_warning_and_its_timing_public_pages_do_not(browser):
    page = browser.get("/").content.decode()
    assert "data-session-seconds" not in page and 'id="session-warning"' not in page and "session.js" not in page
    sign_in(browser, rep_user())
    page = browser.get("/complaints/").content.decode()
    # What is left of the 15 minutes since the session was last written (within the minute after the sign-in here).
    left = int(re.search(r'<body data-session-seconds="(\d+)" data-session-idle-seconds="900"', page).group(1))
    assert 840 <= left <= 900 and 'data-warn-seconds="120"' in page
    assert 'id="session-warning"' in page and 'role="alertdialog"' in page and "portal/js/session.js" in page
    assert "Stay signed in" in page and 'action="/accounts/session/keep-alive/"' in page


def test_stay_signed_in_renews_the_idle_limit(browser):
    sign_in(browser, rep_user())
    key = browser.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(seconds=60))
    response = post(browser, "/accounts/session/keep-alive/")
    assert response.status_code == 204
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=14)
    idle_out(browser)
    assert post(browser, "/accounts/session/keep-alive/")["Location"].startswith("/accounts/login/")


def test_stay_signed_in_needs_the_csrf_token(browser):
    sign_in(browser, rep_user())
    assert browser.post("/accounts/session/keep-alive/").status_code == 403


# --- the rescue --------------------------------------------------------------------------------------------------


def test_a_complaint_sent_after_the_idle_limit_waits_for_its_author_with_every_field_and_file(browser, caplog):
    caplog.set_level(logging.DEBUG)
    user = rep_user()
    sign_in(browser, user)
    key = open_form(browser)
    # One file attached while still signed in, one sent with the form after the session ended.
    post(browser, "/complaints/new/complaint/", {**form_data(key, action="add_line"), "attachments": pdf("early.pdf")})
    idle_out(browser)
    data = {**form_data(key), "lines-0-claim_number": "CLM-77-A", "attachments": pdf("remittance-late.pdf")}
    response = post(browser, "/complaints/new/complaint/", data)

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"  # nothing in the address
    assert RESCUED in browser.get("/accounts/login/").content.decode()
    assert not Complaint.objects.exists()

    assert sign_in(browser, user) == "/complaints/new/complaint/"
    page = browser.get("/complaints/new/complaint/").content.decode()
    assert "Welcome back. Your complaint is as you left it." in page
    for value in (
        "Claims paid at the wrong rate",
        "Twelve claims were paid at the wrong rate since July.",
        "AET-2026-7781",
        "Avery Member",
        "123456789",
        "Blake Member",
        "987654321",
        "210.00",
        "CLM-77-A",
        "early.pdf",
        "remittance-late.pdf",
        key,
    ):
        assert value in page, value
    assert not SessionRescue.objects.filter(parked_at__isnull=False).exists()  # used once, then gone

    # Sent again from the restored form, it files one complaint with both files.
    response = post(browser, "/complaints/new/complaint/", form_data(key))
    assert response.status_code == 302 and "/submitted/" in response["Location"]
    complaint = Complaint.objects.get()
    assert sorted(Attachment.objects.filter(complaint=complaint).values_list("original_name", flat=True)) == [
        "early.pdf",
        "remittance-late.pdf",
    ]
    assert browser.get("/complaints/new/complaint/")["Location"] == "/complaints/new/"  # shown only once

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.form_parked", "auth.form_restored"} <= actions
    for secret in ("Twelve claims", "Avery Member", "123456789", "AET-2026-7781"):
        assert secret not in caplog.text


def test_the_answer_to_hfs_waits_on_the_complaint_page(browser):
    user = rep_user()
    complaint = submit(user)
    asked(complaint, "Please send the remittance advice.")
    sign_in(browser, user)
    key = answer_key_of(browser, complaint)
    idle_out(browser)
    note = {"note": "Remittance advice for March attached.", "idempotency_key": key}
    response = post(browser, f"/complaints/{complaint.public_id}/answer/", note)
    assert response["Location"] == "/accounts/login/"
    assert sign_in(browser, user) == f"/complaints/{complaint.public_id}/"
    page = browser.get(f"/complaints/{complaint.public_id}/").content.decode()
    assert "Remittance advice for March attached." in page and "Welcome back. Your answer is as you left it." in page


def test_a_form_sent_after_the_12_hour_limit_waits_too(browser):
    user = rep_user()
    sign_in(browser, user)
    key = open_form(browser)
    session = browser.session
    session[LOGIN_AT_KEY] = time.time() - 12 * 60 * 60 - 60  # active all day: the absolute limit, not idling
    session.save()
    response = post(browser, "/complaints/new/complaint/", form_data(key))
    assert response["Location"] == "/accounts/login/"
    assert "12 hours. Sign in again and your form will be waiting" in page_text(browser, "/accounts/login/")
    assert not Complaint.objects.exists()
    assert sign_in(browser, user) == "/complaints/new/complaint/"
    assert "Twelve claims were paid at the wrong rate since July." in page_text(browser, "/complaints/new/complaint/")


def test_a_form_kept_in_a_handle_at_the_end_of_its_life_still_waits_its_30_minutes(browser):
    user = rep_user()
    sign_in(browser, user)
    key = open_form(browser)
    idle_out(browser)
    post(browser, "/complaints/new/complaint/", form_data(key))
    SessionRescue.objects.update(expires_at=timezone.now() - timedelta(seconds=1))  # the handle ran out meanwhile
    rescue_purge()
    assert SessionRescue.objects.filter(parked_at__isnull=False).exists()
    assert sign_in(browser, user) == "/complaints/new/complaint/"
    assert "Twelve claims were paid at the wrong rate since July." in page_text(browser, "/complaints/new/complaint/")


def test_someone_else_signing_in_on_that_browser_gets_nothing_and_the_form_stays_its_authors(browser):
    # A shared computer: the author is signed out while idle, a colleague signs in and out, then the author is back.
    author, other = rep_user(), rep_user()
    sign_in(browser, author)
    key = open_form(browser)
    idle_out(browser)
    post(browser, "/complaints/new/complaint/", form_data(key))
    assert SessionRescue.objects.filter(user=author, parked_at__isnull=False).exists()

    assert sign_in(browser, other) == "/complaints/"
    assert "Claims paid at the wrong rate" not in page_text(browser, "/complaints/new/complaint/")
    post(browser, "/accounts/logout/")
    assert SessionRescue.objects.filter(user=author, parked_at__isnull=False).exists()

    assert sign_in(browser, author) == "/complaints/new/complaint/"
    assert "Claims paid at the wrong rate" in page_text(browser, "/complaints/new/complaint/")
    assert not SessionRescue.objects.filter(parked_at__isnull=False).exists()  # given back once


def test_the_author_gets_the_kept_form_back_after_signing_in_on_another_browser(browser):
    author = rep_user()
    sign_in(browser, author)
    key = open_form(browser)
    idle_out(browser)
    post(browser, "/complaints/new/complaint/", form_data(key))
    elsewhere = Client(enforce_csrf_checks=True)
    assert sign_in(elsewhere, author) == "/complaints/new/complaint/"
    assert "Claims paid at the wrong rate" in page_text(elsewhere, "/complaints/new/complaint/")
    assert sign_in(browser, author) == "/complaints/"  # given back once, not twice


def test_a_kept_form_expires_after_30_minutes(browser):
    user = rep_user()
    sign_in(browser, user)
    key = open_form(browser)
    idle_out(browser)
    post(browser, "/complaints/new/complaint/", form_data(key))
    assert SessionRescue.objects.filter(parked_at__isnull=False).exists()
    SessionRescue.objects.update(parked_at=timezone.now() - timedelta(minutes=31))
    assert sign_in(browser, user) == "/complaints/"
    assert "Claims paid at the wrong rate" not in page_text(browser, "/complaints/new/complaint/")

    SessionRescue.objects.update(parked_at=timezone.now() - timedelta(minutes=31))
    assert rescue_purge() >= 1
    assert not SessionRescue.objects.filter(parked_at__isnull=False).exists()


def test_nothing_is_kept_after_signing_out_on_purpose(browser):
    user = rep_user()
    sign_in(browser, user)
    key = open_form(browser)
    post(browser, "/accounts/logout/")
    response = post(browser, "/complaints/new/complaint/", form_data(key))
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not SessionRescue.objects.exists()
    assert RESCUED not in browser.get("/accounts/login/").content.decode()


def test_a_form_without_a_valid_csrf_token_is_refused_not_kept(browser):
    user = rep_user()
    sign_in(browser, user)
    key = open_form(browser)
    idle_out(browser)
    response = browser.post("/complaints/new/complaint/", {**form_data(key), "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert not SessionRescue.objects.filter(parked_at__isnull=False).exists()


def test_the_handle_cookie_is_http_only_and_holds_no_user_id(browser):
    user = rep_user()
    sign_in(browser, user)
    cookie = browser.cookies["portal_rescue"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert str(user.pk) not in re.split(r"[:.]", cookie.value)
    assert cookie.value.split(":")[0] not in SessionRescue.objects.values_list("handle_digest", flat=True)


def test_a_form_from_someone_who_may_no_longer_file_is_not_kept_and_the_sign_in_page_says_so(browser):
    user = rep_user()
    sign_in(browser, user)
    key = open_form(browser)
    idle_out(browser)
    Representative.objects.filter(user=user).update(revoked_at=timezone.now())  # removed by their administrator
    response = post(browser, "/complaints/new/complaint/", {**form_data(key), "attachments": pdf("late.pdf")})
    assert response["Location"] == "/accounts/login/"
    page = browser.get("/accounts/login/").content.decode()
    assert "You were signed out after 15 minutes without activity. The form you sent could not be kept" in page
    assert RESCUED not in page and "will be waiting" not in page
    assert not Attachment.objects.exists()
    assert not SessionRescue.objects.filter(parked_at__isnull=False).exists()


# --- what is kept ends with the sessions (review of issue 16 item 13) ----------------------------------------------


def park_a_form(client: Client, user) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, user)
    key = open_form(client)
    idle_out(client)
    post(client, "/complaints/new/complaint/", form_data(key))
    assert RESCUED in client.get("/accounts/login/").content.decode()  # the message is shown (and used up)
    assert SessionRescue.objects.filter(user=user, parked_at__isnull=False).exists()


def test_removing_a_representative_deletes_what_was_kept_for_them_and_keeps_nothing_after(browser):
    rep = RepresentativeFactory(user__password=PASSWORD)
    user_accept_terms(user=rep.user)
    admin = RepresentativeFactory(organization=rep.organization, is_org_admin=True)
    park_a_form(browser, rep.user)
    representative_revoke(representative=rep, actor=admin.user)
    assert not SessionRescue.objects.filter(user=rep.user).exists()
    response = post(browser, "/complaints/new/complaint/", form_data("00000000-0000-4000-8000-00000000000b"))
    assert response["Location"].startswith("/accounts/login/?next=")  # no promise that the form waits
    assert "will be waiting" not in browser.get("/accounts/login/").content.decode()


def test_a_new_password_deletes_what_was_kept(browser):
    user = rep_user()
    park_a_form(browser, user)
    user_set_password(user=user, password=PASSWORD + "-new", action="auth.password_reset")
    assert not SessionRescue.objects.filter(user=user).exists()


def test_staff_signing_out_of_the_admin_ends_the_handle(browser):
    staff = staff_user_create(
        email="rescue.staff@hfs.example", full_name="Res Cue", password=PASSWORD, group_name=roles.TRIAGE_ANALYST
    )
    user_accept_terms(user=staff)
    sign_in(browser, staff)
    assert SessionRescue.objects.filter(user=staff).exists()
    response = post(browser, "/admin/logout/")
    assert response.status_code == 302
    assert not SessionRescue.objects.filter(user=staff).exists()
    assert browser.cookies["portal_rescue"].value == ""  # the browser drops it too


def test_signing_out_deletes_forms_kept_from_earlier_sessions(browser):
    user = rep_user()
    park_a_form(browser, user)
    other_browser = Client(enforce_csrf_checks=True)
    sign_in(other_browser, user)
    post(other_browser, "/accounts/logout/")
    assert not SessionRescue.objects.filter(user=user, parked_at__isnull=False).exists()


def test_the_handle_cookie_ends_when_the_browser_closes(browser):
    sign_in(browser, rep_user())
    cookie = browser.cookies["portal_rescue"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # like the session's own cookie


def test_handles_and_forms_past_their_time_are_deleted_without_a_scheduler(browser):
    someone = rep_user()
    now = timezone.now()
    SessionRescue.objects.create(user=someone, handle_digest="a" * 64, expires_at=now - timedelta(seconds=1))
    SessionRescue.objects.create(
        user=someone,
        handle_digest="b" * 64,
        expires_at=now + timedelta(hours=1),
        parked_at=now - timedelta(minutes=31),
        form="complaint",
        data={"fields": {"description": ["Kept too long"]}},
    )
    user = rep_user()
    sign_in(browser, user)
    assert not SessionRescue.objects.filter(user=someone).exists()  # at a sign-in

    SessionRescue.objects.create(user=someone, handle_digest="c" * 64, expires_at=now - timedelta(seconds=1))
    key = open_form(browser)
    idle_out(browser)
    post(browser, "/complaints/new/complaint/", form_data(key))
    assert SessionRescue.objects.filter(user=user, parked_at__isnull=False).exists()
    assert not SessionRescue.objects.filter(user=someone).exists()  # and when a form is kept


def test_an_answer_hfs_no_longer_waits_for_is_shown_to_copy_not_dropped(browser):
    user = rep_user()
    complaint = submit(user)
    asked(complaint, "Please send the remittance advice.")
    sign_in(browser, user)
    idle_out(browser)
    note = {"note": "Remittance advice for March attached.", "idempotency_key": "00000000-0000-4000-8000-00000000000c"}
    post(browser, f"/complaints/{complaint.public_id}/answer/", note)
    complaint.refresh_from_db()
    complaint_close(complaint=complaint, actor=triage_analyst(), reason=Complaint.ClosureReason.DUPLICATE)
    assert sign_in(browser, user) == f"/complaints/{complaint.public_id}/"
    page = browser.get(f"/complaints/{complaint.public_id}/").content.decode()
    assert "HFS is no longer waiting for an answer from you on this complaint" in page
    assert re.search(r"<textarea[^>]*readonly[^>]*>Remittance advice for March attached.</textarea>", page)


def _ended_text(page: str) -> str:
    return page.split('data-session-state="ended"', 1)[1].split("</dialog>", 1)[0]


def test_the_signed_out_dialog_promises_a_kept_form_only_where_one_is_kept(browser):
    user = rep_user()
    complaint = submit(user)
    sign_in(browser, user)
    kept = "what you typed is kept until you sign in again"
    copy = "Copy anything you typed before you sign in again."
    for path in ("/complaints/", f"/complaints/{complaint.public_id}/"):
        ended = _ended_text(browser.get(path).content.decode())
        assert kept not in ended and copy in ended, path
    open_form(browser)
    ended = _ended_text(browser.get("/complaints/new/complaint/").content.decode())
    assert kept in ended and copy not in ended
    asked(complaint)
    ended = _ended_text(browser.get(f"/complaints/{complaint.public_id}/").content.decode())
    assert kept in ended and copy not in ended
