"""``legacy-stt check --format sarif`` output is valid against the SARIF 2.1.0 JSON schema.

The schema is not copied into this repository: it is taken from the npm registry, as
published by Microsoft's SARIF SDK (``@microsoft/jest-sarif``, which ships the OASIS standard's
schema, ``sarif-2.1.0-rtm.5.json``), checked against a pinned SHA-256 and kept in a cache
directory. ``LEGACY_STT_SARIF_SCHEMA`` names a copy to use instead. Without npm or the
registry the tests are skipped, except on CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
from _support import EXAMPLES
from jsonschema import Draft4Validator

from legacy_stt.cli import main

PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "legacy-stt-tests"


def _unavailable(reason: str) -> Any:
    if os.environ.get("CI"):
        pytest.fail(f"the SARIF schema is needed on CI: {reason}")
    pytest.skip(reason)


def _fetch(into: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        return _unavailable("npm is not installed")
    work = into / "npm"
    work.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [npm, "pack", PACKAGE, "--silent", "--pack-destination", str(work)],
            capture_output=True,
            text=True,
            timeout=180,
        )
    except subprocess.TimeoutExpired:
        return _unavailable("npm pack timed out")
    if done.returncode != 0:
        return _unavailable(f"npm pack {PACKAGE} failed: {done.stderr.strip()[-300:]}")
    (archive,) = work.glob("*.tgz")
    with tarfile.open(archive) as tar:
        data = tar.extractfile(MEMBER).read()  # type: ignore[union-attr]
    target = into / "sarif-2.1.0-rtm.5.json"
    target.write_bytes(data)
    shutil.rmtree(work)
    return target


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    given = os.environ.get("LEGACY_STT_SARIF_SCHEMA")
    path = Path(given) if given else CACHE / "sarif-2.1.0-rtm.5.json"
    if not path.exists():
        path = _fetch(CACHE)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256, f"{path} is not the pinned schema"
    schema = json.loads(data)
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def sarif(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    main(["check", "--format", "sarif", "--isolated", "--exit-zero", *args])
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def errors(validator: Draft4Validator, document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_findings_on_payloads_are_valid_sarif(
    validator: Draft4Validator, capsys: pytest.CaptureFixture[str]
) -> None:
    document = sarif(capsys, str(EXAMPLES / "invalid"))
    assert len(document["runs"][0]["results"]) >= 10
    assert errors(validator, document) == []
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"].startswith("https://") for rule in rules)


def test_findings_on_source_files_are_valid_sarif(
    validator: Draft4Validator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    caller = tmp_path / "caller.py"
    caller.write_text(
        "import requests\n"
        "requests.post('https://api.aimlapi.com/v1/stt', json={'model': '#g1_nova-2-general',"
        " 'url': 'https://example.com/a.mp3', 'diarise': True})\n",
        encoding="utf-8",
    )
    (tmp_path / "bad.py").write_text("def broken(:\n", encoding="utf-8")
    document = sarif(capsys, str(tmp_path))
    codes = {result["ruleId"] for result in document["runs"][0]["results"]}
    assert "legacy-endpoint" in codes and "python-syntax" in codes
    assert errors(validator, document) == []


def test_a_clean_run_is_valid_sarif(
    validator: Draft4Validator, capsys: pytest.CaptureFixture[str]
) -> None:
    document = sarif(capsys, str(EXAMPLES / "valid" / "nova-2-meeting-url.json"))
    assert document["runs"][0]["results"] == []
    assert errors(validator, document) == []


def test_the_validator_catches_what_is_not_sarif(validator: Draft4Validator) -> None:
    # The schema really constrains: a result without a message, and a bad level, are refused.
    broken = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "loud"}]}],
    }
    assert len(errors(validator, broken)) >= 2
