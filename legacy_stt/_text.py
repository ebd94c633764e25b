"""Small text helpers shared by messages: suggestions and lists."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Sequence


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The candidate closest to ``word``, if one is close enough to be a typo.

    Case and ``-``/``_`` differences count as exact matches, so ``Diarize``
    and ``multi-channel`` find ``diarize`` and ``multi_channel``.
    """
    return _closest(word, tuple(candidates), cutoff)


# Linting a corpus meets the same typo in many files; difflib is the slow part of a finding.
@functools.lru_cache(maxsize=1024)
def _closest(word: str, pool: tuple[str, ...], cutoff: float) -> str | None:

    def folded(text: str) -> str:
        return text.lower().replace("-", "_")

    for candidate in pool:
        if folded(candidate) == folded(word) and candidate != word:
            return candidate
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    return matches[0] if matches else None


def format_choices(choices: Sequence[str], limit: int = 20) -> str:
    """``a, b, c`` (and how many more) for messages that list options."""
    shown = ", ".join(choices[:limit])
    if len(choices) > limit:
        shown += f", ... ({len(choices) - limit} more)"
    return shown


def describe_value(value: object) -> str:
    """A short, type-revealing rendering of a JSON value for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {text!r}"
    if isinstance(value, int) and value.bit_length() > 200:
        # repr of a huge int is slow, and past 4300 digits refused by Python itself
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def suggest_model(message: str, model: object, known: Sequence[str]) -> str:
    """``message`` plus a did-you-mean for ``model``, or the known models when none is close."""
    suggestion = did_you_mean(str(model), known, cutoff=0.6)
    if suggestion:
        return f"{message}; did you mean {suggestion!r}?"
    return f"{message}; known models: {format_choices(known, limit=40)}"


# C0 and C1 control characters and DEL: a line break forges a log line, an escape
# sequence drives the terminal. Text from outside (file names, ids, service messages)
# is shown with these escaped.
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}


def printable(text: object) -> str:
    """``text`` with control characters written as ``\\xNN`` escapes, safe for one log or terminal line."""
    return str(text).translate(_CONTROLS)
