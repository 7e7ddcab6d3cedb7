"""Staff views of accounts. Users and organizations change through services, not admin forms."""

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import AuditEvent, ProviderOrganization, Representative, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; changes happen through services (later issues add actions that call them)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "phone", "is_active", "is_staff", "groups", "date_joined", "last_login"]
    show_full_result_count = False


@admin.register(ProviderOrganization)
class ProviderOrganizationAdmin(ReadOnlyAdmin):
    list_display = ["legal_name", "npi", "provider_type", "county", "status", "created_at"]
    list_filter = ["status", "provider_type__reporting_group"]
    list_select_related = ["provider_type"]
    search_fields = ["legal_name", "=npi", "=medicaid_provider_id"]
    show_full_result_count = False


@admin.register(Representative)
class RepresentativeAdmin(ReadOnlyAdmin):
    list_display = ["user", "organization", "is_org_admin", "is_billing_agent", "designated_at", "revoked_at"]
    list_filter = ["is_org_admin", "is_billing_agent"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__email", "organization__legal_name", "=organization__npi"]
    show_full_result_count = False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_id", "ip_address", "request_id"]
    list_filter = ["action", "object_type"]
    list_select_related = ["actor"]
    search_fields = ["=object_id", "=request_id", "actor__email"]
    date_hierarchy = "created_at"
    show_full_result_count = False
