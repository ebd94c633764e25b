"""Which rewriter a source goes to, by its language."""

from __future__ import annotations

import os

from .edits import LANGUAGES, FileFixes
from .jsfix import plan_javascript
from .pyfix import plan_python

__all__ = ["plan_fixes"]


def plan_fixes(path: str, text: str, *, target: str | None = None) -> FileFixes:
    """The fixes for the legacy calls in ``text`` (the source at ``path``)."""
    language = LANGUAGES.get(os.path.splitext(path)[1].lower())
    if language == "python":
        return plan_python(path, text, target=target)
    if language == "javascript":
        return plan_javascript(path, text, target=target)
    return FileFixes(path)
