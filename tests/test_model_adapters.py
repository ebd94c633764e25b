"""The nova-3, AssemblyAI, OpenAI and MAI model adapters: request tables and result translation.

Pure unit tests: no HTTP. Target results come from the emulator's recognizer,
which produces each family's published shape.
"""

from __future__ import annotations

import json
import pathlib
from collections.abc import Mapping
from typing import Any

import pytest
from _support import EXAMPLES, valid_examples

from legacy_stt.adapters.assemblyai import AssemblyAIAdapter, assemblyai_language_code
from legacy_stt.adapters.base import (
    RESULT_SHAPES,
    CannotTranslate,
    ModelAdapter,
    PartlyTranslated,
    result_shape,
)
from legacy_stt.adapters.deepgram import (
    DEEPGRAM_LEGACY_PARAMETERS,
    Nova2Adapter,
    WhisperAdapter,
    keyword_terms,
)
from legacy_stt.adapters.nova3 import Nova3Adapter
from legacy_stt.adapters.openai import MAITranscribeAdapter, OpenAITranscribeAdapter
from legacy_stt.deprecations import (
    ConflictingParameterWarning,
    DroppedParameterWarning,
    RenamedParameterWarning,
)
from legacy_stt.payloads.schema import load_schema, validator_for
from legacy_stt.payloads.validation import inspect_payload
from legacy_stt.testing import recognizer

URL = "https://example.com/audio/call.mp3"

#: Every new adapter with each model it sends to.
TARGETS: list[tuple[ModelAdapter, str]] = [
    (Nova3Adapter(), "nova-3"),
    (Nova3Adapter(), "nova-3-general"),
    (Nova3Adapter(), "nova-3-medical"),
    (AssemblyAIAdapter(), "aai/universal"),
    (AssemblyAIAdapter(), "aai/slam-1"),
    (OpenAITranscribeAdapter(), "openai/gpt-4o-transcribe"),
    (OpenAITranscribeAdapter(), "openai/gpt-4o-mini-transcribe"),
    (MAITranscribeAdapter(), "microsoft/mai-transcribe-1.5"),
]
ADAPTERS = [Nova3Adapter(), AssemblyAIAdapter(), OpenAITranscribeAdapter(), MAITranscribeAdapter()]


def _id(value: Any) -> str:
    return value if isinstance(value, str) else type(value).__name__


def checked_params(example: pathlib.Path) -> tuple[dict[str, Any], str]:
    """A valid example's parameters as the client hands them to an adapter, and their vocabulary."""
    payload = json.loads(example.read_text())
    report = inspect_payload(payload, upload_given=example.parent.name == "uploads")
    assert report.ok and report.family is not None, report.problems
    return report.params, report.family.name


def codes(translation: Any) -> dict[str, str]:
    return {notice.pointer: notice.code for notice in translation.notices}


def expected_codes(
    adapter: ModelAdapter, model: str, params: Mapping[str, Any], body: Mapping[str, Any]
) -> dict[str, str]:
    """What the table says each option becomes, for payloads without two names for one target."""
    expected = {}
    for key, value in params.items():
        if key in ("model", "url"):
            continue
        rule = adapter.rule_for(key)
        assert rule is not None, f"{adapter.name} has no row for {key}"
        if rule.only_for and model not in rule.only_for:
            expected[f"/{key}"] = "parameter-dropped"
        elif rule.target is None:
            honoured = rule.honoured is not None and rule.honoured(value, body)
            honoured = honoured or (rule.off_is_default and value is False)
            expected[f"/{key}"] = "parameter-not-needed" if honoured else "parameter-dropped"
        elif rule.renamed or rule.transform is not None:
            expected[f"/{key}"] = "parameter-renamed"
    return expected


# -- the tables ------------------------------------------------------------


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_id)
def test_every_deepgram_parameter_has_exactly_one_row(adapter: ModelAdapter) -> None:
    legacy = [rule.legacy for rule in adapter.parameter_rules]
    assert sorted(legacy) == sorted(DEEPGRAM_LEGACY_PARAMETERS)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=_id)
def test_table_targets_are_parameters_of_the_create_schema(adapter: ModelAdapter) -> None:
    assert adapter.create_schema is not None
    declared = set(load_schema(adapter.create_schema)["properties"])
    assert adapter.native_parameters == declared - {"model", "url", "audio", "file"}
    for rule in adapter.parameter_rules:
        if rule.target is None:
            assert rule.note, f"{rule.legacy} is dropped without a reason"
        else:
            assert rule.target in adapter.native_parameters, rule


def test_upload_fields_are_the_ones_each_target_declares() -> None:
    assert OpenAITranscribeAdapter.upload_field == "file"
    for adapter in ADAPTERS:
        assert adapter.create_schema is not None
        assert adapter.upload_field in load_schema(adapter.create_schema)["properties"]


def test_mapping_rows_name_the_kind_of_each_row() -> None:
    rows = {row.legacy: row for row in Nova3Adapter().mapping_rows()}
    assert rows["multi_channel"]._asdict() == {
        "legacy": "multi_channel",
        "target": "multichannel",
        "kind": "renamed",
        "note": "nova-3's name for it",
        "off_is_default": False,
    }
    assert rows["keywords"].kind == "transformed" and rows["keywords"].target == "keyterm"
    assert rows["diarize_version"].kind == "dropped" and rows["diarize_version"].target is None
    assert rows["punctuate"].kind == "passed"
    aai = {row.legacy: row for row in AssemblyAIAdapter().mapping_rows()}
    assert aai["language"].kind == "transformed" and aai["language"].target == "language_code"
    assert aai["custom_intent"].kind == "dropped"
    description = MAITranscribeAdapter().describe()
    assert description["upload_field"] == "audio"
    assert description["legacy_models"] == []
    assert {row["kind"] for row in description["parameters"]} == {"dropped", "not-needed"}
    assert "temperature" in description["native_parameters"]


def test_legacy_and_target_models() -> None:
    assert Nova3Adapter.legacy_models == () and MAITranscribeAdapter.legacy_models == ()
    aai_ids = tuple(load_schema("legacy-request")["$defs"]["assemblyaiModel"]["enum"])
    openai_ids = tuple(load_schema("legacy-request")["$defs"]["openaiModel"]["enum"])
    assert sorted(AssemblyAIAdapter.legacy_models) == sorted(aai_ids)
    assert sorted(OpenAITranscribeAdapter.legacy_models) == sorted(openai_ids)
    for adapter in ADAPTERS:
        assert adapter.create_schema is not None
        enum = load_schema(adapter.create_schema)["properties"]["model"]["enum"]
        assert sorted(adapter.target_models) == sorted(enum)


# -- every valid example, to every target ------------------------------------


@pytest.mark.parametrize("example", valid_examples(), ids=lambda path: path.stem)
@pytest.mark.parametrize(("adapter", "model"), TARGETS, ids=_id)
def test_valid_examples_translate_to_bodies_the_target_accepts(
    example: pathlib.Path, adapter: ModelAdapter, model: str
) -> None:
    params, family = checked_params(example)
    assert family == "deepgram"
    translation = adapter.translate_request(params, model=model, source_family=family)
    assert adapter.create_schema is not None
    validator = validator_for(adapter.create_schema)
    assert validator.is_valid(translation.body), list(validator.iter_errors(translation.body))
    # the create schemas allow unknown members, the service does not
    assert set(translation.body) - {"model", "url"} <= adapter.native_parameters
    assert translation.body["model"] == model
    assert translation.body.get("url") == params.get("url")
    sent_to = [
        rule.target for rule in adapter.parameter_rules if rule.legacy in params and rule.target
    ]
    if len(sent_to) == len(set(sent_to)):  # two names for one target: see the test below
        assert codes(translation) == expected_codes(adapter, model, params, translation.body)
    for notice in translation.notices:
        key = notice.pointer[1:]
        assert f"`{key}`" in notice.message
        if notice.code == "parameter-dropped":
            rule = adapter.rule_for(key)
            assert rule is not None and model in notice.message and rule.note in notice.message
            assert notice.category is DroppedParameterWarning and notice.lossy
        if notice.code == "parameter-not-needed":
            assert not notice.lossy


def test_two_legacy_names_for_one_target_send_it_once() -> None:
    params, family = checked_params(EXAMPLES / "valid" / "nova-2-video-url.json")
    assert params["detect_topics"] is True and params["topics"] is True
    nova3 = Nova3Adapter().translate_request(params, model="nova-3", source_family=family)
    assert nova3.body["topics"] is True and "detect_topics" not in nova3.body
    assert codes(nova3) == {"/detect_topics": "parameter-not-needed"}
    assert not nova3.notices[0].lossy
    aai = AssemblyAIAdapter().translate_request(params, model="aai/universal", source_family=family)
    assert aai.body["iab_categories"] is True
    assert codes(aai)["/detect_topics"] == "parameter-renamed"
    assert codes(aai)["/topics"] == "parameter-not-needed"
    different = AssemblyAIAdapter().translate_request(
        {"model": "#g1_nova-2-video", "url": URL, "detect_topics": True, "topics": False},
        model="aai/universal",
    )
    assert different.body["iab_categories"] is True  # the first name given wins
    conflict = next(n for n in different.notices if n.pointer == "/topics")
    assert conflict.code == "parameter-conflict" and conflict.lossy
    assert "`detect_topics` comes first and is sent, so `topics` is ignored" in conflict.message


# -- specific translations ---------------------------------------------------


def test_nova3_renames_multi_channel_and_turns_keywords_into_keyterms() -> None:
    translation = Nova3Adapter().translate_request(
        {
            "model": "#g1_nova-2-phonecall",
            "url": URL,
            "multi_channel": True,
            "keywords": "snuffleupagus:5",
            "diarize": True,
        },
        model="nova-3",
    )
    assert translation.body == {
        "model": "nova-3",
        "url": URL,
        "multichannel": True,
        "keyterm": ["snuffleupagus"],
        "diarize": True,
    }
    assert codes(translation) == {
        "/multi_channel": "parameter-renamed",
        "/keywords": "parameter-renamed",
    }
    keywords = next(n for n in translation.notices if n.pointer == "/keywords")
    assert '["snuffleupagus"]' in keywords.message and "`keyterm`" in keywords.message
    assert keywords.category is RenamedParameterWarning and not keywords.lossy


def test_target_name_wins_over_the_legacy_name_with_a_conflict_notice() -> None:
    translation = Nova3Adapter().translate_request(
        {"model": "#g1_nova-2-general", "url": URL, "keywords": "acme:2", "keyterm": ["widget"]},
        model="nova-3",
    )
    assert translation.body == {"model": "nova-3", "url": URL, "keyterm": ["widget"]}
    assert codes(translation) == {"/keywords": "parameter-conflict"}
    notice = translation.notices[0]
    assert notice.category is ConflictingParameterWarning and notice.lossy
    assert notice.message == (
        "`keywords` and `keyterm` are both given; nova-3 takes `keyterm`, so `keywords` is ignored. "
        "Remove `keywords`"
    )


def test_target_native_names_pass_through_unchanged() -> None:
    translation = Nova3Adapter().translate_request(
        {"model": "#g1_nova-2-general", "url": URL, "keyterm": "acme", "redact": ["pci"]},
        model="nova-3",
    )
    assert translation.body == {"model": "nova-3", "url": URL, "keyterm": "acme", "redact": ["pci"]}
    assert translation.notices == []


def test_keyword_intensifiers_are_stripped_and_suppressions_left_out() -> None:
    assert keyword_terms("snuffleupagus:5") == ["snuffleupagus"]
    assert keyword_terms("acme") == ["acme"]
    assert keyword_terms("New York:1.5") == ["New York"]
    assert keyword_terms("ratio 2:1") == ["ratio 2"]  # Deepgram reads the last `:n` as the weight
    partly = keyword_terms(["acme:2", "uh:-4", "acme"])
    assert isinstance(partly, PartlyTranslated) and partly.value == ["acme"]
    assert "`uh:-4`" in partly.lost
    with pytest.raises(CannotTranslate):
        keyword_terms("uh:-4")
    translation = AssemblyAIAdapter().translate_request(
        {"model": "#g1_nova-2-general", "url": URL, "keywords": ["acme:2", "uh:-4"]},
        model="aai/universal",
    )
    assert translation.body["word_boost"] == ["acme"] and "boost_param" not in translation.body
    assert [n.code for n in translation.notices] == ["parameter-renamed", "parameter-dropped"]
    assert translation.notices[1].lossy and "`uh:-4`" in translation.notices[1].message


def test_assemblyai_renames_diarize_and_converts_the_language() -> None:
    translation = AssemblyAIAdapter().translate_request(
        {
            "model": "#g1_nova-2-meeting",
            "url": URL,
            "language": "en-US",
            "diarize": True,
            "filler_words": True,
            "profanity_filter": True,
            "sentiment": True,
            "detect_entities": True,
            "smart_format": True,
            "punctuate": True,
        },
        model="aai/universal",
    )
    assert translation.body == {
        "model": "aai/universal",
        "url": URL,
        "language_code": "en_us",
        "speaker_labels": True,
        "disfluencies": True,
        "filter_profanity": True,
        "sentiment_analysis": True,
        "entity_detection": True,
        "format_text": True,
        "punctuate": True,
    }
    assert set(codes(translation).values()) == {"parameter-renamed"}
    assert "/punctuate" not in codes(translation)  # same name, same value: nothing to say
    language = next(n for n in translation.notices if n.pointer == "/language")
    assert '"en_us"' in language.message and "`language_code`" in language.message


@pytest.mark.parametrize(
    ("tag", "code"),
    [("en-US", "en_us"), ("en-GB", "en_uk"), ("en-AU", "en_au"), ("en", "en"), ("fr-CA", "fr"),
     ("de", "de"), ("zh-Hant-TW", "zh"), ("jv", "jw"), ("pt-BR", "pt")],
)  # fmt: skip
def test_bcp47_tags_become_assemblyai_codes(tag: str, code: str) -> None:
    assert assemblyai_language_code(tag) == code


@pytest.mark.parametrize("tag", ["multi", "xx-YY", "tlh", ""])
def test_a_language_assemblyai_lacks_is_dropped_with_the_reason(tag: str) -> None:
    translation = AssemblyAIAdapter().translate_request(
        {"model": "#g1_whisper-large", "url": URL, "language": tag}, model="aai/universal"
    )
    assert "language_code" not in translation.body
    assert codes(translation) == {"/language": "parameter-dropped"}
    message = translation.notices[0].message
    assert "`language`" in message and "aai/universal" in message
    assert "language code" in message or "empty" in message


def test_summarize_asks_for_a_summary_and_invents_no_settings() -> None:
    adapter = AssemblyAIAdapter()
    for value in ("v2", "v1", True):
        body = adapter.translate_request(
            {"model": "#g1_nova-2-meeting", "url": URL, "summarize": value}, model="aai/universal"
        ).body
        assert body == {"model": "aai/universal", "url": URL, "summarization": True}
    unknown = adapter.translate_request(
        {"model": "#g1_nova-2-meeting", "url": URL, "summarize": "v9"}, model="aai/universal"
    )
    assert "summarization" not in unknown.body
    assert codes(unknown) == {"/summarize": "parameter-dropped"}


def test_language_detection_is_only_sent_to_the_model_that_has_it() -> None:
    params = {"model": "#g1_nova-2-general", "url": URL, "detect_language": True}
    universal = AssemblyAIAdapter().translate_request(params, model="aai/universal")
    assert universal.body["language_detection"] is True
    slam = AssemblyAIAdapter().translate_request(params, model="aai/slam-1")
    assert "language_detection" not in slam.body
    assert codes(slam) == {"/detect_language": "parameter-dropped"}
    assert "aai/universal" in slam.notices[0].message and "aai/slam-1" in slam.notices[0].message


def test_utterances_are_not_needed_on_assemblyai_only_with_speaker_labels() -> None:
    adapter = AssemblyAIAdapter()
    with_speakers = adapter.translate_request(
        {"model": "#g1_nova-2-meeting", "url": URL, "utterances": True, "diarize": True},
        model="aai/universal",
    )
    assert codes(with_speakers)["/utterances"] == "parameter-not-needed"
    assert not next(n for n in with_speakers.notices if n.pointer == "/utterances").lossy
    alone = adapter.translate_request(
        {"model": "#g1_nova-2-meeting", "url": URL, "utterances": True}, model="aai/universal"
    )
    assert codes(alone) == {"/utterances": "parameter-dropped"}


def test_openai_drops_what_it_cannot_honour_naming_parameter_model_and_reason() -> None:
    translation = OpenAITranscribeAdapter().translate_request(
        {
            "model": "#g1_nova-2-meeting",
            "url": URL,
            "diarize": True,
            "language": "en",
            "punctuate": True,
        },
        model="openai/gpt-4o-transcribe",
    )
    assert translation.body == {"model": "openai/gpt-4o-transcribe", "url": URL, "language": "en"}
    diarize = next(n for n in translation.notices if n.pointer == "/diarize")
    assert diarize.code == "parameter-dropped" and diarize.category is DroppedParameterWarning
    assert "`diarize`" in diarize.message
    assert "openai/gpt-4o-transcribe" in diarize.message
    assert "no speaker labels" in diarize.message
    punctuate = next(n for n in translation.notices if n.pointer == "/punctuate")
    assert punctuate.code == "parameter-not-needed" and not punctuate.lossy
    off = OpenAITranscribeAdapter().translate_request(
        {"model": "#g1_whisper-base", "url": URL, "punctuate": False},
        model="openai/gpt-4o-transcribe",
    )
    assert codes(off) == {"/punctuate": "parameter-dropped"}  # it cannot stop punctuating


def test_mai_takes_no_language_and_sends_nothing_it_was_not_given() -> None:
    translation = MAITranscribeAdapter().translate_request(
        {"model": "#g1_whisper-large", "url": URL, "language": "en", "detect_language": True},
        model="microsoft/mai-transcribe-1.5",
    )
    assert translation.body == {"model": "microsoft/mai-transcribe-1.5", "url": URL}
    assert codes(translation) == {
        "/language": "parameter-dropped",
        "/detect_language": "parameter-not-needed",
    }


def test_payloads_in_the_targets_own_vocabulary_pass_unchanged() -> None:
    aai_payload = {
        "model": "aai/slam-1",
        "url": URL,
        "speaker_labels": True,
        "language_code": "en_us",
        "word_boost": ["acme"],
        "speech_threshold": 0.2,
    }
    # the client's call: no source_family, so the adapter's own input family
    translation = AssemblyAIAdapter().translate_request(aai_payload, model="aai/slam-1")
    assert translation.body == aai_payload and translation.notices == []
    openai_payload = {
        "model": "openai/gpt-4o-transcribe",
        "url": URL,
        "prompt": "Acme",
        "temperature": 0.2,
    }
    translation = OpenAITranscribeAdapter().translate_request(
        openai_payload, model="openai/gpt-4o-mini-transcribe", source_family="openai"
    )
    assert translation.body == {**openai_payload, "model": "openai/gpt-4o-mini-transcribe"}
    assert translation.notices == []


def test_another_vocabulary_keeps_only_the_targets_own_names() -> None:
    translation = MAITranscribeAdapter().translate_request(
        {"model": "openai/gpt-4o-transcribe", "url": URL, "prompt": "Acme", "temperature": 0.2},
        model="microsoft/mai-transcribe-1.5",
        source_family="openai",
    )
    assert translation.body == {
        "model": "microsoft/mai-transcribe-1.5",
        "url": URL,
        "temperature": 0.2,
    }
    assert codes(translation) == {"/prompt": "parameter-dropped"}


def test_the_existing_adapters_keep_their_behaviour() -> None:
    params = {
        "model": "#g1_nova-2-general",
        "url": URL,
        "keywords": "acme:2",
        "multi_channel": True,
    }
    translation = Nova2Adapter().translate_request(params, model="#g1_nova-2-general")
    assert translation.body == params and translation.notices == []


# -- results -----------------------------------------------------------------


def legacy_shape_problems(body: Any, adapter: ModelAdapter) -> list[str]:
    """Errors against the Deepgram branch, less the required members the adapter says it cannot know."""
    validator = validator_for("legacy-response", "/$defs/deepgramResult")
    problems = []
    for error in validator.iter_errors(body):
        if error.validator == "required":
            path = "/".join(
                "*" if isinstance(part, int) else str(part) for part in error.absolute_path
            )
            missing = [name for name in error.validator_value if name not in error.instance]
            pointers = [f"/{path}/{name}" if path else f"/{name}" for name in missing]
            if all(pointer in adapter.result_omissions for pointer in pointers):
                continue
        problems.append(f"{list(error.absolute_path)}: {error.message}")
    return problems


FACTS = recognizer.audio_facts(url="https://example.com/audio/weekly-sync.mp3")


def test_assemblyai_result_becomes_the_legacy_shape_with_speakers_as_numbers() -> None:
    adapter = AssemblyAIAdapter()
    request = {"model": "aai/universal", "url": URL, "speaker_labels": True, "summarization": True}
    result = recognizer.assemblyai_result("gen-1", "aai/universal", request, FACTS)
    body = adapter.translate_result(
        result, generation_id="gen-1", request=request, source_family="deepgram"
    )
    assert legacy_shape_problems(body, adapter) == []
    assert body["metadata"]["request_id"] == "gen-1"
    assert body["metadata"]["duration"] == result["audio_duration"]
    assert body["metadata"]["channels"] == 1
    assert body["metadata"]["models"] == ["aai/universal"]
    alternative = body["results"]["channels"][0]["alternatives"][0]
    assert alternative["transcript"] == result["text"]
    assert alternative["confidence"] == result["confidence"]
    assert len(alternative["words"]) == len(result["words"])
    letters = {word["speaker"] for word in result["words"]}
    assert len(letters) > 1  # the recognizer did change speakers
    for ours, theirs in zip(alternative["words"], result["words"]):
        assert ours["start"] == pytest.approx(theirs["start"] / 1000)
        assert ours["end"] == pytest.approx(theirs["end"] / 1000)
        assert ours["punctuated_word"] == theirs["text"]
        assert ours["word"] == theirs["text"].lower().strip(".?")
        assert ours["speaker"] == "ABCDEFGH".index(theirs["speaker"])
    utterances = body["results"]["utterances"]
    assert [u["transcript"] for u in utterances] == [u["text"] for u in result["utterances"]]
    assert [u["speaker"] for u in utterances] == [
        "ABCDEFGH".index(u["speaker"]) for u in result["utterances"]
    ]
    assert utterances[0]["start"] == pytest.approx(result["utterances"][0]["start"] / 1000)
    assert body["results"]["summary"]["short"] == result["summary"]


def test_assemblyai_words_carry_no_speaker_unless_asked() -> None:
    adapter = AssemblyAIAdapter()
    request = {"model": "aai/slam-1", "url": URL, "format_text": False}
    result = recognizer.assemblyai_result("gen-2", "aai/slam-1", request, FACTS)
    body = adapter.translate_result(
        result, generation_id="gen-2", request=request, source_family="deepgram"
    )
    assert legacy_shape_problems(body, adapter) == []
    words = body["results"]["channels"][0]["alternatives"][0]["words"]
    assert words and all("speaker" not in word for word in words)
    assert all(word["word"] == word["punctuated_word"] for word in words)  # unformatted text
    assert "utterances" not in body["results"]


def test_multichannel_assemblyai_result_gives_one_channel_per_audio_channel() -> None:
    adapter = AssemblyAIAdapter()
    request = {"model": "aai/universal", "url": URL, "multichannel": True}
    left = recognizer.assemblyai_result("gen-3", "aai/universal", request, FACTS)
    other = recognizer.audio_facts(url="https://example.com/audio/other.mp3")
    right = recognizer.assemblyai_result("gen-3", "aai/universal", request, other)
    words = sorted(
        [{**word, "channel": "1"} for word in left["words"]]
        + [{**word, "channel": "2"} for word in right["words"]],
        key=lambda word: word["start"],
    )
    result = {**left, "words": words, "text": f"{left['text']} {right['text']}"}
    body = adapter.translate_result(
        result, generation_id="gen-3", request=request, source_family="deepgram"
    )
    assert legacy_shape_problems(body, adapter) == []
    channels = body["results"]["channels"]
    assert body["metadata"]["channels"] == 2 and len(channels) == 2
    for channel, source in zip(channels, (left, right)):
        alternative = channel["alternatives"][0]
        assert alternative["transcript"] == source["text"]
        assert [w["punctuated_word"] for w in alternative["words"]] == [
            w["text"] for w in source["words"]
        ]
        mean = sum(w["confidence"] for w in source["words"]) / len(source["words"])
        assert alternative["confidence"] == pytest.approx(mean)


def test_legacy_assemblyai_callers_get_the_transcript_object_unchanged() -> None:
    adapter = AssemblyAIAdapter()
    request = {"model": "aai/universal", "url": URL}
    result = recognizer.assemblyai_result("gen-4", "aai/universal", request, FACTS)
    assert adapter.translate_result(result, generation_id="gen-4", request=request) is result
    assert validator_for("legacy-response", "/$defs/assemblyaiTranscript").is_valid(result)


def test_detected_language_is_reported_per_channel() -> None:
    adapter = AssemblyAIAdapter()
    request = {"model": "aai/universal", "url": URL, "language_detection": True}
    result = recognizer.assemblyai_result("gen-5", "aai/universal", request, FACTS)
    body = adapter.translate_result(
        result, generation_id="gen-5", request=request, source_family="deepgram"
    )
    channel = body["results"]["channels"][0]
    assert channel["detected_language"] == "en-US"  # the recognizer's `en_us`
    assert channel["language_confidence"] == result["language_confidence"]


@pytest.mark.parametrize(
    ("adapter", "model"),
    [
        (OpenAITranscribeAdapter(), "openai/gpt-4o-transcribe"),
        (MAITranscribeAdapter(), "microsoft/mai-transcribe-1.5"),
    ],
    ids=_id,
)
def test_text_results_become_the_legacy_shape_without_invented_words(
    adapter: ModelAdapter, model: str
) -> None:
    request = {"model": model, "url": URL}
    result = recognizer.openai_result("gen-6", model, request, FACTS)
    body = adapter.translate_result(
        result, generation_id="gen-6", request=request, source_family="deepgram"
    )
    assert legacy_shape_problems(body, adapter) == []
    alternative = body["results"]["channels"][0]["alternatives"][0]
    assert alternative["transcript"] == result["text"]
    assert "words" not in alternative and "confidence" not in alternative
    assert "duration" not in body["metadata"]
    assert body["metadata"]["request_id"] == "gen-6" and body["metadata"]["models"] == [model]
    assert body["metadata"]["usage"] == result["usage"]
    assert any("words" in note for note in adapter.result_notes)


def test_legacy_openai_callers_get_the_text_result_unchanged() -> None:
    adapter = OpenAITranscribeAdapter()
    request = {"model": "openai/gpt-4o-mini-transcribe", "url": URL}
    result = recognizer.openai_result("gen-7", "openai/gpt-4o-mini-transcribe", request, FACTS)
    assert adapter.translate_result(result, generation_id="gen-7", request=request) is result
    # MAI has no legacy payloads of its own: its callers always read the Deepgram shape
    mai = MAITranscribeAdapter().translate_result(result, generation_id="gen-7", request={})
    assert "metadata" in mai


def test_nova3_results_are_already_in_the_legacy_shape() -> None:
    adapter = Nova3Adapter()
    request = {
        "model": "nova-3",
        "url": URL,
        "diarize": True,
        "multichannel": True,
        "paragraphs": True,
    }
    stereo = recognizer.AudioFacts(FACTS.sha256, FACTS.duration, 2)
    result = recognizer.deepgram_result("gen-8", "nova-3", request, stereo, arch="nova-3")
    body = adapter.translate_result(result, generation_id="gen-8", request=request)
    assert validator_for("legacy-response", "/$defs/deepgramResult").is_valid(body)
    assert len(body["results"]["channels"]) == 2
    assert adapter.result_omissions == ()


MAI = recognizer.mai_result("g", "microsoft/mai-transcribe-1.5", {}, FACTS)
DEEPGRAM = recognizer.deepgram_result("g", "nova-3", {}, FACTS, arch="nova-3")
ASSEMBLYAI = recognizer.assemblyai_result("g", "aai/universal", {}, FACTS)
OPENAI = recognizer.openai_result("g", "openai/gpt-4o-transcribe", {}, FACTS)

#: Results no model adapter can turn into the legacy body: each must be recognized by none.
UNKNOWN_SHAPES: list[Any] = [
    None,
    "a transcript",
    ["text"],
    {},
    {"transcript": "hello"},
    {"text": 5},
    {"text": "hi", "usage": "free"},
    {"text": "hi", "usage": {"credits": 3}},
    {"metadata": {}, "results": {}},
    {"metadata": "x", "results": {"channels": []}},
    {"results": {"channels": []}},
    {"id": "abc", "status": "completed"},
    {"id": 7, "status": "completed", "text": "hi"},
    {"status": "completed", "text": "hi"},
]


def test_each_adapter_recognizes_its_own_result_shape() -> None:
    recognized = {
        type(adapter).__name__: [
            adapter.recognizes_result(result) for result in (DEEPGRAM, ASSEMBLYAI, OPENAI, MAI)
        ]
        for adapter in [Nova2Adapter(), WhisperAdapter(), *ADAPTERS]
    }
    assert recognized == {
        "Nova2Adapter": [True, False, False, False],
        "WhisperAdapter": [True, False, False, False],
        "Nova3Adapter": [True, False, False, False],
        "AssemblyAIAdapter": [False, True, False, False],
        # both text transcribers read either usage: the translation copies it unread
        "OpenAITranscribeAdapter": [False, False, True, True],
        "MAITranscribeAdapter": [False, False, True, True],
    }


@pytest.mark.parametrize("result", UNKNOWN_SHAPES, ids=repr)
def test_no_built_in_adapter_claims_a_result_of_unknown_shape(result: Any) -> None:
    assert result_shape(result) is None
    for adapter in [Nova2Adapter(), WhisperAdapter(), *ADAPTERS]:
        assert not adapter.recognizes_result(result), type(adapter).__name__


def test_result_shapes_are_named() -> None:
    assert result_shape(DEEPGRAM) == "deepgram"
    assert result_shape(ASSEMBLYAI) == "assemblyai"
    assert result_shape(OPENAI) == "openai"
    assert result_shape(MAI) == "mai"
    assert result_shape({"text": "hi"}) == "text"
    assert result_shape({"text": "hi", "usage": {"type": "duration", "seconds": 3}}) == "openai"
    # the published schema's single `channels` object is still the Deepgram shape
    single = {**DEEPGRAM, "results": {"channels": DEEPGRAM["results"]["channels"][0]}}
    assert result_shape(single) == "deepgram"
    for adapter in [Nova2Adapter(), WhisperAdapter(), *ADAPTERS]:
        assert adapter.result_shapes and set(adapter.result_shapes) <= set(RESULT_SHAPES)


def test_a_recognized_result_always_translates_into_the_legacy_shape() -> None:
    for adapter in [Nova2Adapter(), *ADAPTERS]:
        for result in (DEEPGRAM, ASSEMBLYAI, OPENAI, MAI):
            if adapter.recognizes_result(result):
                body = adapter.translate_result(
                    json.loads(json.dumps(result)),
                    generation_id="g",
                    request={"model": adapter.target_models[0]},
                    source_family="deepgram",
                )
                assert legacy_shape_problems(body, adapter) == [], type(adapter).__name__


def test_mai_result_becomes_the_legacy_shape_keeping_its_usage() -> None:
    adapter = MAITranscribeAdapter()
    request = {"model": "microsoft/mai-transcribe-1.5", "url": URL}
    assert set(MAI) == {"text", "usage"} and set(MAI["usage"]) == {"seconds", "cost"}
    body = adapter.translate_result(MAI, generation_id="mai-1", request=request)
    assert legacy_shape_problems(body, adapter) == []
    assert body["results"]["channels"][0]["alternatives"][0]["transcript"] == MAI["text"]
    assert body["metadata"]["usage"] == MAI["usage"]
    assert body["metadata"]["models"] == ["microsoft/mai-transcribe-1.5"]
    assert "duration" not in body["metadata"]  # seconds billed are not the audio's length
    assert validator_for("legacy-response", "/$defs/maiTranscription").is_valid(MAI)


# -- words: what the tables call each row ---------------------------------------


@pytest.mark.parametrize("adapter", [Nova2Adapter(), WhisperAdapter(), *ADAPTERS], ids=_id)
def test_row_kinds_say_what_happens(adapter: ModelAdapter) -> None:
    for rule, row in zip(adapter.parameter_rules, adapter.mapping_rows()):
        if rule.target is None:
            # "not needed" only where the target does what was asked without being told
            assert row.kind == ("not-needed" if rule.honoured is not None else "dropped"), rule
            assert row.note, f"{rule.legacy} is not sent without a reason"
        else:
            assert row.kind in ("passed", "renamed", "transformed")
            assert not rule.off_is_default and rule.honoured is None, rule


def test_openai_punctuate_is_not_needed_not_dropped() -> None:
    rows = {row.legacy: row for row in OpenAITranscribeAdapter().mapping_rows()}
    assert rows["punctuate"].kind == "not-needed"
    assert rows["detect_language"].kind == "not-needed"
    assert rows["diarize"].kind == "dropped" and rows["diarize"].off_is_default
    assert not rows["punctuate"].off_is_default  # it always punctuates: `false` is dropped


@pytest.mark.parametrize(
    ("adapter", "model"),
    [
        (OpenAITranscribeAdapter(), "openai/gpt-4o-transcribe"),
        (MAITranscribeAdapter(), "microsoft/mai-transcribe-1.5"),
    ],
    ids=_id,
)
def test_switching_off_what_the_target_never_does_is_not_a_loss(
    adapter: ModelAdapter, model: str
) -> None:
    translation = adapter.translate_request(
        {
            "model": "#g1_nova-2-meeting",
            "url": URL,
            "diarize": False,
            "paragraphs": False,
            "summarize": False,
            "diarize_version": "latest",
            "smart_format": False,
        },
        model=model,
    )
    assert codes(translation) == {
        "/diarize": "parameter-not-needed",
        "/paragraphs": "parameter-not-needed",
        "/summarize": "parameter-not-needed",
        "/diarize_version": "parameter-dropped",
        "/smart_format": "parameter-dropped",  # the model formats its own way: not honoured
    }
    off = next(notice for notice in translation.notices if notice.pointer == "/diarize")
    assert not off.lossy and "`diarize" in off.message and model in off.message
    on = adapter.translate_request(
        {"model": "#g1_nova-2-meeting", "url": URL, "diarize": True}, model=model
    )
    assert codes(on) == {"/diarize": "parameter-dropped"}


# -- keywords -> several keyterms --------------------------------------------------


@pytest.mark.parametrize("model", ["nova-3", "nova-3-general", "nova-3-medical"])
def test_comma_separated_keywords_become_several_keyterms(model: str) -> None:
    translation = Nova3Adapter().translate_request(
        {"model": "#g1_nova-2-general", "url": URL, "keywords": "acme, widget:2"}, model=model
    )
    assert translation.body == {"model": model, "url": URL, "keyterm": ["acme", "widget"]}
    (notice,) = translation.notices
    assert notice.code == "parameter-renamed" and not notice.lossy
    assert '["acme", "widget"]' in notice.message


def test_keyword_lists_split_on_commas_and_keep_suppressions_out() -> None:
    assert keyword_terms("acme, widget:2") == ["acme", "widget"]
    assert keyword_terms(" acme ,, widget:2 , acme:1 ") == ["acme", "widget"]
    partly = keyword_terms("acme, uh:-4, widget:0")
    assert isinstance(partly, PartlyTranslated) and partly.value == ["acme"]
    assert "`uh:-4`" in partly.lost and "`widget:0`" in partly.lost
    with pytest.raises(CannotTranslate):
        keyword_terms(" , ")
    translation = AssemblyAIAdapter().translate_request(
        {"model": "#g1_nova-2-general", "url": URL, "keywords": "acme, widget:2, uh:-1"},
        model="aai/universal",
    )
    assert translation.body["word_boost"] == ["acme", "widget"]
    assert [n.code for n in translation.notices] == ["parameter-renamed", "parameter-dropped"]
    rule = Nova3Adapter().rule_for("keywords")
    assert rule is not None and "comma" in rule.note and "intensifier" in rule.note


# -- the nova-3 models ----------------------------------------------------------


def test_nova3_serves_its_general_and_medical_models_with_notes_per_model() -> None:
    adapter = Nova3Adapter()
    assert adapter.target_models == ("nova-3", "nova-3-general", "nova-3-medical")
    enum = load_schema("create-nova-3")["properties"]["model"]["enum"]
    assert set(adapter.target_models) == set(enum)
    assert set(adapter.model_notes) == set(adapter.target_models)
    assert "Nova-3 General only" in " ".join(adapter.model_notes["nova-3-general"])
    assert "Nova-3 Medical only" in " ".join(adapter.model_notes["nova-3-medical"])
    for model in ("nova-3-general", "nova-3-medical"):
        assert "per minute" in " ".join(adapter.model_notes[model])
    assert adapter.target_for("#g1_nova-2-general") == "nova-3"  # the plain id by default
    assert adapter.describe()["model_notes"]["nova-3-medical"]
