"""``legacy_stt.payloads.inputs``: the one reader of payload inputs behind check, migrate and transcribe.

Real files in tmp_path. The same tree is read by the reader, the checker and
the batch's ``collect_inputs``: they must agree on what is a payload, what
each is called and what is skipped.
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import sys
from typing import Any

import pytest

from legacy_stt.cli._common import UsageError
from legacy_stt.cli.batch_command import collect_inputs, single_input
from legacy_stt.exceptions import PayloadError
from legacy_stt.lint import Checker
from legacy_stt.payloads.inputs import (
    Accepted,
    InputProblem,
    InputReader,
    OtherFile,
    Payload,
    Skipped,
)

MODEL = "#g1_nova-2-general"
BOM = b"\xef\xbb\xbf"


def payload(name: str, **extra: Any) -> dict[str, Any]:
    return {"model": MODEL, "url": f"https://example.com/{name}.mp3", **extra}


def events(*paths: pathlib.Path | str, **options: Any) -> list[Any]:
    return list(InputReader(**options).read_all([str(p) for p in paths]))


def sources(found: list[Any]) -> list[str]:
    return [os.path.basename(e.source) for e in found if isinstance(e, Payload)]


def skipped(found: list[Any]) -> list[tuple[str, str]]:
    return [(os.path.basename(e.path), e.reason) for e in found if isinstance(e, Skipped)]


@pytest.fixture
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    """Every kind of input the three commands read, and the things they skip."""
    root = tmp_path / "tree"
    root.mkdir()
    (root / "a.json").write_text(json.dumps(payload("a"), indent=2))
    (root / "b.jsonl").write_text(
        "\n".join(json.dumps(payload(f"b{i}")) for i in range(3)) + "\n\n"
    )
    (root / "c.json").write_text(json.dumps([payload("c0"), payload("c1"), payload("c2")]))
    (root / "d.ndjson").write_bytes(BOM + json.dumps(payload("d")).encode() + b"\n")
    (root / "e.json").write_bytes(BOM + json.dumps(payload("e")).encode())
    (root / "empty.json").write_text(" \n")
    (root / "package.json").write_text('{"name": "web", "version": "1.0.0"}')
    (root / "notes.json").write_text("{not json")
    (root / ".hidden.json").write_text(json.dumps(payload("hidden")))
    for excluded in ("node_modules", ".git", "build"):
        (root / excluded).mkdir()
        (root / excluded / "x.json").write_text(json.dumps(payload(excluded)))
    (root / "sub").mkdir()
    (root / "sub" / "f.json").write_text(json.dumps(payload("f")))
    return root


EXPECTED_SOURCES = [
    "a.json",
    "b.jsonl line 1",
    "b.jsonl line 2",
    "b.jsonl line 3",
    "c.json item 0",
    "c.json item 1",
    "c.json item 2",
    "d.ndjson line 1",
    "e.json",
    "f.json",
]
EXPECTED_SKIPPED = [
    ("empty.json", "empty"),
    ("notes.json", "not JSON, and it mentions no `model`"),
    ("package.json", "not a payload (no `model` or `url`)"),
]


def test_a_tree_reads_as_payloads_named_by_their_source(tree: pathlib.Path) -> None:
    found = events(tree, files_first=True)
    assert sources(found) == EXPECTED_SOURCES
    assert sorted(skipped(found)) == EXPECTED_SKIPPED
    values = [e.value for e in found if isinstance(e, Payload)]
    assert [v["url"].rsplit("/", 1)[1] for v in values] == [
        "a.mp3", "b0.mp3", "b1.mp3", "b2.mp3", "c0.mp3", "c1.mp3", "c2.mp3", "d.mp3", "e.mp3",
        "f.mp3",
    ]  # fmt: skip
    assert not [e for e in found if isinstance(e, InputProblem)]


def test_check_and_transcribe_read_the_same_tree_the_same_way(tree: pathlib.Path) -> None:
    collected = collect_inputs([str(tree)], model=None, skip=set())
    assert [os.path.basename(i.source) for i in collected.inputs] == EXPECTED_SOURCES
    assert sorted((os.path.basename(p), r) for p, r in collected.skipped) == EXPECTED_SKIPPED
    assert collected.unreadable == []
    result = Checker().check([str(tree)])
    assert result.payloads_checked == len(EXPECTED_SOURCES)
    assert result.files_checked == 6  # a, b, c, d, e, sub/f
    assert sorted((os.path.basename(p), r) for p, r in result.skipped) == EXPECTED_SKIPPED
    assert result.files_skipped == len(EXPECTED_SKIPPED)


@pytest.mark.parametrize("bom", [b"", BOM])
@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".ndjson"])
def test_a_bom_is_allowed_everywhere(tmp_path: pathlib.Path, bom: bytes, suffix: str) -> None:
    path = tmp_path / f"p{suffix}"
    path.write_bytes(bom + json.dumps(payload("p")).encode() + b"\n")
    found = events(path)
    assert [type(e) for e in found] == [Accepted, Payload]
    assert found[1].value == payload("p")


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n", BOM, BOM + b"\n\n"])
@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_an_empty_file_is_skipped_named_or_walked(
    tmp_path: pathlib.Path, content: bytes, suffix: str
) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(content)
    assert skipped(events(path)) == [(path.name, "empty")]
    assert skipped(events(tmp_path)) == [(path.name, "empty")]


def test_named_files_are_read_whatever_they_hold_unless_only_payloads(
    tmp_path: pathlib.Path,
) -> None:
    path = tmp_path / "package.json"
    path.write_text('{"name": "web"}')
    found = events(path)
    assert [type(e) for e in found] == [Accepted, Payload]
    assert skipped(events(path, only_payloads=True)) == [
        ("package.json", "not a payload (no `model` or `url`)")
    ]
    other = tmp_path / "payload.txt"  # a named file of another suffix is read as JSON
    other.write_text(json.dumps(payload("t")))
    assert sources(events(other)) == ["payload.txt"]


def test_problems_say_where(tmp_path: pathlib.Path) -> None:
    lines = tmp_path / "calls.jsonl"
    lines.write_text(json.dumps(payload("ok")) + "\n{broken\n")
    broken = tmp_path / "broken.json"
    broken.write_text('{"model": "x",\n  "url": }\n')
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"model": "caf\xe9"}')
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    found = events(lines, broken, latin, deep)
    problems = [e for e in found if isinstance(e, InputProblem)]
    assert [(os.path.basename(p.source), p.code, p.line) for p in problems] == [
        ("calls.jsonl line 2", "invalid-json", 2),
        ("broken.json", "invalid-json", 2),
        ("latin.json", "invalid-json", 1),
        ("deep.json", "too-deep", None),
    ]
    assert problems[0].message.startswith("not valid JSON: ")
    assert "byte 0xe9" in problems[2].message and problems[2].column == 15
    assert sources(found) == ["calls.jsonl line 1"]


def test_files_past_the_limit_are_refused_named_and_skipped_walked(
    tmp_path: pathlib.Path,
) -> None:
    (tmp_path / "big.json").write_text(json.dumps({"model": MODEL, "url": "x" * 2000}))
    (tmp_path / "data.json").write_text(json.dumps({"rows": "x" * 2000}))
    walked = events(tmp_path, limit=1024)
    assert skipped(walked) == [("data.json", "larger than 0 MiB, and it mentions no `model`")]
    assert [(type(e).__name__, getattr(e, "code", None)) for e in walked[:2]] == [
        ("Accepted", None),
        ("InputProblem", "too-large"),
    ]
    named = events(tmp_path / "data.json", limit=1024)
    assert [getattr(e, "code", None) for e in named] == [None, "too-large"]


def test_standard_input_is_json_or_json_lines() -> None:
    one = json.dumps(payload("one")).encode()
    for data, expected in (
        (one, ["<stdin>"]),
        (one + b"\n" + one + b"\n", ["<stdin> line 1", "<stdin> line 2"]),
        (b"[" + one + b"," + one + b"]", ["<stdin> item 0", "<stdin> item 1"]),
        (BOM + one, ["<stdin>"]),
    ):
        found = list(InputReader(stdin=lambda data=data: data).read("-"))
        assert [e.source for e in found if isinstance(e, Payload)] == expected


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_in_a_walk_is_skipped_and_named(tmp_path: pathlib.Path) -> None:
    os.mkfifo(tmp_path / "trap.json")
    assert skipped(events(tmp_path)) == [("trap.json", "a FIFO (named pipe)")]


def test_positions_of_array_items_and_json_lines(tmp_path: pathlib.Path) -> None:
    item = json.dumps(payload("x", diarise=True))
    array = tmp_path / "a.json"
    array.write_bytes(BOM + f"[{item},\n  {item}]".encode())
    lines = tmp_path / "b.jsonl"
    lines.write_text(f"{item}\n\n  {item}\n")
    found = [e for e in events(array, lines) if isinstance(e, Payload)]
    column = item.index('"diarise"') + 1
    assert [
        (e.source.rsplit("/", 1)[1], e.positions(["/diarise", "/nope", ""])) for e in found
    ] == [
        # A BOM counts as a character of the first line, as an editor shows it.
        ("a.json item 0", [(1, column + 2), (1, 3), (1, 3)]),
        ("a.json item 1", [(2, column + 2), (2, 3), (2, 3)]),
        ("b.jsonl line 1", [(1, column), (1, 1), (1, 1)]),
        ("b.jsonl line 3", [(3, column + 2), (3, 3), (3, 3)]),
    ]


def test_unread_kinds_are_handed_over_by_path(tmp_path: pathlib.Path) -> None:
    (tmp_path / "call.WAV").write_bytes(b"RIFF")
    (tmp_path / "tool.py").write_text("x = 1\n")
    found = events(
        tmp_path, kinds={".json": "json", ".wav": "audio", ".py": "python"}, unread_kinds={"audio"}
    )
    assert [(type(e), os.path.basename(e.path), e.kind, e.data) for e in found] == [
        (OtherFile, "call.WAV", "audio", None),
        (OtherFile, "tool.py", "python", b"x = 1\n"),
    ]


def test_skip_directories_are_not_entered(tmp_path: pathlib.Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.json").write_text(json.dumps(payload("a")))
    (tmp_path / "in" / "out").mkdir()
    (tmp_path / "in" / "out" / "a.json").write_text(json.dumps({"results": {}}))
    found = events(tmp_path / "in", skip_directories=[str(tmp_path / "in" / "out")])
    assert sources(found) == ["a.json"]


# -- one input for `transcribe PATH` ----------------------------------------------------


def test_single_input_reads_a_payload_file_as_the_batch_does(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(BOM + json.dumps(payload("p")).encode())
    item = single_input(str(path))
    assert item.payload == payload("p") and item.audio is None and item.source == str(path)
    lines = tmp_path / "one.jsonl"
    lines.write_text("\n" + json.dumps(payload("q")) + "\n")
    assert single_input(str(lines)).source == f"{lines} line 2"
    item = single_input("-", stdin=lambda: json.dumps(payload("s")).encode(), audio="a.wav")
    assert item.payload == payload("s") and item.audio == "a.wav"


def test_single_input_of_an_audio_file_needs_a_good_model(tmp_path: pathlib.Path) -> None:
    audio = tmp_path / "call.wav"
    audio.write_bytes(b"RIFF....WAVE")
    item = single_input(str(audio), model=MODEL)
    assert item.payload == {"model": MODEL} and pathlib.Path(item.audio) == audio
    with pytest.raises(UsageError, match="--model"):
        single_input(str(audio))
    with pytest.raises(UsageError, match="--model: unknown model 'nonsense'"):
        single_input(str(audio), model="nonsense")


@pytest.mark.parametrize(
    "content, error, fragment",
    [
        (json.dumps([payload("a"), payload("b")]), UsageError, "more than one payload"),
        ("", UsageError, "holds no payload: empty"),
        ('{"model": "x",\n "url": }', PayloadError, "not valid JSON"),
    ],
)
def test_single_input_refuses_what_is_not_one_payload(
    tmp_path: pathlib.Path, content: str, error: type[Exception], fragment: str
) -> None:
    path = tmp_path / "p.json"
    path.write_text(content)
    with pytest.raises(error) as caught:
        single_input(str(path))
    assert fragment in str(caught.value)
    if isinstance(caught.value, PayloadError):
        assert caught.value.source == str(path)  # type: ignore[attr-defined]
        assert "(line 2, column " in str(caught.value)
    with pytest.raises(UsageError, match="not found"):
        single_input(str(tmp_path / "missing.json"))


def test_transcribe_inputs_from_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (json.dumps(payload("a")) + "\n" + json.dumps(payload("b")) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    collected = collect_inputs(["-"], model=None, skip=set())
    assert [i.source for i in collected.inputs] == [
        "<stdin> line 1",
        "<stdin> line 2",
    ]


@pytest.mark.parametrize(
    "document",
    [
        [{"url": "https://a.example/x.mp3"}],  # an array of payloads that forgot their model
        [{"model": "#g1_nova-2-general"}, {"url": "https://a.example/y.mp3"}],
    ],
)
def test_an_array_item_looks_like_a_payload_by_the_same_rule_as_a_file(
    tmp_path: pathlib.Path, document: list
) -> None:
    # A file's one object counts with a `model` or a `url`; an array's items do too, so a walk
    # reads (and `check` reports the missing model) instead of skipping it as "not a payload".
    (tmp_path / "batch.json").write_text(json.dumps(document))
    (tmp_path / "list.json").write_text(json.dumps([{"name": "x"}]))
    found = events(tmp_path)
    assert [e.value for e in found if isinstance(e, Payload)] == document
    assert [name for name, _ in skipped(found)] == ["list.json"]
