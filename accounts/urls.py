from django.urls import path

from accounts.views import auth, organization, password, registration, session, terms

app_name = "accounts"

urlpatterns = [
    path("", organization.account_home_view, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/code/", auth.login_code_view, name="login_code"),
    path("login/set-up/", auth.login_setup_view, name="login_setup"),
    path("logout/", auth.logout_view, name="logout"),
    path("session/keep-alive/", session.keep_alive_view, name="keep_alive"),
    path("recovery-codes/", auth.recovery_codes_view, name="recovery_codes"),
    path("authenticator/", auth.authenticator_view, name="authenticator"),
    path("register/", registration.register_view, name="register"),
    path("register/done/", registration.register_done_view, name="register_done"),
    path("verify-email/resend/", registration.resend_verification_view, name="verify_email_resend"),
    path("verify-email/<str:token>/", registration.verify_email_view, name="verify_email"),
    path("invitations/<str:token>/", organization.invitation_view, name="invitation"),
    path("organization/", organization.organization_view, name="organization"),
    path(
        "organization/representatives/<uuid:public_id>/remove/",
        organization.representative_revoke_view,
        name="representative_revoke",
    ),
    path(
        "organization/invitations/<uuid:public_id>/withdraw/",
        organization.invitation_cancel_view,
        name="invitation_cancel",
    ),
    path("terms/", terms.terms_accept_view, name="terms_accept"),
    path("password-reset/", password.ResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", password.ResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", password.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", password.ResetCompleteView.as_view(), name="password_reset_complete"),
]
