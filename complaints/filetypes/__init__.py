"""What a file really is, decided from its content (DESIGN §6.3): magic bytes plus a structural check.

The browser's claim and the extension never decide; the extension must only agree with the content. Word and
Excel files are checked in ``office``, PDFs in ``pdf``; images and text here. Every refusal says what is wrong and
what the person can do about it.
"""

import codecs
import re
import unicodedata
from collections.abc import Iterator
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from complaints.filetypes import office, pdf
from complaints.filetypes._base import (
    CSV,
    DOCX,
    JPEG,
    KINDS,
    MARKUP,
    PDF,
    PNG,
    TIFF,
    TXT,
    XLSX,
    Kind,
    Refused,
    archive_at,
    chunks,
    html_in,
    image_ends_at_its_end,
    nested_kind,
    whole,
)

__all__ = [
    "CSV", "DOCX", "JPEG", "KINDS", "PDF", "PNG", "TIFF", "TXT", "XLSX", "Kind", "Refused", "check_name", "detect",
]  # fmt: skip

ALLOWED_EXTENSIONS = {extension for kind in KINDS for extension in kind.extensions}
MAX_NAME = 255  # Attachment.original_name

# Extensions that make a name dangerous wherever they stand (report.pdf.exe, invoice.html.pdf).
RISKY_EXTENSIONS = {
    "exe", "com", "bat", "cmd", "scr", "msi", "dll", "js", "jse", "vbs", "vbe", "wsf", "ps1", "sh", "jar",
    "html", "htm", "xhtml", "svg", "php", "asp", "aspx", "jsp", "hta", "lnk", "docm", "xlsm", "app",
}  # fmt: skip
# Markup in a text file (``_base.MARKUP``) is looked for in the whole file, in pieces that overlap.
# A cell a spreadsheet program would run as a dangerous formula (staff open CSV and tab-separated text in Excel): it
# starts with =, +, - or @ (also after a byte-order mark, spaces or an opening quote, and in their full-width forms,
# which Excel reads the same) and calls a function that reaches out or runs something ("=HYPERLINK(", "=WEBSERVICE(")
# or another program through DDE ("=cmd|' /C calc'!A0"). Numbers, dates, phone numbers, "=1+1" and notes such as
# "- Resubmitted claim(s)" or "@Meridian(IL) said resubmit" are data.
# Functions that reach a web address or another program; the old macro functions (and IMAGE) count when called with
# a text argument, so a note such as "call(s) made" or "see image(2)" is not one.
DANGEROUS_FUNCTIONS = (
    rb"(?:HYPERLINK|WEBSERVICE|FILTERXML|IMPORTXML|IMPORTDATA|IMPORTHTML|IMPORTFEED|IMPORTRANGE|RTD|DDE)\s*\("
    rb"|(?:CALL|REGISTER|REGISTER\.ID|EXEC|SHELL|IMAGE)\s*\(\s*[\"']"
)
FORMULA = re.compile(
    rb"(?:^|(?<=[,;\t\r]))(?:\xef\xbb\xbf)?[ ]*\"?[ ]*"
    rb"(?:[=@+-]|\xef\xbc[\x9d\xa0\x8b\x8d])"
    rb"[^,;\t\r\n]*?(?:(?<![A-Za-z0-9_.])(?:" + DANGEROUS_FUNCTIONS + rb")|[A-Za-z0-9_.]+\s*\|[^!\r\n]*!)",
    re.MULTILINE | re.IGNORECASE,
)
# Text is read in pieces; what is carried from one piece to the next: the last cell begun (a formula may be long),
# and at least OVERLAP bytes (a tag may span a cell separator). A cell longer than MAX_CELL is no spreadsheet's.
CELL_SEPARATORS = re.compile(rb"[,;\t\r\n][^,;\t\r\n]*\Z")
MAX_CELL = 40 * 1024
OVERLAP = 1024
Image.MAX_IMAGE_PIXELS = 100_000_000  # a decompression bomb stops Pillow here
# Names Windows keeps for devices (CON.pdf, lpt1.txt): a staff member's computer could not save such a file.
WINDOWS_DEVICE = re.compile(r"con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]", re.IGNORECASE)


def check_name(name: str) -> str:
    """The name to keep as metadata, or Refused for names that could fool a person or a program.

    A name longer than we keep (255 characters) is shortened in its stem, so it keeps its extension.
    """
    if not name or any(ord(char) < 32 or char in '"\\/' or ord(char) == 127 for char in name):
        raise Refused(
            "The file name has double quotes, slashes or hidden characters. Rename the file and attach it again."
        )
    if any(unicodedata.category(char) == "Cf" for char in name):
        raise Refused("The file name has hidden characters. Rename the file and attach it again.")
    parts = name.lower().split(".")
    if len(parts) < 2 or f".{parts[-1]}" not in ALLOWED_EXTENSIONS:
        raise Refused(
            f"{_short(name)}: this kind of file cannot be attached. Use PDF, PNG, JPEG, TIFF, Word (.docx), "
            "Excel (.xlsx), CSV or plain text."
        )
    if any(part in RISKY_EXTENSIONS for part in parts[1:-1]):
        raise Refused(f"{_short(name)}: the name has a second extension that could hide a program. Rename the file.")
    if WINDOWS_DEVICE.fullmatch(parts[0].rstrip(" ")):
        raise Refused(
            f"{name}: Windows keeps this name for a device, so HFS staff could not save the file under it. Rename "
            "the file and attach it again."
        )
    return _short(name)


def _short(name: str) -> str:
    """At most 255 characters and 255 bytes in UTF-8 (what file systems take), shortened in the stem."""
    if len(name) <= MAX_NAME and len(name.encode()) <= MAX_NAME:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        stem, extension = name, ""
    keep = MAX_NAME - len(extension) - 2
    while keep > 0 and len((stem[:keep].rstrip() + "…." + extension).encode()) > MAX_NAME:
        keep -= 1
    return stem[:keep].rstrip() + ("…." + extension if extension else "…")


def _empty(name: str) -> Refused:
    return Refused(f"{name}: the file is empty. Check that you picked the right file, save it again, and attach it.")


def _image_kind(file: BinaryIO, name: str, kind: Kind) -> Kind:
    damaged = Refused(
        f"{name}: the image is damaged or is not really a {kind.name}. Open it and save it again, "
        "or take a new screenshot or scan, and attach that."
    )
    try:
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise damaged from exc
    with whole(file) as data:
        if html_in(data):
            raise Refused(
                f"{name}: the image also contains web page code, so it could run as a web page. Open it, save it "
                "as a new image (or take a screenshot of it), and attach that."
            )
        # Pillow's check stops at the image's end: data after it (an archive or a program appended to a picture)
        # or inside it would reach staff unchecked.
        if not image_ends_at_its_end(data) or archive_at(data) is not None:
            raise Refused(
                f"{name}: the image has other data hidden in it or after its end (for example an archive or a "
                "program), which cannot be attached. Open the image, save it as a new image (or take a screenshot "
                "of it), and attach that."
            )
    return kind


def _text_pieces(file: BinaryIO, name: str) -> Iterator[bytes]:
    """The file as UTF-8 bytes, in pieces; Refused when it is not text (a NUL byte, or neither UTF-8 nor Windows
    text), wherever in the file that is."""
    not_text = Refused(
        f"{name}: the file is not plain text. Save it as text (.txt) or CSV (.csv) from the program that made it, "
        "or as PDF, and attach that."
    )
    head = file.read(4)
    file.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Excel's "Unicode text"): check it as text
        decoder = codecs.getincrementaldecoder("utf-16")("strict")
        try:
            for piece in chunks(file):
                text = decoder.decode(piece)
                if "\0" in text:
                    raise not_text
                yield text.encode("utf-8", "surrogatepass")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise not_text from exc
        return
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            for piece in chunks(file):
                if b"\0" in piece:
                    raise not_text
                decoder.decode(piece)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise not_text
    yield from chunks(file)  # markup is ASCII in UTF-8 and in Windows text alike


def _text_kind(file: BinaryIO, name: str, extension: str) -> Kind:
    kind = CSV if extension == ".csv" else TXT
    tail = b""
    for piece in _text_pieces(file, name):
        text = tail + piece
        if MARKUP.search(text):
            raise Refused(
                f"{name}: the {kind.name} contains web page or markup code (such as <script> or <html>), which "
                f"cannot be attached. Remove it, or save the {kind.name} as PDF, and attach it again."
            )
        if FORMULA.search(text, 1 if tail else 0):  # the overlap's first byte starts no cell
            raise Refused(
                f"{name}: a cell or line starts with =, +, - or @ and calls a web address or another program "
                "(such as HYPERLINK or cmd|), which spreadsheet programs run as a formula. Remove it or put a ' "
                "before it."
            )
        last_cell = CELL_SEPARATORS.search(text)
        start = last_cell.start() if last_cell is not None else 0
        tail = text[max(0, min(start, len(text) - OVERLAP, len(text) - 1), len(text) - MAX_CELL) :]
    return kind


def _not_this_kind(head: bytes, name: str, extension: str) -> Refused:
    """The content is none we accept: say what it looks like and what to attach instead."""
    label = f"{extension.lstrip('.').upper()} file"
    what = nested_kind(head)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Refused(
            f"{name}: the file is an older Word or Excel file (.doc or .xls) or a password-protected document. "
            "Remove any password, save it as .docx, .xlsx or PDF, and attach that."
        )
    if what is not None and what.endswith("archive"):
        return Refused(
            f"{name}: this is not a {label}: it is {what} (a compressed folder). Open it and attach the files "
            "inside one at a time."
        )
    if what is not None:
        return Refused(f"{name}: this is not a {label}: it is {what}, which cannot be attached.")
    if MARKUP.search(head):
        return Refused(f"{name}: this is not a {label}: it is a web page. Print the page to PDF and attach that.")
    return Refused(
        f"{name}: the content is not a PDF, image, Word, Excel, CSV or text file, whatever its name says. "
        "Save it again in one of those formats and attach that."
    )


def detect(file: BinaryIO, *, name: str) -> Kind:
    """The kind of the file from its bytes; Refused when it is none we accept or disagrees with its name."""
    file.seek(0)
    head = file.read(64 * 1024)
    file.seek(0)
    extension = "." + name.lower().rsplit(".", 1)[-1]
    if not head:
        raise _empty(name)
    if head.startswith(b"%PDF-"):
        kind = pdf.kind(file, name)
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = _image_kind(file, name, PNG)
    elif head.startswith(b"\xff\xd8\xff"):
        kind = _image_kind(file, name, JPEG)
    elif head.startswith((b"II*\x00", b"MM\x00*")):
        kind = _image_kind(file, name, TIFF)
    elif head.startswith(b"PK\x03\x04"):
        try:
            kind = office.kind(file, name)
        except Refused:
            if extension in (".docx", ".xlsx"):
                raise
            raise _not_this_kind(head, name, extension) from None
    elif extension in (".csv", ".txt"):
        kind = _text_kind(file, name, extension)
    else:
        raise _not_this_kind(head, name, extension)
    file.seek(0)
    if extension not in kind.extensions:
        raise Refused(
            f"{name}: the name says {extension} but the file is a {kind.name}. Rename it to end in "
            f"{kind.extensions[0]} and attach it again."
        )
    return kind
