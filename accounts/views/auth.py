"""Sign-in in two steps (password, then one-time code or first-time enrollment), sign-out, recovery codes."""

import base64
import functools
import time
from collections.abc import Callable

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import auth, rescue
from accounts.forms import CodeForm, SignInForm
from accounts.models import User
from accounts.selectors import user_landing_url
from accounts.services import mfa, session_rescue
from accounts.services.sign_in import sign_in_code_failed, sign_in_complete, sign_in_failed, sign_out
from portal.decorators import terms_gate_exempt

NEXT_KEY = "accounts.next"
NEXT_AFTER_SETUP_KEY = "accounts.next_after_setup"
# Changing the second factor needs a recent sign-in: a session left open elsewhere cannot swap it.
RECENT_SIGN_IN_SECONDS = 10 * 60
RECOVERY_CODES_KEY = "accounts.new_recovery_codes"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _sign_in(request: HttpRequest, user: User, backend: str, device: Device) -> str:
    """Complete the sign-in; a form this browser kept for this user after an idle sign-out becomes the next page.
    Returns the browser's new rescue handle, for _with_handle."""
    sign_in_complete(request=request, user=user, backend=backend, device=device)
    token, waiting = session_rescue.rescue_sign_in(request=request, user=user, old_token=rescue.handle_from(request))
    if waiting:
        request.session[NEXT_KEY] = waiting
    return token


def _with_handle(response: HttpResponse, token: str) -> HttpResponse:
    rescue.set_handle(response, token)
    return response


def _after_sign_in(request: HttpRequest) -> str:
    target = request.session.pop(NEXT_KEY, "")
    if target:
        return target
    return user_landing_url(user=request.user)


@login_not_required
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: email and password. A right password leads to step 2; it signs nobody in by itself."""
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_safe_next(request, request.GET.get("next")) or _after_sign_in(request))
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
            auth.pending_start(request, user, backend=user.backend)
            request.session[NEXT_KEY] = next_url
            if user_has_device(user):
                return redirect("accounts:login_code")
            return redirect("accounts:login_setup")
        if form.has_error("__all__", "invalid_login"):
            sign_in_failed(email=request.POST.get("username", ""), request=request)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def _locked_out(request: HttpRequest, email: str) -> HttpResponse | None:
    credentials = {"username": email}
    if AxesProxyHandler.is_locked(request, credentials):
        auth.pending_clear(request)
        return get_lockout_response(request, None, credentials)
    return None


def _second_step(view: Callable[[HttpRequest, User, str], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """For the steps after the password: the pending user (or back to step 1), unless locked out."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        pending = auth.pending_user(request)
        if pending is None:
            messages.info(request, "Please sign in again: the first step has expired.")
            return redirect("accounts:login")
        user, backend = pending
        return _locked_out(request, user.email) or view(request, user, backend)

    return wrapper


@login_not_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
@_second_step
def login_code_view(request: HttpRequest, user: User, backend: str) -> HttpResponse:
    """Step 2: a code from the authenticator app, or a recovery code. Wrong codes count towards the lockout."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = mfa.second_factor_check(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            token = _sign_in(request, user, backend, result.device)
            if isinstance(result.device, StaticDevice):
                # A recovery code or a code from HFS support: the phone may be lost. Offer a new app now.
                messages.info(
                    request,
                    "You signed in with a one-time code. If you lost your phone, set up your new authenticator app "
                    "now. Otherwise you can continue.",
                )
                request.session[NEXT_AFTER_SETUP_KEY] = _after_sign_in(request)
                return _with_handle(redirect("accounts:authenticator"), token)
            return _with_handle(redirect(_after_sign_in(request)), token)
        response = _code_refused(request, form, user, result, WRONG_CODE)
        if response:
            return response
    return render(request, "accounts/login_code.html", {"form": form})


WRONG_CODE = (
    "That code is not right. Codes change every 30 seconds: type the one your app shows now, "
    "or use one of your recovery codes."
)
WRONG_SETUP_CODE = (
    "That code is not right. Check that your phone's time is set automatically, then type the code your app shows now."
)


def _code_refused(
    request: HttpRequest, form: CodeForm, user: User, result: mfa.CodeCheck, message: str
) -> HttpResponse | None:
    """Explain a refused code on the form; a wrong one counts towards the lockout, a throttled one does not."""
    if result.wait_seconds:
        form.add_error(
            "code",
            f"Too many wrong codes in a row. Wait {result.wait_seconds} second{pluralize(result.wait_seconds)}, "
            "then type the code your app shows.",
        )
        return None
    sign_in_code_failed(user=user, request=request)
    locked = _locked_out(request, user.email)
    if locked:
        return locked
    form.add_error("code", message)
    return None


def _qr_svg(config_url: str) -> str:
    # Inline SVG: no image request and no inline script (CSP). Without fixed size it scales to narrow screens;
    # role and title make it an image with a name for assistive technology.
    svg = segno.make(config_url, error="m").svg_inline(
        scale=5, omitsize=True, title="QR code to add this portal to your authenticator app"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _recently_signed_in(request: HttpRequest) -> bool:
    login_at = request.session.get(auth.LOGIN_AT_KEY)
    return login_at is not None and time.time() - login_at <= RECENT_SIGN_IN_SECONDS


def _sign_in_again(request: HttpRequest) -> HttpResponse:
    next_url = request.get_full_path()
    sign_out(request=request, reason="auth.reauthenticate")
    messages.info(request, "For your security, sign in again to change your sign-in settings.")
    return redirect_to_login(next_url)


@login_not_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
@_second_step
def login_setup_view(request: HttpRequest, user: User, backend: str) -> HttpResponse:
    """First sign-in: add the portal to an authenticator app (QR code or typed secret) and confirm with a code."""
    if user_has_device(user):
        return redirect("accounts:login_code")
    device = mfa.totp_enrollment_device(user=user)
    form = CodeForm(
        request.POST if request.method == "POST" else None, submit_label="Confirm and sign in", setting_up=True
    )
    if request.method == "POST" and form.is_valid():
        result, codes = mfa.totp_enrollment_confirm(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        )
        if result.device is not None:
            token = _sign_in(request, user, backend, result.device)
            request.session[RECOVERY_CODES_KEY] = codes
            return _with_handle(redirect("accounts:recovery_codes"), token)
        response = _code_refused(request, form, user, result, WRONG_SETUP_CODE)
        if response:
            return response
    return render(request, "accounts/login_setup.html", _setup_context(form, device, user))


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
def authenticator_view(request: HttpRequest) -> HttpResponse:
    """Signed in: move sign-in codes to a new authenticator app (new phone, lost phone). The old app stops working."""
    if not _recently_signed_in(request):
        return _sign_in_again(request)
    user = request.user
    device = mfa.totp_enrollment_device(user=user)
    data = request.POST if request.method == "POST" else None
    form = CodeForm(data, submit_label="Use this app from now on", setting_up=True)
    if request.method == "POST" and form.is_valid():
        result, codes = mfa.totp_enrollment_confirm(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        )
        if result.device is not None:
            request.session[RECOVERY_CODES_KEY] = codes
            messages.success(request, "Your new authenticator app is set up. Your old app's codes no longer work.")
            return redirect("accounts:recovery_codes")
        response = _code_refused(request, form, user, result, WRONG_SETUP_CODE)
        if response:
            return response
    context = _setup_context(form, device, user)
    context["continue_url"] = request.session.get(NEXT_AFTER_SETUP_KEY) or user_landing_url(user=user)
    return render(request, "accounts/authenticator.html", context)


def _setup_context(form: CodeForm, device: TOTPDevice, user: User) -> dict[str, object]:
    secret = base64.b32encode(device.bin_key).decode()
    return {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - segno's own SVG markup, no user input  # nosec B308, B703
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "user_email": user.email,
    }


@never_cache
@terms_gate_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes once (just after enrollment or regeneration); POST makes a new set."""
    if request.method == "POST":
        if not _recently_signed_in(request):
            return _sign_in_again(request)
        request.session[RECOVERY_CODES_KEY] = mfa.recovery_codes_regenerate(user=request.user, request=request)
        messages.success(request, "Your new recovery codes are below. The old ones no longer work.")
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(RECOVERY_CODES_KEY, None)
    next_url = request.session.pop(NEXT_AFTER_SETUP_KEY, None) or _after_sign_in(request)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url})


@login_not_required
@terms_gate_exempt
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    sign_out(request=request)  # signing out on purpose keeps nothing (accounts.services.session_rescue)
    messages.success(request, "You are signed out.")
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    rescue.clear_handle(response)
    return response
