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
    assert "+++ b/aiml-two-step.mjs" in completed.stdout
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


# -- what a hostile review of the first version found -------------------------------------


def fixed(tmp_path: pathlib.Path, name: str, text: str, *args: str) -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    completed = fix(*args, str(path), cwd=tmp_path)
    return path.read_bytes().decode("utf-8"), completed.stderr


def test_line_breaks_python_does_not_count_do_not_move_the_edit(tmp_path: pathlib.Path) -> None:
    # \x85 and \u2028 end a line for str.splitlines(), not for Python
    source = (
        "import requests\n"
        'BANNER = "Transcripts\x85 and\u2028more"\n'
        "def go(payload):  # send it\n"
        "    r = requests.post('https://api.aimlapi.com/v1/stt', json=payload)\n"
        "    return r.json()\n"
    )
    text, _ = fixed(tmp_path, "nel.py", source)
    assert (
        "    r = legacy_stt.post_via_two_step('https://api.aimlapi.com/v1/stt', json=payload)\n"
        in text
    )
    assert "# send it\n" in text


def test_an_async_client_of_the_same_name_is_left_alone(tmp_path: pathlib.Path) -> None:
    source = (
        "import aiohttp\nimport requests\n\n"
        "def sync():\n"
        "    session = requests.Session()\n"
        "    return session.post('https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})\n\n"
        "async def run():\n"
        "    async with aiohttp.ClientSession() as session:\n"
        "        async with session.post('https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'}) as r:\n"
        "            return await r.json()\n"
    )
    text, stderr = fixed(tmp_path, "mixed.py", source)
    assert (
        "return legacy_stt.post_via_two_step('https://api.aimlapi.com/v1/stt', session=session,"
        in text
    )
    assert "async with session.post('https://api.aimlapi.com/v1/stt'" in text
    assert "mixed.py:10:20: left: `session.post`: it is awaited or used in `async with`" in stderr


def test_an_httpx_client_is_left_with_its_reason(tmp_path: pathlib.Path) -> None:
    source = (
        "import httpx\n"
        "client = httpx.Client()\n"
        "r = client.post('https://api.aimlapi.com/v1/stt', json={'model': 'm'})\n"
    )
    text, stderr = fixed(tmp_path, "hx.py", source, "--unsafe-fixes")
    assert text == source
    assert "`client` is an httpx or aiohttp client here" in stderr


def test_the_import_goes_below_a_shebang_and_a_nested_import_does_not_count(
    tmp_path: pathlib.Path,
) -> None:
    source = (
        "#!/usr/bin/env python3\n"
        "# -*- coding: utf-8 -*-\n"
        "try:\n    import requests\nexcept ImportError:\n    requests = None\n\n"
        "def setup():\n    import legacy_stt\n    return legacy_stt\n\n"
        "requests.post('https://api.aimlapi.com/stt', json={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})\n"
    )
    text, _ = fixed(tmp_path, "script.py", source)
    assert text.startswith(
        "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nimport legacy_stt\ntry:\n"
    )
    assert "legacy_stt.post_via_two_step('https://api.aimlapi.com/stt'" in text


def test_a_byte_order_mark_and_a_url_keyword(tmp_path: pathlib.Path) -> None:
    source = "\ufeffimport requests\nrequests.post(url='https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})\n"
    text, _ = fixed(tmp_path, "bom.py", source)
    assert text == (
        "\ufeffimport requests\nimport legacy_stt\n"
        "legacy_stt.post_via_two_step(url='https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})\n"
    )


def test_a_symbolic_link_stays_a_link(tmp_path: pathlib.Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "job.py").write_text(
        "import requests\nrequests.post('https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})\n"
    )
    link = tmp_path / "src"
    link.mkdir()
    (link / "job.py").symlink_to(real / "job.py")
    fix(str(link), cwd=tmp_path)
    assert (link / "job.py").is_symlink()
    assert "legacy_stt.post_via_two_step(" in (real / "job.py").read_text()


JS_TWO_CALLS = (
    "const payload = { model: '#g1_nova-2-general', url: 'https://e.com/a.mp3' };\n"
    "await fetch('https://api.aimlapi.com/v1/stt', { method: 'POST', body: JSON.stringify({ model: '#g1_nova-2-general', url: 'https://e.com/b.mp3' }) });\n"
    "await fetch('https://api.aimlapi.com/v1/stt', { method: 'POST', body: JSON.stringify(load()) });\n"
)


def test_a_second_run_with_unsafe_fixes_does_not_import_twice(tmp_path: pathlib.Path) -> None:
    text, _ = fixed(tmp_path, "a.mjs", JS_TWO_CALLS)
    assert text.count("aiml-two-step") == 1 and text.count("await fetch(") == 1
    fix("--unsafe-fixes", "a.mjs", cwd=tmp_path)
    text = (tmp_path / "a.mjs").read_text()
    assert text.count("aiml-two-step") == 1 and "await fetch(" not in text
    if NODE is not None:
        assert subprocess.run([NODE, "--check", str(tmp_path / "a.mjs")]).returncode == 0


def test_a_helper_of_someone_else_is_not_imported(tmp_path: pathlib.Path) -> None:
    (tmp_path / "aiml-two-step.mjs").write_text("export const twoStep = 1;\n")
    text, stderr = fixed(tmp_path, "a.mjs", JS_TWO_CALLS)
    assert text == JS_TWO_CALLS
    assert "aiml-two-step.mjs exists beside it and was not written by legacy-stt fix" in stderr


def test_directives_stay_first_and_package_json_decides_the_module_system(
    tmp_path: pathlib.Path,
) -> None:
    (tmp_path / "package.json").write_text('{"type": "module"}')
    source = (
        '"use server";\n'
        "// No require() here.\n"
        "export async function act() {\n"
        "  return fetch('https://api.aimlapi.com/v1/stt', { method: 'POST', body: JSON.stringify({ model: '#g1_nova-2-general', url: 'https://e.com/a.mp3' }) });\n"
        "}\n"
    )
    text, _ = fixed(tmp_path, "actions.js", source)
    assert text.startswith('"use server";\nimport { fetchTwoStep } from "./aiml-two-step.mjs";\n')


def test_diff_shows_a_shared_helper_once_with_git_paths(tmp_path: pathlib.Path) -> None:
    for name in ("a.mjs", "b.mjs"):
        (tmp_path / name).write_text(JS_TWO_CALLS)
    completed = fix("--diff", ".", cwd=tmp_path)
    assert completed.stdout.count("+++ b/aiml-two-step.mjs") == 1
    assert "+++ b/a.mjs" in completed.stdout and "./" not in completed.stdout.split("\n")[0]


def test_post_via_two_step_says_what_is_wrong_with_its_arguments() -> None:
    import requests

    import legacy_stt

    with pytest.raises(ValueError, match="not a URL of the legacy endpoint") as caught:
        legacy_stt.post_via_two_step("https://api.aimlapi.com/v1/stt/create?key=secret-123")
    assert "secret-123" not in str(caught.value)
    with pytest.raises(ValueError, match="not a URL of the legacy endpoint"):
        legacy_stt.post_via_two_step("/v1/stt")
    with pytest.raises(TypeError, match=r"requests\.Session"):
        legacy_stt.post_via_two_step("https://api.aimlapi.com/v1/stt", session=object())  # type: ignore[arg-type]
    assert requests  # the module the session must come from


@pytest.mark.skipif(NODE is None, reason="Node.js is not on this machine")
@pytest.mark.parametrize("name", ["js_fetch_json.mjs", "js_axios_instance.cjs"])
def test_the_helper_rides_out_refused_creates_and_failing_polls(
    tmp_path: pathlib.Path, name: str
) -> None:
    after = tmp_path / "after"
    shutil.copytree(AFTER, after)
    shutil.copytree(CASES / "node_modules", after / "node_modules")
    with Emulator() as service:
        service.inject("create", 429, headers={"Retry-After": "0"})
        service.inject("poll", 503)
        output, routes = run_against(service, after, name)
    assert output.strip()
    assert routes.count("create") == 2 and "legacy" not in routes


# -- what a second review found -----------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        "Object.assign(body, options);",
        "for (const [k, v] of Object.entries(options)) body[k] = v;",
        "addOptions(body);",
    ],
)
def test_a_payload_changed_after_it_is_written_is_not_a_safe_fix(
    tmp_path: pathlib.Path, change: str
) -> None:
    source = (
        "const options = { diarize: true };\n"
        "const body = { model: '#g1_nova-2-general', url: 'https://e.com/a.mp3' };\n"
        f"{change}\n"
        "await fetch('https://api.aimlapi.com/v1/stt', { method: 'POST', body: JSON.stringify(body) });\n"
    )
    text, stderr = fixed(tmp_path, "a.mjs", source)
    assert text == source
    assert "`body` is changed after it is written" in stderr


@pytest.mark.parametrize(
    "source",
    [
        "import fetch from 'node-fetch';\nawait fetch('https://api.aimlapi.com/v1/stt', { method: 'POST', body: JSON.stringify({ model: '#g1_nova-2-general', url: 'https://e.com/a.mp3' }) });\n",
        # a browser script: no import, no require, no package type
        "button.onclick = () => window.fetch('https://api.aimlapi.com/v1/stt', { method: 'POST', body: JSON.stringify({ model: '#g1_nova-2-general', url: 'https://e.com/a.mp3' }) });\n",
    ],
)
def test_fixes_that_would_change_the_client_or_the_module_system_are_unsafe(
    tmp_path: pathlib.Path, source: str
) -> None:
    text, stderr = fixed(tmp_path, "a.js", source)
    assert text == source
    assert "unsafe fix" in stderr


def test_a_session_made_in_the_call_is_rewritten(tmp_path: pathlib.Path) -> None:
    source = "import requests\nr = requests.Session().post('https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})\n"
    text, _ = fixed(tmp_path, "s.py", source, "--unsafe-fixes")
    assert (
        "legacy_stt.post_via_two_step('https://api.aimlapi.com/v1/stt', session=requests.Session(), json={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})"
        in text
    )


@pytest.mark.skipif(NODE is None, reason="Node.js is not on this machine")
def test_an_axios_error_accepted_by_validate_status_comes_back_as_before(
    tmp_path: pathlib.Path,
) -> None:
    program = (
        "const axios = require('axios');\n"
        "const client = axios.create({ baseURL: 'https://api.aimlapi.com', validateStatus: () => true });\n"
        "client.post('/v1/stt', { model: '#g1_nova-2-general', url: 'https://e.com/a.mp3' })\n"
        "  .then((response) => console.log('status', response.status));\n"
    )
    before, after = tmp_path / "before", tmp_path / "after"
    for root in (before, after):
        root.mkdir()
        shutil.copytree(CASES / "node_modules", root / "node_modules")
        (root / "v.cjs").write_text(program)
    fix("v.cjs", cwd=after)
    assert "axiosTwoStep(client).post" in (after / "v.cjs").read_text()
    with Emulator(api_key="the-only-key") as service:  # the program sends no key: 401
        old_output, _ = run_against(service, before, "v.cjs")
        new_output, new_routes = run_against(service, after, "v.cjs")
    assert old_output == new_output == "status 401\n"
    assert new_routes == ["create"]


# -- what an audit of the documentation found ---------------------------------------------


def test_an_invalid_python_payload_is_left_with_the_reason(tmp_path: pathlib.Path) -> None:
    source = (
        "import requests\n"
        "requests.post('https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general', 'url': 5})\n"
    )
    text, stderr = fixed(tmp_path, "bad.py", source)
    assert text == source
    assert "left: `requests.post`: the payload is not valid, so no job could run" in stderr


def test_a_large_javascript_source_is_left_not_a_crash(tmp_path: pathlib.Path) -> None:
    big = "// padding\n" * 120_000
    source = f"{big}fetch('https://api.aimlapi.com/v1/stt', {{ method: 'POST' }});\n"
    text, stderr = fixed(tmp_path, "big.js", source)
    assert text == source
    assert "left: not parsed: larger than 1 MiB" in stderr and "unexpected" not in stderr


def test_without_the_js_extra_only_files_naming_the_host_are_left(tmp_path: pathlib.Path) -> None:
    (tmp_path / "plain.ts").write_text("export const x = 1;\n")
    (tmp_path / "call.py").write_text(
        "import requests\nrequests.post('https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general', 'url': 'https://e.com/a.mp3'})\n"
    )
    program = (
        "import sys; sys.modules['tree_sitter'] = None\n"
        "from legacy_stt.cli import main\n"
        "sys.exit(main(['fix', sys.argv[1]]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert "plain.ts" not in completed.stderr
    assert "applied 1 fix in 1 file; 0 call sites left" in completed.stderr
