"""Audit rows for events only django-axes sees (a lockout happens inside its authentication backend)."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from accounts.services.sign_in import audit_attempt


@receiver(user_locked_out, dispatch_uid="accounts.audit_lockout")
def audit_lockout(sender, request, username=None, ip_address=None, **kwargs):  # type: ignore[no-untyped-def]
    audit_attempt(action="auth.locked_out", email=username, request=request)
