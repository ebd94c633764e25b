"""The ``legacy-stt`` command. Thin: it parses arguments, calls the library, prints.

Exit status: 0 success; 1 the payload was rejected or the job failed;
2 usage errors and input files that cannot be read; 130 interrupted.
Errors are one line on standard error, never a traceback; warnings are
``legacy-stt: warning: ...`` lines on standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, TextIO

from .. import __version__
from .._text import printable
from ..exceptions import LegacySTTError, PayloadError
from ..payloads.inputs import STDIN_NAME
from ._common import (
    EMULATOR_KEY,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    UsageError,
    log_to,
    one_line,
    print_error,
    resume_command,
    unencodable_escaped,
    warnings_to,
)
from .fix_command import add_fix_parser
from .lint_commands import add_check_parser
from .migration_commands import add_migration_parsers, require_target
from .serve_command import add_serve_parser

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, like every other error of the command (and exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{PROG}: error: {printable(message)} (see '{self.prog} --help')\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Run legacy POST /v1/stt speech-to-text payloads on the AI/ML API's two-step API.",
        epilog="The API key is read from AIML_API_KEY and the base URL from AIML_API_BASE_URL.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log requests to standard error (keys masked)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    transcribe = commands.add_parser(
        "transcribe",
        help="transcribe legacy payloads (one, or a resumable batch) and print or save the legacy bodies",
        description=(
            "Check a legacy payload, run it on the two-step API and print the body the legacy "
            "endpoint would have returned. With several paths, a directory, audio files, or "
            "--out/--journal, run them all as a concurrent batch that resumes where it stopped."
        ),
    )
    transcribe.add_argument(
        "paths",
        metavar="PATH",
        nargs="+",
        help="legacy JSON payload file ('-' reads standard input), audio file (with --model), or directory",
    )
    transcribe.add_argument(
        "--audio", metavar="FILE", help="audio file to upload (for one payload without a url)"
    )
    transcribe.add_argument(
        "--target",
        metavar="MODEL",
        help="run the payload on this newer model (its result still comes back in the legacy shape)",
    )
    batch = transcribe.add_argument_group("batch")
    batch.add_argument("--out", metavar="DIR", help="write each result to DIR/<name>.json (batch)")
    batch.add_argument(
        "--journal",
        metavar="FILE",
        help="record every job in FILE so a re-run resumes (default: DIR/.legacy-stt-journal.jsonl)",
    )
    batch.add_argument(
        "--workers",
        type=_count(1),
        default=8,
        metavar="N",
        help="jobs in flight at once (default 8)",
    )
    batch.add_argument(
        "--model", metavar="MODEL", help="the legacy model to run audio files on (batch)"
    )
    batch.add_argument(
        "--progress-every",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="seconds between progress lines when standard error is not a terminal (default 10)",
    )
    batch.add_argument(
        "--recreate-uncertain",
        action="store_true",
        help="create again the inputs whose create was in flight when an earlier run died "
        "(a job may exist for them and be billed twice)",
    )
    _add_service_options(transcribe)

    result = commands.add_parser(
        "result",
        help="fetch the legacy response body of a job created earlier",
        description="Pick up a job by its generation id (for example after a poll timeout) and print its legacy response body.",
    )
    result.add_argument("generation_id", metavar="GENERATION_ID")
    result.add_argument("--model", help="model the job ran on, if its result shape does not tell")
    result.add_argument(
        "--no-wait", action="store_true", help="ask once; exit 1 if the job is not finished"
    )
    _add_service_options(result, strict=False)

    add_check_parser(commands)
    add_fix_parser(commands)
    add_migration_parsers(commands)
    add_serve_parser(commands)
    for command in commands.choices.values():
        # `legacy-stt transcribe x.json -v` as well as `legacy-stt -v transcribe x.json`
        command.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            default=argparse.SUPPRESS,
            help="log requests to standard error (keys masked)",
        )
    return parser


def _resume(args: argparse.Namespace) -> Callable[[str], str]:
    """How this command's user picks a job up: on the same service, or not at all (the emulator)."""
    if getattr(args, "emulator", False):
        return lambda generation_id: (
            f"`{PROG} transcribe ... --emulator` again (this command's emulator stopped with it, "
            f"and job {generation_id} with it)"
        )
    return resume_command(base_url=getattr(args, "base_url", None))


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with what the user needs to know about the job it left behind."""


def _seconds(text: str) -> float:
    """A positive, finite number of seconds (an argparse type: errors name the flag)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(
            f"must be a finite number of seconds above 0; got {text!r}"
        )
    return value


def _count(minimum: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more; got {value}")
        return value

    return parse


def _add_service_options(command: argparse.ArgumentParser, *, strict: bool = True) -> None:
    command.add_argument(
        "--emulator",
        action="store_true",
        help="run against the built-in emulator of the service (offline, no key needed)",
    )
    command.add_argument(
        "--base-url",
        metavar="URL",
        help="service base URL (default: AIML_API_BASE_URL or https://api.aimlapi.com)",
    )
    command.add_argument(
        "--poll-timeout",
        type=_seconds,
        metavar="SECONDS",
        default=None,
        help="give up waiting for the job after this long (default 600)",
    )
    command.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain http:// base URL that is not on this machine (the key travels in clear)",
    )
    command.add_argument(
        "--retries",
        type=_count(0),
        metavar="N",
        default=None,
        help="retries of a failed request (default 4; 0: none); a create is only retried when "
        "no job can exist",
    )
    command.add_argument(
        "--raw",
        action="store_true",
        help="print the model's own result untouched instead of the legacy body",
    )
    if strict:
        command.add_argument(
            "--strict",
            action="store_true",
            help="refuse payloads with unknown or dropped parameters instead of warning",
        )


@contextlib.contextmanager
def _client(args: argparse.Namespace) -> Iterator[Any]:
    from ..sync.client import Client

    options: dict = {"strict": getattr(args, "strict", False), "raw": args.raw}
    if getattr(args, "target", None):
        require_target(args.target)
        options["target"] = args.target
    if args.poll_timeout is not None:
        options["poll_timeout"] = args.poll_timeout
    if args.retries is not None:
        options["retry"] = args.retries
    if args.allow_insecure_http:
        options["allow_insecure_http"] = True
    if args.emulator:
        if args.command == "result":
            raise UsageError(
                "--emulator starts a new emulator, which knows no job: `result` could never find "
                "one there. Run a standalone emulator (python -m legacy_stt.testing) and point "
                "--base-url at it for both `transcribe` and `result`"
            )
        if args.base_url:
            raise UsageError("--emulator and --base-url cannot be used together")
        from ..testing import Emulator

        with (
            Emulator(job_duration=0.2) as emulator,
            Client(EMULATOR_KEY, base_url=emulator.url, **options) as client,
        ):
            yield client
    else:
        with Client(base_url=args.base_url, **options) as client:
            yield client


def _print_json(body: Any, stream: TextIO) -> None:
    json.dump(body, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def _check_audio_path(audio: str | None) -> None:
    if audio is not None and not os.path.exists(audio):
        raise UsageError(f"audio file not found: {audio}")
    if audio is not None and os.path.isdir(audio):
        raise UsageError(f"audio path is a directory: {audio}")


def _is_batch(args: argparse.Namespace) -> bool:
    """Several inputs, a directory, or a batch option: run a batch (one file is not one)."""
    from .batch_command import is_batch

    return is_batch(args.paths, out=args.out, journal=args.journal)


def _run(args: argparse.Namespace, out: TextIO) -> int:
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args, out))
    if args.command == "transcribe" and _is_batch(args):
        from .batch_command import run_batch_command

        with _client(args) as client:
            return run_batch_command(args, client, sys.stderr)
    if args.command == "transcribe":
        from .batch_command import single_input

        args.payload = args.paths[0]
        item = None
        try:
            _check_audio_path(args.audio)
            # Read exactly as a batch reads its inputs: a payload file, `-`, or an audio file.
            item = single_input(args.payload, model=args.model, audio=args.audio)
            if args.model is not None and item.audio is None:
                raise UsageError(
                    "--model names the model of audio files; a payload names its own (its "
                    "`model` member): drop --model, or use --target to run it on another model"
                )
            with _client(args) as client:
                try:
                    generation_id = client.submit(item.payload, item.audio)
                except KeyboardInterrupt:
                    raise Interrupted(
                        "interrupted while the create request was on its way: a job may exist "
                        "(and be billed); check your usage dashboard before sending it again"
                    ) from None
                logging.getLogger(__name__).info("job %s created", printable(generation_id))
                try:
                    body = client.result(generation_id)
                except KeyboardInterrupt:
                    if args.emulator:
                        raise Interrupted(
                            "interrupted (the emulator's job ended with it)"
                        ) from None
                    raise Interrupted(
                        f"interrupted; job {printable(generation_id)} goes on: fetch its result with "
                        f"{_resume(args)(printable(generation_id))} within the hour (not "
                        "`transcribe` again, which would pay for a second job)"
                    ) from None
                _print_json(body, out)
        except PayloadError as error:
            if getattr(error, "source", None) is None:
                named = item.source if item is not None else args.payload
                error.source = STDIN_NAME if named == "-" else named  # type: ignore[attr-defined]
            raise
        return EXIT_OK
    if args.command == "result":
        if not args.generation_id.strip():
            raise UsageError("GENERATION_ID is empty: give the id a create answered with")
        if args.model is not None:
            from ..adapters.registry import default_registry

            try:
                default_registry.adapter_for_target(args.model)
            except PayloadError as error:  # before any request: its answer could not be read
                raise UsageError(f"--model: {error.problems[0].message}") from None
        with _client(args) as client:
            body = client.result(args.generation_id, wait=not args.no_wait, model=args.model)
        if body is None:
            print_error(f"job {args.generation_id} is not finished yet", sys.stderr)
            return EXIT_FAILED
        _print_json(body, out)
        return EXIT_OK
    raise UsageError("no command given; try 'legacy-stt --help'")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    err = sys.stderr
    if args.verbose:
        log_to(err, logging.DEBUG, f"{PROG}: %(levelname)s %(name)s: %(message)s")
    elif args.command != "serve":  # the proxy configures its own access log
        # The library's warnings (a journal line skipped, say) as one safe line each.
        log_to(err, logging.WARNING, f"{PROG}: %(levelname)s: %(message)s")
    try:
        with warnings_to(err), unencodable_escaped(sys.stdout):
            return _run(args, sys.stdout)
    except UsageError as error:
        print_error(str(error), err)
        return EXIT_USAGE
    except LegacySTTError as error:
        print_error(one_line(error, _resume(args)), err)
        return EXIT_FAILED
    except KeyboardInterrupt as interrupted:
        print_error(str(interrupted) or "interrupted", err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); nothing more to say
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep the interpreter from complaining at exit
        return EXIT_OK
    except Exception as error:  # a bug: still one line, with the traceback only when asked for
        if args.verbose:
            logging.getLogger(__name__).exception("unexpected error")
        print_error(
            f"unexpected {type(error).__name__}: {one_line(error)} (a bug in legacy-stt; run with -v for details)",
            err,
        )
        return EXIT_FAILED
