"""Reporters render a ``CheckResult``; ``REPORTERS_BY_NAME`` feeds both ``--format`` and its choices.

- ``text``: ``path:line:column: severity code message`` and a summary line.
- ``json``: a stable document (``"version": 1``), described in the README.
- ``github``: GitHub Actions workflow commands, shown as annotations on the diff.
- ``sarif``: SARIF 2.1.0, for code-scanning dashboards and editors.
"""

from __future__ import annotations

import json
import os
import pathlib
from typing import Any, ClassVar, TextIO
from urllib.parse import quote

from .._version import __version__
from .result import ERROR, INFO, SEVERITIES, WARNING, CheckResult, Finding
from .rules import rule_for

__all__ = [
    "Reporter",
    "TextReporter",
    "JSONReporter",
    "GitHubReporter",
    "SARIFReporter",
    "REPORTERS_BY_NAME",
    "JSON_FORMAT_VERSION",
]

TOOL_NAME = "legacy-stt"
#: Bumped only for incompatible changes to the ``json`` format.
JSON_FORMAT_VERSION = 1


class Reporter:
    """Writes one run's result to a stream. ``quiet`` keeps only errors."""

    name: ClassVar[str] = ""

    def __init__(self, stream: TextIO, *, quiet: bool = False, color: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.color = color

    def findings(self, result: CheckResult) -> list[Finding]:
        found = result.sorted_findings()
        return [f for f in found if f.severity == ERROR] if self.quiet else found

    def report(self, result: CheckResult) -> None:
        raise NotImplementedError


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(result: CheckResult) -> str:
    counts = result.counts
    found = ", ".join(
        _plural(counts[severity], "note" if severity == INFO else severity)
        for severity in SEVERITIES
        if counts[severity] or severity != INFO
    )
    if not any(counts.values()):
        found = "no problems"
    scope = [_plural(result.payloads_checked, "payload"), _plural(result.files_checked, "file")]
    if result.call_sites:
        scope.append(_plural(result.call_sites, "legacy call site"))
    extra = ""
    if result.files_skipped:
        extra += f"; {result.files_skipped} skipped (not payloads)"
    if result.unreadable:
        extra += f"; {len(result.unreadable)} unreadable"
    return f"{found} in {', '.join(scope)}{extra}"


class TextReporter(Reporter):
    name = "text"
    _COLORS: ClassVar[dict[str, str]] = {ERROR: "\033[31m", WARNING: "\033[33m", INFO: "\033[36m"}
    _BOLD = "\033[1m"
    _RESET = "\033[0m"

    def report(self, result: CheckResult) -> None:
        lines: list[str] = []
        write = lines.append
        for finding in self.findings(result):
            where = finding.path
            if finding.line is not None:
                where += f":{finding.line}"
                if finding.column is not None:
                    where += f":{finding.column}"
            severity = finding.severity
            if self.color:
                where = f"{self._BOLD}{where}{self._RESET}"
                severity = f"{self._COLORS[severity]}{severity}{self._RESET}"
            write(f"{where}: {severity} {finding.code} {finding.message}\n")
        if not self.quiet:
            write(summary_line(result) + "\n")
        self.stream.write("".join(lines))


class JSONReporter(Reporter):
    name = "json"

    def document(self, result: CheckResult) -> dict[str, Any]:
        counts = result.counts
        return {
            "version": JSON_FORMAT_VERSION,
            "tool": {"name": TOOL_NAME, "version": __version__},
            "summary": {
                "errors": counts[ERROR],
                "warnings": counts[WARNING],
                "notes": counts[INFO],
                "files_checked": result.files_checked,
                "files_skipped": result.files_skipped,
                "payloads_checked": result.payloads_checked,
                "call_sites": result.call_sites,
                "unreadable": list(result.unreadable),
            },
            "findings": [
                {
                    "path": finding.path,
                    "line": finding.line,
                    "column": finding.column,
                    "severity": finding.severity,
                    "code": finding.code,
                    "message": finding.message,
                    "pointer": finding.pointer,
                    "payload": finding.payload,
                }
                for finding in self.findings(result)
            ],
        }

    def report(self, result: CheckResult) -> None:
        # One write: json.dump to a stream makes a write per token.
        self.stream.write(json.dumps(self.document(result), indent=2, ensure_ascii=False) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GitHubReporter(Reporter):
    name = "github"
    _COMMANDS: ClassVar[dict[str, str]] = {ERROR: "error", WARNING: "warning", INFO: "notice"}

    def report(self, result: CheckResult) -> None:
        for finding in self.findings(result):
            properties = [f"file={_escape_property(finding.path)}"]
            if finding.line is not None:
                properties.append(f"line={finding.line}")
                if finding.column is not None:
                    properties.append(f"col={finding.column}")
            properties.append(f"title={_escape_property(f'{TOOL_NAME} {finding.code}')}")
            command = self._COMMANDS[finding.severity]
            self.stream.write(
                f"::{command} {','.join(properties)}::{_escape_data(finding.message)}\n"
            )


class SARIFReporter(Reporter):
    name = "sarif"
    SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
    _LEVELS: ClassVar[dict[str, str]] = {ERROR: "error", WARNING: "warning", INFO: "note"}

    def document(self, result: CheckResult) -> dict[str, Any]:
        findings = self.findings(result)
        rule_index: dict[str, int] = {}
        rules: list[dict[str, Any]] = []
        results = []
        for finding in findings:
            if finding.code not in rule_index:
                rule = rule_for(finding.code, finding.severity)
                rule_index[finding.code] = len(rules)
                rules.append(
                    {
                        "id": rule.code,
                        "name": _rule_name(rule.code),
                        "shortDescription": {"text": rule.summary},
                        "defaultConfiguration": {"level": self._LEVELS[rule.severity]},
                    }
                )
            region: dict[str, int] = {}
            if finding.line is not None:
                region["startLine"] = finding.line
                if finding.column is not None:
                    region["startColumn"] = finding.column
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": "SRCROOT"}
            }
            if region:
                physical["region"] = region
            entry: dict[str, Any] = {
                "ruleId": finding.code,
                "ruleIndex": rule_index[finding.code],
                "level": self._LEVELS[finding.severity],
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": physical}],
            }
            if finding.pointer is not None or finding.payload is not None:
                entry["properties"] = {
                    key: value
                    for key, value in (("pointer", finding.pointer), ("payload", finding.payload))
                    if value is not None
                }
            results.append(entry)
        return {
            "$schema": self.SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": TOOL_NAME,
                            "version": __version__,
                            "semanticVersion": __version__,
                            "rules": rules,
                        }
                    },
                    "originalUriBaseIds": {"SRCROOT": {"uri": pathlib.Path.cwd().as_uri() + "/"}},
                    "columnKind": "unicodeCodePoints",
                    "results": results,
                }
            ],
        }

    def report(self, result: CheckResult) -> None:
        # One write: json.dump to a stream makes a write per token.
        self.stream.write(json.dumps(self.document(result), indent=2, ensure_ascii=False) + "\n")


def _rule_name(code: str) -> str:
    # SARIF rule names are identifier-like: "unknown-parameter" -> "UnknownParameter".
    return "".join(part.capitalize() for part in code.replace(".", "-").split("-"))


def _uri(path: str) -> str:
    """A relative URI for paths under the working directory, else an absolute file URI."""
    if path == "<stdin>":
        return "stdin"
    absolute = pathlib.Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(pathlib.Path.cwd())
    except ValueError:
        return absolute.as_uri()
    return "/".join(quote(part) for part in relative.parts)


#: Every output format by name: the CLI's ``--format`` choices come from here.
REPORTERS_BY_NAME: dict[str, type[Reporter]] = {
    reporter.name: reporter
    for reporter in (TextReporter, JSONReporter, GitHubReporter, SARIFReporter)
}
