"""The plain-text part of an email reads as typed: no HTML escapes in it (an outside tester saw "the MCO&#x27;s
proposal"); the HTML part stays escaped."""

import pytest
from django.core import mail

from accounts.services.representatives import invitation_create
from portal import outbox
from portal.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_the_text_part_shows_apostrophes_and_ampersands_as_typed(org_admin):
    org_admin.user.full_name = "Ann O'Neil & Partner"
    org_admin.user.save(update_fields=["full_name"])
    org_admin.organization.legal_name = "O'Brien & Sons <Clinic>"
    org_admin.organization.save(update_fields=["legal_name"])
    invitation_create(organization=org_admin.organization, email="friend@clinic.example", actor=org_admin.user)
    assert outbox.deliver(OutboundEmail.objects.get(kind="accounts.invitation").pk)
    sent = mail.outbox[-1]
    assert "Ann O'Neil & Partner invited you" in sent.body and "for O'Brien & Sons <Clinic> in" in sent.body
    assert "&#x27;" not in sent.body and "&amp;" not in sent.body and "&lt;" not in sent.body
    html = sent.alternatives[0][0]
    assert "O&#x27;Brien &amp; Sons &lt;Clinic&gt;" in html and "<Clinic>" not in html
