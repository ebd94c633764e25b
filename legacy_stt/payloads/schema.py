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
import os
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
    "create_body_check",
    "simple_errors",
    "SimpleSchemaError",
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
_SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas")
_lock = threading.Lock()


def schema_id(name: str) -> str:
    """The ``$id`` of the schema called ``name``."""
    return _ID_PREFIX + name


def schema_text(name: str) -> str:
    """The schema file's text, read from the installed package."""
    if name not in SCHEMA_NAMES:
        raise KeyError(f"no schema called {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    # Read from beside this module when the package is on the file system: importlib.resources
    # (and the zip support it brings) costs a short `legacy-stt check` several milliseconds.
    try:
        with open(os.path.join(_SCHEMA_DIR, f"{name}.schema.json"), encoding="utf-8") as file:
            return file.read()
    except OSError:  # a zipped install, say
        pass
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
        "contentMediaType",
        "contentEncoding",
    }
)


#: Keywords that describe a schema without constraining anything.
_ANNOTATIONS = frozenset(
    # content*: annotations in Draft 2020-12 (jsonschema does not assert them)
    {
        "title",
        "description",
        "$comment",
        "default",
        "examples",
        "contentMediaType",
        "contentEncoding",
    }
)


def inline_local_refs(schema: Any, document: Mapping[str, Any]) -> Any:
    """``schema`` with every ``#/...`` reference into ``document`` replaced by its target,
    and every reference into a shipped schema (``urn:legacy-stt:schema:<name>#/...``) too.

    In Draft 2020-12 a ``$ref`` beside other keywords applies both (the
    target's ``properties`` and the sibling ``properties`` each hold), so a
    reference with constraining siblings becomes an ``allOf`` of its target;
    one with only annotations beside it is merged into its target.
    """
    if isinstance(schema, Mapping):
        ref = schema.get("$ref")
        pointer = None
        target_document = document
        if isinstance(ref, str) and ref.startswith("#/"):
            pointer = ref[2:]
        elif isinstance(ref, str) and ref.startswith(_ID_PREFIX) and "#/" in ref:
            name, _, pointer = ref[len(_ID_PREFIX) :].partition("#/")
            target_document = load_schema(name)  # the target's own references are into it
        if pointer is not None:
            target: Any = target_document
            for part in pointer.split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            # the siblings' references are into this document, not the target's
            rest = inline_local_refs(
                {key: value for key, value in schema.items() if key != "$ref"}, document
            )
            inlined = inline_local_refs(target, target_document)
            if not rest:
                return inlined
            if rest.keys() <= _ANNOTATIONS:
                return {**inlined, **rest}
            # an allOf beside the reference holds as well as the reference: one list of both
            return {**rest, "allOf": [inlined, *rest.get("allOf", ())]}
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


#: How fastjsonschema compiles a schema: the generated module and a compile at run time alike.
FASTJSONSCHEMA_OPTIONS: dict[str, Any] = {
    "use_formats": False,
    # By default fastjsonschema writes each "default" into the checked object: the
    # caller's payload would change, and defaults would be sent as if the caller had asked.
    "use_default": False,
    # Only yes or no is used: no message is built for a failure.
    "detailed_exceptions": False,
}


def for_fastjsonschema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A portable schema as fastjsonschema compiles it: Draft 7, its constraints only."""
    return {
        **_constraints_only(schema),
        "$schema": "http://json-schema.org/draft-07/schema#",
    }


def _constraints_only(schema: Any) -> Any:
    """A portable schema without its annotations (``format`` is one too: neither library
    asserts it), which do not change what it accepts."""
    if isinstance(schema, list):  # allOf, anyOf, oneOf
        return [_constraints_only(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    kept = {}
    for key, value in schema.items():
        if key in _ANNOTATIONS or key == "format":
            continue
        if key == "properties":
            value = {name: _constraints_only(member) for name, member in value.items()}
        elif key in ("items", "not") or key.endswith("Of"):
            value = _constraints_only(value)
        kept[key] = value
    return kept


def fast_validity_check(
    schema: Mapping[str, Any], *, compiled_name: str | None = None
) -> Callable[[Any], bool] | None:
    """A compiled yes/no check for a self-contained schema, or ``None`` if there is none.

    fastjsonschema turns the schema into Python code, which answers "is it
    valid?" many times faster than jsonschema's interpreter; that is what
    makes checking thousands of payloads cheap. It only answers yes or no:
    jsonschema stays the reference for what is wrong. ``None`` when the
    schema uses a keyword outside the portable set (or fastjsonschema is
    missing), so callers fall back to jsonschema.

    ``compiled_name`` names the schema's check in the generated module
    ``legacy_stt.payloads._compiled_schema``: it is used if it was generated from
    this very schema (compiling costs every process some 40 ms), and the
    schema is compiled now if not.
    """
    if not _portable(schema):
        return None
    compiled = _pregenerated(compiled_name, schema) if compiled_name is not None else None
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    if compiled is None:
        compiled = fastjsonschema.compile(for_fastjsonschema(schema), **FASTJSONSCHEMA_OPTIONS)
    return _yes_or_no(compiled)


def fast_member_checks(
    name: str, members: Mapping[str, Mapping[str, Any]]
) -> dict[str, Callable[[Any], bool]]:
    """Compiled yes/no checks of the members of the schema ``name`` (``members``: their schemas).

    Only those of the generated module, each if it was generated from the
    member's schema as it is now; a member without one is left out.
    """
    return {member: _yes_or_no(check) for member, check in _member_code(name, members).items()}


def member_wise_check(
    schema: Mapping[str, Any], name: str, members: Mapping[str, Mapping[str, Any]]
) -> Callable[[Any], bool] | None:
    """A check of ``schema`` made of its members' compiled checks, or ``None`` if there is none.

    A schema that asks only for an object, with its ``required`` members,
    each member valid on its own (``properties``, in ``allOf`` parts too),
    holds exactly when each member the object has is valid. Checking only
    those (a payload has a few of the thirty a family declares) takes half
    the time of fastjsonschema's code for the whole schema, which looks for
    every declared member. ``None`` if the schema asks anything else, or a
    member has no generated check.
    """
    shape = _member_wise_shape(schema)
    code = _member_code(name, members)
    if shape is None or code.keys() != members.keys():
        return None
    must_be_object, required = shape
    from fastjsonschema import JsonSchemaException

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):  # what fastjsonschema takes for an object
            return not must_be_object
        if not instance.keys() >= required:
            return False
        try:
            for member, value in instance.items():
                member_check = code.get(member)
                if member_check is not None:
                    member_check(value)
        except JsonSchemaException:
            return False
        return True

    return check


def _member_wise_shape(schema: Mapping[str, Any]) -> tuple[bool, frozenset[str]] | None:
    """(whether it must be an object, its required members) if ``schema`` asks only that."""
    must_be_object = False
    required: list[str] = []
    for part in (schema, *schema.get("allOf", ())):
        for keyword, value in part.items():
            if keyword in _ANNOTATIONS or keyword in ("format", "properties", "$schema", "$id"):
                continue
            if keyword == "type" and value == "object":
                must_be_object = True
            elif keyword == "required":
                required += value
            elif not (keyword == "allOf" and part is schema):
                return None
    return must_be_object, frozenset(required)


def create_member_schemas(name: str) -> dict[str, Mapping[str, Any]]:
    """The schema of each member the create schema ``name`` declares, references inlined;
    only the members fastjsonschema can compile (the others are left out)."""
    schema = load_schema(name)
    members = {
        member: inline_local_refs(member_schema, schema)
        for member, member_schema in schema.get("properties", {}).items()
    }
    return {member: found for member, found in members.items() if _portable(found)}


_create_checks: dict[str, Callable[[Any], bool]] = {}
_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)


_PLAIN_DEPTH = 64


def _plain_json(value: Any) -> bool:
    """Only what ``json.loads`` makes: the generated code reads a tuple as an array, where
    jsonschema (the reference) does not, and other numbers (``Fraction``) the other way.
    Deeper than ``_PLAIN_DEPTH`` (or holding itself) counts as not plain: jsonschema decides."""
    if type(value) is dict and all(type(member) in _SCALAR_TYPES for member in value.values()):
        return all(type(key) is str for key in value)  # a flat body: the common case
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            if depth >= _PLAIN_DEPTH or not all(isinstance(key, str) for key in item):
                return False
            pending.extend((member, depth + 1) for member in item.values())
        elif isinstance(item, list):
            if depth >= _PLAIN_DEPTH:
                return False
            pending.extend((member, depth + 1) for member in item)
        elif not isinstance(item, _SCALARS):
            return False
    return True


def create_body_check(name: str) -> Callable[[Any], bool]:
    """A yes/no check of a create body against the create schema ``name``.

    Every legacy call checks its translated body against its target's
    schema; jsonschema's interpreter takes about a tenth of a millisecond
    for it, the members' generated checks (see ``member_wise_check``) a few
    microseconds. jsonschema's own ``is_valid`` when they are missing or
    stale. ``validator_for(name)`` explains a body this rejects.
    """
    found = _create_checks.get(name)
    if found is None:
        schema = load_schema(name)
        members = create_member_schemas(name)
        reference = validator_for(name).is_valid
        fast = None
        if members.keys() == schema.get("properties", {}).keys():  # else one it cannot compile
            fast = member_wise_check(schema, name, members)
        if fast is None:
            found = reference
        else:

            def found(body: Any, fast: Callable[[Any], bool] = fast) -> bool:
                return fast(body) if _plain_json(body) else reference(body)

        _create_checks[name] = found
    return found


def _member_code(
    name: str, members: Mapping[str, Mapping[str, Any]]
) -> dict[str, Callable[[Any], Any]]:
    """The generated code of the members of the schema ``name``: each if it is fresh."""
    try:
        from . import _compiled_schema as generated
    except ImportError:
        return {}
    sources = generated.MEMBER_SOURCES.get(name, {})
    compiled = generated.MEMBER_CHECKS.get(name, {})
    return {
        member: compiled[member]
        for member, schema in members.items()
        if member in compiled and sources.get(member) == canonical(schema)
    }


def _yes_or_no(compiled: Callable[[Any], Any]) -> Callable[[Any], bool]:
    """``compiled`` (which raises when a value is not valid) as a check that answers True or False."""
    from fastjsonschema import JsonSchemaException

    def check(instance: Any) -> bool:
        try:
            compiled(instance)
        except JsonSchemaException:
            return False
        return True

    return check


# --------------------------------------------------------------------------
# the generated module of compiled checks

#: The generated module, beside this one.
COMPILED_MODULE = "_compiled_schema"


def canonical(schema: Mapping[str, Any]) -> str:
    """What the generated module records of the schema a check was made from: what fastjsonschema
    compiled, as JSON text (so a new description does not make it stale)."""
    return json.dumps(for_fastjsonschema(schema), sort_keys=True, separators=(",", ":"))


def _pregenerated(name: str, schema: Mapping[str, Any]) -> Callable[[Any], Any] | None:
    """The generated check called ``name``, if it was generated from ``schema``; else ``None``."""
    try:
        from . import _compiled_schema as generated
    except ImportError:  # not generated, or by a fastjsonschema newer than the installed one
        return None
    if generated.SOURCES.get(name) != canonical(schema):
        return None  # stale: the schema changed since the module was written
    return generated.CHECKS[name]


# --------------------------------------------------------------------------
# explaining a simple member schema without jsonschema

#: The keywords ``simple_errors`` explains; a schema with any other constraint goes to jsonschema.
_SIMPLE_KEYWORDS = frozenset({"type", "enum", "items", "minimum", "maximum"})
#: The Python types of what ``json.loads`` returns; anything else goes to jsonschema.
_JSON_TYPES = frozenset({str, bool, int, float, list, dict, type(None)})


def _is_integer(value: Any) -> bool:
    return type(value) is int or (type(value) is float and value.is_integer())


# What each JSON type accepts, as jsonschema's Draft 2020-12 type checker has it (1.0 is an
# integer, a bool is not a number), for values of the types in _JSON_TYPES.
_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: type(value) is str,
    "boolean": lambda value: type(value) is bool,
    "integer": _is_integer,
    "number": lambda value: type(value) is int or type(value) is float,
    "array": lambda value: type(value) is list,
    "object": lambda value: type(value) is dict,
    "null": lambda value: value is None,
}


class SimpleSchemaError:
    """A schema error with the attributes of jsonschema's ``ValidationError`` that callers read."""

    __slots__ = ("instance", "message", "relative_path", "schema", "validator", "validator_value")

    context: tuple[()] = ()

    def __init__(
        self, keyword: str, value: Any, instance: Any, schema: Mapping[str, Any], path: Any
    ) -> None:
        from collections import deque

        self.validator = keyword
        self.validator_value = value
        self.instance = instance
        self.schema = schema
        self.relative_path = deque(path)
        self.message = f"{instance!r} does not satisfy {keyword} {value!r}"

    @property
    def absolute_path(self) -> Any:
        return self.relative_path  # a member's error has no parent error

    def __repr__(self) -> str:
        return f"<SimpleSchemaError {self.validator} at {list(self.relative_path)}>"


def simple_errors(schema: Mapping[str, Any], instance: Any) -> list[SimpleSchemaError] | None:
    """The errors jsonschema would give for ``instance``, if the schema and the value are simple.

    Most legacy members are a type, an enum of strings, a list of one type
    or a number in a range. For those, and values ``json.loads`` can make,
    the errors come out here in jsonschema's order (schema keyword order),
    and a process that meets an invalid payload does not import jsonschema
    (about 0.1 s). ``None`` for anything else: jsonschema explains it. The
    test suite checks that both give the same errors.
    """
    found: list[SimpleSchemaError] = []
    return found if _simple_errors(schema, instance, (), found) else None


def _simple_errors(
    schema: Any, instance: Any, path: tuple[Any, ...], found: list[SimpleSchemaError]
) -> bool:
    if not isinstance(schema, Mapping) or type(instance) not in _JSON_TYPES:
        return False
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS or keyword == "format":
            continue
        if keyword not in _SIMPLE_KEYWORDS:
            return False
        if keyword == "type":
            kinds = [value] if isinstance(value, str) else value
            if not all(kind in _TYPE_TESTS for kind in kinds):
                return False
            if not any(_TYPE_TESTS[kind](instance) for kind in kinds):
                found.append(SimpleSchemaError(keyword, value, instance, schema, path))
        elif keyword == "enum":
            if not all(type(choice) is str for choice in value):
                return False
            if not (type(instance) is str and instance in value):
                found.append(SimpleSchemaError(keyword, value, instance, schema, path))
        elif keyword == "items":
            if type(instance) is list:
                for index, item in enumerate(instance):
                    if not _simple_errors(value, item, (*path, index), found):
                        return False
        elif type(instance) in (int, float) and type(value) in (int, float):
            if instance < value if keyword == "minimum" else instance > value:
                found.append(SimpleSchemaError(keyword, value, instance, schema, path))
        elif type(value) not in (int, float):
            return False
    return True
