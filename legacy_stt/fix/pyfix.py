"""Rewrite legacy calls in Python: ``requests.post(LEGACY_URL, ...)`` -> ``legacy_stt.post_via_two_step(LEGACY_URL, ...)``.

``legacy_stt.post_via_two_step`` takes the call's URL, body, headers and
timeout, runs the job on the two-step API (create, then poll) and returns a
real ``requests.Response`` with the legacy status and body, so the code after
the call (``response.json()["results"]...``, ``raise_for_status()``, the
status checks) keeps working. The URL expression is kept as written: the
program's own base URL (a constant, an environment default) stays in charge.

A fix is **safe** for ``requests.post`` and ``requests.request("POST", ...)``
and for ``.post`` on a variable the module binds to ``requests.Session()``
(passed on as ``session=``, so its headers go with every poll). It is
**unsafe** for httpx (the response becomes a ``requests.Response``: code
that catches httpx's exceptions must change) and for ``.post`` on an object
the module does not show to be a ``requests.Session``. A call that passes
keywords the new call does not take (``auth=``, ``**options``) is left, with
the reason.
"""

from __future__ import annotations

import ast

from ..lint.pysource import LegacyCall, scan_python
from .edits import Edit, FileFixes, Fix, Unfixable

__all__ = ["plan_python", "NEW_CALL"]

NEW_CALL = "legacy_stt.post_via_two_step"
_KEYWORDS = frozenset({"json", "data", "files", "headers", "timeout"})
# requests.post(url, data=None, json=None, **kwargs): the positional slots after the URL
_POSITIONAL = ("data", "json")


class _Positions:
    """Character offsets of (line, byte column) positions in ``text``."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, byte_column: int) -> int:
        text = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        return self.starts[line - 1] + len(
            text.encode("utf-8")[:byte_column].decode("utf-8", "replace")
        )

    def char_column(self, line: int, byte_column: int) -> int:
        return self.offset(line, byte_column) - self.starts[line - 1] + 1

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]


def plan_python(path: str, text: str, *, target: str | None = None) -> FileFixes:
    result = FileFixes(path)
    try:
        calls = scan_python(text, path)
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as error:
        result.unfixable.append(Unfixable(1, 1, "", f"the file does not parse as Python: {error}"))
        return result
    if not calls:
        return result
    positions = _Positions(text)
    nodes = {
        (node.lineno, positions.char_column(node.lineno, node.col_offset)): node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    modules = _module_names(tree)
    sessions = _session_names(tree, modules)
    for call in calls:
        node = nodes.get((call.line, call.column))
        if node is None:
            result.unfixable.append(_left(call, "the call could not be found again in the source"))
            continue
        planned = _plan_call(call, node, positions, modules, sessions, target)
        if isinstance(planned, Unfixable):
            result.unfixable.append(planned)
        else:
            result.fixes.append(planned)
    if result.fixes and "legacy_stt" not in modules.get("legacy_stt", set()):
        result.support.append(_import_edit(tree, text, positions))
    return result


def _left(call: LegacyCall, reason: str) -> Unfixable:
    return Unfixable(call.line, call.column, call.function, reason)


def _plan_call(
    call: LegacyCall,
    node: ast.Call,
    positions: _Positions,
    modules: dict[str, set[str]],
    sessions: set[str],
    target: str | None,
) -> Fix | Unfixable:
    func = node.func
    edits: list[Edit] = []
    safe, caveat, session = True, "", None
    method_argument = False
    if isinstance(func, ast.Attribute):
        owner = ast.unparse(func.value)
        if func.attr == "request":
            method_argument = True
        elif func.attr != "post":
            return _left(call, f"`{call.function}` is not a form fix rewrites (post or request)")
        if owner in modules.get("requests", set()):
            pass
        elif owner in modules.get("httpx", set()):
            safe = False
            caveat = (
                "the call returns a requests.Response instead of an httpx.Response: "
                "code that catches httpx's exceptions must catch requests' instead"
            )
        else:
            session = owner
            if owner not in sessions:
                safe = False
                caveat = f"`{owner}` is not shown to be a requests.Session in this module"
    elif isinstance(func, ast.Name) and func.id in modules.get("requests.post", set()):
        pass
    else:
        return _left(call, f"`{call.function}` is not a form fix rewrites")
    if any(keyword.arg is None for keyword in node.keywords):
        return _left(call, "it passes **options, which the rewritten call may not take")
    others = sorted({k.arg for k in node.keywords if k.arg is not None} - _KEYWORDS)
    if others:
        names = ", ".join(f"{name}=" for name in others)
        return _left(call, f"it passes {names}, which the rewritten call does not take")
    arguments = list(node.args)
    if method_argument:
        if not arguments or not (
            isinstance(arguments[0], ast.Constant)
            and isinstance(arguments[0].value, str)
            and arguments[0].value.upper() == "POST"
        ):
            return _left(call, 'the method is not the literal "POST"')
        if len(arguments) < 2:
            return _left(call, "the URL is not the second argument")
        # drop `"POST", ` up to the URL
        edits.append(Edit(positions.start(arguments[0]), positions.start(arguments[1]), ""))
        arguments = arguments[1:]
    if not arguments or any(isinstance(argument, ast.Starred) for argument in arguments):
        return _left(call, "the URL is not the first positional argument")
    if len(arguments) > 1 + len(_POSITIONAL):
        return _left(call, "it passes more positional arguments than requests.post takes")
    edits.append(Edit(positions.start(func), positions.end(func), NEW_CALL))
    for name, argument in zip(_POSITIONAL, arguments[1:]):
        edits.append(Edit(positions.start(argument), positions.start(argument), f"{name}="))
    added = ""
    if session is not None:
        added += f", session={session}"
    if target is not None:
        added += f", target={target!r}"
    if added:
        url_end = positions.end(arguments[0])
        edits.append(Edit(url_end, url_end, added))
    return Fix(call.line, call.column, call.function, tuple(edits), safe, caveat)


def _module_names(tree: ast.Module) -> dict[str, set[str]]:
    """Local names of the modules (and of ``requests.post``) the module imports."""
    names: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("requests", "httpx", "legacy_stt"):
                    names.setdefault(alias.name, set()).add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module == "requests" and node.level == 0:
            for alias in node.names:
                if alias.name == "post":
                    names.setdefault("requests.post", set()).add(alias.asname or alias.name)
    return names


def _session_names(tree: ast.Module, modules: dict[str, set[str]]) -> set[str]:
    """Names (and ``self.x`` attributes) bound to ``requests.Session()`` in the module."""
    requests_names = modules.get("requests", set())

    def is_session(value: ast.AST | None) -> bool:
        return (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in ("Session", "session")
            and ast.unparse(value.func.value) in requests_names
        )

    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and is_session(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found |= {ast.unparse(target) for target in targets}
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if is_session(item.context_expr) and item.optional_vars is not None:
                    found.add(ast.unparse(item.optional_vars))
    return found


def _import_edit(tree: ast.Module, text: str, positions: _Positions) -> Edit:
    """``import legacy_stt`` after the module's first run of imports (or its docstring)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    after = None
    for index, statement in enumerate(tree.body):
        docstring = (
            index == 0
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        )
        if isinstance(statement, (ast.Import, ast.ImportFrom)) or docstring:
            after = statement
            continue
        break
    if after is None:
        return Edit(0, 0, f"import legacy_stt{newline}")
    end = positions.end(after)
    line_end = text.find("\n", end)
    at = len(text) if line_end < 0 else line_end + 1
    prefix = "" if line_end >= 0 else newline
    return Edit(at, at, f"{prefix}import legacy_stt{newline}")
