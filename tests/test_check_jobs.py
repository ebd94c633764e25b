"""`legacy-stt check --jobs`: files shared among processes give the run one process gives.

The command runs as a subprocess (a test worker has threads, and the checker
never forks a process with threads), over trees big enough to be shared.
"""

from __future__ import annotations

import json
import logging
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time

import pytest

from legacy_stt.lint import Checker
from legacy_stt.lint.checker import PARALLEL_THRESHOLD

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="files are shared among forked processes on Linux"
)

TIMEOUT = 120


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "legacy_stt", "check", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def build_tree(root: pathlib.Path, count: int) -> pathlib.Path:
    """``count`` payload files of every kind the checker meets, spread over directories."""
    for n in range(count):
        folder = root / f"d{n % 7}" / ("deep" if n % 5 == 0 else "")
        folder.mkdir(parents=True, exist_ok=True)
        kind = n % 9
        if kind == 0:
            payload: object = {"model": "#g1_nova-2-general", "url": f"https://e.com/{n}.mp3"}
        elif kind == 1:
            payload = {
                "model": "#g1_nova-2-general",
                "url": "https://e.com/a.mp3",
                "langauge": "en",
            }
        elif kind == 2:
            payload = {"model": "nova-9", "url": "https://e.com/a.mp3"}
        elif kind == 3:
            payload = {"model": "#g1_whisper-large", "punctuate": "true"}
        elif kind == 4:
            payload = {"name": "not a payload"}
        elif kind == 5:
            (folder / f"{n:05}.json").write_text("")  # empty: skipped
            continue
        elif kind == 6:
            lines = [
                {"model": "#g1_nova-2-general", "url": "https://e.com/a.mp3"},
                {"model": "#g1_nova-2-general", "smart_format": 1, "url": "https://e.com/b.mp3"},
            ]
            (folder / f"{n:05}.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n")
            continue
        elif kind == 7:
            (folder / f"{n:05}.json").write_text('{"model": "#g1_nova-2-general", ')  # broken
            continue
        else:
            (folder / f"caller{n:05}.py").write_text(
                "import requests\n"
                "requests.post('https://api.aimlapi.com/v1/stt', json={'model': 'nova-9'})\n"
            )
            continue
        (folder / f"{n:05}.json").write_text(json.dumps(payload, indent=2))
    os.symlink(root / "missing.json", root / "d0" / "dangling.json")  # unreadable: exit 2
    os.mkfifo(root / "d1" / "queue.json")  # never opened: skipped
    return root


@pytest.mark.parametrize("output_format", ["json", "text", "sarif"])
def test_a_shared_run_prints_what_one_process_prints(
    tmp_path: pathlib.Path, output_format: str
) -> None:
    root = build_tree(tmp_path / "tree", 3 * PARALLEL_THRESHOLD)
    alone = check("--jobs", "1", "--format", output_format, str(root))
    shared = check("--jobs", "3", "--format", output_format, "-v", str(root))
    assert "checking the files in 3 processes" in shared.stderr
    assert alone.returncode == shared.returncode == 2  # the dangling link
    assert shared.stdout == alone.stdout
    if output_format == "json":
        document = json.loads(shared.stdout)
        assert document["summary"]["files_checked"] > 2 * PARALLEL_THRESHOLD
        codes = {finding["code"] for finding in document["findings"]}
        assert {"unknown-model", "unknown-parameter", "invalid-json", "legacy-endpoint"} <= codes
        assert document["summary"]["skipped"]  # named, with reasons, from the workers
        assert document["summary"]["unreadable"]


def test_a_long_list_of_named_files_is_shared_too(tmp_path: pathlib.Path) -> None:
    root = build_tree(tmp_path / "tree", 2 * PARALLEL_THRESHOLD)
    files = sorted(str(path) for path in root.rglob("*.json") if path.is_file())
    assert len(files) > PARALLEL_THRESHOLD
    alone = check("-j", "1", "--format", "json", *files)
    shared = check("-j", "2", "--format", "json", "-v", *files)
    assert "checking the files in 2 processes" in shared.stderr
    assert (shared.returncode, shared.stdout) == (alone.returncode, alone.stdout)


def test_a_small_run_stays_in_one_process(tmp_path: pathlib.Path) -> None:
    root = build_tree(tmp_path / "tree", 20)
    shared = check("-j", "4", "-v", str(root))
    assert "processes" not in shared.stderr
    assert shared.stdout == check("-j", "1", str(root)).stdout


def test_ctrl_c_stops_a_shared_run_without_worker_tracebacks(tmp_path: pathlib.Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    for n in range(12 * PARALLEL_THRESHOLD):
        (root / f"{n:06}.json").write_text('{"model": "nova-9", "url": "https://e.com/a.mp3"}')
    process = subprocess.Popen(
        [sys.executable, "-m", "legacy_stt", "check", "-j", "2", "-v", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        # Interrupt once the workers are started (the run logs it), as a user's Ctrl-C would.
        assert process.stderr is not None
        started = ""
        while "processes" not in started and time.monotonic() < deadline:
            started += process.stderr.readline()
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=30)
    finally:
        process.kill()
    stderr = started + rest
    assert "Traceback" not in stderr
    # interrupted (130), or, if the run was faster than the signal, its ordinary end
    assert process.returncode in (130, 1), stderr


def test_the_library_does_not_fork_a_process_with_threads(
    tmp_path: pathlib.Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="legacy_stt.lint.checker")
    root = build_tree(tmp_path / "tree", 2 * PARALLEL_THRESHOLD)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        shared = Checker().check([str(root)], jobs=4)
    finally:
        stop.set()
        other.join()
    assert not [r for r in caplog.records if "processes" in r.getMessage()]
    alone = Checker().check([str(root)], jobs=1)
    assert shared.sorted_findings() == alone.sorted_findings()
    assert (shared.files_checked, shared.files_skipped) == (
        alone.files_checked,
        alone.files_skipped,
    )


def test_sigterm_to_a_shared_run_leaves_no_worker_behind(tmp_path: pathlib.Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    for n in range(12 * PARALLEL_THRESHOLD):
        (root / f"{n:06}.json").write_text('{"model": "nova-9", "url": "https://e.com/a.mp3"}')
    process = subprocess.Popen(
        [sys.executable, "-m", "legacy_stt", "check", "-j", "2", "-v", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        started = ""
        deadline = time.monotonic() + 30
        while "processes" not in started and time.monotonic() < deadline:
            started += process.stderr.readline()
        process.terminate()
        # communicate() returns only once every writer of the pipes is gone: the workers too
        _, rest = process.communicate(timeout=30)
    finally:
        process.kill()
    assert "Traceback" not in started + rest
    assert process.returncode in (128 + signal.SIGTERM, 1)
