"""The staff admin: an OTP admin site that uses the portal's own sign-in (password, then one-time code), sign-out
and audited password change. portal.admin_apps names it as the default admin site (portal imports no app)."""

from django.conf import settings
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from accounts.rescue import clear_handle
from accounts.services.sign_in import sign_out
from accounts.views.password import StaffPasswordChangeView


class PortalAdminSite(OTPAdminSite):
    site_header = "HFS MCO Complaint Portal — staff"
    site_title = "HFS MCO Complaint Portal staff"
    index_title = "Triage and reference data"
    # OTPAdminSite.has_permission: active staff whose session passed the second factor. Nothing else opens.

    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # One sign-in for everybody: the portal's, with its second step, throttling and audit.
        user = request.user
        if user.is_authenticated and user.is_verified():
            # Fully signed in but not HFS staff: sending them to sign in again would loop.
            raise PermissionDenied("The staff admin is for HFS staff.")
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), settings.LOGIN_URL)

    def password_change(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Django's view saves the password itself; the portal's records it in the audit log in the same transaction.
        request.current_app = self.name
        return StaffPasswordChangeView.as_view(
            form_class=AdminPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)

    def logout(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.method != "POST":
            return redirect("admin:index")
        sign_out(request=request)  # ends this browser's rescue handle too (accounts.services.session_rescue)
        response = redirect(settings.LOGOUT_REDIRECT_URL)
        clear_handle(response)
        return response
