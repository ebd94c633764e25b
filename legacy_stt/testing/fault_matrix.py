"""The fault matrix: how ``Client.stt`` and ``AsyncClient.stt`` behave when the service or the network misbehaves.

Each ``Scenario`` scripts one misbehaviour on a fresh emulator, runs one
``stt`` call against it with short timeouts and backoffs (with the sync
client or the async one: ``SHELLS``), and says
what must come of it: the result or which typed error, how many create
requests reached the service, how many jobs (billed) were made, and how long
the call may take. ``run_scenario`` measures what actually happened.

The test suite asserts every row (``tests/test_fault_matrix.py``), the README
shows the table (``markdown_table``), and ``benchmarks/fault_matrix.py``
times the rows over several runs. The same client settings serve all three:
see ``matrix_client``.
"""

from __future__ import annotations

import email.utils
import functools
import socket
import time
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable

from ..core.polling import PollPolicy
from ..core.retries import RetryPolicy
from ..exceptions import (
    APIError,
    AuthenticationError,
    JobMayExist,
    PollTimeout,
    RateLimitError,
    RedirectRefused,
    ResultExpired,
    ServiceUnreachable,
    TranscriptionFailed,
    UnexpectedAnswer,
)
from ..sync.client import Client
from .emulator import Emulator

__all__ = [
    "MATRIX_KEY",
    "SCENARIOS",
    "SHELLS",
    "Observation",
    "Scenario",
    "markdown_table",
    "matrix_client",
    "run_scenario",
]

#: The key the matrix's clients send (the emulator takes any key).
MATRIX_KEY = "fault-matrix-key-0123456789abcdef"
#: Read timeout of the matrix's client: a service slower than this has "timed out".
READ_TIMEOUT = 0.5
#: A delay that outlasts ``READ_TIMEOUT``.
SLOW = 1.2
#: The payload every scenario sends.
PAYLOAD = {"model": "#g1_nova-2-general", "url": "https://example.com/fault-matrix.mp3"}
#: Seconds between the pieces of a dripped answer: each arrives well within ``READ_TIMEOUT``.
DRIP = 0.2
#: The largest answer the matrix's client reads (the default is 64 MiB; smaller keeps rows quick).
ANSWER_LIMIT = 1024 * 1024
#: Nesting of the deep-JSON answers: far past what Python's recursion limit lets ``json`` read.
DEEP = 100_000


#: The clients every row runs with, one rule book: ``Client`` (requests) and ``AsyncClient`` on
#: asyncio with each of its HTTP stacks (aiohttp, its default there; httpx, as on trio; and
#: ``http11.ConnectionPool``, the proxy's).
SHELLS = ("sync", "async", "async-httpx", "async-http11")


def matrix_settings(base_url: str, **options: Any) -> dict[str, Any]:
    """The matrix's client settings: short timeouts, short backoffs, the default retry count."""
    settings: dict[str, Any] = dict(
        base_url=base_url,
        timeout=(0.5, READ_TIMEOUT),
        poll_timeout=5.0,
        retry=RetryPolicy(backoff_factor=0.05, backoff_max=0.2, retry_after_max=5.0),
        poll_policy=PollPolicy(first_delay=0.02, max_delay=0.1),
        max_answer_size=ANSWER_LIMIT,
    )
    settings.update(options)
    return settings


def matrix_client(base_url: str, **options: Any) -> Client:
    """A ``Client`` with the matrix's settings (see ``matrix_settings``)."""
    return Client(MATRIX_KEY, **matrix_settings(base_url, **options))


@dataclass(frozen=True)
class Scenario:
    """One row of the matrix."""

    name: str
    #: Scripts the misbehaviour on the emulator before the call.
    arrange: Callable[[Emulator], None]
    #: The error the call must raise; ``None``: it returns the legacy body.
    outcome: type[Exception] | None
    #: Create requests the service must see.
    creates: int
    #: Jobs that must exist afterwards (each one is billed): never more than one.
    jobs: int
    #: The call must end within this many seconds.
    max_seconds: float
    #: ``Client`` settings that differ from ``matrix_client``'s.
    client_options: tuple[tuple[str, Any], ...] = ()
    #: The service cannot be reached at all (nothing listens on its port).
    service_down: bool = False
    #: The error must name the job the service made (its ``generation_id``).
    names_job: bool = False

    @property
    def outcome_name(self) -> str:
        return "result" if self.outcome is None else self.outcome.__name__


@dataclass
class Observation:
    """What one run of a scenario did."""

    scenario: Scenario
    error: BaseException | None
    body: Any
    creates: int
    jobs: int
    seconds: float
    warnings: list[str]
    job_ids: tuple[str, ...] = ()

    @property
    def outcome_name(self) -> str:
        return "result" if self.error is None else type(self.error).__name__

    def problems(self) -> list[str]:
        """How this run differs from what the scenario requires (empty: it passed)."""
        expected = self.scenario
        found = []
        if expected.outcome is None:
            if self.error is not None:
                found.append(f"expected a result, got {type(self.error).__name__}: {self.error}")
        elif not isinstance(self.error, expected.outcome):
            found.append(f"expected {expected.outcome.__name__}, got {self.outcome_name}")
        if self.creates != expected.creates:
            found.append(f"expected {expected.creates} create request(s), saw {self.creates}")
        if self.jobs != expected.jobs:
            found.append(f"expected {expected.jobs} job(s), found {self.jobs}")
        if self.seconds > expected.max_seconds:
            found.append(f"took {self.seconds:.2f} s, more than {expected.max_seconds:g} s")
        error = self.error
        if error is not None and self.jobs and not getattr(error, "job_may_exist", False):
            found.append("a job exists, but the error says no job may exist (job_may_exist=False)")
        if expected.names_job:
            named = getattr(error, "generation_id", None)
            if named is None or named not in self.job_ids:
                found.append(f"the error does not name the job (generation_id={named!r})")
        return found


# -- arranging --------------------------------------------------------------------


def _nothing(emulator: Emulator) -> None:
    pass


def _fault(route: str, status: int = 503, **options: Any) -> Callable[[Emulator], None]:
    def arrange(emulator: Emulator) -> None:
        emulator.inject(route, status, **options)

    return arrange


def _rate_limited(route: str, *, times: int = 1, **headers: str) -> Callable[[Emulator], None]:
    def arrange(emulator: Emulator) -> None:
        emulator.inject(
            route,
            429,
            headers={name.replace("_", "-"): value for name, value in headers.items()},
            body={"statusCode": 429, "message": "Too many requests", "error": "Too Many Requests"},
            times=times,
        )

    return arrange


def _rate_limited_until_a_date(route: str) -> Callable[[Emulator], None]:
    def arrange(emulator: Emulator) -> None:
        # An HTTP-date has whole seconds: one second ahead means a wait of up to two.
        emulator.rate_limit(route, retry_after=email.utils.formatdate(time.time() + 1, usegmt=True))

    return arrange


@functools.lru_cache(maxsize=4)
def gzip_bomb(expanded: int = 100 * 1024 * 1024) -> bytes:
    """``expanded`` zero bytes, gzip-compressed to about a thousandth of that.

    Made of one compressed MiB repeated as gzip members (RFC 1952 allows
    many): instant to build, and read like any gzip body.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    member = packer.compress(bytes(1024 * 1024)) + packer.flush()
    return member * max(1, expanded // (1024 * 1024))


def deep_json(depth: int = DEEP) -> bytes:
    """A JSON array nested ``depth`` levels deep."""
    return b"[" * depth + b"]" * depth


def _answer(route: str, body: Callable[[], bytes], **headers: str) -> Callable[[Emulator], None]:
    def arrange(emulator: Emulator) -> None:
        emulator.inject(route, 200, body=body(), headers=headers)

    return arrange


def _set(**attributes: Any) -> Callable[[Emulator], None]:
    def arrange(emulator: Emulator) -> None:
        for name, value in attributes.items():
            setattr(emulator, name, value)

    return arrange


def _failing_job(emulator: Emulator) -> None:
    emulator.fail_next_jobs(1, "audio could not be decoded")


_UNKNOWN_WORDS = {
    "pending": "on-hold",
    "running": "on-hold",
    "done": "completed",
    "failed": "error",
}


def _scenarios() -> Iterator[Scenario]:
    yield Scenario("no fault", _nothing, None, creates=1, jobs=1, max_seconds=2)
    # -- create -----------------------------------------------------------
    yield Scenario(
        "create: connection refused (service down)",
        _nothing,
        ServiceUnreachable,
        creates=0,
        jobs=0,
        max_seconds=3,
        service_down=True,
    )
    yield Scenario(
        "create: connection reset before an answer",
        _fault("create", kind="reset"),
        JobMayExist,
        creates=1,
        jobs=0,
        max_seconds=2,
    )
    yield Scenario(
        "create: job made, answer lost (connection dropped)",
        _fault("create", kind="drop-after"),
        JobMayExist,
        creates=1,
        jobs=1,
        max_seconds=2,
    )
    yield Scenario(
        "create: read timeout (the service is slow to answer)",
        _fault("create", kind="delay", delay=SLOW),
        JobMayExist,
        creates=1,
        jobs=1,
        max_seconds=2,
    )
    yield Scenario(
        "create: 429, Retry-After in seconds",
        _rate_limited("create", Retry_After="0.2"),
        None,
        creates=2,
        jobs=1,
        max_seconds=3,
    )
    yield Scenario(
        "create: 429, Retry-After as an HTTP-date",
        _rate_limited_until_a_date("create"),
        None,
        creates=2,
        jobs=1,
        max_seconds=4,
    )
    yield Scenario(
        "create: 429, retry-after-ms",
        # Retry-After alone would be beyond the ceiling: a result proves the ms header won
        _rate_limited("create", retry_after_ms="150", Retry_After="30"),
        None,
        creates=2,
        jobs=1,
        max_seconds=2,
    )
    yield Scenario(
        "create: 429 asking for longer than retry_after_max",
        _rate_limited("create", Retry_After="3600"),
        RateLimitError,
        creates=1,
        jobs=0,
        max_seconds=2,
    )
    yield Scenario(
        "create: 429 on every attempt",
        _rate_limited("create", times=10, Retry_After="0.05"),
        RateLimitError,
        creates=5,
        jobs=0,
        max_seconds=3,
    )
    for status, outcome, creates, jobs in (
        (500, APIError, 1, 0),
        (502, APIError, 1, 0),
        (503, None, 2, 1),
        (504, APIError, 1, 0),
    ):
        yield Scenario(
            f"create: {status} once",
            _fault("create", status),
            outcome,
            creates=creates,
            jobs=jobs,
            max_seconds=2,
        )
    yield Scenario(
        "create: 503 on every attempt",
        _fault("create", 503, times=10),
        APIError,
        creates=5,
        jobs=0,
        max_seconds=3,
    )
    yield Scenario(
        "create: 200 with a malformed JSON body",
        _fault("create", 200, body=b'{"generation_id": '),
        JobMayExist,
        creates=1,
        jobs=0,
        max_seconds=2,
    )
    yield Scenario(
        "create: job made, answer dripped a byte at a time",
        _fault("create", kind="drip", delay=DRIP),
        JobMayExist,
        creates=1,
        jobs=1,
        max_seconds=2,
    )
    yield Scenario(
        "create: job made, headers dripped a line at a time",
        _fault("create", kind="drip-headers", delay=DRIP),
        JobMayExist,
        creates=1,
        jobs=1,
        max_seconds=2,
    )
    yield Scenario(
        "create: redirect (307) to another host",
        _fault(
            "create", 307, headers={"Location": "https://elsewhere.example/v1/stt/create?sig=x"}
        ),
        RedirectRefused,
        creates=1,
        jobs=0,
        max_seconds=2,
    )
    yield Scenario(
        "create: 2xx answer larger than the limit",
        _fault("create", kind="huge", size=1024**3),
        JobMayExist,
        creates=1,
        jobs=0,
        max_seconds=2,
    )
    yield Scenario(
        "create: 2xx answer nested 100,000 deep",
        _answer("create", deep_json),
        JobMayExist,
        creates=1,
        jobs=0,
        max_seconds=2,
    )
    yield Scenario(
        "create: 401 (key refused)",
        _fault("create", 401),
        AuthenticationError,
        creates=1,
        jobs=0,
        max_seconds=2,
    )
    # -- poll -------------------------------------------------------------
    yield Scenario(
        "poll: connection reset",
        _fault("poll", kind="reset"),
        None,
        creates=1,
        jobs=1,
        max_seconds=2,
    )
    yield Scenario(
        "poll: read timeout",
        _fault("poll", kind="delay", delay=SLOW),
        None,
        creates=1,
        jobs=1,
        max_seconds=3,
    )
    yield Scenario(
        "poll: 429, Retry-After in seconds",
        _rate_limited("poll", Retry_After="0.2"),
        None,
        creates=1,
        jobs=1,
        max_seconds=2,
    )
    yield Scenario(
        "poll: 429, Retry-After as an HTTP-date",
        _rate_limited_until_a_date("poll"),
        None,
        creates=1,
        jobs=1,
        max_seconds=4,
    )
    for status in (408, 500, 502, 503, 504):
        yield Scenario(
            f"poll: {status} once",
            _fault("poll", status),
            None,
            creates=1,
            jobs=1,
            max_seconds=2,
        )
    yield Scenario(
        "poll: 503 on every attempt",
        _fault("poll", 503, times=10),
        APIError,
        creates=1,
        jobs=1,
        max_seconds=3,
        names_job=True,
    )
    yield Scenario(
        "poll: 200 with a malformed JSON body",
        _fault("poll", 200, body=b"{not json"),
        UnexpectedAnswer,
        creates=1,
        jobs=1,
        max_seconds=2,
        names_job=True,
    )
    yield Scenario(
        "poll: answer dripped once, then answered",
        _fault("poll", kind="drip", delay=DRIP),
        None,
        creates=1,
        jobs=1,
        max_seconds=2.5,
    )
    yield Scenario(
        "poll: answer dripped on every attempt",
        _fault("poll", kind="drip", delay=DRIP, times=1000),
        ServiceUnreachable,
        creates=1,
        jobs=1,
        max_seconds=3,
        client_options=(("poll_timeout", 2.0),),
        names_job=True,
    )
    yield Scenario(
        "poll: headers dripped on every attempt",
        _fault("poll", kind="drip-headers", delay=DRIP, times=1000),
        ServiceUnreachable,
        creates=1,
        jobs=1,
        max_seconds=3,
        client_options=(("poll_timeout", 2.0),),
        names_job=True,
    )
    yield Scenario(
        "poll: connection lost after the create (every poll reset)",
        _fault("poll", kind="reset", times=1000),
        ServiceUnreachable,
        creates=1,
        jobs=1,
        max_seconds=3,
        names_job=True,
    )
    yield Scenario(
        "poll: redirect (307) to another host",
        _fault("poll", 307, headers={"Location": "https://elsewhere.example/result"}),
        RedirectRefused,
        creates=1,
        jobs=1,
        max_seconds=2,
        names_job=True,
    )
    yield Scenario(
        "poll: answer larger than the limit",
        _fault("poll", kind="huge", size=1024**3),
        UnexpectedAnswer,
        creates=1,
        jobs=1,
        max_seconds=2,
        names_job=True,
    )
    yield Scenario(
        "poll: gzip bomb (100 KiB that inflate to 100 MiB)",
        _answer("poll", gzip_bomb, **{"Content-Encoding": "gzip"}),
        UnexpectedAnswer,
        creates=1,
        jobs=1,
        max_seconds=2,
        names_job=True,
    )
    yield Scenario(
        "poll: answer nested 100,000 deep",
        _answer("poll", deep_json),
        UnexpectedAnswer,
        creates=1,
        jobs=1,
        max_seconds=2,
        names_job=True,
    )
    yield Scenario(
        "job ends in error",
        _failing_job,
        TranscriptionFailed,
        creates=1,
        jobs=1,
        max_seconds=2,
        names_job=True,
    )
    yield Scenario(
        "result expired (404 for a known id)",
        _set(result_ttl=0.0),
        ResultExpired,
        creates=1,
        jobs=1,
        max_seconds=2,
        names_job=True,
    )
    yield Scenario(
        "service slower than the call's deadline",
        _set(job_duration=30.0),
        PollTimeout,
        creates=1,
        jobs=1,
        max_seconds=2.5,
        client_options=(("deadline", 1.5),),
        names_job=True,
    )
    yield Scenario(
        "unknown status word, then completed",
        # A job of 0.05 s could be done before a loaded machine's first poll (at 0.02 s)
        # arrives, and then no poll sees the unknown word; 0.6 s leaves room for that.
        _set(vocabulary=_UNKNOWN_WORDS, job_duration=0.6),
        None,
        creates=1,
        jobs=1,
        max_seconds=2.5,
    )


#: Every row of the matrix, in the order of the tables.
SCENARIOS: tuple[Scenario, ...] = tuple(_scenarios())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_scenario(scenario: Scenario, shell: str = "sync") -> Observation:
    """Run one scenario on a fresh emulator, with the ``shell``'s client, and observe what happened."""
    if shell not in SHELLS:
        raise ValueError(f"shell must be one of {SHELLS}; got {shell!r}")
    with Emulator(job_duration=0.05) as emulator:
        scenario.arrange(emulator)
        base_url = f"http://127.0.0.1:{_free_port()}" if scenario.service_down else emulator.url
        options = dict(scenario.client_options)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if shell == "sync":
                error, body, seconds = _call(base_url, options)
            else:
                import asyncio

                error, body, seconds = asyncio.run(_call_async(base_url, options, shell))
        # A slow create is still working when the client gives up: let it finish its job.
        settle = time.monotonic() + SLOW + 0.5
        while time.monotonic() < settle and any(r.status is None for r in emulator.creates):
            time.sleep(0.02)
        return Observation(
            scenario=scenario,
            error=error,
            body=body,
            creates=len(emulator.creates),
            jobs=len(emulator.jobs),
            seconds=seconds,
            warnings=[f"{w.category.__name__}: {w.message}" for w in caught],
            job_ids=tuple(emulator.jobs),
        )


def _call(base_url: str, options: dict[str, Any]) -> tuple[BaseException | None, Any, float]:
    error: BaseException | None = None
    body: Any = None
    with matrix_client(base_url, **options) as client:
        started = time.monotonic()
        try:
            body = client.stt(dict(PAYLOAD))
        except Exception as raised:  # noqa: BLE001 - the observation records which
            error = raised
        return error, body, time.monotonic() - started


async def _call_async(
    base_url: str, options: dict[str, Any], shell: str
) -> tuple[BaseException | None, Any, float]:
    from ..aio.client import AsyncClient
    from ..aio.transport import new_http_client

    error: BaseException | None = None
    body: Any = None
    http_client: Any = None
    if shell == "async-httpx":
        http_client = new_http_client()
    elif shell == "async-http11":
        from ..aio.http11 import ConnectionPool

        http_client = ConnectionPool()
    settings = matrix_settings(base_url, **options)
    async with AsyncClient(MATRIX_KEY, http_client=http_client, **settings) as client:
        started = time.monotonic()
        try:
            body = await client.stt(dict(PAYLOAD))
        except Exception as raised:  # noqa: BLE001 - the observation records which
            error = raised
        seconds = time.monotonic() - started
    if http_client is not None:
        await http_client.aclose()
    return error, body, seconds


def markdown_table(times: dict[str, float] | None = None) -> str:
    """The matrix as a Markdown table; ``times`` (by scenario name) adds a measured column."""
    header = "| scenario | outcome | names the job | creates | jobs | within |"
    rule = "| --- | --- | --- | ---: | ---: | ---: |"
    if times is not None:
        header += " measured |"
        rule += " ---: |"
    lines = [header, rule]
    for scenario in SCENARIOS:
        row = (
            f"| {scenario.name} | `{scenario.outcome_name}` | {'yes' if scenario.names_job else ''} | "
            f"{scenario.creates} | {scenario.jobs} | {scenario.max_seconds:g} s |"
        )
        if times is not None:
            row += f" {times[scenario.name]:.2f} s |"
        lines.append(row)
    return "\n".join(lines)
