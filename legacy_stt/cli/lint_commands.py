"""``legacy-stt check``: the payload linter's command line (thin: parse, run the checker, report)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import TextIO

from ._common import EXIT_FAILED, EXIT_OK, UsageError
from .migration_commands import require_target

__all__ = ["add_check_parser", "run_check"]

_COLOR_CHOICES = ("auto", "always", "never")
#: The most processes ``--jobs auto`` uses.
_MAX_AUTO_JOBS = 8


def add_check_parser(commands: argparse._SubParsersAction) -> None:
    from ..lint.reporters import REPORTERS_BY_NAME

    check = commands.add_parser(
        "check",
        help="lint legacy payloads and find legacy calls in code",
        description=(
            "Check legacy payload files (.json: one payload or an array; .jsonl/.ndjson: one per line), "
            "directories (recursively; files that do not look like payloads are skipped), and Python, "
            "JavaScript and TypeScript sources (calls to the legacy endpoint and the payloads written "
            "in them; JavaScript and TypeScript need the js extra)."
        ),
        epilog=(
            "Exit status: 0 no errors (or --exit-zero); 1 errors found (or warnings, with --strict); "
            "2 usage error or a path that cannot be read."
        ),
    )
    check.add_argument(
        "paths",
        metavar="PATH",
        nargs="+",
        help="file, directory, or '-' for standard input",
    )
    check.add_argument(
        "--format",
        "--output-format",  # ruff's and check-jsonschema's name for it
        dest="format",
        choices=sorted(REPORTERS_BY_NAME),
        default="text",
        help="output format (default: text); --output-format is the same option",
    )
    check.add_argument(
        "--isolated",
        action="store_true",
        help="ignore [tool.legacy-stt] in pyproject.toml and the suppression comments",
    )
    check.add_argument(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        default=None,
        help="also walk files git ignores (by default they are left out, as git would)",
    )
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when problems are found (report only; usage errors still exit 2)",
    )
    check.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    check.add_argument(
        "--strict", action="store_true", help="exit 1 on warnings too, not only on errors"
    )
    check.add_argument(
        "--uploads",
        action="store_true",
        help="payloads without `url` are the form fields of a multipart upload (the audio is a separate file)",
    )
    check.add_argument(
        "--only-payloads",
        action="store_true",
        help="skip named JSON files that do not look like payloads, as in directories (for pre-commit)",
    )
    check.add_argument(
        "--target",
        metavar="MODEL",
        help="also report what moving to MODEL would rename, transform or drop",
    )
    check.add_argument(
        "--include-vendored",
        action="store_true",
        help="also walk node_modules, dist, build and other dependency or build-output "
        "directories, and check minified JavaScript bundles (skipped by default)",
    )
    check.add_argument(
        "--jobs",
        "-j",
        metavar="N",
        type=_jobs,
        default="auto",
        help="processes to check many files with (default: auto, one per CPU, at most 8; 1 for "
        "one process); the output is the same either way",
    )
    check.add_argument(
        "--color",
        choices=_COLOR_CHOICES,
        default="auto",
        help="colour the text format (default: auto, on a terminal or with FORCE_COLOR, never with NO_COLOR)",
    )
    check.set_defaults(handler=run_check)


def _jobs(text: str) -> int:
    """``--jobs``: a whole number from 1, or ``auto`` for the CPUs this process may use."""
    if text == "auto":
        try:
            usable = len(
                os.sched_getaffinity(0)
            )  # a container's or taskset's share, not the host's
        except (AttributeError, OSError):
            usable = os.cpu_count() or 1
        # Starting a process costs about what checking 50 files does: past 8, a big machine
        # would spend more on starting workers than most trees give them to do.
        return min(usable, _MAX_AUTO_JOBS)
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1, or auto; got {text!r}")
    return jobs


def _use_color(choice: str, stream: TextIO) -> bool:
    """``auto``: colour on a terminal, or wherever ``FORCE_COLOR`` asks; never with ``NO_COLOR``."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    # FORCE_COLOR, set to anything but the empty string (force-color.org), asks for colour
    # where the output is not a terminal: CI logs.
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    from ..exceptions import ConfigurationError
    from ..lint.checker import MAX_FILE_BYTES, Checker
    from ..lint.config import FindingPolicy, LintConfig, load_config
    from ..lint.reporters import REPORTERS_BY_NAME

    try:
        config = LintConfig() if args.isolated else load_config()
    except ConfigurationError as error:
        raise UsageError(str(error)) from None
    if args.respect_gitignore is not None:
        config = dataclasses.replace(config, respect_gitignore=args.respect_gitignore)
    target = args.target if args.target is not None else config.target
    strict = args.strict or bool(config.strict)
    if target is not None:
        require_target(target)
    checker = Checker(
        target=target,
        uploads=args.uploads,
        only_payloads=args.only_payloads,
        include_vendored=args.include_vendored,
        policy=FindingPolicy(config, suppressions=not args.isolated),
    )
    if args.paths.count("-") > 1:
        raise UsageError("standard input ('-') can be given only once")
    reporter = REPORTERS_BY_NAME[args.format](
        out, quiet=args.quiet, color=args.format == "text" and _use_color(args.color, out)
    )
    # The reporter takes the findings as they come, so none is kept for the whole run.
    reporter.start()
    # One byte past the limit is enough to know that standard input is too large to check.
    result = checker.check(
        args.paths,
        stdin=lambda: sys.stdin.buffer.read(MAX_FILE_BYTES + 1),
        sink=reporter.emit,
        jobs=args.jobs,
    )
    reporter.finish(result)
    status = result.exit_status(strict=strict)
    # --exit-zero reports without failing the build; a path that cannot be read still fails
    return EXIT_OK if args.exit_zero and status == EXIT_FAILED else status
