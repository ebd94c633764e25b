"""Policies that keep tests fast without changing what they check."""

from __future__ import annotations

from legacy_stt import RetryPolicy

#: The default number of retries (so "after 4 retries" still holds) with backoffs of
#: milliseconds instead of the default 0.5 + 1 + 2 + 4 s. For tests about the outcome of
#: retrying (the error raised, its message, what was sent), not about how long the default
#: backoffs are (tests/test_retries.py checks the backoff arithmetic).
FAST_RETRIES = RetryPolicy(backoff_factor=0.01, backoff_max=0.02)

#: One retry, as ``retry=1`` gives, after milliseconds instead of the default 0.5 s backoff.
ONE_FAST_RETRY = FAST_RETRIES.new(total=1)
