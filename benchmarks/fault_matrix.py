"""Time every row of the fault matrix over several runs and print the table with medians.

The matrix (``legacy_stt.testing.fault_matrix``) scripts one misbehaviour of
the service per row -- resets, timeouts, 429s, 5xx, malformed answers,
failed and expired jobs, a deadline -- and runs one ``Client.stt`` call
against a fresh emulator. The test suite checks each row's outcome, create
count, job count and time bound; this script repeats the rows and reports the
median time of each, with the bound, as the table in BENCHMARKS.md.

There is no baseline to compare with: the figure of merit is that every run
of every row meets its bound (a call that hangs, retries too long or bills
twice fails the run).

Run it from a checkout after ``python -m pip install .``::

    python benchmarks/fault_matrix.py            # 5 runs
    python benchmarks/fault_matrix.py --runs 3

Python 3.9+.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from _common import machine_info

from legacy_stt.testing.fault_matrix import SCENARIOS, markdown_table, run_scenario


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of every row (5)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    samples: dict[str, list[float]] = {s.name: [] for s in SCENARIOS}
    failures: list[str] = []
    for run in range(1, args.runs + 1):
        for scenario in SCENARIOS:
            observed = run_scenario(scenario)
            samples[scenario.name].append(observed.seconds)
            failures += [f"run {run}, {scenario.name}: {p}" for p in observed.problems()]
        print(f"run {run}/{args.runs} done", file=sys.stderr)
    info = machine_info()
    print(
        f"machine: {info['cpu']}, {info['logical_cpus']} logical CPUs, {info['os']}, "
        f"{info['python']}, {info['date']}"
    )
    print(f"{len(SCENARIOS)} rows, {args.runs} runs each; 'measured' is the median\n")
    print(markdown_table({name: statistics.median(times) for name, times in samples.items()}))
    slowest = max(max(times) for times in samples.values())
    print(f"\nslowest single call: {slowest:.2f} s")
    if failures:
        print(f"\n{len(failures)} row run(s) failed:")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print("every run of every row met its outcome, create count, job count and time bound")
    return 0


if __name__ == "__main__":
    sys.exit(main())
