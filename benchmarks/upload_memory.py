"""Peak memory of uploading a large audio file: ``legacy_stt.Client.stt`` against the documentation's code.

What it measures
----------------
A test file (1 GiB by default) is written a chunk at a time into a temporary directory: a WAV
header followed by random bytes. The header says 8-channel, 32-bit, 384 kHz PCM, so that 1 GiB
lasts about a minute and a half: the transcript that comes back stays small, and the figure is
the upload's, not the result's.

It is then uploaded, one approach at a time, each in its own fresh Python process (so that the
peaks do not mix), to an emulator of the service running in a separate process
(``python -m legacy_stt.testing --job-duration 0.2``, a fresh one per measurement):

* ``ours``: ``legacy_stt.Client(...).stt({"model": ...}, audio=path)``, which streams the
  multipart body from the file (requests-toolbelt's ``MultipartEncoder``) and polls for the
  result;
* ``docs``: the documentation's approach, ``requests.post(url + "/v1/stt/create",
  headers=..., data={"model": ...}, files={"audio": open(path, "rb")})`` and then polling
  ``GET /v1/stt/{generation_id}``. requests' ``files=`` builds the whole body in memory.

Each process reports its RSS after its imports (the baseline; ``VmRSS`` on Linux), its peak
RSS at the end (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), and the *extra* peak: peak
minus baseline, the memory the upload itself took. The emulator's own peak (``VmHWM``) is
reported too (Linux only): it parses the body as a stream and spools the file to disk, so it
should stay flat as well. Each run checks that the emulator received the whole file (the
SHA-256 the result reports equals the file's).

With ``--runs N`` (default 3) each approach is measured N times, the order alternating, and
the medians are reported, with the ratio docs/ours of the extra peaks. The goal: our extra
peak under 64 MiB.

How to run it
-------------
From a checkout, with legacy-stt and its dependencies installed in the interpreter::

    python benchmarks/upload_memory.py                  # 1 GiB, 3 runs (needs ~2 GiB of disk)
    python benchmarks/upload_memory.py --size 256M --runs 1
    python benchmarks/upload_memory.py --json > figures.json

The file is written to a temporary directory (``--dir`` chooses where; the emulator spools
its copy there too), and deleted afterwards unless ``--keep-file``. If the temporary
directory's file system has too little room for the file and the emulator's copy, a
directory under ``benchmarks/`` is used instead.

Standard library (plus legacy-stt, requests) only; Python 3.9+; peak RSS figures need a
POSIX system (``resource``), and Linux for the baselines and the emulator's peak.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BenchmarkError, machine_info

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
FALLBACK_DIR = BENCH_DIR / ".upload_memory"

MODEL = "#g1_nova-2-general"
API_KEY = "benchmark-key"  # the emulator takes any bearer key
JOB_DURATION = "0.2"
GOAL_EXTRA_MIB = 64.0
APPROACHES = ("ours", "docs")
WRITE_CHUNK = 1024 * 1024
#: The WAV header's format: channels, sample rate, bytes per sample.
WAV_CHANNELS, WAV_RATE, WAV_SAMPLE_BYTES = 8, 384_000, 4
#: Seconds to wait for one upload (the emulator hashes the whole file before it answers).
CHILD_TIMEOUT = 900

KIB = 1024
MIB = 1024 * 1024

# ---------------------------------------------------------------------------
# sizes and memory readings


def parse_size(text: str) -> int:
    """Bytes from ``1073741824``, ``1G``, ``1GiB``, ``256M``, ``512k`` (binary units)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 1G, 256M or 1073741824)")
    number, unit = float(match.group(1)), match.group(2).lower()
    size = int(number * {"": 1, "k": KIB, "m": MIB, "g": 1024**3, "t": 1024**4}[unit])
    if size < 64:
        raise argparse.ArgumentTypeError(f"the file must be at least 64 bytes; got {text!r}")
    return size


def _human(size: float) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", MIB), ("KiB", KIB)):
        if size >= factor:
            return f"{size / factor:.2f} {unit}"
    return f"{size:.0f} B"


def _proc_status_kib(field: str, pid: int | str = "self") -> int | None:
    """A ``kB`` field of ``/proc/PID/status`` (Linux), such as ``VmRSS`` or ``VmHWM``."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _maxrss_kib() -> int:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB elsewhere


# ---------------------------------------------------------------------------
# the measured processes


def _child(approach: str, url: str, path: str) -> dict[str, Any]:
    """One upload in this (fresh) process; returns the memory figures and what came back."""
    if approach == "ours":
        import warnings

        import requests_toolbelt.multipart.encoder  # noqa: F401 - the client imports it on first upload

        import legacy_stt

        policy = legacy_stt.PollPolicy(first_delay=0.25, backoff_factor=1.0, max_delay=0.25)
    else:
        import requests
    baseline_rss = _proc_status_kib("VmRSS")
    baseline_maxrss = _maxrss_kib()
    start = time.perf_counter()
    if approach == "ours":
        with legacy_stt.Client(
            API_KEY, base_url=url, poll_policy=policy, timeout=(10, 600)
        ) as client:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", legacy_stt.RemovedInLegacySTT2Warning)
                body = client.stt({"model": MODEL}, audio=path)
        sha256 = body["metadata"]["sha256"]
    else:
        # as the documentation's example does it (the file opened in the call; closed here)
        headers = {"Authorization": f"Bearer {API_KEY}"}
        with open(path, "rb") as audio:
            response = requests.post(
                url + "/v1/stt/create",
                headers=headers,
                data={"model": MODEL},
                files={"audio": audio},
                timeout=(10, 600),
            )
        response.raise_for_status()
        generation_id = response.json()["generation_id"]
        while True:
            answer = requests.get(f"{url}/v1/stt/{generation_id}", headers=headers, timeout=60)
            answer.raise_for_status()
            state = answer.json()
            if state["status"] not in ("queued", "generating", "waiting", "active"):
                break
            time.sleep(0.25)
        if state["status"] != "completed":
            raise BenchmarkError(f"the job ended {state['status']}: {state.get('error')}")
        sha256 = state["result"]["metadata"]["sha256"]
    seconds = time.perf_counter() - start
    peak = _maxrss_kib()
    baseline = baseline_rss if baseline_rss is not None else baseline_maxrss
    return {
        "approach": approach,
        "baseline_rss_kib": baseline,
        "baseline_maxrss_kib": baseline_maxrss,
        "peak_rss_kib": peak,
        "extra_peak_kib": peak - baseline,
        "seconds": seconds,
        "sha256": sha256,
    }


class _EmulatorProcess:
    """``python -m legacy_stt.testing`` in a child process, stopped with SIGTERM."""

    def __init__(self, spool_dir: Path) -> None:
        env = dict(os.environ, TMPDIR=str(spool_dir))  # where it spools uploads
        self.process = subprocess.Popen(
            [sys.executable, "-m", "legacy_stt.testing", "--job-duration", JOB_DURATION],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        timer = threading.Timer(30, self.process.kill)
        timer.start()
        try:
            assert self.process.stdout is not None
            line = self.process.stdout.readline()
        finally:
            timer.cancel()
        match = re.fullmatch(r"emulator listening on (http://\S+)\n", line)
        if not match:
            self.process.kill()
            _out, err = self.process.communicate()
            raise BenchmarkError(f"the emulator did not start: {line!r} {err.strip()[-2000:]}")
        self.url = match.group(1)

    def peak_kib(self) -> int | None:
        return _proc_status_kib("VmHWM", self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                _out, err = self.process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                _out, err = self.process.communicate()
            if self.process.returncode != 0:
                raise BenchmarkError(
                    f"the emulator exited with status {self.process.returncode}: {err.strip()[-2000:]}"
                )


def measure(approach: str, path: Path, spool_dir: Path) -> dict[str, Any]:
    """One upload by ``approach`` in a fresh process, against a fresh emulator."""
    emulator = _EmulatorProcess(spool_dir)
    try:
        completed = subprocess.run(
            [sys.executable, __file__, "--child", approach, "--url", emulator.url, str(path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
            check=False,
        )
        emulator_peak = emulator.peak_kib()
    finally:
        emulator.stop()
    if completed.returncode != 0:
        raise BenchmarkError(
            f"the {approach} upload failed (status {completed.returncode}):\n"
            + completed.stderr.strip()[-3000:]
        )
    figures: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    figures["emulator_peak_rss_kib"] = emulator_peak
    return figures


# ---------------------------------------------------------------------------
# the test file


def _wav_header(data_size: int) -> bytes:
    data_size = min(data_size, 0xFFFFFFFF - 36)  # a RIFF size is 32 bits
    block_align = WAV_CHANNELS * WAV_SAMPLE_BYTES
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_size)
        + b"WAVEfmt "
        + struct.pack(
            "<IHHIIHH",
            16,
            1,  # PCM
            WAV_CHANNELS,
            WAV_RATE,
            WAV_RATE * block_align,
            block_align,
            WAV_SAMPLE_BYTES * 8,
        )
        + b"data"
        + struct.pack("<I", data_size)
    )


def write_test_file(path: Path, size: int) -> str:
    """Write ``size`` bytes (a WAV header, then random samples) a chunk at a time; return its SHA-256."""
    digest = hashlib.sha256()
    header = _wav_header(size - 44)
    with path.open("wb") as file:
        file.write(header)
        digest.update(header)
        left = size - len(header)
        while left > 0:
            chunk = os.urandom(min(WRITE_CHUNK, left))
            file.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def choose_directory(requested: Path | None, size: int) -> Path:
    """Where the file (and the emulator's spooled copy) go: room for twice the size, plus slack."""
    needed = 2 * size + 256 * MIB
    candidates = [requested] if requested else [Path(tempfile.gettempdir()), FALLBACK_DIR]
    for candidate in candidates:
        assert candidate is not None
        candidate.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(candidate).free
        if free >= needed:
            return candidate
        print(
            f"note: {candidate} has {_human(free)} free, {_human(needed)} needed",
            file=sys.stderr,
        )
    raise BenchmarkError(
        f"no directory with {_human(needed)} free for the test file; pass --dir or a smaller --size"
    )


# ---------------------------------------------------------------------------
# report


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def summarize(samples: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for approach, runs in samples.items():
        entry: dict[str, Any] = {}
        for key in ("baseline_rss_kib", "peak_rss_kib", "extra_peak_kib", "seconds"):
            entry[key] = _median([run[key] for run in runs])
        emulator_peaks = [run["emulator_peak_rss_kib"] for run in runs]
        entry["emulator_peak_rss_kib"] = (
            _median(emulator_peaks) if all(p is not None for p in emulator_peaks) else None
        )
        summary[approach] = entry
    ours, docs = summary["ours"]["extra_peak_kib"], summary["docs"]["extra_peak_kib"]
    summary["ratio_docs_over_ours"] = docs / ours if ours > 0 else None
    summary["goal_extra_mib"] = GOAL_EXTRA_MIB
    summary["goal_met"] = ours / KIB < GOAL_EXTRA_MIB
    return summary


def _mib(kib: float | None) -> str:
    return "n/a" if kib is None else f"{kib / KIB:8.1f}"


def print_report(
    info: dict[str, Any], size: int, runs: int, samples: dict[str, list[dict[str, Any]]]
) -> None:
    summary = summarize(samples)
    print("machine:")
    for key, value in info.items():
        print(f"  {key}: {value}")
    print(f"file: {_human(size)} ({size} bytes), {runs} run(s) per approach, medians below (MiB)")
    print()
    print(
        f"{'approach':<10}{'baseline':>10}{'peak':>10}{'extra':>10}{'emulator':>10}{'seconds':>10}"
    )
    for approach in APPROACHES:
        entry = summary[approach]
        print(
            f"{approach:<10}{_mib(entry['baseline_rss_kib']):>10}{_mib(entry['peak_rss_kib']):>10}"
            f"{_mib(entry['extra_peak_kib']):>10}{_mib(entry['emulator_peak_rss_kib']):>10}"
            f"{entry['seconds']:>10.2f}"
        )
    print()
    print("per run (extra peak, MiB):")
    for approach in APPROACHES:
        figures = ", ".join(f"{run['extra_peak_kib'] / KIB:.1f}" for run in samples[approach])
        print(f"  {approach}: {figures}")
    print()
    ratio = summary["ratio_docs_over_ours"]
    ours = summary["ours"]["extra_peak_kib"] / KIB
    docs = summary["docs"]["extra_peak_kib"] / KIB
    verdict = "met" if summary["goal_met"] else "NOT met"
    ratio_text = f"{ratio:.1f}x" if ratio is not None else "n/a"
    print(
        f"summary: uploading {_human(size)}, extra peak memory: legacy_stt.Client.stt {ours:.1f} MiB, "
        f"documentation's requests files= {docs:.1f} MiB ({ratio_text} as much); "
        f"goal (ours < {GOAL_EXTRA_MIB:.0f} MiB) {verdict}"
    )


# ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Peak memory of a large upload: legacy_stt.Client.stt vs requests' files=."
    )
    parser.add_argument(
        "--size",
        type=parse_size,
        default=parse_size("1G"),
        help="size of the test file: bytes, or 1G, 256M, 512K (default 1G)",
    )
    parser.add_argument("--runs", type=int, default=3, help="measurements per approach (3)")
    parser.add_argument("--keep-file", action="store_true", help="do not delete the test file")
    parser.add_argument("--dir", type=Path, help="directory for the test file and the spool")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    # internal: one measured upload in a fresh process
    parser.add_argument("--child", choices=APPROACHES, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.url, args.file)))
        return 0
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        import resource  # noqa: F401
    except ImportError:
        parser.error("peak memory is read with the resource module, which needs a POSIX system")

    info = machine_info()
    directory = choose_directory(args.dir, args.size)
    work = Path(tempfile.mkdtemp(prefix="upload-memory-", dir=directory))
    path = work / "audio.wav"
    samples: dict[str, list[dict[str, Any]]] = {approach: [] for approach in APPROACHES}
    try:
        progress = sys.stderr
        print(f"writing {_human(args.size)} to {path} ...", file=progress, flush=True)
        expected = write_test_file(path, args.size)
        for run in range(args.runs):
            order = APPROACHES if run % 2 == 0 else tuple(reversed(APPROACHES))
            for approach in order:
                print(f"run {run + 1}/{args.runs}: {approach} ...", file=progress, flush=True)
                figures = measure(approach, path, work)
                if figures["sha256"] != expected:
                    raise BenchmarkError(
                        f"the {approach} upload did not arrive whole: the emulator hashed "
                        f"{figures['sha256']}, the file is {expected}"
                    )
                samples[approach].append(figures)
                print(
                    f"  extra peak {figures['extra_peak_kib'] / KIB:.1f} MiB, "
                    f"{figures['seconds']:.1f} s",
                    file=progress,
                    flush=True,
                )
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep_file:
            print(f"kept the test file: {path}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        document = {
            "machine": info,
            "size_bytes": args.size,
            "runs": args.runs,
            "samples": samples,
            "summary": summarize(samples),
        }
        print(json.dumps(document, indent=2))
    else:
        print_report(info, args.size, args.runs, samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
