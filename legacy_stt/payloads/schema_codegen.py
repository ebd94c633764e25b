"""Writes ``legacy_stt/_compiled_schema.py``: fastjsonschema's code for the legacy families
and for the members of the targets' create schemas.

Run ``python -m legacy_stt.payloads.schema_codegen`` after the shipped schema changes
(the test suite fails until then: ``tests/test_fast_checks.py``). The
module it writes is used only while the schemas it records are the ones
``families.legacy_families()`` derives (see ``schema.fast_validity_check``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from .schema import (
    COMPILED_MODULE,
    CREATE_SCHEMA_NAMES,
    FASTJSONSCHEMA_OPTIONS,
    canonical,
    create_member_schemas,
    for_fastjsonschema,
)

__all__ = ["compiled_module_source", "write_compiled_module"]


def compiled_module_source(
    schemas: Mapping[str, Mapping[str, Any]],
    members: Mapping[str, Mapping[str, Mapping[str, Any]]],
) -> str:
    """The text of ``legacy_stt/_compiled_schema.py``: compiled checks of the named schemas.

    ``CHECKS`` holds a check of each schema and ``MEMBER_CHECKS`` one of each
    member of the schemas ``members`` names (their schemas, by schema name:
    those above, and others checked member by member only). Each check
    is fastjsonschema's code (with the options above), renamed;
    ``SOURCES`` and ``MEMBER_SOURCES`` record the schemas they were made
    from, so that a stale one is never used.
    """
    import fastjsonschema

    header = None
    functions = []

    def function(schema: Mapping[str, Any], function_name: str) -> str:
        nonlocal header
        code = fastjsonschema.compile_to_code(for_fastjsonschema(schema), **FASTJSONSCHEMA_OPTIONS)
        head, separator, body = code.partition("\ndef validate(")
        if not separator or "\ndef " in body or header not in (None, head):
            raise RuntimeError(f"unexpected code from fastjsonschema for {function_name}")
        header = head
        functions.append(f"def {function_name}(" + body.rstrip() + "\n")
        return function_name

    checks, member_checks, sources, member_sources = [], [], [], []
    for name, schema in schemas.items():
        prefix = "validate_" + re.sub(r"\W", "_", name)
        checks.append(f"    {name!r}: {function(schema, prefix)},\n")
        sources.append(f"    {name!r}: {canonical(schema)!r},\n")
    # members of the schemas above, and of schemas checked member by member only
    for name, named_members in members.items():
        prefix = "validate_" + re.sub(r"\W", "_", name)
        entries, entry_sources = [], []
        for index, (member, member_schema) in enumerate(named_members.items()):
            entries.append(f"        {member!r}: {function(member_schema, f'{prefix}_{index}')},\n")
            entry_sources.append(f"        {member!r}: {canonical(member_schema)!r},\n")
        member_checks.append(f"    {name!r}: {{\n{''.join(entries)}    }},\n")
        member_sources.append(f"    {name!r}: {{\n{''.join(entry_sources)}    }},\n")
    return (
        '"""Compiled yes/no checks of the legacy request\'s families and of the members of\n'
        "the targets' create schemas. Generated: do not edit.\n"
        "\n"
        "Written by ``python -m legacy_stt.payloads.schema_codegen`` with fastjsonschema "
        f"{fastjsonschema.VERSION} from the\n"
        "family schemas that ``legacy_stt.payloads.validation.legacy_families()`` derives from\n"
        "``schemas/legacy-request.schema.json``, and from ``schemas/create-*.schema.json``. A\n"
        "check whose schema has changed since is not used (jsonschema, or a compile at run\n"
        "time, stands in), and the test suite fails until this file is written again.\n"
        '"""\n'
        "\n"
        "# ruff: noqa\n"
        "# fmt: off\n"
        "# mypy: ignore-errors\n"
        f"{_portable_header(header or '').rstrip()}\n"
        "\n"
        f"SOURCES = {{\n{''.join(sources)}}}\n"
        "\n"
        f"MEMBER_SOURCES = {{\n{''.join(member_sources)}}}\n"
        "\n\n" + "\n\n".join(functions) + "\n\n"
        f"CHECKS = {{\n{''.join(checks)}}}\n"
        "\n"
        f"MEMBER_CHECKS = {{\n{''.join(member_checks)}}}\n"
    )


_BOTH_ERRORS = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException"


def _portable_header(header: str) -> str:
    """The generated code's imports, also for fastjsonschema 2.19-2.21 (Python 3.9 gets those),
    which have no ``JsonSchemaValuesException``: the code only catches it, so the one error
    class stands for both there."""
    return header.replace(
        _BOTH_ERRORS,
        "from fastjsonschema import JsonSchemaValueException\n"
        "try:  # fastjsonschema 2.22+\n"
        "    from fastjsonschema import JsonSchemaValuesException\n"
        "except ImportError:  # earlier releases raise only the one\n"
        "    JsonSchemaValuesException = JsonSchemaValueException",
    )


def write_compiled_module() -> str:
    """Write ``legacy_stt/_compiled_schema.py`` afresh from the shipped schema; its path."""
    from .families import legacy_families

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), COMPILED_MODULE + ".py")
    families = legacy_families()
    source = compiled_module_source(
        {family.name: family.schema for family in families},
        {
            **{family.name: family.member_schemas() for family in families},
            # the targets' create bodies, checked on every call (schema.create_body_check)
            **{name: create_member_schemas(name) for name in CREATE_SCHEMA_NAMES},
        },
    )
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write(source)
    return path


if __name__ == "__main__":  # pragma: no cover - python -m legacy_stt.payloads.schema_codegen
    print("wrote", write_compiled_module())
