"""The checker: walks the inputs and fills a ``CheckResult``.

It uses the same validation and the same model adapter tables as the
client, so ``check`` and a real call can never disagree. The common case —
a valid payload — costs one file read, one ``json`` parse and one compiled
schema check; positions and detailed messages are worked out only for
payloads with something to report.

Work and memory are bounded per file, not per run. A directory walk enters
each real directory and checks each real file once, and never opens a FIFO
or a device (``legacy_stt.payloads.files``). A file is read only up to
MAX_FILE_BYTES. JSON Lines and JSON arrays are checked one payload at a
time, and the result hands each payload's findings to its sink (a reporter)
as soon as they are known. A large Python source is parsed without its big
literal tables, or not at all if it is still too big for a syntax tree.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from ..adapters.registry import default_registry
from ..payloads import inputs
from ..payloads.inputs import (
    DEFAULT_EXCLUDED_DIRS,
    JSON_KINDS,
    STDIN,
    Accepted,
    Event,
    FileUnit,
    InputProblem,
    InputReader,
    OtherFile,
    Payload,
    Skipped,
)
from ..payloads.validation import INPUT_MEMBERS, form_fields_as_read, inspect_payload
from .languages import SOURCE_LANGUAGES, dialect_of
from .locate import position_of
from .result import ERROR, INFO, WARNING, CheckResult, Finding, FindingSink

if TYPE_CHECKING:
    from .config import FindingPolicy
    from .pysource import LegacyCall

__all__ = [
    "Checker",
    "Issue",
    "lint_payload",
    "DEFAULT_EXCLUDED_DIRS",
    "SUFFIX_KINDS",
    "MAX_FILE_BYTES",
    "PARALLEL_THRESHOLD",
]

logger = logging.getLogger(__name__)

#: How a file is read, by suffix. Files given explicitly with another suffix are read as JSON.
SUFFIX_KINDS = {**JSON_KINDS, **SOURCE_LANGUAGES}

#: Directories of dependencies and build output: skipped unless ``include_vendored``.
VENDORED_DIRS = frozenset(
    {
        "node_modules",
        "bower_components",
        "jspm_packages",
        "dist",
        "build",
        ".next",
        ".nuxt",
        ".output",
        ".svelte-kit",
    }
)

#: Files (and standard input) larger than this are reported, not read (``legacy_stt.payloads.inputs``).
MAX_FILE_BYTES = inputs.MAX_FILE_BYTES

#: A Python file too large to parse is only ours, met in a walk, if it names the service.
_MENTIONS_SERVICE = re.compile(rb"(?i)aimlapi")


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
            from ..payloads.planning import plan_request

            notices = plan_request(payload, upload_given=upload_given).notices
    else:
        from ..exceptions import PayloadError
        from ..payloads.planning import plan_request

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
        include_vendored: bool = False,
        policy: FindingPolicy | None = None,
    ) -> None:
        self.target = target
        #: What the project configured: findings kept, paths left out (``lint.config``).
        self.policy = policy
        self.uploads = uploads
        self.only_payloads = only_payloads
        self.include_vendored = include_vendored
        excluded = frozenset(excluded_dirs)
        self.excluded_dirs = (
            excluded - VENDORED_DIRS if include_vendored else excluded | VENDORED_DIRS
        )
        if target is not None:
            # Fails early, with a did-you-mean, for a model no model adapter serves.
            default_registry.adapter_for_target(target)

    def __repr__(self) -> str:
        return f"<Checker target={self.target!r} uploads={self.uploads}>"

    @property
    def _keep(self) -> Callable[[Finding], bool] | None:
        return self.policy.keeps if self.policy is not None else None

    # -- inputs -------------------------------------------------------------

    def check(
        self,
        paths: Iterable[str],
        *,
        stdin: Callable[[], bytes] | None = None,
        sink: FindingSink | None = None,
        jobs: int = 1,
    ) -> CheckResult:
        """Check every path (files, directories, ``-`` for ``stdin()``) into one result.

        With a ``sink`` (a reporter's ``emit``), the findings are not kept in
        the result but handed to it payload by payload, each batch sorted.
        Either way they come sorted by path, as a sort of all of them would
        order them: the paths are taken in that order, and a directory's
        files too (unless one path is inside another).

        ``jobs`` above 1 shares the files among that many processes once
        there are ``PARALLEL_THRESHOLD`` of them or more, where a process
        can be forked safely (Linux, from a program with one thread); the
        result is the same, in the same order, as with one.
        """
        result = CheckResult(sink=sink, keep=self._keep)
        reader = InputReader(
            kinds=SUFFIX_KINDS,
            excluded_dirs=self.excluded_dirs,
            only_payloads=self.only_payloads,
            limit=MAX_FILE_BYTES,
            stdin=stdin,
            files_first=False,  # path order: the order the findings were always sorted in
            exclude=self.policy.excludes if self.policy is not None else None,
        )
        ordered = _in_order_of_findings(paths)
        if jobs > 1 and _can_fork():
            self._check_shared(reader, ordered, result, jobs)
        else:
            for path in ordered:
                self._check_events(reader.read(path), result)
        return result

    def _check_events(self, events: Iterable[Event], result: CheckResult) -> None:
        """Fill ``result`` from the events of the inputs (the hot loop)."""
        # Names looked up once, not once per payload.
        flush, lint, report = result.flush, self._lint, self._report
        for event in events:
            kind = type(event)
            if kind is Payload:
                result.payloads_checked += 1
                issues = lint(event.value)  # type: ignore[union-attr]
                if issues:
                    report(event, issues, result)  # type: ignore[arg-type]
                    flush()
            elif kind is Accepted:
                result.files_checked += 1
            elif kind is Skipped:
                logger.info("skipped %s: %s", event.path, event.reason)  # type: ignore[union-attr]
                result.skip(event.path, event.reason)  # type: ignore[union-attr]
            elif kind is InputProblem:
                result.add(_problem_finding(event, result))  # type: ignore[arg-type]
                flush()
            else:
                self._check_other(event, result)  # type: ignore[arg-type]
                flush()

    def _check_shared(
        self, reader: InputReader, paths: list[str], result: CheckResult, jobs: int
    ) -> None:
        """``check`` with the files read and checked in ``jobs`` forked processes.

        Directories are walked here; blocks of the walk's files go to the
        processes and their findings come back in walk order, so the result
        and its order are those of a check in one process. A run with few
        files is checked here: forking would cost more than it saves.
        """
        items = (item for path in paths for item in reader.plan(path))
        head = list(islice(items, PARALLEL_THRESHOLD))
        if len(head) < PARALLEL_THRESHOLD:
            self._check_events(_events_of(reader, head), result)
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        # A SIGTERM to this process alone would leave the workers running (and holding the
        # output open): it ends the pool, then the run, as Ctrl-C does.
        previous = signal.signal(signal.SIGTERM, _terminated)
        logger.debug("checking the files in %d processes", jobs)
        try:
            with context.Pool(jobs, initializer=_start_worker, initargs=(self, reader)) as pool:
                # imap keeps the blocks' order and takes them from the walk as the workers
                # need them, so a large tree is never listed whole.
                for part in pool.imap(_check_block, _blocks(chain(head, items), _BLOCK)):
                    _merge(part, result)
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _report(self, payload: Payload, issues: list[Issue], result: CheckResult) -> None:
        # Positions only for payloads with findings.
        places = payload.positions([issue.pointer for issue in issues])
        path, label = payload.path, payload.label
        for issue, where in zip(issues, places):
            result.add(issue.at(path, where, label))

    def _check_other(self, file: OtherFile, result: CheckResult) -> None:
        if file.data is None:
            return
        if file.kind == "python":
            self._check_python(file, result)
        elif file.kind == "javascript":
            self._check_javascript(file, result)

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

    def _check_python(self, source: OtherFile, result: CheckResult) -> None:
        from importlib.util import decode_source

        from .pysource import SourceTooLarge, scan_python

        data = source.data or b""
        try:
            calls = scan_python(decode_source(data), source.path)
        except SourceTooLarge as error:
            # Met in a walk, a big generated module is only ours if it names the service.
            if not source.explicit and not _MENTIONS_SERVICE.search(data):
                result.skip(source.path, "Python too large to parse, and it does not name the API")
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
        self._report_calls(source.path, calls, result)

    # -- JavaScript and TypeScript ---------------------------------------------

    def _check_javascript(self, source: OtherFile, result: CheckResult) -> None:
        from .jssource import JS_EXTRA, parser_available, scan_javascript

        data = source.data or b""
        if not source.explicit and not self.include_vendored and _is_bundle(source.path, data):
            result.skip(
                source.path,
                "a minified or bundled file (build output; --include-vendored checks it)",
            )
            return
        result.files_checked += 1
        if not _MENTIONS_SERVICE.search(data):
            return  # a legacy call's URL must name the host in this file: nothing to parse
        if not parser_available():
            result.add(
                Finding(
                    source.path,
                    WARNING,
                    "js-not-scanned",
                    "not scanned for legacy calls: this file names the AI/ML API, and JavaScript and "
                    f"TypeScript are scanned with the `js` extra: {JS_EXTRA}",
                )
            )
            return
        dialect = dialect_of(source.path)
        try:
            calls = scan_javascript(data, source.path, dialect=dialect)
        except ValueError as error:
            result.add(
                Finding(
                    source.path,
                    WARNING,
                    "js-too-large",
                    f"not scanned for legacy calls: {error}; search it for the legacy endpoint by hand",
                )
            )
            return
        self._report_calls(source.path, calls, result)

    def _report_calls(self, path: str, calls: Iterable[LegacyCall], result: CheckResult) -> None:
        """The findings of the legacy calls of one source (Python, JavaScript or TypeScript)."""
        for call in calls:
            result.call_sites += 1
            label = f"call at line {call.line}"
            result.add(
                Finding(
                    path,
                    WARNING,
                    "legacy-endpoint",
                    _legacy_call_advice(call),
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
                            path,
                            WARNING,
                            "upload-field",
                            f"the audio is uploaded under `{field_name}`, but the legacy endpoint takes "
                            f"the file as `audio` (only the OpenAI models' create endpoint names it "
                            f"`file`). Rename the {'files=' if call.language == 'python' else 'form'} field `{field_name}` -> `audio`",
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
                result.add(issue.at(path, where, label))

    def _lint_call_payload(self, call: Any) -> list[Issue]:
        payload: dict[str, Any] = dict(call.payload)
        unresolved = set(call.unresolved_keys)
        if call.payload_keyword == "data":
            payload = form_fields_as_read(payload)
        if "model" in unresolved:
            return []  # which rules apply depends on the model
        upload_given = call.has_upload or bool(unresolved & {"url", "audio"})
        issues = self._lint(payload, upload_given=upload_given)
        if unresolved:
            issues += _unresolved_key_issues(payload, unresolved)
        return issues


def _legacy_call_advice(call: LegacyCall) -> str:
    """The ``legacy-endpoint`` message: the two-step API, awaited if the call is in async code."""
    if call.language != "python":
        # Advice a JavaScript caller can follow: no Python in it.
        return (
            f"`{call.function}` calls the deprecated one-call endpoint {call.url}, which times out "
            "on long audio. Point this call at the compatibility proxy (run `legacy-stt serve` "
            "and use its http://127.0.0.1:8080/v1/stt; the body stays as it is), or move to the "
            "two-step API: POST /v1/stt/create with the payload, then poll "
            "GET /v1/stt/{generation_id} until its status is completed (see MIGRATION.md)"
        )
    if call.in_async_def:
        # Whatever the call uses now, a blocking client there would stall the event loop.
        fix = (
            "Keep the payload and, as this is async code, use the two-step API without blocking "
            "the event loop: `generation_id = await client.submit(payload)`, then "
            "`await client.result(generation_id)` (async with legacy_stt.AsyncClient() as client)"
        )
    else:
        fix = (
            "Keep the payload and use the two-step API: "
            "`generation_id = client.submit(payload)`, then `client.result(generation_id)` "
            "(client = legacy_stt.Client())"
        )
    return (
        f"`{call.function}` calls the deprecated one-call endpoint {call.url}, which times out on "
        f"long audio. {fix}; from code that is not Python, point it at the compatibility "
        "proxy, `legacy-stt serve` (see MIGRATION.md)"
    )


def _unresolved_key_issues(payload: Mapping[str, Any], unresolved: set[str]) -> list[Issue]:
    """Unknown-parameter issues for members whose values are computed (their names are still known)."""
    from ..payloads.validation import family_of_model, unknown_parameter_notice

    model = payload.get("model")
    family = family_of_model(model) if isinstance(model, str) else None
    if family is None:
        return []
    issues = []
    for key in sorted(unresolved):
        if key not in family.parameters and key not in INPUT_MEMBERS:
            notice = unknown_parameter_notice(key, model, family)  # type: ignore[arg-type]
            issues.append(Issue(notice.pointer, WARNING, notice.code, notice.message))
    return issues


def _in_order_of_findings(paths: Iterable[str]) -> list[str]:
    """The paths in the order their findings sort in.

    That is ``sorted()`` order, with a directory sorting as its normalised
    path and a separator (as every path under it does) and standard input
    as ``<stdin>``. Whether a path is a directory takes a ``stat`` call,
    which costs about as much as reading a small file, so it is asked only
    where the answer can move the path: a path not written in normal form
    (``./a``, ``a/``), or one that another path starts with, followed by a
    character that sorts before the separator or by the separator itself
    (``a`` beside ``a.json`` or ``a/b.json``). A shell glob of thousands of
    files asks for none.
    """
    paths = list(paths)
    key: dict[str, str] = {}
    plain: list[str] = []  # written in normal form: its key is itself, or itself and a separator
    for path in paths:
        if path == STDIN:
            key[path] = "<stdin>"
        elif path.endswith(os.sep) or os.path.normpath(path) != path:
            key[path] = _directory_key(path)
        else:
            plain.append(path)
    # Anything that sorts between `path` and `path/` starts with `path`, and the first such
    # name in sorted order is the one right after it. (A glob's paths come sorted already.)
    names = sorted([*plain, *key.values()])
    ambiguous = {
        name
        for name, following in zip(names, names[1:])
        if len(following) > len(name)
        and following.startswith(name)
        and following[len(name)] <= os.sep
    }
    for path in plain:
        key[path] = _directory_key(path) if path in ambiguous else path
    return sorted(paths, key=key.__getitem__)


def _directory_key(path: str) -> str:
    return os.path.normpath(path) + os.sep if os.path.isdir(path) else path


def _problem_finding(problem: InputProblem, result: CheckResult) -> Finding:
    """The finding for what could not be read; an unreadable path makes the run exit 2."""
    message = problem.message
    if problem.code == "unreadable":
        result.unreadable.append(problem.path)
    elif problem.code in ("too-large", "too-deep"):
        message = "not checked: " + message
    # (An invalid line of JSON Lines is not a payload: its finding names no payload, as before.)
    return Finding(
        problem.path, ERROR, problem.code, message, problem.line, problem.column, None, None
    )


#: Inputs (files, and what the walk reports) a run must have before it is shared among
#: processes: below this, starting them costs more than it saves.
PARALLEL_THRESHOLD = 400
#: Inputs handed to a worker process at a time.
_BLOCK = 200

_Part = tuple[list[list[Finding]], int, int, int, list[tuple[str, str]], list[str]]
_worker: tuple[Checker, InputReader] | None = None


def _can_fork() -> bool:
    """Whether forking is safe here: Linux (elsewhere the default is to spawn, which would
    import everything again), and no other thread that a fork could catch holding a lock."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _terminated(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _start_worker(checker: Checker, reader: InputReader) -> None:
    global _worker
    _worker = (checker, reader)
    # Ctrl-C is the parent's to handle: it stops the pool; workers would print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _events_of(reader: InputReader, items: Iterable[Event | FileUnit]) -> Iterator[Event]:
    for item in items:
        if type(item) is FileUnit:
            yield from reader.read_unit(item)
        else:
            yield item  # type: ignore[misc]


def _blocks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while True:
        block = list(islice(iterator, size))
        if not block:
            return
        yield block


def _check_block(block: list[Event | FileUnit]) -> _Part:
    """In a worker: one block's findings (in the batches a sink would get) and counts."""
    assert _worker is not None
    checker, reader = _worker
    batches: list[list[Finding]] = []
    part = CheckResult(sink=batches.append, keep=checker._keep)
    checker._check_events(_events_of(reader, block), part)
    part.flush()
    return (
        batches,
        part.files_checked,
        part.payloads_checked,
        part.call_sites,
        part.skipped,
        part.unreadable,
    )


def _merge(part: _Part, result: CheckResult) -> None:
    """A worker's block, added to the run's result as if it had been checked here."""
    batches, files, payloads, call_sites, skipped, unreadable = part
    for batch in batches:
        for finding in batch:
            result.add(finding)
        result.flush()
    result.files_checked += files
    result.payloads_checked += payloads
    result.call_sites += call_sites
    for path, reason in skipped:
        result.skip(path, reason)
    result.unreadable.extend(unreadable)


#: Names a bundler gives its output: skipped in a walk unless ``include_vendored``. Only with a
#: dot: `audio-chunk.js` and `transcribe-bundle.js` are names people give their own modules.
_BUNDLE_NAME = re.compile(r"(?i)\.(min|bundle|chunk)\.[cm]?js$")
#: Minified code: lines of this many bytes or more ...
_LONG_LINE = 1000
#: ... dense with code punctuation (a base64 clip or a data URL in one string has none).
_CODE_PUNCTUATION = re.compile(rb"[;{}(),=]")


def _is_bundle(path: str, data: bytes) -> bool:
    """Whether a JavaScript file is build output: a ``.min.js``-style name, or minified code.

    Minified code is most of the file in long lines with a statement's punctuation every few
    bytes; a hand-written module with one long string (an embedded clip) is not.
    """
    if _BUNDLE_NAME.search(path):
        return True
    head = data[: 256 * 1024]
    if len(head) <= 4096:
        return False
    long_lines = [line for line in head.split(b"\n") if len(line) >= _LONG_LINE]
    minified = sum(
        len(line) for line in long_lines if len(_CODE_PUNCTUATION.findall(line)) > len(line) / 40
    )
    return minified > len(head) / 2
