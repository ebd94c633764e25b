"""The emulator follows the published description, including what it rejects (raw HTTP, no client)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from _support import EXAMPLES, SECRET_KEY

from legacy_stt.schema import validator_for
from legacy_stt.testing import Emulator

AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}
URL = "https://example.com/audio/call.mp3"


def create(service: Emulator, body: dict[str, Any], **kwargs: Any) -> requests.Response:
    return requests.post(
        f"{service.url}/v1/stt/create", json=body, headers=AUTH, timeout=5, **kwargs
    )


def poll_until_done(service: Emulator, generation_id: str) -> dict[str, Any]:
    for _ in range(200):
        answer = requests.get(
            f"{service.url}/v1/stt/{generation_id}", headers=AUTH, timeout=5
        ).json()
        if answer["status"] not in ("queued", "generating", "waiting", "active"):
            return answer
        time.sleep(0.01)
    raise AssertionError("job never finished")


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            {"model": "#g1_nova-2-general", "url": URL, "diarise": True},
            "property diarise should not exist",
        ),
        (
            {"model": "#g1_nova-2-general", "url": URL, "multichannel": True},
            "property multichannel should not exist",
        ),
        (
            {"model": "nova-3", "url": URL, "multi_channel": True},
            "property multi_channel should not exist",
        ),
        (
            {"model": "openai/gpt-4o-transcribe", "url": URL, "response_format": "json"},
            "property response_format should not exist",
        ),
        (
            {"model": "#g1_nova-2-general", "url": URL, "diarize": "yes"},
            "diarize: 'yes' is not of type",
        ),
        (
            {"model": "aai/universal", "url": URL, "speech_threshold": 3},
            "speech_threshold: 3 is greater than the maximum of 1",
        ),
        ({"model": "#g1_nova-2-general"}, "Either url or audio must be provided"),
        ({"model": "nova-3", "url": URL, "audio": "x"}, "not both"),
        ({"model": "deepgram/nova-3", "url": URL}, "is not supported"),
        ({"url": URL}, "model must be a string"),
    ],
)
def test_create_rejects_what_the_model_does_not_take(
    stt_emulator: Emulator, body: dict[str, Any], expected: str
) -> None:
    answer = create(stt_emulator, body)
    assert answer.status_code == 400
    message = answer.json()["message"]
    assert expected in (message if isinstance(message, str) else " | ".join(message))
    assert stt_emulator.jobs == {}


@pytest.mark.parametrize(
    "body",
    [
        {"model": "#g1_nova-2-general", "url": URL, "diarize": None},
        {"model": "nova-2-general", "url": URL},
        {"model": "#g1_whisper-large", "url": URL, "language": "en"},
        {"model": "whisper-base", "url": URL},
        {
            "model": "nova-3",
            "url": URL,
            "multichannel": True,
            "keyterm": ["acme"],
            "mip_opt_out": True,
        },
        {"model": "aai/slam-1", "url": URL, "speaker_labels": True, "language_code": "en_us"},
        {
            "model": "openai/gpt-4o-mini-transcribe",
            "url": URL,
            "temperature": 0.2,
            "prompt": "names",
        },
        {"model": "microsoft/mai-transcribe-1.5", "url": URL, "top_p": 0.9},
    ],
)
def test_create_accepts_each_models_own_parameters(
    stt_emulator: Emulator, body: dict[str, Any]
) -> None:
    answer = create(stt_emulator, body)
    assert answer.status_code == 200, answer.text
    assert validator_for("create-response").is_valid(answer.json())


@pytest.mark.parametrize(
    "model, fragment",
    [
        ("#g1_nova-2-general", "/$defs/deepgramResult"),
        ("#g1_whisper-base", "/$defs/deepgramResult"),
        ("nova-3", "/$defs/deepgramResult"),
        ("aai/universal", "/$defs/assemblyaiTranscript"),
        ("openai/gpt-4o-transcribe", "/$defs/openaiTranscription"),
        ("microsoft/mai-transcribe-1.5", "/$defs/openaiTranscription"),
    ],
)
def test_results_have_the_published_shape_of_each_family(
    stt_emulator: Emulator, model: str, fragment: str
) -> None:
    generation_id = create(stt_emulator, {"model": model, "url": URL}).json()["generation_id"]
    answer = poll_until_done(stt_emulator, generation_id)
    assert validator_for("poll-response").is_valid(answer)
    assert answer["status"] == "completed" and answer["error"] is None
    assert validator_for("legacy-response", fragment).is_valid(answer["result"])


def test_multipart_upload_with_string_fields_is_typed_by_the_schema(stt_emulator: Emulator) -> None:
    wav = (EXAMPLES / "audio" / "beeps.wav").read_bytes()
    # as Python's requests writes booleans (True), and as JavaScript does (true)
    fields = [
        ("model", "#g1_nova-2-general"),
        ("punctuate", "True"),
        ("diarize", "true"),
        ("utt_split", "0.8"),
        ("tag", "a"),
        ("tag", "b"),
    ]
    answer = requests.post(
        f"{stt_emulator.url}/v1/stt/create",
        data=fields,
        files={"audio": ("beeps.wav", wav, "audio/wav")},
        headers=AUTH,
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    job = stt_emulator.jobs[answer.json()["generation_id"]]
    assert job.params == {
        "model": "#g1_nova-2-general",
        "punctuate": True,
        "diarize": True,
        "utt_split": 0.8,
        "tag": ["a", "b"],
    }
    assert job.facts.duration == 2.0


def test_upload_under_the_wrong_field_name_is_rejected(stt_emulator: Emulator) -> None:
    answer = requests.post(
        f"{stt_emulator.url}/v1/stt/create",
        data={"model": "#g1_nova-2-general"},
        files={"file": ("a.wav", b"RIFF0000WAVE", "audio/wav")},
        headers=AUTH,
        timeout=5,
    )
    assert answer.status_code == 400 and "'audio'" in answer.json()["message"]
    answer = requests.post(
        f"{stt_emulator.url}/v1/stt/create",
        data={"model": "openai/gpt-4o-transcribe"},
        files={"file": ("a.wav", b"RIFF0000WAVE", "audio/wav")},
        headers=AUTH,
        timeout=5,
    )
    assert answer.status_code == 200


def test_authorization_is_required(stt_emulator: Emulator) -> None:
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Token abc"}):
        answer = requests.post(
            f"{stt_emulator.url}/v1/stt/create",
            json={"model": "#g1_nova-2-general", "url": URL},
            headers=headers,
            timeout=5,
        )
        assert answer.status_code == 401 and answer.json()["statusCode"] == 401
    assert all(not request.authorized for request in stt_emulator.requests)


def test_unknown_and_expired_ids_are_404(stt_emulator: Emulator) -> None:
    assert (
        requests.get(f"{stt_emulator.url}/v1/stt/no-such-id", headers=AUTH, timeout=5).status_code
        == 404
    )
    generation_id = create(stt_emulator, {"model": "#g1_nova-2-general", "url": URL}).json()[
        "generation_id"
    ]
    poll_until_done(stt_emulator, generation_id)
    stt_emulator.result_ttl = 0.0
    assert (
        requests.get(
            f"{stt_emulator.url}/v1/stt/{generation_id}", headers=AUTH, timeout=5
        ).status_code
        == 404
    )


@pytest.mark.parametrize("vocabulary", ["documented", "examples"])
def test_status_words_follow_the_vocabulary(vocabulary: str) -> None:
    with Emulator(vocabulary=vocabulary, job_duration=0.3) as service:
        generation_id = create(service, {"model": "#g1_nova-2-general", "url": URL}).json()[
            "generation_id"
        ]
        seen = []
        for _ in range(100):
            status = requests.get(
                f"{service.url}/v1/stt/{generation_id}", headers=AUTH, timeout=5
            ).json()["status"]
            if not seen or seen[-1] != status:
                seen.append(status)
            if status == "completed":
                break
            time.sleep(0.01)
    expected = (
        ["queued", "generating", "completed"]
        if vocabulary == "documented"
        else ["waiting", "active", "completed"]
    )
    assert seen == expected


@pytest.mark.parametrize("path", ["/v1/stt", "/stt"])
def test_legacy_endpoint_answers_201_with_the_body(stt_emulator: Emulator, path: str) -> None:
    answer = requests.post(
        f"{stt_emulator.url}{path}",
        json={"model": "#g1_nova-2-general", "url": URL, "diarise": True},
        headers=AUTH,
        timeout=5,
    )
    assert answer.status_code == 201
    assert validator_for("legacy-response", "/$defs/deepgramResult").is_valid(answer.json())
    wav = (EXAMPLES / "audio" / "beeps.wav").read_bytes()
    answer = requests.post(
        f"{stt_emulator.url}{path}",
        data={"model": "#g1_whisper-base", "punctuate": "True"},
        files={"audio": ("beeps.wav", wav, "audio/wav")},
        headers=AUTH,
        timeout=5,
    )
    assert answer.status_code == 201 and answer.json()["metadata"]["duration"] == 2.0
    assert stt_emulator.jobs == {}  # the one-call endpoint creates no pollable job


def test_legacy_endpoint_rejects_what_its_schema_rejects(stt_emulator: Emulator) -> None:
    answer = requests.post(
        f"{stt_emulator.url}/v1/stt",
        json={"model": "#g1_nova-2-general", "url": URL, "diarize": "yes"},
        headers=AUTH,
        timeout=5,
    )
    assert answer.status_code == 400
    answer = requests.post(
        f"{stt_emulator.url}/v1/stt", json={"model": "#g1_nova-2-general"}, headers=AUTH, timeout=5
    )
    assert answer.status_code == 400


def test_legacy_endpoint_times_out_on_long_jobs(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = 1.0
    stt_emulator.legacy_timeout = 0.1
    answer = requests.post(
        f"{stt_emulator.url}/v1/stt",
        json={"model": "#g1_nova-2-general", "url": URL},
        headers=AUTH,
        timeout=5,
    )
    assert answer.status_code == 504 and "/v1/stt/create" in answer.json()["message"]


def test_injected_faults_are_consumed_in_order(stt_emulator: Emulator) -> None:
    stt_emulator.rate_limit("create", retry_after="2", times=2)
    stt_emulator.inject("create", 503)
    statuses = [create(stt_emulator, {"model": "#g1_nova-2-general", "url": URL}) for _ in range(4)]
    assert [a.status_code for a in statuses] == [429, 429, 503, 200]
    assert statuses[0].headers["Retry-After"] == "2"
    assert len(stt_emulator.jobs) == 1


def test_a_reset_fault_drops_the_connection(stt_emulator: Emulator) -> None:
    stt_emulator.inject("poll", kind="reset")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stt_emulator.url}/v1/stt/anything", headers=AUTH, timeout=5)


def test_the_authorization_header_is_not_recorded(stt_emulator: Emulator) -> None:
    create(stt_emulator, {"model": "#g1_nova-2-general", "url": URL})
    assert SECRET_KEY not in repr(stt_emulator.requests)


def test_unknown_routes_are_404_json(stt_emulator: Emulator) -> None:
    answer = requests.get(f"{stt_emulator.url}/v2/whatever", headers=AUTH, timeout=5)
    assert answer.status_code == 404 and answer.json()["statusCode"] == 404
