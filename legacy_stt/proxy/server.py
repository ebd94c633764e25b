"""Running the proxy's ASGI application on uvicorn, with the operator's limits.

uvicorn (with httptools, the llhttp parser Node.js uses) parses and frames
every request; BENCHMARKS.md, "Choosing the proxy's server", has the
measurements behind the choice. What uvicorn leaves to its users is added
here, in a subclass of its protocol, so that a shared machine stays
answerable under hostile clients:

* a **deadline for the request head** (``header_timeout``): a connection
  that has not sent a complete head in time -- idle from the start, or
  sending a byte now and then (slowloris) -- is answered ``408`` and closed;
* a **cap on the head's size** (64 KiB: ``431``), which httptools lacks;
* a **cap on open connections** (``max_connections``): one over it is
  answered ``503`` and closed at once, so descriptors stay for the others;
* errors uvicorn answers itself (a request it cannot parse) in the
  service's JSON shape;
* a refused request's unread body is read and dropped for a moment after
  the answer (``LINGER_SECONDS``) instead of being reset, which could
  destroy the answer on its way.

``CompatibilityProxy`` runs the application and its server in a background
thread (for Python programs and tests); ``legacy-stt serve`` is that, plus
signal handling.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, cast

from ..compat.endpoint import error_body
from ..exceptions import ConfigurationError
from .app import SERVER_HEADER, ProxyApp, create_app

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "MAX_HEAD_SIZE",
    "CompatibilityProxy",
    "ServerLimits",
]

logger = logging.getLogger(__name__)

#: The address the proxy listens on by default: loopback, for programs on this machine only.
DEFAULT_HOST = "127.0.0.1"
#: The port the proxy listens on by default.
DEFAULT_PORT = 8765
#: Largest request head (request line and headers) accepted; 431 beyond.
MAX_HEAD_SIZE = 64 * 1024
#: After a refusal, how long a caller's remaining bytes are read and dropped before closing.
LINGER_SECONDS = 2.0


@dataclass(frozen=True)
class ServerLimits:
    """The limits a server of the proxy holds each connection to (an immutable value).

    ``max_connections``: open connections at once (one more is answered 503
    and closed); ``header_timeout``: seconds from a connection's start (or a
    request's first byte) to the end of its head (408 and closed);
    ``body_timeout``: seconds a request body may send nothing (408);
    ``keep_alive_timeout``: seconds an idle connection is kept between
    requests; ``shutdown_grace``: seconds a stop waits for requests in
    flight before legacy calls answer 503 with their ``generation_id``;
    ``backlog``: connections the kernel queues before they are accepted.

    The defaults hold 1,000 callers waiting on long jobs at once on a small
    machine, and close a silent or dripping connection within 10 seconds.
    """

    max_connections: int = 2048
    header_timeout: float = 10.0
    body_timeout: float = 60.0
    keep_alive_timeout: float = 5.0
    shutdown_grace: float = 30.0
    backlog: int = 2048

    def __post_init__(self) -> None:
        for name in ("max_connections", "backlog"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigurationError(
                    f"{name} must be a whole number of at least 1; got {value!r}"
                )
        for name in ("header_timeout", "body_timeout", "keep_alive_timeout"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
                raise ConfigurationError(
                    f"{name} must be a positive number of seconds; got {value!r}"
                )
        grace = self.shutdown_grace
        if not isinstance(grace, (int, float)) or isinstance(grace, bool) or grace < 0:
            raise ConfigurationError(f"shutdown_grace must be 0 or more seconds; got {grace!r}")


def _raw_answer(status: int, reason: str, message: str) -> bytes:
    """A complete JSON error answer, for the protocol to write before any request exists."""
    body = json.dumps(error_body(status, message)).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nserver: {SERVER_HEADER}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


def _protocol_class(limits: ServerLimits) -> type:
    """uvicorn's httptools protocol, with the head deadline and the caps of ``limits``."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardedProtocol(HttpToolsProtocol):
        def connection_made(self, transport: Any) -> None:
            self._head_timer: asyncio.TimerHandle | None = None
            self._in_head = True
            self._head_bytes = 0
            self._head_size = 0
            self._lingering = False
            self._raw = transport
            self.access_log = False  # the application writes one line per request
            # uvicorn closes the transport itself after an answer that ends the connection;
            # the wrapper lets a refused request's unread input be dropped first
            super().connection_made(cast(asyncio.Transport, _Transport(transport, self)))
            if len(self.connections) > limits.max_connections:
                logger.warning(
                    "refused a connection: %d are open (max_connections)", len(self.connections) - 1
                )
                self._answer_and_close(
                    503, "Service Unavailable", "too many connections to the proxy; try again"
                )
                return
            self._arm_head_deadline()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_head_deadline()
            super().connection_lost(exc)

        # -- the head: its deadline and its size -------------------------

        def _arm_head_deadline(self) -> None:
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(limits.header_timeout, self._head_late)

        def _disarm_head_deadline(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_late(self) -> None:
            self._head_timer = None
            if self._in_head and not self.transport.is_closing():
                self._answer_and_close(
                    408,
                    "Request Timeout",
                    f"the request head did not arrive within {limits.header_timeout:g} s",
                )

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_head = True
            self._head_size = 0
            self._arm_head_deadline()

        def on_url(self, url: bytes) -> None:
            super().on_url(url)
            self._head_size += len(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            super().on_header(name, value)
            self._head_size += len(name) + len(value) + 4

        def on_response_complete(self) -> None:
            pipelined = bool(self.pipeline)
            super().on_response_complete()
            if not pipelined and not self.transport.is_closing():
                # The next request's head is due from now: uvicorn's idle timer stops at the
                # first byte (a bare CRLF, which starts no request, is enough), this does not.
                self._arm_head_deadline()

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._head_bytes = 0
            self._disarm_head_deadline()
            if self._head_size > MAX_HEAD_SIZE:
                self._answer_and_close(
                    431,
                    "Request Header Fields Too Large",
                    f"the request head is larger than {MAX_HEAD_SIZE // 1024} KiB",
                )
                return
            if self.parser.should_upgrade():
                # httptools stops reading the request at an Upgrade (h2c, websocket): its body
                # would be lost. This server switches to no other protocol.
                self._answer_and_close(
                    400,
                    "Bad Request",
                    "this server does not switch protocols: send the request without Upgrade",
                )
                return
            if self.parser.get_http_version() not in ("1.0", "1.1"):
                # llhttp reads "HTTP/2.0" (or 1.7) in a request line like any other version;
                # this server speaks HTTP/1.x only, and says so rather than answer in 1.1
                self._answer_and_close(
                    505, "HTTP Version Not Supported", "this server speaks HTTP/1.0 and HTTP/1.1"
                )
                return
            super().on_headers_complete()

        def on_body(self, body: bytes) -> None:
            if self.cycle is not None:
                super().on_body(body)

        def on_message_complete(self) -> None:
            if self.cycle is not None:
                super().on_message_complete()
            self._in_head = True  # what follows on this connection is the next request's head

        def data_received(self, data: bytes) -> None:
            if self._lingering:
                return  # the rest of a refused request: dropped
            in_head = self._in_head
            super().data_received(data)
            # Counted only for chunks read wholly in a head: one that ends a body may carry the
            # start of the next head, which its following chunks then count.
            if in_head and self._in_head and not self.transport.is_closing():
                self._head_bytes += len(data)
                if self._head_bytes > MAX_HEAD_SIZE:
                    self._answer_and_close(
                        431,
                        "Request Header Fields Too Large",
                        f"the request head is larger than {MAX_HEAD_SIZE // 1024} KiB",
                    )

        def send_400_response(self, msg: str) -> None:
            # uvicorn's own answer is text; the proxy's callers read the service's JSON shape.
            self._answer_and_close(400, "Bad Request", "the request is not valid HTTP/1.1")

        # -- closing without destroying the answer -----------------------

        def _answer_and_close(self, status: int, reason: str, message: str) -> None:
            # no request reached the application: this is the connection's one log line
            logger.info("- - %d (%s) from %s", status, message, _peer(self.client))
            self._disarm_head_deadline()
            cycle = self.cycle
            if cycle is not None and not cycle.response_complete:
                # a request the application is answering: its answer is this one now
                cycle.disconnected = True
                cycle.message_event.set()
            self.transport.write(_raw_answer(status, reason, message))
            self._linger()

        def close_requested(self) -> None:
            """uvicorn closes the connection: linger if the request was not read to its end."""
            cycle = self.cycle
            if (cycle is not None and cycle.more_body) or (self._in_head and self._head_bytes):
                self._linger()
            else:
                self._raw.close()

        def _linger(self) -> None:
            """Say we are done, then drop what the caller still sends, for a short while.

            Closing a socket with unread input makes the kernel send a reset,
            which can destroy the answer before the caller reads it.
            """
            transport = self._raw
            if self._lingering or transport.is_closing():
                return
            if not transport.can_write_eof():
                transport.close()
                return
            self._lingering = True
            transport.write_eof()
            self.flow.resume_reading()
            self.loop.call_later(LINGER_SECONDS, transport.close)

        def eof_received(self) -> None:
            if self._lingering:
                self._raw.close()

    return GuardedProtocol


def _peer(client: Any) -> str:
    return f"{client[0]}:{client[1]}" if client else "-"


class _Transport:
    """A connection's transport, as uvicorn's protocol sees it: closing may linger first."""

    def __init__(self, transport: Any, protocol: Any) -> None:
        self._transport = transport
        self._protocol = protocol

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def close(self) -> None:
        if self._transport.is_closing():
            return
        self._protocol.close_requested()

    def is_closing(self) -> bool:
        return bool(self._protocol._lingering or self._transport.is_closing())


class _ExpectedEnds(logging.Filter):
    """Drops uvicorn's error line for an answer the application left unfinished on purpose.

    The proxy ends a forwarded answer that way when the upstream breaks off
    or the server stops mid-answer, so that the caller sees the connection
    close rather than a short body; its own log line says why.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing response."


def _quiet_uvicorn() -> None:
    errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _ExpectedEnds) for f in errors.filters):
        errors.addFilter(_ExpectedEnds())


class _Server:
    """One uvicorn server for the application, on a socket bound beforehand."""

    def __init__(self, app: ProxyApp, limits: ServerLimits) -> None:
        import uvicorn

        _quiet_uvicorn()

        self.config = uvicorn.Config(
            app,
            http=_protocol_class(limits),
            ws="none",
            lifespan="on",
            interface="asgi3",
            log_config=None,
            access_log=False,  # the application writes one line per request
            server_header=False,  # the application says which server answered
            date_header=False,
            proxy_headers=False,  # X-Forwarded-* is for the operator's own reverse proxy
            timeout_keep_alive=max(1, round(limits.keep_alive_timeout)),
            # uvicorn's hint says int; it passes the value to asyncio.wait_for, which takes any
            timeout_graceful_shutdown=cast(int, limits.shutdown_grace),
            backlog=limits.backlog,
        )
        self.server = uvicorn.Server(self.config)

    def run(self, sock: socket.socket) -> None:
        loop = _new_event_loop()
        try:
            loop.run_until_complete(self.server.serve(sockets=[sock]))
        finally:
            loop.close()


def _new_event_loop() -> asyncio.AbstractEventLoop:
    # uvloop (when installed) spends about half of asyncio's CPU per request
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class CompatibilityProxy:
    """The compatibility proxy's ASGI application, served by uvicorn in a background thread.

    ``host``/``port`` is where it listens (port 0: any free port; ``url``
    says which). Every option of ``create_app`` is accepted (``upstream``,
    ``target``, ``strict``, ``max_body_size``, ``fallback_api_key``,
    ``allowed_hosts``, ``allowed_origins``, ...); ``limits`` (a
    ``ServerLimits``) or its fields as keywords (``max_connections``,
    ``header_timeout``, ``keep_alive_timeout``, ``shutdown_grace``, ...)
    bound the connections. ``app`` is the application.

    Use it as a context manager, or ``start()``/``stop()``;
    ``serve_forever()`` blocks until ``stop()`` is called from elsewhere.
    """

    def __init__(
        self,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        limits: ServerLimits | None = None,
        max_connections: int | None = None,
        header_timeout: float | None = None,
        body_timeout: float | None = None,
        keep_alive_timeout: float | None = None,
        shutdown_grace: float | None = None,
        **app_options: Any,
    ) -> None:
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ConfigurationError(f"port must be a number from 0 to 65535; got {port!r}")
        given: dict[str, Any] = {
            name: value
            for name, value in dict(
                max_connections=max_connections,
                header_timeout=header_timeout,
                body_timeout=body_timeout,
                keep_alive_timeout=keep_alive_timeout,
                shutdown_grace=shutdown_grace,
            ).items()
            if value is not None
        }
        self.limits = replace(limits or ServerLimits(), **given)
        try:
            import httptools  # noqa: F401
            import uvicorn  # noqa: F401
        except ImportError:
            raise ConfigurationError(
                "the proxy's server needs uvicorn and httptools: install legacy-stt[serve] "
                "(pip install 'legacy-stt[serve]')"
            ) from None
        self.host = host
        self.port = port
        app_options.setdefault("upload_threads", self.limits.max_connections)
        self.app = create_app(
            body_timeout=self.limits.body_timeout, listening_host=host, **app_options
        )
        self._server: _Server | None = None
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._lifecycle = threading.Lock()

    def __repr__(self) -> str:
        state = self.url if self._socket is not None else "stopped"
        return f"<CompatibilityProxy {state} -> {self.display_upstream}>"

    @property
    def upstream(self) -> str:
        return self.app.upstream

    @property
    def display_upstream(self) -> str:
        """The upstream URL as shown in logs and answers (without any user:password part)."""
        return self.app.display_upstream

    @property
    def endpoint(self) -> Any:
        """The ``AsyncLegacyEndpoint`` that runs the legacy calls."""
        return self.app.endpoint

    @property
    def url(self) -> str:
        """The proxy's base URL (with the actual port when it was started on port 0)."""
        if self._socket is None:
            raise RuntimeError(
                "the proxy is not running; call start() or use it as a context manager"
            )
        address, port = self._socket.getsockname()[:2]
        shown = f"[{address}]" if ":" in address else address
        return f"http://{shown}:{port}"

    @property
    def is_loopback(self) -> bool:
        """True when only this machine can reach the proxy (it listens on a loopback address)."""
        from ..core.settings import is_loopback_url

        host = f"[{self.host}]" if ":" in self.host else self.host
        return is_loopback_url(f"http://{host}/")

    def start(self) -> CompatibilityProxy:
        """Listen and serve in a background thread. Raises ``OSError`` if the port is taken."""
        with self._lifecycle:
            if self._socket is not None:
                return self
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            sock = socket.create_server(
                (self.host.strip("[]"), self.port), family=family, backlog=self.limits.backlog
            )
            server = _Server(self.app, self.limits)
            thread = threading.Thread(
                target=server.run, args=(sock,), name="legacy-stt-proxy", daemon=True
            )
            self._socket, self._server, self._thread = sock, server, thread
            self._stopped.clear()
            thread.start()
            deadline = time.monotonic() + 30
            while not server.server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    self._socket = self._server = self._thread = None
                    sock.close()
                    raise RuntimeError("the proxy's server did not start; see the log")
                time.sleep(0.005)
        logger.debug("proxy listening on %s", self.url)
        return self

    def serve_forever(self) -> None:
        """Serve until ``stop()`` is called (from another thread or a signal handler)."""
        self.start()
        while not self._stopped.wait(0.5):
            pass

    def stop(self, grace: float | None = None) -> None:
        """Stop accepting, let requests in flight finish (for up to ``grace`` seconds), close.

        Idle keep-alive connections are closed at once. A legacy call still
        waiting for its job after the grace period answers 503 with its
        ``generation_id``; other requests still running are cut off.
        """
        with self._lifecycle:
            server, thread, sock = self._server, self._thread, self._socket
            if server is None or thread is None:
                return
            wait = self.limits.shutdown_grace if grace is None else grace
            server.config.timeout_graceful_shutdown = cast(int, wait)
            server.server.should_exit = True
            thread.join(wait + 60)
            if thread.is_alive():
                logger.warning("the proxy's server did not stop in time")
            if sock is not None:
                sock.close()
            self._server = self._thread = self._socket = None
            self._stopped.set()
        logger.debug("proxy stopped")

    def __enter__(self) -> CompatibilityProxy:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
