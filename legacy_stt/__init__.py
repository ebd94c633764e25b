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

if TYPE_CHECKING:  # pragma: no cover
    from .adapters import ModelAdapter, ParameterRule
    from .adapters.registry import get_adapter, register_adapter
    from .aio.client import AsyncClient
    from .batch.runner import BatchInput, BatchOutcome
    from .compat.api import stt
    from .compat.httpx_dropin import (
        AsyncHTTPXLegacyTransport,
        HTTPXLegacyCallConnectError,
        HTTPXLegacyCallTimeout,
        HTTPXLegacyTransport,
        HTTPXPatch,
        patch_httpx,
        patch_httpx2,
        unpatch_httpx,
    )
    from .compat.requests_dropin import (
        LegacyCallConnectionError,
        LegacyCallTimeout,
        LegacyTransport,
        RequestsPatch,
        patch_requests,
        post_via_two_step,
        unpatch_requests,
    )
    from .core.polling import PollPolicy
    from .core.retries import RetryPolicy
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
    from .payloads.validation import validate
    from .proxy import CompatibilityProxy
    from .sync.client import Client

# Every public name is imported on first use (PEP 562): `legacy-stt check` needs neither the
# client side (`requests` alone costs about 0.1 s) nor polling and retries, and a process that
# checks a single payload file pays for each module it imports.
_LAZY = {
    **dict.fromkeys(("ModelAdapter", "ParameterRule"), ".adapters"),
    "stt": ".compat.api",
    "AsyncClient": ".aio.client",
    **dict.fromkeys(
        (
            "patch_httpx",
            "unpatch_httpx",
            "patch_httpx2",
            "HTTPXPatch",
            "HTTPXLegacyTransport",
            "AsyncHTTPXLegacyTransport",
            "HTTPXLegacyCallConnectError",
            "HTTPXLegacyCallTimeout",
        ),
        ".compat.httpx_dropin",
    ),
    **dict.fromkeys(("BatchInput", "BatchOutcome"), ".batch.runner"),
    "Client": ".sync.client",
    **dict.fromkeys(
        (
            "LegacySTTWarning",
            "ParameterWarning",
            "UnknownParameterWarning",
            "DroppedParameterWarning",
            "ConflictingParameterWarning",
            "RenamedParameterWarning",
            "UnknownStatusWarning",
            "PluginWarning",
            "RemovedInLegacySTT2Warning",
        ),
        ".deprecations",
    ),
    **dict.fromkeys(
        (
            "LegacyTransport",
            "RequestsPatch",
            "patch_requests",
            "unpatch_requests",
            "post_via_two_step",
            "LegacyCallConnectionError",
            "LegacyCallTimeout",
        ),
        ".compat.requests_dropin",
    ),
    **dict.fromkeys(
        (
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
        ),
        ".exceptions",
    ),
    "PollPolicy": ".core.polling",
    "CompatibilityProxy": ".proxy",
    **dict.fromkeys(("get_adapter", "register_adapter"), ".adapters.registry"),
    "RetryPolicy": ".core.retries",
    "validate": ".payloads.validation",
}

# The subpackages and shared modules, as attributes of the package on first use: after a plain
# `import legacy_stt`, `legacy_stt.core.polling.PollPolicy` works as it did when it was imported.
_SUBMODULES = frozenset(
    {
        "_text",
        "adapters",
        "aio",
        "batch",
        "compat",
        "core",
        "deprecations",
        "exceptions",
        "payloads",
        "sync",
    }
)


def __getattr__(name: str) -> Any:
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "AsyncClient",
    "AsyncHTTPXLegacyTransport",
    "HTTPXLegacyCallConnectError",
    "HTTPXLegacyCallTimeout",
    "HTTPXLegacyTransport",
    "HTTPXPatch",
    "patch_httpx",
    "patch_httpx2",
    "unpatch_httpx",
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
    "post_via_two_step",
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
