"""Test helpers: a session that has passed the whole sign-in (password, second factor, terms)."""

import os
import time

from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.auth import LOGIN_AT_KEY, TERMS_SESSION_KEY
from accounts.models import User
from accounts.selectors import terms_version_for
from accounts.services.users import user_accept_terms

PASSWORD = "a-long-test-password"
# The smallest file the portal accepts as a PDF: the header and the end-of-file marker.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def server_process_environment(**extra: str) -> dict[str, str]:
    """The environment for a server process of our own (a worker, gunicorn): the test database, and tasks sent to
    the broker instead of run in-process."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PORTAL_TEST_CELERY_EAGER": "false",
        **extra,
    }


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )


def totp_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code the user's app shows now (or ``offset_steps`` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user: User, *, accept_terms: bool = True) -> Client:
    """Log ``client`` in as ``user`` as if they had typed their password and a one-time code."""
    device = totp_device(user)
    if accept_terms:
        user_accept_terms(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[LOGIN_AT_KEY] = time.time()
    if accept_terms:
        session[TERMS_SESSION_KEY] = terms_version_for(user=user)  # the terms of the user's place
    session.save()
    return client


def sign_in_through_views(client: Client, user: User, password: str = PASSWORD) -> Client:
    """Sign in the way a person does: password page, then a code from the authenticator."""
    device = totp_device(user)
    response = client.post("/accounts/login/", {"username": user.email, "password": password})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/", response
    response = client.post("/accounts/login/code/", {"code": totp_code(device)})
    assert response.status_code == 302, response
    return client
