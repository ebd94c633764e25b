"""The model adapter interface.

A *model adapter* knows one family of target models: it turns a checked
legacy payload into that family's create body, and the family's finished
result back into the legacy response body. Model adapters are pure: they do
no I/O, hold no connection and may be shared between threads.

The parameter mapping is data, not code: ``parameter_rules`` is a table of
``ParameterRule`` rows (legacy name -> target name, an optional value
transform, a note). ``translate_request`` walks the table; a subclass only
overrides it for what a table cannot say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

from ..deprecations import (
    ConflictingParameterWarning,
    DroppedParameterWarning,
    RenamedParameterWarning,
)
from ..validation import ParameterNotice

__all__ = ["ParameterRule", "Translation", "ModelAdapter", "passthrough"]


@dataclass(frozen=True)
class ParameterRule:
    """One row of a model adapter's parameter table.

    ``target`` is the name the target model uses, or ``None`` when the
    target cannot honour the parameter (it is then dropped, with ``note`` as
    the reason). ``transform`` converts the value when the target wants it
    in another form; ``note`` says what the transform does.
    """

    legacy: str
    target: str | None
    transform: Callable[[Any], Any] | None = field(default=None, compare=False)
    note: str = ""

    @property
    def dropped(self) -> bool:
        return self.target is None

    @property
    def renamed(self) -> bool:
        return self.target is not None and self.target != self.legacy


def passthrough(*names: str) -> tuple[ParameterRule, ...]:
    """Rows for parameters the target takes under the same name, unchanged."""
    return tuple(ParameterRule(name, name) for name in names)


@dataclass
class Translation:
    """A create body for the target model, and what the caller should hear about it."""

    model: str
    body: dict[str, Any]
    notices: list[ParameterNotice] = field(default_factory=list)


class ModelAdapter:
    """Base class of model adapters (built-in and plug-in).

    Class attributes a subclass sets:

    ``name``
        Short name shown by ``legacy-stt models`` (``"nova-2"``).
    ``legacy_models``
        Legacy model ids whose payloads this adapter runs as they are.
    ``target_models``
        Model ids of the two-step API that this adapter can send to.
    ``input_family``
        Which legacy parameter vocabulary it reads: ``"deepgram"``,
        ``"assemblyai"`` or ``"openai"``.
    ``create_schema``
        Name of the shipped schema its create bodies must satisfy.
    ``upload_field``
        Multipart field name the target expects the file under.
    ``parameter_rules``
        The parameter table.
    ``result_notes``
        What the result translation cannot know or leaves out (for docs).
    """

    name: ClassVar[str] = ""
    legacy_models: ClassVar[tuple[str, ...]] = ()
    target_models: ClassVar[tuple[str, ...]] = ()
    input_family: ClassVar[str] = "deepgram"
    create_schema: ClassVar[str | None] = None
    upload_field: ClassVar[str] = "audio"
    parameter_rules: ClassVar[tuple[ParameterRule, ...]] = ()
    result_notes: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    # -- request ----------------------------------------------------------

    def target_for(self, legacy_model: str) -> str:
        """The model id to send for a payload naming ``legacy_model``."""
        if legacy_model in self.target_models:
            return legacy_model
        return self.target_models[0]

    def rule_for(self, legacy_name: str) -> ParameterRule | None:
        for rule in self.parameter_rules:
            if rule.legacy == legacy_name:
                return rule
        return None

    def translate_request(self, params: Mapping[str, Any], *, model: str) -> Translation:
        """The create body for ``model`` from checked legacy parameters.

        ``params`` holds ``model``, ``url`` (if any) and the options. Options
        without a row in the table are dropped with a warning, so a table
        that forgets a parameter is loud, not silent.
        """
        body: dict[str, Any] = {"model": model}
        if "url" in params:
            body["url"] = params["url"]
        notices: list[ParameterNotice] = []
        target_names = {rule.target for rule in self.parameter_rules if rule.target}
        for key, value in params.items():
            if key in ("model", "url"):
                continue
            rule = self.rule_for(key)
            if rule is None:
                if key in target_names:
                    continue  # given under the target's own name; placed below
                notices.append(self._dropped(key, model, "the model adapter has no rule for it"))
                continue
            if rule.target is None:
                notices.append(
                    self._dropped(key, model, rule.note or "the target model has no such option")
                )
                continue
            if rule.target != key and rule.target in params:
                notices.append(
                    ParameterNotice(
                        f"/{key}",
                        f"`{key}` and `{rule.target}` are both given; {model} takes `{rule.target}`, "
                        f"so `{key}` is ignored. Remove `{key}`",
                        "parameter-conflict",
                        ConflictingParameterWarning,
                    )
                )
                continue
            new_value = rule.transform(value) if rule.transform else value
            body[rule.target] = new_value
            if rule.renamed or rule.transform:
                how = f"`{key}` -> `{rule.target}`"
                if rule.note:
                    how += f" ({rule.note})"
                notices.append(
                    ParameterNotice(
                        f"/{key}",
                        f"{model} takes {how}; write `{rule.target}` to send it directly",
                        "parameter-renamed",
                        RenamedParameterWarning,
                    )
                )
        for key, value in params.items():
            if key in target_names and self.rule_for(key) is None:
                body[key] = value
        return Translation(model, body, notices)

    @staticmethod
    def _dropped(key: str, model: str, reason: str) -> ParameterNotice:
        return ParameterNotice(
            f"/{key}",
            f"`{key}` is dropped: {model} cannot honour it ({reason}); remove `{key}` or choose another target model",
            "parameter-dropped",
            DroppedParameterWarning,
        )

    # -- result -----------------------------------------------------------

    def recognizes_result(self, result: Any) -> bool:
        """Whether ``result`` has the shape of this family's results."""
        return False

    def translate_result(
        self, result: Any, *, generation_id: str, request: Mapping[str, Any]
    ) -> Any:
        """The legacy response body for the target's finished ``result``.

        ``request`` is the create body that was sent (some results can only
        be read knowing what was asked for). The default returns the result
        as it is: it was parsed for this call and belongs to the caller.
        """
        return result
