"""MCO users (issue 18 item 1, DESIGN §11): an HFS supervisor invites an MCO's first administrator from the admin,
MCO administrators invite and remove liaisons at /mco/team/, everyone signs in the same way (TOTP, terms — the
MCO's own), removal ends sessions at once, and a person belongs to one place only."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import MCO, AuditEvent, Invitation, MCOMembership, TermsAcceptance, User
from accounts.services.mco_users import mco_admin_invite, mco_liaison_invite, mco_membership_add
from accounts.services.representatives import invitation_accept, invitation_create, representative_designate
from accounts.services.users import staff_user_create
from tests.factories import RepresentativeFactory, UserFactory
from tests.helpers import PASSWORD, sign_in, totp_code, totp_device

pytestmark = pytest.mark.django_db

MCO_TERMS = "mco-2026-12-07"


@pytest.fixture
def molina() -> MCO:
    return MCO.objects.get(short_name="Molina")


@pytest.fixture
def aetna() -> MCO:
    return MCO.objects.get(short_name="Aetna")


def staff(group: str, email: str) -> User:
    return staff_user_create(email=email, full_name="Staff Person", password=PASSWORD, group_name=group)


@pytest.fixture
def supervisor() -> User:
    return staff(roles.SUPERVISOR, "supervisor@hfs.example")


def member(mco: MCO, *, admin: bool = False, **user_fields) -> MCOMembership:  # type: ignore[no-untyped-def]
    return MCOMembership.objects.create(mco=mco, user=UserFactory(**user_fields), is_mco_admin=admin)


@pytest.fixture
def mco_admin(molina) -> MCOMembership:  # type: ignore[no-untyped-def]
    return member(molina, admin=True, full_name="Ada Admin")


@pytest.fixture
def admin_client(client, mco_admin):  # type: ignore[no-untyped-def]
    return sign_in(client, mco_admin.user)


def invitation_link() -> str:
    return re.search(r"http://[^/\s]+(/accounts/invitations/[^\s]+/)", mail.outbox[-1].body).group(1)


def accept(client, link: str):  # type: ignore[no-untyped-def]
    data = {"full_name": "Lia Liaison", "phone": "312-555-0100", "password1": PASSWORD, "password2": PASSWORD}
    return client.post(link, data)


# --- The first administrator, invited by an HFS supervisor in the admin ---------------------------------------


def test_a_supervisor_invites_the_mcos_first_administrator_from_the_mco_page(
    client, supervisor, molina, django_capture_on_commit_callbacks
):
    sign_in(client, supervisor)
    page = client.get(f"/admin/accounts/mco/{molina.pk}/change/").content.decode()
    assert "Invite the MCO's administrator</button>" in page  # the button on the MCO's page
    chosen = {"action": "invite_mco_admin", "_selected_action": [molina.pk]}
    form_page = client.post("/admin/accounts/mco/", chosen)
    assert form_page.status_code == 200 and molina.name in form_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/admin/accounts/mco/", {**chosen, "apply": "1", "email": "Boss@Molina.example"})
    assert done.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.mco, invitation.organization, invitation.email) == (molina, None, "boss@molina.example")
    assert invitation.is_org_admin and invitation.invited_by == supervisor
    assert [m.to for m in mail.outbox] == [["boss@molina.example"]]  # the invited address only
    assert molina.name in mail.outbox[0].subject and "administrator" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="invitation.created", actor=supervisor, object_id=str(invitation.pk))


def test_a_triage_analyst_cannot_invite_an_mcos_administrator(client, molina):
    analyst = staff(roles.TRIAGE_ANALYST, "analyst@hfs.example")
    with pytest.raises(PermissionDenied):
        mco_admin_invite(mco=molina, email="boss@molina.example", actor=analyst)
    sign_in(client, analyst)
    chosen = {"action": "invite_mco_admin", "_selected_action": [molina.pk], "apply": "1", "email": "b@molina.example"}
    client.post("/admin/accounts/mco/", chosen)
    assert "Invite the MCO" not in client.get(f"/admin/accounts/mco/{molina.pk}/change/").content.decode()
    assert not Invitation.objects.exists()


def test_the_admin_lists_memberships_read_only_and_invitations_by_place(client, supervisor, mco_admin, molina):
    mco_liaison_invite(mco=molina, email="new@molina.example", actor=mco_admin.user)
    sign_in(client, supervisor)
    page = client.get("/admin/accounts/mcomembership/")
    assert page.status_code == 200 and mco_admin.user.email in page.content.decode()
    assert client.get("/admin/accounts/mcomembership/add/").status_code == 403
    assert molina.name in client.get("/admin/accounts/invitation/").content.decode()


# --- Acceptance, sign-in, terms ----------------------------------------------------------------------------------


def test_accepting_creates_the_account_and_membership_then_totp_and_the_mco_terms_come_first(
    client, supervisor, molina, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mco_admin_invite(mco=molina, email="boss@molina.example", actor=supervisor)
    link = invitation_link()
    page = client.get(link).content.decode()
    assert "answer provider complaints for" in page and molina.name in page
    assert accept(client, link)["Location"] == "/accounts/login/"
    user = User.objects.get(email="boss@molina.example")
    assert user.email_verified_at is not None  # the link reached the mailbox
    membership = MCOMembership.objects.active().get(user=user)
    assert membership.mco == molina and membership.is_mco_admin and membership.added_by == supervisor
    assert {"user.created", "mco_membership.added", "invitation.accepted"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    # The password alone opens nothing: first the authenticator app, as for everyone.
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/login/set-up/"
    assert client.get("/mco/team/")["Location"].startswith("/accounts/login/")
    client.get("/accounts/login/set-up/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/accounts/login/set-up/", {"code": totp_code(device)})
    assert response["Location"] == "/accounts/recovery-codes/"
    codes_page = client.get("/accounts/recovery-codes/")
    assert codes_page.context["codes"] and codes_page.context["next_url"] == "/mco/"
    # Then the MCO users' terms, before any MCO page.
    response = client.get("/mco/team/")
    assert response["Location"] == "/accounts/terms/?next=%2Fmco%2Fteam%2F"
    terms = client.get(response["Location"]).content.decode()
    assert "Terms of use for MCO users" in terms and "minimum necessary" in terms and "breach notice" in terms
    response = client.post("/accounts/terms/", {"agree": "on", "next": "/mco/team/"})
    assert response["Location"] == "/mco/team/"
    assert list(TermsAcceptance.objects.filter(user=user).values_list("version", flat=True)) == [MCO_TERMS]
    assert client.get("/mco/team/").status_code == 200


def test_the_providers_terms_do_not_count_for_an_mco_user_and_the_mco_terms_not_for_a_provider(
    client, molina, representative
):
    liaison = member(molina)
    TermsAcceptance.objects.create(user=liaison.user, version="2026-11-01")
    sign_in(client, liaison.user, accept_terms=False)
    assert client.get("/accounts/")["Location"].startswith("/accounts/terms/")
    rep_client = sign_in(Client(), representative.user, accept_terms=False)
    TermsAcceptance.objects.create(user=representative.user, version=MCO_TERMS)
    assert rep_client.get("/accounts/")["Location"].startswith("/accounts/terms/")
    rep_client.post("/accounts/terms/", {"agree": "on"})
    assert TermsAcceptance.objects.filter(user=representative.user, version="2026-11-01").exists()


def test_an_mco_user_lands_on_the_mco_queue_after_signing_in(client, molina):
    liaison = member(molina, password=PASSWORD)
    device = totp_device(liaison.user)
    response = client.post("/accounts/login/", {"username": liaison.user.email, "password": PASSWORD})
    assert client.post(response["Location"], {"code": totp_code(device)})["Location"] == "/mco/"


def test_a_signed_in_person_without_a_place_accepts_and_is_asked_the_mco_terms(
    client, mco_admin, molina, django_capture_on_commit_callbacks
):
    loner = UserFactory(email="loner@molina.example")
    with django_capture_on_commit_callbacks(execute=True):
        mco_liaison_invite(mco=molina, email=loner.email, actor=mco_admin.user)
    link = invitation_link()
    sign_in(client, loner)  # accepted the providers' terms: the session remembers them
    assert client.get("/accounts/").status_code == 200
    response = client.post(link)
    assert response["Location"] == "/mco/"
    assert MCOMembership.objects.active().get(user=loner).mco == molina
    assert client.get("/accounts/")["Location"].startswith("/accounts/terms/")


# --- The team page ---------------------------------------------------------------------------------------------


def test_the_mco_administrator_invites_a_liaison_and_sees_the_team(
    admin_client, mco_admin, molina, django_capture_on_commit_callbacks
):
    member(molina, full_name="Lee Liaison")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/mco/team/", {"email": "New.Liaison@Molina.example"})
    assert response["Location"] == "/mco/team/"
    invitation = Invitation.objects.get()
    assert (invitation.mco, invitation.is_org_admin, invitation.invited_by) == (molina, False, mco_admin.user)
    assert [m.to for m in mail.outbox] == [["new.liaison@molina.example"]]
    body = mail.outbox[0].body
    assert molina.name in body and "administrator of its team" not in body
    page = admin_client.get("/mco/team/").content.decode()
    assert "Lee Liaison" in page and "Ada Admin" in page and "new.liaison@molina.example" in page
    assert AuditEvent.objects.filter(action="invitation.created", actor=mco_admin.user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/mco/team/", {"email": "second@molina.example", "is_mco_admin": "on"})
    assert Invitation.objects.get(email="second@molina.example").is_org_admin


def test_the_administrator_withdraws_an_invitation(client, admin_client, mco_admin, molina):
    invitation = mco_liaison_invite(mco=molina, email="new@molina.example", actor=mco_admin.user)
    response = admin_client.post(f"/mco/team/invitations/{invitation.public_id}/withdraw/")
    assert response["Location"] == "/mco/team/"
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    assert AuditEvent.objects.filter(action="invitation.cancelled", object_id=str(invitation.pk)).exists()


def test_removing_a_liaison_ends_their_session_at_once(admin_client, mco_admin, molina):
    liaison = member(molina)
    liaison_client = sign_in(Client(), liaison.user)
    assert liaison_client.get("/accounts/").status_code == 200
    url = f"/mco/team/members/{liaison.public_id}/remove/"
    assert "will be signed out at once" in admin_client.get(url).content.decode()
    assert admin_client.post(url)["Location"] == "/mco/team/"
    liaison.refresh_from_db()
    assert liaison.removed_at is not None and liaison.removed_by == mco_admin.user
    response = liaison_client.get("/accounts/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="mco_membership.removed", object_id=str(liaison.pk)).exists()


def test_the_last_administrator_cannot_remove_themselves_but_can_leave_when_another_remains(
    admin_client, mco_admin, molina
):
    url = f"/mco/team/members/{mco_admin.public_id}/remove/"
    response = admin_client.post(url)
    assert response.status_code == 200
    assert "You are the only administrator of this MCO" in response.content.decode()
    mco_admin.refresh_from_db()
    assert mco_admin.removed_at is None
    member(molina, admin=True)
    admin_client.post(url)
    mco_admin.refresh_from_db()
    assert mco_admin.removed_at is not None
    assert admin_client.get("/mco/team/").status_code == 302  # their own session ended too


def test_the_team_page_is_only_for_the_mcos_administrators(client, molina, representative):
    liaison = member(molina)
    target = member(molina)
    for person in (liaison.user, representative.user, staff(roles.SUPERVISOR, "sup@hfs.example")):
        visitor = sign_in(Client(), person)
        assert visitor.get("/mco/team/").status_code == 404
        assert visitor.post(f"/mco/team/members/{target.public_id}/remove/").status_code == 404
    assert client.get("/mco/team/")["Location"].startswith("/accounts/login/?next=")
    target.refresh_from_db()
    assert target.removed_at is None


def test_another_mcos_members_and_invitations_answer_404(admin_client, aetna):
    aetna_admin = member(aetna, admin=True)
    stranger = member(aetna)
    invitation = mco_liaison_invite(mco=aetna, email="new@aetna.example", actor=aetna_admin.user)
    assert admin_client.get(f"/mco/team/members/{stranger.public_id}/remove/").status_code == 404
    assert admin_client.post(f"/mco/team/members/{stranger.public_id}/remove/").status_code == 404
    assert admin_client.post(f"/mco/team/invitations/{invitation.public_id}/withdraw/").status_code == 404
    stranger.refresh_from_db()
    invitation.refresh_from_db()
    assert stranger.removed_at is None and invitation.cancelled_at is None
    assert "aetna" not in admin_client.get("/mco/team/").content.decode().lower()


def test_the_team_page_costs_the_same_queries_however_many_members(admin_client, mco_admin, molina):
    def count() -> int:
        admin_client.get("/mco/team/")
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/mco/team/").status_code == 200
        return len(captured)

    few = count()
    for n in range(6):
        member(molina, admin=n % 2 == 0)
        mco_liaison_invite(mco=molina, email=f"invitee{n}@molina.example", actor=mco_admin.user)
    assert count() == few


def test_the_navigation_shows_mco_users_their_mcos_links(admin_client, molina, representative):
    page = admin_client.get("/accounts/").content.decode()
    assert "Complaints for Molina" in page and 'href="/mco/team/"' in page and "Your complaints" not in page
    liaison_page = sign_in(Client(), member(molina).user).get("/accounts/").content.decode()
    assert "Complaints for Molina" in liaison_page and 'href="/mco/team/"' not in liaison_page
    provider_page = sign_in(Client(), representative.user).get("/accounts/").content.decode()
    assert "Your complaints" in provider_page and "Complaints for" not in provider_page


# --- One place per person ---------------------------------------------------------------------------------------


NEUTRAL = "This address cannot be invited to your team. If this person should be on it, contact HFS."


def test_one_place_per_person_when_an_mco_administrator_invites_without_saying_where_they_are(
    admin_client, molina, aetna, representative
):
    # An MCO's administrator learns nothing about who uses the portal: a representative, HFS staff and another
    # MCO's member are refused alike. Only their own team's member is named as such (their team page lists them).
    cases = {
        representative.user.email: NEUTRAL,
        staff(roles.TRIAGE_ANALYST, "analyst@hfs.example").email: NEUTRAL,
        member(aetna).user.email: NEUTRAL,
        member(molina).user.email: "This person is already on this MCO's team, so they cannot be invited.",
    }
    for email, message in cases.items():
        errors = admin_client.post("/mco/team/", {"email": email}).context["form"].errors["email"]
        assert errors == [message]
    assert not Invitation.objects.exists()


def test_a_supervisor_inviting_an_mcos_administrator_is_told_why_a_person_cannot_be(supervisor, molina, aetna):
    representative = RepresentativeFactory()
    cases = {
        representative.user.email: "already represents a provider organization in the portal",
        staff(roles.TRIAGE_ANALYST, "analyst@hfs.example").email: "is HFS staff in the portal",
        member(aetna).user.email: "already works for an MCO in the portal",  # which one is not said
        member(molina).user.email: "is already on this MCO's team",
    }
    for email, reason in cases.items():
        with pytest.raises(ValidationError) as refused:
            mco_admin_invite(mco=molina, email=email, actor=supervisor)
        assert refused.value.message_dict == {"email": [f"This person {reason}, so they cannot be invited."]}
    assert not Invitation.objects.exists()


def test_one_place_per_person_for_organizations_too(org_admin, molina):
    liaison = member(molina)
    with pytest.raises(ValidationError) as refused:
        invitation_create(organization=org_admin.organization, email=liaison.user.email, actor=org_admin.user)
    assert refused.value.message_dict == {"email": [NEUTRAL]}  # the organization is not told it is an MCO's
    with pytest.raises(ValidationError, match="already works for an MCO"):
        representative_designate(organization=org_admin.organization, user=liaison.user)
    with pytest.raises(ValidationError, match="already represents a provider organization"):
        mco_membership_add(mco=molina, user=org_admin.user)
    assert not Invitation.objects.exists() and not MCOMembership.objects.filter(user=org_admin.user).exists()


def test_an_invitation_is_refused_at_acceptance_once_the_person_has_another_place(mco_admin, molina, org_admin):
    person = UserFactory(email="busy@clinic.example")
    invitation = mco_liaison_invite(mco=molina, email=person.email, actor=mco_admin.user)
    RepresentativeFactory(user=person, organization=org_admin.organization)
    with pytest.raises(ValidationError, match="already represents a provider organization"):
        invitation_accept(invitation=invitation, user=person)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and not MCOMembership.objects.filter(user=person).exists()


def test_a_removed_administrators_invitations_die_with_their_role(admin_client, mco_admin, molina):
    other_admin = member(molina, admin=True)
    invitation = mco_liaison_invite(mco=molina, email="new@molina.example", actor=other_admin.user)
    admin_client.post(f"/mco/team/members/{other_admin.public_id}/remove/")
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None


# --- Who is a supervisor: one rule for every supervisor-only action ---------------------------------------------


def test_one_supervisor_rule_a_break_glass_superuser_counts_a_deactivated_supervisor_does_not(molina):
    # accounts.roles.is_supervisor, which reopening a complaint (complaints.services.triage) asks too.
    supervisor = staff(roles.SUPERVISOR, "sup@hfs.example")
    break_glass = User.objects.create_superuser(email="root@hfs.example", password=PASSWORD, full_name="Root")
    left = staff(roles.SUPERVISOR, "left@hfs.example")
    User.objects.filter(pk=left.pk).update(is_active=False)
    left.refresh_from_db()
    analyst = staff(roles.TRIAGE_ANALYST, "analyst@hfs.example")
    assert [roles.is_supervisor(user) for user in (supervisor, break_glass, left, analyst)] == [
        True,
        True,
        False,
        False,
    ]
    mco_admin_invite(mco=molina, email="boss@molina.example", actor=break_glass)
    with pytest.raises(PermissionDenied):
        mco_admin_invite(mco=molina, email="boss@molina.example", actor=left)


def test_the_invitation_is_for_one_mco_at_a_time(client, supervisor, molina, aetna):
    """One address, one MCO: inviting with several MCOs selected would leave open invitations of which only one can
    be accepted, so the action refuses plainly before asking for the email, and sends nothing."""
    sign_in(client, supervisor)
    chosen = {"action": "invite_mco_admin", "_selected_action": [molina.pk, aetna.pk]}
    for data in (chosen, {**chosen, "apply": "1", "email": "boss@molina.example"}):
        response = client.post("/admin/accounts/mco/", data, follow=True)
        assert "Choose one MCO: an invitation makes one person the administrator of one MCO." in (
            response.content.decode()
        )
    assert not Invitation.objects.exists() and mail.outbox == []


def test_invitations_cannot_flood_an_inbox_or_the_outbox(admin_client, mco_admin, molina, settings):
    settings.PORTAL_INVITATIONS_PER_HOUR = 5
    for _ in range(3):  # sent again and again: the newest link works, up to three an hour to one address
        assert admin_client.post("/mco/team/", {"email": "flood@victim.example"}).status_code == 302
    fourth = admin_client.post("/mco/team/", {"email": "flood@victim.example"})
    assert fourth.status_code == 200 and "got 3 invitations from your team in the last hour" in fourth.content.decode()
    for n in range(2):
        assert admin_client.post("/mco/team/", {"email": f"person{n}@molina.example"}).status_code == 302
    sixth = admin_client.post("/mco/team/", {"email": "person9@molina.example"})
    assert "You have sent 5 invitations in the last hour" in sixth.content.decode()
    assert Invitation.objects.count() == 5 and not Invitation.objects.filter(email="person9@molina.example").exists()
