"""Choosing the async HTTP client: httpx, httpx2 and aiohttp driving hundreds of jobs at once.

What it measures
----------------
The candidates for legacy-stt's ``AsyncClient``: ``httpx.AsyncClient``, ``httpx2.AsyncClient``
and ``aiohttp.ClientSession``, each doing the two-step flow the way the async client will:

* the emulator of the service runs in its own process, started as a user would
  (``python -m legacy_stt.testing --port 0 --api-key KEY --job-duration 5``), a fresh one for
  every run;
* a child process per run imports only the client it measures and starts N jobs at once on
  asyncio (``--counts``: 500, then 200; see below for 1,000): each job sends one ``POST /v1/stt/create`` (JSON
  ``{"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"}``), then sleeps
  ``--poll-interval`` (0.5 s) and sends ``GET /v1/stt/{id}`` until the status is no longer
  ``queued``/``generating``/``processing`` (the job takes ``--job-duration``, 5 s). The
  connection limits let every request be in flight at once (httpx and httpx2:
  ``Limits(max_connections=N, max_keepalive_connections=N)``; aiohttp:
  ``TCPConnector(limit=N)``), and every client gets the same ``--timeout`` (60 s; httpx's
  default of 5 s would turn queueing into errors) and ignores proxy variables. The clients
  connect to ``localhost`` (``--hostname``), so the name is resolved with ``getaddrinfo`` as the
  service's name would be (that is where httpx's worker threads come from);
* the child reports the wall time from the first create to the last job seen done, against
  the ideal (job duration + one poll interval: every job seen done at its first poll after it
  ends); its CPU seconds (user + sys, ``getrusage(RUSAGE_SELF)``: the whole process, and the
  run alone); its peak RSS (``ru_maxrss``; and after the import, before any request); the
  most threads seen (``threading.active_count()``, and the OS threads in ``/proc/self/task``,
  sampled every 20 ms); and every error, by kind. The parent adds what the emulator counted
  (creates, polls), its CPU seconds and its most threads (it runs a thread per connection).

The clients are interleaved: every round runs each client once per job count, the order
rotating from round to round, and the report gives the medians over ``--rounds`` (3).

Then, in this process, a few checks of how far httpx2 is a drop-in for httpx: the transport
interface (``BaseTransport.handle_request``, ``AsyncBaseTransport.handle_async_request``,
``mounts=``), whether ``Request``/``Response`` are shared classes and whether one package's
transport works in the other's client, the ``trace`` request extension (the events both emit
for one request), whether each client runs under trio, and streaming uploads (an async
generator as the body of a create, in each client).

How to run it
-------------
From a checkout, after ``python -m pip install . httpx httpx2 aiohttp trio``::

    python benchmarks/async_stack.py                          # 500 and 200 jobs, 3 rounds
    python benchmarks/async_stack.py --counts 1000,200        # the 1,000-job goal (~9 min)
    python benchmarks/async_stack.py --counts 200 --rounds 1  # a quick look
    python benchmarks/async_stack.py --json > figures.json

About 4-5 minutes on 2 cores with the defaults, most of it httpx's and httpx2's runs, which are
CPU-bound in the client. Why not 1,000 by default: 1,000 jobs are too heavy for the emulator (a
``ThreadingHTTPServer``: a thread per connection, under one GIL). Behind aiohttp, the only
client fast enough to load it, it burnt 1.1-1.8 cores, and in one run of three it fell so far
behind that 736 polls hit the 60 s timeout; behind httpx and httpx2 it idles while the client
itself takes 30-60 s of CPU. With 300 jobs it keeps up (ten polls per job); with 500-700 it
completes every job, about half a core busy, and the polls slow down a little.
``--max-connections 100`` shows the clients with a bounded pool instead.

Python 3.11+ (httpx2 requires it); Linux (it reads ``/proc`` for thread counts and the
emulator's CPU time).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import importlib.metadata
import inspect
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

from _common import BenchmarkError, Stats, machine_info

CLIENTS = ("httpx", "httpx2", "aiohttp")
DEFAULT_COUNTS = (500, 200)
DEFAULT_ROUNDS = 3
DEFAULT_JOB_DURATION = 5.0
DEFAULT_POLL_INTERVAL = 0.5
DEFAULT_TIMEOUT = 60.0
#: A test key for the emulator (it accepts only this one); not a secret.
BENCH_KEY = "async-stack-benchmark-key"
PAYLOAD = {"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"}
#: The status words of a job not finished yet (both of the emulator's vocabularies, and the
#: service's own "processing").
PENDING = frozenset({"queued", "generating", "processing", "waiting", "active"})
SAMPLE_EVERY = 0.02
HERE = Path(__file__).resolve()

# Children may write bytecode caches, as on a user's machine (some sandboxes set
# PYTHONDONTWRITEBYTECODE; the warm-up import writes the caches for every client alike).
CHILD_ENVIRONMENT = {
    name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
}


# ---------------------------------------------------------------------------
# the child: one client, N jobs


class HttpxStyle:
    """httpx.AsyncClient or httpx2.AsyncClient (the same API)."""

    def __init__(self, module: Any, url: str, count: int, timeout: float) -> None:
        self.client = module.AsyncClient(
            base_url=url,
            headers={"Authorization": f"Bearer {BENCH_KEY}"},
            limits=module.Limits(max_connections=count, max_keepalive_connections=count),
            timeout=module.Timeout(timeout),
            trust_env=False,
        )

    async def create(self, body: dict[str, Any]) -> tuple[int, Any]:
        response = await self.client.post("/v1/stt/create", json=body)
        return response.status_code, response.json()

    async def poll(self, generation_id: str) -> tuple[int, Any]:
        response = await self.client.get(f"/v1/stt/{generation_id}")
        return response.status_code, response.json()

    async def aclose(self) -> None:
        await self.client.aclose()


class AiohttpStyle:
    """aiohttp.ClientSession (made inside the running loop, as aiohttp requires)."""

    def __init__(self, module: Any, url: str, count: int, timeout: float) -> None:
        self.session = module.ClientSession(
            base_url=url,
            headers={"Authorization": f"Bearer {BENCH_KEY}"},
            connector=module.TCPConnector(limit=count),
            timeout=module.ClientTimeout(total=timeout),
        )

    async def create(self, body: dict[str, Any]) -> tuple[int, Any]:
        async with self.session.post("/v1/stt/create", json=body) as response:
            return response.status, await response.json()

    async def poll(self, generation_id: str) -> tuple[int, Any]:
        async with self.session.get(f"/v1/stt/{generation_id}") as response:
            return response.status, await response.json()

    async def aclose(self) -> None:
        await self.session.close()


class ThreadPeak:
    """The most threads seen: Python's (``threading``) and the OS's (``/proc/self/task``)."""

    def __init__(self) -> None:
        self.python = 0
        self.os = 0

    def sample(self) -> None:
        self.python = max(self.python, threading.active_count())
        with contextlib.suppress(OSError):
            self.os = max(self.os, len(os.listdir("/proc/self/task")))

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(SAMPLE_EVERY)


def percentile(values: Sequence[float], rank: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(rank * len(ordered)))]


async def drive(
    client_name: str,
    module: Any,
    url: str,
    count: int,
    connections: int,
    interval: float,
    timeout: float,
) -> dict[str, Any]:
    threads = ThreadPeak()
    sampler = asyncio.create_task(threads.run())
    style = AiohttpStyle if client_name == "aiohttp" else HttpxStyle
    adapter = style(module, url, connections, timeout)
    errors: collections.Counter[str] = collections.Counter()
    counts = collections.Counter[str]()
    create_latencies: list[float] = []
    job_times: list[float] = []
    creates_answered: list[float] = []
    examples: dict[str, str] = {}

    async def job() -> None:
        started = time.perf_counter()
        phase = "create"
        try:
            counts["creates"] += 1
            status, answer = await adapter.create(PAYLOAD)
            if status != 200 or not isinstance(answer, dict) or "generation_id" not in answer:
                errors[f"create answered {status}"] += 1
                return
            generation_id = answer["generation_id"]
            create_latencies.append(time.perf_counter() - started)
            creates_answered.append(time.perf_counter())
            phase = "poll"
            while True:
                await asyncio.sleep(interval)
                counts["polls"] += 1
                status, answer = await adapter.poll(generation_id)
                if status != 200:
                    errors[f"poll answered {status}"] += 1
                    return
                state = answer.get("status")
                if state in PENDING:
                    continue
                if state == "completed" and answer.get("result") is not None:
                    counts["ok"] += 1
                    job_times.append(time.perf_counter() - started)
                else:
                    errors[f"job ended {state!r}"] += 1
                return
        except Exception as error:  # noqa: BLE001 - every failure is counted, by kind
            kind = f"{phase}: {type(error).__module__.split('.')[0]}.{type(error).__name__}"
            errors[kind] += 1
            cause = error.__cause__ or error.__context__
            examples.setdefault(kind, f"{error!r}" + (f" from {cause!r}" if cause else ""))

    start = time.perf_counter()
    await asyncio.gather(*(job() for _ in range(count)))
    wall = time.perf_counter() - start
    await adapter.aclose()
    threads.sample()
    sampler.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sampler
    return {
        "wall_s": wall,
        "ok": counts["ok"],
        "errors": dict(errors),
        "error_examples": examples,
        "creates_sent": counts["creates"],
        "polls_sent": counts["polls"],
        "all_creates_answered_s": (max(creates_answered) - start) if creates_answered else None,
        "create_latency_median_s": statistics.median(create_latencies)
        if create_latencies
        else None,
        "create_latency_max_s": max(create_latencies, default=None),
        "job_time_median_s": statistics.median(job_times) if job_times else None,
        "job_time_p95_s": percentile(job_times, 0.95) if job_times else None,
        "max_threads": threads.python,
        "max_os_threads": threads.os,
    }


def cpu_seconds(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def child_main(arguments: argparse.Namespace) -> int:
    """Run one client's jobs and print one JSON line of figures."""
    before_import = time.perf_counter()
    module = __import__(arguments.child)
    import_s = time.perf_counter() - before_import
    after_import = resource.getrusage(resource.RUSAGE_SELF)
    figures = asyncio.run(
        drive(
            arguments.child,
            module,
            arguments.url,
            arguments.count,
            arguments.max_connections or arguments.count,
            arguments.poll_interval,
            arguments.timeout,
        )
    )
    finished = resource.getrusage(resource.RUSAGE_SELF)
    figures.update(
        client=arguments.child,
        version=importlib.metadata.version(arguments.child),
        count=arguments.count,
        connections=arguments.max_connections or arguments.count,
        import_s=import_s,
        cpu_total_s=cpu_seconds(finished),
        cpu_run_s=cpu_seconds(finished) - cpu_seconds(after_import),
        rss_after_import_mib=after_import.ru_maxrss / 1024,  # KiB on Linux
        peak_rss_mib=finished.ru_maxrss / 1024,
    )
    sys.stdout.write(json.dumps(figures) + "\n")
    return 0


# ---------------------------------------------------------------------------
# the emulator, in its own process


class EmulatorProcess:
    """``python -m legacy_stt.testing`` in a child process; ``stop()`` returns its summary."""

    def __init__(self, job_duration: float) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "legacy_stt.testing",
                "--port",
                "0",
                "--api-key",
                BENCH_KEY,
                "--job-duration",
                str(job_duration),
                "--summary",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env=CHILD_ENVIRONMENT,
        )
        assert self.popen.stdout is not None
        line = self.popen.stdout.readline()  # "emulator listening on http://HOST:PORT"
        if "listening on" not in line:
            self.popen.kill()
            self.popen.wait()
            raise BenchmarkError(f"the emulator did not start: {line!r} {self.error_tail()}")
        self.url = line.split("listening on", 1)[1].strip()
        self.max_threads = 0

    def error_tail(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace").strip()[-2000:]

    def sample_threads(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            with open(f"/proc/{self.popen.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("Threads:"):
                        self.max_threads = max(self.max_threads, int(line.split()[1]))

    def cpu_seconds(self) -> float | None:
        try:
            with open(f"/proc/{self.popen.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> dict[str, Any]:
        self.popen.send_signal(signal.SIGTERM)
        try:
            out, _ = self.popen.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            out, _ = self.popen.communicate()
        self.stderr.close()
        lines = out.strip().splitlines()
        try:
            return json.loads(lines[-1])
        except (IndexError, ValueError):
            return {}

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()


def one_run(client: str, count: int, arguments: argparse.Namespace) -> dict[str, Any]:
    """A fresh emulator and one child process driving ``count`` jobs with ``client``."""
    with EmulatorProcess(arguments.job_duration) as emulator:
        with tempfile.TemporaryFile() as child_errors:
            emulator_cpu_before = emulator.cpu_seconds()
            started = time.perf_counter()
            child = subprocess.Popen(
                [
                    sys.executable,
                    str(HERE),
                    "--child",
                    client,
                    "--url",
                    emulator.url.replace("127.0.0.1", arguments.hostname, 1),
                    "--count",
                    str(count),
                    "--poll-interval",
                    str(arguments.poll_interval),
                    "--timeout",
                    str(arguments.timeout),
                    "--max-connections",
                    str(arguments.max_connections or count),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=child_errors,
                env=CHILD_ENVIRONMENT,
            )
            deadline = started + arguments.run_timeout
            while child.poll() is None:
                emulator.sample_threads()
                if time.perf_counter() > deadline:
                    child.kill()
                time.sleep(0.1)
            process_wall = time.perf_counter() - started
            assert child.stdout is not None
            out = child.stdout.read().decode("utf-8", "replace").strip()
            child.stdout.close()
            child_errors.seek(0)
            error_tail = child_errors.read().decode("utf-8", "replace").strip()[-2000:]
        emulator_cpu_after = emulator.cpu_seconds()
        seen = emulator.stop()
    emulator_cpu = None
    if emulator_cpu_before is not None and emulator_cpu_after is not None:
        emulator_cpu = emulator_cpu_after - emulator_cpu_before
    try:
        figures: dict[str, Any] = json.loads(out.splitlines()[-1])
    except (IndexError, ValueError):
        return {
            "client": client,
            "count": count,
            "failed": f"the child exited {child.returncode} without figures: {error_tail}",
        }
    figures.update(
        process_wall_s=process_wall,
        emulator_creates=seen.get("creates"),
        emulator_polls=seen.get("polls"),
        emulator_cpu_s=emulator_cpu,
        emulator_core_share=None if emulator_cpu is None else emulator_cpu / process_wall,
        emulator_max_threads=emulator.max_threads,
    )
    return figures


# ---------------------------------------------------------------------------
# httpx2 against httpx: the interface, trace, trio, streaming uploads


async def _collect_trace(module: Any, url: str) -> list[str]:
    events: list[str] = []

    async def trace(name: str, info: dict[str, Any]) -> None:
        events.append(name)

    async with module.AsyncClient(base_url=url, trust_env=False) as client:
        await client.get("/v1/stt/unknown-id", extensions={"trace": trace})
    return events


async def _create_and_poll_httpx(module: Any, url: str) -> str:
    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    async with module.AsyncClient(base_url=url, headers=headers, trust_env=False) as client:
        created = await client.post("/v1/stt/create", json=PAYLOAD)
        polled = await client.get(f"/v1/stt/{created.json()['generation_id']}")
        return f"create {created.status_code}, poll {polled.status_code} {polled.json()['status']}"


async def _create_and_poll_aiohttp(module: Any, url: str) -> str:
    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    async with module.ClientSession(base_url=url, headers=headers) as session:
        async with session.post("/v1/stt/create", json=PAYLOAD) as created:
            generation_id = (await created.json())["generation_id"]
        async with session.get(f"/v1/stt/{generation_id}") as polled:
            return (
                f"create {created.status}, poll {polled.status} {(await polled.json())['status']}"
            )


async def _chunks() -> AsyncIterator[bytes]:
    body = json.dumps(PAYLOAD).encode("utf-8")
    for start in range(0, len(body), 16):
        yield body[start : start + 16]


async def _stream_upload(name: str, module: Any, url: str) -> str:
    headers = {"Authorization": f"Bearer {BENCH_KEY}", "Content-Type": "application/json"}
    if name == "aiohttp":
        async with module.ClientSession(base_url=url, headers=headers) as session:
            async with session.post("/v1/stt/create", data=_chunks()) as response:
                await response.read()
                framing = response.request_info.headers.get("Transfer-Encoding", "length")
                return f"{response.status} (sent {framing})"
    async with module.AsyncClient(base_url=url, headers=headers, trust_env=False) as client:
        response = await client.post("/v1/stt/create", content=_chunks())
        framing = response.request.headers.get("Transfer-Encoding", "length")
        return f"{response.status_code} (sent {framing})"


def _outcome(call: Callable[[], Any]) -> str:
    try:
        return str(call())
    except Exception as error:  # noqa: BLE001 - the check reports what went wrong
        text = str(error).splitlines()[0] if str(error) else ""
        if not text and error.__traceback__ is not None:  # a bare assert: show its line
            frame = traceback.extract_tb(error.__traceback__)[-1]
            text = (
                f"`{frame.line}` in {Path(frame.filename).parent.name}/{Path(frame.filename).name}"
            )
        return f"fails: {type(error).__name__}: {text}"[:200]


def interface_checks(url: str) -> dict[str, str]:
    import aiohttp
    import httpx
    import httpx2
    import trio

    modules = {"httpx": httpx, "httpx2": httpx2, "aiohttp": aiohttp}
    found: dict[str, str] = {}

    def same_signature(attribute: str) -> str:
        owner, method = attribute.split(".")
        ours = inspect.signature(getattr(getattr(httpx, owner), method))
        theirs = inspect.signature(getattr(getattr(httpx2, owner), method))
        return (
            f"{'same' if str(ours) == str(theirs) else 'DIFFERENT'}: httpx {ours}, httpx2 {theirs}"
        )

    found["BaseTransport.handle_request"] = same_signature("BaseTransport.handle_request")
    found["AsyncBaseTransport.handle_async_request"] = same_signature(
        "AsyncBaseTransport.handle_async_request"
    )
    client_params = {
        name: set(inspect.signature(m.AsyncClient.__init__).parameters)
        for name, m in (("httpx", httpx), ("httpx2", httpx2))
    }
    found["AsyncClient parameters"] = (
        f"mounts= in httpx: {'mounts' in client_params['httpx']}, in httpx2: "
        f"{'mounts' in client_params['httpx2']}; only in httpx: "
        f"{sorted(client_params['httpx'] - client_params['httpx2']) or 'none'}, only in httpx2: "
        f"{sorted(client_params['httpx2'] - client_params['httpx']) or 'none'}"
    )
    found["public names"] = (
        f"only in httpx: {sorted(set(httpx.__all__) - set(httpx2.__all__)) or 'none'}; "
        f"only in httpx2: {sorted(set(httpx2.__all__) - set(httpx.__all__)) or 'none'}"
    )
    found["Request/Response classes"] = (
        f"httpx2.Request is httpx.Request: {httpx2.Request is httpx.Request}; "
        f"subclass either way: {issubclass(httpx2.Request, httpx.Request) or issubclass(httpx.Request, httpx2.Request)}; "
        f"httpx2.Response is httpx.Response: {httpx2.Response is httpx.Response}"
    )

    class Canned(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: Any) -> Any:
            return httpx2.Response(200, json={"mounted": str(request.url)})

    async def through_mount() -> str:
        mounts = {"all://mounted.invalid": Canned()}
        async with httpx2.AsyncClient(mounts=mounts, trust_env=False) as client:
            answer = await client.get("http://mounted.invalid/x")
            async with httpx2.AsyncClient(mounts=mounts, trust_env=False) as plain:
                other = await plain.get(url + "/v1/stt/unknown-id")
            return f"mounted transport answered {answer.json()}; other URLs: {other.status_code}"

    found["httpx2 mounts= with an AsyncBaseTransport"] = _outcome(
        lambda: asyncio.run(through_mount())
    )

    async def cross(client_module: Any, transport_module: Any) -> str:
        transport = transport_module.AsyncHTTPTransport()
        async with client_module.AsyncClient(transport=transport, trust_env=False) as client:
            answer = await client.get(url + "/v1/stt/unknown-id")
            return f"works ({answer.status_code}, a {type(answer).__module__}.Response)"

    found["httpx transport in an httpx2 client"] = _outcome(
        lambda: asyncio.run(cross(httpx2, httpx))
    )
    found["httpx2 transport in an httpx client"] = _outcome(
        lambda: asyncio.run(cross(httpx, httpx2))
    )
    alias = subprocess.run(
        [
            sys.executable,
            "-c",
            "import httpx2; httpx2.alias_httpx(); import httpx, httpcore, httpcore2; "
            "print(httpx is httpx2, httpcore is httpcore2)",
        ],
        capture_output=True,
        text=True,
        env=CHILD_ENVIRONMENT,
        check=False,
    )
    found["httpx2.alias_httpx()"] = (
        f"`import httpx` is httpx2, `import httpcore` is httpcore2: {alias.stdout.strip()}"
        if alias.returncode == 0
        else f"fails: {alias.stderr.strip()[-160:]}"
    )

    traces: dict[str, list[str]] = {}
    for name in ("httpx", "httpx2"):
        traces[name] = asyncio.run(_collect_trace(modules[name], url))
        traces[name + " (trio)"] = trio.run(_collect_trace, modules[name], url)
    same = all(events == traces["httpx"] for events in traces.values())
    found["trace extension"] = (
        f"{'same' if same else 'DIFFERENT'} events in httpx and httpx2, asyncio and trio "
        f"({len(traces['httpx'])} for one GET on a new connection): {', '.join(traces['httpx'])}"
    )
    if not same:
        for name, events in traces.items():
            found[f"trace events, {name}"] = ", ".join(events)

    for name in ("httpx", "httpx2"):
        found[f"{name} under trio"] = _outcome(
            lambda name=name: trio.run(_create_and_poll_httpx, modules[name], url)
        )
    found["aiohttp under trio"] = _outcome(lambda: trio.run(_create_and_poll_aiohttp, aiohttp, url))
    for name, module in modules.items():
        found[f"{name} streaming upload (async generator body), asyncio"] = _outcome(
            lambda name=name, module=module: asyncio.run(_stream_upload(name, module, url))
        )
    for name in ("httpx", "httpx2"):
        found[f"{name} streaming upload, trio"] = _outcome(
            lambda name=name: trio.run(_stream_upload, name, modules[name], url)
        )
    for name in ("httpx", "httpcore", "httpx2", "httpcore2", "aiohttp", "anyio", "trio"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            meta = importlib.metadata.metadata(name)
            statuses = [c for c in meta.get_all("Classifier") or [] if "Development Status" in c]
            found[f"package {name}"] = (
                f"{meta['Version']}, Requires-Python {meta['Requires-Python']}, "
                f"{statuses[0].split('::')[-1].strip() if statuses else 'no status'}, "
                f"maintainer {meta['Maintainer-email'] or meta['Author-email']}"
            )
    return found


# ---------------------------------------------------------------------------
# the report


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    good = [run for run in runs if "failed" not in run]
    errors: collections.Counter[str] = collections.Counter()
    examples: dict[str, str] = {}
    for run in good:
        errors.update(run["errors"])
        for kind, example in run["error_examples"].items():
            examples.setdefault(kind, example)
    summary: dict[str, Any] = {
        "runs": len(good),
        "failed_runs": [run["failed"] for run in runs if "failed" in run],
        "errors_total": sum(errors.values()),
        "errors": dict(errors),
        "error_examples": examples,
    }
    if good:
        summary["wall"] = Stats(tuple(run["wall_s"] for run in good)).as_dict()
    for key in (
        "cpu_run_s",
        "cpu_total_s",
        "peak_rss_mib",
        "rss_after_import_mib",
        "max_threads",
        "max_os_threads",
        "import_s",
        "all_creates_answered_s",
        "create_latency_median_s",
        "create_latency_max_s",
        "job_time_median_s",
        "job_time_p95_s",
        "emulator_polls",
        "emulator_cpu_s",
        "emulator_core_share",
        "emulator_max_threads",
        "process_wall_s",
    ):
        summary[key] = median_of(good, key)
    return summary


def fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def print_report(report: dict[str, Any]) -> None:
    out = sys.stdout.write
    machine, params = report["machine"], report["parameters"]
    ideal = params["ideal_s"]
    out("\nasync HTTP clients: N concurrent create + poll jobs against the emulator\n\n")
    out(
        f"machine:  {machine['cpu']}, {machine['logical_cpus']} logical CPUs "
        f"({machine['usable_cpus']} usable), load {machine['load_average']}\n"
    )
    out(f"          {machine['os']}, {machine['python']}, {machine['date']}\n")
    out(f"clients:  {', '.join(f'{k} {v}' for k, v in report['versions'].items())}\n")
    out(
        f"load:     {', '.join(map(str, params['counts']))} jobs at once, job {params['job_duration_s']:g} s, "
        f"a poll every {params['poll_interval_s']:g} s; ideal {ideal:g} s; {params['rounds']} rounds, "
        "clients interleaved, a fresh emulator and child process per run\n"
    )
    out(
        f"          clients connect to {params['hostname']}, connection limit "
        f"{params['max_connections']}, timeout {params['timeout_s']:g} s\n\n"
    )
    header = (
        f"{'round':<6}{'client':<9}{'jobs':>6}{'wall s':>8}{'/ideal':>8}{'CPU run':>9}{'CPU all':>9}"
        f"{'RSS MiB':>9}{'threads':>9}{'errors':>8}{'creates':>9}{'polls':>7}{'emu CPU':>9}"
        f"{'emu thr':>9}\n"
    )
    out(header)
    out("-" * (len(header) - 1) + "\n")
    for run in report["runs"]:
        if "failed" in run:
            out(f"{run['round']:<6}{run['client']:<9}{run['count']:>6}  FAILED: {run['failed']}\n")
            continue
        out(
            f"{run['round']:<6}{run['client']:<9}{run['count']:>6}{run['wall_s']:>8.2f}"
            f"{run['wall_s'] / ideal:>8.2f}{run['cpu_run_s']:>9.2f}{run['cpu_total_s']:>9.2f}"
            f"{run['peak_rss_mib']:>9.1f}{run['max_threads']:>5}/{run['max_os_threads']:<3}"
            f"{sum(run['errors'].values()):>8}{fmt(run['all_creates_answered_s'], '.2f'):>9}"
            f"{fmt(run['emulator_polls'], 'd'):>7}"
            f"{fmt(run['emulator_cpu_s'], '.2f'):>9}{run['emulator_max_threads']:>9}\n"
        )
    out(
        "\n(CPU run: user+sys seconds of the child from after the import to the end; CPU all: "
        "the whole child process; threads: threading.active_count() / OS threads, most seen; "
        "creates: seconds until every create was answered; polls: as the emulator counted them; "
        "emu: the emulator process, CPU seconds while the child ran, and its most threads)\n"
    )
    out("\nmedians per client (markdown):\n\n")
    out(
        "| client | jobs | wall s | wall / ideal | CPU s (run / whole child) | peak RSS MiB "
        "(after import) | max threads (Python / OS) | errors (all rounds) | job time median / p95 s "
        "| emulator CPU s (cores busy) |\n"
    )
    out("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for count in params["counts"]:
        for client in params["clients"]:
            s = report["medians"][f"{client}@{count}"]
            if not s["runs"]:
                out(f"| {client} | {count} | no run finished | | | | | | | |\n")
                continue
            wall = s["wall"]["median_s"]
            out(
                f"| {client} {report['versions'][client]} | {count} | {wall:.2f} | {wall / ideal:.2f} "
                f"| {fmt(s['cpu_run_s'], '.2f')} / {fmt(s['cpu_total_s'], '.2f')} "
                f"| {fmt(s['peak_rss_mib'], '.1f')} ({fmt(s['rss_after_import_mib'], '.1f')}) "
                f"| {fmt(s['max_threads'], 'g')} / {fmt(s['max_os_threads'], 'g')} "
                f"| {s['errors_total']} "
                f"| {fmt(s['job_time_median_s'], '.2f')} / {fmt(s['job_time_p95_s'], '.2f')} "
                f"| {fmt(s['emulator_cpu_s'], '.2f')} ({fmt(s['emulator_core_share'], '.2f')}) |\n"
            )
    errors = {key: s["errors"] for key, s in report["medians"].items() if s["errors"]}
    failed = {key: s["failed_runs"] for key, s in report["medians"].items() if s["failed_runs"]}
    out(f"\nerrors by kind: {json.dumps(errors) if errors else 'none'}\n")
    for key, s in report["medians"].items():
        for kind, example in s["error_examples"].items():
            out(f"  {key} {kind}, e.g. {example[:300]}\n")
    if failed:
        out(f"failed runs: {json.dumps(failed)}\n")
    out("\nhttpx2 against httpx (and the others):\n")
    for name, finding in report["interface"].items():
        out(f"  {name}: {finding}\n")


# ---------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--counts",
        type=lambda text: [int(part) for part in text.split(",")],
        default=list(DEFAULT_COUNTS),
        help="concurrent jobs per run, comma-separated (500,200)",
    )
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="rounds (3)")
    parser.add_argument(
        "--clients",
        type=lambda text: text.split(","),
        default=list(CLIENTS),
        help="comma-separated, of httpx,httpx2,aiohttp (all)",
    )
    parser.add_argument("--job-duration", type=float, default=DEFAULT_JOB_DURATION)
    parser.add_argument("--poll-interval", type=float, default=DEFAULT_POLL_INTERVAL)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="per request (60)")
    parser.add_argument(
        "--run-timeout", type=float, default=180.0, help="a run is killed after this (180 s)"
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        help="the clients' connection limit (default: the number of jobs, all in flight at once)",
    )
    parser.add_argument(
        "--hostname",
        default="localhost",
        help="the name the clients connect to (localhost: resolved with getaddrinfo, as the "
        "service's name is; 127.0.0.1 skips the lookup)",
    )
    parser.add_argument("--skip-checks", action="store_true", help="no interface checks")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--child", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    unknown = set(arguments.clients) - set(CLIENTS)
    if unknown:
        parser.error(f"unknown clients: {', '.join(sorted(unknown))}")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.child:
        return child_main(arguments)
    machine = machine_info()  # load average before the benchmark loads the machine
    # The warm-up: every client imported once with bytecode caching allowed.
    subprocess.run(
        [sys.executable, "-c", "import httpx, httpx2, aiohttp, trio, legacy_stt.testing"],
        env=CHILD_ENVIRONMENT,
        check=True,
    )
    versions = {name: importlib.metadata.version(name) for name in arguments.clients}
    runs: list[dict[str, Any]] = []
    for number in range(arguments.rounds):
        shift = number % len(arguments.clients)
        order = arguments.clients[shift:] + arguments.clients[:shift]
        for count in arguments.counts:
            for client in order:
                figures = one_run(client, count, arguments)
                figures["round"] = number + 1
                runs.append(figures)
                if "failed" in figures:
                    print(
                        f"round {number + 1} {client} x{count}: {figures['failed']}",
                        file=sys.stderr,
                    )
                else:
                    print(
                        f"round {number + 1} {client} x{count}: wall {figures['wall_s']:.2f} s, "
                        f"cpu {figures['cpu_run_s']:.2f} s, rss {figures['peak_rss_mib']:.1f} MiB, "
                        f"threads {figures['max_threads']}/{figures['max_os_threads']}, "
                        f"ok {figures['ok']}, errors {figures['errors'] or 'none'}",
                        file=sys.stderr,
                    )
    interface: dict[str, str] = {}
    if not arguments.skip_checks:
        with EmulatorProcess(0.2) as emulator:
            try:
                interface = interface_checks(emulator.url)
            finally:
                emulator.stop()
    report = {
        "machine": machine,
        "versions": versions,
        "parameters": {
            "counts": arguments.counts,
            "clients": arguments.clients,
            "rounds": arguments.rounds,
            "job_duration_s": arguments.job_duration,
            "poll_interval_s": arguments.poll_interval,
            "ideal_s": arguments.job_duration + arguments.poll_interval,
            "timeout_s": arguments.timeout,
            "max_connections": arguments.max_connections or "the number of jobs",
            "hostname": arguments.hostname,
        },
        "runs": runs,
        "medians": {
            f"{client}@{count}": summarize(
                [r for r in runs if r["client"] == client and r["count"] == count]
            )
            for count in arguments.counts
            for client in arguments.clients
        },
        "interface": interface,
    }
    if arguments.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
