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


from complaints import admin_systemic, admin_triage  # noqa: E402 - register the triage queue, signals and issues

# The queue's selected complaints can become one systemic issue (admin_systemic imports the triage forms).
admin_triage.ComplaintAdmin.actions = [*admin_triage.ComplaintAdmin.actions, admin_systemic.group_into_issue]
