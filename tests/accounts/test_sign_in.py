"""Signing in (DESIGN §5, §6.1): password then one-time code, enrollment, throttling, session limits."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent
from tests.factories import RepresentativeFactory, UserFactory
from tests.helpers import PASSWORD, sign_in_through_views, totp_code, totp_device

pytestmark = pytest.mark.django_db


def actions(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def password_step(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": email, "password": password})


@pytest.fixture
def rep():  # type: ignore[no-untyped-def]
    representative = RepresentativeFactory()
    totp_device(representative.user)
    return representative.user


def test_a_right_password_alone_signs_nobody_in(client, rep):
    response = password_step(client, rep.email)
    assert response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/").status_code == 302  # still asked to sign in


def test_password_then_code_signs_in_and_is_audited(client, rep):
    sign_in_through_views(client, rep)
    assert client.get("/accounts/")["Location"] == "/accounts/terms/?next=%2Faccounts%2F"
    client.post("/accounts/terms/", {"agree": "on"})
    assert client.get("/accounts/").status_code == 200
    assert "auth.login_succeeded" in actions(rep)


def test_email_is_matched_whatever_its_case(client, rep):
    assert password_step(client, rep.email.upper())["Location"] == "/accounts/login/code/"


def test_a_wrong_password_says_so_plainly_and_is_audited(client, rep):
    response = password_step(client, rep.email, "not the password")
    assert response.status_code == 200
    assert "The email address or password is not right" in response.content.decode()
    assert actions(rep)[-1] == "auth.login_failed"


def test_a_wrong_code_says_so_and_is_audited(client, rep):
    password_step(client, rep.email)
    response = client.post("/accounts/login/code/", {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert "auth.otp_failed" in actions(rep)
    assert "_auth_user_id" not in client.session


def test_a_code_cannot_be_used_twice(client, rep):
    device = totp_device(rep)
    code = totp_code(device)
    password_step(client, rep.email)
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    password_step(client, rep.email)
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 200


def test_the_code_step_expires_if_the_password_step_is_old(client, rep):
    password_step(client, rep.email)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post("/accounts/login/code/", {"code": totp_code(totp_device(rep))})
    assert response["Location"] == "/accounts/login/"


def test_next_is_kept_through_both_steps_and_foreign_hosts_are_ignored(client, rep):
    client.post("/accounts/login/?next=/accounts/recovery-codes/", {"username": rep.email, "password": PASSWORD})
    response = client.post("/accounts/login/code/", {"code": totp_code(totp_device(rep))})
    assert response["Location"] == "/accounts/recovery-codes/"
    client.post("/accounts/logout/")
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        client.post("/accounts/login/?next=https://evil.example/", {"username": rep.email, "password": PASSWORD})
        response = client.post("/accounts/login/code/", {"code": totp_code(totp_device(rep))})
    assert response["Location"] == "/complaints/"


def test_unconfirmed_email_cannot_sign_in_and_is_told_what_to_do(client):
    user = UserFactory(email_verified_at=None)
    response = password_step(client, user.email)
    assert response.status_code == 200
    assert "Confirm your email address first" in response.content.decode()


class TestFirstSignInEnrollment:
    def test_shows_a_qr_code_and_the_text_secret(self, client):
        user = RepresentativeFactory().user
        assert password_step(client, user.email)["Location"] == "/accounts/login/set-up/"
        page = client.get("/accounts/login/set-up/").content.decode()
        svg = re.search(r"<svg[^>]*>", page).group(0)
        assert 'role="img"' in svg and "viewBox" in svg and "width=" not in svg  # scales on narrow screens
        assert "<title>QR code to add this portal to your authenticator app</title>" in page
        secret = re.search(r'id="totp-secret">(.*?)</p>', page, re.S).group(1)
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        import base64

        assert base64.b32decode("".join(secret.split())) == device.bin_key

    def test_a_code_from_the_app_confirms_it_and_gives_recovery_codes_once(self, client):
        user = RepresentativeFactory().user
        password_step(client, user.email)
        client.get("/accounts/login/set-up/")
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post("/accounts/login/set-up/", {"code": totp_code(device)})
        assert response["Location"] == "/accounts/recovery-codes/"
        page = client.get("/accounts/recovery-codes/").content.decode()
        codes = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
        assert len(codes) == 10 and all(code in page for code in codes)
        assert not any(code in client.get("/accounts/recovery-codes/").content.decode() for code in codes)
        device.refresh_from_db()
        assert device.confirmed
        assert {"mfa.enrolled", "auth.login_succeeded"} <= set(
            AuditEvent.objects.filter(actor=user).values_list("action", flat=True)
        )

    def test_a_wrong_setup_code_keeps_the_same_secret(self, client):
        user = RepresentativeFactory().user
        password_step(client, user.email)
        first = client.get("/accounts/login/set-up/").content.decode()
        response = client.post("/accounts/login/set-up/", {"code": "123456"})
        assert "That code is not right" in response.content.decode()
        secret = re.search(r'id="totp-secret">(.*?)</p>', first, re.S).group(1)
        assert secret in response.content.decode()
        assert TOTPDevice.objects.filter(user=user).count() == 1


class TestRecoveryCodes:
    def test_a_recovery_code_signs_in_once(self, client, rep):
        from accounts.services.mfa import recovery_codes_regenerate

        code = recovery_codes_regenerate(user=rep)[0]
        password_step(client, rep.email)
        assert client.post("/accounts/login/code/", {"code": code.upper()}).status_code == 302
        client.post("/accounts/logout/")
        password_step(client, rep.email)
        assert client.post("/accounts/login/code/", {"code": code}).status_code == 200

    def test_making_new_codes_retires_the_old_ones(self, client, rep):
        from accounts.services.mfa import recovery_codes_regenerate

        old = set(recovery_codes_regenerate(user=rep))
        sign_in_through_views(client, rep)
        client.post("/accounts/terms/", {"agree": "on"})
        client.post("/accounts/recovery-codes/")
        new = set(StaticToken.objects.filter(device__user=rep).values_list("token", flat=True))
        assert len(new) == 10 and not (old & new)


class TestLockout:
    def test_five_wrong_passwords_lock_the_account_from_that_address_for_ten_minutes(self, client, rep):
        for _ in range(5):
            password_step(client, rep.email, "wrong password!")
        response = password_step(client, rep.email)  # even the right password is refused now
        assert response.status_code == 429
        assert "Too many attempts" in response.content.decode()
        assert "auth.locked_out" in actions(rep)
        with time_machine.travel(timezone.now() + timedelta(minutes=9)):
            assert password_step(client, rep.email).status_code == 429
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            assert password_step(client, rep.email)["Location"] == "/accounts/login/code/"

    def test_wrong_codes_count_towards_the_lockout(self, client, rep):
        password_step(client, rep.email, "wrong password!")  # failure 1
        password_step(client, rep.email)
        start = timezone.now()
        statuses = []
        for attempt in range(4):  # failures 2 to 5
            # django-otp makes each device wait 2^n seconds after a wrong code; a person would wait too.
            with time_machine.travel(start + timedelta(seconds=20 * (attempt + 1))):
                statuses.append(client.post("/accounts/login/code/", {"code": "000000"}).status_code)
        assert statuses == [200, 200, 200, 429]
        with time_machine.travel(start + timedelta(seconds=120)):
            assert password_step(client, rep.email).status_code == 429
        assert actions(rep).count("auth.otp_failed") == 4
        assert "auth.locked_out" in actions(rep)

    def test_one_attacker_does_not_lock_out_others_behind_the_same_address(self, client, rep):
        other = RepresentativeFactory().user
        totp_device(other)
        for _ in range(6):
            password_step(client, rep.email, "wrong password!")
        assert password_step(client, other.email)["Location"] == "/accounts/login/code/"

    def test_the_same_account_from_another_address_is_not_locked(self, client, rep):
        for _ in range(6):
            password_step(client, rep.email, "wrong password!")
        response = client.post(
            "/accounts/login/", {"username": rep.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
        )
        assert response["Location"] == "/accounts/login/code/"

    def test_django_otp_throttling_is_explained_not_called_a_wrong_code(self, client, rep):
        password_step(client, rep.email)
        client.post("/accounts/login/code/", {"code": "000000"})
        response = client.post("/accounts/login/code/", {"code": totp_code(totp_device(rep))})
        assert "Too many wrong codes in a row. Wait 1 second" in response.content.decode()
        assert actions(rep).count("auth.otp_failed") == 1  # the throttled try is not counted as wrong


class TestSessions:
    def test_idle_for_15_minutes_signs_out(self, client, rep):
        sign_in_through_views(client, rep)
        client.post("/accounts/terms/", {"agree": "on"})
        with time_machine.travel(timezone.now() + timedelta(minutes=14)):
            assert client.get("/accounts/").status_code == 200
        with time_machine.travel(timezone.now() + timedelta(minutes=28)):  # 14 minutes after the last request
            assert client.get("/accounts/").status_code == 200
        with time_machine.travel(timezone.now() + timedelta(minutes=44)):  # 16 minutes idle
            response = client.get("/accounts/")
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    def test_twelve_hours_is_the_limit_even_when_active(self, client, rep):
        sign_in_through_views(client, rep)
        client.post("/accounts/terms/", {"agree": "on"})
        start = timezone.now()
        for minutes in range(10, 12 * 60, 10):
            with time_machine.travel(start + timedelta(minutes=minutes)):
                assert client.get("/accounts/").status_code == 200
        with time_machine.travel(start + timedelta(hours=12, minutes=1)):
            response = client.get("/accounts/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert "auth.session_expired" in actions(rep)

    def test_signing_out_ends_the_session_on_the_server(self, client, rep):
        sign_in_through_views(client, rep)
        client.post("/accounts/terms/", {"agree": "on"})
        stolen_cookie = client.cookies["sessionid"].value
        client.post("/accounts/logout/")
        client.cookies["sessionid"] = stolen_cookie
        assert client.get("/accounts/").status_code == 302
        assert "auth.logout" in actions(rep)

    def test_session_cookie_is_httponly_and_lax(self, client, rep):
        sign_in_through_views(client, rep)
        cookie = client.cookies["sessionid"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
