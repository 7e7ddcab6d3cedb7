"""The audit trail (DESIGN §6.2): one append-only row per action, ids only — never PHI."""

from django.db import models
from django.http import HttpRequest

from accounts.models import AuditEvent, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP, the same one django-axes counts failures by (honours PORTAL_TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    from accounts.auth import client_ip_address

    return client_ip_address(request)


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one audit row. Call it inside the transaction of the change it records."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
    )
