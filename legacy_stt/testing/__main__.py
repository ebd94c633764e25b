"""Run an emulator of the speech-to-text service in the foreground.

::

    python -m legacy_stt.testing [--host H] [--port P] [--api-key KEY] [--job-duration S]
                                 [--vocabulary V] [--fault ROUTE:KIND[:VALUE][*TIMES]]...

It prints one line, ``emulator listening on http://HOST:PORT``, and serves
until interrupted (Ctrl-C, SIGINT or SIGTERM), then stops and exits 0.
``--port 0`` (the default) picks a free port: read it from that line.

A fault, scripted for the next requests to a route (``create``, ``poll``,
``legacy``): ``create:503`` (a status), ``poll:429:2`` (a 429 with
``Retry-After: 2``), ``create:reset``, ``create:drop-after``, ``poll:delay:1.5``,
``poll:drip:0.5`` and ``poll:drip-headers:0.5`` (a byte, or a header line,
every 0.5 s), ``poll:huge:1073741824`` (a 1 GiB answer); ``*N`` repeats it
for the next N requests (``poll:503*10``).
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

from .emulator import FAULT_KINDS, ROUTES, VOCABULARIES, Emulator


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be zero or more seconds: {text!r}")
    return value


_KINDS_WITH_SECONDS = ("delay", "drip", "drip-headers")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is from 0 to 65535; got {port}")
    return port


def _fault(text: str) -> dict[str, Any]:
    """``ROUTE:KIND[:VALUE][*TIMES]`` as the keyword arguments of ``Emulator.inject``."""
    spec, _, times = text.partition("*")
    route, _, rest = spec.partition(":")
    kind, _, value = rest.partition(":")
    if route not in ROUTES or not kind:
        raise argparse.ArgumentTypeError(
            f"not a fault: {text!r} (ROUTE:KIND[:VALUE][*TIMES], ROUTE one of {', '.join(ROUTES)})"
        )
    try:
        fault: dict[str, Any] = {"route": route, "times": int(times) if times else 1}
        if fault["times"] < 1:
            raise ValueError(times)
        if kind.isdigit():
            fault["status"] = int(kind)
            if value:
                fault["headers"] = {"Retry-After": value}
        elif kind in _KINDS_WITH_SECONDS:
            fault.update(kind=kind, delay=float(value or 1.0))
        elif kind == "huge":
            fault.update(kind=kind, size=int(value or 1024**3))
        elif kind in FAULT_KINDS:
            fault["kind"] = kind
        else:
            raise ValueError(kind)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a fault: {text!r} (kinds: a status, {', '.join(FAULT_KINDS[1:])})"
        ) from None
    return fault


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m legacy_stt.testing",
        description="Run an emulator of the AI/ML API speech-to-text service on this machine.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=_port, default=0, help="port to listen on (0, the default: any free port)"
    )
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        help="the only key accepted (default: any bearer key); it is a test key, not a secret",
    )
    parser.add_argument(
        "--fault",
        type=_fault,
        action="append",
        default=[],
        metavar="ROUTE:KIND[:VALUE][*TIMES]",
        help="script a fault (repeatable): create:503, poll:429:2, create:reset, poll:drip:0.5, "
        "poll:huge:1073741824, poll:503*10, ...",
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
        api_key=args.api_key,
    )
    for fault in args.fault:
        emulator.inject(fault.pop("route"), **fault)
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
