"""A local HTTP server that answers the deprecated ``POST /v1/stt`` for callers in any language.

Code that is not Python -- a ``curl`` line in a shell script, a JavaScript
``fetch`` -- cannot use the client or the drop-in adapter. It can be pointed
at this proxy instead::

    with CompatibilityProxy(port=8765) as proxy:
        proxy.serve_forever()          # or: keep working while it serves in the background

and keeps sending what it always sent:

* ``POST /v1/stt`` and ``POST /stt`` (JSON, multipart upload or form fields)
  are answered by one shared ``legacy_endpoint.LegacyEndpoint``: exactly one
  job is created on the two-step API, polled, and the legacy body comes
  back with ``201``; parameter notices come back as
  ``X-Legacy-STT-Warning`` headers. Errors are JSON in the service's shape
  (``statusCode``, ``message``, ``error``), with the statuses of
  ``legacy_endpoint.reply_for_error``.
* Every other request under ``/v1/`` (``POST /v1/stt/create``,
  ``GET /v1/stt/{generation_id}``, ...) is forwarded to the upstream
  service unchanged, so callers can move to the two-step API through the
  same address one call at a time.
* ``GET /healthz`` (or ``/health``) answers ``200`` with the configuration
  (never a key).

Request bodies are streamed -- to the multipart parser, which spools file
parts to disk, or to the upstream -- never held whole in memory; bodies
larger than ``max_body_size`` are refused with ``413``. The caller's
``Authorization`` header is passed on and never stored or logged; the log has
one line per request with the method, the path without its query string,
the status, the duration and the byte counts (control characters escaped).

Every legacy answer, success or error, carries ``Deprecation`` (RFC 9745)
and a ``Link`` with ``rel="deprecation"`` to the migration guide.

Trust: the proxy answers programs on this machine, not web pages. A request
whose ``Host`` does not name the listening address (DNS rebinding) is
refused with ``421``; one sent by a page of another origin (an ``Origin``
header other than the proxy's own, ``Origin: null``, or ``Sec-Fetch-Site:
cross-site``/``same-site`` without an ``Origin``) with ``403``, unless the
operator allowed that host or origin. The operator's ``fallback_api_key``
is lent only to the speech-to-text paths, unless ``fallback_key_all_paths``
says otherwise, and a legacy request with no usable key is answered ``401``
before its body is read.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any, cast
from urllib.parse import unquote, urlsplit, urlunsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from .._text import ascii_escaped
from .._version import __version__
from ..core.polling import DEFAULT_POLL_TIMEOUT, PollPolicy
from ..core.retries import RetryPolicy
from ..core.settings import MaskedValue
from ..exceptions import (
    MAX_ANSWER_HINT,
    MISSING_KEY_HINT,
    RAW_RESULT_HINT,
    RETRY_AFTER_MAX_HINT,
    ConfigurationError,
    RequestRejected,
    resume_hint,
)
from ..payloads.planning import Target
from ..sync.transport import DEFAULT_BASE_URL, APIKey, is_loopback_url
from .endpoint import (
    DEFAULT_MAX_BODY_SIZE,
    LegacyEndpoint,
    LegacyReply,
    bearer_key,
    error_body,
    is_legacy_path,
    status_phrase,
)
from .request_bodies import CHUNK_SIZE, LengthBody, RequestBody, open_request_body

__all__ = [
    "CompatibilityProxy",
    "DEFAULT_HOST",
    "DEFAULT_MIGRATION_GUIDE_URL",
    "DEFAULT_PORT",
    "DEPRECATION_DATE",
    "HEALTH_PATHS",
    "WARNING_HEADER",
]

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: Paths of the health check.
HEALTH_PATHS = ("/healthz", "/health")
#: Requests under this prefix that are not legacy calls are forwarded to the upstream.
FORWARDED_PREFIX = "/v1/"
#: The response header that carries each parameter notice (one header per notice).
WARNING_HEADER = "X-Legacy-STT-Warning"
#: When the one-call endpoint was deprecated, as a Unix time: 2026-08-21T00:00:00Z. The
#: service's published API description already marked it deprecated in its snapshot of that
#: day; the service announced no earlier date, so this is the earliest one we can vouch for.
DEPRECATION_DATE = 1787270400
#: Where the ``rel="deprecation"`` link of legacy answers points by default. The project has
#: no published documentation address of its own; its package page on PyPI is the one address
#: that follows from the package itself (its name), and it shows the README and links onward.
#: Operators can point it at their own copy of MIGRATION.md (``migration_guide_url``).
DEFAULT_MIGRATION_GUIDE_URL = "https://pypi.org/project/legacy-stt/"
#: Connections kept open to the upstream: one per concurrent request, so that
#: many callers polling at once do not open and drop a connection per poll.
DEFAULT_POOL_SIZE = 256
#: How long ``stop()`` waits for requests in flight.
DEFAULT_SHUTDOWN_GRACE = 30.0
#: A connection that sends nothing for this long is closed (idle keep-alive, stalled upload).
CONNECTION_TIMEOUT = 120.0
#: After refusing a body, how long its remaining bytes are read and discarded before closing
#: (closing a socket with unread data sends a reset, which can destroy the answer in transit).
LINGER_SECONDS = 2.0
#: A body left unread after the answer is read to its end if it is this small (to keep the
#: connection), otherwise the connection is closed.
DRAIN_LIMIT = 64 * 1024

# Hop-by-hop headers (RFC 9110, 7.6.1) describe one connection, not the message; they are
# never passed on. Host is the proxy's own; Content-Length is set again by requests for the
# body it sends; Expect: 100-continue is answered here, when the body is first read.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "trailers",
        "upgrade",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
    }
)
_NOT_FORWARDED = _HOP_BY_HOP | {"host", "content-length", "expect"}
_NO_BODY_STATUSES = frozenset({204, 304})


# -- small helpers --------------------------------------------------------------


def _header_text(text: str, limit: int = 2000) -> str:
    """``text`` as a safe header value: one line of printable ASCII, escapes for the rest.

    Notice messages quote parameter names from the caller's payload, which
    could hold a line break (header injection) or non-ASCII text.
    """
    return ascii_escaped(text, limit=limit)


def _log_field(text: object, limit: int = 200) -> str:
    """``text`` as one field of a log line (values from callers and the upstream, such as a
    ``generation_id``, could forge a line with a line break or shift fields with a space)."""
    return ascii_escaped(text, limit=limit, field=True)


def _log_path(path: str, limit: int = 200) -> str:
    """A request path fit for a log line: printable, bounded (the query was removed before)."""
    return _log_field(path, limit)


def _parse_authority(text: str) -> tuple[str, int | None] | None:
    """``(host, port)`` of a ``Host`` value or an origin's authority; None if malformed.

    The host is lower case, without brackets (IPv6) or a trailing dot; the
    port is None when the value names none.
    """
    text = text.strip()
    if not text or not text.isascii() or any(c in text for c in " \t/\\@?#%,"):
        return None
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket:
            return None
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return None
    else:
        host, colon, port_text = text.partition(":")
        rest = colon + port_text
    port = None
    if rest:
        digits = rest[1:]
        if not rest.startswith(":") or not digits.isdigit() or len(digits) > 5:
            return None
        port = int(digits)
        if not 0 < port <= 65535:
            return None
    host = host.lower()
    if host.endswith("."):  # "localhost." names the same host as "localhost"
        host = host[:-1]
    if not host:
        return None
    return host, port


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` writes, if it is an IP literal (IPv4-mapped IPv6 as IPv4)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])  # without an IPv6 zone
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _same_host(one: str, other: str) -> bool:
    first, second = _ip(one), _ip(other)
    if first is not None or second is not None:
        return first == second
    return one == other


def _authority_text(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _normalize_origin(text: str) -> str | None:
    """``scheme://host[:port]`` in canonical form (default port left out); None if not an origin.

    ``null`` (what sandboxed frames, ``file:`` pages and some redirects send)
    is no origin and so is never the proxy's own nor an allowed one.
    """
    scheme, separator, authority = text.strip().partition("://")
    scheme = scheme.lower()
    if not separator or scheme not in _DEFAULT_PORTS:
        return None
    parsed = _parse_authority(authority[:-1] if authority.endswith("/") else authority)
    if parsed is None:
        return None
    host, port = parsed
    address = _ip(host)
    if address is not None:
        host = str(address)
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    return f"{scheme}://{_authority_text(host, port)}"


#: The speech-to-text paths of the two-step API (besides the legacy ones): the only forwarded
#: requests the operator's key is lent to, unless the operator lends it to every path.
_CREATE_PATH = "/v1/stt/create"
_POLL_PATH = re.compile(r"/v1/stt/[^/]+")


def _is_stt_call(method: str, path: str) -> bool:
    """True for ``POST /v1/stt``, ``/stt``, ``POST /v1/stt/create`` and ``GET /v1/stt/{id}``."""
    if method == "POST":
        return is_legacy_path(path) or path == _CREATE_PATH
    # Decoded, so that an escaped "/" (%2F) cannot make another path look like a poll.
    decoded = unquote(path)
    return (
        method in ("GET", "HEAD")
        and _POLL_PATH.fullmatch(decoded) is not None
        and decoded != _CREATE_PATH
    )


def _display_url(url: str) -> str:
    """``url`` without any ``user:password@`` part, for logs and the health answer."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


# -- the HTTP server ----------------------------------------------------------------


class _ProxyServer(ThreadingHTTPServer):
    """A thread per connection; knows its open connections and the requests in flight."""

    daemon_threads = True
    # 200 callers connecting at once must not find the default backlog of 5 full:
    # refused SYNs are retried only after a second.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], proxy: CompatibilityProxy) -> None:
        self.proxy = proxy
        self.stopping = False
        self._state = threading.Condition()
        self._connections: set[socket.socket] = set()
        self._in_flight = 0
        if ":" in address[0]:
            self.address_family = socket.AF_INET6  # an IPv6 literal such as ::1
        super().__init__(address, _ProxyHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._state:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._state:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver's default prints a traceback to stderr; a dropped connection is routine.
        logger.info("a connection ended with an error")
        logger.debug("connection error details", exc_info=True)

    def request_started(self) -> None:
        with self._state:
            self._in_flight += 1

    def request_finished(self) -> None:
        with self._state:
            self._in_flight -= 1
            self._state.notify_all()

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait for the requests in flight to finish; False if some are still running."""
        deadline = time.monotonic() + timeout
        with self._state:
            while self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._state.wait(left)
        return True

    def close_connections(self) -> None:
        """Close every connection still open (idle keep-alive ones, or stragglers)."""
        with self._state:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _ProxyHandler(BaseHTTPRequestHandler):
    """One connection: parses each request and answers it (legacy, forwarded, health)."""

    protocol_version = "HTTP/1.1"
    server_version = f"legacy-stt-proxy/{__version__}"
    timeout = CONNECTION_TIMEOUT
    # Headers and body go out in separate writes; with Nagle's algorithm the body would wait
    # for the caller's delayed ACK of the headers (40 ms on Linux) on every keep-alive answer.
    disable_nagle_algorithm = True
    server: _ProxyServer

    def version_string(self) -> str:
        return self.server_version  # the standard one appends " <sys_version>", here empty

    # -- plumbing ---------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self._linger = False
        self._expect_continue = False
        self._record = _RequestRecord()
        self._reader: RequestBody | None = None
        self._authority: tuple[str, int | None] | None = None

    def parse_request(self) -> bool:
        self._expect_continue = False
        return super().parse_request()

    def handle_expect_100(self) -> bool:
        # The standard handler says "100 Continue" at once. Saying it only when the body is
        # first read means a request refused on its headers (413, 404, 401 on a forward) is
        # answered without making the caller send what may be gigabytes.
        self._expect_continue = True
        return True

    def _send_continue(self) -> None:
        if self._expect_continue:
            self._expect_continue = False
            self.send_response_only(HTTPStatus.CONTINUE)
            self.end_headers()

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        # Replaced by one line per request in _dispatch (the request line would carry the query).
        pass

    def log_message(self, format: str, *args: Any) -> None:
        # Only errors the standard handler reports itself (malformed request lines, timeouts)
        # get here; never headers.
        logger.info("%s", _header_text(format % args, 300))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The standard handler answers malformed requests with an HTML page; callers of the
        # proxy expect JSON. Its message may quote the request line (and so a query string):
        # it goes to the caller, not to the log.
        logger.info("malformed request answered with %d", code)
        self.close_connection = True
        self._record = _RequestRecord()
        self._reader = None
        self._send_json(code, error_body(code, message or status_phrase(code)))

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if self._linger:
                self._discard_input()

    def _discard_input(self) -> None:
        """Say we are done, then read what the caller is still sending, for a short while.

        Closing a socket with unread input makes the kernel send a reset,
        which can destroy the error answer before the caller reads it.
        """
        connection = self.connection
        try:
            connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_SECONDS
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                connection.settimeout(left)
                if not connection.recv(CHUNK_SIZE):
                    return
        except OSError:
            return

    def _send_json(
        self,
        status: int,
        body: Any,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        self._send(status, data, [("Content-Type", "application/json"), *headers])

    def _decide_close(self) -> None:
        """Decide, before the headers go out, whether this connection ends after the answer."""
        body = self._reader
        if self.server.stopping or (body is None and self._has_body()):
            # Stopping, or a body nobody will read (a 404, a health check with a body).
            self.close_connection = True
        elif (
            body is not None
            and not body.finished
            and (body.broken or not isinstance(body, LengthBody) or body.remaining > DRAIN_LIMIT)
        ):
            # Answered before the body was read, and too much of it is left to skip.
            self.close_connection = True

    def _send(self, status: int, data: bytes, headers: Iterable[tuple[str, str]]) -> None:
        self._decide_close()
        self.send_response(status)
        if self._record.route == "legacy":
            # MIGRATION.md promises a deprecation signal on every legacy answer, error or not.
            for name, value in self.server.proxy.deprecation_headers:
                self.send_header(name, value)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(0 if self.command == "HEAD" else len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self._record.response_started = True
        if self.command != "HEAD":
            self.wfile.write(data)
        self._record.bytes_out += len(data)
        self._record.status = status

    # -- dispatch ---------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        started = time.perf_counter()
        self._record = _RequestRecord()
        self._reader = None
        server = self.server
        path, query = _split_target(self.path)
        server.request_started()
        try:
            self._route(path, query)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            # The caller went away (or stalled) while we answered: nothing left to tell it.
            self._record.note = "caller disconnected"
            self.close_connection = True
        except Exception as error:  # a bug of ours: answer 500, keep the details in the log
            logger.error(
                "%s %s failed with %s", self.command, _log_path(path), type(error).__name__
            )
            logger.debug("details", exc_info=True)
            self.close_connection = True
            if not self._record.response_started:
                with contextlib.suppress(OSError):
                    self._send_json(
                        500, error_body(500, "internal error in the legacy-stt proxy; see its log")
                    )
        finally:
            self._settle_body(self._reader)
            if server.stopping:
                self.close_connection = True
            self._log_access(path, started)
            # Counted out only once logged, so that stop() returns with every line written.
            server.request_finished()

    def _route(self, path: str, query: str) -> None:
        """Answer the request (its body's reader, if one is made, is ``self._reader``)."""
        method = self.command
        health = path in HEALTH_PATHS and method in ("GET", "HEAD")
        legacy = method == "POST" and is_legacy_path(path)
        forwarded = not health and not legacy and path.startswith(FORWARDED_PREFIX) and _clean(path)
        self._record.route = (
            "health" if health else "legacy" if legacy else "forward" if forwarded else ""
        )
        # Who is asking comes first, for every path: nothing is read or sent upstream for a
        # request this proxy does not answer.
        if not self._addressed_here() or not self._not_from_a_web_page():
            return
        if health:
            self._health()
            return
        if not legacy and not forwarded:
            self._send_json(
                404,
                error_body(
                    404,
                    f"Cannot {method} {_log_path(path)}: this proxy answers POST /v1/stt and "
                    "POST /stt, forwards the other /v1/ requests, and reports on GET /healthz",
                ),
            )
            return
        if legacy and not self._has_usable_key(path):
            return
        accepted, body = self._body()
        if not accepted:
            return
        if legacy:
            self._legacy(path, body)
        else:
            self._forward(path, query, body)

    # -- who is asking ----------------------------------------------------

    def _addressed_here(self) -> bool:
        """The request names this proxy as its host; otherwise it is refused (421 or 400).

        A web page can point a name of its own at 127.0.0.1 (DNS rebinding);
        its requests then reach the proxy as same-origin ones, with that name
        in ``Host``. Only the names of the listening address, and the ones the
        operator allowed, are answered.
        """
        self._authority = None
        target = self.path
        if target.startswith(("http://", "https://")):
            # absolute-form: the target's authority replaces Host (RFC 9112, 3.2.2)
            values = [urlsplit(target).netloc]
        else:
            values = self.headers.get_all("Host") or []
        if not values:
            if self.request_version == "HTTP/1.0":
                return True  # no browser sends a request without Host
            # RFC 9112, 3.2: a server must answer 400 to an HTTP/1.1 request without one.
            self._refuse(400, "the request has no Host header (HTTP/1.1 requires one)")
            return False
        if len(values) > 1:
            self._refuse(400, "the request has more than one Host header")
            return False
        authority = _parse_authority(values[0])
        if authority is None:
            self._record.note = f"refused Host {_log_field(values[0], 100)}"
            self._refuse(400, "the request's Host header is malformed")
            return False
        if not self.server.proxy._answers_for(
            authority, self._local_address(), self.server.server_address[1]
        ):
            self._record.note = f"refused Host {_log_field(values[0], 100)}"
            # 421 Misdirected Request (RFC 9110, 15.5.20): this server does not answer for
            # that authority. Neither 400 (the header is well-formed) nor 403 (nobody could be
            # allowed the request as addressed; the operator can only add the name).
            self._refuse(
                421,
                f"this proxy does not answer for the host {_header_text(values[0], 100)}: "
                f"address it as {self._own_authority()}, or start it with --allowed-host NAME "
                "(allowed_hosts=) to answer that name as well",
            )
            return False
        self._authority = authority
        return True

    def _local_address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The address this connection arrived on."""
        try:
            return _ip(str(self.connection.getsockname()[0]))
        except (OSError, IndexError):
            return None

    def _own_authority(self) -> str:
        """The ``Host`` value that names this proxy on this connection (for messages)."""
        local = self._local_address()
        return _authority_text(
            str(local) if local is not None else self.server.proxy.host,
            self.server.server_address[1],
        )

    def _not_from_a_web_page(self) -> bool:
        """The request does not come from a web page of another origin; otherwise 403.

        Browsers send ``Origin`` with every cross-origin request (and form
        posts, and ``text/plain`` posts, need no CORS preflight), so a page
        could spend the operator's key and make jobs. A request without
        ``Origin`` -- curl, server code -- is not a page's, unless its
        ``Sec-Fetch-Site`` says it comes from another site.
        """
        proxy = self.server.proxy
        origins = self.headers.get_all("Origin") or []
        if len(origins) > 1:
            reason = "more than one Origin header"
            self._record.note = "refused: several Origin headers"
        elif origins:
            origin = _normalize_origin(origins[0])
            if origin is not None and origin in proxy._allowed_origins:
                return True
            own = None
            if self._authority is not None:
                own = _normalize_origin("http://" + _authority_text(*self._authority))
            if origin is not None and origin == own:
                return True
            reason = f"the Origin {_header_text(origins[0], 100)}"
            self._record.note = f"refused Origin {_log_field(origins[0], 100)}"
        else:
            site = (self.headers.get("Sec-Fetch-Site") or "").strip().lower()
            if site not in ("cross-site", "same-site"):
                return True
            reason = f"Sec-Fetch-Site: {site}, a page of another site"
            self._record.note = f"refused Sec-Fetch-Site {site}"
        self._refuse(
            403,
            f"this proxy does not answer requests from web pages of other origins ({reason}); "
            "start it with --allowed-origin ORIGIN (allowed_origins=) to answer that origin",
        )
        return False

    def _has_usable_key(self, path: str) -> bool:
        """A legacy request has a bearer key to run on; otherwise 401, before its body is read.

        The body may be gigabytes: reading and parsing it only to refuse it
        would cost the memory and disk of an upload for nothing.
        """
        authorization = self._authorization(path)
        if bearer_key(authorization) is not None:
            return True
        sent = self.headers.get("Authorization")
        if sent is not None and _empty_bearer(sent):
            message = (
                "the Authorization header holds an empty key (`Bearer ` and nothing after it): "
                "is the variable it comes from, such as AIML_API_KEY, set where the request is made?"
            )
        elif authorization:
            message = (
                "the Authorization header is not a bearer key: send `Authorization: Bearer <key>`"
            )
        else:
            message = "no API key: send the header `Authorization: Bearer <key>`"
        self._refuse(401, message, [("WWW-Authenticate", "Bearer")])
        return False

    def _has_body(self) -> bool:
        headers = getattr(self, "headers", None)  # not there for a malformed request line
        if headers is None:
            return False
        return "Transfer-Encoding" in headers or (
            headers.get("Content-Length", "0").strip() not in ("", "0")
        )

    def _body(self) -> tuple[bool, RequestBody | None]:
        """A reader for the request body (None: there is none); False if it was refused."""
        try:
            self._reader = open_request_body(
                self.headers,
                self.rfile,
                limit=self.server.proxy.max_body_size,
                before_first_read=self._send_continue,
            )
        except RequestRejected as rejected:  # refused on the headers alone: nothing is read
            return self._refuse(rejected.status, str(rejected))
        return True, self._reader

    def _refuse(
        self, status: int, message: str, headers: Iterable[tuple[str, str]] = ()
    ) -> tuple[bool, None]:
        """Answer an error without reading the body; the connection cannot be reused."""
        self.close_connection = True
        self._linger = True
        self._send_json(status, error_body(status, message), headers)
        return False, None

    def _settle_body(self, body: RequestBody | None) -> None:
        """After the answer: the next request on this connection must start where it should."""
        if body is None:
            if self._has_body():  # a body nobody asked for (a 404, a health check)
                self.close_connection = True
                self._linger = True
            return
        self._record.bytes_in = body.bytes_read
        if body.finished:
            return
        if not body.broken and isinstance(body, LengthBody) and body.remaining <= DRAIN_LIMIT:
            try:
                while body.read(CHUNK_SIZE):
                    pass
                return
            except RequestRejected:
                pass
        # The rest of the body is unread (refused, or answered before it was all read):
        # close the connection, politely.
        self.close_connection = True
        self._linger = True

    # -- the three kinds of request ---------------------------------------

    def _health(self) -> None:
        proxy = self.server.proxy
        self._send_json(
            200,
            {
                "status": "ok",
                "upstream": _display_url(proxy.upstream),
                "target": proxy.target,
                "strict": proxy.strict,
                "max_body_size": proxy.max_body_size,
                "version": __version__,
            },
        )

    def _authorization(self, path: str) -> str | None:
        """The caller's ``Authorization``; else the operator's key, where it may be lent."""
        header = self.headers.get("Authorization")
        if header is not None and not _empty_bearer(header):
            return header
        # `Bearer $AIML_API_KEY` with the variable unset arrives as "Bearer ": no key at all.
        proxy = self.server.proxy
        fallback = proxy._fallback_key
        if fallback is None:
            return None
        # The key pays for speech-to-text; a caller without one of its own gets nothing else
        # on it (chat completions, images, ...) unless the operator said so.
        if proxy.fallback_key_all_paths or _is_stt_call(self.command, path):
            # masked in every repr: the forwarded headers dict is a frame local of requests
            return MaskedValue("Bearer " + fallback.reveal())
        return None

    def _legacy(self, path: str, body: RequestBody | None) -> None:
        proxy = self.server.proxy
        reply = proxy.endpoint.reply(
            self.headers.get("Content-Type"),
            # read(n) is all the endpoint uses of a stream
            cast(IO[bytes], body) if body is not None else b"",
            content_length=body.len if isinstance(body, LengthBody) else None,
            authorization=self._authorization(path),
        )
        self._send_reply(reply)

    def _send_reply(self, reply: LegacyReply) -> None:
        headers = [
            (name, _header_text(value))
            for name, value in reply.headers.items()
            if name.lower() not in _HOP_BY_HOP | {"content-type", "content-length"}
        ]
        headers += [
            (WARNING_HEADER, _header_text(f"{notice.code}: {notice.message}"))
            for notice in reply.notices
        ]
        self._record.generation_id = reply.generation_id
        self._record.notices = len(reply.notices)
        content = reply.content
        body = reply.body
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            content = json.dumps(
                {**body, "message": _for_http_callers(body["message"], reply.generation_id)}
            ).encode()
        self._send_json(reply.status, content, headers)

    def _forward_headers(self, path: str) -> CaseInsensitiveDict:
        connection_tokens = {
            token.strip().lower()
            for value in self.headers.get_all("Connection") or []
            for token in value.split(",")
        }
        headers: CaseInsensitiveDict = CaseInsensitiveDict()
        for name, value in self.headers.items():
            lowered = name.lower()
            if lowered in _NOT_FORWARDED or lowered in connection_tokens:
                continue
            if lowered.startswith("proxy-"):
                continue
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        authorization = self._authorization(path)
        if authorization is not None:
            headers["Authorization"] = authorization
        # requests would add its own User-Agent, Accept and Accept-Encoding; None keeps what the
        # caller sent (or nothing), so that the upstream answers exactly what the caller asked for.
        for name in ("User-Agent", "Accept", "Accept-Encoding", "Connection"):
            if name not in headers:
                headers[name] = None
        return headers

    def _forward(self, path: str, query: str, body: RequestBody | None) -> None:
        proxy = self.server.proxy
        url = proxy.upstream + path + (f"?{query}" if query else "")
        data: Any = None
        if isinstance(body, LengthBody):
            data = body if body.len else b""
        elif body is not None:
            data = iter(body)  # chunked on the way in, chunked on the way out
        try:
            upstream = proxy.session.request(
                self.command,
                url,
                headers=self._forward_headers(path),
                data=data,
                stream=True,
                allow_redirects=False,
                timeout=proxy.timeout,
            )
        except RequestRejected as rejected:  # the caller's body, read while it was sent
            self.close_connection = True
            self._send_json(rejected.status, error_body(rejected.status, str(rejected)))
            return
        except requests.Timeout as error:
            self._bad_gateway(
                f"the upstream service at {_display_url(proxy.upstream)} did not answer in time "
                f"({type(error).__name__})"
            )
            return
        except requests.RequestException as error:
            self._bad_gateway(
                f"the upstream service at {_display_url(proxy.upstream)} cannot be reached "
                f"({type(error).__name__})"
            )
            return
        with upstream:
            self._relay(upstream)

    def _bad_gateway(self, message: str) -> None:
        self._record.note = "upstream unreachable"
        self._send_json(502, error_body(502, message))

    def _relay(self, upstream: requests.Response) -> None:
        """Stream the upstream's answer back: status, end-to-end headers, body as it arrives."""
        status = upstream.status_code
        raw_headers = upstream.raw.headers
        connection_tokens = {
            token.strip().lower()
            for value in raw_headers.getlist("Connection")
            for token in value.split(",")
        }
        has_body = self.command != "HEAD" and status >= 200 and status not in _NO_BODY_STATUSES
        # With both, Transfer-Encoding wins (RFC 9112, 6.3) and the length is not to be trusted.
        framed = "Transfer-Encoding" in raw_headers
        length = None if framed else raw_headers.get("Content-Length")
        chunked = has_body and length is None and self.request_version == "HTTP/1.1"
        if has_body and length is None and not chunked:
            self.close_connection = True  # an HTTP/1.0 caller reads to the end of the connection
        self._decide_close()
        self.send_response_only(status)
        for name, value in raw_headers.items():
            lowered = name.lower()
            if lowered in _HOP_BY_HOP or lowered in connection_tokens:
                continue
            if lowered == "content-length" and framed:
                continue
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self._record.response_started = True
        self._record.status = status
        if not has_body:
            return
        # The raw stream, not iter_content: the body goes back byte for byte, still compressed
        # if the upstream compressed it (its Content-Encoding is passed on).
        chunks = upstream.raw.stream(CHUNK_SIZE, decode_content=False)
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                break
            except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as error:
                # The upstream broke off: close, so the caller cannot take a short body for whole.
                logger.info("the upstream's answer broke off (%s)", type(error).__name__)
                self._record.note = "upstream broke off"
                self.close_connection = True
                return
            if not chunk:
                continue
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                self.wfile.write(chunk)
            self._record.bytes_out += len(chunk)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    # -- the log line -----------------------------------------------------

    def _log_access(self, path: str, started: float) -> None:
        record = self._record
        # Every field is escaped: the path comes from the caller and the generation_id from the
        # upstream, and a line break in either would forge a log line.
        parts = [
            _log_field(self.command, 20),
            _log_path(path),
            str(record.status if record.status is not None else "-"),
            f"{(time.perf_counter() - started) * 1000:.0f}ms",
            f"in={record.bytes_in}B",
            f"out={record.bytes_out}B",
        ]
        if record.route == "legacy":
            parts.append(f"generation_id={_log_field(record.generation_id or '-', 100)}")
            parts.append(f"notices={record.notices}")
        elif record.route == "forward":
            parts.append("forwarded")
        if record.note:
            # notes are the proxy's own words; any outside value in one was escaped already
            parts.append(f"({_header_text(record.note, 300)})")
        logger.info("%s", " ".join(parts))


class _RequestRecord:
    """What the log line of one request says."""

    __slots__ = (
        "bytes_in",
        "bytes_out",
        "generation_id",
        "note",
        "notices",
        "response_started",
        "route",
        "status",
    )

    def __init__(self) -> None:
        self.status: int | None = None
        self.bytes_in = 0
        self.bytes_out = 0
        self.route = ""
        self.generation_id: str | None = None
        self.notices = 0
        self.note = ""
        self.response_started = False


def _for_http_callers(message: str, generation_id: str | None) -> str:
    """A message's advice said for the proxy's callers, who are not Python: HTTP requests.

    ``GET /v1/stt/{id}`` through this proxy is forwarded to the service,
    which answers with the job's result as the service has it.
    """
    if generation_id:
        message = message.replace(
            f"call {resume_hint(generation_id)}",
            f"send GET /v1/stt/{generation_id} (through this proxy or to the service)",
        )
    return (
        message.replace(f" again, {RAW_RESULT_HINT}", " (it answers as the service sent it)")
        .replace(f", {MAX_ANSWER_HINT} if the result is really that big", "")
        .replace(f"; {RETRY_AFTER_MAX_HINT}", "")
        .replace(MISSING_KEY_HINT, "send the header `Authorization: Bearer <key>`")
    )


def _empty_bearer(header: str) -> bool:
    """True for ``Bearer`` with no key after it (what an unset shell variable gives)."""
    scheme, _, credentials = header.strip().partition(" ")
    return scheme.lower() == "bearer" and not credentials.strip()


def _split_target(target: str) -> tuple[str, str]:
    """Path and query of a request target (an absolute URL too, as sent to an HTTP proxy)."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return parts.path or "/", parts.query
    path, _, query = target.partition("?")
    return path.split("#", 1)[0], query


def _clean(path: str) -> bool:
    """False for paths with ``.``/``..`` segments, which could step out of ``/v1/`` upstream."""
    return not any(segment in (".", "..") for segment in unquote(path).split("/"))


# -- the proxy ------------------------------------------------------------------------


def _settle_environment(session: requests.Session, upstream: str) -> None:
    """Read the environment's proxy and CA settings once, for the one upstream.

    With ``trust_env`` on, requests scans every environment variable on each
    request (about a millisecond, several times per legacy call), and it
    would let ``~/.netrc`` credentials replace the caller's
    ``Authorization``. The proxy always talks to the same upstream, so the
    settings are read here and ``trust_env`` is turned off.
    """
    session.trust_env = False
    with contextlib.suppress(ValueError):  # a malformed URL is reported by LegacyEndpoint
        session.proxies.update(requests.utils.get_environ_proxies(upstream))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle


def _allowed_hosts(
    entries: Iterable[str],
) -> tuple[tuple[tuple[str, int | None], ...], bool]:
    """The parsed ``allowed_hosts``, and whether any host is allowed (``"*"``)."""
    if isinstance(entries, str):
        entries = [entries]
    parsed: list[tuple[str, int | None]] = []
    any_host = False
    for entry in entries:
        if not isinstance(entry, str):
            raise ConfigurationError(f"allowed_hosts must be strings; got {type(entry).__name__}")
        if entry.strip() == "*":
            any_host = True
            continue
        authority = _parse_authority(entry)
        if authority is None:
            raise ConfigurationError(
                f"allowed_hosts (--allowed-host): not a host name or host:port: {entry!r} "
                "(write stt.internal, stt.internal:8765 or [::1]:8765)"
            )
        parsed.append(authority)
    return tuple(parsed), any_host


def _allowed_origins(entries: Iterable[str]) -> frozenset[str]:
    """The ``allowed_origins``, in canonical form."""
    if isinstance(entries, str):
        entries = [entries]
    allowed = set()
    for entry in entries:
        if not isinstance(entry, str):
            raise ConfigurationError(f"allowed_origins must be strings; got {type(entry).__name__}")
        if entry.strip() in ("null", "*"):
            # Any sandboxed frame or local file sends "null"; "*" is every page on the web.
            raise ConfigurationError(
                f"allowed_origins (--allowed-origin): {entry.strip()!r} would let any web page "
                "use the proxy; name the origins (scheme://host[:port])"
            )
        origin = _normalize_origin(entry)
        if origin is None:
            raise ConfigurationError(
                f"allowed_origins (--allowed-origin): not an origin: {entry!r} "
                "(write scheme://host[:port], such as https://app.example)"
            )
        allowed.add(origin)
    return frozenset(allowed)


def _guide_url(url: str) -> str:
    """``url`` if it can be the target of a ``Link`` header: absolute http(s), plain ASCII."""
    if not isinstance(url, str):
        raise ConfigurationError(f"migration_guide_url must be a string; got {type(url).__name__}")
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or not url.isascii()
        or any(c in '<>"' or not 32 < ord(c) < 127 for c in url)
    ):
        raise ConfigurationError(
            f"migration_guide_url must be an absolute http(s) URL without spaces or <>; got {url!r}"
        )
    return url


class CompatibilityProxy:
    """A local HTTP server that answers the deprecated one-call endpoint on the two-step API.

    ``host``/``port`` is where it listens (port 0: any free port; ``url``
    says which). ``upstream`` is the service's base URL (default
    ``AIML_API_BASE_URL``, else ``https://api.aimlapi.com``). ``target``,
    ``strict``, ``poll_timeout``, ``poll_policy``, ``timeout``, ``retry`` and
    ``allow_insecure_http`` are ``Client``'s options, applied to every legacy
    request. ``max_body_size`` bounds request bodies (413 beyond).
    ``fallback_api_key`` is used only for requests that carry no
    ``Authorization`` header; otherwise the caller's own header is passed
    on. It is lent to the speech-to-text calls only (``POST /v1/stt``,
    ``/stt``, ``POST /v1/stt/create``, ``GET /v1/stt/{id}``); other
    forwarded requests without a key of their own go upstream without one,
    unless ``fallback_key_all_paths`` is true. ``pool_size`` is the number
    of connections kept open to the upstream.

    ``allowed_hosts`` are further ``Host`` values to answer (``name`` for
    any port, ``name:port``, or ``"*"`` for any host, as behind a reverse
    proxy that checks it); the names of the listening address are always
    answered. ``allowed_origins`` are web origins (``https://app.example``)
    whose pages may call the proxy; pages of any other origin get 403.
    ``migration_guide_url`` is the target of the ``rel="deprecation"`` link
    on legacy answers.

    Use it as a context manager, or ``start()``/``stop()``;
    ``serve_forever()`` blocks until ``stop()`` is called from elsewhere.
    """

    def __init__(
        self,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        upstream: str | None = None,
        target: Target = None,
        strict: bool = False,
        max_body_size: float = DEFAULT_MAX_BODY_SIZE,
        fallback_api_key: str | None = None,
        poll_timeout: float = DEFAULT_POLL_TIMEOUT,
        poll_policy: PollPolicy | None = None,
        timeout: float | tuple[float, float] | None = None,
        allow_insecure_http: bool = False,
        retry: RetryPolicy | int | None = None,
        pool_size: int = DEFAULT_POOL_SIZE,
        shutdown_grace: float = DEFAULT_SHUTDOWN_GRACE,
        allowed_hosts: Iterable[str] = (),
        allowed_origins: Iterable[str] = (),
        fallback_key_all_paths: bool = False,
        migration_guide_url: str = DEFAULT_MIGRATION_GUIDE_URL,
    ) -> None:
        from ..sync.client import DEFAULT_TIMEOUT

        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ConfigurationError(f"port must be a number from 0 to 65535; got {port!r}")
        if (
            not isinstance(max_body_size, (int, float))
            or isinstance(max_body_size, bool)
            or not max_body_size > 0
        ):
            raise ConfigurationError(
                f"max_body_size must be a positive number of bytes; got {max_body_size!r}"
            )
        if fallback_api_key is not None and not isinstance(fallback_api_key, str):
            raise ConfigurationError(
                f"fallback_api_key must be a string; got {type(fallback_api_key).__name__}"
            )
        self._allowed_hosts, self._any_host = _allowed_hosts(allowed_hosts)
        self._allowed_origins = _allowed_origins(allowed_origins)
        self.fallback_key_all_paths = bool(fallback_key_all_paths)
        self.migration_guide_url = _guide_url(migration_guide_url)
        #: Sent with every legacy answer (RFC 9745: an sf-date, then the link to what to do).
        self.deprecation_headers: tuple[tuple[str, str], ...] = (
            ("Deprecation", f"@{DEPRECATION_DATE}"),
            ("Link", f'<{self.migration_guide_url}>; rel="deprecation"; type="text/html"'),
        )
        self.host = host
        self.port = port
        self.strict = bool(strict)
        self.max_body_size = max_body_size
        self.shutdown_grace = float(shutdown_grace)
        self.session = requests.Session()
        # Every handler thread shares this session; the default pool keeps 10 connections per
        # host and drops (and logs) the rest, which would reconnect on every poll under load.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(1, int(pool_size)))
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        base_url = upstream or os.environ.get("AIML_API_BASE_URL") or DEFAULT_BASE_URL
        _settle_environment(self.session, base_url)
        self.endpoint = LegacyEndpoint(
            base_url=base_url,
            session=self.session,
            target=target,
            strict=strict,
            timeout=timeout,
            poll_timeout=poll_timeout,
            poll_policy=poll_policy,
            allow_insecure_http=allow_insecure_http,
            max_body_size=max_body_size,
            retry=retry,
        )
        self.upstream: str = self.endpoint.base_url
        self.target: Target = self.endpoint.target
        self.timeout = timeout or DEFAULT_TIMEOUT
        self._fallback_key = APIKey(fallback_api_key) if fallback_api_key else None
        self._server: _ProxyServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._lifecycle = threading.Lock()

    def __repr__(self) -> str:
        state = self.url if self._server is not None else "stopped"
        return f"<CompatibilityProxy {state} -> {_display_url(self.upstream)}>"

    # -- life cycle -------------------------------------------------------

    @property
    def url(self) -> str:
        """The proxy's base URL (with the actual port when it was started on port 0)."""
        if self._server is None:
            raise RuntimeError(
                "the proxy is not running; call start() or use it as a context manager"
            )
        address, port = self._server.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else str(address)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    @property
    def display_upstream(self) -> str:
        """The upstream URL as shown in logs and answers (without any user:password part)."""
        return _display_url(self.upstream)

    def _answers_for(
        self,
        authority: tuple[str, int | None],
        local: ipaddress.IPv4Address | ipaddress.IPv6Address | None,
        listening_port: int,
    ) -> bool:
        """True if ``authority`` (from ``Host``) names this proxy, reached at ``local``.

        Its names are the address the connection arrived on (which covers
        a wildcard ``host`` such as ``0.0.0.0``), ``localhost`` and every
        loopback address when that address is a loopback one, and ``host``
        as configured -- each with the listening port (or none, on port 80)
        -- plus ``allowed_hosts``.
        """
        if self._any_host:
            return True
        host, port = authority
        if any(
            _same_host(allowed, host) and allowed_port in (None, port)
            for allowed, allowed_port in self._allowed_hosts
        ):
            return True
        if (port if port is not None else 80) != listening_port:
            return False
        address = _ip(host)
        if address is not None and address == local:
            return True
        on_loopback = local is not None and local.is_loopback
        if on_loopback and (host == "localhost" or (address is not None and address.is_loopback)):
            return True
        return _ip(self.host) is None and host == self.host.strip("[]").lower().rstrip(".")

    @property
    def is_loopback(self) -> bool:
        """True when only this machine can reach the proxy (it listens on a loopback address)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return is_loopback_url(f"http://{host}/")

    def start(self) -> CompatibilityProxy:
        """Listen and serve in a background thread. Raises ``OSError`` if the port is taken."""
        with self._lifecycle:
            if self._server is not None:
                return self
            server = _ProxyServer((self.host, self.port), self)
            self._server = server
            self._stopped.clear()
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="legacy-stt-proxy",
                daemon=True,
            )
            self._thread.start()
        logger.debug("proxy listening on %s", self.url)
        return self

    def serve_forever(self) -> None:
        """Serve until ``stop()`` is called (from another thread or a signal handler)."""
        self.start()
        while not self._stopped.wait(0.5):
            pass

    def stop(self, grace: float | None = None) -> None:
        """Stop accepting, let requests in flight finish (for up to ``grace`` seconds), close.

        Idle keep-alive connections are closed; a request still running
        after the grace period has its connection closed under it.
        """
        with self._lifecycle:
            server, thread = self._server, self._thread
            if server is None:
                return
            server.stopping = True
            server.shutdown()  # the accept loop ends
            server.server_close()  # new connections are refused from here on
            if thread is not None:
                thread.join(timeout=5)
            wait = self.shutdown_grace if grace is None else grace
            if not server.wait_until_idle(wait):
                logger.warning("stopping with requests still running after %.0f s", wait)
            server.close_connections()
            self._server = None
            self._thread = None
            self.session.close()
            self._stopped.set()
        logger.debug("proxy stopped")

    def __enter__(self) -> CompatibilityProxy:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
