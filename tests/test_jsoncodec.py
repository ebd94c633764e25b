"""``legacy_stt.core.jsoncodec``: orjson when it is installed, the same values as ``json`` always."""

from __future__ import annotations

import json
from typing import Any

import pytest

from legacy_stt.core import jsoncodec

pytest.importorskip("orjson")

DOCUMENTS = [
    b'{"transcript": "caf\\u00e9 \xe2\x98\x83", "words": [{"start": 0.1, "end": 1e-7}]}',
    b'{"a": 1, "a": 2}',  # the last one counts, in both
    b"123456789012345678901234567890",  # past 64 bits: an int, not a float
    b"-9223372036854775809",  # below -2**63: an int too
    b'{"offset": -9999999999999999999, "u64": 18446744073709551615}',
    b"[1, 1.0, -0.0, 5e-324, 1e16]",
    b'{"sha": "12345678901234567890123"}',  # a long run of digits in a string
    b"NaN",
    b"[1e400, -Infinity]",
    b'"\\ud800"',  # a lone surrogate
    b"\xef\xbb\xbf{}",  # a byte order mark
    b'{"a": 1} trailing',
    b"\xff\xfe{\x00}\x00",  # UTF-16
    b"\xc3\x28",  # not UTF-8
    b"[" * 300 + b"]" * 300,  # past what orjson writes, within what json reads
    b"[" * 990 + b"]" * 990,  # where json runs out of recursion, depending on the stack
    b"[" * 5000 + b"]" * 5000,
    b"[" * 200_000 + b"]" * 200_000,  # past the recursion limit
    b"",
]


def outcome(read: Any, data: bytes) -> Any:
    try:
        value = read(data)
    except RecursionError:
        return "RecursionError"
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return "ValueError"
    # repr, not ==: 1 == 1.0, and an int read as a float must show
    return ("value", repr(value))


@pytest.mark.parametrize("data", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_documents_read_as_json_reads_them(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = outcome(json.loads, data)
    assert outcome(jsoncodec.loads, data) == expected
    monkeypatch.setattr(jsoncodec, "_orjson", None)
    assert outcome(jsoncodec.loads, data) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"transcript": "café ☃", "words": [{"start": 0.1, "end": 12.5, "confidence": 0.98}]},
        {"big": 2**70, "small": -(2**63)},
        {1: "int keys", "2": "str keys"},
        [None, True, False, "", [], {}],
    ],
)
def test_values_are_written_as_json_would_read_them_back(
    value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = json.loads(json.dumps(value))
    assert json.loads(jsoncodec.dumps(value)) == expected
    monkeypatch.setattr(jsoncodec, "_orjson", None)
    assert jsoncodec.dumps(value) == json.dumps(value).encode("utf-8")
