"""Second factor (DESIGN §5): TOTP enrollment and single-use recovery codes (django-otp)."""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_record
from accounts.models import User

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


@transaction.atomic
def totp_enrollment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator this user is enrolling (kept across page reloads, so the QR code holds)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_enrollment_confirm(
    *, user: User, device: TOTPDevice, code: str, request: HttpRequest | None = None
) -> list[str] | None:
    """Confirm the authenticator with a code from it; returns fresh recovery codes, or None if the code is wrong.

    Records ``mfa.enrolled``.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit_record(actor=user, action="mfa.enrolled", obj=device, request=request)
    return recovery_codes_regenerate(user=user, request=request)


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Replace the user's recovery codes with new single-use ones. Records ``mfa.recovery_codes_created``."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.PORTAL_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(actor=user, action="mfa.recovery_codes_created", obj=device, request=request)
    return codes
