"""The rules of the two-step API, without I/O: what to send, how to read each answer, when to retry.

This module holds every decision of a call and performs none of its input
or output (the sans-I/O style of h11). A *flow* is a generator: it yields
``Send(request)`` and ``Sleep(seconds)`` steps, receives for each ``Send``
the ``Answer`` or the ``Failure`` that the shell met, and returns its result
(or raises a typed error). A shell -- ``transport.ServiceTransport`` on
``requests`` -- only sends, reads within the bounds a ``Request`` states,
and sleeps; ``run_flow`` drives a flow with those two functions.

The rules, once:

* a create request (``POST /v1/stt/create``) is retried only where no job
  can exist: nothing of it left this machine, or the service refused it
  (``RetryPolicy.create_statuses``). Once a byte has left, a failure is
  ``JobMayExist`` and the request is never sent again: jobs are billed;
* a poll (``GET /v1/stt/{id}``) is retried after any failure and after
  ``RetryPolicy.poll_statuses``, within the time the caller allows;
* ``Retry-After`` (seconds, HTTP-date, ``retry-after-ms``) replaces the
  backoff up to ``retry_after_max``; a 429 holds back every request of the
  client (``Backpressure``);
* a redirect is never followed (``RedirectRefused``); an answer larger than
  its limit, nested too deep or not JSON is a typed error, carrying the
  job's id when it is known;
* every error raised once the service has given a job id carries that id.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote, urlsplit, urlunsplit

from .._text import printable
from ..exceptions import (
    MAX_ANSWER_HINT,
    RETRY_AFTER_MAX_HINT,
    APIError,
    AuthenticationError,
    DeadlineExceeded,
    JobMayExist,
    PayloadError,
    RateLimitError,
    RedirectRefused,
    ResultExpired,
    ServiceUnreachable,
    UnexpectedAnswer,
    resume_hint,
)
from ..payloads.uploads import Upload
from . import jsoncodec
from .polling import JobDurations, PollAnswer, PollPolicy, wait_steps
from .retries import Backpressure, RetryPolicy, retry_after_from_headers
from .steps import (
    MAX_ANSWER_BYTES,
    NOTHING_SENT,
    Answer,
    Failure,
    FailureKind,
    Flow,
    Request,
    Send,
    Sleep,
)

__all__ = [
    "CreateAnswer",
    "Service",
    "create_job",
    "decode_json",
    "display_url",
    "encode_json",
    "fetch_job",
    "wait_job",
    "read_poll_answer",
    "service_message",
]

logger = logging.getLogger(__name__)

# -- reading answers ------------------------------------------------------------------


def display_url(url: str) -> str:
    """``url`` for messages and logs: any password masked, no query string or fragment."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"{user}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class _Undecodable(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        super().__init__(detail)


def decode_json(body: bytes) -> Any:
    """The JSON value of an answer body; ``ValueError`` (with a ``reason``) if there is none.

    Nesting deep enough to exhaust Python's recursion limit is refused like
    malformed JSON: a hostile answer must not surface as ``RecursionError``.
    """
    try:
        return jsoncodec.loads(body)
    except RecursionError:
        raise _Undecodable("too-deep", "the answer is JSON nested too deeply to read") from None
    except (UnicodeDecodeError, ValueError):
        raise _Undecodable("not-json", "the answer is not JSON") from None


def _plain_text(text: str, secret: Any, limit: int = 300) -> str:
    """A service's words fit for a message: one line, bounded, without the key if it echoed it."""
    if secret is not None:
        text = secret.scrub(text)
    text = printable(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def service_message(answer: Answer, secret: Any = None) -> str | None:
    """What the service said in an error body, if anything readable (the key scrubbed out)."""
    try:
        body = decode_json(answer.body)
    except ValueError:
        text = answer.body[:600].decode("utf-8", "replace").strip()
        return _plain_text(text, secret) or None
    said: str | None = None
    if isinstance(body, dict):
        for key in ("message", "detail", "error", "errors"):
            value = body.get(key)
            if isinstance(value, str) and value:
                said = value
            elif isinstance(value, dict) and isinstance(value.get("message"), str):
                said = value["message"]
            elif isinstance(value, list) and value:
                said = "; ".join(
                    str(item.get("message", item)) if isinstance(item, dict) else str(item)
                    for item in value[:5]
                )
            if said:
                break
    if said is None:
        try:
            said = str(body)[:600]
        except RecursionError:  # pragma: no cover - decode_json already refused such depth
            said = None
    return _plain_text(said, secret) if said else None


def _request_id(answer: Answer, secret: Any = None) -> str | None:
    for header in ("x-request-id", "request-id", "x-amzn-requestid", "cf-ray"):
        value = answer.headers.get(header)
        if value:
            return _plain_text(value, secret, 100)
    return None


def _create_may_have_made_a_job(status: int) -> bool:
    """Whether an error answer to a create request leaves the question of a job open.

    A refusal (429, 503, a 4xx other than a timeout) made no job; a 500, a
    gateway's 502 or 504 or a 408 prove nothing; a 303 points at something
    the request made.
    """
    if 300 <= status < 400:
        return status == 303
    if status in (429, 503):
        return False
    return not (400 <= status < 500 and status != 408)


def _plural_retries(retries: int) -> str:
    return f" (after {retries} retr{'y' if retries == 1 else 'ies'})" if retries else ""


# -- the service, as every request of one client sees it ---------------------------------


@dataclass
class Service:
    """What every request of one client shares: where, the timeouts, the retry rules, the gate.

    ``secret`` is the client's key (an object with ``scrub(text)``), only
    so that a service answer echoing it is scrubbed out of messages; it is
    never put into a ``Request`` (the shell attaches it).
    """

    base_url: str
    connect_timeout: float
    read_timeout: float
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    gate: Backpressure = field(default_factory=Backpressure)
    clock: Callable[[], float] = time.monotonic
    answer_limit: int = MAX_ANSWER_BYTES
    secret: Any = None

    @classmethod
    def for_shell(
        cls,
        base_url: str,
        timeout: float | tuple[float, float],
        *,
        retry: RetryPolicy,
        gate: Backpressure,
        clock: Callable[[], float],
        answer_limit: int,
        secret: Any,
    ) -> Service:
        """The service as a shell sees it: ``timeout`` is one value or a (connect, read) pair."""
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        return cls(
            base_url=base_url,
            connect_timeout=float(connect),
            read_timeout=float(read),
            retry=retry,
            gate=gate,
            clock=clock,
            answer_limit=answer_limit,
            secret=secret,
        )

    @property
    def shown_url(self) -> str:
        return display_url(self.base_url)

    def request(self, method: str, path: str, *, deadline: float | None, **parts: Any) -> Request:
        connect, read = self.connect_timeout, self.read_timeout
        if deadline is not None:
            left = max(deadline - self.clock(), 0.001)
            connect, read = min(connect, left), min(read, left)
        return Request(
            method,
            self.base_url + path,
            connect,
            read,
            deadline,
            answer_limit=self.answer_limit,
            **parts,
        )

    # -- errors -----------------------------------------------------------

    def error_for_status(
        self,
        answer: Answer,
        *,
        action: str,
        creating: bool,
        generation_id: str | None = None,
        retries: int = 0,
    ) -> APIError:
        """The typed error for an answer with a status of 300 or more."""
        status = answer.status
        said = service_message(answer, self.secret)
        detail = f": {said}" if said else ""
        tried = _plural_retries(retries)
        may_exist = _create_may_have_made_a_job(status) if creating else generation_id is not None
        common: dict[str, Any] = dict(
            status_code=status,
            service_message=said,
            request_id=_request_id(answer, self.secret),
            generation_id=generation_id,
            job_may_exist=may_exist,
        )
        if status < 400:
            location = answer.headers.get("Location")
            # A location can carry anything, the key echoed back included.
            shown = _plain_text(display_url(location), self.secret, 500) if location else None
            return RedirectRefused(
                f"{action}: the service answered with a redirect (HTTP {status}) to "
                f"{shown or 'an unnamed address'}, which legacy-stt does not follow: it would send "
                "the request (and its audio URL) elsewhere. Check the base URL"
                + (
                    "; the request may have made a job (HTTP 303): check before sending it again"
                    if creating and may_exist
                    else ""
                ),
                location=shown,
                **common,
            )
        # A job exists: whatever went wrong with this request, it is picked up by its id, never
        # by sending the create again (a second job, billed again).
        pick_up = (
            f". The job is not lost: call {resume_hint(generation_id)} to pick it up again "
            "within the hour"
            if generation_id is not None
            else ""
        )
        if status in (401, 403):
            return AuthenticationError(
                f"{action} was refused (HTTP {status}){detail}. Check the API key (AIML_API_KEY) "
                f"and its permissions{pick_up}",
                **common,
            )
        if status in (429, 503):
            retry_after = retry_after_from_headers(answer.headers)
            later = "later" if pick_up else "again later"
            if retry_after is None:
                wait = ""
            elif self.retry.retry_after_too_long(retry_after):
                wait = (
                    f"; the service asks to wait {retry_after:g} s, longer than this client waits "
                    f"by itself ({self.retry.retry_after_max:g} s; {RETRY_AFTER_MAX_HINT})"
                    + ("" if pick_up else f": try {later}")
                )
            else:
                wait = f"; the service asks to wait {retry_after:g} s"
            if status == 429:
                return RateLimitError(
                    f"{action} was rate limited (HTTP 429){tried}{detail}{wait}{pick_up}",
                    retry_after=retry_after,
                    **common,
                )
            return APIError(
                f"{action} failed: the service is unavailable (HTTP 503){tried}{detail}{wait}"
                f"{pick_up}",
                **common,
            )
        if status == 404 and generation_id is not None:
            return ResultExpired(
                f"job {printable(generation_id)} is not known to the service (HTTP 404): results are kept for "
                "one hour after the job was created, so it has expired, or the id is wrong",
                **common,
            )
        if creating and status == 404 and urlsplit(self.base_url).path.rstrip("/").endswith("/v1"):
            next_step = (
                f". The base URL ends in /v1 ({self.shown_url}), and legacy-stt adds /v1/stt/create "
                "itself: drop the /v1 from the base URL"
            )
        elif generation_id is not None:
            next_step = pick_up
        elif creating and may_exist:
            next_step = (
                ". The service may have made the job (and may bill it): check your usage "
                "dashboard before sending the request again"
            )
        else:
            next_step = ""
        return APIError(f"{action} failed (HTTP {status}){tried}{detail}{next_step}", **common)

    def unreachable(
        self,
        what: str,
        failure: Failure,
        retries: int,
        *,
        creating: bool,
        generation_id: str | None = None,
    ) -> ServiceUnreachable:
        tried = _plural_retries(retries).replace(" (", " ", 1).rstrip(")")
        where = self.shown_url
        if failure.kind is FailureKind.TLS:
            cause = f"the TLS handshake with {where} failed: {failure.detail}"
        elif failure.kind is FailureKind.TIMED_OUT:
            cause = f"{where} did not answer {what} in time ({failure.detail})"
        elif failure.kind in NOTHING_SENT:
            cause = f"could not connect to {where} for {what} ({failure.detail})"
        else:
            cause = f"the connection to {where} broke during {what} ({failure.detail})"
        if creating:
            return ServiceUnreachable(
                f"{cause}{tried}; no job was created. Check the network and the base URL, then try again"
            )
        return ServiceUnreachable(
            f"{cause}{tried}. The job is not lost: call {resume_hint(generation_id or '')} to pick "
            "it up again within the hour",
            generation_id=generation_id,
        )


# -- one request, with its retries ------------------------------------------------------


def exchange(
    service: Service,
    build: Callable[[float | None], Request],
    *,
    creating: bool,
    what: str,
    cap: float | None,
    model: str | None = None,
    generation_id: str | None = None,
) -> Flow[tuple[Answer, int]]:
    """Send a request and its retries; return the answer to act on and the retries made.

    ``build(deadline)`` makes one attempt's request. ``creating`` selects the
    create rules. ``cap`` bounds the whole thing in seconds, waits and retries
    included. The answer returned is a success, one not to retry, or the last
    one when retries ran out; failures raise.
    """
    policy = service.retry
    clock = service.clock
    deadline = None if cap is None else clock() + cap
    while True:
        # another request's 429 holds this one back too
        pause = service.gate.remaining()
        if deadline is not None:
            pause = min(pause, max(deadline - clock(), 0.0))
        if pause > 0:
            yield Sleep(pause)
        if creating and deadline is not None and clock() >= deadline:
            raise DeadlineExceeded(
                f"the call's deadline passed before {what} could be sent; no job was created"
            )
        event = yield Send(build(deadline))
        retry_after: float | None = None
        answer: Answer | None = None
        failure: Failure | None = None
        if isinstance(event, Failure):
            failure = event
            if failure.kind is FailureKind.UNREADABLE_UPLOAD:
                raise PayloadError.single(
                    "", f"the audio could not be read: {failure.detail}", "audio-unreadable"
                )
            if creating and failure.kind not in NOTHING_SENT:
                raise JobMayExist(
                    f"{what} was sent to {service.shown_url} but "
                    + (
                        "no whole answer came in time"
                        if failure.kind is FailureKind.TIMED_OUT
                        else "the connection broke before a whole answer came"
                    )
                    + f" ({failure.detail}). A job may exist and be billed; it was not retried, so "
                    "that it is not created twice. Check your usage dashboard (or wait for the "
                    "job's result by other means) before sending it again",
                    model=model,
                )
            if failure.kind is FailureKind.TLS:
                # A certificate that does not verify will not verify on the next attempt either.
                raise service.unreachable(
                    what, failure, policy.retries, creating=creating, generation_id=generation_id
                )
        else:
            assert isinstance(event, Answer), "a Send step is answered with an Answer or a Failure"
            answer = event
            status = answer.status
            if 300 <= status < 400:
                return answer, policy.retries  # a redirect: refused by the caller, never followed
            retryable = (
                policy.should_retry_create_status(status)
                if creating
                else policy.should_retry_poll_status(status)
            )
            if not retryable:
                return answer, policy.retries
            retry_after = retry_after_from_headers(answer.headers)
            if policy.retry_after_too_long(retry_after):
                return answer, policy.retries  # raised with its wait, not slept through
        wait = policy.wait_for(retry_after)
        if answer is not None and answer.status == 429:
            service.gate.hold(wait)  # everyone waits, not only this request
        out_of_time = deadline is not None and clock() + wait >= deadline
        if policy.is_exhausted() or out_of_time:
            if answer is not None:
                return answer, policy.retries
            assert failure is not None
            raise service.unreachable(
                what, failure, policy.retries, creating=creating, generation_id=generation_id
            )
        logger.info(
            "%s: %s; retry %d of %d in %.2f s",
            what,
            f"HTTP {answer.status}" if answer is not None else failure.kind.value,  # type: ignore[union-attr]
            policy.retries + 1,
            policy.total,
            wait,
        )
        yield Sleep(wait)
        policy = policy.increment(
            wait=wait,
            status=answer.status if answer is not None else None,
            error=(failure.detail or failure.kind.value) if failure is not None else None,
        )


# -- the two calls ---------------------------------------------------------------------


@dataclass(frozen=True)
class CreateAnswer:
    generation_id: str
    status_code: int


def encode_json(body: Mapping[str, Any]) -> bytes:
    """``body`` as JSON text; a value JSON cannot carry is a ``PayloadError`` (nothing is sent)."""
    try:
        return json.dumps(dict(body), allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as error:
        raise PayloadError.single(
            "", f"the create body cannot be written as JSON ({type(error).__name__})", "not-json"
        ) from None


def create_job(
    service: Service,
    body: Mapping[str, Any],
    upload: Upload | None = None,
    *,
    upload_field: str = "audio",
    cap: float | None = None,
) -> Flow[CreateAnswer]:
    """``POST /v1/stt/create``: JSON for URL input, multipart for an upload.

    Retried only where no job can exist; ``cap`` bounds it in seconds,
    retries included. Any doubt after a byte has left is ``JobMayExist``.
    """
    model = body.get("model")
    model_name = model if isinstance(model, str) else None
    parts: dict[str, Any]
    if upload is None:
        parts = {"body": encode_json(body)}  # before anything is sent
    else:
        encode_json(body)  # the same check for the form's fields
        parts = {"fields": dict(body), "upload": upload, "upload_field": upload_field}
    what = f"the create request for {model_name or 'the job'}"

    def build(deadline: float | None) -> Request:
        return service.request("POST", "/v1/stt/create", deadline=deadline, **parts)

    answer, retries = yield from exchange(
        service, build, creating=True, what=what, cap=cap, model=model_name
    )
    if answer.status >= 300:
        raise service.error_for_status(
            answer, action="creating the job", creating=True, retries=retries
        )
    generation_id: Any = None
    reason = answer.defect and "its answer " + (
        f"is larger than the {_size(service.answer_limit)} legacy-stt reads"
        if answer.defect == "too-large"
        else "uses a content encoding that was not asked for"
    )
    if reason is None:
        try:
            decoded = decode_json(answer.body)
        except _Undecodable as error:
            reason = (
                "its answer is nested too deeply to read"
                if error.reason == "too-deep"
                else "its answer is not JSON"
            )
        else:
            generation_id = decoded.get("generation_id") if isinstance(decoded, dict) else None
            if not isinstance(generation_id, str) or not generation_id.strip():
                reason = "its answer has no readable generation_id"
    if reason is not None:
        # The service took the request (2xx) but its answer is unusable: a job may well exist.
        raise JobMayExist(
            f"the service accepted {what} (HTTP {answer.status}) but {reason}, so the job cannot "
            "be followed. A job may exist and be billed; check your usage dashboard before "
            "sending it again",
            model=model_name,
        )
    logger.info("created job %s for %s (HTTP %s)", printable(generation_id), model, answer.status)
    return CreateAnswer(generation_id, answer.status)


def fetch_job(
    service: Service, generation_id: str, *, cap: float | None = None
) -> Flow[PollAnswer]:
    """``GET /v1/stt/{generation_id}``: the job's status, result and error.

    Retried after failures and ``poll_statuses``; ``cap`` bounds it in
    seconds, retries included. Every error raised carries the job's id.
    """
    path = f"/v1/stt/{quote(generation_id, safe='')}"
    action = f"polling job {printable(generation_id)}"

    def build(deadline: float | None) -> Request:
        return service.request("GET", path, deadline=deadline)

    answer, retries = yield from exchange(
        service, build, creating=False, what=action, cap=cap, generation_id=generation_id
    )
    if answer.status >= 300:
        raise service.error_for_status(
            answer,
            action=action,
            creating=False,
            generation_id=generation_id,
            retries=retries,
        )
    return read_poll_answer(
        answer,
        generation_id,
        request_id=_request_id(answer, service.secret),
        limit=service.answer_limit,
    )


def wait_job(
    service: Service,
    generation_id: str,
    *,
    timeout: float,
    policy: PollPolicy,
    poll_first: bool = False,
    first_wait: float | None = None,
    durations: JobDurations | None = None,
) -> Flow[Any]:
    """Poll ``GET /v1/stt/{generation_id}`` until the job is finished; its result.

    The schedule, statuses and deadline are ``polling.wait_steps``'; each
    poll is ``fetch_job`` with its retries, bounded by what is left.
    """
    return (
        yield from wait_steps(
            lambda cap: fetch_job(service, generation_id, cap=cap),
            generation_id,
            timeout=timeout,
            policy=policy,
            clock=service.clock,
            poll_first=poll_first,
            first_wait=first_wait,
            durations=durations,
        )
    )


def _size(count: int) -> str:
    return f"{count / 2**20:g} MiB" if count >= 2**20 else f"{count:,} bytes"


def read_poll_answer(
    answer: Answer,
    generation_id: str,
    *,
    request_id: str | None = None,
    limit: int = MAX_ANSWER_BYTES,
) -> PollAnswer:
    """A 2xx poll answer as a ``PollAnswer``; an unusable one is ``UnexpectedAnswer`` with the id."""
    # The common case first, and no message written for it: a poll is the most frequent request.
    decoded: Any = None
    reason: str | None = None
    error: str | None = None
    if answer.defect == "too-large":
        reason = "too-large"
    elif answer.defect is not None:
        reason, error = "not-json", "the answer uses a content encoding that was not asked for"
    else:
        try:
            decoded = decode_json(answer.body)
        except _Undecodable as undecodable:
            reason, error = undecodable.reason, str(undecodable)
        else:
            if not isinstance(decoded, dict) or not isinstance(decoded.get("status"), str):
                reason, error = "no-status", "the answer has no status"
    if reason is None:
        return PollAnswer(
            status=decoded["status"],
            result=decoded.get("result"),
            error=decoded.get("error"),
            retry_after=retry_after_from_headers(answer.headers),
        )
    again = f" The job is not lost: call {resume_hint(generation_id)} to try again"
    if reason == "too-large":
        message = (
            f"the answer is larger than the {_size(limit)} legacy-stt reads.{again}, "
            f"{MAX_ANSWER_HINT} if the result is really that big"
        )
    else:
        message = f"{error}.{again}"
    raise UnexpectedAnswer(
        f"polling job {printable(generation_id)}: {message}",
        reason=reason,
        status_code=answer.status,
        request_id=request_id,
        generation_id=generation_id,
    )
