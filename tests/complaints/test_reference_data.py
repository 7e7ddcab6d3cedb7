"""Reference data (DESIGN §4.1) is present after migrate and editable by supervisors in the admin."""

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import MCO, ProviderType, ReportingGroup
from accounts.services.users import staff_user_create
from complaints.models import Category
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def test_the_five_mcos_are_seeded():
    assert set(MCO.objects.values_list("short_name", flat=True)) == {
        "Aetna",
        "BCCHP",
        "CountyCare",
        "Meridian",
        "Molina",
    }
    assert MCO.objects.get(short_name="CountyCare").service_area == MCO.ServiceArea.COOK_COUNTY
    assert MCO.objects.filter(service_area=MCO.ServiceArea.STATEWIDE).count() == 4
    assert MCO.objects.get(short_name="Meridian").name == "Meridian Health Plan of Illinois (incl. YouthCare)"


def test_every_public_reporting_group_has_a_provider_type():
    groups = set(ProviderType.objects.values_list("reporting_group", flat=True))
    assert groups == set(ReportingGroup.values)
    assert len(ReportingGroup.values) == 15


def test_the_ten_categories_are_seeded_in_order():
    assert list(Category.objects.active().values_list("name", flat=True)) == [
        "Claims and payment",
        "Claim denial",
        "Prior authorization / service denial",
        "Contracting and credentialing",
        "Member eligibility and enrollment",
        "Pharmacy",
        "Transportation",
        "Care coordination",
        "Provider services / MCO portal",
        "Other",
    ]


def test_staff_groups_exist_with_their_permissions():
    supervisor = Group.objects.get(name=roles.SUPERVISOR)
    analyst = Group.objects.get(name=roles.TRIAGE_ANALYST)
    assert {"change_mco", "add_category", "change_providertype"} <= set(
        supervisor.permissions.values_list("codename", flat=True)
    )
    reference_changes = ["change_mco", "change_providertype", "change_category", "add_mco", "add_category"]
    assert not analyst.permissions.filter(codename__in=reference_changes).exists()


def signed_in_staff(client, group_name: str):  # type: ignore[no-untyped-def]
    user = staff_user_create(
        email=f"{group_name.split()[-1]}@hfs.example", full_name="Staff", password=None, group_name=group_name
    )
    return sign_in(client, user)


@pytest.fixture
def supervisor_client(client):
    return signed_in_staff(client, roles.SUPERVISOR)


@pytest.fixture
def analyst_client(client):
    return signed_in_staff(client, roles.TRIAGE_ANALYST)


def test_supervisor_edits_an_mco_notification_address_in_the_admin(supervisor_client):
    mco = MCO.objects.get(short_name="Molina")
    url = f"/admin/accounts/mco/{mco.pk}/change/"
    assert supervisor_client.get(url).status_code == 200
    response = supervisor_client.post(
        url,
        {
            "name": mco.name,
            "short_name": mco.short_name,
            "service_area": mco.service_area,
            "active_from": "2024-01-01",
            "active_to": "",
            "notification_email": "provider.complaints@molina.example",
        },
    )
    assert response.status_code == 302
    mco.refresh_from_db()
    assert mco.notification_email == "provider.complaints@molina.example"


def test_an_mco_cannot_end_before_it_starts(supervisor_client):
    mco = MCO.objects.get(short_name="Aetna")
    response = supervisor_client.post(
        f"/admin/accounts/mco/{mco.pk}/change/",
        {
            "name": mco.name,
            "short_name": mco.short_name,
            "service_area": mco.service_area,
            "active_from": "2025-06-01",
            "active_to": "2025-01-01",
            "notification_email": "",
        },
    )
    assert response.status_code == 200  # the form comes back with the error
    mco.refresh_from_db()
    assert mco.active_to is None


def test_reference_rows_are_deactivated_not_deleted(supervisor_client):
    category = Category.objects.get(code="other")
    assert supervisor_client.get(f"/admin/complaints/category/{category.pk}/delete/").status_code == 403


def test_analyst_can_read_but_not_change_reference_data(analyst_client):
    mco = MCO.objects.get(short_name="Molina")
    assert analyst_client.get("/admin/accounts/mco/").status_code == 200
    response = analyst_client.post(
        f"/admin/accounts/mco/{mco.pk}/change/",
        {"name": "Renamed", "short_name": mco.short_name, "service_area": mco.service_area},
    )
    assert response.status_code == 403
    mco.refresh_from_db()
    assert mco.name == "Molina Healthcare of Illinois"


def add_reference_rows(start: int, count: int) -> None:
    for n in range(start, start + count):
        MCO.objects.create(name=f"Test MCO {n}", short_name=f"T{n}")
        ProviderType.objects.create(code=f"t{n}", name=f"Test type {n}", reporting_group=ReportingGroup.OTHER)
        Category.objects.create(code=f"c{n}", name=f"Test category {n}")


@pytest.mark.parametrize("path", ["accounts/mco", "accounts/providertype", "complaints/category"])
def test_reference_changelist_queries_do_not_grow_with_rows(supervisor_client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert supervisor_client.get(f"/admin/{path}/").status_code == 200
        return len(queries)

    few = count()
    add_reference_rows(0, 25)
    assert count() == few
