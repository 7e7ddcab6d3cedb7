"""The triage queue in the admin: columns, order, filters, searches, actions, audit and a flat query count."""

import csv
import io
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from accounts.models import AuditEvent
from accounts.services.users import staff_user_create
from complaints.models import Complaint
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
QUEUE = "/admin/complaints/complaint/"


@pytest.fixture
def staff_client(client):  # type: ignore[no-untyped-def]
    analyst = staff_user_create(
        email="ana@hfs.example", full_name="Ana", password=None, group_name=roles.TRIAGE_ANALYST
    )
    sign_in(client, analyst)
    client.analyst = analyst
    return client


def clone(complaint: Complaint, count: int, year: int = 2099) -> None:
    """Many rows fast: copies of one complaint (new ids, references and keys)."""
    rows = []
    for n in range(count):
        row = Complaint.objects.get(pk=complaint.pk)
        row.pk = None
        row.public_id, row.idempotency_key = uuid.uuid4(), uuid.uuid4()
        row.reference = f"MCO-{year}-{n:06d}"
        rows.append(row)
    Complaint.objects.bulk_create(rows)


def queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_runs_the_same_queries_for_10_and_500_complaints(staff_client):
    first = submit(RepresentativeFactory().user)
    clone(first, 9)
    few = queries(staff_client, QUEUE)
    clone(first, 490, year=2098)
    assert Complaint.objects.count() == 500
    assert queries(staff_client, QUEUE) == few
    assert queries(staff_client, QUEUE + "?due=overdue&status__exact=submitted") <= few + 1


def test_expedited_come_first_then_the_oldest_due_date(staff_client):
    rep = RepresentativeFactory().user
    urgent = submit(rep, access_to_care=True, access_to_care_explanation="No insulin.")  # the oldest
    later_due, sooner_due = submit(rep), submit(rep)  # the newest
    Complaint.objects.filter(pk=sooner_due.pk).update(first_response_due=timezone.localdate())
    page = staff_client.get(QUEUE).content.decode()
    order = sorted([urgent, later_due, sooner_due], key=lambda c: page.index(c.reference))
    assert order == [urgent, sooner_due, later_due]


def test_overdue_filter_and_marker(staff_client):
    rep = RepresentativeFactory().user
    late = submit(rep)
    Complaint.objects.filter(pk=late.pk).update(first_response_due=timezone.localdate() - timezone.timedelta(days=1))
    on_time = submit(rep)
    page = staff_client.get(QUEUE + "?due=overdue").content.decode()
    assert late.reference in page and on_time.reference not in page and "(overdue)" in page


def test_the_provider_type_group_filter_uses_the_group_when_filed(staff_client):
    from accounts.models import ProviderOrganization, ProviderType

    rep = RepresentativeFactory().user
    earlier = submit(rep)  # filed as a physician practice
    hospital = ProviderType.objects.filter(reporting_group="hospital").first()
    ProviderOrganization.objects.filter(pk=earlier.organization_id).update(provider_type=hospital)
    later = submit(rep)
    physicians = staff_client.get(QUEUE + "?provider_group=physician_apn").content.decode()
    hospitals = staff_client.get(QUEUE + "?provider_group=hospital").content.decode()
    assert earlier.reference in physicians and later.reference not in physicians
    assert later.reference in hospitals and earlier.reference not in hospitals
    assert "Hospital" in hospitals.split(later.reference + "</a>")[1].split("</tr>")[0]  # the queue's column


def test_searches_by_reference_npi_organization_and_rin_which_is_audited(staff_client):
    from complaints.rules import ClaimLine
    from tests.complaints.factories import days_ago

    complaint = submit(RepresentativeFactory().user)
    other = submit(RepresentativeFactory().user, lines=[ClaimLine("Other Member", "555444333", days_ago(50))])
    for term in (complaint.reference.lower(), complaint.organization.npi, complaint.organization.legal_name):
        page = staff_client.get(QUEUE, {"q": term}).content.decode()
        assert complaint.reference in page and other.reference not in page, term
    page = staff_client.get(QUEUE, {"q": "123456789"}).content.decode()
    assert complaint.reference in page and other.reference not in page
    assert other.reference not in staff_client.get(QUEUE, {"q": "12345678"}).content.decode()  # exact only
    event = AuditEvent.objects.get(action="complaint.rin_search")
    assert event.actor == staff_client.analyst and "123456789" not in (event.object_id + event.object_type)


def test_one_click_close_as_not_first_submitted_in_bulk(staff_client, django_capture_on_commit_callbacks):
    rep = RepresentativeFactory().user
    complaints = [submit(rep), submit(rep)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            QUEUE, {"action": "close_not_first", "_selected_action": [c.pk for c in complaints]}, follow=True
        )
    assert "Closed 2" in response.content.decode()
    assert set(Complaint.objects.values_list("closure_reason", flat=True)) == {"not_submitted_to_mco_first"}
    assert [m.to for m in mail.outbox] == [[rep.email], [rep.email]]


def test_resolve_through_the_form_and_the_representative_reads_the_outcome(
    staff_client, client, django_capture_on_commit_callbacks
):
    from django.test import Client

    representative = RepresentativeFactory()
    complaint = submit(representative.user)
    staff_client.post(QUEUE, {"action": "take", "_selected_action": [complaint.pk]})
    form = staff_client.post(QUEUE, {"action": "resolve", "_selected_action": [complaint.pk]})
    assert "Outcome, read by the representative" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            QUEUE,
            {
                "action": "resolve",
                "_selected_action": [complaint.pk],
                "apply": "1",
                "outcome_code": "paid",
                "outcome_text": "The MCO reprocessed both claims.",
            },
        )
    complaint.refresh_from_db()
    assert complaint.status == "resolved"
    page = sign_in(Client(), representative.user).get(f"/complaints/{complaint.public_id}/").content.decode()
    assert "The MCO reprocessed both claims." in page
    assert mail.outbox[-1].to == [representative.user.email] and "reprocessed" not in mail.outbox[-1].body


def test_refusals_are_reported_per_complaint(staff_client):
    complaint = submit(RepresentativeFactory().user)
    response = staff_client.post(QUEUE, {"action": "forward", "_selected_action": [complaint.pk]}, follow=True)
    assert (
        f"{complaint.reference}: A complaint that is received cannot become sent to the MCO."
        in response.content.decode()
    )


def test_opening_a_complaint_in_the_admin_is_audited_and_nothing_is_editable(staff_client):
    complaint = submit(RepresentativeFactory().user)
    page = staff_client.get(f"{QUEUE}{complaint.pk}/change/").content.decode()
    assert complaint.reference in page and "Pat Example" in page
    assert AuditEvent.objects.filter(action="complaint.viewed", actor=staff_client.analyst).exists()
    staff_client.post(f"{QUEUE}{complaint.pk}/change/", {"status": "resolved", "subject": "edited"})
    complaint.refresh_from_db()
    assert complaint.status == "submitted" and complaint.subject != "edited"


def test_the_complaint_page_has_a_button_for_each_triage_action(staff_client):
    complaint = submit(RepresentativeFactory().user)
    page = staff_client.get(f"{QUEUE}{complaint.pk}/change/").content.decode()
    for label in ("Take (assign to me; start review)", "Close: not first submitted to the MCO (one click)", "Resolve"):
        assert label in page
    assert f'name="_selected_action" value="{complaint.pk}"' in page
    # The triage forms stand outside the admin's own form (browsers drop nested forms).
    admin_form_end = page.index("</form>", page.index('id="complaint_form"'))
    assert page.index('<form id="triage-take"') > admin_form_end
    assert 'form="triage-take"' in page[:admin_form_end]
    response = staff_client.post(QUEUE, {"action": "take", "_selected_action": [complaint.pk]})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "in_review" and complaint.assignee == staff_client.analyst


@pytest.fixture
def reporting_client():  # type: ignore[no-untyped-def]
    from django.test import Client

    reporter = staff_user_create(email="rep@hfs.example", full_name="Rita", password=None, group_name=roles.REPORTING)
    return sign_in(Client(), reporter)


def test_the_reporting_group_sees_the_queue_without_phi_and_cannot_act(reporting_client):
    complaint = submit(RepresentativeFactory().user, description="Pat Example was refused.", subject="Canary subject")
    queue = reporting_client.get(QUEUE).content.decode()
    assert complaint.reference in queue
    assert "Take (assign to me" not in queue and "Export the selected complaints" in queue
    page = reporting_client.get(f"{QUEUE}{complaint.pk}/change/").content.decode()
    assert complaint.reference in page
    for phi in ("Pat Example", "123456789", "Canary subject", "refused"):
        assert phi not in page
    assert reporting_client.get(QUEUE, {"q": "123456789"}).status_code == 200
    assert not AuditEvent.objects.filter(action="complaint.rin_search").exists()  # not searched by RIN at all
    response = reporting_client.post(QUEUE, {"action": "take", "_selected_action": [complaint.pk]})
    complaint.refresh_from_db()
    assert complaint.status == "submitted" and response.status_code in (200, 302)


def test_exporting_the_queue_is_streamed_without_phi_and_audited(staff_client):
    complaint = submit(RepresentativeFactory().user, subject="Canary subject")
    response = staff_client.post(QUEUE, {"action": "export_csv", "_selected_action": [complaint.pk]})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0] == "reference,received,mco,category,provider_type_group,status,expedited,next_due"
    assert lines[1].startswith(complaint.reference + ",")
    assert "Canary" not in body and "Pat Example" not in body and "123456789" not in body
    assert AuditEvent.objects.filter(action="complaint.queue_exported", actor=staff_client.analyst).exists()


def test_the_staff_export_neutralises_cells_that_would_start_a_formula(staff_client):
    """Names set in the admin (a category, an MCO's short name) are typed by people too: a spreadsheet opening the
    export must show them as text, never run them (CSV injection), as the MCO's export does."""
    complaint = submit(RepresentativeFactory().user)
    complaint.category.name = '=HYPERLINK("http://bad.example","Claims")'
    complaint.category.save(update_fields=["name"])
    complaint.mco.short_name = "@SUM(1+1)"
    complaint.mco.save(update_fields=["short_name"])
    response = staff_client.post(QUEUE, {"action": "export_csv", "_selected_action": [complaint.pk]})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][2] == "'@SUM(1+1)"
    assert rows[1][3] == '\'=HYPERLINK("http://bad.example","Claims")'
    assert "no-store" in response["Cache-Control"]


def test_waiting_for_triage_is_due_at_the_earlier_deadline_and_settled_ones_sink(staff_client):
    rep = RepresentativeFactory().user
    presentation_late = submit(rep)
    Complaint.objects.filter(pk=presentation_late.pk).update(
        mco_presentation_due=timezone.localdate() - timezone.timedelta(days=1)
    )
    assert presentation_late.reference in staff_client.get(QUEUE + "?due=overdue").content.decode()
    closed_urgent = submit(rep, access_to_care=True, access_to_care_explanation="Was urgent.")
    Complaint.objects.filter(pk=closed_urgent.pk).update(status="closed", closure_reason="duplicate")
    open_standard = submit(rep)
    page = staff_client.get(QUEUE).content.decode()
    assert page.index(open_standard.reference) < page.index(closed_urgent.reference)


def test_the_next_due_date_and_the_settled_mark_follow_each_transition(staff_client):
    """The queue's order columns are the database's, recomputed in the same statement as every change."""
    complaint = submit(RepresentativeFactory().user)
    row = Complaint.objects.get(pk=complaint.pk)
    assert row.next_due == min(row.first_response_due, row.mco_presentation_due) and row.settled is False
    staff_client.post(QUEUE, {"action": "take", "_selected_action": [complaint.pk]})
    row = Complaint.objects.get(pk=complaint.pk)
    assert row.status == "in_review" and row.next_due == row.mco_presentation_due
    staff_client.post(QUEUE, {"action": "forward", "_selected_action": [complaint.pk]})
    row = Complaint.objects.get(pk=complaint.pk)
    assert row.status == "awaiting_mco" and row.next_due == row.mco_answer_due is not None
    staff_client.post(QUEUE, {"action": "close_not_first", "_selected_action": [complaint.pk]})
    row = Complaint.objects.get(pk=complaint.pk)
    assert row.status == "closed" and row.next_due is None and row.settled is True


def test_past_the_count_cap_the_queue_says_more_than_and_counts_no_further(staff_client, settings):
    settings.PORTAL_LIST_COUNT_CAP = 3
    clone(submit(RepresentativeFactory().user), 4)
    with CaptureQueriesContext(connection) as captured:
        page = staff_client.get(QUEUE).content.decode()
    assert "More than 3 complaints" in page and "5 complaints" not in page
    counts = [
        q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and "complaints_complaint" in q["sql"]
    ]
    assert counts and all("LIMIT 4" in sql for sql in counts)
    assert "Select all matching complaints (more than 3)" in page
    assert "More than 3 complaints" not in staff_client.get(QUEUE, {"q": "MCO-2099-000001"}).content.decode()


@pytest.mark.parametrize("column", ["organization_name", "assigned", "status", "due"])
def test_a_hand_made_sort_by_a_column_no_index_keeps_is_ignored(staff_client, column):
    """Reviewed: only the headers were hidden; ?o= by another column still sorted the whole table."""
    from django.contrib import admin

    submit(RepresentativeFactory().user)
    model_admin = admin.site._registry[Complaint]
    index = ["action_checkbox", *model_admin.list_display].index(column)
    with CaptureQueriesContext(connection) as captured:
        assert staff_client.get(QUEUE, {"o": str(index)}).status_code == 200
    page_queries = [q["sql"] for q in captured.captured_queries if 'FROM "complaints_complaint"' in q["sql"]]
    assert page_queries
    for sql in page_queries:
        order = sql.split("ORDER BY", 1)[1] if "ORDER BY" in sql else ""
        assert "legal_name" not in order and "full_name" not in order and '"status"' not in order.split(",")[0]
        if order:
            assert order.strip().startswith('"complaints_complaint"."settled"')


def test_due_today_is_not_overdue_in_the_queue_its_filter_or_the_digest_and_due_yesterday_is(
    staff_client, django_capture_on_commit_callbacks
):
    from complaints.tasks import send_staff_digest

    rep = RepresentativeFactory().user
    today = timezone.localdate()
    due_today, due_yesterday = submit(rep), submit(rep)
    Complaint.objects.filter(pk=due_today.pk).update(first_response_due=today, mco_presentation_due=None)
    Complaint.objects.filter(pk=due_yesterday.pk).update(
        first_response_due=today - timezone.timedelta(days=1), mco_presentation_due=None
    )
    page = staff_client.get(QUEUE).content.decode()
    row = {c: page[page.index(c.reference) :].split("</tr>")[0] for c in (due_today, due_yesterday)}
    assert "(overdue)" not in row[due_today] and "(overdue)" in row[due_yesterday]
    filtered = staff_client.get(QUEUE + "?due=overdue").content.decode()
    assert due_yesterday.reference in filtered and due_today.reference not in filtered
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_staff_digest()
    overdue_part, soon_part = mail.outbox[0].body.split("Due today or tomorrow")
    assert due_yesterday.reference in overdue_part and due_yesterday.reference not in soon_part
    assert due_today.reference in soon_part and due_today.reference not in overdue_part


def test_a_triage_form_lists_the_selected_complaints_on_the_shared_action_page(staff_client):
    rep = RepresentativeFactory().user
    first, second = submit(rep), submit(rep)
    form = staff_client.post(QUEUE, {"action": "request_info", "_selected_action": [first.pk, second.pk]})
    assert form.templates[0].name == "admin/action_form.html"
    page = form.content.decode()
    for complaint in (first, second):
        assert f"{complaint.reference} · {complaint.mco.short_name} · Received" in page
        assert f'name="_selected_action" value="{complaint.pk}"' in page
    assert 'name="action" value="request_info"' in page and "Question for the provider" in page
