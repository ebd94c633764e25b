"""The compatibility proxy as an ASGI application, on the async protocol core.

``create_app(upstream=..., ...)`` returns an ASGI 3 application that any
ASGI server (``legacy-stt serve`` runs it on uvicorn) or framework
(mounted in FastAPI or Starlette) can run. It answers:

* ``POST /v1/stt`` and ``POST /stt`` (JSON, multipart upload or form
  fields) with one job on the two-step API, run by an
  ``AsyncLegacyEndpoint``: the legacy body with ``201``, the job's
  ``X-Generation-Id``, each parameter notice as an ``X-Legacy-STT-Warning``
  header, and on every legacy answer the ``Deprecation`` (RFC 9745) and
  ``Link rel="deprecation"`` headers. Errors are JSON in the service's shape
  (``statusCode``, ``message``, ``error``).
* every other request under ``/v1/`` by forwarding it to the upstream
  unchanged, its body and the answer's streamed both ways;
* ``GET /healthz`` (or ``/health``) with the configuration, never a key.

Who is asking is checked first, for every path, before a byte of the body
is read or anything is sent upstream: framing that could smuggle a second
request (``400``), a ``Host`` that does not name the proxy (``421``, DNS
rebinding), a web page of another origin (``403``), a legacy request with
no usable key (``401``), a declared body over the limit (``413``). Bodies
are read as they arrive -- spooled to disk by the multipart parser, or
passed upstream -- never held whole, except JSON and form bodies, which are
parsed whole as before.

When the server stops, a legacy call still waiting for its job is
cancelled by it; the call then answers ``503`` with the job's
``generation_id``, so the caller can fetch the result itself.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from typing import Any, Callable, cast
from urllib.parse import quote, unquote, urlsplit

import anyio.from_thread

from .._text import ascii_escaped
from .._version import __version__
from ..aio.http11 import ConnectionPool
from ..aio.transport import environment_proxy, new_aiohttp_session
from ..compat.async_endpoint import AsyncLegacyEndpoint
from ..compat.endpoint import (
    DEFAULT_MAX_BODY_SIZE,
    CallerAuthorization,
    LegacyReply,
    bearer_key,
    error_body,
    is_legacy_path,
)
from ..compat.request_bodies import too_large
from ..core import jsoncodec
from ..core.calls import DEFAULT_TIMEOUT
from ..core.polling import DEFAULT_POLL_TIMEOUT, PollPolicy
from ..core.retries import RetryPolicy
from ..core.settings import DEFAULT_BASE_URL, APIKey, MaskedValue, normalize_base_url
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
from .trust import (
    HostRules,
    authority_text,
    empty_bearer,
    ip_of,
    is_clean_path,
    is_stt_call,
    normalize_origin,
    parse_authority,
)
from .trust import allowed_origins as parse_allowed_origins

__all__ = [
    "DEFAULT_BODY_TIMEOUT",
    "DEFAULT_MIGRATION_GUIDE_URL",
    "DEPRECATION_DATE",
    "HEALTH_PATHS",
    "ProxyApp",
    "WARNING_HEADER",
    "create_app",
]

logger = logging.getLogger(__name__)

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
DEFAULT_MIGRATION_GUIDE_URL = "https://pypi.org/project/legacy-stt/"
#: A request body that sends nothing for this long is given up (408): a stalled upload must
#: not hold its spool file and its place in the connection limit for ever.
DEFAULT_BODY_TIMEOUT = 60.0
#: Worker threads that read multipart uploads at once (each holds one for its whole upload):
#: as many as ``legacy-stt serve`` holds connections by default.
DEFAULT_UPLOAD_THREADS = 2048
#: How long the application waits, when the server stops, for cancelled legacy calls to
#: finish their create and write their 503 (a create is bounded by its own timeouts).
STOP_WAIT = 30.0
#: Methods the proxy answers or forwards; others (TRACE, CONNECT) get 501.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SERVER_HEADER = f"legacy-stt-proxy/{__version__}"

# Hop-by-hop headers (RFC 9110, 7.6.1) describe one connection, not the message; they are
# never passed on. Host is the proxy's own; Content-Length is set again for the body sent;
# Expect: 100-continue is the server's to answer, when the body is first read.
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
# aiohttp would add these of its own; the upstream must see only what the caller sent.
_NO_AUTO_HEADERS = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")

Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]


def header_text(text: str, limit: int = 2000) -> str:
    """``text`` as a safe header value: one line of printable ASCII, escapes for the rest.

    Notice messages quote parameter names from the caller's payload, which
    could hold a line break (header injection) or non-ASCII text.
    """
    return ascii_escaped(text, limit=limit)


def log_field(text: object, limit: int = 200) -> str:
    """``text`` as one field of a log line (values from callers and the upstream, such as a
    ``generation_id``, could forge a line with a line break or shift fields with a space)."""
    return ascii_escaped(text, limit=limit, field=True)


def _display_url(url: str) -> str:
    """``url`` without any ``user:password@`` part, for logs and the health answer."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


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


def for_http_callers(message: str, generation_id: str | None) -> str:
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


def _positive(name: str, value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        raise ConfigurationError(f"{name} must be a positive number; got {value!r}")
    return float(value)


class ProxyApp:
    """The compatibility proxy's ASGI application (make it with ``create_app``).

    ``endpoint`` runs the legacy calls; ``aclose()`` closes its HTTP
    client (the ASGI lifespan's shutdown does it when the server sends one).
    """

    def __init__(
        self,
        *,
        upstream: str | None = None,
        target: Target = None,
        strict: bool = False,
        max_body_size: float = DEFAULT_MAX_BODY_SIZE,
        fallback_api_key: str | None = None,
        api_key_env: str | None = None,
        poll_timeout: float = DEFAULT_POLL_TIMEOUT,
        poll_policy: PollPolicy | None = None,
        learn_job_durations: bool | None = None,
        timeout: float | tuple[float, float] | None = None,
        allow_insecure_http: bool = False,
        retry: RetryPolicy | int | None = None,
        allowed_hosts: Iterable[str] = (),
        allowed_origins: Iterable[str] = (),
        fallback_key_all_paths: bool = False,
        migration_guide_url: str = DEFAULT_MIGRATION_GUIDE_URL,
        body_timeout: float = DEFAULT_BODY_TIMEOUT,
        upload_threads: int = DEFAULT_UPLOAD_THREADS,
        listening_host: str | None = None,
    ) -> None:
        if (
            not isinstance(max_body_size, (int, float))
            or isinstance(max_body_size, bool)
            or not max_body_size > 0
        ):
            raise ConfigurationError(
                f"max_body_size must be a positive number of bytes; got {max_body_size!r}"
            )
        if api_key_env is not None:
            if fallback_api_key is not None:
                raise ConfigurationError("give fallback_api_key or api_key_env, not both")
            fallback_api_key = os.environ.get(api_key_env) or None
            if fallback_api_key is None:
                raise ConfigurationError(
                    f"api_key_env: the environment variable {api_key_env} is not set or empty"
                )
        if fallback_api_key is not None and not isinstance(fallback_api_key, str):
            raise ConfigurationError(
                f"fallback_api_key must be a string; got {type(fallback_api_key).__name__}"
            )
        # Held masked from here on (and the argument rebound): error trackers record locals.
        self._fallback_key = APIKey(fallback_api_key) if fallback_api_key else None
        fallback_api_key = None
        try:
            import aiohttp  # noqa: F401  (the forwarding is written on aiohttp)
        except ImportError:
            raise ConfigurationError(
                "the proxy needs aiohttp and uvicorn: install legacy-stt[serve] "
                "(pip install 'legacy-stt[serve]')"
            ) from None
        self.hosts = HostRules(allowed_hosts, listening_host)
        self.allowed_origins = parse_allowed_origins(allowed_origins)
        self.fallback_key_all_paths = bool(fallback_key_all_paths)
        self.migration_guide_url = _guide_url(migration_guide_url)
        #: Sent with every legacy answer (RFC 9745: an sf-date, then the link to what to do).
        self.deprecation_headers: tuple[tuple[str, str], ...] = (
            ("Deprecation", f"@{DEPRECATION_DATE}"),
            ("Link", f'<{self.migration_guide_url}>; rel="deprecation"; type="text/html"'),
        )
        self.strict = bool(strict)
        self.max_body_size = max_body_size
        self.body_timeout = _positive("body_timeout", body_timeout)
        base_url = normalize_base_url(
            upstream or os.environ.get("AIML_API_BASE_URL") or DEFAULT_BASE_URL
        )
        # The legacy calls' creates and polls go out on legacy-stt's own HTTP/1.1 connections
        # (aio/http11.py: a fraction of aiohttp's CPU per request, and a legacy call sends
        # three); through an HTTP proxy named by the environment, on aiohttp, which speaks to
        # proxies. The forwarded requests, streamed both ways, are aiohttp's.
        self._pool = ConnectionPool() if environment_proxy(base_url) is None else None
        self._forwarding: Any = None
        self.endpoint = AsyncLegacyEndpoint(
            base_url=base_url,
            http_client=self._pool,
            target=target,
            strict=strict,
            timeout=timeout,
            poll_timeout=poll_timeout,
            poll_policy=poll_policy,
            learn_job_durations=learn_job_durations,
            allow_insecure_http=allow_insecure_http,
            max_body_size=max_body_size,
            retry=retry,
            upload_threads=upload_threads,
        )
        self.upstream: str = self.endpoint.base_url
        self.target: Target = self.endpoint.target
        # the forwarded requests' bounds: Client's (connect, read) timeout
        bounds = timeout or DEFAULT_TIMEOUT
        connect, read = bounds if isinstance(bounds, tuple) else (bounds, bounds)
        self.connect_timeout, self.read_timeout = float(connect), float(read)
        self._in_flight: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        return f"<ProxyApp -> {_display_url(self.upstream)} target={self.target!r}>"

    @property
    def display_upstream(self) -> str:
        """The upstream URL as shown in logs and answers (without any user:password part)."""
        return _display_url(self.upstream)

    async def aclose(self) -> None:
        """Wait (a while) for cancelled calls to write their answers; close the HTTP client."""
        pending = [task for task in self._in_flight if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=STOP_WAIT)
        await self.endpoint.aclose()
        if self._pool is not None:
            await self._pool.aclose()
        if self._forwarding is not None:
            await self._forwarding.close()
            self._forwarding = None

    def forwarding_session(self) -> Any:
        """The aiohttp session the forwarded requests go through (made at the first)."""
        if self._forwarding is None:
            self._forwarding = new_aiohttp_session(proxy=environment_proxy(self.upstream))
        return self._forwarding

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            task = asyncio.current_task()
            if task is not None:
                self._in_flight.add(task)
            try:
                await _Exchange(self, scope, receive, send).run()
            finally:
                if task is not None:
                    self._in_flight.discard(task)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def authorization_for(self, header: str | None, method: str, path: str) -> str | None:
        """The caller's ``Authorization``; else the operator's key, where it may be lent."""
        if header is not None and not empty_bearer(header):
            return header
        # `Bearer $AIML_API_KEY` with the variable unset arrives as "Bearer ": no key at all.
        if self._fallback_key is None:
            return None
        # The key pays for speech-to-text; a caller without one of its own gets nothing else
        # on it (chat completions, images, ...) unless the operator said so.
        if self.fallback_key_all_paths or is_stt_call(method, path):
            # masked in every repr: the forwarded headers are a frame local of the HTTP client
            return MaskedValue("Bearer " + self._fallback_key.reveal())
        return None


def create_app(**options: Any) -> ProxyApp:
    """The compatibility proxy as an ASGI application.

    Options: ``upstream`` (the service's base URL; default
    ``AIML_API_BASE_URL``, else ``https://api.aimlapi.com``); ``target``,
    ``strict``, ``poll_timeout``, ``poll_policy``, ``timeout``, ``retry``
    and ``allow_insecure_http`` as ``Client``'s, for every legacy request;
    ``learn_job_durations`` (default: on unless a ``poll_policy`` is given;
    each job's first poll waits for most of what the caller's recent jobs
    of its model took; see ``LegacyEndpoint``);
    ``max_body_size`` (413 beyond); ``fallback_api_key``, or
    ``api_key_env`` (the name of the environment variable that holds it):
    the key for speech-to-text requests that send none, lent to other
    forwarded paths only with ``fallback_key_all_paths``;
    ``allowed_hosts`` (further ``Host`` values to answer: ``name``,
    ``name:port`` or ``"*"``); ``allowed_origins`` (web origins whose pages
    may call it); ``migration_guide_url`` (the ``rel="deprecation"`` link);
    ``body_timeout`` (seconds a request body may send nothing before 408);
    ``upload_threads`` (multipart uploads read at once, a worker thread each).
    A bad option raises ``ConfigurationError`` here, not at the first request.
    """
    return ProxyApp(**options)


if sys.version_info >= (3, 11):

    async def _within(awaitable: Awaitable[Message], seconds: float) -> Message:
        """``awaitable``'s result, or ``TimeoutError`` after ``seconds``."""
        # asyncio.timeout, not wait_for, which (up to 3.11) wraps each awaitable in a task of
        # its own: one per chunk of every body
        async with asyncio.timeout(seconds):
            return await awaitable

else:  # pragma: no cover - Python 3.9 and 3.10
    _within = asyncio.wait_for


class _Gone(Exception):
    """The caller closed the connection."""


class _BadUpstream(Exception):
    """The upstream's answer cannot be passed on as HTTP/1.1."""


def _valid_header(header: tuple[str, str]) -> bool:
    """A header that can go out as it came: a token for a name, no control characters."""
    name, value = header
    return (
        bool(name)
        and all(33 <= ord(c) < 127 and c not in '"(),/:;<=>?@[\\]{}' for c in name)
        and not any((ord(c) < 32 and c != "\t") or ord(c) == 127 for c in value)
    )


class _Record:
    """What the log line of one request says."""

    __slots__ = (
        "bytes_in",
        "bytes_out",
        "generation_id",
        "note",
        "notices",
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


class _Exchange:
    """One request and its answer."""

    def __init__(self, app: ProxyApp, scope: Message, receive: Receive, send: Send) -> None:
        self.app = app
        self.scope = scope
        self._receive = receive
        self._send = send
        self.method: str = scope["method"]
        path: str = scope.get("path") or "/"
        # Mounted under a prefix (Starlette's Mount), the route is the rest of the path.
        root = scope.get("root_path") or ""
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        self.path = path
        # The path as the caller wrote it (percent-escapes kept), for forwarding: the decoded
        # one could gain a "?" or a "/" (from %3F, %2F) that the upstream would read otherwise.
        raw = scope.get("raw_path")
        raw_text = raw.decode("latin-1") if isinstance(raw, (bytes, bytearray)) else quote(path)
        if root and raw_text.startswith(root):
            raw_text = raw_text[len(root) :] or "/"
        elif root:
            raw_text = quote(path)
        self.raw_path = raw_text
        self.query = (scope.get("query_string") or b"").decode("latin-1")
        self._authority: Any = None
        self.headers: list[tuple[str, str]] = [
            (name.decode("latin-1").lower(), value.decode("latin-1"))
            for name, value in scope.get("headers") or ()
        ]
        self.record = _Record()
        self.started = False  # the answer's head was sent
        self.body_ended = False  # the whole request body was received
        self.close = False  # the connection ends after the answer

    # -- headers ----------------------------------------------------------

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value
        return None

    def header_all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]

    def has_body(self) -> bool:
        length = self.header("content-length")
        return self.header("transfer-encoding") is not None or (
            length is not None and length.strip() not in ("", "0")
        )

    # -- the answer -------------------------------------------------------

    async def send_json(
        self, status: int, body: Any, headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        all_headers: list[tuple[str, str]] = [("Content-Type", "application/json")]
        if self.record.route == "legacy":
            # MIGRATION.md promises a deprecation signal on every legacy answer, error or not.
            all_headers += self.app.deprecation_headers
        all_headers += headers
        all_headers += [
            ("Content-Length", str(len(data))),
            ("Server", SERVER_HEADER),
            ("Date", email.utils.formatdate(usegmt=True)),
        ]
        if self.close or (not self.body_ended and self.has_body()):
            # The rest of the body will not be read: the connection cannot carry another request.
            all_headers.append(("Connection", "close"))
        await self._start(status, all_headers)
        await self._send(
            {"type": "http.response.body", "body": b"" if self.method == "HEAD" else data}
        )
        self.record.bytes_out += len(data)

    async def _start(self, status: int, headers: Iterable[tuple[str, str]]) -> None:
        self.started = True
        self.record.status = status
        await self._send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers],
            }
        )

    async def refuse(
        self, status: int, message: str, headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.close = True
        await self.send_json(status, error_body(status, message), headers)

    # -- the body ---------------------------------------------------------

    async def chunks(self, limit: float) -> AsyncIterator[bytes]:
        """The request body as it arrives; 413 past ``limit``, 408 when it stalls."""
        while not self.body_ended:
            try:
                message = await _within(self._receive(), self.app.body_timeout)
            except asyncio.TimeoutError:
                self.close = True
                raise RequestRejected(
                    408,
                    f"the request body sent nothing for {self.app.body_timeout:g} s",
                ) from None
            if message["type"] == "http.disconnect":
                self.close = True
                raise _Gone()
            self.body_ended = not message.get("more_body", False)
            chunk = message.get("body") or b""
            self.record.bytes_in += len(chunk)
            if self.record.bytes_in > limit:
                self.close = True
                raise too_large(limit)
            if chunk:
                yield chunk

    async def read_all(self, limit: float) -> bytes:
        parts = [chunk async for chunk in self.chunks(limit)]
        return b"".join(parts)

    # -- dispatch ---------------------------------------------------------

    async def run(self) -> None:
        started = time.perf_counter()
        try:
            await self._route()
        except _Gone:
            self.record.note = "caller disconnected"
        except asyncio.CancelledError:
            # The server is stopping and waits for this request no longer. Once it is answered
            # (503, with the job's id if there is one) the request is over: the cancellation
            # has done its work, and raising it on would make the server log an error.
            if self.started:
                # mid-answer: leave it unfinished, so the server closes the connection and
                # the caller cannot take the part it got for the whole
                self.record.note = "stopped mid-answer"
                return
            self.record.note = "stopped"
            await self._stopping_answer()
        except Exception as error:  # a bug of ours: answer 500, keep the details in the log
            logger.error(
                "%s %s failed with %s",
                log_field(self.method, 20),
                log_field(self.path),
                type(error).__name__,
            )
            logger.debug("details", exc_info=True)
            if not self.started:
                self.close = True
                await self.send_json(
                    500, error_body(500, "internal error in the legacy-stt proxy; see its log")
                )
        finally:
            self._log_access(started)

    async def _stopping_answer(self) -> None:
        generation_id = self.record.generation_id
        self.close = True
        if generation_id:
            message = (
                f"the proxy stopped before job {generation_id} finished; the job goes on: "
                f"send GET /v1/stt/{generation_id} (through a running proxy or to the service)"
            )
            body = {**error_body(503, message), "generation_id": generation_id}
            await self.send_json(503, body, [("X-Generation-Id", header_text(generation_id))])
        else:
            await self.send_json(
                503, error_body(503, "the proxy is stopping; send the request again")
            )

    async def _route(self) -> None:
        method, path = self.method, self.path
        health = path in HEALTH_PATHS and method in ("GET", "HEAD")
        legacy = method == "POST" and is_legacy_path(path)
        forwarded = (
            not health
            and not legacy
            and path.startswith(FORWARDED_PREFIX)
            and is_clean_path(self.raw_path)
            and unquote(self.raw_path) == path
        )
        self.record.route = (
            "health" if health else "legacy" if legacy else "forward" if forwarded else ""
        )
        if method not in METHODS:
            await self.refuse(501, f"this proxy does not answer {log_field(method, 20)} requests")
            return
        # Who is asking comes first, for every path: nothing is read or sent upstream for a
        # request this proxy does not answer.
        if not await self._framed_once() or not await self._addressed_here():
            return
        if not await self._not_from_a_web_page():
            return
        if health:
            await self._health()
            return
        if not legacy and not forwarded:
            await self.send_json(
                404,
                error_body(
                    404,
                    f"Cannot {method} {log_field(path)}: this proxy answers POST /v1/stt and "
                    "POST /stt, forwards the other /v1/ requests, and reports on GET /healthz",
                ),
            )
            return
        if legacy and not await self._has_usable_key():
            return
        length = self.header("content-length")
        if length is not None and int(length) > self.app.max_body_size:
            await self.refuse(413, str(too_large(self.app.max_body_size)))
            return
        if legacy:
            await self._legacy()
        else:
            await self._forward()

    # -- who is asking ----------------------------------------------------

    async def _framed_once(self) -> bool:
        """The body's framing has one reading; otherwise 400 (request smuggling).

        The server has parsed the framing already; a server in front of it,
        or a lenient one running this application, may have read it another
        way. A request with both ``Content-Length`` and ``Transfer-Encoding``,
        several of either, or a length that is not a number is refused
        before anything is read or sent on.
        """
        lengths = self.header_all("content-length")
        encodings = self.header_all("transfer-encoding")
        problem = ""
        if lengths and encodings:
            problem = "both Content-Length and Transfer-Encoding"
        elif len(lengths) > 1 or len(encodings) > 1:
            problem = "more than one Content-Length or Transfer-Encoding header"
        elif lengths and not (lengths[0].strip().isdigit() and lengths[0].strip().isascii()):
            problem = "a Content-Length that is not a number"
        elif encodings and encodings[0].strip().lower() != "chunked":
            problem = "a Transfer-Encoding other than chunked"
        if not problem:
            return True
        self.record.note = "refused framing"
        await self.refuse(400, f"the request's body framing is ambiguous: {problem}")
        return False

    def _local(self) -> tuple[Any, int | None]:
        server = self.scope.get("server")
        if not server or server[1] is None:
            return None, None
        return ip_of(str(server[0])), int(server[1])

    async def _addressed_here(self) -> bool:
        """The request names this proxy as its host; otherwise it is refused (421 or 400).

        A web page can point a name of its own at 127.0.0.1 (DNS rebinding);
        its requests then reach the proxy as same-origin ones, with that name
        in ``Host``. Only the names of the listening address, and the ones the
        operator allowed, are answered.
        """
        values = self.header_all("host")
        if not values:
            if self.scope.get("http_version") == "1.0":
                return True  # no browser sends a request without Host
            # RFC 9112, 3.2: a server must answer 400 to an HTTP/1.1 request without one.
            await self.refuse(400, "the request has no Host header (HTTP/1.1 requires one)")
            return False
        if len(values) > 1:
            await self.refuse(400, "the request has more than one Host header")
            return False
        authority = parse_authority(values[0])
        if authority is None:
            self.record.note = f"refused Host {log_field(values[0], 100)}"
            await self.refuse(400, "the request's Host header is malformed")
            return False
        local, port = self._local()
        hosts = self.app.hosts
        if not (hosts.any_host or (port is not None and hosts.answers_for(authority, local, port))):
            self.record.note = f"refused Host {log_field(values[0], 100)}"
            own = authority_text(str(local), port) if local is not None else "its address"
            # 421 Misdirected Request (RFC 9110, 15.5.20): this server does not answer for that
            # authority; the operator can only add the name.
            await self.refuse(
                421,
                f"this proxy does not answer for the host {header_text(values[0], 100)}: "
                f"address it as {own}, or start it with --allowed-host NAME "
                "(allowed_hosts=) to answer that name as well",
            )
            return False
        self._authority = authority
        return True

    async def _not_from_a_web_page(self) -> bool:
        """The request does not come from a web page of another origin; otherwise 403.

        Browsers send ``Origin`` with every cross-origin request (and form
        posts, and ``text/plain`` posts, need no CORS preflight), so a page
        could spend the operator's key and make jobs. A request without
        ``Origin`` -- curl, server code -- is not a page's, unless its
        ``Sec-Fetch-Site`` says it comes from another site.
        """
        origins = self.header_all("origin")
        if len(origins) > 1:
            reason = "more than one Origin header"
            self.record.note = "refused: several Origin headers"
        elif origins:
            origin = normalize_origin(origins[0])
            if origin is not None and origin in self.app.allowed_origins:
                return True
            own = None
            if self._authority is not None:
                own = normalize_origin("http://" + authority_text(*self._authority))
            if origin is not None and origin == own:
                return True
            reason = f"the Origin {header_text(origins[0], 100)}"
            self.record.note = f"refused Origin {log_field(origins[0], 100)}"
        else:
            site = (self.header("sec-fetch-site") or "").strip().lower()
            if site not in ("cross-site", "same-site"):
                return True
            reason = f"Sec-Fetch-Site: {site}, a page of another site"
            self.record.note = f"refused Sec-Fetch-Site {site}"
        await self.refuse(
            403,
            f"this proxy does not answer requests from web pages of other origins ({reason}); "
            "start it with --allowed-origin ORIGIN (allowed_origins=) to answer that origin",
        )
        return False

    def _authorization(self) -> str | None:
        return self.app.authorization_for(self.header("authorization"), self.method, self.path)

    async def _has_usable_key(self) -> bool:
        """A legacy request has a bearer key to run on; otherwise 401, before its body is read.

        The body may be gigabytes: reading and parsing it only to refuse it
        would cost the memory and disk of an upload for nothing.
        """
        authorization = self._authorization()
        if bearer_key(authorization) is not None:
            return True
        sent = self.header("authorization")
        problem = CallerAuthorization.of(authorization).problem if authorization else None
        if sent is not None and empty_bearer(sent):
            message = (
                "the Authorization header holds an empty key (`Bearer ` and nothing after it): "
                "is the variable it comes from, such as AIML_API_KEY, set where the request is made?"
            )
        elif problem is not None:
            message = f"the key in the Authorization header {problem}"
        elif authorization:
            message = (
                "the Authorization header is not a bearer key: send `Authorization: Bearer <key>`"
            )
        else:
            message = "no API key: send the header `Authorization: Bearer <key>`"
        await self.refuse(401, message, [("WWW-Authenticate", "Bearer")])
        return False

    # -- the three kinds of request ---------------------------------------

    async def _health(self) -> None:
        app = self.app
        await self.send_json(
            200,
            {
                "status": "ok",
                "upstream": app.display_upstream,
                "target": app.target,
                "strict": app.strict,
                "max_body_size": app.max_body_size,
                "version": __version__,
            },
        )

    async def _legacy(self) -> None:
        app = self.app
        content_type = self.header("content-type")
        length = self.header("content-length")
        body: Any
        try:
            if (content_type or "").lower().lstrip().startswith("multipart/"):
                # parsed in a worker thread, file parts spooled to disk as they arrive
                body = _BlockingBody(self.chunks(app.max_body_size))
            else:
                body = await self.read_all(app.max_body_size)
        except RequestRejected as rejected:
            await self.send_json(rejected.status, error_body(rejected.status, str(rejected)))
            return

        def created(generation_id: str) -> None:
            self.record.generation_id = generation_id

        reply = await app.endpoint.reply(
            content_type,
            body,
            content_length=int(length) if length is not None else None,
            authorization=self._authorization(),
            created=created,
        )
        if isinstance(body, _BlockingBody) and body.gone:
            raise _Gone()
        await self._send_reply(reply)

    async def _send_reply(self, reply: LegacyReply) -> None:
        headers = [
            (name, header_text(value))
            for name, value in reply.headers.items()
            if name.lower() not in _HOP_BY_HOP | {"content-type", "content-length"}
        ]
        headers += [
            (WARNING_HEADER, header_text(f"{notice.code}: {notice.message}"))
            for notice in reply.notices
        ]
        self.record.generation_id = reply.generation_id
        self.record.notices = len(reply.notices)
        body = reply.body
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            body = {**body, "message": for_http_callers(body["message"], reply.generation_id)}
        content = jsoncodec.dumps(body)
        if reply.status in (408, 413):
            self.close = True
        await self.send_json(reply.status, content, headers)

    def _forward_headers(self) -> list[tuple[str, str]]:
        connection_tokens = {
            token.strip().lower()
            for value in self.header_all("connection")
            for token in value.split(",")
        }
        merged: dict[str, str] = {}
        for name, value in self.headers:
            if name in _NOT_FORWARDED or name in connection_tokens or name.startswith("proxy-"):
                continue
            merged[name] = f"{merged[name]}, {value}" if name in merged else value
        authorization = self._authorization()
        if authorization is not None:
            merged["authorization"] = authorization
        else:
            merged.pop("authorization", None)  # "Bearer " with nothing: as the caller sent it
            if self.header("authorization") is not None:
                merged["authorization"] = cast(str, self.header("authorization"))
        headers = list(merged.items())
        length = self.header("content-length")
        if length is not None:
            headers.append(("content-length", length.strip()))
        return headers

    async def _forward(self) -> None:
        import aiohttp
        from yarl import URL

        app = self.app
        # sent as written: yarl would otherwise decode, re-encode and normalise it
        url = URL(
            app.upstream + self.raw_path + (f"?{self.query}" if self.query else ""), encoded=True
        )
        data: Any = None
        rejected: list[BaseException] = []
        if self.has_body():
            data = self._body_for_upstream(rejected)
        session = app.forwarding_session()
        try:
            async with session.request(
                self.method,
                url,
                headers=self._forward_headers(),
                data=data,
                allow_redirects=False,
                skip_auto_headers=_NO_AUTO_HEADERS,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=app.connect_timeout, sock_read=app.read_timeout
                ),
                compress=None,
            ) as upstream:
                await self._relay(upstream)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if rejected:  # the caller's body broke the rules (or broke off) while it was sent
                problem = rejected[0]
                if isinstance(problem, _Gone):
                    raise problem from None
                if isinstance(problem, RequestRejected) and not self.started:
                    self.close = True
                    await self.send_json(problem.status, error_body(problem.status, str(problem)))
                    return
            if self.started:
                # The upstream broke off mid-answer: end without finishing it, so the server
                # closes the connection and the caller cannot take a short body for whole.
                logger.info("the upstream's answer broke off (%s)", type(error).__name__)
                self.record.note = "upstream broke off"
                return
            if not isinstance(
                error, (aiohttp.ClientError, asyncio.TimeoutError, OSError, _BadUpstream)
            ):
                raise
            self.record.note = "upstream unreachable"
            if isinstance(error, _BadUpstream):
                self.record.note = "upstream answer not valid HTTP"
                what = str(error)
            elif isinstance(error, asyncio.TimeoutError):
                what = "did not answer in time"
            else:
                what = "cannot be reached"
            await self.send_json(
                502,
                error_body(
                    502,
                    f"the upstream service at {app.display_upstream}: {what} "
                    f"({type(error).__name__})",
                ),
            )

    async def _body_for_upstream(self, rejected: list[BaseException]) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.chunks(self.app.max_body_size):
                yield chunk
        except (RequestRejected, _Gone) as problem:
            rejected.append(problem)
            raise

    async def _relay(self, upstream: Any) -> None:
        """Stream the upstream's answer back: status, end-to-end headers, body as it arrives."""
        status = upstream.status
        raw: list[tuple[str, str]] = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in upstream.raw_headers
        ]
        connection_tokens = {
            token.strip().lower()
            for name, value in raw
            if name.lower() == "connection"
            for token in value.split(",")
        }
        has_body = self.method != "HEAD" and status >= 200 and status not in _NO_BODY_STATUSES
        # With both, Transfer-Encoding wins (RFC 9112, 6.3) and the length is not to be trusted.
        framed = any(name.lower() == "transfer-encoding" for name, _ in raw)
        headers = []
        for name, value in raw:
            lowered = name.lower()
            if lowered in _HOP_BY_HOP or lowered in connection_tokens:
                continue
            if lowered == "content-length" and (framed or not has_body):
                if not has_body and self.method == "HEAD":
                    headers.append((name, value))  # HEAD: the length of what GET would send
                continue
            headers.append((name, value))
        if not 100 <= status <= 599 or not all(map(_valid_header, headers)):
            raise _BadUpstream(f"its answer is not valid HTTP (status {status})")
        if self.close or (not self.body_ended and self.has_body()):
            headers.append(("Connection", "close"))
        await self._start(status, headers)
        if has_body:
            async for chunk in upstream.content.iter_any():
                await self._send({"type": "http.response.body", "body": chunk, "more_body": True})
                self.record.bytes_out += len(chunk)
        await self._send({"type": "http.response.body", "body": b""})

    # -- the log line -----------------------------------------------------

    def _log_access(self, started: float) -> None:
        record = self.record
        # Every field is escaped: the path comes from the caller and the generation_id from the
        # upstream, and a line break in either would forge a log line.
        parts = [
            log_field(self.method, 20),
            log_field(self.path),
            str(record.status if record.status is not None else "-"),
            f"{(time.perf_counter() - started) * 1000:.0f}ms",
            f"in={record.bytes_in}B",
            f"out={record.bytes_out}B",
        ]
        if record.route == "legacy":
            parts.append(f"generation_id={log_field(record.generation_id or '-', 100)}")
            parts.append(f"notices={record.notices}")
        elif record.route == "forward":
            parts.append("forwarded")
        if record.note:
            # notes are the proxy's own words; any outside value in one was escaped already
            parts.append(f"({header_text(record.note, 300)})")
        logger.info("%s", " ".join(parts))


class _BlockingBody:
    """The request body as a blocking stream, for the multipart parser in a worker thread.

    Each ``read(n)`` waits on the event loop for the next chunks (the
    thread is one of anyio's, which can call back into the loop).
    """

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self._ended = False
        self.gone = False

    async def _next(self) -> bytes | None:
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return None

    def read(self, amount: int | None = -1) -> bytes:
        want = amount if amount is not None and amount >= 0 else None
        while not self._ended and (want is None or len(self._buffer) < want):
            try:
                chunk = anyio.from_thread.run(self._next)
            except _Gone:
                self.gone = True
                raise RequestRejected(400, "the caller closed the connection") from None
            if chunk is None:
                self._ended = True
            else:
                self._buffer += chunk
        size = len(self._buffer) if want is None else min(want, len(self._buffer))
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data
