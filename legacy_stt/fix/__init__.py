"""``legacy-stt fix``: rewrite legacy call sites so the program runs on the two-step API.

``plan_fixes`` reads one source and returns what it would change (edits at
the positions the call-site scanners found, each fix safe or unsafe) and
what it could not rewrite, with the reason; ``apply_edits`` makes the new
text. The command line (``legacy_stt.cli``) walks the paths, writes files or
prints a diff, and reports.
"""

from __future__ import annotations

from .edits import Edit, FileFixes, Fix, Unfixable, apply_edits
from .rewrite import plan_fixes

__all__ = ["Edit", "FileFixes", "Fix", "Unfixable", "apply_edits", "plan_fixes"]
