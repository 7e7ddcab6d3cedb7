from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, served by the OTP-protected site the accounts app defines (named here, not imported:
    portal imports no app)."""

    default_site = "accounts.admin_site.PortalAdminSite"
