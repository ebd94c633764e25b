"""The requests side of the wire: bounded exchanges, a key no frame shows, answers read within limits.

``requests`` bounds each socket read by the read timeout, not a request: a
server that sends a header line, or a body byte, every half second keeps a
call waiting forever. This module gives each exchange a wall-clock bound:

* ``Exchange`` is one request's attempt: its deadline, whether any byte of
  the request has left, and the connections it uses. A shared ``_Watchdog``
  thread shuts down those connections' sockets when the bound passes, which
  wakes a blocked read at once;
* ``BoundedHTTPAdapter`` is an ``HTTPAdapter`` whose connections report to
  the current exchange (the socket they use, the first byte sent, the moment
  the request is complete, after which the read timeout bounds the whole
  answer);
* ``read_body`` reads an answer a chunk at a time, decompressing it itself
  so that neither a large body nor a small compressed one (a "zip bomb")
  can take more than its limit of memory.

The key is attached by ``BearerAuth`` at the last moment, as a string whose
``repr`` is masked: error trackers and ``pytest --showlocals`` record frame
locals, and would otherwise show a headers dict with the key in clear.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import socket
import threading
import time
import zlib
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = [
    "ACCEPT_ENCODING",
    "BearerAuth",
    "BoundedHTTPAdapter",
    "Exchange",
    "MaskedValue",
    "UnwantedEncoding",
    "bounded_adapter",
    "bounded_session",
    "read_body",
]

logger = logging.getLogger(__name__)

#: The encodings asked for, and so the only ones decoded: each is bounded by ``read_body``.
ACCEPT_ENCODING = "gzip, deflate"
_CHUNK = 64 * 1024


# -- the key ----------------------------------------------------------------------------


class MaskedValue(str):
    """A header value that is itself on the wire, but ``***`` in every ``repr``.

    ``http.client`` encodes it like any string; dicts, tracebacks with
    locals and debuggers show the masked form.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


class BearerAuth(requests.auth.AuthBase):
    """Adds ``Authorization: Bearer <key>`` when the request is prepared (``key`` is an ``APIKey``)."""

    def __init__(self, key: Any) -> None:
        self._key = key

    def __repr__(self) -> str:
        return f"<BearerAuth {self._key!r}>"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = MaskedValue("Bearer " + self._key.reveal())
        return request


# -- bounded exchanges ------------------------------------------------------------------

_local = threading.local()


def _current() -> Exchange | None:
    return getattr(_local, "exchange", None)


class Exchange:
    """One attempt at one request, bounded in wall-clock time.

    ``deadline`` (``time.monotonic()``) bounds the whole attempt; once the
    request is complete, ``read_budget`` seconds bound the answer. When the
    bound passes, the sockets in use are shut down (``expired`` is then
    True). ``sent`` says whether any byte of the request left.
    """

    def __init__(self, *, deadline: float | None, read_budget: float | None) -> None:
        self.deadline = deadline
        self.read_budget = read_budget
        self.sent = False
        self.complete = False
        self.expired = False
        self.tracked = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._active = False
        self._bound: float | None = None
        self._previous: Exchange | None = None

    def __enter__(self) -> Exchange:
        self._previous = _current()
        _local.exchange = self
        self._active = True
        self._arm(self.deadline)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        with self._lock:
            self._active = False
            self._sockets.clear()
        _local.exchange = self._previous

    def _arm(self, bound: float | None) -> None:
        self._bound = bound
        if bound is not None:
            _watchdog.schedule(self, bound)

    # -- reported by the connections ----------------------------------------

    def using(self, sock: socket.socket | None) -> None:
        self.tracked = True
        if sock is not None:
            with self._lock:
                if sock not in self._sockets:
                    self._sockets.append(sock)

    def sending(self) -> None:
        self.sent = True

    def request_complete(self) -> None:
        """The request is written: from here the read budget bounds the answer too."""
        self.complete = True
        if self.read_budget is not None:
            bound = time.monotonic() + self.read_budget
            if self.deadline is not None:
                bound = min(bound, self.deadline)
            self._arm(bound)

    # -- the watchdog's side ------------------------------------------------

    def expire_if_due(self, bound: float) -> None:
        with self._lock:
            if not self._active or self._bound != bound:
                return  # finished, or re-armed since
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            # The plain socket's shutdown, also for TLS: it wakes a blocked read at once
            # without touching the TLS object another thread is reading through.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
        logger.debug("an exchange passed its bound; its connection was shut down")

    def passed(self) -> bool:
        """True when the bound has passed (checked between the chunks of an answer too)."""
        if self.expired:
            return True
        return self._bound is not None and time.monotonic() >= self._bound


class _Watchdog:
    """One thread for every exchange of the process: shuts down connections past their bound."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Exchange]] = []
        self._counter = itertools.count()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    def schedule(self, exchange: Exchange, bound: float) -> None:
        with self._condition:
            heapq.heappush(self._heap, (bound, next(self._counter), exchange))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="legacy-stt-watchdog", daemon=True
                )
                self._thread.start()
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._heap:
                    self._condition.wait()
                bound, _, exchange = self._heap[0]
                delay = bound - time.monotonic()
                if delay > 0:
                    self._condition.wait(delay)
                    continue
                heapq.heappop(self._heap)
            exchange.expire_if_due(bound)


_watchdog = _Watchdog()


class _Reporting:
    """Connection methods that tell the current exchange what happens on the wire."""

    sock: Any

    def send(self, data: Any) -> None:
        exchange = _current()
        if self.sock is None:
            self.connect()  # type: ignore[attr-defined] # a failure here is before any byte left
        if exchange is not None:
            exchange.using(self.sock)
            exchange.sending()
        super().send(data)  # type: ignore[misc]

    def getresponse(self) -> Any:
        exchange = _current()
        if exchange is not None:
            exchange.using(self.sock)
            exchange.request_complete()
        return super().getresponse()  # type: ignore[misc]


class _ReportingHTTPConnection(_Reporting, HTTPConnection):
    pass


class _ReportingHTTPSConnection(_Reporting, HTTPSConnection):
    pass


class _ReportingHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _ReportingHTTPConnection


class _ReportingHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _ReportingHTTPSConnection


_POOL_CLASSES = {"http": _ReportingHTTPConnectionPool, "https": _ReportingHTTPSConnectionPool}


class BoundedHTTPAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections report to the current ``Exchange``.

    Used like any ``HTTPAdapter``; outside an exchange it behaves exactly
    like one.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOL_CLASSES

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        # A SOCKS proxy manager has pool classes of its own; only the standard ones are swapped.
        if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = _POOL_CLASSES
        return manager


def bounded_session() -> requests.Session:
    """A ``requests.Session`` whose connections report to the exchange that bounds them."""
    session = requests.Session()
    adapter = BoundedHTTPAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def bounded_adapter(adapter: Any, cache: dict[int, tuple[Any, BoundedHTTPAdapter]]) -> Any:
    """The adapter to send through in place of a session's ``adapter``.

    A plain ``HTTPAdapter`` is replaced by a ``BoundedHTTPAdapter`` with the
    same settings (one per adapter, kept in ``cache``); any other transport
    adapter is someone's own and is used as it is (its answers are then
    bounded between reads only).
    """
    if isinstance(adapter, BoundedHTTPAdapter) or type(adapter) is not HTTPAdapter:
        return adapter
    entry = cache.get(id(adapter))
    if entry is None or entry[0] is not adapter:
        clone = BoundedHTTPAdapter.__new__(BoundedHTTPAdapter)
        # requests' own copy (what pickling uses): pool sizes, retries, blocking
        clone.__setstate__(adapter.__getstate__())  # type: ignore[attr-defined]
        entry = cache[id(adapter)] = (adapter, clone)
    return entry[1]


# -- reading an answer --------------------------------------------------------------------


class UnwantedEncoding(ValueError):
    """The answer is in a content encoding that was not asked for."""


class _Inflater:
    """gzip or deflate, decompressed in bounded steps (zlib's ``max_length``)."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        """Up to ``room`` decompressed bytes (pending input is kept for the next call)."""
        if not self._started and not self._gzip:
            self._started = True
            try:
                return self._decoder.decompress(data, room)
            except zlib.error:
                # "deflate" is sometimes sent raw, without the zlib header
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._decoder.decompress(data, room)

    def more(self, room: int) -> bytes:
        tail = self._decoder.unconsumed_tail
        return self._decoder.decompress(tail, room) if tail else b""


def read_body(response: requests.Response, limit: int, exchange: Exchange) -> tuple[bytes, bool]:
    """The answer's body, decompressed, and whether it is whole.

    Reads a chunk at a time; stops one byte past ``limit``, and then returns
    only the body's first chunk with ``False``. Raises
    ``UnwantedEncoding`` for an encoding other than gzip or deflate, and
    whatever the connection raises (the exchange says whether its bound
    passed).
    """
    raw = response.raw
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    inflater: _Inflater | None = None
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(encoding)
    elif encoding not in ("", "identity"):
        raise UnwantedEncoding(encoding)
    declared = response.headers.get("Content-Length", "")
    if inflater is None and declared.isdigit() and int(declared) > limit:
        return b"", False  # refused before a byte of it is read
    body = bytearray()
    while True:
        if exchange.passed():
            raise TimeoutError("the answer did not arrive in time")
        chunk = raw.read(_CHUNK, decode_content=False)
        if not chunk:
            break
        if inflater is None:
            body += chunk
        else:
            # Inflated in steps of at most a chunk: a small compressed chunk can hold megabytes.
            body += inflater.feed(chunk, min(limit + 1 - len(body), _CHUNK))
            while len(body) <= limit:
                extra = inflater.more(min(limit + 1 - len(body), _CHUNK))
                if not extra:
                    break
                body += extra
        if len(body) > limit:
            # Only the start is kept (what an error message may quote), not a copy of it all.
            return bytes(body[:_CHUNK]), False
    if exchange.expired:
        # The watchdog's shutdown ends a body without a length like a normal end would.
        raise TimeoutError("the answer did not arrive in time")
    return bytes(body), True
