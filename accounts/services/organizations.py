"""Provider organizations: registration and HFS staff decisions (R11)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import ProviderOrganization, ProviderType, Representative, User
from accounts.services.users import user_create, user_send_email_verification
from portal import outbox


@transaction.atomic
def organization_create(
    *,
    legal_name: str,
    npi: str,
    medicaid_provider_id: str,
    provider_type: ProviderType,
    county: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> ProviderOrganization:
    """Create a provider organization, pending HFS review. Records ``organization.registered``."""
    existing = ProviderOrganization.objects.filter(npi=npi).first()
    if existing is not None and existing.status == ProviderOrganization.Status.REJECTED:
        raise ValidationError(
            {
                "npi": "An earlier registration with this NPI was not approved. Contact HFS and give the NPI: "
                "staff can reopen it for review."
            }
        )
    if existing is not None:
        raise ValidationError(
            {"npi": "An organization with this NPI is already registered. Ask its administrator to invite you."}
        )
    organization = ProviderOrganization(
        legal_name=legal_name,
        npi=npi,
        medicaid_provider_id=medicaid_provider_id,
        provider_type=provider_type,
        county=county,
    )
    organization.full_clean()
    organization.save()
    audit_record(actor=actor, action="organization.registered", obj=organization, request=request)
    return organization


@transaction.atomic
def organization_register(
    *,
    legal_name: str,
    npi: str,
    medicaid_provider_id: str,
    provider_type: ProviderType,
    county: str,
    admin_email: str,
    admin_full_name: str,
    admin_phone: str,
    admin_password: str,
    request: HttpRequest | None = None,
) -> ProviderOrganization:
    """Register an organization and its administrator; emails the administrator a verification link."""
    if User.objects.filter(email=User.objects.normalize_email(admin_email)).exists():
        raise ValidationError(
            {"admin_email": "An account with this email address already exists. Sign in, or use another address."}
        )
    try:
        with transaction.atomic():
            organization = organization_create(
                legal_name=legal_name,
                npi=npi,
                medicaid_provider_id=medicaid_provider_id,
                provider_type=provider_type,
                county=county,
                request=request,
            )
            admin = user_create(
                email=admin_email,
                full_name=admin_full_name,
                phone=admin_phone,
                password=admin_password,
                request=request,
            )
    except IntegrityError as exc:
        # The same form sent twice at once: the first registration stands.
        raise ValidationError(
            "This registration was just received. Check your email for the link to confirm your address."
        ) from exc
    representative = Representative.objects.create(organization=organization, user=admin, is_org_admin=True)
    audit_record(actor=admin, action="representative.designated", obj=representative, request=request)
    user_send_email_verification(user=admin)
    return organization


def _ensure_decider(actor: User) -> None:
    # HFS staff who review registrations (R11); the reporting group and providers cannot.
    if not (actor.is_active and actor.is_staff and actor.has_perm("accounts.change_providerorganization")):
        raise PermissionDenied("Only HFS staff who review registrations can approve, reject or reopen them.")


def _decide(
    *,
    organization: ProviderOrganization,
    status: str,
    reason: str,
    actor: User,
    request: HttpRequest | None,
) -> ProviderOrganization:
    _ensure_decider(actor)
    organization = ProviderOrganization.objects.select_for_update().get(pk=organization.pk)
    if organization.status != ProviderOrganization.Status.PENDING:
        raise ValidationError(
            f"{organization.legal_name} is {organization.get_status_display().lower()}, not pending review."
        )
    organization.status = status
    organization.status_reason = reason
    organization.status_changed_at = timezone.now()
    organization.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(actor=actor, action=f"organization.{status}", obj=organization, request=request)
    admins = Representative.objects.active().filter(organization=organization, is_org_admin=True)
    for admin in admins.select_related("user"):
        outbox.enqueue(kind=f"accounts.organization_{status}", object_id=organization.pk, to_email=admin.user.email)
    return organization


@transaction.atomic
def organization_approve(
    *, organization: ProviderOrganization, actor: User, request: HttpRequest | None = None
) -> ProviderOrganization:
    """Approve a pending organization so it can file (R11). Records it; emails its administrators."""
    return _decide(
        organization=organization,
        status=ProviderOrganization.Status.APPROVED,
        reason="",
        actor=actor,
        request=request,
    )


@transaction.atomic
def organization_reopen(
    *, organization: ProviderOrganization, actor: User, request: HttpRequest | None = None
) -> ProviderOrganization:
    """Put a rejected organization back in the review queue (after HFS heard from it). Records it."""
    _ensure_decider(actor)
    organization = ProviderOrganization.objects.select_for_update().get(pk=organization.pk)
    if organization.status != ProviderOrganization.Status.REJECTED:
        raise ValidationError(f"{organization.legal_name} is not rejected, so it cannot be reopened.")
    organization.status = ProviderOrganization.Status.PENDING
    organization.status_changed_at = timezone.now()
    organization.save(update_fields=["status", "status_changed_at"])
    audit_record(actor=actor, action="organization.reopened", obj=organization, request=request)
    return organization


@transaction.atomic
def organization_reject(
    *, organization: ProviderOrganization, actor: User, reason: str, request: HttpRequest | None = None
) -> ProviderOrganization:
    """Reject a pending organization with a reason it is told. Records it; emails its administrators."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why, so the organization knows what to fix."})
    return _decide(
        organization=organization,
        status=ProviderOrganization.Status.REJECTED,
        reason=reason.strip(),
        actor=actor,
        request=request,
    )
