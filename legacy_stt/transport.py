"""The two HTTP calls of the two-step API, over one ``requests.Session``.

``ServiceTransport`` is the seam between the client's logic and the wire:
``create()`` starts a job and returns its id, ``fetch()`` reads its state.
Everything HTTP-specific -- the ``Authorization`` header, timeouts, JSON
versus multipart, and turning failures into typed errors -- lives here.

The API key is held in an ``APIKey`` object whose ``repr`` and ``str`` are
masked. It is added to each request's headers, never to the session, and
no error or log message is built from request headers.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Union
from urllib.parse import quote, urlsplit

import requests

from .exceptions import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    DeadlineExceeded,
    JobMayExist,
    PayloadError,
    RateLimitError,
    ResultExpired,
    ServiceUnreachable,
)
from .forms import multipart_body
from .polling import PollAnswer
from .retries import Backpressure, RetryPolicy, retry_after_from_headers
from .uploads import Upload

__all__ = [
    "APIKey",
    "ServiceTransport",
    "CreateAnswer",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "normalize_base_url",
    "is_loopback_url",
]

logger = logging.getLogger(__name__)

#: The service's base URL.
DEFAULT_BASE_URL = "https://api.aimlapi.com"
#: Seconds to wait for a connection.
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Seconds to wait for the service to answer once connected.
DEFAULT_READ_TIMEOUT = 60.0

Timeout = Union[float, tuple[float, float]]


class APIKey:
    """An API key that does not show itself: ``repr``/``str`` give a masked form."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    @property
    def masked(self) -> str:
        return f"***{self._value[-4:]}" if len(self._value) >= 16 else "***"

    def __repr__(self) -> str:
        return f"APIKey({self.masked!r})"

    def __str__(self) -> str:
        return self.masked

    def __eq__(self, other: object) -> bool:
        return isinstance(other, APIKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:  # pickling would write the key out in clear
        raise TypeError("an APIKey cannot be pickled")


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_base_url(url: str) -> str:
    """``url`` without a trailing slash, after checking it is an http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"base URL must be an http(s) URL such as {DEFAULT_BASE_URL}; got {url!r}"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"base URL must not have a query or fragment; got {url!r}")
    return url.strip().rstrip("/")


@dataclass(frozen=True)
class CreateAnswer:
    generation_id: str
    status_code: int


def _service_message(response: requests.Response) -> str | None:
    """What the service said in an error body, if it said anything readable."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] or None
    if isinstance(body, dict):
        for key in ("message", "detail", "error", "errors"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"]
            if isinstance(value, list) and value:
                return "; ".join(
                    str(item.get("message", item)) if isinstance(item, dict) else str(item)
                    for item in value[:5]
                )
    return str(body)[:300]


def _request_id(response: requests.Response) -> str | None:
    for header in ("x-request-id", "request-id", "x-amzn-requestid", "cf-ray"):
        if header in response.headers:
            return response.headers[header]
    return None


def _never_connected(error: requests.RequestException) -> bool:
    """True when the request cannot have reached the service (so no job was made)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError):
        from urllib3.exceptions import NewConnectionError

        seen = set()
        cause: BaseException | None = error
        while cause is not None and id(cause) not in seen:
            seen.add(id(cause))
            if isinstance(cause, NewConnectionError):
                return True
            reason = getattr(cause, "reason", None)
            if isinstance(reason, BaseException) and id(reason) not in seen:
                cause = reason
                continue
            cause = (
                cause.args[0]
                if cause.args and isinstance(cause.args[0], BaseException)
                else cause.__cause__ or cause.__context__
            )
    return False


class ServiceTransport:
    """The create and poll requests of the two-step API."""

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
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self._api_key = api_key
        self.session = session
        self.timeout = timeout
        self.retry = retry if retry is not None else RetryPolicy()
        #: Shared by every request of this transport (and every thread using it).
        self.backpressure = backpressure if backpressure is not None else Backpressure(clock, sleep)
        self._clock = clock
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"<ServiceTransport {self.base_url} key={self._api_key.masked if self._api_key else None}>"

    # -- helpers ----------------------------------------------------------

    def _headers(self) -> dict:
        if self._api_key is None:
            raise AuthenticationError(
                "no API key: pass api_key=... to the client or set the AIML_API_KEY environment variable"
            )
        return {"Authorization": f"Bearer {self._api_key.reveal()}", "Accept": "application/json"}

    def _timeout(self, cap: float | None = None) -> tuple[float, float]:
        connect, read = (
            self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)
        )
        if cap is not None:
            connect, read = min(connect, cap), min(read, cap)
        return connect, read

    def _raise_for_status(
        self,
        response: requests.Response,
        *,
        action: str,
        generation_id: str | None = None,
        retries: int = 0,
    ) -> None:
        status = response.status_code
        if status < 400:
            return
        said = _service_message(response)
        request_id = _request_id(response)
        detail = f": {said}" if said else ""
        tried = f" (after {retries} retr{'y' if retries == 1 else 'ies'})" if retries else ""
        common: dict[str, Any] = dict(
            status_code=status,
            service_message=said,
            request_id=request_id,
            generation_id=generation_id,
        )
        if status in (401, 403):
            raise AuthenticationError(
                f"{action} was refused (HTTP {status}){detail}. Check the API key (AIML_API_KEY) and its permissions",
                **common,
            )
        if status in (429, 503):
            retry_after = retry_after_from_headers(response.headers)
            if retry_after is None:
                wait = ""
            elif self.retry.retry_after_too_long(retry_after):
                wait = (
                    f"; the service asks to wait {retry_after:g} s, longer than this client waits "
                    f"by itself (retry_after_max={self.retry.retry_after_max:g} s): try again later"
                )
            else:
                wait = f"; the service asks to wait {retry_after:g} s"
            if status == 429:
                raise RateLimitError(
                    f"{action} was rate limited (HTTP 429){tried}{detail}{wait}",
                    retry_after=retry_after,
                    **common,
                )
            raise APIError(
                f"{action} failed: the service is unavailable (HTTP 503){tried}{detail}{wait}",
                **common,
            )
        if status == 404 and generation_id is not None:
            raise ResultExpired(
                f"job {generation_id} is not known to the service (HTTP 404): results are kept for one hour "
                "after the job was created, so it has expired, or the id is wrong",
                **common,
            )
        next_step = (
            f". The job is not lost: call client.result({generation_id!r}) to try again within the hour"
            if generation_id is not None and status >= 500
            else ""
        )
        raise APIError(f"{action} failed (HTTP {status}){tried}{detail}{next_step}", **common)

    @staticmethod
    def _json(response: requests.Response, *, action: str, generation_id: str | None = None) -> Any:
        try:
            return response.json()
        except ValueError:
            raise APIError(
                f"{action}: the service answered HTTP {response.status_code} with a body that is not JSON",
                status_code=response.status_code,
                request_id=_request_id(response),
                generation_id=generation_id,
            ) from None

    # -- sending, with retries --------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        creating: bool,
        cap: float | None,
        what: str,
        build: Callable[[], tuple[dict[str, Any], Callable[[], None]]],
        model: str | None = None,
    ) -> tuple[requests.Response, int]:
        """Send a request and its retries; return the answer to act on.

        ``build()`` gives the keyword arguments of one attempt and a function
        that releases what they opened (an upload's file): a retried upload
        is read again from its start. ``creating`` selects the create rules
        (retry only where no job can exist). ``cap`` bounds the whole thing,
        retries and waits included, in seconds. The answer returned is a
        success, one not to retry, or the last one when retries ran out;
        connection failures raise.
        """
        policy = self.retry
        deadline = None if cap is None else self._clock() + cap
        while True:
            # another request's 429 holds this one back too
            self.backpressure.wait(None if deadline is None else deadline - self._clock())
            if creating and deadline is not None and self._clock() >= deadline:
                raise DeadlineExceeded(
                    f"the call's deadline passed before {what} could be sent; no job was created"
                )
            remaining = None if deadline is None else max(deadline - self._clock(), 0.001)
            try:
                kwargs, release = build()
            except OSError as unreadable:  # the upload cannot be opened: nothing was sent
                raise PayloadError.single(
                    "",
                    f"the audio could not be read: {unreadable.strerror or unreadable}",
                    "audio-unreadable",
                ) from None
            try:
                response: requests.Response | None = self.session.request(
                    method, url, timeout=self._timeout(remaining), **kwargs
                )
                error: requests.RequestException | None = None
            except requests.RequestException as failure:
                if creating and not _never_connected(failure):
                    raise JobMayExist(
                        f"{what} was sent to {self.base_url} but no answer came back "
                        f"({type(failure).__name__}). A job may exist and be billed; it was not retried, "
                        "so that it is not created twice. Check your usage dashboard (or wait for the job's "
                        "result by other means) before sending it again",
                        model=model,
                    ) from None
                response, error = None, failure
            finally:
                release()
            retry_after: float | None = None
            if response is not None:
                status = response.status_code
                retryable = (
                    policy.should_retry_create_status(status)
                    if creating
                    else policy.should_retry_poll_status(status)
                )
                if not retryable:
                    return response, policy.retries
                retry_after = retry_after_from_headers(response.headers)
                if policy.retry_after_too_long(retry_after):
                    return response, policy.retries  # raised with its wait, not slept through
            wait = policy.wait_for(retry_after)
            if response is not None and response.status_code == 429:
                self.backpressure.hold(wait)  # everyone waits, not only this request
            out_of_time = deadline is not None and self._clock() + wait >= deadline
            if policy.is_exhausted() or out_of_time:
                if response is not None:
                    return response, policy.retries
                assert error is not None
                raise self._unreachable(what, error, policy.retries, creating)
            logger.info(
                "%s: %s; retry %d of %d in %.2f s",
                what,
                f"HTTP {response.status_code}" if response is not None else type(error).__name__,
                policy.retries + 1,
                policy.total,
                wait,
            )
            if response is not None:
                response.close()  # hands the connection back to the pool
            self._sleep(wait)
            policy = policy.increment(
                wait=wait,
                status=response.status_code if response is not None else None,
                error=error,
            )

    def _unreachable(
        self, what: str, error: requests.RequestException, retries: int, creating: bool
    ) -> ServiceUnreachable:
        tried = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
        if creating:
            return ServiceUnreachable(
                f"could not connect to {self.base_url} for {what}{tried} ({type(error).__name__}); "
                "no job was created. Check the network and the base URL, then try again"
            )
        return ServiceUnreachable(
            f"{what} at {self.base_url} failed{tried} ({type(error).__name__})"
        )

    # -- the two calls ----------------------------------------------------

    def create(
        self,
        body: Mapping[str, Any],
        upload: Upload | None = None,
        *,
        upload_field: str = "audio",
        cap: float | None = None,
    ) -> CreateAnswer:
        """``POST /v1/stt/create``: JSON for URL input, multipart for an upload.

        Retried only where no job can exist (see ``retries``); ``cap``
        bounds it in seconds, retries included.
        """
        url = f"{self.base_url}/v1/stt/create"
        headers = self._headers()
        model = body.get("model")
        model_name = model if isinstance(model, str) else None
        logger.debug(
            "POST %s model=%s upload=%s key=%s",
            url,
            model,
            upload.filename if upload else None,
            self._api_key.masked if self._api_key else None,
        )

        def build() -> tuple[dict[str, Any], Callable[[], None]]:
            if upload is None:
                return {"json": dict(body), "headers": headers}, _nothing
            stream = upload.open()  # from the start again on every attempt
            # streamed from the file as it is sent: memory stays flat whatever the audio's size
            encoder = multipart_body(body, upload, stream, upload_field=upload_field)

            def release() -> None:
                if upload.owns_stream:
                    stream.close()  # a file legacy-stt opened; the caller's own stay open

            return {
                "data": encoder,
                "headers": {**headers, "Content-Type": encoder.content_type},
            }, release

        what = f"the create request for {model_name or 'the job'}"
        response, retries = self._send(
            "POST", url, creating=True, cap=cap, what=what, build=build, model=model_name
        )
        self._raise_for_status(response, action="creating the job", retries=retries)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        generation_id = answer.get("generation_id") if isinstance(answer, dict) else None
        if not isinstance(generation_id, str) or not generation_id:
            # The service took the request (2xx) but its answer is unusable: a job may well exist.
            raise JobMayExist(
                f"the service accepted {what} (HTTP {response.status_code}) but its answer has no "
                "readable generation_id, so the job cannot be followed. A job may exist and be billed; "
                "check your usage dashboard before sending it again",
                model=model_name,
            )
        logger.info("created job %s for %s (HTTP %s)", generation_id, model, response.status_code)
        return CreateAnswer(generation_id, response.status_code)

    def fetch(self, generation_id: str, *, cap: float | None = None) -> PollAnswer:
        """``GET /v1/stt/{generation_id}``: the job's status, result and error.

        Retried after connection errors, timeouts and ``poll_statuses``;
        ``cap`` bounds it in seconds, retries included.
        """
        url = f"{self.base_url}/v1/stt/{quote(generation_id, safe='')}"
        headers = self._headers()
        action = f"polling job {generation_id}"
        try:
            response, retries = self._send(
                "GET",
                url,
                creating=False,
                cap=cap,
                what=action,
                build=lambda: ({"headers": headers}, _nothing),
            )
        except ServiceUnreachable as error:
            raise ServiceUnreachable(
                f"{error}. The job is not lost: call client.result({generation_id!r}) to pick it up "
                "again within the hour"
            ) from None
        self._raise_for_status(
            response, action=action, generation_id=generation_id, retries=retries
        )
        answer = self._json(response, action=action, generation_id=generation_id)
        if not isinstance(answer, dict) or not isinstance(answer.get("status"), str):
            raise APIError(
                f"{action}: the answer has no status. Call client.result({generation_id!r}) to try again",
                status_code=response.status_code,
                request_id=_request_id(response),
                generation_id=generation_id,
            )
        return PollAnswer(
            status=answer["status"],
            result=answer.get("result"),
            error=answer.get("error"),
            retry_after=retry_after_from_headers(response.headers),
        )


def _nothing() -> None:
    pass
