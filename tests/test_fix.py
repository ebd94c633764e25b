"""`legacy-stt fix`: before/after pairs, honest results, and differential execution.

``tests/fix_cases/before`` holds legacy callers (and two-step callers and
look-alikes, which must stay byte for byte); ``after`` is what ``fix`` must
make of them; ``after_unsafe`` what ``--unsafe-fixes`` adds. The
differential tests run each program before and after the fix against the
emulator -- the before-program on the legacy endpoint, the after-program on
the two-step API -- and compare what they print.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from legacy_stt.lint.jssource import parser_available
from legacy_stt.testing import Emulator

pytestmark = pytest.mark.skipif(not parser_available(), reason="needs the js extra")

CASES = pathlib.Path(__file__).parent / "fix_cases"
BEFORE, AFTER, AFTER_UNSAFE = CASES / "before", CASES / "after", CASES / "after_unsafe"
UNCHANGED = (
    "py_two_step.py",
    "py_lookalike.py",
    "js_two_step.mjs",
    "js_lookalike.ts",
    "py_httpx.py",
)
NODE = shutil.which("node")


def fix(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "legacy_stt", "fix", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tree(root: pathlib.Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def work(tmp_path: pathlib.Path) -> pathlib.Path:
    shutil.copytree(BEFORE, tmp_path / "src")
    return tmp_path / "src"


def test_fix_makes_the_after_files_and_reports_what_it_left(work: pathlib.Path) -> None:
    completed = fix(".", cwd=work)
    assert tree(work) == tree(AFTER)
    for name in UNCHANGED:
        assert (work / name).read_bytes() == (BEFORE / name).read_bytes()
    # the httpx call has an unsafe fix: left, said, and the run does not claim success
    assert completed.returncode == 1
    assert "py_httpx.py:5:12: left: `httpx.post`: unsafe fix" in completed.stderr
    assert "applied 8 fixes in 8 files; 1 call site left" in completed.stderr
    assert completed.stdout == ""


def test_a_second_run_changes_nothing(work: pathlib.Path) -> None:
    fix(".", cwd=work)
    first = tree(work)
    again = fix(".", cwd=work)
    assert tree(work) == first
    assert "applied 0 fixes in 0 files" in again.stderr


def test_diff_prints_the_change_and_touches_nothing(work: pathlib.Path) -> None:
    completed = fix("--diff", ".", cwd=work)
    assert tree(work) == tree(BEFORE)
    assert completed.returncode == 1
    assert "+import legacy_stt" in completed.stdout
    assert "+const res = await fetchTwoStep(`${BASE}/v1/stt`, {" in completed.stdout
    assert "+++ b/./aiml-two-step.mjs" in completed.stdout
    assert "would apply 8 fixes" in completed.stderr


def test_unsafe_fixes_are_applied_when_asked(work: pathlib.Path) -> None:
    completed = fix("--unsafe-fixes", "py_httpx.py", cwd=work)
    assert (work / "py_httpx.py").read_bytes() == (AFTER_UNSAFE / "py_httpx.py").read_bytes()
    assert completed.returncode == 0
    assert "applied 1 fix in 1 file; 0 call sites left" in completed.stderr


def test_only_the_edited_spans_change(tmp_path: pathlib.Path) -> None:
    source = (
        "import requests  # the client\r\n"
        "\r\n"
        "URL = 'https://api.aimlapi.com/v1/stt'   # odd   spacing kept\r\n"
        "r = requests.post(URL,\r\n"
        "                  {'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})\r\n"
        "print(r.json())\r\n"
    )
    path = tmp_path / "crlf.py"
    path.write_bytes(source.encode())
    fix(str(path), cwd=tmp_path)
    assert path.read_bytes().decode() == (
        "import requests  # the client\r\n"
        "import legacy_stt\r\n"
        "\r\n"
        "URL = 'https://api.aimlapi.com/v1/stt'   # odd   spacing kept\r\n"
        "r = legacy_stt.post_via_two_step(URL,\r\n"
        "                  data={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})\r\n"
        "print(r.json())\r\n"
    )


def test_calls_it_cannot_rewrite_are_named_with_their_reasons(tmp_path: pathlib.Path) -> None:
    (tmp_path / "odd.py").write_text(
        "import requests\n"
        "requests.post('https://api.aimlapi.com/v1/stt', json={'model': 'm'}, auth=('u', 'p'))\n"
    )
    (tmp_path / "odd.mjs").write_text(
        "import got from 'got';\n"
        "await got.post('https://api.aimlapi.com/v1/stt', { json: { model: '#g1_nova-2-general' } });\n"
        "await fetch('https://api.aimlapi.com/stt', { method: 'POST', body: JSON.stringify({ model: '#g1_nova-2-general', langauge: 'en', url: 'https://e.com/a.mp3' }) });\n"
    )
    before = tree(tmp_path)
    completed = fix(".", cwd=tmp_path)
    assert tree(tmp_path) == before
    assert completed.returncode == 1
    assert "odd.py:2:1: left: `requests.post`: it passes auth=" in completed.stderr
    assert "odd.mjs:2:7: left: `got.post`: got calls are not rewritten" in completed.stderr
    assert "odd.mjs:3:7: left: `fetch`: the payload has `langauge`" in completed.stderr
    assert "3 call sites left" in completed.stderr


def test_what_fix_leaves_check_does_not_report(work: pathlib.Path) -> None:
    fix(".", cwd=work)
    completed = subprocess.run(
        [sys.executable, "-m", "legacy_stt", "check", "--format", "json", "."],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=60,
    )
    import json

    flagged = {
        pathlib.Path(finding["path"]).name
        for finding in json.loads(completed.stdout)["findings"]
        if finding["code"] == "legacy-endpoint"
    }
    assert flagged == {"py_httpx.py"}  # the one left: its fix is unsafe


# -- differential execution ---------------------------------------------------------------

PROGRAMS = [
    "py_json.py",
    "py_files.py",
    "py_constant.py",
    "py_session.py",
    "js_fetch_json.mjs",
    "js_fetch_form.mjs",
    "js_env_default.mjs",
    "js_axios_instance.cjs",
]


def run_against(service: Emulator, root: pathlib.Path, name: str) -> tuple[str, list[str | None]]:
    """Run one program (the service's address written in place of the real one): output, routes."""
    for path in root.iterdir():
        if path.is_file() and path.suffix in (".py", ".mjs", ".cjs", ".ts"):
            path.write_text(path.read_text().replace("https://api.aimlapi.com", service.url))
    command = [sys.executable, name] if name.endswith(".py") else [str(NODE), name]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
    environment["AIML_API_KEY"] = "differential-key"
    seen = len(service.requests)
    completed = subprocess.run(
        command, cwd=root, capture_output=True, text=True, env=environment, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout, [request.route for request in service.requests[seen:]]


@pytest.mark.parametrize("name", [*PROGRAMS, "py_httpx.py"])
def test_the_program_prints_the_same_before_and_after(tmp_path: pathlib.Path, name: str) -> None:
    if name.endswith((".mjs", ".cjs")) and NODE is None:
        pytest.skip("Node.js is not on this machine: the JavaScript programs cannot run")
    before, after = tmp_path / "before", tmp_path / "after"
    shutil.copytree(BEFORE, before)
    shutil.copytree(AFTER, after)
    if name == "py_httpx.py":
        shutil.copy(AFTER_UNSAFE / name, after / name)
    for root in (before, after):
        shutil.copytree(CASES / "node_modules", root / "node_modules")
    with Emulator() as service:
        old_output, old_routes = run_against(service, before, name)
        new_output, new_routes = run_against(service, after, name)
    assert old_routes == ["legacy"]
    assert "legacy" not in new_routes and new_routes[0] == "create" and "poll" in new_routes
    assert old_output.strip()  # a transcript
    assert new_output == old_output
