"""A batch's journal: which input has which job, durably, so a killed batch resumes without paying twice.

The journal is a JSON Lines file that is only ever appended to. Each line is
one event about one input, identified by its ``key`` (a hash of the input's
source and content):

* ``creating`` -- a create request for the input is about to be sent;
* ``created`` -- the service answered with ``generation_id`` (written the
  moment the answer arrives, before the job is waited for);
* ``done`` -- the result is in ``result_path`` (written after the file is);
* ``failed`` -- the input ended in an error that a new run would meet again
  only by trying again (a payload error, a failed job).

Every line is written to the operating system and ``fsync``-ed before the
work it describes goes on, so a process killed at any moment leaves a
journal whose complete lines are all true; a torn last line (the process died while writing it) is ignored
on reading. ``creating`` without ``created`` is the one window no client
can close: the create request was in flight when the process died, and the
API has no way to ask whether it made a job. Such an input is *uncertain*:
it is reported, and created again only when asked to.

Two processes appending to one journal would interleave their batches, so
the journal is locked (``fcntl.flock``) while it is open where the platform
has it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .exceptions import ConfigurationError

__all__ = ["Journal", "JournalEntry", "JOURNAL_VERSION", "atomic_write_json"]

logger = logging.getLogger(__name__)

#: The ``v`` of every line written; lines of another version are not read.
JOURNAL_VERSION = 1
#: The service keeps a job's result this long after creation (seconds) ...
RESULT_RETENTION = 3600.0
#: ... and a job older than this is treated as expired rather than risk a 404 mid-way.
RETENTION_MARGIN = 120.0


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
    error: str | None = None

    def job_is_fresh(self, now: float | None = None) -> bool:
        """True when the job's result can still be fetched (it is not near its expiry)."""
        if self.created_at is None:
            return False
        current = time.time() if now is None else now
        return current - self.created_at < RESULT_RETENTION - RETENTION_MARGIN


def atomic_write_json(path: Path, body: Any) -> None:
    """Write ``body`` as JSON to ``path`` so that readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        # backslashreplace: a lone surrogate becomes the \uXXXX escape JSON has for it
        with open(temporary, "w", encoding="utf-8", errors="backslashreplace") as file:
            json.dump(body, file, ensure_ascii=False, indent=2)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():  # the write failed before the rename
            temporary.unlink()
    _fsync_directory(path.parent)


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


class Journal:
    """An append-only, fsync-ed record of a batch's jobs. Open it as a context manager."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.entries: dict[str, JournalEntry] = {}
        #: Complete lines that could not be read (another version, damaged): counted, skipped.
        self.skipped_lines = 0
        self._file: IO[str] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Journal {str(self.path)!r} entries={len(self.entries)}>"

    # -- opening ----------------------------------------------------------

    def open(self) -> Journal:
        if self._file is not None:
            return self
        if self.path.is_dir():
            raise ConfigurationError(f"the journal {self.path} is a directory; give a file path")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - open until close()
        except OSError as error:
            raise ConfigurationError(
                f"cannot open the journal {self.path}: {error.strerror or error}"
            ) from None
        try:
            _lock_exclusively(file, self.path)
            self._read(file)
        except BaseException:
            file.close()
            raise
        self._file = file
        return self

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()  # closing releases the lock
                self._file = None

    def __enter__(self) -> Journal:
        return self.open()

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _read(self, file: IO[str]) -> None:
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            # No newline at the end: the process died while writing this line. It never
            # took effect (nothing after it was done), so it is cut off.
            logger.info("journal %s: cutting off a torn last line", self.path)
            file.flush()
            os.ftruncate(file.fileno(), end)
            data = data[:end]
        for line in data.decode("utf-8", "replace").split("\n"):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
                if not isinstance(event, dict) or event.get("v") != JOURNAL_VERSION:
                    raise ValueError("not a journal line of this version")
                self._apply(event)
            except (ValueError, KeyError, TypeError):
                self.skipped_lines += 1
        if self.skipped_lines:
            logger.warning(
                "journal %s: skipped %d line(s) that could not be read",
                self.path,
                self.skipped_lines,
            )

    def _apply(self, event: dict[str, Any]) -> None:
        key = event["key"]
        if not isinstance(key, str):
            raise TypeError("key")
        entry = self.entries.get(key) or JournalEntry(key)
        kind = event["event"]
        entry.source = event.get("source", entry.source)
        if kind == "creating":
            entry.state = "creating"
            entry.generation_id = None
            entry.created_at = None
        elif kind == "created":
            entry.state = "created"
            entry.generation_id = event["generation_id"]
            entry.model = event.get("model")
            entry.created_at = float(event["at"])
        elif kind == "done":
            entry.state = "done"
            entry.generation_id = event.get("generation_id", entry.generation_id)
            entry.result_path = event["result_path"]
        elif kind == "failed":
            entry.state = "failed"
            entry.error = event.get("error")
        else:
            raise ValueError(f"unknown event {kind!r}")
        self.entries[key] = entry

    # -- writing ----------------------------------------------------------

    def record(self, event: str, key: str, **fields: Any) -> JournalEntry:
        """Append one event durably (written and fsync-ed before this returns) and apply it."""
        line: dict[str, Any] = {"v": JOURNAL_VERSION, "event": event, "key": key, **fields}
        if event == "created":
            line.setdefault("at", time.time())
        # ASCII: a file name that is not valid UTF-8 (surrogate escapes) must not fail the write
        text = json.dumps(line, ensure_ascii=True, separators=(",", ":")) + "\n"
        with self._lock:
            if self._file is None:
                raise RuntimeError("the journal is not open")
            # Once flushed, the line is the kernel's: a killed process cannot lose it. The fsync
            # (against a machine crash) is slow, so it runs outside the lock, letting other
            # workers journal their jobs meanwhile instead of queueing behind it.
            self._file.write(text)
            self._file.flush()
            self._apply(line)
            entry = self.entries[key]
            descriptor = self._file.fileno()
        os.fsync(descriptor)
        return entry

    def get(self, key: str) -> JournalEntry | None:
        with self._lock:
            return self.entries.get(key)

    def __iter__(self) -> Iterator[JournalEntry]:
        with self._lock:
            return iter(list(self.entries.values()))


def _lock_exclusively(file: IO[str], path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks here
        return
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise ConfigurationError(
            f"the journal {path} is in use by another running batch; wait for it to finish"
        ) from None
