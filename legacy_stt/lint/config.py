"""What a project tells ``legacy-stt check``: ``[tool.legacy-stt]``, inline suppressions, .gitignore.

A team gating CI on the linter configures it where it configures ruff::

    [tool.legacy-stt]
    select = ["schema.*", "unknown-*"]      # finding codes kept (fnmatch patterns); all by default
    ignore = ["legacy-call"]                # codes dropped
    exclude = ["fixtures/old/*"]            # paths not walked (relative to pyproject.toml)
    strict = true                           # warnings fail the run too
    target = "nova-3"                       # as --target
    respect-gitignore = true                # files git ignores are not walked (the default)

    [tool.legacy-stt.per-file-ignores]
    "examples/invalid/*" = ["*"]            # codes dropped for those paths

A finding is also dropped by a comment on its line: ``# legacy-stt:
ignore[code, ...]`` in Python, ``// legacy-stt: ignore[code]`` in JavaScript
and TypeScript (``ignore`` alone drops every code there). JSON has no
comments: payload files are silenced with ``per-file-ignores``.

``FindingPolicy`` decides, finding by finding, what is kept; the checker
applies it as it fills its result, so counts and exit status agree with
what the reporters print.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..exceptions import ConfigurationError
from .languages import SOURCE_LANGUAGES
from .result import Finding

__all__ = [
    "CONFIG_FILE",
    "FindingPolicy",
    "LintConfig",
    "git_ignored",
    "load_config",
]

logger = logging.getLogger(__name__)

CONFIG_FILE = "pyproject.toml"
_TABLE = "legacy-stt"
_KEYS = frozenset(
    {"select", "ignore", "exclude", "per-file-ignores", "strict", "target", "respect-gitignore"}
)
#: ``# legacy-stt: ignore`` or ``// legacy-stt: ignore[code, code]`` anywhere on a line.
_SUPPRESSION = re.compile(r"(?:#|//)\s*legacy-stt:\s*ignore(?:\[(?P<codes>[^\]]*)\])?\s*$")
#: Lines read per file for suppressions (a finding's line beyond it cannot be suppressed).
_MAX_LINES = 200_000


@dataclass(frozen=True)
class LintConfig:
    """The ``[tool.legacy-stt]`` table, checked; ``root`` is the directory it applies from."""

    select: tuple[str, ...] = ("*",)
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    strict: bool | None = None
    target: str | None = None
    respect_gitignore: bool = True
    root: Path = field(default_factory=Path.cwd)
    source: Path | None = None

    @classmethod
    def from_table(cls, table: Mapping[str, Any], root: Path, source: Path | None) -> LintConfig:
        where = f"{source or CONFIG_FILE} [tool.{_TABLE}]"
        unknown = sorted(set(table) - _KEYS)
        if unknown:
            raise ConfigurationError(
                f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})"
            )

        def strings(key: str) -> tuple[str, ...]:
            if key not in table:
                return ()
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigurationError(f"{where}: {key} must be a list of strings")
            return tuple(value)

        def codes(key: str, patterns: tuple[str, ...]) -> tuple[str, ...]:
            # A pattern that names no finding code is a typo that would silence (or keep)
            # nothing: refused, with the codes there are.
            for pattern in patterns:
                if not _names_a_code(pattern):
                    raise ConfigurationError(
                        f"{where}: {key}: {pattern!r} matches no finding code "
                        f"(codes: {', '.join(_known_codes())}; patterns such as 'schema.*')"
                    )
            return patterns

        def paths(key: str, patterns: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(_path_pattern(pattern, root) for pattern in patterns)

        per_file = table.get("per-file-ignores", {})
        if not isinstance(per_file, dict) or not all(
            isinstance(codes, list) and all(isinstance(c, str) for c in codes)
            for codes in per_file.values()
        ):
            raise ConfigurationError(
                f"{where}: per-file-ignores must map path patterns to lists of codes"
            )
        strict = table.get("strict")
        if strict is not None and not isinstance(strict, bool):
            raise ConfigurationError(f"{where}: strict must be true or false")
        target = table.get("target")
        if target is not None and not isinstance(target, str):
            raise ConfigurationError(f"{where}: target must be a model id (a string)")
        respect = table.get("respect-gitignore", True)
        if not isinstance(respect, bool):
            raise ConfigurationError(f"{where}: respect-gitignore must be true or false")
        select = codes("select", strings("select")) if "select" in table else ("*",)
        if not select:
            raise ConfigurationError(f"{where}: select is empty: nothing would be checked")
        return cls(
            select=select,
            ignore=codes("ignore", strings("ignore")),
            exclude=paths("exclude", strings("exclude")),
            per_file_ignores=tuple(
                (_path_pattern(pattern, root), codes("per-file-ignores", tuple(names)))
                for pattern, names in per_file.items()
            ),
            strict=strict,
            target=target,
            respect_gitignore=respect,
            root=root,
            source=source,
        )


def load_config(start: str | os.PathLike[str] | None = None) -> LintConfig:
    """The configuration in the nearest ``pyproject.toml`` with a ``[tool.legacy-stt]`` table,
    looking from ``start`` (default: the working directory) up; the defaults if there is none.

    Raises ``ConfigurationError`` for a file that cannot be read or a table that is wrong.
    """
    here = Path(start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_FILE
        if not candidate.is_file():
            continue
        table = _read_table(candidate)
        if table is not None:
            return LintConfig.from_table(table, directory, candidate)
    return LintConfig(root=here)


def _read_table(path: Path) -> Mapping[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.9 and 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigurationError(f"cannot read {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"{path} is not valid TOML: {error}") from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        return None  # not a [tool] table: nothing of ours there
    table = tool.get(_TABLE)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigurationError(f"{path}: [tool.{_TABLE}] must be a table")
    return table


def _known_codes() -> list[str]:
    from .rules import RULES

    return sorted(RULES)


def _names_a_code(pattern: str) -> bool:
    # schema.<keyword> codes come from the JSON Schema keywords: any of them may appear
    return pattern.startswith("schema.") or any(
        fnmatch.fnmatchcase(code, pattern) for code in [*_known_codes(), "schema.type"]
    )


def _path_pattern(pattern: str, root: Path) -> str:
    """A path pattern as matched: relative to ``root``, without ``./``; ``**/`` as ``*/``."""
    text = pattern.replace("\\", "/")
    if os.path.isabs(text):
        with contextlib.suppress(ValueError):
            text = Path(text).resolve().relative_to(root).as_posix()
    while text.startswith("./"):
        text = text[2:]
    return text.rstrip("/")


def _matches(code: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(code, pattern) for pattern in patterns)


def _relative(path: str, root: Path) -> str:
    """``path`` relative to ``root``, with ``/``; as given if it is outside (through a symbolic
    link too: the real path is tried when the plain one is not under ``root``)."""
    for absolute in (os.path.abspath(path), os.path.realpath(path)):
        try:
            return Path(absolute).relative_to(root).as_posix()
        except ValueError:
            continue
    return Path(path).as_posix()


def _path_matches(relative: str, pattern: str) -> bool:
    """A path pattern matches the path or one of its parent directories (``*`` crosses
    directories, so ``**`` is ``*``; a leading ``**/`` also matches at the top)."""
    parts = relative.split("/")
    candidates = [pattern]
    if pattern.startswith("**/"):
        candidates.append(pattern[3:])
    return any(
        fnmatch.fnmatchcase("/".join(parts[:end]), candidate)
        for candidate in candidates
        for end in range(1, len(parts) + 1)
    )


class FindingPolicy:
    """Which findings a run keeps, and which paths it does not walk."""

    def __init__(self, config: LintConfig, *, suppressions: bool = True) -> None:
        self.config = config
        self.suppressions = suppressions
        self._select_all = "*" in config.select
        # git's answers, one work tree at a time: (its top directory + sep, the predicate)
        self._work_trees: list[tuple[str, Callable[[str], bool]]] = []
        self._outside_git: dict[str, bool] = {}
        self._directories: dict[str, tuple[str, Callable[[str], bool] | None]] = {}

    def __repr__(self) -> str:
        return f"<FindingPolicy from {self.config.source or 'the defaults'}>"

    def keeps(self, finding: Finding) -> bool:
        # Runs for every finding of a run: the common cases cost a comparison or two.
        config = self.config
        code = finding.code
        if code == "unreadable":
            return True  # it makes the run exit 2: it is always said why
        if self._select_all is False and not _matches(code, config.select):
            return False
        if config.ignore and _matches(code, config.ignore):
            return False
        if config.per_file_ignores:
            relative = _relative(finding.path, config.root)
            for pattern, codes in config.per_file_ignores:
                if _path_matches(relative, pattern) and _matches(code, codes):
                    return False
        if (
            self.suppressions
            and finding.line is not None
            and os.path.splitext(finding.path)[1].lower() in SOURCE_LANGUAGES  # JSON: no comments
        ):
            named = _suppressed_on(finding.path, finding.line)
            if named is not None and (not named or _matches(code, named)):
                return False
        return True

    def excludes(self, path: str, is_dir: bool = False) -> bool:
        """True for a walked file or directory the run leaves out (``exclude``, .gitignore)."""
        config = self.config
        if config.exclude and any(
            _path_matches(_relative(path, config.root), pattern) for pattern in config.exclude
        ):
            return True
        if config.respect_gitignore:
            return self._ignored_by_git(path, is_dir)
        return False

    def _ignored_by_git(self, path: str, is_dir: bool) -> bool:
        """Whether the work tree ``path`` is in ignores it (each work tree asked once).

        Runs for every file a walk lists: the work is done once per directory
        (where it is, which work tree holds it), a file costs a string join.
        """
        directory = path if is_dir else (os.path.dirname(path) or ".")
        entry = self._directories.get(directory)
        if entry is None:
            entry = self._directories[directory] = self._directory_entry(directory)
        absolute, ignored = entry
        if ignored is None:
            return False
        return ignored(absolute if is_dir else absolute + os.sep + os.path.basename(path))

    def _directory_entry(self, directory: str) -> tuple[str, Callable[[str], bool] | None]:
        """A directory's absolute path, and the predicate of the work tree holding it."""
        plain = os.path.abspath(directory)
        for candidate in (plain, None):
            if candidate is None:
                candidate = os.path.realpath(directory)  # through a symbolic link?
            for top, ignored in self._work_trees:
                if candidate.startswith(top) or candidate + os.sep == top:
                    return candidate, ignored
            if self._outside(candidate):
                return plain, None
        return plain, None

    def _outside(self, directory: str) -> bool:
        """True for a directory in no git work tree (a work tree found is remembered).

        A walk goes down from its top: a directory whose parent is outside and
        that holds no ``.git`` of its own is outside too, which costs a stat,
        not a git call.
        """
        known = self._outside_git.get(directory)
        if known is not None:
            return known
        parent = os.path.dirname(directory)
        if self._outside_git.get(parent) and not os.path.lexists(os.path.join(directory, ".git")):
            outside = True
        else:
            found = _work_tree_of(directory)
            outside = found is None
            if found is not None:
                top = found.rstrip(os.sep) + os.sep
                if all(top != known_top for known_top, _ in self._work_trees):
                    # the top is known: one git call for its ignored files, not two
                    self._work_trees.append((top, _ignored_in(found)))
        self._outside_git[directory] = outside
        return outside


def _suppressed_on(path: str, line: int) -> tuple[str, ...] | None:
    try:
        state = os.stat(path)
    except OSError:
        return None
    return _suppression_lines(path, state.st_mtime_ns, state.st_size).get(line)


@functools.lru_cache(maxsize=64)
def _suppression_lines(path: str, mtime: int, size: int) -> dict[int, tuple[str, ...]]:
    """Line number -> the codes its suppression comment names (empty: every code).

    Keyed by the file's state as well as its path, so an edited file is read again.
    """
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return {}
    if path.endswith(".py"):
        comments = _python_comments(text)
        if comments is not None:
            return _suppressions_in(comments)
    # JavaScript and TypeScript (or Python that does not tokenize): the comment must end the
    # line, which a string that merely contains the words does not
    return _suppressions_in(
        (number, line)
        for number, line in enumerate(text.splitlines()[:_MAX_LINES], 1)
        if "legacy-stt:" in line
    )


def _python_comments(text: str) -> list[tuple[int, str]] | None:
    """The comments of a Python source, with their lines; None if it does not tokenize."""
    import io
    import tokenize

    try:
        return [
            (token.start[0], token.string)
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.COMMENT and "legacy-stt:" in token.string
        ]
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None


def _suppressions_in(lines: Iterable[tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    found: dict[int, tuple[str, ...]] = {}
    for number, line in lines:
        match = _SUPPRESSION.search(line)
        if match:
            named = match.group("codes")
            found[number] = tuple(c.strip() for c in (named or "").split(",") if c.strip())
    return found


def _work_tree_of(directory: str) -> str | None:
    """The top directory of the git work tree holding ``directory``; None outside one."""
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=directory,
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.SubprocessError):
        return None


def git_ignored(root: Path) -> Callable[[str], bool]:
    """A predicate: is this path one git ignores (in the work tree holding ``root``)?

    Asks git once for every ignored path (``git ls-files --others --ignored
    --exclude-standard --directory``), so the answer is git's own reading of
    every ``.gitignore``, ``.git/info/exclude`` and the global excludes file.
    Outside a work tree, or without git, nothing is ignored.
    """
    top = _work_tree_of(str(root))
    if top is None:
        logger.debug("not in a git work tree (or no git): .gitignore is not read")
        return lambda path: False
    return _ignored_in(top)


def _ignored_in(top: str) -> Callable[[str], bool]:
    """``git_ignored`` for the work tree whose top directory is ``top``."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"],
            cwd=top,
            capture_output=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        logger.debug("git could not list the ignored files of %s: .gitignore is not read", top)
        return lambda path: False
    files: set[str] = set()
    directories: set[str] = set()
    for entry in listed.decode("utf-8", "surrogateescape").split("\0"):
        if entry.endswith("/"):
            directories.add(entry.rstrip("/"))
        elif entry:
            files.add(entry)
    if not files and not directories:
        return lambda path: False
    # String work, not pathlib: this runs for every file a walk lists.
    prefix = str(Path(top).resolve()) + os.sep

    def ignored(path: str) -> bool:
        absolute = os.path.abspath(path)
        if not absolute.startswith(prefix):
            absolute = os.path.realpath(path)  # through a symbolic link
            if not absolute.startswith(prefix):
                return False
        relative = absolute[len(prefix) :].replace(os.sep, "/")
        if relative in files or relative in directories:
            return True
        if directories:
            cut = relative.find("/")
            while cut != -1:
                if relative[:cut] in directories:
                    return True
                cut = relative.find("/", cut + 1)
        return False

    return ignored
