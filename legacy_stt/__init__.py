"""legacy-stt: run legacy ``POST /v1/stt`` payloads on the AI/ML API's two-step speech-to-text API.

Quick start::

    import legacy_stt

    body = legacy_stt.stt({"model": "#g1_nova-2-general", "url": "https://example.com/call.mp3"})
    print(body["results"]["channels"][0]["alternatives"][0]["transcript"])

See ``Client`` for the full interface and ``legacy_stt.testing`` for the
emulator to test against.
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .adapters import ModelAdapter, ParameterRule
from .deprecations import (
    ConflictingParameterWarning,
    DroppedParameterWarning,
    LegacySTTWarning,
    ParameterWarning,
    PluginWarning,
    RemovedInLegacySTT2Warning,
    RenamedParameterWarning,
    UnknownParameterWarning,
    UnknownStatusWarning,
)
from .exceptions import (
    APIError,
    AuthenticationError,
    BatchStopped,
    ConfigurationError,
    DeadlineExceeded,
    JobMayExist,
    JournalError,
    LegacySTTError,
    PayloadError,
    PollTimeout,
    Problem,
    RateLimitError,
    RedirectRefused,
    ResultExpired,
    ResultWriteError,
    ServiceUnreachable,
    TranscriptionFailed,
    UnexpectedAnswer,
)
from .polling import PollPolicy
from .registry import get_adapter, register_adapter
from .retries import RetryPolicy
from .validation import validate

if TYPE_CHECKING:  # pragma: no cover
    from .api import stt
    from .batch import BatchInput, BatchOutcome
    from .client import Client
    from .dropin import (
        LegacyCallConnectionError,
        LegacyCallTimeout,
        LegacyTransport,
        RequestsPatch,
        patch_requests,
        unpatch_requests,
    )
    from .proxy import CompatibilityProxy

# The client needs `requests` (about 0.1 s to import); `legacy-stt check` and
# `validate` do not, so the client side is imported on first use.
_LAZY = {
    "Client": ".client",
    "stt": ".api",
    "BatchInput": ".batch",
    "BatchOutcome": ".batch",
    "LegacyTransport": ".dropin",
    "RequestsPatch": ".dropin",
    "patch_requests": ".dropin",
    "unpatch_requests": ".dropin",
    "LegacyCallConnectionError": ".dropin",
    "LegacyCallTimeout": ".dropin",
    "CompatibilityProxy": ".proxy",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later lookups skip this hook
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "__version__",
    # calls
    "stt",
    "validate",
    "Client",
    "PollPolicy",
    "RetryPolicy",
    "BatchInput",
    "BatchOutcome",
    # old code, unchanged
    "patch_requests",
    "unpatch_requests",
    "RequestsPatch",
    "LegacyTransport",
    "LegacyCallConnectionError",
    "LegacyCallTimeout",
    "CompatibilityProxy",
    # model adapters
    "ModelAdapter",
    "ParameterRule",
    "get_adapter",
    "register_adapter",
    # errors
    "LegacySTTError",
    "PayloadError",
    "Problem",
    "ConfigurationError",
    "ServiceUnreachable",
    "JobMayExist",
    "APIError",
    "AuthenticationError",
    "RateLimitError",
    "ResultExpired",
    "TranscriptionFailed",
    "PollTimeout",
    "DeadlineExceeded",
    "UnexpectedAnswer",
    "RedirectRefused",
    "BatchStopped",
    "JournalError",
    "ResultWriteError",
    # warnings
    "LegacySTTWarning",
    "ParameterWarning",
    "UnknownParameterWarning",
    "DroppedParameterWarning",
    "ConflictingParameterWarning",
    "RenamedParameterWarning",
    "UnknownStatusWarning",
    "PluginWarning",
    "RemovedInLegacySTT2Warning",
]
