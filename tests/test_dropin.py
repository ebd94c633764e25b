"""Old code, unchanged: ``LegacyTransport`` and ``patch_requests()`` against the emulator.

Every test makes real ``requests`` calls, as old code does; the emulator
records what reached the service, so each test can check that the legacy
call became exactly one create and its polls.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from _speed import FAST_RETRIES
from _support import EXAMPLES, FAST_POLLS, SECRET_KEY, transcript

import legacy_stt
from legacy_stt import Client, LegacyTransport, patch_requests, unpatch_requests
from legacy_stt.testing import Emulator

AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}
URL_PAYLOAD = {
    "model": "#g1_nova-2-general",
    "url": "https://example.com/call.mp3",
    "punctuate": True,
}
WAV = EXAMPLES / "audio" / "beeps.wav"
OFFICIAL = "https://api.aimlapi.com"


@pytest.fixture
def patched(stt_emulator: Emulator) -> Iterator[legacy_stt.RequestsPatch]:
    with patch_requests(base_url=stt_emulator.url, poll_policy=FAST_POLLS) as patch:
        yield patch
    assert not unpatch_requests(), "the with block should have undone the patch"


@pytest.fixture(autouse=True)
def no_patch_left_behind() -> Iterator[None]:
    yield
    unpatch_requests()


def test_documented_json_call_runs_unchanged_after_one_line(
    stt_emulator: Emulator, patched: Any
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        response = requests.post(f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    response.raise_for_status()
    assert response.status_code == 201
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.url == f"{OFFICIAL}/v1/stt"
    assert response.request.method == "POST"
    assert response.elapsed.total_seconds() > 0
    body = response.json()
    # the same body the client gives for the same payload
    with Client(SECRET_KEY, base_url=stt_emulator.url, poll_policy=FAST_POLLS) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = client.stt(URL_PAYLOAD)
    assert set(body) == set(expected) == {"metadata", "results"}
    assert transcript(body) == transcript(expected)
    # one job was created and polled; the emulator's own legacy endpoint was never called
    routes = [request.route for request in stt_emulator.requests]
    assert routes.count("create") == 2 and "legacy" not in routes
    assert stt_emulator.creates[0].json == URL_PAYLOAD
    assert response.headers["X-Generation-Id"] in stt_emulator.jobs


def test_documented_multipart_call_runs_unchanged(stt_emulator: Emulator, patched: Any) -> None:
    with open(WAV, "rb") as audio_file, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        response = requests.post(
            f"{OFFICIAL}/stt",
            headers=AUTH,
            data={"model": "#g1_whisper-base", "punctuate": True, "detect_language": "True"},
            files={"audio": audio_file},
        )
    assert response.status_code == 201, response.text
    assert transcript(response.json())
    (create,) = stt_emulator.creates
    # Python's requests wrote "True": it reached the service as a boolean
    assert create.form == {"model": "#g1_whisper-base", "punctuate": True, "detect_language": True}
    assert create.files == {"audio": ("beeps.wav", "audio/x-wav", WAV.stat().st_size)}


def test_javascript_style_fields_are_typed_by_the_schema(
    stt_emulator: Emulator, patched: Any
) -> None:
    fields = [
        ("model", "#g1_nova-2-general"),
        ("smart_format", "true"),  # JavaScript writes lower case
        ("utt_split", "0.8"),  # numbers arrive as text
        ("tag", "billing"),  # lists arrive as repeated fields
        ("tag", "eu"),
        ("custom_topic", "refunds"),  # one value where a string or a list is allowed
        ("language", "en"),  # a string stays a string
    ]
    with open(WAV, "rb") as audio_file, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        response = requests.post(
            f"{OFFICIAL}/v1/stt", headers=AUTH, data=fields, files={"audio": audio_file}
        )
    assert response.status_code == 201, response.text
    assert stt_emulator.creates[0].form == {
        "model": "#g1_nova-2-general",
        "smart_format": True,
        "utt_split": 0.8,
        "tag": ["billing", "eu"],
        "custom_topic": "refunds",
        "language": "en",
    }


def test_upload_under_file_is_accepted_with_a_warning_naming_audio(
    stt_emulator: Emulator, patched: Any
) -> None:
    with open(WAV, "rb") as audio_file, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = requests.post(
            f"{OFFICIAL}/v1/stt",
            headers=AUTH,
            data={"model": "#g1_nova-2-general"},
            files={"file": audio_file},
        )
    assert response.status_code == 201, response.text
    (notice,) = [w for w in caught if issubclass(w.category, legacy_stt.ParameterWarning)]
    assert "`file`" in str(notice.message) and "`audio`" in str(notice.message)
    assert notice.filename == __file__  # the caller's line, not requests' or ours
    assert stt_emulator.creates[0].files["audio"][2] == WAV.stat().st_size


def test_deprecation_warning_points_at_the_callers_line(patched: Any) -> None:
    with pytest.warns(legacy_stt.RemovedInLegacySTT2Warning) as caught:
        requests.post(f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    (warning,) = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert warning.filename == __file__
    assert "POST /v1/stt/create" in str(warning.message)
    assert "GET /v1/stt/{generation_id}" in str(warning.message)


def test_misspelled_parameter_warns_at_the_callers_line_and_is_not_sent(
    stt_emulator: Emulator, patched: Any
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = requests.post(
            f"{OFFICIAL}/v1/stt", headers=AUTH, json={**URL_PAYLOAD, "diarise": True}
        )
    assert response.status_code == 201
    (notice,) = [w for w in caught if w.category is legacy_stt.UnknownParameterWarning]
    assert "did you mean `diarize`" in str(notice.message)
    assert notice.filename == __file__
    assert any(issubclass(w.category, legacy_stt.RemovedInLegacySTT2Warning) for w in caught)
    assert "diarise" not in stt_emulator.creates[0].json


def test_session_based_code_is_intercepted_too(stt_emulator: Emulator, patched: Any) -> None:
    with requests.Session() as session, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        session.headers.update(AUTH)
        response = session.post(f"{stt_emulator.url}/v1/stt", json=URL_PAYLOAD, stream=True)
        chunks = b"".join(response.iter_content(64))
    assert response.status_code == 201
    assert json.loads(chunks) == response.json()
    assert [r.route for r in stt_emulator.requests if r.route != "poll"] == ["create"]


def test_everything_else_passes_through_untouched(stt_emulator: Emulator, patched: Any) -> None:
    created = requests.post(f"{stt_emulator.url}/v1/stt/create", headers=AUTH, json=URL_PAYLOAD)
    assert created.status_code == 200  # the emulator's own answer, not ours
    generation_id = created.json()["generation_id"]
    polled = requests.get(f"{stt_emulator.url}/v1/stt/{generation_id}", headers=AUTH)
    assert polled.status_code == 200 and polled.json()["generation_id"] == generation_id
    # a GET to the legacy path is not the legacy call: the service answers it
    assert requests.get(f"{stt_emulator.url}/v1/stt", headers=AUTH).status_code == 404
    assert [r.route for r in stt_emulator.requests] == ["create", "poll", None]


def test_another_host_is_not_intercepted(patched: Any) -> None:
    with Emulator(job_duration=0.01) as other:
        response = requests.post(f"{other.url}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
        assert response.status_code == 201
        assert [r.route for r in other.requests] == ["legacy"]  # its own one-call endpoint


def test_unpatching_restores_plain_requests(stt_emulator: Emulator) -> None:
    original = requests.Session.get_adapter
    patch = patch_requests(base_url=stt_emulator.url, poll_policy=FAST_POLLS)
    assert requests.Session.get_adapter is not original
    patch.undo()
    assert requests.Session.get_adapter is original
    response = requests.post(f"{stt_emulator.url}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    assert response.status_code == 201
    assert [r.route for r in stt_emulator.requests] == ["legacy"]
    assert unpatch_requests() is False


def test_a_later_patch_wins_until_it_is_undone(stt_emulator: Emulator) -> None:
    outer = patch_requests(base_url=stt_emulator.url, poll_policy=FAST_POLLS)
    with patch_requests(base_url=stt_emulator.url, poll_policy=FAST_POLLS, target="nova-3"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            requests.post(f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        requests.post(f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    outer.undo()
    assert [c.json["model"] for c in stt_emulator.creates] == ["nova-3", "#g1_nova-2-general"]


def test_mounted_transport_on_a_session(stt_emulator: Emulator) -> None:
    transport = LegacyTransport(stt_emulator.url, poll_policy=FAST_POLLS, target="nova-3")
    with requests.Session() as session, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        session.mount(stt_emulator.url, transport)
        response = session.post(f"{stt_emulator.url}/stt", headers=AUTH, json=URL_PAYLOAD)
        # the create and polls go through the mounted transport adapter's pass-through
        direct = session.get(
            f"{stt_emulator.url}/v1/stt/{response.headers['X-Generation-Id']}", headers=AUTH
        )
    assert response.status_code == 201
    assert transcript(response.json())  # nova-3's result, in the legacy shape
    assert stt_emulator.creates[0].json["model"] == "nova-3"
    assert direct.json()["status"] == "completed"
    assert "Authorization" not in repr(transport) and SECRET_KEY not in repr(transport)


# -- failures come back as the HTTP errors old code handles ------------------


def _post(payload: Any = URL_PAYLOAD, **kwargs: Any) -> requests.Response:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return requests.post(f"{OFFICIAL}/v1/stt", json=payload, **kwargs)


def test_bad_payload_is_a_400_with_every_problem_and_nothing_is_sent(
    stt_emulator: Emulator, patched: Any
) -> None:
    response = _post(
        {"model": "#g1_nova-2-general", "url": "not a url", "diarize": "yes"}, headers=AUTH
    )
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400 and body["error"] == "Bad Request"
    assert {p["pointer"] for p in body["problems"]} == {"/url", "/diarize"}
    assert "true or false" in body["message"]
    with pytest.raises(requests.HTTPError, match="400"):
        response.raise_for_status()
    assert stt_emulator.requests == []


def test_missing_key_is_a_401(stt_emulator: Emulator, patched: Any, monkeypatch: Any) -> None:
    response = _post()
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["message"]
    assert stt_emulator.requests == []


def test_key_from_the_environment_when_the_call_sends_none(
    stt_emulator: Emulator, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AIML_API_KEY", SECRET_KEY)
    with patch_requests(base_url=stt_emulator.url, poll_policy=FAST_POLLS):
        assert _post().status_code == 201
    assert stt_emulator.creates[0].authorized


@pytest.mark.parametrize("key", ["sk-caller-\u00e9", "sk\tcaller"])
def test_a_callers_key_no_header_can_carry_is_a_401_not_the_environments_key(
    stt_emulator: Emulator, monkeypatch: Any, key: str
) -> None:
    # The caller meant to send a key: running the call on the environment's instead would
    # bill someone else, and the caller would not know.
    monkeypatch.setenv("AIML_API_KEY", SECRET_KEY)
    with patch_requests(base_url=stt_emulator.url, poll_policy=FAST_POLLS):
        response = _post(headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    assert "Authorization header" in response.json()["message"]
    assert key not in response.text
    assert stt_emulator.requests == []


def test_configured_key_replaces_the_one_old_code_sends() -> None:
    with Emulator(api_key=SECRET_KEY, job_duration=0.01) as service:
        with patch_requests(base_url=service.url, api_key=SECRET_KEY, poll_policy=FAST_POLLS):
            response = _post(headers={"Authorization": "Bearer retired-key"})
        assert response.status_code == 201
        assert service.creates[0].authorized


def test_refused_key_is_the_services_401_without_the_key() -> None:
    with Emulator(api_key="the-right-key", job_duration=0.01) as service:
        with patch_requests(base_url=service.url, poll_policy=FAST_POLLS):
            response = _post(headers=AUTH)
    assert response.status_code == 401
    assert SECRET_KEY not in response.text


def test_failed_job_is_an_error_response_with_the_id(stt_emulator: Emulator, patched: Any) -> None:
    stt_emulator.fail_next_jobs(message="audio could not be decoded")
    response = _post(headers=AUTH)
    assert response.status_code == 422
    body = response.json()
    assert "audio could not be decoded" in body["message"]
    assert body["generation_id"] in stt_emulator.jobs
    with pytest.raises(requests.HTTPError):
        response.raise_for_status()


def test_rate_limit_is_a_429_with_the_wait(stt_emulator: Emulator, patched: Any) -> None:
    stt_emulator.rate_limit("create", retry_after="120")  # beyond the ceiling: not waited out
    response = _post(headers=AUTH)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "120"
    assert len(stt_emulator.creates) == 1


def test_service_error_is_a_502_with_its_message(stt_emulator: Emulator, patched: Any) -> None:
    stt_emulator.inject("create", 500, body={"statusCode": 500, "message": "database on fire"})
    response = _post(headers=AUTH)
    assert response.status_code == 502
    assert "database on fire" in response.json()["message"]


def test_service_down_is_a_requests_connection_error() -> None:
    with Emulator() as service:
        stopped_url = service.url
    # fast backoffs: this test is about the outcome, not the default waits (same retry count)
    with patch_requests(base_url=stopped_url, retry=FAST_RETRIES):
        with pytest.raises(requests.ConnectionError) as caught:
            _post(headers=AUTH)
    assert isinstance(caught.value, legacy_stt.ServiceUnreachable)
    assert "no job was created" in str(caught.value)
    assert SECRET_KEY not in str(caught.value)


def test_dropped_create_is_a_connection_error_saying_a_job_may_exist(
    stt_emulator: Emulator, patched: Any
) -> None:
    stt_emulator.inject("create", kind="reset")
    with pytest.raises(requests.ConnectionError, match="job may exist") as caught:
        _post(headers=AUTH)
    assert caught.value.job_may_exist  # type: ignore[attr-defined]
    assert len(stt_emulator.creates) == 1


def test_callers_timeout_bounds_the_call_and_names_the_job() -> None:
    with Emulator(job_duration=5.0) as slow:
        with patch_requests(base_url=slow.url, poll_policy=FAST_POLLS):
            with pytest.raises(requests.ReadTimeout) as caught:
                _post(headers=AUTH, timeout=1.0)
        error = caught.value
        assert isinstance(error, legacy_stt.PollTimeout)
        assert error.generation_id in slow.jobs  # type: ignore[attr-defined]
        assert error.generation_id in str(error)  # type: ignore[attr-defined]
        assert len(slow.creates) == 1


def test_strict_refuses_unknown_parameters_with_a_400(stt_emulator: Emulator) -> None:
    with patch_requests(base_url=stt_emulator.url, strict=True):
        response = _post({**URL_PAYLOAD, "diarise": True}, headers=AUTH)
    assert response.status_code == 400
    assert response.json()["problems"][0]["pointer"] == "/diarise"
    assert stt_emulator.requests == []


def test_unreadable_bodies_are_client_errors(stt_emulator: Emulator, patched: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        not_json = requests.post(
            f"{OFFICIAL}/v1/stt",
            headers={**AUTH, "Content-Type": "application/json"},
            data=b"{oops",
        )
        wrong_type = requests.post(
            f"{OFFICIAL}/v1/stt", headers={**AUTH, "Content-Type": "text/plain"}, data=b"hello"
        )
        two_files = requests.post(
            f"{OFFICIAL}/v1/stt",
            headers=AUTH,
            data={"model": "#g1_whisper-base"},
            files={"audio": ("a.wav", WAV.read_bytes()), "other": ("b.wav", WAV.read_bytes())},
        )
    assert not_json.status_code == 400 and "not valid JSON" in not_json.json()["message"]
    assert wrong_type.status_code == 415
    assert two_files.status_code == 400 and "2 files" in two_files.json()["message"]
    assert stt_emulator.requests == []


def test_insecure_base_url_is_refused_when_patching() -> None:
    with pytest.raises(legacy_stt.ConfigurationError, match="plain http"):
        patch_requests(base_url="http://stt.example.com")
    assert requests.Session.get_adapter.__name__ == "get_adapter"


# -- the example, as a new user runs it ---------------------------------------


def test_example_old_code_runs_unchanged_with_the_added_line(stt_emulator: Emulator) -> None:
    env = {**os.environ, "AIML_API_BASE_URL": stt_emulator.url, "AIML_API_KEY": SECRET_KEY}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "old_code" / "legacy_call.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("201 ") for line in lines)
    assert [c.content_type.split(";")[0] for c in stt_emulator.creates] == [
        "application/json",
        "multipart/form-data",
    ]
    assert SECRET_KEY not in result.stdout + result.stderr


def test_deeply_nested_json_is_a_400_and_nothing_is_sent(
    stt_emulator: Emulator, patched: Any
) -> None:
    with pytest.warns(legacy_stt.RemovedInLegacySTT2Warning):
        response = requests.post(
            "https://api.aimlapi.com/v1/stt",
            data="[" * 100_000 + "]" * 100_000,
            headers={**AUTH, "Content-Type": "application/json"},
            timeout=30,
        )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["message"]
    assert stt_emulator.requests == []
