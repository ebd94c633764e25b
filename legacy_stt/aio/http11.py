"""A small HTTP/1.1 client for asyncio: kept-alive connections and httptools' parser (llhttp).

Why not aiohttp here: the proxy sends three requests to the service for each
legacy call (the create and the polls), and aiohttp spends about 0.33 ms of
CPU on each on the benchmark machine (BENCHMARKS.md) — more than the proxy's
whole budget for a call. The transport's requests need little of a general
client: a GET or a POST with a body in memory or streamed from an upload,
an answer read within a byte limit, no redirects, cookies or proxies. This
client does only that, on ``asyncio.Protocol`` with the parser uvicorn uses.

Bounds are the caller's: ``send`` has no timeouts of its own and is meant
to run inside a cancel scope (``AsyncServiceTransport``'s exchange). A
connection goes back to the pool only after a whole answer that allows it;
any other end (a limit reached, a cancellation, a parse error) closes it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import select
import ssl
import time
import urllib.parse
from collections.abc import AsyncIterable, Mapping
from typing import Any, Callable, Protocol

import httptools

from ..core.bodies import AnswerBody, UnwantedEncoding

__all__ = ["BadAnswer", "ConnectFailed", "ConnectionPool", "Headers", "Progress"]

logger = logging.getLogger(__name__)

#: Seconds an idle connection is kept for reuse (as long as aiohttp keeps one), then closed.
IDLE_TIMEOUT = 15.0
#: Idle connections kept per host; more are closed as they come back.
MAX_IDLE_PER_HOST = 1024
#: The largest answer head (status line and headers) read, and the most header lines: a
#: server sending more is not answering (aiohttp refuses less).
MAX_HEAD_SIZE = 64 * 1024
MAX_HEADERS = 256


class ConnectFailed(OSError):
    """No connection could be made: nothing was sent."""


class BadAnswer(ConnectionError):
    """The server's bytes are not an HTTP/1.1 answer, or the connection ended inside one."""


class Progress(Protocol):
    """What ``send`` reports as the exchange goes (``AsyncServiceTransport``'s exchange).

    ``on_sending`` comes before a streamed body's first byte; a request
    written whole in one go reports ``on_written`` alone, which says it was
    sent as well.
    """

    def on_connected(self) -> None: ...

    def on_sending(self) -> None: ...

    def on_written(self) -> None: ...

    def on_answer(self) -> None: ...


class Headers(dict):
    """An answer's headers: names lower-cased, looked up in any case; repeated ones joined."""

    def __getitem__(self, name: str) -> str:
        return dict.__getitem__(self, name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and dict.__contains__(self, name.lower())

    def get(self, name: str, default: Any = None) -> Any:
        return dict.get(self, name.lower(), default)


class _Connection(asyncio.Protocol):
    """One connection and the answer it is reading (one at a time: no pipelining)."""

    def __init__(self, key: tuple[str, str, int]) -> None:
        self.key = key
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.closed = False
        self.idle_since = 0.0
        self._write_ready: asyncio.Future[None] | None = None
        self._paused = False
        # the answer being read
        self.reading = False
        self.make_body: Callable[[int, Headers], AnswerBody] | None = None
        self.head: asyncio.Future[int] | None = None
        self.done: asyncio.Future[None] | None = None
        self.status = 0
        self.headers = Headers()
        self.body: AnswerBody | None = None
        self.complete = False  # the whole answer was read
        self.cut = False  # reading stopped early (a limit, an encoding): not reusable
        self.unfinished = False  # the request was not wholly written: not reusable
        self.keep_alive = False  # the whole answer allows another request after it
        self._lines: list[tuple[bytes, bytes]] = []
        self._head_left: int | None = None  # bytes the head may still take, while it is read
        self.framed = False  # a length or chunked framing: the end is known without EOF
        self._informational = False

    # -- asyncio.Protocol ------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if not self.reading:
            # Bytes nobody asked for (on an idle connection, or after a whole answer): the
            # connection cannot be trusted to frame the next answer.
            self._close()
            return
        try:
            # While a head is read, it is fed no further than its limit allows; once it is
            # complete (its callback sets ``_head_left`` to None) the rest goes in whole.
            while data and self.reading:
                if self._head_left is None:
                    self.parser.feed_data(data)
                    return
                piece, data = data[: self._head_left + 1], data[self._head_left + 1 :]
                self._head_left -= len(piece)
                self.parser.feed_data(piece)
                if self._head_left is not None and self._head_left < 0 and self.reading:
                    self._fail(BadAnswer(f"the answer's head is over {MAX_HEAD_SIZE} bytes"))
                    return
            if data:
                self._close()  # bytes after the whole answer: not a connection to reuse
        except httptools.HttpParserError as error:
            self._fail(BadAnswer(f"not a valid HTTP answer ({type(error).__name__})"))

    def eof_received(self) -> bool:
        self.closed = True  # before connection_lost, a loop turn later: not to be reused
        self._ended(broken=False)
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        # An error (a reset) is not an answer's end, even of one that ends with the connection.
        self._ended(broken=exc is not None)
        self._wake_writer()

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self._wake_writer()

    def _wake_writer(self) -> None:
        # An upload waiting for room goes on: to write more, or to find its answer came (a
        # server may answer, 413 say, before it has read the whole body) or the connection went.
        if self._write_ready is not None and not self._write_ready.done():
            self._write_ready.set_result(None)

    # -- httptools callbacks ---------------------------------------------------

    def on_message_begin(self) -> None:
        if not self.reading:  # an answer nobody asked for (a second one to a request, say)
            self._fail(BadAnswer("an answer to no request"))
            return
        self._lines = []

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.reading and len(self._lines) <= MAX_HEADERS:
            self._lines.append((name, value))

    def on_headers_complete(self) -> None:
        if not self.reading:
            return
        self._head_left = None
        if len(self._lines) > MAX_HEADERS:
            self._fail(BadAnswer(f"the answer has over {MAX_HEADERS} header lines"))
            return
        status = self.parser.get_status_code()
        if 100 <= status < 200:
            self._informational = True  # 100 Continue and the like: the answer follows
            return
        self.status = status
        # Repeated names joined once, in order (joining as they come costs the square).
        collected: dict[str, list[str]] = {}
        for name, value in self._lines:
            collected.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        self.headers = headers = Headers(
            (key, values[0] if len(values) == 1 else ", ".join(values))
            for key, values in collected.items()
        )
        # Framing as llhttp reads it: chunked when it is the last transfer coding (in any
        # case); a length only without a transfer coding; else the answer ends with the
        # connection.
        coding = headers.get("transfer-encoding")
        if coding is not None:
            self.framed = coding.rsplit(",", 1)[-1].strip().lower() == "chunked"
        else:
            self.framed = "content-length" in headers
        try:
            self.body = self.make_body(status, headers) if self.make_body else None
        except UnwantedEncoding:
            self.body = None
            self.cut = True
        if self.body is not None and self.body.too_large:
            self.cut = True
        if self.head is not None and not self.head.done():
            self.head.set_result(status)
        if self.cut:
            self._finish()

    def on_body(self, chunk: bytes) -> None:
        if not self.reading or self.body is None:
            return
        try:
            if self.body.feed(chunk):
                self.cut = True
        except UnwantedEncoding:
            self.body = None
            self.cut = True
        if self.cut:
            self._finish()

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            self._head_left = MAX_HEAD_SIZE  # the final answer's head comes next
            return
        if self.reading:
            self.complete = True
            # asked now: llhttp forgets once the message is over
            self.keep_alive = self.parser.should_keep_alive()
            self._finish()

    # -- ends -------------------------------------------------------------------

    def _finish(self) -> None:
        self.reading = False
        self._wake_writer()
        if self.head is not None and not self.head.done():
            self.head.set_result(self.status)
        if self.done is not None and not self.done.done():
            self.done.set_result(None)

    def _fail(self, error: Exception) -> None:
        self.reading = False
        self._wake_writer()
        for waiter in (self.head, self.done):
            if waiter is not None and not waiter.done():
                waiter.set_exception(error)
                waiter.exception()  # retrieved here: only one of the two is awaited, maybe
        self._close()

    def _ended(self, *, broken: bool) -> None:
        if not self.reading:
            return
        if self.status and not self.framed and not self.complete and not broken:
            # An answer without a length ends where the connection does.
            self.complete = True
            self._finish()
            return
        self._fail(BadAnswer("the connection closed before the whole answer came"))

    def _close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        self.closed = True
        self.reading = False
        if self.transport is not None:
            with contextlib.suppress(RuntimeError):  # its event loop may be closed already
                self.transport.abort()

    # -- the client's side ---------------------------------------------------

    def start(self, make_body: Callable[[int, Headers], AnswerBody]) -> None:
        loop = asyncio.get_running_loop()
        self.make_body = make_body
        self.head = loop.create_future()
        self.done = loop.create_future()
        self.status = 0
        self.body = None
        self.complete = self.cut = self.framed = self._informational = False
        self.unfinished = self.keep_alive = False
        self._head_left = MAX_HEAD_SIZE
        self.reading = True

    def write(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    @property
    def answered(self) -> bool:
        """The answer ended (whole, cut short or broken): nothing more is worth writing."""
        return self.done is not None and self.done.done()

    async def drain(self) -> None:
        """Wait for room to write more, or for the answer or the connection's end."""
        if self._paused and not self.closed and not self.answered:
            self._write_ready = asyncio.get_running_loop().create_future()
            await self._write_ready

    @property
    def reusable(self) -> bool:
        return self.complete and not self.unfinished and not self.closed and self.keep_alive


class _Head(bytes):
    """A request's head: it holds the ``Authorization`` line, so no ``repr`` shows it (error
    trackers record the locals of the frames an error passed through)."""

    def __repr__(self) -> str:
        return "b'***'"


def _request_head(
    method: str, target: str, host_line: bytes, headers: Mapping[str, str], length: int | None
) -> _Head:
    lines = [f"{method} {target} HTTP/1.1\r\n".encode("ascii"), host_line]
    for name, value in headers.items():
        if "\r" in value or "\n" in value:
            raise ValueError(f"the {name} header holds a line break")
        try:
            lines.append(f"{name}: {value}\r\n".encode("latin-1"))
        except UnicodeEncodeError:
            raise ValueError(f"the {name} header holds characters HTTP cannot carry") from None
    if length is not None:
        lines.append(b"Content-Length: %d\r\n" % length)
    lines.append(b"\r\n")
    return _Head(b"".join(lines))


class ConnectionPool:
    """Kept-alive HTTP/1.1 connections to any number of hosts, for one event loop at a time.

    ``ssl_context`` verifies https servers (the system's trust store by
    default). A connection idle for ``idle_timeout`` seconds is closed.
    ``aclose()`` closes every connection; the pool sends nothing after it.
    Close the pool before its event loop ends: a connection left open on a
    closed loop can only be dropped, not closed.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        idle_timeout: float = IDLE_TIMEOUT,
        max_idle_per_host: int = MAX_IDLE_PER_HOST,
    ) -> None:
        self._ssl_context = ssl_context
        self.idle_timeout = idle_timeout
        self.max_idle_per_host = max_idle_per_host
        # oldest first: expired connections are taken from the left, reused ones from the right
        self._idle: dict[tuple[str, str, int], collections.deque[_Connection]] = {}
        self._busy: set[_Connection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sweeper: asyncio.TimerHandle | None = None
        self._targets: dict[str, tuple[tuple[str, str, int], str, bytes]] = {}
        self.closed = False

    def __repr__(self) -> str:
        idle = sum(len(connections) for connections in self._idle.values())
        state = " closed" if self.closed else ""
        return f"<ConnectionPool{state} idle={idle} busy={len(self._busy)}>"

    @property
    def stack(self) -> str:
        """What carries the requests, for the ``User-Agent``."""
        return f"httptools/{httptools.__version__}"

    async def aclose(self) -> None:
        self.closed = True
        self._forget()

    def _forget(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        for connections in self._idle.values():
            for connection in connections:
                connection.abort()
        self._idle.clear()
        for connection in list(self._busy):
            connection.abort()
        self._busy.clear()

    def _target(self, url: str) -> tuple[tuple[str, str, int], str, bytes]:
        """(scheme, host, port), the request target and the ``Host`` line of ``url``."""
        found = self._targets.get(url)
        if found is None:
            parts = urllib.parse.urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an http(s) URL: {parts.scheme}://...")
            default = 443 if scheme == "https" else 80
            port = parts.port or default
            netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
            host = netloc if port == default else f"{netloc}:{port}"
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            found = ((scheme, parts.hostname, port), target, f"Host: {host}\r\n".encode("ascii"))
            if len(self._targets) < 4096:  # the transport's URLs: a base and its job ids
                self._targets[url] = found
        return found

    def _expire(self, now: float) -> None:
        """Close the connections idle for ``idle_timeout``; keep a sweep due while any are idle."""
        for key, idle in list(self._idle.items()):
            while idle and now - idle[0].idle_since >= self.idle_timeout:
                idle.popleft().abort()
            if not idle:
                del self._idle[key]
        if self._idle and self._sweeper is None and self._loop is not None:
            self._sweeper = self._loop.call_later(self.idle_timeout, self._sweep)

    def _sweep(self) -> None:
        self._sweeper = None
        self._expire(time.monotonic())

    async def _connection(self, key: tuple[str, str, int]) -> _Connection:
        if self.closed:
            raise RuntimeError("this ConnectionPool is closed")
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # Connections belong to the loop that made them: a pool used from another loop
            # (one asyncio.run after another, say) starts afresh.
            self._forget()
            self._loop = loop
        idle = self._idle.get(key)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if now - connection.idle_since < self.idle_timeout and _still_quiet(connection):
                return connection
            connection.abort()
        scheme, host, port = key
        context = None
        if scheme == "https":
            if self._ssl_context is None:
                self._ssl_context = ssl.create_default_context()
            context = self._ssl_context
        try:
            _, protocol = await loop.create_connection(
                lambda: _Connection(key),
                host,
                port,
                ssl=context,
                server_hostname=host if context is not None else None,
            )
        except ssl.SSLError:
            raise
        except OSError as error:
            raise ConnectFailed(error.errno, error.strerror or str(error)) from error
        return protocol

    def _release(self, connection: _Connection) -> None:
        self._busy.discard(connection)
        if not connection.reusable or self.closed:
            connection.abort()
            return
        now = time.monotonic()
        idle = self._idle.get(connection.key)
        if idle is None:
            idle = self._idle[connection.key] = collections.deque()
        if len(idle) >= self.max_idle_per_host:
            connection.abort()
            return
        connection.idle_since = now
        idle.append(connection)
        self._expire(now)

    async def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | AsyncIterable[bytes] | None,
        make_body: Callable[[int, Headers], AnswerBody],
        progress: Progress,
    ) -> tuple[int, Headers, AnswerBody | None]:
        """Send one request and read its answer: status, headers and body (``None`` when the
        body's encoding was refused). ``make_body`` gives the body's reader for a status and
        headers; a streamed ``body`` needs a ``Content-Length`` in ``headers``.

        Raises ``ConnectFailed`` when no connection was made, ``BadAnswer`` or another
        ``OSError`` when the exchange broke, ``ValueError`` for a header that cannot be sent
        (before anything is).
        """
        key, target, host_line = self._target(url)
        length = len(body) if isinstance(body, (bytes, bytearray)) else None
        head = _request_head(method, target, host_line, headers, length)
        connection = await self._connection(key)
        self._busy.add(connection)
        try:
            progress.on_connected()
            connection.start(make_body)
            if body is None or isinstance(body, (bytes, bytearray)):
                # written whole, at once: on_written alone (one bound to set, not two)
                connection.write(head + body if body else head)
                progress.on_written()
            else:
                progress.on_sending()
                connection.write(head)
                connection.unfinished = True
                async for chunk in body:
                    if connection.answered or connection.closed:
                        break  # the answer (or the end) came first: it is what counts
                    connection.write(chunk)
                    await connection.drain()
                else:
                    connection.unfinished = False
            assert connection.head is not None and connection.done is not None
            await connection.head
            progress.on_answer()
            await connection.done
            return connection.status, connection.headers, connection.body
        finally:
            self._release(connection)


def _still_quiet(connection: _Connection) -> bool:
    """An idle connection can carry a request: open, and nothing waiting to be read on it.

    A byte already in the socket's buffer, not yet handed to the protocol by the loop, is an
    answer to no request or the server's close: either way the next answer could not be told
    from it (urllib3 checks the same before it reuses a connection).
    """
    transport = connection.transport
    if connection.closed or transport is None or transport.is_closing():
        return False
    sock = transport.get_extra_info("socket")
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock.fileno()], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable
