"""When to try a request again, and how long to wait first.

Transcription is billed per job, so the two requests of the two-step API are
retried under different rules:

* a poll (``GET /v1/stt/{generation_id}``) changes nothing on the service and
  is retried after a connection error, a timeout, or one of
  ``POLL_RETRY_STATUSES``;
* the create request (``POST /v1/stt/create``) is retried only where no job
  can have been made: the connection was never established, or the service
  answered one of ``CREATE_RETRY_STATUSES`` (429, 503: it did not take the
  request). Anything else -- a read timeout, a connection dropped while the
  answer was awaited -- may have left a billed job behind and is never
  retried (``JobMayExist``).

``RetryPolicy`` is an immutable value in the manner of urllib3's ``Retry``:
``new()`` derives a variant, ``increment()`` returns the policy for the next
attempt with the failure recorded in ``history``, and ``is_exhausted()``
says when to stop. urllib3's own ``Retry`` is not used because it retries
inside one ``urlopen`` with one set of rules per connection pool, and cannot
tell a 429 to the create request (safe to repeat) from a 500 to it (a job
may exist), nor keep to a per-call deadline.
"""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

__all__ = [
    "DEFAULT_TOTAL",
    "DEFAULT_BACKOFF_FACTOR",
    "DEFAULT_BACKOFF_MAX",
    "DEFAULT_BACKOFF_JITTER",
    "DEFAULT_RETRY_AFTER_MAX",
    "POLL_RETRY_STATUSES",
    "CREATE_RETRY_STATUSES",
    "Backpressure",
    "RetryEvent",
    "RetryPolicy",
    "parse_retry_after",
    "retry_after_from_headers",
]

#: Retries after the first attempt of one request.
DEFAULT_TOTAL = 4
#: The first backoff in seconds; each later one doubles ...
DEFAULT_BACKOFF_FACTOR = 0.5
#: ... up to this many seconds.
DEFAULT_BACKOFF_MAX = 20.0
#: Each backoff is randomly up to this fraction shorter or longer, so that many
#: clients refused at once do not come back in step.
DEFAULT_BACKOFF_JITTER = 0.25
#: The longest wait the service may ask for (``Retry-After``) that is waited out;
#: a longer one is raised as ``RateLimitError`` carrying the wait, not slept through.
DEFAULT_RETRY_AFTER_MAX = 60.0
#: Poll answers that are retried.
POLL_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Create answers that are retried: the service refused the request, so no job exists.
CREATE_RETRY_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP date); None if unusable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime  # only HTTP-dates need it

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:  # pragma: no cover - older Pythons returned None
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        current = datetime.now(timezone.utc).timestamp() if now is None else now
        return max(0.0, when.timestamp() - current)
    if seconds != seconds or seconds < 0 or seconds == float("inf"):  # NaN, negative, inf
        return None
    return seconds


def retry_after_from_headers(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The wait an answer asks for: ``retry-after-ms`` (more precise) if present, else ``Retry-After``.

    ``headers`` is case-insensitive (a ``requests`` response's headers).
    """
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            value = float(milliseconds.strip())
        except ValueError:
            value = -1.0
        if value >= 0 and value != float("inf"):
            return value / 1000
    return parse_retry_after(headers.get("Retry-After"), now)


@dataclass(frozen=True)
class RetryEvent:
    """One failed attempt: what went wrong (``status`` or ``error``) and the wait that followed."""

    status: int | None
    error: str | None
    wait: float


@dataclass(frozen=True)
class RetryPolicy:
    """How a request is retried: an immutable value; derive variants with ``new()``.

    ``total`` bounds the retries of one request (``0``: never retry).
    Backoffs grow as ``backoff_factor * 2**n`` up to ``backoff_max``, each
    up to ``backoff_jitter`` shorter or longer. A ``Retry-After`` (or
    ``retry-after-ms``) from the service replaces the backoff, up to
    ``retry_after_max`` seconds; a longer request to wait is not slept
    through but raised. ``poll_statuses`` and ``create_statuses`` are the
    answers retried for each request (create retries also need a
    connection that was never made; see the module's notes).
    """

    total: int = DEFAULT_TOTAL
    backoff_factor: float = DEFAULT_BACKOFF_FACTOR
    backoff_max: float = DEFAULT_BACKOFF_MAX
    backoff_jitter: float = DEFAULT_BACKOFF_JITTER
    retry_after_max: float = DEFAULT_RETRY_AFTER_MAX
    poll_statuses: frozenset[int] = POLL_RETRY_STATUSES
    create_statuses: frozenset[int] = CREATE_RETRY_STATUSES
    #: The failed attempts so far (empty on a policy nobody has incremented).
    history: tuple[RetryEvent, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.total, int) or isinstance(self.total, bool) or self.total < 0:
            raise ValueError(
                f"total must be a whole number of retries, 0 or more; got {self.total!r}"
            )
        for knob in ("backoff_factor", "backoff_max", "retry_after_max"):
            value = getattr(self, knob)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
                raise ValueError(f"{knob} must be a number of seconds, 0 or more; got {value!r}")
        if not 0 <= self.backoff_jitter < 1:
            raise ValueError(
                f"backoff_jitter must be a fraction from 0 up to (not including) 1; got {self.backoff_jitter!r}"
            )
        # Sets given as lists or tuples are kept as frozensets: the value stays hashable.
        object.__setattr__(self, "poll_statuses", frozenset(self.poll_statuses))
        object.__setattr__(self, "create_statuses", frozenset(self.create_statuses))

    @classmethod
    def from_value(cls, value: RetryPolicy | int | None) -> RetryPolicy:
        """A policy from what ``Client(retry=...)`` takes: a policy, a number of retries, or None."""
        if value is None:
            return cls()
        if isinstance(value, RetryPolicy):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(total=value)
        raise ValueError(
            f"retry must be a RetryPolicy or a number of retries; got {type(value).__name__}"
        )

    def new(self, **changes: Any) -> RetryPolicy:
        """A copy with some settings changed (and an empty history)."""
        changes.setdefault("history", ())
        return dataclasses.replace(self, **changes)

    @property
    def retries(self) -> int:
        """How many retries have been made."""
        return len(self.history)

    def is_exhausted(self) -> bool:
        """True when no retry is left."""
        return len(self.history) >= self.total

    def backoff(self, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before the next retry when the service gave no ``Retry-After``."""
        base = min(self.backoff_max, self.backoff_factor * 2 ** len(self.history))
        if self.backoff_jitter:
            base *= 1 + self.backoff_jitter * (2 * rng() - 1)
        return max(0.0, base)

    def wait_for(
        self, retry_after: float | None, rng: Callable[[], float] = random.random
    ) -> float:
        """The wait before the next retry: the service's ``retry_after`` if it gave one, else a backoff."""
        return self.backoff(rng) if retry_after is None else retry_after

    def retry_after_too_long(self, retry_after: float | None) -> bool:
        """True when the service asks for a longer wait than this policy sleeps through."""
        return retry_after is not None and retry_after > self.retry_after_max

    def increment(
        self, *, wait: float, status: int | None = None, error: BaseException | str | None = None
    ) -> RetryPolicy:
        """The policy for the next attempt, with this failure (and the ``wait`` before it) recorded.

        ``error`` is the exception met, or a name for the failure.
        """
        name = error if isinstance(error, str) or error is None else type(error).__name__
        event = RetryEvent(status, name, wait)
        return dataclasses.replace(self, history=(*self.history, event))

    def should_retry_poll_status(self, status: int) -> bool:
        return status in self.poll_statuses

    def should_retry_create_status(self, status: int) -> bool:
        return status in self.create_statuses


class Backpressure:
    """A gate shared by every request of one client: a 429 slows down all of them, not just one.

    When an answer asks to wait (``hold``), every request about to be sent
    waits (``wait``) until that time has passed. Thread-safe.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._open_at = 0.0

    def hold(self, seconds: float) -> None:
        """Keep every request back for ``seconds`` from now (a later hold extends it)."""
        with self._lock:
            self._open_at = max(self._open_at, self._clock() + seconds)

    def remaining(self) -> float:
        """Seconds until requests may go again (0 when the gate is open)."""
        with self._lock:
            return max(0.0, self._open_at - self._clock())

    def wait(self, limit: float | None = None) -> float:
        """Wait until the gate opens (at most ``limit`` seconds); returns the seconds waited."""
        pause = self.remaining()
        if limit is not None:
            pause = min(pause, max(limit, 0.0))
        if pause > 0:
            self._sleep(pause)
        return pause
