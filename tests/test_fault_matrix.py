"""The fault matrix: every row of ``legacy_stt.testing.fault_matrix.SCENARIOS`` holds.

Each row runs one ``Client.stt`` call against a fresh emulator scripted to
misbehave, and checks the outcome (the result or the typed error), the
number of create requests, the number of jobs made (never more than one per
call) and the time taken. The documentation's reliability page shows the same table,
generated from ``SCENARIOS`` when the site is built (``tests/test_docs_site.py``).
"""

from __future__ import annotations

import pytest

from legacy_stt import JobMayExist, PollTimeout, RateLimitError, ServiceUnreachable
from legacy_stt.testing.fault_matrix import (
    MATRIX_KEY,
    SCENARIOS,
    SHELLS,
    Scenario,
    run_scenario,
)


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_row(scenario: Scenario, shell: str) -> None:
    # One table for both clients: the same outcome, create count and job count.
    observed = run_scenario(scenario, shell)
    assert observed.problems() == []
    assert observed.jobs <= 1  # never two billed jobs for one call
    if observed.error is not None:
        text = f"{observed.error} {observed.error!r}"
        assert MATRIX_KEY not in text
        assert str(observed.error).strip()  # says what happened
    else:
        transcript = observed.body["results"]["channels"][0]["alternatives"][0]["transcript"]
        assert transcript


def test_errors_say_what_to_do_next() -> None:
    by_name = {s.name: s for s in SCENARIOS}

    lost = run_scenario(by_name["create: job made, answer lost (connection dropped)"])
    assert isinstance(lost.error, JobMayExist) and "not retried" in str(lost.error)
    assert lost.error.model == "#g1_nova-2-general"

    down = run_scenario(by_name["create: connection refused (service down)"])
    assert isinstance(down.error, ServiceUnreachable)
    assert "no job was created" in str(down.error) and "after 4 retries" in str(down.error)

    long_wait = run_scenario(by_name["create: 429 asking for longer than retry_after_max"])
    assert isinstance(long_wait.error, RateLimitError) and long_wait.error.retry_after == 3600

    slow = run_scenario(by_name["service slower than the call's deadline"])
    assert isinstance(slow.error, PollTimeout) and slow.error.generation_id
    assert f"client.result({slow.error.generation_id!r})" in str(slow.error)


def test_unknown_status_is_warned_about_once() -> None:
    by_name = {s.name: s for s in SCENARIOS}
    observed = run_scenario(by_name["unknown status word, then completed"])
    unknown = [w for w in observed.warnings if w.startswith("UnknownStatusWarning")]
    assert len(unknown) == 1 and "'on-hold'" in unknown[0]
