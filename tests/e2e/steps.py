"""Steps shared by the journeys, done the way a person does them (labels, buttons, links)."""

import base64
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_otp.oath import totp

from accounts import roles
from accounts.services.users import staff_user_create, user_accept_terms
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD, totp_device

# The password a person chooses when they create their account in a journey (others have tests.helpers.PASSWORD).
NEW_PASSWORD = "Prairie-clinic-2026-billing"


def code_for(secret_base32: str) -> str:
    """The 6-digit code an authenticator app shows for a secret (as typed from the set-up page)."""
    key = base64.b32decode(secret_base32.replace(" ", "").upper())
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def device_code(device) -> str:  # type: ignore[no-untyped-def]
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def fresh_code(code: callable) -> str:  # type: ignore[valid-type]
    """A code not used before in this 30-second window (a code works once): wait for the next window if needed."""
    first = code()
    if getattr(fresh_code, "last", None) == first:
        time.sleep(31 - time.time() % 30)
        first = code()
    fresh_code.last = first  # type: ignore[attr-defined]
    return first


def sign_in(web, email: str, password: str, code: callable) -> None:  # type: ignore[no-untyped-def, valid-type]
    page = web.go("/accounts/login/")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Continue").click()
    web.check()
    page.get_by_label(re.compile("code")).fill(fresh_code(code))
    page.get_by_role("button", name=re.compile("Sign in|Continue")).click()
    web.check()


def sign_out(web) -> None:  # type: ignore[no-untyped-def]
    web.page.get_by_role("button", name=re.compile("^(Sign out|Log out)$", re.I)).first.click()
    web.check()


def link_in_last_email(to: str) -> str:
    """The path of the link in the newest email to ``to`` (the portal's address is this test's live server)."""
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return urlsplit(re.search(r"https?://\S+", message.body).group(0))._replace(scheme="", netloc="").geturl()


def choose(page, label: str) -> None:  # type: ignore[no-untyped-def]
    """Tick a USWDS radio button or checkbox the way a person does: by clicking its visible label."""
    page.locator("label", has_text=label).first.click()
    assert page.get_by_label(label).first.is_checked()


def pick(page, question: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Answer a radio-button question (a fieldset named by its legend) by clicking the option's label."""
    group = page.get_by_role("group", name=question)
    group.locator("label", has_text=option).first.click()


def set_up_authenticator(web) -> str:  # type: ignore[no-untyped-def]
    """First sign-in: type the key shown on the page into 'the app', enter its code, keep the recovery codes."""
    page = web.page
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("6-digit code from the app").fill(fresh_code(lambda: code_for(secret)))
    page.get_by_role("button", name=re.compile("^Confirm")).click()
    web.check()
    page.get_by_role("link", name="I saved my codes, continue").click()
    web.check()
    return secret


def accept_terms(web) -> None:  # type: ignore[no-untyped-def]
    choose(web.page, "I have read the terms of use and agree to follow them.")
    web.page.get_by_role("button", name="Agree and continue").click()
    web.check()


def first_sign_in(web, email: str) -> None:  # type: ignore[no-untyped-def]
    """Email and password, then the authenticator is set up from the key on the page."""
    page = web.page
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    web.check()
    set_up_authenticator(web)


@pytest.fixture(name="analyst")
def analyst_fixture():  # type: ignore[no-untyped-def]
    """A triage analyst who accepted the terms, with their authenticator: (user, device)."""
    user = staff_user_create(
        email="ana.lyst@hfs.example", full_name="Ana Lyst", password=PASSWORD, group_name=roles.TRIAGE_ANALYST
    )
    user_accept_terms(user=user)
    return user, totp_device(user)


@pytest.fixture(name="filer")
def filer_fixture():  # type: ignore[no-untyped-def]
    """A representative of an approved organization who accepted the terms, with their authenticator."""
    rep = RepresentativeFactory(user__password=PASSWORD)
    user_accept_terms(user=rep.user)
    return rep.user, totp_device(rep.user)


def open_in_admin(web, reference: str):  # type: ignore[no-untyped-def]
    """The complaint's page in the admin, found by its reference through the queue's search box."""
    page = web.go("/admin/complaints/complaint/")
    page.locator("#searchbar").fill(reference)  # the queue search box (its label is an icon)
    page.get_by_role("button", name="Search").click()
    web.check()
    page.get_by_role("link", name=reference).click()
    web.check()
    return page


def press(web, reference: str, label: str, **fields: str) -> str:  # type: ignore[no-untyped-def]
    """A triage button on the complaint page; a form (if any) is filled and applied. The queue comes back with
    the outcome message (returned), and the complaint page is opened again."""
    page = web.page
    page.get_by_role("button", name=label).click()
    web.check()
    if fields:
        for field, value in fields.items():
            control = page.get_by_label(field)
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(label=value)
            else:
                control.fill(value)
        page.get_by_role("button", name="Apply").click()
        web.check()
    message = page.locator(".messagelist").inner_text()
    page.get_by_role("link", name=reference).click()
    web.check()
    return message
