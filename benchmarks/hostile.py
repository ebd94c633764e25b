"""Replay the hostile-service scenarios of the review and print, for each, what a call did and how long it took.

Each scenario runs one legacy-stt call in a fresh process against the
emulator (real HTTP on loopback) scripted to misbehave the way the review's
hostile servers did: answers and headers dripped a byte or a line at a time,
the connection lost after a successful create, a redirect, a 1 GiB answer, a
1 MB gzip bomb that inflates to 1 GiB, JSON nested 100,000 deep, a payload
with NaN, a TLS certificate that does not verify. The client is the one of
the review: ``Client(timeout=(2, 3), poll_timeout=5, deadline=8)``.

For every scenario the table shows the outcome (the error, whether it names
the job and whether it says a job may exist), the create requests the
service saw and the jobs it made, the wall time against the scenario's
bound, and the process's peak memory. A process still running at
``--kill-after`` seconds is killed and reported as such (the old behaviour
under a slow drip).

    python benchmarks/hostile.py                        # the installed legacy-stt
    python benchmarks/hostile.py --pythonpath OLD_TREE  # another tree (must hold the new emulator)

Python 3.9+. The TLS scenario needs ``trustme`` (the test extra).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from typing import Any, Callable

from _common import machine_info

#: The review's client settings.
CLIENT = {"timeout": (2, 3), "poll_timeout": 5, "deadline": 8}
PAYLOAD = {"model": "#g1_nova-2-general", "url": "https://example.com/hostile.mp3"}
#: Seconds between the pieces of a dripped answer (the review's half second).
DRIP = 0.5


def _inject(route: str, *status: int, **fault: Any) -> Callable[[Any], None]:
    return lambda emulator: emulator.inject(route, *status, **fault)


def _gzip_bomb(emulator: Any) -> None:
    from legacy_stt.testing.fault_matrix import gzip_bomb

    emulator.inject(
        "poll", 200, body=gzip_bomb(1024**3), headers={"Content-Encoding": "gzip"}, times=1000
    )


def _deep(route: str) -> Callable[[Any], None]:
    def arrange(emulator: Any) -> None:
        depth = 100_000
        emulator.inject(route, 200, body=b"[" * depth + b"]" * depth, times=1000)

    return arrange


#: name -> (what to script, the payload to send, the bound in seconds: the review's promise)
SCENARIOS: dict[str, tuple[Callable[[Any], None] | None, dict[str, Any], float]] = {
    # the create's read timeout (3 s) bounds a late create, which may have made a job
    "create: answer dripped a byte every 0.5 s": (
        _inject("create", kind="drip", delay=DRIP),
        PAYLOAD,
        3.5,
    ),
    "create: headers dripped a line every 0.5 s": (
        _inject("create", kind="drip-headers", delay=DRIP),
        PAYLOAD,
        3.5,
    ),
    # poll_timeout (5 s) and its grace bound the wait
    "poll: every answer dripped a byte every 0.5 s": (
        _inject("poll", kind="drip", delay=DRIP, times=1000),
        PAYLOAD,
        5.5,
    ),
    "poll: every answer's headers dripped": (
        _inject("poll", kind="drip-headers", delay=DRIP, times=1000),
        PAYLOAD,
        5.5,
    ),
    "poll: connection lost after the create": (
        _inject("poll", kind="reset", times=1000),
        PAYLOAD,
        5.5,
    ),
    "create: redirect (307) elsewhere": (
        _inject("create", 307, headers={"Location": "http://127.0.0.1:9/v1/stt/create"}),
        PAYLOAD,
        3.5,
    ),
    "poll: a 1 GiB answer": (_inject("poll", kind="huge", size=1024**3, times=1000), PAYLOAD, 5.5),
    "poll: a 1 MB gzip bomb (1 GiB inflated)": (_gzip_bomb, PAYLOAD, 5.5),
    "poll: JSON nested 100,000 deep": (_deep("poll"), PAYLOAD, 5.5),
    "create: JSON nested 100,000 deep": (_deep("create"), PAYLOAD, 3.5),
    "payload with NaN": (None, {**PAYLOAD, "utt_split": float("nan")}, 1.0),
    "TLS certificate that does not verify": (None, PAYLOAD, 3.5),
}


def run_one(name: str) -> dict[str, Any]:
    """Run one scenario in this process; what happened."""
    warnings.simplefilter("ignore")
    import legacy_stt
    from legacy_stt.testing import Emulator

    arrange, payload, bound = SCENARIOS[name]
    legacy_stt.validate(
        PAYLOAD
    )  # schemas loaded before the clock starts: the bound is about waiting
    options: dict[str, Any] = {}
    context = None
    if name.startswith("TLS"):
        import ssl

        import trustme

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        trustme.CA().issue_cert("127.0.0.1").configure_cert(context)
    with Emulator(job_duration=0.2, ssl_context=context) as emulator:
        if arrange is not None:
            arrange(emulator)
        client = legacy_stt.Client(
            "hostile-benchmark-key", base_url=emulator.url, **CLIENT, **options
        )
        started = time.monotonic()
        try:
            client.stt(payload)
            outcome = "result"
            error: Any = None
        except Exception as raised:  # noqa: BLE001 - the report says which
            error = raised
            outcome = type(raised).__name__
        seconds = time.monotonic() - started
        generation_id = getattr(error, "generation_id", None)
        return {
            "outcome": outcome,
            "names_job": bool(generation_id) and generation_id in emulator.jobs,
            "job_may_exist": getattr(error, "job_may_exist", None),
            "creates": len(emulator.creates),
            "jobs": len(emulator.jobs),
            "seconds": round(seconds, 2),
            "bound": bound,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }


def run_isolated(name: str, kill_after: float, pythonpath: str | None) -> dict[str, Any]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--one", name],
            capture_output=True,
            text=True,
            timeout=kill_after,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"outcome": f"still waiting, killed at {kill_after:g} s", "seconds": kill_after}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"outcome": f"crashed: {tail[:80]}", "seconds": time.monotonic() - started}
    return json.loads(lines[-1])


def _row(name: str, found: dict[str, Any]) -> str:
    bound = SCENARIOS[name][2]
    seconds = found.get("seconds", 0.0)
    within = "yes" if seconds <= bound else "**no**"
    names = {True: "yes", False: "no", None: "-"}
    return (
        f"| {name} | `{found['outcome']}` | {names.get(found.get('names_job'))} | "
        f"{names.get(found.get('job_may_exist'))} | {found.get('creates', '-')} | "
        f"{found.get('jobs', '-')} | {seconds:.2f} s | {bound:g} s | {within} | "
        f"{found.get('peak_mib', '-')} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument(
        "--kill-after", type=float, default=60.0, help="seconds before a call is killed (60)"
    )
    parser.add_argument("--pythonpath", help="run the scenarios against the package in this tree")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one)))
        return 0
    info = machine_info()
    print(
        f"machine: {info['cpu']}, {info['logical_cpus']} logical CPUs, {info['os']}, "
        f"{info['python']}, {info['date']}"
    )
    print(f"client: Client(timeout=(2, 3), poll_timeout=5, deadline=8); drips every {DRIP} s\n")
    print(
        "| scenario | outcome | names the job | job may exist | creates | jobs | took | bound "
        "| within | peak MiB |"
    )
    print("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: |")
    misses = 0
    for name in SCENARIOS:
        found = run_isolated(name, args.kill_after, args.pythonpath)
        misses += found.get("seconds", 0.0) > SCENARIOS[name][2]
        print(_row(name, found), flush=True)
    print(f"\n{misses} scenario(s) past their bound")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
