"""Heading anchors as GitHub makes them, so a link that works on GitHub works on the site.

MyST's own default has changed between releases (apostrophes, for one): pinning the rule here
keeps every ``page.md#section`` link, from the README too, the same on every Sphinx setup.
"""

from __future__ import annotations

import re

_DROPPED = re.compile(r"[^\w\- ]")


def github_slug(title: str) -> str:
    """``The project's own tests`` -> ``the-projects-own-tests``."""
    return _DROPPED.sub("", title.strip().lower()).replace(" ", "-")
