"""Old code, unchanged, on httpx: the httpx transports and ``patch_httpx()`` against the emulator.

Every test makes real httpx calls, as old code does (sync, on asyncio and on
trio); the emulator records what reached the service, so each test can check
that the legacy call became exactly one create and its polls -- and that
every other request went where the client would have sent it.
"""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
import warnings
import wave
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
from _support import EXAMPLES, FAST_POLLS, SECRET_KEY, transcript

import legacy_stt
from legacy_stt import Client
from legacy_stt.compat.httpx_dropin import (
    AsyncHTTPXLegacyTransport,
    HTTPXLegacyCallConnectError,
    HTTPXLegacyCallTimeout,
    HTTPXLegacyTransport,
    HTTPXPatch,
    patch_httpx,
    patch_httpx2,
    unpatch_httpx,
)
from legacy_stt.testing import Emulator

AUTH = {"Authorization": f"Bearer {SECRET_KEY}"}
URL_PAYLOAD = {
    "model": "#g1_nova-2-general",
    "url": "https://example.com/call.mp3",
    "punctuate": True,
}
WAV = EXAMPLES / "audio" / "beeps.wav"
OFFICIAL = "https://api.aimlapi.com"
UPLOAD_FIELDS = {"model": "#g1_whisper-small"}


def upload(name: str = "a.wav") -> dict[str, Any]:
    return {"audio": (name, WAV.read_bytes(), "audio/wav")}


@pytest.fixture
def service() -> Iterator[Emulator]:
    with Emulator(api_key=SECRET_KEY, job_duration=0.05) as emulator:
        yield emulator


@pytest.fixture
def patched(service: Emulator) -> Iterator[HTTPXPatch]:
    with patch_httpx(base_url=service.url, poll_policy=FAST_POLLS) as patch:
        yield patch
    assert not unpatch_httpx(), "the with block should have undone the patch"


@pytest.fixture(autouse=True)
def no_patch_left_behind() -> Iterator[None]:
    yield
    unpatch_httpx()


def quietly(call: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return call(*args, **kwargs)


def run(coroutine: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return asyncio.run(coroutine)


def one_job_was_run(service: Emulator) -> None:
    routes = [request.route for request in service.requests]
    assert routes.count("create") == 1 and "legacy" not in routes
    assert set(routes) <= {"create", "poll"}


# -- the documented calls run unchanged ---------------------------------------


def test_module_level_post_runs_unchanged_after_one_line(
    service: Emulator, patched: HTTPXPatch
) -> None:
    response = quietly(httpx.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    response.raise_for_status()
    assert response.status_code == 201
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.url == f"{OFFICIAL}/v1/stt"
    assert response.request.method == "POST"
    body = response.json()
    # the same body the client gives for the same payload
    with Client(SECRET_KEY, base_url=service.url, poll_policy=FAST_POLLS) as client:
        expected = quietly(client.stt, URL_PAYLOAD)
    assert set(body) == set(expected) == {"metadata", "results"}
    assert transcript(body) == transcript(expected)
    assert [r.route for r in service.requests].count("create") == 2  # ours, then the client's
    assert "legacy" not in [r.route for r in service.requests]
    assert service.creates[0].json == URL_PAYLOAD
    assert response.headers["X-Generation-Id"] in service.jobs


def test_multipart_upload_through_a_client_runs_unchanged(
    service: Emulator, patched: HTTPXPatch
) -> None:
    with httpx.Client(headers=AUTH) as client:
        response = quietly(
            client.post, f"{service.url}/stt", files=upload(), data=UPLOAD_FIELDS, timeout=30
        )
    assert response.status_code == 201, response.text
    assert transcript(response.json())
    one_job_was_run(service)
    (create,) = service.creates
    assert create.form == UPLOAD_FIELDS
    assert create.files["audio"][0] == "a.wav"
    assert create.files["audio"][2] == WAV.stat().st_size


def test_streamed_json_body_is_read_a_chunk_at_a_time(
    service: Emulator, patched: HTTPXPatch
) -> None:
    chunks = [b'{"model": "#g1_nova-2-general", ', b'"url": "https://example.com/call.mp3"}']
    response = quietly(
        httpx.post,
        f"{service.url}/v1/stt",
        headers={**AUTH, "Content-Type": "application/json"},
        content=iter(chunks),
    )
    assert response.status_code == 201, response.text
    assert service.creates[0].json == {
        "model": "#g1_nova-2-general",
        "url": "https://example.com/call.mp3",
    }


def test_async_client_json_and_multipart(
    service: Emulator, patched: HTTPXPatch, tmp_path: Any
) -> None:
    # an upload over 1 MiB: spooled to a temporary file, in worker threads
    big = tmp_path / "long.wav"
    with wave.open(str(big), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(b"\x00\x01" * 700_000)

    async def calls() -> list[httpx.Response]:
        async with httpx.AsyncClient(headers=AUTH, timeout=30) as client:
            as_json = await client.post(f"{OFFICIAL}/v1/stt", json=URL_PAYLOAD)
            with open(big, "rb") as audio:
                as_upload = await client.post(
                    f"{service.url}/v1/stt",
                    files={"audio": ("long.wav", audio, "audio/wav")},
                    data=UPLOAD_FIELDS,
                )
            return [as_json, as_upload]

    as_json, as_upload = run(calls())
    assert as_json.status_code == 201, as_json.text
    assert as_upload.status_code == 201, as_upload.text
    assert transcript(as_json.json()) and transcript(as_upload.json())
    assert service.creates[0].json == URL_PAYLOAD
    assert service.creates[1].files["audio"][2] == big.stat().st_size
    assert service.creates[1].form == UPLOAD_FIELDS
    assert [r.route for r in service.requests].count("create") == 2


def test_async_client_on_trio(service: Emulator, patched: HTTPXPatch) -> None:
    trio = pytest.importorskip("trio")

    async def call() -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.post(f"{service.url}/stt", headers=AUTH, json=URL_PAYLOAD)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        response = trio.run(call)
    assert response.status_code == 201
    one_job_was_run(service)


# -- warnings point at the caller's line ----------------------------------------


def test_deprecation_warning_points_at_the_callers_line(patched: HTTPXPatch) -> None:
    with pytest.warns(legacy_stt.RemovedInLegacySTT2Warning) as caught:
        httpx.post(f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    (warning,) = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert warning.filename == __file__
    assert "POST /v1/stt/create" in str(warning.message)


def test_async_warnings_point_at_the_callers_line(service: Emulator, patched: HTTPXPatch) -> None:
    async def call() -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.post(
                f"{service.url}/v1/stt",
                headers=AUTH,
                data={"model": "#g1_nova-2-general", "diarise": "true"},
                files={"file": ("a.wav", WAV.read_bytes(), "audio/wav")},
            )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = asyncio.run(call())
    assert response.status_code == 201, response.text
    ours = [
        w
        for w in caught
        if issubclass(w.category, (DeprecationWarning, legacy_stt.ParameterWarning))
    ]
    kinds = {w.category for w in ours}
    assert legacy_stt.RemovedInLegacySTT2Warning in kinds  # the call itself
    assert legacy_stt.UnknownParameterWarning in kinds  # `diarise`
    assert legacy_stt.RenamedParameterWarning in kinds  # `file` for `audio`
    assert all(w.filename == __file__ for w in ours)
    assert "diarise" not in service.creates[0].form


# -- everything else goes where the client would have sent it ---------------------------


def test_everything_else_passes_through_untouched(service: Emulator, patched: HTTPXPatch) -> None:
    created = httpx.post(f"{service.url}/v1/stt/create", headers=AUTH, json=URL_PAYLOAD)
    assert created.status_code == 200  # the emulator's own answer, not ours
    generation_id = created.json()["generation_id"]
    polled = httpx.get(f"{service.url}/v1/stt/{generation_id}", headers=AUTH)
    assert polled.status_code == 200 and polled.json()["generation_id"] == generation_id
    # a GET to the legacy path is not the legacy call: the service answers it
    assert httpx.get(f"{service.url}/v1/stt", headers=AUTH).status_code == 404
    assert [r.route for r in service.requests] == ["create", "poll", None]


def test_a_clients_own_transport_and_mounts_keep_everything_else(
    service: Emulator, patched: HTTPXPatch
) -> None:
    seen: list[tuple[str, str]] = []

    def mock(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        return httpx.Response(299, json={"answered_by": "the client's own transport"})

    with httpx.Client(transport=httpx.MockTransport(mock), headers=AUTH) as own:
        legacy = quietly(own.post, f"{service.url}/v1/stt", json=URL_PAYLOAD)
        get_legacy_path = own.get(f"{service.url}/v1/stt")
        create = own.post(f"{service.url}/v1/stt/create", json=URL_PAYLOAD)
    with httpx.Client(mounts={service.url: httpx.MockTransport(mock)}, headers=AUTH) as mounted:
        mounted_legacy = quietly(mounted.post, f"{service.url}/stt", json=URL_PAYLOAD)
        mounted_poll = mounted.get(f"{service.url}/v1/stt/some-id")

    async def on_async_client() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(mock), headers=AUTH) as client:
            answered = await client.post(f"{service.url}/v1/stt", json=URL_PAYLOAD)
            passed = await client.get(f"{service.url}/v1/stt/other-id")
            return answered, passed

    async_legacy, async_poll = run(on_async_client())
    assert [r.status_code for r in (legacy, mounted_legacy, async_legacy)] == [201, 201, 201]
    assert [r.status_code for r in (get_legacy_path, create, mounted_poll, async_poll)] == [299] * 4
    assert seen == [
        ("GET", "/v1/stt"),
        ("POST", "/v1/stt/create"),
        ("GET", "/v1/stt/some-id"),
        ("GET", "/v1/stt/other-id"),
    ]
    assert len(service.creates) == 3  # the three legacy calls' jobs, nothing else


@pytest.fixture(scope="module")
def tls_authority() -> Any:
    trustme = pytest.importorskip("trustme")
    return trustme.CA()


def test_a_clients_tls_settings_keep_applying_to_everything_else(
    tls_authority: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (requests lets these override a session's `verify`; the session below names the CA)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_authority.issue_cert("127.0.0.1").configure_cert(server_context)
    trusting = ssl.create_default_context()
    tls_authority.configure_trust(trusting)
    bundle = tmp_path / "ca.pem"
    tls_authority.cert_pem.write_to_path(str(bundle))
    with Emulator(api_key=SECRET_KEY, job_duration=0.01, ssl_context=server_context) as service:
        with requests.Session() as session:
            session.verify = str(bundle)  # the legacy call's own requests (sent with requests)
            with patch_httpx(base_url=service.url, poll_policy=FAST_POLLS, session=session):
                with httpx.Client(verify=trusting, headers=AUTH) as client:
                    legacy = quietly(client.post, f"{service.url}/v1/stt", json=URL_PAYLOAD)
                    generation_id = legacy.headers["X-Generation-Id"]
                    polled = client.get(f"{service.url}/v1/stt/{generation_id}")
                with httpx.Client(headers=AUTH) as default:  # the default CAs: not trusted
                    with pytest.raises(httpx.ConnectError):
                        default.get(f"{service.url}/v1/stt/{generation_id}")
        assert legacy.status_code == 201
        assert polled.status_code == 200 and polled.json()["status"] == "completed"


def test_another_host_is_not_intercepted(patched: HTTPXPatch) -> None:
    with Emulator(job_duration=0.01) as other:
        response = httpx.post(f"{other.url}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
        assert response.status_code == 201
        assert [r.route for r in other.requests] == ["legacy"]  # its own one-call endpoint


# -- patching, unpatching, stacking ----------------------------------------------


def test_unpatching_restores_plain_httpx_for_every_client(service: Emulator) -> None:
    originals = (httpx.Client._transport_for_url, httpx.AsyncClient._transport_for_url)
    made_before = httpx.Client(headers=AUTH)
    patch = patch_httpx(base_url=service.url, poll_policy=FAST_POLLS)
    assert httpx.Client._transport_for_url is not originals[0]
    assert httpx.AsyncClient._transport_for_url is not originals[1]
    assert "active" in repr(patch)
    # a client made before the patch is covered too
    assert quietly(made_before.post, f"{service.url}/v1/stt", json=URL_PAYLOAD).status_code == 201
    one_job_was_run(service)
    patch.undo()
    assert (httpx.Client._transport_for_url, httpx.AsyncClient._transport_for_url) == originals
    assert "undone" in repr(patch)
    response = made_before.post(f"{service.url}/v1/stt", json=URL_PAYLOAD)
    made_before.close()
    assert response.status_code == 201
    assert service.requests[-1].route == "legacy"  # the emulator's own one-call endpoint
    assert unpatch_httpx() is False


def test_a_later_patch_wins_until_it_is_undone(service: Emulator) -> None:
    outer = patch_httpx(base_url=service.url, poll_policy=FAST_POLLS)
    with patch_httpx(base_url=service.url, poll_policy=FAST_POLLS, target="nova-3"):
        quietly(httpx.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    quietly(httpx.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    outer.undo()
    assert [c.json["model"] for c in service.creates] == ["nova-3", "#g1_nova-2-general"]


def test_patch_refuses_what_it_cannot_do() -> None:
    original = httpx.Client._transport_for_url
    with pytest.raises(legacy_stt.ConfigurationError):
        patch_httpx(base_url="http://stt.example.com")  # the key over plain http
    with pytest.raises(TypeError):
        patch_httpx(transport=httpx.HTTPTransport())
    with pytest.raises(TypeError):
        patch_httpx(module=requests)
    assert httpx.Client._transport_for_url is original
    assert unpatch_httpx() is False


def test_mounted_transports_without_a_patch(service: Emulator) -> None:
    transport = HTTPXLegacyTransport(service.url, poll_policy=FAST_POLLS, target="nova-3")
    with httpx.Client(mounts={service.url: transport}, headers=AUTH) as client:
        response = quietly(client.post, f"{service.url}/stt", json=URL_PAYLOAD)
        # passed through the transport's inner httpx.HTTPTransport
        direct = client.get(f"{service.url}/v1/stt/{response.headers['X-Generation-Id']}")
    assert response.status_code == 201
    assert transcript(response.json())  # nova-3's result, in the legacy shape
    assert service.creates[0].json["model"] == "nova-3"
    assert direct.json()["status"] == "completed"

    async def on_async_client() -> httpx.Response:
        legacy = AsyncHTTPXLegacyTransport(service.url, poll_policy=FAST_POLLS)
        async with httpx.AsyncClient(transport=legacy, headers=AUTH) as client:
            return await client.post(f"{service.url}/v1/stt", json=URL_PAYLOAD)

    assert run(on_async_client()).status_code == 201
    assert len(service.creates) == 2


# -- failures come back as httpx answers and errors ------------------------------


def test_bad_payload_is_a_400_with_every_problem_and_nothing_is_created(
    service: Emulator, patched: HTTPXPatch
) -> None:
    bad = {"model": "#g1_nova-2-general", "url": "not a url", "diarize": "yes"}
    response = quietly(httpx.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=bad)
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400 and body["error"] == "Bad Request"
    assert {p["pointer"] for p in body["problems"]} == {"/url", "/diarize"}
    with pytest.raises(httpx.HTTPStatusError):
        response.raise_for_status()
    assert service.requests == []


def test_failed_job_is_an_error_answer_with_the_id(service: Emulator, patched: HTTPXPatch) -> None:
    service.fail_next_jobs(message="audio could not be decoded")
    response = quietly(httpx.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    assert response.status_code == 422
    assert response.headers["X-Generation-Id"] == response.json()["generation_id"]
    assert response.json()["generation_id"] in service.jobs


def test_missing_key_is_a_401(service: Emulator, patched: HTTPXPatch) -> None:
    response = quietly(httpx.post, f"{OFFICIAL}/v1/stt", json=URL_PAYLOAD)
    assert response.status_code == 401
    assert service.requests == []


def _stopped_url() -> str:
    with Emulator() as service:
        return service.url


def test_service_down_raises_an_httpx_connect_error_that_is_ours() -> None:
    stopped = _stopped_url()

    async def on_async_client() -> None:
        async with httpx.AsyncClient() as client:
            await client.post(f"{stopped}/v1/stt", headers=AUTH, json=URL_PAYLOAD)

    with patch_httpx(base_url=stopped, retry=0):
        with pytest.raises(httpx.ConnectError) as sync_error:
            quietly(httpx.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
        with pytest.raises(httpx.ConnectError) as async_error:
            run(on_async_client())
    for caught in (sync_error, async_error):
        error = caught.value
        assert isinstance(error, HTTPXLegacyCallConnectError)
        assert isinstance(error, legacy_stt.ServiceUnreachable)
        assert error.job_may_exist is False and error.generation_id is None
        assert error.request.method == "POST"
        assert SECRET_KEY not in str(error) and SECRET_KEY not in repr(error)


def test_dropped_create_is_a_connect_error_saying_a_job_may_exist(
    service: Emulator, patched: HTTPXPatch
) -> None:
    service.inject("create", kind="reset")
    with pytest.raises(httpx.ConnectError) as caught:
        quietly(httpx.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    assert isinstance(caught.value, legacy_stt.ServiceUnreachable)
    assert caught.value.job_may_exist  # type: ignore[attr-defined]
    assert len(service.creates) == 1


def test_callers_timeout_bounds_the_call_and_names_the_job() -> None:
    async def on_async_client() -> None:
        async with httpx.AsyncClient(timeout=0.5) as client:
            await client.post(f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)

    with Emulator(api_key=SECRET_KEY, job_duration=5.0) as slow:
        with patch_httpx(base_url=slow.url, poll_policy=FAST_POLLS):
            with pytest.raises(httpx.ReadTimeout) as sync_error:
                quietly(
                    httpx.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD, timeout=0.5
                )
            with pytest.raises(httpx.ReadTimeout) as async_error:
                run(on_async_client())
        for caught in (sync_error, async_error):
            error = caught.value
            assert isinstance(error, HTTPXLegacyCallTimeout)
            assert isinstance(error, legacy_stt.PollTimeout)
            assert error.generation_id in slow.jobs
            assert error.generation_id in str(error)
            assert error.job_may_exist
        assert len(slow.creates) == 2


def test_the_key_stays_out_of_reprs(service: Emulator) -> None:
    with patch_httpx(base_url=service.url, api_key=SECRET_KEY, poll_policy=FAST_POLLS) as patch:
        response = quietly(
            httpx.post, f"{OFFICIAL}/v1/stt", headers={"Authorization": "Bearer old"}, json={}
        )
        shown = [
            repr(patch),
            repr(patch.transport),
            repr(vars(patch.transport)),
            repr(patch.async_transport),
            repr(vars(patch.async_transport)),
            response.text,
        ]
    assert response.status_code == 400
    assert not any(SECRET_KEY in text for text in shown)


# -- httpx2 -------------------------------------------------------------------------


def test_httpx2_is_imported_only_when_asked_for() -> None:
    code = "import sys, legacy_stt.compat.httpx_dropin; assert 'httpx2' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_httpx2_sync_and_async(service: Emulator) -> None:
    httpx2 = pytest.importorskip("httpx2")
    from legacy_stt.compat import httpx_dropin

    async def on_async_client() -> Any:
        async with httpx2.AsyncClient(headers=AUTH) as client:
            return await client.post(f"{OFFICIAL}/v1/stt", files=upload(), data=UPLOAD_FIELDS)

    original = httpx.Client._transport_for_url
    with patch_httpx2(base_url=service.url, poll_policy=FAST_POLLS) as patch:
        assert httpx.Client._transport_for_url is original  # httpx itself is left alone
        sync_answer = quietly(httpx2.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
        async_answer = run(on_async_client())
        assert isinstance(patch.transport, httpx_dropin.HTTPX2LegacyTransport)
    assert isinstance(sync_answer, httpx2.Response) and sync_answer.status_code == 201
    assert isinstance(async_answer, httpx2.Response) and async_answer.status_code == 201
    assert transcript(sync_answer.json()) and transcript(async_answer.json())
    assert len(service.creates) == 2
    # mounted without a patch
    transport = httpx_dropin.HTTPX2LegacyTransport(service.url, poll_policy=FAST_POLLS)
    with httpx2.Client(transport=transport, headers=AUTH) as client:
        assert quietly(client.post, f"{service.url}/stt", json=URL_PAYLOAD).status_code == 201


def test_httpx2_errors_are_httpx2s() -> None:
    httpx2 = pytest.importorskip("httpx2")
    with patch_httpx2(base_url=_stopped_url(), retry=0):
        with pytest.raises(httpx2.ConnectError) as caught:
            quietly(httpx2.post, f"{OFFICIAL}/v1/stt", headers=AUTH, json=URL_PAYLOAD)
    assert isinstance(caught.value, legacy_stt.ServiceUnreachable)
    assert not isinstance(caught.value, httpx.ConnectError)
