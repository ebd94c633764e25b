"""pytest plug-in (registered through the ``pytest11`` entry point): the ``stt_emulator`` fixture.

It imports nothing heavy until a test asks for the fixture, so it costs
nothing in test runs that do not use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

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
