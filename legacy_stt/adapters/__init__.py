"""Model adapters: translating legacy payloads to target models and results back.

``ModelAdapter`` and ``ParameterRule`` are the interface for plug-ins; the
lookups (``get_adapter``, ``register_adapter``, ``default_registry``) work on
the default registry of ``legacy_stt.adapters.registry`` and are re-exported here.
"""

from typing import Any

from .base import (
    RESULT_SHAPES,
    ModelAdapter,
    ModelAlias,
    ParameterRule,
    Translation,
    passthrough,
    result_shape,
)

__all__ = [
    "ModelAdapter",
    "ParameterRule",
    "ModelAlias",
    "Translation",
    "passthrough",
    "result_shape",
    "RESULT_SHAPES",
    "AdapterRegistry",
    "default_registry",
    "get_adapter",
    "register_adapter",
]

_FROM_REGISTRY = {"AdapterRegistry", "default_registry", "get_adapter", "register_adapter"}


def __getattr__(name: str) -> Any:
    # Resolved on first use: the registry imports this package, so importing
    # it here eagerly would be circular.
    if name in _FROM_REGISTRY:
        from . import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
