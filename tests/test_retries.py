"""RetryPolicy as a value, the Retry-After forms, and retries seen on the wire."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import warnings

import pytest
from _support import EXAMPLES, FAST_POLLS, SECRET_KEY
from requests.structures import CaseInsensitiveDict

import legacy_stt
from legacy_stt import Client, ConfigurationError, RetryPolicy
from legacy_stt.core.retries import (
    CREATE_RETRY_STATUSES,
    DEFAULT_TOTAL,
    POLL_RETRY_STATUSES,
    retry_after_from_headers,
)
from legacy_stt.testing import Emulator

AUDIO = EXAMPLES / "audio" / "beeps.wav"
QUICK = RetryPolicy(backoff_factor=0.01, backoff_max=0.02)


def test_the_policy_is_an_immutable_value() -> None:
    policy = RetryPolicy()
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.total = 9  # type: ignore[misc]
    assert policy == RetryPolicy() and hash(policy) == hash(RetryPolicy())
    assert policy.new(total=9).total == 9 and policy.total == DEFAULT_TOTAL
    assert RetryPolicy(poll_statuses=[500]).poll_statuses == frozenset({500})


def test_increment_records_history_until_exhausted() -> None:
    policy = RetryPolicy(total=2)
    assert not policy.is_exhausted()
    once = policy.increment(wait=0.5, status=503)
    twice = once.increment(wait=1.0, error=ConnectionError("refused"))
    assert policy.history == () and once.retries == 1  # each step is a new value
    assert twice.is_exhausted()
    assert [(e.status, e.error, e.wait) for e in twice.history] == [
        (503, None, 0.5),
        (None, "ConnectionError", 1.0),
    ]
    assert twice.new().history == ()  # a derived policy starts afresh


def test_backoff_doubles_up_to_the_cap_with_bounded_jitter() -> None:
    policy = RetryPolicy(backoff_factor=0.5, backoff_max=3.0, backoff_jitter=0)
    waits = []
    for _ in range(5):
        waits.append(policy.backoff())
        policy = policy.increment(wait=waits[-1])
    assert waits == [0.5, 1.0, 2.0, 3.0, 3.0]
    jittery = RetryPolicy(backoff_factor=1.0, backoff_jitter=0.25)
    assert jittery.backoff(rng=lambda: 0.0) == 0.75 and jittery.backoff(rng=lambda: 1.0) == 1.25


def test_the_service_wait_replaces_the_backoff_up_to_the_ceiling() -> None:
    policy = RetryPolicy(retry_after_max=60, backoff_jitter=0)
    assert policy.wait_for(7.0) == 7.0 and policy.wait_for(None) == policy.backoff()
    assert not policy.retry_after_too_long(60) and policy.retry_after_too_long(61)
    assert not policy.retry_after_too_long(None)


def test_the_default_statuses() -> None:
    assert {408, 429, 500, 502, 503, 504} == POLL_RETRY_STATUSES
    assert {429, 503} == CREATE_RETRY_STATUSES


@pytest.mark.parametrize(
    "changes",
    [{"total": -1}, {"total": 1.5}, {"backoff_factor": -1}, {"backoff_jitter": 1}],
)
def test_bad_settings_are_refused(changes: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(changes))):
        RetryPolicy(**changes)


def test_the_client_takes_a_policy_or_a_count() -> None:
    assert Client("k", base_url="http://127.0.0.1:9", retry=2).retry.total == 2
    assert Client("k", base_url="http://127.0.0.1:9", retry=QUICK).retry is QUICK
    with pytest.raises(ConfigurationError, match="retry must be"):
        Client("k", base_url="http://127.0.0.1:9", retry="often")  # type: ignore[arg-type]
    for bad in (0, -1, (1, 2), float("inf")):
        with pytest.raises(ConfigurationError, match="deadline"):
            Client("k", base_url="http://127.0.0.1:9", deadline=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after-ms": "250", "Retry-After": "7"}, 0.25),  # the precise one wins
        ({"Retry-After-Ms": "bad", "Retry-After": "7"}, 7.0),
        ({"retry-after-ms": "-5"}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "inf"}, None),
        ({}, None),
    ],
)
def test_retry_after_from_headers(headers: dict, expected: float | None) -> None:
    assert retry_after_from_headers(CaseInsensitiveDict(headers)) == expected


def test_polling_still_exports_parse_retry_after() -> None:
    from legacy_stt.core.polling import parse_retry_after as from_polling
    from legacy_stt.core.retries import parse_retry_after

    assert from_polling is parse_retry_after


# -- on the wire -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["path", "seekable file", "pipe-like stream"])
def test_a_retried_upload_sends_the_whole_file_again(stt_emulator: Emulator, kind: str) -> None:
    data = AUDIO.read_bytes()
    audio: object
    if kind == "path":
        audio = AUDIO
    elif kind == "seekable file":
        audio = io.BytesIO(data)
    else:
        audio = _Unseekable(data)
    stt_emulator.inject("create", 503)  # refused: no job, so it is sent again
    with Client(
        SECRET_KEY, base_url=stt_emulator.url, poll_policy=FAST_POLLS, retry=QUICK
    ) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", legacy_stt.RemovedInLegacySTT2Warning)
            body = client.stt({"model": "#g1_whisper-base"}, audio=audio)
    first, second = stt_emulator.creates
    assert first.status == 503 and second.status == 200
    assert second.files["audio"][2] == len(data)  # the whole file, not what was left
    assert body["metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert len(stt_emulator.jobs) == 1


def test_retries_are_logged_without_the_key(
    stt_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    stt_emulator.inject("poll", 502)
    with Client(SECRET_KEY, base_url=stt_emulator.url, poll_policy=FAST_POLLS, retry=QUICK) as c:
        c.result(c.submit({"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"}))
    lines = [r.getMessage() for r in caplog.records if "retry 1 of" in r.getMessage()]
    assert len(lines) == 1 and "HTTP 502" in lines[0]


def test_no_retries_with_zero(stt_emulator: Emulator) -> None:
    stt_emulator.inject("create", 503)
    with Client(SECRET_KEY, base_url=stt_emulator.url, retry=0) as client:
        with pytest.raises(legacy_stt.APIError) as caught:
            client.submit({"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"})
    assert caught.value.status_code == 503 and len(stt_emulator.creates) == 1


class _Unseekable(io.RawIOBase):
    """A stream that can only be read forward, like a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)
