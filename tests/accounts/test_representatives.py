"""Designated representatives: invitations (single use, 7 days), acceptance, revocation (DESIGN §5)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts import roles
from accounts.models import AuditEvent, Invitation, Representative, User
from accounts.services.users import staff_user_create
from tests.factories import ProviderOrganizationFactory, RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org_admin):  # type: ignore[no-untyped-def]
    return sign_in(client, org_admin.user)


def invite(admin_client, capture, email: str = "New.Person@Clinic.example", **extra):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return admin_client.post("/accounts/organization/", {"email": email, **extra})


def invitation_link() -> str:
    return re.search(r"http://[^/\s]+(/accounts/invitations/[^\s]+/)", mail.outbox[-1].body).group(1)


def accept(client, link: str, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "full_name": "Nia Person",
        "phone": "217-555-0100",
        "password1": "nia long passphrase 1",
        "password2": "nia long passphrase 1",
    }
    return client.post(link, {**data, **overrides})


def test_administrator_invites_by_email_and_sees_it_listed(admin_client, org_admin, django_capture_on_commit_callbacks):
    response = invite(admin_client, django_capture_on_commit_callbacks, is_billing_agent="on")
    assert response["Location"] == "/accounts/organization/"
    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@clinic.example" and invitation.is_billing_agent
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert [m.to for m in mail.outbox] == [["new.person@clinic.example"]]
    assert org_admin.organization.legal_name in mail.outbox[0].subject
    assert "new.person@clinic.example" in admin_client.get("/accounts/organization/").content.decode()
    assert AuditEvent.objects.filter(action="invitation.created", actor=org_admin.user).exists()


def test_accepting_creates_the_account_and_designation_once(
    client, admin_client, org_admin, django_capture_on_commit_callbacks
):
    invite(admin_client, django_capture_on_commit_callbacks, is_billing_agent="on")
    link = invitation_link()
    client.logout()
    assert "Create my account" in client.get(link).content.decode()
    response = accept(client, link)
    assert response["Location"] == "/accounts/login/"
    user = User.objects.get(email="new.person@clinic.example")
    assert user.email_verified_at is not None  # the link reached the mailbox
    representative = Representative.objects.get(user=user)
    assert representative.organization == org_admin.organization and representative.is_billing_agent
    assert representative.designated_by == org_admin.user
    again = client.get(link)
    assert again.status_code == 400 and "already been used" in again.content.decode()
    assert accept(client, link).status_code == 400
    assert User.objects.filter(email="new.person@clinic.example").count() == 1


def test_an_invitation_expires_after_seven_days(client, admin_client, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks)
    link = invitation_link()
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert client.get(link).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.get(link)
        assert response.status_code == 400 and "expired" in response.content.decode()
        assert accept(client, link).status_code == 400
    assert not User.objects.filter(email="new.person@clinic.example").exists()


def test_a_withdrawn_or_replaced_invitation_no_longer_works(client, admin_client, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks)
    first = invitation_link()
    invite(admin_client, django_capture_on_commit_callbacks)  # sent again: the first link stops working
    second = invitation_link()
    invitation = Invitation.objects.get(cancelled_at__isnull=True)
    admin_client.post(f"/accounts/organization/invitations/{invitation.public_id}/withdraw/")
    client.logout()
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 400


def test_a_tampered_link_is_refused(client):
    response = client.get("/accounts/invitations/not-a-real-token/")
    assert response.status_code == 400 and "not complete or not valid" in response.content.decode()


def test_accept_form_mistakes_are_explained(client, admin_client, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks)
    link = invitation_link()
    client.logout()
    response = accept(client, link, full_name="", password2="different passphrase 9")
    errors = response.context["form"].errors
    assert "full_name" in errors and "not the same" in " ".join(errors["password2"])
    assert 'value="217-555-0100"' in response.content.decode()


def test_someone_who_already_represents_an_organization_cannot_be_invited(admin_client, org_admin, representative):
    colleague = RepresentativeFactory(organization=org_admin.organization)
    analyst = staff_user_create(email="a@hfs.example", full_name="A", password=None, group_name=roles.TRIAGE_ANALYST)
    messages = {}
    for email in (representative.user.email, analyst.email, colleague.user.email):
        response = admin_client.post("/accounts/organization/", {"email": email})
        messages[email] = response.context["form"].errors["email"]
    # Another organization's representative and HFS staff get one neutral answer: nothing leaks about who uses
    # the portal. One's own colleague is named as such (the organization's page lists them).
    neutral = ["This address cannot be invited to your team. If this person should be on it, contact HFS."]
    assert messages[representative.user.email] == messages[analyst.email] == neutral
    assert messages[colleague.user.email] == [
        "This person already represents this organization in the portal, so they cannot be invited."
    ]
    assert not Invitation.objects.exists()


def test_a_pending_organization_cannot_invite(client):
    admin = RepresentativeFactory(organization__status="pending", is_org_admin=True)
    sign_in(client, admin.user)
    response = client.post("/accounts/organization/", {"email": "someone@clinic.example"})
    assert "once HFS has approved" in response.content.decode()
    assert not Invitation.objects.exists()


def test_representatives_who_are_not_administrators_cannot_manage(client, organization):
    rep = RepresentativeFactory(organization=organization)
    other = RepresentativeFactory(organization=organization)
    sign_in(client, rep.user)
    assert client.get("/accounts/organization/").status_code == 404
    assert client.post(f"/accounts/organization/representatives/{other.public_id}/remove/").status_code == 404


def test_another_organizations_representative_answers_404(admin_client):
    stranger = RepresentativeFactory(organization=ProviderOrganizationFactory())
    response = admin_client.post(f"/accounts/organization/representatives/{stranger.public_id}/remove/")
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.revoked_at is None


def test_revoking_ends_that_persons_sessions_at_once(client, admin_client, org_admin):
    from django.test import Client

    rep = RepresentativeFactory(organization=org_admin.organization)
    rep_client = sign_in(Client(), rep.user)
    assert rep_client.get("/accounts/").status_code == 200
    assert (
        "can no longer"
        in admin_client.get(f"/accounts/organization/representatives/{rep.public_id}/remove/").content.decode()
    )
    response = admin_client.post(f"/accounts/organization/representatives/{rep.public_id}/remove/")
    assert response["Location"] == "/accounts/organization/"
    rep.refresh_from_db()
    assert rep.revoked_at is not None and rep.revoked_by == org_admin.user
    response = rep_client.get("/accounts/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="representative.revoked", object_id=str(rep.pk)).exists()


def test_the_last_administrator_cannot_remove_themselves(admin_client, org_admin):
    response = admin_client.post(f"/accounts/organization/representatives/{org_admin.public_id}/remove/")
    assert response.status_code == 200
    assert "You are the only administrator" in response.content.decode()
    org_admin.refresh_from_db()
    assert org_admin.revoked_at is None


def test_an_administrator_can_leave_when_another_remains(admin_client, org_admin):
    RepresentativeFactory(organization=org_admin.organization, is_org_admin=True)
    admin_client.post(f"/accounts/organization/representatives/{org_admin.public_id}/remove/")
    org_admin.refresh_from_db()
    assert org_admin.revoked_at is not None
    assert admin_client.get("/accounts/").status_code == 302  # their own session ended too


def test_a_revoked_person_can_be_invited_again(admin_client, org_admin, django_capture_on_commit_callbacks):
    RepresentativeFactory(organization=org_admin.organization, is_org_admin=True)
    rep = RepresentativeFactory(organization=org_admin.organization)
    admin_client.post(f"/accounts/organization/representatives/{rep.public_id}/remove/")
    invite(admin_client, django_capture_on_commit_callbacks, email=rep.user.email)
    assert Invitation.objects.filter(email=rep.user.email).exists()
