from django.contrib import admin
from django.http import HttpRequest

from portal.models import OutboundEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; changes happen through services (admin actions call them)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    """What the portal emailed, to whom and whether it went (bodies are rendered at sending, not stored)."""

    list_display = ["created_at", "kind", "to_email", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "=object_id"]
    show_full_result_count = False
