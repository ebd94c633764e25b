"""pytest plug-in (registered through the ``pytest11`` entry point): ``stt_emulator`` and ``stt_environment``.

It imports nothing heavy until a test asks for the fixture, so it costs
nothing in test runs that do not use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # pragma: no cover
    from .emulator import Emulator


@pytest.fixture
def stt_emulator() -> Iterator[Emulator]:
    """A running emulator of the speech-to-text service on loopback, fresh for each test.

    Its ``url`` is the base URL to give the client; scripting methods
    (``inject``, ``rate_limit``, ``fail_next_jobs``, ``expire``) and the
    ``requests`` log are on the object.
    """
    from .emulator import Emulator

    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def stt_environment(stt_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """The emulator, wired in for application code that is not changed for the test.

    ``AIML_API_BASE_URL`` points at the emulator and ``AIML_API_KEY`` holds a
    test key (the emulator takes any), and ``requests`` -- and httpx, when it
    is installed -- are patched for the test: a legacy ``POST /v1/stt`` sent
    to the service's address or to the emulator's runs on the two-step API
    against the emulator, as ``legacy_stt.patch_requests`` makes it run in
    production. Everything is undone after the test. Yields the emulator
    (its ``creates``, ``requests`` and scripting methods).
    """
    import importlib.util

    from ..compat.requests_dropin import patch_requests

    monkeypatch.setenv("AIML_API_BASE_URL", stt_emulator.url)
    monkeypatch.setenv("AIML_API_KEY", "emulator-test-key")  # a test key, not a secret
    patches: list[Any] = [patch_requests(stt_emulator.url)]  # each has undo()
    try:
        if importlib.util.find_spec("httpx") is not None:
            from ..compat.httpx_dropin import patch_httpx

            patches.append(patch_httpx(stt_emulator.url))
        yield stt_emulator
    finally:
        for patch in reversed(patches):
            patch.undo()
