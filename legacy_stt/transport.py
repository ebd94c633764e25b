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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union
from urllib.parse import quote, urlsplit

import requests

from .exceptions import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    JobMayExist,
    RateLimitError,
    ResultExpired,
    ServiceUnreachable,
)
from .forms import multipart_body
from .polling import PollAnswer, parse_retry_after
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
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self._api_key = api_key
        self.session = session
        self.timeout = timeout

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
        self, response: requests.Response, *, action: str, generation_id: str | None = None
    ) -> None:
        status = response.status_code
        if status < 400:
            return
        said = _service_message(response)
        request_id = _request_id(response)
        detail = f": {said}" if said else ""
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
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            wait = (
                f"; the service asks to wait {retry_after:g} s" if retry_after is not None else ""
            )
            raise RateLimitError(
                f"{action} was rate limited (HTTP 429){detail}{wait}",
                retry_after=retry_after,
                **common,
            )
        if status == 404 and generation_id is not None:
            raise ResultExpired(
                f"job {generation_id} is not known to the service (HTTP 404): results are kept for one hour "
                "after the job was created, so it has expired, or the id is wrong",
                **common,
            )
        raise APIError(f"{action} failed (HTTP {status}){detail}", **common)

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

    # -- the two calls ----------------------------------------------------

    def create(
        self, body: Mapping[str, Any], upload: Upload | None = None, *, upload_field: str = "audio"
    ) -> CreateAnswer:
        """``POST /v1/stt/create``: JSON for URL input, multipart for an upload. Never retried."""
        url = f"{self.base_url}/v1/stt/create"
        headers = self._headers()
        model = body.get("model")
        logger.debug(
            "POST %s model=%s upload=%s key=%s",
            url,
            model,
            upload.filename if upload else None,
            self._api_key.masked if self._api_key else None,
        )
        stream = None
        try:
            if upload is None:
                response = self.session.post(
                    url, json=dict(body), headers=headers, timeout=self._timeout()
                )
            else:
                stream = upload.open()
                # streamed from the file as it is sent: memory stays flat whatever the audio's size
                encoder = multipart_body(body, upload, stream, upload_field=upload_field)
                response = self.session.post(
                    url,
                    data=encoder,
                    headers={**headers, "Content-Type": encoder.content_type},
                    timeout=self._timeout(),
                )
        except requests.RequestException as error:
            if _never_connected(error):
                raise ServiceUnreachable(
                    f"could not connect to {self.base_url} to create the job ({type(error).__name__}); no job was created"
                ) from None
            raise JobMayExist(
                f"the create request for {model} was sent to {self.base_url} but no answer came back "
                f"({type(error).__name__}). A job may exist and be billed; it was not retried, so that it is not "
                "created twice. Check your usage dashboard before sending it again",
                model=model if isinstance(model, str) else None,
            ) from None
        finally:
            if stream is not None and upload is not None and upload.owns_stream:
                stream.close()  # a file legacy-stt opened; the caller's own file objects stay open
        self._raise_for_status(response, action="creating the job")
        answer = self._json(response, action="creating the job")
        generation_id = answer.get("generation_id") if isinstance(answer, dict) else None
        if not isinstance(generation_id, str) or not generation_id:
            raise APIError(
                f"creating the job: the service answered HTTP {response.status_code} without a generation_id",
                status_code=response.status_code,
                request_id=_request_id(response),
            )
        logger.info("created job %s for %s (HTTP %s)", generation_id, model, response.status_code)
        return CreateAnswer(generation_id, response.status_code)

    def fetch(self, generation_id: str, *, cap: float | None = None) -> PollAnswer:
        """``GET /v1/stt/{generation_id}``: the job's status, result and error."""
        url = f"{self.base_url}/v1/stt/{quote(generation_id, safe='')}"
        try:
            response = self.session.get(url, headers=self._headers(), timeout=self._timeout(cap))
        except requests.RequestException as error:
            raise ServiceUnreachable(
                f"polling job {generation_id} at {self.base_url} failed ({type(error).__name__}). The job is not lost: "
                f"call client.result({generation_id!r}) to pick it up again within the hour"
            ) from None
        self._raise_for_status(
            response, action=f"polling job {generation_id}", generation_id=generation_id
        )
        answer = self._json(
            response, action=f"polling job {generation_id}", generation_id=generation_id
        )
        if not isinstance(answer, dict) or not isinstance(answer.get("status"), str):
            raise APIError(
                f"polling job {generation_id}: the answer has no status",
                status_code=response.status_code,
                generation_id=generation_id,
            )
        return PollAnswer(
            status=answer["status"],
            result=answer.get("result"),
            error=answer.get("error"),
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
