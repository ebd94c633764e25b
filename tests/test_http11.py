"""``legacy_stt.aio.http11.ConnectionPool``, the proxy's HTTP/1.1 client, against servers that
misbehave on the wire: each promise of the module tried on raw sockets.

The fault matrix (``tests/test_fault_matrix.py``, shell ``async-http11``) runs every row of
the service's misbehaviour through it too; these are the cases below that level: connection
reuse, framing, early answers, loops, and what a request's head may hold.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, Callable

import pytest

from legacy_stt import AsyncClient, JobMayExist
from legacy_stt.aio.http11 import BadAnswer, ConnectFailed, ConnectionPool
from legacy_stt.core.bodies import AnswerBody
from legacy_stt.core.settings import MaskedValue
from legacy_stt.testing import Emulator

SECRET = "sk-http11-test-key-0123456789abcdef"
URL = "https://example.com/a.mp3"
OK = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok": true}'
OK = OK.replace(b"Content-Length: 11", b"Content-Length: 12")

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Progress:
    """What the pool reports, recorded."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def on_connected(self) -> None:
        self.events.append("connected")

    def on_sending(self) -> None:
        self.events.append("sending")

    def on_written(self) -> None:
        self.events.append("written")

    def on_answer(self) -> None:
        self.events.append("answer")


def reader(limit: int = 1 << 20) -> Callable[[int, Any], AnswerBody]:
    return lambda status, headers: AnswerBody(
        headers.get("Content-Encoding"), headers.get("Content-Length"), limit
    )


@asynccontextmanager
async def raw_server(handler: Handler) -> AsyncIterator[tuple[str, list[int]]]:
    """A server on loopback running ``handler`` per connection; yields its URL and a list that
    counts the connections it accepted."""
    accepted: list[int] = []

    async def on_connection(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            await handler(r, w)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            w.close()

    server = await asyncio.start_server(on_connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", accepted
    finally:
        server.close()


async def read_head(r: asyncio.StreamReader) -> bytes:
    return await r.readuntil(b"\r\n\r\n")


def run(coroutine: Awaitable[Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 20))  # type: ignore[arg-type]


def test_a_kept_alive_connection_carries_the_next_requests() -> None:
    async def answer_each(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        while True:
            await read_head(r)
            w.write(OK)
            await w.drain()

    async def go() -> tuple[list[int], list[int], list[str]]:
        async with raw_server(answer_each) as (url, accepted):
            pool = ConnectionPool()
            statuses = []
            progress = Progress()
            for _ in range(5):
                status, headers, body = await pool.send(
                    "GET", url + "/v1/stt/x", {}, None, reader(), progress
                )
                assert body is not None and body.value() == (b'{"ok": true}', True)
                assert headers["content-type"] == headers.get("Content-Type") == "application/json"
                statuses.append(status)
            await pool.aclose()
            return statuses, accepted, progress.events

    statuses, accepted, events = run(go())
    assert statuses == [200] * 5
    assert len(accepted) == 1  # one connection for the five
    assert events[:4] == ["connected", "sending", "written", "answer"]


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async def answer_once(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_head(r)
        w.write(OK)
        await w.drain()  # then closed: the server's idle timeout, at once

    async def go() -> list[int]:
        async with raw_server(answer_once) as (url, accepted):
            pool = ConnectionPool()
            for _ in range(3):
                status, _, _ = await pool.send("GET", url + "/x", {}, None, reader(), Progress())
                assert status == 200
                await asyncio.sleep(0.05)  # the FIN arrives while the connection is idle
            await pool.aclose()
            return accepted

    assert len(run(go())) == 3


def test_an_answer_without_a_length_ends_with_the_connection_and_is_not_reused() -> None:
    async def until_close(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_head(r)
        w.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"whole": ')
        await w.drain()
        await asyncio.sleep(0.05)
        w.write(b"true}")
        await w.drain()

    async def go() -> tuple[bytes, list[int]]:
        async with raw_server(until_close) as (url, accepted):
            pool = ConnectionPool()
            _, _, body = await pool.send("GET", url + "/x", {}, None, reader(), Progress())
            _, _, again = await pool.send("GET", url + "/x", {}, None, reader(), Progress())
            await pool.aclose()
            assert body is not None and again is not None
            return body.value()[0] + again.value()[0], accepted

    data, accepted = run(go())
    assert data == b'{"whole": true}' * 2
    assert len(accepted) == 2


def test_bytes_after_a_whole_answer_end_the_connection() -> None:
    # A second answer nobody asked for (smuggled, or a confused server) must not be taken as
    # the answer to the next request on the connection.
    async def two_answers(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_head(r)
        w.write(OK + OK.replace(b"true", b"lies"))
        await w.drain()
        while True:
            await read_head(r)
            w.write(OK)
            await w.drain()

    async def go() -> tuple[list[bytes], list[int]]:
        async with raw_server(two_answers) as (url, accepted):
            pool = ConnectionPool()
            bodies = []
            for _ in range(2):
                _, _, body = await pool.send("GET", url + "/x", {}, None, reader(), Progress())
                assert body is not None
                bodies.append(body.value()[0])
                await asyncio.sleep(0.05)
            await pool.aclose()
            return bodies, accepted

    bodies, accepted = run(go())
    assert bodies == [b'{"ok": true}', b'{"ok": true}']
    assert len(accepted) == 2


def test_chunked_and_informational_answers_are_read() -> None:
    async def chunked(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_head(r)
        w.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        w.write(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nX-A: 2\r\n\r\n")
        for piece in (b'{"a"', b": 1}"):
            w.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await w.drain()
        w.write(b"0\r\n\r\n")
        await w.drain()
        await read_head(r)  # the connection was kept: a second request comes on it
        w.write(OK)
        await w.drain()

    async def go() -> tuple[int, Any, bytes, list[int]]:
        async with raw_server(chunked) as (url, accepted):
            pool = ConnectionPool()
            status, headers, body = await pool.send(
                "POST", url + "/x", {}, b"{}", reader(), Progress()
            )
            second, _, _ = await pool.send("GET", url + "/x", {}, None, reader(), Progress())
            await pool.aclose()
            assert body is not None and second == 200
            return status, headers, body.value()[0], accepted

    status, headers, data, accepted = run(go())
    assert (status, data) == (201, b'{"a": 1}')
    assert headers["x-a"] == "1, 2"
    assert len(accepted) == 1


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        b"NOT HTTP AT ALL\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort",  # then the connection closes
    ],
    ids=["two-lengths", "length-and-chunked", "bad-chunk-size", "not-http", "cut-short"],
)
def test_an_answer_that_is_not_http_is_a_broken_exchange(answer: bytes) -> None:
    async def bad(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_head(r)
        w.write(answer)
        await w.drain()

    async def go() -> BaseException:
        async with raw_server(bad) as (url, _):
            pool = ConnectionPool()
            with pytest.raises(BadAnswer) as caught:
                await pool.send("GET", url + "/x", {}, None, reader(), Progress())
            assert not pool._idle.get(("http", "127.0.0.1", int(url.rsplit(":", 1)[1])))
            await pool.aclose()
            return caught.value

    run(go())


def test_an_answer_past_the_limit_stops_the_reading_and_the_connection() -> None:
    async def huge(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_head(r)
        w.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        block = b"x" * 65536
        for _ in range(10_000):  # 640 MiB, if anyone read it all
            w.write(b"%x\r\n%s\r\n" % (len(block), block))
            await w.drain()

    async def go() -> tuple[AnswerBody | None, list[int]]:
        async with raw_server(huge) as (url, accepted):
            pool = ConnectionPool()
            _, _, body = await pool.send("GET", url + "/x", {}, None, reader(100_000), Progress())
            await pool.aclose()
            return body, accepted

    body, _ = run(go())
    assert body is not None and body.too_large
    assert len(body.value()[0]) <= 100_000 + 65536


def test_a_server_that_answers_before_reading_the_upload_is_heard() -> None:
    # 413 before the body is read: the answer counts, the rest of the upload is not sent.
    async def refuse(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_head(r)
        w.write(
            b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        )
        await w.drain()
        await asyncio.sleep(1)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(2000):
            yield b"\0" * 65536  # 125 MiB offered

    async def go() -> tuple[int, list[int]]:
        async with raw_server(refuse) as (url, accepted):
            pool = ConnectionPool()
            status, _, _ = await pool.send(
                "POST",
                url + "/x",
                {"Content-Length": str(2000 * 65536)},
                chunks(),
                reader(),
                Progress(),
            )
            assert not any(pool._idle.values())  # half an upload on it: never reused
            await pool.aclose()
            return status, accepted

    status, _ = run(go())
    assert status == 413


def test_a_header_with_a_line_break_is_refused_before_anything_is_sent() -> None:
    async def never(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    async def go() -> list[int]:
        async with raw_server(never) as (url, accepted):
            pool = ConnectionPool()
            with pytest.raises(ValueError, match="line break") as caught:
                await pool.send(
                    "GET",
                    url + "/x",
                    {"Authorization": f"Bearer {SECRET}\r\nX-Injected: 1"},
                    None,
                    reader(),
                    Progress(),
                )
            assert SECRET not in str(caught.value)
            await asyncio.sleep(0.05)
            await pool.aclose()
            return accepted

    assert run(go()) == []  # not even a connection


def test_no_listener_is_a_connect_failure() -> None:
    async def go() -> None:
        async with raw_server(lambda r, w: asyncio.sleep(0)) as (url, _):
            pass  # closed: the port is free again
        pool = ConnectionPool()
        with pytest.raises(ConnectFailed):
            await pool.send("GET", url + "/x", {}, None, reader(), Progress())

    run(go())


def test_a_pool_serves_one_event_loop_after_another() -> None:
    pool = ConnectionPool()

    async def answer_each(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        while True:
            await read_head(r)
            w.write(OK)
            await w.drain()

    async def go() -> int:
        async with raw_server(answer_each) as (url, _):
            status, _, _ = await pool.send("GET", url + "/x", {}, None, reader(), Progress())
            return int(status)

    assert run(go()) == 200
    assert run(go()) == 200  # the first loop's connection is not used on the second


def test_a_cancelled_send_leaves_no_key_in_its_frames_and_closes_the_connection() -> None:
    async def silent(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        await read_head(r)
        await asyncio.sleep(5)

    async def go() -> tuple[BaseException, ConnectionPool]:
        async with raw_server(silent) as (url, _):
            pool = ConnectionPool()
            task = asyncio.ensure_future(
                pool.send(
                    "GET",
                    url + "/x",
                    # as the transport gives it: masked in every repr
                    {"Authorization": MaskedValue(f"Bearer {SECRET}")},
                    None,
                    reader(),
                    Progress(),
                )
            )
            await asyncio.sleep(0.2)
            task.cancel()
            try:
                await task
            except BaseException as error:  # noqa: BLE001 - the cancellation is looked at
                return error, pool
        raise AssertionError("not cancelled")

    error, pool = run(go())
    assert isinstance(error, asyncio.CancelledError)
    seen = [
        repr(value)
        for frame, _ in traceback.walk_tb(error.__traceback__)
        if "legacy_stt" in frame.f_code.co_filename
        for value in frame.f_locals.values()
    ]
    assert seen and not [text for text in seen if SECRET in text]
    assert not pool._busy and not any(pool._idle.values())


def test_the_async_client_runs_its_calls_on_a_pool(tmp_path: Any) -> None:
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"RIFF" + bytes(3_000_000))

    async def go(service: Emulator) -> tuple[Any, Any]:
        pool = ConnectionPool()
        async with AsyncClient(SECRET, base_url=service.url, http_client=pool) as client:
            first = await client.result(
                await client.submit({"model": "#g1_nova-2-general", "url": URL})
            )
            second = await client.result(
                await client.submit({"model": "#g1_nova-2-general"}, audio)
            )
        await pool.aclose()
        return first, second

    with Emulator(job_duration=0.05) as service:
        first, second = run(go(service))
        uploads = [r for r in service.creates if r.files]
        user_agents = {r.user_agent for r in service.requests}
    assert first["results"]["channels"][0]["alternatives"][0]["transcript"]
    assert second["results"]["channels"][0]["alternatives"][0]["transcript"]
    assert uploads and next(iter(uploads[0].files.values()))[2] == 3_000_004
    assert all("httptools/" in agent and agent.startswith("legacy-stt/") for agent in user_agents)


def test_a_create_cut_off_after_it_was_sent_names_the_doubt() -> None:
    async def hang_up(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        head = await read_head(r)
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        await r.readexactly(length)
        w.transport.abort()  # read it all, then gone: the job may exist

    async def go() -> BaseException:
        async with raw_server(hang_up) as (url, _):
            pool = ConnectionPool()
            async with AsyncClient(
                SECRET, base_url=url, http_client=pool, allow_insecure_http=True
            ) as client:
                with pytest.raises(JobMayExist) as caught:
                    await client.submit({"model": "#g1_nova-2-general", "url": URL})
            await pool.aclose()
            return caught.value

    error = run(go())
    assert SECRET not in f"{error} {error!r}"
