"""What a file really is, decided from its content (DESIGN §6.3): magic bytes plus a structural check.

The browser's claim and the extension never decide; the extension must only agree with the content.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError


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
ALLOWED_EXTENSIONS = {extension for kind in KINDS for extension in kind.extensions}

# Extensions that make a name dangerous wherever they stand (report.pdf.exe, invoice.html.pdf).
RISKY_EXTENSIONS = {
    "exe", "com", "bat", "cmd", "scr", "msi", "dll", "js", "jse", "vbs", "vbe", "wsf", "ps1", "sh", "jar",
    "html", "htm", "xhtml", "svg", "php", "asp", "aspx", "jsp", "hta", "lnk", "docm", "xlsm", "app",
}  # fmt: skip
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 1000  # per part; the total limit above is the main guard
# Parts that carry code: macros and ActiveX controls are refused even inside a .docx/.xlsx.
ZIP_CODE_PARTS = re.compile(r"(?:^|/)(?:vbaProject\.bin|vbaData\.xml)$|(?:^|/)activeX/", re.IGNORECASE)
MARKUP = re.compile(rb"<\s*(?:!doctype|html|svg|\?xml|script|head|body|iframe|object|embed)\b", re.IGNORECASE)
HEAD_BYTES = 64 * 1024
Image.MAX_IMAGE_PIXELS = 100_000_000  # a decompression bomb stops Pillow here


def check_name(name: str) -> str:
    """The name to keep as metadata, or Refused for names that could fool a person or a program."""
    if not name or any(ord(char) < 32 or char in '"\\/' or ord(char) == 127 for char in name):
        raise Refused(
            "The file name has double quotes, slashes or hidden characters. Rename the file and attach it again."
        )
    if unicodedata.category(name[0]) == "Cf" or any(unicodedata.category(c) == "Cf" for c in name):
        raise Refused("The file name has hidden characters. Rename the file and attach it again.")
    parts = name.lower().split(".")
    if len(parts) < 2 or f".{parts[-1]}" not in ALLOWED_EXTENSIONS:
        raise Refused(
            f"{name}: this kind of file cannot be attached. Use PDF, PNG, JPEG, TIFF, Word (.docx), "
            "Excel (.xlsx), CSV or plain text."
        )
    if any(part in RISKY_EXTENSIONS for part in parts[1:-1]):
        raise Refused(f"{name}: the name has a second extension that could hide a program. Rename the file.")
    return name


def _zip_entry_count(file: BinaryIO) -> int | None:
    """The entry count from the zip's end record, read before the directory is (so a huge one costs nothing)."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - 65_557))  # the end record and the longest possible comment
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    file.seek(0)
    if at < 0 or at + 12 > len(tail):
        return None
    return int.from_bytes(tail[at + 10 : at + 12], "little")


def _zip_kind(file: BinaryIO, name: str) -> Kind:
    count = _zip_entry_count(file)
    if count is None:
        raise Refused(f"{name}: the file is damaged or is not really a Word or Excel document.")
    if count > ZIP_MAX_ENTRIES or count == 0xFFFF:
        raise Refused(f"{name}: the document has too many parts to be checked safely.")
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise Refused(f"{name}: the document has too many parts to be checked safely.")
            total = 0
            for entry in entries:
                if entry.flag_bits & 0x1:
                    raise Refused(f"{name}: the document is password-protected, so it cannot be checked for viruses.")
                if ZIP_CODE_PARTS.search(entry.filename):
                    raise Refused(f"{name}: the document contains macros or controls. Save it without them.")
                total += entry.file_size
                if entry.compress_size and entry.file_size / entry.compress_size > ZIP_MAX_RATIO:
                    raise Refused(f"{name}: the document expands too much to be checked safely.")
            if total > ZIP_MAX_UNCOMPRESSED:
                raise Refused(f"{name}: the document expands too much to be checked safely.")
            names = {entry.filename for entry in entries}
    except zipfile.BadZipFile as exc:
        raise Refused(f"{name}: the file is damaged or is not really a Word or Excel document.") from exc
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    raise Refused(f"{name}: the file is not a Word (.docx) or Excel (.xlsx) document.")


def _pdf_kind(file: BinaryIO, name: str) -> Kind:
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - 64 * 1024))  # some PDFs carry trailing bytes after the marker
    tail = file.read()
    if b"%%EOF" not in tail:
        raise Refused(f"{name}: the PDF is damaged or incomplete. Save it again and attach the new copy.")
    return PDF


def _image_kind(file: BinaryIO, name: str, kind: Kind) -> Kind:
    try:
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise Refused(f"{name}: the image is damaged or is not really a {kind.name}.") from exc
    return kind


def _text_kind(head: bytes, name: str, extension: str) -> Kind:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Excel's "Unicode text"): check it as text
        head = head[2:].decode("utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be", "ignore").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    if b"\0" in head:
        raise Refused(f"{name}: the file is not plain text.")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sample; anything else is not UTF-8 text.
        if exc.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                raise Refused(f"{name}: the file is not plain text.") from exc
    if MARKUP.search(head):
        raise Refused(f"{name}: the file is a web page or markup, which cannot be attached.")
    return CSV if extension == ".csv" else TXT


def detect(file: BinaryIO, *, name: str) -> Kind:
    """The kind of the file from its bytes; Refused when it is none we accept or disagrees with its name."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    extension = "." + name.lower().rsplit(".", 1)[-1]
    if head.startswith(b"%PDF-"):
        kind = _pdf_kind(file, name)
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = _image_kind(file, name, PNG)
    elif head.startswith(b"\xff\xd8\xff"):
        kind = _image_kind(file, name, JPEG)
    elif head.startswith((b"II*\x00", b"MM\x00*")):
        kind = _image_kind(file, name, TIFF)
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(file, name)
    elif extension in (".csv", ".txt"):
        kind = _text_kind(head, name, extension)
    else:
        raise Refused(f"{name}: the content is not a PDF, image, Word, Excel, CSV or text file.")
    file.seek(0)
    if extension not in kind.extensions:
        raise Refused(f"{name}: the name says {extension} but the file is a {kind.name}. Rename it and try again.")
    return kind
