"""The shipped JSON Schemas: well-formed, self-describing, consistent, and our own words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import pytest
from _support import REFERENCE, ROOT
from jsonschema import Draft202012Validator

from legacy_stt.adapters.deepgram import DEEPGRAM_LEGACY_PARAMETERS, Nova2Adapter, WhisperAdapter
from legacy_stt.payloads.schema import (
    CREATE_SCHEMA_NAMES,
    SCHEMA_NAMES,
    load_schema,
    schema_id,
    validator_for,
)


def walk(node: Any, path: str = "") -> Iterator[tuple]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_each_schema_is_valid_2020_12_with_id_title_and_description(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schema_id(name)
    assert schema["title"] and schema["description"]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_openapi_keywords_are_translated(name: str) -> None:
    leftovers = [
        f"{path}/{key}"
        for path, key, _ in walk(load_schema(name))
        if key in ("nullable", "example")
    ]
    assert leftovers == []
    binary = [
        path
        for path, key, value in walk(load_schema(name))
        if key == "format" and value == "binary"
    ]
    assert binary == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_ref_resolves(name: str) -> None:
    refs = {value for _, key, value in walk(load_schema(name)) if key == "$ref"}
    for ref in refs:
        target = ref if ref.startswith("urn:") else schema_id(name) + ref
        base, _, fragment = target.partition("#")
        assert base.rsplit(":", 1)[-1] in SCHEMA_NAMES, ref
        validator_for(base.rsplit(":", 1)[-1], fragment)  # raises if the pointer does not resolve


def test_schemas_ship_inside_the_package() -> None:
    # An installed wheel must find them without the source tree.
    source = ROOT / "schemas"
    for name in SCHEMA_NAMES:
        packaged = files("legacy_stt").joinpath("schemas", f"{name}.schema.json")
        assert packaged.is_file(), name
        if source.is_dir():
            shipped = json.loads(packaged.read_text(encoding="utf-8"))
            assert shipped == json.loads(
                (source / f"{name}.schema.json").read_text(encoding="utf-8")
            )


def test_whisper_create_schema_accepts_the_documented_example_ids() -> None:
    validator = validator_for("create-whisper")
    for model in (*WhisperAdapter.legacy_models, "whisper-base"):
        assert validator.is_valid({"model": model, "url": "https://example.com/a.mp3"}), model
    assert not validator.is_valid({"model": "#g1_whisper-huge", "url": "https://example.com/a.mp3"})


def test_nullable_became_a_null_type() -> None:
    validator = validator_for("create-nova-2")
    assert validator.is_valid({"model": "#g1_nova-2-general", "diarize": None})
    assert not validator.is_valid({"model": "#g1_nova-2-general", "diarize": "yes"})


def test_results_channels_is_a_list_as_in_the_documentation_examples() -> None:
    validator = validator_for("legacy-response", "/$defs/deepgramResult")
    alternative = {"transcript": "hi", "confidence": 0.9, "words": [], "paragraphs": []}
    metadata = {
        "transaction_key": "deprecated",
        "request_id": "x",
        "sha256": "0",
        "created": "2026-01-01T00:00:00Z",
        "duration": 1.0,
        "channels": 1,
        "models": [],
        "model_info": {},
    }
    assert validator.is_valid(
        {"metadata": metadata, "results": {"channels": [{"alternatives": [alternative]}]}}
    )
    assert not validator.is_valid(
        {"metadata": metadata, "results": {"channels": {"alternatives": [alternative]}}}
    )


def test_poll_status_accepts_both_vocabularies() -> None:
    validator = validator_for("poll-response")
    for status in ("queued", "generating", "completed", "error", "waiting", "active", "failed"):
        assert validator.is_valid({"generation_id": "g", "status": status})
    assert not validator.is_valid({"generation_id": "g", "status": "done"})


def test_poll_status_accepts_processing_from_the_later_description() -> None:
    validator = validator_for("poll-response")
    assert validator.is_valid({"generation_id": "g", "status": "processing"})
    assert "processing" in load_schema("poll-response")["properties"]["status"]["$comment"]


# As the MAI-Transcribe page shows them (values made up here).
MAI_CREATED = {"generation_id": "mai-7f2c0e91d4", "status": "queued"}
MAI_RESULT = {"text": "Hello there.", "usage": {"seconds": 12.5, "cost": 0.00125}}


def test_mai_result_is_a_poll_result_but_not_a_legacy_answer() -> None:
    poll = {"generation_id": "mai-7f2c0e91d4", "status": "completed", "result": MAI_RESULT}
    assert validator_for("poll-response").is_valid(poll)
    assert validator_for("legacy-response", "/$defs/maiTranscription").is_valid(MAI_RESULT)
    # the OpenAI shape requires token counts, which MAI's usage does not have
    assert not validator_for("legacy-response", "/$defs/openaiTranscription").is_valid(MAI_RESULT)
    # MAI had no one-call payloads: the one-call answer's shapes stay the published three
    assert not validator_for("legacy-response").is_valid(MAI_RESULT)
    assert "MAI" in load_schema("poll-response")["properties"]["result"]["$comment"]


def test_create_answer_may_carry_a_status_and_an_id_that_is_no_uuid() -> None:
    validator = validator_for("create-response")
    assert validator.is_valid(MAI_CREATED)
    assert validator.is_valid({"generation_id": "0b7cbd0a-6d2f-4a1c-9a51-8f4f3c1d2e7a"})
    assert not validator.is_valid({"generation_id": ""})
    assert not validator.is_valid({"status": "queued"})
    schema = load_schema("create-response")
    assert "format" not in schema["properties"]["generation_id"]
    assert "MAI" in schema["$comment"]


def test_nova3_create_schema_takes_the_general_and_medical_models() -> None:
    validator = validator_for("create-nova-3")
    for model in ("nova-3", "nova-3-general", "nova-3-medical"):
        assert validator.is_valid({"model": model, "url": "https://example.com/a.mp3"}), model
    assert not validator.is_valid({"model": "nova-3-finance", "url": "https://example.com/a.mp3"})
    assert "nova-3-medical" in load_schema("create-nova-3")["$comment"]


def test_legacy_parameter_lists_match_the_model_adapter_tables() -> None:
    schema = load_schema("legacy-request")
    declared = set(schema["$defs"]["deepgramParameters"]["properties"])
    assert declared == set(DEEPGRAM_LEGACY_PARAMETERS)
    assert set(schema["$defs"]["deepgramModel"]["enum"]) == set(
        Nova2Adapter.legacy_models + WhisperAdapter.legacy_models
    )


def test_create_schemas_cover_every_target_family() -> None:
    assert set(CREATE_SCHEMA_NAMES) == {
        "create-nova-2",
        "create-whisper",
        "create-nova-3",
        "create-aai",
        "create-openai-transcribe",
        "create-mai-transcribe",
    }
    assert "file" in load_schema("create-openai-transcribe")["properties"]
    assert "audio" not in load_schema("create-openai-transcribe")["properties"]


def _descriptions(node: Any) -> list[str]:
    return [
        value
        for _, key, value in walk(node)
        if key == "description" and isinstance(value, str) and len(value) > 25
    ]


@pytest.mark.skipif(
    not REFERENCE.is_dir(), reason="the published description is not next to this checkout"
)
def test_descriptions_are_written_in_our_own_words() -> None:
    published = set()
    for path in REFERENCE.glob("*.json"):
        published.update(text.strip() for text in _descriptions(json.loads(path.read_text())))
    ours = [text for name in SCHEMA_NAMES for text in _descriptions(load_schema(name))]
    assert len(ours) > 100
    copied = [text for text in ours if text.strip() in published]
    assert copied == []
