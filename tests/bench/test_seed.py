"""bench/seed.py: the bulk seeder behind `make bench` and the plan tests writes rows the app reads as its own."""

import re

import pytest
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import AuditEvent, ProviderOrganization, Representative, User
from bench.seed import BILLING_AGENT_EMAIL, STAFF_EMAILS, seed_complaints
from complaints import clock
from complaints.models import AffectedClaim, Complaint, ComplaintEvent, ReferenceCounter
from portal.models import OutboundEmail
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
N = 2000


@pytest.fixture
def seeded():  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.17)")  # the same rows every run
    return seed_complaints(N)


def test_it_writes_every_table_in_proportion(seeded):
    assert Complaint.objects.count() == N
    assert AffectedClaim.objects.count() == N
    past_submitted = Complaint.objects.exclude(status="submitted").count()
    assert ComplaintEvent.objects.filter(kind="submitted").count() == N
    assert ComplaintEvent.objects.filter(kind="status_changed").count() == past_submitted
    assert AuditEvent.objects.filter(object_type="complaints.complaint").count() == N + past_submitted
    assert OutboundEmail.objects.filter(kind="complaints.acknowledgement").count() == N
    assert seeded["events"] == N + past_submitted and seeded["outbound_emails"] == OutboundEmail.objects.count()
    assert ProviderOrganization.objects.filter(status="approved").count() == N // 40
    assert set(User.objects.filter(is_staff=True).values_list("email", flat=True)) >= set(STAFF_EMAILS)


def test_the_mix_of_complaints_is_realistic(seeded):
    share = {row["status"]: row["n"] / N for row in Complaint.objects.values("status").annotate(n=Count("id"))}
    assert set(share) == {s.value for s in Complaint.Status}
    assert 0.75 <= share["resolved"] + share["closed"] <= 0.85
    assert max(share, key=share.get) == "resolved"
    assert 0.03 <= Complaint.objects.filter(expedited=True).count() / N <= 0.07
    assert 0.06 <= Complaint.objects.filter(filing_window="early").count() / N <= 0.10
    agent = Complaint.objects.filter(submitted_by__email=BILLING_AGENT_EMAIL)
    assert 0.08 <= agent.count() / N <= 0.12 and not agent.filter(is_billing_agent=False).exists()
    oldest = Complaint.objects.order_by("submitted_at").first().submitted_at
    assert (timezone.now() - oldest).days > 600  # spread over two years
    # Each complaint carries its organization's provider type group; filers file for the organization they represent.
    assert not Complaint.objects.exclude(provider_group=F("organization__provider_type__reporting_group")).exists()
    represented = Representative.objects.active().values_list("user_id", "organization_id")
    assert set(Complaint.objects.values_list("submitted_by_id", "organization_id").distinct()) <= set(represented)


def test_states_and_clocks_are_consistent(seeded):
    assert not Complaint.objects.filter(Q(first_response_due=None) | Q(mco_presentation_due=None)).exists()
    assert not Complaint.objects.filter(status="awaiting_mco", forwarded_on=None).exists()
    resolved = Complaint.objects.filter(status="resolved")
    assert resolved.exclude(forwarded_on=None).count() > 0.4 * resolved.count()
    assert not Complaint.objects.exclude(forwarded_on=None).filter(mco_answer_due=None).exists()
    assert not Complaint.objects.filter(status="submitted").exclude(assignee=None).exists()
    assert not Complaint.objects.filter(status="closed", closure_reason="").exists()
    assert not Complaint.objects.filter(status="resolved", outcome_code="").exists()
    assert not Complaint.objects.filter(forwarded_on__gt=timezone.localdate()).exists()
    for complaint in Complaint.objects.order_by("?")[:200]:
        filed = timezone.localtime(complaint.submitted_at).date()
        assert complaint.first_response_due == clock.add_business_days(filed, 2 if complaint.expedited else 15)
        assert complaint.mco_presentation_due == clock.add_business_days(filed, 10)
        assert complaint.mco_filed_on < filed and complaint.updated_at >= complaint.submitted_at
        if complaint.forwarded_on:
            assert (complaint.mco_answer_due - complaint.forwarded_on).days == 30
    assert not AffectedClaim.objects.exclude(rin__regex=r"^[0-9]{9}$").exists()


def test_references_follow_the_app_and_filing_continues_after_them(seeded):
    references = list(Complaint.objects.values_list("reference", flat=True))
    assert len(set(references)) == N and all(re.fullmatch(r"MCO-20\d\d-\d{6}", r) for r in references)
    for counter in ReferenceCounter.objects.all():
        numbers = [int(r[9:]) for r in references if r.startswith(f"MCO-{counter.year}-")]
        assert counter.last_number == max(numbers)
    filed = submit(RepresentativeFactory().user)  # the app's own numbering goes on past the seeded ones
    assert filed.reference not in references


def test_a_second_call_appends(seeded):
    seed_complaints(500)
    assert Complaint.objects.count() == N + 500
    assert Complaint.objects.aggregate(n=Count("reference", distinct=True))["n"] == N + 500
    assert Representative.objects.filter(user__email=BILLING_AGENT_EMAIL).count() == 1


def test_the_staff_queue_and_the_billing_agents_list_show_seeded_complaints(seeded, client):
    staff = sign_in(client, User.objects.get(email=STAFF_EMAILS[0]))
    page = staff.get("/admin/complaints/complaint/")
    assert page.status_code == 200
    shown = set(re.findall(r"MCO-20\d\d-\d{6}", page.content.decode()))
    assert len(shown) == 50  # a full first page of seeded complaints
    page = staff.get("/admin/complaints/complaint/?status__exact=awaiting_mco")
    shown = set(re.findall(r"MCO-20\d\d-\d{6}", page.content.decode()))
    assert shown and shown <= set(Complaint.objects.filter(status="awaiting_mco").values_list("reference", flat=True))
    complaint = Complaint.objects.order_by("?").first()
    assert staff.get(f"/admin/complaints/complaint/{complaint.pk}/change/").status_code == 200
    client.logout()
    agent = sign_in(client, User.objects.get(email=BILLING_AGENT_EMAIL))
    page = agent.get("/complaints/")
    newest = Complaint.objects.filter(submitted_by__email=BILLING_AGENT_EMAIL).order_by("-submitted_at").first()
    assert page.status_code == 200 and newest.reference in page.content.decode()
    assert agent.get(f"/complaints/{newest.public_id}/").status_code == 200
