"""The endpoints (drop-ins, proxy) learn how long each model's jobs take, and poll less.

A legacy call waits for its job; a schedule that knows nothing polls early
and often. After a few jobs of a model, a new job's first poll waits for
most of their typical length: here a 0.2 s job polled on a 0.1 s, 0.3 s
schedule takes two polls until the endpoint has seen three, then one.
"""

from __future__ import annotations

import json

import pytest
import requests
from _support import SECRET_KEY

from legacy_stt.compat.endpoint import LegacyEndpoint
from legacy_stt.core.polling import JobDurations, ModelDurations, PollPolicy
from legacy_stt.proxy import CompatibilityProxy
from legacy_stt.testing import Emulator

# polls at 0.1 s and 0.3 s: a 0.2 s job is seen done at the second
POLICY = PollPolicy(first_delay=0.1, backoff_factor=2.0, jitter=0.0)
JOB = 0.2
PAYLOAD = {"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"}


def polls_of(emulator: Emulator, generation_id: str) -> int:
    return sum(1 for r in emulator.polls if r.path.endswith("/" + generation_id))


def test_each_model_has_its_own_record_and_their_number_is_bounded() -> None:
    durations = ModelDurations()
    nova = durations.for_model("#g1_nova-2-general")
    assert isinstance(nova, JobDurations)
    assert durations.for_model("#g1_nova-2-general") is nova
    assert durations.for_model("#g1_whisper-large") is not nova
    for number in range(ModelDurations.MODELS - 2):
        assert durations.for_model(f"model-{number}") is not None
    assert durations.for_model("one-too-many") is None  # model ids come from callers
    assert durations.for_model("#g1_nova-2-general") is nova  # the known ones stay


def test_a_model_learns_only_from_its_own_jobs() -> None:
    durations = ModelDurations()
    for _ in range(3):
        durations.for_model("long").add(30.0)  # type: ignore[union-attr]
    assert durations.for_model("long").schedule(POLICY)[0] == pytest.approx(25.5)  # type: ignore[union-attr]
    assert durations.for_model("short").schedule(POLICY) == (0.0, POLICY)  # type: ignore[union-attr]


@pytest.mark.parametrize("learn", [True, False])
def test_the_drop_ins_endpoint_polls_less_once_it_knows_the_model(
    stt_emulator: Emulator, learn: bool
) -> None:
    stt_emulator.job_duration = JOB
    endpoint = LegacyEndpoint(
        base_url=stt_emulator.url,
        api_key=SECRET_KEY,
        poll_policy=POLICY,
        learn_job_durations=learn,
    )
    body = json.dumps(PAYLOAD).encode()
    counts = []
    for _ in range(4):
        reply = endpoint.reply("application/json", body)
        assert reply.status == 201 and reply.generation_id
        counts.append(polls_of(stt_emulator, reply.generation_id))
    assert counts[:3] == [2, 2, 2]
    assert counts[3] == (1 if learn else 2)


def test_the_proxy_polls_less_once_it_knows_the_model(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = JOB
    counts = []
    with CompatibilityProxy(port=0, upstream=stt_emulator.url, poll_policy=POLICY) as proxy:
        for _ in range(4):
            answer = requests.post(
                proxy.url + "/v1/stt",
                json=PAYLOAD,
                headers={"Authorization": f"Bearer {SECRET_KEY}"},
                timeout=10,
            )
            assert answer.status_code == 201
            counts.append(polls_of(stt_emulator, answer.headers["X-Generation-Id"]))
    assert counts == [2, 2, 2, 1]
