"""Shared fixtures. PostgreSQL and Redis come from tests/plugins/services.py."""

import pytest

from tests.factories import ProviderOrganizationFactory, RepresentativeFactory, UserFactory


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return UserFactory()


@pytest.fixture
def organization(db):  # type: ignore[no-untyped-def]
    return ProviderOrganizationFactory()


@pytest.fixture
def representative(db):  # type: ignore[no-untyped-def]
    return RepresentativeFactory()
