"""The model adapter interface.

A *model adapter* knows one family of target models: it turns a checked
legacy payload into that family's create body, and the family's finished
result back into the legacy response body. Model adapters are pure: they do
no I/O (beyond reading the shipped schemas), hold no connection and may be
shared between threads.

The parameter mapping is data, not code: ``parameter_rules`` is a table of
``ParameterRule`` rows (legacy name -> target name, an optional value
transform, a note). ``translate_request`` walks the table; a subclass only
overrides it for what a table cannot say.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, NamedTuple

from ..deprecations import (
    ConflictingParameterWarning,
    DroppedParameterWarning,
    RenamedParameterWarning,
)
from ..payloads.families import ParameterNotice

__all__ = [
    "ParameterRule",
    "MappingRow",
    "ModelAlias",
    "Translation",
    "ModelAdapter",
    "CannotTranslate",
    "PartlyTranslated",
    "passthrough",
    "honoured_when",
    "INPUT_FIELDS",
    "RESULT_SHAPES",
    "result_shape",
]

#: Create-schema members that carry the model or the audio, not an option.
INPUT_FIELDS: frozenset[str] = frozenset({"model", "url", "audio", "file"})

#: For a dropped parameter: whether the target does what ``value`` asks anyway, given the body sent.
Honoured = Callable[[Any, Mapping[str, Any]], bool]


class CannotTranslate(Exception):
    """Raised by a transform when a value has no equivalent on the target: the parameter is dropped."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PartlyTranslated:
    """Returned by a transform that can send only part of a value.

    ``value`` is sent; ``lost`` says what was left out and why (it becomes a
    lossy ``parameter-dropped`` notice).
    """

    value: Any
    lost: str


@dataclass(frozen=True)
class ParameterRule:
    """One row of a model adapter's parameter table.

    ``target`` is the name the target model uses, or ``None`` when the
    target cannot honour the parameter (it is then dropped, with ``note`` as
    the reason). ``transform`` converts the value when the target wants it
    in another form (it may raise ``CannotTranslate`` or return
    ``PartlyTranslated``); ``note`` says what it does. ``honoured`` (dropped
    rows only) says when the target does what was asked without being told,
    so dropping loses nothing; such a row is "not needed" rather than
    "dropped", and its ``note`` says when that holds. ``off_is_default``
    (dropped rows only) says the target never does what the switch turns
    on, so ``false`` asks for nothing it would do: not sent, nothing lost.
    ``only_for`` limits the row to some target models; on the others the
    parameter is dropped.
    """

    legacy: str
    target: str | None
    transform: Callable[[Any], Any] | None = field(default=None, compare=False)
    note: str = ""
    honoured: Honoured | None = field(default=None, compare=False)
    only_for: tuple[str, ...] = ()
    off_is_default: bool = False

    @property
    def dropped(self) -> bool:
        return self.target is None

    @property
    def renamed(self) -> bool:
        return self.target is not None and self.target != self.legacy

    @property
    def kind(self) -> str:
        """What the row does, in one word (for docs and ``legacy-stt models``).

        ``"passed"``, ``"renamed"``, ``"transformed"`` (renamed, value
        converted), ``"not-needed"`` (not sent: the target does it anyway,
        under the condition the note gives) or ``"dropped"``.
        """
        if self.target is None:
            return "not-needed" if self.honoured is not None else "dropped"
        if self.transform is not None:
            return "transformed"
        return "renamed" if self.renamed else "passed"


class MappingRow(NamedTuple):
    """One parameter table row as plain data: what docs and ``legacy-stt models`` show.

    ``off_is_default``: ``false`` needs nothing on this target (see ``ParameterRule``).
    """

    legacy: str
    target: str | None
    kind: str
    note: str
    off_is_default: bool = False


class ModelAlias(NamedTuple):
    """Another name for a model here (another service's, say): suggestions point it at ``model``."""

    name: str
    model: str
    reason: str


#: The result shapes legacy-stt can read, by name (see ``result_shape``).
RESULT_SHAPES: tuple[str, ...] = ("deepgram", "assemblyai", "openai", "mai", "text")


def _text_usage_shape(usage: Any) -> str | None:
    """Which text transcriber's ``usage`` this is: ``openai``, ``mai``, or ``None`` if neither."""
    if not isinstance(usage, Mapping):
        return None
    if usage.get("type") == "tokens" or any(
        name in usage for name in ("input_tokens", "output_tokens", "total_tokens")
    ):
        return "openai"
    if usage.get("type") == "duration" and "seconds" in usage:
        return "openai"  # OpenAI's usage for models billed by duration
    if "type" not in usage and ("seconds" in usage or "cost" in usage):
        return "mai"  # MAI-Transcribe's page: the seconds billed and the cost
    return None


def result_shape(result: Any) -> str | None:
    """The name of the published result shape ``result`` has, or ``None`` if it has none of them.

    ``"deepgram"``: ``metadata`` and ``results.channels`` (a list, or one
    object as the published schema types it). ``"assemblyai"``: a transcript
    object (``id``, ``status``, and its ``text`` or ``words``). ``"openai"``:
    ``{text, usage}`` with OpenAI's usage (tokens, or a duration);
    ``"mai"``: ``{text, usage}`` with MAI-Transcribe's usage (``seconds``,
    ``cost``); ``"text"``: a ``text`` without any usage, as either gives.
    Only the members the result translations read are looked at.
    """
    if not isinstance(result, Mapping):
        return None
    if "metadata" in result or "results" in result:
        results = result.get("results")
        channels = results.get("channels") if isinstance(results, Mapping) else None
        if isinstance(result.get("metadata"), Mapping) and isinstance(channels, (list, Mapping)):
            return "deepgram"
        return None
    if "id" in result or "status" in result:
        if (
            isinstance(result.get("id"), str)
            and isinstance(result.get("status"), str)
            and (isinstance(result.get("text"), str) or isinstance(result.get("words"), list))
        ):
            return "assemblyai"
        return None
    if not isinstance(result.get("text"), str):
        return None
    if result.get("usage") is None:
        return "text"
    return _text_usage_shape(result["usage"])


def passthrough(*names: str) -> tuple[ParameterRule, ...]:
    """Rows for parameters the target takes under the same name, unchanged."""
    return tuple(ParameterRule(name, name) for name in names)


def honoured_when(
    value: Any = True, condition: Callable[[Mapping[str, Any]], bool] | None = None
) -> Honoured:
    """An ``honoured`` check: the legacy value is ``value`` (and ``condition`` holds for the body)."""

    def check(given: Any, body: Mapping[str, Any]) -> bool:
        # `type` too, so that 1 is not taken for True
        same = type(given) is type(value) and given == value
        return same and (condition is None or condition(body))

    return check


@dataclass
class Translation:
    """A create body for the target model, and what the caller should hear about it."""

    model: str
    body: dict[str, Any]
    notices: list[ParameterNotice] = field(default_factory=list)


@functools.cache
def _create_parameters(schema_name: str) -> frozenset[str]:
    from ..payloads.schema import load_schema

    return frozenset(load_schema(schema_name).get("properties", {})) - INPUT_FIELDS


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


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
        Which legacy parameter vocabulary its own payloads are in:
        ``"deepgram"``, ``"assemblyai"`` or ``"openai"``. It is the default
        ``source_family`` of ``translate_request``/``translate_result``.
    ``rules_family``
        The vocabulary ``parameter_rules`` is written in (``"deepgram"``).
    ``native_family``
        The legacy vocabulary the target takes as it is, if any: payloads in
        it are sent unchanged, and their callers get the target's own result
        shape back.
    ``create_schema``
        Name of the shipped schema its create bodies must satisfy; its
        properties (less the model and audio members) are the
        ``native_parameters``.
    ``upload_field``
        Multipart field name the target expects the file under.
    ``parameter_rules``
        The parameter table.
    ``result_notes``
        What the result translation cannot know or leaves out (for docs).
    ``result_omissions``
        Members the Deepgram-shaped legacy body requires that this adapter
        leaves out because the target's result cannot tell them (JSON
        Pointers; ``*`` stands for any array index).
    ``result_shapes``
        The result shapes (names from ``RESULT_SHAPES``) its results come
        in; ``recognizes_result`` checks them.
    ``model_notes``
        Notes about single target models (a variant's own documentation
        page, its billing), by model id, for docs and ``legacy-stt models``.
    ``model_aliases``
        Other names for its models (``ModelAlias`` rows), so that a
        suggestion for an unknown model id can point at the right one.
    """

    name: ClassVar[str] = ""
    legacy_models: ClassVar[tuple[str, ...]] = ()
    target_models: ClassVar[tuple[str, ...]] = ()
    input_family: ClassVar[str] = "deepgram"
    rules_family: ClassVar[str] = "deepgram"
    native_family: ClassVar[str | None] = None
    create_schema: ClassVar[str | None] = None
    upload_field: ClassVar[str] = "audio"
    parameter_rules: ClassVar[tuple[ParameterRule, ...]] = ()
    result_notes: ClassVar[tuple[str, ...]] = ()
    result_omissions: ClassVar[tuple[str, ...]] = ()
    result_shapes: ClassVar[tuple[str, ...]] = ()
    model_notes: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    model_aliases: ClassVar[tuple[ModelAlias, ...]] = ()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    # -- description ------------------------------------------------------

    @property
    def native_parameters(self) -> frozenset[str]:
        """Option names the target takes as they are (from its create schema; read on first use)."""
        if not self.create_schema:
            return frozenset()
        return _create_parameters(self.create_schema)

    def mapping_rows(self) -> list[MappingRow]:
        """The parameter table as plain rows (legacy name, target name or None, kind, note)."""
        return [
            MappingRow(rule.legacy, rule.target, rule.kind, rule.note, rule.off_is_default)
            for rule in self.parameter_rules
        ]

    def describe(self) -> dict[str, Any]:
        """Everything docs need about this adapter, as plain data."""
        return {
            "name": self.name,
            "target_models": list(self.target_models),
            "legacy_models": list(self.legacy_models),
            "input_family": self.input_family,
            "rules_family": self.rules_family,
            "native_family": self.native_family,
            "create_schema": self.create_schema,
            "upload_field": self.upload_field,
            "native_parameters": sorted(self.native_parameters),
            "parameters": [row._asdict() for row in self.mapping_rows()],
            "result_notes": list(self.result_notes),
            "result_shapes": list(self.result_shapes),
            "model_notes": {model: list(notes) for model, notes in self.model_notes.items()},
        }

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

    def source_family_of(self, params: Mapping[str, Any]) -> str:
        """The vocabulary of a payload: its legacy model's family (``input_family`` if unknown)."""
        legacy_model = params.get("model")
        if not isinstance(legacy_model, str) or legacy_model in self.legacy_models:
            return self.input_family
        from ..payloads.families import (
            legacy_families,  # the shipped schema only: no plug-in lookups
        )

        for family in legacy_families():
            if legacy_model in family.models:
                return family.name
        return self.input_family

    def translate_request(
        self, params: Mapping[str, Any], *, model: str, source_family: str | None = None
    ) -> Translation:
        """The create body for ``model`` from checked legacy parameters.

        ``params`` holds ``model``, ``url`` (if any) and the options, written
        in the ``source_family`` vocabulary (default: the vocabulary of the
        legacy model ``params`` names; see ``source_family_of``). Options in the
        table's vocabulary are translated by ``parameter_rules``; names the
        target takes natively are sent as they are; anything else is dropped
        with a warning, so a table that forgets a parameter is loud, not
        silent. When an option is given under the target's own name and
        under a legacy name, the target's name wins.
        """
        family = source_family or self.source_family_of(params)
        rules = (
            {rule.legacy: rule for rule in self.parameter_rules}
            if family == self.rules_family
            else {}
        )
        sent_as_is = {rule.target for rule in rules.values() if rule.target} | set(
            self.native_parameters
        )
        body: dict[str, Any] = {"model": model}
        if "url" in params:
            body["url"] = params["url"]
        # (position in the payload, notice): notices come out in the payload's order
        notices: list[tuple[int, ParameterNotice]] = []
        set_by: dict[str, str] = {}  # target name -> the legacy name whose value was sent
        unsent: list[tuple[int, str, Any, ParameterRule]] = []  # judged once the body is complete
        for position, (key, value) in enumerate(params.items()):
            if key in ("model", "url"):
                continue
            rule = rules.get(key)
            if rule is None:
                if key not in sent_as_is:
                    notices.append((position, self._dropped(key, model, self._no_rule(family))))
                continue  # target-native names are placed below
            if rule.only_for and model not in rule.only_for:
                offer = "offers" if len(rule.only_for) == 1 else "offer"
                reason = f"only {' and '.join(rule.only_for)} {offer} it"
                if rule.note:
                    reason += f"; {rule.note}"
                notices.append((position, self._dropped(key, model, reason)))
                continue
            if rule.target is None:
                unsent.append((position, key, value, rule))
                continue
            try:
                new_value = rule.transform(value) if rule.transform else value
            except CannotTranslate as error:
                notices.append((position, self._dropped(key, model, error.reason)))
                continue
            lost = None
            if isinstance(new_value, PartlyTranslated):
                new_value, lost = new_value.value, new_value.lost
            target = rule.target
            # the target's own name is in the payload too (and is not itself a legacy name sent elsewhere)
            given_natively = (
                target != key
                and target in params
                and target not in set_by
                and rules.get(target, rule).target in (target, rule.target)
            )
            if given_natively or target in set_by:
                other = target if given_natively else set_by[target]
                other_value = params[target] if given_natively else body[target]
                notices.append(
                    (position, self._duplicate(key, target, other, new_value == other_value, model))
                )
                continue
            body[target] = new_value
            set_by[target] = key
            if rule.renamed or new_value != value:
                notices.append((position, self._renamed(key, rule, value, new_value, model)))
            if lost:
                notices.append((position, self._dropped(key, model, lost, partly=True)))
        for key, value in params.items():
            if key in sent_as_is and key not in rules and key not in ("model", "url"):
                body[key] = value
        for position, key, value, rule in unsent:
            reason = rule.note or "the target model has no such option"
            if rule.honoured is not None and rule.honoured(value, body):
                notices.append((position, self._not_needed(key, reason, model)))
            elif rule.off_is_default and value is False:
                notices.append((position, self._off_anyway(key, reason, model)))
            else:
                notices.append((position, self._dropped(key, model, reason)))
        notices.sort(key=lambda item: item[0])
        return Translation(model, body, [notice for _, notice in notices])

    def _no_rule(self, family: str) -> str:
        if family == self.rules_family:
            return "the model adapter has no rule for it"
        if family == self.native_family:
            return "it is not one of the target's parameters"
        return f"it is not one of the target's parameters, and the model adapter has no rules for {family}-vocabulary payloads"

    @staticmethod
    def _dropped(key: str, model: str, reason: str, *, partly: bool = False) -> ParameterNotice:
        if partly:
            message = f"part of `{key}` is dropped: {model} cannot honour it ({reason})"
        else:
            message = f"`{key}` is dropped: {model} cannot honour it ({reason}); remove `{key}` or choose another target model"
        return ParameterNotice(f"/{key}", message, "parameter-dropped", DroppedParameterWarning)

    @staticmethod
    def _renamed(
        key: str, rule: ParameterRule, value: Any, new_value: Any, model: str
    ) -> ParameterNotice:
        how = f"`{key}` -> `{rule.target}`"
        details = []
        if new_value != value:
            details.append(f"sent as {_show(new_value)}")
        if rule.note:
            details.append(rule.note)
        if details:
            how += f" ({'; '.join(details)})"
        return ParameterNotice(
            f"/{key}",
            f"{model} takes {how}; write `{rule.target}` to send it directly",
            "parameter-renamed",
            RenamedParameterWarning,
        )

    @staticmethod
    def _duplicate(key: str, target: str, other: str, same: bool, model: str) -> ParameterNotice:
        if same:
            # nothing is lost: the other name already says the same
            given = "the payload already gives" if other == target else f"`{other}` already sets to"
            return ParameterNotice(
                f"/{key}",
                f"`{key}` is not sent: {model} takes it as `{target}`, which {given} the same value; remove `{key}`",
                "parameter-not-needed",
                RenamedParameterWarning,
            )
        if other == target:
            message = f"`{key}` and `{target}` are both given; {model} takes `{target}`, so `{key}` is ignored. Remove `{key}`"
        else:
            message = f"`{key}` and `{other}` both set {model}'s `{target}`, to different values; `{other}` comes first and is sent, so `{key}` is ignored. Remove one of them"
        return ParameterNotice(
            f"/{key}", message, "parameter-conflict", ConflictingParameterWarning
        )

    @staticmethod
    def _not_needed(key: str, reason: str, model: str) -> ParameterNotice:
        return ParameterNotice(
            f"/{key}",
            f"`{key}` is not sent: {model} has no such option and does this anyway ({reason}); remove `{key}`",
            "parameter-not-needed",
            RenamedParameterWarning,
        )

    @staticmethod
    def _off_anyway(key: str, reason: str, model: str) -> ParameterNotice:
        return ParameterNotice(
            f"/{key}",
            f"`{key}: false` is not sent: {model} has no such option and never does this ({reason}); remove `{key}`",
            "parameter-not-needed",
            RenamedParameterWarning,
        )

    # -- result -----------------------------------------------------------

    def recognizes_result(self, result: Any) -> bool:
        """Whether ``result`` has a shape this model adapter's ``translate_result`` knows.

        The default: one of ``result_shapes`` (see ``result_shape``). A
        model adapter that declares none recognizes nothing, so its results
        count as of an unknown shape; a plug-in with a shape of its own
        overrides this.
        """
        return result_shape(result) in self.result_shapes

    def wants_native_result(self, source_family: str | None) -> bool:
        """Whether a caller of ``source_family`` payloads reads the target's own result shape.

        Legacy payloads of the AssemblyAI and OpenAI families got those
        services' own result shapes from the one-call endpoint; everything
        else reads the Deepgram-shaped body.
        """
        family = source_family or self.input_family
        return self.native_family is not None and family == self.native_family

    def translate_result(
        self,
        result: Any,
        *,
        generation_id: str,
        request: Mapping[str, Any],
        source_family: str | None = None,
    ) -> Any:
        """The legacy response body for the target's finished ``result``.

        ``request`` is the create body that was sent (some results can only
        be read knowing what was asked for). ``source_family`` is the
        vocabulary of the caller's payload (default: ``input_family``): it
        decides which legacy shape the caller reads. The default returns the
        result as it is: it was parsed for this call and belongs to the
        caller.
        """
        return result
