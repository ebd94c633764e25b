"""Old code, unchanged, on httpx: transports for the legacy endpoint, and a one-line patch.

``HTTPXLegacyTransport`` (for ``httpx.Client``) and
``AsyncHTTPXLegacyTransport`` (for ``httpx.AsyncClient``) are what
``dropin.LegacyTransport`` is for requests: they answer ``POST {base}/v1/stt``
and ``POST {base}/stt`` on the official base URL and on ``base_url`` (default
``AIML_API_BASE_URL``) by running the two-step API, and return a real
``httpx.Response`` -- 201 and the legacy JSON body, or the legacy endpoint's
error answer. Every other request goes to the inner ``transport``. The call
itself is run by the endpoints the requests drop-in and the proxy use
(``LegacyEndpoint``; ``AsyncLegacyEndpoint`` on the event loop), so the
reading of bodies, the key rules and the error answers are the same
everywhere.

``patch_httpx()`` makes ``httpx.post(...)`` and every ``httpx.Client`` /
``httpx.AsyncClient`` answer legacy calls this way::

    import legacy_stt.compat.httpx_dropin
    legacy_stt.compat.httpx_dropin.patch_httpx()      # the one added line

    response = httpx.post("https://api.aimlapi.com/v1/stt", headers=..., json=payload, timeout=120)

How the patch works: httpx has no adapter registry to hook (requests has
``Session.get_adapter``), but every request a client sends picks its
transport with ``Client._transport_for_url(url)`` -- one private method,
unchanged from httpx 0.18 to 0.28 and in httpx2. The patch wraps it on both
client classes: for a URL of the legacy endpoint it returns a route that
answers ``POST`` itself and hands any other method to the transport the
client would have used; for any other URL it returns the client's own
transport. A client's ``transport=``, ``mounts=``, ``verify=``, ``cert=``,
``proxy=`` and environment proxies therefore keep applying to everything
that is not the legacy call. (Wrapping ``_init_transport`` instead would
miss ``mounts=`` and the proxy transports, which httpx builds and picks
elsewhere.) The wrapper sits on the classes, so clients made before the patch
are covered too, as ``patch_requests()`` covers existing sessions.

A legacy call's own requests (create, polls) do not go through the calling
client: the sync transport sends them with ``requests`` (its ``session=``),
the async one with an ``httpx.AsyncClient`` made for each call (or
``http_client=``) -- httpx pools are bound to the event loop that opened
them, and a patch serves every loop.

httpx2 (a separate package with httpx's interface and its own classes) is
served by the same code with the module as a class attribute:
``HTTPX2LegacyTransport``, ``AsyncHTTPX2LegacyTransport`` and their errors
are built on first use, and ``patch_httpx2()`` patches its clients. httpx2 is
imported only then.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Mapping
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, Callable, ClassVar

try:
    import anyio
    import anyio.to_thread
    import httpx
except ImportError:  # pragma: no cover - the base install has no httpx
    raise ImportError(
        "legacy-stt's httpx drop-ins need httpx: install legacy-stt[async] "
        "(pip install 'legacy-stt[async]')"
    ) from None

from .. import deprecations
from ..aio.transport import new_http_client
from ..core.calls import ONE_CALL_REPLACEMENT
from ..core.polling import DEFAULT_POLL_TIMEOUT, PollPolicy
from ..core.retries import RetryPolicy
from ..core.settings import DEFAULT_BASE_URL, APIKey, normalize_base_url
from ..exceptions import JobMayExist, PollTimeout, ServiceUnreachable
from ..payloads.planning import Target
from .async_endpoint import AsyncLegacyEndpoint
from .endpoint import (
    DEFAULT_MAX_BODY_SIZE,
    LEGACY_PATHS,
    CallerAuthorization,
    LegacyEndpoint,
    LegacyReply,
    environment_api_key,
)
from .requests_dropin import IterableReader, base_key

if TYPE_CHECKING:  # pragma: no cover
    import ssl

    import requests

__all__ = [
    "HTTPXLegacyTransport",
    "AsyncHTTPXLegacyTransport",
    "HTTPXLegacyCallConnectError",
    "HTTPXLegacyCallTimeout",
    "HTTPXPatch",
    "patch_httpx",
    "unpatch_httpx",
    "patch_httpx2",
    # Also HTTPX2LegacyTransport, AsyncHTTPX2LegacyTransport, HTTPX2LegacyCallConnectError and
    # HTTPX2LegacyCallTimeout: built on first use (not listed, so `import *` needs no httpx2).
]

logger = logging.getLogger(__name__)

#: An upload body is spooled in memory up to this size, then to a temporary file.
SPOOL_MEMORY_SIZE = 1024 * 1024
#: Bytes of an upload gathered before each write to the spool (one worker-thread hop each).
_SPOOL_WRITE_SIZE = 1024 * 1024


def _package_dirs(*names: str) -> tuple[str, ...]:
    """The directories of these packages, for skipping their frames when a warning is attributed."""
    dirs = []
    for name in names:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if module.__file__:
            dirs.append(os.path.dirname(os.path.abspath(module.__file__)) + os.sep)
    return tuple(dirs)


def _read_timeout(request: Any) -> float | None:
    """The caller's read timeout in seconds: how long old code was prepared to wait for the answer."""
    timeout = request.extensions.get("timeout")
    read = timeout.get("read") if isinstance(timeout, Mapping) else None
    if isinstance(read, (int, float)) and not isinstance(read, bool) and read > 0:
        return float(read)
    return None


def _content_length(request: Any) -> int | None:
    length = request.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


# -- errors: httpx's, and legacy-stt's -----------------------------------------------------------


class HTTPXLegacyCallConnectError(httpx.ConnectError, ServiceUnreachable):
    """The service could not be reached (or stopped answering) during a legacy call.

    An ``httpx.ConnectError``, as old code expects, and a
    ``legacy_stt.ServiceUnreachable``. ``job_may_exist`` says whether a
    (billed) job may exist: the create request may have reached the service,
    or it did and the polls then failed -- ``generation_id`` then names the
    job, to pick up with ``legacy_stt.Client().result(error.generation_id)``
    instead of sending the request again.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        job_may_exist: bool = False,
        generation_id: str | None = None,
    ) -> None:
        # httpx's __init__ hands on to ServiceUnreachable's (next in the MRO), which resets these
        super().__init__(message, request=request)
        self.generation_id = generation_id
        self.job_may_exist = job_may_exist or generation_id is not None


class HTTPXLegacyCallTimeout(httpx.ReadTimeout, PollTimeout):
    """The caller's read timeout ran out before the job finished.

    An ``httpx.ReadTimeout``, as the legacy endpoint's slow answer was, and
    a ``legacy_stt.PollTimeout`` carrying the ``generation_id``: the job
    still runs, and ``legacy_stt.Client().result(error.generation_id)``
    picks it up within the hour.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        generation_id: str,
        waited: float,
        last_status: str | None,
    ) -> None:
        # httpx's __init__ would hand on to PollTimeout's (next in the MRO) without its
        # arguments: PollTimeout's runs instead, and the request goes through httpx's setter.
        PollTimeout.__init__(
            self, message, generation_id=generation_id, waited=waited, last_status=last_status
        )
        self.request = request


# -- the transports ----------------------------------------------------------------------------


class _LegacyCalls:
    """What the four transports share: which requests they answer, the warning, the answer.

    Subclasses name the httpx module they are for (``_http``) and its error
    classes; nothing here names httpx itself.
    """

    _http: ClassVar[Any]
    _connect_error: ClassVar[Callable[..., Exception]]
    _timeout_error: ClassVar[Callable[..., Exception]]
    # Frames of the HTTP library sit between old code and this module; warnings skip them.
    _skip_dirs: ClassVar[tuple[str, ...]]

    base_url: str
    intercepted: tuple[str, ...]
    _bases: set[tuple[str, str, str]]

    def _intercept(self, base_url: str) -> None:
        self.base_url = base_url
        self.intercepted = tuple(dict.fromkeys((DEFAULT_BASE_URL, base_url)))
        self._bases = {base_key(url) for url in self.intercepted}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} intercepting {', '.join(self.intercepted)}>"

    def handles(self, url: Any) -> bool:
        """True for a URL (``str`` or ``httpx.URL``) of the legacy endpoint on an intercepted base URL."""
        try:
            scheme, host, path = base_key(str(url))
        except ValueError:  # an invalid port: not ours to judge
            return False
        for base_scheme, base_host, prefix in self._bases:
            if (
                scheme == base_scheme
                and host == base_host
                and path.startswith(prefix)
                and path[len(prefix) :] in LEGACY_PATHS
            ):
                return True
        return False

    def _is_legacy_call(self, request: Any) -> bool:
        return bool(request.method == "POST" and self.handles(request.url))

    def _warn_deprecated(self, request: Any) -> None:
        warnings.warn(
            deprecations.one_call_deprecation(f"POST {request.url.path}", ONE_CALL_REPLACEMENT),
            stacklevel=deprecations.external_stacklevel(self._skip_dirs),
        )

    def _respond(self, reply: LegacyReply, request: Any, *, timed: bool) -> Any:
        """The reply as httpx gives it: notices as warnings, then an exception or a response."""
        for notice in reply.notices:
            deprecations.warn(notice.message, notice.category, self._skip_dirs)
        self._raise_as_httpx_would(reply, request, timed=timed)
        logger.info("answered POST %s with %s", request.url.path, reply.status)
        return self._http.Response(
            reply.status,
            headers={"Content-Type": "application/json; charset=utf-8", **reply.headers},
            content=reply.content,
            request=request,
            extensions={"reason_phrase": reply.reason.encode("ascii", "replace")},
        )

    def _raise_as_httpx_would(self, reply: LegacyReply, request: Any, *, timed: bool) -> None:
        error = reply.error
        if isinstance(error, (ServiceUnreachable, JobMayExist)):
            raise self._connect_error(
                str(error),
                request=request,
                job_may_exist=error.job_may_exist,
                generation_id=error.generation_id,
            ) from error
        if isinstance(error, PollTimeout) and timed:
            raise self._timeout_error(
                f"{error} (the request's read timeout bounds the whole legacy call)",
                request=request,
                generation_id=error.generation_id,
                waited=error.waited,
                last_status=error.last_status,
            ) from error


class _SyncLegacyTransport(_LegacyCalls):
    """The sync transport, for whichever httpx module the subclass names (see ``HTTPXLegacyTransport``)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        target: Target = None,
        strict: bool = False,
        poll_timeout: float = DEFAULT_POLL_TIMEOUT,
        poll_policy: PollPolicy | None = None,
        allow_insecure_http: bool = False,
        max_body_size: float = DEFAULT_MAX_BODY_SIZE,
        retry: RetryPolicy | int | None = None,
        transport: httpx.BaseTransport | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self._endpoint = LegacyEndpoint(
            base_url=normalize_base_url(
                base_url or os.environ.get("AIML_API_BASE_URL") or DEFAULT_BASE_URL
            ),
            api_key=api_key,
            default_api_key=environment_api_key(),
            session=session,
            target=target,
            strict=strict,
            poll_timeout=poll_timeout,
            poll_policy=poll_policy,
            allow_insecure_http=allow_insecure_http,
            max_body_size=max_body_size,
            retry=retry,
        )
        api_key = None
        self._intercept(self._endpoint.base_url)
        # Made on first use: a patch's transports never pass anything through (the client's own
        # transport does), and an HTTPTransport costs an SSL context.
        self._inner = transport
        self._inner_lock = threading.Lock()

    def _passthrough(self) -> Any:
        with self._inner_lock:
            if self._inner is None:
                self._inner = self._http.HTTPTransport()
            return self._inner

    def handle_request(self, request: Any) -> Any:
        if not self._is_legacy_call(request):
            return self._passthrough().handle_request(request)
        return self._answer(request)

    def _answer(self, request: Any) -> Any:
        self._warn_deprecated(request)
        read_timeout = _read_timeout(request)
        try:
            body: IO[bytes] | bytes = request.content  # JSON and form bodies are already read
        except self._http.RequestNotRead:
            # A streamed body (multipart): read a chunk at a time by the endpoint, which spools
            # the file part to disk itself -- the upload is never whole in memory.
            body = IterableReader(request.stream)  # type: ignore[assignment]
        reply = self._endpoint.reply(
            request.headers.get("Content-Type"),
            body,
            content_length=_content_length(request),
            authorization=CallerAuthorization.of(request.headers.get("Authorization")),
            poll_timeout=read_timeout,
        )
        return self._respond(reply, request, timed=read_timeout is not None)

    def close(self) -> None:
        with self._inner_lock:
            inner, self._inner = self._inner, None
        if inner is not None:
            inner.close()
        self._endpoint.session.close()


class _AsyncLegacyTransport(_LegacyCalls):
    """The async transport, for whichever httpx module the subclass names (see ``AsyncHTTPXLegacyTransport``)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        target: Target = None,
        strict: bool = False,
        poll_timeout: float = DEFAULT_POLL_TIMEOUT,
        poll_policy: PollPolicy | None = None,
        allow_insecure_http: bool = False,
        max_body_size: float = DEFAULT_MAX_BODY_SIZE,
        retry: RetryPolicy | int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        # Held masked: frames and objects that hold these are recorded by error trackers.
        self._api_key = APIKey(api_key) if api_key else None
        default_api_key = environment_api_key()
        self._default_api_key = APIKey(default_api_key) if default_api_key else None
        api_key = default_api_key = None
        self._http_client = http_client
        # Each call gets an httpx.AsyncClient of its own (an httpx pool belongs to the event loop
        # that opened its connections; a patch serves every loop). They share one SSL context:
        # loading the CA bundle is the costly part of making a client.
        self._ssl_context: ssl.SSLContext | None = None
        if http_client is None:
            self._ssl_context = httpx.create_ssl_context()
        self._options: dict[str, Any] = dict(
            base_url=normalize_base_url(
                base_url or os.environ.get("AIML_API_BASE_URL") or DEFAULT_BASE_URL
            ),
            strict=strict,
            poll_timeout=poll_timeout,
            poll_policy=poll_policy,
            allow_insecure_http=allow_insecure_http,
            max_body_size=max_body_size,
            retry=retry,
            target=target,
        )
        # One endpoint now, so that a bad option fails here, not on the first request.
        probe = self._new_endpoint(http_client or new_http_client(verify=self._ssl_context))
        self._options["target"] = probe.target
        self._shared_endpoint = probe if http_client is not None else None
        self._max_body_size = max_body_size
        self._intercept(probe.base_url)
        self._inner = transport

    def _new_endpoint(self, http_client: httpx.AsyncClient) -> AsyncLegacyEndpoint:
        return AsyncLegacyEndpoint(
            api_key=self._api_key.reveal() if self._api_key else None,
            default_api_key=self._default_api_key.reveal() if self._default_api_key else None,
            http_client=http_client,
            **self._options,
        )

    def _passthrough(self) -> Any:
        # (no lock: nothing is awaited between the test and the assignment)
        if self._inner is None:
            self._inner = self._http.AsyncHTTPTransport()
        return self._inner

    async def handle_async_request(self, request: Any) -> Any:
        if not self._is_legacy_call(request):
            return await self._passthrough().handle_async_request(request)
        return await self._answer(request)

    async def _answer(self, request: Any) -> Any:
        self._warn_deprecated(request)
        read_timeout = _read_timeout(request)
        spool: IO[bytes] | None = None
        try:
            body: IO[bytes] | bytes = request.content  # JSON and form bodies are already read
        except self._http.RequestNotRead:
            spool = body = await self._spool(request)
        endpoint, owned_client = self._endpoint_for_call()
        try:
            reply = await endpoint.reply(
                request.headers.get("Content-Type"),
                body,
                content_length=_content_length(request),
                authorization=CallerAuthorization.of(request.headers.get("Authorization")),
                poll_timeout=read_timeout,
            )
        finally:
            # shielded: a cancelled call still closes its connections and deletes its spool
            with anyio.CancelScope(shield=True):
                if owned_client is not None:
                    await owned_client.aclose()
                if spool is not None:
                    await anyio.to_thread.run_sync(spool.close)
        return self._respond(reply, request, timed=read_timeout is not None)

    def _endpoint_for_call(self) -> tuple[AsyncLegacyEndpoint, httpx.AsyncClient | None]:
        if self._shared_endpoint is not None:
            return self._shared_endpoint, None
        client = new_http_client(verify=self._ssl_context)
        return self._new_endpoint(client), client

    async def _spool(self, request: Any) -> IO[bytes]:
        """A streamed body (a multipart upload), copied to a spooled file a batch at a time.

        The endpoint reads its body in a worker thread, which cannot read an
        async stream; the disk writes run in worker threads too. Past
        ``max_body_size`` the copy stops: the endpoint answers 413 on seeing more.
        """
        # (no `with`: the spool outlives this function; the caller closes it)
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_SIZE)  # noqa: SIM115
        try:
            pending = bytearray()
            size = 0
            async for chunk in request.stream:
                pending += chunk
                size += len(chunk)
                if len(pending) >= _SPOOL_WRITE_SIZE:
                    await anyio.to_thread.run_sync(spool.write, bytes(pending))
                    pending.clear()
                if size > self._max_body_size:
                    break
            if pending:
                await anyio.to_thread.run_sync(spool.write, bytes(pending))
            await anyio.to_thread.run_sync(spool.seek, 0)
        except BaseException:
            spool.close()
            raise
        return spool

    async def aclose(self) -> None:
        inner, self._inner = self._inner, None
        if inner is not None:
            await inner.aclose()


class HTTPXLegacyTransport(_SyncLegacyTransport, httpx.BaseTransport):
    """An httpx transport that answers the legacy endpoint on the two-step API.

    Give it to a client, or mount it for the service's base URL::

        client = httpx.Client(transport=HTTPXLegacyTransport())
        client = httpx.Client(mounts={"https://api.aimlapi.com": HTTPXLegacyTransport()})

    It answers ``POST`` to ``/v1/stt`` and ``/stt`` on the official base URL
    and on ``base_url`` (default ``AIML_API_BASE_URL``), running the jobs on
    ``base_url``; everything else goes to ``transport`` (an
    ``httpx.HTTPTransport()`` unless given -- httpx ignores a client's
    ``verify=`` and ``proxy=`` once ``transport=`` is given, so put them on
    that transport). The jobs' own requests are sent with ``requests``
    (``session``, by default one made here).

    Key: ``api_key``, if given, replaces the key old code sends; otherwise
    the request's own ``Authorization: Bearer`` key is used, or
    ``AIML_API_KEY`` when the request has none. ``target``, ``strict``,
    ``poll_timeout``, ``poll_policy``, ``retry`` and ``allow_insecure_http``
    are ``Client``'s options. The request's read timeout (httpx's
    ``timeout=``, 5 s unless the client sets another) bounds the whole call,
    as it bounded the legacy endpoint's answer: running out of it raises
    ``HTTPXLegacyCallTimeout`` with the job's id.
    """

    _http: ClassVar[Any] = httpx
    _connect_error = HTTPXLegacyCallConnectError
    _timeout_error = HTTPXLegacyCallTimeout
    _skip_dirs = _package_dirs("httpx", "httpcore", "anyio")


class AsyncHTTPXLegacyTransport(_AsyncLegacyTransport, httpx.AsyncBaseTransport):
    """``HTTPXLegacyTransport`` for ``httpx.AsyncClient``, on asyncio or trio.

    The options are the same, with ``transport`` an ``httpx.AsyncBaseTransport``
    (``httpx.AsyncHTTPTransport()`` unless given). The jobs' own requests are
    sent with an ``httpx.AsyncClient`` made for each call, or with
    ``http_client`` (yours, left open; use it on one event loop only). A
    streamed upload is spooled to a temporary file (past 1 MiB) in worker
    threads before it is read, never held whole in memory.
    """

    _http: ClassVar[Any] = httpx
    _connect_error = HTTPXLegacyCallConnectError
    _timeout_error = HTTPXLegacyCallTimeout
    _skip_dirs = _package_dirs("httpx", "httpcore", "anyio")


# -- httpx2: the same classes on its module, built on first use ---------------------------------

_HTTPX2_NAMES = (
    "HTTPX2LegacyTransport",
    "AsyncHTTPX2LegacyTransport",
    "HTTPX2LegacyCallConnectError",
    "HTTPX2LegacyCallTimeout",
)
_httpx2_lock = threading.Lock()
_httpx2_classes: dict[str, type] = {}


def _httpx2_kit() -> dict[str, type]:
    """The httpx2 drop-in classes (importing httpx2 the first time)."""
    with _httpx2_lock:
        if _httpx2_classes:
            return _httpx2_classes
        import httpx2

        class HTTPX2LegacyCallConnectError(httpx2.ConnectError, ServiceUnreachable):
            __doc__ = HTTPXLegacyCallConnectError.__doc__

            def __init__(
                self,
                message: str,
                *,
                request: httpx2.Request | None = None,
                job_may_exist: bool = False,
                generation_id: str | None = None,
            ) -> None:
                super().__init__(message, request=request)  # see HTTPXLegacyCallConnectError
                self.generation_id = generation_id
                self.job_may_exist = job_may_exist or generation_id is not None

        class HTTPX2LegacyCallTimeout(httpx2.ReadTimeout, PollTimeout):
            __doc__ = HTTPXLegacyCallTimeout.__doc__

            def __init__(
                self,
                message: str,
                *,
                request: httpx2.Request,
                generation_id: str,
                waited: float,
                last_status: str | None,
            ) -> None:
                PollTimeout.__init__(  # see HTTPXLegacyCallTimeout
                    self,
                    message,
                    generation_id=generation_id,
                    waited=waited,
                    last_status=last_status,
                )
                self.request = request

        skip = _package_dirs("httpx2", "httpcore2", "anyio")

        class HTTPX2LegacyTransport(_SyncLegacyTransport, httpx2.BaseTransport):
            __doc__ = "``HTTPXLegacyTransport`` for ``httpx2.Client``."
            _http: ClassVar[Any] = httpx2
            _connect_error = HTTPX2LegacyCallConnectError
            _timeout_error = HTTPX2LegacyCallTimeout
            _skip_dirs = skip

        class AsyncHTTPX2LegacyTransport(_AsyncLegacyTransport, httpx2.AsyncBaseTransport):
            __doc__ = (
                "``AsyncHTTPXLegacyTransport`` for ``httpx2.AsyncClient`` (the jobs' own "
                "requests are still sent with httpx)."
            )
            _http: ClassVar[Any] = httpx2
            _connect_error = HTTPX2LegacyCallConnectError
            _timeout_error = HTTPX2LegacyCallTimeout
            _skip_dirs = skip

        for cls in (
            HTTPX2LegacyTransport,
            AsyncHTTPX2LegacyTransport,
            HTTPX2LegacyCallConnectError,
            HTTPX2LegacyCallTimeout,
        ):
            cls.__qualname__ = cls.__name__  # importable by name from this module (pickling)
            cls.__module__ = __name__
            _httpx2_classes[cls.__name__] = cls
        return _httpx2_classes


def __getattr__(name: str) -> Any:
    if name in _HTTPX2_NAMES:
        value = _httpx2_kit()[name]
        globals()[name] = value  # later lookups skip this hook
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _transports_for(module: ModuleType) -> tuple[type[Any], type[Any]]:
    if module is httpx:
        return HTTPXLegacyTransport, AsyncHTTPXLegacyTransport
    if getattr(module, "__name__", None) == "httpx2":
        kit = _httpx2_kit()
        return kit["HTTPX2LegacyTransport"], kit["AsyncHTTPX2LegacyTransport"]
    raise TypeError(f"module must be httpx or httpx2; got {module!r}")


# -- the patch ---------------------------------------------------------------------------------


class _Route:
    """What a patched client sends a legacy URL to: the patch answers POST, its own transport the rest."""

    __slots__ = ("_legacy", "_own")

    def __init__(self, legacy: _SyncLegacyTransport, own: Any) -> None:
        self._legacy = legacy
        self._own = own

    def handle_request(self, request: Any) -> Any:
        if self._legacy._is_legacy_call(request):
            return self._legacy._answer(request)
        return self._own.handle_request(request)

    def close(self) -> None:  # the client closes its own transports, the patch its own
        pass


class _AsyncRoute:
    """``_Route`` for ``AsyncClient``."""

    __slots__ = ("_legacy", "_own")

    def __init__(self, legacy: _AsyncLegacyTransport, own: Any) -> None:
        self._legacy = legacy
        self._own = own

    async def handle_async_request(self, request: Any) -> Any:
        if self._legacy._is_legacy_call(request):
            return await self._legacy._answer(request)
        return await self._own.handle_async_request(request)

    async def aclose(self) -> None:
        pass


class HTTPXPatch:
    """One active ``patch_httpx()``: undo it with ``undo()`` or by leaving its ``with`` block.

    ``transport`` answers for ``Client``, ``async_transport`` for ``AsyncClient``.
    """

    def __init__(self, module: ModuleType, transport: Any, async_transport: Any) -> None:
        self.module = module
        self.transport = transport
        self.async_transport = async_transport

    def __repr__(self) -> str:
        state = _states.get(self.module.__name__)
        active = "active" if state is not None and self in state.patches else "undone"
        return f"<HTTPXPatch {active} on {self.module.__name__} {self.transport!r}>"

    def undo(self) -> None:
        with _patch_lock:
            state = _states.get(self.module.__name__)
            if state is not None and self in state.patches:
                state.patches.remove(self)
                if not state.patches:
                    state.restore()
        self._close()

    def _close(self) -> None:
        # The async transport holds nothing open: each call closes its own client, and a patch
        # passes nothing through it.
        self.transport.close()

    def __enter__(self) -> HTTPXPatch:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.undo()


class _ModuleState:
    """The patches of one httpx module, latest last, and the methods they replaced."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.patches: list[HTTPXPatch] = []
        self.originals: dict[Any, Any] = {}  # client class -> its own _transport_for_url

    def latest(self) -> HTTPXPatch | None:
        try:
            return self.patches[-1]
        except IndexError:  # undone meanwhile, in another thread
            return None

    def install(self) -> None:
        if self.originals:
            return
        for client_class, wrap in (
            (self.module.Client, self._sync_router),
            (self.module.AsyncClient, self._async_router),
        ):
            original = client_class.__dict__.get("_transport_for_url")
            if original is None:
                raise RuntimeError(
                    f"{self.module.__name__} {getattr(self.module, '__version__', '')} has no "
                    f"{client_class.__name__}._transport_for_url to patch; mount "
                    "HTTPXLegacyTransport on your clients instead"
                )
            self.originals[client_class] = original
            client_class._transport_for_url = wrap(original)

    def restore(self) -> None:
        for client_class, original in self.originals.items():
            client_class._transport_for_url = original
        self.originals.clear()

    def _sync_router(self, original: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        @functools.wraps(original)
        def _transport_for_url(client: Any, url: Any) -> Any:
            patch = self.latest()
            if patch is not None and patch.transport.handles(url):
                return _Route(patch.transport, original(client, url))
            return original(client, url)

        return _transport_for_url

    def _async_router(self, original: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        @functools.wraps(original)
        def _transport_for_url(client: Any, url: Any) -> Any:
            patch = self.latest()
            if patch is not None and patch.async_transport.handles(url):
                return _AsyncRoute(patch.async_transport, original(client, url))
            return original(client, url)

        return _transport_for_url


_patch_lock = threading.Lock()
_states: dict[str, _ModuleState] = {}


def patch_httpx(
    base_url: str | None = None, *, module: ModuleType | None = None, **options: Any
) -> HTTPXPatch:
    """Make every httpx call to the legacy endpoint run on the two-step API.

    After this, ``httpx.post("https://api.aimlapi.com/v1/stt", ...)`` -- and
    the same on ``base_url`` (default ``AIML_API_BASE_URL``), through the
    module-level functions or any ``Client`` or ``AsyncClient`` -- is
    answered by an ``HTTPXLegacyTransport`` (``AsyncHTTPXLegacyTransport``).
    Every other request goes to the client's own transport, with its
    settings. ``options`` are the transports' (``api_key``, ``target``,
    ``strict``, ...; ``session`` goes to the sync one, ``http_client`` to the
    async one). ``module=httpx2`` patches httpx2 instead. Returns a handle:
    ``undo()`` it, or use it as a context manager; ``unpatch_httpx()`` undoes
    every patch. A later patch takes precedence over an earlier one until it
    is undone.
    """
    http = httpx if module is None else module
    sync_class, async_class = _transports_for(http)
    if "transport" in options:
        raise TypeError(
            "patch_httpx() takes no transport=: requests it does not answer go to each "
            "client's own transport"
        )
    transport = sync_class(
        base_url, **{name: value for name, value in options.items() if name != "http_client"}
    )
    try:
        async_transport = async_class(
            base_url, **{name: value for name, value in options.items() if name != "session"}
        )
    except BaseException:
        transport.close()
        raise
    patch = HTTPXPatch(http, transport, async_transport)
    with _patch_lock:
        state = _states.setdefault(http.__name__, _ModuleState(http))
        try:
            state.install()
        except BaseException:
            transport.close()
            raise
        state.patches.append(patch)
    logger.debug("%s patched: %r", http.__name__, transport)
    return patch


def patch_httpx2(base_url: str | None = None, **options: Any) -> HTTPXPatch:
    """``patch_httpx()`` for httpx2 (imported here)."""
    import httpx2

    return patch_httpx(base_url, module=httpx2, **options)


def unpatch_httpx(module: ModuleType | None = None) -> bool:
    """Undo every ``patch_httpx()`` (of ``module`` only, if given); returns whether anything was patched."""
    with _patch_lock:
        if module is None:
            states = list(_states.values())
        else:
            states = [state for name, state in _states.items() if name == module.__name__]
        active = []
        for state in states:
            active.extend(state.patches)
            state.patches.clear()
            state.restore()
    for patch in active:
        patch._close()
    return bool(active)
