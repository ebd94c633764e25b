"""What a ``legacy-stt check`` run found: filled by the checker, rendered by reporters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ERROR", "WARNING", "INFO", "SEVERITIES", "Finding", "FindingSink", "CheckResult"]

#: Severity of a finding that makes ``check`` fail: the payload or call cannot work as it is.
ERROR = "error"
#: Severity of a finding worth fixing; ``check`` fails on it with ``--strict``.
WARNING = "warning"
#: Severity of a finding that only informs (what a ``--target`` would change).
INFO = "info"
#: Most severe first.
SEVERITIES: tuple[str, ...] = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Finding:
    """One thing to change, at one place.

    ``line``/``column`` are 1-based and point at the offending member (its
    key) where it can be found, else at the payload; ``None`` when the file
    could not be read at all. ``pointer`` is a JSON Pointer into the
    payload, and ``payload`` says which payload of a file it is (the line of
    a JSONL file, the index in a JSON array, or the call site in Python).
    """

    path: str
    severity: str
    code: str
    message: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    payload: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (
            self.path,
            self.line or 0,
            self.column or 0,
            SEVERITIES.index(self.severity),
            self.code,
        )


#: Skipped files named in a result (and its reports); past this they are only counted.
MAX_SKIPPED_KEPT = 10_000

#: Receives findings as the checker finds them: one sorted batch at a time (see ``CheckResult``).
FindingSink = Callable[[list[Finding]], None]


@dataclass
class CheckResult:
    """Everything one run found, with the counts a summary needs.

    Without a ``sink`` every finding is kept in ``findings``. With one,
    findings are not kept: the checker calls ``flush()`` after each payload
    (and each file), which hands the findings added since to the sink,
    sorted, so a reporter can write them at once and memory does not grow
    with the number of findings. Only the counts are kept.
    """

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    payloads_checked: int = 0
    call_sites: int = 0
    #: Files not checked because they are not ours (not payloads, FIFOs, empty): counted ...
    files_skipped: int = 0
    #: ... and named with the reason, (path, reason), the first ``MAX_SKIPPED_KEPT`` of them.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: Paths that could not be read (missing, unreadable): the run exits 2.
    unreadable: list[str] = field(default_factory=list)
    sink: FindingSink | None = field(default=None, repr=False, compare=False)
    #: A finding this is false for is dropped (configuration, suppression comments).
    keep: Callable[[Finding], bool] | None = field(default=None, repr=False, compare=False)
    _pending: list[Finding] = field(default_factory=list, init=False, repr=False, compare=False)
    _streamed: Counter[str] = field(default_factory=Counter, init=False, repr=False, compare=False)

    def skip(self, path: str, reason: str) -> None:
        """Count a file that was not checked, and keep why (memory is bounded: see the limit)."""
        self.files_skipped += 1
        if len(self.skipped) < MAX_SKIPPED_KEPT:
            self.skipped.append((path, reason))

    def add(self, finding: Finding) -> None:
        if self.keep is not None and not self.keep(finding):
            return
        if self.sink is None:
            self.findings.append(finding)
        else:
            self._pending.append(finding)
            self._streamed[finding.severity] += 1

    def flush(self) -> None:
        """Hand the findings added since the last flush to the sink, sorted (no-op without one)."""
        if self.sink is None or not self._pending:
            return
        batch = self._pending
        self._pending = []
        if len(batch) > 1:
            batch.sort(key=_sort_key)
        self.sink(batch)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=_sort_key)

    @property
    def counts(self) -> Counter[str]:
        counts: Counter[str] = Counter({severity: 0 for severity in SEVERITIES})
        counts.update(finding.severity for finding in self.findings)
        counts.update(self._streamed)  # handed to the sink, or about to be
        return counts

    @property
    def errors(self) -> int:
        return self.counts[ERROR]

    @property
    def warnings(self) -> int:
        return self.counts[WARNING]

    def exit_status(self, *, strict: bool = False) -> int:
        """0 clean, 1 errors (or warnings when ``strict``), 2 a path could not be read."""
        if self.unreadable:
            return 2
        if self.errors or (strict and self.warnings):
            return 1
        return 0


def _sort_key(finding: Finding) -> tuple[str, int, int, int, str]:
    return finding.sort_key
