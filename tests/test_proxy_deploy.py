"""The proxy as operators run it (issue 18): under load it cannot hold, and stopped.

``legacy-stt serve`` in a subprocess with bodies far larger than it should
hold in memory and a stop with calls in flight; the application under
uvicorn's own command line with several workers, and mounted in a Starlette
application.
"""

from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
import requests
from _proxying import Served, address, read_all
from _support import EXAMPLES, FAST_POLLS, SECRET_KEY, transcript

from legacy_stt.proxy import CompatibilityProxy, ServerLimits, create_app
from legacy_stt.testing import Emulator

AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}
AUTH_LINE = f"Authorization: Bearer {SECRET_KEY}\r\n"
PAYLOAD = {"model": "#g1_nova-2-general", "url": "https://example.com/audio/support-call.mp3"}
AUDIO = EXAMPLES / "audio" / "beeps.wav"


needs_proc = pytest.mark.skipif(
    not pathlib.Path("/proc/self/status").exists(), reason="reads /proc/<pid>/status"
)
MIB = 1024 * 1024


@needs_proc
def test_memory_stays_flat_under_a_1_gib_legacy_upload(tmp_path: pathlib.Path) -> None:
    # The job outlives --poll-timeout, so the answer is a small 504: what is measured is the
    # upload (spooled, then sent to the service), not a transcript, which the emulator makes
    # as long as the audio and which the legacy answer holds whole.
    size = 1024 * MIB
    with Emulator(job_duration=120) as upstream:
        served = Served(
            "--upstream", upstream.url, "--poll-timeout", "0.5", env={"TMPDIR": str(tmp_path)}
        )
        try:
            # a first, small upload loads what every call uses (parsers, schemas, the client)
            with AUDIO.open("rb") as audio:
                warm = requests.post(
                    served.url + "/v1/stt",
                    data={"model": "#g1_whisper-base"},
                    files={"audio": ("beeps.wav", audio, "audio/wav")},
                    headers=AUTH,
                    timeout=30,
                )
            assert warm.status_code == 504, warm.text
            before = served.peak_memory()
            boundary = "legacy-stt-boundary"
            head = (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="model"\r\n\r\n#g1_whisper-base\r\n'
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="audio"; filename="long.wav"\r\n'
                "Content-Type: audio/wav\r\n\r\n"
            ).encode()
            tail = f"\r\n--{boundary}--\r\n".encode()
            block = os.urandom(MIB)

            host, port = served.url[len("http://") :].rsplit(":", 1)
            with socket.create_connection((host, int(port)), timeout=120) as connection:
                connection.sendall(
                    f"POST /v1/stt HTTP/1.1\r\nHost: {host}:{port}\r\n{AUTH_LINE}"
                    f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                    f"Content-Length: {len(head) + size + len(tail)}\r\n\r\n".encode()
                    + head
                )
                for _ in range(size // MIB):
                    connection.sendall(block)
                connection.sendall(tail)
                answer = read_all(connection, timeout=120)
            peak = served.peak_memory()
        finally:
            code, _stdout, stderr = served.stop()
        assert answer.startswith(b"HTTP/1.1 504 "), answer[:300]
        assert b'"generation_id"' in answer
        assert upstream.creates[1].files["audio"][2] == size  # all of it reached the service
    assert code == 0, stderr
    print(f"1 GiB upload: peak memory {before / MIB:.0f} MiB before, {peak / MIB:.0f} MiB after")
    assert peak - before < 64 * MIB, (before, peak)
    assert list(tmp_path.iterdir()) == []  # the spooled upload is gone


@needs_proc
def test_memory_stays_flat_under_a_250_mib_body_without_a_key() -> None:
    with Emulator() as upstream:
        served = Served("--upstream", upstream.url)
        try:
            before = served.peak_memory()
            host, port = served.url[len("http://") :].rsplit(":", 1)
            size = 250 * MIB
            block = b"\0" * MIB
            sent = 0
            with socket.create_connection((host, int(port)), timeout=10) as connection:
                connection.sendall(
                    f"POST /v1/stt HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    "Content-Type: multipart/form-data; boundary=xyz\r\n"
                    f"Content-Length: {size}\r\n\r\n".encode()
                )
                try:  # a caller that sends it all, whatever the answer says
                    while sent < size:
                        connection.sendall(block)
                        sent += len(block)
                except OSError:
                    pass
                answer = read_all(connection)
            peak = served.peak_memory()
        finally:
            code, _stdout, stderr = served.stop()
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]
    assert code == 0, stderr
    assert peak - before < 32 * MIB, (before, peak)
    assert upstream.requests == []


# -- stopping ----------------------------------------------------------------------------------


def test_sigterm_answers_a_waiting_call_503_with_its_generation_id() -> None:
    with Emulator(api_key=SECRET_KEY, job_duration=60) as upstream:
        served = Served("--upstream", upstream.url, "--shutdown-grace", "1")
        answers: list[requests.Response] = []
        caller = threading.Thread(
            target=lambda: answers.append(
                requests.post(served.url + "/v1/stt", json=PAYLOAD, headers=AUTH, timeout=30)
            )
        )
        caller.start()
        deadline = time.monotonic() + 10
        while not upstream.creates and time.monotonic() < deadline:
            time.sleep(0.01)
        stopping = time.monotonic()
        code, _stdout, stderr = served.stop()
        took = time.monotonic() - stopping
        caller.join(timeout=10)
        [created] = upstream.jobs
    [answer] = answers
    assert answer.status_code == 503
    body = answer.json()
    assert body["generation_id"] == created == answer.headers["X-Generation-Id"]
    assert f"GET /v1/stt/{created}" in body["message"]
    assert answer.headers["Deprecation"]  # still a legacy answer
    assert code == 0 and "Traceback" not in stderr, stderr
    assert took < 10
    assert any(" 503 " in line and created in line for line in stderr.splitlines()), stderr


def test_stop_lets_a_call_finish_within_the_grace(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = 1.0
    proxy = CompatibilityProxy(
        port=0, upstream=stt_emulator.url, poll_policy=FAST_POLLS, shutdown_grace=10
    ).start()
    answers: list[requests.Response] = []
    caller = threading.Thread(
        target=lambda: answers.append(
            requests.post(proxy.url + "/v1/stt", json=PAYLOAD, headers=AUTH, timeout=30)
        )
    )
    caller.start()
    while not stt_emulator.creates:
        time.sleep(0.01)
    proxy.stop()
    caller.join(timeout=10)
    assert answers[0].status_code == 201 and transcript(answers[0].json())


def test_limits_are_checked_when_they_are_given() -> None:
    from legacy_stt import ConfigurationError

    for bad in (
        {"max_connections": 0},
        {"header_timeout": 0},
        {"body_timeout": -1},
        {"keep_alive_timeout": "5"},
        {"shutdown_grace": -1},
    ):
        with pytest.raises(ConfigurationError, match=next(iter(bad))):
            ServerLimits(**bad)


def test_a_stalled_body_is_408(stt_emulator: Emulator) -> None:
    with CompatibilityProxy(port=0, upstream=stt_emulator.url, body_timeout=0.5) as proxy:
        host, port = address(proxy)
        with socket.create_connection((host, port), timeout=10) as connection:
            connection.sendall(
                f"POST /v1/stt HTTP/1.1\r\nHost: {host}:{port}\r\n{AUTH_LINE}"
                "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{".encode()
            )
            answer = read_all(connection)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert stt_emulator.requests == []


# -- run as operators run it ------------------------------------------------------------------

APP_MODULE = """\
import os

from legacy_stt.proxy import create_app

app = create_app(upstream=os.environ["STT_UPSTREAM"], api_key_env="STT_KEY")
"""


def test_the_app_under_uvicorns_own_command_line_with_two_workers(tmp_path: pathlib.Path) -> None:
    (tmp_path / "stt_proxy.py").write_text(APP_MODULE)
    # uvicorn's supervisor does not report the port it got for --port 0: pick a free one
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Emulator(api_key=SECRET_KEY) as upstream:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
        environment.update(STT_UPSTREAM=upstream.url, STT_KEY=SECRET_KEY)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "stt_proxy:app",
                "--app-dir",
                str(tmp_path),
                "--port",
                str(port),
                "--workers",
                "2",
                "--no-access-log",
            ],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=environment,
        )
        try:
            assert process.stderr is not None
            started = 0
            for line in process.stderr:  # each worker says when its application is ready
                started += "Application startup complete" in line
                if started == 2:
                    break
            assert started == 2, "uvicorn's workers did not start"
            url = f"http://127.0.0.1:{port}"
            statuses = [
                requests.post(url + "/v1/stt", json=PAYLOAD, timeout=30).status_code
                for _ in range(4)
            ]
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert statuses == [201] * 4  # the key came from STT_KEY, in each worker
    assert len(upstream.creates) == 4 and all(create.authorized for create in upstream.creates)
    assert process.returncode == 0


def test_the_app_mounted_in_a_starlette_application(stt_emulator: Emulator) -> None:
    starlette_routing = pytest.importorskip("starlette.routing")
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse

    async def home(request: Any) -> PlainTextResponse:
        return PlainTextResponse("the operator's own app")

    stt = create_app(upstream=stt_emulator.url, poll_policy=FAST_POLLS)
    application = Starlette(
        routes=[
            starlette_routing.Route("/", home),
            starlette_routing.Mount("/speech", app=stt),
        ]
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(application, port=port, log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        base = f"http://127.0.0.1:{port}"
        legacy = requests.post(base + "/speech/v1/stt", json=PAYLOAD, headers=AUTH, timeout=20)
        health = requests.get(base + "/speech/healthz", timeout=10)
        own = requests.get(base + "/", timeout=10)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert legacy.status_code == 201 and transcript(legacy.json())
    assert health.json()["status"] == "ok" and own.text == "the operator's own app"
    assert next(r.path for r in stt_emulator.requests) == "/v1/stt/create"
