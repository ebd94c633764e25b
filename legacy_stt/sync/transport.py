"""The two HTTP calls of the two-step API, sent over one ``requests.Session``.

``ServiceTransport`` is the synchronous shell around the rules in
``protocol`` and ``polling``: those flows decide what to send, how to read
each answer and when to retry; this module only sends (``send``) and sleeps.
Sending is bounded (``wire``): each attempt ends by its deadline, and once
the request is written the read timeout bounds the whole answer, however
slowly a server drips it; answers are read up to a size limit; redirects are
never followed.

The API key is held in an ``APIKey`` whose ``repr`` and ``str`` are masked.
It is attached to each request by an auth object as the request is
prepared, never to the session, and no error or log message is built from
request headers.
"""

from __future__ import annotations

import http.client
import logging
import socket
import time
from typing import Any, Callable, TypeVar, Union

import requests
import urllib3
from requests.hooks import dispatch_hook
from requests.utils import select_proxy

from ..core.polling import PollAnswer, PollPolicy
from ..core.protocol import CreateAnswer, Service, create_job, display_url, fetch_job, wait_job
from ..core.retries import Backpressure, RetryPolicy
from ..core.settings import (
    DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    APIKey,
    is_loopback_url,
    normalize_base_url,
    user_agent,
)
from ..core.steps import (
    MAX_ANSWER_BYTES,
    NAME_NOT_RESOLVED,
    Answer,
    Failure,
    FailureKind,
    Flow,
    Request,
    connect_failure_words,
    run_flow,
)
from ..exceptions import (
    INSECURE_HTTP_HINT,
    MISSING_KEY_HINT,
    AuthenticationError,
    ConfigurationError,
)
from ..payloads.forms import multipart_body
from ..payloads.uploads import Upload
from .wire import (
    ACCEPT_ENCODING,
    BearerAuth,
    Exchange,
    UnwantedEncoding,
    instrument,
    read_body,
)

__all__ = [
    "APIKey",
    "ServiceTransport",
    "CreateAnswer",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "normalize_base_url",
    "is_loopback_url",
    "display_url",
]

logger = logging.getLogger(__name__)

Timeout = Union[float, tuple[float, float]]
T = TypeVar("T")


def _never_connected(error: BaseException) -> bool:
    """True when ``error`` shows that no connection was made (for transport adapters we cannot see into)."""
    return any(
        isinstance(
            cause,
            (
                requests.ConnectTimeout,
                urllib3.exceptions.NewConnectionError,
                urllib3.exceptions.NameResolutionError,
            ),
        )
        for cause in _causes(error)
    )


def _ssl_failure(error: BaseException, *, verification_only: bool = False) -> bool:
    """True when ``error`` comes from TLS (with ``verification_only``: a certificate refused)."""
    import ssl

    wanted: tuple[type[BaseException], ...] = (
        (ssl.SSLCertVerificationError,)
        if verification_only
        else (ssl.SSLError, urllib3.exceptions.SSLError, requests.exceptions.SSLError)
    )
    return any(isinstance(cause, wanted) for cause in _causes(error))


def _causes(error: BaseException) -> list[BaseException]:
    """``error`` and what caused it, through requests' and urllib3's wrappers."""
    chain: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and all(cause is not seen for seen in chain):
        chain.append(cause)
        reason = getattr(cause, "reason", None)
        if isinstance(reason, BaseException) and all(reason is not seen for seen in chain):
            cause = reason
            continue
        cause = (
            cause.args[0]
            if cause.args and isinstance(cause.args[0], BaseException)
            else cause.__cause__ or cause.__context__
        )
    return chain


def _connect_failure(error: BaseException) -> str | None:
    """Why no connection was made, in words a user can act on (a name that does not resolve
    is a typo or DNS; a refusal is a service that is down or a wrong port)."""
    chain = _causes(error)
    if any(isinstance(c, urllib3.exceptions.NameResolutionError) for c in chain):
        return NAME_NOT_RESOLVED
    words = connect_failure_words(chain)
    if words is not None:
        return words
    # (urllib3's NewConnectionError is a ConnectTimeoutError too: the causes above come first)
    if any(isinstance(c, (socket.timeout, requests.ConnectTimeout)) for c in chain):
        return "no answer to the connection attempt in time"
    return None


#: What a send can raise once the request is handed to the HTTP stack.
_WIRE_ERRORS = (
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
)


class ServiceTransport:
    """The create and poll requests of the two-step API: the flows of ``protocol``, sent with ``requests``.

    ``verify``, ``cert`` and ``proxies`` override the session's own (and the
    environment's) for these requests; ``None`` keeps them.
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: APIKey | None,
        session: requests.Session,
        timeout: Timeout = (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT),
        retry: RetryPolicy | None = None,
        backpressure: Backpressure | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        verify: bool | str | None = None,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
        max_answer_size: int = MAX_ANSWER_BYTES,
        allow_insecure_http: bool = False,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self.allow_insecure_http = allow_insecure_http
        self._api_key = api_key
        self._auth = BearerAuth(api_key) if api_key is not None else None
        self.session = session
        self.timeout = timeout
        self.retry = retry if retry is not None else RetryPolicy()
        #: Shared by every request of this transport (and every thread using it).
        self.backpressure = backpressure if backpressure is not None else Backpressure(clock, sleep)
        self.verify = verify
        self.cert = cert
        self.proxies = proxies
        self._clock = clock
        self._sleep = sleep
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
        return f"<ServiceTransport {display_url(self.base_url)} key={key}>"

    # -- the calls ----------------------------------------------------------

    def run(self, flow: Flow[T]) -> T:
        """Drive one flow of ``protocol``/``polling`` with this transport's send and sleep."""
        return run_flow(flow, self.send, self._sleep)

    def _require_key(self) -> None:
        if self._api_key is None:
            raise AuthenticationError(f"no API key: {MISSING_KEY_HINT}")

    def create(
        self,
        body: Any,
        upload: Upload | None = None,
        *,
        upload_field: str = "audio",
        cap: float | None = None,
    ) -> CreateAnswer:
        """``POST /v1/stt/create`` (see ``protocol.create_job``)."""
        self._require_key()
        return self.run(create_job(self.service, body, upload, upload_field=upload_field, cap=cap))

    def fetch(self, generation_id: str, *, cap: float | None = None) -> PollAnswer:
        """``GET /v1/stt/{generation_id}`` once, with its retries (see ``protocol.fetch_job``)."""
        self._require_key()
        return self.run(fetch_job(self.service, generation_id, cap=cap))

    def wait(
        self,
        generation_id: str,
        *,
        timeout: float,
        policy: PollPolicy,
        poll_first: bool = False,
        first_wait: float | None = None,
    ) -> Any:
        """Poll until the job is finished; its result (see ``protocol.wait_job``)."""
        self._require_key()
        return self.run(
            wait_job(
                self.service,
                generation_id,
                timeout=timeout,
                policy=policy,
                poll_first=poll_first,
                first_wait=first_wait,
            )
        )

    # -- the wire -------------------------------------------------------------

    def send(self, request: Request) -> Answer | Failure:
        """Send one request within its bounds; the answer, or how it failed. Never retries."""
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": user_agent(f"requests/{requests.__version__}"),
        }
        stream = None
        data: Any = request.body
        if request.upload is not None:
            try:
                stream = request.upload.open()  # from the start again on every attempt
            except OSError as error:
                return Failure(FailureKind.UNREADABLE_UPLOAD, error.strerror or str(error))
            # streamed from the file as it is sent: memory stays flat whatever the audio's size
            data = multipart_body(
                request.fields or {}, request.upload, stream, upload_field=request.upload_field
            )
            headers["Content-Type"] = data.content_type
        elif data is not None:
            headers["Content-Type"] = "application/json"
        try:
            return self._exchange(request, headers, data)
        finally:
            if stream is not None and request.upload is not None and request.upload.owns_stream:
                stream.close()  # a file legacy-stt opened; the caller's own stay open

    def _check_proxy(self, url: str, proxy: str | None) -> None:
        """Refuse to send the key in clear to a proxy elsewhere (a plain-http request goes through it as it is)."""
        if (
            proxy
            and url.startswith("http://")
            and not self.allow_insecure_http
            and not is_loopback_url(proxy if "://" in proxy else f"http://{proxy}")
        ):
            raise ConfigurationError(
                f"refusing to send the API key over plain http:// through the proxy "
                f"{display_url(proxy)}: use https://, set NO_PROXY for {display_url(url)}, or "
                f"{INSECURE_HTTP_HINT} if this network is trusted"
            )

    def _exchange(self, request: Request, headers: dict[str, str], data: Any) -> Answer | Failure:
        session = self.session
        prepared = session.prepare_request(
            requests.Request(
                request.method, request.url, headers=headers, data=data, auth=self._auth
            )
        )
        settings = session.merge_environment_settings(
            prepared.url, self.proxies or {}, True, self.verify, self.cert
        )
        url = prepared.url or request.url
        proxy = select_proxy(url, settings["proxies"])
        self._check_proxy(url, proxy)
        adapter = instrument(session.get_adapter(url), proxy)
        logger.debug(
            "%s %s key=%s",
            request.method,
            display_url(request.url),
            self._api_key.masked if self._api_key else None,
        )
        # The monotonic clock's reading for the deadline: the watchdog keeps real time.
        deadline = None
        if request.deadline is not None:
            deadline = time.monotonic() + max(request.deadline - self._clock(), 0.0)
        with Exchange(
            deadline=deadline,
            read_budget=request.read_timeout,
            connect_budget=request.connect_timeout,
        ) as exchange:
            started = time.monotonic()
            try:
                response = adapter.send(
                    prepared,
                    stream=True,
                    timeout=(request.connect_timeout, request.read_timeout),
                    verify=settings["verify"],
                    cert=settings["cert"],
                    proxies=settings["proxies"],
                )
            except _WIRE_ERRORS as error:
                return self._failure(error, exchange, started, request)
            try:
                status = response.status_code
                limit = request.answer_limit if 200 <= status < 300 else request.error_limit
                defect: str | None = None
                try:
                    body, whole = read_body(response, limit, exchange)
                    if not whole:
                        defect = "too-large"
                except UnwantedEncoding:
                    body, defect = b"", "encoding"
                except _WIRE_ERRORS as error:
                    return self._failure(error, exchange, started, request)
            finally:
                response.close()
        # The session's response hooks (logging, metrics) see the answer as requests would
        # show it, once it has been read within its bounds.
        response._content = body
        response._content_consumed = True
        try:
            dispatch_hook("response", prepared.hooks, response)
        except Exception as error:  # noqa: BLE001 - the caller's hook, not the answer, failed
            # legacy-stt acts on each status itself (a 503 to a create is retried, say): a hook
            # that raises for status must not take that decision, nor lose a job's id.
            logger.warning(
                "a response hook of the session raised %s; the answer is used as it is",
                type(error).__name__,
            )
        return Answer(status, response.headers, body, defect)

    @staticmethod
    def _failure(
        error: BaseException, exchange: Exchange, started: float, request: Request
    ) -> Failure:
        """What a failed exchange means for the service: did any byte of the request leave?"""
        name = type(error).__name__
        took = time.monotonic() - started
        if exchange.tracked or exchange.sent:
            sent = exchange.sent
        else:
            # Someone's own transport adapter: judged from the exception alone.
            sent = not (_never_connected(error) or _ssl_failure(error, verification_only=True))
        if not sent:
            if _ssl_failure(error, verification_only=True):
                # Not retried: a certificate that does not verify will not verify next time.
                return Failure(FailureKind.TLS, "the server's certificate does not verify")
            if _ssl_failure(error):
                return Failure(FailureKind.NOT_CONNECTED, f"the TLS handshake failed ({name})")
            if exchange.passed():
                return Failure(FailureKind.NOT_CONNECTED, f"no connection within {took:.1f} s")
            kind = FailureKind.NOT_CONNECTED if _never_connected(error) else FailureKind.NOT_SENT
            return Failure(kind, _connect_failure(error) or name)
        if exchange.passed() or isinstance(error, (requests.Timeout, TimeoutError)):
            if exchange.expired or exchange.passed():
                detail = f"gave up after {took:.1f} s"
            else:
                detail = f"silent for {request.read_timeout:g} s"
            return Failure(FailureKind.TIMED_OUT, detail)
        return Failure(FailureKind.BROKEN, name)
