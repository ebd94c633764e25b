"""The catalogue of finding codes: one line of help per code (for SARIF rules and the docs).

Codes are stable: tools and CI filters match on them. Schema findings are
``schema.<keyword>`` (``schema.type``, ``schema.enum``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from .result import ERROR, INFO, WARNING

__all__ = ["DOCS_URL", "Rule", "RULES", "help_uri", "rule_for", "rules_page"]

#: Where legacy-stt's documentation is published; each code has an anchor on its ``rules`` page.
DOCS_URL = "https://legacy-stt.readthedocs.io/en/latest/"
#: The anchor of the section on ``schema.<keyword>`` codes.
SCHEMA_ANCHOR = "schema-keyword"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    summary: str


_CATALOGUE = (
    # The payload cannot be sent as it is.
    Rule("invalid-json", ERROR, "The file (or line) is not valid JSON."),
    Rule("unreadable", ERROR, "The path does not exist or cannot be read."),
    Rule("not-an-object", ERROR, "A payload must be a JSON object of parameters."),
    Rule("missing-model", ERROR, "The payload names no `model`."),
    Rule(
        "unknown-model", ERROR, "The `model` is not a legacy model id; the message names the fix."
    ),
    Rule("missing-input", ERROR, "Neither a `url` nor an uploaded `audio` is given."),
    Rule("conflicting-input", ERROR, "Both a `url` and an uploaded `audio` are given."),
    Rule("url-format", ERROR, "The `url` is not an http(s) address the service can fetch."),
    Rule("audio-embedded", ERROR, "Audio is embedded in the JSON as base64 or a data URI."),
    Rule("audio-object", ERROR, "The JSON `audio` member is not an uploaded-file object."),
    Rule("audio-buffer", ERROR, "The embedded `audio.buffer` carries no valid bytes."),
    Rule("audio-empty", ERROR, "The embedded audio has no bytes."),
    Rule(
        "not-json",
        ERROR,
        "A value JSON cannot hold (NaN, an infinite number, or another Python type).",
    ),
    Rule("no-adapter", ERROR, "No installed model adapter runs payloads of this model."),
    Rule(
        "too-large",
        ERROR,
        "The payload (32 MiB) or the file (64 MiB for check) is larger than legacy-stt reads.",
    ),
    Rule("too-deep", ERROR, "The payload is nested deeper than any legacy parameter needs."),
    Rule("schema.type", ERROR, "A parameter has the wrong type."),
    Rule("schema.enum", ERROR, "A parameter is not one of its allowed values."),
    Rule("schema.required", ERROR, "A required member is missing."),
    Rule("schema.minimum", ERROR, "A number is below its minimum."),
    Rule("schema.maximum", ERROR, "A number is above its maximum."),
    # The payload is sent, but not as its author thinks.
    Rule("unknown-parameter", WARNING, "A parameter the model does not take: it is not sent."),
    Rule("upload-field", WARNING, "An upload under `file`: legacy models take it as `audio`."),
    Rule(
        "openai-parameter", WARNING, "An option of OpenAI's own API that the legacy call ignores."
    ),
    Rule("legacy-endpoint", WARNING, "Code calls the deprecated one-call endpoint."),
    Rule("python-syntax", WARNING, "A Python file that does not parse was not scanned."),
    Rule(
        "js-not-scanned",
        WARNING,
        "A JavaScript or TypeScript file that names the API was not scanned: install the js extra.",
    ),
    Rule(
        "js-too-large",
        WARNING,
        "A JavaScript or TypeScript file over 1 MiB that names the API was not parsed.",
    ),
    Rule(
        "python-too-large",
        WARNING,
        "A Python file with too much code (besides literal tables) to parse was not scanned.",
    ),
    # What moving to --target would change.
    Rule("parameter-dropped", WARNING, "The target model cannot honour this parameter."),
    Rule("parameter-conflict", WARNING, "The legacy and the target's name are both given."),
    Rule(
        "parameter-renamed",
        INFO,
        "The target model takes this parameter under another name or form.",
    ),
    Rule(
        "parameter-not-needed",
        INFO,
        "Not sent: the target model does this anyway, or the payload already says it under the "
        "target's name.",
    ),
)

#: Every known code, by code.
RULES: dict[str, Rule] = {rule.code: rule for rule in _CATALOGUE}


def rule_for(code: str, severity: str = ERROR) -> Rule:
    """The rule for ``code``; codes outside the catalogue (a new schema keyword) get a generic one."""
    found = RULES.get(code)
    if found is not None:
        return found
    if code.startswith("schema."):
        keyword = code.split(".", 1)[1]
        return Rule(code, severity, f"The payload breaks the schema's `{keyword}` rule.")
    return Rule(code, severity, code.replace("-", " ").capitalize() + ".")


def _anchor(code: str) -> str:
    return SCHEMA_ANCHOR if code.startswith("schema.") else code


def help_uri(code: str) -> str:
    """The documentation of ``code``: its section of the published rules page."""
    return f"{DOCS_URL}rules.html#{_anchor(code)}"


def rules_page() -> str:
    """The documentation site's list of codes (Markdown), one section (and anchor) per code."""
    severities = {ERROR: "error", WARNING: "warning", INFO: "info"}
    parts = [
        "Every finding of `legacy-stt check` carries one of these codes; each section's address\n"
        "is the `helpUri` of the code's rule in SARIF output. Select or ignore codes in\n"
        "`[tool.legacy-stt]` (`select`, `ignore`, `per-file-ignores`), and silence one line with\n"
        "`# legacy-stt: ignore[code]` (see [the linter's page](linter.md)).\n",
        "(schema-keyword)=\n## `schema.<keyword>`\n\n*error* — A parameter breaks the "
        "published schema's rule named by the keyword: `schema.type` (a value of the wrong "
        "type), `schema.enum` (not one of the allowed values), `schema.minimum`, "
        "`schema.maximum`, `schema.pattern`, and the other JSON Schema keywords.\n",
    ]
    for rule in _CATALOGUE:
        parts.append(
            f"({rule.code})=\n## `{rule.code}`\n\n*{severities[rule.severity]}* — {rule.summary}\n"
        )
    return "\n".join(parts)
