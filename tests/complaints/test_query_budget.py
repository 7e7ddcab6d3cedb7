"""Issue 17 item 4: the exact number of database statements of the signed-in pages used most, so that a later change
that adds one shows here. Counted as the test database sees them (savepoints included), in the steady state of a
session: within the minute after its last write, so the session is read and not written (accounts/sessions.py).

Each page is counted on its second showing, as in a running server whose caches (content types, the year's reference
counter) are warm. Every signed-in request starts with the same three reads: the session, the user (a new password, a
removal or a deactivation ends the session at once because this row is read every time), and the second-factor
device.
"""

import dataclasses
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import roles
from accounts.services.users import staff_user_create
from complaints.models import Complaint
from complaints.services.intake import complaint_answer_info_request
from tests.complaints.factories import asked, draft, submit
from tests.complaints.test_intake_views import form_data, key_of
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    """Everything within one frozen moment: the session was written at sign-in and is not due again."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.fixture
def rep_client(client):  # type: ignore[no-untyped-def]
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    client.user = representative.user
    return client


def statements(client, method: str, url: str, data: dict[str, str] | None = None, status: int = 200) -> list[str]:  # type: ignore[no-untyped-def]
    if method == "GET":
        assert client.get(url).status_code == status  # the first showing warms what a running server keeps
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data) if method == "POST" else client.get(url)
    assert response.status_code == status, response
    sql = [query["sql"] for query in captured]
    assert not [s for s in sql if re.match(r'\s*(UPDATE|INSERT INTO) "django_session"', s)]  # read, not written
    return sql


def listing(sql: list[str]) -> str:
    return "\n".join(s[:160] for s in sql)


def test_the_representatives_list(rep_client):
    """Session, user, device; the person's organizations; the page of complaints (counted to the cap); whether they
    administer their organization; the MCOs for the filter; the rows."""
    for _ in range(30):
        submit(rep_client.user)
    sql = statements(rep_client, "GET", "/complaints/")
    assert len(sql) == 8, listing(sql)
    assert len(statements(rep_client, "GET", "/complaints/?page=2")) == 8


def test_the_complaint_form(rep_client):
    """Session, user, device; the designation (read once for the page); the MCOs and topics to choose from. A new
    form's key has no files yet, so none are looked up."""
    rep_client.post("/complaints/new/", {"program": "mco", "filed_with_mco": "yes"})  # screening, a session write
    sql = statements(rep_client, "GET", "/complaints/new/complaint/")
    assert len(sql) == 6, listing(sql)
    assert not [s for s in sql if s.startswith("SAVEPOINT")]  # no transaction for a kept form when there is none


def test_sending_a_complaint(rep_client):
    """Session, user, device; the designation, read for the page and again by the service (a removal meanwhile
    refuses the filing; not again for the notice); the key already used?; the chosen MCO and topic; in the service's
    transaction: the key again (the service is safe on its own), the year's counter locked and moved on, the
    complaint, its lines, its first event, its files, the acknowledgement in the outbox and the audit row (the
    statements in the transaction come with savepoints here, the test's own transaction being outside)."""
    submit(rep_client.user)  # not the year's first complaint
    rep_client.post("/complaints/new/", {"program": "mco", "filed_with_mco": "yes"})
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    sql = statements(rep_client, "POST", "/complaints/new/complaint/", form_data(key), status=302)
    assert len(sql) == 21, listing(sql)
    assert len([s for s in sql if '"accounts_representative"' in s]) == 2
    assert len([s for s in sql if '"complaints_referencecounter"' in s]) == 2
    assert Complaint.objects.filter(submitted_by=rep_client.user).count() == 2


def test_the_complaint_page(rep_client):
    """Session, user, device; the complaint (with its MCO, topic, organization); the audit row of the view (it
    shows PHI); its lines, files and shared timeline."""
    complaint = asked(submit(rep_client.user), "Send the EOB.")
    sql = statements(rep_client, "GET", f"/complaints/{complaint.public_id}/")
    assert len(sql) == 8, listing(sql)


@pytest.mark.parametrize("lines,questions", [(1, 1), (12, 6)])
def test_the_staff_complaint_page(client, lines, questions):
    """Session, user, device; the staff member's permissions (their own and their groups'); the complaint, its
    lines, files and timeline (each row with its complaint and actor joined, not read row by row); the systemic
    issues it is in and the signals that found it (one statement each, issue 20); the audit row of the view, written
    without reading the complaint again. The same for 1 line and 1 question as for 12 and 6."""
    representative = RepresentativeFactory()
    line = draft().lines[0]
    complaint = submit(
        representative.user, lines=[dataclasses.replace(line, rin=f"{100000000 + n}") for n in range(lines)]
    )
    for n in range(questions):
        complaint = asked(complaint, f"Question {n}.")
        if n < questions - 1:
            complaint = complaint_answer_info_request(complaint=complaint, actor=representative.user, note="Sent.")
    analyst = staff_user_create(
        email="ana@hfs.example", full_name="Ana", password=None, group_name=roles.TRIAGE_ANALYST
    )
    sign_in(client, analyst)
    sql = statements(client, "GET", f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert len(sql) == 13, listing(sql)


def test_a_page_a_minute_after_the_last_write_adds_one_statement_for_the_session(rep_client):
    first = len(statements(rep_client, "GET", "/complaints/"))
    later = timezone.now() + timedelta(seconds=61)
    with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as captured:
        assert rep_client.get("/complaints/").status_code == 200
    writes = [q["sql"] for q in captured if q["sql"].startswith('UPDATE "django_session"')]
    assert len(writes) == 1 and '"session_data"' not in writes[0]
    assert len(captured) == first + 1


def test_a_designation_ended_while_the_request_runs_refuses_the_filing(rep_client):
    """Reviewed: the page's check of the designation must not stand in for the service's own."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import Representative
    from accounts.selectors import request_memo_start
    from complaints.services.intake import filing_representative

    user = rep_client.user
    request_memo_start(user=user)
    filing_representative(user=user)  # the page checked it
    Representative.objects.filter(user=user).update(revoked_at=timezone.now())  # removed meanwhile
    with pytest.raises(PermissionDenied):
        submit(user)
    assert not Complaint.objects.filter(submitted_by=user).exists()
