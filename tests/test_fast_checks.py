"""The fast paths agree with jsonschema, the reference.

legacy-stt answers "is this payload valid?" with code fastjsonschema
generated (``legacy_stt/_compiled_schema.py``), member by member, and
explains simple members' errors itself; jsonschema explains the rest. Each
fast path must give exactly jsonschema's answer, and the generated module
must come from the schemas as they are now.
"""

from __future__ import annotations

import math

import pytest
from jsonschema import Draft202012Validator

from legacy_stt.payloads import _compiled_schema
from legacy_stt.payloads.schema import canonical as _canonical
from legacy_stt.payloads.schema import simple_errors
from legacy_stt.payloads.validation import legacy_families, problem_from_error

VALUES = [
    "", "x", "strict", "extended", "bullets", "mp3", "hash", "STRICT",
    0, 1, -1, 5, 10**20, 0.0, 0.5, 1.0, -0.25, 2.5, 1e308, math.inf, -math.inf, math.nan,
    True, False, None,
    [], ["a"], ["a", 5], [1, "b", None], [True], [[]], [{}], ["x", "y", "z"],
    {}, {"a": 1}, {"from": "a", "to": "b"},
]  # fmt: skip


def _key(error):
    return (
        error.validator,
        repr(error.validator_value),
        repr(error.instance),
        list(error.relative_path),
    )


MEMBERS = [
    (family.name, name, schema)
    for family in legacy_families()
    for name, schema in family.member_schemas().items()
]


@pytest.mark.parametrize(("family", "member", "schema"), MEMBERS, ids=lambda v: str(v)[:30])
def test_same_errors_as_jsonschema(family, member, schema):
    validator = Draft202012Validator(schema)
    for value in VALUES:
        simple = simple_errors(schema, value)
        if simple is None:
            continue
        expected = list(validator.iter_errors(value))
        assert [_key(e) for e in simple] == [_key(e) for e in expected], (member, value)
        assert [problem_from_error(e) for e in simple] == [
            problem_from_error(e) for e in expected
        ], (member, value)


def test_most_members_are_explained_without_jsonschema():
    explained = [
        m
        for _, m, schema in MEMBERS
        if simple_errors(schema, object()) is None and simple_errors(schema, "x") is not None
    ]
    assert len(explained) >= 0.8 * len(MEMBERS)


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ({"anyOf": [{"type": "string"}]}, 5),  # a keyword it does not explain
        ({"type": "string"}, (1, 2)),  # a value json.loads never makes
        ({"enum": [1, 2]}, 3),  # an enum of other than strings
        ({"type": "array", "items": {"type": "object", "required": ["a"]}}, [{}]),
        ({"minimum": "0"}, 5),
        ({"type": "decimal"}, 5),
    ],
)
def test_steps_aside_for_what_it_does_not_explain(schema, value):
    assert simple_errors(schema, value) is None


FAMILIES = legacy_families()


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_the_generated_module_is_made_from_todays_schemas(family):
    # If this fails, run `python -m legacy_stt.payloads.schema_codegen` and commit the file it writes.
    assert _compiled_schema.SOURCES[family.name] == _canonical(family.schema)
    members = family.member_schemas()
    assert _compiled_schema.MEMBER_SOURCES[family.name] == {
        name: _canonical(schema) for name, schema in members.items()
    }
    # ... and so every member has its compiled check in use
    assert set(family._member_checks) == set(members)


@pytest.mark.parametrize(("family", "member", "schema"), MEMBERS, ids=lambda v: str(v)[:30])
def test_each_generated_member_check_agrees_with_jsonschema(family, member, schema):
    check = next(f for f in FAMILIES if f.name == family)._member_checks[member]
    validator = Draft202012Validator(schema)
    for value in VALUES:
        assert check(value) == validator.is_valid(value), (member, value)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.name)
def test_the_family_check_in_use_agrees_with_jsonschema(family):
    reference = Draft202012Validator(family.schema)
    base = {"model": family.models[0], "url": "https://a.example/x.mp3"}
    payloads = [base, {"url": "x"}, {}, [], "x", None, 5, {"model": 5}, {"model": "nope"}]
    for member in [*family.member_schemas(), "unknown"]:
        payloads += [{**base, member: value} for value in VALUES]
    for payload in payloads:
        assert family.is_valid(payload) == reference.is_valid(payload), payload


def test_the_generator_writes_a_module_that_records_its_schemas():
    from legacy_stt.payloads.schema_codegen import compiled_module_source

    family = FAMILIES[-1]
    members = dict(list(family.member_schemas().items())[:2])
    namespace: dict = {}
    exec(compiled_module_source({family.name: family.schema}, {family.name: members}), namespace)
    assert namespace["SOURCES"] == {family.name: _canonical(family.schema)}
    assert set(namespace["MEMBER_CHECKS"][family.name]) == set(members)
    check = namespace["CHECKS"][family.name]
    check({"model": family.models[0]})  # valid: returns
    with pytest.raises(Exception):  # noqa: B017,PT011 - fastjsonschema's own exception type
        check({"model": 5})


# -- the targets' create bodies ---------------------------------------------------------

from fractions import Fraction  # noqa: E402

from legacy_stt.payloads.schema import (  # noqa: E402 - the create schemas' part of the file
    CREATE_SCHEMA_NAMES,
    create_body_check,
    create_member_schemas,
    inline_local_refs,
    load_schema,
    member_wise_check,
    validator_for,
)


@pytest.mark.parametrize("name", CREATE_SCHEMA_NAMES)
def test_every_create_schema_is_checked_by_its_members_generated_code(name):
    # If this fails, run `python -m legacy_stt.payloads.schema_codegen` and commit the file it writes.
    members = create_member_schemas(name)
    assert set(members) == set(load_schema(name)["properties"])  # all compiled, references inlined
    assert _compiled_schema.MEMBER_SOURCES[name] == {
        member: _canonical(schema) for member, schema in members.items()
    }
    assert member_wise_check(load_schema(name), name, members) is not None


@pytest.mark.parametrize("name", CREATE_SCHEMA_NAMES)
def test_the_create_body_check_agrees_with_jsonschema(name):
    reference = validator_for(name)  # the shipped schema itself, references and all
    check = create_body_check(name)
    schema = load_schema(name)
    model = schema["properties"]["model"].get("enum", ["m"])[0]
    base = {"model": model, "url": "https://a.example/x.mp3"}
    bodies = [base, {"url": "x"}, {}, [], "x", None, 5, {"model": 5}, {"model": "nope"}]
    upload = {"buffer": None, "fieldname": "audio", "originalname": "a.wav"}
    # what json.loads never makes, from Python callers: jsonschema's answer stands
    odd = [("a",), (), [("x",)], {"from": ("a",)}, Fraction(1, 2), {"buffer": {"data": (1, 2)}}]
    for member in [*schema["properties"], "unknown"]:
        bodies += [{**base, member: value} for value in [*VALUES, upload, {"buffer": 5}, *odd]]
    answers = set()
    for body in bodies:
        answers.add(check(body))
        assert check(body) == reference.is_valid(body), body
    assert answers == {True, False}


def test_a_reference_into_another_schema_keeps_its_siblings_in_this_one() -> None:
    document = {"$defs": {"short": {"maxLength": 3}}}
    schema = {
        "$ref": "urn:legacy-stt:schema:legacy-request#/$defs/uploadedFile",
        "properties": {"mimetype": {"$ref": "#/$defs/short"}},
    }
    inlined = inline_local_refs(schema, document)
    assert inlined["properties"] == {"mimetype": {"maxLength": 3}}
    assert inlined["allOf"][0]["type"] == "object"  # the other schema's uploadedFile


def test_an_all_of_beside_a_reference_is_kept_with_it() -> None:
    document = {"$defs": {"a": {"type": "string"}}}
    inlined = inline_local_refs({"$ref": "#/$defs/a", "allOf": [{"maxLength": 3}]}, document)
    assert inlined == {"allOf": [{"type": "string"}, {"maxLength": 3}]}


def test_a_body_too_deep_or_holding_itself_gets_jsonschemas_answer_not_a_recursion_error() -> None:
    check, reference = create_body_check("create-nova-2"), validator_for("create-nova-2")
    deep: list = []
    for _ in range(400):
        deep = [deep]
    body = {"model": "#g1_nova-2-general", "unknown": deep}
    assert check(body) == reference.is_valid(body) is True
