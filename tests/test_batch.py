"""Client.stt_many: concurrency, order, failures, and resuming through a journal."""

from __future__ import annotations

import json
import pathlib
import threading
import time

import pytest
from _support import SECRET_KEY

from legacy_stt import (
    Client,
    ConfigurationError,
    JobMayExist,
    PayloadError,
    PollPolicy,
    TranscriptionFailed,
)
from legacy_stt.batch.journal import Journal
from legacy_stt.batch.runner import BatchInput, input_key, run_batch
from legacy_stt.core.retries import Backpressure
from legacy_stt.testing import Emulator

QUICK_POLLS = PollPolicy(first_delay=0.02, backoff_factor=1.2, max_delay=0.05, jitter=0)


def payloads(count: int) -> list[dict]:
    return [
        {"model": "#g1_nova-2-general", "url": f"https://example.com/{i}.mp3"} for i in range(count)
    ]


def urls_created(emulator: Emulator) -> list[str]:
    return [record.json["url"] for record in emulator.creates if record.status == 200]


@pytest.fixture
def service() -> Emulator:
    with Emulator(job_duration=0.05) as emulator:
        yield emulator


@pytest.fixture
def client(service: Emulator) -> Client:
    with Client(SECRET_KEY, base_url=service.url) as instance:
        yield instance


def test_outcomes_come_in_input_order_and_a_failure_does_not_stop_the_batch(
    service: Emulator, client: Client
) -> None:
    inputs = payloads(6)
    inputs[2] = {
        "model": "#g1_nova-2-general",
        "url": "https://example.com/2.mp3",
        "diarize": "yes",
    }
    service.fail_next_jobs(0)
    outcomes = list(client.stt_many(inputs, max_workers=3, poll_policy=QUICK_POLLS))
    assert [o.index for o in outcomes] == list(range(6))
    assert isinstance(outcomes[2].error, PayloadError) and not outcomes[2].ok
    for position in (0, 1, 3, 4, 5):
        body = outcomes[position].result()
        assert body["results"]["channels"][0]["alternatives"][0]["transcript"]
    assert len(service.creates) == 5  # nothing sent for the bad payload


def test_a_failed_job_is_that_inputs_outcome(service: Emulator, client: Client) -> None:
    service.fail_next_jobs(1)
    outcomes = list(
        client.stt_many(payloads(1) + payloads(2)[1:], max_workers=1, poll_policy=QUICK_POLLS)
    )
    assert isinstance(outcomes[0].error, TranscriptionFailed) and outcomes[1].ok
    with pytest.raises(TranscriptionFailed):
        outcomes[0].result()


def test_concurrency_is_bounded_by_max_workers(service: Emulator, client: Client) -> None:
    service.job_duration = 0.2
    in_flight = peak = 0
    lock = threading.Lock()

    def on_event(event: str, outcome: object) -> None:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1 if event == "started" else -1
            peak = max(peak, in_flight)

    started = time.monotonic()
    outcomes = list(
        run_batch(client, payloads(12), max_workers=4, on_event=on_event, poll_policy=QUICK_POLLS)
    )
    elapsed = time.monotonic() - started
    assert all(o.ok for o in outcomes) and peak == 4
    assert 0.6 <= elapsed < 2.5  # three rounds of 0.2 s jobs, not twelve


def test_a_resumed_batch_creates_no_job_twice(
    service: Emulator, client: Client, tmp_path: pathlib.Path
) -> None:
    journal = tmp_path / "batch.jsonl"
    inputs = payloads(10)
    first = client.stt_many(inputs, max_workers=2, journal=journal, poll_policy=QUICK_POLLS)
    done_early = [next(first) for _ in range(3)]
    first.close()  # the caller stops reading: like a batch interrupted part-way
    assert all(o.ok for o in done_early)
    created_before = len(urls_created(service))
    outcomes = list(
        client.stt_many(inputs, max_workers=4, journal=journal, poll_policy=QUICK_POLLS)
    )
    assert all(o.ok for o in outcomes)
    assert sorted(urls_created(service)) == sorted(p["url"] for p in inputs)  # one job each
    assert created_before >= 3
    assert [o.resumed for o in outcomes[:3]] == ["result"] * 3
    results = sorted((tmp_path / "batch.jsonl.results").glob("*.json"))
    assert len(results) == 10
    assert all(json.loads(path.read_text())["results"] for path in results)
    requests_before = len(service.requests)
    again = list(client.stt_many(inputs, journal=journal, poll_policy=QUICK_POLLS))
    assert {o.resumed for o in again} == {"result"}
    assert len(service.requests) == requests_before  # finished results are not fetched again


def _journal_with(
    tmp_path: pathlib.Path, client: Client, payload: dict, **event: object
) -> pathlib.Path:
    path = tmp_path / "batch.jsonl"
    key = input_key(BatchInput(payload), client.target, 0)
    with Journal(path) as journal:
        journal.record("creating", key)
        if event:
            journal.record("created", key, **event)
    return path


def test_a_created_job_is_waited_for_not_created_again(
    service: Emulator, client: Client, tmp_path: pathlib.Path
) -> None:
    [payload] = payloads(1)
    generation_id = client.submit(payload)
    journal = _journal_with(
        tmp_path, client, payload, generation_id=generation_id, model=payload["model"]
    )
    [outcome] = client.stt_many([payload], journal=journal, poll_policy=QUICK_POLLS)
    assert outcome.ok and outcome.resumed == "job" and outcome.generation_id == generation_id
    assert len(service.creates) == 1


def test_an_expired_job_is_created_again(
    service: Emulator, client: Client, tmp_path: pathlib.Path
) -> None:
    [payload] = payloads(1)
    journal = _journal_with(
        tmp_path,
        client,
        payload,
        generation_id="gone",
        model=payload["model"],
        at=time.time() - 4000,
    )
    [outcome] = client.stt_many([payload], journal=journal, poll_policy=QUICK_POLLS)
    assert outcome.ok and outcome.resumed is None and len(service.creates) == 1


def test_an_uncertain_input_is_reported_not_created_again_unless_asked(
    service: Emulator, client: Client, tmp_path: pathlib.Path
) -> None:
    [payload] = payloads(1)
    journal = _journal_with(tmp_path, client, payload)  # "creating", and then the process died
    [outcome] = client.stt_many([payload], journal=journal, poll_policy=QUICK_POLLS)
    assert isinstance(outcome.error, JobMayExist) and "recreate_uncertain" in str(outcome.error)
    assert service.creates == []
    [outcome] = client.stt_many(
        [payload], journal=journal, recreate_uncertain=True, poll_policy=QUICK_POLLS
    )
    assert outcome.ok and len(service.creates) == 1


def test_a_torn_last_line_is_ignored(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "batch.jsonl"
    with Journal(path) as journal:
        journal.record("creating", "k1")
        journal.record("created", "k1", generation_id="g1")
    with open(path, "a", encoding="utf-8") as file:
        file.write('{"v":1,"event":"done","key":"k1","result_pa')  # killed mid-write
    with Journal(path) as journal:
        entry = journal.get("k1")
        assert entry is not None and entry.state == "created" and entry.generation_id == "g1"
        journal.record("done", "k1", result_path="r.json")
    with Journal(path) as journal:
        assert journal.get("k1").state == "done" and journal.skipped_lines == 0


def test_a_journal_in_use_is_refused(tmp_path: pathlib.Path) -> None:
    with Journal(tmp_path / "batch.jsonl"):
        with pytest.raises(ConfigurationError, match="in use"):
            Journal(tmp_path / "batch.jsonl").open()


def test_the_same_payload_twice_is_two_jobs(
    service: Emulator, client: Client, tmp_path: pathlib.Path
) -> None:
    payload = payloads(1)[0]
    outcomes = list(
        client.stt_many(
            [payload, dict(payload)], journal=tmp_path / "j.jsonl", poll_policy=QUICK_POLLS
        )
    )
    assert all(o.ok for o in outcomes) and len(service.creates) == 2
    assert outcomes[0].result_path != outcomes[1].result_path


def test_a_429_holds_back_every_worker(service: Emulator, client: Client) -> None:
    service.rate_limit("create", retry_after="0.4")
    started = time.monotonic()
    outcomes = list(client.stt_many(payloads(8), max_workers=8, poll_policy=QUICK_POLLS))
    assert all(o.ok for o in outcomes)
    refused = [i for i, r in enumerate(service.creates) if r.status == 429]
    assert len(refused) == 1 and len(service.creates) == 9
    assert time.monotonic() - started >= 0.4


def test_backpressure_gate() -> None:
    now = [0.0]
    slept: list[float] = []
    gate = Backpressure(clock=lambda: now[0], sleep=slept.append)
    assert gate.wait() == 0 and slept == []
    gate.hold(2.0)
    gate.hold(1.0)  # a shorter hold does not shorten the longer one
    assert gate.remaining() == 2.0
    assert gate.wait(limit=0.5) == 0.5 and slept == [0.5]
    now[0] = 3.0
    assert gate.remaining() == 0.0


def test_bad_options_are_configuration_errors(client: Client) -> None:
    with pytest.raises(ConfigurationError, match="max_workers"):
        client.stt_many(payloads(1), max_workers=0)


def test_the_batch_learns_how_long_jobs_take() -> None:
    from legacy_stt.batch.runner import BATCH_POLL_POLICY
    from legacy_stt.core.polling import JobDurations

    durations = JobDurations()
    assert durations.schedule(BATCH_POLL_POLICY) == (0.0, BATCH_POLL_POLICY)  # nothing known yet
    for seconds in (2.0, 2.1, 1.9, 2.0):
        durations.add(seconds)
    head_start, policy = durations.schedule(BATCH_POLL_POLICY)
    assert head_start == pytest.approx(0.85 * 1.9)  # most of the shortest tenth
    assert policy.first_delay == pytest.approx(0.05 * 1.9)  # then fine steps
    assert policy.backoff_factor == BATCH_POLL_POLICY.backoff_factor


def test_the_emulator_summary_names_inputs_billed_twice(service: Emulator, client: Client) -> None:
    from legacy_stt.testing.__main__ import summary

    payload = payloads(1)[0]
    client.submit(payload)
    client.submit(payload)
    client.submit(payloads(2)[1])
    seen = summary(service)
    assert seen["creates"] == 3 and seen["jobs"] == 3 and seen["inputs"] == 2
    assert seen["inputs_with_several_jobs"] == [payload["url"]]


# -- found in review -------------------------------------------------------------------


def test_a_create_answered_with_a_gateway_error_stays_uncertain(
    service: Emulator, client: Client, tmp_path: pathlib.Path
) -> None:
    journal = tmp_path / "batch.jsonl"
    [payload] = payloads(1)
    service.inject("create", 504)  # the gateway gave up: the service may have made the job
    [outcome] = client.stt_many([payload], journal=journal, poll_policy=QUICK_POLLS)
    assert outcome.error is not None and len(service.creates) == 1
    [again] = client.stt_many([payload], journal=journal, poll_policy=QUICK_POLLS)
    assert isinstance(again.error, JobMayExist) and len(service.creates) == 1  # not paid twice
    service.inject("create", 400)  # a refusal proves there is no job: the next run may retry
    [refused] = client.stt_many(
        [payload], journal=journal, recreate_uncertain=True, poll_policy=QUICK_POLLS
    )
    assert refused.error is not None
    [finally_done] = client.stt_many([payload], journal=journal, poll_policy=QUICK_POLLS)
    assert finally_done.ok and len(service.creates) == 3


def test_result_names_never_collide(
    service: Emulator, client: Client, tmp_path: pathlib.Path
) -> None:
    inputs = [
        BatchInput(payload, source=source)
        for payload, source in zip(payloads(3), ["a/x.json", "b/x.json", "c/x-2.json"])
    ]
    outcomes = list(client.stt_many(inputs, out_dir=tmp_path / "out", poll_policy=QUICK_POLLS))
    names = [o.result_path.name for o in outcomes if o.result_path is not None]
    assert len(set(names)) == 3


def test_the_same_file_named_two_ways_is_one_input(
    service: Emulator, client: Client, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.json").write_text("{}")
    [payload] = payloads(1)
    journal = tmp_path / "batch.jsonl"
    for source in ("in/a.json", str(tmp_path / "in" / "a.json")):
        [outcome] = client.stt_many(
            [BatchInput(payload, source=source)], journal=journal, poll_policy=QUICK_POLLS
        )
        assert outcome.ok
    assert len(service.creates) == 1


def test_identical_payloads_with_different_audio_keep_their_jobs(
    service: Emulator, client: Client, tmp_path: pathlib.Path
) -> None:
    payload = {"model": "#g1_whisper-base"}
    first, second = b"RIFF" + b"1" * 4000, b"RIFF" + b"2" * 4000
    journal = tmp_path / "batch.jsonl"
    outcomes = list(
        client.stt_many(
            [payload, payload], audio=[first, second], journal=journal, poll_policy=QUICK_POLLS
        )
    )
    assert all(o.ok for o in outcomes) and len(service.creates) == 2
    [again] = client.stt_many([payload], audio=[second], journal=journal, poll_policy=QUICK_POLLS)
    assert again.ok and again.resumed == "result" and len(service.creates) == 2


def test_no_create_is_sent_once_the_deadline_has_passed(service: Emulator) -> None:
    from legacy_stt import DeadlineExceeded, RemovedInLegacySTT2Warning

    with Client(SECRET_KEY, base_url=service.url, deadline=0.2) as client:
        client._transport.backpressure.hold(1.0)  # as after another request's long 429
        with (
            pytest.raises(DeadlineExceeded, match="no job was created"),
            pytest.warns(RemovedInLegacySTT2Warning),
        ):
            client.stt(payloads(1)[0])
    assert service.creates == []


def test_a_source_name_that_is_not_utf8_is_journaled(
    service: Emulator, client: Client, tmp_path: pathlib.Path
) -> None:
    source = "call-\udce9.json"  # how Python spells a Latin-1 byte in a UTF-8 file system
    [outcome] = client.stt_many(
        [BatchInput(payloads(1)[0], source=source)],
        journal=tmp_path / "j.jsonl",
        poll_policy=QUICK_POLLS,
    )
    assert outcome.ok, outcome.error


def test_a_large_batch_keeps_its_poll_rate() -> None:
    from legacy_stt.batch.runner import BATCH_POLL_POLICY, BATCH_POLL_RATE, batch_poll_policy

    assert batch_poll_policy(8) == BATCH_POLL_POLICY  # small batches poll as finely as before
    wide = batch_poll_policy(1000)
    # 1,000 jobs each polling at its first delay stay within the batch's rate
    assert 1000 / wide.first_delay <= BATCH_POLL_RATE * 1.0001
    assert (
        wide.max_delay >= wide.first_delay
        and wide.backoff_factor == BATCH_POLL_POLICY.backoff_factor
    )
