"""Behaviour around proxies, removed administrators, reopened registrations, expired set-up links and email."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts import roles
from accounts.models import AuditEvent, ProviderOrganization, User
from accounts.services.representatives import invitation_accept, invitation_create, representative_revoke
from accounts.services.users import staff_user_create
from portal import outbox
from portal.models import OutboundEmail
from tests.factories import RepresentativeFactory, UserFactory
from tests.helpers import PASSWORD, sign_in, totp_device

pytestmark = pytest.mark.django_db


class TestBehindAProxy:
    def test_lockout_and_audit_use_the_address_the_proxy_saw_not_what_the_client_claims(self, client, settings):
        settings.PORTAL_TRUSTED_PROXY_COUNT = 1
        user = RepresentativeFactory().user
        totp_device(user)
        proxy = {"REMOTE_ADDR": "10.0.0.5"}
        for n in range(5):  # the attacker forges a different "client" each time; the proxy appends the real one
            client.post(
                "/accounts/login/",
                {"username": user.email, "password": "wrong password!"},
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9",
                **proxy,
            )
        attacker = client.post(
            "/accounts/login/",
            {"username": user.email, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            **proxy,
        )
        assert attacker.status_code == 429
        someone_else = client.post(
            "/accounts/login/",
            {"username": user.email, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="198.51.100.20",
            **proxy,
        )
        assert someone_else["Location"] == "/accounts/login/code/"  # the proxy's users are not all locked out
        failure = AuditEvent.objects.filter(action="auth.login_failed").first()
        assert failure.ip_address == "203.0.113.9"

    def test_without_a_trusted_proxy_forwarded_headers_are_ignored(self, client, settings):
        settings.PORTAL_TRUSTED_PROXY_COUNT = 0
        user = UserFactory()
        client.post(
            "/accounts/login/",
            {"username": user.email, "password": "wrong password!"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            HTTP_X_REQUEST_ID="forged-request-id-123",
        )
        event = AuditEvent.objects.get(action="auth.login_failed")
        assert event.ip_address == "127.0.0.1"
        assert event.request_id != "forged-request-id-123"

    def test_a_trusted_proxy_request_id_is_kept(self, client, settings):
        settings.PORTAL_TRUSTED_PROXY_COUNT = 1
        response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-request-0001")
        assert response["X-Request-ID"] == "proxy-request-0001"


class TestRemovedAdministrators:
    def test_removal_withdraws_the_invitations_they_sent(self, org_admin):
        second = RepresentativeFactory(organization=org_admin.organization, is_org_admin=True)
        invitation = invitation_create(
            organization=org_admin.organization, email="friend@clinic.example", actor=second.user
        )
        representative_revoke(representative=second, actor=org_admin.user)
        invitation.refresh_from_db()
        assert invitation.cancelled_at is not None

    def test_an_invitation_from_someone_no_longer_an_administrator_cannot_be_used(self, org_admin):
        from accounts.models import Representative

        second = RepresentativeFactory(organization=org_admin.organization, is_org_admin=True)
        invitation = invitation_create(
            organization=org_admin.organization, email="friend@clinic.example", actor=second.user
        )
        Representative.objects.filter(pk=second.pk).update(is_org_admin=False)  # demoted, not removed
        with pytest.raises(Exception, match="no longer valid"):
            invitation_accept(invitation=invitation, full_name="F", phone="1", password="long passphrase 12")
        assert not User.objects.filter(email="friend@clinic.example").exists()

    def test_a_removed_administrator_cannot_remove_others(self, org_admin):
        from django.core.exceptions import PermissionDenied

        second = RepresentativeFactory(organization=org_admin.organization, is_org_admin=True)
        rep = RepresentativeFactory(organization=org_admin.organization)
        representative_revoke(representative=second, actor=org_admin.user)
        with pytest.raises(PermissionDenied):
            representative_revoke(representative=rep, actor=second.user)
        rep.refresh_from_db()
        assert rep.revoked_at is None


def test_a_rejected_registration_is_explained_and_staff_can_reopen_it(client, django_capture_on_commit_callbacks):
    organization = RepresentativeFactory(
        organization__status="rejected", is_org_admin=True, organization__npi="1245319599"
    ).organization
    from tests.accounts.test_registration import form_data

    response = client.post("/accounts/register/", form_data(npi="1245319599"))
    assert "staff can reopen it for review" in " ".join(response.context["form"].errors["npi"])
    assert ProviderOrganization.objects.count() == 1
    staff = staff_user_create(email="s@hfs.example", full_name="S", password="x" * 12, group_name=roles.SUPERVISOR)
    sign_in(client, staff)
    client.post("/admin/accounts/providerorganization/", {"action": "reopen", "_selected_action": [organization.pk]})
    organization.refresh_from_db()
    assert organization.status == ProviderOrganization.Status.PENDING
    assert AuditEvent.objects.filter(action="organization.reopened", object_id=str(organization.pk)).exists()


def test_a_staff_member_whose_set_up_link_expired_can_ask_for_a_new_one(client, django_capture_on_commit_callbacks):
    staff_user_create(email="new@hfs.example", full_name="New", password=None, group_name=roles.TRIAGE_ANALYST)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password-reset/", {"email": "new@hfs.example"})
    assert [m.to for m in mail.outbox] == [["new@hfs.example"]]


def test_resending_verification_is_limited_to_once_every_five_minutes(client, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    cache.clear()
    user = UserFactory(email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post("/accounts/verify-email/resend/", {"email": user.email})
    assert len(mail.outbox) == 1


class TestOutbox:
    def test_a_failed_delivery_stays_pending_and_the_sweep_sends_it_once(
        self, settings, django_capture_on_commit_callbacks
    ):
        import socket

        with socket.socket() as sock:  # a port with nothing listening: the SMTP server is down
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
        user = UserFactory(email_verified_at=None)
        from accounts.services.users import user_send_email_verification

        with django_capture_on_commit_callbacks(execute=True):
            user_send_email_verification(user=user)
        row = OutboundEmail.objects.get()
        assert row.status == OutboundEmail.Status.PENDING
        assert row.attempts == 1 and row.last_error == "ConnectionRefusedError"

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert outbox.sweep() == 0  # too recent: the task's own retries come first
        with time_machine.travel(timezone.now() + timedelta(minutes=3)):
            assert outbox.sweep() == 0  # still inside the retries' longest wait (10 minutes)
        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            assert outbox.sweep() == 1
            assert outbox.sweep() == 0
        row.refresh_from_db()
        assert row.status == OutboundEmail.Status.SENT and row.attempts == 2
        assert [m.to for m in mail.outbox] == [[user.email]]

    def test_the_sent_email_names_only_the_person_and_a_link(self, django_capture_on_commit_callbacks):
        user = UserFactory(email_verified_at=None, full_name="Dana Okafor")
        from accounts.services.users import user_send_email_verification

        with django_capture_on_commit_callbacks(execute=True):
            user_send_email_verification(user=user)
        message = mail.outbox[0]
        assert message.subject == "[HFS MCO Complaint Portal] Confirm your email address"
        assert "Hello Dana Okafor" in message.body and "/accounts/verify-email/" in message.body
        html = message.alternatives[0][0]
        assert "/accounts/verify-email/" in html
        row = OutboundEmail.objects.get()
        assert {f.name for f in OutboundEmail._meta.fields} >= {"kind", "object_id", "to_email"}
        assert row.object_id == str(user.pk)  # the queue holds ids; the body is made at sending
        assert not any(f.name in ("body", "subject", "context") for f in OutboundEmail._meta.fields)
