"""Run an emulator of the speech-to-text service in the foreground.

::

    python -m legacy_stt.testing [--host H] [--port P] [--job-duration S] [--vocabulary V]

It prints one line, ``emulator listening on http://HOST:PORT``, and serves
until interrupted (Ctrl-C, SIGINT or SIGTERM), then stops and exits 0.
``--port 0`` (the default) picks a free port: read it from that line.
"""

from __future__ import annotations

import argparse
import collections
import json
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from .emulator import VOCABULARIES, Emulator


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be zero or more seconds: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m legacy_stt.testing",
        description="Run an emulator of the AI/ML API speech-to-text service on this machine.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (0, the default: any free port)"
    )
    parser.add_argument(
        "--job-duration",
        type=_positive_seconds,
        default=0.05,
        metavar="S",
        help="seconds each job takes (0.05)",
    )
    parser.add_argument(
        "--vocabulary",
        choices=sorted(VOCABULARIES),
        default="documented",
        help="the status words polls answer with (documented)",
    )
    parser.add_argument(
        "--summary",
        action="store_true",
        help="on stopping, print one JSON line: requests, creates, polls, jobs, and the inputs "
        "(URLs or uploads) that got more than one job",
    )
    return parser


def summary(emulator: Emulator) -> dict[str, Any]:
    """What the emulator saw, for benchmarks and demos: counts, and inputs billed more than once."""
    jobs_per_input: collections.Counter[str] = collections.Counter()
    for job in list(emulator.jobs.values()):
        jobs_per_input[str(job.params.get("url") or job.facts.sha256)] += 1
    return {
        "requests": len(emulator.requests),
        "creates": len(emulator.creates),
        "polls": len(emulator.polls),
        "jobs": len(emulator.jobs),
        "inputs": len(jobs_per_input),
        "inputs_with_several_jobs": sorted(k for k, n in jobs_per_input.items() if n > 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {
        signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    emulator = Emulator(
        host=args.host,
        port=args.port,
        job_duration=args.job_duration,
        vocabulary=args.vocabulary,
    )
    try:
        try:
            emulator.start()
        except OSError as error:
            sys.stderr.write(
                f"cannot listen on {args.host}:{args.port}: {error.strerror or error}\n"
            )
            return 2
        try:
            sys.stdout.write(f"emulator listening on {emulator.url}\n")
            sys.stdout.flush()
            # a timeout keeps the main thread waking up, so a signal is handled promptly everywhere
            while not stop.wait(0.5):
                pass
        finally:
            emulator.stop()
            if args.summary:
                sys.stdout.write(json.dumps(summary(emulator)) + "\n")
                sys.stdout.flush()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
