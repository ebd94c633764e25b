"""``legacy-stt fix``: rewrite legacy call sites (thin: walk, plan, write or diff, report)."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from typing import TextIO

from .._text import printable as shown  # names from files must not drive the terminal
from ._common import print_error
from .migration_commands import require_target

__all__ = ["add_fix_parser", "run_fix"]


def add_fix_parser(commands: argparse._SubParsersAction) -> None:
    fix = commands.add_parser(
        "fix",
        help="rewrite legacy calls in Python and JavaScript/TypeScript onto the two-step API",
        description=(
            "Rewrite each legacy call site that `check` finds so the program runs on the two-step "
            "API: Python calls go through legacy_stt.post_via_two_step (a requests.Response, as "
            "before); JavaScript and TypeScript calls through a small helper module written next "
            "to them. Safe fixes are applied; unsafe ones only with --unsafe-fixes; every call "
            "left is reported with its reason."
        ),
        epilog=(
            "Exit status: 0 nothing left to fix; 1 calls left (or, with --diff, something "
            "would change); 2 usage error or a path that cannot be read."
        ),
    )
    fix.add_argument("paths", metavar="PATH", nargs="+", help="file or directory")
    fix.add_argument(
        "--diff",
        action="store_true",
        help="print a unified diff of what would change and leave the files as they are",
    )
    fix.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also apply fixes that may change behaviour (each says why it is unsafe)",
    )
    fix.add_argument(
        "--target",
        metavar="MODEL",
        help="run the rewritten Python calls on MODEL (its parameter names and result shape are "
        "translated at run time)",
    )
    fix.add_argument(
        "--include-vendored",
        action="store_true",
        help="also walk node_modules, dist, build and the like",
    )
    fix.set_defaults(handler=run_fix)


def run_fix(args: argparse.Namespace, out: TextIO) -> int:
    from ..fix import apply_edits, plan_fixes
    from ..fix.edits import LANGUAGES
    from ..lint.checker import VENDORED_DIRS
    from ..payloads.inputs import DEFAULT_EXCLUDED_DIRS, InputProblem, InputReader, OtherFile

    if args.target is not None:
        require_target(args.target)
    err = sys.stderr
    excluded = (
        DEFAULT_EXCLUDED_DIRS - VENDORED_DIRS
        if args.include_vendored
        else DEFAULT_EXCLUDED_DIRS | VENDORED_DIRS
    )
    reader = InputReader(kinds=dict.fromkeys(LANGUAGES, "source"), excluded_dirs=excluded)
    applied = files_changed = left = unsafe_left = unreadable = 0
    helpers: set[str] = set()  # helper modules written (or shown) in this run
    for path in args.paths:
        if (
            os.path.exists(path)
            and not os.path.isdir(path)
            and os.path.splitext(path)[1].lower() not in LANGUAGES
        ):
            print_error(f"{path}: not a Python, JavaScript or TypeScript source", err)
            unreadable += 1
            continue
        for event in reader.read(path):
            if isinstance(event, InputProblem):
                print_error(f"{event.path}: {event.message}", err)
                unreadable += 1
                continue
            if not isinstance(event, OtherFile) or event.data is None:
                continue
            try:
                text = event.data.decode("utf-8")
            except UnicodeDecodeError:
                if b"aimlapi" in event.data.lower():  # else it cannot hold a legacy call
                    print(
                        f"{shown(event.path)}: left: not UTF-8 text; fix reads and writes UTF-8",
                        file=err,
                    )
                    left += 1
                continue
            try:
                plan = plan_fixes(event.path, text, target=args.target)
            except (RecursionError, MemoryError):
                print(f"{shown(event.path)}: left: too deeply nested to rewrite", file=err)
                left += 1
                continue
            chosen = [fix for fix in plan.fixes if fix.safe or args.unsafe_fixes]
            for fix in plan.fixes:
                if not fix.safe and not args.unsafe_fixes:
                    print(
                        f"{shown(event.path)}:{fix.line}:{fix.column}: left: `{shown(fix.function)}`: unsafe fix "
                        f"({fix.caveat}); --unsafe-fixes applies it",
                        file=err,
                    )
                    unsafe_left += 1
            for site in plan.unfixable:
                where = f"{site.line}:{site.column}"
                name = f"`{shown(site.function)}`: " if site.function else ""
                print(f"{shown(event.path)}:{where}: left: {name}{site.reason}", file=err)
                left += 1
            if not chosen:
                continue
            edits = [edit for fix in chosen for edit in fix.edits] + plan.support_for(chosen)
            new_text = apply_edits(text, edits)
            problem = _verify(
                event.path,
                new_text,
                len(plan.fixes) - len(chosen) + len(plan.unfixable),
                _has_syntax_errors(event.path, text),
            )
            if problem is not None:
                print(
                    f"{shown(event.path)}: left: {problem} (a bug in legacy-stt fix: please report it)",
                    file=err,
                )
                left += len(chosen)
                continue
            new_files = {
                helper: helper_text
                for helper, helper_text in plan.new_files.items()
                if os.path.normpath(helper) not in helpers
            }
            if args.diff:
                _print_diff(event.path, text, new_text, out)
                for helper, helper_text in new_files.items():
                    _print_diff(helper, "", helper_text, out)
            else:
                try:
                    for helper, helper_text in new_files.items():
                        _write(helper, helper_text)  # first: the rewritten file imports it
                    _write(event.path, new_text)
                except OSError as error:
                    print_error(f"{event.path}: not written: {error.strerror or error}", err)
                    unreadable += 1
                    left += len(chosen)
                    continue
            helpers.update(os.path.normpath(helper) for helper in new_files)
            applied += len(chosen)
            files_changed += 1
    verb = "would apply" if args.diff else "applied"
    remaining = left + unsafe_left
    summary = f"legacy-stt fix: {verb} {applied} fix{'es' if applied != 1 else ''} in {files_changed} file{'s' if files_changed != 1 else ''}"
    summary += f"; {remaining} call site{'s' if remaining != 1 else ''} left"
    if unsafe_left:
        summary += f" ({unsafe_left} with unsafe fixes: --unsafe-fixes applies them)"
    print(summary, file=err)
    if unreadable:
        return 2
    if remaining or (args.diff and applied):
        return 1
    return 0


def _verify(
    path: str, text: str, expected_calls: int, original_had_errors: bool = False
) -> str | None:
    """Why the new text must not be written: it does not parse, or still has unexpected legacy calls."""
    text = text[1:] if text.startswith("\ufeff") else text  # a byte order mark, as Python skips it
    from ..fix.edits import LANGUAGES

    if LANGUAGES.get(os.path.splitext(path)[1].lower()) == "python":
        import ast

        from ..lint.pysource import scan_python

        try:
            ast.parse(text)
        except SyntaxError as error:
            return f"the rewritten file would not parse ({error.msg})"
        calls = scan_python(text, path)
    else:
        from tree_sitter import Parser

        from ..lint.jssource import language_of, scan_javascript
        from ..lint.languages import dialect_of

        dialect = dialect_of(path)
        data = text.encode("utf-8")
        if Parser(language_of(dialect)).parse(data).root_node.has_error and not original_had_errors:
            return "the rewritten file would not parse"
        calls = scan_javascript(data, path, dialect=dialect)
    if len(calls) > expected_calls:
        return "the rewritten file would still call the legacy endpoint"
    return None


def _has_syntax_errors(path: str, text: str) -> bool:
    """Whether a JavaScript/TypeScript source already has syntax errors (tree-sitter recovers)."""
    from ..fix.edits import LANGUAGES

    if LANGUAGES.get(os.path.splitext(path)[1].lower()) != "javascript":
        return False
    from tree_sitter import Parser

    from ..lint.jssource import language_of
    from ..lint.languages import dialect_of

    dialect = dialect_of(path)
    return bool(Parser(language_of(dialect)).parse(text.encode("utf-8")).root_node.has_error)


def _print_diff(path: str, old: str, new: str, out: TextIO) -> None:
    # paths as git writes them (relative, no `./`), so that `git apply` and `patch -p1` take it
    relative = os.path.relpath(path)
    shown = relative if not relative.startswith("..") else os.path.abspath(path).lstrip(os.sep)
    shown = shown.replace(os.sep, "/")
    out.writelines(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{shown}" if old else "/dev/null",
            tofile=f"b/{shown}",
        )
    )


def _write(path: str, text: str) -> None:
    """Write ``text`` as UTF-8, bytes as given (line endings kept), replacing the file at once.

    A symbolic link stays a link: the file it names is the one rewritten.
    """
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else None
    with tempfile.NamedTemporaryFile(
        "wb", dir=directory, delete=False, prefix=".legacy-stt-fix-"
    ) as temporary:
        temporary.write(text.encode("utf-8"))
    if mode is not None:
        os.chmod(temporary.name, mode)
    os.replace(temporary.name, path)
