"""``legacy-stt transcribe PATH...`` over many inputs: a resumable batch with progress (thin).

The work is ``Client.stt_many``; this module turns paths into inputs, shows
progress and prints the summary.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .._text import printable
from ..exceptions import ConfigurationError
from ..files import NotRegularFile, TooLarge, read_limited, walk
from ..validation import MAX_PAYLOAD_BYTES
from ._common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, PROG, UsageError, one_line

__all__ = ["AUDIO_EXTENSIONS", "Progress", "collect_inputs", "run_batch_command"]

#: Files taken as audio (uploaded with ``--model``) when a directory is walked or named.
AUDIO_EXTENSIONS = frozenset(
    {".wav", ".mp3", ".m4a", ".mp4", ".flac", ".ogg", ".oga", ".opus", ".webm", ".aac", ".amr"}
)
#: Seconds between progress lines when standard error is not a terminal.
PLAIN_INTERVAL = 10.0
#: Seconds between redraws of the progress bar on a terminal.
BAR_INTERVAL = 0.2
#: The journal's name inside ``--out`` when ``--journal`` is not given.
DEFAULT_JOURNAL_NAME = ".legacy-stt-journal.jsonl"


@dataclass
class _Unreadable:
    source: str
    message: str


def _is_input_name(name: str) -> bool:
    suffix = os.path.splitext(name)[1].lower()
    return not name.startswith(".") and (suffix == ".json" or suffix in AUDIO_EXTENSIONS)


def _payload_files(
    directory: Path, skip: set[Path], unreadable: list[_Unreadable]
) -> Iterator[Path]:
    """The payload and audio files under ``directory``: regular files only, each once.

    FIFOs and devices are never opened (whatever their names), and a
    symbolic link loop does not revisit a directory.
    """

    def skip_directory(path: str, name: str) -> bool:
        return name.startswith(".") or Path(path).resolve() in skip

    def on_error(path: str, error: OSError) -> None:
        reason = error.strerror or type(error).__name__
        unreadable.append(_Unreadable(path, f"cannot list the directory: {reason}"))

    for path in walk(
        str(directory), include=_is_input_name, skip_directory=skip_directory, on_error=on_error
    ):
        yield Path(path)


def _read_payload(path: Path, *, named: bool) -> Any:
    """The JSON payload in ``path``; raises ``ValueError`` with the reason it cannot be read.

    A file found in a directory must be a regular file; one named on the
    command line may be a pipe (``<(command)``).
    """
    try:
        data = read_limited(str(path), MAX_PAYLOAD_BYTES, regular_only=not named)
    except TooLarge:
        raise ValueError(f"larger than {MAX_PAYLOAD_BYTES // 2**20} MiB") from None
    except NotRegularFile as error:
        raise ValueError(f"{error.kind}, not a regular file") from None
    except OSError as error:
        raise ValueError(error.strerror or type(error).__name__) from None
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    except RecursionError:
        raise ValueError("not JSON (nested too deeply)") from None
    except ValueError as error:
        raise ValueError(f"not JSON ({error})") from None


def collect_inputs(
    paths: list[str], *, model: str | None, skip: set[Path]
) -> tuple[list[Any], list[_Unreadable]]:
    """Batch inputs from payload files, audio files and directories (walked, sorted).

    Returns the inputs and the files that could not be read as payloads
    (each reported as a failure; nothing is sent for them).
    """
    from ..batch import BatchInput

    inputs: list[Any] = []
    unreadable: list[_Unreadable] = []
    files: list[tuple[Path, bool]] = []  # each path, and whether it was named on the command line
    for text in paths:
        path = Path(text)
        if path.is_dir():
            files.extend((found, False) for found in _payload_files(path, skip, unreadable))
        elif os.path.exists(text):
            files.append((path, True))
        else:
            raise UsageError(f"no such file or directory: {printable(text)}")
    for path, named in files:
        if path.suffix.lower() in AUDIO_EXTENSIONS:
            if not model:
                raise UsageError(
                    f"{printable(path)} is an audio file: name the model to run it on with --model "
                    "(for example --model '#g1_nova-2-general')"
                )
            inputs.append(BatchInput({"model": model}, audio=path, source=str(path)))
            continue
        try:
            payload = _read_payload(path, named=named)
        except ValueError as error:
            unreadable.append(_Unreadable(str(path), f"cannot read the payload: {error}"))
            continue
        inputs.append(BatchInput(payload, source=str(path)))
    if not inputs and not unreadable:
        raise UsageError("no payload or audio files found in " + printable(", ".join(paths)))
    return inputs, unreadable


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

    def line(self) -> str:
        with self._lock:
            finished = self.done + self.failed
            elapsed = max(time.monotonic() - self._started, 1e-9)
            rate = finished / elapsed
            left = self.total - finished
            eta = _duration(left / rate) if rate > 0 and left > 0 else ("0s" if left <= 0 else "?")
            counts = (
                f"{finished}/{self.total} done, {self.failed} failed, {self.in_flight} in flight, "
                f"{rate:.1f}/s, ETA {eta}"
            )
            if not self.interactive:
                return counts
            width = 24
            filled = int(width * finished / self.total) if self.total else width
            return f"[{'#' * filled}{'.' * (width - filled)}] {counts}"

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
    """Run the batch and print the summary; returns the exit status."""
    from ..batch import check_out_dir
    from ..journal import Journal

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
    out_dir = Path(args.out) if args.out is not None else None
    journal_path = (
        Path(args.journal) if args.journal is not None else out_dir / DEFAULT_JOURNAL_NAME  # type: ignore[operator]
    )
    results_dir = (
        out_dir if out_dir is not None else journal_path.with_name(journal_path.name + ".results")
    )
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {printable(out_dir)} is not a directory")
    skip = {
        p.resolve() for p in (results_dir, journal_path.with_name(journal_path.name + ".results"))
    }
    inputs, unreadable = collect_inputs(args.paths, model=args.model, skip=skip)
    total = len(inputs) + len(unreadable)
    # Found out before any job is created: results that could not be written would be paid for.
    journal = Journal(journal_path)
    try:
        check_out_dir(results_dir)
        journal.open()
    except ConfigurationError as error:
        raise UsageError(printable(error)) from None
    try:
        return _run(client, inputs, unreadable, total, journal, results_dir, args, interval, err)
    except KeyboardInterrupt:
        # Every job created so far is in the journal, every result written is whole: leave now
        # rather than wait for jobs in flight (the next run picks them up).
        err.write(
            f"\n{PROG}: interrupted; run the same command again to resume "
            f"(journal {printable(journal_path)})\n"
        )
        err.flush()
        os._exit(EXIT_INTERRUPTED)
    finally:
        journal.close()


def _failure(outcome: Any) -> str:
    """What became of a failed input, naming its job if one exists (``legacy-stt result ID``)."""
    message = one_line(outcome.error)
    message = message.removeprefix(f"{outcome.name}: ")  # the line names the input already
    generation_id = outcome.generation_id or getattr(outcome.error, "generation_id", None)
    if generation_id and generation_id not in message:
        message += f" (job {generation_id})"
    return message


def _run(
    client: Any,
    inputs: list[Any],
    unreadable: list[_Unreadable],
    total: int,
    journal: Any,
    results_dir: Path,
    args: argparse.Namespace,
    interval: float,
    err: TextIO,
) -> int:
    from ..batch import run_batch

    failures: list[tuple[str, str]] = [(u.source, u.message) for u in unreadable]
    resumed = 0
    with Progress(total, err, plain_interval=interval) as progress:
        progress.add_failed(len(unreadable))
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
                progress.note(f"{PROG}: failed: {outcome.name}: {failures[-1][1]}")
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
    for source, message in failures:
        print(f"  {printable(source)}: {printable(message)}", file=err)
    return EXIT_OK if not failures and journal.failure is None else EXIT_FAILED
