"""Advice for the command line says what to type there, not what to call in Python.

A user of ``legacy-stt`` or of the proxy is not holding a ``Client``: a job
to pick up is ``legacy-stt result ID`` (or ``GET /v1/stt/ID`` for a proxy
caller); a missing key is ``AIML_API_KEY``; plain http is a flag that the
command has. Errors name the flag, not the Python argument behind it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from _support import EXAMPLES, SECRET_KEY

import legacy_stt
from legacy_stt.testing import Emulator

PAYLOAD_FILE = str(EXAMPLES / "valid" / "nova-2-general-url.json")


def _run(
    *argv: str, key: str | None = SECRET_KEY, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
    if key is not None:
        environment["AIML_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "legacy_stt.cli", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
    )


def test_a_job_to_pick_up_is_named_with_the_command_that_does_it(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = 30.0
    # any poll timeout short of the 30 s job will do (0.5 s, as in the tests below)
    done = _run("transcribe", PAYLOAD_FILE, "--base-url", stt_emulator.url, "--poll-timeout", "0.5")
    [job] = stt_emulator.jobs
    assert done.returncode == 1
    assert f"legacy-stt result {job}" in done.stderr
    assert "client.result" not in done.stderr


def test_a_proxy_caller_is_told_the_request_that_picks_the_job_up(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = 30.0
    # any poll timeout short of the 30 s job will do
    with legacy_stt.CompatibilityProxy(
        port=0, upstream=stt_emulator.url, poll_timeout=0.5
    ) as proxy:
        answer = requests.post(
            proxy.url + "/v1/stt",
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
            json=json.loads(Path(PAYLOAD_FILE).read_text()),
        )
    [job] = stt_emulator.jobs
    assert answer.status_code == 504
    assert f"GET /v1/stt/{job}" in answer.json()["message"]
    assert "client.result" not in answer.text


def test_a_missing_key_names_the_variable_and_the_offline_flag() -> None:
    done = _run("transcribe", PAYLOAD_FILE, key=None)
    assert done.returncode == 1
    assert "AIML_API_KEY" in done.stderr and "--emulator" in done.stderr
    assert "api_key=" not in done.stderr


@pytest.mark.parametrize("command", [["transcribe", PAYLOAD_FILE], ["result", "job-1"]])
def test_the_plain_http_refusal_names_a_flag_the_command_has(command: list[str]) -> None:
    refused = _run(*command, "--base-url", "http://stt.example.org")
    assert refused.returncode == 1
    assert "--allow-insecure-http" in refused.stderr and "allow_insecure_http" not in refused.stderr
    # and the flag is there: with it, the command gets as far as the network
    allowed = _run(
        *command, "--base-url", "http://127.0.0.1:9", "--allow-insecure-http", "--retries", "0"
    )
    assert "--allow-insecure-http" not in allowed.stderr and "refused" in allowed.stderr


def test_ctrl_c_while_waiting_names_the_job_and_how_to_resume(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = 60.0
    environment = {**os.environ, "AIML_API_KEY": SECRET_KEY}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "legacy_stt.cli",
            "transcribe",
            PAYLOAD_FILE,
            "--base-url",
            stt_emulator.url,
        ],
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    deadline = time.monotonic() + 30
    while not stt_emulator.jobs and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # waiting for the job now
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    [job] = stt_emulator.jobs
    assert process.returncode == 130
    assert job in err and f"legacy-stt result {job}" in err
    assert len(stt_emulator.creates) == 1


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_works_before_and_after_the_command(where: str) -> None:
    argv = ["transcribe", PAYLOAD_FILE, "--emulator"]
    argv = ["-v", *argv] if where == "before" else [*argv, "-v"]
    done = _run(*argv, key=None)
    assert done.returncode == 0
    assert "POST http" in done.stderr  # the request log


@pytest.mark.parametrize(
    "flag, value",
    [("--poll-timeout", "0"), ("--poll-timeout", "soon"), ("--retries", "-1"), ("--workers", "0")],
)
def test_a_bad_flag_value_names_the_flag(flag: str, value: str) -> None:
    done = _run("transcribe", PAYLOAD_FILE, flag, value)
    assert done.returncode == 2
    assert f"argument {flag}" in done.stderr
    python_name = flag.lstrip("-").replace("-", "_")
    if "_" in python_name:
        assert python_name not in done.stderr  # the flag's name, not the keyword argument's


def test_a_base_url_ending_in_v1_gets_a_hint(stt_emulator: Emulator) -> None:
    done = _run("transcribe", PAYLOAD_FILE, "--base-url", stt_emulator.url + "/v1")
    assert done.returncode == 1
    assert "drop the /v1" in done.stderr


def test_a_refused_connection_says_so() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = _run(
        "transcribe", PAYLOAD_FILE, "--base-url", f"http://127.0.0.1:{port}", "--retries", "0"
    )
    assert done.returncode == 1
    assert "refused" in done.stderr and "does not resolve" not in done.stderr


def test_a_name_that_does_not_resolve_says_so() -> None:
    # Classified from urllib3's own error (a resolver may be slow or absent offline).
    import urllib3

    from legacy_stt.core.steps import FailureKind
    from legacy_stt.sync.transport import ServiceTransport
    from legacy_stt.sync.wire import Exchange

    error = requests.ConnectionError(
        urllib3.exceptions.MaxRetryError(
            None,  # type: ignore[arg-type]
            "/",
            urllib3.exceptions.NameResolutionError(
                "no-such-host.invalid", None, socket.gaierror(-2, "Name or service not known")
            ),  # type: ignore[arg-type]
        )
    )
    request: Any = type("R", (), {"read_timeout": 1.0})()
    failure = ServiceTransport._failure(
        error, Exchange(deadline=None, read_budget=None), 0.0, request
    )
    assert failure.kind is FailureKind.NOT_CONNECTED and "does not resolve" in failure.detail


def test_result_with_the_emulator_is_refused_clearly() -> None:
    done = _run("result", "some-id", "--emulator", key=None)
    assert done.returncode == 2
    assert "knows no job" in done.stderr and "python -m legacy_stt.testing" in done.stderr


def test_an_empty_bearer_key_through_the_proxy_says_what_is_wrong(stt_emulator: Emulator) -> None:
    with legacy_stt.CompatibilityProxy(port=0, upstream=stt_emulator.url) as proxy:
        answer = requests.post(
            proxy.url + "/v1/stt",
            headers={"Authorization": "Bearer "},
            json=json.loads(Path(PAYLOAD_FILE).read_text()),
        )
    assert answer.status_code == 401
    assert "empty" in answer.json()["message"] and "AIML_API_KEY" in answer.json()["message"]


# -- what a review of the above found ------------------------------------------------------------


def test_a_rate_limited_poll_says_how_to_pick_the_job_up(stt_emulator: Emulator) -> None:
    # A long Retry-After on a poll must not read as "try again later": that would be a new job.
    stt_emulator.inject("poll", 429, headers={"Retry-After": "120"}, times=1000)
    done = _run("transcribe", PAYLOAD_FILE, "--base-url", stt_emulator.url)
    [job] = stt_emulator.jobs
    assert done.returncode == 1
    assert f"legacy-stt result {job} --base-url {stt_emulator.url}" in done.stderr
    assert "try again later" not in done.stderr and "retry_after_max" not in done.stderr


def test_an_unavailable_poll_through_the_proxy_says_how_to_pick_the_job_up(
    stt_emulator: Emulator,
) -> None:
    stt_emulator.inject("poll", 503, times=1000)
    with legacy_stt.CompatibilityProxy(port=0, upstream=stt_emulator.url, retry=0) as proxy:
        answer = requests.post(
            proxy.url + "/v1/stt",
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
            json=json.loads(Path(PAYLOAD_FILE).read_text()),
        )
    [job] = stt_emulator.jobs
    assert answer.json()["generation_id"] == job
    assert f"GET /v1/stt/{job}" in answer.json()["message"]


def test_the_resume_command_names_the_service_it_ran_on(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = 30.0
    done = _run("transcribe", PAYLOAD_FILE, "--base-url", stt_emulator.url, "--poll-timeout", "0.5")
    [job] = stt_emulator.jobs
    assert f"legacy-stt result {job} --base-url {stt_emulator.url}" in done.stderr


def test_the_emulator_does_not_promise_a_job_that_ends_with_it() -> None:
    done = _run("transcribe", PAYLOAD_FILE, "--emulator", "--poll-timeout", "0.01", key=None)
    assert done.returncode == 1
    assert "legacy-stt result" not in done.stderr and "emulator" in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["transcribe", PAYLOAD_FILE, "--emulator", "--journal", ""],
        ["transcribe", PAYLOAD_FILE, "--emulator", "--out", ""],
        ["result", " ", "--base-url", "http://127.0.0.1:9"],
        ["transcribe", PAYLOAD_FILE, "--emulator", "--model", "#g1_nova-2-general"],
        ["result", "job-1", "--model", "nova3", "--base-url", "http://127.0.0.1:9"],
    ],
)
def test_usage_errors_are_usage_errors_before_anything_is_sent(argv: list[str]) -> None:
    done = _run(*argv)
    assert done.returncode == 2, done.stderr
    assert "a bug" not in done.stderr and "Traceback" not in done.stderr
    assert "refused" not in done.stderr  # nothing was tried: port 9 would refuse


def test_the_standalone_emulator_refuses_a_port_out_of_range() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "legacy_stt.testing", "--port", "99999"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "--port" in done.stderr and "Traceback" not in done.stderr
