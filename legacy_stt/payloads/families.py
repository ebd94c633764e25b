"""The legacy request's model families, as the shipped schema defines them. No I/O.

The published request description is an ``anyOf`` of object shapes; each
family (nova-2/whisper, AssemblyAI, OpenAI) is one vocabulary of parameters
for a set of model ids. ``legacy_families()`` derives them once, each with
a self-contained schema and fast checks; ``ParameterNotice`` is what a
check or a model adapter says about one parameter. The model adapters and
the payload checks (``validation``) both build on this module; it knows
nothing of plug-ins (the registry adds those).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..exceptions import Problem
from .schema import inline_local_refs, load_schema, simple_errors

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

__all__ = [
    "INPUT_MEMBERS",
    "LegacyFamily",
    "ParameterNotice",
    "family_by_model",
    "legacy_families",
]

#: Members that carry the audio (or name the model) rather than set an option.
INPUT_MEMBERS: frozenset[str] = frozenset({"model", "url", "audio"})

_FAMILY_TITLES = {
    "deepgram": "the nova-2 and whisper models",
    "assemblyai": "the AssemblyAI models",
    "openai": "the OpenAI transcription models",
}


@dataclass(frozen=True)
class ParameterNotice:
    """Something about one parameter that the caller should hear about.

    ``category`` is the warning class it is emitted as; lossy notices become
    problems under ``strict=True``.
    """

    pointer: str
    message: str
    code: str
    category: type

    @property
    def lossy(self) -> bool:
        return bool(getattr(self.category, "lossy", True))

    def as_problem(self) -> Problem:
        return Problem(self.pointer, self.message, self.code)


@dataclass(frozen=True)
class LegacyFamily:
    """The models of one parameter vocabulary in the legacy request, and how to check them.

    ``schema`` is self-contained (no references). ``is_valid`` answers
    yes/no through a compiled check; ``validator`` (jsonschema, built on
    first use) explains failures. Both are built at most once per process.
    """

    name: str
    models: tuple[str, ...]
    parameters: frozenset[str]
    #: Schema of every member the family declares (``url`` included, ``audio`` not), by name.
    properties: Mapping[str, Mapping[str, Any]] = field(repr=False, compare=False)
    schema: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def title(self) -> str:
        return _FAMILY_TITLES.get(self.name, f"the {self.name} models")

    @functools.cached_property
    def validator(self) -> Validator:
        # The family schema is self-contained and derived from a shipped schema that the
        # test suite checks, so it needs neither a registry nor a check_schema here.
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self.schema)

    @functools.cached_property
    def _fast_check(self) -> Callable[[Any], bool]:
        from .schema import fast_validity_check, member_wise_check

        return (
            member_wise_check(self.schema, self.name, self.member_schemas())
            or fast_validity_check(self.schema, compiled_name=self.name)
            or self.validator.is_valid
        )

    def is_valid(self, payload: Any) -> bool:
        return self._fast_check(payload)

    def errors(self, payload: Mapping[str, Any]) -> Iterator[ValidationError]:
        """The schema errors of an object payload, with paths from the payload's root.

        The family schema only constrains members one by one (its other
        rules — an object, with a `model` — are checked before it is used),
        so each member is checked against its own small schema: the same
        errors as the whole schema gives, for a fraction of the time. A
        member its compiled check accepts has nothing to explain (a payload
        usually has one bad member of many); a simple member is explained by
        ``simple_errors`` and the rest by jsonschema.
        """
        accepts = self._member_checks
        for key, value in payload.items():
            accepted = accepts.get(key)
            if accepted is not None and accepted(value):
                continue
            schema = self._member_schemas.get(key)
            if schema is None:
                continue
            simple = simple_errors(schema, value)
            errors = self._member_validator(key).iter_errors(value) if simple is None else simple
            for error in errors:
                error.relative_path.appendleft(key)
                yield error

    def member_schemas(self) -> dict[str, Mapping[str, Any]]:
        """The schema of each member the family schema constrains, by name."""
        return dict(self._member_schemas)

    @functools.cached_property
    def _member_schemas(self) -> Mapping[str, Mapping[str, Any]]:
        parts = (*self.schema.get("allOf", ()), self.schema)
        names = dict.fromkeys(name for part in parts for name in part.get("properties", {}))
        schemas = {}
        for name in names:
            found = [
                part["properties"][name] for part in parts if name in part.get("properties", {})
            ]
            schemas[name] = found[0] if len(found) == 1 else {"allOf": found}
        return schemas

    @functools.cached_property
    def _member_checks(self) -> Mapping[str, Callable[[Any], bool]]:
        # Generated ones only (see legacy_stt.payloads.schema): compiling some 30 members at run time
        # would cost more than it saves. A member without one goes to jsonschema.
        from .schema import fast_member_checks

        return fast_member_checks(self.name, self.member_schemas())

    def _member_validator(self, key: str) -> Validator:
        cache = self.__dict__.setdefault("_member_validators", {})
        if key not in cache:
            from jsonschema import Draft202012Validator

            cache[key] = Draft202012Validator(self._member_schemas[key])
        return cache[key]


@functools.lru_cache(maxsize=1)
def legacy_families() -> tuple[LegacyFamily, ...]:
    """The families of the legacy request schema, each with a validator built once.

    A family's validator checks the parameters declared by its branches of
    the ``anyOf`` with only ``model`` required; whether audio is present is
    one of this module's own rules, and an embedded ``audio`` object is
    checked by them too, because its published shape (a server-side upload
    record) is not what legacy JSON callers embedded.
    """
    schema = load_schema("legacy-request")
    defs = schema["$defs"]
    by_family: dict[str, dict[str, Any]] = {}
    for branch in schema["anyOf"]:
        parameters_ref = branch["$ref"].rsplit("/", 1)[-1]  # e.g. "deepgramParameters"
        family = parameters_ref[: -len("Parameters")]
        model_ref = branch["properties"]["model"]["$ref"].rsplit("/", 1)[-1]
        entry = by_family.setdefault(
            family, {"ref": branch["$ref"], "model_ref": model_ref, "properties": {}}
        )
        for name, subschema in branch["properties"].items():
            if name != "audio":
                entry["properties"].setdefault(name, subschema)
    families = []
    for family, entry in by_family.items():
        properties = {**defs[entry["ref"].rsplit("/", 1)[-1]]["properties"], **entry["properties"]}
        family_schema = inline_local_refs(
            {
                "allOf": [{"$ref": entry["ref"]}],
                "properties": entry["properties"],
                "required": ["model"],
            },
            schema,
        )
        families.append(
            LegacyFamily(
                name=family,
                models=tuple(defs[entry["model_ref"]]["enum"]),
                parameters=frozenset(set(properties) - INPUT_MEMBERS),
                properties=properties,
                schema=family_schema,
            )
        )
    return tuple(families)


@functools.lru_cache(maxsize=1)
def family_by_model() -> dict[str, LegacyFamily]:
    """The family of each model id the shipped schema names (looked up for every payload)."""
    return {model: family for family in legacy_families() for model in family.models}
