"""The two HTTP calls of the two-step API, sent on an event loop (aiohttp or httpx).

``AsyncServiceTransport`` is the asynchronous shell around the rules in
``protocol`` and ``polling``, as ``transport.ServiceTransport`` is the
synchronous one: the same flows decide what to send, how to read each
answer and when to retry; this module only sends (``send``) and sleeps
(``anyio.sleep``).

Two HTTP stacks can carry the requests, chosen on measurements
(BENCHMARKS.md, "Choosing the async HTTP client"): on asyncio, aiohttp
(``legacy-stt[async]``), whose CPU cost per request stays flat with
hundreds of connections where httpx's connection pool grows with their
number; httpx for trio, or when the caller hands over its own
``httpx.AsyncClient`` (or an ``aiohttp.ClientSession``: whichever is given
is used). A third, ``http11.ConnectionPool``, is used when given: the proxy's,
for the CPU it saves on each create and poll.

Each exchange keeps the sync shell's bounds. An anyio cancel scope ends it
at its deadline; until the request starts to go out the connect timeout
bounds it, and once the request has been written the read timeout bounds
the whole answer, however slowly a server drips it. Both stacks report
(trace hooks) when the request starts to go out, so a failure after a byte
may have left is never taken for one before (``JobMayExist`` for a
create). Answers are read up to their limit (``bodies.AnswerBody``);
redirects are never followed. An upload is streamed from its file in
worker threads, a chunk at a time: the loop never waits for the disk, and
no thread is held per job.
"""

from __future__ import annotations

import asyncio
import logging
import math
import ssl
import time
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Callable, TypeVar

try:
    import anyio
    import anyio.to_thread
except ImportError:  # pragma: no cover - the base install has no async stack
    raise ImportError(
        "legacy-stt's async client needs anyio, aiohttp and httpx: "
        "install legacy-stt[async] (pip install 'legacy-stt[async]')"
    ) from None

from ..core.bodies import ACCEPT_ENCODING, CHUNK, AnswerBody, UnwantedEncoding
from ..core.protocol import Service, display_url
from ..core.retries import Backpressure, RetryPolicy
from ..core.settings import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    APIKey,
    MaskedValue,
    is_loopback_url,
    normalize_base_url,
    user_agent,
)
from ..core.steps import (
    MAX_ANSWER_BYTES,
    Answer,
    Failure,
    FailureKind,
    Flow,
    Request,
    connect_failure_words,
    run_flow_async,
)
from ..exceptions import INSECURE_HTTP_HINT, ConfigurationError
from ..payloads.forms import multipart_body

if TYPE_CHECKING:  # pragma: no cover
    import httpx

__all__ = [
    "ASYNC_EXTRA_HINT",
    "AsyncServiceTransport",
    "new_aiohttp_session",
    "new_async_http_client",
    "new_http_client",
    "environment_proxy",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: What to install for the async client's HTTP stacks.
ASYNC_EXTRA_HINT = "install legacy-stt[async] (aiohttp and httpx)"


def new_http_client(
    *,
    verify: bool | str | ssl.SSLContext | None = None,
    cert: Any = None,
    proxy: str | None = None,
    max_connections: int | None = None,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` set up as ``AsyncClient`` would set up its own.

    No connection limit by default: every job of a batch polls on a
    connection of its own rather than queueing behind the others (the
    service's 429 is what slows a client down, for all its requests).
    """
    httpx = _import("httpx")
    options: dict[str, Any] = {
        "limits": httpx.Limits(max_connections=max_connections, max_keepalive_connections=None),
        "follow_redirects": False,
        "timeout": None,  # each request carries its own
    }
    if verify is not None:
        options["verify"] = verify
    if cert is not None:
        options["cert"] = cert
    if proxy is not None:
        options["proxy"] = proxy
    return httpx.AsyncClient(**options)


def new_aiohttp_session(
    *, verify: bool | str | ssl.SSLContext | None = None, cert: Any = None, proxy: str | None = None
) -> Any:
    """An ``aiohttp.ClientSession`` set up as ``AsyncClient`` sets up its own (with the trace
    hooks that tell whether a request went out). Make it inside a running event loop.
    ``proxy`` is the proxy for every request (see ``environment_proxy``)."""
    aiohttp = _import("aiohttp")
    context: Any = None
    if isinstance(verify, ssl.SSLContext):
        context = verify
    elif verify is False:
        context = False
    elif isinstance(verify, str) or cert is not None:
        context = ssl.create_default_context(cafile=verify if isinstance(verify, str) else None)
        if cert is not None:
            certfile, keyfile = cert if isinstance(cert, tuple) else (cert, None)
            context.load_cert_chain(certfile, keyfile)
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0, ssl=context if context is not None else True),
        trace_configs=[_aiohttp_trace()],
        auto_decompress=False,  # decompressed here, within the answer's limit
        # The environment's proxy is read once (environment_proxy) and given here: trust_env
        # would read the environment, and ~/.netrc, again in a worker thread for every request.
        trust_env=False,
        proxy=proxy,
    )


def new_async_http_client(
    *, verify: bool | str | ssl.SSLContext | None = None, cert: Any = None, proxy: str | None = None
) -> Any:
    """The HTTP client ``AsyncClient`` makes for the running event loop: an aiohttp session on
    asyncio (when aiohttp is installed), else an ``httpx.AsyncClient``."""
    import sniffio

    if sniffio.current_async_library() == "asyncio" and _importable("aiohttp"):
        return new_aiohttp_session(verify=verify, cert=cert, proxy=proxy)
    return new_http_client(verify=verify, cert=cert, proxy=proxy)


def _import(name: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        raise ConfigurationError(
            f"legacy-stt's async client needs {name}: {ASYNC_EXTRA_HINT}"
        ) from None


class _Exchange:
    """The bounds and the progress of one exchange, as the HTTP stack's trace hooks report it."""

    def __init__(
        self,
        request: Request,
        clock: Callable[[], float],
        current_time: Callable[[], float] = anyio.current_time,
    ) -> None:
        self.request = request
        self.started = time.monotonic()
        # The event loop's clock, which cancel scopes' deadlines are read on: anyio's own
        # lookup of it costs more than the rest of this method on asyncio, where the loop's
        # ``time`` is the same clock.
        self._now = current_time
        now = current_time()
        self.limit = math.inf
        if request.deadline is not None:
            self.limit = now + max(request.deadline - clock(), 0.0)
        # Until the request starts to go out, the connect timeout bounds the exchange (a TLS
        # handshake dripped a byte at a time included); then only the deadline, while the
        # request (an upload, say) is written; once it is, the read timeout bounds the answer.
        self.scope = anyio.CancelScope(deadline=min(self.limit, now + request.connect_timeout))
        self.traced = False  # a stack or transport that does not trace tells nothing
        self.connected = False
        self.sent = False  # a byte of the request may have left
        self.written = False  # the whole request has gone out: the answer's bound is running

    @property
    def took(self) -> float:
        return time.monotonic() - self.started

    def on_connected(self) -> None:
        self.traced = self.connected = True

    def on_sending(self) -> None:
        self.traced = self.connected = self.sent = True
        self.scope.deadline = self.limit

    def on_body_chunk(self) -> None:
        # While an upload goes out, each chunk must be taken within the read timeout: a server
        # that stops reading would otherwise hold the exchange for ever (aiohttp has no write
        # timeout).
        if not self.written:
            self.scope.deadline = min(self.limit, self._now() + self.request.read_timeout)

    def on_written(self) -> None:
        # Once: the read timeout bounds the whole answer from here, not from its last byte.
        if not self.written:
            self.traced = self.connected = self.sent = self.written = True
            self.scope.deadline = min(self.limit, self._now() + self.request.read_timeout)

    def on_answer(self) -> None:
        # The answer's head is here (from a transport that does not trace too): it was sent.
        self.sent = True
        self.on_written()

    def cut_short(self) -> Failure:
        if not self.sent:
            return Failure(FailureKind.NOT_CONNECTED, f"no connection within {self.took:.1f} s")
        return Failure(FailureKind.TIMED_OUT, f"gave up after {self.took:.1f} s")

    def failure(self, error: BaseException, *, never_connected: bool, timed_out: bool) -> Failure:
        """What a failed exchange means for the service: did any byte of the request leave?"""
        chain = _causes(error)
        name = type(error).__name__
        if not self.sent:
            if any(isinstance(c, ssl.SSLCertVerificationError) for c in chain):
                # Not retried: a certificate that does not verify will not verify next time.
                return Failure(FailureKind.TLS, "the server's certificate does not verify")
            if any(isinstance(c, ssl.SSLError) for c in chain):
                return Failure(FailureKind.NOT_CONNECTED, f"the TLS handshake failed ({name})")
            if not self.traced and not never_connected:
                # Someone's own transport: judged from the exception alone, and in doubt, sent.
                return Failure(FailureKind.BROKEN, name)
            if not self.connected or never_connected:
                words = connect_failure_words(chain)
                if words is not None:
                    detail = words
                elif timed_out:
                    detail = f"no connection within {self.took:.1f} s"
                else:
                    detail = name
                return Failure(FailureKind.NOT_CONNECTED, detail)
            return Failure(FailureKind.NOT_SENT, name)
        if timed_out:
            return Failure(FailureKind.TIMED_OUT, f"silent for {self.request.read_timeout:g} s")
        return Failure(FailureKind.BROKEN, name)


def _stack_of(client: Any) -> str:
    """``httpx/0.28.1``, ``httpx2/2.16.2`` or ``aiohttp/3.14.5``: the package the client is of."""
    import sys

    package = type(client).__module__.split(".", 1)[0]
    version = getattr(sys.modules.get(package), "__version__", "")
    return f"{package}/{version}" if version else package


def _causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and all(cause is not seen for seen in chain):
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    return chain


class _HTTPXSender:
    """Sends with an ``httpx.AsyncClient``; progress from httpcore's ``trace`` extension."""

    name = "httpx"

    def __init__(self, client: httpx.AsyncClient, owned: bool) -> None:
        self.client = client
        self.stack = _stack_of(client)
        self.user_agent = user_agent(self.stack)
        self.owned = owned

    async def aclose(self) -> None:
        if self.owned:
            await self.client.aclose()

    async def exchange(
        self, exchange: _Exchange, headers: dict[str, str], content: Any
    ) -> Answer | Failure:
        import httpx

        request = exchange.request

        async def trace(event: str, info: Any) -> None:
            exchange.traced = True
            if event.endswith(("connect_tcp.complete", "start_tls.complete")):
                exchange.on_connected()
            elif event.endswith("send_request_headers.started"):
                exchange.on_sending()
            elif event.endswith("send_request_body.complete"):
                exchange.on_written()

        outgoing = self.client.build_request(
            request.method,
            request.url,
            headers=headers,
            content=content,
            timeout=httpx.Timeout(
                connect=request.connect_timeout,
                read=request.read_timeout,
                write=request.read_timeout,
                pool=None,  # waiting for a free connection is bounded by the scope
            ),
            extensions={"trace": trace},
        )
        response: Any = None
        body: AnswerBody | None = None
        try:
            with exchange.scope:
                response = await self.client.send(outgoing, stream=True)
                exchange.on_answer()
                try:
                    body = _answer_body(response.status_code, response.headers, request)
                    if body is not None and not body.too_large:
                        async for chunk in response.aiter_raw(CHUNK):
                            if body.feed(chunk):
                                break
                except UnwantedEncoding:
                    body = None
                finally:
                    await response.aclose()
        except (httpx.HTTPError, OSError, ssl.SSLError) as error:
            return exchange.failure(
                error,
                never_connected=isinstance(
                    error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
                ),
                timed_out=isinstance(error, httpx.TimeoutException),
            )
        if exchange.scope.cancelled_caught:
            return exchange.cut_short()
        return _answer(response.status_code, response.headers, body)


class _AiohttpSender:
    """Sends with an ``aiohttp.ClientSession``; progress from its trace configuration."""

    name = "aiohttp"

    def __init__(self, session: Any, owned: bool) -> None:
        self.session = session
        self.stack = _stack_of(session)
        self.user_agent = user_agent(self.stack)
        self.owned = owned

    @classmethod
    def new(
        cls, *, verify: bool | str | ssl.SSLContext | None, cert: Any, proxy: str | None
    ) -> _AiohttpSender:
        return cls(new_aiohttp_session(verify=verify, cert=cert, proxy=proxy), owned=True)

    async def aclose(self) -> None:
        if self.owned:
            await self.session.close()

    async def exchange(
        self, exchange: _Exchange, headers: dict[str, str], content: Any
    ) -> Answer | Failure:
        import aiohttp

        request = exchange.request
        response: Any = None
        body: AnswerBody | None = None
        try:
            with exchange.scope:
                response = await self.session.request(
                    request.method,
                    request.url,
                    headers=headers,
                    data=content,
                    allow_redirects=False,
                    compress=None,
                    timeout=aiohttp.ClientTimeout(
                        total=None,
                        sock_connect=request.connect_timeout,
                        sock_read=request.read_timeout,
                    ),
                    trace_request_ctx={
                        "exchange": exchange,
                        "upload": isinstance(content, _Chunks),
                    },
                )
                exchange.on_answer()
                try:
                    body = _answer_body(response.status, response.headers, request)
                    if body is not None and not body.too_large:
                        async for chunk in response.content.iter_chunked(CHUNK):
                            if body.feed(chunk):
                                break
                except UnwantedEncoding:
                    body = None
                finally:
                    if body is None or body.too_large:
                        response.close()  # the rest is not read: the connection is not reused
                    else:
                        response.release()
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ssl.SSLError) as error:
            return exchange.failure(
                error,
                never_connected=isinstance(
                    error, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
                ),
                timed_out=isinstance(error, asyncio.TimeoutError),
            )
        if exchange.scope.cancelled_caught:
            return exchange.cut_short()
        return _answer(response.status, response.headers, body)


class _PoolSender:
    """Sends with legacy-stt's own ``http11.ConnectionPool`` (the proxy's stack)."""

    name = "http11"

    def __init__(self, pool: Any, owned: bool) -> None:
        self.pool = pool
        self.stack = pool.stack
        self.user_agent = user_agent(self.stack)
        self.owned = owned

    async def aclose(self) -> None:
        if self.owned:
            await self.pool.aclose()

    async def exchange(
        self, exchange: _Exchange, headers: dict[str, str], content: Any
    ) -> Answer | Failure:
        from .http11 import BadAnswer, ConnectFailed

        request = exchange.request
        answer: Any = None
        try:
            with exchange.scope:
                answer = await self.pool.send(
                    request.method,
                    request.url,
                    headers,
                    content,
                    lambda status, found: _answer_body(status, found, request),
                    exchange,
                )
        except (BadAnswer, OSError) as error:
            return exchange.failure(
                error, never_connected=isinstance(error, ConnectFailed), timed_out=False
            )
        if exchange.scope.cancelled_caught or answer is None:
            return exchange.cut_short()
        status, found, body = answer
        return _answer(status, found, body)


def _aiohttp_trace() -> Any:
    """aiohttp's hooks, reporting to the ``_Exchange`` of each request."""
    import aiohttp

    def exchange_of(context: Any) -> _Exchange | None:
        found = getattr(context, "trace_request_ctx", None)
        return found.get("exchange") if isinstance(found, dict) else None

    async def connected(session: Any, context: Any, params: Any) -> None:
        exchange = exchange_of(context)
        if exchange is not None:
            exchange.on_connected()

    async def headers_sent(session: Any, context: Any, params: Any) -> None:
        exchange = exchange_of(context)
        if exchange is not None:
            exchange.on_sending()
            if not context.trace_request_ctx.get("upload"):
                exchange.on_written()  # a JSON body or none: it follows the headers at once

    config = aiohttp.TraceConfig()
    config.on_connection_create_end.append(connected)
    config.on_connection_reuseconn.append(connected)
    config.on_request_headers_sent.append(headers_sent)
    return config


def _answer_body(status: int, headers: Any, request: Request) -> AnswerBody:
    limit = request.answer_limit if 200 <= status < 300 else request.error_limit
    return AnswerBody(headers.get("Content-Encoding"), headers.get("Content-Length"), limit)


def _answer(status: int, headers: Any, body: AnswerBody | None) -> Answer:
    # Both stacks' header mappings look names up case-insensitively, as the flows do.
    if body is None:
        return Answer(status, headers, b"", "encoding")
    data, whole = body.value()
    return Answer(status, headers, data, None if whole else "too-large")


class _Chunks:
    """An upload's bytes for aiohttp or httpx: ``read(CHUNK)`` in worker threads, one at a time.

    ``exchange`` hears of each chunk handed to the HTTP stack and of the end.
    """

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self.exchange: _Exchange | None = None

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while True:
            if self.exchange is not None:
                self.exchange.on_body_chunk()
            chunk = await anyio.to_thread.run_sync(self._read, CHUNK)
            if not chunk:
                if self.exchange is not None:
                    self.exchange.on_written()  # the last chunk went out
                return
            yield chunk


class AsyncServiceTransport:
    """The create and poll requests of the two-step API: the flows of ``protocol``, awaited.

    ``http_client`` is an ``httpx.AsyncClient`` or an ``aiohttp.ClientSession``
    to send with (the caller's, left open). Without one, the transport makes
    its own on first use, for the running event loop: aiohttp on asyncio,
    httpx on trio (or on asyncio without aiohttp), with ``verify``, ``cert``
    and ``proxy``; ``aclose()`` closes it.
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: APIKey | None,
        http_client: Any = None,
        timeout: float | tuple[float, float] = (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT),
        retry: RetryPolicy | None = None,
        backpressure: Backpressure | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_answer_size: int = MAX_ANSWER_BYTES,
        allow_insecure_http: bool = False,
        verify: bool | str | ssl.SSLContext | None = None,
        cert: Any = None,
        proxy: str | None = None,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self.allow_insecure_http = allow_insecure_http
        self._api_key = api_key
        self._given = http_client
        self._sender: _HTTPXSender | _AiohttpSender | _PoolSender | None = None
        if http_client is not None:
            self._sender = _sender_for(http_client)
        self._verify, self._cert, self._proxy = verify, cert, proxy
        #: The environment's proxy for the service, for a client made here (a caller's client
        #: has its own settings, which it applies itself).
        self._environment_proxy = environment_proxy(self.base_url) if http_client is None else None
        if http_client is None and _importable("aiohttp"):
            # Imported now (0.4 s), not inside the first request's time bounds.
            import aiohttp  # noqa: F401
        self.retry = retry if retry is not None else RetryPolicy()
        # Flows only read the gate and yield Sleep steps; nothing here blocks on its lock.
        self.backpressure = backpressure if backpressure is not None else Backpressure(clock)
        self._clock = clock
        self.service = Service.for_shell(
            self.base_url,
            timeout,
            retry=self.retry,
            gate=self.backpressure,
            clock=clock,
            answer_limit=max_answer_size,
            secret=api_key,
        )

    def __repr__(self) -> str:
        key = self._api_key.masked if self._api_key else None
        stack = self._sender.name if self._sender is not None else "not chosen yet"
        return f"<AsyncServiceTransport {display_url(self.base_url)} key={key} via {stack}>"

    @property
    def stack(self) -> str | None:
        """``"aiohttp"`` or ``"httpx"`` once chosen (at the first request without a given client)."""
        return self._sender.name if self._sender is not None else None

    async def aclose(self) -> None:
        if self._sender is not None:
            await self._sender.aclose()

    async def run(self, flow: Flow[T]) -> T:
        """Drive one flow of ``protocol``/``polling`` with this transport's send and sleep."""
        sender = self._sender
        # aiohttp and the pool run on asyncio only: asyncio's sleep, without anyio's lookup of
        # the running library at every call; httpx may be on trio.
        sleep = asyncio.sleep if sender is not None and sender.name != "httpx" else anyio.sleep
        return await run_flow_async(flow, self.send, sleep)

    def _sender_for_this_loop(self) -> _HTTPXSender | _AiohttpSender | _PoolSender:
        if self._sender is None:
            client = new_async_http_client(
                verify=self._verify,
                cert=self._cert,
                proxy=self._proxy if self._proxy is not None else self._environment_proxy,
            )
            self._sender = _sender_for(client, owned=True)
            logger.debug("async requests go through %s", self._sender.name)
        return self._sender

    # -- the wire -------------------------------------------------------------

    async def send(self, request: Request) -> Answer | Failure:
        """Send one request within its bounds; the answer, or how it failed. Never retries."""
        self._check_proxy(request.url)  # before the key is put anywhere
        sender = self._sender_for_this_loop()
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": sender.user_agent,
        }
        if self._api_key is not None:
            # Masked in every repr: error trackers record the locals of these frames.
            headers["Authorization"] = MaskedValue("Bearer " + self._api_key.reveal())
        content: Any = request.body
        stream = None
        if request.upload is not None:
            try:
                # from the start again on every attempt; opening may touch the disk
                stream = await anyio.to_thread.run_sync(request.upload.open)
            except OSError as error:
                return Failure(FailureKind.UNREADABLE_UPLOAD, error.strerror or str(error))
            encoder = multipart_body(
                request.fields or {}, request.upload, stream, upload_field=request.upload_field
            )
            headers["Content-Type"] = encoder.content_type
            headers["Content-Length"] = str(encoder.len)
            content = _Chunks(encoder.read)
        elif content is not None:
            headers["Content-Type"] = "application/json"
        try:
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s key=%s",
                    request.method,
                    display_url(request.url),
                    self._api_key.masked if self._api_key else None,
                )
            exchange = _Exchange(
                request,
                self._clock,
                # aiohttp and the pool run on asyncio only; httpx on trio too
                anyio.current_time if sender.name == "httpx" else asyncio.get_running_loop().time,
            )
            if isinstance(content, _Chunks):
                content.exchange = exchange
            return await sender.exchange(exchange, headers, content)
        finally:
            if stream is not None and request.upload is not None and request.upload.owns_stream:
                stream.close()  # a file legacy-stt opened; the caller's own stay open

    def _check_proxy(self, url: str) -> None:
        """Refuse to send the key in clear to a proxy elsewhere (as the sync shell does)."""
        if not url.startswith("http://") or self.allow_insecure_http:
            return
        proxy = self._proxy if self._proxy is not None else (self._environment_proxy or None)
        if proxy and not is_loopback_url(proxy if "://" in proxy else f"http://{proxy}"):
            raise ConfigurationError(
                f"refusing to send the API key over plain http:// through the proxy "
                f"{display_url(proxy)}: use https://, set NO_PROXY for {display_url(url)}, or "
                f"{INSECURE_HTTP_HINT} if this network is trusted"
            )


def environment_proxy(url: str) -> str | None:
    """The proxy the environment names for ``url`` (``HTTPS_PROXY``, ``NO_PROXY``, ...), as urllib
    reads it. Read once per client: scanning the environment costs more than sending a poll."""
    parts = urllib.parse.urlsplit(url)
    if urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return urllib.request.getproxies().get(parts.scheme)


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _sender_for(
    http_client: Any, *, owned: bool = False
) -> _HTTPXSender | _AiohttpSender | _PoolSender:
    module = type(http_client).__module__.split(".", 1)[0]
    if type(http_client).__module__ == f"{__package__}.http11":
        return _PoolSender(http_client, owned=owned)
    if module == "httpx":
        return _HTTPXSender(http_client, owned=owned)
    if module == "aiohttp":
        # Without legacy-stt's trace hooks (new_aiohttp_session has them), whether a request
        # went out is judged from the error alone (in doubt: it went out).
        return _AiohttpSender(http_client, owned=owned)
    raise ConfigurationError(
        "http_client must be an httpx.AsyncClient, an aiohttp.ClientSession or a "
        "legacy_stt.aio.http11.ConnectionPool; "
        f"got {type(http_client).__name__}"
    )
