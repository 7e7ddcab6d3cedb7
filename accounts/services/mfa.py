"""Second factor (DESIGN §5): TOTP enrollment and single-use recovery codes (django-otp)."""

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import audit_record
from accounts.models import User

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a one-time code: the device that accepted it, or how long to wait."""

    device: Device | None = None
    wait_seconds: int = 0


def _wait_seconds(device: Device) -> int:
    """Seconds until django-otp lets this device check another code (its throttle doubles per failure)."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (details or {}).get("locked_until")
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1


def _check(device: Device, code: str) -> CodeCheck:
    wait = _wait_seconds(device)
    if wait:
        return CodeCheck(wait_seconds=wait)
    return CodeCheck(device=device if device.verify_token(code) else None)


@transaction.atomic
def second_factor_check(*, user: User, code: str) -> CodeCheck:
    """Check a 6-digit authenticator code, or else a single-use recovery code, against the user's devices."""
    if re.fullmatch(r"[0-9]{6}", code):
        devices: list[Device] = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
        code = code.lower()
    for device in devices:
        result = _check(device, code)
        if result.device is not None or result.wait_seconds:
            return result
    return CodeCheck()


def has_authenticator(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_enrollment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator this user is enrolling (kept across page reloads, so the QR code holds)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_enrollment_confirm(
    *, user: User, device: TOTPDevice, code: str, request: HttpRequest | None = None
) -> tuple[CodeCheck, list[str]]:
    """Confirm the authenticator with a code from it. On success, also returns fresh recovery codes.

    Records ``mfa.enrolled``.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    result = _check(device, code)
    if result.device is None:
        return result, []
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit_record(actor=user, action="mfa.enrolled", obj=device, request=request)
    return result, recovery_codes_regenerate(user=user, request=request)


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Replace the user's recovery codes with new single-use ones. Records ``mfa.recovery_codes_created``."""
    StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    # Locked: two quick requests make one set after the other, never two sets at once.
    device = StaticDevice.objects.select_for_update().get(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.PORTAL_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit_record(actor=user, action="mfa.recovery_codes_created", obj=device, request=request)
    return codes
