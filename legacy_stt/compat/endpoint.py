"""Answering a legacy ``POST /v1/stt`` request on the two-step API.

The drop-in transport adapter (``legacy_stt.compat.requests_dropin``) and the compatibility
proxy (``legacy_stt.proxy``) both receive requests exactly as old code sends
them -- a JSON body, a multipart upload, or form fields -- and must answer
as the legacy endpoint did: ``201`` with the legacy body, or an HTTP error
with a JSON message. This module does that once for both:

* ``read_legacy_request`` turns the raw body into a payload and an upload,
  streaming: file parts are spooled to disk, never held whole in memory;
* ``LegacyEndpoint.answer`` runs the two-step flow for it;
* ``reply_for_error`` maps every legacy-stt error to the status and JSON
  message old code already knows how to handle.

The caller's ``Authorization`` header is read here and never stored,
logged or echoed.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import IO, Any
from urllib.parse import parse_qsl

import requests

from .. import deprecations
from ..core import jsoncodec
from ..core.polling import DEFAULT_POLL_TIMEOUT, ModelDurations, PollPolicy
from ..core.retries import RetryPolicy
from ..core.settings import key_problem
from ..exceptions import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    JobMayExist,
    LegacySTTError,
    PayloadError,
    PollTimeout,
    RateLimitError,
    RequestRejected,
    ServiceUnreachable,
    TranscriptionFailed,
)
from ..payloads.forms import FormError, ParsedForm, decode_form_fields, parse_multipart
from ..payloads.planning import Target
from ..payloads.uploads import Upload, upload_from_spool
from ..payloads.validation import ParameterNotice, family_of_model, legacy_families
from ..sync.transport import APIKey
from ..sync.wire import bounded_session
from .request_bodies import too_large

__all__ = [
    "LEGACY_PATHS",
    "DEFAULT_MAX_BODY_SIZE",
    "DOCUMENTED_UPLOAD_FIELD",
    "LegacyEndpoint",
    "LegacyReply",
    "LegacyRequest",
    "RequestRejected",
    "is_legacy_path",
    "read_legacy_request",
    "reply_for_error",
    "bearer_key",
    "key_for_call",
    "CallerAuthorization",
    "error_body",
    "status_phrase",
]

logger = logging.getLogger(__name__)

#: The paths of the deprecated one-call endpoint: versioned, and the unversioned one most callers used.
LEGACY_PATHS = ("/v1/stt", "/stt")
#: Largest request body accepted, in bytes (2 GiB: room for a long recording).
DEFAULT_MAX_BODY_SIZE = 2 * 1024**3
#: The multipart field the documentation uploads the audio in.
DOCUMENTED_UPLOAD_FIELD = "audio"
#: Other field names accepted for the audio, with a warning naming the documented one.
TOLERATED_UPLOAD_FIELDS = ("file",)
#: Largest JSON or form-encoded body (a JSON ``audio`` Buffer of a few MiB of audio is ~4 bytes/byte).
MAX_TEXT_BODY_SIZE = 256 * 1024**2


def is_legacy_path(path: str) -> bool:
    """True for the one-call endpoint's paths (a query string is ignored)."""
    return path.split("?", 1)[0].rstrip("/") in LEGACY_PATHS


@dataclass
class LegacyRequest:
    """A legacy request body, read: the payload, the uploaded audio, and notices about its form.

    Close it (or use it as a context manager) to delete spooled upload files.
    """

    payload: Any
    upload: Upload | None = None
    notices: list[ParameterNotice] = field(default_factory=list)
    _form: ParsedForm | None = field(default=None, repr=False)

    def close(self) -> None:
        if self._form is not None:
            self._form.close()

    def __enter__(self) -> LegacyRequest:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class _LimitedReader:
    """``read(n)`` over a stream that refuses to go past ``limit`` bytes (413)."""

    def __init__(self, stream: IO[bytes], limit: float) -> None:
        self._stream = stream
        self._limit = limit
        self.consumed = 0

    def read(self, amount: int = -1) -> bytes:
        if amount is None or amount < 0:
            amount = int(min(self._limit - self.consumed + 1, 1 << 30))
        chunk = self._stream.read(amount)
        self.consumed += len(chunk)
        if self.consumed > self._limit:
            raise too_large(self._limit)
        return chunk


def _form_properties(model: Any) -> Mapping[str, Mapping[str, Any]]:
    """The schemas that type the form fields: the model's family's, else every family's."""
    family = family_of_model(model) if isinstance(model, str) else None
    if family is not None:
        return family.properties
    merged: dict[str, Mapping[str, Any]] = {}
    for each in legacy_families():
        for name, schema in each.properties.items():
            merged.setdefault(name, schema)
    return merged


def _decoded(fields: list[tuple[str, str]]) -> dict[str, Any]:
    model = next((value for name, value in fields if name == "model"), None)
    return decode_form_fields(fields, _form_properties(model))


def _read_json(stream: IO[bytes], limit: float) -> Any:
    data = _LimitedReader(stream, min(limit, MAX_TEXT_BODY_SIZE)).read()
    if not data.strip():
        raise RequestRejected(400, "the request has no body: send the legacy payload as JSON")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise RequestRejected(400, "the JSON body is not UTF-8 text") from None
    except ValueError as error:
        raise RequestRejected(400, f"the body is not valid JSON: {error}") from None
    except RecursionError:
        raise RequestRejected(400, "the JSON body is nested too deeply to be a payload") from None


def _read_form(stream: IO[bytes], limit: float) -> dict[str, Any]:
    data = _LimitedReader(stream, min(limit, MAX_TEXT_BODY_SIZE)).read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestRejected(400, "the form body is not UTF-8 text") from None
    return _decoded(parse_qsl(text, keep_blank_values=True))


def _read_multipart(
    stream: IO[bytes], content_type: str, content_length: int | None, limit: float
) -> LegacyRequest:
    try:
        form = parse_multipart(
            _LimitedReader(stream, limit),
            content_type,
            content_length=content_length,
            max_file_size=limit,
        )
    except FormError as error:
        raise RequestRejected(400, str(error)) from None
    try:
        payload = _decoded(form.fields)
        notices: list[ParameterNotice] = []
        if len(form.files) > 1:
            names = ", ".join(f"`{part.name}`" for part in form.files)
            raise RequestRejected(
                400, f"the request uploads {len(form.files)} files ({names}); send one, as `audio`"
            )
        upload = None
        if form.files:
            part = form.files[0]
            if part.name != DOCUMENTED_UPLOAD_FIELD:
                if part.name not in TOLERATED_UPLOAD_FIELDS:
                    raise RequestRejected(
                        400,
                        f"the audio is uploaded in the field `{part.name}`; the legacy endpoint reads it "
                        f"from `{DOCUMENTED_UPLOAD_FIELD}`",
                    )
                notices.append(
                    ParameterNotice(
                        f"/{part.name}",
                        f"the audio was uploaded in the field `{part.name}`; the documented field is "
                        f"`{DOCUMENTED_UPLOAD_FIELD}`. It was accepted; rename the field "
                        f"`{part.name}` -> `{DOCUMENTED_UPLOAD_FIELD}`",
                        "upload-field",
                        deprecations.RenamedParameterWarning,
                    )
                )
            upload = upload_from_spool(
                part.file,
                filename=part.filename or "audio",
                size=part.size,
                content_type=part.content_type,
            )
        return LegacyRequest(payload, upload, notices, form)
    except BaseException:
        form.close()
        raise


def read_legacy_request(
    content_type: str | None,
    body: IO[bytes] | bytes,
    *,
    content_length: int | None = None,
    max_body_size: float = DEFAULT_MAX_BODY_SIZE,
) -> LegacyRequest:
    """Read a legacy request body as old code sent it: JSON, multipart, or form-encoded.

    ``body`` is bytes or a stream with ``read(n)``; a multipart body is read
    a chunk at a time and its file part spooled to disk. Raises
    ``RequestRejected`` (with the status to answer) for a body that cannot
    be read; checking the payload itself is ``LegacyEndpoint.answer``'s job.
    """
    if content_length is not None and content_length > max_body_size:
        raise too_large(max_body_size)
    stream: IO[bytes] = io.BytesIO(body) if isinstance(body, (bytes, bytearray)) else body
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        return _read_multipart(stream, content_type or "", content_length, max_body_size)
    if media_type in ("application/json", "") or media_type.endswith("+json"):
        return LegacyRequest(_read_json(stream, max_body_size))
    if media_type == "application/x-www-form-urlencoded":
        return LegacyRequest(_read_form(stream, max_body_size))
    raise RequestRejected(
        415,
        f"the legacy endpoint takes JSON or multipart/form-data; got {media_type}",
    )


def bearer_key(authorization: str | None) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header, or ``None``."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    key = credentials.strip()
    if scheme.lower() != "bearer" or not key or key_problem(key) is not None:
        return None
    return key


@dataclass(frozen=True)
class CallerAuthorization:
    """What a legacy request's ``Authorization`` header says, with the key masked.

    ``present``: the request had the header; ``key``: its bearer key, if it is one.
    """

    present: bool
    key: APIKey | None
    #: ``Bearer`` with nothing after it: a key variable that is not set, most likely.
    empty: bool = False
    #: Why the bearer key given cannot be sent (``key_problem``), if it cannot.
    problem: str | None = None

    @classmethod
    def of(cls, header: str | CallerAuthorization | None) -> CallerAuthorization:
        if isinstance(header, CallerAuthorization):
            return header
        key = bearer_key(header)
        scheme, _, rest = (header or "").strip().partition(" ")
        empty = scheme.lower() == "bearer" and not rest.strip()
        problem = None
        if key is None and scheme.lower() == "bearer" and rest.strip():
            problem = key_problem(rest.strip())
        return cls(header is not None, APIKey(key) if key else None, empty, problem)


@dataclass(frozen=True)
class LegacyReply:
    """What the legacy endpoint answers: a status, a JSON body, headers, and the notices raised.

    ``error`` is the legacy-stt error the answer stands for, if it is one
    (the drop-in re-raises connection failures as ``requests`` exceptions).
    """

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    notices: tuple[ParameterNotice, ...] = ()
    generation_id: str | None = None
    error: BaseException | None = field(default=None, compare=False)

    @property
    def reason(self) -> str:
        return status_phrase(self.status)

    @property
    def content(self) -> bytes:
        return jsoncodec.dumps(self.body)


def status_phrase(status: int) -> str:
    """The reason phrase of an HTTP status (``"Error"`` for one HTTP does not name)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_body(status: int, message: str) -> dict[str, Any]:
    """An error in the shape the service's own errors have: statusCode, message, error."""
    return {"statusCode": status, "message": message, "error": status_phrase(status)}


def _error_reply(
    status: int,
    message: str,
    *,
    generation_id: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    notices: tuple[ParameterNotice, ...] = (),
    error: BaseException | None = None,
) -> LegacyReply:
    body = error_body(status, message)  # plus what helps next
    if generation_id:
        body["generation_id"] = generation_id
    body.update(extra or {})
    all_headers = dict(headers or {})
    if generation_id:
        all_headers["X-Generation-Id"] = generation_id
    return LegacyReply(status, body, all_headers, notices, generation_id, error)


def reply_for_error(error: BaseException, notices: tuple[ParameterNotice, ...] = ()) -> LegacyReply:
    """The HTTP answer old code would have had for ``error``.

    | error | status |
    |---|---|
    | unreadable body | 400, 413 or 415 |
    | ``PayloadError`` | 400, with every problem |
    | ``AuthenticationError`` | the service's 401/403 (401 when no key was sent) |
    | ``RateLimitError`` | 429 with ``Retry-After`` |
    | ``TranscriptionFailed`` | 422, with the job's id |
    | ``PollTimeout`` | 504, with the job's id to fetch later |
    | other ``APIError`` | the service's 4xx; 502 for its 5xx |
    | ``ServiceUnreachable``, ``JobMayExist`` | 502 |
    | anything else | 500, without details |
    """
    generation_id = getattr(error, "generation_id", None)
    if isinstance(error, RequestRejected):
        return _error_reply(error.status, str(error), notices=notices, error=error)
    if isinstance(error, PayloadError):
        problems = [
            {"pointer": p.pointer, "message": p.message, "code": p.code} for p in error.problems
        ]
        return _error_reply(
            400, str(error), extra={"problems": problems}, notices=notices, error=error
        )
    if isinstance(error, RateLimitError):
        headers = {}
        if error.retry_after is not None:
            headers["Retry-After"] = str(max(0, round(error.retry_after)))
        return _error_reply(
            429,
            str(error),
            generation_id=generation_id,
            headers=headers,
            notices=notices,
            error=error,
        )
    if isinstance(error, AuthenticationError):
        return _error_reply(
            error.status_code or 401,
            str(error),
            generation_id=generation_id,
            notices=notices,
            error=error,
        )
    if isinstance(error, TranscriptionFailed):
        return _error_reply(
            422, str(error), generation_id=generation_id, notices=notices, error=error
        )
    if isinstance(error, PollTimeout):
        return _error_reply(
            504, str(error), generation_id=generation_id, notices=notices, error=error
        )
    if isinstance(error, APIError):
        status = error.status_code if error.status_code and 400 <= error.status_code < 500 else 502
        return _error_reply(
            status, str(error), generation_id=generation_id, notices=notices, error=error
        )
    if isinstance(error, (ServiceUnreachable, JobMayExist)):
        return _error_reply(
            502, str(error), generation_id=generation_id, notices=notices, error=error
        )
    if isinstance(error, ConfigurationError):
        return _error_reply(
            500, f"legacy-stt is misconfigured: {error}", notices=notices, error=error
        )
    if isinstance(error, LegacySTTError):
        return _error_reply(
            502, str(error), generation_id=generation_id, notices=notices, error=error
        )
    return _error_reply(
        500, "internal error in legacy-stt; see its log", notices=notices, error=error
    )


def key_for_call(
    fixed: APIKey | None, authorization: CallerAuthorization, default: APIKey | None
) -> APIKey:
    """The key a legacy call runs with: ``fixed`` (the operator's), else the caller's bearer
    key, else ``default``; an ``AuthenticationError`` (401) that says what is wrong if none."""
    if fixed is None and authorization.problem is not None:
        # Not replaced by the default key: the caller meant to send one, and would not know.
        raise AuthenticationError(
            f"the key in the Authorization header {authorization.problem}", status_code=401
        )
    key = fixed or authorization.key or default
    if key is None:
        if authorization.empty:
            raise AuthenticationError(
                "the Authorization header holds an empty key (`Bearer ` and nothing after "
                "it): is the variable it comes from, such as AIML_API_KEY, set?",
                status_code=401,
            )
        if authorization.present:
            raise AuthenticationError(
                "the Authorization header is not a bearer key: send `Authorization: Bearer <key>`",
                status_code=401,
            )
        raise AuthenticationError(
            "no API key: send the header `Authorization: Bearer <key>`", status_code=401
        )
    return key


class LegacyEndpoint:
    """Runs legacy requests on the two-step API of the service at ``base_url``.

    Key: ``api_key``, when given, is used for every request (it replaces
    whatever key old code sends); otherwise the request's own
    ``Authorization: Bearer`` key; otherwise ``default_api_key``. The other
    options are ``Client``'s. One ``requests.Session`` is shared by every
    request; the endpoint is safe to use from many threads.

    With ``learn_job_durations`` (the default when no ``poll_policy`` is
    given) the endpoint remembers how long each caller's (each key's) last
    64 jobs of each target model took, and a new job's first poll waits for
    most of the shortest of them, then polls in fine steps
    (``JobDurations``): the end seen sooner. A short job after a run of only
    long ones waits for most of the shortest of those; turn it off when one
    caller's calls vary that much (every job is then polled on the poll
    policy alone, as it is when a ``poll_policy`` is given).
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        default_api_key: str | None = None,
        session: requests.Session | None = None,
        target: Target = None,
        strict: bool = False,
        registry: Any = None,
        timeout: float | tuple[float, float] | None = None,
        poll_timeout: float = DEFAULT_POLL_TIMEOUT,
        poll_policy: PollPolicy | None = None,
        learn_job_durations: bool | None = None,
        allow_insecure_http: bool = False,
        max_body_size: float = DEFAULT_MAX_BODY_SIZE,
        retry: RetryPolicy | int | None = None,
    ) -> None:
        from ..sync.client import DEFAULT_TIMEOUT, Client

        # Held masked from the start (and the arguments rebound): a bad option raises below, and
        # error trackers record this frame's locals.
        self._api_key = APIKey(api_key) if api_key else None
        self._default_api_key = APIKey(default_api_key) if default_api_key else None
        api_key = default_api_key = None
        self.session = session if session is not None else bounded_session()
        self._client_options: dict[str, Any] = dict(
            base_url=base_url,
            session=self.session,
            timeout=timeout or DEFAULT_TIMEOUT,
            strict=strict,
            poll_policy=poll_policy,
            registry=registry,
            allow_insecure_http=allow_insecure_http,
            target=target,
            retry=retry,
        )
        # Build one client now so that a bad option fails here, not on the first request.
        probe = Client("probe", poll_timeout=poll_timeout, **self._client_options)
        self.base_url = probe.base_url
        self.target = probe.target
        self.poll_timeout = float(poll_timeout)
        self.max_body_size = max_body_size
        self._client_options["target"] = probe.target
        self._client_options["registry"] = probe.registry
        #: How long each model's recent jobs took: a job's first poll waits for most of that
        #: (``None``: every job is polled on the poll policy alone).
        if learn_job_durations is None:
            learn_job_durations = poll_policy is None  # a policy given is kept as it is
        self.durations = ModelDurations() if learn_job_durations else None

    def __repr__(self) -> str:
        return f"<LegacyEndpoint {self.base_url} target={self.target!r}>"

    def _key_for(self, authorization: CallerAuthorization) -> APIKey:
        return key_for_call(self._api_key, authorization, self._default_api_key)

    def reply(
        self,
        content_type: str | None,
        body: IO[bytes] | bytes,
        *,
        content_length: int | None = None,
        authorization: str | CallerAuthorization | None = None,
        poll_timeout: float | None = None,
        verify: bool | str | None = None,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> LegacyReply:
        """Read and run one legacy request, as the legacy endpoint would answer it. Never raises.

        ``authorization`` is the request's ``Authorization`` header.
        ``poll_timeout`` overrides the endpoint's wait for this one request
        (the drop-in passes the caller's read timeout); ``verify``, ``cert``
        and ``proxies`` are the caller's TLS and proxy settings (``None``:
        the endpoint session's). Notices found before a failure are kept on
        the reply.
        """
        # Masked at once (and the argument rebound): this frame lives as long as the job.
        caller = CallerAuthorization.of(authorization)
        authorization = None
        settings = {"verify": verify, "cert": cert, "proxies": proxies}
        notices: list[ParameterNotice] = []
        try:
            with read_legacy_request(
                content_type,
                body,
                content_length=content_length,
                max_body_size=self.max_body_size,
            ) as request:
                notices.extend(request.notices)
                return self._run(request, caller, poll_timeout, notices, settings)
        except LegacySTTError as error:
            return reply_for_error(error, tuple(notices))
        except Exception as error:  # a bug of ours: answer 500, keep the details in the log
            logger.error("legacy request failed with %s", type(error).__name__)
            logger.debug("details", exc_info=True)
            return reply_for_error(error, tuple(notices))

    def _run(
        self,
        request: LegacyRequest,
        authorization: CallerAuthorization,
        poll_timeout: float | None,
        notices: list[ParameterNotice],
        settings: Mapping[str, Any],
    ) -> LegacyReply:
        from ..core.calls import concerning
        from ..sync.client import Client

        key = self._key_for(authorization)
        client = Client(
            key,
            poll_timeout=poll_timeout if poll_timeout is not None else self.poll_timeout,
            **self._client_options,
            **settings,
        )
        job, found = client.prepare_job(request.payload, request.upload)
        notices.extend(found)
        generation_id = client.create_job(job)
        learnt = None
        if self.durations is not None:
            learnt = self.durations.for_job(job.model, key.fingerprint())
        with concerning(generation_id):
            body = client.wait_for_job(generation_id, job, durations=learnt)
        return LegacyReply(
            201, body, {"X-Generation-Id": generation_id}, tuple(notices), generation_id
        )


def environment_api_key() -> str | None:
    """``AIML_API_KEY``, if set and not empty."""
    return os.environ.get("AIML_API_KEY") or None
