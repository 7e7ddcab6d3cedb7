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


# The elements of the HTML living standard (https://html.spec.whatwg.org/multipage/indices.html#elements-3), the
# obsolete ones browsers still parse (applet, frame, marquee, ...), and the two roots of foreign content, svg and
# math (SVG and MathML elements only take effect inside those). Kept here as a constant, not fetched.
HTML_ELEMENTS = (
    "a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "blockquote", "body",
    "br", "button", "canvas", "caption", "cite", "code", "col", "colgroup", "data", "datalist", "dd", "del",
    "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe", "img",
    "input", "ins", "kbd", "label", "legend", "li", "link", "main", "map", "mark", "menu", "meta", "meter", "nav",
    "noscript", "object", "ol", "optgroup", "option", "output", "p", "picture", "pre", "progress", "q", "rp", "rt",
    "ruby", "s", "samp", "search", "script", "section", "select", "slot", "small", "source", "span", "strong",
    "style", "sub", "summary", "sup", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead",
    "time", "title", "tr", "track", "u", "ul", "var", "video", "wbr", "acronym", "applet", "basefont", "bgsound",
    "big", "blink", "center", "dir", "font", "frame", "frameset", "image", "isindex", "keygen", "listing",
    "marquee", "menuitem", "multicol", "nextid", "nobr", "noembed", "noframes", "param", "plaintext", "rb", "rtc",
    "spacer", "strike", "tt", "xmp", "svg", "math",
)  # fmt: skip
# Attributes that make a tag act (load, send, run, restyle or take focus), whatever element they stand on.
ACTIVE_ATTRIBUTES = (
    "href", "src", "srcset", "srcdoc", "action", "formaction", "autofocus", "style", "data", "xmlns", "xlink:href",
    "background", "poster", "http-equiv", "content", "target", "contenteditable", "tabindex", "popover",
    "popovertarget", "ping", "manifest", "codebase", "classid", "archive", "dynsrc", "lowsrc",
)  # fmt: skip


def _tag_rule(names: "tuple[str, ...] | list[str]") -> re.Pattern[bytes]:
    """A tag a browser acts on: ``<`` straight before one of these element names (a browser reads ``< b`` as
    text), then the tag's end (``<style>``, ``<br/>``), a ``/`` (``<svg/onload=…>``), or an attribute with a value
    or one of the active attributes (``<base href>``, ``<input onfocus autofocus>``); or any tag-like construct with
    an event handler (``<x onclick=…>``); or ``<!doctype``, ``<?xml``, ``<!--``. Words a note puts in angle
    brackets, with no attribute (``<base rate>``, ``<form 1500>``), are not tags."""
    elements = b"|".join(re.escape(name.encode()) for name in sorted(names, key=len, reverse=True))
    attributes = b"|".join(re.escape(name.encode()) for name in ACTIVE_ATTRIBUTES)
    return re.compile(
        rb"<(?:"
        + elements
        + rb")(?:\s*/?>|/|\s[^<>]{0,512}?(?:=|(?<=[\s\"'])(?:on[a-z]{3,}|"
        + attributes
        + rb")(?![a-z0-9:-])))"
        rb"|<[a-z][^\s<>/]{0,64}[\s/][^<>]{0,512}?(?<=[\s/\"'])on[a-z]{3,}\s*="
        rb"|<!doctype|<\?xml\b|<!--",
        re.IGNORECASE,
    )


# In a text file every tag counts.
MARKUP = _tag_rule(HTML_ELEMENTS)
# In a PDF or an image (a file that could also be a web page, a polyglot) the same rule, less what compressed bytes
# match by chance: names under four letters (``<b>``, ``<td>``) and the declarations (``<?xml`` is normal in XMP
# metadata) are left out, but img, svg and an event handler on any tag are kept.
HTML_TAG = re.compile(
    _tag_rule([name for name in HTML_ELEMENTS if len(name) >= 4 or name in ("img", "svg")]).pattern.rsplit(
        b"|<!doctype", 1
    )[0]
    + rb"|<a\s[^<>]{0,512}?href|<!doctype\s+html",
    re.IGNORECASE,
)


def html_in(data: bytes | memoryview | mmap.mmap) -> bool:
    return HTML_TAG.search(data) is not None


# Archives and programs anywhere inside other data (a ZIP appended to a picture or hidden in an XML part, a PDF
# stream holding a program): their signature plus the fields that follow it, so that compressed bytes do not match
# by chance (each rule pins at least about five bytes' worth: a chance match in 300 MB of random data is below one
# in a thousand).
_ARCHIVE_SIGNATURES = re.compile(
    rb"PK\x03\x04[\x00-\x3f]\x00[\x00-\xff]{4}"  # ZIP local header: version needed, flags, method
    rb"|PK\x01\x02[\x00-\x3f]"  # ZIP directory entry
    rb"|PK\x05\x06\x00\x00\x00\x00"  # ZIP end record (single disk)
    rb"|PK\x06\x06[\x00-\xff]{2}\x00{6}"  # ZIP64 end record (its size, 8 bytes, is small)
    rb"|7z\xbc\xaf\x27\x1c"
    rb"|Rar!\x1a\x07"
    rb"|\x1f\x8b\x08[\x00-\x1f][\x00-\xff]{4}[\x00\x02\x04][\x00-\x0d\xff]"  # gzip
    rb"|BZh[1-9]1AY&SY"
    rb"|\xfd7zXZ\x00"
    rb"|MSCF\x00\x00\x00\x00"
    rb"|ITSF\x03\x00\x00\x00"
    rb"|\x7fELF[\x01\x02][\x01\x02]\x01"
    rb"|\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    rb"|\xca\xfe\xba\xbe\x00\x00\x00[\x01-\x20]"  # Mach-O universal (Java classes have a larger number)
    rb"|\xcf\xfa\xed\xfe[\x07\x0c]\x00\x00[\x00\x01]"
    rb"|MZ"  # a Windows program only when its header points at "PE\0\0" (checked below)
)


def archive_at(data: bytes | memoryview | mmap.mmap, start: int = 0) -> int | None:
    """Where an archive or program starts inside ``data`` (from ``start``), or None."""
    for match in _ARCHIVE_SIGNATURES.finditer(data, start):
        at = match.start()
        if match[0] != b"MZ":
            return at
        if at + 64 <= len(data):
            pe = at + int.from_bytes(bytes(data[at + 60 : at + 64]), "little")
            if 64 <= pe - at < 64 * 1024 and bytes(data[pe : pe + 4]) == b"PE\0\0":
                return at
    return None


class ArchiveScanner:
    """``archive_at`` over data that comes in pieces. The last 64 kB are kept and looked at again with the next
    piece: a signature may straddle two pieces, and a Windows program's "PE" header stands up to 64 kB after its
    "MZ"."""

    KEEP = 64 * 1024 + 64

    def __init__(self) -> None:
        self.window = b""

    def found(self, piece: bytes) -> bool:
        data = self.window + piece
        self.window = data[-self.KEEP :]
        return archive_at(data) is not None


def image_ends_at_its_end(data) -> bool:  # type: ignore[no-untyped-def]
    """The data ends where the image says it ends (PNG: its IEND chunk; GIF: the trailer; BMP and EMF: the size in
    their header); True for JPEG (phones add data after the picture) and for kinds without an end marker (TIFF, WMF,
    SVG, HD Photo), which the archive search covers."""
    size = len(data)
    head = bytes(data[:64])
    tail = bytes(data[max(0, size - 12) :])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return tail == b"\x00\x00\x00\x00IEND\xaeB`\x82"
    if head.startswith(b"\xff\xd8\xff"):
        # Phones write data after the picture (Samsung's trailer, a Pixel "motion photo" video): ordinary photos.
        # What could hide there is an archive, a program or a web page, which the archive and markup searches find.
        return True
    if head.startswith((b"GIF87a", b"GIF89a")):
        return tail.endswith(b"\x3b")
    if head.startswith(b"BM") and size >= 6:
        return int.from_bytes(head[2:6], "little") == size
    if size >= 52 and head[40:44] == b" EMF":
        return int.from_bytes(head[48:52], "little") == size
    return True


# XML 1.0 allows no control characters but tab, line feed and carriage return (nor does UTF-8 text hold them).
XML_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
