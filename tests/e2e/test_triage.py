"""HFS staff at work (issue 8): find a complaint in the queue, forward it, record the MCO's answer, resolve it; the
representative reads the outcome and the only email about it went to them. A premature complaint is closed in one
click; an access-to-care complaint sorts to the top as expedited. axe-core checks every page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from complaints.models import Complaint
from tests.complaints.factories import submit
from tests.e2e.steps import (
    analyst_fixture,  # noqa: F401 - the fixture analyst
    device_code,
    filer_fixture,  # noqa: F401 - the fixture filer
    open_in_admin,
    press,
    sign_in,
    sign_out,
)
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_forward_record_and_resolve_and_the_filer_reads_the_outcome(web, analyst, filer):
    complaint = submit(filer[0])
    mail.outbox.clear()
    sign_in(web, analyst[0].email, PASSWORD, lambda: device_code(analyst[1]))
    page = open_in_admin(web, complaint.reference)
    assert press(web, complaint.reference, "Take (assign to me; start review)") == "Took 1."
    assert "the MCO clock started" in press(web, complaint.reference, "Forward to the MCO")
    press(
        web,
        complaint.reference,
        "Record the MCO's answer…",
        **{
            "What the MCO answered": "We will pay or reprocess the claims",
            "The MCO's answer, as the representative will read it": "Molina will reprocess.",
        },
    )
    press(
        web,
        complaint.reference,
        "Resolve with an outcome…",
        **{
            "Outcome code": "Resolved in the provider's favor (paid / reprocessed)",
            "Outcome, read by the representative in the portal": "Molina reprocessed both claims; payment follows.",
        },
    )
    complaint.refresh_from_db()
    assert complaint.status == "resolved"
    sign_out(web)

    sign_in(web, filer[0].email, PASSWORD, lambda: device_code(filer[1]))
    page = web.go(f"/complaints/{complaint.public_id}/")
    assert "Molina reprocessed both claims; payment follows." in page.content()
    outcome_mail = [m for m in mail.outbox if "resolved" in m.subject.lower() or "outcome" in m.body.lower()]
    assert outcome_mail and all(m.to == [complaint.contact_email] for m in outcome_mail)
    assert all(m.to == [complaint.contact_email] for m in mail.outbox if complaint.reference in m.subject)


def test_a_premature_complaint_is_closed_in_one_click_and_access_to_care_sorts_first(web, analyst, filer):
    today = timezone.localdate()
    premature = submit(filer[0], mco_filed_on=today - timedelta(days=5), subject="Too early")
    ordinary = submit(filer[0], subject="Ordinary")
    urgent = submit(
        filer[0], access_to_care=True, access_to_care_explanation="No dialysis this week.", subject="Urgent"
    )
    sign_in(web, analyst[0].email, PASSWORD, lambda: device_code(analyst[1]))
    page = web.go("/admin/complaints/complaint/")
    first_row = page.locator("#result_list tbody tr").first
    assert urgent.reference in first_row.inner_text()
    page.get_by_role("checkbox", name=re.compile(premature.reference)).check()
    page.get_by_label("Action:").select_option(label="Close: not first submitted to the MCO (one click)")
    page.get_by_role("button", name="Go").click()
    web.check()
    premature.refresh_from_db()
    ordinary.refresh_from_db()
    assert (premature.status, premature.closure_reason) == ("closed", "not_submitted_to_mco_first")
    assert ordinary.status == "submitted"
    assert Complaint.objects.get(pk=urgent.pk).expedited
