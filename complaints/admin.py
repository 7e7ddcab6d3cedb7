"""Complaints' reference data, edited by HFS supervisors (MCOs and provider types are accounts', in accounts/admin.py).
Rows are deactivated, never deleted (complaints point at them)."""

from django.contrib import admin

from accounts.admin import ReferenceDataAdmin
from complaints.models import Category


@admin.register(Category)
class CategoryAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


from complaints import admin_triage  # noqa: E402, F401 - registers the triage queue
