"""Shared fixtures.

The emulator comes from legacy-stt's own pytest plug-in (``stt_emulator``),
so these tests also prove the plug-in is installed and works. Every test
runs under a leak audit (see below) that searches what it produced for the
API keys it used.

``tests`` is deliberately not a package: the suite imports legacy_stt the
way a user would, from wherever it is installed.
"""

from __future__ import annotations

import importlib.util
import logging
import pathlib
import subprocess
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from _support import FAST_POLLS, SECRET_KEY

import legacy_stt
from legacy_stt import Client, LegacySTTError
from legacy_stt.testing.fault_matrix import MATRIX_KEY

# pytester runs the plug-in's fixtures in a pytest of their own (tests/test_conventions.py)
pytest_plugins = ["pytester"]


def pytest_report_header(config: Any) -> str:
    # Shows whether the run tests the installed package or a source tree.
    return f"legacy_stt {legacy_stt.__version__} from {pathlib.Path(legacy_stt.__file__).parent}"


# -- the leak audit ------------------------------------------------------------------
#
# Every test runs under it: its log records (captured at DEBUG), the text and repr of every
# legacy-stt error it creates (raised, caught or not), the output of every process it runs
# to completion, what it printed and the files it wrote to tmp_path (reports among them) are
# searched for the keys the suite uses. The counts are printed at the end of the run.

SECRETS = (SECRET_KEY, MATRIX_KEY)
_searched: Counter[str] = Counter()


def _leaks(text: object) -> bool:
    return any(secret in str(text) for secret in SECRETS)


@pytest.fixture(autouse=True)
def leak_audit(
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []
    outputs: list[object] = []

    def remember_error(cls: type, *args: Any, **kwargs: Any) -> Any:
        # the __new__ LegacySTTError would have used (OSError's for ConnectionError subclasses)
        error = super(LegacySTTError, cls).__new__(cls, *args)
        errors.append(error)
        return error

    original_communicate = subprocess.Popen.communicate

    def remember_output(self: subprocess.Popen, *args: Any, **kwargs: Any) -> Any:
        result = original_communicate(self, *args, **kwargs)
        outputs.extend(part for part in result if part)
        return result

    # the test's own tmp_path, if it has one (set up here, before the test writes to it)
    tmp_path = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    monkeypatch.setattr(LegacySTTError, "__new__", remember_error)
    monkeypatch.setattr(subprocess.Popen, "communicate", remember_output)
    yield
    # (At teardown, caplog.records holds teardown's records: ask for the test's own.)
    records = caplog.get_records("setup") + caplog.get_records("call")
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in records:
        assert not _leaks(formatter.format(record)), (  # the message and any traceback
            f"API key leaked into a log record of {record.name}"
        )
    _searched["log records"] += len(records)
    for error in errors:
        assert not _leaks(str(error)) and not _leaks(repr(error)), (
            f"API key leaked into a {type(error).__name__}"
        )
    _searched["error texts"] += len(errors)
    for output in outputs:
        assert not _leaks(output), "API key leaked into the output of a process"
    _searched["process outputs"] += len(outputs)
    if isinstance(tmp_path, pathlib.Path):
        for path in tmp_path.rglob("*"):
            if path.is_file() and path.stat().st_size < 10_000_000:
                assert not _leaks(path.read_bytes().decode("utf-8", "replace")), (
                    f"API key leaked into {path.name}"
                )
                _searched["files written"] += 1


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    # (A failure's traceback is not searched: pytest shows the arguments of every frame,
    # and inside requests those hold the headers that carry the key by design.)
    for title, content in report.sections:
        _searched["captured outputs"] += 1
        if _leaks(content):  # failed here, as an assert in a hook would stop the whole run
            report.outcome = "failed"
            report.longrepr = f"API key leaked into {title}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Under pytest-xdist each worker audits its own tests: hand the counts to the controller.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["leak_audit"] = dict(_searched)


if importlib.util.find_spec("xdist") is not None:  # its hooks exist only with it installed

    def pytest_testnodedown(node: Any, error: Any) -> None:
        _searched.update(getattr(node, "workeroutput", {}).get("leak_audit", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _searched:
        counts = ", ".join(f"{count} {what}" for what, count in sorted(_searched.items()))
        terminalreporter.write_line(f"leak audit: no API key in {counts}")


@pytest.fixture
def client(stt_emulator: Any) -> Iterator[Client]:
    with Client(
        SECRET_KEY, base_url=stt_emulator.url, poll_policy=FAST_POLLS, poll_timeout=10
    ) as instance:
        yield instance
