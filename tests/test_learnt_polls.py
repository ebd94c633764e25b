"""The endpoints (drop-ins, proxy) learn how long each model's jobs take, and poll less.

A legacy call waits for its job; a schedule that knows nothing polls early
and often. After a few jobs of a model, a new job's first poll waits for
most of their typical length: here a 0.6 s job polled on a 0.2 s, 0.8 s
schedule takes two polls until the endpoint has seen three, then one.
"""

from __future__ import annotations

import json

import pytest
import requests
from _support import SECRET_KEY

from legacy_stt.compat.endpoint import LegacyEndpoint
from legacy_stt.core.polling import JobDurations, ModelDurations, PollPolicy
from legacy_stt.core.settings import APIKey
from legacy_stt.proxy import CompatibilityProxy
from legacy_stt.testing import Emulator

# polls at 0.2 s and 0.8 s: a 0.6 s job is seen done at the second (the first has 0.4 s to
# spare on a loaded machine); once learnt, the first poll waits 0.85 x 0.8 = 0.68 s
POLICY = PollPolicy(first_delay=0.2, backoff_factor=3.0, jitter=0.0)
JOB = 0.6
PAYLOAD = {"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"}


def polls_of(emulator: Emulator, generation_id: str) -> int:
    return sum(1 for r in emulator.polls if r.path.endswith("/" + generation_id))


def test_each_caller_and_model_has_its_own_record_and_the_oldest_are_forgotten() -> None:
    durations = ModelDurations()
    nova = durations.for_job("#g1_nova-2-general", b"caller-1")
    assert isinstance(nova, JobDurations)
    assert durations.for_job("#g1_nova-2-general", b"caller-1") is nova
    assert durations.for_job("#g1_whisper-large", b"caller-1") is not nova
    assert durations.for_job("#g1_nova-2-general", b"caller-2") is not nova
    first_of_many = durations.for_job("nova", b"caller-0")
    for number in range(1, ModelDurations.RECORDS):  # callers and model ids come from outside
        durations.for_job("nova", f"caller-{number}".encode())
        durations.for_job("#g1_nova-2-general", b"caller-1")  # in use all along: kept
    assert durations.for_job("#g1_nova-2-general", b"caller-1") is nova
    assert durations.for_job("nova", b"caller-0") is not first_of_many  # forgotten, made anew
    assert len(durations._records) == ModelDurations.RECORDS  # bounded
    # ... and a newcomer still learns: the records never run out


def test_one_callers_long_jobs_do_not_hold_back_anothers() -> None:
    durations = ModelDurations()
    for _ in range(3):
        durations.for_job("nova", b"meetings").add(600.0)
    assert durations.for_job("nova", b"meetings").schedule(POLICY)[0] == pytest.approx(510.0)
    assert durations.for_job("nova", b"voicemail").schedule(POLICY) == (0.0, POLICY)


def test_a_key_fingerprint_tells_keys_apart_and_shows_nothing_of_them() -> None:
    one, other = APIKey(SECRET_KEY), APIKey(SECRET_KEY + "x")
    assert one.fingerprint() == APIKey(SECRET_KEY).fingerprint() != other.fingerprint()
    assert SECRET_KEY.encode() not in one.fingerprint() and len(one.fingerprint()) == 16


@pytest.mark.parametrize("learn", [True, False, None])
def test_the_drop_ins_endpoint_polls_less_once_it_knows_the_model(
    stt_emulator: Emulator, learn: bool | None
) -> None:
    # None: the default, which keeps a poll policy given as it is
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
    assert (endpoint.durations is None) == (not learn)


def test_the_proxy_polls_less_once_it_knows_the_model(stt_emulator: Emulator) -> None:
    stt_emulator.job_duration = JOB
    counts = []
    with CompatibilityProxy(
        port=0, upstream=stt_emulator.url, poll_policy=POLICY, learn_job_durations=True
    ) as proxy:
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


def test_learning_is_on_by_default_when_no_poll_policy_is_given(stt_emulator: Emulator) -> None:
    assert LegacyEndpoint(base_url=stt_emulator.url).durations is not None
    assert LegacyEndpoint(base_url=stt_emulator.url, poll_policy=POLICY).durations is None
