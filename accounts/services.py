"""Writes of account state. Each runs in one transaction and records an AuditEvent in it."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, ProviderOrganization, Representative, User
from accounts.roles import STAFF_GROUPS
from complaints.models import ProviderType


def audit_record(
    *, actor: User | None, action: str, obj: object, ip_address: str | None = None, request_id: str = ""
) -> AuditEvent:
    """Append one audit row for ``obj`` (ids only). Call it inside the transaction of the change."""
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,  # type: ignore[attr-defined]
        object_id=str(obj.pk),  # type: ignore[attr-defined]
        ip_address=ip_address,
        request_id=request_id,
    )


@transaction.atomic
def user_create(
    *, email: str, full_name: str, password: str | None, phone: str = "", actor: User | None = None
) -> User:
    """Create an active portal user (email normalized). Records ``user.created``."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name, phone=phone)
    audit_record(actor=actor, action="user.created", obj=user)
    return user


@transaction.atomic
def staff_user_create(
    *, email: str, full_name: str, password: str | None, group_name: str, actor: User | None = None
) -> User:
    """Create an HFS staff user in one staff group. Records ``user.created`` and ``user.group_added``."""
    if group_name not in STAFF_GROUPS:
        raise ValueError(f"Unknown staff group: {group_name}")
    user = user_create(email=email, full_name=full_name, password=password, actor=actor)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=group_name))
    audit_record(actor=actor, action="user.group_added", obj=user)
    return user


@transaction.atomic
def organization_create(
    *,
    legal_name: str,
    npi: str,
    medicaid_provider_id: str,
    provider_type: ProviderType,
    county: str,
    actor: User | None = None,
) -> ProviderOrganization:
    """Register a provider organization, pending HFS review (R11). Records ``organization.registered``."""
    organization = ProviderOrganization(
        legal_name=legal_name,
        npi=npi,
        medicaid_provider_id=medicaid_provider_id,
        provider_type=provider_type,
        county=county,
    )
    organization.full_clean()
    organization.save()
    audit_record(actor=actor, action="organization.registered", obj=organization)
    return organization


@transaction.atomic
def organization_approve(*, organization: ProviderOrganization, actor: User | None) -> ProviderOrganization:
    """Approve a pending organization so its representatives can file. Records ``organization.approved``."""
    organization = ProviderOrganization.objects.select_for_update().get(pk=organization.pk)
    if organization.status != ProviderOrganization.Status.PENDING:
        raise ValueError("Only a pending organization can be approved.")
    organization.status = ProviderOrganization.Status.APPROVED
    organization.status_changed_at = timezone.now()
    organization.save(update_fields=["status", "status_changed_at"])
    audit_record(actor=actor, action="organization.approved", obj=organization)
    return organization


@transaction.atomic
def representative_designate(
    *,
    organization: ProviderOrganization,
    user: User,
    is_org_admin: bool = False,
    is_billing_agent: bool = False,
    actor: User | None = None,
) -> Representative:
    """Designate ``user`` to file for ``organization``. Records ``representative.designated``."""
    representative = Representative.objects.create(
        organization=organization,
        user=user,
        is_org_admin=is_org_admin,
        is_billing_agent=is_billing_agent,
        designated_by=actor,
    )
    audit_record(actor=actor, action="representative.designated", obj=representative)
    return representative
