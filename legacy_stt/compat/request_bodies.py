"""Reading an HTTP request body off a server connection, as a stream.

The compatibility proxy and the test emulator both receive uploads that may
be gigabytes long, so neither may read a body whole. ``open_request_body``
looks at the framing headers and returns a reader whose ``read(n)`` stops
at the body's end (``Content-Length``) or decodes it (``Transfer-Encoding:
chunked``, RFC 9112 section 7.1), counting bytes against a size limit.

Everything that goes wrong -- framing that cannot be followed, a body that
breaks off, one that is too large -- is a ``RequestRejected`` carrying the
status to answer with; ``broken`` then says the connection cannot carry
another request.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Callable, Protocol

from ..exceptions import RequestRejected
from ..payloads.uploads import CHUNK_SIZE

__all__ = [
    "CHUNK_SIZE",
    "ChunkedBody",
    "LengthBody",
    "RequestBody",
    "format_size",
    "open_request_body",
    "too_large",
]

#: Longest line of chunked framing accepted (a chunk size with its extensions, or a trailer).
MAX_CHUNK_LINE = 4096
#: Most trailer lines accepted after the last chunk.
MAX_TRAILER_LINES = 100

_CHUNK_SIZE_LINE = re.compile(rb"^[0-9A-Fa-f]{1,16}$")
_CONTENT_LENGTH = re.compile(r"^[0-9]{1,19}$")


class Connection(Protocol):
    """The reading side of a server connection (a request handler's ``rfile``)."""

    def read(self, size: int = ..., /) -> bytes: ...

    def readline(self, size: int = ..., /) -> bytes: ...


class Headers(Protocol):
    """The request headers (``http.client.HTTPMessage`` or ``email.message.Message``)."""

    def get(self, name: str, default: None = None, /) -> str | None: ...

    def get_all(self, name: str, failobj: None = None, /) -> list[str] | None: ...


def format_size(count: float) -> str:
    """``count`` bytes for people: ``2 GiB``, ``500 MiB``, ``12 bytes``."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count:g} bytes"


def too_large(limit: float) -> RequestRejected:
    """The 413 for a body over ``limit`` bytes."""
    return RequestRejected(
        413, f"the request body is larger than this server accepts ({format_size(limit)})"
    )


class RequestBody:
    """The request body as a raw stream: ``read(n)`` never reads past the body's end.

    ``read(n)`` returns ``n`` bytes unless the body ends first (the contract
    of a blocking file, which the multipart parser relies on).
    ``before_first_read`` runs once, before the first byte is read: a server
    sends the ``100 Continue`` a caller may be waiting for from there, so a
    request refused on its headers alone never makes the caller send it.
    """

    def __init__(
        self,
        connection: Connection,
        *,
        limit: float = float("inf"),
        before_first_read: Callable[[], None] | None = None,
    ) -> None:
        self._connection = connection
        self._limit = limit
        self._before_first_read = before_first_read
        self.bytes_read = 0
        #: The whole body has been read.
        self.finished = False
        #: The body was refused or broke off: the connection cannot carry another request.
        self.broken = False

    def read(self, amount: int | None = -1) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def __iter__(self) -> Iterator[bytes]:
        while True:
            chunk = self.read(CHUNK_SIZE)
            if not chunk:
                return
            yield chunk

    def skip(self) -> None:
        """Read and discard the rest of the body."""
        for _ in self:
            pass

    def _start(self) -> None:
        if self._before_first_read is not None:
            hook, self._before_first_read = self._before_first_read, None
            hook()

    def _count(self, size: int) -> None:
        self.bytes_read += size
        if self.bytes_read > self._limit:
            self.broken = True
            raise too_large(self._limit)

    def _fail(self, status: int, message: str) -> RequestRejected:
        self.broken = True
        return RequestRejected(status, message)

    def _receive(self, method: Callable[[int], bytes], amount: int) -> bytes:
        try:
            return method(amount)
        except socket.timeout:
            raise self._fail(408, "the request body stopped arriving") from None
        except OSError:
            raise self._fail(400, "the connection broke while the request body was read") from None


class LengthBody(RequestBody):
    """A body of ``Content-Length`` bytes."""

    def __init__(
        self,
        connection: Connection,
        length: int,
        *,
        limit: float = float("inf"),
        before_first_read: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(connection, limit=limit, before_first_read=before_first_read)
        # requests reads ``len`` to send a forwarded body with a Content-Length, not chunked.
        self.len = length
        self.remaining = length
        self.finished = length == 0

    def read(self, amount: int | None = -1) -> bytes:
        if self.remaining <= 0:
            self.finished = True
            return b""
        self._start()
        wanted = self.remaining if amount is None or amount < 0 else min(amount, self.remaining)
        data = self._receive(self._connection.read, wanted)
        if not data:
            raise self._fail(
                400, f"the request body ended after {self.bytes_read} of {self.len} bytes"
            )
        self.remaining -= len(data)
        self.finished = self.remaining == 0
        self._count(len(data))
        return data


class ChunkedBody(RequestBody):
    """A body sent with ``Transfer-Encoding: chunked``, decoded as it is read."""

    def __init__(
        self,
        connection: Connection,
        *,
        limit: float = float("inf"),
        before_first_read: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(connection, limit=limit, before_first_read=before_first_read)
        self._left_in_chunk = 0

    def read(self, amount: int | None = -1) -> bytes:
        if self.finished:
            return b""
        self._start()
        wanted = float("inf") if amount is None or amount < 0 else amount
        parts: list[bytes] = []
        got = 0
        while got < wanted:
            if self._left_in_chunk == 0 and not self._next_chunk():
                break
            take = int(min(self._left_in_chunk, wanted - got))
            data = self._receive(self._connection.read, take)
            if not data:
                raise self._fail(400, "the chunked request body ended in the middle of a chunk")
            self._left_in_chunk -= len(data)
            self._count(len(data))
            parts.append(data)
            got += len(data)
            if self._left_in_chunk == 0:
                self._end_of_chunk()
        return b"".join(parts)

    def _line(self) -> bytes:
        line = self._receive(self._connection.readline, MAX_CHUNK_LINE + 2)
        if not line.endswith(b"\n"):
            raise self._fail(400, "the chunked request body is malformed (a framing line)")
        return line.rstrip(b"\r\n")

    def _next_chunk(self) -> bool:
        """Read a chunk-size line; False (after the trailers) at the last chunk."""
        size_text = self._line().split(b";", 1)[0].strip()
        if not _CHUNK_SIZE_LINE.match(size_text):
            raise self._fail(400, "the chunked request body is malformed (a chunk size)")
        size = int(size_text, 16)
        if size == 0:
            # Trailer fields end with an empty line; they are not passed on.
            for _ in range(MAX_TRAILER_LINES):
                if not self._line():
                    self.finished = True
                    return False
            raise self._fail(400, "the chunked request body has too many trailer lines")
        self._left_in_chunk = size
        return True

    def _end_of_chunk(self) -> None:
        if self._line():
            raise self._fail(400, "the chunked request body is malformed (after a chunk)")


def open_request_body(
    headers: Headers,
    connection: Connection,
    *,
    limit: float = float("inf"),
    before_first_read: Callable[[], None] | None = None,
) -> LengthBody | ChunkedBody | None:
    """A reader for the body the ``headers`` announce; ``None`` when there is none.

    Raises ``RequestRejected`` before reading anything when the framing is
    unusable (400, or 501 for an unknown transfer coding) or the announced
    length is over ``limit`` (413).
    """
    transfer_encoding = headers.get("Transfer-Encoding")
    lengths = headers.get_all("Content-Length") or []
    if transfer_encoding is not None:
        if transfer_encoding.strip().lower() != "chunked":
            raise RequestRejected(501, "only the chunked Transfer-Encoding is supported")
        if lengths:
            # Both framings at once is how request smuggling starts (RFC 9112, 6.3).
            raise RequestRejected(400, "the request has both Content-Length and Transfer-Encoding")
        return ChunkedBody(connection, limit=limit, before_first_read=before_first_read)
    if not lengths:
        return None
    if len(set(lengths)) != 1 or not _CONTENT_LENGTH.match(lengths[0].strip()):
        raise RequestRejected(400, "the request has an invalid Content-Length")
    length = int(lengths[0].strip())
    if length > limit:
        raise too_large(limit)  # on the header alone: the body is never read
    return LengthBody(connection, length, limit=limit, before_first_read=before_first_read)
