"""Old code, unchanged: a requests transport adapter for the legacy endpoint, and a one-line patch.

``LegacyTransport`` is a ``requests`` transport adapter. Mounted on a
``Session`` (or installed for every session by ``patch_requests()``), it
answers ``POST {base}/v1/stt`` and ``POST {base}/stt`` itself: it reads the
body as old code sends it (JSON, multipart with ``files=``, form fields),
runs the two-step flow, and returns a real ``requests.Response`` -- status
201 and the legacy JSON body. Failures come back the way old code already
handles them: HTTP error responses with a JSON message (``raise_for_status()``
raises ``requests.HTTPError``), ``requests.ConnectionError`` when the
service cannot be reached, ``requests.ReadTimeout`` when the caller's
``timeout`` runs out. Every other request passes through untouched.

::

    import legacy_stt
    legacy_stt.patch_requests()          # the one added line

    response = requests.post("https://api.aimlapi.com/v1/stt", headers=..., json=payload)
"""

from __future__ import annotations

import io
import json
import logging
import os
import threading
import warnings
from collections.abc import Iterable, Iterator
from typing import IO, Any, Union
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict

from .. import deprecations
from ..core.polling import DEFAULT_POLL_TIMEOUT, PollPolicy
from ..core.retries import RetryPolicy
from ..exceptions import JobMayExist, PollTimeout, ServiceUnreachable
from ..payloads.planning import Target
from ..sync.client import ONE_CALL_REPLACEMENT
from ..sync.transport import DEFAULT_BASE_URL, normalize_base_url
from .endpoint import (
    DEFAULT_MAX_BODY_SIZE,
    LEGACY_PATHS,
    CallerAuthorization,
    LegacyEndpoint,
    LegacyReply,
    environment_api_key,
)

__all__ = [
    "LegacyTransport",
    "post_via_two_step",
    "RequestsPatch",
    "patch_requests",
    "unpatch_requests",
    "LegacyCallConnectionError",
    "LegacyCallTimeout",
]

logger = logging.getLogger(__name__)

# Frames of requests (and urllib3) sit between old code and this module; warnings skip them.
_REQUESTS_DIRS = tuple(
    os.path.dirname(os.path.abspath(module.__file__ or "")) + os.sep for module in (requests,)
)

RequestTimeout = Union[None, float, tuple[Any, Any], Any]


class LegacyCallConnectionError(requests.exceptions.ConnectionError, ServiceUnreachable):
    """The service could not be reached (or stopped answering) during a legacy call.

    A ``requests.ConnectionError``, as old code expects, and a
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
        job_may_exist: bool = False,
        generation_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        # requests' __init__ hands on to ServiceUnreachable's (next in the MRO), which resets these
        requests.exceptions.ConnectionError.__init__(self, message, **kwargs)
        self.generation_id = generation_id
        self.job_may_exist = job_may_exist or generation_id is not None


class LegacyCallTimeout(requests.exceptions.ReadTimeout, PollTimeout):
    """The caller's ``timeout`` ran out before the job finished.

    A ``requests.ReadTimeout``, as the legacy endpoint's slow answer was, and
    a ``legacy_stt.PollTimeout`` carrying the ``generation_id``: the job
    still runs, and ``legacy_stt.Client().result(error.generation_id)``
    picks it up within the hour.
    """

    def __init__(
        self,
        message: str,
        *,
        generation_id: str,
        waited: float,
        last_status: str | None,
        **kwargs: Any,
    ) -> None:
        self.generation_id = generation_id
        self.waited = waited
        self.last_status = last_status
        # requests' __init__ would hand on to PollTimeout's (next in the MRO) without its arguments
        self.request = kwargs.get("request")
        self.response = kwargs.get("response")
        OSError.__init__(self, message)


def base_key(url: str) -> tuple[str, str, str]:
    """(scheme, host:port, path prefix) of a base URL, with the default port made explicit."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, f"{(parts.hostname or '').lower()}:{port}", parts.path.rstrip("/")


class IterableReader:
    """``read(n)`` over an iterable of byte chunks (a generator body)."""

    def __init__(self, chunks: Iterable[Any]) -> None:
        self._chunks: Iterator[Any] = iter(chunks)
        self._buffer = b""

    def read(self, amount: int = -1) -> bytes:
        while amount is None or amount < 0 or len(self._buffer) < amount:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
        if amount is None or amount < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:amount], self._buffer[amount:]
        return data


class _BytesOnly:
    """``read(n)`` that turns a text stream's ``str`` into UTF-8 bytes."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, amount: int = -1) -> bytes:
        chunk = self._stream.read(amount)
        return chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk or b"")


def _body_reader(body: Any) -> IO[bytes] | bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if hasattr(body, "read"):
        return _BytesOnly(body)  # type: ignore[return-value]
    return IterableReader(body)  # type: ignore[return-value]


def _read_timeout(timeout: RequestTimeout) -> float | None:
    """The caller's read timeout in seconds: how long old code was prepared to wait for the answer."""
    if timeout is None:
        return None
    if isinstance(timeout, tuple):
        timeout = timeout[1] if len(timeout) > 1 else timeout[0]
    read = getattr(timeout, "read_timeout", timeout)  # a urllib3 Timeout
    if isinstance(read, (int, float)) and not isinstance(read, bool) and read > 0:
        return float(read)
    return None


class LegacyTransport(BaseAdapter):
    """A ``requests`` transport adapter that answers the legacy endpoint on the two-step API.

    Mount it for the service's base URL::

        session.mount("https://api.aimlapi.com", LegacyTransport())

    It answers ``POST`` to ``/v1/stt`` and ``/stt`` on the official base URL
    and on ``base_url`` (default ``AIML_API_BASE_URL``), running the jobs on
    ``base_url``. Everything else goes to ``passthrough`` (a plain
    ``HTTPAdapter`` unless given) untouched.

    Key: ``api_key``, if given, replaces the key old code sends; otherwise
    the request's own ``Authorization: Bearer`` key is used, or
    ``AIML_API_KEY`` when the request has none. ``target``, ``strict``,
    ``poll_timeout``, ``poll_policy``, ``retry`` and ``allow_insecure_http``
    are ``Client``'s options. A caller's ``timeout=`` bounds the whole call, as
    it bounded the legacy endpoint's answer.
    """

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
        passthrough: BaseAdapter | None = None,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__()
        base = normalize_base_url(
            base_url or os.environ.get("AIML_API_BASE_URL") or DEFAULT_BASE_URL
        )
        self._endpoint = LegacyEndpoint(
            base_url=base,
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
        self.base_url = self._endpoint.base_url
        self.intercepted = tuple(dict.fromkeys((DEFAULT_BASE_URL, self.base_url)))
        self._bases = {base_key(url) for url in self.intercepted}
        self._passthrough = passthrough if passthrough is not None else HTTPAdapter()

    def __repr__(self) -> str:
        return f"<LegacyTransport intercepting {', '.join(self.intercepted)}>"

    def handles(self, url: str) -> bool:
        """True for a URL of the legacy endpoint on one of the intercepted base URLs."""
        try:
            scheme, host, path = base_key(url)
        except ValueError:  # an invalid port: not ours to judge
            return False
        path = urlsplit(url).path.rstrip("/")
        for base_scheme, base_host, prefix in self._bases:
            if (
                scheme == base_scheme
                and host == base_host
                and path.startswith(prefix)
                and path[len(prefix) :] in LEGACY_PATHS
            ):
                return True
        return False

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: RequestTimeout = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        """Answer a legacy ``POST`` to the endpoint on the two-step API (with the deprecation
        warning); send every other request through requests' own transport adapter."""
        if request.method != "POST" or not request.url or not self.handles(request.url):
            return self._passthrough.send(
                request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
            )
        warnings.warn(
            deprecations.one_call_deprecation(
                f"POST {urlsplit(request.url).path}", ONE_CALL_REPLACEMENT
            ),
            stacklevel=deprecations.external_stacklevel(_REQUESTS_DIRS),
        )
        return self._answer(request, timeout=timeout, verify=verify, cert=cert, proxies=proxies)

    def _answer(
        self,
        request: requests.PreparedRequest,
        *,
        timeout: RequestTimeout,
        verify: bool | str,
        cert: Any,
        proxies: Any,
    ) -> requests.Response:
        """The legacy request ``request``, run on the two-step API: the response it gets."""
        assert request.url is not None
        length = request.headers.get("Content-Length")
        reply = self._endpoint.reply(
            request.headers.get("Content-Type"),
            _body_reader(request.body),
            content_length=int(length) if length and length.isdigit() else None,
            authorization=CallerAuthorization.of(request.headers.get("Authorization")),
            poll_timeout=_read_timeout(timeout),
            # The caller's own TLS and proxy settings (session.verify, verify=, cert=, a private
            # CA) apply to the two-step requests made on its behalf.
            verify=verify,
            cert=cert,
            proxies=proxies,
        )
        for notice in reply.notices:
            deprecations.warn(notice.message, notice.category, _REQUESTS_DIRS)
        self._raise_as_requests_would(reply, request, timed=_read_timeout(timeout) is not None)
        logger.info("answered POST %s with %s", urlsplit(request.url).path, reply.status)
        return self._response(reply, request)

    @staticmethod
    def _raise_as_requests_would(
        reply: LegacyReply, request: requests.PreparedRequest, *, timed: bool
    ) -> None:
        error = reply.error
        if isinstance(error, (ServiceUnreachable, JobMayExist)):
            raise LegacyCallConnectionError(
                str(error),
                job_may_exist=error.job_may_exist,
                generation_id=error.generation_id,
                request=request,
            )
        if isinstance(error, PollTimeout) and timed:
            raise LegacyCallTimeout(
                f"{error} (the request's timeout= bounds the whole legacy call)",
                generation_id=error.generation_id,
                waited=error.waited,
                last_status=error.last_status,
                request=request,
            )

    def _response(self, reply: LegacyReply, request: requests.PreparedRequest) -> requests.Response:
        content = json.dumps(reply.body).encode("utf-8")
        response = requests.Response()
        response.status_code = reply.status
        response.reason = reply.reason
        response.headers = CaseInsensitiveDict(
            {
                "Content-Type": "application/json; charset=utf-8",
                "Content-Length": str(len(content)),
                **reply.headers,
            }
        )
        response.encoding = "utf-8"
        response._content = content
        response._content_consumed = True  # type: ignore[attr-defined]
        response.raw = io.BytesIO(content)
        response.url = request.url or ""
        response.request = request
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        self._passthrough.close()
        self._endpoint.session.close()


class RequestsPatch:
    """One active ``patch_requests()``: undo it with ``undo()`` or by leaving its ``with`` block."""

    def __init__(self, transport: LegacyTransport) -> None:
        self.transport = transport

    def __repr__(self) -> str:
        state = "active" if self in _patches else "undone"
        return f"<RequestsPatch {state} {self.transport!r}>"

    def undo(self) -> None:
        with _patch_lock:
            if self in _patches:
                _patches.remove(self)
                if not _patches:
                    _restore()
        self.transport.close()

    def __enter__(self) -> RequestsPatch:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.undo()


_patch_lock = threading.Lock()
_patches: list[RequestsPatch] = []
_original_get_adapter: Any = None


def _patched_get_adapter(session: requests.Session, url: str) -> BaseAdapter:
    patches = _patches
    if patches:
        transport = patches[-1].transport
        if transport.handles(url):
            return transport
    return _original_get_adapter(session, url)


def _restore() -> None:
    global _original_get_adapter
    if _original_get_adapter is not None:
        requests.Session.get_adapter = _original_get_adapter  # type: ignore[method-assign]
        _original_get_adapter = None


def patch_requests(base_url: str | None = None, **options: Any) -> RequestsPatch:
    """Make every ``requests`` call to the legacy endpoint run on the two-step API.

    After this, ``requests.post("https://api.aimlapi.com/v1/stt", ...)`` --
    and the same on ``base_url`` (default ``AIML_API_BASE_URL``), through
    the module-level functions or any ``Session`` -- is answered by a
    ``LegacyTransport``. ``options`` are ``LegacyTransport``'s (``api_key``,
    ``target``, ``strict``, ...). Returns a handle: ``undo()`` it, or use
    it as a context manager; ``unpatch_requests()`` undoes every patch. A
    later patch takes precedence over an earlier one until it is undone.
    """
    global _original_get_adapter
    transport = LegacyTransport(base_url, **options)
    patch = RequestsPatch(transport)
    with _patch_lock:
        if _original_get_adapter is None:
            _original_get_adapter = requests.Session.get_adapter
            requests.Session.get_adapter = _patched_get_adapter  # type: ignore[method-assign,assignment]
        _patches.append(patch)
    logger.debug("requests patched: %r", transport)
    return patch


def post_via_two_step(
    url: str,
    *,
    json: Any = None,
    data: Any = None,
    files: Any = None,
    headers: Any = None,
    timeout: RequestTimeout = None,
    session: requests.Session | None = None,
    **options: Any,
) -> requests.Response:
    """What ``requests.post(url, ...)`` to the legacy endpoint returned, made on the two-step API.

    The call ``legacy-stt fix`` writes in place of a legacy ``requests``
    call: ``url`` is the legacy URL the code used (``.../v1/stt`` or
    ``.../stt``), and the jobs run on its base; ``json``, ``data``,
    ``files``, ``headers`` and ``timeout`` are the call's own. The key is
    the request's ``Authorization: Bearer`` header (or ``AIML_API_KEY``).
    A ``session`` makes every request of the job (the create and each poll)
    with its headers, authentication and TLS settings. The response is a real
    ``requests.Response`` with the legacy status and body; failures are the
    requests exceptions a legacy call raised (``LegacyCallConnectionError``,
    ``LegacyCallTimeout``). ``options`` are ``LegacyTransport``'s.
    """
    if session is not None and not isinstance(session, requests.Session):
        raise TypeError(
            f"session must be a requests.Session, not {type(session).__module__}."
            f"{type(session).__qualname__}"
        )
    base = _base_of_legacy_url(url)
    own = session if session is not None else requests.Session()
    try:
        transport = LegacyTransport(base, session=own, **options)
        request = own.prepare_request(
            requests.Request("POST", url, json=json, data=data, files=files, headers=headers)
        )
        # The caller's headers hold its key: not kept in this frame, whose locals error
        # trackers record (the prepared request shows none of them in its repr).
        headers = None
        settings = own.merge_environment_settings(url, {}, None, None, None)
        return transport._answer(
            request,
            timeout=timeout,
            verify=settings["verify"] if settings["verify"] is not None else True,
            cert=settings["cert"],
            proxies=settings["proxies"],
        )
    finally:
        if session is None:
            own.close()


def _base_of_legacy_url(url: str) -> str:
    """``https://host/v1/stt`` -> ``https://host``; ``ValueError`` for a URL that is not a legacy one."""
    if not isinstance(url, str):
        raise TypeError(f"url must be the legacy endpoint's URL, a str; got {type(url).__name__}")
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if parts.scheme in ("http", "https") and parts.hostname:
        for legacy in sorted(LEGACY_PATHS, key=len, reverse=True):
            if path.endswith(legacy):
                return f"{parts.scheme}://{parts.netloc}{path[: -len(legacy)]}"
    # shown without its query string or user information, where a key could stand
    shown = f"{parts.scheme}://{parts.hostname or ''}{parts.path}" if parts.scheme else parts.path
    raise ValueError(
        f"not a URL of the legacy endpoint (http(s)://HOST/v1/stt or .../stt): {shown!r}"
    )


def unpatch_requests() -> bool:
    """Undo every ``patch_requests()``; returns whether anything was patched."""
    with _patch_lock:
        active = list(_patches)
        _patches.clear()
        _restore()
    for patch in active:
        patch.transport.close()
    return bool(active)
