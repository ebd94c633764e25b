"""Client against the emulator over real HTTP: the legacy flow on the two-step API."""

from __future__ import annotations

import io
import json
import pickle
import time
import warnings
from typing import Any

import pytest
from _speed import FAST_RETRIES
from _support import (
    EXAMPLES,
    FAST_POLLS,
    SECRET_KEY,
    audio_for,
    load_example,
    transcript,
    valid_examples,
)

import legacy_stt
from legacy_stt import (
    APIError,
    AuthenticationError,
    Client,
    ConfigurationError,
    JobMayExist,
    PayloadError,
    PollPolicy,
    PollTimeout,
    RateLimitError,
    ResultExpired,
    ServiceUnreachable,
    TranscriptionFailed,
)
from legacy_stt.payloads.schema import validator_for
from legacy_stt.testing import Emulator

URL = "https://example.com/audio/call.mp3"


def deepgram_body_is_valid(body: Any) -> bool:
    return validator_for("legacy-response", "/$defs/deepgramResult").is_valid(body)


@pytest.mark.parametrize("vocabulary", ["documented", "examples"])
@pytest.mark.parametrize("example", valid_examples(), ids=lambda p: p.stem)
def test_every_example_runs_with_one_create_and_returns_the_legacy_body(
    vocabulary: str, example: Any
) -> None:
    payload = json.loads(example.read_text())
    with Emulator(vocabulary=vocabulary, job_duration=0.05) as service:
        with Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS) as client:
            with warnings.catch_warnings():
                warnings.simplefilter("error", legacy_stt.ParameterWarning)
                warnings.simplefilter("ignore", legacy_stt.RemovedInLegacySTT2Warning)
                body = client.stt(payload, audio=audio_for(example))
        statuses = [r.status for r in service.requests]
        assert len(service.creates) == 1
        assert all(status == 200 for status in statuses)
        # the emulator said "not finished" in the chosen vocabulary at least once before "completed"
        assert len(service.polls) >= 1
    assert deepgram_body_is_valid(body), list(validator_for("legacy-response").iter_errors(body))[
        :1
    ]
    generation_id = body["metadata"]["request_id"]
    assert generation_id in service.jobs
    assert transcript(body).strip()
    # what was sent is the legacy payload itself (same ids, same names)
    create = service.creates[0]
    sent = create.json if create.json is not None else create.form
    expected = {k: v for k, v in payload.items() if k != "audio"}
    assert sent == expected


def test_url_payload_goes_as_json_and_an_upload_as_multipart_field_audio(
    client: Client, stt_emulator: Emulator
) -> None:
    client.submit({"model": "#g1_nova-2-general", "url": URL})
    client.submit(
        {"model": "#g1_whisper-base", "tag": ["a", "b"], "punctuate": True},
        audio=EXAMPLES / "audio" / "beeps.wav",
    )
    first, second = stt_emulator.creates
    assert first.content_type == "application/json" and first.json == {
        "model": "#g1_nova-2-general",
        "url": URL,
    }
    assert second.content_type.startswith("multipart/form-data")
    assert second.form == {"model": "#g1_whisper-base", "tag": ["a", "b"], "punctuate": True}
    assert second.files == {
        "audio": ("beeps.wav", "audio/x-wav", (EXAMPLES / "audio" / "beeps.wav").stat().st_size)
    }


@pytest.mark.parametrize("kind", ["path", "str", "bytes", "file"])
def test_audio_as_path_bytes_or_file_object(
    kind: str, client: Client, stt_emulator: Emulator
) -> None:
    path = EXAMPLES / "audio" / "beeps.wav"
    data = path.read_bytes()
    audio: Any = {"path": path, "str": str(path), "bytes": data, "file": io.BytesIO(data)}[kind]
    body = client.legacy_call({"model": "#g1_whisper-small"}, audio=audio)
    assert body["metadata"]["duration"] == 2.0  # read from the WAV header by the emulator
    assert body["metadata"]["sha256"] == __import__("hashlib").sha256(data).hexdigest()
    assert stt_emulator.creates[0].files["audio"][2] == len(data)


def test_embedded_buffer_audio_is_sent_as_an_upload(client: Client, stt_emulator: Emulator) -> None:
    payload = load_example("valid/whisper-tiny-buffer.json")
    body = client.legacy_call(payload)
    create = stt_emulator.creates[0]
    assert create.files["audio"][0] == "tiny.wav" and create.files["audio"][1] == "audio/wav"
    assert create.files["audio"][2] == len(payload["audio"]["buffer"]["data"])
    assert create.form == {"model": "#g1_whisper-tiny"}
    assert body["metadata"]["duration"] == 0.1


def test_misspelled_parameter_is_warned_about_and_not_sent(
    client: Client, stt_emulator: Emulator
) -> None:
    with pytest.warns(legacy_stt.UnknownParameterWarning, match="did you mean `diarize`") as caught:
        client.submit({"model": "#g1_nova-2-general", "url": URL, "diarise": True})
    assert caught[0].filename == __file__
    assert stt_emulator.creates[0].json == {"model": "#g1_nova-2-general", "url": URL}


def test_strict_refuses_before_anything_is_sent(stt_emulator: Emulator) -> None:
    with Client(SECRET_KEY, base_url=stt_emulator.url, strict=True) as strict_client:
        with pytest.raises(PayloadError) as caught:
            strict_client.submit({"model": "#g1_nova-2-general", "url": URL, "diarise": True})
    assert caught.value.problems[0].code == "unknown-parameter"
    assert stt_emulator.requests == []


@pytest.mark.parametrize(
    "payload, audio",
    [
        ({"model": "#g1_nova-2-general", "diarize": "yes", "url": URL}, None),
        ({"model": "#g1_nova-2-general"}, None),
        ({"model": "#g1_whisper-base"}, "does/not/exist.wav"),
        ({"model": "#g1_whisper-base"}, b""),
        ({"model": "#g1_whisper-base"}, io.StringIO("text")),
        ({"model": "nova-3", "url": URL}, None),
    ],
)
def test_bad_input_is_a_payload_error_and_nothing_is_sent(
    payload: Any, audio: Any, client: Client, stt_emulator: Emulator
) -> None:
    with pytest.raises(PayloadError) as caught:
        client.submit(payload, audio)
    assert caught.value.problems and str(caught.value)
    assert stt_emulator.requests == []


def test_stt_is_deprecated_with_the_replacement_at_the_callers_line(client: Client) -> None:
    with pytest.warns(legacy_stt.RemovedInLegacySTT2Warning) as caught:
        client.stt({"model": "#g1_nova-2-general", "url": URL})
    [warning] = [w for w in caught if issubclass(w.category, legacy_stt.RemovedInLegacySTT2Warning)]
    assert warning.filename == __file__
    text = str(warning.message)
    assert (
        "POST /v1/stt" in text
        and "/v1/stt/create" in text
        and "client.submit" in text
        and "client.result" in text
    )


def test_module_level_stt_is_one_line(stt_emulator: Emulator) -> None:
    with pytest.warns(
        legacy_stt.RemovedInLegacySTT2Warning, match="legacy_stt.stt is deprecated"
    ) as caught:
        body = legacy_stt.stt(
            {"model": "#g1_nova-2-general", "url": URL},
            api_key=SECRET_KEY,
            base_url=stt_emulator.url,
        )
    assert caught[0].filename == __file__
    assert deepgram_body_is_valid(body)
    assert len(stt_emulator.creates) == 1


def test_environment_supplies_key_and_base_url(
    stt_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIML_API_KEY", SECRET_KEY)
    monkeypatch.setenv("AIML_API_BASE_URL", stt_emulator.url + "/")
    with Client(poll_policy=FAST_POLLS) as env_client:
        assert env_client.base_url == stt_emulator.url
        env_client.legacy_call({"model": "#g1_nova-2-general", "url": URL})
    assert stt_emulator.creates[0].authorized


def test_parameters_change_the_result_as_on_the_service(client: Client) -> None:
    plain = client.legacy_call({"model": "#g1_nova-2-meeting", "url": URL})
    rich = client.legacy_call(
        {
            "model": "#g1_nova-2-meeting",
            "url": URL,
            "punctuate": True,
            "diarize": True,
            "paragraphs": True,
            "utterances": True,
        }
    )
    assert transcript(plain).islower() and "." not in transcript(plain)
    assert transcript(rich)[0].isupper() and transcript(rich).rstrip().endswith((".", "?"))
    words = rich["results"]["channels"][0]["alternatives"][0]["words"]
    assert all(isinstance(word["speaker"], int) for word in words)
    assert "speaker" not in plain["results"]["channels"][0]["alternatives"][0]["words"][0]
    assert rich["results"]["channels"][0]["alternatives"][0]["paragraphs"]
    assert rich["results"]["utterances"]
    assert [w["word"] for w in words] == [
        w["word"] for w in plain["results"]["channels"][0]["alternatives"][0]["words"]
    ]


def test_create_answered_with_201_is_accepted(stt_emulator: Emulator, client: Client) -> None:
    stt_emulator.create_status = 201
    body = client.legacy_call({"model": "#g1_nova-2-general", "url": URL})
    assert stt_emulator.creates[0].status == 201 and deepgram_body_is_valid(body)


@pytest.mark.parametrize("vocabulary, status", [("documented", "error"), ("examples", "failed")])
def test_failed_job_raises_transcription_failed_with_the_id_and_message(
    vocabulary: str, status: str
) -> None:
    with (
        Emulator(vocabulary=vocabulary) as service,
        Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS) as client,
    ):
        service.fail_next_jobs(1, "unsupported codec")
        with pytest.raises(TranscriptionFailed) as caught:
            client.legacy_call({"model": "#g1_nova-2-general", "url": URL})
    error = caught.value
    assert error.generation_id in service.jobs and error.status == status
    assert error.service_message == "unsupported codec" and "unsupported codec" in str(error)
    assert len(service.creates) == 1


def test_poll_timeout_carries_the_id_and_result_picks_the_job_up(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = 0.6
    with Client(
        SECRET_KEY, base_url=stt_emulator.url, poll_policy=FAST_POLLS, poll_timeout=0.15
    ) as impatient:
        started = time.monotonic()
        with pytest.raises(PollTimeout) as caught:
            impatient.legacy_call({"model": "#g1_nova-2-general", "url": URL})
        assert time.monotonic() - started < 2.0
        generation_id = caught.value.generation_id
        assert generation_id in str(caught.value) and isinstance(caught.value, TimeoutError)
    # a different client (as in another process) resumes it; no second job is created
    with Client(
        SECRET_KEY, base_url=stt_emulator.url, poll_policy=FAST_POLLS, poll_timeout=5
    ) as patient:
        body = patient.result(generation_id)
    assert body["metadata"]["request_id"] == generation_id
    assert len(stt_emulator.creates) == 1


def test_result_without_waiting_returns_none_until_done(
    stt_emulator: Emulator, client: Client
) -> None:
    # long enough that a loaded machine's first look still comes before the end
    stt_emulator.job_duration = 1.0
    generation_id = client.submit({"model": "#g1_nova-2-general", "url": URL})
    assert client.result(generation_id, wait=False) is None
    time.sleep(1.05)
    body = client.result(generation_id, wait=False)
    assert body is not None and body["metadata"]["request_id"] == generation_id


def test_unknown_status_is_read_as_not_yet_with_one_warning(
    stt_emulator: Emulator, client: Client
) -> None:
    # pending for the job's first fifth (0.2 s): the first poll must see it, even on a loaded machine
    stt_emulator.job_duration = 1.0
    stt_emulator.vocabulary = {
        "pending": "enqueued",
        "running": "transcoding",
        "done": "completed",
        "failed": "error",
    }
    with pytest.warns(legacy_stt.UnknownStatusWarning) as caught:
        body = client.legacy_call({"model": "#g1_nova-2-general", "url": URL})
    named = sorted(
        str(w.message).split("status ")[1].split(";")[0]
        for w in caught
        if w.category is legacy_stt.UnknownStatusWarning
    )
    assert named == ["'enqueued'", "'transcoding'"]  # one warning per unknown word, not per poll
    assert len(stt_emulator.polls) > 2 and deepgram_body_is_valid(body)


def test_retry_after_on_a_poll_is_followed(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = 0.05
    stt_emulator.poll_retry_after = "0.4"
    slow_hint = PollPolicy(first_delay=0.01, max_delay=0.01, jitter=0)
    with Client(SECRET_KEY, base_url=stt_emulator.url, poll_policy=slow_hint) as client:
        stt_emulator.job_duration = 0.5
        started = time.monotonic()
        client.legacy_call({"model": "#g1_nova-2-general", "url": URL})
        elapsed = time.monotonic() - started
    # without the hint this would poll every 10 ms (about 50 polls); with it, one every 0.4 s
    assert 2 <= len(stt_emulator.polls) <= 3
    assert elapsed >= 0.4


def test_a_429_on_a_poll_is_waited_out(stt_emulator: Emulator, client: Client) -> None:
    stt_emulator.rate_limit("poll", retry_after="0.2", times=1)
    started = time.monotonic()
    body = client.legacy_call({"model": "#g1_nova-2-general", "url": URL})
    assert time.monotonic() - started >= 0.2
    assert next(r.status for r in stt_emulator.polls) == 429
    assert deepgram_body_is_valid(body) and len(stt_emulator.creates) == 1


def test_a_wait_beyond_the_ceiling_raises_with_the_wait_instead_of_sleeping(
    stt_emulator: Emulator, client: Client
) -> None:
    stt_emulator.rate_limit("create", retry_after="120")  # the default ceiling is 60 s
    with pytest.raises(RateLimitError) as caught:
        client.submit({"model": "#g1_nova-2-general", "url": URL})
    assert caught.value.retry_after == 120.0 and caught.value.status_code == 429
    assert "120 s" in str(caught.value) and "retry_after_max" in str(caught.value)
    assert len(stt_emulator.creates) == 1


def test_expired_result_raises_result_expired(stt_emulator: Emulator, client: Client) -> None:
    generation_id = client.submit({"model": "#g1_nova-2-general", "url": URL})
    stt_emulator.expire(generation_id)
    with pytest.raises(ResultExpired) as caught:
        client.result(generation_id)
    assert caught.value.generation_id == generation_id and caught.value.status_code == 404
    assert "one hour" in str(caught.value)


def test_server_error_on_create_is_an_api_error_with_the_service_message(
    stt_emulator: Emulator, client: Client
) -> None:
    stt_emulator.inject(
        "create", 500, body={"statusCode": 500, "message": "upstream model crashed"}
    )
    with pytest.raises(APIError) as caught:
        client.submit({"model": "#g1_nova-2-general", "url": URL})
    error = caught.value
    assert error.status_code == 500 and error.service_message == "upstream model crashed"
    assert error.request_id  # the emulator sends x-request-id, as services do
    assert "upstream model crashed" in str(error)


def test_an_accepted_create_with_a_malformed_answer_may_have_made_a_job(
    stt_emulator: Emulator, client: Client
) -> None:
    stt_emulator.inject("create", 200, body=b"{not json")
    with pytest.raises(JobMayExist, match="cannot be followed"):
        client.submit({"model": "#g1_nova-2-general", "url": URL})
    assert len(stt_emulator.creates) == 1  # not retried


def test_wrong_key_is_an_authentication_error_without_the_key(stt_emulator: Emulator) -> None:
    stt_emulator.api_key = "the-right-key-0000000000"
    with Client(SECRET_KEY, base_url=stt_emulator.url) as client:
        with pytest.raises(AuthenticationError) as caught:
            client.submit({"model": "#g1_nova-2-general", "url": URL})
    assert caught.value.status_code == 401
    assert SECRET_KEY not in str(caught.value) and SECRET_KEY not in repr(caught.value)


def test_missing_key_is_an_authentication_error_before_sending(
    stt_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AIML_API_KEY", raising=False)
    with Client(base_url=stt_emulator.url) as client:
        with pytest.raises(AuthenticationError, match="AIML_API_KEY"):
            client.submit({"model": "#g1_nova-2-general", "url": URL})
    assert stt_emulator.requests == []


@pytest.mark.parametrize(
    "key", [SECRET_KEY + "\n", SECRET_KEY[:8] + "\r\nX-Injected: 1", SECRET_KEY + "\u00e9"]
)
@pytest.mark.parametrize("source", ["argument", "environment"])
def test_a_key_no_header_can_carry_is_refused_without_quoting_it(
    stt_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, key: str, source: str
) -> None:
    # A key read from a file keeps its newline; the HTTP stack would refuse the header and
    # quote the key in its error. Refused where the key is given, before anything is sent.
    monkeypatch.setenv("AIML_API_KEY", key if source == "environment" else "")
    with pytest.raises(ConfigurationError) as caught:
        Client(key if source == "argument" else None, base_url=stt_emulator.url)
    text = f"{caught.value} {caught.value!r}"
    assert SECRET_KEY[:8] not in text and "API key" in text
    assert stt_emulator.requests == []


@pytest.mark.parametrize("key", [b"sk-bytes-key", 12345])
def test_a_key_that_is_not_a_string_is_a_clear_error_everywhere(key: Any) -> None:
    from legacy_stt.compat.endpoint import LegacyEndpoint

    for make in (
        lambda: Client(key),
        lambda: LegacyEndpoint(base_url="https://api.aimlapi.com", api_key=key),
        lambda: legacy_stt.patch_requests(api_key=key),
    ):
        with pytest.raises(ConfigurationError, match="string"):
            make()


def test_service_down_is_service_unreachable() -> None:
    with Emulator() as service:
        url = service.url
    # fast backoffs: this test is about the outcome, not the default waits (same retry count)
    with Client(SECRET_KEY, base_url=url, timeout=(0.5, 0.5), retry=FAST_RETRIES) as client:
        with pytest.raises(ServiceUnreachable, match="no job was created"):
            client.submit({"model": "#g1_nova-2-general", "url": URL})


def test_dropped_connection_after_sending_create_says_a_job_may_exist(
    stt_emulator: Emulator, client: Client
) -> None:
    stt_emulator.inject("create", kind="reset")
    with pytest.raises(legacy_stt.JobMayExist, match="may exist") as caught:
        client.submit({"model": "#g1_nova-2-general", "url": URL})
    assert isinstance(caught.value, ConnectionError)
    assert len(stt_emulator.creates) == 1  # not retried


def test_key_is_never_in_repr_or_pickle(client: Client) -> None:
    assert SECRET_KEY not in repr(client) and SECRET_KEY not in repr(client._transport)
    assert SECRET_KEY not in repr(client._api_key) and SECRET_KEY not in str(client._api_key)
    with pytest.raises(TypeError):
        pickle.dumps(client._api_key)


@pytest.mark.parametrize(
    "options, fragment",
    [
        ({"base_url": "ftp://api.example.com"}, "http(s) URL"),
        ({"base_url": "http://api.example.com"}, "plain http://"),
        ({"timeout": -1}, "positive number"),
        ({"poll_timeout": 0}, "positive number"),
        ({"api_key": 123}, "must be a string"),
    ],
)
def test_bad_client_configuration_is_refused(options: Any, fragment: str) -> None:
    with pytest.raises(ConfigurationError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        Client(**{"api_key": SECRET_KEY, **options})


def test_insecure_http_can_be_allowed_explicitly() -> None:
    client = Client(SECRET_KEY, base_url="http://stt.internal.example", allow_insecure_http=True)
    assert client.base_url == "http://stt.internal.example"
    client.close()


def test_prepare_shows_the_create_body_without_sending(
    client: Client, stt_emulator: Emulator
) -> None:
    model, body, notices = client.prepare(
        {"model": "#g1_nova-2-general", "url": URL, "diarise": True, "punctuate": True}
    )
    assert model == "#g1_nova-2-general"
    assert body == {"model": "#g1_nova-2-general", "url": URL, "punctuate": True}
    assert [n.code for n in notices] == ["unknown-parameter"]
    assert stt_emulator.requests == []


def test_concurrent_calls_share_one_client(client: Client, stt_emulator: Emulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    payloads = [
        {"model": "#g1_nova-2-general", "url": f"https://example.com/{n}.mp3"} for n in range(12)
    ]
    with ThreadPoolExecutor(max_workers=6) as pool:
        bodies = list(pool.map(client.legacy_call, payloads))
    assert len(stt_emulator.creates) == 12
    assert len({body["metadata"]["request_id"] for body in bodies}) == 12
    assert [body["metadata"]["sha256"] for body in bodies] == [
        __import__("hashlib").sha256(p["url"].encode()).hexdigest() for p in payloads
    ]
