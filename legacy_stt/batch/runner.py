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

Result names are unique across runs into one directory: a name the journal
gave another input, the journal's own name, or a file already there that the
journal does not attribute to this input is never reused (the next free name
is chosen), and a name is recorded with the create so that it stays the
input's on resume. A result is handed back from an earlier run only if the
file still has the content (SHA-256) the journal recorded when writing it.

If the journal cannot be written (a full disk), no more jobs are created;
jobs that exist are still waited for, and every outcome of an input with a
job carries its ``generation_id``.
"""

from __future__ import annotations

import collections
import concurrent.futures
import errno
import functools
import hashlib
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol, Union

from ..core.polling import JobDurations, PollPolicy
from ..exceptions import (
    APIError,
    BatchStopped,
    ConfigurationError,
    DeadlineExceeded,
    JobMayExist,
    JournalError,
    LegacySTTError,
    PayloadError,
    ResultExpired,
    ResultWriteError,
    ServiceUnreachable,
    TranscriptionFailed,
)
from .journal import (
    TEMPORARY_PREFIX,
    TEMPORARY_SUFFIX,
    Journal,
    JournalEntry,
    atomic_write_json,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..core.calls import PreparedJob
    from ..payloads.validation import ParameterNotice

__all__ = [
    "BATCH_POLL_POLICY",
    "BATCH_POLL_RATE",
    "batch_poll_policy",
    "BatchInput",
    "BatchOutcome",
    "BatchStopped",
    "DEFAULT_MAX_WORKERS",
    "MAX_RESULT_NAME",
    "ResultWriteError",
    "check_out_dir",
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
#: Polls a second that one batch sends at most, about, however many jobs are in flight: a
#: thousand concurrent jobs polled every quarter second would be 4,000 requests a second.
BATCH_POLL_RATE = 500.0


def batch_poll_policy(in_flight: int) -> PollPolicy:
    """``BATCH_POLL_POLICY``, its polls spaced so that ``in_flight`` jobs keep to ``BATCH_POLL_RATE``."""
    spacing = in_flight / BATCH_POLL_RATE
    if spacing <= BATCH_POLL_POLICY.first_delay:
        return BATCH_POLL_POLICY
    return BATCH_POLL_POLICY.new(
        first_delay=spacing, max_delay=max(BATCH_POLL_POLICY.max_delay, spacing)
    )


_HASH_CHUNK = 1024 * 1024
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
#: Result names are at most this many (ASCII) characters, far below any file system's limit:
#: longer stems are cut and given a hash of the whole source, and ``check_out_dir`` proves
#: that a name this long can be created before any job is.
MAX_RESULT_NAME = 120
#: Room left after a stem for a "-N" that tells apart inputs of one stem, and ".json".
_MAX_STEM = 100


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


_PART_OF_FILE = re.compile(r"(?P<file>.+) (?P<kind>line|item) (?P<number>\d+)")


def _result_stem(item: BatchInput, index: int) -> str:
    if not item.source:
        return f"input-{index + 1}"
    source = item.source
    # One payload of a JSON Lines file or an array ("calls.jsonl line 7") is named after both.
    part = _PART_OF_FILE.fullmatch(source)
    if source.startswith("<"):
        stem = source
    elif part is not None:
        stem = f"{Path(part.group('file')).stem}-{part.group('kind')}-{part.group('number')}"
    else:
        stem = Path(source).stem
    stem = _UNSAFE_NAME.sub("_", stem).strip("._") or f"input-{index + 1}"
    if len(stem) > _MAX_STEM:
        # Cut, with a hash of the whole source: two long names that share a start stay apart,
        # and the same input gets the same name in every run.
        digest = hashlib.sha256(item.source.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        stem = f"{stem[: _MAX_STEM - 13]}-{digest}"
    return stem


def check_out_dir(out_dir: str | os.PathLike[str]) -> None:
    """Raise ``ConfigurationError`` unless results can be written to ``out_dir`` (made if missing).

    A file of the longest result name is created there and removed again,
    so a read-only directory, a path under a regular file or a file system
    with short names is found out before any job is created (and paid for).
    """
    directory = Path(out_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(
            f"cannot create the results directory {directory}: {error.strerror or error}"
        ) from None
    stem = f"{TEMPORARY_PREFIX}probe-{secrets.token_hex(4)}-"
    probe = directory / (
        stem.ljust(MAX_RESULT_NAME - len(TEMPORARY_SUFFIX), "x") + TEMPORARY_SUFFIX
    )
    try:
        descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            raise ConfigurationError(
                f"the file system of the results directory {directory} does not take names of "
                f"{MAX_RESULT_NAME} characters, which result names may need"
            ) from None
        raise ConfigurationError(
            f"cannot write results to {directory}: {error.strerror or error}"
        ) from None
    os.close(descriptor)
    try:
        os.unlink(probe)
    except OSError as error:
        raise ConfigurationError(
            f"cannot remove files from the results directory {directory}: {error.strerror or error}"
        ) from None


def _as_input(value: Any, audio: Any) -> BatchInput:
    if isinstance(value, BatchInput):
        return value if audio is None else BatchInput(value.payload, audio, value.source)
    return BatchInput(value, audio)


# -- the run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """What was decided for an input before it runs (in input order, so stable on resume)."""

    key: str
    #: Where its result goes (None: results are not written).
    result_path: Path | None
    #: A result of an earlier run proven to be this input's: handed back, nothing fetched.
    saved: dict[str, Any] | None = None


def _same(path: str | os.PathLike[str]) -> str:
    """A path's spelling for comparisons (absolute; case-folded, as some file systems do)."""
    return os.path.normcase(os.path.abspath(path)).casefold()


class _Client(Protocol):
    """What a batch needs of a client, sync (``Client``) or async (``AsyncClient``): the
    batch runs on either without importing them."""

    target: Any
    deadline: float | None

    def prepare_job(self, payload: Any, audio: Any) -> tuple[PreparedJob, list[Any]]: ...

    def reserve_connections(self, count: int) -> None: ...


class SyncBatchClient(_Client, Protocol):
    def create_job(self, job: PreparedJob, *, deadline: float | None = None) -> str: ...

    def wait_for_job(
        self,
        generation_id: str,
        job: PreparedJob,
        *,
        poll_policy: PollPolicy | None = None,
        deadline: float | None = None,
        durations: JobDurations | None = None,
    ) -> dict[str, Any]: ...


class AsyncBatchClient(_Client, Protocol):
    async def create_job(self, job: PreparedJob, *, deadline: float | None = None) -> str: ...

    async def wait_for_job(
        self,
        generation_id: str,
        job: PreparedJob,
        *,
        poll_policy: PollPolicy | None = None,
        deadline: float | None = None,
        durations: JobDurations | None = None,
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class _Create:
    """Step: create the prepared job (within ``deadline``); the run gets its id."""

    job: PreparedJob
    deadline: float | None


@dataclass(frozen=True)
class _Wait:
    """Step: wait for the job; the run gets its legacy body."""

    generation_id: str
    job: PreparedJob
    poll_policy: PollPolicy
    deadline: float | None = None
    durations: JobDurations | None = None


@dataclass(frozen=True)
class _FileWork:
    """Step: write to the journal or a result file (disk I/O: kept off an event loop).

    ``on_disk`` is False when the batch has neither journal nor results
    directory: the work then only fills in the outcome, and runs in place.
    """

    work: Callable[[], Any]
    on_disk: bool = True


_Steps = Generator[Union[_Create, _Wait, _FileWork], Any, None]


def _drive(steps: _Steps, client: SyncBatchClient) -> None:
    """Take an input's steps with a ``Client``; each step's error goes back into the run."""
    value: Any = None
    error: Exception | None = None
    while True:
        try:
            step = steps.send(value) if error is None else steps.throw(error)
        except StopIteration:
            return
        value, error = None, None
        try:
            if isinstance(step, _Create):
                value = client.create_job(step.job, deadline=step.deadline)
            elif isinstance(step, _Wait):
                value = client.wait_for_job(
                    step.generation_id,
                    step.job,
                    poll_policy=step.poll_policy,
                    deadline=step.deadline,
                    durations=step.durations,
                )
            else:
                value = step.work()
        except Exception as raised:  # noqa: BLE001 - handed to the run, which decides
            error = raised


async def _drive_async(
    steps: _Steps, client: AsyncBatchClient, offload: Callable[[Callable[[], Any]], Awaitable[Any]]
) -> None:
    """``_drive`` with an ``AsyncClient``: client steps awaited, file work offloaded."""
    value: Any = None
    error: Exception | None = None
    while True:
        try:
            step = steps.send(value) if error is None else steps.throw(error)
        except StopIteration:
            return
        value, error = None, None
        try:
            if isinstance(step, _Create):
                value = await client.create_job(step.job, deadline=step.deadline)
            elif isinstance(step, _Wait):
                value = await client.wait_for_job(
                    step.generation_id,
                    step.job,
                    poll_policy=step.poll_policy,
                    deadline=step.deadline,
                    durations=step.durations,
                )
            elif step.on_disk:
                value = await offload(step.work)
            else:
                value = step.work()
        except Exception as raised:  # noqa: BLE001 - handed to the run, which decides
            error = raised


class _Batch:
    def __init__(
        self,
        client: SyncBatchClient | AsyncBatchClient,
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
        self.durations = JobDurations()
        #: Set when the reader stops early: inputs not yet at their create are not started.
        self.stopping = threading.Event()
        #: Result paths given out in this run (``_same`` spelling).
        self._issued: set[str] = set()
        #: Result paths the journal gives to inputs: path -> key ("" when several claim one,
        #: as a journal of an earlier version can say).
        self._claims: dict[str, str] = {}
        self._reserved: set[str] = set()  # the journal's own file is never a result
        if journal is not None:
            self._reserved.add(_same(journal.path))
            for entry in journal:
                if entry.result_path:
                    spelling = _same(entry.result_path)
                    other = self._claims.get(spelling)
                    self._claims[spelling] = entry.key if other in (None, entry.key) else ""
        self._occurrences: collections.Counter[str] = collections.Counter()

    def _emit(self, event: str, outcome: BatchOutcome | None = None) -> None:
        if self.on_event is not None:
            self.on_event(event, outcome)

    # -- names ---------------------------------------------------------------------------

    def plan(self, item: BatchInput, index: int) -> _Plan:
        """The input's journal key and result path, and its earlier result if proven its own."""
        identity = content_identity(item, self.client.target)
        occurrence = self._occurrences[identity]
        self._occurrences[identity] += 1
        key = input_key(item, self.client.target, occurrence, identity=identity)
        if self.out_dir is None:
            return _Plan(key, None)
        entry = self.journal.get(key) if self.journal is not None else None
        if entry is not None and entry.state == "done" and entry.result_path:
            saved = _proven_result(entry)
            if saved is not None:
                path = self._shown(entry.result_path)
                self._issued.add(_same(path))
                return _Plan(key, path, saved)
        path = self._own_path(key, entry) or self._free_path(_result_stem(item, index))
        self._issued.add(_same(path))
        return _Plan(key, path)

    def _shown(self, recorded: str) -> Path:
        """A recorded (absolute) result path, spelt from ``out_dir`` when it is there."""
        assert self.out_dir is not None
        path = Path(recorded)
        if _same(path.parent) == _same(self.out_dir):
            return self.out_dir / path.name
        return path

    def _own_path(self, key: str, entry: JournalEntry | None) -> Path | None:
        """The name the journal gave this input, if it is still safely this input's."""
        if entry is None or not entry.result_path or self.out_dir is None:
            return None
        path = self._shown(entry.result_path)
        spelling = _same(path)
        if (
            _same(path.parent) != _same(self.out_dir)  # another run's directory
            or self._claims.get(spelling) != key  # also claimed by another input
            or spelling in self._issued
            or spelling in self._reserved
        ):
            return None
        if entry.state in ("creating", "created"):
            # Named when its job was created: a file there is this input's result, written
            # just before the process stopped (before its "done" line).
            return path
        # "done" with other content than was written, or "failed": a file there is not proven
        # this input's, so it is left alone.
        return None if os.path.lexists(path) else path

    def _free_path(self, stem: str) -> Path:
        """The first of stem.json, stem-2.json, ... that is nobody's: not in this run, the journal or on disk."""
        assert self.out_dir is not None
        count = 1
        while True:
            path = self.out_dir / (f"{stem}.json" if count == 1 else f"{stem}-{count}.json")
            spelling = _same(path)
            if not (
                spelling in self._issued
                or spelling in self._claims
                or spelling in self._reserved
                or os.path.lexists(path)
            ):
                return path
            count += 1

    # -- running -------------------------------------------------------------------------

    def run_one(self, item: BatchInput, index: int, plan: _Plan) -> BatchOutcome:
        """Run one input with a ``Client``: its steps, sent and written in this thread."""
        outcome = BatchOutcome(index, item.source, result_path=plan.result_path)
        self._started(outcome)
        try:
            _drive(self._steps(item, plan, outcome), self.client)  # type: ignore[arg-type]
        except Exception as error:  # noqa: BLE001 - an input's failure is its outcome
            self._failed(outcome, error)
        self._finished(outcome)
        return outcome

    async def run_one_async(
        self,
        item: BatchInput,
        index: int,
        plan: _Plan,
        offload: Callable[[Callable[[], Any]], Awaitable[Any]],
    ) -> BatchOutcome:
        """Run one input with an ``AsyncClient``: the same steps, awaited; the journal's lines
        and result files are written by ``offload`` (a worker thread), never on the loop."""
        outcome = BatchOutcome(index, item.source, result_path=plan.result_path)
        self._started(outcome)
        try:
            await _drive_async(self._steps(item, plan, outcome), self.client, offload)  # type: ignore[arg-type]
        except Exception as error:  # noqa: BLE001 - an input's failure is its outcome
            self._failed(outcome, error)
        self._finished(outcome)
        return outcome

    def _started(self, outcome: BatchOutcome) -> None:
        try:
            self._emit("started")
        except Exception:
            logger.debug("on_event failed", exc_info=True)

    @staticmethod
    def _failed(outcome: BatchOutcome, error: Exception) -> None:
        if not isinstance(error, LegacySTTError):
            logger.error("%s failed unexpectedly: %s", outcome.name, type(error).__name__)
            logger.debug("details", exc_info=True)
        outcome.error = error

    def _finished(self, outcome: BatchOutcome) -> None:
        try:
            self._emit("finished", outcome)
        except Exception:
            logger.debug("on_event failed", exc_info=True)

    def _steps(self, item: BatchInput, plan: _Plan, outcome: BatchOutcome) -> _Steps:
        """One input's run, as steps for a client to take (create, wait) and file work to do.

        The rules (what to resume, what to journal when, what is uncertain)
        are written once, here; ``run_one`` and ``run_one_async`` take the
        steps with a ``Client`` or an ``AsyncClient``.
        """
        client, journal, key = self.client, self.journal, plan.key
        entry = journal.get(key) if journal is not None else None
        if plan.saved is not None:
            outcome.body, outcome.resumed = plan.saved, "result"
            outcome.generation_id = entry.generation_id if entry is not None else None
            return
        try:
            job, notices = client.prepare_job(item.payload, item.audio)
        except PayloadError as error:
            yield self._file_work(functools.partial(self._record_failure, key, item, error))
            raise
        outcome.notices = notices
        if (
            entry is not None
            and entry.generation_id
            and entry.state in ("created", "done")
            and entry.job_is_fresh()
        ):
            # A job journaled as created needs no new journal line to be waited for safely.
            outcome.generation_id = entry.generation_id
            try:
                body = yield _Wait(entry.generation_id, job, self.poll_policy)
            except ResultExpired:
                logger.info(
                    "%s: job %s has expired; creating a new one", outcome.name, entry.generation_id
                )
                outcome.generation_id = None
            else:
                outcome.resumed = "job"
                yield self._file_work(functools.partial(self._finish, plan, item, outcome, body))
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
        if journal is not None and journal.failure is not None:
            # Without a journal a killed batch could not find its jobs again: create none.
            raise JournalError(f"{outcome.name}: not started: {journal.failure}")
        deadline = None if client.deadline is None else time.monotonic() + client.deadline
        try:
            yield self._file_work(
                functools.partial(
                    self._record, "creating", key, item, result_path=_recorded(plan.result_path)
                )
            )
        except JournalError as error:
            raise JournalError(f"{outcome.name}: not started: {error}") from None
        try:
            generation_id = yield _Create(job, deadline)
        except LegacySTTError as error:
            if _no_job_made(error):
                # Nothing to find on resume: a refusal, an unreachable service, nothing sent.
                yield self._file_work(functools.partial(self._record_failure, key, item, error))
            # Otherwise (no answer, a 5xx that is not 503) the journal keeps "creating":
            # a job may exist, and the input stays uncertain.
            raise
        outcome.generation_id = generation_id  # from here on, every outcome names the job
        try:
            yield self._file_work(
                functools.partial(
                    self._record, "created", key, item, generation_id=generation_id, model=job.model
                )
            )
        except JournalError as error:
            # Not waited for: its result could not be found again by a re-run, which will call
            # this input uncertain. Its id, in the outcome, is the only trace of the job.
            logger.info("%s: job %s was created but not journaled", outcome.name, generation_id)
            raise JournalError(
                f"{outcome.name}: job {generation_id} was created, but {error}; it was not "
                f"waited for: fetch its result with `legacy-stt result {generation_id}` "
                "(a re-run calls this input uncertain)",
                generation_id=generation_id,
            ) from None
        try:
            # The learnt head start is the first poll's wait, inside poll_timeout, not added to it.
            body = yield _Wait(generation_id, job, self.poll_policy, deadline, self.durations)
        except TranscriptionFailed as error:
            yield self._file_work(functools.partial(self._record_failure, key, item, error))
            raise
        # Other errors while waiting leave the job journaled as created: a re-run picks it up.
        yield self._file_work(functools.partial(self._finish, plan, item, outcome, body))

    def _file_work(self, work: Callable[[], Any]) -> _FileWork:
        return _FileWork(work, on_disk=self.journal is not None or self.out_dir is not None)

    def _finish(
        self, plan: _Plan, item: BatchInput, outcome: BatchOutcome, body: dict[str, Any]
    ) -> None:
        path = plan.result_path
        if path is None:
            outcome.body = body
            return
        try:
            digest = atomic_write_json(path, body)
        except OSError as error:
            generation_id = outcome.generation_id
            again = "run the batch again or " if self.journal is not None else ""
            raise ResultWriteError(
                f"{outcome.name}: job {generation_id} is done, but its result could not be "
                f"written to {path}: {error.strerror or error}; the service keeps it for an "
                f"hour: {again}fetch it with `legacy-stt result {generation_id}`",
                generation_id=generation_id,
                path=path,
            ) from None
        outcome.body = body
        try:
            self._record(
                "done",
                plan.key,
                item,
                generation_id=outcome.generation_id,
                result_path=_recorded(path),
                sha256=digest,
            )
        except JournalError as error:
            # The result is written; the journal still says "created", so a re-run fetches it
            # again (while the service keeps it) rather than trust a file it cannot vouch for.
            logger.info("%s: result written to %s, but %s", outcome.name, path, error)

    def _record(self, event: str, key: str, item: BatchInput, **fields: Any) -> None:
        if self.journal is not None:
            self.journal.record(event, key, source=item.source, **fields)

    def _record_failure(self, key: str, item: BatchInput, error: BaseException) -> None:
        """Journal an input's failure, which stays its outcome even if this cannot be written."""
        try:
            self._record("failed", key, item, error=type(error).__name__)
        except JournalError as journal_error:
            logger.info("%s: %s", item.source or key[:12], journal_error)


def _recorded(path: Path | None) -> str | None:
    # Absolute in the journal: a re-run from another directory finds (and keeps) the same files.
    return None if path is None else os.path.abspath(path)


def _proven_result(entry: JournalEntry) -> dict[str, Any] | None:
    """The result the journal's ``done`` line names, if the file is still that result."""
    assert entry.result_path is not None
    try:
        with open(entry.result_path, "rb") as file:
            data = file.read()
    except OSError:
        return None
    if entry.sha256 is not None:
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            logger.info(
                "%s: %s is not the result written for it; fetching it again",
                entry.source or entry.key[:12],
                entry.result_path,
            )
            return None
    elif not entry.generation_id or entry.generation_id.encode("ascii", "replace") not in data:
        # A line of an earlier version, without a hash: the file must at least name the job.
        return None
    try:
        body = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


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


def _checked_count(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigurationError(f"{name} must be a whole number, 1 or more; got {value!r}")
    return value


def _where(
    journal: str | os.PathLike[str] | Journal | None, out_dir: str | os.PathLike[str] | None
) -> tuple[Journal | None, bool, Path | None]:
    """The journal (and whether the batch opened it) and the results directory."""
    owned_journal = journal is not None and not isinstance(journal, Journal)
    opened = journal if journal is None or isinstance(journal, Journal) else Journal(journal)
    if out_dir is not None:
        results_dir: Path | None = Path(out_dir)
    elif isinstance(opened, Journal):
        results_dir = opened.path.with_name(opened.path.name + ".results")
    else:
        results_dir = None
    return opened, owned_journal, results_dir


def _prepare_directories(
    journal: Journal | None, owned_journal: bool, results_dir: Path | None
) -> None:
    if journal is not None:
        journal.open()
    if results_dir is not None:
        try:
            check_out_dir(results_dir)  # before any job is created, not after it is paid for
        except ConfigurationError:
            if journal is not None and owned_journal:
                journal.close()
            raise


def run_batch(
    client: SyncBatchClient,
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
    _checked_count(max_workers, "max_workers")
    opened, owned_journal, results_dir = _where(journal, out_dir)
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
        poll_policy or batch_poll_policy(max_workers),
    )


def _outcomes(
    client: SyncBatchClient,
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
    _prepare_directories(journal, owned_journal, results_dir)
    client.reserve_connections(max_workers)
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
            pending.append(executor.submit(batch.run_one, item, index, batch.plan(item, index)))
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


def run_batch_async(
    client: AsyncBatchClient,
    payloads: Iterable[Any],
    *,
    audio: Iterable[Any] | None = None,
    concurrency: int = 100,
    journal: str | os.PathLike[str] | Journal | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    recreate_uncertain: bool = False,
    on_event: Callable[[str, BatchOutcome | None], None] | None = None,
    poll_policy: PollPolicy | None = None,
) -> AsyncIterator[BatchOutcome]:
    """The engine of ``AsyncClient.stt_many`` (see there): ``run_batch`` on asyncio tasks."""
    _checked_count(concurrency, "concurrency")
    opened, owned_journal, results_dir = _where(journal, out_dir)
    return _outcomes_async(
        client,
        payloads,
        audio,
        concurrency,
        opened,
        owned_journal,
        results_dir,
        recreate_uncertain,
        on_event,
        poll_policy or batch_poll_policy(concurrency),
    )


async def _outcomes_async(
    client: AsyncBatchClient,
    payloads: Iterable[Any],
    audio: Iterable[Any] | None,
    concurrency: int,
    journal: Journal | None,
    owned_journal: bool,
    results_dir: Path | None,
    recreate_uncertain: bool,
    on_event: Callable[[str, BatchOutcome | None], None] | None,
    poll_policy: PollPolicy,
) -> AsyncIterator[BatchOutcome]:
    import asyncio

    from anyio.to_thread import run_sync as offload

    await offload(_prepare_directories, journal, owned_journal, results_dir)
    batch = _Batch(
        client,
        journal=journal,
        out_dir=results_dir,
        recreate_uncertain=recreate_uncertain,
        on_event=on_event,
        poll_policy=poll_policy,
    )
    audio_iter = iter(audio) if audio is not None else None
    # At most `concurrency` inputs in flight (tasks, not threads); outcomes in input order.
    pending: collections.deque[asyncio.Task[BatchOutcome]] = collections.deque()
    try:
        for index, value in enumerate(payloads):
            item = _as_input(value, next(audio_iter, None) if audio_iter is not None else None)
            plan = batch.plan(item, index)
            pending.append(asyncio.ensure_future(batch.run_one_async(item, index, plan, offload)))
            while len(pending) >= concurrency:
                yield await pending.popleft()
        while pending:
            yield await pending.popleft()
    finally:
        # Stopped early (the caller left the loop, or was cancelled): nothing new starts, and
        # the inputs in flight are cancelled. The journal says which of their jobs exist
        # ("created"), so a re-run waits for those; a create cut short stays uncertain.
        batch.stopping.set()
        for task in pending:
            task.cancel()
        if pending:
            # Their journal lines, written in worker threads, finish before the journal closes.
            await asyncio.gather(*pending, return_exceptions=True)
        if journal is not None and owned_journal:
            journal.close()
