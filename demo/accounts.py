"""Demo organizations and one account per role, each with a known password and a confirmed authenticator.

Every row is written through the audited services. Each kind of account has its own small creator in
``ACCOUNT_CREATORS``; a new kind of demo account is a new entry there and a line in ``ACCOUNTS``.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import MCO, ProviderOrganization, ProviderType, User
from accounts.services import mco_users, organizations, representatives, users
from accounts.services.mfa import TOTP_DEVICE_NAME, recovery_codes_regenerate
from accounts.validators import npi_with_check_digit

DEMO_PASSWORD = "demo-portal-password"  # noqa: S105 - local demo accounts, printed on purpose  # nosec B105


@dataclass(frozen=True)
class DemoOrganization:
    legal_name: str
    npi_base: str
    medicaid_provider_id: str
    provider_type_code: str
    county: str


@dataclass(frozen=True)
class DemoAccount:
    role: str  # stable values read by tooling: representative, org_admin, staff, supervisor, mco_admin, mco_liaison
    email: str
    full_name: str
    organization: DemoOrganization | None = None  # the provider organization a representative belongs to
    mco: str = ""  # the short name of the MCO an MCO user belongs to


PRAIRIE = DemoOrganization("Prairie Family Health Center", "123456789", "IL0001234", "fqhc", "Sangamon")
LAKESHORE = DemoOrganization("Lakeshore Pediatrics Group", "198765432", "IL0005678", "physician-group", "Cook")
ORGANIZATIONS = [PRAIRIE, LAKESHORE]

ACCOUNTS = [
    DemoAccount("org_admin", "admin@prairie-health.demo.example", "Alex Rivera", organization=PRAIRIE),
    DemoAccount("representative", "rep@prairie-health.demo.example", "Jordan Lee", organization=PRAIRIE),
    DemoAccount("staff", "analyst@hfs.demo.example", "Sam Patel"),
    DemoAccount("supervisor", "supervisor@hfs.demo.example", "Morgan Chen"),
    # Two MCOs answer in the portal (DESIGN §11): each has its administrator and a liaison.
    DemoAccount("mco_admin", "admin@meridian.demo.example", "Pat Morgan", mco="Meridian"),
    DemoAccount("mco_liaison", "liaison@meridian.demo.example", "Chris Owens", mco="Meridian"),
    DemoAccount("mco_admin", "admin@molina.demo.example", "Dana Brooks", mco="Molina"),
    DemoAccount("mco_liaison", "liaison@molina.demo.example", "Lee Harper", mco="Molina"),
]
DEMO_MCOS = ["Meridian", "Molina"]


def seed() -> dict[str, str]:
    """Create the demo organizations and accounts that are missing; return each account's authenticator secret
    (base32) by email. The demo supervisor approves the demo organizations, as HFS approves registrations (R11)."""
    demo_organizations = [_organization(spec) for spec in ORGANIZATIONS]
    secrets = {account.email: _account(account) for account in ACCOUNTS}
    supervisor = account_user("supervisor")
    for organization in demo_organizations:
        if organization.status == ProviderOrganization.Status.PENDING:
            organizations.organization_approve(organization=organization, actor=supervisor)
    return secrets


def account_user(role: str) -> User:
    """The first demo user with this role."""
    return User.objects.get(email=next(account.email for account in ACCOUNTS if account.role == role))


def mco_liaison(short_name: str) -> User:
    """The demo liaison of this MCO."""
    return User.objects.get(email=next(a.email for a in ACCOUNTS if a.role == "mco_liaison" and a.mco == short_name))


def account_users(*role_names: str) -> list[User]:
    """The demo users with any of these roles, in the order of ``ACCOUNTS``."""
    return [User.objects.get(email=account.email) for account in ACCOUNTS if account.role in role_names]


def _organization(spec: DemoOrganization) -> ProviderOrganization:
    npi = npi_with_check_digit(spec.npi_base)
    existing = ProviderOrganization.objects.filter(npi=npi).first()
    if existing:
        return existing
    return organizations.organization_create(
        legal_name=spec.legal_name,
        npi=npi,
        medicaid_provider_id=spec.medicaid_provider_id,
        provider_type=ProviderType.objects.get(code=spec.provider_type_code),
        county=spec.county,
    )


def _account(spec: DemoAccount) -> str:
    """Create the demo user if needed; return the base32 secret of their authenticator."""
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = ACCOUNT_CREATORS[spec.role](spec)
        users.user_accept_terms(user=user)
        TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
        recovery_codes_regenerate(user=user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:  # the demo user removed their authenticator: give them one again
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return base64.b32encode(device.bin_key).decode()


def _provider_user(spec: DemoAccount) -> User:
    """A representative (or the administrator) of their demo provider organization."""
    if spec.organization is None:
        raise ValueError(f"The demo {spec.role} account needs its provider organization.")
    organization = ProviderOrganization.objects.get(npi=npi_with_check_digit(spec.organization.npi_base))
    user = users.user_create(email=spec.email, full_name=spec.full_name, password=DEMO_PASSWORD, email_verified=True)
    representatives.representative_designate(
        organization=organization, user=user, is_org_admin=spec.role == "org_admin"
    )
    return user


def _staff_user(spec: DemoAccount) -> User:
    """An HFS staff member in the group of their role."""
    return users.staff_user_create(
        email=spec.email, full_name=spec.full_name, password=DEMO_PASSWORD, group_name=STAFF_GROUPS[spec.role]
    )


def _mco_user(spec: DemoAccount) -> User:
    """An MCO administrator or liaison of their demo MCO."""
    user = users.user_create(email=spec.email, full_name=spec.full_name, password=DEMO_PASSWORD, email_verified=True)
    mco_users.mco_membership_add(
        mco=MCO.objects.get(short_name=spec.mco), user=user, is_mco_admin=spec.role == "mco_admin"
    )
    return user


STAFF_GROUPS = {"staff": roles.TRIAGE_ANALYST, "supervisor": roles.SUPERVISOR}

ACCOUNT_CREATORS: dict[str, Callable[[DemoAccount], User]] = {
    "org_admin": _provider_user,
    "representative": _provider_user,
    "staff": _staff_user,
    "supervisor": _staff_user,
    "mco_admin": _mco_user,
    "mco_liaison": _mco_user,
}
