"""What a fix is, and how edits make the new text: shared by the Python and JavaScript rewriters.

Edits are replacements of character spans of the original text, as pyupgrade
makes them: everything outside the spans (formatting, comments, line endings)
stays byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..lint.languages import SOURCE_LANGUAGES

__all__ = ["Edit", "Fix", "Unfixable", "FileFixes", "apply_edits", "LANGUAGES"]


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets) with ``new``."""

    start: int
    end: int
    new: str


@dataclass(frozen=True)
class Fix:
    """The rewrite of one legacy call: its edits, and whether it is safe to apply unasked."""

    line: int
    column: int
    function: str
    edits: tuple[Edit, ...]
    safe: bool
    #: Why it is unsafe (empty for a safe fix).
    caveat: str = ""
    #: Names the rewritten call uses from a helper module (JavaScript).
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unfixable:
    """A legacy call that ``fix`` leaves as it is, and why."""

    line: int
    column: int
    function: str
    reason: str


@dataclass
class FileFixes:
    """What ``fix`` found in one source: fixes, calls it cannot rewrite, and files to add."""

    path: str
    fixes: list[Fix] = field(default_factory=list)
    unfixable: list[Unfixable] = field(default_factory=list)
    #: The edits for the whole file that the fixes applied need (an import of what they use).
    support_for: Callable[[list[Fix]], list[Edit]] = field(default=lambda chosen: [], repr=False)
    #: New files next to the source (path -> text) that the fixes need (a helper module).
    new_files: dict[str, str] = field(default_factory=dict)


#: Suffixes ``fix`` rewrites, by language (those ``check`` scans for calls).
LANGUAGES = SOURCE_LANGUAGES


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with ``edits`` made (they must not overlap); the rest is kept as it was."""
    pieces = []
    cursor = 0
    for edit in sorted(edits, key=lambda edit: (edit.start, edit.end)):
        if edit.start < cursor:
            raise ValueError("overlapping edits")
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.new)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)
