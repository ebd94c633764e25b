"""Load on the compatibility proxy: 200 and 1,000 concurrent legacy calls, against the legacy endpoint.

What it measures
----------------
Three processes, so that the load generator, the proxy and the service do not share a GIL:

* the emulator of the service (``legacy_stt.testing.Emulator``), each job taking
  ``--job-duration`` seconds (0.5 by default);
* ``legacy-stt serve`` (the proxy: the ASGI application on uvicorn) in front of it;
* this script, which fires each level's calls (``--requests 200 1000``) at once -- legacy JSON
  calls from one asyncio loop (aiohttp), a new connection each -- and times each one.

Every run times two rounds per level, in alternating order:

* **baseline**: the calls go straight to the emulator's own deprecated ``POST /v1/stt``, which
  holds the connection for the job's duration and answers ``201`` with the legacy body -- what
  the legacy endpoint did;
* **proxy**: the same calls go to the proxy's ``POST /v1/stt``, which creates each job with
  ``POST /v1/stt/create``, polls ``GET /v1/stt/{id}`` (the default poll policy: first poll after
  0.25 s, then each wait x1.5, until it has seen three jobs; then a first wait of most of their
  typical length and fine steps) and answers ``201`` with the legacy body;
* **floor** (a reference, not a goal; ``--no-floor`` leaves it out): what any create-and-poll
  proxy costs on this machine -- a bare ASGI application on uvicorn (httptools, uvloop) in its
  own process that reads the call, sends the same create, polls on the same schedule (the
  default policy, learnt from the jobs it has seen, as the proxy's is) over
  ``legacy_stt.aio.http11.ConnectionPool`` and answers the poll's result: no checks, no
  translation, no notices, no log. The proxy's own cost is what it spends above this.

A call counts as a failure unless it gets ``201`` and a body with a transcript. Reported per
round: failures, wall time from release to the last answer, throughput (calls / wall time),
median and p95 latency, and the CPU time the side's own server (the proxy, the floor) and the
emulator spent over the round (``/proc/<pid>/stat``) per call; then, per level, the medians
over the runs and the ratios, and the proxy's peak memory (VmHWM). One untimed warm-up round
on each side comes first; the sides take turns, in an order that rotates run by run.

How to run it
-------------
From a checkout, after ``python -m pip install ".[serve]"``::

    python benchmarks/proxy_load.py                   # 200 and 1,000 calls, 5 runs
    python benchmarks/proxy_load.py --requests 50 --runs 2
    python benchmarks/proxy_load.py --json > figures.json

Needs legacy-stt with the serve extra (the emulator, ``legacy-stt serve``, aiohttp). Linux
(reads /proc). Python 3.9+.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BenchmarkError, machine_info

DEFAULT_LEVELS = (200, 1000)
DEFAULT_RUNS = 5
DEFAULT_JOB_DURATION = 0.5
DEFAULT_BACKLOG = 2048
WARMUP_REQUESTS = 20
REQUEST_TIMEOUT = 120.0
#: The key the callers send; the emulator takes any bearer key.
BENCH_KEY = "benchmark-key"
PAYLOAD = {
    "model": "#g1_nova-2-general",
    "punctuate": True,
    "smart_format": True,
}


# ---------------------------------------------------------------------------
# the emulator, in its own process


def serve_emulator(job_duration: float, backlog: int) -> int:
    """Run the emulator until standard input closes; its URL is the first line on stdout."""
    from legacy_stt.testing import Emulator

    with Emulator(
        job_duration=job_duration, legacy_timeout=max(30.0, job_duration * 2), backlog=backlog
    ) as service:
        print(service.url, flush=True)
        sys.stdin.read()
    return 0


# ---------------------------------------------------------------------------
# the floor: create and polls, nothing else, in its own process


def floor_app(upstream: str) -> Any:
    """A bare ASGI application that turns a legacy JSON call into a create and polls."""
    import asyncio

    from legacy_stt.aio.http11 import ConnectionPool
    from legacy_stt.core.bodies import AnswerBody
    from legacy_stt.core.polling import PENDING_STATUSES, JobDurations, PollPolicy

    headers = {
        "Authorization": f"Bearer {BENCH_KEY}",
        "Accept": "application/json",
        "Content-Type": "application/json",
        "User-Agent": "floor",
    }
    base = PollPolicy()  # the proxy's schedule, jitter included ...
    durations = JobDurations(quantile=0.0)  # ... and learnt as the proxy learns it
    pools: list[ConnectionPool] = []

    class Quiet:  # the pool reports progress; the floor has no bounds to move
        def on_connected(self) -> None: ...
        def on_sending(self) -> None: ...
        def on_written(self) -> None: ...
        def on_answer(self) -> None: ...

    def reader(status: int, found: Any) -> AnswerBody:
        return AnswerBody(found.get("Content-Encoding"), found.get("Content-Length"), 1 << 20)

    async def exchange(method: str, url: str, body: bytes | None) -> Any:
        status, _, answer = await pools[0].send(method, url, headers, body, reader, Quiet())
        if answer is None or not 200 <= status < 300:
            raise RuntimeError(f"{method} {url}: {status}")
        return json.loads(answer.value()[0])

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if not pools:
            pools.append(ConnectionPool())
        parts = []
        while True:
            message = await receive()
            parts.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        payload = json.loads(b"".join(parts))
        body = json.dumps({"model": payload["model"], "url": payload["url"]}).encode()
        created = await exchange("POST", f"{upstream}/v1/stt/create", body)
        head_start, policy = durations.schedule(base)
        attempt, due = 0, 0.0
        while True:
            wait = head_start if attempt == 0 and head_start else policy.delay(attempt)
            await asyncio.sleep(wait)
            attempt, due = attempt + 1, due + wait
            answer = await exchange("GET", f"{upstream}/v1/stt/{created['generation_id']}", None)
            if answer.get("status") not in PENDING_STATUSES:
                break
        durations.add(due)  # when the poll was due, as the core learns it
        result = json.dumps(answer["result"]).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 201,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": result})

    return app


def serve_floor(upstream: str, backlog: int) -> int:
    """Run the floor on uvicorn until standard input closes; its URL is the first line on stdout."""
    import socket

    import uvicorn

    sock = socket.create_server(("127.0.0.1", 0), backlog=backlog)
    config = uvicorn.Config(
        floor_app(upstream),
        http="httptools",
        loop="uvloop",
        access_log=False,
        proxy_headers=False,
        log_level="warning",
        backlog=backlog,
    )
    server = uvicorn.Server(config)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    threading.Thread(
        target=lambda: (sys.stdin.read(), setattr(server, "should_exit", True)), daemon=True
    ).start()
    server.run(sockets=[sock])
    return 0


# ---------------------------------------------------------------------------
# processes


@dataclass
class Process:
    """A child process whose standard error is read in the background (so it never blocks)."""

    popen: subprocess.Popen
    lines: queue.Queue = field(default_factory=queue.Queue)
    kept: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stderr is not None
        for line in self.popen.stderr:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 30.0) -> re.Match:
        deadline = time.monotonic() + timeout
        compiled = re.compile(pattern)
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.popen.poll() is not None:
                    break
                continue
            self.kept.append(line)
            found = compiled.search(line)
            if found:
                return found
        raise BenchmarkError(f"process did not start: {''.join(self.kept)[-2000:]}")

    def drain(self) -> list[str]:
        drained = []
        while True:
            try:
                drained.append(self.lines.get_nowait())
            except queue.Empty:
                return drained

    def stop(self) -> None:
        if self.popen.poll() is None:
            if self.popen.stdin is not None:
                self.popen.stdin.close()
            self.popen.terminate()
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def start_child(what: str, *options: str) -> tuple[Process, str]:
    """This script run again with ``options`` (``--serve-emulator``, ``--serve-floor``): the
    process and the URL it prints first; it serves until its standard input closes."""
    popen = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *options],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process = Process(popen)
    assert popen.stdout is not None
    url = popen.stdout.readline().strip()
    if not url.startswith("http://"):
        process.stop()
        raise BenchmarkError(f"the {what} did not start: {''.join(process.drain())[-2000:]}")
    return process, url


def start_floor(upstream: str, backlog: int) -> tuple[Process, str]:
    return start_child("floor", "--serve-floor", upstream, "--emulator-backlog", str(backlog))


def start_emulator(job_duration: float, backlog: int) -> tuple[Process, str]:
    return start_child(
        "emulator",
        "--serve-emulator",
        "--job-duration",
        str(job_duration),
        "--emulator-backlog",
        str(backlog),
    )


def find_legacy_stt(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    here = shutil.which("legacy-stt", path=os.path.dirname(sys.executable))
    found = here or shutil.which("legacy-stt")
    if found:
        return [found]
    return [sys.executable, "-m", "legacy_stt"]


def start_proxy(command: list[str], upstream: str) -> tuple[Process, str]:
    popen = subprocess.Popen(
        [*command, "serve", "--port", "0", "--upstream", upstream],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    process = Process(popen)
    match = process.wait_for(r"listening on (http://\S+) -> upstream")
    return process, match.group(1)


# ---------------------------------------------------------------------------
# load


@dataclass(frozen=True)
class Round:
    """One round of concurrent calls to one side."""

    side: str
    latencies: tuple[float, ...]
    failures: int
    failure_kinds: dict[str, int]
    wall: float

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.count / self.wall if self.wall > 0 else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    def as_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "requests": self.count,
            "failures": self.failures,
            "failure_kinds": self.failure_kinds,
            "wall_s": self.wall,
            "throughput_rps": self.throughput,
            "median_s": self.median,
            "p95_s": self.p95,
            "min_s": min(self.latencies),
            "max_s": max(self.latencies),
        }


def percentile(values: Sequence[float], rank: float) -> float:
    """The ``rank``-th percentile (linear interpolation between closest ranks)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * rank / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def fire(side: str, url: str, count: int, tag: str) -> Round:
    """``count`` legacy calls at once, one new connection each, from one asyncio loop.

    One loop rather than a thread per call: at 1,000 callers the threads' own CPU would
    compete with the proxy and the emulator for the machine's cores.
    """
    import asyncio

    import aiohttp

    async def run() -> Round:
        headers = {"Authorization": f"Bearer {BENCH_KEY}", "Content-Type": "application/json"}
        connector = aiohttp.TCPConnector(limit=0, force_close=True)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

            async def call(index: int) -> tuple[bool, float, float, str]:
                payload = {**PAYLOAD, "url": f"https://example.com/audio/{tag}-{index:04d}.mp3"}
                body = json.dumps(payload).encode("utf-8")
                started = time.perf_counter()
                try:
                    async with session.post(url, data=body, headers=headers) as answer:
                        text = await answer.read()
                        status = answer.status
                    parsed = json.loads(text)
                    alternatives = parsed["results"]["channels"][0]["alternatives"]
                    ok = status == 201 and bool(alternatives[0]["transcript"])
                    kind = "" if ok else f"HTTP {status}"
                except Exception as error:  # noqa: BLE001 - any failure is a failure to count
                    ok, kind = False, type(error).__name__
                ended = time.perf_counter()
                return ok, ended - started, ended, kind

            released = time.perf_counter()
            results = await asyncio.gather(*(call(i) for i in range(count)))
        kinds: dict[str, int] = {}
        for ok, _, _, kind in results:
            if not ok:
                kinds[kind] = kinds.get(kind, 0) + 1
        return Round(
            side=side,
            latencies=tuple(latency for _, latency, _, _ in results),
            failures=sum(kinds.values()),
            failure_kinds=kinds,
            wall=max(ended for _, _, ended, _ in results) - released,
        )

    return asyncio.run(run())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux: /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory(pid: int) -> int:
    """A process's peak resident memory (VmHWM), in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) * 1024 if found else 0


def raise_descriptor_limit(wanted: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def polling_floor(job_duration: float) -> float:
    """When the default poll schedule (no jitter) first polls at or after ``job_duration``."""
    from legacy_stt.core.polling import PollPolicy

    policy = PollPolicy()
    elapsed, delay = 0.0, policy.first_delay
    while elapsed < job_duration:
        elapsed += delay
        delay = min(delay * policy.backoff_factor, policy.max_delay)
    return elapsed


# ---------------------------------------------------------------------------
# report


def summarize(rounds: list[Round]) -> dict[str, Any]:
    return {
        "failures": sum(r.failures for r in rounds),
        "median_s": statistics.median(r.median for r in rounds),
        "p95_s": statistics.median(r.p95 for r in rounds),
        "throughput_rps": statistics.median(r.throughput for r in rounds),
        "wall_s": statistics.median(r.wall for r in rounds),
    }


def level_report(requests: int, runs: list[dict[str, Any]], sides: Sequence[str]) -> dict[str, Any]:
    summaries = {side: summarize([run[side]["round"] for run in runs]) for side in sides}
    baseline = summaries["baseline"]
    per_call = {
        side: {
            who: statistics.median(run[side][who] for run in runs) / requests * 1000
            for who in ("server_cpu_s", "emulator_cpu_s")
        }
        for side in sides
    }
    ratios = {
        side: {
            "throughput": summaries[side]["throughput_rps"] / baseline["throughput_rps"],
            "median": summaries[side]["median_s"] / baseline["median_s"],
            "p95": summaries[side]["p95_s"] / baseline["p95_s"],
        }
        for side in sides
        if side != "baseline"
    }
    return {
        "requests": requests,
        "runs": [
            {
                side: {
                    **run[side]["round"].as_dict(),
                    **{k: v for k, v in run[side].items() if k != "round"},
                }
                for side in sides
            }
            for run in runs
        ],
        **summaries,
        "ratios": ratios,
        "ratio_median": ratios["proxy"]["median"],
        "ratio_p95": ratios["proxy"]["p95"],
        "ratio_throughput": ratios["proxy"]["throughput"],
        "proxy_cpu_ms_per_call": per_call["proxy"]["server_cpu_s"],
        "floor_cpu_ms_per_call": per_call["floor"]["server_cpu_s"] if "floor" in sides else None,
        "emulator_cpu_ms_per_call": {side: per_call[side]["emulator_cpu_s"] for side in sides},
        "ok": all(summaries[side]["failures"] == 0 for side in sides),
    }


def print_report(report: dict[str, Any]) -> None:
    machine = report["machine"]
    params = report["parameters"]
    out = sys.stdout.write
    out(
        "\nlegacy-stt serve: concurrent legacy POST /v1/stt calls, proxy vs the legacy endpoint\n\n"
    )
    out(
        f"machine:  {machine['cpu']}, {machine['logical_cpus']} logical CPUs "
        f"({machine['usable_cpus']} usable), load {machine['load_average']}\n"
    )
    out(f"          {machine['os']}, {machine['python']}, {machine['date']}\n")
    out(
        f"load:     {', '.join(map(str, params['levels']))} concurrent calls per round (one "
        f"connection each, one asyncio loop), {params['runs']} runs per level, sides alternating\n"
    )
    out(f"service:  emulator in its own process, job duration {params['job_duration_s']:g} s\n")
    out(
        "baseline: the emulator's own POST /v1/stt (holds the connection for the job, answers 201)\n"
    )
    out(
        f"proxy:    {' '.join(params['proxy_command'])} (create + polls; the default poll policy "
        f"alone first sees the job done at {params['polling_floor_s']:.3f} s; the proxy learns "
        "the jobs' length and waits for most of it)\n"
    )
    if "floor" in params["sides"]:
        out(
            "floor:    create + polls on the same (learnt) schedule, a bare ASGI app on uvicorn "
            "(httptools, uvloop); no checks, translation or log\n"
        )
    sides = params["sides"]
    for level in report["levels"]:
        out(f"\n{level['requests']} concurrent calls\n")
        header = (
            f"{'run':<5}{'side':<10}{'failures':>9}{'wall s':>9}{'req/s':>9}"
            f"{'median s':>10}{'p95 s':>9}{'server ms/call':>16}{'emulator ms/call':>18}\n"
        )
        out(header)
        out("-" * (len(header) - 1) + "\n")
        for number, run in enumerate(level["runs"], 1):
            for side in sides:
                r = run[side]
                server_cpu = (
                    f"{r['server_cpu_s'] / r['requests'] * 1000:.2f}" if side != "baseline" else "-"
                )
                out(
                    f"{number:<5}{side:<10}{r['failures']:>9}{r['wall_s']:>9.3f}"
                    f"{r['throughput_rps']:>9.1f}{r['median_s']:>10.3f}{r['p95_s']:>9.3f}"
                    f"{server_cpu:>16}{r['emulator_cpu_s'] / r['requests'] * 1000:>18.2f}\n"
                )
        out("  medians:\n")
        for side in sides:
            x = level[side]
            out(
                f"    {side:<9} {x['throughput_rps']:.1f} req/s, median {x['median_s']:.3f} s, "
                f"p95 {x['p95_s']:.3f} s, failures {x['failures']}\n"
            )
        for side, ratio in level["ratios"].items():
            out(
                f"  {side} / baseline: throughput x{ratio['throughput']:.2f}, latency "
                f"x{ratio['median']:.2f} (median), x{ratio['p95']:.2f} (p95)\n"
            )
        floor_cpu = level["floor_cpu_ms_per_call"]
        out(
            f"  CPU per call: proxy {level['proxy_cpu_ms_per_call']:.2f} ms"
            + (f", floor {floor_cpu:.2f} ms" if floor_cpu is not None else "")
            + "; emulator "
            + ", ".join(
                f"{level['emulator_cpu_ms_per_call'][side]:.2f} ms ({side})" for side in sides
            )
            + "\n"
        )
    out(f"\nproxy peak memory (VmHWM): {report['proxy_peak_rss'] / 2**20:.0f} MiB\n")
    out(f"proxy log lines counted: {report['proxy_access_lines']}\n")


# ---------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, nargs="+", default=list(DEFAULT_LEVELS))
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--job-duration", type=float, default=DEFAULT_JOB_DURATION)
    parser.add_argument("--emulator-backlog", type=int, default=DEFAULT_BACKLOG)
    parser.add_argument("--legacy-stt", metavar="PATH", help="the legacy-stt executable to run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--no-floor", action="store_true", help="leave out the create-and-poll floor side"
    )
    parser.add_argument("--serve-emulator", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve-floor", metavar="UPSTREAM", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def timed_round(
    side: str, url: str, count: int, tag: str, server: Process | None, emulator: Process
) -> dict[str, Any]:
    """One round; ``server`` is the side's own process in front of the emulator (if any)."""
    server_before = cpu_seconds(server.popen.pid) if server is not None else 0.0
    emulator_before = cpu_seconds(emulator.popen.pid)
    result = fire(side, url, count, tag)
    time.sleep(0.3)  # closing connections is part of a round's cost
    return {
        "round": result,
        "server_cpu_s": cpu_seconds(server.popen.pid) - server_before if server else 0.0,
        "emulator_cpu_s": cpu_seconds(emulator.popen.pid) - emulator_before,
    }


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.serve_emulator:
        raise_descriptor_limit(8192)
        return serve_emulator(arguments.job_duration, arguments.emulator_backlog)
    if arguments.serve_floor:
        raise_descriptor_limit(8192)
        return serve_floor(arguments.serve_floor, arguments.emulator_backlog)
    raise_descriptor_limit(8192)
    machine = machine_info()  # load average before the benchmark loads the machine
    proxy_command = find_legacy_stt(arguments.legacy_stt)
    emulator, upstream = start_emulator(arguments.job_duration, arguments.emulator_backlog)
    proxy: Process | None = None
    floor: Process | None = None
    levels: list[dict[str, Any]] = []
    sides = ["baseline", "proxy"] if arguments.no_floor else ["baseline", "floor", "proxy"]
    try:
        proxy, proxy_url = start_proxy(proxy_command, upstream)
        targets = {"baseline": upstream + "/v1/stt", "proxy": proxy_url + "/v1/stt"}
        servers: dict[str, Process | None] = {"baseline": None, "proxy": proxy}
        if not arguments.no_floor:
            floor, floor_url = start_floor(upstream, arguments.emulator_backlog)
            targets["floor"] = floor_url + "/v1/stt"
            servers["floor"] = floor
        print(
            f"emulator {upstream}, " + ", ".join(f"{k} {v}" for k, v in targets.items()),
            file=sys.stderr,
        )
        for side, url in targets.items():
            warm = fire(side, url, WARMUP_REQUESTS, f"warmup-{side}")
            if warm.failures:
                raise BenchmarkError(f"warm-up on the {side} failed: {warm.failure_kinds}")
        proxy.drain()
        for requests in arguments.requests:
            runs: list[dict[str, Any]] = []
            for number in range(arguments.runs):
                shift = number % len(sides)
                order = sides[shift:] + sides[:shift]  # each side goes first in turn
                run: dict[str, Any] = {}
                for side in order:
                    tag = f"{requests}-run{number}-{side}"
                    run[side] = timed_round(
                        side, targets[side], requests, tag, servers[side], emulator
                    )
                    done = run[side]["round"]
                    print(
                        f"{requests} calls, run {number + 1}/{arguments.runs} {side}: "
                        f"{done.failures} failures, median {done.median:.3f} s",
                        file=sys.stderr,
                    )
                runs.append(run)
            levels.append(level_report(requests, runs, sides))
        time.sleep(0.2)
        access_lines = sum(1 for line in proxy.drain() if " POST /v1/stt " in line)
        peak = peak_memory(proxy.popen.pid)
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        for process in (proxy, floor):
            if process is not None:
                process.stop()
        emulator.stop()
    report = {
        "machine": machine,
        "parameters": {
            "levels": arguments.requests,
            "runs": arguments.runs,
            "job_duration_s": arguments.job_duration,
            "proxy_command": [*proxy_command, "serve", "--port", "0", "--upstream", "<emulator>"],
            "polling_floor_s": polling_floor(arguments.job_duration),
            "sides": sides,
        },
        "levels": levels,
        "proxy_peak_rss": peak,
        "proxy_access_lines": access_lines,
        "ok": all(level["ok"] for level in levels),
    }
    if arguments.json:
        json.dump(report, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print_report(report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
