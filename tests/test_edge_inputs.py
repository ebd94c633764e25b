"""Bad input at the edges: each gets a clear error with a stable code, and nothing is sent.

"Nothing sent" is checked on a real emulator: its ``requests`` log stays
empty. The library is called through a real ``Client``, the command line
in-process through ``legacy_stt.cli.main``.
"""

from __future__ import annotations

import io
import json
import pathlib
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from _support import EXAMPLES

import legacy_stt
from legacy_stt import Client, PayloadError
from legacy_stt.cli import main
from legacy_stt.exceptions import Problem
from legacy_stt.lint import checker as checker_module
from legacy_stt.payloads.validation import MAX_PAYLOAD_BYTES, MAX_PAYLOAD_DEPTH
from legacy_stt.testing import Emulator

MODEL = "#g1_nova-2-general"
URL = "https://example.com/call.mp3"
WAV = EXAMPLES / "audio" / "beeps.wav"


@pytest.fixture
def edge_client(stt_emulator: Emulator) -> Iterator[Client]:
    with Client(api_key="k", base_url=stt_emulator.url) as instance:
        yield instance


def refused(client: Client, emulator: Emulator, payload: Any, audio: Any = None) -> list[Problem]:
    """The problems ``submit`` raised, after checking that no request reached the service."""
    with pytest.raises(PayloadError) as caught:
        client.submit(payload, audio)
    assert emulator.requests == [], "a request was sent for a refused payload"
    problems = caught.value.problems
    assert problems and all(problem.message.strip() for problem in problems)
    return problems


def nested_list(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels - 1):  # built in a loop: no recursion here either
        value = [value]
    return value


# -- huge payloads --------------------------------------------------------------------


def test_a_50_mb_string_member_is_refused_quickly_and_without_copies(
    edge_client: Client, stt_emulator: Emulator
) -> None:
    payload = {"model": MODEL, "url": "https://example.com/" + "a" * 50_000_000}
    tracemalloc.start()
    started = time.perf_counter()
    try:
        [problem] = refused(edge_client, stt_emulator, payload)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (problem.code, problem.pointer) == ("too-large", "/url")
    assert "larger than 32 MiB" in problem.message and "`url`" in problem.message
    assert elapsed < 5, f"took {elapsed:.1f} s"
    assert peak < 5_000_000, f"checking held {peak} bytes more"  # the 50 MB string is not copied


def test_a_huge_member_the_service_would_never_see_is_refused_too(
    edge_client: Client, stt_emulator: Emulator
) -> None:
    # unknown members are not sent, but holding and walking them is still bounded
    payload = {"model": MODEL, "url": URL, "notes": ["x" * 1000] * 40_000}
    [problem] = refused(edge_client, stt_emulator, payload)
    assert (problem.code, problem.pointer) == ("too-large", "/notes")


def test_an_embedded_buffer_past_the_limit_is_refused(
    edge_client: Client, stt_emulator: Emulator
) -> None:
    data = [7] * (MAX_PAYLOAD_BYTES // 4 + 1)
    payload = {"model": MODEL, "audio": {"buffer": {"type": "Buffer", "data": data}}}
    [problem] = refused(edge_client, stt_emulator, payload)
    assert (problem.code, problem.pointer) == ("too-large", "/audio")
    assert "pass the audio as a file" in problem.message


def test_an_embedded_buffer_of_some_seconds_of_audio_is_still_accepted() -> None:
    data = [7] * 1_000_000  # about 30 s of 16 kHz 16-bit audio
    legacy_stt.validate({"model": MODEL, "audio": {"buffer": {"type": "Buffer", "data": data}}})


# -- deeply nested JSON ---------------------------------------------------------------


@pytest.mark.parametrize("member", ["tag", "custom_spelling", "no_such_parameter"])
def test_100000_levels_of_nesting_are_refused_without_recursing(
    edge_client: Client, stt_emulator: Emulator, member: str
) -> None:
    payload = {"model": MODEL, "url": URL, member: nested_list(100_000)}
    [problem] = refused(edge_client, stt_emulator, payload)
    assert (problem.code, problem.pointer) == ("too-deep", f"/{member}")
    assert f"nested more than {MAX_PAYLOAD_DEPTH} levels deep" in problem.message


def test_nesting_up_to_the_limit_is_judged_by_the_schema(
    edge_client: Client, stt_emulator: Emulator
) -> None:
    payload = {"model": MODEL, "url": URL, "tag": nested_list(MAX_PAYLOAD_DEPTH - 1)}
    [problem] = refused(edge_client, stt_emulator, payload)
    assert (problem.code, problem.pointer) == ("schema.type", "/tag/0")


def test_a_deeply_nested_payload_itself_is_not_an_object(
    edge_client: Client, stt_emulator: Emulator
) -> None:
    [problem] = refused(edge_client, stt_emulator, nested_list(100_000))
    assert problem.code == "not-an-object"


def test_member_names_that_are_not_strings_are_refused(
    edge_client: Client, stt_emulator: Emulator
) -> None:
    [problem] = refused(edge_client, stt_emulator, {"model": MODEL, "url": URL, 1: True})
    assert problem.code == "not-an-object" and "must be strings" in problem.message


def test_a_number_python_cannot_write_as_json_is_refused(
    edge_client: Client, stt_emulator: Emulator
) -> None:
    [problem] = refused(
        edge_client, stt_emulator, {"model": MODEL, "url": URL, "utt_split": 10**5000}
    )
    assert (problem.code, problem.pointer) == ("too-large", "/utt_split")


# -- Node.js Buffer objects -----------------------------------------------------------------


@pytest.mark.parametrize(
    "data, index",
    [
        ([0, 255, 256], 2),
        ([-1], 0),
        ([1, 2.5], 1),
        ([True], 0),
        (["7"], 0),
        ([None], 0),
        ([[1]], 0),
    ],
)
def test_a_buffer_with_values_that_are_not_bytes_is_refused(
    edge_client: Client, stt_emulator: Emulator, data: list[Any], index: int
) -> None:
    payload = {"model": MODEL, "audio": {"buffer": {"type": "Buffer", "data": data}}}
    [problem] = refused(edge_client, stt_emulator, payload)
    assert (problem.code, problem.pointer) == ("audio-buffer", f"/audio/buffer/data/{index}")
    assert "must be a whole number from 0 to 255" in problem.message
    # the same object passed as the audio argument instead of in the payload
    [problem] = refused(
        edge_client, stt_emulator, {"model": MODEL}, {"buffer": payload["audio"]["buffer"]}
    )
    assert (problem.code, problem.pointer) == ("audio-buffer", f"/audio/buffer/data/{index}")


def test_a_large_buffer_with_one_bad_byte_names_it() -> None:
    data = [1] * 5000 + [300]
    with pytest.raises(PayloadError) as caught:
        legacy_stt.validate({"model": MODEL, "audio": {"buffer": {"type": "Buffer", "data": data}}})
    assert caught.value.problems[0].pointer == "/audio/buffer/data/5000"


def test_a_bare_buffer_is_told_how_legacy_json_wraps_it(
    edge_client: Client, stt_emulator: Emulator
) -> None:
    payload = {"model": MODEL, "audio": {"type": "Buffer", "data": [1, 2, 3]}}
    [problem] = refused(edge_client, stt_emulator, payload)
    assert problem.code == "audio-buffer" and "bare Buffer" in problem.message


# -- a url that is not a URL -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "",
        "example.com/call.mp3",
        "//example.com/call.mp3",
        "ftp://example.com/call.mp3",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:audio/wav;base64,UklGRg==",
        "https://",
        "http://:80/call.mp3",
        "http://[",
        "https://example.com:99999/call.mp3",
        "https://example.com:port/call.mp3",
        "https://exa mple.com/call.mp3",
        "https://example.com/my call.mp3",
        " https://example.com/call.mp3",
        "https://example.com/call.mp3\n",
        "https://example.com/\x00call.mp3",
    ],
)
@pytest.mark.parametrize("target", [None, "nova-3", "aai/universal"])
def test_a_url_that_is_not_an_http_url_is_refused(
    stt_emulator: Emulator, url: str, target: str | None
) -> None:
    with Client(api_key="k", base_url=stt_emulator.url, target=target) as client:
        [problem] = refused(client, stt_emulator, {"model": MODEL, "url": url})
    assert (problem.code, problem.pointer) == ("url-format", "/url")
    assert problem.message.startswith("`url` must be an http(s) address")
    if url.strip() != url or " " in url or "\x00" in url:
        assert "percent-encoded" in problem.message


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/call.mp3",
        "HTTPS://EXAMPLE.COM/CALL.MP3",
        "http://[::1]:8080/call.mp3",
        "https://example.com:65535/my%20call.mp3?sig=a%2Fb#t=1",
        "https://bücher.example/ton.mp3",
    ],
)
def test_real_urls_are_accepted(url: str) -> None:
    legacy_stt.validate({"model": MODEL, "url": url})


def test_a_url_of_the_wrong_type_is_a_schema_error(
    edge_client: Client, stt_emulator: Emulator
) -> None:
    [problem] = refused(edge_client, stt_emulator, {"model": MODEL, "url": 42})
    assert (problem.code, problem.pointer) == ("schema.type", "/url")


# -- audio files ------------------------------------------------------------------------


def test_an_audio_path_that_does_not_exist_is_refused(
    edge_client: Client, stt_emulator: Emulator, tmp_path: pathlib.Path
) -> None:
    missing = tmp_path / "no-such.wav"
    [problem] = refused(edge_client, stt_emulator, {"model": MODEL}, missing)
    assert problem.code == "audio-not-found" and str(missing) in problem.message
    [problem] = refused(edge_client, stt_emulator, {"model": MODEL}, tmp_path)
    assert problem.code == "audio-not-a-file"


@pytest.mark.parametrize("kind", ["path", "bytes", "file object", "embedded"])
def test_empty_audio_is_refused(
    edge_client: Client, stt_emulator: Emulator, tmp_path: pathlib.Path, kind: str
) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    payload: dict[str, Any] = {"model": MODEL}
    audio: Any = {"path": empty, "bytes": b"", "file object": io.BytesIO(b"")}.get(kind)
    if kind == "embedded":
        payload["audio"] = {"buffer": {"type": "Buffer", "data": []}}
    [problem] = refused(edge_client, stt_emulator, payload, audio)
    assert problem.code == "audio-empty"
    assert "empty" in problem.message or "no bytes" in problem.message


# -- the command line ---------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "unexpected" not in captured.err
    return status, captured.out, captured.err


def assert_one_error_line(err: str, *fragments: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("legacy-stt: error: "), err
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def service_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIML_API_KEY", "k")


def write_payload(path: pathlib.Path, payload: Any) -> pathlib.Path:
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


@pytest.mark.usefixtures("service_key")
@pytest.mark.parametrize(
    "content, fragment",
    [
        (
            '{"model": "#g1_nova-2-general", "url": "https://example.com/caf\u00e9.mp3"}'.encode(
                "latin-1"
            ),
            ("not UTF-8 text", "0xe9"),
        ),
        (b"\xff\xfe\x00\x00garbage", ("not UTF-8 text",)),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
        (
            b'{"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3", "utt_split": '
            + b"9" * 5000
            + b"}",
            "not a JSON payload legacy-stt can read",
        ),
        (
            b'{"model": "#g1_nova-2-general", "audio": {"buffer": {"type": "Buffer", "data": [1, 256]}}}',
            "/audio/buffer/data/1: every byte",
        ),
        (
            b'{"model": "#g1_nova-2-general", "url": "ftp://example.com/a.mp3"}',
            "/url: `url` must be",
        ),
    ],
)
def test_transcribe_refuses_unreadable_payloads_with_one_line(
    capsys: pytest.CaptureFixture[str],
    stt_emulator: Emulator,
    tmp_path: pathlib.Path,
    content: bytes,
    fragment: str | tuple[str, ...],
) -> None:
    path = tmp_path / "payload.json"
    path.write_bytes(content)
    status, out, err = run_cli(capsys, "transcribe", str(path), "--base-url", stt_emulator.url)
    assert status == 1 and out == ""
    fragments = (fragment,) if isinstance(fragment, str) else fragment
    assert_one_error_line(err, f"{path}: ", *fragments)
    assert stt_emulator.requests == []


@pytest.mark.usefixtures("service_key")
def test_transcribe_refuses_a_payload_file_past_the_limit(
    capsys: pytest.CaptureFixture[str], stt_emulator: Emulator, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: 200 MB on paper, nothing on disk
    started = time.perf_counter()
    status, _, err = run_cli(capsys, "transcribe", str(path), "--base-url", stt_emulator.url)
    assert status == 1 and time.perf_counter() - started < 10
    assert_one_error_line(err, "larger than 32 MiB")
    assert stt_emulator.requests == []


@pytest.mark.usefixtures("service_key")
@pytest.mark.parametrize(
    "audio, status, fragment",
    [("missing.wav", 2, "audio file not found"), ("empty.wav", 1, "audio file is empty")],
)
def test_transcribe_refuses_missing_and_empty_audio(
    capsys: pytest.CaptureFixture[str],
    stt_emulator: Emulator,
    tmp_path: pathlib.Path,
    audio: str,
    status: int,
    fragment: str,
) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    payload = write_payload(tmp_path / "payload.json", {"model": MODEL})
    result, _, err = run_cli(
        capsys,
        "transcribe",
        str(payload),
        "--audio",
        str(tmp_path / audio),
        "--base-url",
        stt_emulator.url,
    )
    assert result == status
    assert_one_error_line(err, fragment)
    assert stt_emulator.requests == []


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    status, out, err = run_cli(capsys, "check", "--format", "json", *args)
    assert err == ""
    return status, json.loads(out)


@pytest.mark.parametrize(
    "content, code, fragment",
    [
        (
            '{"model": "#g1_nova-2-general", "url": "https://example.com/caf\u00e9.mp3"}'.encode(
                "latin-1"
            ),
            "invalid-json",
            "not UTF-8 text: byte 0xe9",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "too-deep", "nested more than"),
        (
            b'{"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3", "tag": '
            + b"[" * 100
            + b"]" * 100
            + b"}",
            "too-deep",
            "`tag` is nested more than",
        ),
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_check_reports_unreadable_payloads_as_findings(
    capsys: pytest.CaptureFixture[str],
    tmp_path: pathlib.Path,
    content: bytes,
    code: str,
    fragment: str,
    suffix: str,
) -> None:
    path = tmp_path / f"payload{suffix}"
    path.write_bytes(content)
    status, report = check_json(capsys, str(path))
    assert status == 1
    [finding] = report["findings"]
    assert finding["code"] == code and fragment in finding["message"]
    assert finding["severity"] == "error" and finding["line"] in (1, None)


def test_check_does_not_read_a_file_of_hundreds_of_megabytes(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "recorded.jsonl"
    with path.open("wb") as handle:
        handle.truncate(300 * 2**20)  # sparse: reading it would take seconds and 300 MB
    started = time.perf_counter()
    status, report = check_json(capsys, str(path))
    assert time.perf_counter() - started < 5
    assert status == 1
    [finding] = report["findings"]
    assert finding["code"] == "too-large" and "64 MiB" in finding["message"]


def test_check_skips_a_huge_file_in_a_directory_unless_it_mentions_a_model(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    with (tmp_path / "dataset.json").open("wb") as handle:
        handle.write(b'{"rows": [')
        handle.truncate(100 * 2**20)
    with (tmp_path / "payloads.json").open("wb") as handle:
        handle.write(b'[{"model": "#g1_nova-2-general", ')
        handle.truncate(100 * 2**20)
    status, report = check_json(capsys, str(tmp_path))
    assert status == 1
    assert [(pathlib.Path(f["path"]).name, f["code"]) for f in report["findings"]] == [
        ("payloads.json", "too-large")
    ]
    assert report["summary"]["files_skipped"] == 1


def test_check_refuses_too_much_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checker_module, "MAX_FILE_BYTES", 1024)
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps({"model": MODEL, "url": "x" * 2000}).encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    status, report = check_json(capsys, "-")
    assert status == 1
    assert [(f["path"], f["code"]) for f in report["findings"]] == [("<stdin>", "too-large")]
    assert stdin.buffer.tell() == 1025  # read one byte past the limit, no more


def test_check_prints_member_names_utf8_cannot_encode(tmp_path: pathlib.Path) -> None:
    # A lone surrogate is valid in JSON text ("\ud800") but cannot be written as UTF-8.
    path = write_payload(tmp_path / "payload.json", {"model": MODEL, "url": URL, "\ud800": 1})
    result = subprocess.run(
        [sys.executable, "-m", "legacy_stt", "check", str(path)],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == b""
    assert b"unknown parameter `\\ud800`" in result.stdout
