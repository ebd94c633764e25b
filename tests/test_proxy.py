"""The compatibility proxy (``legacy-stt serve``): real HTTP from curl, Node and requests.

Every test runs the proxy on a free loopback port in front of the emulator
(or in front of a closed port, to see the upstream down). The CLI tests run
``legacy-stt serve`` as a real process and stop it with a signal.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import logging
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from _proxying import SCRIPT, Served
from _speed import FAST_RETRIES
from _support import EXAMPLES, FAST_POLLS, SECRET_KEY, transcript

import legacy_stt
from legacy_stt import Client
from legacy_stt.cli import serve_command
from legacy_stt.proxy import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    WARNING_HEADER,
    CompatibilityProxy,
    ServerLimits,
)
from legacy_stt.testing import Emulator

CURL = shutil.which("curl")
NODE = shutil.which("node")
AUDIO = EXAMPLES / "audio" / "beeps.wav"
AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}
#: The documentation's legacy call.
DOC_PAYLOAD = {
    "model": "#g1_nova-2-general",
    "url": "https://example.com/audio/support-call.mp3",
    "punctuate": True,
    "smart_format": True,
}
ACCESS_LINE = re.compile(r"\b(GET|POST|PUT|HEAD|DELETE) /\S* (\d{3}|-) \d+ms in=\d+B out=\d+B")


@pytest.fixture
def proxy(stt_emulator: Emulator) -> Iterator[CompatibilityProxy]:
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, poll_policy=FAST_POLLS, poll_timeout=10
    ) as running:
        yield running


def legacy_body_from_client(payload: dict[str, Any], emulator: Emulator, audio: Any = None) -> Any:
    """What Client.stt gives for ``payload`` on the same emulator: the reference answer."""
    with Client(SECRET_KEY, base_url=emulator.url, poll_policy=FAST_POLLS) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return client.stt(payload, audio=audio)


def assert_same_legacy_body(got: Any, expected: Any) -> None:
    assert transcript(got) and transcript(got) == transcript(expected)
    assert got["results"] == expected["results"]
    assert set(got["metadata"]) == set(expected["metadata"])


def curl(url: str, *args: str) -> tuple[int, dict[str, list[str]], str]:
    """Run curl; the status, the headers of the final answer (lower-case names) and the body."""
    assert CURL
    result = subprocess.run(
        [CURL, "-sS", "-D", "-", "--max-time", "20", *args, url],
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    # -D - puts every header block (a "100 Continue" first, perhaps) before the body
    blocks = result.stdout.decode("utf-8").split("\r\n\r\n")
    index = max(i for i, block in enumerate(blocks[:-1]) if block.startswith("HTTP/"))
    status_line, *lines = blocks[index].split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(status_line.split()[1]), headers, "\r\n\r\n".join(blocks[index + 1 :])


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "legacy_stt.proxy.app" and ACCESS_LINE.search(record.getMessage())
    ]


# -- curl ------------------------------------------------------------------------


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
@pytest.mark.parametrize("path", ["/v1/stt", "/stt"])
def test_curl_documentation_call_gets_201_and_the_legacy_body(
    proxy: CompatibilityProxy, stt_emulator: Emulator, path: str
) -> None:
    status, headers, text = curl(
        proxy.url + path,
        "-H",
        f"Authorization: Bearer {SECRET_KEY}",
        "-H",
        "Content-Type: application/json",
        "-d",
        json.dumps(DOC_PAYLOAD),
    )
    assert status == 201, text
    assert headers["content-type"] == ["application/json"]
    body = json.loads(text)
    assert headers["x-generation-id"][0] in stt_emulator.jobs
    assert len(stt_emulator.creates) == 1 and stt_emulator.creates[0].authorized
    assert stt_emulator.creates[0].json["url"] == DOC_PAYLOAD["url"]
    assert_same_legacy_body(body, legacy_body_from_client(DOC_PAYLOAD, stt_emulator))
    assert SECRET_KEY not in text


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_curl_multipart_upload(proxy: CompatibilityProxy, stt_emulator: Emulator) -> None:
    status, _headers, text = curl(
        proxy.url + "/v1/stt",
        "-H",
        f"Authorization: Bearer {SECRET_KEY}",
        "-F",
        "model=#g1_whisper-base",
        "-F",
        "punctuate=true",
        "-F",
        f"audio=@{AUDIO}",
    )
    assert status == 201, text
    body = json.loads(text)
    create = stt_emulator.creates[0]
    assert create.files["audio"][2] == AUDIO.stat().st_size  # the whole file went upstream
    assert create.form["model"] == "#g1_whisper-base"
    expected = legacy_body_from_client(
        {"model": "#g1_whisper-base", "punctuate": True}, stt_emulator, audio=AUDIO
    )
    assert_same_legacy_body(body, expected)
    assert body["metadata"]["duration"] == expected["metadata"]["duration"] > 0


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_notices_come_back_as_warning_headers(proxy: CompatibilityProxy) -> None:
    payload = {**DOC_PAYLOAD, "diarise": True}
    status, headers, _text = curl(
        proxy.url + "/v1/stt",
        "-H",
        f"Authorization: Bearer {SECRET_KEY}",
        "-H",
        "Content-Type: application/json",
        "-d",
        json.dumps(payload),
    )
    assert status == 201
    warning_headers = headers[WARNING_HEADER.lower()]
    assert len(warning_headers) == 1
    assert warning_headers[0].startswith("unknown-parameter: ") and "diarize" in warning_headers[0]


def test_warning_headers_are_one_line_of_ascii(proxy: CompatibilityProxy) -> None:
    # A parameter name with a line break and non-ASCII text must not break the headers.
    payload = {**DOC_PAYLOAD, "bad\r\nX-Injected: 1": True, "sprache": "d\u00e9j\u00e0 \u2192"}
    response = requests.post(proxy.url + "/v1/stt", json=payload, headers=AUTH, timeout=20)
    assert response.status_code == 201
    assert "X-Injected" not in response.headers
    values = response.raw.headers.getlist(WARNING_HEADER)
    assert len(values) == 2
    assert all(value.isascii() and "\n" not in value for value in values)


# -- Node ------------------------------------------------------------------------

NODE_SCRIPT = r"""
import { readFileSync } from "node:fs";
const [url, key, audioPath, payload] = process.argv.slice(2);
const auth = { Authorization: `Bearer ${key}` };
const asJson = await fetch(url, {
  method: "POST",
  headers: { ...auth, "Content-Type": "application/json" },
  body: payload,
});
const form = new FormData();
form.append("model", "#g1_whisper-base");
form.append("punctuate", "true");
form.append("audio", new Blob([readFileSync(audioPath)], { type: "audio/wav" }), "beeps.wav");
const upload = await fetch(url, { method: "POST", headers: auth, body: form });
const out = [];
for (const answer of [asJson, upload]) {
  out.push({ status: answer.status, body: await answer.json() });
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_node_fetch_json_and_form_data(
    proxy: CompatibilityProxy, stt_emulator: Emulator, tmp_path: pathlib.Path
) -> None:
    assert NODE
    script = tmp_path / "legacy_call.mjs"
    script.write_text(NODE_SCRIPT)
    result = subprocess.run(
        [NODE, str(script), proxy.url + "/v1/stt", SECRET_KEY, str(AUDIO), json.dumps(DOC_PAYLOAD)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    as_json, upload = json.loads(result.stdout)
    assert as_json["status"] == 201 and upload["status"] == 201
    assert_same_legacy_body(as_json["body"], legacy_body_from_client(DOC_PAYLOAD, stt_emulator))
    assert_same_legacy_body(
        upload["body"],
        legacy_body_from_client(
            {"model": "#g1_whisper-base", "punctuate": True}, stt_emulator, audio=AUDIO
        ),
    )
    assert stt_emulator.creates[1].files["audio"][2] == AUDIO.stat().st_size


# -- refusals --------------------------------------------------------------------


@pytest.fixture
def small_proxy(stt_emulator: Emulator) -> Iterator[CompatibilityProxy]:
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, poll_policy=FAST_POLLS, max_body_size=1024
    ) as running:
        yield running


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("path", ["/v1/stt", "/v1/stt/create"])
def test_bodies_over_the_limit_get_413_json(
    small_proxy: CompatibilityProxy,
    stt_emulator: Emulator,
    tmp_path: pathlib.Path,
    chunked: bool,
    path: str,
) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps({**DOC_PAYLOAD, "tag": ["x" * 100] * 200}))
    args = ["-H", f"Authorization: Bearer {SECRET_KEY}", "-H", "Content-Type: application/json"]
    if chunked:
        args += ["-H", "Transfer-Encoding: chunked"]
    status, headers, text = curl(small_proxy.url + path, *args, "--data-binary", f"@{big}")
    assert status == 413
    assert headers["content-type"] == ["application/json"]
    body = json.loads(text)
    assert body["statusCode"] == 413 and "1 KiB" in body["message"]
    assert headers["connection"] == ["close"]  # the rest of the body was not read
    # A forwarded chunked body is streamed: the upstream saw its start, then the connection
    # closed before the last chunk. No job came of it.
    assert stt_emulator.jobs == {}
    if path == "/v1/stt" or not chunked:
        assert stt_emulator.creates == []


def test_content_length_over_the_limit_is_refused_without_reading_the_body(
    small_proxy: CompatibilityProxy,
) -> None:
    host, port = small_proxy.url[len("http://") :].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(
            f"POST /v1/stt HTTP/1.1\r\nHost: {host}:{port}\r\n".encode()
            + f"Authorization: Bearer {SECRET_KEY}\r\nContent-Type: application/json\r\n".encode()
            + b"Content-Length: 5000000000\r\nExpect: 100-continue\r\n\r\n"
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += connection.recv(4096)
    head = answer.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 413 ") and "100 Continue" not in head
    assert "connection: close" in head.lower()  # header names are case-insensitive


def test_expect_100_continue_is_answered_when_the_body_is_wanted(
    proxy: CompatibilityProxy,
) -> None:
    body = json.dumps(DOC_PAYLOAD).encode()
    host, port = proxy.url[len("http://") :].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"POST /v1/stt HTTP/1.1\r\nHost: {host}:{port}\r\n".encode()
            + b"Content-Type: application/json\r\n"
            + f"Authorization: Bearer {SECRET_KEY}\r\nContent-Length: {len(body)}\r\n".encode()
            + b"Expect: 100-continue\r\n\r\n"
        )
        assert connection.recv(4096).startswith(b"HTTP/1.1 100 Continue\r\n")
        connection.sendall(body)
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 201 ")


def test_no_authorization_is_401_json(proxy: CompatibilityProxy, stt_emulator: Emulator) -> None:
    response = requests.post(proxy.url + "/v1/stt", json=DOC_PAYLOAD, timeout=10)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["statusCode"] == 401 and "Authorization" in response.json()["message"]
    assert stt_emulator.creates == []


def test_fallback_key_only_when_no_authorization_is_sent(stt_emulator: Emulator) -> None:
    stt_emulator.api_key = SECRET_KEY  # the emulator now takes only this key
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, poll_policy=FAST_POLLS, fallback_api_key=SECRET_KEY
    ) as proxy:
        assert SECRET_KEY not in repr(proxy)
        anonymous = requests.post(proxy.url + "/v1/stt", json=DOC_PAYLOAD, timeout=20)
        assert anonymous.status_code == 201
        generation_id = anonymous.headers["X-Generation-Id"]
        poll = requests.get(f"{proxy.url}/v1/stt/{generation_id}", timeout=10)
        assert poll.status_code == 200 and poll.json()["status"] == "completed"
        # a caller's own key is passed on as it is, never replaced
        other = requests.post(
            proxy.url + "/v1/stt",
            json=DOC_PAYLOAD,
            headers={"Authorization": "Bearer someone-elses-key"},
            timeout=20,
        )
        assert other.status_code == 401
        health = requests.get(proxy.url + "/healthz", timeout=10)
    assert all(r.authorized for r in stt_emulator.requests[:-1])
    assert not stt_emulator.requests[-1].authorized
    for response in (anonymous, poll, other, health):
        assert SECRET_KEY not in response.text


@pytest.mark.parametrize(
    "method, path",
    [("POST", "/v1/stt"), ("GET", "/v1/stt/some-job"), ("POST", "/v1/stt/create")],
)
def test_upstream_down_is_502_json(method: str, path: str) -> None:
    upstream = f"http://127.0.0.1:{closed_port()}"
    # fast backoffs: this test is about the outcome, not the default waits (same retry count)
    with CompatibilityProxy(
        port=0, upstream=upstream, poll_policy=FAST_POLLS, retry=FAST_RETRIES
    ) as proxy:
        response = requests.request(
            method, proxy.url + path, json=DOC_PAYLOAD, headers=AUTH, timeout=20
        )
    assert response.status_code == 502
    body = response.json()
    assert body["statusCode"] == 502 and body["error"] == "Bad Gateway" and body["message"]
    assert SECRET_KEY not in response.text


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/"), ("GET", "/v2/stt"), ("POST", "/v1"), ("GET", "/stt"), ("GET", "/v1/../admin")],
)
def test_unknown_paths_are_404_json(proxy: CompatibilityProxy, method: str, path: str) -> None:
    # http.client sends the path as written (requests would remove the "..")
    host, port = proxy.url[len("http://") :].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, headers=AUTH)
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 404 and response.getheader("Content-Type") == "application/json"
    assert body["statusCode"] == 404 and body["error"] == "Not Found"


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"GET /v1/stt/x HTTP/1.1\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n", 431),
        (b"TRACE /v1/stt HTTP/1.1\r\nHost: proxy\r\n\r\n", 501),
    ],
    ids=["header-too-long", "unsupported-method"],
)
def test_requests_the_server_cannot_parse_get_json_too(
    proxy: CompatibilityProxy, request_bytes: bytes, status: int
) -> None:
    host, port = proxy.url[len("http://") :].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request_bytes)
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 ") and f" {status} ".encode() in head.split(b"\r\n")[0]
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body)["statusCode"] == status


def test_health_reports_the_configuration_and_never_a_key(stt_emulator: Emulator) -> None:
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, target="nova-3", fallback_api_key=SECRET_KEY
    ) as proxy:
        for path in ("/healthz", "/health"):
            response = requests.get(proxy.url + path, timeout=10)
            assert response.status_code == 200
            body = response.json()
            assert body["status"] == "ok" and body["upstream"] == stt_emulator.url
            assert body["target"] == "nova-3" and body["version"] == legacy_stt.__version__
            assert SECRET_KEY not in response.text
            assert response.headers["Server"] == f"legacy-stt-proxy/{legacy_stt.__version__}"
    assert stt_emulator.requests == []  # the health check does not bother the upstream


# -- forwarding --------------------------------------------------------------------


def test_two_step_calls_are_forwarded_with_the_callers_authorization(
    proxy: CompatibilityProxy, stt_emulator: Emulator
) -> None:
    stt_emulator.api_key = SECRET_KEY
    created = requests.post(
        proxy.url + "/v1/stt/create", json=DOC_PAYLOAD, headers=AUTH, timeout=10
    )
    assert created.status_code == 200, created.text
    generation_id = created.json()["generation_id"]
    deadline = time.monotonic() + 10
    while True:
        polled = requests.get(
            f"{proxy.url}/v1/stt/{generation_id}?note=ignored", headers=AUTH, timeout=10
        )
        assert polled.status_code == 200
        if polled.json()["status"] == "completed" or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert transcript(polled.json()["result"])
    assert "x-request-id" in polled.headers  # the upstream's own headers come back
    routes = [(r.method, r.path, r.route, r.authorized) for r in stt_emulator.requests]
    assert routes[0] == ("POST", "/v1/stt/create", "create", True)
    assert all(route == ("GET", f"/v1/stt/{generation_id}", "poll", True) for route in routes[1:])
    assert stt_emulator.creates[0].json == DOC_PAYLOAD
    # a key the upstream refuses comes back as the upstream said it
    refused = requests.get(
        f"{proxy.url}/v1/stt/{generation_id}",
        headers={"Authorization": "Bearer wrong"},
        timeout=10,
    )
    assert refused.status_code == 401 and refused.json()["statusCode"] == 401


def test_forwarded_bodies_are_streamed_multipart_and_chunked(
    proxy: CompatibilityProxy, stt_emulator: Emulator
) -> None:
    with AUDIO.open("rb") as audio:
        upload = requests.post(
            proxy.url + "/v1/stt/create",
            data={"model": "#g1_whisper-base"},
            files={"audio": ("beeps.wav", audio, "audio/wav")},
            headers=AUTH,
            timeout=10,
        )
    assert upload.status_code == 200, upload.text
    assert stt_emulator.creates[0].files["audio"] == (
        "beeps.wav",
        "audio/wav",
        AUDIO.stat().st_size,
    )

    def pieces() -> Iterator[bytes]:  # no length known: requests sends it chunked
        text = json.dumps(DOC_PAYLOAD).encode()
        yield text[:10]
        yield text[10:]

    chunked = requests.post(
        proxy.url + "/v1/stt/create",
        data=pieces(),
        headers={**AUTH, "Content-Type": "application/json"},
        timeout=10,
    )
    assert chunked.status_code == 200, chunked.text
    assert stt_emulator.creates[1].json == DOC_PAYLOAD


def test_legacy_call_with_a_chunked_body(proxy: CompatibilityProxy, stt_emulator: Emulator) -> None:
    def pieces() -> Iterator[bytes]:
        text = json.dumps(DOC_PAYLOAD).encode()
        yield from (text[i : i + 7] for i in range(0, len(text), 7))

    response = requests.post(
        proxy.url + "/stt",
        data=pieces(),
        headers={**AUTH, "Content-Type": "application/json"},
        timeout=20,
    )
    assert response.status_code == 201
    assert_same_legacy_body(response.json(), legacy_body_from_client(DOC_PAYLOAD, stt_emulator))


def test_fifty_concurrent_legacy_requests(
    proxy: CompatibilityProxy, stt_emulator: Emulator
) -> None:
    def call(number: int) -> int:
        payload = {**DOC_PAYLOAD, "url": f"https://example.com/audio/call-{number}.mp3"}
        return requests.post(
            proxy.url + "/v1/stt", json=payload, headers=AUTH, timeout=30
        ).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(call, range(50)))
    assert statuses == [201] * 50
    assert len(stt_emulator.creates) == 50


# -- logging and failures -------------------------------------------------------------


def test_one_log_line_per_request_without_query_or_key(
    stt_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    with CompatibilityProxy(port=0, upstream=stt_emulator.url, poll_policy=FAST_POLLS) as proxy:
        legacy = requests.post(
            proxy.url + "/v1/stt", json={**DOC_PAYLOAD, "diarise": True}, headers=AUTH, timeout=20
        )
        requests.get(f"{proxy.url}/v1/stt/missing?token=hush-hush", headers=AUTH, timeout=10)
        requests.get(proxy.url + "/healthz", timeout=10)
    lines = access_lines(caplog)
    assert len(lines) == 3, lines
    assert lines[0].startswith("POST /v1/stt 201 ")
    assert f"generation_id={legacy.headers['X-Generation-Id']}" in lines[0]
    assert "notices=1" in lines[0]
    assert lines[1].startswith("GET /v1/stt/missing 404 ")
    proxy_text = " ".join(
        r.getMessage() for r in caplog.records if r.name == "legacy_stt.proxy.app"
    )
    assert "hush-hush" not in proxy_text
    assert lines[2].startswith("GET /healthz 200 ")
    assert all(
        record.levelno == logging.INFO for record in caplog.records if record.getMessage() in lines
    )
    assert SECRET_KEY not in caplog.text


def test_an_unexpected_error_is_500_json_and_one_error_line(
    proxy: CompatibilityProxy, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(proxy.endpoint, "reply", broken)
    response = requests.post(proxy.url + "/v1/stt", json=DOC_PAYLOAD, headers=AUTH, timeout=10)
    assert response.status_code == 500 and response.json()["statusCode"] == 500
    assert "a bug" not in response.text
    proxy.stop()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "RuntimeError" in errors[0].getMessage()
    assert errors[0].exc_info is None  # the traceback is for DEBUG only
    assert any(r.exc_info for r in caplog.records if r.levelno == logging.DEBUG)


def test_stop_lets_a_request_in_flight_finish(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = 0.4
    proxy = CompatibilityProxy(port=0, upstream=stt_emulator.url, poll_policy=FAST_POLLS).start()
    url = proxy.url
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(
            requests.post, url + "/v1/stt", json=DOC_PAYLOAD, headers=AUTH, timeout=10
        )
        while not stt_emulator.creates:
            time.sleep(0.01)
        proxy.stop()
        assert pending.result().status_code == 201
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/healthz", timeout=2)


def test_bad_options_are_configuration_errors() -> None:
    with pytest.raises(legacy_stt.ConfigurationError, match="base URL"):
        CompatibilityProxy(upstream="ftp://example.com")
    with pytest.raises(legacy_stt.ConfigurationError, match="plain http"):
        CompatibilityProxy(upstream="http://example.com")
    with pytest.raises(legacy_stt.ConfigurationError, match="max_body_size"):
        CompatibilityProxy(max_body_size=0)


# -- the command line ---------------------------------------------------------------


def test_serve_defaults_agree_with_the_library() -> None:
    assert (serve_command.DEFAULT_HOST, serve_command.DEFAULT_PORT) == (DEFAULT_HOST, DEFAULT_PORT)
    limits = ServerLimits()
    assert (
        limits.max_connections,
        limits.header_timeout,
        limits.body_timeout,
        limits.keep_alive_timeout,
        limits.shutdown_grace,
    ) == (
        serve_command.DEFAULT_MAX_CONNECTIONS,
        serve_command.DEFAULT_HEADER_TIMEOUT,
        serve_command.DEFAULT_BODY_TIMEOUT,
        serve_command.DEFAULT_KEEP_ALIVE_TIMEOUT,
        serve_command.DEFAULT_SHUTDOWN_GRACE,
    )


@pytest.mark.parametrize(
    "text, size",
    [("1048576", 1048576), ("500M", 500 * 1024**2), ("2G", 2 * 1024**3), ("64KiB", 65536)],
)
def test_sizes(text: str, size: int) -> None:
    assert serve_command.parse_size(text) == size


def test_serve_answers_then_stops_cleanly_on_sigint() -> None:
    with Emulator(api_key=SECRET_KEY) as upstream:
        served = Served(
            "--upstream", upstream.url, "--api-key-env", "LSTT_TEST_KEY",
            env={"LSTT_TEST_KEY": SECRET_KEY},
        )  # fmt: skip
        try:
            with_header = requests.post(
                served.url + "/v1/stt", json=DOC_PAYLOAD, headers=AUTH, timeout=20
            )
            fallback = requests.post(served.url + "/stt", json=DOC_PAYLOAD, timeout=20)
        finally:
            code, stdout, stderr = served.stop(signal.SIGINT)
    assert with_header.status_code == 201 and fallback.status_code == 201
    assert all(r.authorized for r in upstream.creates) and len(upstream.creates) == 2
    assert code == 0, stderr
    assert "Traceback" not in stderr and stdout == ""
    assert SECRET_KEY not in stderr
    lines = [line for line in stderr.splitlines() if ACCESS_LINE.search(line)]
    assert len(lines) == 2, stderr
    assert "POST /v1/stt 201 " in lines[0] and "POST /stt 201 " in lines[1]


def test_serve_lends_its_key_to_speech_to_text_callers_only() -> None:
    guide = "https://wiki.example/MIGRATION.md"
    with Emulator(api_key=SECRET_KEY) as upstream:
        served = Served(
            "--upstream", upstream.url, "--api-key-env", "LSTT_TEST_KEY",
            "--allowed-origin", "https://app.example", "--allowed-host", "stt.internal",
            "--migration-guide-url", guide,
            env={"LSTT_TEST_KEY": SECRET_KEY},
        )  # fmt: skip
        try:
            port = served.url.rsplit(":", 1)[1]
            page = requests.post(
                served.url + "/v1/stt",
                data=json.dumps(DOC_PAYLOAD),
                headers={"Origin": "https://evil.example", "Content-Type": "text/plain"},
                timeout=20,
            )
            allowed_page = requests.post(
                served.url + "/v1/stt",
                json=DOC_PAYLOAD,
                headers={"Origin": "https://app.example"},
                timeout=20,
            )
            rebound = requests.get(
                served.url + "/healthz", headers={"Host": f"evil.example:{port}"}, timeout=10
            )
            named = requests.get(
                served.url + "/healthz", headers={"Host": f"stt.internal:{port}"}, timeout=10
            )
            chat = requests.post(served.url + "/v1/chat/completions", json={}, timeout=10)
        finally:
            code, _stdout, stderr = served.stop(signal.SIGTERM)
    assert code == 0, stderr
    assert page.status_code == 403 and rebound.status_code == 421
    assert allowed_page.status_code == 201 and named.status_code == 200
    assert allowed_page.headers["Link"] == f'<{guide}>; rel="deprecation"; type="text/html"'
    assert chat.status_code == 404  # the emulator's answer: it has no chat completions
    assert len(upstream.creates) == 1 and upstream.creates[0].authorized
    [chat_seen] = [r for r in upstream.requests if r.path == "/v1/chat/completions"]
    assert not chat_seen.authorized


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_serve_with_the_emulator_stops_cleanly_on_sigterm() -> None:
    served = Served("--emulator", "--host", "0.0.0.0")
    try:
        # the offline demo needs no key
        status, _headers, text = curl(
            served.url + "/v1/stt",
            "-H",
            "Content-Type: application/json",
            "-d",
            json.dumps(DOC_PAYLOAD),
        )
    finally:
        code, _stdout, stderr = served.stop(signal.SIGTERM)
    assert status == 201 and transcript(json.loads(text))
    assert code == 0 and "Traceback" not in stderr
    assert "reachable from the network" in stderr  # it listened on every interface
    assert len([line for line in stderr.splitlines() if ACCESS_LINE.search(line)]) == 1


def run_serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    assert SCRIPT
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
    environment.update(env or {})
    return subprocess.run(
        [SCRIPT, "serve", *args], capture_output=True, text=True, timeout=30, env=environment
    )


def test_serve_usage_errors_are_one_line_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        cases = [
            (("--port", port), "cannot listen on 127.0.0.1:" + port),
            (("--port", "0", "--upstream", "ftp://example.com"), "base URL"),
            (("--port", "0", "--max-body-size", "12Q"), "--max-body-size"),
            (("--port", "0", "--api-key-env", "LSTT_SURELY_UNSET"), "LSTT_SURELY_UNSET"),
            (("--port", "0", "--api-key-for-all-paths"), "--api-key-env"),
            (("--port", "0", "--allowed-origin", "null"), "--allowed-origin"),
            (("--port", "0", "--allowed-host", "http://x/"), "--allowed-host"),
            (("--port", "0", "--migration-guide-url", "MIGRATION.md"), "migration_guide_url"),
        ]
        # independent processes: run side by side (the same checks, in a fraction of the time)
        with concurrent.futures.ThreadPoolExecutor(len(cases)) as pool:
            results = list(pool.map(lambda case: run_serve(*case[0]), cases))
        for (args, fragment), result in zip(cases, results):
            lines = result.stderr.strip().splitlines()
            assert result.returncode == 2, (args, result.stderr)
            assert len(lines) == 1 and lines[0].startswith("legacy-stt: error: "), result.stderr
            assert fragment in lines[0] and "Traceback" not in result.stderr


def test_api_key_env_value_never_printed() -> None:
    result = run_serve(
        "--port", "0", "--upstream", "ftp://example.com", "--api-key-env", "LSTT_KEY",
        env={"LSTT_KEY": SECRET_KEY},
    )  # fmt: skip
    assert result.returncode == 2
    assert SECRET_KEY not in result.stderr + result.stdout
