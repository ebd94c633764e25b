"""Every error legacy-stt raises, under one base class.

Where a built-in exception already names the kind of failure, the error also
derives from it (as ``requests.InvalidURL`` is also a ``ValueError``), so
code that catches ``ValueError`` or ``TimeoutError`` keeps working.

No message here ever contains the API key: errors are built from status
codes, service messages and ids, never from request headers.

Every error carries ``generation_id`` (the job it concerns, when known) and
``job_may_exist`` (whether a job -- which is billed -- may exist because of
the failed call). An error raised after the service answered a create with
an id carries that id, so the job can be picked up again instead of paid
for twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LegacySTTError",
    "PayloadError",
    "Problem",
    "ConfigurationError",
    "ServiceUnreachable",
    "JobMayExist",
    "APIError",
    "AuthenticationError",
    "RateLimitError",
    "ResultExpired",
    "TranscriptionFailed",
    "PollTimeout",
    "DeadlineExceeded",
    "RequestRejected",
    "UnexpectedAnswer",
    "RedirectRefused",
    "BatchStopped",
    "JournalError",
    "ResultWriteError",
    "with_job",
    "resume_hint",
    "MISSING_KEY_HINT",
    "INSECURE_HTTP_HINT",
    "RAW_RESULT_HINT",
    "MAX_ANSWER_HINT",
    "RETRY_AFTER_MAX_HINT",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a payload.

    ``pointer`` is a JSON Pointer into the payload (``""`` is the payload
    itself, ``/diarize`` a member); ``code`` is a stable identifier such as
    ``schema.type`` or ``missing-input`` that tools can match on.
    """

    pointer: str
    message: str
    code: str

    def __str__(self) -> str:
        where = self.pointer or "payload"
        return f"{where}: {self.message}"


class LegacySTTError(Exception):
    """Base class of every error raised by legacy-stt.

    ``generation_id`` is the job the error concerns, if one is known;
    ``job_may_exist`` is True when a job may exist because of the failed
    call (it may be billed: look it up, or pick it up with its id, before
    sending the request again).
    """

    #: The job this error concerns, when one is known.
    generation_id: str | None = None
    #: Whether a (billed) job may exist because of the call that failed.
    job_may_exist: bool = False


# What messages tell a Python caller to do next. Each is written once, here, so that the
# command line and the proxy can put their own way of doing it in its place.


def resume_hint(generation_id: str) -> str:
    """How a Python caller picks up the job ``generation_id``: ``client.result('...')``."""
    return f"client.result({generation_id!r})"


#: How a Python caller gives a key.
MISSING_KEY_HINT = "pass api_key=... to the client or set the AIML_API_KEY environment variable"
#: How a Python caller allows plain http.
INSECURE_HTTP_HINT = "pass allow_insecure_http=True"
#: How a Python caller asks for the model's own result.
RAW_RESULT_HINT = "with raw=True"
#: How a Python caller reads larger answers.
MAX_ANSWER_HINT = "with a larger Client(max_answer_size=...)"
#: How a Python caller waits out a longer Retry-After (the command line and the proxy have no such knob).
RETRY_AFTER_MAX_HINT = "a RetryPolicy(retry_after_max=...) waits longer"


def with_job(error: LegacySTTError, generation_id: str) -> LegacySTTError:
    """``error``, marked as concerning the job ``generation_id`` (unless it names one already).

    Every error raised after the service answered a create with an id goes
    through this, so that no error leaves a billed job without its id.
    """
    if error.generation_id is None:
        error.generation_id = generation_id
    error.job_may_exist = True
    return error


class ConfigurationError(LegacySTTError, ValueError):
    """The client is set up in a way that cannot work (no key, bad base URL)."""


class PayloadError(LegacySTTError, ValueError):
    """The payload or the audio is not acceptable. Nothing was sent.

    ``problems`` lists every defect found, each with a JSON Pointer, a
    message and a code.
    """

    def __init__(self, problems: Iterable[Problem], summary: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        if summary is None:
            if len(self.problems) == 1:
                summary = str(self.problems[0])
            else:
                lines = [f"{len(self.problems)} problems in the payload:"]
                lines += [f"  - {problem}" for problem in self.problems]
                summary = "\n".join(lines)
        super().__init__(summary)

    @classmethod
    def single(cls, pointer: str, message: str, code: str) -> PayloadError:
        return cls([Problem(pointer, message, code)])


class ServiceUnreachable(LegacySTTError, ConnectionError):
    """The service could not be reached, or stopped answering.

    For a create request, no byte of it reached the service, so no job was
    created (``job_may_exist`` is False). For a poll, the job exists:
    ``generation_id`` names it and ``job_may_exist`` is True -- pick it up
    again with ``client.result(error.generation_id)`` within the hour.
    """

    def __init__(self, message: str, *, generation_id: str | None = None) -> None:
        self.generation_id = generation_id
        self.job_may_exist = generation_id is not None
        super().__init__(message)


class JobMayExist(LegacySTTError, ConnectionError):
    """The create request may have reached the service, but no answer came back.

    A job (which is billed) may exist; its id is not known. It was not
    retried, so that it cannot be created twice.
    """

    job_may_exist = True

    def __init__(self, message: str, *, model: str | None = None) -> None:
        self.model = model
        super().__init__(message)


class APIError(LegacySTTError):
    """The service answered with an HTTP error.

    ``status_code`` is the HTTP status, ``service_message`` what the service
    said (if anything), ``request_id`` the id it gave the request (if any)
    and ``generation_id`` the job concerned (if known). ``job_may_exist``
    defaults to whether a job is known; an ambiguous answer to a create
    request (a 500, a gateway's 502 or 504) sets it without an id.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        service_message: str | None = None,
        request_id: str | None = None,
        generation_id: str | None = None,
        job_may_exist: bool | None = None,
    ) -> None:
        self.status_code = status_code
        self.service_message = service_message
        self.request_id = request_id
        self.generation_id = generation_id
        self.job_may_exist = generation_id is not None if job_may_exist is None else job_may_exist
        super().__init__(message)


class AuthenticationError(APIError):
    """The service refused the API key (HTTP 401 or 403), or there is none."""


class RateLimitError(APIError):
    """The service asked to slow down (HTTP 429).

    ``retry_after`` is the wait in seconds the service asked for, if it said.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ResultExpired(APIError, LookupError):
    """The job's id is not (or no longer) known to the service (HTTP 404).

    Results are kept for one hour after the job was created.
    """


class TranscriptionFailed(LegacySTTError):
    """The job ended in failure on the service side."""

    generation_id: str
    job_may_exist = True

    def __init__(
        self, message: str, *, generation_id: str, status: str, service_message: str | None = None
    ) -> None:
        self.generation_id = generation_id
        self.status = status
        self.service_message = service_message
        super().__init__(message)


class PollTimeout(LegacySTTError, TimeoutError):
    """The job did not finish within ``poll_timeout``.

    The job still runs: ``client.result(error.generation_id)`` picks it up
    again while the service keeps it (one hour after creation).
    """

    generation_id: str
    job_may_exist = True

    def __init__(
        self, message: str, *, generation_id: str, waited: float, last_status: str | None
    ) -> None:
        self.generation_id = generation_id
        self.waited = waited
        self.last_status = last_status
        super().__init__(message)


class DeadlineExceeded(LegacySTTError, TimeoutError):
    """The call's ``deadline`` passed before the create request could be sent; no job exists."""


class UnexpectedAnswer(APIError):
    """The service's answer cannot be used: too large, not JSON, nested too deep, of an unknown shape.

    ``reason`` is a stable code: ``too-large``, ``not-json``, ``too-deep``,
    ``no-status``, ``no-result``, ``unknown-shape`` or ``redirect``. For a
    poll, ``generation_id`` names the job, which still exists.
    """

    def __init__(self, message: str, *, reason: str, **kwargs: Any) -> None:
        self.reason = reason
        super().__init__(message, **kwargs)


class RedirectRefused(UnexpectedAnswer):
    """The service answered with a redirect, which legacy-stt does not follow.

    Following it would send the payload -- whose audio URL may be a
    presigned secret -- and the key to another address. ``location`` is
    where the answer pointed, without its query string.
    """

    def __init__(self, message: str, *, location: str | None, **kwargs: Any) -> None:
        self.location = location
        super().__init__(message, reason="redirect", **kwargs)


class BatchStopped(LegacySTTError):
    """The batch was stopped (its reader went away) before this input was started."""


class JournalError(LegacySTTError):
    """A batch's journal could not be written (a full disk, a file size limit, an I/O error).

    Once a write has failed, the journal takes no more lines: a batch can no
    longer record the jobs it would create, so it creates none. A job that
    already exists is named by ``generation_id`` where known.
    """

    def __init__(self, message: str, *, generation_id: str | None = None) -> None:
        self.generation_id = generation_id
        self.job_may_exist = generation_id is not None
        super().__init__(message)


class ResultWriteError(LegacySTTError):
    """A job finished, but its result could not be written to its file.

    The job is not lost: ``generation_id`` names it (fetch it while the
    service keeps it), and the batch's journal still says it was created, so
    a re-run of the batch fetches it again. ``path`` is the file.
    """

    def __init__(self, message: str, *, generation_id: str | None, path: Any) -> None:
        self.generation_id = generation_id
        self.job_may_exist = generation_id is not None  # it does: it is done
        self.path = path
        super().__init__(message)


class RequestRejected(LegacySTTError):
    """A request to the drop-in or the proxy that cannot even be read: malformed, too large, of the wrong media type.

    ``status`` is the HTTP status to answer with (400, 408, 413, 415 or 501).
    """

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)
