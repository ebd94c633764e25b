"""``legacy-stt transcribe PATH...`` over many inputs: a resumable batch with progress (thin).

The work is ``Client.stt_many``; this module turns paths into inputs (with
``legacy_stt.payloads.inputs``, the reader ``check`` and ``migrate`` use too), shows
progress and prints the summary. ``single_input`` reads the input of a
one-path ``transcribe`` the same way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .._text import printable
from ..exceptions import ConfigurationError, PayloadError
from ..payloads.inputs import (
    JSON_KINDS,
    MAX_FILE_BYTES,
    STDIN,
    STDIN_NAME,
    Accepted,
    InputProblem,
    InputReader,
    OtherFile,
    Payload,
    Skipped,
)
from ..payloads.validation import MAX_PAYLOAD_BYTES
from ._common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, PROG, UsageError, one_line

__all__ = [
    "AUDIO_EXTENSIONS",
    "Collected",
    "Progress",
    "check_model",
    "collect_inputs",
    "is_batch",
    "run_batch_command",
    "single_input",
]

#: Files taken as audio (uploaded with ``--model``) when a directory is walked or named.
AUDIO_EXTENSIONS = frozenset(
    {".wav", ".mp3", ".m4a", ".mp4", ".flac", ".ogg", ".oga", ".opus", ".webm", ".aac", ".amr"}
)
#: How ``transcribe`` reads each kind of file: payload files as ``check`` does, audio unread.
_KINDS = {**JSON_KINDS, **dict.fromkeys(AUDIO_EXTENSIONS, "audio")}
#: Seconds between progress lines when standard error is not a terminal.
PLAIN_INTERVAL = 10.0
#: Seconds between redraws of the progress bar on a terminal.
BAR_INTERVAL = 0.2
#: The journal's name inside ``--out`` when ``--journal`` is not given.
DEFAULT_JOURNAL_NAME = ".legacy-stt-journal.jsonl"
#: Skipped files named before a batch starts; past this they are counted.
SKIPPED_SHOWN = 20


@dataclass
class _Unreadable:
    source: str
    message: str


@dataclass
class Collected:
    """What the paths of a batch hold: its inputs, what cannot be read, and what was skipped."""

    inputs: list[Any] = field(default_factory=list)
    unreadable: list[_Unreadable] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def is_batch(paths: Sequence[str], *, out: str | None, journal: str | None) -> bool:
    """Several paths, a directory or a batch option: a batch. One file (audio too) is not."""
    if len(paths) > 1 or out is not None or journal is not None:
        return True
    return paths[0] != STDIN and os.path.isdir(paths[0])


def check_model(model: str | None) -> None:
    """Refuse a ``--model`` no audio could run on, before anything is read or made."""
    if model is None:
        return
    from ..payloads.validation import inspect_payload

    problems = inspect_payload({"model": model}, upload_given=True).problems
    if problems:
        raise UsageError(f"--model: {problems[0].message}")


def _reader(
    skip: set[Path] | frozenset[Path],
    stdin: Callable[[], bytes] | None,
    limit: int = MAX_FILE_BYTES,
) -> InputReader:
    return InputReader(
        kinds=_KINDS,
        limit=limit,
        unread_kinds={"audio"},
        skip_directories=[str(path) for path in skip],
        stdin=stdin,
        files_first=True,
    )


def _audio_input(path: str, model: str | None) -> Any:
    from ..batch.runner import BatchInput

    if not model:
        raise UsageError(
            f"{printable(path)} is an audio file: name the model to run it on with --model "
            "(for example --model '#g1_nova-2-general')"
        )
    return BatchInput({"model": model}, audio=Path(path), source=path)


def collect_inputs(
    paths: list[str],
    *,
    model: str | None,
    skip: set[Path],
    stdin: Callable[[], bytes] | None = None,
) -> Collected:
    """Batch inputs from payload files, audio files and directories (walked, sorted).

    Payload files are read as ``legacy-stt check`` reads them (arrays, JSON
    Lines, a BOM; in directories only files that look like payloads), each
    payload named by its source (``b.jsonl line 7``). What cannot be read is
    reported as a failure (nothing is sent for it); what is skipped, with why.
    """
    from ..batch.runner import BatchInput

    for text in paths:
        if text != STDIN and not os.path.exists(text):
            raise UsageError(f"no such file or directory: {printable(text)}")
    if paths.count(STDIN) > 1:
        raise UsageError("standard input ('-') can be given only once")
    collected = Collected()
    reader = _reader(skip, stdin or _read_stdin)
    for event in reader.read_all(paths):
        if isinstance(event, Payload):
            collected.inputs.append(BatchInput(event.value, source=event.source))
        elif isinstance(event, OtherFile):
            collected.inputs.append(_audio_input(event.path, model))
        elif isinstance(event, InputProblem):
            prefix = "" if event.code == "unreadable" else "cannot read the payload: "
            collected.unreadable.append(_Unreadable(event.source, prefix + event.describe()))
        elif isinstance(event, Skipped):
            collected.skipped.append((event.path, event.reason))
        else:
            assert isinstance(event, Accepted)
    if not collected.inputs and not collected.unreadable:
        raise UsageError(
            "no payload or audio files found in "
            + printable(", ".join(paths))
            + _skipped_note(collected.skipped)
        )
    return collected


def _skipped_note(skipped: list[tuple[str, str]]) -> str:
    if not skipped:
        return ""
    path, reason = skipped[0]
    more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
    return f" (skipped {path}: {reason}{more})"


def _read_stdin() -> bytes:
    return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)


def _read_single_stdin() -> bytes:
    return sys.stdin.buffer.read(MAX_PAYLOAD_BYTES + 1)


def single_input(
    path: str,
    *,
    model: str | None = None,
    audio: str | None = None,
    stdin: Callable[[], bytes] | None = None,
) -> Any:
    """The one input of ``transcribe PATH`` (a payload file, ``-`` or an audio file), as a ``BatchInput``.

    Read exactly as a batch reads it. Raises ``UsageError`` for a path that
    cannot be read or holds no payload or several (those are a batch: give
    ``--out``), and ``PayloadError`` (its ``source`` set) for a file that is
    not JSON or is too large.
    """
    from ..batch.runner import BatchInput

    if path != STDIN and not os.path.lexists(path):
        raise UsageError(f"payload file not found: {printable(path)}")
    if path != STDIN and os.path.isdir(path):
        raise UsageError(
            f"payload path is a directory: {printable(path)} (a batch needs --out DIR)"
        )
    found: Payload | None = None
    # One payload is at most MAX_PAYLOAD_BYTES: a bigger file is too large or a batch.
    reader = _reader(frozenset(), stdin or _read_single_stdin, MAX_PAYLOAD_BYTES)
    for event in reader.read(path):
        if isinstance(event, OtherFile):
            if audio is not None:
                raise UsageError(
                    f"{printable(path)} is an audio file already; --audio names the audio of a payload"
                )
            check_model(model)
            return _audio_input(event.path, model)
        if isinstance(event, Skipped):
            raise UsageError(f"{printable(path)} holds no payload: {event.reason}")
        if isinstance(event, InputProblem):
            if event.code == "unreadable":
                raise UsageError(event.message)
            code = "not-json" if event.code == "invalid-json" else event.code
            error = PayloadError.single("", event.describe(), code)
            error.source = STDIN_NAME if path == STDIN else path  # type: ignore[attr-defined]
            raise error
        if isinstance(event, Payload):
            if found is not None:
                raise UsageError(
                    f"{printable(path)} holds more than one payload: run them as a batch with "
                    "--out DIR"
                )
            found = event
    if found is None:  # pragma: no cover - a file is a payload, a problem or skipped
        raise UsageError(f"{printable(path)} holds no payload")
    return BatchInput(found.value, audio=audio, source=found.source)


class Progress:
    """Counts of a running batch, drawn as a bar on a terminal or as periodic lines otherwise."""

    def __init__(
        self,
        total: int,
        stream: TextIO,
        *,
        interactive: bool | None = None,
        plain_interval: float = PLAIN_INTERVAL,
    ) -> None:
        self.total = total
        self.plain_interval = plain_interval
        self.stream = stream
        self.interactive = stream.isatty() if interactive is None else interactive
        self.done = 0
        self.failed = 0
        self.in_flight = 0
        self.resumed = 0
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._drawn = False

    def on_event(self, event: str, outcome: Any) -> None:
        with self._lock:
            if event == "started":
                self.in_flight += 1
            else:
                self.in_flight -= 1
                if outcome is not None and outcome.ok:
                    self.done += 1
                    self.resumed += outcome.resumed is not None
                else:
                    self.failed += 1

    def add_failed(self, count: int) -> None:
        with self._lock:
            self.failed += count

    def line(self, columns: int | None = None) -> str:
        """The counts; on a terminal with a bar, fitted to ``columns`` (the stream's width)."""
        with self._lock:
            finished = self.done + self.failed
            elapsed = max(time.monotonic() - self._started, 1e-9)
            rate = finished / elapsed
            left = self.total - finished
            eta = _duration(left / rate) if rate > 0 and left > 0 else ("0s" if left <= 0 else "?")
            fields = [
                f"{self.done}/{self.total} done",  # as the summary counts: failures apart
                f"{self.failed} failed",
                f"{self.in_flight} in flight",
                f"{rate:.1f}/s",
                f"ETA {eta}",
            ]
        if not self.interactive:
            return ", ".join(fields)
        # Writing into the last column makes some terminals wrap: stay left of it.
        room = (self.columns() if columns is None else columns) - 1
        return _fitted(finished, self.total, fields, room)

    def columns(self) -> int:
        """The width of the terminal the bar is drawn on (``COLUMNS`` overrides it)."""
        try:
            columns = int(os.environ.get("COLUMNS", ""))
        except ValueError:
            columns = 0
        if columns <= 0:
            try:
                columns = os.get_terminal_size(self.stream.fileno()).columns
            except (AttributeError, OSError, ValueError):
                columns = 0
        # A pseudo-terminal nobody sized says 0: assume the usual width.
        return columns if columns > 0 else shutil.get_terminal_size().columns

    def _draw(self) -> None:
        if self.interactive:
            self.stream.write("\r\x1b[K" + self.line())
            self._drawn = True
        else:
            self.stream.write(f"{PROG}: {self.line()}\n")
        self.stream.flush()

    def _tick(self) -> None:
        interval = BAR_INTERVAL if self.interactive else self.plain_interval
        while not self._stop.wait(interval):
            self._draw()

    def __enter__(self) -> Progress:
        self._thread = threading.Thread(target=self._tick, name="legacy-stt-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.interactive:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def note(self, text: str) -> None:
        """A line of its own (a warning, a failure) without garbling the bar; controls escaped."""
        with self._lock:
            prefix = "\r\x1b[K" if self.interactive and self._drawn else ""
            self.stream.write(f"{prefix}{printable(text)}\n")
            self.stream.flush()


#: The progress bar's width, and the narrowest it is drawn before fields are dropped instead.
BAR_WIDTH = 24
MIN_BAR_WIDTH = 10
#: Which counts go first when the terminal is too narrow (done and failed stay longest).
_DROP_ORDER = (2, 3, 4, 1)


def _fitted(finished: int, total: int, fields: list[str], room: int) -> str:
    """A bar and ``fields`` in at most ``room`` characters: the bar shrinks, then fields go."""
    kept = list(range(len(fields)))
    for dropping in (None, *_DROP_ORDER):
        if dropping is not None:
            kept.remove(dropping)
        counts = ", ".join(fields[index] for index in kept)
        width = min(BAR_WIDTH, room - len(counts) - 3)  # "[", "] "
        if width >= MIN_BAR_WIDTH:
            filled = int(width * finished / total) if total else width
            return f"[{'#' * filled}{'.' * (width - filled)}] {counts}"
    counts = fields[0]
    return counts if len(counts) <= room else counts[: max(room, 0)]


def _duration(value: float) -> str:
    seconds = round(value)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def run_batch_command(args: argparse.Namespace, client: Any, err: TextIO) -> int:
    """Run the batch and print the summary; returns the exit status.

    Every usage error (a bad option, a ``--model`` no audio can run on, a
    ``--journal`` in a directory that does not exist) is found before any
    directory, journal or job is made.
    """
    from ..batch.journal import Journal
    from ..batch.runner import check_out_dir

    if args.audio is not None:
        raise UsageError(
            "--audio names the audio of one payload; in a batch, pass audio files as paths (with --model)"
        )
    interval = PLAIN_INTERVAL if args.progress_every is None else args.progress_every
    if not interval > 0:
        raise UsageError(f"--progress-every must be more than 0 seconds; got {args.progress_every}")
    if args.workers < 1:
        raise UsageError(f"--workers must be 1 or more; got {args.workers}")
    if args.out is None and args.journal is None:
        raise UsageError(
            "a batch needs somewhere to put its results: --out DIR (the journal goes there too) "
            "or --journal FILE"
        )
    for flag, value in (("--out", args.out), ("--journal", args.journal)):
        if value is not None and not value.strip():
            raise UsageError(f"{flag} needs a path; got an empty one")
    check_model(args.model)
    out_dir = Path(args.out) if args.out is not None else None
    journal_path = (
        Path(args.journal) if args.journal is not None else out_dir / DEFAULT_JOURNAL_NAME  # type: ignore[operator]
    )
    results_dir = (
        out_dir if out_dir is not None else journal_path.with_name(journal_path.name + ".results")
    )
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {printable(out_dir)} is not a directory")
    if args.journal is not None and not _same_directory(journal_path.parent, out_dir):
        _check_journal_directory(journal_path)
    skip = {
        p.resolve() for p in (results_dir, journal_path.with_name(journal_path.name + ".results"))
    }
    collected = collect_inputs(args.paths, model=args.model, skip=skip)
    for line in _skipped_lines(collected.skipped):
        print(line, file=err)
    total = len(collected.inputs) + len(collected.unreadable)
    # Found out before any job is created: results that could not be written would be paid for.
    journal = Journal(journal_path)
    try:
        check_out_dir(results_dir)
        journal.open()
    except ConfigurationError as error:
        raise UsageError(printable(error)) from None
    failures: list[tuple[str, str]] = [(u.source, u.message) for u in collected.unreadable]
    try:
        return _run(
            client, collected.inputs, failures, total, journal, results_dir, args, interval, err
        )
    except KeyboardInterrupt:
        # Every job created so far is in the journal, every result written is whole: leave now
        # rather than wait for jobs in flight (the next run picks them up).
        err.write(
            f"\n{PROG}: interrupted; run the same command again to resume "
            f"(journal {printable(journal_path)})\n"
        )
        _print_failures(failures, err)
        err.flush()
        os._exit(EXIT_INTERRUPTED)
    finally:
        journal.close()


def _same_directory(directory: Path, out_dir: Path | None) -> bool:
    """Whether ``directory`` is ``--out`` (which the batch makes), however either is spelled."""
    return out_dir is not None and os.path.abspath(directory) == os.path.abspath(out_dir)


def _check_journal_directory(journal_path: Path) -> None:
    """A ``--journal`` goes into a directory that exists: a typo must not make a tree."""
    directory = journal_path.parent
    if not directory.exists():
        raise UsageError(
            f"--journal {printable(journal_path)}: the directory {printable(directory)} does not "
            "exist; create it, or name a journal in a directory that does"
        )
    if not directory.is_dir():
        raise UsageError(
            f"--journal {printable(journal_path)}: {printable(directory)} is not a directory"
        )


def _skipped_lines(skipped: list[tuple[str, str]]) -> list[str]:
    lines = [
        f"{PROG}: skipped {printable(path)}: {printable(reason)}"
        for path, reason in skipped[:SKIPPED_SHOWN]
    ]
    if len(skipped) > SKIPPED_SHOWN:
        lines.append(f"{PROG}: ... and {len(skipped) - SKIPPED_SHOWN} more skipped")
    return lines


def _failure(outcome: Any) -> str:
    """What became of a failed input, naming its job if one exists (``legacy-stt result ID``)."""
    # A job of a batch is picked up by running the batch again: its journal knows the job.
    message = one_line(
        outcome.error, lambda generation_id: "the same command again (its journal has the job)"
    )
    message = message.removeprefix(f"{outcome.name}: ")  # the line names the input already
    generation_id = outcome.generation_id or getattr(outcome.error, "generation_id", None)
    if generation_id and generation_id not in message:
        message += f" (job {generation_id})"
    return message


def _print_failures(failures: list[tuple[str, str]], err: TextIO) -> None:
    for source, message in failures:
        print(f"  {printable(source)}: {printable(message)}", file=err)


def _run(
    client: Any,
    inputs: list[Any],
    failures: list[tuple[str, str]],
    total: int,
    journal: Any,
    results_dir: Path,
    args: argparse.Namespace,
    interval: float,
    err: TextIO,
) -> int:
    """Run the batch; ``failures`` starts with the inputs that could not be read and gets the rest.

    Each failure is printed once, in the summary (or when interrupted): the
    progress counts them as they come.
    """
    from ..batch.runner import run_batch

    resumed = 0
    with Progress(total, err, plain_interval=interval) as progress:
        progress.add_failed(len(failures))
        for outcome in run_batch(
            client,
            inputs,
            max_workers=args.workers,
            journal=journal,
            out_dir=results_dir,
            recreate_uncertain=args.recreate_uncertain,
            on_event=progress.on_event,
        ):
            for notice in outcome.notices:
                progress.note(f"{PROG}: warning: {outcome.name}: {notice.message}")
            if outcome.error is None:
                resumed += outcome.resumed is not None
            else:
                failures.append((outcome.name, _failure(outcome)))
    done = total - len(failures)
    if journal.failure is not None:
        print(
            f"{PROG}: error: {printable(journal.failure)}: no job was created after that (the "
            "jobs created before have their results written or are named below); fix it and "
            "run the same command again to resume",
            file=err,
        )
    summary = f"{PROG}: {total} input(s): {done} done"
    if resumed:
        summary += f" ({resumed} from an earlier run)"
    summary += f", {len(failures)} failed; results in {results_dir}, journal {journal.path}"
    print(printable(summary), file=err)
    _print_failures(failures, err)
    return EXIT_OK if not failures and journal.failure is None else EXIT_FAILED
