"""Audit rows for events only django-axes sees (a lockout happens inside its authentication backend)."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from accounts.audit import audit_record
from accounts.models import User


@receiver(user_locked_out, dispatch_uid="accounts.audit_lockout")
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs):  # type: ignore[no-untyped-def]
    user = User.objects.filter(email=username).first() if username else None
    audit_record(
        actor=None,
        action="auth.locked_out",
        object_type="accounts.user",
        object_id=str(user.pk) if user else "unknown",
        request=request,
    )
