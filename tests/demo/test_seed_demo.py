"""seed_demo (the demo app): demo organizations and one account per role, printed in a stable format."""

import base64
import re
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import TOTP

from accounts import roles
from accounts.models import AuditEvent, ProviderOrganization, Representative, User
from demo.complaints import MCO_STATES

pytestmark = pytest.mark.django_db
LINE = re.compile(
    r"^demo account: role=(?P<role>representative|org_admin|staff|supervisor|mco_admin|mco_liaison) "
    r"email=(?P<email>\S+@\S+) password=(?P<password>\S+) totp=(?P<totp>[A-Z2-7]+)$"
)


def seed() -> list[dict[str, str]]:
    out = StringIO()
    call_command("seed_demo", "--no-statistics", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("demo account:")]
    matches = [LINE.match(line) for line in lines]
    assert all(matches), lines
    return [m.groupdict() for m in matches]


def test_prints_one_line_per_role_that_signs_in_with_password_and_totp_secret(client):
    accounts = seed()
    assert sorted(a["role"] for a in accounts) == [
        "mco_admin",
        "mco_admin",
        "mco_liaison",
        "mco_liaison",
        "org_admin",
        "representative",
        "staff",
        "supervisor",
    ]
    for account in accounts:
        client.logout()
        response = client.post("/accounts/login/", {"username": account["email"], "password": account["password"]})
        assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
        code = TOTP(base64.b32decode(account["totp"])).token()
        response = client.post("/accounts/login/code/", {"code": f"{code:06d}"})
        expected = {"staff": "/admin/", "supervisor": "/admin/", "mco_admin": "/mco/", "mco_liaison": "/mco/"}.get(
            account["role"], "/complaints/"
        )
        assert response.status_code == 302 and response["Location"] == expected, account["role"]
        assert client.get(expected).status_code == 200


def test_roles_are_what_they_say():
    accounts = {a["role"]: User.objects.get(email=a["email"]) for a in seed()}
    rep = Representative.objects.get(user=accounts["representative"], revoked_at=None)
    admin = Representative.objects.get(user=accounts["org_admin"], revoked_at=None)
    assert not rep.is_org_admin and admin.is_org_admin
    assert rep.organization == admin.organization
    assert rep.organization.status == ProviderOrganization.Status.APPROVED
    assert not accounts["representative"].is_staff
    assert accounts["staff"].is_staff and accounts["supervisor"].is_staff
    assert list(accounts["staff"].groups.values_list("name", flat=True)) == [roles.TRIAGE_ANALYST]
    assert list(accounts["supervisor"].groups.values_list("name", flat=True)) == [roles.SUPERVISOR]
    assert not accounts["supervisor"].is_superuser


def test_running_it_again_changes_nothing_and_prints_the_same_accounts():
    first = seed()
    counts = (User.objects.count(), ProviderOrganization.objects.count(), AuditEvent.objects.count())
    assert seed() == first
    assert (User.objects.count(), ProviderOrganization.objects.count(), AuditEvent.objects.count()) == counts


def test_every_demo_row_was_written_through_an_audited_service():
    seed()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.created", "organization.registered", "organization.approved", "representative.designated"} <= actions
    for user in User.objects.all():
        assert AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk)).exists()


def test_no_release_skips_publishing_the_statistics():
    from reporting.models import ReportSnapshot

    call_command("seed_demo", "--no-statistics", "--no-release", stdout=StringIO())
    assert User.objects.exists() and not ReportSnapshot.objects.exists()
    call_command("seed_demo", "--no-statistics", stdout=StringIO())
    assert ReportSnapshot.objects.count() == 1


def test_refuses_to_run_with_production_settings(settings):
    settings.PORTAL_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="refuses to run with production settings"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_complaints_cover_mcos_topics_statuses_and_expedited():
    from complaints.models import Complaint

    seed()
    complaints = Complaint.objects.exclude(mco_reference__startswith="MCODEMO-")  # the MCO's part: tested below
    assert complaints.count() == 40
    assert Complaint.objects.filter(mco_reference__startswith="MCODEMO-").count() == 2 * len(MCO_STATES)
    assert complaints.values("mco").distinct().count() == 5
    assert complaints.values("category").distinct().count() >= 6
    assert set(complaints.values_list("status", flat=True)) == {
        "submitted",
        "in_review",
        "awaiting_provider",
        "awaiting_mco",
        "resolved",
        "closed",
    }
    assert complaints.filter(expedited=True).exists() and complaints.filter(expedited=False).exists()
    assert all(c.claims.exists() for c in complaints)
    seed()
    assert Complaint.objects.count() == 40 + 2 * len(MCO_STATES)  # running it again files nothing more


def test_each_demo_filer_sees_every_status_and_questions_to_answer():
    from complaints.models import Complaint

    seed()
    for email in ("rep@prairie-health.demo.example", "admin@prairie-health.demo.example"):
        mine = Complaint.objects.filter(submitted_by__email=email)
        assert set(mine.values_list("status", flat=True)) == {
            "submitted",
            "in_review",
            "awaiting_provider",
            "awaiting_mco",
            "resolved",
            "closed",
        }
        waiting = mine.filter(status="awaiting_provider").first()
        assert waiting.events.filter(shared_with_provider=True, to_status="awaiting_provider").exclude(note="").exists()
        resolved = mine.filter(status="resolved").first()
        assert resolved.outcome_text and resolved.events.filter(to_status="resolved").exists()


# The demo's bulk complaints are dated back from the moment it is seeded (down to the minute), so the published
# numbers differ with the day and the time of day it runs; the statistics test seeds it at one fixed moment, so it
# checks the same demo release on every machine, whenever it runs.
DEMO_SEEDED_AT = datetime(2026, 12, 7, 5, 30, tzinfo=ZoneInfo("America/Chicago"))


@time_machine.travel(DEMO_SEEDED_AT)
def test_the_statistics_demo_has_shown_and_suppressed_numbers():
    from complaints.models import Complaint
    from reporting.models import ReportSnapshot

    call_command("seed_demo", stdout=StringIO())
    assert Complaint.objects.count() >= 3000
    snapshot = ReportSnapshot.objects.latest()
    assert len(snapshot.data["periods"]) >= 5  # all time and the quarters of the last year
    for name in ("received_by_mco_and_provider_group", "received_by_topic_and_mco", "outcome_by_mco"):
        table = snapshot.data["tables"]["all"][name]
        values = [v for row in table["cells"] for v in row]
        assert any(v and v >= 11 for v in values), name
    received = snapshot.data["tables"]["all"]["received_by_mco_and_provider_group"]
    assert any(v is None for row in received["cells"] for v in row)
    timeliness = snapshot.data["tables"]["all"]["timeliness_by_mco"]
    assert all(value is not None for value in timeliness["cells"][-1])  # all MCOs: every measure shown
    median = timeliness["columns"].index("Median business days to resolution")
    assert all(row[median] is not None for row in timeliness["cells"]), timeliness  # every MCO's, all time
    # Every MCO's headline figures (received, and resolved) are shown in every period published: complementary
    # cells come from inside the tables, not from the totals readers look for.
    audit = ReportSnapshot.objects.get(pk=snapshot.pk).audit
    cells = {tuple(cell[:6]): cell[7] for cell in audit["cells"]}  # (measure, period, mco, ...) -> hidden
    for period in [p["key"] for p in snapshot.data["periods"]]:
        for mco in audit["dimensions"]["mcos"]:
            for measure, split in (("received", "*"), ("outcome", "resolved")):
                assert cells[(measure, period, mco, "*", "*", split)] is False, (measure, period, mco)
    # The systemic spike (issue 20): both rules find it, over the last 8 weeks, and nothing else.
    from complaints.models import Signal

    signals = list(Signal.objects.select_related("mco").order_by("rule"))
    found = [(s.rule, s.mco.short_name, s.week_start, s.observed, s.organizations) for s in signals]
    week = date(2026, 11, 30)
    assert found == [("shared_dates", "Meridian", week, 27, 9), ("volume", "Meridian", week, 27, 9)]
    call_command("seed_demo", stdout=StringIO())
    assert Complaint.objects.count() < 6000  # running it again adds no second batch
    assert Signal.objects.count() == 2


def test_each_demo_mco_has_an_administrator_and_a_liaison_who_see_its_complaints_in_every_state(client):
    from accounts.models import MCOMembership
    from complaints.models import Complaint, ExtensionRequest, MCOProposal
    from tests.helpers import sign_in

    accounts = seed()
    memberships = {
        a["email"]: MCOMembership.objects.active().select_related("mco").get(user__email=a["email"])
        for a in accounts
        if a["role"].startswith("mco_")
    }
    assert sorted((m.mco.short_name, m.is_mco_admin) for m in memberships.values()) == [
        ("Meridian", False),
        ("Meridian", True),
        ("Molina", False),
        ("Molina", True),
    ]
    for short_name in ("Meridian", "Molina"):
        demo = Complaint.objects.filter(mco__short_name=short_name, mco_reference__startswith="MCODEMO-")
        today = timezone.localdate()
        assert demo.filter(presented_at__isnull=True).count() == 1  # not presented yet: the wall hides it
        waiting = demo.filter(status="awaiting_mco")
        assert waiting.filter(mco_answer_due__lt=today).exists()  # overdue
        assert waiting.filter(mco_answer_due__gte=today, mco_answer_due__lte=today + timedelta(days=5)).exists()
        assert MCOProposal.objects.filter(complaint__in=demo, submitted_at__isnull=True).exists()  # a draft
        assert MCOProposal.objects.filter(complaint__in=demo, outcome="misdirected").exists()
        assert MCOProposal.objects.filter(complaint__in=demo, reply="disputed").exists()
        assert demo.filter(mco_round=2, status="awaiting_mco").exists()
        assert demo.filter(status="resolved", proposals__reply="accepted").exists()
        decisions = set(ExtensionRequest.objects.filter(complaint__in=demo).values_list("decision", flat=True))
        assert decisions == {"pending", "granted", "refused"}
        assert demo.filter(status="closed", closure_reason="wrong_mco").exists()
        assert all(c.attachments.filter(proposal__isnull=True).exists() for c in demo)  # a file to download
        assert demo.filter(events__kind="mco_interim").exists()
    liaison = next(a for a in accounts if a["role"] == "mco_liaison" and "meridian" in a["email"])
    page = sign_in(client, User.objects.get(email=liaison["email"])).get("/mco/")
    assert page.status_code == 200
    assert "MCODEMO-MER-01" in page.content.decode() and "MCODEMO-MOL-01" not in page.content.decode()
