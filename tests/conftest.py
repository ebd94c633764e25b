"""Shared fixtures.

The emulator comes from legacy-stt's own pytest plug-in (``stt_emulator``),
so these tests also prove the plug-in is installed and works. Every test's
log output is captured at DEBUG level and searched for the API key.

``tests`` is deliberately not a package: the suite imports legacy_stt the
way a user would, from wherever it is installed.
"""

from __future__ import annotations

import logging
import pathlib
from collections.abc import Iterator
from typing import Any

import pytest
from _support import FAST_POLLS, SECRET_KEY

import legacy_stt
from legacy_stt import Client


def pytest_report_header(config: Any) -> str:
    # Shows whether the run tests the installed package or a source tree.
    return f"legacy_stt {legacy_stt.__version__} from {pathlib.Path(legacy_stt.__file__).parent}"


@pytest.fixture(autouse=True)
def key_never_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        assert SECRET_KEY not in record.getMessage(), (
            f"API key leaked into a log record of {record.name}"
        )
    assert SECRET_KEY not in caplog.text


@pytest.fixture
def client(stt_emulator: Any) -> Iterator[Client]:
    with Client(
        SECRET_KEY, base_url=stt_emulator.url, poll_policy=FAST_POLLS, poll_timeout=10
    ) as instance:
        yield instance
