"""What every file check shares: the refusal, the kinds we accept, the limits, and a whole-file view."""

import contextlib
import mmap
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO


class Refused(Exception):
    """The file cannot be accepted; the message is for the person who uploaded it."""


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", (".pdf",))
PNG = Kind("PNG image", "image/png", (".png",))
JPEG = Kind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
TIFF = Kind("TIFF image", "image/tiff", (".tif", ".tiff"))
DOCX = Kind("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
CSV = Kind("CSV file", "text/csv", (".csv",))
TXT = Kind("text file", "text/plain", (".txt",))
KINDS = (PDF, PNG, JPEG, TIFF, DOCX, XLSX, CSV, TXT)

# What a document may expand to, at every level together. clamd's MaxFileSize and MaxScanSize (deploy/clamav/
# clamd.conf) are above it, so everything we accept is small enough for clamd to scan whole.
MAX_EXPANDED = 100 * 1024 * 1024

# Archives, programs and containers of embedded objects, by their first bytes. None of them belongs inside a
# document part or is a file we accept; clamd does not reliably look inside all of them (ZIP64, nesting).
NESTED_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"BZh", "a compressed (bzip2) file"),
    (b"\xfd7zXZ\x00", "a compressed (xz) file"),
    (b"MSCF", "a compressed (cabinet) file"),
    (b"ITSF", "a compiled help file"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\xca\xfe\xba\xbe", "a program"),
    (b"\xcf\xfa\xed\xfe", "a program"),
    (b"\xfe\xed\xfa\xcf", "a program"),
    (b"#!", "a script"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Office file or embedded object"),
    (b"{\\rtf", "a rich text (RTF) file"),
    (b"%PDF-", "a PDF"),
)


def nested_kind(head: bytes) -> str | None:
    """What the bytes are when they start like an archive, a program or an embedded object; else None."""
    for magic, what in NESTED_MAGIC:
        if head.startswith(magic):
            return what
    return None


# HTML a browser would run, wherever it stands in a binary file (a PDF or image that is also a web page): a tag
# that opens and closes (``<script …>``). XML declarations and XMP metadata (<?xpacket, <x:xmpmeta, <rdf:…) are
# normal in PDFs and images, so not here. Requiring the closing ">" keeps compressed bytes from matching by chance.
HTML_TAG = re.compile(
    rb"<\s{0,64}(?:!doctype\s+html|html|head|body|script|svg|iframe|frame|frameset|object|embed|applet|meta|link"
    rb"|style|base|form|img|a\s+href)(?:>|[\s/][^<>]{0,512}>)",
    re.IGNORECASE,
)


def html_in(data: bytes | memoryview | mmap.mmap) -> bool:
    return HTML_TAG.search(data) is not None


@contextlib.contextmanager
def whole(file: BinaryIO) -> Iterator[memoryview | mmap.mmap | bytes]:
    """The file's bytes, all of them, without copying them into memory: a memory map of a file on disk, the
    buffer of a file held in memory. Regular expressions run over it as over bytes."""
    raw = getattr(file, "file", file)
    raw = getattr(raw, "file", raw)  # a NamedTemporaryFile wraps the real file object
    file.seek(0)
    if hasattr(raw, "getbuffer"):
        view = raw.getbuffer()
        try:
            yield view
        finally:
            view.release()
        return
    try:
        fileno = raw.fileno()
    except (AttributeError, OSError, ValueError):
        yield file.read()  # small uploads only ever come this way; the size limit bounds them
        return
    with mmap.mmap(fileno, 0, access=mmap.ACCESS_READ) as mapped:
        yield mapped


def chunks(file: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(size):
        yield chunk
