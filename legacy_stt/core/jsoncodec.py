"""JSON in and out of the service's answers and the proxy's replies, fast when orjson is there.

The proxy decodes every poll answer and encodes every legacy reply: with the
standard library that is 0.3 ms of CPU for a 6 KB transcript on the
benchmark machine, orjson does it in 0.05 ms (BENCHMARKS.md). orjson comes
with the ``serve`` extra; without it, the standard library does the work.

The results do not depend on which one is there: orjson reads strict
RFC 8259 JSON only, and whatever it refuses (``NaN``, nesting past 1,024
levels, lone surrogates, other encodings than UTF-8) is read again by
``json``, which accepts or refuses it as it always has. orjson would read
an integer past 64 bits (or below -2**63) as a float, so a document with a
run of 19 digits goes to ``json`` from the start. And orjson reads nesting
up to 1,024 levels where ``json`` runs out of recursion sooner: a document
that may be nested past 255 levels is kept only if orjson can write it
back (it refuses past 255), else ``json`` reads it, and refuses it where it
always did.
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

#: Every digit as "0", every other byte as " ": a document with 19 digits in a row (perhaps
#: an integer outside 64 bits, or only a long string of digits) holds ``_LONG_RUN`` once
#: mapped. A translation and a substring search: a sixth of the time of a regular expression.
_DIGITS = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
_LONG_RUN = b"0" * 19
#: The deepest nesting orjson writes; fewer brackets than this cannot nest deeper.
_ORJSON_WRITE_DEPTH = 255


def loads(data: bytes) -> Any:
    """The value of the JSON document ``data``; raises as ``json.loads`` does."""
    data = bytes(data)
    if _orjson is not None and _LONG_RUN not in data.translate(_DIGITS):
        try:
            value = _orjson.loads(data)
        except _orjson.JSONDecodeError:
            pass  # json decides, and raises its own errors: the same outcome either way
        else:
            if data.count(b"[") + data.count(b"{") < _ORJSON_WRITE_DEPTH or _writable(value):
                return value
    return json.loads(data)


def _writable(value: Any) -> bool:
    # orjson refuses to write what is nested past 255 levels: a cheap bound on the depth.
    try:
        _orjson.dumps(value)
    except _orjson.JSONEncodeError:
        return False
    return True


def dumps(value: Any) -> bytes:
    """``value`` as JSON text in UTF-8."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value)
        except TypeError:
            pass  # what orjson cannot write (integers past 64 bits, keys that are not strings)
    return json.dumps(value).encode("utf-8")
