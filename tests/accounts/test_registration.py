"""Organization registration (R11), email verification and HFS staff decisions."""

import re

import pytest
from django.core import mail

from accounts import roles
from accounts.models import AuditEvent, ProviderOrganization, ProviderType, Representative, User
from accounts.services.users import staff_user_create
from portal.models import OutboundEmail
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
VALID_NPI = "1245319599"


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "legal_name": "Riverbend Pharmacy LLC",
        "npi": VALID_NPI,
        "medicaid_provider_id": "IL0099887",
        "provider_type": str(ProviderType.objects.get(code="pharmacy").pk),
        "county": "Peoria",
        "admin_full_name": "Dana Okafor",
        "admin_email": "Dana.Okafor@Riverbend.example",
        "admin_phone": "309-555-0142",
        "password1": "riverbend long passphrase 7",
        "password2": "riverbend long passphrase 7",
    }
    return {**data, **overrides}


def link_in(message, prefix: str) -> str:  # type: ignore[no-untyped-def]
    return re.search(rf"http://[^/\s]+({prefix}[^\s]+)", message.body).group(1)


def register(client, django_capture_on_commit_callbacks, **overrides):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/accounts/register/", form_data(**overrides))


def test_registration_creates_a_pending_organization_and_its_administrator(client, django_capture_on_commit_callbacks):
    response = register(client, django_capture_on_commit_callbacks)
    assert response["Location"] == "/accounts/register/done/"
    organization = ProviderOrganization.objects.get(npi=VALID_NPI)
    assert organization.status == ProviderOrganization.Status.PENDING
    admin = User.objects.get(email="dana.okafor@riverbend.example")
    assert admin.email_verified_at is None
    assert Representative.objects.get(user=admin).is_org_admin
    assert "dana.okafor@riverbend.example" in client.get("/accounts/register/done/").content.decode()
    assert [m.to for m in mail.outbox] == [["dana.okafor@riverbend.example"]]
    assert {"organization.registered", "user.created", "representative.designated"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_the_email_link_confirms_the_address_then_sign_in_works(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    response = client.post(
        "/accounts/login/", {"username": "dana.okafor@riverbend.example", "password": "riverbend long passphrase 7"}
    )
    assert "Confirm your email address first" in response.content.decode()
    response = client.get(link_in(mail.outbox[0], "/accounts/verify-email/"))
    assert response["Location"] == "/accounts/login/"
    assert User.objects.get(email="dana.okafor@riverbend.example").email_verified_at is not None
    response = client.post(
        "/accounts/login/", {"username": "dana.okafor@riverbend.example", "password": "riverbend long passphrase 7"}
    )
    assert response["Location"] == "/accounts/login/set-up/"


def test_a_tampered_verification_link_is_refused(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0], "/accounts/verify-email/")
    response = client.get(link[:-3] + "xyz/")
    assert response.status_code == 400
    assert "This link cannot be used" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"npi": "1245319598"}, "npi", "its last digit does not match"),
        ({"npi": "12453"}, "npi", "Enter all 10 digits of the NPI."),
        ({"password2": "something else entirely"}, "password2", "The two passwords are not the same"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "dana.okafor.riverbend", "password2": "dana.okafor.riverbend"}, "password1", "too similar"),
        ({"county": "Atlantis"}, "county", "Select a valid choice"),
        ({"admin_email": "not an email"}, "admin_email", "Enter a valid email address"),
    ],
)
def test_mistakes_are_explained_next_to_the_field_and_nothing_is_lost(client, overrides, field, message):
    response = client.post("/accounts/register/", form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert 'value="Riverbend Pharmacy LLC"' in page and 'value="309-555-0142"' in page
    assert not ProviderOrganization.objects.exists()


def test_an_npi_already_registered_is_refused_with_what_to_do(client, organization):
    response = client.post("/accounts/register/", form_data(npi=organization.npi))
    assert "Ask its administrator to invite you" in " ".join(response.context["form"].errors["npi"])
    assert ProviderOrganization.objects.count() == 1


def test_an_email_already_in_use_is_refused(client, user):
    response = client.post("/accounts/register/", form_data(admin_email=user.email.upper()))
    assert "already exists" in " ".join(response.context["form"].errors["admin_email"])
    assert not ProviderOrganization.objects.filter(npi=VALID_NPI).exists()


def test_resending_the_verification_link_says_the_same_for_unknown_addresses(
    client, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/verify-email/resend/", {"email": "DANA.okafor@riverbend.example"}, follow=True)
        unknown = client.post("/accounts/verify-email/resend/", {"email": "nobody@nowhere.example"}, follow=True)
    assert [m.to for m in mail.outbox] == [["dana.okafor@riverbend.example"]]
    message = "If that address is waiting to be confirmed"
    assert message in known.content.decode() and message in unknown.content.decode()


@pytest.fixture
def staff_client(client):  # type: ignore[no-untyped-def]
    staff = staff_user_create(
        email="analyst@hfs.example", full_name="Ana Lyst", password="x" * 12, group_name=roles.TRIAGE_ANALYST
    )
    return sign_in(client, staff)


def test_staff_approve_in_the_admin_and_only_the_administrators_are_emailed(
    staff_client, django_capture_on_commit_callbacks
):
    from tests.factories import RepresentativeFactory

    organization = RepresentativeFactory(organization__status="pending", is_org_admin=True).organization
    RepresentativeFactory(organization=organization)  # a plain representative: not emailed
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/accounts/providerorganization/",
            {"action": "approve", "_selected_action": [organization.pk]},
            follow=True,
        )
    assert "Approved 1" in response.content.decode()
    organization.refresh_from_db()
    assert organization.status == ProviderOrganization.Status.APPROVED
    admin_email = Representative.objects.get(organization=organization, is_org_admin=True).user.email
    assert [m.to for m in mail.outbox] == [[admin_email]]
    assert "approved" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="organization.approved", object_id=str(organization.pk)).exists()


def test_staff_reject_with_a_reason_that_the_administrator_is_told(staff_client, django_capture_on_commit_callbacks):
    from tests.factories import RepresentativeFactory

    organization = RepresentativeFactory(organization__status="pending", is_org_admin=True).organization
    url = "/admin/accounts/providerorganization/"
    page = staff_client.post(url, {"action": "reject", "_selected_action": [organization.pk]})
    assert "Reason, sent to the organization" in page.content.decode()
    empty = staff_client.post(
        url, {"action": "reject", "_selected_action": [organization.pk], "apply": "1", "reason": ""}
    )
    assert "This field is required" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            url,
            {"action": "reject", "_selected_action": [organization.pk], "apply": "1", "reason": "NPI is not enrolled."},
        )
    organization.refresh_from_db()
    assert organization.status == ProviderOrganization.Status.REJECTED
    assert organization.status_reason == "NPI is not enrolled."
    assert "NPI is not enrolled." in mail.outbox[0].body


def test_deciding_twice_is_refused_with_a_message(staff_client, organization):
    response = staff_client.post(
        "/admin/accounts/providerorganization/",
        {"action": "approve", "_selected_action": [organization.pk]},
        follow=True,
    )
    assert "not pending review" in response.content.decode()


def test_emails_carry_no_phi_fields_and_are_sent_from_the_outbox(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    row = OutboundEmail.objects.get()
    assert row.status == OutboundEmail.Status.SENT and row.kind == "accounts.verify_email"
    assert row.object_id == str(User.objects.get(email="dana.okafor@riverbend.example").pk)
