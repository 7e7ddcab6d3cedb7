"""The forms' idempotency keys are signed for the person (complaints.form_keys), not remembered in the session: a
request that overlaps the form's page cannot make a genuine form expire, a form sent again after signing in again
shows the complaint it filed, and a key that was changed or is someone else's files nothing (issue 16 item 12,
after a review)."""

import html
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from complaints import form_keys
from complaints.models import Complaint, ComplaintEvent
from tests.complaints.factories import asked, submit
from tests.complaints.test_intake_views import answer_key_of, form_data, key_of, screened
from tests.factories import RepresentativeFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

FORM = "/complaints/new/complaint/"
EXPIRED = "This form has expired or was changed"


@pytest.fixture
def rep_client(client):  # type: ignore[no-untyped-def]
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    client.user = representative.user
    return client


def page_of(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def tampered(token: str) -> str:
    """The same key with one character of its signature changed."""
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def test_a_request_overlapping_the_forms_page_does_not_make_the_form_expire(rep_client):
    screened(rep_client)
    session_key = rep_client.session.session_key
    # A request already under way when the form is opened (the idle keep-alive, another tab) read the session
    # before the form's page was served, and saves it back afterwards (a write it was due).
    older = Session.objects.get(session_key=session_key).session_data
    key = key_of(rep_client.get(FORM))
    Session.objects.filter(session_key=session_key).update(session_data=older)
    assert rep_client.post("/accounts/session/keep-alive/").status_code == 204
    response = rep_client.post(FORM, form_data(key))
    assert response.status_code == 302 and "/submitted/" in response["Location"]
    assert Complaint.objects.count() == 1


def test_a_filed_form_sent_again_after_signing_in_again_shows_its_complaint(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    first = rep_client.post(FORM, form_data(key))
    assert first.status_code == 302
    rep_client.post("/accounts/logout/")
    again = sign_in(Client(), rep_client.user)  # a new session: nothing of the first one
    response = again.post(FORM, form_data(key))
    assert response.status_code == 302 and response["Location"] == first["Location"]
    assert Complaint.objects.count() == 1


def test_a_filed_form_sent_again_after_many_other_forms_were_opened_shows_its_complaint(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    first = rep_client.post(FORM, form_data(key))
    for _ in range(21):  # the session used to keep the last 20 keys only
        rep_client.get(FORM)
    response = rep_client.post(FORM, form_data(key))
    assert response.status_code == 302 and response["Location"] == first["Location"]
    assert Complaint.objects.count() == 1


def test_a_form_opened_before_signing_in_again_still_files_once(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    again = screened(sign_in(Client(), rep_client.user))
    assert again.post(FORM, form_data(key)).status_code == 302
    assert rep_client.post(FORM, form_data(key)).status_code == 302
    assert Complaint.objects.count() == 1


def test_a_key_given_to_someone_else_is_refused_and_files_nothing(rep_client):
    other = screened(sign_in(Client(), RepresentativeFactory().user))
    theirs = key_of(other.get(FORM))
    screened(rep_client)
    for _ in range(2):
        response = rep_client.post(FORM, form_data(theirs))
        assert response.status_code == 400 and EXPIRED in page_of(response)
        assert key_of(response) != theirs
    assert not Complaint.objects.exists()
    assert other.post(FORM, form_data(theirs)).status_code == 302  # still good for its owner


@pytest.mark.parametrize("change", ["signature", "payload", "bare"])
def test_a_changed_key_posted_twice_never_files(rep_client, change):
    screened(rep_client)
    key = key_of(rep_client.get(FORM))
    signature = key.rpartition(":")[2]
    posted = {
        "signature": tampered(key),
        # Someone else's user id in the payload, the signature kept.
        "payload": form_keys.complaint_token(key=uuid.uuid4(), user_pk=rep_client.user.pk + 1).rpartition(":")[0]
        + ":"
        + signature,
        "bare": str(uuid.uuid4()),
    }[change]
    for _ in range(2):
        response = rep_client.post(FORM, form_data(posted))
        page = page_of(response)
        assert response.status_code == 400 and EXPIRED in page and "Your text is kept below" in page
        assert "Twelve claims were paid at the wrong rate since July." in page
    assert not Complaint.objects.exists()
    assert rep_client.post(FORM, form_data(key_of(response))).status_code == 302  # the fresh key files
    assert Complaint.objects.count() == 1


# The answer to HFS's question: the same rule.


@pytest.fixture
def question(rep_client):  # type: ignore[no-untyped-def]
    return asked(submit(rep_client.user), "Please send the remittance advice.")


def answer_of(complaint: Complaint) -> str:
    return f"/complaints/{complaint.public_id}/answer/"


def test_a_changed_answer_key_is_refused_with_the_answer_kept_and_never_recorded(rep_client, question):
    key = answer_key_of(rep_client, question)
    for _ in range(2):
        response = rep_client.post(
            answer_of(question), {"note": "Remittance for March.", "idempotency_key": tampered(key)}
        )
        page = page_of(response)
        assert response.status_code == 400 and EXPIRED in page and "Your answer is kept below" in page
        assert "Remittance for March." in page
    assert not ComplaintEvent.objects.filter(complaint=question, kind="provider_answered").exists()
    fresh = key_of(response)
    sent = rep_client.post(answer_of(question), {"note": "Remittance for March.", "idempotency_key": fresh})
    assert sent["Location"] == f"/complaints/{question.public_id}/"
    assert ComplaintEvent.objects.filter(complaint=question, kind="provider_answered").count() == 1


def test_an_answer_key_for_another_complaint_or_person_is_refused(rep_client, question):
    elsewhere = asked(submit(rep_client.user), "And this one?")
    other_person = RepresentativeFactory(organization=question.organization).user
    for key in (
        answer_key_of(rep_client, elsewhere),
        form_keys.answer_token(key=uuid.uuid4(), user_pk=other_person.pk, complaint_id=str(question.public_id)),
    ):
        response = rep_client.post(answer_of(question), {"note": "Here.", "idempotency_key": key})
        assert response.status_code == 400 and EXPIRED in page_of(response)
    assert not ComplaintEvent.objects.filter(kind="provider_answered").exists()


def test_an_answer_sent_again_after_signing_in_again_is_recorded_once(rep_client, question):
    data = {"note": "Remittance for March.", "idempotency_key": answer_key_of(rep_client, question)}
    assert rep_client.post(answer_of(question), data).status_code == 302
    rep_client.post("/accounts/logout/")
    again = sign_in(Client(), rep_client.user)
    response = again.post(answer_of(question), data)
    assert response["Location"] == f"/complaints/{question.public_id}/"
    assert ComplaintEvent.objects.filter(complaint=question, kind="provider_answered").count() == 1
