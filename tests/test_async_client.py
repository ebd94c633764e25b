"""AsyncClient against the emulator over real HTTP: the legacy flow on an event loop.

The rules are the sync client's (one table of faults runs against both in
test_fault_matrix.py); these tests show the async shell end to end: every
example and target, uploads, hundreds of calls on one loop without a thread
each, batches that resume across the two clients, and trio.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from _support import EXAMPLES, FAST_POLLS, SECRET_KEY, audio_for, transcript, valid_examples

import legacy_stt
from legacy_stt import (
    AsyncClient,
    AuthenticationError,
    Client,
    JobMayExist,
    PayloadError,
    PollPolicy,
    PollTimeout,
    RemovedInLegacySTT2Warning,
)
from legacy_stt.adapters.registry import default_registry
from legacy_stt.batch.runner import run_batch_async
from legacy_stt.testing import Emulator

URL = "https://example.com/audio/call.mp3"
QUICK_POLLS = PollPolicy(first_delay=0.02, max_delay=0.05, jitter=0.0)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def client_for(service: Emulator, **options: Any) -> AsyncClient:
    options.setdefault("poll_policy", FAST_POLLS)
    return AsyncClient(SECRET_KEY, base_url=service.url, **options)


@pytest.fixture
def service() -> Iterator[Emulator]:
    with Emulator(job_duration=0.05) as emulator:
        yield emulator


# -- end to end ------------------------------------------------------------------------


@pytest.mark.parametrize("vocabulary", ["documented", "examples"])
@pytest.mark.parametrize("example", valid_examples(), ids=lambda p: p.stem)
def test_every_example_runs_with_one_create_and_returns_the_legacy_body(
    vocabulary: str, example: pathlib.Path
) -> None:
    payload = json.loads(example.read_text())

    async def call(url: str) -> Any:
        async with AsyncClient(SECRET_KEY, base_url=url, poll_policy=FAST_POLLS) as client:
            with warnings.catch_warnings():
                warnings.simplefilter("error", legacy_stt.ParameterWarning)
                warnings.simplefilter("ignore", RemovedInLegacySTT2Warning)
                return await client.stt(payload, audio=audio_for(example))

    with Emulator(vocabulary=vocabulary, job_duration=0.05) as emulator:
        body = run(call(emulator.url))
        assert len(emulator.creates) == 1 and len(emulator.polls) >= 1
        create = emulator.creates[0]
    assert transcript(body).strip()
    assert body["metadata"]["request_id"] in emulator.jobs
    sent = create.json if create.json is not None else create.form
    assert sent == {k: v for k, v in payload.items() if k != "audio"}


@pytest.mark.parametrize("target", default_registry.target_models())
def test_every_target_family_answers_in_the_legacy_shape(service: Emulator, target: str) -> None:
    payload = {"model": "#g1_nova-2-general", "url": URL, "punctuate": True}

    async def call() -> tuple[Any, Any]:
        async with client_for(service, target=target) as client:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                body = await client.stt(payload)
            raw = await client.result(body["metadata"]["request_id"], raw=True)
            return body, raw

    body, raw = run(call())
    assert [create.json["model"] for create in service.creates] == [target]
    assert transcript(body).strip()
    # raw=True is the target's own result (the Deepgram targets' is the legacy shape itself)
    adapter = default_registry.adapter_for_target(target)
    assert adapter.recognizes_result(raw)


@pytest.mark.parametrize("kind", ["path", "bytes", "file", "embedded"])
def test_uploads_go_as_multipart_streamed_from_their_source(service: Emulator, kind: str) -> None:
    path = EXAMPLES / "audio" / "beeps.wav"
    data = path.read_bytes()
    payload: dict[str, Any] = {"model": "#g1_whisper-small"}
    audio: Any = {"path": path, "bytes": data, "file": io.BytesIO(data)}.get(kind)
    if kind == "embedded":
        payload["audio"] = {"buffer": {"type": "Buffer", "data": list(data)}}

    async def call() -> Any:
        async with client_for(service) as client:
            generation_id = await client.submit(payload, audio)
            return await client.result(generation_id)

    body = run(call())
    [create] = service.creates
    assert create.content_type.startswith("multipart/form-data")
    assert create.files["audio"][2] == len(data)
    assert transcript(body).strip()


def test_result_of_an_id_from_elsewhere_and_without_waiting(service: Emulator) -> None:
    with Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS) as sync_client:
        generation_id = sync_client.submit({"model": "#g1_nova-2-general", "url": URL})
    service.job_duration = 1.0  # still running at the first look, even on a loaded machine

    async def call() -> tuple[Any, Any, Any]:
        async with client_for(service) as client:
            waited = await client.result(generation_id)  # made by the other client
            fresh = await client.submit({"model": "#g1_nova-2-general", "url": URL})
            early = await client.result(fresh, wait=False)
            return waited, early, await client.result(fresh)

    waited, early, later = run(call())
    assert transcript(waited).strip() and early is None and transcript(later).strip()


# -- errors ----------------------------------------------------------------------------


def test_bad_payload_and_missing_key_fail_before_anything_is_sent(
    service: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AIML_API_KEY", raising=False)

    async def call() -> tuple[BaseException, BaseException]:
        async with client_for(service) as client:
            with pytest.raises(PayloadError) as bad:
                await client.submit({"model": "#g1_nova-2-general"})  # no url, no audio
        async with AsyncClient(base_url=service.url) as keyless:
            with pytest.raises(AuthenticationError) as no_key:
                await keyless.submit({"model": "#g1_nova-2-general", "url": URL})
        return bad.value, no_key.value

    bad, no_key = run(call())
    assert bad.problems and "AIML_API_KEY" in str(no_key)
    assert service.requests == []


def test_a_poll_timeout_names_the_job_and_the_job_can_be_picked_up(service: Emulator) -> None:
    service.job_duration = 1.0

    async def call() -> tuple[PollTimeout, Any]:
        async with client_for(service, poll_timeout=0.2) as client:
            with pytest.raises(PollTimeout) as caught:
                await client.legacy_call({"model": "#g1_nova-2-general", "url": URL})
        async with client_for(service, poll_timeout=5) as patient:
            return caught.value, await patient.result(caught.value.generation_id)

    error, body = run(call())
    assert error.generation_id in service.jobs and error.job_may_exist
    assert transcript(body).strip() and len(service.creates) == 1


def test_a_dropped_create_answer_is_job_may_exist_and_not_retried(service: Emulator) -> None:
    service.inject("create", kind="drop-after")

    async def call() -> JobMayExist:
        async with client_for(service) as client:
            with pytest.raises(JobMayExist) as caught:
                await client.submit({"model": "#g1_nova-2-general", "url": URL})
            return caught.value

    error = run(call())
    assert len(service.creates) == 1 and error.job_may_exist


def test_the_key_is_in_no_repr(service: Emulator) -> None:
    async def call() -> str:
        async with client_for(service) as client:
            return repr(client) + repr(client._transport) + repr(client.service)

    assert SECRET_KEY not in run(call())


def test_the_deprecation_points_at_the_callers_line_even_through_gather(service: Emulator) -> None:
    async def call() -> list[warnings.WarningMessage]:
        async with client_for(service) as client:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                await client.stt({"model": "#g1_nova-2-general", "url": URL})
                await asyncio.gather(client.stt({"model": "#g1_nova-2-general", "url": URL}))
            return caught

    caught = run(call())
    deprecations = [w for w in caught if issubclass(w.category, RemovedInLegacySTT2Warning)]
    assert len(deprecations) == 2
    assert {pathlib.Path(w.filename).name for w in deprecations} == {"test_async_client.py"}


# -- many calls on one loop ------------------------------------------------------------


@pytest.fixture
def emulator_process() -> Iterator[str]:
    """The emulator in a process of its own: its threads do not count as this process's."""
    process = subprocess.Popen(
        [sys.executable, "-m", "legacy_stt.testing", "--port", "0", "--job-duration", "0.3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://\S+", line)
        assert found, line
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_200_concurrent_calls_make_200_jobs_on_one_thread(emulator_process: str) -> None:
    url = emulator_process
    payloads = [{"model": "#g1_nova-2-general", "url": f"{URL}?n={n}"} for n in range(200)]
    threads_before = threading.active_count()

    async def call() -> tuple[list[Any], int]:
        peak = 0
        done = asyncio.Event()

        async def watch() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, threading.active_count())
                await asyncio.sleep(0.01)

        watcher = asyncio.ensure_future(watch())
        # Polls well apart: 200 jobs polling every few milliseconds would only load the emulator.
        polls = PollPolicy(first_delay=0.3, max_delay=0.5, jitter=0.0)
        async with AsyncClient(SECRET_KEY, base_url=url, poll_policy=polls) as client:
            bodies = await asyncio.gather(*(client.legacy_call(p) for p in payloads))
        done.set()
        await watcher
        return bodies, peak

    bodies, peak = run(call())
    assert len({body["metadata"]["request_id"] for body in bodies}) == 200  # 200 jobs, 1 each
    # No thread per job: at most the event loop's default executor, which resolves host names
    # (min(32, CPUs + 4) threads), far from one per job.
    assert peak - threads_before <= min(32, (os.cpu_count() or 1) + 4), peak - threads_before


# -- batches ---------------------------------------------------------------------------


def payloads(count: int) -> list[dict[str, Any]]:
    return [{"model": "#g1_nova-2-general", "url": f"{URL}?n={n}"} for n in range(count)]


def test_stt_many_keeps_input_order_and_bounds_concurrency(service: Emulator) -> None:
    service.job_duration = 0.2
    inputs = payloads(12)
    inputs[5] = {"model": "#g1_nova-2-general"}  # no audio: that input's outcome, not the batch's
    in_flight = peak = 0

    def on_event(event: str, outcome: object) -> None:
        nonlocal in_flight, peak
        in_flight += 1 if event == "started" else -1
        peak = max(peak, in_flight)

    async def call() -> list[Any]:
        async with client_for(service) as client:
            batch = run_batch_async(
                client, inputs, concurrency=4, on_event=on_event, poll_policy=QUICK_POLLS
            )
            return [o async for o in batch]

    outcomes = run(call())
    assert [o.index for o in outcomes] == list(range(12))
    assert [o.ok for o in outcomes].count(False) == 1
    assert isinstance(outcomes[5].error, PayloadError)
    assert len(service.creates) == 11 and peak == 4


def test_a_batch_journaled_by_one_client_resumes_in_the_other(
    service: Emulator, tmp_path: pathlib.Path
) -> None:
    journal = tmp_path / "batch.jsonl"
    inputs = payloads(6)
    with Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS) as sync_client:
        first = sync_client.stt_many(inputs[:3], journal=journal, poll_policy=QUICK_POLLS)
        assert all(o.ok for o in first)

    async def call() -> list[Any]:
        async with client_for(service) as client:
            return [
                o async for o in client.stt_many(inputs, journal=journal, poll_policy=QUICK_POLLS)
            ]

    outcomes = run(call())
    assert all(o.ok for o in outcomes)
    assert [o.resumed for o in outcomes] == ["result"] * 3 + [None] * 3
    assert len(service.creates) == 6  # one job per input across both runs
    with Client(SECRET_KEY, base_url=service.url) as sync_client:
        again = list(sync_client.stt_many(inputs, journal=journal))
    assert {o.resumed for o in again} == {"result"} and len(service.creates) == 6


def test_trio_runs_the_two_steps(service: Emulator) -> None:
    trio = pytest.importorskip("trio")

    async def call() -> Any:
        async with client_for(service) as client:
            generation_id = await client.submit({"model": "#g1_nova-2-general", "url": URL})
            return await client.result(generation_id)

    body = trio.run(call)
    assert transcript(body).strip() and len(service.creates) == 1


# -- what a hostile review found -------------------------------------------------------


def given_client(stack: str) -> Any:
    """The HTTP client a test hands to ``AsyncClient`` for ``stack`` (None: its own, aiohttp)."""
    if stack == "httpx":
        import httpx

        return httpx.AsyncClient()
    if stack == "http11":
        from legacy_stt.aio.http11 import ConnectionPool

        return ConnectionPool()
    return None


@pytest.mark.parametrize("stack", ["aiohttp", "httpx", "http11"])
def test_a_cancelled_call_leaves_no_key_in_the_frames_it_passed(
    service: Emulator, stack: str
) -> None:
    import traceback

    service.job_duration = 5.0

    async def call() -> BaseException:
        given = given_client(stack)
        async with client_for(service, http_client=given) as client:
            try:
                await asyncio.wait_for(
                    client.legacy_call({"model": "#g1_nova-2-general", "url": URL}), 0.3
                )
            except BaseException as error:  # noqa: BLE001 - the cancellation itself is looked at
                caught = error
        if given is not None:
            await given.aclose()
        return caught

    error = run(call())
    assert isinstance(error, (asyncio.TimeoutError, TimeoutError))
    locals_seen = []
    for exception in (error, error.__context__):
        if exception is None:
            continue
        for frame, _ in traceback.walk_tb(exception.__traceback__):
            if "legacy_stt" in frame.f_code.co_filename:
                locals_seen += [repr(value) for value in frame.f_locals.values()]
    if not locals_seen:
        # Before Python 3.11, wait_for raises a fresh TimeoutError, not chained to the frames
        # it cancelled: there is nothing to look at (and nothing for a tracker to record).
        pytest.skip("this Python does not chain the timeout to the cancelled frames")
    assert not [text for text in locals_seen if SECRET_KEY in text]


@pytest.mark.parametrize("stack", ["aiohttp", "httpx", "http11"])
def test_dripped_headers_end_within_the_read_timeout(service: Emulator, stack: str) -> None:
    service.inject("create", kind="drip-headers", delay=0.3)

    async def call() -> tuple[BaseException, float]:
        given = given_client(stack)
        async with client_for(service, http_client=given, timeout=(1, 1)) as client:
            started = time.monotonic()
            with pytest.raises(JobMayExist) as caught:
                await client.submit({"model": "#g1_nova-2-general", "url": URL})
            took = time.monotonic() - started
        if given is not None:
            await given.aclose()
        return caught.value, took

    _, took = run(call())
    assert took < 1.9, took  # the read timeout (1 s) bounds the answer, not twice that
    assert len(service.creates) == 1


def test_an_upload_the_server_stops_reading_ends_within_the_read_timeout(
    tmp_path: pathlib.Path,
) -> None:
    audio = tmp_path / "big.wav"
    audio.write_bytes(b"RIFF" + bytes(20_000_000))

    async def call() -> tuple[BaseException, float]:
        async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")  # the head, then nothing: the body is never read
            await asyncio.sleep(30)

        server = await asyncio.start_server(stall, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with AsyncClient(SECRET_KEY, base_url=url, timeout=(1, 1)) as client:
            started = time.monotonic()
            with pytest.raises(JobMayExist) as caught:  # bytes left: never sent again
                await asyncio.wait_for(
                    client.submit({"model": "#g1_whisper-small"}, audio=audio), 15
                )
            took = time.monotonic() - started
        server.close()
        return caught.value, took

    _, took = run(call())
    assert took < 3, took


def test_leaving_a_journaled_batch_early_closes_its_journal(
    service: Emulator, tmp_path: pathlib.Path
) -> None:
    journal = tmp_path / "batch.jsonl"
    service.job_duration = 0.3

    async def call() -> None:
        async with client_for(service) as client:
            batch = client.stt_many(payloads(8), concurrency=4, journal=journal)
            async for _ in batch:
                break
            await batch.aclose()  # type: ignore[attr-defined]
            if os.path.isdir("/proc/self/fd"):  # Linux: no descriptor of the journal is left open
                targets = [
                    os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                ]
                assert str(journal.resolve()) not in targets
            # The journal is free again: the same batch runs to its end in this process. An
            # input whose create was cut short by the cancellation is reported, not sent again.
            outcomes = [o async for o in client.stt_many(payloads(8), journal=journal)]
            assert len(outcomes) == 8
            assert all(o.ok or isinstance(o.error, JobMayExist) for o in outcomes)

    run(call())
    assert len(service.creates) <= 8  # the first run's jobs were picked up, none made twice
