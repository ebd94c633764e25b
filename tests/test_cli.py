"""The legacy-stt command, run as a real process through its console script."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from _support import EXAMPLES, SECRET_KEY

import legacy_stt
from legacy_stt.payloads.schema import validator_for
from legacy_stt.testing import Emulator

SCRIPT = shutil.which("legacy-stt", path=os.path.dirname(sys.executable)) or shutil.which(
    "legacy-stt"
)


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    assert SCRIPT, "the legacy-stt console script is not installed"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
    environment.update(env or {})
    return subprocess.run(
        [SCRIPT, *args], input=stdin, capture_output=True, text=True, timeout=60, env=environment
    )


def assert_one_error_line(result: subprocess.CompletedProcess, fragment: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("legacy-stt: error: ") and fragment in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_version() -> None:
    result = run("--version")
    assert (
        result.returncode == 0 and result.stdout.strip() == f"legacy-stt {legacy_stt.__version__}"
    )


def test_python_dash_m_runs_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "legacy_stt", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and legacy_stt.__version__ in result.stdout


def test_transcribe_on_the_emulator_prints_the_legacy_body() -> None:
    result = run("transcribe", str(EXAMPLES / "valid" / "nova-2-meeting-url.json"), "--emulator")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert validator_for("legacy-response", "/$defs/deepgramResult").is_valid(body)
    assert body["results"]["channels"][0]["alternatives"][0][
        "paragraphs"
    ]  # paragraphs were asked for
    assert result.stderr == ""  # the CLI uses the two-step calls: no deprecation noise


def test_transcribe_uploads_an_audio_file() -> None:
    result = run(
        "transcribe",
        str(EXAMPLES / "uploads" / "nova-2-phonecall.json"),
        "--audio",
        str(EXAMPLES / "audio" / "beeps-stereo.wav"),
        "--emulator",
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["metadata"]["duration"] == 1.5 and len(body["results"]["channels"]) == 2


def test_transcribe_reads_standard_input() -> None:
    payload = json.dumps({"model": "#g1_whisper-base", "url": "https://example.com/a.mp3"})
    result = run("transcribe", "-", "--emulator", stdin=payload)
    assert result.returncode == 0 and json.loads(result.stdout)["metadata"]["models"]


def test_warnings_are_plain_lines_on_stderr() -> None:
    result = run("transcribe", str(EXAMPLES / "invalid" / "diarise-typo.json"), "--emulator")
    assert result.returncode == 0
    assert result.stderr.strip() == (
        "legacy-stt: warning: unknown parameter `diarise` is not sent to #g1_nova-2-general: "
        "did you mean `diarize`? Rename `diarise` -> `diarize`"
    )


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("diarize-not-boolean", "/diarize: `diarize` must be true or false; got the string 'yes'"),
        ("missing-input", "provide either `url` or an uploaded `audio`"),
        ("model-without-hash", "write '#g1_nova-2-general'"),
        ("broken", "not valid JSON"),
        ("not-an-object", "must be a JSON object"),
    ],
)
def test_bad_payloads_exit_1_with_one_line_naming_the_file(name: str, fragment: str) -> None:
    path = EXAMPLES / "invalid" / f"{name}.json"
    result = run("transcribe", str(path), "--emulator")
    assert result.returncode == 1
    assert_one_error_line(result, f"{path}: ")
    assert fragment in result.stderr
    if name == "broken":
        # Where this interpreter's json says the text breaks (3.13 moved it to the comma).
        with pytest.raises(json.JSONDecodeError) as caught:
            json.loads(path.read_text())
        assert f"line {caught.value.lineno}, column {caught.value.colno}" in result.stderr


def test_strict_turns_warnings_into_errors() -> None:
    result = run(
        "transcribe", str(EXAMPLES / "invalid" / "diarise-typo.json"), "--emulator", "--strict"
    )
    assert result.returncode == 1
    assert_one_error_line(result, "did you mean `diarize`")


def test_several_problems_stay_on_one_line(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"model": "#g1_nova-2-general", "url": 3, "diarize": "no"}))
    result = run("transcribe", str(path), "--emulator")
    assert result.returncode == 1
    assert_one_error_line(result, "2 problems: /diarize: ")


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["transcribe", "no/such/payload.json"], "payload file not found"),
        (["transcribe", str(EXAMPLES / "valid")], "a batch needs somewhere to put its results"),
        (
            [
                "transcribe",
                str(EXAMPLES / "uploads" / "whisper-medium.json"),
                "--audio",
                "no/such.wav",
            ],
            "audio file not found",
        ),
        ([], "no command given"),
    ],
)
def test_usage_errors_exit_2(args: list, fragment: str) -> None:
    result = run(*args, "--emulator") if args else run()
    assert result.returncode == 2
    assert_one_error_line(result, fragment)


def test_a_usage_error_is_one_line_pointing_at_help_exit_2() -> None:
    result = run("transcribe", "--no-such-option")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert_one_error_line(result, "legacy-stt transcribe --help")


def test_key_never_appears_in_output_even_verbose() -> None:
    with Emulator() as service:
        ok = run(
            "-v",
            "transcribe",
            str(EXAMPLES / "valid" / "nova-2-general-url.json"),
            "--base-url",
            service.url,
            env={"AIML_API_KEY": SECRET_KEY},
        )
        service.api_key = "some-other-key-000000000"
        refused = run(
            "-v",
            "transcribe",
            str(EXAMPLES / "valid" / "nova-2-general-url.json"),
            "--base-url",
            service.url,
            env={"AIML_API_KEY": SECRET_KEY},
        )
    assert ok.returncode == 0, ok.stderr
    assert "POST http" in ok.stderr and "***" in ok.stderr  # the debug log shows the key masked
    assert refused.returncode == 1 and "refused (HTTP 401)" in refused.stderr
    for output in (ok.stdout, ok.stderr, refused.stdout, refused.stderr):
        assert SECRET_KEY not in output


def test_result_command_picks_up_a_job_created_elsewhere() -> None:
    with Emulator() as service:
        with legacy_stt.Client(SECRET_KEY, base_url=service.url) as client:
            generation_id = client.submit(
                {"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"}
            )
        result = run(
            "result", generation_id, "--base-url", service.url, env={"AIML_API_KEY": SECRET_KEY}
        )
        expired = run(
            "result", "no-such-id", "--base-url", service.url, env={"AIML_API_KEY": SECRET_KEY}
        )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["metadata"]["request_id"] == generation_id
    assert expired.returncode == 1
    assert_one_error_line(expired, "not known to the service (HTTP 404)")


def test_no_key_is_a_clear_error() -> None:
    with Emulator() as service:
        result = run(
            "transcribe",
            str(EXAMPLES / "valid" / "nova-2-general-url.json"),
            "--base-url",
            service.url,
        )
        assert service.requests == []
    assert result.returncode == 1
    assert_one_error_line(result, "no API key")


def test_transcribe_on_a_target_model_and_raw() -> None:
    example = str(EXAMPLES / "valid" / "nova-2-meeting-url.json")
    legacy = run("transcribe", example, "--emulator", "--target", "aai/universal")
    assert legacy.returncode == 0, legacy.stderr
    body = json.loads(legacy.stdout)
    assert body["metadata"]["models"] == ["aai/universal"]
    assert "`paragraphs` is dropped: aai/universal cannot honour it" in legacy.stderr
    raw = run("transcribe", example, "--emulator", "--target", "aai/universal", "--raw")
    assert raw.returncode == 0 and "results" not in json.loads(raw.stdout)
    assert (
        json.loads(raw.stdout)["text"]
        == body["results"]["channels"][0]["alternatives"][0]["transcript"]
    )
    wrong = run("transcribe", example, "--emulator", "--target", "nova4")
    assert wrong.returncode == 2
    assert_one_error_line(
        wrong, "--target: no model adapter serves model 'nova4'; did you mean 'nova-3'?"
    )


def test_migrate_prints_the_create_body_and_the_changes() -> None:
    payload = '{"model": "#g1_nova-2-general", "url": "https://x/a.mp3", "multi_channel": true, "tag": ["a"]}'
    result = run("migrate", "-", "--target", "nova-3", stdin=payload)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "model": "nova-3",
        "url": "https://x/a.mp3",
        "multichannel": True,
        "tag": ["a"],
    }
    assert "`multi_channel` -> `multichannel`" in result.stderr
    strict = run("migrate", "-", "--target", "mai-transcribe-1.5", stdin=payload)
    assert strict.returncode == 2  # not a model id: a usage error with a suggestion
    assert "microsoft/mai-transcribe-1.5" in strict.stderr
    dropped = run(
        "migrate", "-", "--strict", "--target", "microsoft/mai-transcribe-1.5", stdin=payload
    )
    assert dropped.returncode == 1 and dropped.stdout == ""
    assert "`multi_channel` is dropped" in dropped.stderr


def test_retries_option() -> None:
    example = str(EXAMPLES / "valid" / "nova-2-meeting-url.json")
    refused = run("transcribe", example, "--emulator", "--retries", "-1")
    assert refused.returncode == 2
    assert_one_error_line(refused, "--retries")
    accepted = run("transcribe", example, "--emulator", "--retries", "0")
    assert accepted.returncode == 0 and json.loads(accepted.stdout)["results"]
