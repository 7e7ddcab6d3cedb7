"""The filer's second reply to the MCO's proposal, sent from a page left open in another tab: the earlier reply
stands, and the page says so with its date instead of "recorded" (issue 18 review)."""

from datetime import datetime

import pytest
import time_machine

from complaints.models import ComplaintEvent, MCOProposal
from tests.complaints.factories import submit
from tests.complaints.test_mco_provider_side import CHICAGO, answered, text
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
REPLIED_ON = datetime(2026, 11, 18, 11, 0, tzinfo=CHICAGO)


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [
        ({"reply": "accept"}, {"reply": "dispute", "reason": "Not paid."}, "You already accepted this proposal"),
        ({"reply": "dispute", "reason": "Not paid."}, {"reply": "accept"}, "You already disputed this proposal"),
    ],
)
def test_the_other_reply_from_a_stale_tab_is_refused_plainly(client, representative, first, second, said):
    rep = representative
    with time_machine.travel(datetime(2026, 11, 16, 10, 0, tzinfo=CHICAGO), tick=False):
        proposal = answered(submit(rep.user))
    url = f"/complaints/{proposal.complaint.public_id}/reply/"
    with time_machine.travel(REPLIED_ON, tick=False):
        sign_in(client, rep.user)
        assert client.post(url, first).status_code == 302
        response = client.post(url, second)
        shown = text(client.get(response["Location"]))
    assert f"{said} on November 18, 2026; contact HFS to change it." in shown
    assert "Your reply to the MCO's proposal is recorded." not in shown
    proposal.refresh_from_db()
    assert proposal.reply == (MCOProposal.Reply.ACCEPTED if first["reply"] == "accept" else MCOProposal.Reply.DISPUTED)
    replies = ComplaintEvent.objects.filter(complaint=proposal.complaint, kind__startswith="provider_")
    assert replies.count() == 1
