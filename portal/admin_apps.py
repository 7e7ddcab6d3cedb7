from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, served by the OTP-protected PortalAdminSite."""

    default_site = "portal.admin_site.PortalAdminSite"
