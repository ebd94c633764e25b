"""The compatibility proxy against hostile callers and a hostile upstream (review issue 13).

The operator's key is not a web page's: requests from pages of other
origins, requests addressed by a rebound DNS name, and requests for other
paths than speech-to-text get nothing from it. A legacy request without a
key is refused before its body is read. Nothing from the upstream can forge
a log line, a body that breaks off leaves no temporary file open, and every
legacy answer says that the call is deprecated.

Every test runs real HTTP against a started proxy, with the emulator (or a
small hostile server in front of it) as the upstream.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import pathlib
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import pytest
import requests
from _proxying import address
from _support import FAST_POLLS, SECRET_KEY

from legacy_stt import ConfigurationError
from legacy_stt.proxy import CompatibilityProxy
from legacy_stt.testing import Emulator

AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}
PAYLOAD = {"model": "#g1_nova-2-general", "url": "https://example.com/audio/support-call.mp3"}
#: 2026-08-21T00:00:00Z, the day the published API description already said "deprecated".
DEPRECATION = "@1787270400"
#: The package's page on PyPI, the default target of the deprecation link.
LINK = '<https://pypi.org/project/legacy-stt/>; rel="deprecation"; type="text/html"'


@pytest.fixture
def keyed_proxy(stt_emulator: Emulator) -> Iterator[CompatibilityProxy]:
    """A proxy that lends the operator's key (``legacy-stt serve --api-key-env``)."""
    stt_emulator.api_key = SECRET_KEY  # the upstream takes only this key
    with CompatibilityProxy(
        port=0,
        upstream=stt_emulator.url,
        poll_policy=FAST_POLLS,
        poll_timeout=10,
        fallback_api_key=SECRET_KEY,
    ) as running:
        yield running


def call(
    proxy: CompatibilityProxy,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request with exactly these headers (a ``Host`` among them is sent as it is)."""
    connection = http.client.HTTPConnection(*address(proxy), timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def read_answer(connection: socket.socket) -> tuple[str, bytes]:
    """The head and body of one answer (by its Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    text = head.decode("latin-1")
    length = 0
    for line in text.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return text, body


# -- web pages -------------------------------------------------------------------------

# What a page can send without a CORS preflight: a form post, a text/plain fetch, and a fetch
# of a Blob without a type (no Content-Type at all, which the proxy reads as JSON).
SIMPLE_POSTS = [
    ("text/plain;charset=UTF-8", json.dumps(PAYLOAD).encode()),
    (
        "application/x-www-form-urlencoded",
        b"model=%23g1_nova-2-general&url=https%3A%2F%2Fexample.com%2Faudio%2Fcall.mp3",
    ),
    (None, json.dumps(PAYLOAD).encode()),
]


@pytest.mark.parametrize(
    "content_type, body", SIMPLE_POSTS, ids=["text-plain", "form", "no-content-type"]
)
@pytest.mark.parametrize("origin", ["http://evil.example", "null"])
def test_a_web_page_cannot_spend_the_operators_key(
    keyed_proxy: CompatibilityProxy,
    stt_emulator: Emulator,
    content_type: str | None,
    body: bytes,
    origin: str,
) -> None:
    headers = {"Origin": origin}
    if content_type:
        headers["Content-Type"] = content_type
    for path in ("/v1/stt", "/stt", "/v1/stt/create"):
        status, answer_headers, text = call(keyed_proxy, "POST", path, body, headers)
        assert status == 403, text
        assert json.loads(text)["statusCode"] == 403
        assert answer_headers["Content-Type"] == "application/json"
        assert "Access-Control-Allow-Origin" not in answer_headers
    assert stt_emulator.creates == [] and stt_emulator.requests == []


def test_a_page_of_another_site_without_an_origin_is_refused_too(
    keyed_proxy: CompatibilityProxy, stt_emulator: Emulator
) -> None:
    # An <img src> or a link: a GET with no Origin, but the browser says where it comes from.
    for site in ("cross-site", "same-site"):
        status, _headers, text = call(
            keyed_proxy, "GET", "/v1/stt/some-job", headers={"Sec-Fetch-Site": site}
        )
        assert status == 403, text
    assert stt_emulator.requests == []
    # typed into the address bar: the user's own request
    status, _headers, _text = call(
        keyed_proxy, "GET", "/healthz", headers={"Sec-Fetch-Site": "none"}
    )
    assert status == 200


def test_callers_that_are_not_pages_are_answered(
    keyed_proxy: CompatibilityProxy, stt_emulator: Emulator
) -> None:
    # no Origin (curl, server code), or the proxy's own origin
    plain = requests.post(keyed_proxy.url + "/v1/stt", json=PAYLOAD, timeout=20)
    assert plain.status_code == 201, plain.text
    own = requests.post(
        keyed_proxy.url + "/v1/stt", json=PAYLOAD, headers={"Origin": keyed_proxy.url}, timeout=20
    )
    assert own.status_code == 201, own.text
    assert len(stt_emulator.creates) == 2


def test_allowed_origins_are_answered_without_cors_headers(stt_emulator: Emulator) -> None:
    with CompatibilityProxy(
        port=0,
        upstream=stt_emulator.url,
        poll_policy=FAST_POLLS,
        allowed_origins=["https://app.example", "http://LOCALHOST:3000/"],
    ) as proxy:
        for origin in ("https://app.example", "https://app.example:443", "http://localhost:3000"):
            response = requests.post(
                proxy.url + "/v1/stt",
                json=PAYLOAD,
                headers={**AUTH, "Origin": origin, "Sec-Fetch-Site": "cross-site"},
                timeout=20,
            )
            assert response.status_code == 201, (origin, response.text)
            assert "Access-Control-Allow-Origin" not in response.headers
        other = requests.post(
            proxy.url + "/v1/stt",
            json=PAYLOAD,
            headers={**AUTH, "Origin": "http://localhost:3001"},
            timeout=20,
        )
        assert other.status_code == 403
    assert len(stt_emulator.creates) == 3


@pytest.mark.parametrize("origin", ["null", "*", "app.example", "ftp://app.example"])
def test_origins_that_are_not_one_cannot_be_allowed(origin: str) -> None:
    with pytest.raises(ConfigurationError, match="allowed_origins"):
        CompatibilityProxy(allowed_origins=[origin])


# -- DNS rebinding ------------------------------------------------------------------------


def test_a_rebound_host_name_is_refused(
    keyed_proxy: CompatibilityProxy, stt_emulator: Emulator
) -> None:
    _host, port = address(keyed_proxy)
    # evil.example now resolves to 127.0.0.1: the page's requests are "same-origin" to it
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}"):
        headers = {"Host": host, "Content-Type": "application/json"}
        status, answer_headers, text = call(
            keyed_proxy, "POST", "/v1/stt", json.dumps(PAYLOAD).encode(), headers
        )
        assert status == 421, (host, text)
        body = json.loads(text)
        assert body["statusCode"] == 421 and "--allowed-host" in body["message"]
        assert answer_headers["Connection"] == "close"
        # polls and forwards too: nothing goes upstream for it
        status, _headers, _text = call(keyed_proxy, "GET", "/v1/stt/x", headers={"Host": host})
        assert status == 421
    assert stt_emulator.requests == []


def test_the_names_of_the_listening_address_are_answered(keyed_proxy: CompatibilityProxy) -> None:
    _host, port = address(keyed_proxy)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost.:{port}", f"[::1]:{port}"):
        status, _headers, text = call(keyed_proxy, "GET", "/healthz", headers={"Host": host})
        assert status == 200, (host, text)


def test_malformed_or_missing_hosts_are_400(keyed_proxy: CompatibilityProxy) -> None:
    host, port = address(keyed_proxy)
    for request in (
        b"GET /healthz HTTP/1.1\r\n\r\n",  # HTTP/1.1 requires Host
        f"GET /healthz HTTP/1.1\r\nHost: a b:{port}\r\n\r\n".encode(),
        f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\nHost: x\r\n\r\n".encode(),
    ):
        with socket.create_connection((host, port), timeout=5) as connection:
            connection.sendall(request)
            head, body = read_answer(connection)
        assert head.startswith("HTTP/1.1 400 "), head
        assert json.loads(body)["statusCode"] == 400


def test_allowed_hosts_are_answered(stt_emulator: Emulator) -> None:
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, allowed_hosts=["stt.internal", "edge.example:9000"]
    ) as proxy:
        _host, port = address(proxy)
        for host, expected in (
            ("stt.internal", 200),
            (f"stt.internal:{port}", 200),
            ("edge.example:9000", 200),
            ("edge.example:9001", 421),
            ("evil.example", 421),
        ):
            status, _headers, _text = call(proxy, "GET", "/healthz", headers={"Host": host})
            assert status == expected, host
    with CompatibilityProxy(port=0, upstream=stt_emulator.url, allowed_hosts=["*"]) as anything:
        status, _headers, _text = call(anything, "GET", "/healthz", headers={"Host": "x.example"})
        assert status == 200
    with pytest.raises(ConfigurationError, match="allowed_hosts"):
        CompatibilityProxy(allowed_hosts=["http://stt.internal/"])


# -- what the operator's key is lent to ---------------------------------------------------


def test_other_paths_do_not_get_the_operators_key(
    keyed_proxy: CompatibilityProxy, stt_emulator: Emulator
) -> None:
    chat = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    requests.post(keyed_proxy.url + "/v1/chat/completions", json=chat, timeout=10)
    requests.get(keyed_proxy.url + "/v1/models", timeout=10)
    # an escaped "/" does not make another path look like a poll
    requests.get(keyed_proxy.url + "/v1/stt/x%2Fsecrets", timeout=10)
    created = requests.post(keyed_proxy.url + "/v1/stt/create", json=PAYLOAD, timeout=10)
    assert created.status_code == 200, created.text
    generation_id = created.json()["generation_id"]
    polled = requests.get(f"{keyed_proxy.url}/v1/stt/{generation_id}", timeout=10)
    assert polled.status_code == 200
    seen = {(r.method, unquote(r.path)): r.authorized for r in stt_emulator.requests}
    assert seen == {
        ("POST", "/v1/chat/completions"): False,
        ("GET", "/v1/models"): False,
        ("GET", "/v1/stt/x/secrets"): False,
        ("POST", "/v1/stt/create"): True,
        ("GET", f"/v1/stt/{generation_id}"): True,
    }


def test_the_operator_can_lend_the_key_to_every_path(stt_emulator: Emulator) -> None:
    with CompatibilityProxy(
        port=0,
        upstream=stt_emulator.url,
        fallback_api_key=SECRET_KEY,
        fallback_key_all_paths=True,
    ) as proxy:
        requests.post(proxy.url + "/v1/chat/completions", json={"model": "x"}, timeout=10)
    [seen] = stt_emulator.requests
    assert (seen.path, seen.authorized) == ("/v1/chat/completions", True)


# -- a legacy request without a key ---------------------------------------------------------


@pytest.mark.parametrize("authorization", [None, "Basic dXNlcjpwYXNz"], ids=["none", "basic"])
def test_a_huge_legacy_body_without_a_key_is_refused_before_it_is_read(
    proxy_without_key: CompatibilityProxy, stt_emulator: Emulator, authorization: str | None
) -> None:
    host, port = address(proxy_without_key)
    head = (
        f"POST /v1/stt HTTP/1.1\r\nHost: {host}:{port}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        "Content-Length: 262144000\r\n"  # 250 MiB announced, a few bytes sent
    )
    if authorization:
        head += f"Authorization: {authorization}\r\n"
    started = time.monotonic()
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(head.encode() + b"\r\n--xyz\r\n")
        answer, body = read_answer(connection)  # times out (fails) if the proxy waits for more
    assert time.monotonic() - started < 3
    assert answer.startswith("HTTP/1.1 401 "), answer
    # header names are case-insensitive
    assert "connection: close" in answer.lower() and "www-authenticate: bearer" in answer.lower()
    message = json.loads(body)
    assert message["statusCode"] == 401 and "Authorization" in message["message"]
    assert stt_emulator.requests == []


@pytest.fixture
def proxy_without_key(stt_emulator: Emulator) -> Iterator[CompatibilityProxy]:
    with CompatibilityProxy(port=0, upstream=stt_emulator.url, poll_policy=FAST_POLLS) as running:
        yield running


# -- a hostile upstream ---------------------------------------------------------------------

HOSTILE_ID = "abc\nFORGED 200 \r\x1b[31m"


class _HostileUpstream:
    """The emulator behind a server that renames every job to ``HOSTILE_ID``."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.real_id: str | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, response: requests.Response, renamed: dict[str, Any]) -> None:
                data = json.dumps(renamed).encode()
                self.send_response(response.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                response = requests.post(
                    outer.emulator.url + self.path,
                    data=body,
                    headers={
                        "Content-Type": self.headers.get("Content-Type", ""),
                        "Authorization": self.headers.get("Authorization", ""),
                    },
                    timeout=10,
                )
                answer = response.json()
                outer.real_id = answer.get("generation_id")
                self._answer(response, {**answer, "generation_id": HOSTILE_ID})

            def do_GET(self) -> None:
                response = requests.get(
                    f"{outer.emulator.url}/v1/stt/{outer.real_id}",
                    headers={"Authorization": self.headers.get("Authorization", "")},
                    timeout=10,
                )
                self._answer(response, {**response.json(), "generation_id": HOSTILE_ID})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_line_break_in_a_generation_id_forges_no_log_line(
    stt_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    hostile = _HostileUpstream(stt_emulator)
    try:
        with CompatibilityProxy(
            port=0, upstream=hostile.url, poll_policy=FAST_POLLS, poll_timeout=10
        ) as proxy:
            response = requests.post(proxy.url + "/v1/stt", json=PAYLOAD, headers=AUTH, timeout=20)
    finally:
        hostile.close()
    assert len(stt_emulator.creates) == 1  # the hostile id did reach the proxy
    assert "\n" not in response.headers.get("X-Generation-Id", "")
    records = [r for r in caplog.records if r.name == "legacy_stt.proxy.app"]
    access = [r.getMessage() for r in records if r.getMessage().startswith("POST /v1/stt ")]
    assert len(access) == 1, [r.getMessage() for r in records]
    for record in records:
        message = record.getMessage()
        assert not any(char in message for char in "\n\r\x1b"), message
    assert "generation_id=abc\\x0aFORGED\\x20200\\x20\\x0d\\x1b[31m" in access[0]
    proxy_text = "\n".join(record.getMessage() for record in records)
    assert not any(line.startswith("FORGED") for line in proxy_text.splitlines())


# -- an upload that breaks off --------------------------------------------------------------


def _open_files_under(directory: pathlib.Path) -> list[str]:
    found = []
    for entry in pathlib.Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(entry)
        except OSError:
            continue
        if target.startswith(str(directory)):
            found.append(target)
    return found


@pytest.mark.skipif(not pathlib.Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")
def test_an_upload_that_breaks_off_leaves_no_temporary_file(
    proxy_without_key: CompatibilityProxy,
    stt_emulator: Emulator,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    host, port = address(proxy_without_key)
    sent = (
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="model"\r\n\r\n#g1_whisper-base\r\n'
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="audio"; filename="call.wav"\r\n'
        b"Content-Type: audio/wav\r\n\r\n" + os.urandom(1024 * 1024)
    )
    head = (
        f"POST /v1/stt HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {SECRET_KEY}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        f"Content-Length: {len(sent) * 4}\r\n\r\n"
    )
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(head.encode() + sent)
        # the part is being spooled to disk now
        deadline = time.monotonic() + 5
        while not _open_files_under(spool) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _open_files_under(spool), "the upload was never spooled"
    # the caller went away: once the proxy has logged the request, nothing of it is left
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if any(r.getMessage().startswith("POST /v1/stt ") for r in caplog.records):
            break
        time.sleep(0.01)
    else:
        raise AssertionError("the proxy did not finish the request")
    assert _open_files_under(spool) == []
    assert list(spool.iterdir()) == []
    assert stt_emulator.creates == []


# -- the deprecation signal ------------------------------------------------------------------


def test_every_legacy_answer_says_the_call_is_deprecated(
    proxy_without_key: CompatibilityProxy, stt_emulator: Emulator
) -> None:
    url = proxy_without_key.url
    answers = {
        "201": requests.post(url + "/v1/stt", json=PAYLOAD, headers=AUTH, timeout=20),
        "400": requests.post(
            url + "/stt",
            data=b"{not json",
            headers={**AUTH, "Content-Type": "application/json"},
            timeout=20,
        ),
        "401": requests.post(url + "/v1/stt", json=PAYLOAD, timeout=20),
        "415": requests.post(
            url + "/v1/stt",
            data=b"x",
            headers={**AUTH, "Content-Type": "text/csv"},
            timeout=20,
        ),
    }
    for status, response in answers.items():
        assert str(response.status_code) == status, response.text
        assert response.headers["Deprecation"] == DEPRECATION
        assert response.headers["Link"] == LINK
        assert response.raw.headers.getlist("Deprecation") == [DEPRECATION]
    created = requests.post(url + "/v1/stt/create", json=PAYLOAD, headers=AUTH, timeout=20)
    polled = requests.get(
        f"{url}/v1/stt/{created.json()['generation_id']}", headers=AUTH, timeout=20
    )
    health = requests.get(url + "/healthz", timeout=10)
    missing = requests.get(url + "/nowhere", timeout=10)
    for response in (created, polled, health, missing):
        assert response.status_code in (200, 404)
        assert "Deprecation" not in response.headers and "Link" not in response.headers


def test_the_deprecation_link_can_point_at_the_operators_guide(stt_emulator: Emulator) -> None:
    guide = "https://wiki.example/stt/MIGRATION.md"
    with CompatibilityProxy(port=0, upstream=stt_emulator.url, migration_guide_url=guide) as proxy:
        response = requests.post(proxy.url + "/v1/stt", json=PAYLOAD, timeout=10)
    assert response.status_code == 401
    assert response.headers["Link"] == f'<{guide}>; rel="deprecation"; type="text/html"'
    for bad in ("/MIGRATION.md", "https://x.example/a b", "https://x.example/<a>"):
        with pytest.raises(ConfigurationError, match="migration_guide_url"):
            CompatibilityProxy(migration_guide_url=bad)


def test_refusals_are_logged_with_what_was_refused(
    keyed_proxy: CompatibilityProxy, stt_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    call(keyed_proxy, "POST", "/v1/stt", b"{}", {"Origin": "http://evil.example\x80"})
    call(keyed_proxy, "GET", "/healthz", headers={"Host": "evil.example"})
    # A control character is not valid in a header: the server refuses the request itself
    status, _headers, body = call(
        keyed_proxy, "POST", "/v1/stt", b"{}", {"Origin": "http://evil.example\x7f"}
    )
    keyed_proxy.stop()  # returns once every request in flight has its log line
    assert status == 400 and json.loads(body)["statusCode"] == 400
    assert stt_emulator.requests == []
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("legacy_stt.proxy") and r.levelno == logging.INFO
    ]
    assert any(
        line.startswith("POST /v1/stt 403 ") and "http://evil.example\\x80" in line
        for line in lines
    ), lines
    assert any(line.startswith("GET /healthz 421 ") and "evil.example" in line for line in lines)
    assert any("400" in line and "not valid HTTP" in line for line in lines), lines


def test_an_answer_nested_past_what_json_reads_is_a_502_that_names_the_job(
    stt_emulator: Emulator,
) -> None:
    # orjson reads 1,024 levels, json fewer: the proxy must answer as json decides (a 502
    # with the job's id), not fail on writing the reply (a 500 without it).
    deep = "[" * 990 + "]" * 990
    body = (
        '{"status": "completed", "result": {"metadata": {}, "results": {"channels": '
        f'[{{"alternatives": [{{"transcript": "x", "deep": {deep}}}]}}]}}}}}}'
    )
    stt_emulator.inject("poll", 200, body=body.encode(), times=100)
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, poll_policy=FAST_POLLS, poll_timeout=10
    ) as proxy:
        status, headers, body = call(
            proxy,
            "POST",
            "/v1/stt",
            json.dumps(PAYLOAD).encode(),
            {"Authorization": f"Bearer {SECRET_KEY}", "Content-Type": "application/json"},
        )
    answer = json.loads(body)
    assert status == 502, body[:300]
    assert answer["generation_id"] in stt_emulator.jobs
    assert headers["X-Generation-Id"] == answer["generation_id"]


def test_a_callers_key_no_header_can_carry_is_a_401_that_says_why(
    stt_emulator: Emulator,
) -> None:
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, fallback_api_key=SECRET_KEY
    ) as proxy:
        status, _, body = call(
            proxy,
            "POST",
            "/v1/stt",
            json.dumps(PAYLOAD).encode(),
            {"Authorization": "Bearer sk-a\tb", "Content-Type": "application/json"},
        )
    assert status == 401
    assert "control character" in json.loads(body)["message"]
    assert stt_emulator.requests == []  # not run on the operator's key instead
