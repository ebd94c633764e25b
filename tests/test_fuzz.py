"""Property tests: schema-valid payloads translate for every target; nothing crashes on any JSON.

Two families of properties, both run by hypothesis:

* every payload that the legacy request schema accepts (generated from the
  schema by hypothesis-jsonschema) is translated, for every model a model
  adapter can send to, into a create body that the target's create schema
  accepts, with only documented notices; or it is refused with a
  ``PayloadError`` whose problems carry documented codes. Nothing else.
* an arbitrary JSON value never crashes ``legacy_stt.validate`` (it returns
  or raises ``PayloadError``) nor ``legacy-stt check`` (findings or a clean
  result, the documented exit status, never an "unexpected" error).

The default run is small, deterministic (derandomized, no example database)
and takes a few seconds. A longer, randomized run::

    LEGACY_STT_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py -p no:cacheprovider

sets the number of examples per property; hypothesis prints how to
reproduce anything it finds (``@reproduce_failure``). Found bugs stay as
``@example`` cases so the default run keeps checking them.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import json
import os
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

import legacy_stt
from legacy_stt import Client, PayloadError
from legacy_stt.adapters.registry import default_registry
from legacy_stt.cli import main
from legacy_stt.deprecations import ParameterWarning
from legacy_stt.lint.reporters import REPORTERS_BY_NAME
from legacy_stt.lint.rules import RULES
from legacy_stt.payloads.schema import (
    CREATE_SCHEMA_NAMES,
    inline_local_refs,
    load_schema,
    validator_for,
)
from legacy_stt.payloads.validation import INPUT_MEMBERS, OPENAI_API_ONLY, legacy_families

# -- settings ----------------------------------------------------------------

#: Examples per property; the default keeps the whole file at a few seconds on a small machine.
FUZZ_EXAMPLES = int(os.environ.get("LEGACY_STT_FUZZ_EXAMPLES", "0") or 0)
LONG_RUN = FUZZ_EXAMPLES > 0

FUZZ_SETTINGS = settings(
    max_examples=FUZZ_EXAMPLES or 100,
    deadline=None,  # a shared 2-core CI machine has slow moments; time is bounded by max_examples
    # CI runs the same examples every time; a long run explores new ones.
    derandomize=not LONG_RUN,
    database=None,
    print_blob=True,
    # hypothesis-jsonschema draws a payload through filtered anyOf branches, which
    # can take longer than hypothesis' budget for one example: that is the generator's cost, not a hang.
    suppress_health_check=[HealthCheck.too_slow],
)

# -- what "documented" means --------------------------------------------------------

#: Every finding code in the catalogue (``legacy-stt check``'s rules, the README's table).
DOCUMENTED_CODES = frozenset(RULES)


def is_documented(code: str) -> bool:
    return code in DOCUMENTED_CODES or code.startswith("schema.")


def assert_documented_payload_error(error: PayloadError) -> None:
    assert error.problems, "a PayloadError without problems"
    for problem in error.problems:
        assert is_documented(problem.code), f"undocumented problem code {problem.code!r}: {problem}"
        assert problem.message.strip()
        assert problem.pointer == "" or problem.pointer.startswith("/")


def json_pointer(key: str) -> str:
    return "/" + key.replace("~", "~0").replace("/", "~1")


# -- schema-valid legacy payloads ---------------------------------------------------

LEGACY_REQUEST = validator_for("legacy-request")

#: Every model id a model adapter can send to, and None (each payload on its own family).
TARGETS: tuple[str | None, ...] = (None, *default_registry.target_models())

#: Parameter names of every vocabulary: each family's, each target's, and the ones callers confuse.
CROSS_VOCABULARY_NAMES = sorted(
    (
        set().union(*(family.parameters for family in legacy_families()))
        | {
            name
            for schema_name in CREATE_SCHEMA_NAMES
            for name in load_schema(schema_name).get("properties", {})
        }
        | OPENAI_API_ONLY
        | {"file"}
    )
    - INPUT_MEMBERS
)


def generation_schema() -> dict[str, Any]:
    """The legacy request schema, made self-contained and steered for hypothesis-jsonschema.

    What changes, and why:

    * its ``$ref``s into ``$defs`` are inlined: hypothesis-jsonschema turns each
      ``anyOf`` branch into a schema of its own, where ``#/$defs/...`` no longer
      resolves (``PointerToNowhere``);
    * each branch declares every other vocabulary's parameter names with the
      empty (always-true) schema. That accepts exactly the same payloads (the
      schema allows unknown members anyway) but makes the generator write
      those names, with any value: a nova-2 payload carrying nova-3's
      ``multichannel`` or AssemblyAI's ``punctuate: null`` is where
      translations go wrong, and random member names never hit them;
    * the one restriction: ``audio.buffer.data`` items are bytes (whole numbers
      0-255) instead of any number, so embedded audio can also succeed; other
      numbers are refused with ``audio-buffer`` (see the arbitrary-JSON
      properties and tests/test_edge_inputs.py).
    """
    document = load_schema("legacy-request")
    inlined = inline_local_refs(
        {key: value for key, value in document.items() if key not in ("$defs", "$id", "$schema")},
        document,
    )
    branches = []
    for branch in inlined["anyOf"]:
        declared = set(branch.get("properties", {}))
        for part in branch.get("allOf", ()):
            declared |= set(part.get("properties", {}))
        extra = {name: {} for name in CROSS_VOCABULARY_NAMES if name not in declared}
        branch = {**branch, "properties": {**branch.get("properties", {}), **extra}}
        audio = branch["properties"].get("audio")
        if isinstance(audio, Mapping) and "buffer" in audio.get("properties", {}):
            byte = {"type": "integer", "minimum": 0, "maximum": 255}
            buffer = audio["properties"]["buffer"]
            buffer = {
                **buffer,
                "anyOf": [
                    {
                        **option,
                        "properties": {
                            **option["properties"],
                            "data": {"type": "array", "items": byte},
                        },
                    }
                    if option.get("type") == "object"
                    else option
                    for option in buffer["anyOf"]
                ],
            }
            audio = {**audio, "properties": {**audio["properties"], "buffer": buffer}}
            branch["properties"]["audio"] = audio
        branches.append(branch)
    return {**inlined, "anyOf": branches}


legacy_payloads = from_schema(generation_schema())

#: Stands in for a file uploaded beside the payload (only its presence matters before sending).
SEPARATE_AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt "


@functools.cache
def client_for(target: str | None) -> Client:
    # Nothing is sent: prepare() stops before the first request, so the address is never dialled.
    return Client(api_key="k", base_url="http://127.0.0.1:9", target=target)


def check_translation(payload: dict[str, Any], target: str | None, audio: bytes | None) -> None:
    """One payload, one target: a valid create body with documented notices, or a documented PayloadError."""
    try:
        model, body, notices = client_for(target).prepare(payload, audio)
    except PayloadError as error:
        assert_documented_payload_error(error)
        return
    adapter = (
        default_registry.adapter_for_target(target)
        if target is not None
        else default_registry.adapter_for_legacy_model(payload["model"])
    )
    assert adapter is not None and adapter.create_schema
    create_schema = validator_for(adapter.create_schema)
    errors = [error.message for error in create_schema.iter_errors(body)]
    assert not errors, f"{adapter.create_schema} rejects the body {body!r}: {errors}"
    assert body["model"] == model and model in adapter.target_models
    assert target is None or model == target
    if "url" in payload:
        assert body["url"] == payload["url"]
    for notice in notices:
        assert issubclass(notice.category, ParameterWarning), notice
        assert is_documented(notice.code), f"undocumented notice code {notice.code!r}: {notice}"
    # Nothing is dropped silently: each option is sent under its own name, or a notice names it.
    noticed = {notice.pointer for notice in notices}
    for key in payload:
        if key not in INPUT_MEMBERS:
            assert key in body or json_pointer(key) in noticed, f"`{key}` vanished without a notice"
    # Nothing is invented: the body holds the payload's members, under their own or the target's name,
    assert noticed <= {json_pointer(key) for key in payload}, "a notice about a member not given"
    renamed = {rule.target for rule in map(adapter.rule_for, payload) if rule and rule.target}
    invented = set(body) - set(payload) - renamed - {"model"}
    assert not invented, f"the body has {sorted(invented)}, which the payload did not give"


@FUZZ_SETTINGS
@given(payload=legacy_payloads, upload_separately=st.booleans())
@example(
    # A target's own parameter in a payload of another vocabulary was sent unchecked, and the
    # client blamed the model adapter ("adapter-output"); now it is the payload's schema error.
    payload={
        "model": "openai/gpt-4o-transcribe",
        "url": "https://a.example/x.mp3",
        "summarize": {},
    },
    upload_separately=False,
)
@example(
    payload={"model": "#g1_nova-2-general", "url": "https://a.example/x.mp3", "multichannel": "x"},
    upload_separately=False,
)
@example(
    # "parameter-not-needed" (MAI-Transcribe identifies the language anyway) was missing from
    # the catalogue of finding codes.
    payload={
        "model": "#g1_nova-2-video",
        "url": "https://a.example/x.mp3",
        "detect_language": True,
    },
    upload_separately=False,
)
@example(
    # fastjsonschema wrote the schema's defaults into the payload: the caller's dict changed,
    # and `multichannel: false` (and 14 "dropped" warnings) appeared on the way to nova-3.
    payload={"model": "aai/universal", "url": "https://a.example/x.mp3"},
    upload_separately=False,
)
def test_every_schema_valid_payload_translates_for_every_target(
    payload: dict[str, Any], upload_separately: bool
) -> None:
    assert LEGACY_REQUEST.is_valid(payload)  # the generator's promise, checked
    # Payloads without audio of their own are the form fields of an upload; also try that way.
    needs_upload = "url" not in payload and "audio" not in payload
    audio = SEPARATE_AUDIO if needs_upload and upload_separately else None
    given = copy.deepcopy(payload)
    for target in TARGETS:
        check_translation(payload, target, audio)
        assert payload == given, "the caller's payload was changed"


def test_the_regression_payloads_get_the_payloads_own_schema_error() -> None:
    with pytest.raises(PayloadError) as caught:
        client_for("nova-3").prepare(
            {"model": "#g1_nova-2-general", "url": "https://a.example/x.mp3", "multichannel": "x"}
        )
    [problem] = caught.value.problems
    assert problem.pointer == "/multichannel" and problem.code == "schema.type"
    assert problem.message.startswith("`multichannel` must be true or false")
    assert "nova-3" in problem.message


# -- arbitrary JSON ---------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=20,
)

KNOWN_MODELS = sorted(
    {model for family in legacy_families() for model in family.models}
    | set(default_registry.legacy_models())
)
buffer_objects = st.fixed_dictionaries(
    {
        "buffer": st.fixed_dictionaries(
            {"type": st.just("Buffer"), "data": json_values | st.lists(json_scalars)}
        )
    },
    optional={"mimetype": json_values, "originalname": json_values},
)
#: Strings that start like URLs, and some that only look like them.
url_like = st.builds(
    str.__add__,
    st.sampled_from(
        ["https://", "http://", "HTTP://", "http://[", "ftp://", "javascript:", "//", ""]
    ),
    st.text(),
)
#: Objects that get past the first checks (a known model), with anything in known members.
payload_like = st.builds(
    lambda model, url, members: {"model": model, **url, **members},
    st.sampled_from(KNOWN_MODELS),
    st.just({}) | st.builds(lambda url: {"url": url}, url_like | json_values),
    st.dictionaries(
        st.sampled_from([*CROSS_VOCABULARY_NAMES, "audio"]),
        json_values | buffer_objects,
        max_size=6,
    ),
)
anything = json_values | payload_like


@FUZZ_SETTINGS
@given(value=anything, upload_separately=st.booleans(), strict=st.booleans())
# urlsplit raised ValueError ("Invalid IPv6 URL"), which escaped validate() as a crash.
@example(
    value={"model": "#g1_nova-2-general", "url": "http://["}, upload_separately=False, strict=False
)
def test_validate_returns_or_raises_payload_error_on_any_json(
    value: Any, upload_separately: bool, strict: bool
) -> None:
    given = copy.deepcopy(value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            legacy_stt.validate(value, SEPARATE_AUDIO if upload_separately else None, strict=strict)
        except PayloadError as error:
            assert_documented_payload_error(error)
    assert value == given, "validate() changed the payload"
    for warning in caught:
        assert issubclass(warning.category, ParameterWarning), warning


@contextlib.contextmanager
def real_standard_streams() -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    """stdout and stderr as a terminal or a pipe has them: UTF-8, strict on stdout."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


def text_of(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


@FUZZ_SETTINGS
@given(
    value=anything,
    suffix=st.sampled_from([".json", ".jsonl"]),
    output_format=st.sampled_from(sorted(REPORTERS_BY_NAME)),
    target=st.sampled_from(TARGETS),
)
@example(
    # A member name JSON can hold but UTF-8 cannot encode: the report crashed the command.
    value={"model": "#g1_nova-2-general", "url": "https://a.example/x.mp3", "\ud800": 1},
    suffix=".json",
    output_format="json",
    target=None,
)
def test_check_never_crashes_on_any_json(
    value: Any,
    suffix: str,
    output_format: str,
    target: str | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.getbasetemp() / "fuzz"
    folder.mkdir(exist_ok=True)
    path = folder / f"payload{suffix}"
    path.write_text(json.dumps(value), encoding="utf-8")  # one line: JSON Lines too
    args = ["check", "--format", output_format, str(path)]
    if target is not None:
        args += ["--target", target]
    with real_standard_streams() as (out, err):
        status = main(args)
    output, errors = text_of(out), text_of(err)
    assert errors == "", errors  # no "unexpected ..." error, no traceback
    assert status in (0, 1)
    if output_format == "json":
        summary = json.loads(output)["summary"]
        in_array = suffix == ".json" and isinstance(value, list)
        assert summary["payloads_checked"] == (len(value) if in_array else 1)
        assert summary["files_checked"] == 1
        assert status == (1 if summary["errors"] else 0)
