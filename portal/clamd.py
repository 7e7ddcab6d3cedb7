"""A small clamd client (INSTREAM over TCP or a Unix socket). Our own: the maintained PyPI client is GPL.

Fail closed: anything but exactly "stream: OK" or a "FOUND" verdict raises ScannerUnavailable.
"""

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not give a verdict (down, timed out, over its size limit, or an unexpected answer)."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(address)
        except OSError:
            sock.close()
            raise
        return sock
    host, _, port = address.rpartition(":")
    try:
        port_number = int(port)
    except ValueError as exc:
        raise ScannerUnavailable("the scanner address is not host:port") from exc
    return socket.create_connection((host or "127.0.0.1", port_number), timeout=timeout)


def scan_chunks(chunks: Iterable[bytes], *, address: str, timeout: float = 30.0) -> Verdict:
    """Stream the bytes to clamd and return its verdict."""
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                for start in range(0, len(chunk), CHUNK):
                    piece = chunk[start : start + CHUNK]
                    sock.sendall(struct.pack("!L", len(piece)) + piece)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0") and len(reply) < 4096:
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as exc:  # refused, reset (clamd closes on its size limit), timed out
        raise ScannerUnavailable(type(exc).__name__) from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer == "stream: OK":
        return Verdict(clean=True)
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        return Verdict(clean=False, signature=answer.removeprefix("stream: ").removesuffix(" FOUND"))
    raise ScannerUnavailable(answer[:80] or "no answer")
