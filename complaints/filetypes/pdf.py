"""PDF files: refused when they carry anything active — JavaScript, launch actions, embedded files or media, XFA
forms —, are also a web page (a PDF/HTML polyglot), hide an archive or a program, or have data after their end.

PDF names may be written with escapes (``/J#61vaScript``, ``/Obj#53tm``, ``/#46lateDecode``), so every name is
decoded before it is compared. Each stream's dictionary is parsed as a reader parses it, from its object's start;
every stream whose filters we can undo is decompressed (with a limit) and searched, any filter name that is not a
standard one is refused. The long names are looked for in every byte of the file and of the decompressed streams;
the short ``/JS`` only outside stream data (in compressed bytes three characters match by chance) and in the
decompressed object streams, where a reader would find it. Archives and programs are looked for in the file and in
every decompressed stream.
"""

import base64
import binascii
import bisect
import re
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from complaints.filetypes._base import MAX_EXPANDED, PDF, ArchiveScanner, Kind, Refused, archive_at, html_in, whole

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
    b"AA": "automatic",  # actions run by themselves when the document or a page opens or closes
    b"SubmitForm": "automatic",  # sends the form's contents to an address
    b"Sound": "media",
    b"Movie": "media",
    b"EmbeddedFile": "embedded",
    b"EmbeddedFiles": "embedded",
    b"FileAttachment": "embedded",
    b"GoToE": "embedded",
    b"RichMedia": "media",
    b"XFA": "xfa",
}
# A dictionary, then the stream keyword (comments may stand between, as between any two tokens), then its data.
STREAM = re.compile(
    rb">>(?:[\x00\t\n\x0c\r ]|%[^\r\n]*)*stream(?![^" + _DELIMITERS + rb"])[\x00\t\x0c ]*(?:\r\n|\n|\r)?"
)
ENDSTREAM = re.compile(rb"(?:\r\n|\n|\r)?endstream")
# Where an object starts ("12 0 obj"), as a token: not the end of a longer name such as /Xobj.
OBJECT_HEADER = re.compile(
    rb"(?<![^" + _DELIMITERS + rb"])\d{1,10}[\x00\t\n\x0c\r ]+\d{1,5}[\x00\t\n\x0c\r ]*obj(?=[" + _DELIMITERS + rb"])"
)
DICTIONARY_WINDOW = 64 * 1024
READ = 64 * 1024
# The standard filters (ISO 32000-2, 7.4). Those undone here, those whose output is only pixels (searched as they
# are), and Crypt (encryption), which is known but not undone. Any other name is refused.
DECODED = {
    b"FlateDecode", b"Fl", b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85", b"RunLengthDecode", b"RL",
    b"LZWDecode", b"LZW",
}  # fmt: skip
PIXELS = {b"DCTDecode", b"DCT", b"JPXDecode", b"CCITTFaxDecode", b"CCF", b"JBIG2Decode"}
KNOWN_FILTERS = DECODED | PIXELS | {b"Crypt"}
PDF_WHITESPACE = b"\x00\t\n\x0c\r "


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
        "automatic": (
            f"{name}: the PDF runs actions by itself (when it is opened, closed or viewed, or sends a form to an "
            "address). " + PRINT_AGAIN
        ),
        "xfa": f"{name}: the PDF is a dynamic (XFA) form, which runs scripts. " + PRINT_AGAIN,
        "html": f"{name}: the PDF also contains web page code, so it could run as a web page. " + PRINT_AGAIN,
        "unreadable": (
            f"{name}: parts of the PDF are compressed or protected (for example with a password or printing "
            "restrictions) in a way we cannot check. "
            + PRINT_AGAIN
            + " If the PDF does not let you print, ask whoever sent it for an unprotected copy."
        ),
        "expands": f"{name}: the PDF expands too much to be checked safely. " + PRINT_AGAIN,
        "compression": f"{name}: the PDF uses a compression the portal cannot check. " + PRINT_AGAIN,
        "trailing": (
            f"{name}: the PDF has data after its end, where a file could hide that we cannot check. " + PRINT_AGAIN
        ),
        "archive": (
            f"{name}: the PDF has an archive or a program hidden inside it, which we cannot check for viruses. "
            + PRINT_AGAIN
        ),
    }


class _Refuse(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _decode_name(token: bytes) -> bytes:
    return ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), token) if b"#" in token else token


def _forbidden(token: bytes) -> str | None:
    if len(token) > 60:
        return None
    return FORBIDDEN.get(_decode_name(token))


class _Dictionary:
    """A stream's dictionary as a reader parses it: its top-level keys and their values, name escapes decoded.
    A key given twice is refused (readers differ on which one counts)."""

    def __init__(self, text: bytes) -> None:
        tokens = [_decode_name(token) if token.startswith(b"/") else token for token in _tokens(text)]
        if tokens[:1] != [b"<<"] or tokens[-1:] != [b">>"]:
            raise _Refuse("damaged")
        self.values: dict[bytes, list[bytes]] = {}
        at, end = 1, len(tokens) - 1
        while at < end:
            key = tokens[at]
            if not key.startswith(b"/") or key in self.values:
                raise _Refuse("damaged")
            value_end = _value_end(tokens, at + 1, end)
            self.values[key] = tokens[at + 1 : value_end]
            at = value_end

    def name(self, key: bytes) -> bytes | None:
        """The value of ``key`` when it is a name (``/Type /ObjStm``)."""
        value = self.values.get(b"/" + key, [])
        return value[0][1:] if len(value) == 1 and value[0].startswith(b"/") else None

    def filters(self) -> list[bytes]:
        """The filter names, in order (``/Filter /FlateDecode`` or ``/Filter [/AHx /Fl]``); a filter given in
        another object (``/Filter 5 0 R``), which no writer does, is refused: we could not tell what it is."""
        value = self.values.get(b"/Filter", [])
        if value[:1] == [b"["]:
            value = value[1:-1]
        if not all(token.startswith(b"/") for token in value):
            raise _Refuse("compression")
        return [token[1:] for token in value]

    def number(self, key: bytes) -> int | None:
        """The value of ``key`` when it is a whole number, looked for in nested dictionaries too (/Predictor
        stands in /DecodeParms); None for an indirect one (``/Length 4 0 R``)."""
        value = self.values.get(b"/" + key)
        if value is not None:
            return int(value[0]) if len(value) == 1 and value[0].isdigit() else None
        for value in self.values.values():
            for at, token in enumerate(value[:-1]):
                if token == b"/" + key and value[at + 1].isdigit():
                    return int(value[at + 1])
        return None


def _value_end(tokens: list[bytes], at: int, end: int) -> int:
    """Where the value starting at ``tokens[at]`` ends: one token, an "N G R" reference, or a whole nested
    dictionary or array."""
    if at >= end:
        raise _Refuse("damaged")
    if tokens[at] in (b"<<", b"["):
        depth = 0
        for position in range(at, end):
            depth += (tokens[position] in (b"<<", b"[")) - (tokens[position] in (b">>", b"]"))
            if depth == 0:
                return position + 1
        raise _Refuse("damaged")
    if at + 2 < end and tokens[at].isdigit() and tokens[at + 1].isdigit() and tokens[at + 2] == b"R":
        return at + 3
    return at + 1


_TOKEN = re.compile(
    rb"[\x00\t\n\x0c\r ]+|%[^\r\n]*|<<|>>|<[0-9A-Fa-f\x00\t\n\x0c\r ]*>|\(|\[|\]|\{|\}|/[^" + _DELIMITERS + rb"]*"
    rb"|[^" + _DELIMITERS + rb"]+"
)


def _tokens(text: bytes, start: int = 0) -> Iterator[bytes]:
    """The tokens of PDF syntax, without whitespace and comments; a literal string is one token "(...)".
    Refuses what is not PDF syntax."""
    at = start
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise _Refuse("damaged")
        token = match[0]
        if token == b"(":
            end = _string_end(text, at)
            yield text[at:end]
            at = end
            continue
        at = match.end()
        if token[:1] in b"\x00\t\n\x0c\r " or token.startswith(b"%"):
            continue
        yield token


def _string_end(text: bytes, at: int) -> int:
    """Where the literal string starting at ``text[at] == "("`` ends (after its closing parenthesis)."""
    depth, at = 0, at
    while at < len(text):
        char = text[at]
        if char == 0x5C:  # backslash: the next byte is taken as it is
            at += 2
            continue
        if char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return at + 1
        at += 1
    raise _Refuse("damaged")


def _dictionary_before(data, keyword: int, floor: int) -> _Dictionary:  # type: ignore[no-untyped-def]
    """The dictionary that ends right before the ``stream`` keyword (``data[keyword]`` is its ``>>``), parsed
    forward as a reader does, from its object's start ("N G obj"), after the stream before it (``floor``).

    Exactly one object start may lead to it: a second one would stand in a string or a comment inside the
    dictionary, where it could make a check read a shorter dictionary than a reader does."""
    window_start = max(floor, keyword - DICTIONARY_WINDOW)
    window = bytes(data[window_start : keyword + 2])
    found = []
    for header in OBJECT_HEADER.finditer(window):
        if window[header.end() :].lstrip(PDF_WHITESPACE)[:2] != b"<<":
            continue
        if _one_dictionary(window, header.end()):
            found.append(header.end())
    if len(found) != 1:
        raise _Refuse("damaged")
    return _Dictionary(window[found[0] :])


def _one_dictionary(window: bytes, start: int) -> bool:
    """From ``start`` to the end of ``window`` there is one dictionary and nothing else."""
    tokens = _tokens(window, start)
    depth = 0
    try:
        for token in tokens:
            depth += (token == b"<<") - (token == b">>")
            if depth == 0:
                return next(tokens, None) is None
    except _Refuse:
        return False
    return False


def _streams(data) -> Iterator[tuple[_Dictionary, int, int]]:  # type: ignore[no-untyped-def]
    """(dictionary, data start, data end) of each stream, in order."""
    position = 0
    while match := STREAM.search(data, position):
        start = match.end()
        dictionary = _dictionary_before(data, match.start(), position)
        end = None
        if (length := dictionary.number(b"Length")) is not None:
            candidate = start + length
            after = ENDSTREAM.match(data, candidate) if candidate <= len(data) else None
            if after is not None:
                end, position = candidate, after.end()
        if end is None:
            after = ENDSTREAM.search(data, start)
            if after is None:
                raise _Refuse("damaged")
            end, position = after.start(), after.end()
        yield dictionary, start, end


def _decoded(data, filters: list[bytes], start: int, end: int, budget: list[int]) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    """The stream's bytes with every filter we can undo undone, in pieces; stops at the first one we cannot (LZW,
    encryption, pixels), whose input is then what is looked at."""
    pieces: Iterator[bytes] = (bytes(data[at : min(at + READ, end)]) for at in range(start, end, READ))
    for name in filters:
        if name not in DECODED:
            break
        if name in (b"FlateDecode", b"Fl"):
            pieces = _inflate(pieces, budget)
            continue
        joined = b"".join(pieces)
        try:
            if name in (b"ASCIIHexDecode", b"AHx"):
                text = re.sub(rb"\s", b"", joined.split(b">", 1)[0])
                decoded = binascii.unhexlify(text + b"0" * (len(text) % 2))
            elif name in (b"LZWDecode", b"LZW"):
                decoded = _lzw(joined, budget)
            elif name in (b"ASCII85Decode", b"A85"):
                text = joined.strip().removeprefix(b"<~")
                decoded = base64.a85decode(text.split(b"~>", 1)[0], adobe=False, ignorechars=b" \t\n\r\x0c\x00")
            else:
                decoded = _run_length(joined)
        except (ValueError, binascii.Error) as exc:
            raise _Refuse("unreadable") from exc
        budget[0] -= len(decoded)
        if budget[0] < 0:
            raise _Refuse("expands")
        pieces = iter([decoded])
    yield from pieces


def _lzw(data: bytes, budget: list[int]) -> bytes:
    """LZW as PDF writes it (9 to 12-bit codes, most significant bit first, the code size growing one code early);
    stops at the budget."""
    out = bytearray()
    table = [bytes([value]) for value in range(256)] + [b"", b""]
    width, buffer, bits, previous = 9, 0, 0, b""
    for byte in data:
        buffer, bits = (buffer << 8) | byte, bits + 8
        while bits >= width:
            bits -= width
            code = (buffer >> bits) & ((1 << width) - 1)
            if code == 256:  # clear the table
                table, width, previous = table[:258], 9, b""
                continue
            if code == 257:  # end of data
                return bytes(out)
            if code < len(table):
                entry = table[code]
            elif code == len(table) and previous:
                entry = previous + previous[:1]
            else:
                raise ValueError("bad LZW code")
            out += entry
            if len(out) > budget[0]:
                raise _Refuse("expands")
            if previous:
                table.append(previous + entry[:1])
            previous = entry
            if len(table) + 1 >= 1 << width and width < 12:
                width += 1
    return bytes(out)


def _run_length(data: bytes) -> bytes:
    out, at = bytearray(), 0
    while at < len(data) and data[at] != 128:
        length = data[at]
        if length < 128:
            out += data[at + 1 : at + 2 + length]
            at += 2 + length
        else:
            out += data[at + 1 : at + 2] * (257 - length)
            at += 2
    return bytes(out)


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


def _looks_deflated(data, start: int, end: int) -> bool:  # type: ignore[no-untyped-def]
    """The stream data starts like zlib data (a reader given /FlateDecode would inflate it)."""
    head = bytes(data[start : min(start + 2, end)])
    return len(head) == 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def _check_stream(data, dictionary: _Dictionary, start: int, end: int, budgets: dict[str, list[int]]) -> None:  # type: ignore[no-untyped-def]
    """Every stream we can decompress is decompressed and searched: in object streams, where a reader finds
    dictionaries, for every forbidden name; in the others (page content, fonts, pictures) for the long ones and for
    archives and programs."""
    filters = dictionary.filters()
    for name in filters:
        if name not in KNOWN_FILTERS:
            raise _Refuse("compression")
    is_object_stream = dictionary.name(b"Type") == b"ObjStm"
    if is_object_stream:
        predictor = dictionary.number(b"Predictor")
        if (predictor is not None and predictor > 1) or any(name not in DECODED for name in filters):
            raise _Refuse("unreadable")
    elif not filters and _looks_deflated(data, start, end):
        filters = [b"FlateDecode"]  # whatever its dictionary says, zlib data is looked into
    if (filters and filters[0] not in DECODED) or not (filters or is_object_stream):
        return  # searched as it is, with the rest of the file
    budget = budgets["pixels" if dictionary.name(b"Subtype") == b"Image" else "objects"]
    scanner, tail = ArchiveScanner(), b""
    try:
        for piece in _decoded(data, filters, start, end, budget):
            for match in NAME.finditer(tail + piece):
                found = _forbidden(match[1])
                if found is not None and (is_object_stream or len(match[1]) > 3):
                    raise _Refuse(found)
            if scanner.found(piece):
                raise _Refuse("archive")
            tail = piece[-128:]
    except _Refuse as refusal:
        if refusal.reason != "unreadable" or is_object_stream:
            raise
        # page content or a picture that does not inflate (an encrypted PDF's, or damaged): what came out was
        # searched; the rest is searched as it is, with the whole file, and by clamd


def _check(data) -> None:  # type: ignore[no-untyped-def]
    if html_in(data):
        raise _Refuse("html")
    tail = bytes(data[max(0, len(data) - 64 * 1024) :])
    # Older writers end the file with a DOS end-of-file mark (0x1A) or padding: only those may follow %%EOF.
    if tail[tail.rfind(b"%%EOF") + 5 :].strip(PDF_WHITESPACE + b"\x1a"):
        raise _Refuse("trailing")
    if archive_at(data) is not None:
        raise _Refuse("archive")
    spans: list[tuple[int, int]] = []
    # Object streams and page content expand to at most MAX_EXPANDED together, pictures to twice that (a scan
    # stored losslessly is large); both together stay below clamd's MaxScanSize, which alerts above it.
    budgets = {"objects": [MAX_EXPANDED], "pixels": [2 * MAX_EXPANDED]}
    for dictionary, start, end in _streams(data):
        spans.append((start, end))
        _check_stream(data, dictionary, start, end, budgets)
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
