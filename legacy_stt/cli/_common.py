"""Pieces every command shares: exit codes, usage errors, reading a payload file."""

from __future__ import annotations

import contextlib
import json
import sys
import warnings
from collections.abc import Iterator
from typing import Any, TextIO

from ..exceptions import PayloadError

PROG = "legacy-stt"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# The emulator needs some bearer key; this one is not a secret.
EMULATOR_KEY = "emulator-key"


class UsageError(Exception):
    """Bad arguments or unreadable input: exit status 2."""


def print_error(message: str, stream: TextIO) -> None:
    print(f"{PROG}: error: {message}", file=stream)


def one_line(error: BaseException) -> str:
    if isinstance(error, PayloadError):
        problems = [
            problem.message if problem.code == "not-json" else str(problem)
            for problem in error.problems
        ]
        text = (
            problems[0]
            if len(problems) == 1
            else f"{len(problems)} problems: " + "; ".join(problems)
        )
        source = getattr(error, "source", None)
        return f"{source}: {text}" if source else text
    return " ".join(str(error).split())


@contextlib.contextmanager
def warnings_to(stream: TextIO) -> Iterator[None]:
    """Print each distinct warning once as a plain line (no file:line of library internals)."""
    seen = set()

    def show(
        message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None
    ) -> None:
        text = str(message)
        if text not in seen:
            seen.add(text)
            print(f"{PROG}: warning: {text}", file=stream)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        yield


def read_payload(path: str) -> Any:
    """The JSON payload in ``path`` (``-`` is standard input)."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
    except FileNotFoundError:
        raise UsageError(f"payload file not found: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"payload path is a directory: {path}") from None
    except UnicodeDecodeError:
        raise PayloadError.single(
            "", "not UTF-8 text, so it cannot hold a JSON payload", "not-json"
        ) from None
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PayloadError.single(
            "",
            f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})",
            "not-json",
        ) from None
