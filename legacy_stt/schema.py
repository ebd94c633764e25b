"""The JSON Schemas legacy-stt ships, and validators built from them once.

The schema files live in the top-level ``schemas/`` directory of the source
tree and are installed inside the package (``legacy_stt/schemas``), so an
installed wheel finds them without the source tree. Each has an ``$id`` of
the form ``urn:legacy-stt:schema:<name>``; they refer to each other by it.

``jsonschema`` is imported on first use only: importing it costs tens of
milliseconds that a command which never validates should not pay.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema.protocols import Validator

__all__ = [
    "SCHEMA_NAMES",
    "CREATE_SCHEMA_NAMES",
    "schema_id",
    "load_schema",
    "schema_text",
    "validator_for",
]

#: Every schema file, by name (the file is ``<name>.schema.json``).
SCHEMA_NAMES: tuple[str, ...] = (
    "legacy-request",
    "legacy-response",
    "create-response",
    "poll-response",
    "create-nova-2",
    "create-whisper",
    "create-nova-3",
    "create-aai",
    "create-openai-transcribe",
    "create-mai-transcribe",
)

#: The create-request schema of each target family.
CREATE_SCHEMA_NAMES: tuple[str, ...] = tuple(
    name for name in SCHEMA_NAMES if name.startswith("create-") and name != "create-response"
)

_ID_PREFIX = "urn:legacy-stt:schema:"
_lock = threading.Lock()


def schema_id(name: str) -> str:
    """The ``$id`` of the schema called ``name``."""
    return _ID_PREFIX + name


def schema_text(name: str) -> str:
    """The schema file's text, read from the installed package."""
    if name not in SCHEMA_NAMES:
        raise KeyError(f"no schema called {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    from importlib.resources import files

    resource = (
        files(__package__ or "legacy_stt").joinpath("schemas").joinpath(f"{name}.schema.json")
    )
    return resource.read_text(encoding="utf-8")


@functools.cache
def load_schema(name: str) -> Mapping[str, Any]:
    """The parsed schema called ``name`` (cached; do not modify it)."""
    return json.loads(schema_text(name))


@functools.lru_cache(maxsize=1)
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (
            schema_id(name),
            Resource.from_contents(load_schema(name), default_specification=DRAFT202012),
        )
        for name in SCHEMA_NAMES
    ]
    return Registry().with_resources(resources).crawl()


_validators: dict[tuple[str, str], Validator] = {}


def validator_for(name: str, fragment: str = "") -> Validator:
    """A Draft 2020-12 validator for a schema, or for a part of one.

    ``fragment`` is a JSON Pointer into the schema (``"/$defs/deepgramResult"``).
    Validators are built and checked once per process and then reused.
    """
    key = (name, fragment)
    found = _validators.get(key)
    if found is not None:
        return found
    with _lock:
        found = _validators.get(key)
        if found is None:
            from jsonschema import Draft202012Validator

            if fragment:
                schema: Mapping[str, Any] = {"$ref": f"{schema_id(name)}#{fragment}"}
            else:
                schema = load_schema(name)
                Draft202012Validator.check_schema(schema)
            found = Draft202012Validator(schema, registry=_registry())
            _validators[key] = found
    return found


def build_validator(schema: Mapping[str, Any]) -> Validator:
    """A validator for a schema built in code that refers to the shipped ones."""
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=_registry())


# Keywords whose meaning is the same in Draft 7 (what fastjsonschema compiles) and in
# Draft 2020-12 (what the schema files are written in). A schema using anything else
# is checked by jsonschema only.
_PORTABLE_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "items",
        "anyOf",
        "allOf",
        "oneOf",
        "not",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "pattern",
        "required",
        "properties",
        # annotations: no effect on validity (formats are not asserted by either)
        "title",
        "description",
        "default",
        "examples",
        "format",
        "$comment",
    }
)


#: Keywords that describe a schema without constraining anything.
_ANNOTATIONS = frozenset({"title", "description", "$comment", "default", "examples"})


def inline_local_refs(schema: Any, document: Mapping[str, Any]) -> Any:
    """``schema`` with every ``#/...`` reference into ``document`` replaced by its target.

    In Draft 2020-12 a ``$ref`` beside other keywords applies both (the
    target's ``properties`` and the sibling ``properties`` each hold), so a
    reference with constraining siblings becomes an ``allOf`` of its target;
    one with only annotations beside it is merged into its target.
    """
    if isinstance(schema, Mapping):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = document
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            rest = inline_local_refs(
                {key: value for key, value in schema.items() if key != "$ref"}, document
            )
            inlined = inline_local_refs(target, document)
            if not rest:
                return inlined
            if rest.keys() <= _ANNOTATIONS:
                return {**inlined, **rest}
            return {"allOf": [inlined], **rest}
        return {key: inline_local_refs(value, document) for key, value in schema.items()}
    if isinstance(schema, list):
        return [inline_local_refs(item, document) for item in schema]
    return schema


def _portable(schema: Any) -> bool:
    if isinstance(schema, list):
        return all(_portable(item) for item in schema)
    if not isinstance(schema, Mapping):
        return isinstance(schema, bool)
    for key, value in schema.items():
        if key not in _PORTABLE_KEYWORDS:
            return False
        if key == "properties":
            nested: list[Any] = list(value.values())
        elif key in ("items", "not") or key.endswith("Of"):
            nested = [value]
        else:
            continue
        if not all(_portable(sub) for sub in nested):
            return False
    return True


def fast_validity_check(schema: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    """A compiled yes/no check for a self-contained schema, or ``None`` if there is none.

    fastjsonschema turns the schema into Python code, which answers "is it
    valid?" many times faster than jsonschema's interpreter; that is what
    makes checking thousands of payloads cheap. It only answers yes or no:
    jsonschema stays the reference for what is wrong. ``None`` when the
    schema uses a keyword outside the portable set (or fastjsonschema is
    missing), so callers fall back to jsonschema.
    """
    if not _portable(schema):
        return None
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    compiled = fastjsonschema.compile(
        {**schema, "$schema": "http://json-schema.org/draft-07/schema#"},
        use_formats=False,
        # By default fastjsonschema writes each "default" into the checked object: the
        # caller's payload would change, and defaults would be sent as if the caller had asked.
        use_default=False,
    )

    def check(instance: Any) -> bool:
        try:
            compiled(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return check
