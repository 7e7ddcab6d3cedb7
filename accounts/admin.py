"""Staff views of accounts. Users and organizations change through services, not admin forms; each list filters
only through its own filters (accounts/admin_lookups.py)."""

import functools
from collections.abc import Callable

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.admin_lookups import AllowlistedLookupsMixin
from accounts.forms import MCOAdminInvitationForm, RejectionForm
from accounts.models import (
    MCO,
    AuditEvent,
    Invitation,
    MCOMembership,
    ProviderOrganization,
    ProviderType,
    Representative,
    TermsAcceptance,
    User,
    UserManager,
)
from accounts.roles import is_supervisor
from accounts.services.mco_users import mco_admin_invite
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


class ReferenceDataAdmin(AllowlistedLookupsMixin, admin.ModelAdmin):
    """Reference data, edited by HFS supervisors. Rows are deactivated, never deleted (complaints point at them)."""

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def _one_mco_only(action: Callable[..., HttpResponse | None]) -> Callable[..., HttpResponse | None]:
    """The invitation makes its one address the administrator of one MCO (a person works for one MCO only): with
    several MCOs selected, nothing is asked or sent and the page says to choose one."""

    @functools.wraps(action)
    def one(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if len(queryset[:2]) > 1:
            modeladmin.message_user(
                request,
                "Choose one MCO: an invitation makes one person the administrator of one MCO. "
                "Invite each MCO's administrator separately.",
                messages.ERROR,
            )
            return None
        return action(modeladmin, request, queryset)

    return one


@admin.register(MCO)
class MCOAdmin(ReferenceDataAdmin):
    list_display = ["name", "short_name", "service_area", "active_from", "active_to", "notification_email"]
    list_filter = ["service_area"]
    search_fields = ["name", "short_name"]
    # The change page has the invitation as a button too (it runs the action below on that one MCO).
    change_form_template = "accounts/admin/mco_change_form.html"
    actions = [
        _one_mco_only(service_action(
            "invite_mco_admin", "Invite the MCO's administrator (asks for the email)", mco_admin_invite,
            "Invitation sent for {count} MCO(s). The link works once, for 7 days.",
            argument="mco", permissions=["invite"], form=MCOAdminInvitationForm,
            title="Invite the MCO's administrator", submit="Send invitation",
            intro="We email them a link that works once, for 7 days. As the MCO's administrator they invite and "
            "remove its liaisons. Invite someone who works for the MCO.",
        )),
    ]  # fmt: skip

    def has_invite_permission(self, request: HttpRequest) -> bool:
        # HFS supervisors manage users (DESIGN §5); the service checks it again.
        return is_supervisor(request.user)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):  # type: ignore[no-untyped-def]
        extra = {"can_invite_mco_admin": self.has_invite_permission(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)


@admin.register(ProviderType)
class ProviderTypeAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "reporting_group", "is_active"]
    list_filter = ["reporting_group", "is_active"]
    search_fields = ["name", "code"]


@admin.register(MCOMembership)
class MCOMembershipAdmin(AllowlistedLookupsMixin, EmailSearchMixin, GrowingListMixin, ReadOnlyAdmin):
    """Who works for which MCO in the portal. Members are added by invitation and removed by the MCO's
    administrators (/mco/team/), through the services."""

    list_display = ["user", "mco", "is_mco_admin", "added_at", "removed_at"]
    list_filter = ["mco"]
    list_select_related = ["user", "mco"]
    ordering = ["-added_at", "-id"]
    sortable_by = ["added_at"]
    search_fields = ["user__email"]
    search_help_text = "The start of a person's email address (with its @)."
    email_search_field = "user__email"
    exclude = ["public_id"]


@admin.register(Invitation)
class InvitationAdmin(AllowlistedLookupsMixin, GrowingListMixin, ReadOnlyAdmin):
    list_display = ["email", "place", "invited_by", "created_at", "expires_at", "accepted_at", "cancelled_at"]
    list_select_related = ["organization", "mco", "invited_by"]
    ordering = ["-created_at", "-id"]
    sortable_by = ["created_at"]
    search_fields = ["email", "organization__legal_name", "mco__name"]
    exclude = ["nonce"]

    @admin.display(description="organization or MCO")
    def place(self, invitation: Invitation) -> str:
        return str(invitation.organization or invitation.mco)


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
