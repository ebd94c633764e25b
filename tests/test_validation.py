"""legacy_stt.validate: plain-words problems, pointers, codes, and the rules the schema cannot express."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from _support import EXAMPLES, audio_for, load_example, valid_examples

import legacy_stt
from legacy_stt import PayloadError, UnknownParameterWarning
from legacy_stt.payloads.validation import inspect_payload, legacy_families

URL = "https://example.com/a.mp3"


def problems_of(payload: Any, **kwargs: Any) -> dict[str, str]:
    with pytest.raises(PayloadError) as caught:
        legacy_stt.validate(payload, **kwargs)
    return {
        problem.pointer: f"{problem.code}: {problem.message}" for problem in caught.value.problems
    }


def test_payload_error_is_a_value_error_with_problems() -> None:
    with pytest.raises(ValueError, match="diarize") as caught:
        legacy_stt.validate({"model": "#g1_nova-2-general", "url": URL, "diarize": "yes"})
    error = caught.value
    assert isinstance(error, legacy_stt.PayloadError) and isinstance(
        error, legacy_stt.LegacySTTError
    )
    [problem] = error.problems
    assert (problem.pointer, problem.code) == ("/diarize", "schema.type")
    assert "true or false" in problem.message and "'yes'" in problem.message


def test_misspelled_parameter_warns_with_did_you_mean_and_is_not_kept() -> None:
    payload = {"model": "#g1_nova-2-general", "url": URL, "diarise": True}
    with pytest.warns(
        UnknownParameterWarning, match=r"`diarise`.*did you mean `diarize`"
    ) as caught:
        assert legacy_stt.validate(payload) is None
    assert caught[0].filename == __file__  # points at the caller, not at legacy-stt
    report = inspect_payload(payload)
    assert "diarise" not in report.params and report.params["url"] == URL


def test_unknown_parameter_is_an_error_under_strict() -> None:
    found = problems_of({"model": "#g1_nova-2-general", "url": URL, "diarise": True}, strict=True)
    assert found["/diarise"].startswith("unknown-parameter:")


def test_missing_input_gets_the_plain_sentence() -> None:
    found = problems_of({"model": "#g1_nova-2-general", "punctuate": True})
    assert found == {"": "missing-input: provide either `url` or an uploaded `audio`"}


def test_upload_given_separately_satisfies_the_input_rule() -> None:
    assert legacy_stt.validate({"model": "#g1_whisper-base"}, audio=b"RIFF") is None


def test_url_and_upload_together_are_refused() -> None:
    found = problems_of({"model": "#g1_whisper-base", "url": URL}, audio=b"x")
    assert found[""].startswith("conflicting-input:")


@pytest.mark.parametrize(
    "model, fix",
    [
        ("g1_nova-2-general", "#g1_nova-2-general"),
        ("whisper-large", "#g1_whisper-large"),
        ("nova-2", "#g1_nova-2-general"),
        ("deepgram/nova-2-meeting", "#g1_nova-2-meeting"),
        ("gpt-4o-transcribe", "openai/gpt-4o-transcribe"),
    ],
)
def test_known_model_id_mistakes_get_the_exact_fix(model: str, fix: str) -> None:
    found = problems_of({"model": model, "url": URL})
    # (a vendor prefix the service does not use is explained after the fix)
    assert found["/model"].startswith(f"unknown-model: unknown model {model!r}: write {fix!r}")


def test_other_near_misses_get_a_did_you_mean() -> None:
    found = problems_of({"model": "#g1_nova-2-meetings", "url": URL})
    assert found["/model"] == (
        "unknown-model: unknown model '#g1_nova-2-meetings'; did you mean '#g1_nova-2-meeting'?"
    )


def test_fast_check_agrees_with_jsonschema_on_every_example() -> None:
    from legacy_stt.payloads.validation import family_of_model

    payloads = [
        load_example(f"{kind}/{p.name}")
        for kind in ("valid", "uploads", "invalid")
        for p in sorted((EXAMPLES / kind).glob("*.json"))
        if p.name != "broken.json"
    ]
    payloads += [
        {"model": "#g1_nova-2-general", "utt_split": True},  # a bool is not a number
        {"model": "#g1_nova-2-general", "utt_split": 1},
        {"model": "#g1_nova-2-general", "tag": ["a", 1]},
        {"model": "#g1_nova-2-general", "custom_topic": ["a", "b"]},
        {"model": "#g1_nova-2-general", "custom_topic": 3},
        {"model": "aai/universal", "speakers_expected": 2.5},
        {"model": "aai/universal", "speakers_expected": None},
        {"model": "openai/gpt-4o-transcribe", "temperature": "0.2"},
    ]
    checked = 0
    for payload in payloads:
        family = family_of_model(payload.get("model")) if isinstance(payload, dict) else None
        if family is None:
            continue
        assert family.is_valid(payload) == family.validator.is_valid(payload), payload
        checked += 1
    assert checked >= 30


def test_unknown_model_without_a_near_miss_lists_the_known_models() -> None:
    found = problems_of({"model": "deepgram/enhanced", "url": URL})
    assert "#g1_nova-2-general" in found["/model"] and "#g1_whisper-base" in found["/model"]


@pytest.mark.parametrize(
    "payload, pointer, expected",
    [
        (
            {"model": "#g1_nova-2-general", "url": 42},
            "/url",
            "`url` must be a string; got the number 42",
        ),
        ({"model": "#g1_nova-2-general", "url": "s3://b/k.mp3"}, "/url", "http(s) address"),
        (
            {"model": "#g1_nova-2-general", "url": URL, "tag": ["a", 3]},
            "/tag/1",
            "item 1 of `tag` must be a string",
        ),
        (
            {"model": "#g1_nova-2-general", "url": URL, "custom_intent": 5},
            "/custom_intent",
            "a string or a list of strings",
        ),
        (
            {"model": "#g1_nova-2-general", "url": URL, "custom_topic_mode": "strct"},
            "/custom_topic_mode",
            "did you mean 'strict'?",
        ),
        (
            {"model": "#g1_nova-2-general", "url": URL, "utt_split": "0.8"},
            "/utt_split",
            "must be a number",
        ),
        (
            {"model": "aai/universal", "url": URL, "speech_threshold": 2},
            "/speech_threshold",
            "at most 1",
        ),
        (
            {"model": "aai/universal", "url": URL, "custom_spelling": [{"from": "a"}]},
            "/custom_spelling/0/to",
            "missing its required member `to`",
        ),
        ({"model": 7, "url": URL}, "/model", "must be a string"),
        ({"url": URL}, "/model", "`model` is required"),
        ("just a string", "", "must be a JSON object"),
    ],
)
def test_each_problem_names_the_member_and_what_is_expected(
    payload: Any, pointer: str, expected: str
) -> None:
    found = problems_of(payload)
    assert pointer in found, found
    assert expected in found[pointer]
    assert "is not valid under any of the given schemas" not in found[pointer]


def test_all_problems_are_reported_at_once_sorted_by_pointer() -> None:
    found = problems_of(
        {"model": "#g1_nova-2-general", "url": 1, "diarize": "no", "numerals": "yes"}
    )
    assert list(found) == ["/diarize", "/numerals", "/url"]


@pytest.mark.parametrize(
    "audio, code",
    [
        ("UklGRiQAAABXQVZF", "audio-embedded"),
        ("data:audio/wav;base64,UklGRiQAAABXQVZF", "audio-embedded"),
        ({"mimetype": "audio/wav"}, "audio-buffer"),
        ({"buffer": {"type": "Buffer", "data": [1, 256]}}, "audio-buffer"),
        ({"buffer": {"type": "Buffer", "data": [1, True]}}, "audio-buffer"),
        ({"buffer": {"type": "Buffer", "data": []}}, "audio-empty"),
        (17, "audio-object"),
    ],
)
def test_embedded_audio_must_carry_sendable_bytes(audio: Any, code: str) -> None:
    with pytest.raises(PayloadError) as caught:
        legacy_stt.validate({"model": "#g1_whisper-base", "audio": audio})
    assert [p.code for p in caught.value.problems] == [code]
    assert caught.value.problems[0].pointer.startswith("/audio")


def test_embedded_buffer_audio_is_accepted_and_removed_from_the_parameters() -> None:
    payload = load_example("valid/whisper-tiny-buffer.json")
    report = inspect_payload(payload)
    assert report.ok and report.embedded_audio is not None
    assert "audio" not in report.params


def test_parameter_of_another_family_is_named_as_such() -> None:
    with pytest.warns(UnknownParameterWarning, match="AssemblyAI models") as caught:
        legacy_stt.validate({"model": "#g1_nova-2-general", "url": URL, "speaker_labels": True})
    assert "`speaker_labels`" in str(caught[0].message)


@pytest.mark.parametrize("path", valid_examples(), ids=lambda p: p.stem)
def test_every_valid_example_passes_without_warnings(path: Any) -> None:
    payload = json.loads(path.read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert legacy_stt.validate(payload, audio=audio_for(path), strict=True) is None


@pytest.mark.parametrize(
    "path", sorted((EXAMPLES / "invalid").glob("*.json")), ids=lambda p: p.stem
)
def test_every_invalid_example_is_refused_under_strict(path: Any) -> None:
    try:
        payload = json.loads(path.read_text())
    except json.JSONDecodeError:
        assert path.stem == "broken"  # the one example that is not JSON at all
        return
    with pytest.raises(PayloadError) as caught:
        legacy_stt.validate(payload, strict=True)
    assert caught.value.problems and all(p.message for p in caught.value.problems)


def test_families_are_derived_from_the_schema_once() -> None:
    first = legacy_families()
    assert first is legacy_families()
    names = {family.name for family in first}
    assert names == {"deepgram", "assemblyai", "openai"}
    deepgram = next(f for f in first if f.name == "deepgram")
    assert "diarize" in deepgram.parameters and "url" not in deepgram.parameters
    assert (
        deepgram.validator is next(f for f in legacy_families() if f.name == "deepgram").validator
    )


def test_family_schemas_are_valid_self_contained_schemas() -> None:
    from jsonschema import Draft202012Validator

    for family in legacy_families():
        Draft202012Validator.check_schema(family.schema)
        assert "$ref" not in json.dumps(family.schema)  # inlined: no registry needed


def test_member_by_member_errors_equal_the_whole_schema_errors() -> None:
    from legacy_stt.payloads.validation import family_of_model

    payloads = [
        {"model": "#g1_nova-2-general", "diarize": "yes", "tag": [1, "a"], "utt_split": "x"},
        {"model": "#g1_nova-2-general", "custom_topic_mode": "loose", "url": {"href": "x"}},
        {"model": "aai/universal", "speaker_labels": "no", "speakers_expected": 2.5},
        {"model": "openai/gpt-4o-transcribe", "temperature": 7, "prompt": 3},
    ]
    for payload in payloads:
        family = family_of_model(payload["model"])
        assert family is not None

        # Simple members are explained without jsonschema (its `message` text is its own):
        # what the errors say is compared, not how jsonschema words it.
        def key(error):
            return (list(error.absolute_path), error.validator, repr(error.validator_value))

        whole = sorted(map(key, family.validator.iter_errors(payload)))
        by_member = sorted(map(key, family.errors(payload)))
        assert whole and by_member == whole, payload
