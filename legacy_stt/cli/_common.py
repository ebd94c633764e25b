"""Pieces every command shares: exit codes, usage errors, reading a payload file."""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from .._text import printable
from ..exceptions import (
    INSECURE_HTTP_HINT,
    MAX_ANSWER_HINT,
    MISSING_KEY_HINT,
    RAW_RESULT_HINT,
    RETRY_AFTER_MAX_HINT,
    PayloadError,
    resume_hint,
)

PROG = "legacy-stt"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# The emulator needs some bearer key; this one is not a secret.
EMULATOR_KEY = "emulator-key"


#: Problems of a payload file as a whole: their message follows the file name directly.
_WHOLE_FILE_CODES = frozenset({"not-json", "too-large", "too-deep"})


class UsageError(Exception):
    """Bad arguments or unreadable input: exit status 2."""


# A request target's query string (in urllib3's request lines, say) can carry tokens.
_QUERY = re.compile(r"((?:https?://|/)[^\s\"'?]*)\?[^\s\"']*")


def _shown_safely(record: logging.LogRecord) -> bool:
    """The record as the command shows it: no query strings, no control characters."""
    message = printable(_QUERY.sub(r"\1?<query hidden>", record.getMessage()))
    record.msg, record.args = message, None
    record.levelname = record.levelname.lower()
    return True


def log_to(stream: TextIO, level: int, format: str) -> None:
    """Send log records of ``level`` and above to ``stream``, one safe line each."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(format))
    handler.addFilter(_shown_safely)
    logging.basicConfig(level=level, handlers=[handler])


def print_error(message: str, stream: TextIO) -> None:
    # Messages quote file names, ids and service text: none may drive the terminal.
    print(f"{PROG}: error: {printable(message)}", file=stream)


def one_line(error: BaseException, resume: Callable[[str], str] | None = None) -> str:
    """``error`` as one line for the terminal; ``resume(id)`` says how a job is picked up here."""
    if isinstance(error, PayloadError):
        problems = [
            problem.message
            if problem.code in _WHOLE_FILE_CODES and not problem.pointer
            else str(problem)
            for problem in error.problems
        ]
        text = (
            problems[0]
            if len(problems) == 1
            else f"{len(problems)} problems: " + "; ".join(problems)
        )
        source = getattr(error, "source", None)
        return printable(f"{source}: {text}" if source else text)
    return printable(" ".join(for_the_command_line(error, resume).split()))


def resume_command(*, base_url: str | None = None) -> Callable[[str], str]:
    """How a job is picked up from the command line: ``legacy-stt result ID`` (on the same service)."""
    from ..core.protocol import display_url

    where = f" --base-url {display_url(base_url)}" if base_url else ""
    return lambda generation_id: f"`{PROG} result {generation_id}{where}`"


def for_the_command_line(error: BaseException, resume: Callable[[str], str] | None = None) -> str:
    """``error``'s message, its advice said the command line's way (not the Python API's).

    ``resume(id)`` is the command that picks a job up (``legacy-stt result
    ID``, by default).
    """
    text = str(error)
    generation_id = getattr(error, "generation_id", None)
    if isinstance(generation_id, str):
        text = text.replace(
            f"call {resume_hint(generation_id)}",
            f"run {(resume or resume_command())(generation_id)}",
        )
    return (
        text.replace(
            MISSING_KEY_HINT, "set the AIML_API_KEY environment variable (or try --emulator)"
        )
        .replace(INSECURE_HTTP_HINT, "pass --allow-insecure-http")
        .replace(RAW_RESULT_HINT, "with --raw")
        .replace(f", {MAX_ANSWER_HINT} if the result is really that big", "")
        .replace(f"; {RETRY_AFTER_MAX_HINT}", "")
    )


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
            print(f"{PROG}: warning: {printable(text)}", file=stream)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def unencodable_escaped(stream: TextIO) -> Iterator[None]:
    """Write what ``stream``'s encoding cannot hold as backslash escapes, as stderr already does.

    JSON can spell lone surrogates (``"\\ud800"``) that no UTF-8 stream can
    encode; payload member names come back in reports and create bodies, and
    printing them must not crash the command.
    """
    reconfigure = getattr(stream, "reconfigure", None)
    errors = getattr(stream, "errors", None)
    # "strict" raises, and so does "surrogateescape" (a C locale's choice) for most surrogates.
    if reconfigure is None or errors not in ("strict", "surrogateescape"):
        yield
        return
    reconfigure(errors="backslashreplace")
    try:
        yield
    finally:
        # A closed or broken pipe has nothing left to restore.
        with contextlib.suppress(OSError, ValueError):
            reconfigure(errors=errors)
