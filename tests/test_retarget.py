"""Moving legacy payloads to newer models, end to end against the emulator over real HTTP."""

from __future__ import annotations

import json
import pathlib
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from _support import FAST_POLLS, SECRET_KEY, audio_for, transcript, valid_examples

import legacy_stt
from legacy_stt import Client, ConfigurationError, PayloadError
from legacy_stt.adapters.openai import MAITranscribeAdapter
from legacy_stt.adapters.registry import default_registry
from legacy_stt.payloads.schema import validator_for
from legacy_stt.testing import Emulator

TARGETS = [
    "nova-3",
    "nova-3-general",
    "nova-3-medical",
    "aai/universal",
    "aai/slam-1",
    "openai/gpt-4o-transcribe",
    "openai/gpt-4o-mini-transcribe",
    "microsoft/mai-transcribe-1.5",
]
URL = "https://example.com/audio/weekly-sync.mp3"

# What the Deepgram shape requires but a target cannot know: left out, never invented
# (each model adapter lists them in `result_omissions`).
_UNKNOWABLE = {"transaction_key", "sha256", "created", "duration", "confidence", "words"}


def legacy_shape_problems(body: Any) -> list[str]:
    validator = validator_for("legacy-response", "/$defs/deepgramResult")
    problems = []
    for error in validator.iter_errors(body):
        missing = error.message.split("'")[1] if error.validator == "required" else None
        if missing not in _UNKNOWABLE:
            problems.append(f"{list(error.absolute_path)}: {error.message}")
    return problems


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def service() -> Iterator[Emulator]:
    with Emulator(job_duration=0.02) as emulator:
        yield emulator


def run(service: Emulator, payload: Any, audio: Any = None, **options: Any) -> Any:
    service.reset()
    with Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS, **options) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", legacy_stt.LegacySTTWarning)
            warnings.simplefilter("ignore", legacy_stt.RemovedInLegacySTT2Warning)
            return client.stt(payload, audio)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("example", valid_examples(), ids=lambda p: p.stem)
def test_every_example_runs_on_every_target_and_reads_the_same(
    service: Emulator, target: str, example: pathlib.Path
) -> None:
    payload = json.loads(example.read_text())
    body = run(service, payload, audio_for(example), target=target)
    (create,) = service.creates  # exactly one job, accepted by the target's create schema
    sent = create.json if create.json is not None else create.form
    assert sent["model"] == target
    assert legacy_shape_problems(body) == []
    assert body["metadata"]["request_id"] in service.jobs  # the generation id
    assert transcript(body)  # old code's way of reading it still works


def test_diarized_words_keep_numeric_speakers_on_assemblyai(service: Emulator) -> None:
    payload = {"model": "#g1_nova-2-meeting", "url": URL, "diarize": True, "language": "en-US"}
    body = run(service, payload, target="aai/universal")
    (create,) = service.creates
    assert create.json["speaker_labels"] is True and create.json["language_code"] == "en_us"
    assert "diarize" not in create.json and "language" not in create.json
    words = body["results"]["channels"][0]["alternatives"][0]["words"]
    assert words and all(isinstance(word["speaker"], int) for word in words)
    assert {word["speaker"] for word in words} <= {0, 1, 2, 3}
    assert all(word["end"] >= word["start"] for word in words)
    assert words[-1]["end"] < 60  # seconds, not AssemblyAI's milliseconds


def test_raw_returns_the_targets_own_result(service: Emulator) -> None:
    payload = {"model": "#g1_nova-2-general", "url": URL}
    legacy = run(service, payload, target="aai/universal")
    raw = run(service, payload, target="aai/universal", raw=True)
    assert "text" in raw and "results" not in raw  # the AssemblyAI transcript object
    assert transcript(legacy) == raw["text"]
    with Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS) as client:
        generation_id = client.submit(payload)
        assert "results" in client.result(generation_id)
        assert "results" in client.result(generation_id, raw=True)  # nova-2 is Deepgram-shaped


def test_openai_result_keeps_only_what_it_knows(service: Emulator) -> None:
    body = run(
        service, {"model": "#g1_whisper-base", "url": URL}, target="openai/gpt-4o-transcribe"
    )
    alternative = body["results"]["channels"][0]["alternatives"][0]
    assert alternative["transcript"]
    assert "words" not in alternative and "confidence" not in alternative  # not invented


def test_openai_upload_goes_under_file(service: Emulator) -> None:
    audio = pathlib.Path(__file__).parent.parent / "examples" / "audio" / "beeps.wav"
    run(service, {"model": "#g1_nova-2-general"}, audio, target="openai/gpt-4o-mini-transcribe")
    (create,) = service.creates
    assert set(create.files) == {"file"}


def test_mapping_target_moves_only_the_models_it_names(service: Emulator) -> None:
    target = {"#g1_nova-2-meeting": "nova-3"}
    run(service, {"model": "#g1_nova-2-meeting", "url": URL, "multi_channel": True}, target=target)
    assert service.creates[0].json == {"model": "nova-3", "url": URL, "multichannel": True}
    run(service, {"model": "#g1_nova-2-general", "url": URL}, target=target)
    assert service.creates[0].json["model"] == "#g1_nova-2-general"


def test_dropped_parameter_warns_naming_parameter_model_and_reason(service: Emulator) -> None:
    service.reset()
    with Client(
        SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS, target="nova-3"
    ) as client:
        with pytest.warns(legacy_stt.DroppedParameterWarning) as caught:
            client.submit({"model": "#g1_nova-2-general", "url": URL, "diarize_version": "2"})
    message = str(caught[0].message)
    assert "`diarize_version`" in message and "nova-3" in message and "version" in message
    assert "diarize_version" not in service.creates[0].json


def test_strict_refuses_a_lossy_translation_before_sending(service: Emulator) -> None:
    service.reset()
    client = Client(
        SECRET_KEY, base_url=service.url, strict=True, target="openai/gpt-4o-transcribe"
    )
    with pytest.raises(PayloadError) as caught:
        client.submit({"model": "#g1_nova-2-general", "url": URL, "diarize": True})
    assert caught.value.problems[0].pointer == "/diarize"
    assert service.requests == []  # nothing sent


def test_target_name_wins_over_the_legacy_name(service: Emulator) -> None:
    service.reset()
    payload = {
        "model": "#g1_nova-2-general",
        "url": URL,
        "keywords": "alpha:2",
        "keyterm": ["beta"],
    }
    with Client(
        SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS, target="nova-3"
    ) as client:
        with pytest.warns(legacy_stt.ConflictingParameterWarning, match="keyterm"):
            client.submit(payload)
    assert service.creates[0].json["keyterm"] == ["beta"]


def test_no_value_is_invented(service: Emulator) -> None:
    for target in TARGETS:
        run(service, {"model": "#g1_nova-2-general", "url": URL}, target=target)
        assert service.creates[0].json == {"model": target, "url": URL}


def test_unknown_target_is_refused_when_the_client_is_made() -> None:
    with pytest.raises(ConfigurationError, match="did you mean 'nova-3'"):
        Client(SECRET_KEY, target="nova-4")
    with pytest.raises(ConfigurationError, match="mapping"):
        Client(SECRET_KEY, target=["nova-3"])  # type: ignore[arg-type]


MAI = "microsoft/mai-transcribe-1.5"


def test_a_mai_job_is_followed_and_its_result_read_as_the_legacy_body(service: Emulator) -> None:
    body = run(service, {"model": "#g1_nova-2-general", "url": URL}, target=MAI)
    (create,) = service.creates
    generation_id = body["metadata"]["request_id"]
    assert generation_id in service.jobs
    assert not is_uuid(generation_id)  # the create answer's id is not a UUID, and it is followed
    raw = service.jobs[generation_id].result
    assert set(raw) == {"text", "usage"} and set(raw["usage"]) == {"seconds", "cost"}
    assert legacy_shape_problems(body) == []
    assert transcript(body) == raw["text"]
    assert body["metadata"]["usage"] == raw["usage"] and body["metadata"]["models"] == [MAI]
    assert create.json == {"model": MAI, "url": URL}


def test_a_mai_job_from_elsewhere_is_recognized_by_its_result(service: Emulator) -> None:
    service.reset()
    with Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS, target=MAI) as client:
        generation_id = client.submit({"model": "#g1_nova-2-general", "url": URL})
        raw = client.result(generation_id, raw=True)
    assert set(raw) == {"text", "usage"}
    assert isinstance(default_registry.adapter_for_result(raw), MAITranscribeAdapter)
    # another client, that never saw the job: the result's shape says which model adapter reads it
    with Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS) as other:
        body = other.result(generation_id)
        named = other.result(generation_id, model=MAI)
    assert transcript(body) == transcript(named) == raw["text"]
    assert named["metadata"]["models"] == [MAI]


@pytest.mark.parametrize("target", ["nova-3", "nova-3-general", "nova-3-medical"])
def test_comma_separated_keywords_reach_nova3_as_several_keyterms(
    service: Emulator, target: str
) -> None:
    payload = {"model": "#g1_nova-2-medical", "url": URL, "keywords": "acme, widget:2"}
    body = run(service, payload, target=target)
    (create,) = service.creates
    assert create.json == {"model": target, "url": URL, "keyterm": ["acme", "widget"]}
    (info,) = body["metadata"]["model_info"].values()
    assert info["arch"] == "nova-3" and info["name"] == target
