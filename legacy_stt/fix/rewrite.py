"""Which rewriter a source goes to, by its language."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

from .edits import LANGUAGES, Edit, FileFixes, Fix
from .jsfix import plan_javascript
from .pyfix import plan_python

__all__ = ["plan_fixes"]


def plan_fixes(path: str, text: str, *, target: str | None = None) -> FileFixes:
    """The fixes for the legacy calls in ``text`` (the source at ``path``)."""
    if text.startswith("\ufeff"):
        # A byte order mark: the rewriters read the text after it; the edits move past it.
        found = plan_fixes(path, text[1:], target=target)
        found.fixes = [replace(fix, edits=_shifted(fix.edits)) for fix in found.fixes]
        unshifted = found.support_for

        def support_for(chosen: list[Fix]) -> list[Edit]:
            back = [replace(fix, edits=_unshifted(fix.edits)) for fix in chosen]
            return list(_shifted(unshifted(back)))

        found.support_for = support_for
        return found
    language = LANGUAGES.get(os.path.splitext(path)[1].lower())
    if language == "python":
        return plan_python(path, text, target=target)
    if language == "javascript":
        return plan_javascript(path, text, target=target)
    return FileFixes(path)


def _shifted(edits: Iterable[Edit], by: int = 1) -> tuple[Edit, ...]:
    return tuple(Edit(edit.start + by, edit.end + by, edit.new) for edit in edits)


def _unshifted(edits: Iterable[Edit]) -> tuple[Edit, ...]:
    return _shifted(edits, -1)
