"""Shared fixtures. PostgreSQL and Redis come from tests/plugins/services.py."""

import pytest

from accounts.models import Representative
from tests.factories import ProviderOrganizationFactory, RepresentativeFactory, UserFactory
from tests.helpers import PASSWORD


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return UserFactory()


@pytest.fixture
def organization(db):  # type: ignore[no-untyped-def]
    return ProviderOrganizationFactory()


@pytest.fixture
def representative(db):  # type: ignore[no-untyped-def]
    return RepresentativeFactory()


@pytest.fixture
def org_admin(organization) -> Representative:  # type: ignore[no-untyped-def]
    """An active administrator of an approved organization (password: tests.helpers.PASSWORD)."""
    return RepresentativeFactory(organization=organization, is_org_admin=True, user__password=PASSWORD)


@pytest.fixture
def private_files(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Attachments go to a fresh private directory for the test; returns it."""
    options = {"location": str(tmp_path)}
    settings.STORAGES = {**settings.STORAGES, "attachments": {**settings.STORAGES["attachments"], "OPTIONS": options}}
    return tmp_path
