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
import weakref
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ..core.bodies import ACCEPT_ENCODING, AnswerBody, UnwantedEncoding
from ..core.settings import MaskedValue

__all__ = [
    "ACCEPT_ENCODING",
    "BearerAuth",
    "BoundedHTTPAdapter",
    "Exchange",
    "MaskedValue",
    "UnwantedEncoding",
    "bounded_session",
    "instrument",
    "read_body",
]

logger = logging.getLogger(__name__)

#: The encodings asked for, and so the only ones decoded: each is bounded by ``read_body``.
_CHUNK = 64 * 1024


# -- the key ----------------------------------------------------------------------------


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

    ``deadline`` (``time.monotonic()``) bounds the whole attempt. While a
    connection is made (a TLS handshake, a proxy's ``CONNECT`` included),
    ``connect_budget`` plus ``read_budget`` bound it; once the request is
    written, ``read_budget`` bounds the whole answer. When a bound passes, the
    sockets this exchange uses are shut down (``expired`` is then True), which
    wakes a blocked read at once. ``sent`` says whether any byte of the
    request left; ``tracked`` whether the connection reported at all (someone
    else's transport adapter does not).
    """

    def __init__(
        self,
        *,
        deadline: float | None,
        read_budget: float | None,
        connect_budget: float | None = None,
    ) -> None:
        self.deadline = deadline
        self.read_budget = read_budget
        self.connect_budget = connect_budget
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

    def _arm(self, budget: float | None, *, from_now: bool = True) -> None:
        """Bound what follows by ``budget`` seconds from now (and always by the deadline)."""
        bound = self.deadline
        if budget is not None:
            relative = time.monotonic() + budget if from_now else budget
            bound = relative if bound is None else min(bound, relative)
        self._bound = bound
        if bound is not None:
            _watchdog.schedule(self, bound)

    @property
    def active(self) -> bool:
        return self._active

    @property
    def bound(self) -> float | None:
        return self._bound

    # -- reported by the connections ----------------------------------------

    def _use(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with _owners_lock:
            _owners[sock] = self  # a pooled socket belongs to the exchange that used it last
        with self._lock:
            if sock not in self._sockets:
                self._sockets.append(sock)

    def connecting(self) -> None:
        """A connection is being made: bounded by the connect and read budgets together."""
        self.tracked = True
        budgets = [b for b in (self.connect_budget, self.read_budget) if b is not None]
        self._arm(sum(budgets) if budgets else None)

    def connected_socket(self, sock: socket.socket | None) -> None:
        """A socket was opened (the connection is still being set up on it)."""
        self._use(sock)

    def connected(self, sock: socket.socket | None) -> None:
        self._use(sock)
        self._arm(None)  # sending is bounded by the deadline (and each write by its timeout)

    def sending(self, sock: socket.socket | None) -> None:
        self.tracked = True
        self._use(sock)
        self.sent = True

    def request_complete(self, sock: socket.socket | None) -> None:
        """The request is written: from here the read budget bounds the whole answer."""
        self.tracked = True
        self._use(sock)
        self.complete = True
        self._arm(self.read_budget)

    def received(self) -> bool:
        """The whole answer is in: no bound applies any more. False if the bound cut it short."""
        with self._lock:
            if self.expired:
                return False
            self._active = False
            return True

    # -- the watchdog's side ------------------------------------------------

    def expire_if_due(self, bound: float) -> None:
        with self._lock:
            if not self._active or self._bound != bound:
                return  # finished, or re-armed since
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            with _owners_lock:
                # A socket back in the pool and taken by another exchange is not ours to close.
                if _owners.get(sock) is not self:
                    continue
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


_owners: weakref.WeakKeyDictionary[socket.socket, Exchange] = weakref.WeakKeyDictionary()
_owners_lock = threading.Lock()


class _Watchdog:
    """One thread for every exchange of the process: shuts down connections past their bound."""

    #: Entries of finished exchanges stay in the heap until their bound; past this many,
    #: the heap is rebuilt from the live ones.
    COMPACT_AT = 1024

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Exchange]] = []
        self._counter = itertools.count()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None
        self._compact_at = self.COMPACT_AT

    def schedule(self, exchange: Exchange, bound: float) -> None:
        with self._condition:
            heapq.heappush(self._heap, (bound, next(self._counter), exchange))
            if len(self._heap) > self._compact_at:
                self._heap = [
                    entry for entry in self._heap if entry[2].active and entry[2].bound == entry[0]
                ]
                heapq.heapify(self._heap)
                self._compact_at = max(self.COMPACT_AT, 2 * len(self._heap))
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
    """Connection methods that tell the current exchange what happens on the wire.

    Outside an exchange they behave exactly like urllib3's own.
    """

    sock: Any
    _legacy_stt_connecting = False

    def connect(self) -> None:
        exchange = _current()
        if exchange is not None:
            exchange.connecting()
        # A proxy tunnel's CONNECT is written with send(): it is not the request.
        self._legacy_stt_connecting = True
        try:
            super().connect()  # type: ignore[misc]
        finally:
            self._legacy_stt_connecting = False
        if exchange is not None:
            exchange.connected(self.sock)

    def _new_conn(self) -> Any:
        sock = super()._new_conn()  # type: ignore[misc]
        exchange = _current()
        if exchange is not None:
            # Known from the start: a proxy's CONNECT answer dripped in is cut off by the bound.
            exchange.connected_socket(sock)
        return sock

    def send(self, data: Any) -> None:
        if self.sock is None:
            self.connect()  # a failure here is before any byte of the request left
        exchange = _current()
        if exchange is not None and not self._legacy_stt_connecting:
            exchange.sending(self.sock)
        super().send(data)  # type: ignore[misc]

    def getresponse(self) -> Any:
        exchange = _current()
        if exchange is not None:
            exchange.request_complete(self.sock)
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
_REPORTING = {HTTPConnection: _ReportingHTTPConnection, HTTPSConnection: _ReportingHTTPSConnection}


def _instrument_manager(manager: Any) -> None:
    """Make a pool manager's standard pools (made from now on, and existing) use reporting connections.

    Pool classes of another kind (a SOCKS proxy manager's) are left alone.
    """
    if manager.pool_classes_by_scheme in (
        urllib3.poolmanager.pool_classes_by_scheme,
        _POOL_CLASSES,
    ):
        manager.pool_classes_by_scheme = _POOL_CLASSES
    pools = getattr(manager, "pools", None)
    if pools is None:
        return
    for key in list(pools.keys()):
        pool = pools.get(key)
        replacement = _REPORTING.get(getattr(pool, "ConnectionCls", None))  # type: ignore[arg-type]
        if replacement is not None:
            pool.ConnectionCls = replacement


def instrument(adapter: Any, proxy: str | None = None) -> Any:
    """``adapter``, with its connections reporting to the current exchange if it is an ``HTTPAdapter``.

    Any ``HTTPAdapter`` -- a subclass with its own TLS settings included --
    is instrumented in place: its pools make reporting connections, which
    behave exactly like urllib3's outside an exchange. ``proxy`` is the proxy
    the request will go through (its manager is made now, so that it is
    instrumented too). Other transport adapters are returned as they are;
    their answers are then bounded between reads only.
    """
    if not isinstance(adapter, HTTPAdapter):
        return adapter
    if proxy:
        with contextlib.suppress(Exception):  # a proxy it cannot use fails when sending, clearly
            adapter.proxy_manager_for(proxy)
    for manager in (adapter.poolmanager, *adapter.proxy_manager.values()):
        _instrument_manager(manager)
    return adapter


class BoundedHTTPAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections report to the current ``Exchange``.

    Used like any ``HTTPAdapter``; outside an exchange it behaves exactly
    like one.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _instrument_manager(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        _instrument_manager(manager)
        return manager


def bounded_session() -> requests.Session:
    """A ``requests.Session`` whose connections report to the exchange that bounds them."""
    session = requests.Session()
    adapter = BoundedHTTPAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# -- reading an answer --------------------------------------------------------------------


def read_body(response: requests.Response, limit: int, exchange: Exchange) -> tuple[bytes, bool]:
    """The answer's body, decompressed, and whether it is whole (see ``bodies.AnswerBody``).

    Reads a chunk at a time, within the exchange's bound. Raises
    ``UnwantedEncoding`` for an encoding other than gzip or deflate,
    ``TimeoutError`` when the exchange's bound cut the answer short, and
    whatever the connection raises.
    """
    raw = response.raw
    body = AnswerBody(
        response.headers.get("Content-Encoding"), response.headers.get("Content-Length"), limit
    )
    if body.too_large:
        return body.value()  # refused before a byte of it is read
    while True:
        if exchange.passed():
            raise TimeoutError("the answer did not arrive in time")
        chunk = raw.read(_CHUNK, decode_content=False)
        finished = not chunk or raw.closed
        # The watchdog's shutdown ends a body without a length like a normal end would.
        if finished and not exchange.received():
            raise TimeoutError("the answer did not arrive in time")
        if body.feed(chunk) or finished:
            return body.value()
