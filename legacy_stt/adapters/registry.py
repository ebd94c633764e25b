"""Finding the model adapter for a model id.

Model adapters come from the ``legacy_stt.adapters`` entry-point group --
the built-in ones are declared there like any plug-in -- and from
``register_adapter()``. Entry points are read lazily, once per registry, the
first time a model is looked up. A plug-in that fails to load is reported
once, by its entry-point name (one ``PluginWarning``, when the registry
first looks), and skipped; the others keep working. ``broken`` lists it.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Iterable
from typing import Any, NamedTuple

from .. import deprecations
from .._text import suggest_model
from ..exceptions import PayloadError, Problem
from .base import ModelAdapter, result_shape

__all__ = [
    "ENTRY_POINT_GROUP",
    "AdapterRegistry",
    "builtin_adapters",
    "default_registry",
    "register_adapter",
    "get_adapter",
]

#: The entry-point group model adapter plug-ins are declared in.
ENTRY_POINT_GROUP = "legacy_stt.adapters"

# Used when legacy-stt runs from a source tree that was never installed (no
# entry points are registered then), so the built-ins are always there.
_BUILTIN_ENTRY_POINTS = {
    "nova-2": "legacy_stt.adapters.deepgram:Nova2Adapter",
    "whisper": "legacy_stt.adapters.deepgram:WhisperAdapter",
    "nova-3": "legacy_stt.adapters.nova3:Nova3Adapter",
    "assemblyai": "legacy_stt.adapters.assemblyai:AssemblyAIAdapter",
    "openai-transcribe": "legacy_stt.adapters.openai:OpenAITranscribeAdapter",
    "mai-transcribe": "legacy_stt.adapters.openai:MAITranscribeAdapter",
}


def builtin_adapters() -> tuple[ModelAdapter, ...]:
    """The model adapters legacy-stt ships, without plug-ins (for docs that must not vary)."""
    return tuple(
        _instantiate(_BuiltinEntryPoint(name, value).load())
        for name, value in _BUILTIN_ENTRY_POINTS.items()
    )


def _entry_points(group: str) -> list[Any]:
    if not _may_be_declared(group):
        return []
    from importlib import metadata

    if sys.version_info >= (3, 10):
        return list(metadata.entry_points(group=group))
    return list(metadata.entry_points().get(group, []))  # pragma: no cover - Python 3.9


def _may_be_declared(group: str) -> bool:
    """False only if no distribution ``importlib.metadata`` can find names ``group`` at all.

    Importing ``importlib.metadata`` costs 30-50 ms (it brings ``email`` and
    ``zipfile``), a third of a short ``legacy-stt check``, and most
    environments have no plug-in. The ``entry_points.txt`` files of the
    distributions on ``sys.path`` are searched for the group's name first;
    anything this cannot look into (a zip on the path, an ``.egg``, a
    finder of distributions besides the standard one) counts as maybe.
    legacy-stt's own declarations of its built-in model adapters do not
    count: discovery adds those anyway.
    """
    from importlib.machinery import PathFinder

    if any(
        finder is not PathFinder and hasattr(finder, "find_distributions")
        for finder in sys.meta_path
    ):
        return True
    for entry in sys.path:
        folder = entry or "."
        try:
            with os.scandir(folder) as listing:
                names = [item.name for item in listing]
        except NotADirectoryError:
            return True  # a zip file on the path
        except OSError:
            continue  # a missing folder: importlib.metadata skips it as well
        for name in names:
            if name.endswith(".egg"):
                return True
            if name.endswith((".dist-info", ".egg-info")):
                try:
                    with open(
                        os.path.join(folder, name, "entry_points.txt"),
                        encoding="utf-8",
                        errors="replace",
                    ) as declared:
                        if _declares_plug_ins(declared.read(), group):
                            return True
                except OSError:
                    continue  # no entry points (or an .egg-info file, which has none)
    return False


def _declares_plug_ins(text: str, group: str) -> bool:
    """Whether an ``entry_points.txt`` declares in ``group`` anything but the built-ins."""
    if group not in text:
        return False
    section = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[] ")
        elif section == group:
            name, _, value = line.partition("=")
            if _BUILTIN_ENTRY_POINTS.get(name.strip()) != value.strip():
                return True
    return False


class _BuiltinEntryPoint(NamedTuple):
    """A built-in model adapter's declaration, when the installed metadata lacks it (a source
    checkout on the path): loaded like an entry point, without importing importlib.metadata."""

    name: str
    value: str

    def load(self) -> Any:
        module, _, attribute = self.value.partition(":")
        return getattr(importlib.import_module(module), attribute)


def _instantiate(loaded: Any) -> ModelAdapter:
    """A model adapter from what an entry point or a caller provides: a class or an instance."""
    adapter = loaded() if isinstance(loaded, type) else loaded
    if not isinstance(adapter, ModelAdapter):
        raise TypeError(
            f"{loaded!r} is not a legacy_stt.adapters.ModelAdapter (subclass or instance)"
        )
    if not adapter.name or not (adapter.target_models or adapter.legacy_models):
        raise TypeError(
            f"{type(adapter).__name__} must set `name` and at least one of `target_models`, `legacy_models`"
        )
    return adapter


class AdapterRegistry:
    """Model adapters by name, with lookups by model id."""

    def __init__(self, group: str | None = ENTRY_POINT_GROUP) -> None:
        self._group = group
        self._adapters: dict[str, ModelAdapter] = {}
        self._broken: dict[str, str] = {}
        # legacy model id -> model adapter; rebuilt after any change (lookups are on hot paths)
        self._by_legacy_model: dict[str, ModelAdapter] | None = None
        self._discovered = group is None
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"<AdapterRegistry {sorted(self._adapters)!r}>"

    # -- discovery --------------------------------------------------------

    def _discover(self) -> None:
        if self._discovered:
            return
        with self._lock:
            if self._discovered:
                return
            found = {
                entry_point.name: entry_point for entry_point in _entry_points(self._group or "")
            }
            for name, target in _BUILTIN_ENTRY_POINTS.items():
                if name not in found:
                    found[name] = _BuiltinEntryPoint(name, target)
            for name, entry_point in found.items():
                if name in self._adapters:
                    continue  # registered explicitly; that wins
                try:
                    adapter = _instantiate(entry_point.load())
                except Exception as error:  # noqa: BLE001 -- a broken plug-in must not break the others
                    reason = f"{type(error).__name__}: {error}"
                    self._broken[name] = reason
                    # One report: a log record as well would print it twice wherever warnings
                    # are shown and logged (the command line does both).
                    deprecations.warn(
                        f"model adapter plug-in {name!r} ({entry_point.value}) could not be loaded and is skipped: {reason}",
                        deprecations.PluginWarning,
                    )
                    continue
                self._adapters[name] = adapter
            self._discovered = True

    # -- registration -----------------------------------------------------

    def register(self, adapter: Any, *, replace: bool = False) -> ModelAdapter:
        """Add a model adapter (a ``ModelAdapter`` subclass or instance); returns the instance."""
        instance = _instantiate(adapter)
        self._discover()  # so that a name clash with an installed model adapter is seen now
        with self._lock:
            if (
                instance.name in self._adapters
                and not replace
                and self._adapters[instance.name] is not instance
            ):
                raise ValueError(
                    f"a model adapter called {instance.name!r} is already registered; pass replace=True to replace it"
                )
            self._adapters[instance.name] = instance
            self._by_legacy_model = None
        return instance

    def unregister(self, name: str) -> None:
        with self._lock:
            self._adapters.pop(name, None)
            self._by_legacy_model = None

    # -- lookups ----------------------------------------------------------

    @property
    def broken(self) -> dict[str, str]:
        """Plug-ins that failed to load: entry-point name -> reason."""
        self._discover()
        return dict(self._broken)

    def adapters(self) -> tuple[ModelAdapter, ...]:
        self._discover()
        return tuple(self._adapters.values())

    def target_models(self) -> list[str]:
        """Every model id some model adapter can send to."""
        return _unique(model for adapter in self.adapters() for model in adapter.target_models)

    def legacy_models(self) -> list[str]:
        """Every legacy model id some model adapter takes payloads for."""
        return _unique(model for adapter in self.adapters() for model in adapter.legacy_models)

    def model_aliases(self) -> dict[str, tuple[str, str]]:
        """Other names for known models (alias -> (model id, why)), for suggestions."""
        return {
            alias.name: (alias.model, alias.reason)
            for adapter in self.adapters()  # later registrations win
            for alias in adapter.model_aliases
        }

    def suggest(self, message: str, model: str, known: list[str] | None = None) -> str:
        """``message`` plus what ``model`` was probably meant to be, among ``known`` (default: the targets)."""
        return suggest_model(
            message, model, self.target_models() if known is None else known, self.model_aliases()
        )

    def adapter_for_legacy_model(self, model: str) -> ModelAdapter | None:
        index = self._by_legacy_model
        if index is None:
            index = {}
            for adapter in self.adapters():  # later registrations win
                index.update(dict.fromkeys(adapter.legacy_models, adapter))
            self._by_legacy_model = index
        return index.get(model)

    def adapter_for_target(self, model: str) -> ModelAdapter:
        """The model adapter that sends to ``model``; ``PayloadError`` naming the known ones if none."""
        for adapter in reversed(self.adapters()):
            if model in adapter.target_models:
                return adapter
        message = self.suggest(f"no model adapter serves model {model!r}", model)
        if self._broken:
            separator = " " if message.endswith(("?", ")")) else ". "
            message += f"{separator}Plug-ins that failed to load: {', '.join(sorted(self._broken))}"
        raise PayloadError([Problem("/model", message, "unknown-model")])

    def adapter_for_result(self, result: Any) -> ModelAdapter | None:
        """The model adapter that knows ``result``'s shape; ``None`` for a shape none knows.

        A model adapter whose own shape (the first of its ``result_shapes``)
        ``result`` has comes first: the OpenAI and MAI-Transcribe ones both
        read either text result, but each is the one for its own usage.
        """
        adapters = self.adapters()
        shape = result_shape(result)
        for adapter in adapters:
            own = shape is not None and adapter.result_shapes[:1] == (shape,)
            if own and adapter.recognizes_result(result):
                return adapter
        for adapter in adapters:
            if adapter.recognizes_result(result):
                return adapter
        return None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


#: The registry ``Client`` and ``validate`` use unless given another.
default_registry = AdapterRegistry()


def register_adapter(adapter: Any, *, replace: bool = False) -> ModelAdapter:
    """Register a model adapter (class or instance) with the default registry."""
    return default_registry.register(adapter, replace=replace)


def get_adapter(model: str) -> ModelAdapter:
    """The model adapter of the default registry that sends to ``model``."""
    return default_registry.adapter_for_target(model)
