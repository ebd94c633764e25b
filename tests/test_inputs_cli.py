"""The three commands over one tree, as a user runs them: check, migrate and transcribe agree.

Each command runs as a subprocess; transcribe talks to the emulator.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
from typing import Any

import pytest
from _support import SECRET_KEY

from legacy_stt.testing import Emulator

MODEL = "#g1_nova-2-general"
BOM = b"\xef\xbb\xbf"
TIMEOUT = 60


def payload(name: str, **extra: Any) -> dict[str, Any]:
    return {"model": MODEL, "url": f"https://example.com/{name}.mp3", **extra}


def run(*args: str, env: dict[str, str] | None = None, stdin: bytes = b"") -> Any:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "legacy_stt", *args],
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=TIMEOUT,
    )


@pytest.fixture
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "a.json").write_bytes(BOM + json.dumps(payload("a"), indent=2).encode())
    (root / "b.jsonl").write_text(
        json.dumps(payload("b1")) + "\n\n" + json.dumps(payload("b3", diarise=True)) + "\n"
    )
    (root / "c.json").write_text(json.dumps([payload("c0"), payload("c1")]))
    (root / "package.json").write_text('{"name": "web", "version": "1.0.0"}')
    (root / "empty.json").write_text("")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "x.json").write_text(json.dumps(payload("x")))
    return root


# -- check ---------------------------------------------------------------------------


def test_check_names_what_it_skipped_and_why(tree: pathlib.Path) -> None:
    text = run("check", str(tree))
    assert text.returncode == 0, text.stderr
    lines = text.stdout.decode().splitlines()
    summary = next(i for i, line in enumerate(lines) if " in 5 payloads, 3 files" in line)
    assert lines[summary].endswith("; 2 skipped")
    assert lines[summary + 1 :] == [
        f"  skipped {tree / 'empty.json'}: empty",
        f"  skipped {tree / 'package.json'}: not a payload (no `model` or `url`)",
    ]
    document = json.loads(run("check", "--format", "json", str(tree)).stdout)
    assert document["version"] == 1
    summary_keys = {"errors", "warnings", "notes", "files_checked", "files_skipped"}
    assert summary_keys | {"payloads_checked", "call_sites", "unreadable"} <= set(
        document["summary"]
    )  # what version-1 readers read is still there
    assert document["summary"]["files_skipped"] == 2
    assert document["summary"]["skipped"] == [
        {"path": str(tree / "empty.json"), "reason": "empty"},
        {"path": str(tree / "package.json"), "reason": "not a payload (no `model` or `url`)"},
    ]
    assert [(f["payload"], f["code"]) for f in document["findings"]] == [
        ("line 3", "unknown-parameter")
    ]


@pytest.mark.parametrize(
    "env, coloured",
    [
        ({}, False),
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ({"FORCE_COLOR": ""}, False),
    ],
)
def test_force_color_colours_output_that_is_not_a_terminal(
    tree: pathlib.Path, env: dict[str, str], coloured: bool
) -> None:
    result = run("check", "--color", "auto", str(tree / "b.jsonl"), env=env)
    assert (b"\x1b[33mwarning\x1b[0m" in result.stdout) is coloured
    assert (b"\x1b[" in result.stdout) is coloured


# -- migrate -------------------------------------------------------------------------


def test_migrate_reads_what_check_reads(tree: pathlib.Path) -> None:
    result = run("migrate", str(tree), "--target", "nova-3")
    assert result.returncode == 0, result.stderr
    bodies = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [body["url"].rsplit("/", 1)[1] for body in bodies] == [
        "a.mp3", "b1.mp3", "b3.mp3", "c0.mp3", "c1.mp3",
    ]  # fmt: skip
    assert {body["model"] for body in bodies} == {"nova-3"}
    err = result.stderr.decode()
    assert f"legacy-stt: skipped {tree / 'package.json'}: not a payload" in err
    assert f"{tree / 'b.jsonl'} line 3: unknown parameter `diarise`" in err


def test_migrate_one_payload_prints_one_indented_body(tree: pathlib.Path) -> None:
    result = run("migrate", str(tree / "a.json"))  # with a BOM, which transcribe refused
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("{\n  ")
    assert json.loads(result.stdout) == payload("a")


def test_migrate_names_the_payload_that_fails_and_goes_on(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text(
        json.dumps(payload("a")) + "\n" + json.dumps({"model": "nova-2", "url": "x"}) + "\n{\n"
    )
    result = run("migrate", str(path))
    assert result.returncode == 1
    assert len(result.stdout.decode().splitlines()) == 1
    err = result.stderr.decode().splitlines()
    assert err[0].startswith(f"legacy-stt: error: {path} line 2: /model: unknown model 'nova-2'")
    assert err[1].startswith(f"legacy-stt: error: {path} line 3: not valid JSON")
    assert len(err) == 2


def test_migrate_standard_input_json_lines() -> None:
    lines = (json.dumps(payload("a")) + "\n" + json.dumps(payload("b")) + "\n").encode()
    result = run("migrate", "-", stdin=lines)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["url"] for line in result.stdout.decode().splitlines()] == [
        payload("a")["url"],
        payload("b")["url"],
    ]


def test_migrate_of_nothing_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "web"}')
    result = run("migrate", str(tmp_path))
    assert result.returncode == 2
    assert b"no payload found in" in result.stderr


# -- transcribe ------------------------------------------------------------------------


def test_transcribe_reads_what_check_reads(tree: pathlib.Path, tmp_path: pathlib.Path) -> None:
    env = {"AIML_API_KEY": SECRET_KEY}
    with Emulator(job_duration=0.05) as emulator:
        env["AIML_API_BASE_URL"] = emulator.url
        result = run("transcribe", str(tree), "--out", str(tmp_path / "out"), env=env)
        urls = sorted(r.json["url"].rsplit("/", 1)[1] for r in emulator.creates)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert urls == ["a.mp3", "b1.mp3", "b3.mp3", "c0.mp3", "c1.mp3"]  # not package.json
    assert f"legacy-stt: skipped {tree / 'package.json'}: not a payload" in err
    assert f"legacy-stt: skipped {tree / 'empty.json'}: empty" in err
    assert "5 input(s): 5 done, 0 failed" in err
    assert f"{tree / 'b.jsonl'} line 3: unknown parameter `diarise`" in err
    assert len(list((tmp_path / "out").glob("*.json"))) == 5
