"""JSON in and out of the service's answers and the proxy's replies, fast when orjson is there.

The proxy decodes every poll answer and encodes every legacy reply: with the
standard library that is 0.3 ms of CPU for a 6 KB transcript on the
benchmark machine, orjson does it in 0.05 ms (BENCHMARKS.md). orjson comes
with the ``serve`` extra; without it, the standard library does the work.

The results do not depend on which one is there: orjson reads strict
RFC 8259 JSON only, and whatever it refuses (``NaN``, nesting past 1,024
levels, lone surrogates, other encodings than UTF-8) is read again by
``json``, which accepts or refuses it as it always has. orjson would read
an integer past 64 bits as a float, so a document with a run of 20 digits
goes to ``json`` from the start.
What is written holds the same values either way, spelled differently:
orjson's is compact and keeps non-ASCII text as UTF-8, ``json``'s has
spaces and ``\\u`` escapes; a float that is not a number (``json`` reads
``NaN``) is written ``null`` by orjson and ``NaN`` by ``json``.
"""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - the serve extra brings it
    _orjson = None  # type: ignore[assignment]

__all__ = ["dumps", "loads"]

#: Every digit as "0", every other byte as " ": a document with 20 digits in a row (perhaps
#: an integer past 64 bits, or only a long string of digits) holds ``_LONG_RUN`` once mapped.
#: A translation and a substring search: a sixth of the time of a regular expression.
_DIGITS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
_LONG_RUN = b"0" * 20


def loads(data: bytes) -> Any:
    """The value of the JSON document ``data``; raises as ``json.loads`` does."""
    if _orjson is not None and _LONG_RUN not in bytes(data).translate(_DIGITS):
        try:
            return _orjson.loads(data)
        except _orjson.JSONDecodeError:
            pass  # json decides, and raises its own errors: the same outcome either way
    return json.loads(data)


def dumps(value: Any) -> bytes:
    """``value`` as JSON text in UTF-8."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value)
        except TypeError:
            pass  # what orjson cannot write (integers past 64 bits, keys that are not strings)
    return json.dumps(value).encode("utf-8")
