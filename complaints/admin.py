"""Reference data, edited by HFS supervisors. Rows are deactivated, never deleted (complaints point at them)."""

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin_lookups import AllowlistedLookupsMixin
from accounts.models import MCO, ProviderType
from complaints.models import Category


class ReferenceDataAdmin(AllowlistedLookupsMixin, admin.ModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MCO)
class MCOAdmin(ReferenceDataAdmin):
    list_display = ["name", "short_name", "service_area", "active_from", "active_to", "notification_email"]
    list_filter = ["service_area"]
    search_fields = ["name", "short_name"]


@admin.register(ProviderType)
class ProviderTypeAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "reporting_group", "is_active"]
    list_filter = ["reporting_group", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Category)
class CategoryAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


from complaints import admin_triage  # noqa: E402, F401 - registers the triage queue
