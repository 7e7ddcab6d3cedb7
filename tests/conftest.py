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
