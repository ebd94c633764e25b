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


def _payload_files(directory: Path, skip: set[Path]) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        here = Path(root)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (here / d).resolve() not in skip
        )
        for name in sorted(files):
            path = here / name
            if name.startswith("."):
                continue
            if path.suffix.lower() == ".json" or path.suffix.lower() in AUDIO_EXTENSIONS:
                yield path


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
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            files.extend(_payload_files(path, skip))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or directory: {text}")
    for path in files:
        if path.suffix.lower() in AUDIO_EXTENSIONS:
            if not model:
                raise UsageError(
                    f"{path} is an audio file: name the model to run it on with --model "
                    "(for example --model '#g1_nova-2-general')"
                )
            inputs.append(BatchInput({"model": model}, audio=path, source=str(path)))
            continue
        try:
            with open(path, encoding="utf-8") as file:
                payload = json.load(file)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
            reason = getattr(error, "strerror", None) or type(error).__name__
            if isinstance(error, ValueError) and not isinstance(error, UnicodeDecodeError):
                reason = f"not JSON ({error})"
            unreadable.append(_Unreadable(str(path), f"cannot read the payload: {reason}"))
            continue
        inputs.append(BatchInput(payload, source=str(path)))
    if not inputs and not unreadable:
        raise UsageError("no payload or audio files found in " + ", ".join(paths))
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
        """A line of its own (a warning, a failure) without garbling the bar."""
        with self._lock:
            prefix = "\r\x1b[K" if self.interactive and self._drawn else ""
            self.stream.write(f"{prefix}{text}\n")
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
    journal = Path(args.journal) if args.journal is not None else out_dir / DEFAULT_JOURNAL_NAME  # type: ignore[operator]
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is not a directory")
    skip = {
        p.resolve()
        for p in (out_dir, journal.with_name(journal.name + ".results"))
        if p is not None
    }
    inputs, unreadable = collect_inputs(args.paths, model=args.model, skip=skip)
    total = len(inputs) + len(unreadable)
    try:
        return _run(client, inputs, unreadable, total, journal, out_dir, args, interval, err)
    except KeyboardInterrupt:
        # Every job created so far is in the journal, every result written is whole: leave now
        # rather than wait for jobs in flight (the next run picks them up).
        err.write(
            f"\n{PROG}: interrupted; run the same command again to resume (journal {journal})\n"
        )
        err.flush()
        os._exit(EXIT_INTERRUPTED)


def _run(
    client: Any,
    inputs: list[Any],
    unreadable: list[_Unreadable],
    total: int,
    journal: Path,
    out_dir: Path | None,
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
            out_dir=out_dir,
            recreate_uncertain=args.recreate_uncertain,
            on_event=progress.on_event,
        ):
            for notice in outcome.notices:
                progress.note(f"{PROG}: warning: {outcome.name}: {notice.message}")
            if outcome.error is None:
                resumed += outcome.resumed is not None
            else:
                failures.append((outcome.name, one_line(outcome.error)))
                progress.note(f"{PROG}: failed: {outcome.name}: {one_line(outcome.error)}")
    done = total - len(failures)
    where = out_dir if out_dir is not None else journal.with_name(journal.name + ".results")
    summary = f"{PROG}: {total} input(s): {done} done"
    if resumed:
        summary += f" ({resumed} from an earlier run)"
    summary += f", {len(failures)} failed; results in {where}, journal {journal}"
    print(summary, file=err)
    for source, message in failures:
        print(f"  {source}: {message}", file=err)
    return EXIT_OK if not failures else EXIT_FAILED
