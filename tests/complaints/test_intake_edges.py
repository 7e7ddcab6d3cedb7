"""Edges of intake and follow-up: removed representatives, odd input, repeats, ended contracts, audit."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import MCO, AuditEvent, Representative
from complaints.models import Attachment, Complaint, ComplaintEvent
from tests.complaints.factories import asked, submit
from tests.complaints.test_intake_views import answer_key_of, form_data, key_of, screened
from tests.factories import RepresentativeFactory
from tests.helpers import PDF_BYTES, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(client):  # type: ignore[no-untyped-def]
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    client.representative = representative
    return client


def test_a_removed_representative_no_longer_sees_their_complaints(client):
    representative = RepresentativeFactory()
    RepresentativeFactory(organization=representative.organization, is_org_admin=True)
    complaint = submit(representative.user)
    Representative.objects.filter(pk=representative.pk).update(revoked_at=timezone.now())
    sign_in(client, representative.user)
    assert complaint.reference not in client.get("/complaints/").content.decode()
    assert client.get(f"/complaints/{complaint.public_id}/").status_code == 404


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "-1"])
def test_odd_numbers_in_the_address_or_form_are_ignored_not_errors(rep_client, value):
    assert rep_client.get(f"/complaints/?mco={value}").status_code == 200
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    response = rep_client.post(
        "/complaints/new/complaint/", form_data(key, action="add_line", **{"lines-TOTAL_FORMS": value})
    )
    assert response.status_code == 200


def test_an_unreadable_csv_is_explained(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    huge = "member_name,rin,service_from\n" + "x" * 140_000 + ",123456789,09/01/2026\n"
    upload = SimpleUploadedFile("claims.csv", huge.encode(), content_type="text/csv")
    response = rep_client.post(
        "/complaints/new/complaint/", {**form_data(key, action="import_csv"), "claims_csv": upload}
    )
    assert "could not be read as CSV" in response.content.decode()
    binary = SimpleUploadedFile("claims.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    response = rep_client.post(
        "/complaints/new/complaint/", {**form_data(key, action="import_csv"), "claims_csv": binary}
    )
    assert "not a CSV text file" in response.content.decode()


def test_a_csv_chosen_but_not_added_is_added_before_anything_is_sent(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    upload = SimpleUploadedFile("claims.csv", b"member_name,rin,service_from\nCasey One,111222333,09/01/2026\n")
    response = rep_client.post("/complaints/new/complaint/", {**form_data(key), "claims_csv": upload})
    assert response.status_code == 200 and "Added 1 claim lines from the file" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_line_added_and_left_blank_is_ignored(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    data = form_data(key, **{"lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "3"})
    response = rep_client.post("/complaints/new/complaint/", data)
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/complaints/{complaint.public_id}/submitted/"
    assert complaint.claims.count() == 2


def test_sending_the_form_again_stores_no_second_copy_of_its_files(rep_client, private_files):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    for _ in range(2):
        upload = SimpleUploadedFile("eob.pdf", PDF_BYTES, content_type="application/pdf")
        rep_client.post("/complaints/new/complaint/", {**form_data(key), "attachments": upload})
    assert Complaint.objects.count() == 1 and Attachment.objects.count() == 1


def test_an_answer_sent_twice_is_recorded_once(rep_client):
    complaint = asked(submit(rep_client.representative.user), "Send EOB")
    data = {"note": "Here it is.", "idempotency_key": answer_key_of(rep_client, complaint)}
    for _ in range(2):
        response = rep_client.post(f"/complaints/{complaint.public_id}/answer/", data)
        assert response["Location"] == f"/complaints/{complaint.public_id}/"
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="provider_answered").count() == 1


def test_an_answer_with_a_refused_file_keeps_the_other_files_listed(rep_client, private_files):
    complaint = asked(submit(rep_client.representative.user), "Send EOB")
    files = [
        SimpleUploadedFile("eob.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream"),
    ]
    response = rep_client.post(
        f"/complaints/{complaint.public_id}/answer/",
        {"note": "Here.", "idempotency_key": answer_key_of(rep_client, complaint), "attachments": files},
    )
    page = response.content.decode()
    assert "virus.exe: this kind of file cannot be attached" in page and "eob.pdf" in page
    assert 'aria-describedby="id_answer_attachments-hint id_answer_attachments-error"' in page


def test_an_mco_whose_contract_ended_is_not_offered(rep_client):
    ended = MCO.objects.get(short_name="Aetna")
    ended.active_to = timezone.localdate() - timedelta(days=1)
    ended.save()
    screened(rep_client)
    page = rep_client.get("/complaints/new/complaint/").content.decode()
    assert "Aetna Better Health" not in page and "Molina Healthcare" in page


def test_opening_a_complaint_is_recorded_in_the_audit_log(rep_client):
    complaint = submit(rep_client.representative.user)
    rep_client.get(f"/complaints/{complaint.public_id}/")
    event = AuditEvent.objects.get(action="complaint.viewed")
    assert event.actor == rep_client.representative.user and event.object_id == str(complaint.pk)
    assert AuditEvent.objects.filter(action="complaint.submitted", object_id=str(complaint.pk)).exists()
