"""Terms-of-use gate (R7), security headers (DESIGN §6.4), append-only audit (§6.2), password reset."""

import re

import pytest
from django.core import mail
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounts.models import AuditEvent, TermsAcceptance
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD, sign_in, sign_in_through_views, totp_device

pytestmark = pytest.mark.django_db


class TestTerms:
    def test_a_user_who_has_not_accepted_is_asked_before_anything_else(self, client, representative):
        sign_in(client, representative.user, accept_terms=False)
        for url in ("/", "/accounts/", "/help/"):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/accounts/terms/?next="), url
        assert client.get("/privacy/").status_code == 200  # reading the policies is allowed

    def test_acceptance_is_recorded_with_its_version_and_leads_on(self, client, representative, settings):
        sign_in(client, representative.user, accept_terms=False)
        page = client.get("/accounts/terms/?next=/help/").content.decode()
        assert f"Version {settings.PORTAL_TERMS_VERSION}" in page and "HIPAA" in page
        refused = client.post("/accounts/terms/", {"next": "/help/"})
        assert "Tick the box to agree" in refused.content.decode()
        response = client.post("/accounts/terms/", {"agree": "on", "next": "/help/"})
        assert response["Location"] == "/help/"
        acceptance = TermsAcceptance.objects.get(user=representative.user)
        assert acceptance.version == settings.PORTAL_TERMS_VERSION and acceptance.ip_address == "127.0.0.1"
        assert client.get("/accounts/").status_code == 200
        assert AuditEvent.objects.filter(action="terms.accepted", actor=representative.user).exists()

    def test_a_new_version_is_asked_for_again(self, client, representative, settings):
        sign_in(client, representative.user)
        assert client.get("/accounts/").status_code == 200
        settings.PORTAL_TERMS_VERSION = "2027-01-01"
        response = client.get("/accounts/")
        assert response["Location"].startswith("/accounts/terms/")

    def test_an_offsite_next_is_ignored(self, client, representative):
        sign_in(client, representative.user, accept_terms=False)
        response = client.post("/accounts/terms/", {"agree": "on", "next": "https://evil.example/"})
        assert response["Location"] == "/complaints/"


PUBLIC_PAGES = ["/", "/help/", "/privacy/", "/terms/", "/accounts/login/", "/accounts/register/", "/healthz"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_security_headers_on_public_pages(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


@pytest.mark.parametrize("url", ["/accounts/", "/accounts/organization/", "/accounts/recovery-codes/"])
def test_signed_in_pages_are_never_cached(client, org_admin, url):
    sign_in(client, org_admin.user)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


class TestAudit:
    def test_the_database_refuses_to_change_or_delete_audit_rows(self, representative):
        from accounts.audit import audit_record

        event = audit_record(actor=None, action="test.row", obj=representative)
        for sql in (
            "UPDATE accounts_auditevent SET action = 'edited' WHERE id = %s",
            "DELETE FROM accounts_auditevent WHERE id = %s",
        ):
            refused = pytest.raises(DatabaseError, match="append-only")
            with refused, transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
        with pytest.raises(PermissionError):
            AuditEvent.objects.filter(pk=event.pk).update(action="edited")
        with pytest.raises(PermissionError):
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.get(pk=event.pk).action == "test.row"

    def test_sign_in_events_record_who_what_when_ip_and_request(self, client, representative):
        totp_device(representative.user)
        client.post("/accounts/login/", {"username": representative.user.email, "password": "wrong password!"})
        sign_in_through_views(client, representative.user)
        client.post("/accounts/logout/")
        events = list(AuditEvent.objects.filter(object_id=str(representative.user.pk)).order_by("id"))
        assert [e.action for e in events] == ["auth.login_failed", "auth.login_succeeded", "auth.logout"]
        for event in events:
            assert event.ip_address == "127.0.0.1"
            assert re.fullmatch(r"[0-9a-f]{32}", event.request_id)
            assert event.created_at is not None
        assert events[1].actor == representative.user and events[0].actor is None


class TestPasswordReset:
    def test_reset_by_email_ends_other_sessions(self, client, representative, django_capture_on_commit_callbacks):
        from django.test import Client

        other_session = sign_in(Client(), representative.user)
        assert other_session.get("/accounts/").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/password-reset/", {"email": representative.user.email.upper()})
        assert response["Location"] == "/accounts/password-reset/sent/"
        link = re.search(r"http://[^/\s]+(/accounts/password-reset/[^\s]+/)", mail.outbox[0].body).group(1)
        form_page = client.get(link, follow=True)
        assert "Choose a new password" in form_page.content.decode()
        response = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "brand new passphrase 99", "new_password2": "brand new passphrase 99"},
        )
        assert response["Location"] == "/accounts/password-reset/done/"
        assert other_session.get("/accounts/").status_code == 302
        representative.user.refresh_from_db()
        assert representative.user.check_password("brand new passphrase 99")
        assert not representative.user.check_password(PASSWORD)
        assert AuditEvent.objects.filter(action="auth.password_reset").exists()

    def test_unknown_addresses_get_the_same_answer_and_no_email(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/password-reset/", {"email": "nobody@nowhere.example"})
        assert response["Location"] == "/accounts/password-reset/sent/"
        assert mail.outbox == []


def test_an_existing_account_accepts_an_invitation_while_signed_in(
    client, org_admin, django_capture_on_commit_callbacks
):
    from django.test import Client

    from accounts.models import Representative, User
    from accounts.services.representatives import invitation_create
    from accounts.tokens import invitation_token

    RepresentativeFactory(organization=org_admin.organization, is_org_admin=True)
    former = RepresentativeFactory(organization=org_admin.organization)
    Representative.objects.filter(pk=former.pk).update(revoked_at="2026-01-01T00:00:00Z")
    invitation = invitation_create(organization=org_admin.organization, email=former.user.email, actor=org_admin.user)
    link = f"/accounts/invitations/{invitation_token(invitation)}/"
    anonymous = Client().get(link).content.decode()
    assert "Sign in to accept" in anonymous and "Create my account" not in anonymous
    assert "/accounts/login/?next=%2Faccounts%2Finvitations%2F" in anonymous
    Client().post(
        link, {"full_name": "X", "phone": "1", "password1": "long passphrase 11", "password2": "long passphrase 11"}
    )
    assert User.objects.filter(email=former.user.email).count() == 1
    sign_in(client, former.user)
    assert "Accept the invitation" in client.get(link).content.decode()
    assert client.post(link)["Location"] == "/accounts/"
    assert Representative.objects.active().filter(user=former.user).exists()


def test_an_invitation_opened_while_signed_in_as_someone_else_explains_and_offers_sign_out(client, org_admin):
    from accounts.services.representatives import invitation_create
    from accounts.tokens import invitation_token

    invitation = invitation_create(
        organization=org_admin.organization, email="new@clinic.example", actor=org_admin.user
    )
    sign_in(client, RepresentativeFactory().user)
    response = client.get(f"/accounts/invitations/{invitation_token(invitation)}/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This invitation was sent to new@clinic.example" in page and "Sign out" in page
