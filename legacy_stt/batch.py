"""Many legacy calls at once: ``Client.stt_many``, resumable through a journal.

Each input goes through the same steps as ``Client.stt`` -- check and
translate, create one job, wait, translate the result -- on a bounded pool
of threads sharing the client's pooled session and its back-pressure gate
(a 429 slows every thread down). Outcomes come back in input order; one
input's failure is its outcome, never the batch's end.

With a journal (``journal.Journal``) a batch survives being killed:

* an input whose result file is written is not fetched again;
* an input whose job was created and has not expired is waited for, not
  created again;
* an input whose create request was in flight when the process died is
  *uncertain*: a job may exist, and the API cannot say. It is reported
  (``JobMayExist``) and created again only with ``recreate_uncertain=True``;
* anything else (never started, failed) is done afresh.
"""

from __future__ import annotations

import collections
import concurrent.futures
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .exceptions import (
    APIError,
    ConfigurationError,
    DeadlineExceeded,
    JobMayExist,
    LegacySTTError,
    PayloadError,
    ResultExpired,
    ServiceUnreachable,
    TranscriptionFailed,
)
from .journal import Journal, atomic_write_json
from .polling import PollPolicy

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client
    from .validation import ParameterNotice

__all__ = [
    "BATCH_POLL_POLICY",
    "BatchInput",
    "BatchOutcome",
    "DEFAULT_MAX_WORKERS",
    "content_identity",
    "input_key",
    "run_batch",
]

logger = logging.getLogger(__name__)

#: Jobs in flight at once unless told otherwise.
DEFAULT_MAX_WORKERS = 8
#: How a batch polls: a worker waiting past its job's end is throughput lost, so the steps grow
#: by 15 % (a job is seen done at most ~15 % after it ends) up to 2 s, instead of a single
#: call's 50 % up to 10 s.
BATCH_POLL_POLICY = PollPolicy(first_delay=0.25, backoff_factor=1.15, max_delay=2.0, jitter=0.05)
_HASH_CHUNK = 1024 * 1024
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class BatchInput:
    """One input of a batch: a legacy payload, its audio (if any), and where it came from.

    ``source`` names the input in outcomes, the journal and result file
    names (a payload file's path, say); inputs without one are named by
    their position.
    """

    payload: Any
    audio: Any = None
    source: str | None = None


@dataclass
class BatchOutcome:
    """What became of one input: its legacy ``body``, or the ``error`` it met.

    ``resumed`` says what a journal saved: ``"result"`` (read back from its
    file, nothing fetched), ``"job"`` (an existing job was waited for), or
    ``None`` (done in this run). ``notices`` are the parameter notices that
    ``stt()`` would have emitted as warnings.
    """

    index: int
    source: str | None
    body: dict[str, Any] | None = None
    error: BaseException | None = None
    generation_id: str | None = None
    result_path: Path | None = None
    resumed: str | None = None
    notices: list[ParameterNotice] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def result(self) -> dict[str, Any]:
        """The legacy body, or the error raised."""
        if self.error is not None:
            raise self.error
        assert self.body is not None
        return self.body

    @property
    def name(self) -> str:
        return self.source or f"input #{self.index + 1}"


# -- identity ------------------------------------------------------------------------


def _audio_digest(audio: Any) -> str | None:
    """A content hash of the audio, read a chunk at a time (None if it cannot be read again)."""
    if audio is None:
        return None
    if isinstance(audio, (bytes, bytearray, memoryview)):
        return hashlib.sha256(bytes(audio)).hexdigest()
    if isinstance(audio, (str, os.PathLike)):
        digest = hashlib.sha256()
        try:
            with open(audio, "rb") as file:
                for chunk in iter(lambda: file.read(_HASH_CHUNK), b""):
                    digest.update(chunk)
        except OSError:
            return None  # the upload reports the real problem
        return digest.hexdigest()
    seekable = getattr(audio, "seekable", None)
    if callable(seekable) and seekable():
        start = audio.tell()
        digest = hashlib.sha256()
        for chunk in iter(lambda: audio.read(_HASH_CHUNK), b""):
            digest.update(chunk)
        audio.seek(start)
        return digest.hexdigest()
    return None


def _canonical(payload: Any) -> str:
    try:
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=repr)
    except (TypeError, ValueError):
        return repr(payload)


def content_identity(item: BatchInput, target: Any) -> str:
    """A hash of what makes an input itself: its source, its payload, its audio, the target.

    Reads the audio once (a chunk at a time).
    """
    source = item.source
    if source is not None and os.path.exists(source):
        source = os.path.realpath(source)  # `in/a.json` and `$PWD/in/a.json` are one input
    identity = {
        "source": source,
        "payload": _canonical(item.payload),
        "audio": _audio_digest(item.audio),
        "target": _canonical(target),
    }
    return hashlib.sha256(_canonical(identity).encode("utf-8")).hexdigest()


def input_key(
    item: BatchInput, target: Any, occurrence: int, *, identity: str | None = None
) -> str:
    """The input's key in a journal: its ``content_identity`` and which occurrence of it this is.

    ``occurrence`` tells apart inputs that are otherwise the same (the same
    payload twice in a batch is two jobs).
    """
    base = identity if identity is not None else content_identity(item, target)
    return hashlib.sha256(f"{base}:{occurrence}".encode()).hexdigest()


def _result_name(item: BatchInput, index: int) -> str:
    if item.source:
        stem = Path(item.source).stem if not item.source.startswith("<") else item.source
        stem = _UNSAFE_NAME.sub("_", stem).strip("._") or f"input-{index + 1}"
    else:
        stem = f"input-{index + 1}"
    return stem


def _as_input(value: Any, audio: Any) -> BatchInput:
    if isinstance(value, BatchInput):
        return value if audio is None else BatchInput(value.payload, audio, value.source)
    return BatchInput(value, audio)


# -- the run ---------------------------------------------------------------------------


class _JobDurations:
    """How long this batch's jobs take, learnt as they finish.

    Archives tend to hold recordings of similar length, so once a few jobs
    are done, a new job's first poll can wait for most of the typical
    duration and then poll in fine steps: the job is seen done within a few
    per cent of its end, with fewer polls than a schedule that knows nothing.
    """

    #: Finished jobs remembered.
    KEEP = 64
    #: Jobs seen before the head start is used.
    MINIMUM = 3
    #: The head start is this share of the shortest tenth of recent durations ...
    SHARE = 0.85
    #: ... and later polls come every this share of it (at least 50 ms apart), growing.
    STEP = 0.05

    def __init__(self) -> None:
        self._seen: collections.deque[float] = collections.deque(maxlen=self.KEEP)
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self._seen.append(seconds)

    def schedule(self, base: PollPolicy) -> tuple[float, PollPolicy]:
        """The wait before a new job's first poll, and the policy from there on."""
        with self._lock:
            if len(self._seen) < self.MINIMUM:
                return 0.0, base
            ordered = sorted(self._seen)
        typical = ordered[len(ordered) // 10]
        step = max(0.05, typical * self.STEP)
        return typical * self.SHARE, base.new(first_delay=step, max_delay=max(step, base.max_delay))


class _Batch:
    def __init__(
        self,
        client: Client,
        *,
        journal: Journal | None,
        out_dir: Path | None,
        recreate_uncertain: bool,
        on_event: Callable[[str, BatchOutcome | None], None] | None,
        poll_policy: PollPolicy,
    ) -> None:
        self.client = client
        self.poll_policy = poll_policy
        self.journal = journal
        self.out_dir = out_dir
        self.recreate_uncertain = recreate_uncertain
        self.on_event = on_event
        self.durations = _JobDurations()
        #: Set when the reader stops early: inputs not yet at their create are not started.
        self.stopping = threading.Event()
        self._issued: set[str] = set()
        self._occurrences: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def _emit(self, event: str, outcome: BatchOutcome | None = None) -> None:
        if self.on_event is not None:
            self.on_event(event, outcome)

    def plan(self, item: BatchInput, index: int) -> tuple[str, Path | None]:
        """The input's journal key and result path (decided in input order, so stable on resume)."""
        identity = content_identity(item, self.client.target)
        occurrence = self._occurrences[identity]
        self._occurrences[identity] += 1
        key = input_key(item, self.client.target, occurrence, identity=identity)
        if self.out_dir is None:
            return key, None
        stem = _result_name(item, index)
        name, count = f"{stem}.json", 1
        while name in self._issued:  # another input's name, whether by stem or by suffix
            count += 1
            name = f"{stem}-{count}.json"
        self._issued.add(name)
        return key, self.out_dir / name

    def run_one(
        self, item: BatchInput, index: int, key: str, result_path: Path | None
    ) -> BatchOutcome:
        outcome = BatchOutcome(index, item.source, result_path=result_path)
        try:
            self._emit("started")
            self._run(item, key, outcome)
        except LegacySTTError as error:
            outcome.error = error
        except Exception as error:
            logger.error("%s failed unexpectedly: %s", outcome.name, type(error).__name__)
            logger.debug("details", exc_info=True)
            outcome.error = error
        try:
            self._emit("finished", outcome)
        except Exception:
            logger.debug("on_event failed", exc_info=True)
        return outcome

    def _run(self, item: BatchInput, key: str, outcome: BatchOutcome) -> None:
        client, journal = self.client, self.journal
        entry = journal.get(key) if journal is not None else None
        if entry is not None and entry.state == "done" and entry.result_path:
            saved = _read_result(Path(entry.result_path))
            if saved is not None:
                outcome.body, outcome.generation_id = saved, entry.generation_id
                outcome.result_path, outcome.resumed = Path(entry.result_path), "result"
                return
        try:
            job, notices = client._prepare(item.payload, item.audio)
        except PayloadError as error:
            self._record("failed", key, item, error=type(error).__name__)
            raise
        outcome.notices = notices
        if (
            entry is not None
            and entry.generation_id
            and entry.state in ("created", "done")
            and entry.job_is_fresh()
        ):
            try:
                body = client._wait(entry.generation_id, job, poll_policy=self.poll_policy)
            except ResultExpired:
                logger.info(
                    "%s: job %s has expired; creating a new one", outcome.name, entry.generation_id
                )
            else:
                outcome.generation_id, outcome.resumed = entry.generation_id, "job"
                self._finish(key, item, outcome, body)
                return
        if entry is not None and entry.state == "creating" and not self.recreate_uncertain:
            raise JobMayExist(
                f"{outcome.name}: a create request for it was in flight when an earlier run of this "
                "batch stopped, so a job may exist (and be billed) that this batch cannot find. "
                "It was not created again; check your usage dashboard, then re-run with "
                "recreate_uncertain=True (--recreate-uncertain) to create it anyway",
                model=job.model,
            )
        if self.stopping.is_set():
            raise BatchStopped(f"{outcome.name}: not started, the batch was stopped")
        deadline = None if client.deadline is None else time.monotonic() + client.deadline
        self._record("creating", key, item)
        try:
            generation_id = client._create(job, deadline=deadline)
        except LegacySTTError as error:
            if _no_job_made(error):
                # Nothing to find on resume: a refusal, an unreachable service, nothing sent.
                self._record("failed", key, item, error=type(error).__name__)
            # Otherwise (no answer, a 5xx that is not 503) the journal keeps "creating":
            # a job may exist, and the input stays uncertain.
            raise
        created = time.monotonic()
        self._record("created", key, item, generation_id=generation_id, model=job.model)
        outcome.generation_id = generation_id
        head_start, policy = self.durations.schedule(self.poll_policy)
        time.sleep(head_start)
        try:
            body = client._wait(generation_id, job, poll_policy=policy, deadline=deadline)
        except TranscriptionFailed as error:
            self._record("failed", key, item, error=type(error).__name__)
            raise
        self.durations.add(time.monotonic() - created)
        # Other errors while waiting leave the job journaled as created: a re-run picks it up.
        self._finish(key, item, outcome, body)

    def _finish(
        self, key: str, item: BatchInput, outcome: BatchOutcome, body: dict[str, Any]
    ) -> None:
        outcome.body = body
        if outcome.result_path is not None:
            atomic_write_json(outcome.result_path, body)
            self._record(
                "done",
                key,
                item,
                generation_id=outcome.generation_id,
                result_path=str(outcome.result_path),
            )

    def _record(self, event: str, key: str, item: BatchInput, **fields: Any) -> None:
        if self.journal is not None:
            self.journal.record(event, key, source=item.source, **fields)


class BatchStopped(LegacySTTError):
    """The batch was stopped (its reader went away) before this input was started."""


def _no_job_made(error: LegacySTTError) -> bool:
    """True when a failed create request cannot have made a job."""
    if isinstance(error, (PayloadError, ServiceUnreachable, ConfigurationError, DeadlineExceeded)):
        return True  # nothing was sent, or no connection was made
    if isinstance(error, APIError) and error.status_code is not None:
        # Refused: the request was not taken (a gateway's 502/504, a 500 or a 408 prove nothing).
        return error.status_code in (429, 503) or (
            400 <= error.status_code < 500 and error.status_code != 408
        )
    return False


def _read_result(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as file:
            body = json.load(file)
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def _widen_pool(client: Client, max_workers: int) -> None:
    """Let the client's own session keep a connection per worker (requests keeps 10 per host)."""
    if not client._owns_session:
        return  # a session the caller brought is theirs to size
    from requests.adapters import HTTPAdapter

    prefix = client.base_url + "/"
    current = client.session.adapters.get(prefix)
    if isinstance(current, HTTPAdapter) and getattr(current, "_pool_maxsize", 0) >= max_workers:
        return
    client.session.mount(prefix, HTTPAdapter(pool_connections=1, pool_maxsize=max_workers))


def run_batch(
    client: Client,
    payloads: Iterable[Any],
    *,
    audio: Iterable[Any] | None = None,
    max_workers: int = DEFAULT_MAX_WORKERS,
    journal: str | os.PathLike[str] | Journal | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    recreate_uncertain: bool = False,
    on_event: Callable[[str, BatchOutcome | None], None] | None = None,
    poll_policy: PollPolicy | None = None,
) -> Iterator[BatchOutcome]:
    """The engine of ``Client.stt_many`` (see there); ``on_event`` sees each start and finish."""
    from .exceptions import ConfigurationError

    if not isinstance(max_workers, int) or isinstance(max_workers, bool) or max_workers < 1:
        raise ConfigurationError(
            f"max_workers must be a whole number, 1 or more; got {max_workers!r}"
        )
    owned_journal = journal is not None and not isinstance(journal, Journal)
    opened = journal if journal is None or isinstance(journal, Journal) else Journal(journal)
    if out_dir is not None:
        results_dir: Path | None = Path(out_dir)
    elif isinstance(opened, Journal):
        results_dir = opened.path.with_name(opened.path.name + ".results")
    else:
        results_dir = None
    return _outcomes(
        client,
        payloads,
        audio,
        max_workers,
        opened,
        owned_journal,
        results_dir,
        recreate_uncertain,
        on_event,
        poll_policy or BATCH_POLL_POLICY,
    )


def _outcomes(
    client: Client,
    payloads: Iterable[Any],
    audio: Iterable[Any] | None,
    max_workers: int,
    journal: Journal | None,
    owned_journal: bool,
    results_dir: Path | None,
    recreate_uncertain: bool,
    on_event: Callable[[str, BatchOutcome | None], None] | None,
    poll_policy: PollPolicy,
) -> Iterator[BatchOutcome]:
    if journal is not None:
        journal.open()
    _widen_pool(client, max_workers)
    batch = _Batch(
        client,
        journal=journal,
        out_dir=results_dir,
        recreate_uncertain=recreate_uncertain,
        on_event=on_event,
        poll_policy=poll_policy,
    )
    audio_iter = iter(audio) if audio is not None else None
    # Outcomes are yielded in input order; up to twice the workers run ahead of the oldest.
    window = max_workers * 2
    pending: collections.deque[concurrent.futures.Future[BatchOutcome]] = collections.deque()
    executor = concurrent.futures.ThreadPoolExecutor(max_workers, thread_name_prefix="legacy-stt")
    interrupted = False
    try:
        for index, value in enumerate(payloads):
            item = _as_input(value, next(audio_iter, None) if audio_iter is not None else None)
            key, result_path = batch.plan(item, index)
            pending.append(executor.submit(batch.run_one, item, index, key, result_path))
            while len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        # If the caller stopped reading early, start nothing new; jobs already created are
        # waited for and journaled. On Ctrl-C nobody waits: the journal already says which
        # jobs exist, so a re-run picks them up.
        batch.stopping.set()
        for future in pending:
            future.cancel()
        executor.shutdown(wait=not interrupted)
        if journal is not None and owned_journal and not interrupted:
            journal.close()
