"""Every shell and Python example in README.md, MIGRATION.md and the documentation's pages (docs/)
runs as written, against the emulator.

Each fenced ``sh``/``python`` block is one test. It runs in a scratch
directory holding the files the examples name (``payload.json``,
``call.wav``, ``archive/``, ...), with ``AIML_API_KEY`` set and
``AIML_API_BASE_URL`` pointing at an emulator; the service's address written
in an example (``https://api.aimlapi.com``) is replaced by the emulator's.
Python examples start from the names the README says they assume (``key``,
``url``, ``payload``, ``payloads``, ``use``, ``log``).

A block that cannot run offline says so right above it, and the test is
reported as skipped with that reason (``pytest -rs`` lists them)::

    <!-- docs-example: skip: a synopsis of the flags, not a command -->

Other directives: ``with-proxy`` (a ``legacy-stt serve --emulator`` runs in
the background; ``127.0.0.1:8765`` in the block is its address, ``AIML_API_KEY``
is unset, as on a machine without a key, and every answer printed must be a
legacy body), ``pytest`` (the block is a test file, run with pytest), ``exit: N``
(the expected status).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from _support import EXAMPLES, ROOT

from legacy_stt.testing import Emulator

DOCUMENTS = (
    "README.md",
    "MIGRATION.md",
    *sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "docs").rglob("*.md")
        if "_generated" not in path.parts and "_build" not in path.parts
    ),
)
LANGUAGES = {"sh": "sh", "bash": "sh", "python": "python", "javascript": "javascript"}
SERVICE = "https://api.aimlapi.com"
DOCS_KEY = "docs-example-key-0123456789"

# A fence may be indented (inside a list item); its body is dedented by as much.
_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
_DIRECTIVE = re.compile(r"<!--\s*docs-example:\s*(?P<what>.*?)\s*-->")
_CI = re.compile(r"<!--\s*ci-command:\s*(?P<name>[\w-]+)\s*-->")

#: The names Python examples assume (the README says so above its first example).
PREAMBLE = """\
import os
key = os.environ["AIML_API_KEY"]
url = "https://example.com/call.mp3"
payload = {"model": "#g1_nova-2-general", "url": url, "punctuate": True}
payloads = [payload, {**payload, "diarize": True}]


def use(body):
    assert body["results"]["channels"][0]["alternatives"][0]["transcript"]


def log(name, error):
    raise AssertionError(f"{name}: {error}")


"""


@dataclass(frozen=True)
class Example:
    document: str
    line: int
    language: str
    body: str
    directive: str

    @property
    def name(self) -> str:
        return f"{self.document}:{self.line}"


def _examples() -> Iterator[Example]:
    for document in DOCUMENTS:
        text = (ROOT / document).read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            language = LANGUAGES.get(match.group("lang"))
            if language is None:
                continue
            before = text[: match.start()].rstrip().splitlines()
            last = before[-1] if before else ""
            directive = ""
            if found := _DIRECTIVE.search(last):
                directive = found.group("what")
            elif found := _CI.search(last):
                directive = f"skip: one of the two CI commands, run as written by .ci/run ({found.group('name')})"
            line = text[: match.start()].count("\n") + 1
            body = textwrap.dedent(match.group("body"))
            yield Example(document, line, language, body, directive)


EXAMPLES_IN_DOCS = tuple(_examples())


def test_the_documents_have_examples_of_both_languages() -> None:
    assert {example.language for example in EXAMPLES_IN_DOCS} == {"sh", "python", "javascript"}
    assert sum(not e.directive.startswith("skip") for e in EXAMPLES_IN_DOCS) >= 10


@pytest.fixture(scope="module")
def docs_emulator() -> Iterator[Emulator]:
    with Emulator(job_duration=0.05) as emulator:
        yield emulator


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """The files the examples name, as a reader would have them."""
    payload = {"model": "#g1_nova-2-general", "url": "https://example.com/call.mp3"}
    (tmp_path / "payload.json").write_text(json.dumps(payload))
    shutil.copy(EXAMPLES / "audio" / "beeps.wav", tmp_path / "call.wav")
    for directory in ("payloads", "archive"):
        (tmp_path / directory).mkdir()
        for index in range(2):
            (tmp_path / directory / f"call-{index}.json").write_text(json.dumps(payload))
    (tmp_path / "calls").mkdir()
    for index in range(2):
        shutil.copy(EXAMPLES / "audio" / "beeps.wav", tmp_path / "calls" / f"call-{index}.wav")
    (tmp_path / "recorded.jsonl").write_text(json.dumps(payload) + "\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(
        "import requests\n\n"
        "def transcribe(key):\n"
        '    return requests.post("https://api.aimlapi.com/v1/stt", '
        'headers={"Authorization": f"Bearer {key}"}, json={"model": "#g1_nova-2-general", '
        '"url": "https://example.com/a.mp3"})\n'
    )
    return tmp_path


def _environment(emulator: Emulator, *, with_key: bool = True) -> dict[str, str]:
    environment = dict(os.environ)
    environment["AIML_API_BASE_URL"] = emulator.url
    environment["PATH"] = os.path.dirname(sys.executable) + os.pathsep + environment["PATH"]
    if with_key:
        environment["AIML_API_KEY"] = DOCS_KEY
    else:
        environment.pop("AIML_API_KEY", None)
    return environment


def _proxy(environment: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "legacy_stt.cli", "serve", "--emulator", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if "http://" in line:
            return process, line.split("http://", 1)[1].split()[0].rstrip("/")
    raise AssertionError("legacy-stt serve --emulator did not say where it listens")


@pytest.mark.parametrize("example", EXAMPLES_IN_DOCS, ids=[e.name for e in EXAMPLES_IN_DOCS])
def test_example_runs_as_written(example: Example, docs_emulator: Emulator, scratch: Path) -> None:
    directive = example.directive
    if directive.startswith("skip"):
        pytest.skip(f"{example.name}: {directive.partition(':')[2].strip()}")
    expected_status = 0
    if directive.startswith("exit:"):
        expected_status = int(directive.split(":", 1)[1])
    # "pytest-as-written": the example is about leaving the service's address in the code
    as_written = directive == "pytest-as-written"
    body = example.body if as_written else example.body.replace(SERVICE, docs_emulator.url)
    environment = _environment(docs_emulator, with_key=directive != "with-proxy")
    proxy = None
    try:
        if directive == "with-proxy":
            proxy, address = _proxy(environment)
            body = body.replace("127.0.0.1:8765", address)
        if example.language == "sh":
            command = ["bash", "-e", "-o", "pipefail", "-c", body]
        elif example.language == "javascript":
            node = shutil.which("node")
            if node is None:
                pytest.skip(f"{example.name}: Node.js is not installed")
            command = [node, "--input-type=module", "-e", body]
        elif directive in ("pytest", "pytest-as-written"):
            (scratch / "test_example.py").write_text(body)
            command = [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "test_example.py",
            ]
        else:
            command = [sys.executable, "-c", PREAMBLE + body]
        done = subprocess.run(
            command, cwd=scratch, env=environment, capture_output=True, text=True, timeout=120
        )
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.communicate(timeout=30)
    assert done.returncode == expected_status, f"{example.name}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr, f"{example.name}\n{done.stderr}"
    if directive == "with-proxy":
        # curl exits 0 on an HTTP error: the answers themselves must be the legacy bodies
        assert '"statusCode"' not in done.stdout and '"results"' in done.stdout, done.stdout
