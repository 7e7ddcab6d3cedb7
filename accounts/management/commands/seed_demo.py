"""Demo data for the embedded default: organizations, one user per role, and their sign-in details.

Runs again safely (existing demo rows are kept). Refuses to run under production settings.
Each demo user gets a confirmed authenticator (its secret is printed, for local use only), a confirmed
email address and the current terms of use accepted, so the demo starts at the portal's real pages.
"""

import base64
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import demo_complaints, roles
from accounts.models import ProviderOrganization, User
from accounts.services import organizations, representatives, users
from accounts.services.mfa import TOTP_DEVICE_NAME, recovery_codes_regenerate
from accounts.validators import npi_with_check_digit
from complaints.models import ProviderType
from reporting.services import report_snapshot_refresh

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
    role: str  # stable values read by tooling: representative, org_admin, staff, supervisor
    email: str
    full_name: str


ORGANIZATIONS = [
    DemoOrganization("Prairie Family Health Center", "123456789", "IL0001234", "fqhc", "Sangamon"),
    DemoOrganization("Lakeshore Pediatrics Group", "198765432", "IL0005678", "physician-group", "Cook"),
]

ACCOUNTS = [
    DemoAccount("org_admin", "admin@prairie-health.demo.example", "Alex Rivera"),
    DemoAccount("representative", "rep@prairie-health.demo.example", "Jordan Lee"),
    DemoAccount("staff", "analyst@hfs.demo.example", "Sam Patel"),
    DemoAccount("supervisor", "supervisor@hfs.demo.example", "Morgan Chen"),
]


class Command(BaseCommand):
    help = "Create demo organizations and one user per role (never in production)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--no-statistics",
            dest="statistics",
            action="store_false",
            help="Skip the ~3,000 bulk complaints behind the demo statistics.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.PORTAL_ENVIRONMENT == "production":
            raise CommandError("seed_demo refuses to run with production settings: demo accounts have known passwords.")
        with transaction.atomic():
            demo_organizations = [self._organization(spec) for spec in ORGANIZATIONS]
            secrets = {account.email: self._account(account, demo_organizations[0]) for account in ACCOUNTS}
            # HFS approves registrations: the demo supervisor approves the demo organizations (R11).
            supervisor = User.objects.get(email=next(a.email for a in ACCOUNTS if a.role == "supervisor"))
            for organization in demo_organizations:
                if organization.status == ProviderOrganization.Status.PENDING:
                    organizations.organization_approve(organization=organization, actor=supervisor)
        # Demo complaints are filed through the real services; their acknowledgement emails go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            filed = demo_complaints.seed(
                filers=[User.objects.get(email=a.email) for a in ACCOUNTS if a.role in ("representative", "org_admin")],
                staff=User.objects.get(email=next(a.email for a in ACCOUNTS if a.role == "staff")),
            )
            staff = User.objects.get(email=next(a.email for a in ACCOUNTS if a.role == "staff"))
            bulk = demo_complaints.seed_bulk(staff=staff) if options.get("statistics", True) else 0
        if filed:
            self.stdout.write(f"Filed {filed} demo complaints.")
        if bulk:
            self.stdout.write(f"Added {bulk} demo complaints for the public statistics.")
        report_snapshot_refresh(again=bool(filed or bulk))  # new demo complaints: recompute this release
        for account in ACCOUNTS:
            self.stdout.write(
                f"demo account: role={account.role} email={account.email} password={DEMO_PASSWORD} "
                f"totp={secrets[account.email]}"
            )

    def _organization(self, spec: DemoOrganization) -> ProviderOrganization:
        npi = npi_with_check_digit(spec.npi_base)
        existing = ProviderOrganization.objects.filter(npi=npi).first()
        if existing:
            return existing
        organization = organizations.organization_create(
            legal_name=spec.legal_name,
            npi=npi,
            medicaid_provider_id=spec.medicaid_provider_id,
            provider_type=ProviderType.objects.get(code=spec.provider_type_code),
            county=spec.county,
        )
        return organization

    def _account(self, spec: DemoAccount, organization: ProviderOrganization) -> str:
        """Create the demo user if needed; return the base32 secret of their authenticator."""
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            if spec.role in ("staff", "supervisor"):
                group = roles.TRIAGE_ANALYST if spec.role == "staff" else roles.SUPERVISOR
                user = users.staff_user_create(
                    email=spec.email, full_name=spec.full_name, password=DEMO_PASSWORD, group_name=group
                )
            else:
                user = users.user_create(
                    email=spec.email, full_name=spec.full_name, password=DEMO_PASSWORD, email_verified=True
                )
                representatives.representative_designate(
                    organization=organization, user=user, is_org_admin=spec.role == "org_admin"
                )
            users.user_accept_terms(user=user)
            TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
            recovery_codes_regenerate(user=user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:  # the demo user removed their authenticator: give them one again
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
        return base64.b32encode(device.bin_key).decode()
