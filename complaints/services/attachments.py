"""Files (DESIGN §6.3): checking and storing an upload, the provider's files on forms not yet sent, opening a file
for download, and purging files of forms never sent.

``file_check`` and ``file_store`` are the steps every uploaded file goes through, whatever it belongs to (a
provider's draft here; the MCO's proposal imports them for its own files): the content checks and the virus scan,
failing closed, then the store under a server-made name.
"""

import hashlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from complaints import filetypes
from complaints.models import Attachment, Complaint
from complaints.services.intake import filing_representative
from complaints.services.workflow import ensure_filer
from portal import clamd

logger = logging.getLogger(__name__)

DRAFT_FILES_PER_USER = 30


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check: its name as sent (a row keeps its first 255 characters), and what its
    row records."""

    name: str
    size: int
    content_type: str
    sha256: str
    scan_status: str


def _chunks(upload: UploadedFile) -> Iterator[bytes]:
    upload.seek(0)
    yield from upload.chunks(chunk_size=64 * 1024)


def file_check(upload: UploadedFile) -> CheckedFile:
    """Check one upload before any transaction, or refuse it with a message naming the file (ValidationError).

    In order: the name, the size, the type from the content (magic bytes and structure), the virus scan (no
    verdict refuses: fail closed), then the SHA-256. The file is read in chunks throughout and left rewound."""
    try:
        # The name exactly as sent: browsers send a bare file name, so a path or a line break is refused.
        name = filetypes.check_name(upload.name or "")
    except filetypes.Refused as refusal:
        raise ValidationError(str(refusal)) from refusal
    if upload.size > settings.PORTAL_ATTACHMENT_MAX_BYTES:
        limit = settings.PORTAL_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"{name} is larger than {limit} MB. Attach a smaller file or split it.")
    try:
        kind = filetypes.detect(upload, name=name)
    except filetypes.Refused as refusal:
        raise ValidationError(str(refusal)) from refusal
    scan_status = _scan(upload, name=name)
    digest = hashlib.sha256()
    for chunk in _chunks(upload):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        name=name,
        size=upload.size,
        content_type=kind.content_type,
        sha256=digest.hexdigest(),
        scan_status=scan_status,
    )


@contextmanager
def file_store(upload: UploadedFile) -> Iterator[str]:
    """Store a checked upload under a server-made name, given to the block that writes its row; the stored copy
    is deleted again if the block fails (no file without its row)."""
    stored = storages["attachments"].save(f"{uuid.uuid4().hex}", upload)
    try:
        yield stored
    except Exception:
        storages["attachments"].delete(stored)
        raise


def attachment_add_draft(
    *, user: User, draft_key: uuid.UUID, upload: UploadedFile, complaint: Complaint | None = None
) -> Attachment:
    """Accept one uploaded file for a form not yet sent (DESIGN §6.3), or refuse it with a message.

    The checks of ``file_check`` first, all before any transaction; then, with the person's row locked, the counts
    (per form, per complaint for answers, per person for unsent forms) and the store. Only a file that passes
    everything is stored, under a server-made name, with its SHA-256. Only a representative who can file (a new
    complaint) or the complaint's filer (an answer) can attach files.
    """
    if complaint is None:
        filing_representative(user=user)
    else:
        ensure_filer(complaint=complaint, actor=user, doing="attach files to it")
    checked = file_check(upload)
    name = checked.name
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one upload at a time per person
        counted = Q(draft_key=draft_key) | Q(complaint=complaint) if complaint is not None else Q(draft_key=draft_key)
        if Attachment.objects.filter(counted).count() >= settings.PORTAL_ATTACHMENT_MAX_COUNT:
            raise ValidationError(f"{name}: a complaint can have at most {settings.PORTAL_ATTACHMENT_MAX_COUNT} files.")
        if Attachment.objects.filter(uploaded_by=user, complaint__isnull=True).count() >= DRAFT_FILES_PER_USER:
            raise ValidationError(
                f"{name}: too many files are waiting on forms you have not sent. Send or leave those forms first."
            )
        with file_store(upload) as stored:
            return Attachment.objects.create(
                draft_key=draft_key,
                uploaded_by=user,
                original_name=checked.name[:255],
                stored_name=stored,
                size=checked.size,
                content_type=checked.content_type,
                sha256=checked.sha256,
                scan_status=checked.scan_status,
            )


def _scan(upload: UploadedFile, *, name: str) -> str:
    """CLEAN, or PENDING when no scanner is set up (embedded default); refuses on a virus or no verdict."""
    if not settings.PORTAL_CLAMD_ADDRESS:
        return Attachment.ScanStatus.PENDING
    try:
        verdict = clamd.scan_chunks(
            _chunks(upload), address=settings.PORTAL_CLAMD_ADDRESS, timeout=settings.PORTAL_CLAMD_TIMEOUT_SECONDS
        )
    except clamd.ScannerUnavailable as exc:
        logger.warning("attachments: virus scanner gave no verdict (%s); upload refused", exc)
        raise ValidationError(
            f"{name}: we could not check the file for viruses just now, so it was not stored. "
            "Please try again in a few minutes."
        ) from exc
    if not verdict.clean and verdict.signature.startswith(("Heuristics.Limits.Exceeded", "Heuristics.Encrypted")):
        # clamd's own limits (deploy/clamav/clamd.conf): it could not scan the file whole, so it is not passed.
        raise ValidationError(
            f"{name}: the file is too large, too deeply packed or password-protected to be checked for viruses "
            "completely, so it was not stored. Remove any password, or split the file or save it as PDF, and "
            "attach it again."
        )
    if not verdict.clean:
        raise ValidationError(f"{name}: a virus was found in this file, so it was not stored.")
    return Attachment.ScanStatus.CLEAN


def files_delete(files: QuerySet[Attachment]) -> int:
    """Delete these files: their rows in the caller's transaction, their stored copies once it commits (a change
    rolled back keeps both). Every removal of a file not yet sent goes through here: the provider's forms, the
    MCO's draft proposal, and a draft set aside when HFS records the MCO's answer. Returns how many."""
    rows = list(files.values_list("pk", "stored_name"))
    if not rows:
        return 0
    Attachment.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    stored_names = [stored_name for _, stored_name in rows]

    def stored_copies_delete() -> None:
        for stored_name in stored_names:
            storages["attachments"].delete(stored_name)

    transaction.on_commit(stored_copies_delete)
    return len(rows)


@transaction.atomic
def attachment_remove_draft(*, user: User, draft_key: uuid.UUID, public_id: uuid.UUID) -> None:
    """Take a file back off a form not yet sent."""
    files_delete(
        Attachment.objects.filter(public_id=public_id, draft_key=draft_key, uploaded_by=user, complaint__isnull=True)
    )


class FileNotAvailable(Exception):
    """The file cannot be handed out; ``reason`` is "pending_scan" or "integrity"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def attachment_open_for_download(*, attachment: Attachment, user: User, request: HttpRequest | None = None):  # type: ignore[no-untyped-def]
    """Open a stored file for download, checking the very bytes to be sent against the SHA-256 recorded at
    upload (one handle: hashed, rewound, then served).

    Records ``attachment.downloaded``, or ``attachment.integrity_failed`` and refuses when the bytes changed or
    the stored copy is gone. Files not yet scanned are never handed out.
    """
    if attachment.scan_status != Attachment.ScanStatus.CLEAN:
        raise FileNotAvailable("pending_scan")
    digest = hashlib.sha256()
    try:
        handle = storages["attachments"].open(attachment.stored_name, "rb")
        for chunk in iter(lambda: handle.read(64 * 1024), b""):
            digest.update(chunk)
        handle.seek(0)
    except Exception as exc:
        logger.error("attachments: stored copy unreadable for attachment id=%s (%s)", attachment.pk, type(exc).__name__)
        audit_record(actor=user, action="attachment.integrity_failed", obj=attachment, request=request)
        raise FileNotAvailable("integrity") from exc
    if digest.hexdigest() != attachment.sha256:
        handle.close()
        audit_record(actor=user, action="attachment.integrity_failed", obj=attachment, request=request)
        logger.error("attachments: checksum mismatch for attachment id=%s", attachment.pk)
        raise FileNotAvailable("integrity")
    audit_record(actor=user, action="attachment.downloaded", obj=attachment, request=request)
    return handle


def attachment_purge_stale_drafts(*, older_than_hours: int = 24) -> int:
    """Delete files uploaded to forms that were never sent (PHI must not linger), one at a time. A file sent with
    its form meanwhile keeps its row and its stored copy. Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    stale = Attachment.objects.filter(complaint__isnull=True, uploaded_at__lt=cutoff)
    deleted = 0
    for pk in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            deleted += files_delete(stale.filter(pk=pk))
    return deleted
