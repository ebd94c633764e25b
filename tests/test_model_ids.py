"""Model ids as the documentation has them now, and suggestions that respect model families.

A near miss is matched within its family (nova, whisper, the OpenAI and
AssemblyAI ids), then its version, then its variant: `nova-3-medical` is a
target of its own, never "did you mean '#g1_nova-2-medical'", and
`whisper-large-v3` is `#g1_whisper-large`, never `#g1_whisper-tiny`.
"""

from __future__ import annotations

import json
import pathlib
import warnings
from typing import Any

import pytest
from _support import FAST_POLLS, SECRET_KEY

import legacy_stt
from legacy_stt import Client, ConfigurationError, PayloadError
from legacy_stt._text import suggest_model_id
from legacy_stt.adapters import ModelAdapter
from legacy_stt.adapters.base import ModelAlias
from legacy_stt.adapters.deepgram import DeepgramResultMixin
from legacy_stt.adapters.nova3 import Nova3Adapter
from legacy_stt.adapters.registry import default_registry
from legacy_stt.cli import main
from legacy_stt.payloads.validation import legacy_families
from legacy_stt.testing import Emulator

URL = "https://example.com/audio/ward-round.mp3"
NEW_NOVA3 = ["nova-3-general", "nova-3-medical"]


def targets() -> list[str]:
    return default_registry.target_models()


def legacy_ids() -> list[str]:
    return [model for family in legacy_families() for model in family.models]


def suggestion_for_target(model: str) -> Any:
    return suggest_model_id(model, targets(), default_registry.model_aliases())


def unknown_model_message(model: str) -> str:
    with pytest.raises(PayloadError) as caught:
        legacy_stt.validate({"model": model, "url": URL})
    (problem,) = caught.value.problems
    assert (problem.pointer, problem.code) == ("/model", "unknown-model")
    return problem.message


def target_error(model: str) -> str:
    with pytest.raises(PayloadError) as caught:
        default_registry.adapter_for_target(model)
    return caught.value.problems[0].message


# -- the nova-3 models of the later documentation ---------------------------------


@pytest.mark.parametrize("model", NEW_NOVA3)
def test_new_nova3_ids_are_valid_targets(model: str) -> None:
    assert isinstance(default_registry.adapter_for_target(model), Nova3Adapter)
    Client(SECRET_KEY, target=model).close()  # no ConfigurationError
    Client(SECRET_KEY, target={"#g1_nova-2-medical": model}).close()


@pytest.mark.parametrize("model", NEW_NOVA3)
def test_new_nova3_ids_run_end_to_end(stt_emulator: Emulator, model: str) -> None:
    with Client(
        SECRET_KEY, base_url=stt_emulator.url, poll_policy=FAST_POLLS, target=model
    ) as client:
        generation_id = client.submit({"model": "#g1_nova-2-medical", "url": URL, "diarize": True})
        body = client.result(generation_id)
    (create,) = stt_emulator.creates
    assert create.json == {"model": model, "url": URL, "diarize": True}
    words = body["results"]["channels"][0]["alternatives"][0]["words"]
    assert words and all(isinstance(word["speaker"], int) for word in words)


@pytest.mark.parametrize("model", NEW_NOVA3)
def test_check_takes_the_new_ids_as_a_target(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, model: str
) -> None:
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"model": "#g1_nova-2-general", "url": URL, "keywords": "a, b"}))
    status = main(["check", "--format", "json", "--target", model, str(payload)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    findings = json.loads(captured.out)["findings"]
    assert [(f["code"], f["pointer"]) for f in findings] == [("parameter-renamed", "/keywords")]
    assert '["a", "b"]' in findings[0]["message"]


def test_models_lists_the_new_ids_with_their_notes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    text = capsys.readouterr().out
    nova3 = next(line for line in text.splitlines() if line.startswith("nova-3:"))
    assert all(model in nova3 for model in ("nova-3", *NEW_NOVA3))
    assert "Nova-3 General only" in text and "Nova-3 Medical only" in text
    assert "per minute" in text
    assert main(["models", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    entry = next(e for e in document["adapters"] if e["adapter"] == "nova-3")
    assert entry["models"] == ["nova-3", *NEW_NOVA3]
    assert set(entry["model_notes"]) == {"nova-3", *NEW_NOVA3}


@pytest.mark.parametrize("model", [*NEW_NOVA3, "#g1_nova-3-medical", "nova-3", "nova3"])
def test_a_legacy_payload_naming_a_nova3_model_is_told_to_move_with_a_target(model: str) -> None:
    message = unknown_model_message(model)
    meant = model.replace("#g1_", "").replace("nova3", "nova-3")
    assert f"--target {meant}" in message and f"Client(target={meant!r})" in message
    assert "did you mean '#g1_nova-2" not in message
    assert "write '#g1_nova-2" not in message


def test_the_legacy_model_to_keep_is_of_the_same_variant() -> None:
    assert "'#g1_nova-2-medical'" in unknown_model_message("nova-3-medical")
    assert "'#g1_nova-2-general'" in unknown_model_message("nova-3-general")


@pytest.mark.parametrize("model", NEW_NOVA3)
def test_the_linter_never_answers_the_new_ids_with_a_nova2_model(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path, model: str
) -> None:
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"model": model, "url": URL}))
    main(["check", "--format", "json", str(payload)])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["code"] == "unknown-model"
    assert "did you mean '#g1_nova-2" not in finding["message"]
    assert f"--target {model}" in finding["message"]


# -- suggestions within a family ---------------------------------------------------


@pytest.mark.parametrize(
    "written", ["#g1_nova-3", "nova3", "deepgram/nova-3", "NOVA-3", "nova_3", "Nova 3"]
)
def test_near_misses_of_nova3_point_at_the_nova3_target(written: str) -> None:
    suggestion = suggestion_for_target(written)
    assert suggestion is not None and suggestion.model == "nova-3" and suggestion.certain
    assert "did you mean 'nova-3'?" in target_error(written)
    with pytest.raises(ConfigurationError, match="'nova-3'"):
        Client(SECRET_KEY, target=written)


@pytest.mark.parametrize(
    "written, meant",
    [("#g1_nova-3-medical", "nova-3-medical"), ("deepgram/nova-3-general", "nova-3-general")],
)
def test_near_misses_keep_their_variant(written: str, meant: str) -> None:
    suggestion = suggestion_for_target(written)
    assert suggestion is not None and suggestion.model == meant


@pytest.mark.parametrize("written", ["whisper-1", "whisper-large-v3", "openai/whisper-large"])
def test_whisper_names_of_other_services_get_the_right_size_with_a_reason(written: str) -> None:
    for known in (targets(), legacy_ids()):
        suggestion = suggest_model_id(written, known, default_registry.model_aliases())
        assert suggestion is not None and suggestion.model == "#g1_whisper-large", known
        assert suggestion.reason  # why this spelling is not the service's
    message = unknown_model_message(written)
    assert "'#g1_whisper-large'" in message and "#g1_whisper-tiny" not in message
    assert "#g1_whisper-large" in target_error(written)


@pytest.mark.parametrize(
    "written, meant",
    [
        ("whisper-large-v2", "#g1_whisper-large"),
        ("whisper-medium", "#g1_whisper-medium"),
        ("g1_whisper-small", "#g1_whisper-small"),
        ("nova-2", "#g1_nova-2-general"),
        ("deepgram/nova-2-meeting", "#g1_nova-2-meeting"),
        ("#g1_nova-2-meetings", "#g1_nova-2-meeting"),
        ("gpt-4o-transcribe", "openai/gpt-4o-transcribe"),
        ("gpt-4o-mini", "openai/gpt-4o-mini-transcribe"),
        ("assemblyai/universal", "aai/universal"),
        ("universal", "aai/universal"),
    ],
)
def test_legacy_near_misses_get_the_legacy_id(written: str, meant: str) -> None:
    suggestion = suggest_model_id(written, legacy_ids(), default_registry.model_aliases())
    assert suggestion is not None and suggestion.model == meant
    assert f"{meant!r}" in unknown_model_message(written)


@pytest.mark.parametrize("written", ["nova-4", "nova4", "nova-9"])
def test_a_nova_version_that_does_not_exist_points_at_the_nearest_one(written: str) -> None:
    suggestion = suggestion_for_target(written)
    assert suggestion is not None and suggestion.model == "nova-3" and not suggestion.certain


@pytest.mark.parametrize(
    "written, family",
    [
        ("nova-x", "nova"),
        ("nova-general", "nova"),  # nova-2 and nova-3 both have one: which is not for us to guess
        ("#g1_whisper-huge", "whisper"),
        ("whisper", "whisper"),
        ("aai/best", "aai/"),
    ],
)
def test_an_unknown_variant_lists_its_family_without_guessing(written: str, family: str) -> None:
    suggestion = suggestion_for_target(written)
    assert suggestion is not None and suggestion.model is None
    assert suggestion.label == family and suggestion.family
    stem = family.rstrip("/")
    assert all(stem in model for model in suggestion.family)
    assert "did you mean" not in target_error(written)


@pytest.mark.parametrize(
    "written",
    ["asdfgh", "banana", "foo-3", "nothing-like-it", "", "   ", "12345", "#g1_", "/", "x/y/z", "🎙"],
)
def test_unrelated_text_gets_no_suggestion(written: str) -> None:
    for known in (targets(), legacy_ids()):
        suggestion = suggest_model_id(written, known, default_registry.model_aliases())
        assert suggestion is None or suggestion.model is None
    assert "did you mean" not in target_error(written)
    message = unknown_model_message(written)
    assert "did you mean" not in message and "write '" not in message


def test_every_known_id_is_found_from_another_spelling_of_itself() -> None:
    for model in targets():
        written = model.upper().replace("-", "_").lstrip("#")
        suggestion = suggestion_for_target(written)
        assert suggestion is not None and suggestion.model is not None, model
        same = suggest_model_id(suggestion.model, [model])
        assert same is not None and same.model == model and same.certain


def test_a_plug_in_can_name_other_spellings_of_its_models() -> None:
    class Acme(DeepgramResultMixin, ModelAdapter):
        name = "acme-ids"
        target_models = ("acme/fast-2",)
        create_schema = "create-nova-2"
        model_aliases = (ModelAlias("speedy", "acme/fast-2", "Acme's marketing name"),)

    legacy_stt.register_adapter(Acme)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            message = target_error("speedy")
        assert "did you mean 'acme/fast-2'?" in message and "Acme's marketing name" in message
    finally:
        default_registry.unregister("acme-ids")
