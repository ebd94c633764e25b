"""One-line entry points for code that used to call ``POST /v1/stt`` directly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from typing_extensions import deprecated

from .. import deprecations
from ..payloads.validation import validate
from ..sync.client import ONE_CALL_REPLACEMENT, Client

__all__ = ["stt", "validate"]


# for type checkers and editors (PEP 702: a literal message); the run-time warning is below
@deprecated(
    "the one-call style is deprecated and legacy-stt 2.0 removes it: submit(payload), then result(generation_id)",
    category=None,
)
@deprecations.deprecated_one_call("legacy_stt.stt", ONE_CALL_REPLACEMENT)
def stt(payload: Mapping[str, Any], audio: Any = None, **client_options: Any) -> dict[str, Any]:
    """Transcribe a legacy payload in one call, as ``POST /v1/stt`` did.

    ``client_options`` are passed to ``Client`` (``api_key``, ``base_url``,
    ``strict``, ...). Returns the legacy response body.
    """
    with Client(**client_options) as client:
        return client.legacy_call(payload, audio)
