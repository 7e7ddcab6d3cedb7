"""Staff admin for accounts: read-only, and list pages do not run a query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.audit import audit_record
from accounts.models import User
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
CHANGELISTS = [
    "/admin/accounts/user/",
    "/admin/accounts/providerorganization/",
    "/admin/accounts/representative/",
    "/admin/accounts/auditevent/",
]


@pytest.fixture
def superuser_client(client):
    return sign_in(client, User.objects.create_superuser(email="root@hfs.example", password="x" * 12, full_name="Root"))


def add_rows(count: int) -> None:
    for _ in range(count):
        representative = RepresentativeFactory()
        audit_record(actor=representative.user, action="test.row", obj=representative)


def query_count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(superuser_client, url):
    add_rows(2)
    few = query_count(superuser_client, url)
    add_rows(20)
    assert query_count(superuser_client, url) == few


@pytest.mark.parametrize(
    ("model", "row"),
    [
        ("user", lambda r: r.user),
        ("providerorganization", lambda r: r.organization),
        ("representative", lambda r: r),
    ],
)
def test_accounts_cannot_be_added_changed_or_deleted_through_admin_forms(superuser_client, model, row):
    representative = RepresentativeFactory()
    obj = row(representative)
    before = type(obj).objects.values().get(pk=obj.pk)
    assert superuser_client.get(f"/admin/accounts/{model}/add/").status_code == 403
    assert (
        superuser_client.post(f"/admin/accounts/{model}/{obj.pk}/change/", {"email": "x@y.example"}).status_code == 403
    )
    assert superuser_client.post(f"/admin/accounts/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(obj).objects.values().get(pk=obj.pk) == before


def test_audit_log_is_read_only_even_for_a_superuser(superuser_client):
    add_rows(1)
    from accounts.models import AuditEvent

    event = AuditEvent.objects.first()
    page = superuser_client.get(f"/admin/accounts/auditevent/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = superuser_client.post(f"/admin/accounts/auditevent/{event.pk}/change/", {"action": "edited"})
    assert response.status_code == 403
    assert superuser_client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "test.row"


def test_past_the_count_cap_every_admin_list_says_more_than_not_a_false_total(superuser_client, settings):
    """The count stops at the cap (issue 17): the search box and "select all" must not present the cap as the total."""
    settings.PORTAL_LIST_COUNT_CAP = 3
    add_rows(5)
    page = superuser_client.get("/admin/accounts/providerorganization/", {"q": "Provider Organization"}).content
    page = page.decode()
    assert "More than 3 results" in page and "More than 3 provider organizations" in page
    assert "Select all matching provider organizations (more than 3)" in page
    assert "Select all 3" not in page


def test_organization_actions_run_through_the_shared_runner_and_name_each_refusal(superuser_client):
    """The reason form lists every selected organization (portal.admin.service_action's one template); a refusal
    names its organization, and the others are still done."""
    from accounts.models import ProviderOrganization

    pending = RepresentativeFactory(organization__status="pending", is_org_admin=True).organization
    approved = RepresentativeFactory(organization__status="approved", is_org_admin=True).organization
    url = "/admin/accounts/providerorganization/"
    selected = {"action": "reject", "_selected_action": [pending.pk, approved.pk]}
    form = superuser_client.post(url, selected)
    assert form.templates[0].name == "admin/action_form.html"
    page = form.content.decode()
    for organization in (pending, approved):
        assert f"{organization.legal_name} (NPI {organization.npi})" in page
    assert "Do not include member information." in page and 'value="Reject"' in page
    done = superuser_client.post(url, {**selected, "apply": "1", "reason": "NPI not enrolled."}, follow=True)
    text = done.content.decode()
    assert f"{approved.legal_name}: " in text and "Rejected 1;" in text
    assert ProviderOrganization.objects.get(pk=pending.pk).status == ProviderOrganization.Status.REJECTED
    assert ProviderOrganization.objects.get(pk=approved.pk).status == ProviderOrganization.Status.APPROVED
