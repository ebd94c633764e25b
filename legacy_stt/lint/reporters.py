"""Reporters render a ``CheckResult``; ``REPORTERS_BY_NAME`` feeds both ``--format`` and its choices.

- ``text``: ``path:line:column: severity code message`` and a summary line.
- ``json``: a stable document (``"version": 1``), described in the README.
- ``github``: GitHub Actions workflow commands, shown as annotations on the diff.
- ``sarif``: SARIF 2.1.0, for code-scanning dashboards and editors.

A reporter renders a finished result with ``report(result)``, or follows a
run as it goes: ``start()``, ``emit(batch)`` for each sorted batch the
checker flushes (``emit`` is the result's sink), then ``finish(result)``.
Text and GitHub output is written as it comes, some kilobytes at a time.
The JSON and SARIF documents put their summary (or rules) before the
findings, so their findings are spooled (to a temporary file past a few
megabytes) and the document is written by ``finish``. Either way the output
is the same, and memory does not grow with the number of findings.
"""

from __future__ import annotations

import json
import logging
import os
from json.encoder import encode_basestring
from typing import IO, Any, ClassVar, TextIO
from urllib.parse import quote

from .._version import __version__
from .result import ERROR, INFO, SEVERITIES, WARNING, CheckResult, Finding
from .rules import help_uri, rule_for

__all__ = [
    "Reporter",
    "TextReporter",
    "JSONReporter",
    "GitHubReporter",
    "SARIFReporter",
    "REPORTERS_BY_NAME",
    "JSON_FORMAT_VERSION",
]

logger = logging.getLogger(__name__)

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
        self._lines: list[str] = []

    def _write_lines(self, lines: list[str]) -> None:
        """Write ``lines`` soon: gathered into writes of some kilobytes, not one per finding."""
        self._lines += lines
        if len(self._lines) >= 128:
            self._flush_lines()

    def _flush_lines(self) -> None:
        if self._lines:
            self.stream.write("".join(self._lines))
            self._lines = []

    def findings(self, result: CheckResult) -> list[Finding]:
        return self._kept(result.sorted_findings())

    def _kept(self, batch: list[Finding]) -> list[Finding]:
        return [f for f in batch if f.severity == ERROR] if self.quiet else batch

    def report(self, result: CheckResult) -> None:
        """Render a finished result (its findings kept in ``result.findings``)."""
        self.start()
        self.emit(result.sorted_findings())
        self.finish(result)

    def start(self) -> None:
        """Before the first batch of a run."""

    def emit(self, batch: list[Finding]) -> None:
        """One batch of findings, already sorted: what ``CheckResult.flush`` hands its sink."""
        raise NotImplementedError

    def finish(self, result: CheckResult) -> None:
        """After the last batch: the summary, or the rest of the document."""


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
        extra += f"; {result.files_skipped} skipped"
    if result.unreadable:
        extra += f"; {len(result.unreadable)} unreadable"
    return f"{found} in {', '.join(scope)}{extra}"


class TextReporter(Reporter):
    name = "text"
    _COLORS: ClassVar[dict[str, str]] = {ERROR: "\033[31m", WARNING: "\033[33m", INFO: "\033[36m"}
    _BOLD = "\033[1m"
    _RESET = "\033[0m"

    def emit(self, batch: list[Finding]) -> None:
        lines: list[str] = []
        write = lines.append
        for finding in self._kept(batch):
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
        self._write_lines(lines)

    def finish(self, result: CheckResult) -> None:
        self._flush_lines()
        if not self.quiet:
            self.stream.write(summary_line(result) + "\n")
            self.stream.write("".join(skipped_lines(result)))


#: Skipped files the text summary names; the JSON document names them all.
SKIPPED_SHOWN = 20


def skipped_lines(result: CheckResult, limit: int = SKIPPED_SHOWN) -> list[str]:
    """``  skipped PATH: REASON`` for the first skipped files, and how many more there were."""
    lines = [f"  skipped {path}: {reason}\n" for path, reason in result.skipped[:limit]]
    more = result.files_skipped - len(lines)
    if more > 0:
        lines.append(f"  ... and {more} more skipped (--format json names them)\n")
    return lines


class _Spool:
    """Text written now and read back in order later: in memory up to a few megabytes, then on disk.

    Lone surrogates (a member name JSON can hold but UTF-8 cannot encode)
    survive the round trip through the file.
    """

    MEMORY_LIMIT = 8 * 2**20

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._held = 0
        self._file: IO[str] | None = None
        self._memory_only = False  # no temporary file could be made

    def write(self, text: str) -> None:
        if self._file is not None:
            self._file.write(text)
            return
        self._parts.append(text)
        self._held += len(text)
        if self._held > self.MEMORY_LIMIT and not self._memory_only:
            import tempfile  # here: most runs never spool to disk, and it is slow to import

            try:
                # Closed by copy_to: the file outlives this call.
                self._file = tempfile.TemporaryFile(  # noqa: SIM115
                    "w+", encoding="utf-8", errors="surrogatepass", newline=""
                )
            except OSError as error:  # no writable temporary directory: stay in memory
                logger.warning("cannot spool findings to a temporary file: %s", error)
                self._memory_only = True
                return
            self._file.write("".join(self._parts))
            self._parts, self._held = [], 0

    def copy_to(self, stream: TextIO) -> None:
        """Write everything spooled to ``stream`` and forget it."""
        if self._file is None:
            stream.write("".join(self._parts))
            self._parts = []
            return
        self._file.seek(0)
        while True:
            chunk = self._file.read(1 << 20)
            if not chunk:
                break
            stream.write(chunk)
        self._file.close()
        self._file = None


def _split_document(document: dict[str, Any], empty_list_key: str) -> tuple[str, str]:
    """``document`` as the reporters render it, split where the empty list ``empty_list_key`` is.

    The list is the last member of its object, so the rendered text ends
    with ``"key": []`` and closing brackets; the items go between the two halves.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False)
    marker = f'"{empty_list_key}": []'
    at = text.rindex(marker) + len(marker) - 2
    return text[:at], text[at + 2 :]


def _indented(value: Any, indent: str) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it at the depth ``indent`` gives."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    # JSON strings never hold a raw newline, so every line break is the indenter's.
    return indent + text.replace("\n", "\n" + indent)


class _SpooledDocument(Reporter):
    """A JSON document whose list of results is spooled, then written between its head and tail."""

    #: Spaces before each item of the list in the rendered document.
    ITEM_INDENT = ""
    LIST_KEY = ""

    def __init__(self, stream: TextIO, *, quiet: bool = False, color: bool = False) -> None:
        super().__init__(stream, quiet=quiet, color=color)
        self._spool = _Spool()
        self._items = 0

    def _add_item(self, text: str) -> None:
        self._spool.write(",\n" + text if self._items else text)
        self._items += 1

    def _write_document(self, document: dict[str, Any]) -> None:
        head, tail = _split_document(document, self.LIST_KEY)
        closing = self.ITEM_INDENT[:-2]
        if self._items:
            self.stream.write(head + "[\n")
            self._spool.copy_to(self.stream)
            self.stream.write(f"\n{closing}]{tail}\n")
        else:
            self.stream.write(f"{head}[]{tail}\n")
        self._items = 0


class JSONReporter(_SpooledDocument):
    name = "json"
    ITEM_INDENT = " " * 4
    LIST_KEY = "findings"

    def document(self, result: CheckResult) -> dict[str, Any]:
        return self._document(result, [_finding_object(f) for f in self.findings(result)])

    def _document(self, result: CheckResult, findings: list[dict[str, Any]]) -> dict[str, Any]:
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
                # Added within version 1: what was not checked, and why.
                "skipped": [{"path": path, "reason": reason} for path, reason in result.skipped],
            },
            "findings": findings,
        }

    def emit(self, batch: list[Finding]) -> None:
        for finding in self._kept(batch):
            self._add_item(_finding_text(finding, self.ITEM_INDENT))

    def finish(self, result: CheckResult) -> None:
        self._write_document(self._document(result, []))


def _finding_object(finding: Finding) -> dict[str, Any]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "pointer": finding.pointer,
        "payload": finding.payload,
    }


def _finding_text(finding: Finding, indent: str) -> str:
    """``_indented(_finding_object(finding), indent)``, without the generic encoder's cost."""
    path, line, column, severity, code, message, pointer, payload = (
        finding.path,
        finding.line,
        finding.column,
        finding.severity,
        finding.code,
        finding.message,
        finding.pointer,
        finding.payload,
    )
    if not (
        type(path) is type(severity) is type(code) is type(message) is str
        and (line is None or type(line) is int)
        and (column is None or type(column) is int)
        and (pointer is None or type(pointer) is str)
        and (payload is None or type(payload) is str)
    ):
        return _indented(_finding_object(finding), indent)
    encode = encode_basestring  # what json.dumps uses for a str
    inner = ",\n" + indent + '  "'
    return (
        f'{indent}{{\n{indent}  "path": {encode(path)}'
        f'{inner}line": {"null" if line is None else line}'
        f'{inner}column": {"null" if column is None else column}'
        f'{inner}severity": {encode(severity)}'
        f'{inner}code": {encode(code)}'
        f'{inner}message": {encode(message)}'
        f'{inner}pointer": {"null" if pointer is None else encode(pointer)}'
        f'{inner}payload": {"null" if payload is None else encode(payload)}'
        f"\n{indent}}}"
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GitHubReporter(Reporter):
    name = "github"
    _COMMANDS: ClassVar[dict[str, str]] = {ERROR: "error", WARNING: "warning", INFO: "notice"}

    def emit(self, batch: list[Finding]) -> None:
        lines = []
        for finding in self._kept(batch):
            properties = [f"file={_escape_property(finding.path)}"]
            if finding.line is not None:
                properties.append(f"line={finding.line}")
                if finding.column is not None:
                    properties.append(f"col={finding.column}")
            properties.append(f"title={_escape_property(f'{TOOL_NAME} {finding.code}')}")
            command = self._COMMANDS[finding.severity]
            lines.append(f"::{command} {','.join(properties)}::{_escape_data(finding.message)}\n")
        self._write_lines(lines)

    def finish(self, result: CheckResult) -> None:
        self._flush_lines()


class SARIFReporter(_SpooledDocument):
    name = "sarif"
    SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
    _LEVELS: ClassVar[dict[str, str]] = {ERROR: "error", WARNING: "warning", INFO: "note"}
    ITEM_INDENT = " " * 8
    LIST_KEY = "results"

    def __init__(self, stream: TextIO, *, quiet: bool = False, color: bool = False) -> None:
        super().__init__(stream, quiet=quiet, color=color)
        self._rule_index: dict[str, int] = {}
        self._rules: list[dict[str, Any]] = []
        self._uris: dict[str, str] = {}

    def document(self, result: CheckResult) -> dict[str, Any]:
        self._rule_index, self._rules, self._uris = {}, [], {}
        results = [self._result(finding) for finding in self.findings(result)]
        return self._document(results)

    def _result(self, finding: Finding) -> dict[str, Any]:
        if finding.code not in self._rule_index:
            rule = rule_for(finding.code, finding.severity)
            self._rule_index[finding.code] = len(self._rules)
            self._rules.append(
                {
                    "id": rule.code,
                    "name": _rule_name(rule.code),
                    "shortDescription": {"text": rule.summary},
                    "helpUri": help_uri(rule.code),
                    "defaultConfiguration": {"level": self._LEVELS[rule.severity]},
                }
            )
        region: dict[str, int] = {}
        if finding.line is not None:
            region["startLine"] = finding.line
            if finding.column is not None:
                region["startColumn"] = finding.column
        uri = self._uris.get(finding.path)
        if uri is None:
            if len(self._uris) > 1024:
                self._uris.clear()  # findings come file by file: only recent paths repeat
            uri = self._uris[finding.path] = _uri(finding.path)
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "SRCROOT"}}
        if region:
            physical["region"] = region
        entry: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": self._rule_index[finding.code],
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
        return entry

    def _document(self, results: list[dict[str, Any]]) -> dict[str, Any]:
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
                            "rules": self._rules,
                        }
                    },
                    "originalUriBaseIds": {"SRCROOT": {"uri": _cwd().as_uri() + "/"}},
                    "columnKind": "unicodeCodePoints",
                    "results": results,
                }
            ],
        }

    def emit(self, batch: list[Finding]) -> None:
        for finding in self._kept(batch):
            self._add_item(_indented(self._result(finding), self.ITEM_INDENT))

    def finish(self, result: CheckResult) -> None:
        self._write_document(self._document([]))


def _cwd() -> Any:
    # pathlib is imported for SARIF output only: the other formats do not pay for it.
    import pathlib

    return pathlib.Path.cwd()


def _rule_name(code: str) -> str:
    # SARIF rule names are identifier-like: "unknown-parameter" -> "UnknownParameter".
    return "".join(part.capitalize() for part in code.replace(".", "-").split("-"))


def _uri(path: str) -> str:
    """A relative URI for paths under the working directory, else an absolute file URI."""
    if path == "<stdin>":
        return "stdin"
    import pathlib

    absolute = pathlib.Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(_cwd())
    except ValueError:
        return absolute.as_uri()
    return "/".join(quote(part) for part in relative.parts)


#: Every output format by name: the CLI's ``--format`` choices come from here.
REPORTERS_BY_NAME: dict[str, type[Reporter]] = {
    reporter.name: reporter
    for reporter in (TextReporter, JSONReporter, GitHubReporter, SARIFReporter)
}
