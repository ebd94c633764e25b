"""Where a JSON Pointer's member is written in a JSON text (line and column).

``json`` parses without positions, and most files have no findings, so the
text is scanned a second time only for files that do. The scanner follows
the JSON grammar just far enough to know where each key and value starts;
it is only run on text that ``json`` already accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping

__all__ = ["member_positions", "position_of"]

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
    | (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<punct>[{}\[\]:,])
    | (?P<scalar>[^ \t\r\n{}\[\]:,"]+)
    """,
    re.VERBOSE | re.DOTALL,
)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def member_positions(
    text: str, line: int = 1, wanted: Collection[str] | None = None
) -> dict[str, tuple[int, int]]:
    """Map every JSON Pointer in ``text`` to the 1-based (line, column) where it is written.

    An object member maps to the position of its key (that is what an
    editor should highlight); an array item and the root to where the value
    starts. ``line`` is the number of the text's first line in its file.
    With ``wanted``, scanning stops once all of those pointers are found.
    """
    remaining = set(wanted) if wanted is not None else None

    positions: dict[str, tuple[int, int]] = {}
    # A stack of containers: [pointer, is_object, next array index, pending key pointer]
    stack: list[list] = []
    line_start = 0
    pending_key: str | None = None
    expecting_key = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        token = match.group()
        start = match.start()
        if kind == "space":
            newlines = token.count("\n")
            if newlines:
                line += newlines
                line_start = start + token.rindex("\n") + 1
            continue
        column = start - line_start + 1
        if kind == "punct":
            if token in "{[":
                pointer = _value_pointer(stack, pending_key)
                positions.setdefault(pointer, (line, column))
                pending_key = None
                stack.append([pointer, token == "{", 0])
                expecting_key = token == "{"
            elif token in "}]":
                if stack:
                    stack.pop()
                expecting_key = False
            elif token == ",":
                if stack and not stack[-1][1]:
                    stack[-1][2] += 1
                expecting_key = bool(stack) and stack[-1][1]
            continue
        if kind == "string" and expecting_key and stack:
            key = json.loads(token) if "\\" in token else token[1:-1]
            pending_key = f"{stack[-1][0]}/{_escape(key)}"
            positions.setdefault(pending_key, (line, column))
            expecting_key = False
            if remaining is not None:
                remaining.discard(pending_key)
                if not remaining:
                    break
            continue
        pointer = _value_pointer(stack, pending_key)
        positions.setdefault(pointer, (line, column))
        pending_key = None
    return positions


def _value_pointer(stack: list[list], pending_key: str | None) -> str:
    if not stack:
        return ""
    if stack[-1][1]:
        return pending_key if pending_key is not None else stack[-1][0]
    return f"{stack[-1][0]}/{stack[-1][2]}"


def position_of(pointer: str, positions: Mapping[str, tuple[int, int]]) -> tuple[int, int] | None:
    """The position of ``pointer``, or of its nearest written ancestor (a missing member's object)."""
    while True:
        found = positions.get(pointer)
        if found is not None or not pointer:
            return found
        pointer = pointer.rsplit("/", 1)[0]


def positions_for(
    text: str, wanted: Collection[str], line: int = 1
) -> Mapping[str, tuple[int, int]]:
    """Positions of the ``wanted`` pointers, cheaply when they are all top-level members.

    Most findings are about a top-level member of a one-object payload. Its
    key is found with one search, and trusted only when nothing but the
    root was opened before it (so it cannot be a nested member's key or
    sit inside a string). Anything else falls back to the full scan.
    """
    found: dict[str, tuple[int, int]] = {}
    for pointer in wanted:
        if pointer == "":
            start = len(text) - len(text.lstrip())
        else:
            key = pointer[1:]
            if not key or "/" in key or "~" in key or "\\" in key or '"' in key:
                return member_positions(text, line, wanted)
            if f'"{key}"' not in text and "\\u" not in text:
                # Not written anywhere (a missing `model`, say): a full scan would not find it
                # either, and would place it at the root, where it starts.
                root = len(text) - len(text.lstrip())
                root_line_start = text.rfind("\n", 0, root) + 1
                found.setdefault("", (line + text.count("\n", 0, root), root - root_line_start + 1))
                continue
            match = re.search(f'"{re.escape(key)}"[ \t\r\n]*:', text)
            if match is None:
                return member_positions(text, line, wanted)
            start = match.start()
            before = text[:start]
            if before.count("{") + before.count("[") != 1 or before.count('"') % 2:
                return member_positions(text, line, wanted)
        line_start = text.rfind("\n", 0, start) + 1
        found[pointer] = (line + text.count("\n", 0, start), start - line_start + 1)
    return found
