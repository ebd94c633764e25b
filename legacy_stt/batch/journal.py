"""A batch's journal: which input has which job, durably, so a killed batch resumes without paying twice.

The journal is a JSON Lines file that is only ever appended to. Each line is
one event about one input, identified by its ``key`` (a hash of the input's
source and content):

* ``creating`` -- a create request for the input is about to be sent; it
  also names the ``result_path`` the input's result will have, so that no
  other input is given that name meanwhile;
* ``created`` -- the service answered with ``generation_id`` (written the
  moment the answer arrives, before the job is waited for);
* ``done`` -- the result is in ``result_path`` (written after the file is),
  whose content has the SHA-256 ``sha256``: a resumed batch hands the file
  back only if it still has that content;
* ``failed`` -- the input ended in an error that a new run would meet again
  only by trying again (a payload error, a failed job).

Every line is written to the operating system and ``fsync``-ed before the
work it describes goes on, so a process killed at any moment leaves a
journal whose complete lines are all true; a torn last line (the process died while writing it) is ignored
on reading. A line is checked whole before any of it is applied: one with a
field of the wrong type is skipped, never half applied. ``creating`` without
``created`` is the one window no client can close: the create request was in
flight when the process died, and the API has no way to ask whether it made a
job. Such an input is *uncertain*: it is reported, and created again only
when asked to.

A write that fails (a full disk, a file size limit) raises ``JournalError``;
the partial line is cut off and nothing more is written, so the journal keeps
only true lines and the batch can stop creating jobs it could not record.

Two processes appending to one journal would interleave their batches, so
the journal is locked (``fcntl.flock``) while it is open where the platform
has it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import ConfigurationError, JournalError

__all__ = [
    "Journal",
    "JournalEntry",
    "JOURNAL_VERSION",
    "atomic_write_json",
    "temporary_path",
]

logger = logging.getLogger(__name__)

#: The ``v`` of every line written; lines of another version are not read.
JOURNAL_VERSION = 1
#: The service keeps a job's result this long after creation (seconds) ...
RESULT_RETENTION = 3600.0
#: ... and a job older than this is treated as expired rather than risk a 404 mid-way.
RETENTION_MARGIN = 120.0
#: Temporary files of ``atomic_write_json``: short whatever the result's name (NAME_MAX).
TEMPORARY_PREFIX = ".legacy-stt-"
TEMPORARY_SUFFIX = ".tmp"

_EVENTS = frozenset({"creating", "created", "done", "failed"})


@dataclass
class JournalEntry:
    """What the journal knows about one input (the latest of its events)."""

    key: str
    source: str | None = None
    state: str = "new"  # new, creating, created, done, failed
    generation_id: str | None = None
    model: str | None = None
    created_at: float | None = None
    result_path: str | None = None
    #: The SHA-256 of the result file as written (``done``), which proves a file is this result.
    sha256: str | None = None
    error: str | None = None

    def job_is_fresh(self, now: float | None = None) -> bool:
        """True when the job's result can still be fetched (it is not near its expiry)."""
        if self.created_at is None:
            return False
        current = time.time() if now is None else now
        return current - self.created_at < RESULT_RETENTION - RETENTION_MARGIN


def atomic_write_json(path: Path, body: Any) -> str:
    """Write ``body`` as JSON to ``path`` so that readers see the old file or the whole new one.

    Returns the SHA-256 (hex) of the bytes written. One writer per ``path``
    at a time (a batch gives every input a path of its own).
    """
    # backslashreplace: a lone surrogate becomes the \uXXXX escape JSON has for it
    data = (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8", "backslashreplace"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_path(path)
    # A file left there by a process killed mid-write is this path's: it is replaced (the
    # unlink also removes a symbolic link planted there, which O_EXCL then refuses to follow).
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o666)  # the umask's mode, unlike mkstemp's 0600
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)  # the write failed before the rename
        raise
    _fsync_directory(path.parent)
    return hashlib.sha256(data).hexdigest()


def temporary_path(path: Path) -> Path:
    """Where ``atomic_write_json`` writes ``path`` before renaming it.

    Short, whatever the length of ``path``'s name (so a name near the file
    system's limit still has one), and the same every time for one path: a
    re-run that writes the result again replaces what a killed run left.
    """
    digest = hashlib.sha256(path.name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return path.with_name(f"{TEMPORARY_PREFIX}{digest}{TEMPORARY_SUFFIX}")


def _fsync_directory(directory: Path) -> None:
    # The rename is durable once the directory is; not every platform can open one.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _optional_str(event: dict[str, Any], name: str) -> str | None:
    value = event.get(name)
    if value is not None and not isinstance(value, str):
        raise TypeError(name)
    return value


def _validated(event: Any) -> dict[str, Any]:
    """The fields of a journal line, every one checked; raises before anything is applied."""
    if not isinstance(event, dict) or event.get("v") != JOURNAL_VERSION:
        raise ValueError("not a journal line of this version")
    key, kind = event.get("key"), event.get("event")
    if not isinstance(key, str) or not key:
        raise TypeError("key")
    if kind not in _EVENTS:
        raise ValueError(f"unknown event {kind!r}")
    fields: dict[str, Any] = {"key": key, "event": kind, "source": _optional_str(event, "source")}
    if kind == "creating":
        fields["result_path"] = _optional_str(event, "result_path")
    elif kind == "created":
        generation_id, at = event.get("generation_id"), event.get("at")
        if not isinstance(generation_id, str) or not generation_id:
            raise TypeError("generation_id")
        if isinstance(at, bool) or not isinstance(at, (int, float)) or not math.isfinite(at):
            raise TypeError("at")
        fields.update(
            generation_id=generation_id, at=float(at), model=_optional_str(event, "model")
        )
    elif kind == "done":
        result_path, digest = event.get("result_path"), _optional_str(event, "sha256")
        if not isinstance(result_path, str) or not result_path:
            raise TypeError("result_path")
        fields.update(
            result_path=result_path,
            sha256=digest,
            generation_id=_optional_str(event, "generation_id"),
        )
    else:
        fields["error"] = _optional_str(event, "error")
    return fields


class Journal:
    """An append-only, fsync-ed record of a batch's jobs. Open it as a context manager."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.entries: dict[str, JournalEntry] = {}
        #: Complete lines that could not be read (another version, damaged): counted, skipped.
        self.skipped_lines = 0
        #: The first write that failed; once set, nothing more is written.
        self.failure: JournalError | None = None
        self._descriptor: int | None = None
        self._size = 0  # bytes of whole lines: a failed write is cut back to this
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Journal {str(self.path)!r} entries={len(self.entries)}>"

    # -- opening ----------------------------------------------------------

    def open(self) -> Journal:
        if self._descriptor is not None:
            return self
        if self.path.is_dir():
            raise ConfigurationError(f"the journal {self.path} is a directory; give a file path")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Unbuffered appends: a failed write leaves nothing queued to be flushed later.
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
            descriptor = os.open(self.path, flags, 0o666)
        except OSError as error:
            raise ConfigurationError(
                f"cannot open the journal {self.path}: {error.strerror or error}"
            ) from None
        try:
            _lock_exclusively(descriptor, self.path)
            self._read(descriptor)
        except BaseException:
            os.close(descriptor)
            raise
        self._descriptor = descriptor
        return self

    def close(self) -> None:
        with self._lock:
            if self._descriptor is not None:
                os.close(self._descriptor)  # closing releases the lock
                self._descriptor = None

    def __enter__(self) -> Journal:
        return self.open()

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _read(self, descriptor: int) -> None:
        # Line by line: a journal of 200,000 inputs must not be held whole (bytes, text and a
        # list of lines) on top of its entries.
        size = 0
        with open(self.path, "rb") as file:
            for raw in file:
                if not raw.endswith(b"\n"):
                    # No newline at the end: the process died while writing this line. It never
                    # took effect (nothing after it was done), so it is cut off.
                    logger.info("journal %s: cutting off a torn last line", self.path)
                    os.ftruncate(descriptor, size)
                    break
                size += len(raw)
                if not raw.strip():
                    continue
                try:
                    self._apply(_validated(json.loads(raw.decode("utf-8", "replace"))))
                except (ValueError, TypeError, RecursionError):
                    self.skipped_lines += 1
        self._size = size
        if self.skipped_lines:
            logger.warning(
                "journal %s: skipped %d line(s) that could not be read",
                self.path,
                self.skipped_lines,
            )

    def _apply(self, fields: dict[str, Any]) -> None:
        """Apply a line already checked by ``_validated`` (nothing here can fail)."""
        key, kind = fields["key"], fields["event"]
        entry = self.entries.get(key) or JournalEntry(key)
        if fields["source"] is not None:
            entry.source = fields["source"]
        if kind == "creating":
            entry.state = "creating"
            entry.generation_id = None
            entry.created_at = None
            entry.sha256 = None  # a new job: an earlier result is no longer this input's
            if fields["result_path"] is not None:
                entry.result_path = fields["result_path"]
        elif kind == "created":
            entry.state = "created"
            entry.generation_id = fields["generation_id"]
            entry.model = fields["model"]
            entry.created_at = fields["at"]
        elif kind == "done":
            entry.state = "done"
            entry.generation_id = fields["generation_id"] or entry.generation_id
            entry.result_path = fields["result_path"]
            entry.sha256 = fields["sha256"]
        else:
            entry.state = "failed"
            entry.error = fields["error"]
        self.entries[key] = entry

    # -- writing ----------------------------------------------------------

    def record(self, event: str, key: str, **fields: Any) -> JournalEntry:
        """Append one event durably (written and fsync-ed before this returns) and apply it.

        Raises ``JournalError`` if the line cannot be written, and for every
        line after one that could not.
        """
        line: dict[str, Any] = {"v": JOURNAL_VERSION, "event": event, "key": key, **fields}
        if event == "created":
            line.setdefault("at", time.time())
        checked = _validated(line)  # a caller's mistake must not reach the file
        # ASCII: a file name that is not valid UTF-8 (surrogate escapes) must not fail the write
        data = (json.dumps(line, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")
        with self._lock:
            if self._descriptor is None:
                raise RuntimeError("the journal is not open")
            if self.failure is not None:
                raise JournalError(str(self.failure))  # a fresh one: threads raise it at once
            descriptor = self._descriptor
            # Once written, the line is the kernel's: a killed process cannot lose it. The fsync
            # (against a machine crash) is slow, so it runs outside the lock, letting other
            # workers journal their jobs meanwhile instead of queueing behind it.
            try:
                _write_all(descriptor, data)
            except OSError as error:
                raise self._fail(error) from None
            self._size += len(data)
            self._apply(checked)
            entry = self.entries[key]
        try:
            os.fsync(descriptor)
        except OSError as error:
            with self._lock:
                raise self._fail(error) from None
        return entry

    def _fail(self, error: OSError) -> JournalError:
        """Stop writing after ``error``: cut off the partial line, remember why (lock held)."""
        if self.failure is None:
            self.failure = JournalError(
                f"cannot write the journal {self.path}: {error.strerror or error}"
            )
            # (info: a batch reports this through its outcomes, with what it means for each input)
            logger.info("%s; no more lines are written to it", self.failure)
            if self._descriptor is not None:
                # (If this fails too, the torn line is cut off when the journal is next opened.)
                with contextlib.suppress(OSError):
                    os.ftruncate(self._descriptor, self._size)
            return self.failure
        return JournalError(str(self.failure))  # a fresh one: threads may raise it at once

    def get(self, key: str) -> JournalEntry | None:
        with self._lock:
            return self.entries.get(key)

    def __iter__(self) -> Iterator[JournalEntry]:
        with self._lock:
            return iter(list(self.entries.values()))


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        if written <= 0:  # pragma: no cover - os.write raises rather than write nothing
            raise OSError("nothing written")
        view = view[written:]


def _lock_exclusively(descriptor: int, path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks here
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise ConfigurationError(
            f"the journal {path} is in use by another running batch; wait for it to finish"
        ) from None
