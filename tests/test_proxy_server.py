"""The proxy's server against hostile callers (issue 18): uvicorn with the proxy's limits.

Attacks on the server rather than on the proxy's rules: connections that
never finish their head (slowloris), request-smuggling framing, heads too
large, more connections than the cap, and what a hostile review found
around each promise. Memory, stopping and deployment: test_proxy_deploy.py.
"""

from __future__ import annotations

import contextlib
import json
import re
import selectors
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from _proxying import address, read_all
from _support import EXAMPLES, FAST_POLLS, SECRET_KEY, transcript

from legacy_stt.proxy import CompatibilityProxy, create_app
from legacy_stt.testing import Emulator

AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}
PAYLOAD = {"model": "#g1_nova-2-general", "url": "https://example.com/audio/support-call.mp3"}
AUDIO = EXAMPLES / "audio" / "beeps.wav"


def descriptors(wanted: int) -> None:
    """Let this process hold ``wanted`` sockets, or skip the test."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"needs {wanted} file descriptors; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


# -- slowloris ---------------------------------------------------------------------------


def test_a_thousand_dripping_heads_neither_delay_a_call_nor_outlive_the_deadline(
    stt_emulator: Emulator,
) -> None:
    descriptors(4096)
    stt_emulator.job_duration = 0.5
    header_timeout = 5.0
    with CompatibilityProxy(
        port=0,
        upstream=stt_emulator.url,
        poll_policy=FAST_POLLS,
        header_timeout=header_timeout,
    ) as proxy:
        # The same call without the dripping heads, on this machine as loaded as it is now:
        # what the heads may add to it is the promise, not what a busy CI adds.
        for _ in range(2):  # the first also loads the schemas, which the timed call has done
            started = time.monotonic()
            quiet = requests.post(proxy.url + "/v1/stt", json=PAYLOAD, headers=AUTH, timeout=20)
            assert quiet.status_code == 201
            quiet_took = time.monotonic() - started
        host, port = address(proxy)
        opened = time.monotonic()
        slow = []
        for _ in range(1000):
            connection = socket.create_connection((host, port), timeout=10)
            connection.sendall(f"POST /v1/stt HTTP/1.1\r\nHost: {host}:{port}\r\nX-Drip: ".encode())
            slow.append(connection)
        all_open = time.monotonic()
        stop_dripping = threading.Event()

        def drip() -> None:  # a header byte from every connection, twice a second
            while not stop_dripping.wait(0.5):
                for connection in slow:
                    with contextlib.suppress(OSError):
                        connection.send(b"a")

        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        try:
            started = time.monotonic()
            answer = requests.post(proxy.url + "/v1/stt", json=PAYLOAD, headers=AUTH, timeout=20)
            took = time.monotonic() - started
            assert answer.status_code == 201 and transcript(answer.json())
            # the job takes 0.5 s; the call is answered within a second of its end
            assert took < max(stt_emulator.job_duration, quiet_took) + 1.0, (took, quiet_took)
            assert time.monotonic() < opened + header_timeout, "the call came too late to count"

            # Every dripping connection is answered 408 and closed at the head deadline.
            closed_at: dict[int, float] = {}
            answers: dict[int, bytes] = {}
            with selectors.DefaultSelector() as selector:
                for index, connection in enumerate(slow):
                    connection.setblocking(False)
                    selector.register(connection, selectors.EVENT_READ, index)
                deadline = all_open + header_timeout + 5
                while len(closed_at) < len(slow) and time.monotonic() < deadline:
                    for key, _ in selector.select(timeout=0.5):
                        index = key.data
                        try:
                            data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                        except (ConnectionResetError, BlockingIOError):
                            data = b""
                        answers[index] = answers.get(index, b"") + data
                        if not data:
                            closed_at[index] = time.monotonic()
                            selector.unregister(key.fileobj)
        finally:
            stop_dripping.set()
            dripper.join(timeout=5)
            for connection in slow:
                connection.close()
    assert len(closed_at) == len(slow), f"{len(slow) - len(closed_at)} connections still open"
    assert min(closed_at.values()) >= opened + header_timeout - 0.5  # not before the deadline
    assert max(closed_at.values()) <= all_open + header_timeout + 3  # and soon after it
    assert all(b" 408 " in answers[i].split(b"\r\n", 1)[0] for i in answers)
    assert len(stt_emulator.creates) == 3  # only the real calls


def test_silent_connections_are_closed_at_the_head_deadline_too(stt_emulator: Emulator) -> None:
    with CompatibilityProxy(port=0, upstream=stt_emulator.url, header_timeout=1) as proxy:
        started = time.monotonic()
        with socket.create_connection(address(proxy), timeout=10) as silent:
            answer = read_all(silent)
        took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ") and 0.8 < took < 4, (answer, took)
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["statusCode"] == 408


def test_connections_over_the_cap_are_answered_503_and_closed(stt_emulator: Emulator) -> None:
    with CompatibilityProxy(port=0, upstream=stt_emulator.url, max_connections=3) as proxy:
        held = [socket.create_connection(address(proxy), timeout=10) for _ in range(3)]
        try:
            with socket.create_connection(address(proxy), timeout=10) as extra:
                answer = read_all(extra)
            for connection in held[:1]:
                connection.close()
            time.sleep(0.2)
            # a place is free again
            assert requests.get(proxy.url + "/healthz", timeout=10).status_code == 200
        finally:
            for connection in held:
                connection.close()
    assert answer.startswith(b"HTTP/1.1 503 ")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["statusCode"] == 503


# -- request smuggling ---------------------------------------------------------------------

#: Framing that two HTTP parsers could read two ways (RFC 9112, 6.3 and 11.2), each of which
#: must be refused before anything reaches the upstream.
SMUGGLING = {
    "content-length-and-chunked": b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "two-equal-content-lengths": b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
    "two-different-content-lengths": b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    "content-length-list": b"Content-Length: 2, 2\r\n\r\n{}",
    "content-length-plus-sign": b"Content-Length: +2\r\n\r\n{}",
    "space-before-colon": b"Content-Length : 2\r\n\r\n{}",
    "two-chunked-encodings": (
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    ),
    "gzip-then-chunked": b"Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "xchunked": b"Transfer-Encoding: xchunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "identity-and-length": b"Transfer-Encoding: identity\r\nContent-Length: 2\r\n\r\n{}",
    "chunk-size-with-space": b"Transfer-Encoding: chunked\r\n\r\n2 \r\n{}\r\n0\r\n\r\n",
    "chunk-size-0x": b"Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n",
    "negative-chunk-size": b"Transfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n",
    "overflowing-chunk-size": (
        b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffffff\r\n{}\r\n0\r\n\r\n"
    ),
    "chunk-without-its-crlf": b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n",
    "folded-header": b"Content-Length: 2\r\nX-A: a\r\n b\r\n\r\n{}",
    "bare-line-feeds": b"Content-Length: 2\n\n{}",
}


@pytest.fixture(scope="module")
def smuggling_target() -> Iterator[tuple[CompatibilityProxy, Emulator]]:
    with Emulator() as emulator, CompatibilityProxy(port=0, upstream=emulator.url) as proxy:
        yield proxy, emulator


@pytest.mark.parametrize("path", ["/v1/stt", "/v1/stt/create"])
@pytest.mark.parametrize("framing", list(SMUGGLING), ids=list(SMUGGLING))
def test_ambiguous_framing_is_400_and_nothing_reaches_the_upstream(
    smuggling_target: tuple[CompatibilityProxy, Emulator], framing: str, path: str
) -> None:
    proxy, emulator = smuggling_target
    host, port = address(proxy)
    seen = len(emulator.requests)
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{AUTH_LINE}"
            "Content-Type: application/json\r\n".encode()
            + SMUGGLING[framing]
            # a second request, smuggled in the first one's body: it must never be answered
            + f"GET /v1/stt/smuggled HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
        )
        answer = read_all(connection)
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), answer
    length = int(re.search(rb"(?im)^content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    assert json.loads(rest[:length])["statusCode"] == 400
    assert rest[length:] == b""  # one answer, and the connection closed
    assert len(emulator.requests) == seen


AUTH_LINE = f"Authorization: Bearer {SECRET_KEY}\r\n"


def test_a_request_line_of_another_http_version_is_505(
    smuggling_target: tuple[CompatibilityProxy, Emulator],
) -> None:
    proxy, emulator = smuggling_target
    host, port = address(proxy)
    seen = len(emulator.requests)
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(
            f"POST /v1/stt/create HTTP/2.0\r\nHost: {host}:{port}\r\n"
            "Content-Length: 2\r\n\r\n{}".encode()
        )
        answer = read_all(connection)
    assert answer.startswith(b"HTTP/1.1 505 ")
    assert len(emulator.requests) == seen


def test_the_application_refuses_ambiguous_framing_under_any_server() -> None:
    """Mounted behind a lenient server (h11 takes Content-Length with chunked), the
    application itself refuses what the server let through."""
    import asyncio

    app = create_app(upstream="http://127.0.0.1:9")
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body must not be read")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/stt/create",
        "http_version": "1.1",
        "server": ("127.0.0.1", 8765),
        "headers": [
            (b"host", b"127.0.0.1:8765"),
            (b"content-length", b"5"),
            (b"transfer-encoding", b"chunked"),
        ],
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 400
    assert (b"connection", b"close") in sent[0]["headers"]


# -- what a hostile review found (each once a way around a promise) ------------------------


def test_bare_line_breaks_on_a_reused_connection_do_not_outlive_the_head_deadline(
    stt_emulator: Emulator,
) -> None:
    # A CRLF between requests starts no request, but it did stop uvicorn's idle timer.
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, header_timeout=1, keep_alive_timeout=30
    ) as proxy:
        host, port = address(proxy)
        with socket.create_connection((host, port), timeout=10) as connection:
            connection.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            first = connection.recv(65536)
            started = time.monotonic()
            connection.settimeout(0.3)
            closed = False
            while time.monotonic() - started < 6 and not closed:
                try:
                    connection.sendall(b"\r\n")
                    closed = connection.recv(65536) == b""
                except socket.timeout:
                    continue
                except OSError:
                    closed = True
            took = time.monotonic() - started
    assert first.startswith(b"HTTP/1.1 200 ")
    assert closed and took < 3, took


def test_stalled_uploads_do_not_hold_up_the_others(stt_emulator: Emulator) -> None:
    # Each multipart upload is read in a thread of its own; anyio's shared pool has 40.
    with CompatibilityProxy(port=0, upstream=stt_emulator.url, poll_policy=FAST_POLLS) as proxy:
        host, port = address(proxy)
        stalled = []
        for _ in range(45):
            connection = socket.create_connection((host, port), timeout=10)
            connection.sendall(
                f"POST /v1/stt HTTP/1.1\r\nHost: {host}:{port}\r\n{AUTH_LINE}"
                "Content-Type: multipart/form-data; boundary=xyz\r\n"
                "Content-Length: 100000\r\n\r\n--xyz\r\n".encode()
            )
            stalled.append(connection)
        try:
            time.sleep(0.5)
            started = time.monotonic()
            with AUDIO.open("rb") as audio:
                answer = requests.post(
                    proxy.url + "/v1/stt",
                    data={"model": "#g1_whisper-base"},
                    files={"audio": ("beeps.wav", audio, "audio/wav")},
                    headers=AUTH,
                    timeout=30,
                )
            took = time.monotonic() - started
        finally:
            for connection in stalled:
                connection.close()
    assert answer.status_code == 201, answer.text
    assert took < 5, took


@pytest.mark.parametrize("path", ["/v1/stt/..%3Fx=1", "/v1/stt/%2e%2e%23x", "/v1/stt/a%5C..%5C"])
def test_escaped_separators_are_not_forwarded(stt_emulator: Emulator, path: str) -> None:
    stt_emulator.api_key = SECRET_KEY
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, fallback_api_key=SECRET_KEY
    ) as proxy:
        host, port = address(proxy)
        with socket.create_connection((host, port), timeout=10) as connection:
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 404 ")
    assert stt_emulator.requests == []


def test_an_escaped_slash_is_forwarded_as_written_and_without_the_key(
    stt_emulator: Emulator,
) -> None:
    seen: list[bytes] = []

    class Upstream(threading.Thread):
        def __init__(self) -> None:
            super().__init__(daemon=True)
            self.listener = socket.create_server(("127.0.0.1", 0))

        def run(self) -> None:
            connection, _ = self.listener.accept()
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(65536)
                seen.append(data)
                connection.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}")

    upstream = Upstream()
    upstream.start()
    url = f"http://127.0.0.1:{upstream.listener.getsockname()[1]}"
    with CompatibilityProxy(port=0, upstream=url, fallback_api_key=SECRET_KEY) as proxy:
        host, port = address(proxy)
        with socket.create_connection((host, port), timeout=10) as connection:
            connection.sendall(
                f"GET /v1/stt/a%2Fb HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
            )
            answer = connection.recv(65536)
    upstream.listener.close()
    assert answer.startswith(b"HTTP/1.1 404 ")
    [request] = seen
    assert request.startswith(b"GET /v1/stt/a%2Fb HTTP/1.1\r\n")
    assert SECRET_KEY.encode() not in request  # not a poll of one job: no key lent


def test_a_request_asking_to_upgrade_is_refused_not_cut_short(
    smuggling_target: tuple[CompatibilityProxy, Emulator],
) -> None:
    proxy, emulator = smuggling_target
    host, port = address(proxy)
    seen = len(emulator.requests)
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(
            f"POST /v1/stt/create HTTP/1.1\r\nHost: {host}:{port}\r\n{AUTH_LINE}"
            "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}".encode()
        )
        answer = read_all(connection)
    assert answer.startswith(b"HTTP/1.1 400 ") and b"Upgrade" in answer
    assert len(emulator.requests) == seen


def test_a_head_over_64_kib_sent_in_two_pieces_is_431(
    smuggling_target: tuple[CompatibilityProxy, Emulator],
) -> None:
    proxy, _emulator = smuggling_target
    host, port = address(proxy)
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\n".encode())
        connection.sendall(b"X-One: " + b"a" * 40000 + b"\r\n")
        time.sleep(0.2)
        connection.sendall(b"X-Two: " + b"b" * 40000 + b"\r\n\r\n")
        answer = read_all(connection)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_a_page_without_host_over_http_1_0_is_403(
    smuggling_target: tuple[CompatibilityProxy, Emulator],
) -> None:
    proxy, emulator = smuggling_target
    host, port = address(proxy)
    seen = len(emulator.requests)
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(
            b"POST /v1/stt/create HTTP/1.0\r\nOrigin: http://evil.example\r\n"
            b"Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}"
        )
        answer = read_all(connection)
    assert answer.startswith(b"HTTP/1.1 403 ")
    assert len(emulator.requests) == seen


@pytest.mark.parametrize(
    "upstream_answer",
    [
        b"HTTP/1.1 600 Weird\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 2\r\n\r\n{}",
    ],
    ids=["status-600", "control-character"],
)
def test_an_upstream_answer_that_is_not_http_becomes_502(upstream_answer: bytes) -> None:
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_once() -> None:
        connection, _ = listener.accept()
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(65536)
            connection.sendall(upstream_answer)
            time.sleep(0.2)

    threading.Thread(target=answer_once, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with CompatibilityProxy(port=0, upstream=url) as proxy:
        answer = requests.get(proxy.url + "/v1/stt/some-job", headers=AUTH, timeout=20)
    listener.close()
    assert answer.status_code == 502
    assert answer.json()["statusCode"] == 502 and "not valid HTTP" in answer.json()["message"]
