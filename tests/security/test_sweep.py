"""Security sweep (issue 8, DESIGN §6): every URL pattern for every kind of visitor gets the expected answer, a refused
POST changes nothing, every route refuses a POST without a CSRF token, and every answer carries the security
headers. The walk of the URLconf is the one the access-wall tests use, so a new route must be added here."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver

from accounts import roles
from accounts.auth import TERMS_SESSION_KEY
from accounts.models import MCO, Invitation, MCOMembership, ProviderOrganization, Representative, User
from accounts.selectors import terms_version_for
from accounts.services.representatives import invitation_create
from accounts.services.users import staff_user_create
from complaints.models import Attachment, Complaint, ComplaintEvent, ExtensionRequest, MCOProposal
from complaints.services import attachment_add_draft, complaint_submit
from tests.accounts.test_access_walls import concrete, walk
from tests.complaints.factories import draft
from tests.complaints.test_mco_walls import mco_user, presented
from tests.factories import ProviderOrganizationFactory, RepresentativeFactory
from tests.helpers import sign_in, totp_device

pytestmark = pytest.mark.django_db

# "mco": a liaison of the MCO the complaint was presented to; "other_mco": a liaison of another MCO. Their MCO pages
# are checked on a presented complaint (the provider's pages on the same complaint as everyone's).
ROLES = ("anonymous", "other_org", "representative", "org_admin", "staff_no_otp", "staff", "mco", "other_mco")
IN = "sign-in"  # 302 to /accounts/login/…
PUBLIC = (200, 200, 200, 200, IN, 200, 200, 200)  # a session without its second factor is sent to finish signing in
SIGNED_IN = (IN, 200, 200, 200, IN, 200, 200, 200)
ORG_ADMIN_ONLY = (IN, 404, 404, 200, IN, 404, 404, 404)
FILER_ONLY = (IN, 404, 200, 404, IN, 404, 404, 404)
POST_ONLY = (405, 405, 405, 405, IN, 405, 405, 405)
SIGNED_IN_POST_ONLY = (IN, 405, 405, 405, IN, 405, 405, 405)
# Every provider page answers MCO users 404 (complaints.views.provider_pages).
PROVIDER_POST_ONLY = (IN, 405, 405, 405, IN, 405, 404, 404)
MCO_LIST = (IN, 404, 404, 404, IN, 404, 200, 200)  # another MCO's liaison has a queue of its own
MCO_ONLY = (IN, 404, 404, 404, IN, 404, 200, 404)
MCO_POST_ONLY = (IN, 404, 404, 404, IN, 404, 405, 405)
MCO_ADMIN_ONLY = (IN, 404, 404, 404, IN, 404, 404, 404)  # the team page: the liaisons here are not administrators
EXPECTED = {
    "home": PUBLIC,
    "help": PUBLIC,
    "privacy": PUBLIC,
    "terms": PUBLIC,
    "favicon": (204, 204, 204, 204, IN, 204, 204, 204),
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "accounts:home": SIGNED_IN,
    "accounts:login": (200, "/complaints/", "/complaints/", "/complaints/", IN, "/admin/", "/mco/", "/mco/"),
    "accounts:login_code": (IN,) * 8,  # no password step in progress
    "accounts:login_setup": (IN,) * 8,
    "accounts:logout": POST_ONLY,
    "accounts:keep_alive": SIGNED_IN_POST_ONLY,  # the idle warning's "Stay signed in"
    "accounts:recovery_codes": SIGNED_IN,
    "accounts:authenticator": SIGNED_IN,
    "accounts:register": PUBLIC,
    "accounts:register_done": PUBLIC,
    "accounts:verify_email_resend": POST_ONLY,
    "accounts:verify_email": (400, 400, 400, 400, IN, 400, 400, 400),  # a made-up link: "not valid"
    "accounts:invitation": (400, 400, 400, 400, IN, 400, 400, 400),
    "accounts:organization": ORG_ADMIN_ONLY,
    "accounts:representative_revoke": ORG_ADMIN_ONLY,
    "accounts:invitation_cancel": SIGNED_IN_POST_ONLY,
    "accounts:terms_accept": SIGNED_IN,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,  # shows "this link is not valid"
    "accounts:password_reset_complete": PUBLIC,
    "complaints:list": (IN, 200, 200, 200, IN, 200, 404, 404),  # staff have no complaints of their own: an empty list
    "complaints:organization_list": ORG_ADMIN_ONLY,
    "complaints:new": (IN, 200, 200, 200, IN, 403, 404, 404),  # staff do not file complaints
    "complaints:new_complaint": (IN, *(("/complaints/new/",) * 3), IN, 403, 404, 404),
    "complaints:another": (IN, *(("/complaints/new/complaint/",) * 3), IN, "/complaints/new/complaint/", 404, 404),
    "complaints:claims_template": (IN, 200, 200, 200, IN, 200, 404, 404),
    "complaints:attachment_download": (
        IN,
        404,
        200,
        404,
        IN,
        200,
        404,
        404,
    ),  # the filer, and staff with the permission
    "complaints:detail": FILER_ONLY,
    "complaints:submitted": FILER_ONLY,
    "complaints:withdraw": FILER_ONLY,
    "complaints:answer": PROVIDER_POST_ONLY,
    "complaints:reply": PROVIDER_POST_ONLY,
    "complaints:extension": PROVIDER_POST_ONLY,
    "mco:queue": MCO_LIST,
    "mco:export": MCO_LIST,
    "mco:detail": MCO_ONLY,
    "mco:attachment_download": MCO_ONLY,
    "mco:proposal": MCO_POST_ONLY,
    "mco:interim": MCO_POST_ONLY,
    "mco:extension": MCO_POST_ONLY,
    "mco_team:team": MCO_ADMIN_ONLY,
    "mco_team:member_remove": MCO_ADMIN_ONLY,
    "mco_team:invitation_cancel": SIGNED_IN_POST_ONLY,
    "reporting:report": PUBLIC,
    "reporting:data_csv": PUBLIC,
    "reporting:data_json": PUBLIC,
    "reporting:datapackage": PUBLIC,
    "reporting:methodology": PUBLIC,
}
# Routes that change something when POSTed, and the visitors who must be refused (with nothing changed).
NOT_THE_MCO = ("anonymous", "other_org", "representative", "org_admin", "staff_no_otp", "staff", "other_mco")
REFUSED_POSTS = {
    "complaints:withdraw": ("anonymous", "other_org", "org_admin", "staff_no_otp", "staff", "mco", "other_mco"),
    "complaints:answer": ("anonymous", "other_org", "org_admin", "staff_no_otp", "staff", "mco", "other_mco"),
    "complaints:reply": ("anonymous", "other_org", "org_admin", "staff_no_otp", "staff", "mco", "other_mco"),
    "complaints:extension": ("anonymous", "other_org", "org_admin", "staff_no_otp", "staff", "mco", "other_mco"),
    "complaints:new_complaint": ("anonymous", "staff_no_otp", "staff", "mco", "other_mco"),
    "accounts:organization": ("anonymous", "other_org", "representative", "staff_no_otp", "staff"),
    "accounts:representative_revoke": ("anonymous", "other_org", "representative", "staff_no_otp", "staff"),
    "accounts:invitation_cancel": ("anonymous", "other_org", "representative", "staff_no_otp", "staff"),
    **{name: NOT_THE_MCO for name in ("mco:proposal", "mco:interim", "mco:extension")},
    # The liaisons here are not their MCO's administrators: no one may remove a member or withdraw an invitation.
    "mco_team:member_remove": ROLES,
    "mco_team:invitation_cancel": ROLES,
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SAMPLE_UUID = "00000000-0000-4000-8000-000000000000"
PORTAL = sorted((route, name) for route, name, _ in walk(get_resolver()) if not route.startswith("admin/"))


@pytest.fixture
def world(private_files):  # type: ignore[no-untyped-def]
    """Organization A (an administrator, a filer with a complaint and its file, a colleague, an open invitation),
    a representative of organization B, a triage analyst; the complaint presented to its MCO, a liaison of that MCO
    and one of another MCO."""
    org = ProviderOrganizationFactory()
    admin = RepresentativeFactory(organization=org, is_org_admin=True)
    rep = RepresentativeFactory(organization=org)
    key = uuid.uuid4()
    attachment_add_draft(user=rep.user, draft_key=key, upload=SimpleUploadedFile("letter.pdf", PDF))
    complaint = complaint_submit(user=rep.user, draft=draft(), idempotency_key=key)
    staff = staff_user_create(
        email="analyst@hfs.example", full_name="Ana Lyst", password="x" * 14, group_name=roles.TRIAGE_ANALYST
    )
    complaint = presented(complaint)
    return {
        "complaint": complaint,
        "attachment": Attachment.objects.get(complaint=complaint),
        "colleague": RepresentativeFactory(organization=org),
        "invitation": invitation_create(organization=org, email="new.person@clinic.example", actor=admin.user),
        "users": {
            "other_org": RepresentativeFactory().user,
            "representative": rep.user,
            "org_admin": admin.user,
            "staff_no_otp": staff,
            "staff": staff,
            "mco": mco_user(complaint.mco),
            "other_mco": mco_user(MCO.objects.exclude(pk=complaint.mco_id).first()),
        },
    }


def client_for(role: str, world, **options) -> Client:  # type: ignore[no-untyped-def]
    client = Client(**options)
    if role == "anonymous":
        return client
    if role == "staff_no_otp":  # the password was right, the second factor never given
        client.force_login(world["users"][role])
        return client
    user = world["users"][role]
    sign_in(client, user)
    if role in ("mco", "other_mco"):  # the terms an MCO user's session holds once past the terms gate
        session = client.session
        session[TERMS_SESSION_KEY] = terms_version_for(user=user)
        session.save()
    return client


def url_for(route: str, world) -> str:  # type: ignore[no-untyped-def]
    if "files/" in route:
        target = world["attachment"]
    elif "representatives/" in route:
        target = world["colleague"]
    elif "invitations/<uuid" in route:
        target = world["invitation"]
    else:
        target = world["complaint"]
    return concrete(route).replace(SAMPLE_UUID, str(target.public_id))


def answer(response) -> object:  # type: ignore[no-untyped-def]
    """What a visitor got: a status code, IN for the sign-in page, or where they were sent."""
    if response.status_code == 302:
        location = response["Location"]
        return IN if location.startswith("/accounts/login/") else location.split("?")[0]
    return response.status_code


def fingerprint() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        sorted(Complaint.objects.values_list("status", "updated_at")),
        ComplaintEvent.objects.count(),
        Attachment.objects.count(),
        sorted(Representative.objects.values_list("public_id", "revoked_at", "is_org_admin")),
        sorted(Invitation.objects.values_list("public_id", "accepted_at", "cancelled_at")),
        User.objects.count(),
        ProviderOrganization.objects.count(),
        sorted(MCOProposal.objects.values_list("pk", "outcome", "text", "submitted_at")),
        sorted(ExtensionRequest.objects.values_list("pk", "decision")),
        sorted(MCOMembership.objects.values_list("pk", "removed_at")),
    )


def test_every_portal_route_is_in_the_table():
    routes = {name for _, name in PORTAL}
    assert routes - set(EXPECTED) == set()
    assert set(EXPECTED) - routes == set()  # a route that vanished is no longer swept: say so here


@pytest.mark.parametrize(("route", "name"), PORTAL, ids=[name for _, name in PORTAL])
def test_each_visitor_gets_the_expected_answer(world, route, name):
    url = url_for(route, world)
    got = tuple(answer(client_for(role, world).get(url)) for role in ROLES)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, EXPECTED[name], strict=True)), url


MCO_COMPLAINT_ROUTES = [(route, name) for route, name in PORTAL if name.startswith("mco:") and "<uuid" in route]


@pytest.mark.parametrize(("route", "name"), MCO_COMPLAINT_ROUTES, ids=[name for _, name in MCO_COMPLAINT_ROUTES])
def test_the_mco_does_not_see_a_complaint_before_it_is_presented(world, route, name):
    """The same MCO's liaison, a complaint of its MCO not yet presented: 404 for every MCO page, read or write."""
    rep = world["users"]["representative"]
    key = uuid.uuid4()
    attachment_add_draft(user=rep, draft_key=key, upload=SimpleUploadedFile("later.pdf", PDF))
    waiting = complaint_submit(user=rep, draft=draft(), idempotency_key=key)
    target = Attachment.objects.get(complaint=waiting) if "files/" in route else waiting
    url = concrete(route).replace(SAMPLE_UUID, str(target.public_id))
    client = client_for("mco", world)
    before = fingerprint()
    response = client.get(url) if name in ("mco:detail", "mco:attachment_download") else client.post(url, {"text": "x"})
    assert response.status_code == 404 and fingerprint() == before


@pytest.mark.parametrize("name", sorted(REFUSED_POSTS))
def test_a_refused_post_changes_nothing(world, name):
    route = next(r for r, n in PORTAL if n == name)
    url = url_for(route, world)
    for role in REFUSED_POSTS[name]:
        before = fingerprint()
        data = {"confirm": "yes", "reason": "x", "text": "Here is more.", "email": "someone@clinic.example"}
        got = answer(client_for(role, world).post(url, data))
        assert got in (IN, 403, 404), (role, got)
        assert fingerprint() == before, role


@pytest.mark.parametrize(("route", "name"), PORTAL, ids=[name for _, name in PORTAL])
def test_a_post_without_a_csrf_token_is_refused(world, route, name):
    url = url_for(route, world)
    for role in ("anonymous", "representative", "org_admin", "mco"):
        before = fingerprint()
        response = client_for(role, world, enforce_csrf_checks=True).post(url, {"confirm": "yes"})
        assert answer(response) in (403, IN), (role, answer(response))
        assert fingerprint() == before, role


@pytest.mark.parametrize(("route", "name"), PORTAL, ids=[name for _, name in PORTAL])
def test_every_answer_carries_the_security_headers(world, route, name):
    url = url_for(route, world)
    for role in ("anonymous", "representative", "staff", "mco"):
        response = client_for(role, world).get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        if role != "anonymous" and response.status_code == 200:
            assert "no-store" in response["Cache-Control"], (role, url)


ADMIN = sorted((route, name) for route, name, _ in walk(get_resolver()) if route.startswith("admin/"))


@pytest.mark.parametrize(("route", "name"), ADMIN, ids=[route for route, _ in ADMIN])
def test_the_admin_answers_only_staff_with_a_second_factor(world, route, name):
    """Followed to the end: visitors land on the sign-in page, portal users on "no access", staff get in (a page
    their group may not use answers 403: the triage analyst cannot read the audit log, say)."""
    url = url_for(route, world)
    anonymous = client_for("anonymous", world).get(url, follow=True)
    assert anonymous.status_code == 404 or anonymous.request["PATH_INFO"] == "/accounts/login/"
    for role in ("other_org", "representative", "org_admin", "mco"):
        assert client_for(role, world).get(url, follow=True).status_code in (403, 404), role
    staff = client_for("staff", world).get(url, follow=True)
    assert staff.status_code in (200, 403, 404) and staff.request["PATH_INFO"].startswith("/admin/"), staff.request
    if name in ("admin:index", "admin:complaints_complaint_changelist"):
        assert staff.status_code == 200


def test_no_one_sees_an_authenticator_secret_in_the_admin(world):
    """Found by the sweep: django-otp's device pages showed a person's QR code (their secret) to anyone allowed to
    view devices, and crashed on an unknown device. Now nobody — a superuser included — gets the secret."""
    root = User.objects.create_superuser(email="root@hfs.example", full_name="Root", password="x" * 14)
    device = totp_device(world["users"]["representative"])
    for user in (root, world["users"]["staff"]):
        client = sign_in(Client(), user)
        for page in ("config", "qrcode"):
            for pk in (device.pk, 987654):
                assert client.get(f"/admin/otp_totp/totpdevice/{pk}/{page}/").status_code == 403
    page = sign_in(Client(), root).get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200 and device.key not in page.content.decode()


@pytest.mark.parametrize(("route", "name"), ADMIN, ids=[route for route, _ in ADMIN])
def test_an_admin_post_without_a_csrf_token_is_refused(world, route, name):
    url = url_for(route, world)
    before = fingerprint()
    response = client_for("staff", world, enforce_csrf_checks=True).post(url, {"action": "x", "_selected_action": "1"})
    assert answer(response) in (403, 404, 405), answer(response)
    assert fingerprint() == before
