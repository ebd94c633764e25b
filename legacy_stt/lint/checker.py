"""The checker: walks the inputs and fills a ``CheckResult``.

It uses the same validation and the same model adapter tables as the
client, so ``check`` and a real call can never disagree. The common case —
a valid payload — costs one file read, one ``json`` parse and one compiled
schema check; positions and detailed messages are worked out only for
payloads with something to report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from ..registry import default_registry
from ..validation import INPUT_MEMBERS, inspect_payload, too_deep_problem
from .locate import position_of, positions_for
from .result import ERROR, INFO, WARNING, CheckResult, Finding

__all__ = [
    "Checker",
    "Issue",
    "lint_payload",
    "DEFAULT_EXCLUDED_DIRS",
    "SUFFIX_KINDS",
    "MAX_FILE_BYTES",
]

#: Directories never walked into: tool caches, virtual environments, VCS data, builds.
DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".ci-venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".eggs",
        "site-packages",
        "build",
        "dist",
    }
)

#: How a file is read, by suffix. Files given explicitly with another suffix are read as JSON.
SUFFIX_KINDS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".py": "python"}

_STDIN = "-"

#: Files (and standard input) larger than this are reported, not read: a JSON Lines log of
#: this size holds some 300,000 payloads, and reading much more would hold hundreds of
#: megabytes of text and parsed objects at once. Split bigger files.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: How much of a too-large file met in a directory walk is read to tell whether it holds payloads.
_SNIFF_BYTES = 64 * 1024


class _TooDeep(ValueError):
    """JSON nested deeper than the parser can follow (``json`` raises ``RecursionError``)."""


def _parse_json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except RecursionError:
        raise _TooDeep(too_deep_problem().message) from None


class Issue(NamedTuple):
    """A finding before it has a place in a file: pointer into the payload, severity, code, message."""

    pointer: str
    severity: str
    code: str
    message: str

    def at(self, path: str, where: tuple[int, int], label: str | None) -> Finding:
        """This issue as a finding at ``where`` (line, column) in ``path``."""
        return Finding(
            path, self.severity, self.code, self.message, where[0], where[1], self.pointer, label
        )


_NEEDS_UPLOAD_HINT = (
    " (if this payload's audio is uploaded as a separate file, check it with --uploads)"
)


def lint_payload(
    payload: Any,
    *,
    upload_given: bool = False,
    target: str | None = None,
    hint_uploads: bool = False,
) -> list[Issue]:
    """Every issue with one payload: the client's own checks, plus what ``target`` would change.

    With a target, the payload goes through ``plan_request`` exactly as a
    client with that target would send it.
    """
    if target is None:
        report = inspect_payload(payload, upload_given=upload_given)
        problems, notices = report.problems, report.notices
        if report.ok and report.model is not None and _own_adapter_may_change(report):
            # The payload's own model adapter renames or drops something (a plug-in, say):
            # report it as a call would.
            from ..planning import plan_request

            notices = plan_request(payload, upload_given=upload_given).notices
    else:
        from ..exceptions import PayloadError
        from ..planning import plan_request

        try:
            plan = plan_request(payload, upload_given=upload_given, target=target)
        except PayloadError as error:
            problems, notices = error.problems, []
        else:
            problems, notices = [], plan.notices
    issues = []
    for problem in problems:
        message = problem.message
        if problem.code == "missing-input" and hint_uploads:
            message += _NEEDS_UPLOAD_HINT
        issues.append(Issue(problem.pointer, ERROR, problem.code, message))
    for notice in notices:
        severity = WARNING if notice.lossy else INFO
        issues.append(Issue(notice.pointer, severity, notice.code, notice.message))
    return issues


def _own_adapter_may_change(report: Any) -> bool:
    """Whether the payload's own model adapter can rename or drop its parameters (cached).

    Only a table written for the payload's vocabulary changes it; other
    vocabularies pass natively, and nova-2/whisper pass everything.
    """
    adapter = default_registry.adapter_for_legacy_model(report.model)
    if adapter is None:
        return False
    key = (id(adapter), report.family.name)
    changes = _CHANGES.get(key)
    if changes is None:
        changes = _CHANGES[key] = getattr(
            adapter, "rules_family", adapter.input_family
        ) == report.family.name and any(row.kind != "passed" for row in adapter.mapping_rows())
    return changes


_CHANGES: dict[tuple[int, str], bool] = {}


def _looks_like_payload(value: Any) -> bool:
    """Whether a JSON value met while walking a directory is meant as legacy payload(s)."""
    if isinstance(value, dict):
        return "model" in value or "url" in value
    if isinstance(value, list) and value:
        return all(isinstance(item, dict) and "model" in item for item in value)
    return False


@dataclass
class _Source:
    """One file being checked."""

    path: str
    data: bytes
    explicit: bool


class Checker:
    """Checks legacy payload files, JSON Lines files and Python sources.

    ``target`` is a model id to report the translation for (renames,
    transforms, drops), exactly as the client would apply it. ``uploads``
    says that payloads without a ``url`` (or embedded ``audio``) are the
    form fields of a multipart upload, so their missing audio is fine.
    Files met while walking a directory are checked only if they look like
    payloads (or call the legacy endpoint); ``only_payloads`` applies that to
    files named explicitly too (pre-commit passes every staged file).
    """

    def __init__(
        self,
        *,
        target: str | None = None,
        uploads: bool = False,
        only_payloads: bool = False,
        excluded_dirs: Iterable[str] = DEFAULT_EXCLUDED_DIRS,
    ) -> None:
        self.target = target
        self.uploads = uploads
        self.only_payloads = only_payloads
        self.excluded_dirs = frozenset(excluded_dirs)
        if target is not None:
            # Fails early, with a did-you-mean, for a model no model adapter serves.
            default_registry.adapter_for_target(target)

    def __repr__(self) -> str:
        return f"<Checker target={self.target!r} uploads={self.uploads}>"

    # -- inputs -------------------------------------------------------------

    def check(
        self, paths: Iterable[str], *, stdin: Callable[[], bytes] | None = None
    ) -> CheckResult:
        """Check every path (files, directories, ``-`` for ``stdin()``) into one result."""
        result = CheckResult()
        for path in paths:
            if path == _STDIN:
                data = stdin() if stdin is not None else b""
                if len(data) > MAX_FILE_BYTES:
                    self._too_large("<stdin>", b"", result, explicit=True)
                    continue
                self._check_stdin(data, result)
            elif os.path.isdir(path):
                self._walk(os.path.normpath(path), result)
            else:
                self._check_file(path, result, explicit=not self.only_payloads)
        return result

    def _walk(self, top: str, result: CheckResult) -> None:
        pending = [top]
        while pending:
            directory = pending.pop()
            try:
                with os.scandir(directory) as entries:
                    listed = sorted(entries, key=lambda entry: entry.name)
            except OSError as error:
                self._unreadable(directory, error, result)
                continue
            subdirectories = []
            for entry in listed:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    if entry.name not in self.excluded_dirs and not entry.name.startswith("."):
                        subdirectories.append(entry.path)
                elif os.path.splitext(entry.name)[1] in SUFFIX_KINDS:
                    self._check_file(entry.path, result, explicit=False)
            pending.extend(reversed(subdirectories))

    def _unreadable(self, path: str, error: OSError, result: CheckResult) -> None:
        reason = error.strerror or str(error)
        if isinstance(error, FileNotFoundError):
            reason = "no such file or directory"
        result.unreadable.append(path)
        result.add(Finding(path, ERROR, "unreadable", f"cannot read {path}: {reason}"))

    def _check_file(self, path: str, result: CheckResult, *, explicit: bool) -> None:
        try:
            with open(path, "rb") as handle:
                if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                    self._too_large(path, handle.read(_SNIFF_BYTES), result, explicit=explicit)
                    return
                # A pipe or a device reports no size: read one byte past the limit to find out.
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            self._unreadable(path, error, result)
            return
        if len(data) > MAX_FILE_BYTES:
            self._too_large(path, data[:_SNIFF_BYTES], result, explicit=explicit)
            return
        kind = SUFFIX_KINDS.get(os.path.splitext(path)[1], "json")
        source = _Source(path, data, explicit)
        if kind == "python":
            self._check_python(source, result)
        elif kind == "jsonl":
            self._check_json_lines(source, result)
        else:
            self._check_json(source, result)

    def _too_large(self, path: str, head: bytes, result: CheckResult, *, explicit: bool) -> None:
        # Met in a directory walk, a big file is only ours if it mentions a model.
        if not explicit and b'"model"' not in head:
            result.files_skipped += 1
            return
        result.files_checked += 1
        result.add(
            Finding(
                path,
                ERROR,
                "too-large",
                f"not checked: larger than the {MAX_FILE_BYTES // 2**20} MiB that legacy-stt check "
                "reads at once; split it",
            )
        )

    def _check_stdin(self, data: bytes, result: CheckResult) -> None:
        source = _Source("<stdin>", data, explicit=True)
        try:
            _parse_json(data)
        except ValueError as error:
            # More than one value: JSON Lines.
            if isinstance(error, json.JSONDecodeError) and error.msg == "Extra data":
                self._check_json_lines(source, result)
                return
        self._check_json(source, result)

    # -- JSON ---------------------------------------------------------------

    def _check_json(self, source: _Source, result: CheckResult) -> None:
        try:
            value = _parse_json(source.data)
        except ValueError as error:
            # A broken file met in a directory walk is only ours if it mentions a model.
            if source.explicit or b'"model"' in source.data:
                result.files_checked += 1
                result.add(_invalid_json(source.path, error))
            else:
                result.files_skipped += 1
            return
        if not source.explicit and not _looks_like_payload(value):
            result.files_skipped += 1
            return
        result.files_checked += 1
        if isinstance(value, list):
            for index, item in enumerate(value):
                self._report(source, item, result, prefix=f"/{index}", label=f"item {index}")
        else:
            self._report(source, value, result)

    def _check_json_lines(self, source: _Source, result: CheckResult) -> None:
        lines = source.data.splitlines()
        if not source.explicit and not _jsonl_looks_like_payloads(lines):
            result.files_skipped += 1
            return
        result.files_checked += 1
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                value = _parse_json(raw)
            except ValueError as error:
                result.add(_invalid_json(source.path, error, line=number))
                continue
            self._report(source, value, result, line=number, label=f"line {number}", text=raw)

    def _report(
        self,
        source: _Source,
        payload: Any,
        result: CheckResult,
        *,
        prefix: str = "",
        line: int | None = None,
        label: str | None = None,
        text: bytes | None = None,
    ) -> None:
        result.payloads_checked += 1
        issues = self._lint(payload)
        if not issues:
            return
        # Positions only for payloads with findings; a JSONL payload's text is its own line.
        decoded = (source.data if text is None else text).decode("utf-8", errors="replace")
        wanted = {prefix + issue.pointer for issue in issues}
        positions = positions_for(decoded, wanted, line=line or 1)
        for issue in issues:
            where = position_of(prefix + issue.pointer, positions) or (line or 1, 1)
            result.add(issue.at(source.path, where, label))

    def _lint(self, payload: Any, *, upload_given: bool = False) -> list[Issue]:
        if self.uploads and isinstance(payload, Mapping) and not upload_given:
            # --uploads: a payload without audio of its own is the form fields of an upload.
            upload_given = "url" not in payload and "audio" not in payload
        return lint_payload(
            payload,
            upload_given=upload_given,
            target=self.target,
            hint_uploads=not upload_given and not self.uploads,
        )

    # -- Python -------------------------------------------------------------

    def _check_python(self, source: _Source, result: CheckResult) -> None:
        from importlib.util import decode_source

        from .pysource import scan_python

        result.files_checked += 1
        try:
            calls = scan_python(decode_source(source.data), source.path)
        except (SyntaxError, ValueError) as error:
            line = getattr(error, "lineno", None)
            result.add(
                Finding(
                    source.path,
                    WARNING,
                    "python-syntax",
                    f"not scanned for legacy calls: the file does not parse as Python ({getattr(error, 'msg', error)})",
                    line,
                    getattr(error, "offset", None) if line else None,
                )
            )
            return
        for call in calls:
            result.call_sites += 1
            label = f"call at line {call.line}"
            result.add(
                Finding(
                    source.path,
                    WARNING,
                    "legacy-endpoint",
                    f"`{call.function}` calls the deprecated one-call endpoint {call.url}, which times out on "
                    "long audio. Use POST /v1/stt/create and poll GET /v1/stt/{generation_id}, or keep "
                    "the payload and call legacy_stt.Client().stt(payload) (see MIGRATION.md)",
                    call.line,
                    call.column,
                    None,
                    label,
                )
            )
            for field_name, where in call.upload_fields:
                if field_name != "audio":
                    result.add(
                        Finding(
                            source.path,
                            WARNING,
                            "upload-field",
                            f"the audio is uploaded under `{field_name}`, but the legacy endpoint takes "
                            f"the file as `audio` (only the OpenAI models' create endpoint names it "
                            f"`file`). Rename the files= field `{field_name}` -> `audio`",
                            where[0],
                            where[1],
                            None,
                            label,
                        )
                    )
            if call.payload is None:
                continue
            result.payloads_checked += 1
            for issue in self._lint_call_payload(call):
                where = position_of(issue.pointer, call.positions) or (call.line, call.column)
                result.add(issue.at(source.path, where, label))

    def _lint_call_payload(self, call: Any) -> list[Issue]:
        payload: dict[str, Any] = dict(call.payload)
        unresolved = set(call.unresolved_keys)
        if call.payload_keyword == "data":
            payload = _as_sent_in_a_form(payload)
        if "model" in unresolved:
            return []  # which rules apply depends on the model
        upload_given = call.has_upload or bool(unresolved & {"url", "audio"})
        issues = self._lint(payload, upload_given=upload_given)
        if unresolved:
            issues += _unresolved_key_issues(payload, unresolved)
        return issues


def _as_sent_in_a_form(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``data=`` fields typed the way the service reads them: requests sends ``True`` as "True"."""
    from ..forms import decode_form_fields
    from ..validation import family_of_model

    model = fields.get("model")
    family = family_of_model(model) if isinstance(model, str) else None
    if family is None:
        return dict(fields)
    pairs = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item if isinstance(item, str) else str(item)))
    return decode_form_fields(pairs, family.properties)


def _unresolved_key_issues(payload: Mapping[str, Any], unresolved: set[str]) -> list[Issue]:
    """Unknown-parameter issues for members whose values are computed (their names are still known)."""
    from ..validation import _unknown_parameter_notice, family_of_model

    model = payload.get("model")
    family = family_of_model(model) if isinstance(model, str) else None
    if family is None:
        return []
    issues = []
    for key in sorted(unresolved):
        if key not in family.parameters and key not in INPUT_MEMBERS:
            notice = _unknown_parameter_notice(key, model, family)  # type: ignore[arg-type]
            issues.append(Issue(notice.pointer, WARNING, notice.code, notice.message))
    return issues


def _jsonl_looks_like_payloads(lines: list[bytes]) -> bool:
    for raw in lines:
        if raw.strip():
            try:
                return _looks_like_payload(_parse_json(raw))
            except ValueError:
                return b'"model"' in raw
    return False


def _invalid_json(path: str, error: ValueError, *, line: int | None = None) -> Finding:
    if isinstance(error, json.JSONDecodeError):
        return Finding(
            path,
            ERROR,
            "invalid-json",
            f"not valid JSON: {error.msg}",
            line if line is not None else error.lineno,
            error.colno,
        )
    if isinstance(error, _TooDeep):
        return Finding(path, ERROR, "too-deep", f"not checked: {error}", line, None)
    if isinstance(error, UnicodeDecodeError):
        where = error.object[: error.start]
        return Finding(
            path,
            ERROR,
            "invalid-json",
            f"not UTF-8 text: byte 0x{error.object[error.start]:02x} cannot be decoded; save the file as UTF-8",
            (line or 1) + where.count(b"\n"),
            error.start - where.rfind(b"\n"),
        )
    return Finding(path, ERROR, "invalid-json", f"not valid JSON: {error}", line, None)
