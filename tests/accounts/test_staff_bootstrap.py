"""Getting staff in: the first superuser, new staff members, a lost phone (README "Staff accounts")."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import User
from tests.helpers import sign_in, totp_code, totp_device

pytestmark = pytest.mark.django_db


def test_first_superuser_signs_in_and_sets_up_an_authenticator(client):
    user = User.objects.create_superuser(email="Root@HFS.example", password="break glass passphrase", full_name="R")
    response = client.post("/accounts/login/", {"username": "root@hfs.example", "password": "break glass passphrase"})
    assert response["Location"] == "/accounts/login/set-up/"
    client.get("/accounts/login/set-up/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert (
        client.post("/accounts/login/set-up/", {"code": totp_code(device)})["Location"] == "/accounts/recovery-codes/"
    )


def test_create_staff_user_emails_a_password_link_and_sign_in_follows(client, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_staff_user", "--email", "Ana@HFS.example", "--name", "Ana Lyst", "--role", "analyst", stdout=out
        )
    user = User.objects.get(email="ana@hfs.example")
    assert user.is_staff and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [roles.TRIAGE_ANALYST]
    assert [m.to for m in mail.outbox] == [["ana@hfs.example"]] and "staff account" in mail.outbox[0].subject
    link = re.search(r"http://[^/\s]+(/accounts/password-reset/[^\s]+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": "ana long passphrase 3", "new_password2": "ana long passphrase 3"}
    )
    response = client.post("/accounts/login/", {"username": "ana@hfs.example", "password": "ana long passphrase 3"})
    assert response["Location"] == "/accounts/login/set-up/"


def test_addstatictoken_lets_a_staff_member_who_lost_the_phone_in_once_then_asks_for_a_new_app(client):
    user = User.objects.create_superuser(email="root@hfs.example", password="break glass passphrase", full_name="R")
    lost = totp_device(user)  # the lost phone
    out = StringIO()
    call_command("addstatictoken", "root@hfs.example", stdout=out)
    code = out.getvalue().strip()
    client.post("/accounts/login/", {"username": "root@hfs.example", "password": "break glass passphrase"})
    response = client.post("/accounts/login/code/", {"code": code})
    assert response["Location"] == "/accounts/authenticator/"
    client.post("/accounts/terms/", {"agree": "on", "next": "/accounts/authenticator/"})
    page = client.get("/accounts/authenticator/")
    assert "If you lost your phone" in page.content.decode()
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/accounts/authenticator/", {"code": totp_code(new)})["Location"] == "/accounts/recovery-codes/"
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    # the support code worked once only
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "root@hfs.example", "password": "break glass passphrase"})
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 200


def test_a_signed_in_user_moves_to_a_new_authenticator_app(client, representative):
    old = totp_device(representative.user)
    sign_in(client, representative.user)
    page = client.get("/accounts/authenticator/")
    assert "Set up a new authenticator app" in page.content.decode()
    new = TOTPDevice.objects.get(user=representative.user, confirmed=False)
    wrong = client.post("/accounts/authenticator/", {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert TOTPDevice.objects.filter(pk=old.pk).exists()  # nothing changes until the new app works
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        response = client.post("/accounts/authenticator/", {"code": totp_code(new)})
    assert response["Location"] == "/accounts/recovery-codes/"
    assert list(TOTPDevice.objects.filter(user=representative.user).values_list("pk", "confirmed")) == [(new.pk, True)]


def test_signing_in_with_only_a_support_code_leads_to_setting_up_an_app(client, representative):
    from django_otp.plugins.otp_static.lib import add_static_token

    token = add_static_token(representative.user.email).token
    client.post("/accounts/login/", {"username": representative.user.email, "password": "a-long-test-password"})
    response = client.post("/accounts/login/code/", {"code": token})
    assert response["Location"] == "/accounts/authenticator/"


def test_changing_the_second_factor_needs_a_recent_sign_in(client, representative):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone
    from django_otp.plugins.otp_static.models import StaticToken

    totp_device(representative.user)
    sign_in(client, representative.user)
    later = timezone.now() + timedelta(minutes=11)
    with time_machine.travel(later):
        assert client.get("/accounts/").status_code == 200  # still signed in: the session is active
        response = client.get("/accounts/authenticator/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    sign_in(client, representative.user)
    with time_machine.travel(later):
        before = set(StaticToken.objects.filter(device__user=representative.user).values_list("token", flat=True))
        response = client.post("/accounts/recovery-codes/")
        assert response["Location"].startswith("/accounts/login/")
        after = set(StaticToken.objects.filter(device__user=representative.user).values_list("token", flat=True))
    assert before == after
