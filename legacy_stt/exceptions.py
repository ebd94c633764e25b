"""Every error legacy-stt raises, under one base class.

Where a built-in exception already names the kind of failure, the error also
derives from it (as ``requests.InvalidURL`` is also a ``ValueError``), so
code that catches ``ValueError`` or ``TimeoutError`` keeps working.

No message here ever contains the API key: errors are built from status
codes, service messages and ids, never from request headers.
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
    """Base class of every error raised by legacy-stt."""


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
    """No connection to the service could be made; no job was created."""


class JobMayExist(LegacySTTError, ConnectionError):
    """The create request may have reached the service, but no answer came back.

    A job (which is billed) may exist. It was not retried, so that it cannot
    be created twice.
    """

    def __init__(self, message: str, *, model: str | None = None) -> None:
        self.model = model
        super().__init__(message)


class APIError(LegacySTTError):
    """The service answered with an HTTP error.

    ``status_code`` is the HTTP status, ``service_message`` what the service
    said (if anything), ``request_id`` the id it gave the request (if any)
    and ``generation_id`` the job concerned (if known).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        service_message: str | None = None,
        request_id: str | None = None,
        generation_id: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.service_message = service_message
        self.request_id = request_id
        self.generation_id = generation_id
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

    def __init__(
        self, message: str, *, generation_id: str, waited: float, last_status: str | None
    ) -> None:
        self.generation_id = generation_id
        self.waited = waited
        self.last_status = last_status
        super().__init__(message)


class DeadlineExceeded(LegacySTTError, TimeoutError):
    """The call's ``deadline`` passed before the create request could be sent; no job exists."""


class RequestRejected(LegacySTTError):
    """A request to the drop-in or the proxy that cannot even be read: malformed, too large, of the wrong media type.

    ``status`` is the HTTP status to answer with (400, 408, 413, 415 or 501).
    """

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)
