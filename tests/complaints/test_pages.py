"""Representative pages: the list, the organization list, the detail, withdraw and answer (DESIGN §5 visibility)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import MCO
from complaints import services
from complaints.models import Complaint
from portal.pagination import CappedPaginator
from tests.complaints.factories import asked, submit, triage_analyst
from tests.complaints.test_intake_views import key_of
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():  # type: ignore[no-untyped-def]
    return RepresentativeFactory()


def queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_shows_only_my_complaints_with_filters(client, rep):
    mine = submit(rep.user)
    other_mco = submit(rep.user, mco=MCO.objects.get(short_name="Aetna"))
    colleague = RepresentativeFactory(organization=rep.organization)
    theirs = submit(colleague.user)
    sign_in(client, rep.user)
    page = client.get("/complaints/").content.decode()
    assert mine.reference in page and other_mco.reference in page and theirs.reference not in page
    filtered = client.get(f"/complaints/?mco={other_mco.mco_id}").content.decode()
    assert other_mco.reference in filtered and mine.reference not in filtered
    services.complaint_withdraw(complaint=mine, actor=rep.user)
    closed = client.get("/complaints/?status=closed").content.decode()
    assert mine.reference in closed and other_mco.reference not in closed
    assert "No complaints match these filters." in client.get("/complaints/?status=resolved").content.decode()


def test_list_and_detail_run_the_same_number_of_queries_for_3_or_30_complaints(client, rep):
    from complaints.rules import ClaimLine
    from tests.complaints.factories import days_ago

    sign_in(client, rep.user)
    first = [submit(rep.user) for _ in range(3)]
    few_list = queries(client, "/complaints/")
    few_detail = queries(client, f"/complaints/{first[0].public_id}/")
    for _ in range(27):
        submit(rep.user)
    many_lines = [ClaimLine(f"Member {n}", f"{100000000 + n}", days_ago(50)) for n in range(12)]
    big = submit(rep.user, lines=many_lines)
    asked(big, "Question")
    services.complaint_answer_info_request(complaint=big, actor=rep.user, note="Answer")
    assert queries(client, "/complaints/") == few_list
    assert queries(client, "/complaints/?page=2") == few_list
    assert queries(client, f"/complaints/{big.public_id}/") == few_detail


def test_organization_admins_see_the_organizations_list_with_status_only(client, rep):
    admin = RepresentativeFactory(organization=rep.organization, is_org_admin=True)
    complaint = submit(rep.user, description="Details only the filer should read.")
    Complaint.objects.filter(pk=complaint.pk).update(
        status="resolved", outcome_code="paid", outcome_text="Paid in full, secret outcome."
    )
    sign_in(client, admin.user)
    page = client.get("/complaints/organization/").content.decode()
    assert complaint.reference in page and "Resolved" in page and rep.user.full_name in page
    assert "secret outcome" not in page and "Details only the filer" not in page
    assert f"/complaints/{complaint.public_id}/" not in page
    assert client.get(f"/complaints/{complaint.public_id}/").status_code == 404
    few = queries(client, "/complaints/organization/")
    for _ in range(10):
        submit(rep.user)
    assert queries(client, "/complaints/organization/") == few


def test_representatives_who_are_not_admins_have_no_organization_list(client, rep):
    sign_in(client, rep.user)
    assert client.get("/complaints/organization/").status_code == 404


def test_another_organizations_complaint_answers_404_everywhere(client, rep):
    stranger = RepresentativeFactory()
    complaint = submit(stranger.user)
    sign_in(client, rep.user)
    for url in (
        f"/complaints/{complaint.public_id}/",
        f"/complaints/{complaint.public_id}/submitted/",
        f"/complaints/{complaint.public_id}/withdraw/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/complaints/{complaint.public_id}/withdraw/", {}).status_code == 404
    assert client.post(f"/complaints/{complaint.public_id}/answer/", {"note": "x"}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == "submitted"


def test_the_detail_shows_lines_timeline_and_the_outcome_to_the_submitter(client, rep):
    complaint = submit(rep.user)
    staff = triage_analyst()
    complaint = services.complaint_take(complaint=complaint, actor=staff)
    complaint = services.complaint_forward_to_mco(complaint=complaint, actor=staff)
    # The MCO's answer recorded by HFS is its proposal, which the filer reads; staff notes stay internal.
    complaint = services.complaint_record_mco_answer(
        complaint=complaint, actor=staff, note="We will reprocess the claims.", outcome="pay"
    )
    services.complaint_resolve(
        complaint=complaint, actor=staff, outcome_code="paid", outcome_text="The MCO reprocessed the claims."
    )
    sign_in(client, rep.user)
    page = client.get(f"/complaints/{complaint.public_id}/").content.decode()
    assert "Pat Example" in page and "123456789" in page
    assert "The MCO reprocessed the claims." in page
    assert f"Assigned to {staff.full_name}." not in page
    assert "Withdraw this complaint" not in page  # resolved


def test_withdraw_from_the_detail_page(client, rep):
    complaint = submit(rep.user)
    sign_in(client, rep.user)
    confirm = client.get(f"/complaints/{complaint.public_id}/withdraw/")
    assert "Withdraw complaint" in confirm.content.decode()
    response = client.post(f"/complaints/{complaint.public_id}/withdraw/", {"note": "Resolved directly."}, follow=True)
    assert f"Complaint {complaint.reference} is withdrawn." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "closed"


def test_answer_an_information_request_from_the_detail_page(client, rep):
    complaint = submit(rep.user)
    asked(complaint, "Please send the remittance advice.")
    sign_in(client, rep.user)
    page = client.get(f"/complaints/{complaint.public_id}/").content.decode()
    assert "HFS asked you for information" in page and "Please send the remittance advice." in page
    empty = client.post(f"/complaints/{complaint.public_id}/answer/", {"idempotency_key": "", "note": ""})
    assert "Write your answer to HFS" in empty.content.decode()
    response = client.post(
        f"/complaints/{complaint.public_id}/answer/",
        {"note": "Remittance attached.", "idempotency_key": key_of(empty)},
        follow=True,
    )
    assert "Your answer is sent to HFS." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "in_review"


def test_past_the_count_cap_the_lists_say_more_than(client, rep, settings):
    settings.PORTAL_LIST_COUNT_CAP = 2
    admin = RepresentativeFactory(organization=rep.organization, is_org_admin=True)
    for _ in range(3):
        submit(rep.user)
    sign_in(client, rep.user)
    assert "newest 2 of more than 2 complaints" in client.get("/complaints/").content.decode()
    assert "newest 2 of more than 2" not in client.get("/complaints/?status=closed").content.decode()
    sign_in(client, admin.user)
    assert "newest 2 of more than 2 complaints" in client.get("/complaints/organization/").content.decode()


def test_a_representative_no_longer_designated_sees_none_of_their_complaints(client, rep):
    complaint = submit(rep.user)
    sign_in(client, rep.user)
    assert complaint.reference in client.get("/complaints/").content.decode()
    from django.utils import timezone

    type(rep).objects.filter(pk=rep.pk).update(revoked_at=timezone.now())
    response = client.get("/complaints/")
    assert response.status_code == 200 and complaint.reference not in response.content.decode()


def test_the_lists_next_page_keeps_the_status_and_mco_filters(client, rep, monkeypatch):
    complaint = submit(rep.user)
    submit(rep.user)
    monkeypatch.setattr("complaints.views.CappedPaginator", lambda rows, _size: CappedPaginator(rows, 1))
    sign_in(client, rep.user)
    page = client.get("/complaints/", {"status": "submitted", "mco": complaint.mco_id}).content.decode()
    assert f'href="?status=submitted&amp;mco={complaint.mco_id}&amp;page=2"' in page
