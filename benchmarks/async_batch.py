"""1,000 concurrent jobs: ``AsyncClient.stt_many`` beside threads, against the ideal.

N legacy payloads (1,000) whose jobs take T seconds (5.0) on an emulator in
another process. The ideal is T: every job created at once and seen done the
instant it ends. Three ways to run them, each in a fresh child process (so
its peak memory and threads are its own), interleaved over ``--rounds``:

* ``AsyncClient.stt_many(payloads, concurrency=N)``: tasks on one event loop;
* ``Client.stt_many(payloads, max_workers=N)``: the threaded batch with as
  many workers as jobs (its default, 8, would take N / 8 rounds of T);
* the floor: a bare aiohttp loop (one create, a poll every 0.5 s) with no
  checks, retries or translation, which shows what the emulator itself allows
  (it creates jobs at about 300 a second on two cores, so the last of 1,000
  jobs cannot end before about 8 s);
* ``asyncio.gather(*(asyncio.to_thread(client.stt, p) ...))``: what an async
  service does without an async client. It runs on the loop's default
  executor (min(32, CPUs + 4) threads), so it gets ``--to-thread-count``
  jobs (default 60), and its ideal is ceil(count / threads) * T.

For each: wall time, its ratio to the ideal, CPU seconds, peak RSS (the
child's ``ru_maxrss``) and the most threads alive at once (sampled every
10 ms). Goal for the async batch: within 1.3x the ideal, peak RSS under
150 MiB, and no thread per job. For the async batch it also prints a timeline:
when the creates were sent (from the transport's debug log), the first poll,
the number of polls, and when the first and last outcomes came.

Run from a checkout after ``python -m pip install .[async]``::

    python benchmarks/async_batch.py                  # N=1000, T=5.0, 3 rounds
    python benchmarks/async_batch.py --count 200 --rounds 1

Python 3.9+, POSIX.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys

from _common import machine_info

_CHILD = r"""
import asyncio, json, resource, sys, threading, time, warnings
warnings.simplefilter("ignore")
from legacy_stt import AsyncClient, Client
way, url, count, key = sys.argv[1], sys.argv[2], int(sys.argv[3]), "benchmark-key"
payloads = [{"model": "#g1_nova-2-general", "url": f"https://example.com/{n}.mp3"} for n in range(count)]
peak_threads = threading.active_count()
failures = 0

def sample():
    global peak_threads
    peak_threads = max(peak_threads, threading.active_count())

timeline = {}

async def async_batch():
    # Where the time goes: when each request is sent (from the transport's own debug log, one
    # record per request) and when each outcome arrives, in seconds from the start.
    import logging
    sent = {"POST": [], "GET": []}
    class Sends(logging.Handler):
        def emit(self, record):
            method = str(record.args[0]) if record.args else ""
            if method in sent:
                sent[method].append(time.monotonic() - started)
    transport_log = logging.getLogger("legacy_stt.aio.transport")
    transport_log.setLevel(logging.DEBUG)
    transport_log.addHandler(Sends())
    transport_log.propagate = False
    outcomes = []
    global failures
    async def watch():
        while True:
            sample()
            await asyncio.sleep(0.01)
    watcher = asyncio.ensure_future(watch())
    async with AsyncClient(key, base_url=url, poll_timeout=600) as client:
        async for outcome in client.stt_many(payloads, concurrency=count):
            failures += not outcome.ok
            outcomes.append(time.monotonic() - started)
    watcher.cancel()
    timeline.update(
        creates_sent=[min(sent["POST"]), max(sent["POST"])],
        polls=len(sent["GET"]),
        first_poll=min(sent["GET"]) if sent["GET"] else None,
        outcomes=[min(outcomes), max(outcomes)],
    )

def threaded_batch():
    global failures
    stop = threading.Event()
    def watch():
        while not stop.wait(0.01):
            sample()
    watcher = threading.Thread(target=watch)
    watcher.start()
    with Client(key, base_url=url, poll_timeout=600) as client:
        for outcome in client.stt_many(payloads, max_workers=count):
            failures += not outcome.ok
    stop.set()
    watcher.join()

async def floor():
    # The least a client can do on this emulator: aiohttp, one create and polls every 0.5 s
    # (4,000 requests a second at most), no checks, no retries, no result translation.
    import aiohttp
    global failures
    headers = {"Authorization": f"Bearer {key}"}
    async def watch():
        while True:
            sample()
            await asyncio.sleep(0.01)
    watcher = asyncio.ensure_future(watch())
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def job(payload):
            async with session.post(url + "/v1/stt/create", json=payload, headers=headers) as answer:
                generation_id = (await answer.json())["generation_id"]
            while True:
                await asyncio.sleep(0.5)
                async with session.get(url + "/v1/stt/" + generation_id, headers=headers) as answer:
                    status = (await answer.json()).get("status")
                if status in ("completed", "error", "failed"):
                    return status == "completed"
        results = await asyncio.gather(*(job(p) for p in payloads))
        failures = results.count(False)
    watcher.cancel()

async def to_thread():
    async def watch():
        while True:
            sample()
            await asyncio.sleep(0.01)
    watcher = asyncio.ensure_future(watch())
    with Client(key, base_url=url, poll_timeout=600) as client:
        await asyncio.gather(*(asyncio.to_thread(client.stt, p) for p in payloads))
    watcher.cancel()

started = time.monotonic()
if way == "async":
    asyncio.run(async_batch())
elif way == "floor":
    asyncio.run(floor())
elif way == "threads":
    threaded_batch()
else:
    asyncio.run(to_thread())
wall = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": rss,
                  "threads": peak_threads - 1, "failures": failures, **timeline}))
"""


def start_emulator(job_duration: float) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "legacy_stt.testing",
            "--job-duration",
            str(job_duration),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    found = re.search(r"http://\S+", process.stdout.readline())
    if not found:
        process.kill()
        raise SystemExit("the emulator did not start")
    return process, found.group(0)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a running process has used so far (Linux; NaN elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_child(way: str, url: str, count: int) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, way, url, str(count)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"{way} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="jobs per batch (default 1000)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per job (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--to-thread-count", type=int, default=60, help="jobs for asyncio.to_thread (default 60)"
    )
    parser.add_argument("--skip-threads", action="store_true", help="leave out the threaded batch")
    options = parser.parse_args()

    executor_threads = min(32, (os.cpu_count() or 1) + 4)
    ways = [
        ("async", options.count),
        ("floor", options.count),
        ("to_thread", options.to_thread_count),
    ]
    if not options.skip_threads:
        ways.insert(1, ("threads", options.count))
    ideal = {
        "async": options.duration,
        "floor": options.duration,
        "threads": options.duration,
        "to_thread": math.ceil(options.to_thread_count / executor_threads) * options.duration,
    }
    results: dict[str, list[dict[str, float]]] = {way: [] for way, _ in ways}
    for round_index in range(options.rounds):
        shift = round_index % len(ways)
        for way, count in ways[shift:] + ways[:shift]:
            # A fresh emulator for every run: jobs of earlier runs must not slow it down.
            emulator, url = start_emulator(options.duration)
            try:
                figures = run_child(way, url, count)
                figures["emulator_cpu"] = process_cpu_seconds(emulator.pid)
            finally:
                emulator.terminate()
                emulator.wait(timeout=30)
            results[way].append(figures)
            print(f"  round {round_index + 1}: {way} {json.dumps(figures)}", file=sys.stderr)

    print(f"\n1,000 concurrent jobs: AsyncClient beside threads\n\n{machine_info()}")
    print(
        f"jobs of {options.duration:g} s on an emulator in another process; medians of "
        f"{options.rounds} rounds, each in a fresh process\n"
    )
    print(
        "| way | jobs | ideal s | wall s | wall / ideal | CPU s | emulator CPU s | peak RSS MiB "
        "| threads | failed |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for way, count in ways:
        runs = results[way]

        def median(key: str, runs: list[dict[str, float]] = runs) -> float:
            return statistics.median(run[key] for run in runs)

        wall = median("wall")
        print(
            f"| {way} | {count} | {ideal[way]:.1f} | {wall:.2f} | {wall / ideal[way]:.2f}x | "
            f"{median('cpu'):.2f} | {median('emulator_cpu'):.2f} | {median('rss_mib'):.0f} | {max(r['threads'] for r in runs):.0f} | "
            f"{max(r['failures'] for r in runs):.0f} |"
        )
    async_runs = results["async"]
    ratio = statistics.median(r["wall"] for r in async_runs) / ideal["async"]
    rss = statistics.median(r["rss_mib"] for r in async_runs)
    threads = max(r["threads"] for r in async_runs)
    for run in async_runs:
        print(
            f"AsyncClient timeline (s from the start): creates sent {run['creates_sent'][0]:.2f}-"
            f"{run['creates_sent'][1]:.2f}, first poll {run['first_poll']:.2f}, {run['polls']:.0f} "
            f"polls, outcomes {run['outcomes'][0]:.2f}-{run['outcomes'][1]:.2f}, wall {run['wall']:.2f}"
        )
    floor_wall = statistics.median(r["wall"] for r in results["floor"])
    print(
        f"\nThe floor on this emulator (aiohttp, nothing else) took {floor_wall:.2f} s: "
        f"AsyncClient.stt_many took {floor_wall and statistics.median(r['wall'] for r in async_runs) / floor_wall:.2f}x that."
    )
    print(
        f"AsyncClient.stt_many: {ratio:.2f}x the ideal (goal <= 1.3x: "
        f"{'MET' if ratio <= 1.3 else 'NOT MET'}), peak RSS {rss:.0f} MiB (goal < 150: "
        f"{'MET' if rss < 150 else 'NOT MET'}), at most {threads} threads besides the main one "
        f"for {options.count} jobs (no thread per job: {'MET' if threads < options.count / 10 else 'NOT MET'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
