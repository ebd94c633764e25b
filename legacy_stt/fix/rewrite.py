"""Which rewriter a source goes to, by its language."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace

from .edits import LANGUAGES, Edit, FileFixes
from .jsfix import plan_javascript
from .pyfix import plan_python

__all__ = ["plan_fixes"]


def plan_fixes(path: str, text: str, *, target: str | None = None) -> FileFixes:
    """The fixes for the legacy calls in ``text`` (the source at ``path``)."""
    if text.startswith("\ufeff"):
        # A byte order mark: the rewriters read the text after it; the edits move past it.
        found = plan_fixes(path, text[1:], target=target)
        found.fixes = [replace(fix, edits=_shifted(fix.edits)) for fix in found.fixes]
        found.support = list(_shifted(found.support))
        return found
    language = LANGUAGES.get(os.path.splitext(path)[1].lower())
    if language == "python":
        return plan_python(path, text, target=target)
    if language == "javascript":
        return plan_javascript(path, text, target=target)
    return FileFixes(path)


def _shifted(edits: Iterable[Edit]) -> tuple[Edit, ...]:
    return tuple(Edit(edit.start + 1, edit.end + 1, edit.new) for edit in edits)
