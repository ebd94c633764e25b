"""The checker: walks the inputs and fills a ``CheckResult``.

It uses the same validation and the same model adapter tables as the
client, so ``check`` and a real call can never disagree. The common case —
a valid payload — costs one file read, one ``json`` parse and one compiled
schema check; positions and detailed messages are worked out only for
payloads with something to report.

Work and memory are bounded per file, not per run. A directory walk enters
each real directory and checks each real file once, and never opens a FIFO
or a device (``legacy_stt.files``). A file is read only up to
MAX_FILE_BYTES. JSON Lines and JSON arrays are checked one payload at a
time, and the result hands each payload's findings to its sink (a reporter)
as soon as they are known. A large Python source is parsed without its big
literal tables, or not at all if it is still too big for a syntax tree.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from ..files import NotRegularFile, TooLarge, read_limited, walk
from ..registry import default_registry
from ..validation import INPUT_MEMBERS, inspect_payload, too_deep_problem
from .locate import position_of, positions_for
from .result import ERROR, INFO, WARNING, CheckResult, Finding, FindingSink

__all__ = [
    "Checker",
    "Issue",
    "lint_payload",
    "DEFAULT_EXCLUDED_DIRS",
    "SUFFIX_KINDS",
    "MAX_FILE_BYTES",
]

logger = logging.getLogger(__name__)

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


#: How much of a JSON Lines file is split into lines at once.
_LINES_AT_ONCE = 1 << 20
#: What may come before a JSON document's first character (a BOM, JSON's whitespace).
_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\n\r]*")
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
#: A Python file too large to parse is only ours, met in a walk, if it names the service.
_MENTIONS_SERVICE = re.compile(rb"(?i)aimlapi")


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


class _MoreValues(ValueError):
    """More than one JSON value: standard input holding JSON Lines."""


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
        self,
        paths: Iterable[str],
        *,
        stdin: Callable[[], bytes] | None = None,
        sink: FindingSink | None = None,
    ) -> CheckResult:
        """Check every path (files, directories, ``-`` for ``stdin()``) into one result.

        With a ``sink`` (a reporter's ``emit``), the findings are not kept in
        the result but handed to it payload by payload, each batch sorted.
        Either way they come sorted by path, as a sort of all of them would
        order them: the paths are taken in that order, and a directory's
        files too (unless one path is inside another).
        """
        result = CheckResult(sink=sink)
        for path in sorted(paths, key=_order_of_findings):
            if path == _STDIN:
                data = stdin() if stdin is not None else b""
                if len(data) > MAX_FILE_BYTES:
                    self._too_large("<stdin>", b"", result, explicit=True)
                else:
                    self._check_json(_Source("<stdin>", data, True), result, may_be_lines=True)
            elif os.path.isdir(path):
                self._walk(os.path.normpath(path), result)
            else:
                self._check_file(path, result, explicit=not self.only_payloads, named=True)
            result.flush()
        return result

    def _walk(self, top: str, result: CheckResult) -> None:
        def skip_directory(path: str, name: str) -> bool:
            return name in self.excluded_dirs or name.startswith(".")

        def special(path: str, kind: str) -> None:
            # Opening a FIFO waits for a writer: it is never read, only counted.
            logger.info("skipped %s: it is %s", path, kind)
            result.files_skipped += 1

        def unreadable(path: str, error: OSError) -> None:
            self._unreadable(path, error, result)
            result.flush()

        for path in walk(
            top,
            include=_is_checked,
            skip_directory=skip_directory,
            on_error=unreadable,
            on_special=special,
            on_broken=unreadable,  # a dangling link named *.json: reported, as it always was
            files_first=False,  # path order: the order the findings were always sorted in
        ):
            self._check_file(path, result, explicit=False, named=False)
            result.flush()

    def _unreadable(self, path: str, error: OSError, result: CheckResult) -> None:
        reason = error.strerror or str(error)
        if isinstance(error, FileNotFoundError):
            reason = "no such file or directory"
        result.unreadable.append(path)
        result.add(Finding(path, ERROR, "unreadable", f"cannot read {path}: {reason}"))

    def _check_file(self, path: str, result: CheckResult, *, explicit: bool, named: bool) -> None:
        # A file met in a walk must be a regular file; one named on the command line may
        # be a pipe, such as <(command): it is read, up to the limit.
        try:
            data = read_limited(path, MAX_FILE_BYTES, regular_only=not named, sniff=_SNIFF_BYTES)
        except TooLarge as error:
            self._too_large(path, error.head, result, explicit=explicit)
            return
        except NotRegularFile as error:
            if named:
                self._unreadable(path, error, result)
            else:  # became a FIFO or a device since the walk listed it
                logger.info("skipped %s: %s", path, error)
                result.files_skipped += 1
            return
        except OSError as error:
            self._unreadable(path, error, result)
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

    # -- JSON ---------------------------------------------------------------

    def _check_json(
        self, source: _Source, result: CheckResult, *, may_be_lines: bool = False
    ) -> None:
        """A JSON document: one payload, or an array of them. ``may_be_lines``: standard input."""
        if source.data.startswith(b"[", _matched_end(_LEADING.match(source.data))):
            try:
                self._check_array(source, result)
                return
            except _MoreValues:
                if may_be_lines:
                    self._check_json_lines(source, result)
                    return
            except (ValueError, RecursionError):
                pass  # not a valid array: the whole-document parse below says why
        try:
            value = _parse_json(source.data)
        except ValueError as error:
            # More than one value on standard input: JSON Lines.
            if (
                may_be_lines
                and isinstance(error, json.JSONDecodeError)
                and error.msg == "Extra data"
            ):
                self._check_json_lines(source, result)
                return
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
                result.flush()
        else:
            self._report(source, value, result)

    def _check_array(self, source: _Source, result: CheckResult) -> None:
        """A JSON array, parsed and checked one item at a time, each item's text located alone.

        A first pass only parses, so that a file that is not valid JSON is
        reported as before, by the whole-document parse, and nothing of it is
        reported twice. Raises ValueError (or RecursionError) if it is not a
        valid array, _MoreValues if something follows it.
        """
        encoding = json.detect_encoding(source.data)
        text = source.data.decode(encoding, "surrogatepass")  # as json.loads decodes bytes
        start = _matched_end(_JSON_SPACE.match(text))
        count = 0
        looks = True
        for _, _, value in _array_items(text, start):
            count += 1
            looks = looks and isinstance(value, dict) and "model" in value
        if not source.explicit and not (looks and count):
            result.files_skipped += 1
            return
        result.files_checked += 1
        # A BOM counts as a character of the first line, as the editor shows it.
        first_line_shift = 1 if encoding == "utf-8-sig" else 0
        line, line_start, counted_to = 1, 0, 0
        for index, (item_start, item_end, item) in enumerate(_array_items(text, start)):
            result.payloads_checked += 1
            issues = self._lint(item)
            if issues:
                newlines = text.count("\n", counted_to, item_start)
                if newlines:
                    line += newlines
                    line_start = text.rindex("\n", counted_to, item_start) + 1
                counted_to = item_start
                shift = item_start - line_start + (first_line_shift if line == 1 else 0)
                where_item = (line, shift + 1)
                positions = positions_for(
                    text[item_start:item_end], {issue.pointer for issue in issues}, line=line
                )
                for issue in issues:
                    where = position_of(issue.pointer, positions)
                    if where is None:
                        where = where_item
                    elif where[0] == line:  # on the item's first line, after what precedes it
                        where = (line, where[1] + shift)
                    result.add(issue.at(source.path, where, f"item {index}"))
            result.flush()

    def _check_json_lines(self, source: _Source, result: CheckResult) -> None:
        if not source.explicit and not _jsonl_looks_like_payloads(source.data):
            result.files_skipped += 1
            return
        result.files_checked += 1
        # Line by line from the bytes: no list of every line, no finding kept past its line.
        for number, raw in _lines(source.data):
            if not raw.strip():
                continue
            try:
                value = _parse_json(raw)
            except ValueError as error:
                result.add(_invalid_json(source.path, error, line=number))
            else:
                self._report(source, value, result, line=number, label=f"line {number}", text=raw)
            result.flush()

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

        from .pysource import SourceTooLarge, scan_python

        try:
            calls = scan_python(decode_source(source.data), source.path)
        except SourceTooLarge as error:
            # Met in a walk, a big generated module is only ours if it names the service.
            if not source.explicit and not _MENTIONS_SERVICE.search(source.data):
                result.files_skipped += 1
                return
            result.files_checked += 1
            result.add(
                Finding(
                    source.path,
                    WARNING,
                    "python-too-large",
                    "not scanned for legacy calls: too large to parse in bounded memory "
                    f"({error}); split it, or search it for the legacy endpoint by hand",
                )
            )
            return
        except (SyntaxError, ValueError) as error:
            result.files_checked += 1
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
        result.files_checked += 1
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


def _order_of_findings(path: str) -> str:
    """Where the findings of ``path`` sort among those of the other paths."""
    if path == _STDIN:
        return "<stdin>"
    if os.path.isdir(path):
        return os.path.normpath(path) + os.sep
    return path


def _is_checked(name: str) -> bool:
    return os.path.splitext(name)[1] in SUFFIX_KINDS


def _lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(number, line) of each line of ``data``, numbered as ``bytes.splitlines()`` would list them.

    A megabyte or so at a time, cut after a line feed: a list of every line
    would cost several times the file.
    """
    number = 0
    start = 0
    while start < len(data):
        cut = data.find(b"\n", start + _LINES_AT_ONCE)
        end = len(data) if cut < 0 else cut + 1
        for line in data[start:end].splitlines():
            number += 1
            yield number, line
        start = end


def _always(match: re.Match[Any] | None) -> re.Match[Any]:
    """A match of a pattern that cannot fail (it matches the empty string)."""
    assert match is not None
    return match


def _matched_end(match: re.Match[Any] | None) -> int:
    return _always(match).end()


def _array_items(text: str, start: int) -> Iterator[tuple[int, int, Any]]:
    """(start, end, value) of each item of the JSON array at ``text[start]``, parsed one by one.

    Raises ValueError (or RecursionError) where ``json.loads`` would fail,
    though maybe with another message: callers parse the whole text for
    that. Raises _MoreValues if anything but whitespace follows the array.
    """

    def space(text: str, index: int) -> Any:
        return _always(_JSON_SPACE.match(text, index))

    index = space(text, start + 1).end()
    if text.startswith("]", index):
        end = index + 1
    else:
        while True:
            value, end = _DECODER.raw_decode(text, index)
            yield index, end, value
            index = space(text, end).end()
            if text.startswith("]", index):
                end = index + 1
                break
            if not text.startswith(",", index):
                raise ValueError("expected ',' or ']' after an array item")
            index = space(text, index + 1).end()
    if space(text, end).end() != len(text):
        raise _MoreValues("more after the array")


def _jsonl_looks_like_payloads(data: bytes) -> bool:
    for _, raw in _lines(data):
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
