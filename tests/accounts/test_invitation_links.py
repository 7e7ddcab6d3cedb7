"""A link to an MCO's invitation that can no longer be used names the MCO's administrator (or HFS) as the one to ask
for a new one; a provider's names the organization's administrator (issue 18 review)."""

import html

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts import tokens
from accounts.models import MCO, Invitation, MCOMembership
from accounts.services.mco_users import mco_liaison_invite
from accounts.services.representatives import invitation_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MCO_ASK = "Ask your MCO's administrator, or HFS if HFS invited you, to send you a new invitation."
ORG_ASK = "Ask your organization's administrator to send you a new invitation."


def page(link: str) -> str:
    response = Client().get(link)
    assert response.status_code == 400
    return html.unescape(response.content.decode())


def link(invitation: Invitation) -> str:
    return f"/accounts/invitations/{tokens.invitation_token(invitation)}/"


@pytest.fixture
def mco_invitation() -> Invitation:
    admin = MCOMembership.objects.create(
        mco=MCO.objects.get(short_name="Molina"), user=UserFactory(), is_mco_admin=True
    )
    return mco_liaison_invite(mco=admin.mco, email="lia@molina.example", actor=admin.user)


def test_a_used_mco_invitation_says_to_ask_the_mcos_administrator(mco_invitation):
    Invitation.objects.filter(pk=mco_invitation.pk).update(accepted_at=timezone.now())
    shown = page(link(mco_invitation))
    assert "already been used" in shown and MCO_ASK in shown and ORG_ASK not in shown


def test_an_expired_mco_invitation_says_so_too(mco_invitation):
    with time_machine.travel(timezone.now() + timezone.timedelta(days=30)):
        shown = page(link(mco_invitation))
    assert "has expired" in shown and MCO_ASK in shown


def test_a_used_provider_invitation_names_the_organizations_administrator(org_admin):
    invitation = invitation_create(
        organization=org_admin.organization, email="new@clinic.example", actor=org_admin.user
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    shown = page(link(invitation))
    assert ORG_ASK in shown and MCO_ASK not in shown
    assert ORG_ASK in page("/accounts/invitations/not-a-real-token/")
