"""Screening: a Fee-for-Service issue is sent to the FFS line and nothing is stored."""

import pytest

from accounts.services.users import user_accept_terms
from complaints.models import Complaint
from tests.e2e.steps import choose, device_code, sign_in
from tests.factories import RepresentativeFactory
from tests.helpers import PASSWORD, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_ffs_issue_is_sent_to_the_ffs_line_and_nothing_is_stored(web):
    rep = RepresentativeFactory(user__password=PASSWORD)
    device = totp_device(rep.user)
    user_accept_terms(user=rep.user)
    sign_in(web, rep.user.email, PASSWORD, lambda: device_code(device))
    page = web.go("/complaints/new/")
    page.get_by_role("button", name="Continue").click()  # nothing chosen: the error state
    web.check()
    assert "Choose who pays for the service." in page.content()
    choose(page, "Illinois Medicaid Fee-for-Service (no MCO)")
    page.get_by_role("button", name="Continue").click()
    web.check()
    assert "877-782-5565" in page.content()
    assert Complaint.objects.count() == 0
