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
import re

from ..lint.pysource import LegacyCall, scan_python
from .edits import Edit, FileFixes, Fix, Unfixable

__all__ = ["plan_python", "NEW_CALL"]

NEW_CALL = "legacy_stt.post_via_two_step"
_KEYWORDS = frozenset({"url", "json", "data", "files", "headers", "timeout"})
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# requests.post(url, data=None, json=None, **kwargs): the positional slots after the URL
_POSITIONAL = ("data", "json")


class _Positions:
    """Character offsets of (line, byte column) positions in ``text``."""

    def __init__(self, text: str) -> None:
        # Python's own line breaks only: str.splitlines() also breaks at \x0c, \x1c-\x1e, \x85
        # and \u2028, which may stand in strings and comments without ending a line for ast.
        self.lines = _LINES.findall(text)
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
    # `requests.Session().post(...)`: two calls start at one place; the scanner names its callee
    nodes = {
        (
            node.lineno,
            positions.char_column(node.lineno, node.col_offset),
            ast.unparse(node.func),
        ): node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    modules = _module_names(tree)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    for call in calls:
        node = nodes.get((call.line, call.column, call.function))
        if node is None:
            result.unfixable.append(_left(call, "the call could not be found again in the source"))
            continue
        if _in_async_use(node, parents):
            result.unfixable.append(
                _left(
                    call,
                    "it is awaited or used in `async with`: in async code use "
                    "legacy_stt.AsyncClient (submit, then result) or `legacy-stt serve`",
                )
            )
            continue
        sessions = _session_names(_scope_of(node, parents, tree), tree, modules)
        planned = _plan_call(call, node, positions, modules, sessions, target)
        if isinstance(planned, Unfixable):
            result.unfixable.append(planned)
        else:
            result.fixes.append(planned)
    if result.fixes and "legacy_stt" not in modules.get("legacy_stt", set()):
        edit = _import_edit(tree, text, positions)
        result.support_for = lambda chosen: [edit] if chosen else []
    return result


def _left(call: LegacyCall, reason: str) -> Unfixable:
    return Unfixable(call.line, call.column, call.function, reason)


def _plan_call(
    call: LegacyCall,
    node: ast.Call,
    positions: _Positions,
    modules: dict[str, set[str]],
    sessions: dict[str, str],
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
            kind = sessions.get(owner)
            if kind == "other":
                return _left(
                    call,
                    f"`{owner}` is an httpx or aiohttp client here: the rewritten call takes a "
                    "requests.Session",
                )
            if kind != "requests":
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
    url_keyword = next((k.value for k in node.keywords if k.arg == "url"), None)
    if any(isinstance(argument, ast.Starred) for argument in arguments) or (
        not arguments and url_keyword is None
    ):
        return _left(call, "the URL is not the first argument")
    if len(arguments) > 1 + len(_POSITIONAL):
        return _left(call, "it passes more positional arguments than requests.post takes")
    invalid = _invalid_payload(call)
    if invalid:
        return _left(
            call, f"the payload is not valid, so no job could run; fix it first: {invalid}"
        )
    edits.append(Edit(positions.start(func), positions.end(func), NEW_CALL))
    for name, argument in zip(_POSITIONAL, arguments[1:] if arguments else []):
        edits.append(Edit(positions.start(argument), positions.start(argument), f"{name}="))
    added = ""
    if session is not None:
        added += f", session={session}"
    if target is not None:
        added += f", target={target!r}"
    if added:
        url_end = positions.end(arguments[0] if arguments else url_keyword)  # type: ignore[arg-type]
        edits.append(Edit(url_end, url_end, added))
    return Fix(call.line, call.column, call.function, tuple(edits), safe, caveat)


def _invalid_payload(call: LegacyCall) -> str:
    """What is wrong with a payload written in the call (as check reports it), or ``""``."""
    if call.payload is None or "model" in call.unresolved_keys:
        return ""
    from ..payloads.validation import form_fields_as_read, inspect_payload

    payload = form_fields_as_read(call.payload) if call.payload_keyword == "data" else call.payload
    upload = call.has_upload or bool({"url", "audio"} & set(call.unresolved_keys))
    problems = inspect_payload(payload, upload_given=upload).problems
    return problems[0].message if problems else ""


def _module_names(tree: ast.Module) -> dict[str, set[str]]:
    """Local names of the modules (and of ``requests.post``) the module imports."""
    names: dict[str, set[str]] = {}
    top_level = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "legacy_stt" and id(node) not in top_level:
                    continue  # imported in a function: not there for a module-level call
                if alias.name in ("requests", "httpx", "aiohttp", "legacy_stt"):
                    names.setdefault(alias.name, set()).add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module == "requests" and node.level == 0:
            for alias in node.names:
                if alias.name == "post":
                    names.setdefault("requests.post", set()).add(alias.asname or alias.name)
    return names


def _in_async_use(node: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """``await session.post(...)`` or ``async with session.post(...)``: an async client's call."""
    parent = parents.get(node)
    if isinstance(parent, ast.Await):
        return True
    return isinstance(parent, ast.withitem) and isinstance(parents.get(parent), ast.AsyncWith)


def _scope_of(node: ast.AST, parents: dict[ast.AST, ast.AST], tree: ast.Module) -> ast.AST:
    """The function (or the module) whose code ``node`` is in."""
    current = parents.get(node)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return current
        current = parents.get(current)
    return tree


def _session_names(
    scope: ast.AST, tree: ast.Module, modules: dict[str, set[str]]
) -> dict[str, str]:
    """What names (and ``self.x``) are bound to in ``scope`` and at module level.

    ``requests`` for ``requests.Session()``; ``other`` for an httpx or aiohttp
    client (or a name bound to both kinds): the function's own bindings
    first, then the module's.
    """
    requests_names = modules.get("requests", set())
    other_names = modules.get("httpx", set()) | modules.get("aiohttp", set())

    def kind(value: ast.AST | None) -> str | None:
        if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
            return None
        owner = ast.unparse(value.func.value)
        if value.func.attr in ("Session", "session") and owner in requests_names:
            return "requests"
        if value.func.attr in ("Client", "AsyncClient", "ClientSession") and owner in other_names:
            return "other"
        return None

    def bindings(where: ast.AST, nested: bool) -> dict[str, str]:
        found: dict[str, str] = {}
        nodes = ast.walk(where) if nested else _own_nodes(where)
        for node in nodes:
            pairs: list[tuple[ast.AST, ast.AST | None]] = []
            if isinstance(node, ast.Assign):
                pairs = [(target, node.value) for target in node.targets]
            elif isinstance(node, ast.AnnAssign):
                pairs = [(node.target, node.value)]
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                pairs = [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars]
            for target, value in pairs:
                name, found_kind = ast.unparse(target), kind(value) or "other"
                # a name bound to two kinds of thing is not shown to be a Session
                found[name] = found_kind if found.get(name, found_kind) == found_kind else "other"
        return found

    module_level = bindings(tree, nested=False)
    own = bindings(scope, nested=True) if scope is not tree else {}
    # `self.x` set in any method of the module counts too
    attributes = {k: v for k, v in bindings(tree, nested=True).items() if k.startswith("self.")}
    return {**attributes, **module_level, **own}


def _own_nodes(tree: ast.AST) -> list[ast.AST]:
    """The module's statements and what is in them, but not inside functions or classes."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(getattr(tree, "body", []))
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))
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
        # before the first statement: a shebang, an encoding line and comments stay above it
        first = tree.body[0] if tree.body else None
        at = positions.starts[first.lineno - 1] if first is not None else len(text)
        return Edit(at, at, f"import legacy_stt{newline}")
    end = positions.end(after)
    line_end = text.find("\n", end)
    at = len(text) if line_end < 0 else line_end + 1
    prefix = "" if line_end >= 0 else newline
    return Edit(at, at, f"{prefix}import legacy_stt{newline}")
