"""Access walls (DESIGN §6.1): every URL pattern needs a signed-in, second-factor session unless allowlisted."""

import re

import pytest
from django.contrib.admin.sites import site
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import roles
from accounts.services.users import staff_user_create
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

# The public allowlist: home, help, privacy/terms text, health, sign-in, registration, email verification,
# invitation acceptance, password reset. /reports/ joins it with the reporting issue.
PUBLIC = {
    "home",
    "help",
    "privacy",
    "terms",
    "healthz",
    "readyz",
    "favicon",
    "reporting:report",
    "reporting:data_csv",
    "reporting:data_json",
    "reporting:datapackage",
    "reporting:methodology",
    "accounts:login",
    "accounts:login_code",
    "accounts:login_setup",
    "accounts:logout",
    "accounts:register",
    "accounts:register_done",
    "accounts:verify_email",
    "accounts:verify_email_resend",
    "accounts:invitation",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}
SAMPLE = {
    "int": "1",
    "str": "sample",
    "path": "sample",
    "slug": "sample",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uidb64": "MQ",
    "token": "sample-token",
}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):  # type: ignore[no-untyped-def]
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), (namespace + entry.name) if entry.name else None, entry.callback


def concrete(route: str) -> str:
    """A URL for a route pattern, with sample values for its parameters."""
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")

    def value(match: re.Match[str]) -> str:
        kind, _, name = match.group(1).partition(":")
        return SAMPLE.get(name or kind, SAMPLE.get(kind, "sample")) if name else SAMPLE.get(kind, "sample")

    route = re.sub(r"<([^>]+)>", value, route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE.get(m.group(1), "1"), route)
    return "/" + route.replace("\\", "")


ROUTES = sorted({(concrete(route), name) for route, name, _ in walk(get_resolver())})
PORTAL_ROUTES = [(url, name) for url, name in ROUTES if not url.startswith("/admin/")]
ADMIN_ROUTES = [(url, name) for url, name in ROUTES if url.startswith("/admin/")]


def test_the_walk_covers_the_portal_and_the_admin():
    assert len(PORTAL_ROUTES) >= 20 and len(ADMIN_ROUTES) >= 40
    assert {name for _, name in PORTAL_ROUTES} >= PUBLIC


@pytest.mark.parametrize(("url", "name"), PORTAL_ROUTES, ids=[url for url, _ in PORTAL_ROUTES])
def test_anonymous_visitors_reach_only_the_public_allowlist(client, url, name):
    response = client.get(url)
    sent_to_sign_in = response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    if name in PUBLIC:
        assert not sent_to_sign_in, f"{url} is public but asked for sign-in"
    else:
        assert sent_to_sign_in, f"{url} answered {response.status_code} without sign-in"


@pytest.mark.parametrize(("url", "name"), ADMIN_ROUTES, ids=[url for url, _ in ADMIN_ROUTES])
def test_a_staff_password_alone_opens_nothing_under_admin(client, url, name):
    staff = staff_user_create(
        email="analyst@hfs.example", full_name="Analyst", password="x" * 12, group_name=roles.SUPERVISOR
    )
    client.force_login(staff)  # a session that never passed the second factor
    response = client.get(url)
    assert response.status_code in (302, 404), f"{url} answered {response.status_code}"
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


def test_the_same_staff_member_with_the_second_factor_opens_the_admin(client):
    staff = staff_user_create(
        email="analyst@hfs.example", full_name="Analyst", password="x" * 12, group_name=roles.SUPERVISOR
    )
    sign_in(client, staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/mco/").status_code == 200


def test_the_admin_is_the_otp_admin_site():
    from django_otp.admin import OTPAdminSite

    assert isinstance(site, OTPAdminSite)


def test_admin_login_page_sends_everyone_to_the_portal_sign_in(client):
    response = client.get("/admin/login/?next=/admin/accounts/mco/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/accounts/mco/"


def test_a_representative_is_not_staff_and_is_refused_the_admin_without_a_redirect_loop(client, representative):
    sign_in(client, representative.user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2
    assert "You do not have access to this page" in response.content.decode()
