"""Small helpers shared by the benchmark scripts: wall-clock timing of commands and a machine description.

Standard library only; Python 3.9+.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BenchmarkError",
    "Stats",
    "machine_info",
    "run_timed",
]


class BenchmarkError(RuntimeError):
    """A timed command failed in a way that makes its figure meaningless."""


@dataclass(frozen=True)
class Stats:
    """Wall-clock samples of one measurement, in seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    def as_dict(self) -> dict[str, object]:
        return {
            "median_s": self.median,
            "min_s": self.min,
            "max_s": self.max,
            "runs": len(self.samples),
            "samples_s": list(self.samples),
        }


# Every tool may cache its bytecode, as it does on a user's machine: with PYTHONDONTWRITEBYTECODE
# set (some CI images and sandboxes set it), a package installed in editable mode would compile
# its modules from source in every timed process while one installed by pip has its caches.
# The warm-up run writes them, for every tool alike.
_TIMED_ENVIRONMENT = {
    name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"
}


def run_timed(
    commands: Sequence[Sequence[str]],
    *,
    cwd: Path,
    ok_codes: Sequence[int] = (0, 1),
) -> float:
    """Run ``commands`` one after the other and return their total wall-clock time in seconds.

    Each command's standard output is discarded (no reader slows it down); its standard
    error is kept to explain a failure. An exit status outside ``ok_codes`` raises
    ``BenchmarkError``: a crashed tool must not produce a flattering figure.
    """
    total = 0.0
    for command in commands:
        start = time.perf_counter()
        completed = subprocess.run(
            list(command),
            cwd=cwd,
            env=_TIMED_ENVIRONMENT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        total += time.perf_counter() - start
        if completed.returncode not in ok_codes:
            tail = completed.stderr.decode("utf-8", "replace").strip()[-2000:]
            shown = " ".join(command[:6]) + (" ..." if len(command) > 6 else "")
            raise BenchmarkError(f"`{shown}` exited with status {completed.returncode}:\n{tail}")
    return total


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Hardware", "Processor") and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def machine_info() -> dict[str, object]:
    """What the figures were measured on, for pasting next to them."""
    try:
        usable = len(os.sched_getaffinity(0))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        usable = os.cpu_count() or 0
    try:
        load: list[float] | None = [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        load = None
    return {
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "load_average": load,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
