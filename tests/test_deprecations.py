"""Warning categories: filterable, attributed to the caller, and saying old -> new."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings

import deprecation
import pytest
from packaging.version import Version

import legacy_stt
from legacy_stt import deprecations


def test_parameter_warnings_share_one_filterable_base() -> None:
    for category in (
        legacy_stt.UnknownParameterWarning,
        legacy_stt.DroppedParameterWarning,
        legacy_stt.ConflictingParameterWarning,
        legacy_stt.RenamedParameterWarning,
    ):
        assert issubclass(category, legacy_stt.ParameterWarning)
        assert issubclass(category, UserWarning)  # shown by default
    assert not legacy_stt.RenamedParameterWarning.lossy and legacy_stt.DroppedParameterWarning.lossy


def test_one_call_category_is_named_for_its_removal_version_and_uses_deprecation() -> None:
    assert issubclass(legacy_stt.RemovedInLegacySTT2Warning, deprecation.DeprecatedWarning)
    assert issubclass(legacy_stt.RemovedInLegacySTT2Warning, DeprecationWarning)
    assert Version(deprecations.REMOVED_IN).major == 2


def test_timeline_the_deprecated_entry_points_go_before_2_0() -> None:
    # Django-style: once the version reaches REMOVED_IN, the warning turns into
    # deprecation's UnsupportedWarning; this test fails then, as a reminder to remove them.
    assert Version(legacy_stt.__version__) < Version(deprecations.REMOVED_IN)
    warning = deprecations.one_call_deprecation("legacy_stt.stt", "use X")
    assert type(warning) is legacy_stt.RemovedInLegacySTT2Warning
    assert "legacy-stt 2.0 removes the one-call style" in str(warning)
    assert str(warning).endswith("use X")


def test_past_removal_the_warning_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deprecations, "__version__", "2.0.0")
    warning = deprecations.one_call_deprecation("legacy_stt.stt", "use X")
    assert isinstance(warning, deprecation.UnsupportedWarning)


def test_docstrings_carry_the_deprecation_note() -> None:
    assert ".. deprecated:: 0.1.0" in (legacy_stt.stt.__doc__ or "")
    assert "client.submit" in (legacy_stt.Client.stt.__doc__ or "")


def test_warned_once_per_call_site_under_the_default_filter() -> None:
    # A fresh interpreter, so that Python's own default filters apply.
    script = textwrap.dedent(
        """
        import warnings
        from legacy_stt.testing import Emulator
        from legacy_stt import Client, PollPolicy
        warnings.simplefilter("default")
        seen = []
        warnings.showwarning = lambda message, category, filename, lineno, *a: seen.append((category.__name__, lineno))
        with Emulator() as service, Client("k" * 20, base_url=service.url, poll_policy=PollPolicy(first_delay=0.01, jitter=0)) as client:
            for _ in range(3):
                client.stt({"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3", "diarise": True})  # line 10
            client.stt({"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"})  # line 11
        print(sorted(seen))
        """
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert output.strip() == str(
        sorted(
            [
                ("RemovedInLegacySTT2Warning", 10),
                ("UnknownParameterWarning", 10),
                ("RemovedInLegacySTT2Warning", 11),
            ]
        )
    )


def test_plain_warn_helper_points_past_library_frames() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        deprecations.warn("x", legacy_stt.ParameterWarning)
    assert caught[0].filename == __file__
