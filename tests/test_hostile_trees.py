"""`legacy-stt check` on inputs nobody vetted: FIFOs, link loops, files big enough to cost memory.

Each test builds its hostile input in tmp_path. Those that could hang run
the command as a subprocess with a timeout, so a regression fails instead
of stalling the suite; the memory tests read the peak resident size of a
fresh process.
"""

from __future__ import annotations

import errno
import json
import os
import pathlib
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest

from legacy_stt.lint import Checker

MODEL = "#g1_nova-2-general"
#: A payload with one finding: `diarise` is an unknown parameter (a warning).
PAYLOAD = {"model": MODEL, "url": "https://example.com/a.mp3", "diarise": True}
#: Long enough for a hang, short enough not to stall the suite.
TIMEOUT = 20

needs_fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
needs_symlinks = pytest.mark.skipif(
    sys.platform.startswith("win"), reason="symbolic links need privileges on Windows"
)
linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="ru_maxrss is in KiB on Linux only"
)


def check_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "legacy_stt", "check", "--format", "json", *args]


def run_check(*args: str) -> tuple[int, dict[str, Any]]:
    """`legacy-stt check --format json ARGS` in a subprocess: exit status and document."""
    completed = subprocess.run(check_command(*args), capture_output=True, timeout=TIMEOUT)
    assert b"Traceback" not in completed.stderr, completed.stderr.decode(errors="replace")
    return completed.returncode, json.loads(completed.stdout)


def write_payload(path: pathlib.Path, payload: dict[str, Any] = PAYLOAD) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def names(document: dict[str, Any], root: pathlib.Path) -> list[tuple[str, str]]:
    return [
        (pathlib.Path(f["path"]).relative_to(root).as_posix(), f["code"])
        for f in document["findings"]
    ]


# -- FIFOs ---------------------------------------------------------------------------


@needs_fifos
def test_a_fifo_met_in_a_walk_is_skipped_not_opened(tmp_path: pathlib.Path) -> None:
    # Opening a FIFO for reading waits for a writer that never comes: `check` hung forever.
    tree = tmp_path / "tree"
    write_payload(tree / "a.json")
    write_payload(tree / "sub" / "b.json")
    os.mkfifo(tree / "trap.json")
    os.mkfifo(tree / "sub" / "trap.jsonl")
    started = time.monotonic()
    status, document = run_check(str(tree))
    assert time.monotonic() - started < TIMEOUT
    assert status == 0  # warnings only
    assert names(document, tree) == [
        ("a.json", "unknown-parameter"),
        ("sub/b.json", "unknown-parameter"),
    ]
    summary = document["summary"]
    assert (summary["files_checked"], summary["payloads_checked"]) == (2, 2)
    assert summary["files_skipped"] == 2  # the FIFOs are counted, never read
    assert summary["unreadable"] == []


@needs_fifos
def test_a_fifo_named_on_the_command_line_is_read_like_a_pipe(tmp_path: pathlib.Path) -> None:
    # Not a regression test: named explicitly (say as <(command)), a FIFO is read, and the
    # check waits for its writer as `cat` would, even one that opens it after the check has.
    fifo = tmp_path / "payload.json"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        check_command(str(fifo)), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:  # a writer can open a FIFO without blocking only once a reader has
            try:
                descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as error:
                if error.errno != errno.ENXIO or time.monotonic() > deadline:
                    raise
            assert process.poll() is None, process.communicate()
            time.sleep(0.01)
        time.sleep(0.2)  # let the reader find an empty pipe first
        os.set_blocking(descriptor, True)
        os.write(descriptor, json.dumps(PAYLOAD).encode())
        os.close(descriptor)
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0, err
    document = json.loads(out)
    assert [f["code"] for f in document["findings"]] == ["unknown-parameter"]
    assert document["summary"]["files_checked"] == 1


# -- link loops ------------------------------------------------------------------------


@needs_symlinks
def test_a_self_loop_link_does_not_check_a_file_again(tmp_path: pathlib.Path) -> None:
    # `a/self -> .` made the walk check a/payload.json 41 times (until the OS refused the path).
    tree = tmp_path / "tree"
    write_payload(tree / "top.json")
    write_payload(tree / "a" / "payload.json")
    os.symlink(".", tree / "a" / "self")
    result = Checker().check([str(tree)])
    assert result.files_checked == 2 and result.payloads_checked == 2
    assert sorted(pathlib.Path(f.path).relative_to(tree).as_posix() for f in result.findings) == [
        "a/payload.json",
        "top.json",
    ]
    assert result.unreadable == []


@needs_symlinks
def test_two_links_to_the_parent_do_not_make_the_walk_exponential(tmp_path: pathlib.Path) -> None:
    # Two links back up from every level: a walk that follows them meets 2**depth paths.
    tree = tmp_path / "tree"
    write_payload(tree / "top.json")
    write_payload(tree / "a" / "payload.json")
    (tree / "a" / "notes.txt").write_text("not a payload")
    os.symlink("..", tree / "a" / "l1")
    os.symlink("..", tree / "a" / "l2")
    started = time.monotonic()
    status, document = run_check(str(tree))
    assert time.monotonic() - started < TIMEOUT
    assert status == 0
    assert names(document, tree) == [
        ("a/payload.json", "unknown-parameter"),
        ("top.json", "unknown-parameter"),
    ]
    summary = document["summary"]
    assert (summary["files_checked"], summary["payloads_checked"]) == (2, 2)


@needs_symlinks
def test_a_linked_file_is_checked_once_and_a_dangling_link_is_unreadable(
    tmp_path: pathlib.Path,
) -> None:
    tree = tmp_path / "tree"
    write_payload(tree / "real.json")
    os.symlink("real.json", tree / "alias.json")  # the same file: checked under one name
    os.symlink("gone.json", tree / "dangling.json")
    result = Checker().check([str(tree)])
    assert result.files_checked == 1 and result.payloads_checked == 1
    # Under its first name in path order: alias.json.
    assert [(pathlib.Path(f.path).name, f.code) for f in result.sorted_findings()] == [
        ("alias.json", "unknown-parameter"),
        ("dangling.json", "unreadable"),
    ]
    assert result.unreadable == [str(tree / "dangling.json")]


def test_the_walk_visits_paths_in_sorted_order(tmp_path: pathlib.Path) -> None:
    from legacy_stt.payloads.files import walk

    for relative in ("a.json", "a-b/x.json", "a/x.json", "a0.json", "b/c/d.json", "b.json"):
        write_payload(tmp_path / relative)
    (tmp_path / "skip.txt").write_text("")
    found = list(walk(str(tmp_path), include=lambda name: name.endswith(".json")))
    # Files first in each directory, by default.
    assert [os.path.relpath(path, tmp_path) for path in found] == [
        os.path.normpath(path)
        for path in ("a.json", "a0.json", "b.json", "a/x.json", "a-b/x.json", "b/c/d.json")
    ]
    in_path_order = list(
        walk(str(tmp_path), include=lambda name: name.endswith(".json"), files_first=False)
    )
    assert in_path_order == sorted(in_path_order) and len(in_path_order) == 6


# -- memory ------------------------------------------------------------------------------

#: Runs the command in its argument list and reports its peak resident size, as JSON.
_MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys
    with open(sys.argv[1], "wb") as out:
        status = subprocess.run(sys.argv[2:], stdout=out).returncode
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"status": status, "peak": peak}))
    """
)


def peak_memory_of_check(tmp_path: pathlib.Path, *args: str) -> tuple[int, int, dict[str, Any]]:
    """Exit status, peak resident bytes and JSON document of `legacy-stt check ARGS`.

    Measured in a fresh process whose only child is the check, so the
    children of other tests do not count.
    """
    output = tmp_path / "report.json"
    completed = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(output), *check_command(*args)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(completed.stdout)
    return measured["status"], measured["peak"], json.loads(output.read_bytes())


#: What the checker may take, interpreter and imports included, on the inputs below.
_MEMORY_BOUND = 150 * 2**20


@linux_only
def test_memory_does_not_grow_with_the_number_of_findings(tmp_path: pathlib.Path) -> None:
    # Each finding used to be kept (and each JSON Lines line split out) until the report:
    # these 3 MB took over 250 MB.
    lines = 100_000
    path = tmp_path / "recorded.jsonl"
    path.write_bytes(b'{"model": "#g1_nova-2-general",\n' * lines)  # each line is broken
    status, peak, document = peak_memory_of_check(tmp_path, str(path))
    assert status == 1
    assert document["summary"]["errors"] == lines == len(document["findings"])
    first, last = document["findings"][0], document["findings"][-1]
    assert (first["line"], first["code"]) == (1, "invalid-json")
    assert (last["line"], last["code"]) == (lines, "invalid-json")
    assert peak < _MEMORY_BOUND, f"peak {peak / 2**20:.0f} MiB"


@linux_only
def test_memory_of_a_python_file_with_a_huge_literal_is_bounded(tmp_path: pathlib.Path) -> None:
    # The syntax tree of one 2.5 MB list literal took over 300 MB; the call after it is still found.
    table = ", ".join(str(number) for number in range(450_000))
    source = (
        "import requests\n\n"
        f"TABLE = [{table}]\n\n"
        "requests.post('https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general',\n"
        "              'url': 'https://example.com/a.mp3', 'diarise': True})\n"
    )
    path = tmp_path / "generated.py"
    path.write_text(source)
    status, peak, document = peak_memory_of_check(tmp_path, str(path))
    assert status == 0
    column = source.splitlines()[5].index("'diarise'") + 1
    assert [(f["line"], f["column"], f["code"]) for f in document["findings"]] == [
        (5, 1, "legacy-endpoint"),
        (6, column, "unknown-parameter"),
    ]
    assert peak < _MEMORY_BOUND, f"peak {peak / 2**20:.0f} MiB"


def test_a_json_array_is_checked_in_time_linear_in_its_size(tmp_path: pathlib.Path) -> None:
    # Each item's findings were located by scanning the whole file from its start again.
    items = 20_000
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([PAYLOAD] * items))  # one line
    started = time.monotonic()
    status, document = run_check(str(path))
    assert time.monotonic() - started < TIMEOUT
    assert status == 0 and len(document["findings"]) == items
    text = path.read_text()
    for finding in (document["findings"][0], document["findings"][-1]):
        assert finding["line"] == 1 and text[finding["column"] - 1 :].startswith('"diarise"')
    assert document["findings"][-1]["payload"] == f"item {items - 1}"


# -- Python sources too big to parse -------------------------------------------------------

#: Code, not data: some 240,000 tokens, more than MAX_TOKENS outside any literal.
_LONG_MODULE = "import requests\n" + "x = 1\n" * 60_000


def test_python_too_large_to_parse_is_reported_when_named(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "generated.py"
    path.write_text(_LONG_MODULE)
    result = Checker().check([str(path)])
    assert [(f.code, f.severity, f.line) for f in result.findings] == [
        ("python-too-large", "warning", None)
    ]
    assert "not scanned" in result.findings[0].message and result.files_checked == 1


def test_python_too_large_to_parse_in_a_walk_counts_only_if_it_names_the_service(
    tmp_path: pathlib.Path,
) -> None:
    (tmp_path / "generated.py").write_text(_LONG_MODULE)
    result = Checker().check([str(tmp_path)])
    assert result.findings == [] and result.files_skipped == 1
    (tmp_path / "client.py").write_text(_LONG_MODULE + "URL = 'https://API.aimlapi.com/stt'\n")
    result = Checker().check([str(tmp_path)])
    assert [(pathlib.Path(f.path).name, f.code) for f in result.findings] == [
        ("client.py", "python-too-large")
    ]
    assert (result.files_checked, result.files_skipped) == (1, 1)
