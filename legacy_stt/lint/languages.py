"""Which sources are which language: the one list of suffixes ``check`` and ``fix`` share.

Kept apart from the scanners so that knowing a file's language imports no parser.
"""

from __future__ import annotations

import os

__all__ = ["DIALECTS", "SOURCE_LANGUAGES", "dialect_of"]

#: How each JavaScript or TypeScript suffix is parsed: the JavaScript grammar (JSX included),
#: TypeScript, or TSX.
DIALECTS: dict[str, str] = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}

#: The language of each source suffix the call-site scanners read.
SOURCE_LANGUAGES: dict[str, str] = {".py": "python", **dict.fromkeys(DIALECTS, "javascript")}


def dialect_of(path: str) -> str:
    """The grammar a JavaScript or TypeScript file is parsed with, by its suffix."""
    return DIALECTS.get(os.path.splitext(path)[1].lower(), "javascript")
