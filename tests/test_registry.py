"""Model adapter registry: entry-point discovery (lazy, once), registration, broken plug-ins."""

from __future__ import annotations

import logging
import pathlib
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator

import pytest

import legacy_stt
from legacy_stt import ModelAdapter, PayloadError, PluginWarning
from legacy_stt.adapters import ParameterRule, get_adapter
from legacy_stt.adapters.assemblyai import AssemblyAIAdapter
from legacy_stt.adapters.deepgram import Nova2Adapter, WhisperAdapter
from legacy_stt.adapters.nova3 import Nova3Adapter
from legacy_stt.adapters.openai import MAITranscribeAdapter, OpenAITranscribeAdapter
from legacy_stt.adapters.registry import AdapterRegistry, default_registry
from legacy_stt.testing import recognizer


def test_builtins_are_declared_as_entry_points_like_any_plug_in() -> None:
    from importlib import metadata

    declared = {
        entry.name: entry.value
        for entry in metadata.distribution("legacy-stt").entry_points
        if entry.group == "legacy_stt.adapters"
    }
    assert declared["nova-2"] == "legacy_stt.adapters.deepgram:Nova2Adapter"
    assert declared["whisper"] == "legacy_stt.adapters.deepgram:WhisperAdapter"


def test_models_resolve_to_their_family() -> None:
    assert isinstance(get_adapter("#g1_nova-2-medical"), Nova2Adapter)
    assert isinstance(get_adapter("#g1_whisper-tiny"), WhisperAdapter)
    assert get_adapter("#g1_nova-2-medical") is get_adapter(
        "#g1_nova-2-video"
    )  # one instance per adapter


@pytest.mark.parametrize("model", ["nova-3", "nova-3-general", "nova-3-medical"])
def test_the_nova3_models_are_targets_of_one_model_adapter(model: str) -> None:
    assert isinstance(get_adapter(model), Nova3Adapter)
    assert model in default_registry.target_models()
    assert model not in default_registry.legacy_models()


def test_unknown_model_is_a_payload_error_with_did_you_mean() -> None:
    with pytest.raises(PayloadError) as caught:
        get_adapter("#g1_nova-2-generall")
    assert "did you mean '#g1_nova-2-general'?" in str(caught.value)
    with pytest.raises(PayloadError) as caught:
        get_adapter("nothing-like-it")
    assert "#g1_whisper-base" in str(caught.value)


class AcmeAdapter(ModelAdapter):
    name = "acme"
    legacy_models = ("acme/asr-1",)
    target_models = ("acme/asr-1",)
    parameter_rules = (
        ParameterRule("diarize", "speakers"),
        ParameterRule("punctuate", None, note="acme always punctuates"),
    )


def test_register_adapter_adds_models_and_validation_accepts_them() -> None:
    registry = legacy_stt.adapters.registry.default_registry
    try:
        legacy_stt.register_adapter(AcmeAdapter)
        assert isinstance(get_adapter("acme/asr-1"), AcmeAdapter)
        assert (
            legacy_stt.validate(
                {"model": "acme/asr-1", "url": "https://example.com/a.mp3", "diarize": True}
            )
            is None
        )
        with pytest.raises(ValueError, match="already registered"):
            legacy_stt.register_adapter(AcmeAdapter)
    finally:
        registry.unregister("acme")
    with pytest.raises(PayloadError):
        get_adapter("acme/asr-1")


def test_register_refuses_what_is_not_a_model_adapter() -> None:
    with pytest.raises(TypeError, match=r"not a legacy_stt\.adapters\.ModelAdapter"):
        AdapterRegistry(group=None).register(object())


def test_table_rows_rename_and_drop_with_notices() -> None:
    translation = AcmeAdapter().translate_request(
        {
            "model": "acme/asr-1",
            "url": "https://example.com/a.mp3",
            "diarize": True,
            "punctuate": True,
            "numerals": True,
        },
        model="acme/asr-1",
    )
    assert translation.body == {
        "model": "acme/asr-1",
        "url": "https://example.com/a.mp3",
        "speakers": True,
    }
    codes = {notice.pointer: notice.code for notice in translation.notices}
    assert codes == {
        "/diarize": "parameter-renamed",
        "/punctuate": "parameter-dropped",
        "/numerals": "parameter-dropped",
    }
    dropped = next(n for n in translation.notices if n.pointer == "/punctuate")
    assert "acme always punctuates" in dropped.message and "acme/asr-1" in dropped.message


@pytest.fixture
def plugin_path(tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    """A directory on sys.path holding installed distributions (real dist-info folders)."""
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("good_stt_plugin",):
            sys.modules.pop(name, None)


def install_distribution(
    root: pathlib.Path, name: str, entry_points: str, module: str = "", source: str = ""
) -> None:
    info = root / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    if module:
        (root / f"{module}.py").write_text(textwrap.dedent(source))


def test_broken_plug_in_is_reported_by_name_and_the_others_still_work(
    plugin_path: pathlib.Path,
) -> None:
    install_distribution(
        plugin_path,
        "broken_stt_plugin",
        "[legacy_stt.adapters]\nbroken = no_such_module_xyz:Adapter\n",
    )
    install_distribution(
        plugin_path,
        "good_stt_plugin",
        "[legacy_stt.adapters]\ngood = good_stt_plugin:GoodAdapter\n",
        module="good_stt_plugin",
        source="""
        from legacy_stt import ModelAdapter
        class GoodAdapter(ModelAdapter):
            name = "good"
            legacy_models = target_models = ("good/model",)
        """,
    )
    registry = AdapterRegistry()
    with pytest.warns(PluginWarning, match="'broken'.*no_such_module_xyz"):
        names = {adapter.name for adapter in registry.adapters()}
    assert {"nova-2", "whisper", "good"} <= names
    assert "broken" in registry.broken and "ModuleNotFoundError" in registry.broken["broken"]
    assert registry.adapter_for_target("good/model").name == "good"
    with pytest.raises(PayloadError, match="failed to load: broken"):
        registry.adapter_for_target("missing/model")


def test_a_broken_plug_in_is_reported_once(
    plugin_path: pathlib.Path, caplog: pytest.LogCaptureFixture
) -> None:
    install_distribution(
        plugin_path, "broken_stt_plugin", "[legacy_stt.adapters]\nbroken = no_such_module_xyz:A\n"
    )
    registry = AdapterRegistry()
    caplog.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry.adapters()
        registry.adapter_for_target("#g1_nova-2-general")
        registry.broken  # noqa: B018 -- a lookup, as `legacy-stt models` makes
        with pytest.raises(PayloadError):
            registry.adapter_for_target("missing/model")
    reports = [w for w in caught if issubclass(w.category, PluginWarning)]
    assert len(reports) == 1 and "'broken'" in str(reports[0].message)
    # not a log record as well: where warnings are printed and logs shown, it would be said twice
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


FACTS = recognizer.audio_facts(url="https://example.com/audio/weekly-sync.mp3")


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (recognizer.deepgram_result("g", "#g1_nova-2-general", {}, FACTS), (Nova2Adapter,)),
        (recognizer.assemblyai_result("g", "aai/universal", {}, FACTS), (AssemblyAIAdapter,)),
        (
            recognizer.openai_result("g", "openai/gpt-4o-transcribe", {}, FACTS),
            (OpenAITranscribeAdapter,),
        ),
        (
            recognizer.mai_result("g", "microsoft/mai-transcribe-1.5", {}, FACTS),
            (MAITranscribeAdapter,),
        ),
        ({"text": "no usage at all"}, (OpenAITranscribeAdapter, MAITranscribeAdapter)),
    ],
    ids=["deepgram", "assemblyai", "openai", "mai", "text"],
)
def test_a_result_finds_the_model_adapter_of_its_shape(result: object, expected: tuple) -> None:
    found = default_registry.adapter_for_result(result)
    # the Deepgram shape is read alike by nova-2, whisper and nova-3: any of them will do
    if expected == (Nova2Adapter,):
        expected = (Nova2Adapter, WhisperAdapter, Nova3Adapter)
    assert isinstance(found, expected)
    assert found is not None and found.recognizes_result(result)


@pytest.mark.parametrize(
    "result",
    [None, {}, {"transcript": "x"}, {"text": "x", "usage": {"credits": 1}}, {"metadata": {}}],
    ids=repr,
)
def test_a_result_of_unknown_shape_finds_no_model_adapter(result: object) -> None:
    assert default_registry.adapter_for_result(result) is None


def test_discovery_happens_once(plugin_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = legacy_stt.adapters.registry._entry_points
    monkeypatch.setattr(
        legacy_stt.adapters.registry,
        "_entry_points",
        lambda group: calls.append(group) or real(group),
    )
    registry = AdapterRegistry()
    assert calls == []  # nothing is loaded until a lookup needs it
    registry.adapter_for_target("#g1_nova-2-general")
    registry.adapter_for_target("#g1_whisper-base")
    registry.adapters()
    assert calls == ["legacy_stt.adapters"]


def test_the_plug_in_prefilter_ignores_only_the_builtins_own_declarations() -> None:
    from legacy_stt.adapters.registry import _BUILTIN_ENTRY_POINTS, _declares_plug_ins

    own = "[console_scripts]\nx = y:z\n\n[legacy_stt.adapters]\n" + "".join(
        f"{name} = {value}\n" for name, value in _BUILTIN_ENTRY_POINTS.items()
    )
    assert not _declares_plug_ins(own, "legacy_stt.adapters")
    assert _declares_plug_ins(own + "acme = acme_stt:Adapter\n", "legacy_stt.adapters")
    replaced = own.replace("legacy_stt.adapters.deepgram:Nova2Adapter", "acme:Nova2")
    assert _declares_plug_ins(replaced, "legacy_stt.adapters")
    # named elsewhere than as a section: not a declaration
    assert not _declares_plug_ins("[other]\nlegacy_stt.adapters = a:b\n", "legacy_stt.adapters")


def test_the_plug_in_prefilter_says_maybe_for_a_zip_on_the_path(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    from legacy_stt.adapters.registry import _may_be_declared

    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("acme-1.0.dist-info/entry_points.txt", "[legacy_stt.adapters]\na = b:c\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing")])
    assert not _may_be_declared("legacy_stt.adapters")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(archive)])
    assert _may_be_declared("legacy_stt.adapters")


def test_an_environment_without_plug_ins_does_not_import_importlib_metadata() -> None:
    # 30-50 ms of every short command; the check of entry_points.txt files replaces it.
    code = (
        "import sys; from legacy_stt.adapters.registry import default_registry;"
        "names = [a.name for a in default_registry.adapters()];"
        "print(len(names), 'importlib.metadata' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    from legacy_stt.adapters.registry import builtin_adapters

    assert completed.stdout.split() == [str(len(builtin_adapters())), "False"]
