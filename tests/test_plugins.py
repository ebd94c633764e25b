"""A third-party model adapter distribution, installed for real (a dist-info on the path)."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

SCRIPT = shutil.which("legacy-stt", path=os.path.dirname(sys.executable)) or shutil.which(
    "legacy-stt"
)

ADAPTER_MODULE = textwrap.dedent(
    '''\
    """acme-stt: runs `acme/fast` legacy payloads on nova-2, with Acme's own name for diarize."""

    from legacy_stt.adapters import ModelAdapter, ParameterRule
    from legacy_stt.adapters.deepgram import DEEPGRAM_LEGACY_PARAMETERS, DeepgramResultMixin


    class AcmeAdapter(DeepgramResultMixin, ModelAdapter):
        name = "acme"
        legacy_models = ("acme/fast",)
        target_models = ("#g1_nova-2-general",)
        input_family = "deepgram"
        create_schema = "create-nova-2"
        parameter_rules = tuple(
            ParameterRule(name, name) for name in DEEPGRAM_LEGACY_PARAMETERS if name != "tag"
        ) + (ParameterRule("tag", None, note="Acme does not forward request labels"),)
    '''
)


@pytest.fixture
def site(tmp_path: pathlib.Path) -> pathlib.Path:
    """A directory laid out as pip installs a distribution: package + dist-info with entry points."""
    (tmp_path / "acme_stt").mkdir()
    (tmp_path / "acme_stt" / "__init__.py").write_text(ADAPTER_MODULE)
    info = tmp_path / "acme_stt-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-stt\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[legacy_stt.adapters]\nacme = acme_stt:AcmeAdapter\nacme-broken = acme_stt:NoSuchAdapter\n"
    )
    (info / "RECORD").write_text("")
    return tmp_path


def run(site: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    assert SCRIPT, "the legacy-stt console script is not installed"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIML_")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, timeout=60, env=env, cwd=site
    )


def test_plugin_is_discovered_and_listed_and_a_broken_one_is_named(site: pathlib.Path) -> None:
    result = run(site, "models", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    by_name = {entry["adapter"]: entry for entry in document["adapters"]}
    assert by_name["acme"]["legacy_models"] == ["acme/fast"]
    assert {"nova-2", "whisper", "nova-3", "assemblyai"} <= set(by_name)  # the others still load
    dropped = [row for row in by_name["acme"]["parameters"] if row["kind"] == "dropped"]
    assert [row["legacy"] for row in dropped] == ["tag"]
    assert set(document["broken_plugins"]) == {"acme-broken"}
    assert "NoSuchAdapter" in document["broken_plugins"]["acme-broken"]
    # the listing is the report: not a warning on stderr as well
    assert "acme-broken" not in result.stderr and "Traceback" not in result.stderr
    listed = run(site, "models")
    assert "acme: #g1_nova-2-general" in listed.stdout
    assert listed.stdout.count("acme-broken") == 1 and "broken plug-in acme-broken" in listed.stdout
    assert "acme-broken" not in listed.stderr


def test_a_broken_plug_in_is_reported_once_by_other_commands(site: pathlib.Path) -> None:
    payload = site / "payload.json"
    payload.write_text(json.dumps({"model": "#g1_nova-2-general", "url": "https://x/a.mp3"}))
    result = run(site, "check", "--target", "nova-3", str(payload))
    assert result.returncode == 0, result.stderr
    reports = [line for line in result.stderr.splitlines() if "acme-broken" in line]
    assert len(reports) == 1 and "NoSuchAdapter" in reports[0]


def test_plugin_is_used_for_its_legacy_model(site: pathlib.Path) -> None:
    payload = site / "payload.json"
    payload.write_text(
        json.dumps({"model": "acme/fast", "url": "https://example.com/a.mp3", "tag": ["x"]})
    )
    result = run(site, "transcribe", str(payload), "--emulator")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["results"]["channels"][0]["alternatives"][0]["transcript"]
    assert "`tag` is dropped" in result.stderr and "Acme does not forward" in result.stderr
    check = run(site, "check", "--format", "json", str(payload))
    findings = json.loads(check.stdout)["findings"]  # check says what the call said
    assert [(f["code"], f["pointer"]) for f in findings] == [("parameter-dropped", "/tag")]
    assert check.returncode == 0
