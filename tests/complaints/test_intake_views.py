"""The intake flow in the browser's terms: screening, the form, mistakes, lines, CSV, files, confirmation."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import MCO
from complaints.models import Attachment, Category, Complaint
from tests.factories import RepresentativeFactory
from tests.helpers import PDF_BYTES, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(client):  # type: ignore[no-untyped-def]
    representative = RepresentativeFactory()
    sign_in(client, representative.user)
    client.user = representative.user
    return client


def screened(client):  # type: ignore[no-untyped-def]
    response = client.post("/complaints/new/", {"program": "mco", "filed_with_mco": "yes"})
    assert response["Location"] == "/complaints/new/complaint/"
    return client


def key_of(response) -> str:  # type: ignore[no-untyped-def]
    """The form's key as the page gives it: signed for the person signed in (complaints.form_keys)."""
    return re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode()).group(1)


def answer_key_of(client, complaint) -> str:  # type: ignore[no-untyped-def]
    """The key of the answer form on the complaint's page, as the person signed in is given it."""
    return key_of(client.get(f"/complaints/{complaint.public_id}/"))


def form_data(key: str, **overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "idempotency_key": key,
        "mco": str(MCO.objects.get(short_name="Aetna").pk),
        "category": str(Category.objects.get(code="claims-payment").pk),
        "subject": "Claims paid at the wrong rate",
        "description": "Twelve claims were paid at the wrong rate since July.",
        "mco_reference": "AET-2026-7781",
        "mco_filed_on": (today - timedelta(days=45)).isoformat(),
        "mco_responded": "no",
        "concerns_members": "yes",
        "access_to_care": "no",
        "consent": "on",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-member_name": "Avery Member",
        "lines-0-rin": "123456789",
        "lines-0-service_from": (today - timedelta(days=60)).isoformat(),
        "lines-1-member_name": "Blake Member",
        "lines-1-rin": "987654321",
        "lines-1-service_from": (today - timedelta(days=70)).isoformat(),
        "lines-1-billed_amount": "210.00",
        "action": "submit",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("answers", "text"),
    [
        ({"program": "ffs", "filed_with_mco": "yes"}, "Fee-for-Service issues are handled by phone"),
        ({"program": "medicare", "filed_with_mco": "yes"}, "Medicare-only issues are not handled here"),
        ({"program": "mco", "filed_with_mco": "no"}, "First give the MCO the chance to fix it"),
    ],
)
def test_screening_sends_away_what_hfs_cannot_take_and_stores_nothing(rep_client, answers, text):
    response = rep_client.post("/complaints/new/", answers)
    page = response.content.decode()
    assert response.status_code == 200 and text in page and "Nothing was saved." in page
    if answers["program"] != "medicare":
        assert "877-782-5565" in page or answers["program"] == "mco"
    assert not Complaint.objects.exists()
    assert rep_client.get("/complaints/new/complaint/")["Location"] == "/complaints/new/"


def test_screening_questions_are_required_and_the_form_can_be_sent(rep_client):
    page = rep_client.get("/complaints/new/").content.decode()
    assert re.search(r'<button type="submit"[^>]*>Continue</button>', page)
    response = rep_client.post("/complaints/new/", {})
    assert "Choose who pays for the service." in response.content.decode()


def test_a_complete_complaint_is_filed_and_confirmed(rep_client, django_capture_on_commit_callbacks):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post("/complaints/new/complaint/", form_data(key))
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/complaints/{complaint.public_id}/submitted/"
    page = rep_client.get(response["Location"]).content.decode()
    assert complaint.reference in page and "File another complaint" in page
    assert list(complaint.claims.order_by("line_number").values_list("rin", flat=True)) == ["123456789", "987654321"]
    assert [m.to for m in mail.outbox] == [[rep_client.user.email]]
    # "File another complaint" goes straight to an empty form (new key, no MCO or topic).
    again = rep_client.get("/complaints/new/another/", follow=True)
    assert key_of(again) != key
    assert "selected>- Select one MCO -" in again.content.decode() or "selected" not in re.search(
        r'<select[^>]*id="id_mco".*?</select>', again.content.decode(), re.S
    ).group(0)


def test_a_double_submit_makes_one_complaint(rep_client, django_capture_on_commit_callbacks):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    with django_capture_on_commit_callbacks(execute=True):
        first = rep_client.post("/complaints/new/complaint/", form_data(key))
        second = rep_client.post("/complaints/new/complaint/", form_data(key))
    assert first["Location"] == second["Location"]
    assert Complaint.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"mco_filed_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
            "mco_filed_on",
            "cannot be in the future",
        ),
        ({"mco_filed_on": "31/31/2026"}, "mco_filed_on", "Enter a real date"),
        ({"lines-0-rin": "12345"}, "lines-0-rin", "9-digit"),
        (
            {"lines-1-service_from": timezone.localdate().isoformat()},
            "lines-1-service_from",
            "after the date you filed",
        ),
        ({"access_to_care": "yes"}, "access_to_care_explanation", "Explain how the member"),
        ({"consent": ""}, "consent", "Tick the box"),
        ({"mco": ""}, "mco", "Choose the MCO."),
        ({"mco_reference": ""}, "mco_reference", "Enter the MCO's tracking"),
    ],
)
def test_mistakes_are_explained_at_the_field_and_in_the_summary_and_nothing_is_lost(
    rep_client, overrides, field, message
):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    response = rep_client.post("/complaints/new/complaint/", form_data(key, **overrides))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    summary = page[page.index("There is a problem") : page.index("</ul>", page.index("There is a problem"))]
    assert message in summary and f'href="#id_{field}' in summary
    field_error = re.search(rf'<span class="usa-error-message" id="id_{field}-error">(.*?)</span>', page, re.S)
    assert field_error and message in field_error.group(1), "the message also stands next to the field"
    assert "Twelve claims were paid at the wrong rate since July." in page
    assert 'value="Blake Member"' in page
    assert 'value="AET-2026-7781"' in page or field == "mco_reference"
    assert "<title>\n      Error:" in page or "Error: Your complaint" in page
    assert not Complaint.objects.exists()


def test_add_a_line_keeps_everything_and_shows_no_errors_yet(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    response = rep_client.post("/complaints/new/complaint/", form_data(key, action="add_line", subject=""))
    page = response.content.decode()
    assert "There is a problem" not in page
    assert page.count('class="usa-legend">Line ') == 3
    assert 'value="Avery Member"' in page and "Twelve claims" in page
    assert key_of(response) == key


def test_removing_a_line(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    response = rep_client.post(
        "/complaints/new/complaint/", form_data(key, action="add_line", **{"lines-0-DELETE": "on"})
    )
    page = response.content.decode()
    assert "Avery Member" not in page and 'value="Blake Member"' in page


def test_csv_template_and_import_with_row_numbers(rep_client):
    template = rep_client.get("/complaints/claim-lines-template.csv")
    assert template["Content-Type"].startswith("text/csv")
    assert (
        template.content.decode().splitlines()[0]
        == "member_name,rin,service_from,service_to,claim_number,billed_amount"
    )
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    bad = SimpleUploadedFile(
        "claims.csv",
        b"member_name,rin,service_from,service_to,claim_number,billed_amount\n"
        b"Casey One,111222333,09/01/2026,,C1,10\n"
        b"Dana Two,1112,09/02/2026,,C2,abc\n"
        b"Eli Three,444555666,not a date,,C3,\n",
        content_type="text/csv",
    )
    response = rep_client.post("/complaints/new/complaint/", {**form_data(key, action="import_csv"), "claims_csv": bad})
    page = response.content.decode()
    assert "Row 3: the billed amount is not a number like 125.50; enter the member&#x27;s 9-digit" in page
    assert "Row 4: the date of service is missing or not a date" in page
    assert page.count('class="usa-legend">Line ') == 2  # nothing imported while the file has problems
    good = SimpleUploadedFile(
        "claims.csv",
        b"\xef\xbb\xbfmember_name,rin,service_from,service_to,claim_number,billed_amount\n"
        b'Casey One,111-222-333,09/01/2026,09/03/2026,C1,"$1,250.00"\n',
        content_type="text/csv",
    )
    response = rep_client.post(
        "/complaints/new/complaint/", {**form_data(key, action="import_csv"), "claims_csv": good}
    )
    page = response.content.decode()
    assert "Added 1 claim lines from the file" in page
    assert page.count('class="usa-legend">Line ') == 3 and 'value="111222333"' in page and 'value="1250.00"' in page


def test_files_are_kept_when_the_form_comes_back_with_errors(rep_client, private_files):
    tmp_path = private_files
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    upload = SimpleUploadedFile("eob.pdf", PDF_BYTES, content_type="application/pdf")
    response = rep_client.post("/complaints/new/complaint/", {**form_data(key, subject=""), "attachments": upload})
    assert "eob.pdf" in response.content.decode()
    draft = Attachment.objects.get()
    assert draft.complaint is None and draft.original_name == "eob.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}", draft.stored_name)  # a server-made name, never the person's
    assert (tmp_path / draft.stored_name).read_bytes() == PDF_BYTES
    rep_client.post("/complaints/new/complaint/", form_data(key))
    draft.refresh_from_db()
    assert draft.complaint == Complaint.objects.get()


def test_a_disallowed_file_is_refused_with_a_message(rep_client, private_files):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = rep_client.post("/complaints/new/complaint/", {**form_data(key), "attachments": upload})
    assert "run.exe: this kind of file cannot be attached" in response.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_the_filing_window_warning_shows_on_the_form(rep_client):
    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    early = (timezone.localdate() - timedelta(days=5)).isoformat()
    response = rep_client.post("/complaints/new/complaint/", form_data(key, action="add_line", mco_filed_on=early))
    assert "You filed with the MCO 5 days ago." in response.content.decode()


def test_a_pending_organization_is_told_it_cannot_file_yet(client):
    representative = RepresentativeFactory(organization__status="pending")
    sign_in(client, representative.user)
    response = client.get("/complaints/new/")
    assert response.status_code == 403 and "once HFS has approved" in response.content.decode()


def test_a_mangled_form_key_files_nothing_and_gives_the_text_back_under_a_new_key(rep_client):
    # Issue 16: a key the session was not given is never replaced silently (that filed twice on a second post).
    screened(rep_client)
    response = rep_client.post("/complaints/new/complaint/", form_data("not-a-uuid"))
    assert response.status_code == 400 and "This form has expired or was changed" in response.content.decode()
    assert key_of(response) != "not-a-uuid" and not Complaint.objects.exists()


def test_a_file_with_a_virus_is_refused_on_the_form_and_not_kept(rep_client, private_files):
    from tests.plugins.services import eicar_bytes

    screened(rep_client)
    key = key_of(rep_client.get("/complaints/new/complaint/"))
    upload = SimpleUploadedFile("notes.txt", eicar_bytes(), content_type="text/plain")
    response = rep_client.post("/complaints/new/complaint/", {**form_data(key), "attachments": upload})
    page = response.content.decode()
    assert response.status_code == 200 and "notes.txt: a virus was found in this file, so it was not stored." in page
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
    assert list(private_files.iterdir()) == []
