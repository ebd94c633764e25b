"""Batches: throughput of ``Client.stt_many`` against the ideal, and creates after kills and resumes.

Part 1, throughput: N legacy payloads (500) at W workers (16) against an
emulator whose jobs take T seconds (2.0), in a separate process. The ideal
is ``ceil(N / W) * T``: every worker always busy, every job seen done the
instant it ends. The batch's wall time is reported against it (goal: within
15 %). The batch polls with ``BATCH_POLL_POLICY`` (steps growing by 15 %), so
a job is seen done a little after it ends; that, and the create and poll
requests, are the gap.

Part 2, kill and resume: the same kind of batch run as ``legacy-stt
transcribe DIR --out OUT --workers W`` in a child process, killed with SIGKILL
at random moments K times (4), then run to the end. The emulator (in this
process) counts the jobs per input. Goal: N jobs for N inputs, no duplicates.
An input whose create request was on the wire at the instant of a kill is
*uncertain* (the API cannot say whether it made a job); the resumed batch
reports it instead of re-creating it, and the final run here passes
``--recreate-uncertain`` so that the batch completes: the duplicates that
causes, if any, are counted and reported with the uncertain inputs.

Run from a checkout after ``python -m pip install .``::

    python benchmarks/batch_throughput.py                 # N=500, W=16, T=2.0, 3 runs, 4 kills
    python benchmarks/batch_throughput.py --runs 1 --count 100

Python 3.9+, POSIX (signals).
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine_info

from legacy_stt import Client
from legacy_stt.batch.journal import Journal
from legacy_stt.testing import Emulator


def start_emulator(job_duration: float) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "legacy_stt.testing",
            "--job-duration",
            str(job_duration),
            "--summary",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise SystemExit(f"the emulator did not start: {line!r}")
    return process, line.split("listening on", 1)[1].strip()


def stop_emulator(process: subprocess.Popen) -> dict:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=30)
    return json.loads(out.strip().splitlines()[-1])


def payloads(count: int, tag: str) -> list[dict]:
    return [
        {"model": "#g1_nova-2-general", "url": f"https://example.com/{tag}/{i:05d}.mp3"}
        for i in range(count)
    ]


def throughput_run(count: int, workers: int, job_duration: float, tag: str) -> dict:
    emulator, url = start_emulator(job_duration)
    try:
        with Client("benchmark-key", base_url=url) as client:
            started = time.monotonic()
            outcomes = list(client.stt_many(payloads(count, tag), max_workers=workers))
            wall = time.monotonic() - started
    finally:
        seen = stop_emulator(emulator)
    failures = sum(not o.ok for o in outcomes)
    return {"wall": wall, "failures": failures, "creates": seen["creates"], "polls": seen["polls"]}


def kill_and_resume(count: int, workers: int, job_duration: float, kills: int, seed: int) -> dict:
    script = shutil.which("legacy-stt", path=os.path.dirname(sys.executable)) or "legacy-stt"
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    try:
        archive = work / "archive"
        archive.mkdir()
        for i, payload in enumerate(payloads(count, "resume")):
            (archive / f"call-{i:05d}.json").write_text(json.dumps(payload))
        out = work / "out"
        full = math.ceil(count / workers) * job_duration
        with Emulator(job_duration=job_duration) as emulator:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
            env.update(AIML_API_KEY="benchmark-key", AIML_API_BASE_URL=emulator.url)
            command = [
                script,
                "transcribe",
                str(archive),
                "--out",
                str(out),
                "--workers",
                str(workers),
            ]
            killed_at = []
            for _ in range(kills):
                process = subprocess.Popen(
                    command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                delay = rng.uniform(0.1, 0.35) * full
                time.sleep(delay)
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    killed_at.append(round(delay, 2))
                process.wait()
            with Journal(out / ".legacy-stt-journal.jsonl") as journal:
                uncertain = sum(e.state == "creating" for e in journal)
            # As a user would: the same command again. Uncertain inputs are reported, not re-created.
            resumed = subprocess.run(command, env=env, capture_output=True, text=True)
            jobs_after_resume = _jobs_per_url(emulator)
            results_after_resume = len(list(out.glob("*.json")))
            final = resumed
            if uncertain:
                # Then finishing them anyway, as --recreate-uncertain does when asked.
                final = subprocess.run(
                    [*command, "--recreate-uncertain"], env=env, capture_output=True, text=True
                )
            jobs = _jobs_per_url(emulator)
        results = len(list(out.glob("*.json")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "kills": len(killed_at),
        "killed_at_s": killed_at,
        "uncertain": uncertain,
        "resume_exit": resumed.returncode,
        "jobs_after_resume": sum(jobs_after_resume.values()),
        "duplicates_after_resume": sum(n - 1 for n in jobs_after_resume.values()),
        "results_after_resume": results_after_resume,
        "exit": final.returncode,
        "jobs": sum(jobs.values()),
        "duplicates": sum(n - 1 for n in jobs.values()),
        "result_files": results,
    }


def _jobs_per_url(emulator: Emulator) -> collections.Counter:
    return collections.Counter(r.json["url"] for r in emulator.creates if r.status == 200)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="inputs per batch (500)")
    parser.add_argument("--workers", type=int, default=16, help="workers (16)")
    parser.add_argument("--job-duration", type=float, default=2.0, help="seconds per job (2.0)")
    parser.add_argument("--runs", type=int, default=3, help="throughput runs (3)")
    parser.add_argument("--kills", type=int, default=4, help="SIGKILLs before the final run (4)")
    parser.add_argument("--resume-job-duration", type=float, default=0.5)
    parser.add_argument("--resume-runs", type=int, default=3, help="kill-and-resume rounds (3)")
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args(argv)

    ideal = math.ceil(args.count / args.workers) * args.job_duration
    walls = []
    for run in range(args.runs):
        figures = throughput_run(args.count, args.workers, args.job_duration, f"run{run}")
        walls.append(figures["wall"])
        print(
            f"throughput run {run + 1}: {figures['wall']:.2f} s, {figures['failures']} failures, "
            f"{figures['creates']} creates, {figures['polls']} polls",
            file=sys.stderr,
        )
    rounds = []
    for index in range(args.resume_runs):
        figures = kill_and_resume(
            args.count, args.workers, args.resume_job_duration, args.kills, args.seed + index
        )
        rounds.append(figures)
        print(f"kill/resume round {index + 1}: {figures}", file=sys.stderr)

    info = machine_info()
    print(
        f"machine: {info['cpu']}, {info['logical_cpus']} logical CPUs, {info['os']}, "
        f"{info['python']}, {info['date']}"
    )
    median = statistics.median(walls) if walls else float("nan")
    if walls:
        print(
            f"throughput: N={args.count}, {args.workers} workers, jobs of {args.job_duration:g} s; "
            f"ideal ceil(N/W) x T = {ideal:.1f} s"
        )
        print(
            f"  wall time per run: {', '.join(f'{w:.2f}' for w in walls)} s; median {median:.2f} s"
        )
        print(f"  median / ideal: {median / ideal:.3f} (goal <= 1.15)")
    print(
        f"kill and resume: N={args.count}, {args.workers} workers, jobs of "
        f"{args.resume_job_duration:g} s, {args.kills} SIGKILLs per round, then a final run"
    )
    for index, figures in enumerate(rounds, 1):
        print(
            f"  round {index}: killed {figures['kills']}x at {figures['killed_at_s']} s; "
            f"{figures['uncertain']} uncertain; after the plain resume: "
            f"{figures['jobs_after_resume']} jobs ({figures['duplicates_after_resume']} duplicates), "
            f"{figures['results_after_resume']} result files, exit {figures['resume_exit']}"
            + (
                f"; after --recreate-uncertain: {figures['jobs']} jobs "
                f"({figures['duplicates']} duplicates), {figures['result_files']} result files, "
                f"exit {figures['exit']}"
                if figures["uncertain"]
                else ""
            )
        )
    duplicates = sum(r["duplicates_after_resume"] for r in rounds)
    print(f"  duplicate creates after plain resumes: {duplicates}")
    met = (
        (not walls or median / ideal <= 1.15)
        and duplicates == 0
        and all(r["result_files"] == args.count for r in rounds)
    )
    print("goals met" if met else "goals NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
