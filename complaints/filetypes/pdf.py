"""PDF files: refused when they carry anything active — JavaScript, launch actions, embedded files or media, XFA
forms — or are also a web page (a PDF/HTML polyglot).

PDF names may be written with escapes (``/J#61vaScript``) and dictionaries may sit in compressed object streams,
so names are decoded and object streams decompressed (with a limit) before looking. The long names are looked for
in every byte of the file; the short ``/JS`` only outside stream data (in compressed bytes three characters match
by chance) and in the decompressed object streams, where a reader would find it.
"""

import base64
import binascii
import bisect
import re
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from complaints.filetypes._base import MAX_EXPANDED, PDF, Kind, Refused, html_in, whole

PRINT_AGAIN = (
    "Print it to a new PDF (in the print window choose “Microsoft Print to PDF” or “Save as PDF”) and attach that."
)
_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
NAME = re.compile(rb"/([^" + _DELIMITERS + rb"]{1,60})(?=[" + _DELIMITERS + rb"]|\Z)")
ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# PDF names are case-sensitive: a reader acts on /JavaScript, not on /javascript (which a web address in a link,
# ".../js/app.js", also looks like), so they are compared exactly, after escapes are decoded.
FORBIDDEN = {
    b"JavaScript": "javascript",
    b"JS": "javascript",
    b"Launch": "launch",
    b"GoToR": "launch",  # opens another file, even on a network share (which leaks the Windows sign-in hash)
    b"ImportData": "launch",
    b"EmbeddedFile": "embedded",
    b"EmbeddedFiles": "embedded",
    b"FileAttachment": "embedded",
    b"GoToE": "embedded",
    b"RichMedia": "media",
    b"XFA": "xfa",
}
STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
ENDSTREAM = re.compile(rb"(?:\r\n|\n|\r)?endstream")
LENGTH = re.compile(rb"/Length\s+(\d+)(?!\d)(?!\s+\d+\s+R)")
OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
FILTERS = re.compile(rb"/Filter\s*(?:\[([^\]]*)\]|(/[A-Za-z0-9]+))")
PREDICTOR = re.compile(rb"/Predictor\s+(\d+)")
DICTIONARY_WINDOW = 16 * 1024
READ = 64 * 1024


def _messages(name: str) -> dict[str, str]:
    return {
        "empty": f"{name}: the file is empty. Check that you picked the right file, then attach it again.",
        "damaged": f"{name}: the PDF is damaged or incomplete. Save it again and attach the new copy.",
        "javascript": f"{name}: the PDF contains JavaScript (program code), which attachments may not carry. "
        + PRINT_AGAIN,
        "launch": f"{name}: the PDF contains an action that opens other programs or files. " + PRINT_AGAIN,
        "embedded": (
            f"{name}: the PDF has files attached inside it, which we cannot check for viruses. Save each of those "
            "files and attach it here on its own, and print the PDF itself to a new PDF (“Microsoft Print to PDF” "
            "or “Save as PDF”) and attach that."
        ),
        "media": f"{name}: the PDF contains embedded video, sound or Flash. " + PRINT_AGAIN,
        "xfa": f"{name}: the PDF is a dynamic (XFA) form, which runs scripts. " + PRINT_AGAIN,
        "html": f"{name}: the PDF also contains web page code, so it could run as a web page. " + PRINT_AGAIN,
        "unreadable": (
            f"{name}: parts of the PDF are compressed or protected (for example with a password or printing "
            "restrictions) in a way we cannot check. "
            + PRINT_AGAIN
            + " If the PDF does not let you print, ask whoever sent it for an unprotected copy."
        ),
        "expands": f"{name}: the PDF expands too much to be checked safely. " + PRINT_AGAIN,
    }


class _Refuse(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _forbidden(token: bytes) -> str | None:
    if len(token) > 40:
        return None
    if b"#" in token:
        token = ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), token)
    return FORBIDDEN.get(token)


def _streams(data) -> Iterator[tuple[bytes, int, int]]:  # type: ignore[no-untyped-def]
    """(dictionary, data start, data end) of each stream, in order."""
    position = 0
    while match := STREAM.search(data, position):
        start = match.end()
        window = bytes(data[max(0, match.start() - DICTIONARY_WINDOW) : match.start() + 2])
        dictionary = window[window.rfind(b"obj") + 3 :] if b"obj" in window else window
        end = None
        if (length := LENGTH.search(dictionary)) is not None:
            candidate = start + int(length[1])
            after = ENDSTREAM.match(data, candidate) if candidate <= len(data) else None
            if after is not None:
                end, position = candidate, after.end()
        if end is None:
            after = ENDSTREAM.search(data, start)
            if after is None:
                raise _Refuse("damaged")
            end, position = after.start(), after.end()
        yield dictionary, start, end


def _decoded(data, dictionary: bytes, start: int, end: int, budget: list[int]) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    """The decompressed bytes of an object stream, in pieces; refuses filters we cannot undo and bombs."""
    filters_match = FILTERS.search(dictionary)
    filters = re.findall(rb"/([A-Za-z0-9]+)", (filters_match[1] or filters_match[2]) if filters_match else b"")
    predictor = PREDICTOR.search(dictionary)
    if predictor is not None and int(predictor[1]) > 1:
        raise _Refuse("unreadable")
    pieces: Iterator[bytes] = (bytes(data[at : min(at + READ, end)]) for at in range(start, end, READ))
    for name in filters:
        if name in (b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"):
            joined = b"".join(pieces)
            try:
                if name in (b"ASCIIHexDecode", b"AHx"):
                    text = re.sub(rb"\s", b"", joined.split(b">", 1)[0])
                    decoded = binascii.unhexlify(text + b"0" * (len(text) % 2))
                else:
                    text = joined.strip().removeprefix(b"<~")
                    decoded = base64.a85decode(text, adobe=False, ignorechars=b" \t\n\r\x0c~>")
            except (ValueError, binascii.Error) as exc:
                raise _Refuse("unreadable") from exc
            pieces = iter([decoded])
        elif name in (b"FlateDecode", b"Fl"):
            pieces = _inflate(pieces, budget)
        else:
            raise _Refuse("unreadable")
    yield from pieces


def _inflate(pieces: Iterator[bytes], budget: list[int]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for piece in pieces:
            pending = piece
            while pending:
                out = inflater.decompress(pending, READ)
                pending = inflater.unconsumed_tail
                budget[0] -= len(out)
                if budget[0] < 0:
                    raise _Refuse("expands")
                yield out
                if inflater.eof:
                    return
    except zlib.error as exc:
        raise _Refuse("unreadable") from exc


def _check(data) -> None:  # type: ignore[no-untyped-def]
    if html_in(data):
        raise _Refuse("html")
    spans: list[tuple[int, int]] = []
    budget = [MAX_EXPANDED]
    for dictionary, start, end in _streams(data):
        spans.append((start, end))
        if OBJECT_STREAM.search(dictionary):
            tail = b""
            for piece in _decoded(data, dictionary, start, end, budget):
                for match in NAME.finditer(tail + piece):
                    if (found := _forbidden(match[1])) is not None:
                        raise _Refuse(found)
                tail = piece[-128:]
    starts = [start for start, _ in spans]
    for match in NAME.finditer(data):
        found = _forbidden(match[1])
        if found is None:
            continue
        if match[1] == b"JS" or len(match[1]) <= 3:
            at = bisect.bisect_right(starts, match.start()) - 1
            if at >= 0 and spans[at][0] <= match.start() < spans[at][1]:
                continue  # three bytes inside stream data: chance, not a key a reader would see
        raise _Refuse(found)


def kind(file: BinaryIO, name: str) -> Kind:
    """PDF, or Refused with a message that says what to do."""
    messages = _messages(name)
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - 64 * 1024))  # some PDFs carry trailing bytes after the marker
    if b"%%EOF" not in file.read():
        file.seek(0)
        raise Refused(messages["damaged"])
    try:
        with whole(file) as data:
            _check(data)
    except _Refuse as refusal:
        raise Refused(messages[refusal.reason]) from refusal
    finally:
        file.seek(0)
    return PDF
