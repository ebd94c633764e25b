"""Reading an answer's body within its limit, whatever its content encoding. No I/O.

A shell feeds the bytes as they arrive (``AnswerBody.feed``); gzip and
deflate are inflated in bounded steps, so a small compressed answer cannot
become gigabytes in memory, and reading stops one byte past the limit. The
sync shell (``wire``) and the async shell (``aio``) read answers this way.
"""

from __future__ import annotations

import zlib
from typing import Any

__all__ = ["ACCEPT_ENCODING", "AnswerBody", "UnwantedEncoding"]

#: The content encodings asked for (and the only ones read).
ACCEPT_ENCODING = "gzip, deflate"
CHUNK = 64 * 1024


class UnwantedEncoding(ValueError):
    """The answer is in a content encoding that was not asked for, or its compression is corrupt."""


class Inflater:
    """gzip or deflate, inflated in bounded steps (zlib's ``max_length``).

    Input not yet inflated is kept; a gzip stream of several members (RFC
    1952 allows it) is read member after member.
    """

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._decoder = self._new()
        self._pending = b""
        self._sniffed = self._gzip

    def _new(self, wbits: int | None = None) -> Any:
        if wbits is None:
            wbits = 16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS
        return zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> None:
        self._pending += data

    def take(self, room: int) -> bytes:
        """Up to ``room`` inflated bytes from what was fed (``b""``: all of it is used)."""
        while self._pending:
            data = self._pending
            self._pending = b""
            if not self._sniffed:
                self._sniffed = True
                try:
                    out = self._decoder.decompress(data, room)
                except zlib.error:
                    # "deflate" is sometimes sent raw, without the zlib header
                    self._decoder = self._new(-zlib.MAX_WBITS)
                    out = self._decoder.decompress(data, room)
            else:
                out = self._decoder.decompress(data, room)
            if self._decoder.eof:
                # What follows a member's end is in unused_data (the tail may repeat it): the
                # next gzip member, or trailing bytes that the next decoder refuses.
                self._pending = self._decoder.unused_data
                if self._pending:
                    self._decoder = self._new()
            else:
                self._pending = self._decoder.unconsumed_tail
            if out:
                return out
        return b""


class AnswerBody:
    """The decompressed body of one answer, up to ``limit`` bytes.

    Raises ``UnwantedEncoding`` (at once, or when the compressed data turns
    out corrupt) for an encoding other than gzip or deflate. ``too_large``
    is known before a byte is read when an uncompressed answer declares a
    longer ``Content-Length``.
    """

    def __init__(
        self, content_encoding: str | None, content_length: str | None, limit: int
    ) -> None:
        self.encoding = (content_encoding or "identity").strip().lower()
        self.limit = limit
        self._inflater: Inflater | None = None
        if self.encoding in ("gzip", "x-gzip", "deflate"):
            self._inflater = Inflater(self.encoding)
        elif self.encoding not in ("", "identity"):
            raise UnwantedEncoding(self.encoding)
        declared = (content_length or "").strip()
        self._body = bytearray()
        #: Past the limit: only the start is kept (what an error message may quote).
        self.too_large = self._inflater is None and declared.isdigit() and int(declared) > limit

    def feed(self, chunk: bytes) -> bool:
        """Add what arrived; True once the body is past the limit (stop reading then)."""
        if self.too_large:
            return True
        body, limit = self._body, self.limit
        if self._inflater is None:
            body += chunk
        else:
            # Inflated in steps of at most a chunk: a small compressed chunk can hold megabytes.
            self._inflater.feed(chunk)
            while len(body) <= limit:
                try:
                    out = self._inflater.take(min(limit + 1 - len(body), CHUNK))
                except zlib.error:
                    raise UnwantedEncoding(f"{self.encoding} (corrupt)") from None
                if not out:
                    break
                body += out
        if len(body) > limit:
            self.too_large = True
            del body[CHUNK:]
        return self.too_large

    def value(self) -> tuple[bytes, bool]:
        """The body (only its start if it is too large) and whether it is whole."""
        return bytes(self._body), not self.too_large
