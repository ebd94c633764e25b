"""The emulator follows the published description, including what it rejects (raw HTTP, no client)."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import warnings
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from _support import EXAMPLES, FAST_POLLS, SECRET_KEY

from legacy_stt import Client, UnknownStatusWarning
from legacy_stt.payloads.schema import validator_for
from legacy_stt.testing import Emulator, recognizer
from legacy_stt.testing import emulator as emulator_module

AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}
URL = "https://example.com/audio/call.mp3"


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def create(service: Emulator, body: dict[str, Any], **kwargs: Any) -> requests.Response:
    return requests.post(
        f"{service.url}/v1/stt/create", json=body, headers=AUTH, timeout=5, **kwargs
    )


def poll_until_done(service: Emulator, generation_id: str) -> dict[str, Any]:
    for _ in range(200):
        answer = requests.get(
            f"{service.url}/v1/stt/{generation_id}", headers=AUTH, timeout=5
        ).json()
        if answer["status"] not in ("queued", "generating", "waiting", "active", "processing"):
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
        {"model": "nova-3-general", "url": URL, "keyterm": ["acme"], "multichannel": True},
        {"model": "nova-3-medical", "url": URL, "keyterm": "ibuprofen", "redact": ["pci"]},
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
        ("nova-3-general", "/$defs/deepgramResult"),
        ("nova-3-medical", "/$defs/deepgramResult"),
        ("microsoft/mai-transcribe-1.5", "/$defs/maiTranscription"),
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


@pytest.mark.parametrize("model", ["nova-3", "nova-3-general", "nova-3-medical"])
def test_nova3_models_answer_nova3_shaped_results(stt_emulator: Emulator, model: str) -> None:
    generation_id = create(stt_emulator, {"model": model, "url": URL}).json()["generation_id"]
    result = poll_until_done(stt_emulator, generation_id)["result"]
    (info,) = result["metadata"]["model_info"].values()
    assert info["arch"] == "nova-3" and info["name"] == model
    assert result["results"]["channels"][0]["alternatives"][0]["transcript"]


def test_mai_create_answer_has_a_status_and_an_id_that_is_no_uuid(stt_emulator: Emulator) -> None:
    answer = create(stt_emulator, {"model": "microsoft/mai-transcribe-1.5", "url": URL})
    assert answer.status_code == 200
    created = answer.json()
    assert set(created) == {"generation_id", "status"} and created["status"] == "queued"
    assert not is_uuid(created["generation_id"])
    assert validator_for("create-response").is_valid(created)
    finished = poll_until_done(stt_emulator, created["generation_id"])
    assert finished["generation_id"] == created["generation_id"]
    assert set(finished["result"]) == {"text", "usage"}
    assert set(finished["result"]["usage"]) == {"seconds", "cost"}
    assert (
        finished["result"]["usage"]["seconds"]
        == stt_emulator.jobs[created["generation_id"]].facts.duration
    )
    # other models answer with the id only, a UUID
    other = create(stt_emulator, {"model": "openai/gpt-4o-transcribe", "url": URL}).json()
    assert set(other) == {"generation_id"} and is_uuid(other["generation_id"])


def test_processing_is_a_not_yet_status_the_client_waits_through() -> None:
    words = {"pending": "queued", "running": "processing", "done": "completed", "failed": "error"}
    with Emulator(vocabulary=words, job_duration=0.6) as service:
        with Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS) as client:
            generation_id = client.submit({"model": "#g1_nova-2-general", "url": URL})
            # the emulator does answer `processing` while the job runs ...
            for _ in range(100):
                status = requests.get(
                    f"{service.url}/v1/stt/{generation_id}", headers=AUTH, timeout=5
                ).json()["status"]
                if status != "queued":
                    break
                time.sleep(0.01)
            assert status == "processing"
            # ... and the client reads it as "not yet", without a warning, until the result
            with warnings.catch_warnings():
                warnings.simplefilter("error", UnknownStatusWarning)
                body = client.result(generation_id)
    assert body["results"]["channels"][0]["alternatives"][0]["transcript"]
    assert len(service.polls) > 2


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
    # pending for 0.2 s: the first look must come before it ends, even on a loaded machine
    with Emulator(vocabulary=vocabulary, job_duration=1.0) as service:
        generation_id = create(service, {"model": "#g1_nova-2-general", "url": URL}).json()[
            "generation_id"
        ]
        seen = []
        for _ in range(300):
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


# -- streamed request bodies ---------------------------------------------------


def test_audio_facts_are_the_same_from_bytes_and_from_a_file(tmp_path: Any) -> None:
    samples = [
        (EXAMPLES / "audio" / "beeps.wav").read_bytes(),
        (EXAMPLES / "audio" / "beeps-stereo.wav").read_bytes(),
        b"RIFF0000WAVE",  # a broken WAV header: treated as compressed audio
        os.urandom(3 * 1024 * 1024 + 17),  # several hashing chunks
    ]
    for data in samples:
        from_bytes = recognizer.audio_facts(audio=data)
        # a real (disk) file, with bytes before and after the audio
        path = tmp_path / "audio.bin"
        path.write_bytes(b"head" + data + b"tail")
        with path.open("rb") as file:
            file.seek(4)
            assert recognizer.audio_facts(file=file, size=len(data)) == from_bytes
            assert file.tell() == 4  # left where it started
        with path.open("rb") as file:
            file.seek(4)
            # without a size it reads to the end: here the tail counts
            assert recognizer.audio_facts(file=file) == recognizer.audio_facts(audio=data + b"tail")
    assert recognizer.audio_facts(url=URL) == recognizer.audio_facts(url=URL)


def _multipart(fields: list[tuple[str, str]], audio: bytes) -> tuple[bytes, str]:
    from requests_toolbelt import MultipartEncoder

    encoder = MultipartEncoder(fields=[*fields, ("audio", ("big.bin", audio, "audio/mpeg"))])
    return encoder.to_string(), encoder.content_type


def test_a_large_upload_is_spooled_and_its_file_closed_after_the_request(
    stt_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    forms: list[Any] = []
    real_parse = emulator_module.parse_multipart

    def recording_parse(*args: Any, **kwargs: Any) -> Any:
        form = real_parse(*args, **kwargs)
        forms.append(form)
        return form

    monkeypatch.setattr(emulator_module, "parse_multipart", recording_parse)
    audio = os.urandom(2 * 1024 * 1024)  # well over the in-memory spool limit
    body, content_type = _multipart([("model", "#g1_nova-2-general")], audio)
    answer = requests.post(
        f"{stt_emulator.url}/v1/stt/create",
        data=body,
        headers={**AUTH, "Content-Type": content_type},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    job = stt_emulator.jobs[answer.json()["generation_id"]]
    assert job.facts.sha256 == hashlib.sha256(audio).hexdigest()
    assert stt_emulator.creates[0].files == {"audio": ("big.bin", "audio/mpeg", len(audio))}
    [form] = forms
    assert form.files and all(part.file.closed for part in form.files)


@pytest.mark.parametrize("path", ["/v1/stt/create", "/v1/stt"])
def test_a_chunked_multipart_body_is_read_like_one_with_a_length(
    stt_emulator: Emulator, path: str
) -> None:
    wav = (EXAMPLES / "audio" / "beeps.wav").read_bytes()
    body, content_type = _multipart([("model", "#g1_whisper-base"), ("punctuate", "true")], wav)

    def pieces() -> Any:  # a generator body: requests sends it with Transfer-Encoding: chunked
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    answer = requests.post(
        f"{stt_emulator.url}{path}",
        data=pieces(),
        headers={**AUTH, "Content-Type": content_type},
        timeout=10,
    )
    assert answer.request.headers.get("Transfer-Encoding") == "chunked"
    assert answer.status_code in (200, 201), answer.text
    [record] = stt_emulator.requests
    assert record.form == {"model": "#g1_whisper-base", "punctuate": True}
    assert record.files == {"audio": ("big.bin", "audio/mpeg", len(wav))}
    if path == "/v1/stt":
        assert answer.json()["metadata"]["duration"] == 2.0


def test_a_file_part_without_a_type_is_recorded_as_text_plain(stt_emulator: Emulator) -> None:
    path = EXAMPLES / "audio" / "beeps.wav"
    with path.open("rb") as audio:  # requests sends no Content-Type for this part
        answer = requests.post(
            f"{stt_emulator.url}/v1/stt/create",
            data={"model": "#g1_nova-2-general"},
            files={"audio": audio},
            headers=AUTH,
            timeout=5,
        )
    assert answer.status_code == 200, answer.text
    assert stt_emulator.creates[0].files == {
        "audio": ("beeps.wav", "text/plain", path.stat().st_size)
    }


@pytest.mark.parametrize(
    "content_type, body, expected",
    [
        ("multipart/form-data", b"--x\r\n", "Multipart: Boundary not found"),
        ("multipart/form-data; boundary=x", b"no parts at all", "Multipart: "),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="model"\r\n\r\nnova-3\r\n--x',
            "Multipart: ",
        ),
    ],
)
def test_a_multipart_body_that_cannot_be_read_is_400(
    stt_emulator: Emulator, content_type: str, body: bytes, expected: str
) -> None:
    with requests.Session() as session:  # the same connection is usable afterwards
        answer = session.post(
            f"{stt_emulator.url}/v1/stt/create",
            data=body,
            headers={**AUTH, "Content-Type": content_type},
            timeout=5,
        )
        assert answer.status_code == 400
        assert answer.json()["statusCode"] == 400 and answer.json()["message"].startswith(expected)
        assert create(stt_emulator, {"model": "nova-3", "url": URL}).status_code == 200
        again = session.post(
            f"{stt_emulator.url}/v1/stt/create",
            json={"model": "nova-3", "url": URL},
            headers=AUTH,
            timeout=5,
        )
        assert again.status_code == 200
    assert stt_emulator.jobs and len(stt_emulator.jobs) == 2


def test_an_empty_upload_is_still_refused(stt_emulator: Emulator) -> None:
    answer = requests.post(
        f"{stt_emulator.url}/v1/stt/create",
        data={"model": "#g1_nova-2-general"},
        files={"audio": ("empty.wav", b"", "audio/wav")},
        headers=AUTH,
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json()["message"] == "The uploaded audio is empty"
    assert stt_emulator.jobs == {}


def test_unreadable_body_framing_is_400_and_closes_the_connection(stt_emulator: Emulator) -> None:
    address = urlsplit(stt_emulator.url)
    for head, status in (
        (b"Transfer-Encoding: chunked\r\n\r\nnot-hex\r\n", b"400"),
        (b"Content-Length: many\r\n\r\n", b"400"),
        (b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", b"400"),
        (b"Transfer-Encoding: gzip\r\n\r\n", b"501"),
    ):
        with socket.create_connection((address.hostname, address.port or 80), timeout=5) as sock:
            sock.sendall(
                b"POST /v1/stt/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + head
            )
            received = b""
            while True:
                piece = sock.recv(4096)
                if not piece:
                    break  # the emulator closed the connection
                received += piece
        assert received.startswith(b"HTTP/1.1 " + status + b" "), received[:40]
        assert b'"statusCode": ' + status in received


# -- python -m legacy_stt.testing ------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_the_module_runs_an_emulator_until_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "legacy_stt.testing", "--job-duration", "0.01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(30, process.kill)  # never hang the suite on a silent process
    watchdog.start()
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # flushed by the emulator as soon as it listens
        match = re.fullmatch(r"emulator listening on (http://127\.0\.0\.1:(\d+))\n", line)
        assert match, line
        url = match.group(1)
        answer = requests.post(
            f"{url}/v1/stt/create",
            json={"model": "#g1_nova-2-general", "url": URL},
            headers=AUTH,
            timeout=5,
        )
        assert answer.status_code == 200 and answer.json()["generation_id"]
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err and out == ""
