"""Shared fixtures. PostgreSQL and Redis come from tests/plugins/services.py."""

import pytest
from django.db import connections

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


# Transactional tests with serialized_rollback reload the migrated data (reference data, staff groups) from an
# attribute Django sets on the connection object when it creates the test database. Some tests end up with a
# fresh connection object (seen once Playwright's event loop has run in this thread), which lacks it; keep the
# serialized data and give it back to whichever connection object a test gets.
_SERIALIZED: dict[str, str] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):  # type: ignore[no-untyped-def]
    if fixturedef.argname == "_django_db_helper":
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                _SERIALIZED[alias] = contents
            elif alias in _SERIALIZED:
                connections[alias]._test_serialized_contents = _SERIALIZED[alias]
    yield
