"""Poll timing and answer reading, with a fake clock (the HTTP side is covered in test_client)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from legacy_stt import (
    APIError,
    PollPolicy,
    PollTimeout,
    RateLimitError,
    TranscriptionFailed,
    UnknownStatusWarning,
)
from legacy_stt.core.polling import (
    DEFAULT_MAX_DELAY,
    JobDurations,
    PollAnswer,
    parse_retry_after,
    read_answer,
    wait_for_result,
    wait_steps,
)
from legacy_stt.core.steps import Flow, returning, run_flow


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_policy_is_an_immutable_value_with_new() -> None:
    policy = PollPolicy()
    with pytest.raises(AttributeError):
        policy.first_delay = 3  # type: ignore[misc]
    faster = policy.new(first_delay=0.1)
    assert (
        faster.first_delay == 0.1
        and policy.first_delay != 0.1
        and faster.max_delay == policy.max_delay
    )


def test_delays_start_short_and_back_off_to_the_cap() -> None:
    policy = PollPolicy(jitter=0)
    delays = [policy.delay(n) for n in range(20)]
    assert delays[0] < 1 and delays == sorted(delays) and delays[-1] == DEFAULT_MAX_DELAY


def test_jitter_stays_within_its_fraction() -> None:
    policy = PollPolicy(first_delay=1, backoff_factor=1, jitter=0.1)
    assert policy.delay(0, rng=lambda: 0.0) == pytest.approx(0.9)
    assert policy.delay(0, rng=lambda: 1.0) == pytest.approx(1.1)


@pytest.mark.parametrize("changes", [{"first_delay": -1}, {"backoff_factor": 0.5}, {"jitter": 1.0}])
def test_policy_refuses_nonsense(changes: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(changes))):
        PollPolicy(**changes)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("3", 3.0),
        ("0.5", 0.5),
        (" 7 ", 7.0),
        ("-1", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_retry_after_in_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 11, 24, 12, 0, 0, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == pytest.approx(90)
    earlier = format_datetime(now - timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(earlier, now=now.timestamp()) == 0.0


def run(answers: list[object], timeout: float = 100.0, policy: PollPolicy | None = None) -> tuple:
    fake = FakeTime()
    queue = list(answers)

    def fetch(cap: float | None) -> PollAnswer:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        assert isinstance(item, PollAnswer)
        return item

    result = wait_for_result(
        fetch,
        "gen-1",
        timeout=timeout,
        policy=policy or PollPolicy(jitter=0),
        clock=fake.clock,
        sleep=fake.sleep,
    )
    return result, fake


def test_both_vocabularies_wait_then_return_the_result() -> None:
    for pending in (["queued", "generating"], ["waiting", "active"]):
        answers = [PollAnswer(status) for status in pending] + [
            PollAnswer("completed", result={"ok": 1})
        ]
        result, fake = run(answers)
        assert result == {"ok": 1} and len(fake.sleeps) == 3


@pytest.mark.parametrize("status", ["error", "failed"])
def test_failure_statuses_raise_with_the_id_and_message(status: str) -> None:
    with pytest.raises(TranscriptionFailed) as caught:
        run([PollAnswer(status, error={"message": "bad audio"})])
    assert caught.value.generation_id == "gen-1" and caught.value.service_message == "bad audio"


def test_retry_after_hint_sets_the_next_wait() -> None:
    answers = [PollAnswer("queued", retry_after=4.0), PollAnswer("completed", result={})]
    _, fake = run(answers, policy=PollPolicy(first_delay=0.5, jitter=0))
    assert fake.sleeps == [0.5, 4.0]


def test_errors_of_a_poll_pass_through() -> None:
    # the transport has retried the poll already; a RateLimitError here means it gave up
    answers = [PollAnswer("queued"), RateLimitError("slow down", retry_after=600.0)]
    with pytest.raises(RateLimitError) as caught:
        run(answers, policy=PollPolicy(first_delay=0.5, jitter=0))
    assert caught.value.retry_after == 600.0


def test_timeout_raises_poll_timeout_after_a_last_poll_at_the_deadline() -> None:
    answers = [PollAnswer("generating")] * 100
    with pytest.raises(PollTimeout) as caught:
        run(answers, timeout=3.0, policy=PollPolicy(first_delay=1, backoff_factor=1, jitter=0))
    assert caught.value.generation_id == "gen-1" and caught.value.last_status == "generating"
    assert caught.value.waited == pytest.approx(3.0)


def test_completed_without_a_result_is_an_error() -> None:
    with pytest.raises(APIError, match="no result"):
        read_answer(PollAnswer("completed"), "gen-1")


def test_unknown_status_warns_once_per_status() -> None:
    seen: set = set()
    with pytest.warns(UnknownStatusWarning, match="'paused'") as caught:
        answers = [read_answer(PollAnswer("paused"), "gen-1", seen) for _ in range(3)]
    assert answers == [None, None, None]
    assert len(caught) == 1


# -- learnt schedules ----------------------------------------------------------------------


def _learning_wait(
    durations: JobDurations,
    done_at: float,
    *,
    lag: float = 0.0,
    poll_first: bool = False,
    time: FakeTime | None = None,
) -> list[float]:
    """A job that is done ``done_at`` s after its creation, polled with ``durations``; each poll
    answered ``lag`` s late (a busy loop, a slow service). The sleeps it was given."""
    time = time or FakeTime()
    created = time.now

    def poll(remaining: float) -> Flow[PollAnswer]:
        sent = time.now
        time.now += lag
        status = "completed" if sent - created >= done_at else "generating"
        return returning(PollAnswer(status=status, result={"ok": True}))

    flow = wait_steps(
        poll,
        "job-1",
        timeout=600,
        policy=PollPolicy(first_delay=0.25, backoff_factor=1.5, jitter=0.0),
        clock=time.clock,
        poll_first=poll_first,
        durations=durations,
    )
    assert run_flow(flow, lambda request: None, time.sleep) == {"ok": True}
    return time.sleeps


def test_a_learnt_wait_records_when_the_poll_was_due_not_when_it_came_back() -> None:
    durations = JobDurations()
    assert _learning_wait(durations, 0.5, lag=0.4) == [0.25, 0.375]  # nothing learnt yet
    assert durations._seen[-1] == pytest.approx(0.625)  # due at 0.625, answered at 1.425


def test_a_learnt_schedule_does_not_creep_up_when_polls_come_back_late() -> None:
    # Were the clock learnt, each late answer would teach a longer first wait, which would
    # make the next answer later still: the waits would grow without end.
    durations = JobDurations()
    for _ in range(30):
        _learning_wait(durations, 2.0, lag=1.0)
    head_start, _ = durations.schedule(PollPolicy())
    assert head_start <= 2.0  # at most the job's own length


def test_a_learnt_schedule_converges_on_the_jobs_length() -> None:
    durations = JobDurations()
    for _ in range(10):
        sleeps = _learning_wait(durations, 2.0)
    head_start, _ = durations.schedule(PollPolicy())
    assert 1.5 <= head_start <= 2.0 and sleeps[0] == pytest.approx(head_start, rel=0.2)
    assert len(sleeps) <= 3  # where the schedule alone takes six polls for a 2 s job


def test_a_job_polled_at_once_teaches_nothing() -> None:
    durations = JobDurations()
    for _ in range(5):
        _learning_wait(durations, 2.0, poll_first=True)  # a resumed job: its age is unknown
    assert durations.schedule(PollPolicy()) == (0.0, PollPolicy())


def test_a_caller_facing_schedule_keeps_its_first_poll_as_early_as_the_shortest_job() -> None:
    callers, batch = JobDurations(quantile=0.0), JobDurations()  # the endpoints', a batch's
    for durations in (callers, batch):
        durations.add(5.0)  # one voicemail among meetings
        for _ in range(20):
            durations.add(600.0)
    assert callers.schedule(PollPolicy())[0] == pytest.approx(0.85 * 5.0)
    assert batch.schedule(PollPolicy())[0] == pytest.approx(0.85 * 600.0)
    with pytest.raises(ValueError, match="quantile"):
        JobDurations(quantile=1.0)
