"""PHI attachments (DESIGN §6.3): content-checked, virus-scanned, private, integrity-checked, audited."""

import io
import re
import tracemalloc
import uuid
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client

from accounts import roles
from accounts.models import AuditEvent
from accounts.services.users import staff_user_create
from complaints import services
from complaints.models import Attachment
from tests.complaints.factories import submit
from tests.factories import RepresentativeFactory
from tests.helpers import PDF_BYTES, sign_in
from tests.plugins.services import eicar_bytes

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG_BYTES = png_bytes()


def office(kind: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx or .xlsx: a zip with the parts Word or Excel needs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros: ~50 KB zipped
    return buffer.getvalue()


def add(user, name: str, data: bytes, key: uuid.UUID | None = None) -> Attachment:  # type: ignore[no-untyped-def]
    return services.attachment_add_draft(
        user=user, draft_key=key or uuid.uuid4(), upload=SimpleUploadedFile(name, data)
    )


@pytest.fixture
def user():  # type: ignore[no-untyped-def]
    return RepresentativeFactory().user


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", PDF_BYTES),
        ("photo.png", PNG_BYTES),
        ("letter.docx", office("docx")),
        ("claims.xlsx", office("xlsx")),
        ("claims.csv", b"member,rin\nPat,123456789\n"),
        ("notes.txt", "Résumé of calls with the MCO.\n".encode()),
        ("Ünïcode name (final).PDF", PDF_BYTES),
    ],
)
def test_good_files_are_accepted_scanned_and_stored_privately(user, private_files, name, data):
    attachment = add(user, name, data)
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    assert attachment.original_name == name and re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    stored = private_files / attachment.stored_name
    assert stored.read_bytes() == data and oct(stored.stat().st_mode & 0o777) == "0o600"
    import hashlib

    assert attachment.sha256 == hashlib.sha256(data).hexdigest()


def test_stored_files_have_no_public_address(user, private_files):
    attachment = add(user, "report.pdf", PDF_BYTES)
    with pytest.raises(ValueError, match="download view"):
        storages["attachments"].url(attachment.stored_name)


def eicar_docx() -> bytes:
    # The test virus in an XML part: it is text, so the structural checks pass it and clamd must find it (data after
    # a picture's end is refused before the scan, see test_hostile_files).
    return office("docx", {"word/header1.xml": b"<w:hdr>" + eicar_bytes() + b"</w:hdr>"})


BAD_CORPUS = [
    ("eicar-plain", "eicar.txt", eicar_bytes(), "a virus was found"),
    ("eicar-padded", "padded.txt", b"Notes from the call.\n" * 50 + eicar_bytes() + b"\nmore\n", "a virus was found"),
    ("eicar-zipped", "zipped.docx", eicar_docx(), "a virus was found"),
    ("html-as-pdf", "invoice.pdf", b"<!DOCTYPE html><html><body>hi</body></html>", "is not a PDF"),
    ("html-pdf-polyglot", "poly.pdf", b"<html>%PDF-1.4\n%%EOF", "is not a PDF"),
    ("exe-as-pdf", "scan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 100, "is not a PDF"),
    (
        "svg",
        "chart.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "cannot be attached",
    ),
    ("svg-as-txt", "chart.txt", b"<svg onload=alert(1)></svg>", "web page or markup"),
    ("double-extension", "claims.exe.pdf", PDF_BYTES, "second extension"),
    ("double-extension-exe", "claims.pdf.exe", b"MZ", "cannot be attached"),
    ("quote-in-name", 'eob".pdf', PDF_BYTES, "quotes"),
    ("crlf-in-name", "eob\r\nX-Header: injected.pdf", PDF_BYTES, "hidden characters"),
    ("right-to-left-override", "invoice\u202efdp.exe", PDF_BYTES, "hidden characters"),
    ("nul-in-name", "eob\x00.pdf", PDF_BYTES, "hidden characters"),
    ("png-that-is-not", "photo.png", b"\x89PNG\r\n\x1a\nnot really", "damaged"),
    ("zip-bomb-as-docx", "bomb.docx", zip_bomb(), "expands too much"),
    ("zip-not-office", "archive.docx", office("docx")[:30], "damaged"),
    ("pdf-without-end", "cut.pdf", b"%PDF-1.4\n" + b"x" * 5000, "damaged or incomplete"),
]


@pytest.mark.parametrize(("case", "name", "data", "message"), BAD_CORPUS, ids=[c[0] for c in BAD_CORPUS])
def test_bad_uploads_are_refused_with_a_message_and_nothing_is_stored(user, private_files, case, name, data, message):
    with pytest.raises(ValidationError) as refused:
        add(user, name, data)
    assert message in " ".join(refused.value.messages)
    assert not Attachment.objects.exists()
    assert list(private_files.iterdir()) == []


def test_over_20_mb_is_refused(user, private_files, settings):
    upload = TemporaryUploadedFile("big.pdf", "application/pdf", settings.PORTAL_ATTACHMENT_MAX_BYTES + 1, None)
    upload.write(b"%PDF-1.4\n" + b"\0" * (settings.PORTAL_ATTACHMENT_MAX_BYTES + 1 - 9))
    upload.flush()
    with pytest.raises(ValidationError, match="larger than 20 MB"):
        services.attachment_add_draft(user=user, draft_key=uuid.uuid4(), upload=upload)
    upload.close()
    assert not Attachment.objects.exists() and list(private_files.iterdir()) == []


def test_an_eleventh_file_is_refused(user, private_files):
    key = uuid.uuid4()
    for n in range(10):
        add(user, f"page{n}.pdf", PDF_BYTES, key)
    with pytest.raises(ValidationError, match="at most 10 files"):
        add(user, "page10.pdf", PDF_BYTES, key)
    assert Attachment.objects.count() == 10 and len(list(private_files.iterdir())) == 10


def test_a_stopped_scanner_refuses_uploads_and_stores_nothing(user, private_files, settings, clamd_server):
    settings.PORTAL_CLAMD_ADDRESS = clamd_server.address
    assert add(user, "before.pdf", PDF_BYTES).scan_status == Attachment.ScanStatus.CLEAN
    clamd_server.stop()
    with pytest.raises(ValidationError, match="could not check the file for viruses"):
        add(user, "after.pdf", PDF_BYTES)
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["before.pdf"]
    assert len(list(private_files.iterdir())) == 1


def test_without_a_scanner_files_wait_as_pending_and_cannot_be_downloaded(client, private_files, settings):
    settings.PORTAL_CLAMD_ADDRESS = None
    representative = RepresentativeFactory()
    complaint = submit(representative.user)
    attachment = add(representative.user, "eob.pdf", PDF_BYTES)
    Attachment.objects.filter(pk=attachment.pk).update(complaint=complaint, draft_key=None)
    sign_in(client, representative.user)
    page = client.get(f"/complaints/{complaint.public_id}/").content.decode()
    assert "waiting for the virus scan" in page and f"/complaints/files/{attachment.public_id}/" not in page
    response = client.get(f"/complaints/files/{attachment.public_id}/")
    assert response.status_code == 403 and "waiting for the virus scan" in response.content.decode()


def test_memory_stays_flat_while_a_20_mb_file_is_checked_scanned_hashed_and_stored(user, private_files, settings):
    size = settings.PORTAL_ATTACHMENT_MAX_BYTES
    upload = TemporaryUploadedFile("big.pdf", "application/pdf", size, None)
    chunk = b"%PDF-1.4\n" + bytes(range(256)) * 4000
    written = 0
    while written < size - len(chunk) - 16:
        upload.write(chunk)
        written += len(chunk)
    upload.write(b"\n%%EOF\n")
    upload.flush()
    upload.size = upload.tell()
    tracemalloc.start()
    try:
        attachment = services.attachment_add_draft(user=user, draft_key=uuid.uuid4(), upload=upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()
    assert attachment.size > 19 * 1024 * 1024
    assert peak < 2 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB for a {attachment.size / 1024 / 1024:.0f} MB file"


@pytest.fixture
def filed(private_files):  # type: ignore[no-untyped-def]
    representative = RepresentativeFactory()
    complaint = submit(representative.user)
    attachment = add(representative.user, "Résumé d\u2019appel 2026.pdf", PDF_BYTES)
    Attachment.objects.filter(pk=attachment.pk).update(complaint=complaint, draft_key=None)
    attachment.refresh_from_db()
    return representative, complaint, attachment


def test_the_submitter_downloads_through_the_authorized_view_and_it_is_audited(client, filed):
    representative, complaint, attachment = filed
    sign_in(client, representative.user)
    page = client.get(f"/complaints/{complaint.public_id}/").content.decode()
    assert f"/complaints/files/{attachment.public_id}/" in page
    response = client.get(f"/complaints/files/{attachment.public_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    disposition = response["Content-Disposition"]
    assert (
        disposition.startswith("attachment;")
        and "filename*=utf-8''R%C3%A9sum%C3%A9%20d%E2%80%99appel%202026.pdf" in disposition
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="attachment.downloaded")
    assert event.actor == representative.user and event.object_id == str(attachment.pk)
    assert event.ip_address == "127.0.0.1" and event.request_id


def test_a_tampered_file_is_not_handed_out_and_the_attempt_is_recorded(client, filed, private_files):
    representative, _, attachment = filed
    stored = private_files / attachment.stored_name
    data = bytearray(stored.read_bytes())
    data[10] ^= 0x01
    stored.write_bytes(bytes(data))
    sign_in(client, representative.user)
    response = client.get(f"/complaints/files/{attachment.public_id}/")
    assert response.status_code == 409 and "no longer matches" in response.content.decode()
    assert AuditEvent.objects.filter(action="attachment.integrity_failed", object_id=str(attachment.pk)).exists()
    assert not AuditEvent.objects.filter(action="attachment.downloaded").exists()


def test_other_organizations_colleagues_and_anonymous_visitors_cannot_download(client, filed):
    representative, _, attachment = filed
    url = f"/complaints/files/{attachment.public_id}/"
    assert client.get(url).status_code == 302  # anonymous: sign in first
    sign_in(client, RepresentativeFactory().user)
    assert client.get(url).status_code == 404
    colleague = RepresentativeFactory(organization=representative.organization, is_org_admin=True)
    assert sign_in(Client(), colleague.user).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="attachment.downloaded").exists()


def test_hfs_staff_with_the_permission_download_and_a_password_only_session_does_not(filed):
    _, _, attachment = filed
    url = f"/complaints/files/{attachment.public_id}/"
    staff = staff_user_create(email="a@hfs.example", full_name="A", password="x" * 12, group_name=roles.TRIAGE_ANALYST)
    password_only = Client()
    password_only.force_login(staff)
    assert password_only.get(url).status_code == 302
    assert sign_in(Client(), staff).get(url).status_code == 200


def test_the_form_says_so_when_no_scanner_is_set_up(client, settings):
    from tests.complaints.test_intake_views import screened

    sign_in(client, RepresentativeFactory().user)
    screened(client)
    notice = "Virus scanning is not set up on this server."
    assert notice not in client.get("/complaints/new/complaint/").content.decode()
    settings.PORTAL_CLAMD_ADDRESS = None
    assert notice in client.get("/complaints/new/complaint/").content.decode()


def test_files_on_forms_never_sent_are_deleted_after_a_day(user, private_files, django_capture_on_commit_callbacks):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from complaints.tasks import purge_stale_draft_attachments

    draft = add(user, "forgotten.pdf", PDF_BYTES)
    filed_complaint = submit(user)
    kept = add(user, "filed.pdf", PDF_BYTES)
    Attachment.objects.filter(pk=kept.pk).update(complaint=filed_complaint, draft_key=None)
    assert purge_stale_draft_attachments() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=25)), django_capture_on_commit_callbacks(execute=True):
        assert purge_stale_draft_attachments() == 1
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["filed.pdf"]
    assert not (private_files / draft.stored_name).exists() and (private_files / kept.stored_name).exists()


def image_bytes(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("scan.jpg", image_bytes("JPEG")),
        ("scan.tiff", image_bytes("TIFF")),
        ("O'Brien EOB.pdf", PDF_BYTES),
        ("unicode-text.txt", "\ufeffNotes from Excel".encode("utf-16")),
        ("trailing.pdf", PDF_BYTES + b"\n" + b" " * 5000),
    ],
)
def test_more_good_files_are_accepted(user, private_files, name, data):
    assert add(user, name, data).scan_status == Attachment.ScanStatus.CLEAN


def encrypted_docx() -> bytes:
    """A .docx whose main part is marked encrypted, as a password-protected part is (flag bit 0)."""
    data = bytearray(office("docx"))
    entry = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)  # the second central-directory entry
    data[entry + 8] |= 0x1
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("macro.docx", office("docx", {"word/vbaProject.bin": b"\0macro"}), "macros or controls"),
        ("activex.xlsx", office("xlsx", {"xl/activeX/activeX1.xml": b"<ax/>"}), "macros or controls"),
        ("locked.docx", encrypted_docx(), "password-protected"),
        ("bom-page.txt", b"\xef\xbb\xbf<html><script>x</script></html>", "web page or markup"),
        ("later-markup.csv", b"name,notes\nPat,<script>alert(1)</script>\n", "web page or markup"),
    ],
)
def test_more_bad_files_are_refused(user, private_files, name, data, message):
    with pytest.raises(ValidationError, match=message):
        add(user, name, data)
    assert list(private_files.iterdir()) == []


def test_a_zip_claiming_too_many_parts_is_refused_before_its_directory_is_read(user, private_files):
    data = bytearray(office("docx"))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (5000).to_bytes(2, "little") * 2  # entries on disk / in total
    with pytest.raises(ValidationError, match="too many parts"):
        add(user, "huge.docx", bytes(data))


class FakeScanner:
    """A misbehaving peer on loopback (the real clamd cannot be made to do these)."""

    def __init__(self, reply: bytes | None) -> None:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.reply = reply
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import contextlib
        import time

        with contextlib.suppress(OSError):
            connection, _ = self.sock.accept()
            with connection:
                connection.settimeout(5)
                while not connection.recv(65536).endswith(b"\0\0\0\0"):
                    pass
                if self.reply is None:
                    time.sleep(5)  # never answers
                else:
                    connection.sendall(self.reply)


@pytest.mark.parametrize(
    "reply",
    [None, b"stream: ERROR\0", b"garbage OK\0", b"INSTREAM size limit exceeded. ERROR\0", b""],
    ids=["timeout", "error", "odd-ok", "size-limit", "closed"],
)
def test_no_clear_verdict_refuses_the_upload(user, private_files, settings, reply):
    scanner = FakeScanner(reply)
    settings.PORTAL_CLAMD_ADDRESS = scanner.address
    settings.PORTAL_CLAMD_TIMEOUT_SECONDS = 1.0
    with pytest.raises(ValidationError, match="could not check the file for viruses"):
        add(user, "eob.pdf", PDF_BYTES)
    assert not Attachment.objects.exists() and list(private_files.iterdir()) == []
    scanner.sock.close()


def test_the_real_scanner_over_its_stream_limit_gives_no_verdict(settings):
    from portal import clamd

    with pytest.raises(clamd.ScannerUnavailable):
        clamd.scan_chunks([b"\0" * (26 * 1024 * 1024)], address=settings.PORTAL_CLAMD_ADDRESS)


def test_a_too_large_upload_is_not_read_to_the_end_and_is_explained_on_the_form(client, private_files):
    from tests.complaints.test_intake_views import form_data, key_of, screened

    sign_in(client, RepresentativeFactory().user)
    screened(client)
    key = key_of(client.get("/complaints/new/complaint/"))
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"\0" * (21 * 1024 * 1024))
    response = client.post("/complaints/new/complaint/", {**form_data(key), "attachments": big})
    assert "big.pdf is larger than 20 MB" in response.content.decode()
    assert not Attachment.objects.exists() and list(private_files.iterdir()) == []


def test_a_missing_stored_copy_is_refused_and_recorded(client, filed, private_files):
    representative, _, attachment = filed
    (private_files / attachment.stored_name).unlink()
    sign_in(client, representative.user)
    response = client.get(f"/complaints/files/{attachment.public_id}/")
    assert response.status_code == 409
    assert AuditEvent.objects.filter(action="attachment.integrity_failed", object_id=str(attachment.pk)).exists()


def test_staff_without_the_permission_cannot_download(filed):
    from accounts.models import User

    _, _, attachment = filed
    staff = User.objects.create_user(email="nogroup@hfs.example", password="x" * 12, full_name="N", is_staff=True)
    assert sign_in(Client(), staff).get(f"/complaints/files/{attachment.public_id}/").status_code == 404


def test_files_sent_with_an_answer_nobody_asked_for_are_not_stored(client, filed, private_files):
    representative, complaint, _ = filed
    sign_in(client, representative.user)
    before = set(private_files.iterdir())
    upload = SimpleUploadedFile("extra.pdf", PDF_BYTES)
    response = client.post(
        f"/complaints/{complaint.public_id}/answer/",
        {"note": "Hi", "idempotency_key": str(uuid.uuid4()), "attachments": upload},
    )
    assert response.status_code == 302
    assert set(private_files.iterdir()) == before and not Attachment.objects.filter(original_name="extra.pdf").exists()


def test_the_checks_and_the_store_serve_a_file_that_is_not_a_providers_draft(private_files):
    """The steps every upload goes through, with no draft and no person: what the MCO's proposal files reuse."""
    import hashlib

    from complaints.services.attachments import file_check, file_store

    upload = SimpleUploadedFile("proposal.pdf", PDF_BYTES)
    checked = file_check(upload)
    assert (checked.name, checked.size, checked.content_type) == ("proposal.pdf", len(PDF_BYTES), "application/pdf")
    assert checked.scan_status == Attachment.ScanStatus.CLEAN
    assert checked.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    with pytest.raises(ValidationError, match="a virus was found"):
        file_check(SimpleUploadedFile("eicar.txt", eicar_bytes()))
    with pytest.raises(RuntimeError), file_store(upload):
        raise RuntimeError("the row could not be written")
    assert list(private_files.iterdir()) == []  # no stored copy without its row
    with file_store(upload) as stored, storages["attachments"].open(stored, "rb") as handle:
        assert handle.read() == PDF_BYTES
    assert [path.name for path in private_files.iterdir()] == [stored]
    assert not Attachment.objects.exists()
