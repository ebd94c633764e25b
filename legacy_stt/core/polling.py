"""Waiting for a job: when to poll, and what a poll answer means.

The documentation polls every 10 seconds. That is slow for a job that ends
after two seconds and wasteful for one that runs ten minutes, so
``PollPolicy`` starts short and backs off to a cap, with a little jitter so
that many clients do not poll in step. When a poll answer carries a
``Retry-After`` hint, the next poll follows it.

Two status vocabularies are in use: the published one (``queued``,
``generating``, ``completed``, ``error``) and the one the documentation's
examples wait on (``waiting``, ``active``); AssemblyAI-backed jobs are
reported to end in ``failed``. Both are understood. Any other status is read
as "not finished yet", with one ``UnknownStatusWarning`` per job.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import random
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Callable

from .. import deprecations
from .._text import printable
from ..exceptions import PollTimeout, TranscriptionFailed, UnexpectedAnswer, resume_hint
from .retries import parse_retry_after
from .steps import Flow, Sleep, returning, run_flow

__all__ = [
    "PENDING_STATUSES",
    "DONE_STATUSES",
    "FAILED_STATUSES",
    "DEFAULT_FIRST_DELAY",
    "DEFAULT_BACKOFF_FACTOR",
    "DEFAULT_MAX_DELAY",
    "DEFAULT_JITTER",
    "DEFAULT_POLL_TIMEOUT",
    "PollPolicy",
    "JobDurations",
    "ModelDurations",
    "PollAnswer",
    "parse_retry_after",
    "FINAL_POLL_GRACE",
    "read_answer",
    "wait_for_result",
    "wait_steps",
]

logger = logging.getLogger(__name__)

#: Statuses that mean the job is not finished ("processing" is in a later poll description).
PENDING_STATUSES = frozenset({"queued", "generating", "waiting", "active", "processing"})
#: The status of a finished job.
DONE_STATUSES = frozenset({"completed"})
#: Statuses of a job that failed.
FAILED_STATUSES = frozenset({"error", "failed"})

#: Seconds before the first poll.
DEFAULT_FIRST_DELAY = 0.25
#: Each wait is this many times the one before ...
DEFAULT_BACKOFF_FACTOR = 1.5
#: ... up to this many seconds (the documentation's fixed interval).
DEFAULT_MAX_DELAY = 10.0
#: Each wait is randomly up to this fraction shorter or longer.
DEFAULT_JITTER = 0.1
#: Seconds to wait for a job before giving up with ``PollTimeout``.
DEFAULT_POLL_TIMEOUT = 600.0

#: A poll sent at the deadline itself still gets this many seconds to answer: the most by
#: which ``result()`` and ``stt()`` outlast ``poll_timeout`` or ``deadline``.
FINAL_POLL_GRACE = 0.5


@dataclass(frozen=True)
class PollPolicy:
    """When to poll a job: an immutable value; derive variants with ``new()``."""

    first_delay: float = DEFAULT_FIRST_DELAY
    backoff_factor: float = DEFAULT_BACKOFF_FACTOR
    max_delay: float = DEFAULT_MAX_DELAY
    jitter: float = DEFAULT_JITTER

    def __post_init__(self) -> None:
        for knob in ("first_delay", "max_delay"):
            if getattr(self, knob) < 0:
                raise ValueError(f"{knob} cannot be negative (got {getattr(self, knob)!r})")
        if self.backoff_factor < 1:
            raise ValueError("backoff_factor must be at least 1 (waits never shrink)")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be a fraction from 0 up to (not including) 1")

    def new(self, **changes: Any) -> PollPolicy:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before poll number ``attempt`` (0 is the first poll)."""
        base = min(self.max_delay, self.first_delay * self.backoff_factor**attempt)
        if self.jitter:
            base *= 1 + self.jitter * (2 * rng() - 1)
        return max(0.0, base)


class JobDurations:
    """How long recent jobs took, learnt as they finish, and the poll schedule that follows.

    Jobs of one source tend to be alike (an archive of similar recordings,
    a service sending similar calls), so once a few are done a new job's
    first poll can wait for most of the typical duration and then poll in
    fine steps: the job is seen done within a few per cent of its end, with
    fewer polls than a schedule that knows nothing (a 30-second job: three
    or four polls rather than a dozen). Thread-safe.
    """

    #: Finished jobs remembered.
    KEEP = 64
    #: Jobs seen before the head start is used.
    MINIMUM = 3
    #: The head start is this share of the typical duration ...
    SHARE = 0.85
    #: ... and later polls come every this share of it (at least 50 ms apart), growing.
    STEP = 0.05

    def __init__(self, quantile: float = 0.1) -> None:
        if not 0 <= quantile < 1:
            raise ValueError("quantile must be a fraction from 0 up to (not including) 1")
        #: Which of the recent durations is "typical": 0.1, the shortest tenth (a batch: a
        #: few short jobs among long ones wait longer, for fewer polls overall); 0.0, the
        #: shortest of all (a caller waiting on each answer: one short job among the last
        #: 64 keeps the first poll early).
        self.quantile = quantile
        self._seen: collections.deque[float] = collections.deque(maxlen=self.KEEP)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<JobDurations of {len(self._seen)} jobs>"

    def add(self, seconds: float) -> None:
        """A job was seen finished by the poll due ``seconds`` after its creation (on the
        schedule: see ``wait_steps``)."""
        with self._lock:
            self._seen.append(seconds)

    def schedule(self, base: PollPolicy) -> tuple[float, PollPolicy]:
        """The wait before a new job's first poll (0.0: none learnt yet, ``base`` decides) and
        the policy from there on (``base`` with finer steps)."""
        with self._lock:
            if len(self._seen) < self.MINIMUM:
                return 0.0, base
            ordered = sorted(self._seen)
        typical = ordered[int(len(ordered) * self.quantile)]
        step = max(0.05, typical * self.STEP)
        return typical * self.SHARE, base.new(first_delay=step, max_delay=max(step, base.max_delay))


class ModelDurations:
    """A ``JobDurations`` for each caller and target model: what a nova-2 job takes says little
    about a whisper one, and one caller's long jobs must not hold back another's short ones.
    Callers that share a key (a proxy's fallback key, a drop-in's fixed ``api_key``) share
    its records. The ``RECORDS`` used last are kept (model ids and callers come from outside).
    ``quantile`` is each one's. Thread-safe."""

    RECORDS = 256

    def __init__(self, quantile: float = 0.0) -> None:
        JobDurations(quantile)  # a bad quantile fails here, not at the first job
        self.quantile = quantile
        self._records: collections.OrderedDict[tuple[Hashable, str], JobDurations] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<ModelDurations of {len(self._records)} callers' models>"

    def for_job(self, model: str, caller: Hashable = None) -> JobDurations:
        """The record of ``caller``'s jobs of ``model``, made at the first; past ``RECORDS``,
        the one used longest ago is forgotten. ``caller`` tells callers apart
        (``APIKey.fingerprint``)."""
        key = (caller, model)
        with self._lock:
            found = self._records.get(key)
            if found is None:
                found = self._records[key] = JobDurations(self.quantile)
                if len(self._records) > self.RECORDS:
                    self._records.popitem(last=False)
            else:
                self._records.move_to_end(key)
        return found


@dataclass(frozen=True)
class PollAnswer:
    """One poll answer, as the transport read it."""

    status: str
    result: Any = None
    error: Any = None
    retry_after: float | None = None


def _failure_text(error: Any) -> str | None:
    if error is None:
        return None
    if isinstance(error, str):
        return error
    if isinstance(error, dict):
        for key in ("message", "detail", "error"):
            if isinstance(error.get(key), str):
                return error[key]
    return str(error)


def read_answer(
    answer: PollAnswer, generation_id: str, warned_statuses: set[str] | None = None
) -> Any:
    """The job's result if ``answer`` says it is done, ``None`` if it is not finished yet.

    Raises ``TranscriptionFailed`` for a failed job. An unknown status counts
    as not finished; it is warned about once per ``warned_statuses`` set.
    """
    status = answer.status
    if status in DONE_STATUSES:
        if answer.result is None:
            raise UnexpectedAnswer(
                f"job {printable(generation_id)} is completed but the service sent no result",
                reason="no-result",
                generation_id=generation_id,
            )
        return answer.result
    if status in FAILED_STATUSES:
        detail = _failure_text(answer.error)
        raise TranscriptionFailed(
            f"job {printable(generation_id)} failed on the service (status {status!r})"
            + (f": {detail}" if detail else ""),
            generation_id=generation_id,
            status=status,
            service_message=detail,
        )
    if status not in PENDING_STATUSES and (
        warned_statuses is None or status not in warned_statuses
    ):
        if warned_statuses is not None:
            warned_statuses.add(status)
        deprecations.warn(
            f"job {printable(generation_id)} reports the unknown status {status!r}; treating it as not finished yet",
            deprecations.UnknownStatusWarning,
        )
    return None


def wait_steps(
    poll: Callable[[float], Flow[PollAnswer]],
    generation_id: str,
    *,
    timeout: float,
    policy: PollPolicy,
    clock: Callable[[], float] = time.monotonic,
    poll_first: bool = False,
    first_wait: float | None = None,
    durations: JobDurations | None = None,
) -> Flow[Any]:
    """The flow that polls until the job is finished and returns its ``result``.

    ``poll(remaining)`` is the flow of one poll, with its own retries;
    ``remaining`` is the time left before the deadline, so neither the
    request nor its retries outlive it (a poll sent at the deadline itself
    still gets ``FINAL_POLL_GRACE`` seconds). Raises ``TranscriptionFailed``
    for a failed job and ``PollTimeout`` when the deadline passes; both
    carry ``generation_id``. Errors of ``poll`` (retries exhausted) pass
    through. ``first_wait`` replaces the policy's wait before the first
    poll. With ``durations`` (and no ``first_wait``) the schedule is the one
    they have learnt, and a job created for this wait (not ``poll_first``)
    adds its length to them.
    """
    if durations is not None and first_wait is None:
        head_start, policy = durations.schedule(policy)
        first_wait = head_start or None
    learning = durations is not None and not poll_first
    #: When, on the schedule, the poll that sees the job done was due: what ``durations``
    #: learns. Not the clock: a poll sent late (a busy event loop, a slow service) would
    #: teach a longer wait, the next job's poll would be later still, and so on. Polls'
    #: round trips and retries are left out, so it errs short: a slow service costs a poll
    #: or two more, never a later answer.
    due = 0.0
    start = clock()
    deadline = start + timeout
    attempt = 0
    hint: float | None = None
    last_status: str | None = None
    warned_statuses: set[str] = set()
    wait_first = not poll_first
    while True:
        remaining = deadline - clock()
        if remaining <= 0:
            raise PollTimeout(
                f"job {printable(generation_id)} did not finish within {timeout:g} s (last status: {printable(last_status or 'none yet')}). "
                f"It may still finish: call {resume_hint(generation_id)} to pick it up again; "
                "the service keeps results for one hour after the job was created",
                generation_id=generation_id,
                waited=clock() - start,
                last_status=last_status,
            )
        if wait_first:
            # never sleep past the deadline: the last poll happens at the deadline itself
            if attempt == 0 and first_wait is not None:
                planned = first_wait
            else:
                planned = hint if hint is not None else policy.delay(attempt)
            pause = min(planned, remaining)
            if pause > 0:
                yield Sleep(pause)
                due += pause
            attempt += 1
        wait_first = True
        # Failed polls (429, 5xx, connection errors) are retried inside poll, within the deadline.
        answer = yield from poll(max(FINAL_POLL_GRACE, deadline - clock()))
        hint = answer.retry_after
        last_status = answer.status
        result = read_answer(answer, generation_id, warned_statuses)
        if result is not None:
            if learning:
                durations.add(due)  # type: ignore[union-attr]
            return result
        logger.debug("job %s is %s", printable(generation_id), printable(answer.status))


def wait_for_result(
    fetch: Callable[[float | None], PollAnswer],
    generation_id: str,
    *,
    timeout: float,
    policy: PollPolicy,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    poll_first: bool = False,
) -> Any:
    """Poll with ``fetch(remaining)`` until the job is finished and return its ``result``.

    The blocking form of ``wait_steps`` for a ``fetch`` function that does
    its own I/O; see there.
    """
    flow = wait_steps(
        lambda remaining: returning(fetch(remaining)),
        generation_id,
        timeout=timeout,
        policy=policy,
        clock=clock,
        poll_first=poll_first,
    )
    return run_flow(flow, _sends_nothing, sleep)


def _sends_nothing(request: Any) -> Any:  # pragma: no cover - the polls above do their own I/O
    raise AssertionError("wait_for_result's flow sends nothing itself")
