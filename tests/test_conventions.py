"""What users of a Python SDK and linter expect of it (issue 19): each convention, checked.

The ``User-Agent`` on the wire, the package's metadata, PEP 702 markers seen
by a real type checker, the linter's ``--output-format`` and ``--exit-zero``,
and the ``stt_environment`` fixture with application code left as it is.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys
import warnings

import pytest
import requests
from _support import EXAMPLES, SECRET_KEY

import legacy_stt
from legacy_stt import AsyncClient, Client
from legacy_stt.testing import Emulator

PAYLOAD = {"model": "#g1_nova-2-general", "url": "https://example.com/audio/support-call.mp3"}
SCRIPT = shutil.which("legacy-stt", path=os.path.dirname(sys.executable)) or shutil.which(
    "legacy-stt"
)
USER_AGENT = re.compile(
    r"^legacy-stt/(?P<version>\S+) (?P<stack>[a-z0-9]+)/\S+ (?P<python>[a-z]+)/\d+\.\d+\S*$"
)


# -- User-Agent ----------------------------------------------------------------------


def test_every_request_says_it_comes_from_legacy_stt(stt_emulator: Emulator) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Client(SECRET_KEY, base_url=stt_emulator.url) as client:
            client.stt(PAYLOAD)

        async def run() -> None:
            async with AsyncClient(SECRET_KEY, base_url=stt_emulator.url) as client:
                await client.stt(PAYLOAD)

        asyncio.run(run())
    stacks = set()
    for request in stt_emulator.requests:
        found = USER_AGENT.match(request.user_agent)
        assert found, request.user_agent
        assert found.group("version") == legacy_stt.__version__
        stacks.add(found.group("stack"))
    assert {"requests", "aiohttp"} <= stacks
    assert len(stt_emulator.requests) >= 4  # a create and a poll from each client


# -- metadata --------------------------------------------------------------------------


def test_the_package_metadata_has_the_pytest_classifier_and_project_urls() -> None:
    metadata = importlib.metadata.metadata("legacy-stt")
    assert "Framework :: Pytest" in metadata.get_all("Classifier")
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL") or [])
    assert {"Homepage", "Changelog"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())


# -- PEP 702 ---------------------------------------------------------------------------

USER_CODE = """\
import legacy_stt

body = legacy_stt.stt({"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"})
client = legacy_stt.Client("key")
client.stt({"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"})
fine = client.submit({"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"})
"""


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="needs mypy")
def test_a_type_checker_flags_each_one_call_entry_point(tmp_path: pathlib.Path) -> None:
    (tmp_path / "user.py").write_text(USER_CODE)
    environment = dict(os.environ)
    package_root = pathlib.Path(legacy_stt.__file__).resolve().parent.parent
    if package_root.name not in ("site-packages", "dist-packages"):
        environment["MYPYPATH"] = str(package_root)  # an editable install: the source tree
    result = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--enable-error-code", "deprecated"),
            *("--ignore-missing-imports", "--cache-dir", str(tmp_path / "cache"), "user.py"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=environment,
    )
    flagged = [
        line
        for line in result.stdout.splitlines()
        if line.startswith("user.py:") and "[deprecated]" in line
    ]
    assert [line.split(":")[1] for line in flagged] == ["3", "5"], result.stdout
    assert all("submit(payload)" in line for line in flagged)


def test_the_markers_do_not_warn_twice_at_run_time(stt_emulator: Emulator) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        legacy_stt.stt(PAYLOAD, api_key=SECRET_KEY, base_url=stt_emulator.url)
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(deprecations) == 1
    assert issubclass(deprecations[0].category, legacy_stt.RemovedInLegacySTT2Warning)
    assert legacy_stt.stt.__deprecated__  # type: ignore[attr-defined]


# -- the linter's options ----------------------------------------------------------------


@pytest.mark.skipif(SCRIPT is None, reason="the legacy-stt console script is not installed")
def test_output_format_is_format_and_exit_zero_reports_without_failing() -> None:
    assert SCRIPT
    invalid = str(EXAMPLES / "invalid")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([SCRIPT, "check", *args], capture_output=True, text=True, timeout=60)

    plain = run("--format", "json", invalid)
    alias = run("--output-format", "json", invalid)
    zero = run("--output-format", "json", "--exit-zero", invalid)
    unreadable = run("--exit-zero", str(EXAMPLES / "no-such-file.json"))
    assert plain.returncode == alias.returncode == 1
    assert plain.stdout == alias.stdout and json_has_errors(alias.stdout)
    assert zero.returncode == 0 and zero.stdout == plain.stdout
    assert unreadable.returncode == 2  # --exit-zero does not hide a path it cannot read


def json_has_errors(text: str) -> bool:
    import json

    report = json.loads(text)
    return bool(report["summary"]["errors"]) if "summary" in report else bool(report)


# -- the stt_environment fixture ---------------------------------------------------------


def application_code(payload: dict[str, object]) -> dict[str, object]:
    """Legacy code as it was written: the service's address, the key from the environment."""
    answer = requests.post(
        "https://api.aimlapi.com/v1/stt",
        json=payload,
        headers={"Authorization": f"Bearer {os.environ['AIML_API_KEY']}"},
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()  # type: ignore[no-any-return]


def test_the_environment_fixture_runs_unchanged_code_on_the_emulator(
    stt_environment: Emulator,
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        body = application_code(PAYLOAD)
    assert body["results"]
    assert os.environ["AIML_API_BASE_URL"] == stt_environment.url
    [create] = stt_environment.creates
    assert create.json["url"] == PAYLOAD["url"] and create.authorized


@pytest.mark.skipif(importlib.util.find_spec("httpx") is None, reason="needs httpx")
def test_the_environment_fixture_patches_httpx_too(stt_environment: Emulator) -> None:
    import httpx

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        answer = httpx.post(
            "https://api.aimlapi.com/v1/stt",
            json=PAYLOAD,
            headers={"Authorization": f"Bearer {os.environ['AIML_API_KEY']}"},
            timeout=30,
        )
    assert answer.status_code == 201 and answer.json()["results"]
    assert len(stt_environment.creates) == 1


def test_the_environment_fixture_undoes_everything(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
        import os
        import requests

        def test_inside(stt_environment):
            assert os.environ["AIML_API_BASE_URL"] == stt_environment.url

        def test_after():
            assert "AIML_API_BASE_URL" not in os.environ
            adapter = requests.Session().get_adapter("https://api.aimlapi.com/v1/stt")
            assert type(adapter).__module__.startswith("requests.")
        """
    )
    monkeypatch.delenv("AIML_API_BASE_URL", raising=False)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:xdist")
    result.assert_outcomes(passed=2)


# -- configuration, suppressions, .gitignore ----------------------------------------------

LEGACY_CALLER = """\
import requests

requests.post("https://api.aimlapi.com/v1/stt", json={"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"})
requests.post("https://api.aimlapi.com/v1/stt", json={"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"})  # legacy-stt: ignore[legacy-endpoint]
requests.post("https://api.aimlapi.com/v1/stt", json={"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3", "diarise": True})  # legacy-stt: ignore
requests.post("https://api.aimlapi.com/v1/stt", json={"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3", "diarise": True})  # legacy-stt: ignore[legacy-endpoint]
"""

JS_CALLER = """\
await fetch("https://api.aimlapi.com/v1/stt", { method: "POST", body: JSON.stringify({ model: "#g1_nova-2-general", url: "https://example.com/a.mp3" }) }); // legacy-stt: ignore[legacy-endpoint]
await fetch("https://api.aimlapi.com/v1/stt", { method: "POST", body: JSON.stringify({ model: "#g1_nova-2-general", url: "https://example.com/a.mp3" }) });
"""


def check_in(directory: pathlib.Path, *args: str) -> tuple[int, list[tuple[str, int, str]]]:
    """``legacy-stt check --format json . ARGS`` run in ``directory``: status, (file, line, code)."""
    import json

    assert SCRIPT
    done = subprocess.run(
        [SCRIPT, "check", "--format", "json", ".", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    found = sorted(
        (pathlib.Path(f["path"]).as_posix().lstrip("./"), f["line"] or 0, f["code"])
        for f in report["findings"]
    )
    return done.returncode, found


def write_project(root: pathlib.Path) -> None:
    (root / "app.py").write_text(LEGACY_CALLER)
    payloads = root / "payloads"
    payloads.mkdir()
    (payloads / "typo.json").write_text(
        '{"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3", "diarize": "yes"}'
    )


@pytest.mark.skipif(SCRIPT is None, reason="the legacy-stt console script is not installed")
def test_inline_suppressions_drop_what_they_name(tmp_path: pathlib.Path) -> None:
    write_project(tmp_path)
    _status, found = check_in(tmp_path)
    python = [(line, code) for name, line, code in found if name == "app.py"]
    # line 3: everything; line 4: only legacy-endpoint dropped; line 5: all dropped; line 6: the
    # call is silenced, its payload's typo is not
    assert (3, "legacy-endpoint") in python
    assert not any(line == 4 for line, _ in python)
    assert not any(line == 5 for line, _ in python)
    assert (6, "unknown-parameter") in python and (6, "legacy-endpoint") not in python
    _status, isolated = check_in(tmp_path, "--isolated")
    assert any(name == "app.py" and line == 5 for name, line, _ in isolated)


@pytest.mark.skipif(
    SCRIPT is None or importlib.util.find_spec("tree_sitter") is None,
    reason="needs the js extra",
)
def test_inline_suppressions_in_javascript(tmp_path: pathlib.Path) -> None:
    (tmp_path / "call.mjs").write_text(JS_CALLER)
    _status, found = check_in(tmp_path)
    assert [(line, code) for _, line, code in found if code == "legacy-endpoint"] == [
        (2, "legacy-endpoint")
    ]


@pytest.mark.skipif(SCRIPT is None, reason="the legacy-stt console script is not installed")
def test_the_pyproject_table_selects_ignores_excludes_and_sets_strict(
    tmp_path: pathlib.Path,
) -> None:
    write_project(tmp_path)
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "no-input.json").write_text('{"model": "#g1_nova-2-general"}')
    status, before = check_in(tmp_path)
    assert status == 1 and any(name.startswith("old/") for name, _, _ in before)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.legacy-stt]\nignore = ["legacy-endpoint"]\nexclude = ["old"]\nstrict = true\n'
        '\n[tool.legacy-stt.per-file-ignores]\n"payloads/*" = ["schema.*"]\n'
    )
    status, after = check_in(tmp_path)
    codes = {code for _, _, code in after}
    assert "legacy-endpoint" not in codes
    assert not any(name.startswith(("old/", "payloads/")) for name, _, _ in after)
    assert codes == {"unknown-parameter"}  # a warning: strict makes it fail the run
    assert status == 1
    # a subdirectory finds the table of the project it is in
    status_inside, _ = check_in(tmp_path / "payloads")
    assert status_inside == 0


@pytest.mark.skipif(SCRIPT is None, reason="the legacy-stt console script is not installed")
def test_a_wrong_table_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    assert SCRIPT
    (tmp_path / "pyproject.toml").write_text('[tool.legacy-stt]\nselcet = ["x"]\n')
    done = subprocess.run(
        [SCRIPT, "check", "."], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "selcet" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(
    SCRIPT is None or shutil.which("git") is None, reason="needs git and the console script"
)
def test_files_git_ignores_are_not_walked(tmp_path: pathlib.Path) -> None:
    write_project(tmp_path)
    generated = tmp_path / "generated"
    generated.mkdir()
    (generated / "bad.json").write_text('{"model": "#g1_nova-2-general"}')
    (tmp_path / "scratch.json").write_text('{"model": "nope", "url": "https://x.example/a"}')
    subprocess.run(["git", "init", "-q", "."], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("generated/\nscratch.json\n")
    _status, found = check_in(tmp_path)
    names = {name for name, _, _ in found}
    assert not any(name.startswith("generated/") for name in names)
    assert "scratch.json" not in names and "app.py" in names
    _status, everything = check_in(tmp_path, "--no-respect-gitignore")
    names = {name for name, _, _ in everything}
    assert "scratch.json" in names and any(n.startswith("generated/") for n in names)


# -- what a review of the configuration found ---------------------------------------------------


@pytest.mark.skipif(SCRIPT is None, reason="the legacy-stt console script is not installed")
@pytest.mark.parametrize(
    "table",
    [
        "",
        "strict = true",
        'select = ["schema.*"]',
        'ignore = ["legacy-endpoint"]',
        'exclude = ["x"]',
    ],
    ids=["empty", "strict", "select", "ignore", "exclude"],
)
def test_every_key_is_optional(tmp_path: pathlib.Path, table: str) -> None:
    write_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text(f"[tool.legacy-stt]\n{table}\n")
    status, _found = check_in(tmp_path)
    assert status in (0, 1)


@pytest.mark.skipif(SCRIPT is None, reason="the legacy-stt console script is not installed")
@pytest.mark.parametrize(
    "table",
    ['select = ["schema"]', "select = []", 'ignore = ["legacy-endpiont"]', 'tool = "x"'],
    ids=["select-typo", "select-empty", "ignore-typo", "tool-not-a-table"],
)
def test_a_table_that_would_silence_by_mistake_is_refused(
    tmp_path: pathlib.Path, table: str
) -> None:
    assert SCRIPT
    text = table if table.startswith("tool =") else f"[tool.legacy-stt]\n{table}\n"
    (tmp_path / "pyproject.toml").write_text(text + "\n")
    (tmp_path / "p.json").write_text('{"model": "#g1_nova-2-general"}')
    done = subprocess.run(
        [SCRIPT, "check", "."], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    if table.startswith("tool ="):  # not our table: the defaults apply
        assert done.returncode == 1 and "missing-input" in done.stdout
    else:
        assert done.returncode == 2
        assert "matches no finding code" in done.stderr or "select is empty" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(SCRIPT is None, reason="the legacy-stt console script is not installed")
def test_suppressions_are_comments_in_their_exact_form(tmp_path: pathlib.Path) -> None:
    (tmp_path / "app.py").write_text(
        "import requests\n"
        'requests.post("https://api.aimlapi.com/v1/stt", json={"model": "#g1_nova-2-general", '
        '"url": "https://example.com/a.mp3", "note": "# legacy-stt: ignore"})\n'
        'requests.post("https://api.aimlapi.com/v1/stt", json={"model": "#g1_nova-2-general", '
        '"url": "https://example.com/a.mp3"})  # legacy-stt: ignore [unknown-parameter]\n'
        'requests.post("https://api.aimlapi.com/v1/stt", json={"model": "#g1_nova-2-general", '
        '"url": "https://example.com/a.mp3"})  # legacy-stt: ignore-this\n'
    )
    _status, found = check_in(tmp_path)
    lines = sorted(line for name, line, code in found if code == "legacy-endpoint")
    assert lines == [2, 3, 4]  # a string, a space before [, another word: none is a suppression


@pytest.mark.skipif(
    SCRIPT is None or shutil.which("git") is None, reason="needs git and the console script"
)
def test_a_named_directory_is_checked_even_if_excluded_or_ignored(tmp_path: pathlib.Path) -> None:
    write_project(tmp_path)
    for name in ("old", "data"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "p.json").write_text('{"model": "#g1_nova-2-general"}')
    (tmp_path / "pyproject.toml").write_text('[tool.legacy-stt]\nexclude = ["./old/"]\n')
    subprocess.run(["git", "init", "-q", "."], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("data/\n")
    _status, walked = check_in(tmp_path)
    assert not any(name.startswith(("old/", "data/")) for name, _, _ in walked)
    for name in ("old", "data"):
        assert SCRIPT
        done = subprocess.run(
            [SCRIPT, "check", name], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 1 and "missing-input" in done.stdout, done.stdout


@pytest.mark.skipif(
    SCRIPT is None or shutil.which("git") is None, reason="needs git and the console script"
)
def test_gitignore_is_read_in_the_work_tree_of_the_checked_path(tmp_path: pathlib.Path) -> None:
    repository = tmp_path / "repo"
    repository.mkdir()
    write_project(repository)
    (repository / "scratch.json").write_text('{"model": "#g1_nova-2-general"}')
    subprocess.run(["git", "init", "-q", "."], cwd=repository, check=True)
    (repository / ".gitignore").write_text("scratch.json\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert SCRIPT
    done = subprocess.run(
        [SCRIPT, "check", "--format", "json", str(repository)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "scratch.json" not in done.stdout and "app.py" in done.stdout


@pytest.mark.skipif(SCRIPT is None, reason="the legacy-stt console script is not installed")
def test_an_unreadable_path_is_reported_whatever_the_table_says(tmp_path: pathlib.Path) -> None:
    assert SCRIPT
    (tmp_path / "pyproject.toml").write_text('[tool.legacy-stt]\nignore = ["unreadable"]\n')
    done = subprocess.run(
        [SCRIPT, "check", "missing.json"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "unreadable" in done.stdout
