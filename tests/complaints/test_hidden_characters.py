"""Control and direction-override characters are refused in every long text (a complaint's description, the MCO's
proposal, update and extension reason, the provider's reply): stored as typed, they would make what HFS, the MCO or
the provider reads differ from what was sent (issue 18 review)."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from complaints.forms import HIDDEN_CHARACTERS_MESSAGE, ExtensionRequestForm, LongTextField, ProposalReplyForm
from complaints.forms_mco import ExtensionForm, InterimForm, ProposalForm
from complaints.models import ComplaintEvent
from tests.complaints.factories import submit
from tests.complaints.test_mco_walls import mco_user, presented
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

HIDDEN = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\u202a", "\u202e", "\u2066", "\u2069"]


@pytest.mark.parametrize("character", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_a_hidden_character_is_refused_with_one_plain_message(character):
    field = LongTextField(max_length=100)
    with pytest.raises(ValidationError) as refused:
        field.clean(f"Paid in full{character} on 3 March")
    assert refused.value.messages == [HIDDEN_CHARACTERS_MESSAGE]


def test_tabs_line_breaks_and_other_languages_are_kept():
    text = "Line one\r\nLine two\twith a tab\rand a carriage return — café, 医疗, עברית"
    assert LongTextField(max_length=200).clean(text) == text.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (InterimForm, "text"),
        (ExtensionForm, "reason"),
        (ProposalForm, "text"),
        (ProposalReplyForm, "reason"),
        (ExtensionRequestForm, "reason"),
    ],
)
def test_the_mco_and_provider_forms_use_the_shared_field(form, field):
    bound = form(data={field: "We will pay\u202e.fdp", "outcome": "pay", "reply": "dispute"})
    assert not bound.is_valid() and bound.errors[field] == [HIDDEN_CHARACTERS_MESSAGE]


@pytest.mark.django_db
def test_the_mcos_update_with_a_direction_override_is_refused_and_not_stored():
    complaint = presented(submit(RepresentativeFactory().user))
    client = sign_in(Client(), mco_user(complaint.mco))
    response = client.post(f"/mco/{complaint.public_id}/update/", {"text": "Paid\u202e 0001$ on 3 March"})
    assert HIDDEN_CHARACTERS_MESSAGE in html.unescape(response.content.decode())
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind=ComplaintEvent.Kind.MCO_INTERIM).exists()
