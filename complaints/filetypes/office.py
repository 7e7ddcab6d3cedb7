"""Word (.docx) and Excel (.xlsx) files: ZIP archives holding only what real Word and Excel files hold.

clamd is not enough on its own: it answered "OK" for a part written in the ZIP64 format and for an archive inside
a document (issue 16). So, before clamd sees the file, the archive is read here, byte by byte, and refused unless:
- its table of contents (the central directory) and the header in front of each part agree, the parts follow one
  another from the first byte to the directory with nothing hidden between or around them, and nothing uses ZIP64
  (Word, Excel and LibreOffice only use it for parts over 4 GB, which we never accept);
- every part has a name real documents use, and holds what that name promises: XML for XML parts, a real image in
  the media folders, no archive, program or embedded object anywhere (embedded objects are refused by name and by
  content: the provider can attach the embedded file on its own);
- every part really decompresses, checksum and all, within the limits (the expansion limits apply to what the
  parts really produce, not to what their headers say).
"""

import codecs
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from complaints.filetypes._base import (
    DOCX,
    MAX_EXPANDED,
    XLSX,
    XML_CONTROL,
    ArchiveScanner,
    Kind,
    Refused,
    image_ends_at_its_end,
    nested_kind,
)

MAX_ENTRIES = 1000
MAX_RATIO = 1000  # per part; the total limit is the main guard
MAX_DIRECTORY = 4 * 1024 * 1024
READ = 64 * 1024

LOCAL, CENTRAL, END, DESCRIPTOR = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x07\x08"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_EXTRA = 0x0001
ENCRYPTED, DESCRIPTOR_FOLLOWS, STRONG_ENCRYPTION, UTF8_NAME, MASKED_DIRECTORY = 0x1, 0x8, 0x40, 0x800, 0x2000
KNOWN_FLAGS = ENCRYPTED | 0x6 | DESCRIPTOR_FOLLOWS | UTF8_NAME  # bits 1 and 2: how hard deflate tried

# Parts that carry code or embedded objects, even when named like ordinary parts.
CODE_PARTS = re.compile(
    r"(?:^|/)(?:vbaProject\.bin|vbaData\.xml|attachedToolbars\.bin)$|(?:^|/)(?:activeX|macrosheets|customUI)/",
    re.IGNORECASE,
)
EMBEDDED_PARTS = re.compile(r"(?:^|/)(?:embeddings|oleObjects?)/|oleObject\d*\.bin$", re.IGNORECASE)
# Excel's links to other workbooks: opening the file reaches out to them (and can leak the Windows sign-in).
LINK_PARTS = re.compile(r"(?:^|/)externalLinks/", re.IGNORECASE)
# Web page code has no place in a document's XML (it would only run if someone opened the part in a browser).
XML_ACTIVE = re.compile(rb"<\s*(?:[A-Za-z][\w.-]*:)?(?:script|html|iframe)[\s/>]", re.IGNORECASE)
# Packaging parts read whole to check what they declare: content types (no macro-enabled documents) and
# relationships (nothing fetched from outside the file but ordinary hyperlinks).
PACKAGING_PART = re.compile(r"\[Content_Types\]\.xml|(?:.*/)?_rels/[^/]*\.rels", re.IGNORECASE)
MAX_PACKAGING = 4 * 1024 * 1024
# A target on this computer (a template in C:\\Users\\…\\Templates, a mail-merge list), which opening the file does not
# fetch from anywhere else: a drive path, or a relative path with no scheme and no \\\\host.
DRIVE_TARGET = re.compile(r"(?:file:///)?[A-Za-z]:[\\/]", re.IGNORECASE)
SCHEME_OR_HOST = re.compile(r"[A-Za-z][\w+.-]*:|[\\/]{2}")

# The part names real Word and Excel files use (python-docx, openpyxl, Word, Excel and LibreOffice files were
# compared): XML parts anywhere under the package's folders, pictures in media/ and the thumbnail, embedded fonts
# in word/fonts/, printer settings. OPC part names are case-insensitive.
_SEGMENT = r"[A-Za-z0-9_.\-\[\] ]+"
_FOLDERS = r"(?:_rels|docProps|customXml|docMetadata|word|xl)"
XML_PART = re.compile(rf"(?:\[Content_Types\]\.xml|{_FOLDERS}(?:/{_SEGMENT})*/(?:{_SEGMENT})?\.(?:xml|rels|vml))", re.I)
IMAGE_PART = re.compile(r"(?:(?:word|xl)/(?:media|drawings/media)/|docProps/thumbnail\.)[A-Za-z0-9_.\-]+", re.I)
FONT_PART = re.compile(r"word/fonts/[A-Za-z0-9_.\-{}]+\.odttf", re.I)
PRINTER_PART = re.compile(r"(?:word|xl)/printerSettings/printerSettings\d+\.bin", re.I)
MAX_PRINTER_SETTINGS = 1024 * 1024

IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",  # BMP
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"II\xbc",  # HD Photo (.wdp), which Word writes for pictures with artistic effects
    b"\xd7\xcd\xc6\x9a",  # placeable WMF
    b"\x01\x00\x09\x00",  # WMF
    b"\x02\x00\x09\x00",
)
SVG_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*"
    rb"(?:<!DOCTYPE\s+svg[^\[>]{0,400}(?:\[.{0,20000}?\])?\s*>\s*)?(?:<!--.{0,2000}?-->\s*)*<svg[\s>]",
    re.S,
)
# Word and Excel write plain SVG pictures (Office icons, logos); one that could run code or load something is
# refused. Illustrator's internal entities (<!ENTITY ns_svg "http://…">) are fine; an external one is not.
SVG_ACTIVE = re.compile(
    rb"<\s*script|\son[a-z]+\s*=|javascript:|<\s*foreignObject|<\s*iframe|<!ENTITY\s+(?:%\s*)?[^\s>]+\s+(?:SYSTEM|PUBLIC)",
    re.I,
)


def _messages(name: str) -> dict[str, str]:
    again = "Open it in Word or Excel, save a new copy with Save As, and attach that copy."
    return {
        "damaged": f"{name}: the file is damaged or is not really a Word or Excel document. {again}",
        "inconsistent": (
            f"{name}: the document's table of contents does not match its contents, so it cannot be checked for "
            f"viruses reliably. {again}"
        ),
        "zip64": (
            f"{name}: the document was saved in a large-file (ZIP64) format that Word and Excel do not use for "
            f"files this size, so it cannot be checked for viruses reliably. {again}"
        ),
        "embedded": (
            f"{name}: the document has a file or object embedded in it (for example a spreadsheet, an archive or a "
            "program), which we cannot check for viruses. Attach the embedded file on its own instead, or save the "
            "document without it (or as PDF) and attach that."
        ),
        "unusual": (
            f"{name}: the document contains something ordinary Word or Excel documents do not. Save it again as a "
            "plain Word (.docx) or Excel (.xlsx) file, or as PDF, and attach that."
        ),
        "image": (
            f"{name}: a picture inside the document is not a real image. Delete and insert the picture again, "
            "save the document, and attach it again."
        ),
        "macros": f"{name}: the document contains macros or controls. Save it without them (as .docx or .xlsx).",
        "script": (
            f"{name}: the document contains web page code (a script) inside it, which cannot be attached. Save it "
            "again as a plain Word (.docx) or Excel (.xlsx) file, or as PDF, and attach that."
        ),
        "links": (
            f"{name}: the document links to a file on another computer or a web address (for example a template on "
            "a server), which would be fetched when it is opened. Save it as PDF and attach that; or, for an Excel "
            "workbook, break the links (Data, Edit Links, Break Link), save it, and attach that copy."
        ),
        "password": (
            f"{name}: the document is password-protected, so it cannot be checked for viruses. Remove the password "
            "(in Word or Excel: File, Info, Protect), save it, and attach it again."
        ),
        "too_many": f"{name}: the document has too many parts to be checked safely. Save it as PDF and attach that.",
        "expands": (
            f"{name}: the document expands too much to be checked safely. Split it into smaller documents, or "
            "save it as PDF, and attach those."
        ),
        "not_office": (
            f"{name}: the file is not a Word (.docx) or Excel (.xlsx) document. Save it from Word or Excel, "
            "or as PDF, and attach that."
        ),
    }


class _Refuse(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Entry:
    name: bytes
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    offset: int


def _extra_ids(extra: bytes) -> list[int]:
    """The header ids of an extra field; a field that does not add up is damage."""
    ids, at = [], 0
    while at < len(extra):
        if at + 4 > len(extra):
            raise _Refuse("inconsistent")
        header_id, length = struct.unpack_from("<HH", extra, at)
        ids.append(header_id)
        at += 4 + length
        if at > len(extra):
            raise _Refuse("inconsistent")
    return ids


def _read_at(file: BinaryIO, offset: int, length: int) -> bytes:
    file.seek(offset)
    data = file.read(length)
    if len(data) != length:
        raise _Refuse("inconsistent")
    return data


def _end_record(file: BinaryIO, size: int) -> tuple[int, int, int, int]:
    """(entries, directory offset, directory size, where the end record starts). No comment, no ZIP64."""
    if size < 22:
        raise _Refuse("damaged")
    record = _read_at(file, size - 22, 22)
    if not record.startswith(END):
        # Real Word and Excel files end with the end record: a comment after it (or anything else) is refused.
        file.seek(max(0, size - 65_557))
        if END in file.read():
            raise _Refuse("inconsistent")
        raise _Refuse("damaged")
    disk, directory_disk, on_disk, entries, directory_size, directory_offset, comment = struct.unpack_from(
        "<HHHHIIH", record, 4
    )
    if entries > MAX_ENTRIES and entries != 0xFFFF:
        raise _Refuse("too_many")  # before anything else is read: a huge directory costs nothing
    if 0xFFFF in (disk, directory_disk, on_disk, entries) or 0xFFFFFFFF in (directory_size, directory_offset):
        raise _Refuse("zip64")
    if size >= 42 and _read_at(file, size - 42, 4) == ZIP64_LOCATOR:
        raise _Refuse("zip64")
    if disk or directory_disk or on_disk != entries or comment:
        raise _Refuse("inconsistent")
    if directory_offset + directory_size != size - 22 or directory_size > MAX_DIRECTORY:
        raise _Refuse("inconsistent")
    return entries, directory_offset, directory_size, size - 22


def _directory(file: BinaryIO, entries: int, offset: int, length: int) -> list[_Entry]:
    data = _read_at(file, offset, length)
    found, at, seen = [], 0, set()
    for _ in range(entries):
        if data[at : at + 4] != CENTRAL or at + 46 > len(data):
            raise _Refuse("inconsistent")
        (flags, method, crc, compressed, size, name_length, extra_length, comment_length, disk, local_offset) = (
            struct.unpack_from("<HH4xIIIHHHH6xI", data, at + 8)
        )
        name = data[at + 46 : at + 46 + name_length]
        extra = data[at + 46 + name_length : at + 46 + name_length + extra_length]
        at += 46 + name_length + extra_length + comment_length
        if at > len(data) or len(name) != name_length:
            raise _Refuse("inconsistent")
        if ZIP64_EXTRA in _extra_ids(extra) or 0xFFFFFFFF in (compressed, size, local_offset) or disk == 0xFFFF:
            raise _Refuse("zip64")
        if flags & (ENCRYPTED | STRONG_ENCRYPTION | MASKED_DIRECTORY):
            raise _Refuse("password")
        if flags & ~KNOWN_FLAGS or disk or method not in (0, 8) or (method == 0 and compressed != size):
            raise _Refuse("unusual")
        folded = name.lower()
        if folded in seen:
            raise _Refuse("inconsistent")  # two parts of one name: which one a reader takes is anyone's guess
        seen.add(folded)
        found.append(_Entry(name, flags, method, crc, compressed, size, local_offset))
    if at != len(data):
        raise _Refuse("inconsistent")
    return found


def _check_layout(file: BinaryIO, entries: list[_Entry], directory_offset: int) -> None:
    """Each local header agrees with its directory entry; the parts tile the file up to the directory exactly."""
    expected_start = 0
    for entry in sorted(entries, key=lambda e: e.offset):
        if entry.offset != expected_start:
            raise _Refuse("inconsistent")  # a gap (hidden bytes), an overlap, or data in front of the archive
        header = _read_at(file, entry.offset, 30)
        if not header.startswith(LOCAL):
            raise _Refuse("inconsistent")
        flags, method, crc, compressed, size, name_length, extra_length = struct.unpack_from("<2xHH4xIIIHH", header, 4)
        name = _read_at(file, entry.offset + 30, name_length)
        extra = _read_at(file, entry.offset + 30 + name_length, extra_length)
        if ZIP64_EXTRA in _extra_ids(extra):
            raise _Refuse("zip64")
        if name != entry.name or flags != entry.flags or method != entry.method:
            raise _Refuse("inconsistent")
        streamed = bool(flags & DESCRIPTOR_FOLLOWS)
        if (crc, compressed, size) != (entry.crc, entry.compressed, entry.size) and not (
            streamed and (crc, compressed, size) == (0, 0, 0)
        ):
            raise _Refuse("inconsistent")
        end = entry.offset + 30 + name_length + extra_length + entry.compressed
        if streamed:
            # The data descriptor after the data (LibreOffice writes them): 12 bytes, or 16 with its signature.
            descriptor = _read_at(file, end, 16) if end + 16 <= directory_offset else _read_at(file, end, 12)
            if descriptor.startswith(DESCRIPTOR) and struct.unpack_from("<III", descriptor, 4) == (
                entry.crc,
                entry.compressed,
                entry.size,
            ):
                end += 16
            elif struct.unpack_from("<III", descriptor, 0) == (entry.crc, entry.compressed, entry.size):
                end += 12
            else:
                raise _Refuse("inconsistent")  # a ZIP64 descriptor (8-byte sizes) ends here too
        expected_start = end
    if expected_start != directory_offset:
        raise _Refuse("inconsistent")


def _check_part_name(name: str) -> str:
    """What the part must hold: "xml", "image", "font" or "printer"; refuses any other part."""
    if not name or name.startswith("/") or "\\" in name or "\0" in name or ".." in name.split("/"):
        raise _Refuse("inconsistent")
    if CODE_PARTS.search(name):
        raise _Refuse("macros")
    if EMBEDDED_PARTS.search(name):
        raise _Refuse("embedded")
    if LINK_PARTS.search(name):
        raise _Refuse("links")
    for pattern, what in ((XML_PART, "xml"), (IMAGE_PART, "image"), (FONT_PART, "font"), (PRINTER_PART, "printer")):
        if pattern.fullmatch(name):
            return what
    raise _Refuse("unusual")


def _check_head(what: str, head: bytes, size: int) -> None:
    if nested_kind(head) is not None:
        raise _Refuse("embedded")
    if what == "xml":
        text = head.lstrip(b"\xef\xbb\xbf").lstrip()
        if not (text.startswith(b"<") or head.startswith((b"\xff\xfe<", b"\xfe\xff\0<")) or size == 0):
            raise _Refuse("unusual")
    elif what == "image":
        if not (head.startswith(IMAGE_MAGIC) or head[40:44] == b" EMF" or SVG_START.match(head)):
            raise _Refuse("image")
    elif what == "font":
        # An embedded font is a TrueType font whose first 32 bytes are scrambled (ECMA-376 part 2, font
        # obfuscation); the rest of its table directory is plain: four-letter table names.
        tags = [head[at : at + 4] for at in (44, 60, 76)]
        if len(head) < 80 or not all(re.fullmatch(rb"[A-Za-z0-9/ ]{4}", tag) for tag in tags):
            raise _Refuse("unusual")
    elif what == "printer" and size > MAX_PRINTER_SETTINGS:
        raise _Refuse("unusual")


def _read_parts(file: BinaryIO, holds: list[str]) -> None:
    """Decompress every part for real, in pieces, checking its content, its checksum and the expansion limits.

    Every byte of every part is searched for archives and programs (not only its first bytes: an archive after a
    few harmless bytes is still an archive); XML parts may hold no control characters (XML 1.0 forbids them, and
    every archive and program has some); a picture must end where its format says it ends."""
    total = 0
    with zipfile.ZipFile(file) as archive:
        infos = archive.infolist()
        if len(infos) != len(holds):
            raise _Refuse("inconsistent")
        for info, what in zip(infos, holds, strict=True):
            head, produced, tail, is_svg = b"", 0, b"", False
            packaging = b"" if PACKAGING_PART.fullmatch(info.filename) else None
            scanner, utf16 = ArchiveScanner(), None
            with archive.open(info) as part:
                while piece := part.read(READ):
                    produced += len(piece)
                    total += len(piece)
                    if produced > info.file_size or total > MAX_EXPANDED:
                        raise _Refuse("expands")
                    if len(head) < 4096:
                        head += piece[: 4096 - len(head)]
                        if len(head) >= 4096 or produced == info.file_size:
                            _check_head(what, head, info.file_size)
                            is_svg = what == "image" and SVG_START.match(head) is not None
                            if what == "xml" and head.startswith((b"\xff\xfe", b"\xfe\xff")):
                                utf16 = codecs.getincrementaldecoder("utf-16")("strict")
                    if scanner.found(piece):
                        raise _Refuse("embedded")
                    if what == "xml" or is_svg:
                        _check_xml_text(piece, utf16)
                    if what == "xml" and XML_ACTIVE.search(tail + piece):
                        raise _Refuse("script")
                    if packaging is not None:
                        packaging += piece
                        if len(packaging) > MAX_PACKAGING:
                            raise _Refuse("unusual")
                    if is_svg and SVG_ACTIVE.search(tail + piece):
                        raise _Refuse("image")
                    tail = (tail + piece)[-64:]
            if produced != info.file_size:
                raise _Refuse("inconsistent")
            if not head:
                _check_head(what, head, 0)
            if what == "image" and not image_ends_at_its_end(_Ends(head, tail, produced)):
                raise _Refuse("image")
            if packaging is not None:
                _check_packaging(packaging)


def _check_packaging(content: bytes) -> None:
    """[Content_Types].xml declares no macro-enabled document; no relationship fetches anything from another computer
    (a template on a server, a linked picture or object on a share, a frame) except an ordinary hyperlink. Read as
    an XML reader reads it (character references, ">" inside values), with no DOCTYPE or entities."""
    try:
        root = SafeElementTree.fromstring(content, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _Refuse("unusual") from exc
    except SafeElementTree.ParseError as exc:
        raise _Refuse("inconsistent") from exc
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("Default", "Override") and "macroenabled" in element.get("ContentType", "").lower():
            raise _Refuse("macros")
        if tag != "Relationship" or element.get("TargetMode", "").strip().lower() != "external":
            continue
        if element.get("Type", "").strip().endswith("/hyperlink"):
            continue
        target = element.get("Target", "").strip()
        if not (DRIVE_TARGET.match(target) or not SCHEME_OR_HOST.match(target)):
            raise _Refuse("links")


def _check_xml_text(piece: bytes, utf16) -> None:  # type: ignore[no-untyped-def]
    if utf16 is not None:
        try:
            piece = utf16.decode(piece).encode("utf-8", "surrogatepass")
        except UnicodeDecodeError as exc:
            raise _Refuse("unusual") from exc
    if XML_CONTROL.search(piece):
        raise _Refuse("unusual")


class _Ends:
    """A part's first and last bytes and its size, standing in for the whole part where only those matter."""

    def __init__(self, head: bytes, tail: bytes, size: int) -> None:
        self.head, self.tail, self.size = head, tail, size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, where: slice) -> bytes:
        start = where.start or 0
        if where.stop is not None and where.stop <= len(self.head):
            return self.head[where]
        if start >= self.size - len(self.tail):
            return self.tail[start - (self.size - len(self.tail)) :]
        raise IndexError(where)


def _part_name(entry: _Entry) -> str:
    try:
        return entry.name.decode("utf-8" if entry.flags & UTF8_NAME else "cp437")
    except UnicodeDecodeError as exc:
        raise _Refuse("inconsistent") from exc


def kind(file: BinaryIO, name: str) -> Kind:
    """DOCX or XLSX, or Refused with a message that says what to do."""
    messages = _messages(name)
    try:
        file.seek(0, 2)
        size = file.tell()
        count, directory_offset, directory_size, _ = _end_record(file, size)
        entries = _directory(file, count, directory_offset, directory_size)
        declared = 0
        for entry in entries:
            declared += entry.size
            if entry.size > MAX_EXPANDED or (entry.compressed and entry.size / entry.compressed > MAX_RATIO):
                raise _Refuse("expands")
        if declared > MAX_EXPANDED:
            raise _Refuse("expands")
        names = [_part_name(entry) for entry in entries]
        holds = [_check_part_name(part) for part in names]  # before anything is decompressed
        _check_layout(file, entries, directory_offset)
        _read_parts(file, holds)
    except _Refuse as refusal:
        raise Refused(messages[refusal.reason]) from refusal
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise Refused(messages["inconsistent"]) from exc
    finally:
        file.seek(0)
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    raise Refused(messages["not_office"])
