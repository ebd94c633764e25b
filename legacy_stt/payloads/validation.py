"""Checking a legacy payload before anything is sent.

The published request description is an ``anyOf`` of six object shapes.
Validating against the whole union gives the least useful message there is
("is not valid under any of the given schemas"), so the payload's ``model``
picks its family first (nova-2/whisper, AssemblyAI or OpenAI) and only that
family's parameters are checked. That also makes the common, valid case
cheap: one ``is_valid`` call, and error details only for payloads that fail.

On top of the schema, this module enforces what the published description
cannot say: a request needs audio (a ``url`` or an upload) and not both; a
``url`` must be an http(s) URL; a legacy JSON ``audio`` object must carry
its bytes; and a parameter the model does not know is reported (with a
suggestion) and not sent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .. import deprecations
from .._text import describe_value, did_you_mean, format_choices, model_id_variant, suggest_model_id
from ..exceptions import PayloadError, Problem
from .families import INPUT_MEMBERS, LegacyFamily, ParameterNotice, family_by_model, legacy_families

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema.exceptions import ValidationError


__all__ = [
    "form_fields_as_read",
    "validate",
    "MAX_PAYLOAD_BYTES",
    "MAX_PAYLOAD_DEPTH",
    "too_deep_problem",
    "inspect_payload",
    "PayloadReport",
    "ParameterNotice",
    "LegacyFamily",
    "legacy_families",
    "family_of_model",
    "INPUT_MEMBERS",
]


#: The largest payload accepted, measured as (about) the size of its JSON text. Legacy payloads
#: are parameters and a URL, a few kilobytes; an embedded Buffer of a few minutes of audio fits.
#: A payload file is not read past it, and nothing bigger is held, walked or sent.
MAX_PAYLOAD_BYTES = 32 * 1024 * 1024
#: The deepest nesting accepted (the payload object is level 1). Legacy parameters nest at most
#: three levels (a list of objects of strings); the bound keeps every later step (schema
#: checks, ``json.dumps`` of the body) far from Python's recursion limit.
MAX_PAYLOAD_DEPTH = 32


@dataclass
class PayloadReport:
    """What checking one payload found.

    ``params`` is the payload as it should be sent: unknown members and an
    embedded JSON ``audio`` object removed (the audio travels as an upload).
    """

    model: str | None
    family: LegacyFamily | None
    params: dict[str, Any]
    problems: list[Problem]
    notices: list[ParameterNotice]
    embedded_audio: Mapping[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_or_warn(self, *, strict: bool) -> None:
        """Raise ``PayloadError`` for problems (and, if strict, lossy notices); else emit warnings."""
        problems = list(self.problems)
        if strict:
            problems += [notice.as_problem() for notice in self.notices if notice.lossy]
        if problems:
            raise PayloadError(problems)
        for notice in self.notices:
            deprecations.warn(notice.message, notice.category)


def family_of_model(model: str) -> LegacyFamily | None:
    """The legacy family a model id belongs to, including models of plug-in model adapters."""
    family = family_by_model().get(model)
    if family is not None:
        return family
    from ..adapters.registry import default_registry

    adapter = default_registry.adapter_for_legacy_model(model)
    if adapter is not None:
        for family in legacy_families():
            if family.name == adapter.input_family:
                return family
    return None


def _known_legacy_models() -> list[str]:
    from ..adapters.registry import default_registry

    models = dict.fromkeys(model for family in legacy_families() for model in family.models)
    models.update(dict.fromkeys(default_registry.legacy_models()))
    return list(models)


# --------------------------------------------------------------------------
# schema errors in plain words


_TYPE_WORDS = {
    "boolean": "true or false",
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _member_name(path: Any) -> str:
    """How a message names the value at ``path``: `diarize`, item 1 of `tag`, ..."""
    parts = list(path)
    if not parts:
        return "the payload"
    name = ""
    for part in parts:
        if isinstance(part, int):
            name = f"item {part} of {name}" if name else f"item {part}"
        else:
            name = f"`{part}`" if not name else f"`{part}` of {name}"
    return name


def _pointer(path: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _expected_types(schema: Mapping[str, Any]) -> str:
    """'a string or a list of strings' for the schema's accepted shapes."""
    if "anyOf" in schema:
        return " or ".join(_expected_types(branch) for branch in schema["anyOf"])
    kinds = schema.get("type")
    if kinds is None:
        return "a valid value"
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    words = []
    for kind in kinds:
        if (
            kind == "array"
            and isinstance(schema.get("items"), Mapping)
            and "type" in schema["items"]
        ):
            item_type = schema["items"]["type"]
            item_word = {
                "string": "strings",
                "number": "numbers",
                "integer": "whole numbers",
                "object": "objects",
            }.get(item_type if isinstance(item_type, str) else "", "values")
            words.append(f"a list of {item_word}")
        else:
            words.append(_TYPE_WORDS.get(kind, kind))
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def problem_from_error(error: ValidationError) -> Problem:
    pointer = _pointer(error.absolute_path)
    name = _member_name(error.absolute_path)
    keyword = error.validator
    instance = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword in ("anyOf", "oneOf") and error.context:
        # If some alternative matched the value's shape and failed deeper (a list with a bad
        # item), that deeper error is the real defect; otherwise the shape itself is wrong.
        deeper = [sub for sub in error.context if len(sub.relative_path) > 0]
        if deeper:
            from jsonschema.exceptions import best_match

            return problem_from_error(best_match(deeper))
        message = f"{name} must be {_expected_types(schema)}; got {describe_value(instance)}"
        return Problem(pointer, message, "schema.type")
    if keyword == "type":
        message = f"{name} must be {_expected_types(schema)}; got {describe_value(instance)}"
    elif keyword == "enum":
        choices = [str(choice) for choice in error.validator_value]
        message = f"{name} must be one of {format_choices(choices)}; got {describe_value(instance)}"
        if isinstance(instance, str):
            suggestion = did_you_mean(instance, choices)
            if suggestion:
                message += f" (did you mean {suggestion!r}?)"
    elif keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "a member"
        pointer = f"{pointer}/{missing}"
        message = f"{name} is missing its required member `{missing}`"
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        relation = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }[keyword]
        message = (
            f"{name} must be {relation} {error.validator_value}; got {describe_value(instance)}"
        )
    else:
        message = f"{name}: {error.message}"
    return Problem(pointer, message, f"schema.{keyword}")


# --------------------------------------------------------------------------
# the checks


# Most URLs are plainly fine; urlsplit (the slow, exact check) is for the rest.
_PLAIN_HTTP_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,4})?(?:[/?#][^\s\x00-\x1f\x7f]*)?\Z"
)
# Whitespace and control characters are never part of a URL: they must be percent-encoded.
_UNENCODED = re.compile(r"[\s\x00-\x1f\x7f]")


def _is_http_url(url: str) -> bool:
    if _PLAIN_HTTP_URL.match(url):
        return True
    if _UNENCODED.search(url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError:  # also an unclosed IPv6 bracket ("http://[")
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _check_url(url: Any, problems: list[Problem]) -> None:
    if not isinstance(url, str) or _is_http_url(url):
        return  # the schema reports a wrong type
    message = (
        "`url` must be an http(s) address of the audio file, such as "
        f"https://example.com/call.mp3; got {describe_value(url)}"
    )
    if _UNENCODED.search(url):
        message += " (spaces and control characters must be percent-encoded, a space as %20)"
    problems.append(Problem("/url", message, "url-format"))


def too_deep_problem(member: str | None = None) -> Problem:
    """The problem of a payload (or of its ``member``) nested deeper than ``MAX_PAYLOAD_DEPTH``."""
    where = "the payload" if member is None else f"`{member}`"
    return Problem(
        _pointer([member]) if member is not None else "",
        f"{where} is nested more than {MAX_PAYLOAD_DEPTH} levels deep; legacy parameters nest "
        "at most three levels (a list of objects)",
        "too-deep",
    )


# Python writes at most 4300 digits of an int as text by default; past that json.dumps fails.
_HUGE_INT = 10**4000


def _too_large_problem(member: str | None) -> Problem:
    where = f" (the limit is passed in `{member}`)" if member is not None else ""
    return Problem(
        _pointer([member]) if member is not None else "",
        f"the payload is larger than {MAX_PAYLOAD_BYTES // 2**20} MiB{where}: legacy payloads hold "
        "parameters and a URL; pass the audio as a file (audio=path, bytes or a file object) "
        "instead of embedding it",
        "too-large",
    )


def _not_json_problem(member: str | None, value: Any) -> Problem | None:
    """A problem for a value JSON cannot carry (NaN, infinities, Decimal, complex, bytes, ...).

    Python's ``json`` would write NaN as a bare ``NaN`` that no JSON parser
    (the service's included) accepts, and refuse the others only when the
    request is being built; found here, nothing is sent.
    """
    if isinstance(value, (int, str)):
        return None  # an int or str subclass (an enum member) is written as its value
    if member == "audio" and isinstance(value, (bytes, bytearray, memoryview)):
        return None  # the audio checks say how to pass raw audio instead
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        what = "NaN" if value != value else "an infinite number"
    else:
        what = f"a {type(value).__name__} value"
    where = f"`{member}`" if member is not None else "the payload"
    return Problem(
        _pointer([member]) if member is not None else "",
        f"{where} holds {what}, which JSON cannot represent; send a finite number, a string, "
        "true/false, null, a list or an object",
        "not-json",
    )


def _size_problem(payload: Mapping[str, Any]) -> Problem | None:
    """A problem if the payload is deeper than ``MAX_PAYLOAD_DEPTH`` or bigger than ``MAX_PAYLOAD_BYTES``.

    One iterative walk (no recursion, so any depth is safe) that stops as
    soon as a limit is passed; sizes are estimated as JSON text would be.
    It runs for every payload, so the common case (a few scalars) is kept cheap.
    """
    budget = MAX_PAYLOAD_BYTES
    # (container, its depth, the payload member it is in): problems name that member
    pending: list[tuple[Any, int, str | None]] = [(payload, 1, None)]
    while pending:
        container, depth, member = pending.pop()
        if depth > MAX_PAYLOAD_DEPTH:
            return too_deep_problem(member)
        entries: Any
        if type(container) is dict or isinstance(container, Mapping):
            try:
                budget -= sum(map(len, container)) + 4 * len(container)
            except TypeError:  # a name that is not a string, in a nested object
                budget -= 8 * len(container)
            entries = (
                container.items() if member is None else zip(repeat(member), container.values())
            )
        else:
            budget -= 2 + len(container)
            entries = zip(repeat(member), container)
            if len(container) > 16:
                try:  # a Buffer's data: whole numbers 0-255 are measured at C speed
                    budget -= 4 * len(bytes(container))
                    entries = ()
                except (TypeError, ValueError):
                    pass
        for name, value in entries:
            # JSON's own kinds are told by their exact types first: an isinstance test
            # against Mapping, an abstract class, costs more than the rest of the loop.
            kind = type(value)
            if kind is str:
                budget -= len(value) + 3
            elif kind is bool or value is None:
                budget -= 6  # true, false or null, with its comma
            elif kind is int:
                if not -_HUGE_INT < value < _HUGE_INT:
                    return Problem(
                        _pointer([name]),
                        f"`{name}` holds a number of more than 4000 digits",
                        "too-large",
                    )
                budget -= 4
            elif kind is float and math.isfinite(value):
                budget -= 6  # a number with its comma
            elif kind is list or kind is dict or isinstance(value, (Mapping, list, tuple)):
                pending.append((value, depth + 1, name))
            else:
                problem = _not_json_problem(name, value)
                if problem is not None:
                    return problem
                budget -= 6
            if budget < 0:
                return _too_large_problem(name)
        if budget < 0:
            return _too_large_problem(member)
    return None


def _check_embedded_audio(audio: Any, problems: list[Problem]) -> bool:
    """Check a legacy JSON ``audio`` object; True if its bytes can be sent."""
    if isinstance(audio, str):
        kind = "a data URI" if audio.startswith("data:") else "a string (base64?)"
        problems.append(
            Problem(
                "/audio",
                f"`audio` is {kind}: embedding audio in the JSON body is not part of the API. "
                "Pass the file separately (audio=path, bytes or a binary file) so it is uploaded as multipart",
                "audio-embedded",
            )
        )
        return False
    if not isinstance(audio, Mapping):
        problems.append(
            Problem(
                "/audio",
                f"`audio` must be an uploaded file object with a `buffer`; got {describe_value(audio)}. "
                "Pass the file separately (audio=...) instead",
                "audio-object",
            )
        )
        return False
    buffer = audio.get("buffer")
    if (
        not isinstance(buffer, Mapping)
        or buffer.get("type") != "Buffer"
        or not isinstance(buffer.get("data"), list)
    ):
        if audio.get("type") == "Buffer":
            # JSON.stringify(buffer) itself, without the uploaded-file object around it
            message = 'the `audio` member is a bare Buffer; legacy JSON wraps it: {"buffer": {"type": "Buffer", "data": [...]}}. '
        else:
            message = 'the `audio` object carries no bytes: `buffer` must be {"type": "Buffer", "data": [0-255, ...]}. '
        problems.append(
            Problem(
                "/audio/buffer",
                message + "Pass the file separately (audio=path, bytes or a binary file) instead",
                "audio-buffer",
            )
        )
        return False
    from .uploads import buffer_data_problem  # here: few payloads embed audio

    data = buffer["data"]
    byte_problem = buffer_data_problem(data)
    if byte_problem is not None:
        problems.append(byte_problem)
        return False
    if not data:
        problems.append(
            Problem("/audio/buffer/data", "the embedded audio is empty (no bytes)", "audio-empty")
        )
        return False
    for member in ("mimetype", "originalname"):
        if member in audio and not isinstance(audio[member], str):
            problems.append(
                Problem(
                    f"/audio/{member}",
                    f"`{member}` must be a string; got {describe_value(audio[member])}",
                    "schema.type",
                )
            )
            return False
    return True


def _legacy_model_for(target: str, legacy: list[str]) -> str:
    """A legacy model whose payloads can move to ``target``: of the same variant if there is one."""
    from ..adapters.registry import default_registry

    try:
        family_name = default_registry.adapter_for_target(target).rules_family
    except PayloadError:
        family_name = "deepgram"
    family = next((f for f in legacy_families() if f.name == family_name), None)
    models = [model for model in (family.models if family else legacy) if model in legacy]
    variant = model_id_variant(target)
    same = [model for model in models if variant and model_id_variant(model) == variant]
    return (same or models or legacy)[0]


def _target_is_not_legacy(model: str, target: str, reason: str, legacy: list[str]) -> str:
    keep = _legacy_model_for(target, legacy)
    if model.strip() == target:
        lead = f"unknown model {model!r}: "
    else:
        because = f" ({reason})" if reason else ""
        lead = f"unknown model {model!r}: it looks like {target!r}{because}; "
    return (
        f"{lead}{target!r} is a model of the two-step API: a target, not a legacy model. Keep "
        f"the payload's legacy model (such as {keep!r}) and pass --target {target} or "
        f"Client(target={target!r})"
    )


def _unknown_model_message(model: str) -> str:
    """What is wrong with a legacy payload's unknown model id, and what to write instead.

    The suggestion is looked for within the model's family (see
    ``_text.suggest_model_id``), among the legacy ids and the two-step
    API's own ones: a legacy payload must keep a legacy id, so a target id
    (or a near miss of one) is answered with how to move to that target.
    """
    from ..adapters.registry import default_registry

    legacy = _known_legacy_models()
    is_legacy = set(legacy)
    targets = [target for target in default_registry.target_models() if target not in is_legacy]
    # legacy ids first: of two equally good answers, the one the payload can name wins
    suggestion = suggest_model_id(model, legacy + targets, default_registry.model_aliases())
    if suggestion is None:
        return f"unknown model {model!r}; known models: {format_choices(legacy, limit=40)}"
    if suggestion.model is None:
        own = [m for m in suggestion.family if m in legacy]
        other = [m for m in suggestion.family if m not in legacy]
        message = f"unknown model {model!r}: no {suggestion.label} model is called that"
        if own:
            message += f"; legacy ones: {format_choices(own, limit=40)}"
        if other:
            message += f"; targets (for --target or Client(target=...)): {format_choices(other)}"
        return message
    if suggestion.model not in legacy:
        return _target_is_not_legacy(model, suggestion.model, suggestion.reason, legacy)
    because = f" ({suggestion.reason})" if suggestion.reason else ""
    if suggestion.certain:
        return f"unknown model {model!r}: write {suggestion.model!r}{because}"
    return f"unknown model {model!r}; did you mean {suggestion.model!r}?{because}"


#: Options of OpenAI's own transcription API that the legacy endpoint never took.
OPENAI_API_ONLY = frozenset(
    {"response_format", "timestamp_granularities", "chunking_strategy", "include", "stream"}
)


def unknown_parameter_notice(key: str, model: str, family: LegacyFamily) -> ParameterNotice:
    pointer = _pointer([key])
    if key == "file":
        return ParameterNotice(
            pointer,
            f"`file` is not an upload field of {model}: legacy payloads upload the audio as `audio` "
            "(only the OpenAI models' create endpoint names it `file`). Rename `file` -> `audio`",
            "upload-field",
            deprecations.UnknownParameterWarning,
        )
    if key in OPENAI_API_ONLY:
        return ParameterNotice(
            pointer,
            f"`{key}` is an option of OpenAI's own transcription API, not of {model}: it is not "
            "sent, and the answer keeps the legacy JSON shape; remove it",
            "openai-parameter",
            deprecations.UnknownParameterWarning,
        )
    suggestion = did_you_mean(key, sorted(family.parameters | INPUT_MEMBERS))
    message = f"unknown parameter `{key}` is not sent to {model}"
    if suggestion:
        message += f": did you mean `{suggestion}`? Rename `{key}` -> `{suggestion}`"
    else:
        owners = [
            other.title
            for other in legacy_families()
            if other is not family and key in other.parameters
        ]
        if owners:
            message += f": `{key}` is a parameter of {owners[0]}, not of {family.title}; remove it"
        else:
            message += "; remove it"
    return ParameterNotice(
        pointer, message, "unknown-parameter", deprecations.UnknownParameterWarning
    )


def inspect_payload(
    payload: Any, *, upload_given: bool = False, also_known: Collection[str] = ()
) -> PayloadReport:
    """Check a legacy payload and report everything found; never raises for bad input.

    ``upload_given`` says whether the audio comes separately (as the
    ``audio=`` argument, or a multipart file part) rather than in the payload.
    ``also_known`` are further parameter names to accept and keep (the
    target model's own names, when the payload is being moved to it); the
    target's model adapter and schema check their values.
    """
    problems: list[Problem] = []
    notices: list[ParameterNotice] = []
    if not isinstance(payload, Mapping):
        problems.append(
            Problem(
                "",
                f"a payload must be a JSON object of parameters; got {describe_value(payload)}",
                "not-an-object",
            )
        )
        return PayloadReport(None, None, {}, problems, notices)
    for key in payload:
        if not isinstance(key, str):
            problems.append(
                Problem(
                    "",
                    f"a payload's member names must be strings, as in JSON; got {describe_value(key)}",
                    "not-an-object",
                )
            )
            return PayloadReport(None, None, {}, problems, notices)
    size_problem = _size_problem(payload)
    if size_problem is not None:
        return PayloadReport(None, None, {}, [size_problem], notices)

    model = payload.get("model")
    if "model" not in payload:
        problems.append(
            Problem(
                "/model",
                '`model` is required: name the model to run, for example "#g1_nova-2-general"',
                "missing-model",
            )
        )
        return PayloadReport(None, None, {}, problems, notices)
    if not isinstance(model, str):
        problems.append(
            Problem(
                "/model", f"`model` must be a string; got {describe_value(model)}", "schema.type"
            )
        )
        return PayloadReport(None, None, {}, problems, notices)
    family = family_of_model(model)
    if family is None:
        problems.append(Problem("/model", _unknown_model_message(model), "unknown-model"))
        return PayloadReport(model, None, {}, problems, notices)

    # A plug-in's model id is not in the schema's enum; the registry vouched for it, so the
    # parameters are checked as if a model of the family had been named.
    checked = payload if model in family_by_model() else {**payload, "model": family.models[0]}
    if not family.is_valid(checked):
        problems.extend(problem_from_error(error) for error in family.errors(checked))

    has_url = "url" in payload
    embedded = payload.get("audio") if "audio" in payload else None
    if "url" in payload:
        _check_url(payload["url"], problems)
    embedded_ok = "audio" in payload and _check_embedded_audio(payload["audio"], problems)
    if not has_url and not upload_given and "audio" not in payload:
        problems.append(Problem("", "provide either `url` or an uploaded `audio`", "missing-input"))
    elif has_url and (upload_given or "audio" in payload):
        problems.append(
            Problem(
                "",
                "give either `url` or an uploaded `audio`, not both: the service would have to pick one",
                "conflicting-input",
            )
        )
    elif upload_given and "audio" in payload:
        problems.append(
            Problem(
                "/audio",
                "the audio is given twice: in the payload's `audio` member and as a separate upload; keep one",
                "conflicting-input",
            )
        )

    params: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "audio":
            continue
        if key in family.parameters or key in INPUT_MEMBERS or key in also_known:
            params[key] = value
        else:
            notices.append(unknown_parameter_notice(key, model, family))
    if len(problems) > 1:
        problems.sort(key=lambda problem: problem.pointer)
    return PayloadReport(
        model, family, params, problems, notices, embedded if embedded_ok else None
    )


def validate(payload: Any, audio: Any = None, *, strict: bool = False) -> None:
    """Check a legacy payload; return ``None`` or raise ``PayloadError``.

    ``audio`` is the separately uploaded file, if any (only its presence
    matters here). Unknown parameters are reported as
    ``UnknownParameterWarning`` with a suggestion for near misses; with
    ``strict=True`` they are errors too.
    """
    inspect_payload(payload, upload_given=audio is not None).raise_or_warn(strict=strict)


def form_fields_as_read(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Form fields typed the way the service reads them (``"true"`` is true for a boolean).

    A call site's ``data=`` fields or ``FormData`` appends are text on the
    wire (requests sends ``True`` as ``"True"``); the model's family says
    which type each one is read as. Fields of an unknown model are kept.
    """
    from .forms import decode_form_fields

    model = fields.get("model")
    family = family_of_model(model) if isinstance(model, str) else None
    if family is None:
        return dict(fields)
    pairs = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item if isinstance(item, str) else str(item)))
    return decode_form_fields(pairs, family.properties)
