"""Parameters as multipart form fields, and back.

A multipart upload carries every parameter as text. Clients write them in
different ways -- Python's requests sends ``True``, JavaScript ``true``,
numbers as text, lists as repeated fields -- so decoding is guided by the
parameter's schema: ``"true"`` becomes ``True`` only where a boolean is
expected, and stays a string where a string is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["encode_form_fields", "decode_form_fields"]


def _encode_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def encode_form_fields(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Form fields for a create body: lists as repeated fields, booleans as ``true``/``false``.

    ``None`` means "the service's default" and is left out: a form cannot
    say null.
    """
    fields: list[tuple[str, str]] = []
    for key, value in body.items():
        if value is None:
            continue
        if isinstance(value, list):
            fields.extend((key, _encode_scalar(item)) for item in value)
        else:
            fields.append((key, _encode_scalar(value)))
    return fields


def _types(schema: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    kind = schema.get("type")
    if isinstance(kind, str):
        found.add(kind)
    elif isinstance(kind, list):
        found.update(k for k in kind if isinstance(k, str))
    for branch in schema.get("anyOf", ()):
        if isinstance(branch, Mapping):
            found |= _types(branch)
    return found


def _item_schema(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(schema.get("items"), Mapping):
        return schema["items"]
    for branch in schema.get("anyOf", ()):
        if isinstance(branch, Mapping) and isinstance(branch.get("items"), Mapping):
            return branch["items"]
    return {}


def _decode_scalar(text: str, types: set[str]) -> Any:
    if "boolean" in types and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if "integer" in types:
        try:
            return int(text)
        except ValueError:
            pass
    if "number" in types:
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            if number == number and number not in (float("inf"), float("-inf")):
                return (
                    int(number)
                    if number.is_integer() and "." not in text and "e" not in text.lower()
                    else number
                )
    if "null" in types and text == "null":
        return None
    if types & {"object", "array"} and "string" not in types:
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def decode_form_fields(
    fields: Iterable[tuple[str, str]], properties: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Typed parameters from form fields, guided by the schema's ``properties``.

    Unknown fields are kept as strings (or lists of strings, when repeated)
    so that validation can report them by name. A value that does not fit
    its type is kept as text, and validation then reports the type.
    """
    grouped: dict[str, list[str]] = {}
    for key, value in fields:
        grouped.setdefault(key, []).append(value)
    decoded: dict[str, Any] = {}
    for key, values in grouped.items():
        schema = properties.get(key, {})
        types = _types(schema)
        if "array" in types and (len(values) > 1 or not (types - {"array", "null"})):
            if len(values) == 1 and values[0].startswith("["):
                try:
                    parsed = json.loads(values[0])
                except ValueError:
                    parsed = None
                if isinstance(parsed, list):
                    decoded[key] = parsed
                    continue
            item_types = _types(_item_schema(schema))
            decoded[key] = [_decode_scalar(value, item_types) for value in values]
        elif len(values) > 1:
            decoded[key] = [_decode_scalar(value, types) for value in values]
        else:
            decoded[key] = _decode_scalar(values[0], types)
    return decoded
