"""The package's public names: each one in ``__all__`` resolves, lazily imported ones included."""

from __future__ import annotations

import subprocess
import sys

import pytest

import legacy_stt


def test_every_name_in_all_resolves() -> None:
    missing = [name for name in legacy_stt.__all__ if getattr(legacy_stt, name, None) is None]
    assert missing == []
    assert len(set(legacy_stt.__all__)) == len(legacy_stt.__all__)


def test_drop_in_errors_are_what_old_code_catches() -> None:
    import requests

    assert issubclass(legacy_stt.LegacyCallTimeout, requests.ReadTimeout)
    assert issubclass(legacy_stt.LegacyCallTimeout, legacy_stt.PollTimeout)
    assert issubclass(legacy_stt.LegacyCallConnectionError, requests.ConnectionError)
    assert issubclass(legacy_stt.LegacyCallConnectionError, legacy_stt.ServiceUnreachable)


def test_importing_the_package_does_not_import_requests() -> None:
    # `legacy-stt check` and `validate` must stay fast: the client side loads on first use.
    code = "import sys, legacy_stt; print('requests' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "False"


@pytest.mark.parametrize(("name", "missing"), [("AsyncClient", "anyio"), ("patch_httpx", "httpx")])
def test_the_async_names_say_which_extra_to_install_when_it_is_missing(
    name: str, missing: str
) -> None:
    # A module set to None in sys.modules cannot be imported: as in the base install.
    code = (
        f"import sys; sys.modules[{missing!r}] = None; import legacy_stt\n"
        f"try:\n    legacy_stt.{name}\nexcept ImportError as error:\n    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "legacy-stt[async]" in done.stdout, done.stderr
