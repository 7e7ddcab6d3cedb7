"""Password reset by email (Django's views, with the portal's templates, outbox and audit)."""

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from accounts.models import User
from accounts.services.users import user_set_password
from portal import outbox
from portal.forms import form_helper


class ResetRequestForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Your email address"
        self.helper = form_helper("Email me a reset link")

    def get_users(self, email: str):  # type: ignore[no-untyped-def]
        # Unlike Django's default, include active users without a usable password yet: a new staff member
        # whose set-up link expired gets a fresh one this way.
        return User.objects.filter(email=User.objects.normalize_email(email), is_active=True)

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        # Through the outbox: the link is made at delivery from the user's id (no token in the queue).
        for user in self.get_users(self.cleaned_data["email"]):
            outbox.enqueue(kind="accounts.password_reset", object_id=user.pk, to_email=user.email)


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Save new password")


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        # Through the service (the password and its audit row in one transaction), not form.save(). A new password
        # changes the session hash: every existing session of this user ends. No sign-in after the reset.
        user_set_password(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            request=self.request,
            action="auth.password_reset",
        )
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class StaffPasswordChangeView(auth_views.PasswordChangeView):
    """The staff admin's "Change password" (old password, new one twice), through the audited service. This session
    stays signed in; every other session of the user ends."""

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        user = user_set_password(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            request=self.request,
            action="auth.password_changed",
        )
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())
