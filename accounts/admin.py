"""Staff views of accounts. Users and organizations change through services, not admin forms; each list filters
only through its own filters (accounts/admin_lookups.py)."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin_lookups import AllowlistedLookupsMixin
from accounts.forms import RejectionForm
from accounts.models import (
    AuditEvent,
    Invitation,
    ProviderOrganization,
    Representative,
    TermsAcceptance,
    User,
    UserManager,
)
from accounts.services.organizations import organization_approve, organization_reject, organization_reopen
from portal.admin import GrowingListMixin, IndexedValuesListFilter, ReadOnlyAdmin, service_action

# Lists that grow with use (issue 17): each serves its first page from an index (see GrowingListMixin); columns
# sort only where an index keeps the order. Searches by name stay "contains" (a name is found by any word in it,
# which no ordinary index serves); those tables grow with enrolled organizations, not with every page viewed.


class EmailSearchMixin:
    """A search term with an "@" in it is the start of an email address (or all of it), read from the email index
    (addresses are stored in lower case); other terms search as ``search_fields`` say."""

    email_search_field = "email"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):  # type: ignore[no-untyped-def]
        term = search_term.strip()
        if "@" in term and not any(character.isspace() for character in term):
            return queryset.filter(**{f"{self.email_search_field}__startswith": term.lower()}), False
        return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]


@admin.register(User)
class UserAdmin(AllowlistedLookupsMixin, EmailSearchMixin, GrowingListMixin, ReadOnlyAdmin):
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups"]
    ordering = ["email"]  # unique, so a total order
    sortable_by = ["email"]
    search_fields = ["email", "full_name"]
    search_help_text = "Part of a name, or the start of an email address (with its @)."
    fields = ["email", "full_name", "phone", "is_active", "is_staff", "groups", "date_joined", "last_login"]


def _describe(organization: ProviderOrganization) -> str:
    """A selected organization on an action's form page."""
    return f"{organization.legal_name} (NPI {organization.npi})"


@admin.register(ProviderOrganization)
class ProviderOrganizationAdmin(AllowlistedLookupsMixin, GrowingListMixin, ReadOnlyAdmin):
    list_display = ["legal_name", "npi", "provider_type", "county", "status", "created_at"]
    list_filter = ["status", "provider_type__reporting_group"]
    list_select_related = ["provider_type"]
    ordering = ["legal_name", "id"]
    sortable_by = ["legal_name"]
    search_fields = ["legal_name", "=npi", "=medicaid_provider_id"]
    actions = [
        service_action(
            "approve", "Approve the selected organizations", organization_approve,
            "Approved {count}; their administrators are being emailed.",
            argument="organization", describe=_describe, permissions=["decide"],
        ),
        service_action(
            "reject", "Reject the selected organizations (asks for a reason)", organization_reject,
            "Rejected {count}; their administrators are being emailed.",
            argument="organization", describe=_describe, permissions=["decide"],
            form=RejectionForm, title="Reject organizations", submit="Reject",
            intro="The reason is emailed to each organization's administrator. Do not include member information.",
        ),
        service_action(
            "reopen", "Return the selected rejected organizations to review", organization_reopen,
            "Returned {count} to review.",
            argument="organization", describe=_describe, permissions=["decide"],
        ),
    ]  # fmt: skip

    def has_decide_permission(self, request: HttpRequest) -> bool:
        # Staff with this permission approve or reject through the actions; nobody edits the row by hand.
        return request.user.has_perm("accounts.change_providerorganization")


@admin.register(Representative)
class RepresentativeAdmin(AllowlistedLookupsMixin, EmailSearchMixin, GrowingListMixin, ReadOnlyAdmin):
    list_display = ["user", "organization", "is_org_admin", "is_billing_agent", "designated_at", "revoked_at"]
    list_filter = ["is_org_admin", "is_billing_agent"]
    list_select_related = ["user", "organization"]
    # Latest first: ordering by organization and user (the model's order) sorts the whole joined table.
    ordering = ["-designated_at", "-id"]
    sortable_by = ["designated_at"]
    search_fields = ["user__email", "organization__legal_name", "=organization__npi"]
    search_help_text = "Part of an organization's name, its NPI, or the start of a person's email address (with its @)."
    email_search_field = "user__email"


@admin.register(Invitation)
class InvitationAdmin(AllowlistedLookupsMixin, GrowingListMixin, ReadOnlyAdmin):
    list_display = ["email", "organization", "invited_by", "created_at", "expires_at", "accepted_at", "cancelled_at"]
    list_select_related = ["organization", "invited_by"]
    ordering = ["-created_at", "-id"]
    sortable_by = ["created_at"]
    search_fields = ["email", "organization__legal_name"]
    exclude = ["nonce"]


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(AllowlistedLookupsMixin, GrowingListMixin, ReadOnlyAdmin):
    list_display = ["user", "version", "accepted_at", "ip_address"]
    list_filter = [("version", IndexedValuesListFilter)]
    list_select_related = ["user"]
    ordering = ["-accepted_at", "-id"]
    sortable_by = ["accepted_at"]
    search_fields = ["user__email__startswith"]
    search_help_text = "The start of the person's email address, or all of it."

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):  # type: ignore[no-untyped-def]
        # Emails are stored in lower case; a prefix of one reads the email index.
        return super().get_search_results(request, queryset, search_term.lower())


@admin.register(AuditEvent)
class AuditEventAdmin(AllowlistedLookupsMixin, GrowingListMixin, ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_id", "ip_address", "request_id"]
    list_filter = [("action", IndexedValuesListFilter), ("object_type", IndexedValuesListFilter)]
    list_select_related = ["actor"]
    ordering = ["-created_at", "-id"]
    sortable_by = ["created_at"]
    search_fields = ["object_id__exact", "request_id__exact"]  # "=" would compare in upper case, past the index
    search_help_text = "A person's whole email address, an object's id or a request id (exactly)."
    date_hierarchy = "created_at"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):  # type: ignore[no-untyped-def]
        term = search_term.strip()
        if "@" in term:
            # One person's actions, newest first, from the actor index (not a join to every user's email). The
            # id is looked up first, so the planner knows whose rows it is reading and how many there are.
            actor = User.objects.filter(email=UserManager.normalize_email(term)).values_list("pk", flat=True).first()
            return (queryset.filter(actor=actor) if actor is not None else queryset.none()), False
        return super().get_search_results(request, queryset, search_term)


def _with_allowlisted_lookups(*models: type) -> None:
    """django-axes registers its own lists of sign-in attempts (supervisors read them); they follow the same rule
    as ours (their session hashes, for one, are not shown, so they must not be filterable either). They grow with
    every sign-in, so they count only up to the cap too (their tables have no index for the date drill-down)."""
    for model in models:
        if admin.site.is_registered(model):
            current = type(admin.site.get_model_admin(model))
            admin.site.unregister(model)
            bases = (AllowlistedLookupsMixin, GrowingListMixin, current)
            admin.site.register(model, type(current.__name__, bases, {"calendar_from_index": False}))


_with_allowlisted_lookups(AccessAttempt, AccessLog, AccessFailureLog)
