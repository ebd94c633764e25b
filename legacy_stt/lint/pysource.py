"""Find calls to the legacy one-call endpoint in Python source, statically.

``scan_python`` parses source with :mod:`ast` -- nothing is imported or
executed -- and reports every HTTP POST whose URL resolves to the deprecated
``POST /v1/stt`` (or the unversioned ``/stt``) on the AI/ML API, together
with the payload when it is written as literals.

Resolution is deliberately simple and conservative: it follows constants,
f-strings, concatenation, ``%``/``str.format``, names bound by plain
assignment, environment look-ups with a literal default and class
attributes. Anything it cannot decide is left unresolved: an unresolved URL
means the call is not reported, an unresolved payload member is listed in
``LegacyCall.unresolved_keys``. There is no control-flow analysis; a name
assigned differently on different branches resolves only if every branch
gives the same value.
"""

from __future__ import annotations

import ast
import re
import string
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import urljoin, urlsplit

__all__ = [
    "SERVICE_HOSTS",
    "LEGACY_PATHS",
    "MAX_TOKENS",
    "LegacyCall",
    "SourceTooLarge",
    "is_legacy_url",
    "scan_python",
]

SERVICE_HOSTS: frozenset[str] = frozenset({"api.aimlapi.com"})
"""Hosts of the AI/ML API (compared case-insensitively, any port)."""

LEGACY_PATHS: frozenset[str] = frozenset({"/v1/stt", "/stt"})
"""Paths of the deprecated one-call endpoint (a trailing ``/`` is ignored)."""


@dataclass(frozen=True)
class LegacyCall:
    """One HTTP call in Python source that reaches the legacy endpoint.

    Lines and columns are 1-based; columns count characters, not bytes.
    ``positions`` maps JSON Pointers into ``payload`` to where they are
    written: ``""`` is the payload argument itself (the dict literal, the
    ``dict(...)`` call or the name passed as ``json=``/``data=``), members
    point at their key (or at the ``payload["k"] = ...`` statement or the
    ``update(k=...)`` keyword that set them), list items at the item.
    Members in ``unresolved_keys`` have a position but no value.
    ``upload_fields`` names the multipart fields of a literal ``files=``
    dict or list of pairs.
    """

    line: int
    column: int
    function: str
    url: str
    payload: dict[str, Any] | None = field(default=None, hash=False)
    payload_keyword: str | None = None
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict, hash=False)
    unresolved_keys: tuple[str, ...] = ()
    has_upload: bool = False
    #: Field names of a literal ``files=`` argument, with where each is written.
    upload_fields: tuple[tuple[str, tuple[int, int]], ...] = ()
    #: The call is in the code of an ``async def`` (see ``_in_async_def``): the fix must not block.
    in_async_def: bool = False
    #: The language of the source: ``python``, or ``javascript`` (TypeScript included).
    language: str = "python"
    #: For JavaScript: the client called (``fetch``, ``axios``, ``got``, ``ky``).
    client: str | None = None


def is_legacy_url(url: str) -> bool:
    """Whether ``url`` is the legacy endpoint: an AI/ML API host and the path ``/v1/stt`` or ``/stt``.

    The scheme must be http or https; the host is compared case-insensitively
    and any port is accepted. A query string, a trailing ``/`` and doubled
    slashes (``BASE + "/stt"`` with a base ending in ``/``) do not hide it.
    """
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError for a malformed port
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    if host.rstrip(".") not in SERVICE_HOSTS:
        return False
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    return path in LEGACY_PATHS


# ---------------------------------------------------------------------------
# Internals
# ---------------------------------------------------------------------------

_Pos = tuple[int, int]
# "After everything": a function body runs once the code around it has run.
_END: _Pos = (sys.maxsize, sys.maxsize)
_START: _Pos = (0, 0)

# Bounds that keep hostile or pathological source from costing memory or time.
_MAX_TEXT = 65536
_MAX_ITEMS = 10000
_MAX_DEPTH = 120

#: At most this many tokens of a source are parsed (once its big literals are set aside, see
#: ``_without_big_literals``): an ``ast`` tree costs up to about 1 KB per token, so a 9 MB
#: source of small tokens would take gigabytes. Hand-written modules stay far below it.
MAX_TOKENS = 150_000
#: Sources up to this many characters are parsed as they are: even at one token per
#: character their tree stays within about the same memory as MAX_TOKENS allows.
_SMALL_SOURCE = 128 * 1024
#: A display of literals with more tokens than this is set aside even within _MAX_ITEMS items.
_MAX_LITERAL_TOKENS = 50_000


class SourceTooLarge(ValueError):
    """A source with more tokens than ``MAX_TOKENS`` outside its big literals: it is not parsed."""

    def __init__(self, tokens: int, limit: int) -> None:
        self.tokens = tokens
        self.limit = limit
        super().__init__(f"more than {limit:,} tokens besides big literals ({tokens:,})")


_PREFIX = r"(?:[rRbBuU]|[rR][bB]|[bB][rR])?"
_GAP = r"[ \t\f\r\n]*"
# A signed number, or a one-line string without separators, signs or escapes (and not the
# start of a triple-quoted one). A run of these and their separators is one match, so a
# table of data costs few matches (and its commas can be counted). An exponent's sign ends
# a run; it is then picked up as an operator.
_ATOM = rf"""(?:[-+]?\d[\w.]*|{_PREFIX}(?:'(?!'')[^'\\\r\n,:+-]*'|"(?!"")[^"\\\r\n,:+-]*"))"""
# Just enough of Python's lexical grammar to find brackets and what is between them. A
# repeated group costs the regex engine memory for each repetition, so every such
# repetition is bounded; a long run is then several matches.
_LEXEME = re.compile(
    rf"""
    (?P<run>{_ATOM}(?:{_GAP}[,:]{_GAP}{_ATOM}){{0,1000}}{_GAP}[,:]?)
    | (?P<space>(?:[\ \t\f]+|\\(?:\r\n|\r|\n)|\#[^\r\n]*){{1,1000}})
    | (?P<newline>\r\n|\r|\n)
    | (?P<string>{_PREFIX}(?P<quote>'''|\"\"\"|'|"))
    | (?P<fstring>(?:[fF][rR]?|[rR][fF])(?P<fquote>'''|\"\"\"|'|"))
    | (?P<number>(?:\d|\.\d)[\w.]*(?:[eE][-+][\w.]*)?)
    | (?P<constant>(?:True|False|None)(?!\w))
    | (?P<open>[(\[{{])
    | (?P<close>[)\]}}])
    | (?P<comma>,)
    | (?P<operator>[:+-])
    | (?P<other>\w+|.)
    """,
    re.VERBOSE | re.DOTALL,
)
# The rest of a string after its opening quote, up to 1000 escapes (or lone quotes) at a time.
_STRING_BODIES = {
    quote: re.compile(body, re.DOTALL)
    for quote, body in (
        ("'", r"[^'\\\r\n]*(?:\\(?:\r\n|.)[^'\\\r\n]*){0,1000}"),
        ('"', r'[^"\\\r\n]*(?:\\(?:\r\n|.)[^"\\\r\n]*){0,1000}'),
        ("'''", r"[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*){0,1000}"),
        ('"""', r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*){0,1000}'),
    )
}
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_LITERAL_LEXEMES = frozenset({"string", "number", "constant", "comma", "operator"})


def _always(match: re.Match[str] | None) -> re.Match[str]:
    """A match of a pattern that cannot fail (it matches the empty string, or has a catch-all)."""
    assert match is not None
    return match


def _string_end(source: str, start: int, quote: str) -> int:
    """Where the string whose body starts at ``start`` ends (after its quote), or -1."""
    body = _STRING_BODIES[quote]
    while True:
        start = _always(body.match(source, start)).end()
        if source.startswith(quote, start):
            return start + len(quote)
        if start >= len(source) or source[start] not in "\\'\"":
            return -1  # a line break in a one-line string, or the end of the source
        # Stopped at an escape or a quote only because of the bound: go on.


class _Group:
    """A bracket pair being scanned."""

    __slots__ = ("closer", "items", "keep", "literal", "mark", "start", "tokens")

    def __init__(self, start: int, closer: str, mark: int, keep: bool) -> None:
        self.start = start
        self.closer = closer
        self.keep = keep  # in a `case` pattern, where `...` is no pattern
        self.literal = True  # nothing but literals, commas, colons, signs and brackets so far
        self.tokens = 0  # tokens inside, a set-aside display counting as one
        self.items = 1  # commas at this level, plus one
        self.mark = mark  # how many set-aside spans came before this group


def _without_big_literals(source: str, max_tokens: int) -> str:
    """``source`` with the insides of its big literal displays replaced by ``...``.

    Large Python files are nearly always data: tables of numbers or strings
    written as one huge list or dict. Such a display (nothing but literals;
    more than _MAX_ITEMS items, which the resolver gives up on anyway, or
    more than _MAX_LITERAL_TOKENS tokens) names nothing, so calls and the
    names they use are found just the same once it is gone. Lines and
    columns of everything else are kept: the line breaks stay, and the last
    line of a display keeps its length. Raises SourceTooLarge if what is
    left has more than ``max_tokens`` tokens.
    """
    stack: list[_Group] = []
    spans: list[tuple[int, int]] = []
    tokens = 0
    confused = False  # unbalanced brackets or quotes: it will not parse; set nothing more aside
    pattern = False  # on a line that starts (or may start) a `case` pattern
    position, size = 0, len(source)
    lexeme = _LEXEME.match
    while position < size:
        match = _always(lexeme(source, position))
        kind = match.lastgroup
        position = match.end()
        if kind == "space":
            continue
        if kind == "newline":
            if not stack:  # a statement ends; inside brackets a newline is nothing
                tokens += 1
                pattern = False
            continue
        if kind == "open":
            keep = stack[-1].keep if stack else pattern
            stack.append(_Group(match.start(), _CLOSERS[match.group()], len(spans), keep))
            continue
        if kind == "close":
            if not stack or stack[-1].closer != match.group():
                confused = True
                tokens += 1
                continue
            group = stack.pop()
            count = group.tokens + 2
            if (
                group.literal
                and not group.keep
                and not confused
                and (group.items > _MAX_ITEMS or group.tokens > _MAX_LITERAL_TOKENS)
            ):
                del spans[group.mark :]  # set aside with the whole display
                spans.append((group.start + 1, match.start()))
                count = 3
            if stack:
                parent = stack[-1]
                parent.tokens += count
                parent.literal = parent.literal and group.literal
            else:
                tokens += count
            continue
        if kind == "run":
            # Tokens: each atom, its sign and its separator (no separator hides in a run's strings).
            start, end = match.span()
            commas = source.count(",", start, end)
            count = 2 * (commas + source.count(":", start, end)) + 1
            count += source.count("-", start, end) + source.count("+", start, end)
            if stack:
                stack[-1].tokens += count
                stack[-1].items += commas
            else:
                newlines = source.count("\n", start, end) + source.count("\r", start, end)
                tokens += count + newlines
                pattern = pattern and not newlines
            continue
        if kind == "string" or kind == "fstring":
            end = _string_end(source, position, match.group("quote") or match.group("fquote"))
            if end < 0:
                confused = True  # not terminated: lex on after the quote
            else:
                position = end
        if stack:
            group = stack[-1]
            group.tokens += 1
            if kind == "comma":
                group.items += 1
            elif kind not in _LITERAL_LEXEMES:
                group.literal = False
        else:
            tokens += 1
            pattern = pattern or match.group() == "case"
    tokens += sum(group.tokens + 1 for group in stack)  # brackets never closed
    if tokens > max_tokens:
        raise SourceTooLarge(tokens, max_tokens)
    if not spans:
        return source
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces.append(source[done:start])
        pieces.append(_set_aside(source, start, end))
        done = end
    pieces.append(source[done:])
    return "".join(pieces)


def _set_aside(source: str, start: int, end: int) -> str:
    """``...`` for ``source[start:end]``, with its line breaks and the length of its last line."""
    crlf = source.count("\r\n", start, end)
    breaks = "\r\n" * crlf + "\n" * (source.count("\n", start, end) - crlf)
    breaks += "\r" * (source.count("\r", start, end) - crlf)
    last = max(source.rfind("\n", start, end), source.rfind("\r", start, end))
    if last < 0:
        return "..." + " " * max(end - start - 3, 0)
    return "..." + breaks + " " * (end - last - 1)


class _Unresolved:
    """Marker for a value that could not be worked out statically."""

    _instance: _Unresolved | None = None

    def __new__(cls) -> _Unresolved:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unresolved>"


_UNKNOWN: Any = _Unresolved()


class _Scope:
    """A namespace: the module, a class body, a function/lambda or a comprehension."""

    def __init__(
        self,
        kind: str,
        node: ast.AST,
        parent: _Scope | None,
        origin_chain: tuple[Any, ...] = (),
    ) -> None:
        self.kind = kind
        self.node = node
        self.parent = parent
        # Where the scope is defined inside its parent: the branches around the `def`.
        self.origin_chain = origin_chain
        self.bindings: dict[str, list[_Binding]] = {}
        self.mutations: dict[str, list[_Mutation]] = {}
        self.globals: set[str] = set()
        # Class bodies: `self.NAME = value` stores found in the class's methods.
        self.instance_attrs: dict[str, list[_Binding]] = {}
        # Methods: the name of the first parameter (`self`/`cls`) and the class.
        self.self_name: str | None = None
        self.owner_class: _Scope | None = None


@dataclass
class _Binding:
    """One way a name gets its value.

    ``kind`` is "value" (``value`` is the expression), "aug" (``name +=
    value``), "ior" (``name |= value``), "class" (a class statement;
    ``class_scope`` is its body) or "other" (parameters, loop targets,
    imports, ...: never resolved). ``chain`` lists the branches (if/else,
    loop bodies, except handlers, match cases) the binding sits in: a binding
    surely ran before a read when its chain is a prefix of the read's.
    """

    name: str
    pos: _Pos
    chain: tuple[Any, ...]
    scope: _Scope
    kind: str
    value: ast.expr | None = None
    start: _Pos = _START
    class_scope: _Scope | None = None


@dataclass
class _Mutation:
    """A change to a dict held in a name: ``d[k] = v``, ``d.update(...)``, ``del d[k]``, ..."""

    kind: str  # "set", "update", "delete", "setdefault", "clear"
    pos: _Pos  # for ordering: where the change has happened
    where: _Pos  # reported position of members it sets (statement start)
    scope: _Scope
    chain: tuple[Any, ...]
    key: ast.expr | None = None
    value: ast.expr | None = None
    args: Sequence[ast.expr] = ()
    keywords: Sequence[ast.keyword] = ()


@dataclass
class _CallSite:
    node: ast.Call
    scope: _Scope
    chain: tuple[Any, ...]


@dataclass
class _ClassRef:
    """The value of a name bound by a class statement (only its attributes are resolved)."""

    scope: _Scope


@dataclass
class _Lookup:
    bindings: list[_Binding]  # the deciding binding last; earlier ones must agree with it
    path: list[tuple[_Scope, _Pos]]  # scopes searched, innermost first, with the position used


@dataclass
class _Payload:
    values: dict[str, Any]
    positions: dict[str, _Pos]
    unresolved: list[str]

    def remove(self, key: str) -> None:
        self.values.pop(key, None)
        if key in self.unresolved:
            self.unresolved.remove(key)
        pointer = _pointer("", key)
        for name in [p for p in self.positions if p == pointer or p.startswith(pointer + "/")]:
            del self.positions[name]

    def merge(self, other: _Payload) -> None:
        for key in [*other.values, *other.unresolved]:
            self.remove(key)
        self.values.update(other.values)
        self.unresolved.extend(other.unresolved)
        self.positions.update((p, w) for p, w in other.positions.items() if p)

    def copy(self) -> _Payload:
        return _Payload(dict(self.values), dict(self.positions), list(self.unresolved))


def _pointer(prefix: str, key: str | int) -> str:
    token = str(key).replace("~", "~0").replace("/", "~1")
    return f"{prefix}/{token}"


def _is_prefix(chain: tuple[Any, ...], of: tuple[Any, ...]) -> bool:
    return of[: len(chain)] == chain


def _start(node: ast.AST) -> _Pos:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _end(node: ast.AST) -> _Pos:
    end_line = getattr(node, "end_lineno", None)
    end_col = getattr(node, "end_col_offset", None)
    if end_line is None or end_col is None:
        return _start(node)
    return (end_line, end_col)


def _same(a: Any, b: Any) -> bool:
    # repr tells True from 1 and 1.0 from 1, also inside lists and dicts.
    return a is b or (type(a) is type(b) and repr(a) == repr(b))


def _json_like(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, dict))


def _too_big(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) > _MAX_TEXT
    if isinstance(value, (list, dict)):
        return len(value) > _MAX_ITEMS
    return False


_SCALARS = (str, int, float, bool, type(None))

# A format spec with a width/precision of at most three digits: enough for real
# code, and `{:>999999999}` cannot make a huge string.
_SAFE_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?\d{0,3}[_,]?(?:\.\d{0,3})?[bcdeEfFgGnosxX%]?\Z", re.S
)
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?([-#0 +]*)(\d*|\*)?(?:\.(\d*|\*))?[hlL]?(.)", re.S)
_FIELD_NAME = re.compile(r"(?:\d+|[A-Za-z_]\w*)?\Z")

_STR_METHODS: dict[str, Callable[..., str]] = {
    "strip": str.strip,
    "lstrip": str.lstrip,
    "rstrip": str.rstrip,
    "lower": str.lower,
    "upper": str.upper,
    "removeprefix": str.removeprefix,
    "removesuffix": str.removesuffix,
}

_HTTP_MODULES = frozenset({"requests", "requests.api", "httpx"})
# aiohttp has no module-level `post`, but `aiohttp.request(method, url, ...)` is one.
_REQUEST_MODULES = _HTTP_MODULES | {"aiohttp"}
_JSON_MODULES = frozenset({"json", "simplejson", "ujson", "orjson"})


class _Collector:
    """Pass 1: scopes, bindings, dict mutations and candidate calls, in one walk."""

    def __init__(self, tree: ast.Module) -> None:
        self.module = _Scope("module", tree, None)
        self.calls: list[_CallSite] = []
        self.post_names: set[str] = set()
        self.request_names: set[str] = set()
        self.json_modules: set[str] = set()
        self.dumps_names: set[str] = set()
        self._body(tree.body, self.module, ())

    # -- bookkeeping --------------------------------------------------------

    @staticmethod
    def _branch(chain: tuple[Any, ...], node: ast.AST, part: str) -> tuple[Any, ...]:
        return (*chain, (id(node), part))

    def _bind(
        self,
        scope: _Scope,
        name: str,
        pos: _Pos,
        chain: tuple[Any, ...],
        kind: str,
        value: ast.expr | None = None,
        start: _Pos = _START,
        class_scope: _Scope | None = None,
    ) -> None:
        if scope.kind == "function" and name in scope.globals:
            # A function that rebinds a global makes the global undecidable.
            # Its chain is a branch of its own, so it never counts as "surely ran".
            scope = self.module
            kind, value, chain = "other", None, (("global", name, pos),)
        scope.bindings.setdefault(name, []).append(
            _Binding(name, pos, chain, scope, kind, value, start, class_scope)
        )

    def _mutate(self, scope: _Scope, name: str, mutation: _Mutation) -> None:
        scope.mutations.setdefault(name, []).append(mutation)

    # -- statements ---------------------------------------------------------

    def _body(self, body: Sequence[ast.stmt], scope: _Scope, chain: tuple[Any, ...]) -> None:
        for statement in body:
            self._statement(statement, scope, chain)

    def _statement(self, node: ast.stmt, scope: _Scope, chain: tuple[Any, ...]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(node, scope, chain)
        elif isinstance(node, ast.ClassDef):
            self._class(node, scope, chain)
        elif isinstance(node, ast.Assign):
            self._expr(node.value, scope, chain)
            for target in node.targets:
                self._target(target, node.value, node, scope, chain)
        elif isinstance(node, ast.AnnAssign):
            self._expr(node.annotation, scope, chain)
            if node.value is not None:
                self._expr(node.value, scope, chain)
                self._target(node.target, node.value, node, scope, chain)
            else:
                self._expr(node.target, scope, chain)
        elif isinstance(node, ast.AugAssign):
            self._augassign(node, scope, chain)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._expr(node.iter, scope, chain)
            body_chain = self._branch(chain, node, "body")
            self._target(node.target, None, node, scope, body_chain, pos=_end(node.iter))
            self._body(node.body, scope, body_chain)
            self._body(node.orelse, scope, self._branch(chain, node, "orelse"))
        elif isinstance(node, (ast.While, ast.If)):
            self._expr(node.test, scope, chain)
            self._body(node.body, scope, self._branch(chain, node, "body"))
            self._body(node.orelse, scope, self._branch(chain, node, "orelse"))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._expr(item.context_expr, scope, chain)
                if item.optional_vars is not None:
                    self._target(item.optional_vars, None, item.optional_vars, scope, chain)
            self._body(node.body, scope, chain)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node, scope, chain)
        elif isinstance(node, ast.Global):
            scope.globals.update(node.names)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    self._expr(target.slice, scope, chain)
                    self._mutate(
                        scope,
                        target.value.id,
                        _Mutation(
                            "delete", _end(node), _start(node), scope, chain, key=target.slice
                        ),
                    )
                else:
                    self._target(target, None, node, scope, chain)
        elif type(node).__name__ in ("Try", "TryStar"):
            self._try(node, scope, chain)
        elif type(node).__name__ == "Match":
            self._match(node, scope, chain)
        else:
            self._generic(node, scope, chain)

    def _generic(self, node: ast.AST, scope: _Scope, chain: tuple[Any, ...]) -> None:
        # Return, Raise, Expr, Assert, Nonlocal, TypeAlias and anything newer.
        if type(node).__name__ == "TypeAlias":
            name = getattr(node, "name", None)
            if isinstance(name, ast.Name):
                self._bind(scope, name.id, _end(node), chain, "other")
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self._statement(child, scope, chain)
            elif isinstance(child, ast.expr):
                self._expr(child, scope, chain)

    def _try(self, node: Any, scope: _Scope, chain: tuple[Any, ...]) -> None:
        self._body(node.body, scope, self._branch(chain, node, "body"))
        for handler in node.handlers:
            handler_chain = self._branch(chain, handler, "handler")
            if handler.type is not None:
                self._expr(handler.type, scope, chain)
            if handler.name:
                self._bind(scope, handler.name, _start(handler), handler_chain, "other")
            self._body(handler.body, scope, handler_chain)
        self._body(node.orelse, scope, self._branch(chain, node, "orelse"))
        # `finally` always runs: same chain as the try statement.
        self._body(node.finalbody, scope, chain)

    def _match(self, node: Any, scope: _Scope, chain: tuple[Any, ...]) -> None:
        self._expr(node.subject, scope, chain)
        for case in node.cases:
            case_chain = self._branch(chain, case, "case")
            for sub in ast.walk(case.pattern):
                for attr in ("name", "rest"):
                    captured = getattr(sub, attr, None)
                    if isinstance(captured, str):
                        self._bind(scope, captured, _start(case.pattern), case_chain, "other")
                if isinstance(sub, ast.expr):
                    self._expr(sub, scope, chain)
            if case.guard is not None:
                self._expr(case.guard, scope, case_chain)
            self._body(case.body, scope, case_chain)

    def _function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope, chain: tuple[Any, ...]
    ) -> None:
        # Decorators, defaults and annotations run in the enclosing scope.
        for expr in (*node.decorator_list, *node.args.defaults):
            self._expr(expr, scope, chain)
        for default in node.args.kw_defaults:
            if default is not None:
                self._expr(default, scope, chain)
        inner = _Scope("function", node, scope, chain)
        self._parameters(node.args, inner)
        if scope.kind == "class":
            positional = [*node.args.posonlyargs, *node.args.args]
            static = any(
                isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list
            )
            if positional and not static:
                inner.self_name = positional[0].arg
                inner.owner_class = scope
        inner.globals = _declared_globals(node.body)
        self._body(node.body, inner, ())
        self._bind(scope, node.name, _end(node), chain, "other")

    def _parameters(self, args: ast.arguments, scope: _Scope) -> None:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in every:
            self._bind(scope, arg.arg, _START, (), "other")

    def _class(self, node: ast.ClassDef, scope: _Scope, chain: tuple[Any, ...]) -> None:
        for expr in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
            self._expr(expr, scope, chain)
        inner = _Scope("class", node, scope, chain)
        self._body(node.body, inner, ())
        self._bind(scope, node.name, _end(node), chain, "class", class_scope=inner)

    def _import(
        self, node: ast.Import | ast.ImportFrom, scope: _Scope, chain: tuple[Any, ...]
    ) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            if local == "*":
                continue
            self._bind(scope, local, _end(node), chain, "other")
            if isinstance(node, ast.Import):
                if alias.name in _JSON_MODULES:
                    self.json_modules.add(local)
            elif node.level == 0 and node.module in _HTTP_MODULES:
                if alias.name == "post":
                    self.post_names.add(local)
                elif alias.name in ("request", "Request"):
                    self.request_names.add(local)
            elif node.level == 0 and node.module in _REQUEST_MODULES and alias.name == "request":
                self.request_names.add(local)
            elif node.level == 0 and node.module in _JSON_MODULES and alias.name == "dumps":
                self.dumps_names.add(local)

    def _augassign(self, node: ast.AugAssign, scope: _Scope, chain: tuple[Any, ...]) -> None:
        self._expr(node.value, scope, chain)
        target = node.target
        if isinstance(target, ast.Name):
            # `url += "/stt"` and `payload |= {...}` build on the previous value.
            kind = {ast.Add: "aug", ast.BitOr: "ior"}.get(type(node.op), "other")
            self._bind(scope, target.id, _end(node), chain, kind, node.value, start=_start(node))
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            # `payload["k"] += x`: the member is still there, its value is not known.
            self._expr(target.slice, scope, chain)
            unknown = ast.copy_location(ast.Name(id="<augmented>", ctx=ast.Load()), node)
            self._mutate(
                scope,
                target.value.id,
                _Mutation(
                    "set", _end(node), _start(node), scope, chain, key=target.slice, value=unknown
                ),
            )
        else:
            self._expr(target, scope, chain)

    def _target(
        self,
        target: ast.expr,
        value: ast.expr | None,
        statement: ast.AST,
        scope: _Scope,
        chain: tuple[Any, ...],
        pos: _Pos | None = None,
    ) -> None:
        pos = pos or _end(statement)
        if isinstance(target, ast.Name):
            kind = "value" if value is not None else "other"
            self._bind(scope, target.id, pos, chain, kind, value, start=_start(statement))
        elif isinstance(target, (ast.Tuple, ast.List)):
            pairs: list[tuple[ast.expr, ast.expr | None]]
            if (
                isinstance(value, (ast.Tuple, ast.List))
                and len(value.elts) == len(target.elts)
                and not any(isinstance(e, ast.Starred) for e in (*value.elts, *target.elts))
            ):
                pairs = list(zip(target.elts, value.elts))
            else:
                pairs = [(element, None) for element in target.elts]
            for element, element_value in pairs:
                self._target(element, element_value, statement, scope, chain, pos)
        elif isinstance(target, ast.Starred):
            self._target(target.value, None, statement, scope, chain, pos)
        elif isinstance(target, ast.Attribute):
            self._expr(target.value, scope, chain)
            method = _enclosing_function(scope)
            if (
                method is not None
                and method.owner_class is not None
                and isinstance(target.value, ast.Name)
                and target.value.id == method.self_name
            ):
                method.owner_class.instance_attrs.setdefault(target.attr, []).append(
                    _Binding(
                        target.attr,
                        pos,
                        chain,
                        scope,
                        "value" if value is not None else "other",
                        value,
                        _start(statement),
                    )
                )
        elif isinstance(target, ast.Subscript):
            self._expr(target.value, scope, chain)
            self._expr(target.slice, scope, chain)
            if isinstance(target.value, ast.Name):
                unknown = value or ast.copy_location(
                    ast.Name(id="<unpacked>", ctx=ast.Load()), target
                )
                self._mutate(
                    scope,
                    target.value.id,
                    _Mutation(
                        "set", pos, _start(statement), scope, chain, key=target.slice, value=unknown
                    ),
                )

    # -- expressions (iterative: long `a + b + ...` chains are deep trees) ---

    def _expr(self, root: ast.expr, scope: _Scope, chain: tuple[Any, ...]) -> None:
        stack: list[tuple[ast.AST, _Scope]] = [(root, scope)]
        while stack:
            node, current = stack.pop()
            if isinstance(node, ast.Lambda):
                for default in (*node.args.defaults, *node.args.kw_defaults):
                    if default is not None:
                        stack.append((default, current))
                inner = _Scope("function", node, current, chain)
                self._parameters(node.args, inner)
                stack.append((node.body, inner))
                continue
            if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                inner = _Scope("comprehension", node, current, chain)
                for generator in node.generators:
                    for name in _target_names(generator.target):
                        self._bind(inner, name, _START, chain, "other")
                stack.extend((child, inner) for child in ast.iter_child_nodes(node))
                continue
            if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                # The walrus binds in the nearest scope that is not a comprehension.
                owner = current
                while owner.kind == "comprehension" and owner.parent is not None:
                    owner = owner.parent
                self._bind(
                    owner, node.target.id, _end(node), chain, "value", node.value, _start(node)
                )
            elif isinstance(node, ast.Call):
                self.calls.append(_CallSite(node, current, chain))
                self._call_mutation(node, current, chain)
            stack.extend((child, current) for child in ast.iter_child_nodes(node))

    def _call_mutation(self, node: ast.Call, scope: _Scope, chain: tuple[Any, ...]) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        name, method = func.value.id, func.attr
        pos, where = _end(node), _start(node)
        if method == "update":
            self._mutate(
                scope,
                name,
                _Mutation(
                    "update", pos, where, scope, chain, args=node.args, keywords=node.keywords
                ),
            )
        elif method == "pop" and node.args:
            self._mutate(
                scope, name, _Mutation("delete", pos, where, scope, chain, key=node.args[0])
            )
        elif method == "setdefault" and node.args:
            default = (
                node.args[1] if len(node.args) > 1 else ast.copy_location(ast.Constant(None), node)
            )
            self._mutate(
                scope,
                name,
                _Mutation("setdefault", pos, where, scope, chain, key=node.args[0], value=default),
            )
        elif method == "clear" and not node.args:
            self._mutate(scope, name, _Mutation("clear", pos, where, scope, chain))


def _declared_globals(body: Sequence[ast.stmt]) -> set[str]:
    """Names a function declares ``global``, not looking into nested functions or classes."""
    found: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Global):
            found.update(node.names)
        elif isinstance(node, ast.stmt) and not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        ):
            stack.extend(c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt))
    return found


def _target_names(target: ast.AST) -> Iterator[str]:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node.id


def _in_async_def(scope: _Scope | None) -> bool:
    """Whether code in ``scope`` runs as part of an ``async def``.

    Comprehensions, lambdas and class bodies belong to the function around
    them: a lambda cannot be made a coroutine, so the fix is awaited in the
    ``async def`` that holds it. A plain ``def`` nested in an ``async def`` is
    synchronous code of its own (a thread's target, a sync callback).
    """
    while scope is not None:
        if isinstance(scope.node, ast.AsyncFunctionDef):
            return True
        if isinstance(scope.node, ast.FunctionDef):
            return False
        scope = scope.parent
    return False


def _enclosing_function(scope: _Scope | None) -> _Scope | None:
    while scope is not None and scope.kind == "comprehension":
        scope = scope.parent
    return scope if scope is not None and scope.kind == "function" else None


@dataclass
class _Ctx:
    scope: _Scope
    chain: tuple[Any, ...]


class _Resolver:
    """Pass 2: static values of expressions, and payloads with their positions."""

    def __init__(self, collector: _Collector, lines: list[str]) -> None:
        self.collector = collector
        self.lines = lines
        self.depth = 0
        self.values: dict[int, Any] = {}
        self.in_progress: set[int] = set()

    # -- positions ----------------------------------------------------------

    def position(self, node: ast.AST) -> tuple[int, int]:
        """1-based (line, column) of ``node``, the column in characters (ast counts UTF-8 bytes)."""
        line, offset = _start(node)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if not text.isascii():
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "replace"))
        return (line, offset + 1)

    def at(self, pos: _Pos) -> tuple[int, int]:
        return self.position(_marker(pos))

    # -- names --------------------------------------------------------------

    def lookup(self, name: str, node: ast.AST, ctx: _Ctx) -> _Lookup | None:
        """The bindings that decide ``name`` where ``node`` reads it; None if it is not bound."""
        scope: _Scope | None = ctx.scope
        pos, chain = _start(node), ctx.chain
        path: list[tuple[_Scope, _Pos]] = []
        first = True
        while scope is not None:
            if scope.kind == "function" and name in scope.globals:
                path.append((scope, pos))
                scope, pos, chain = self.collector.module, _END, ()
                continue
            # Methods do not see their class body's names (Python's rule).
            searched = first or scope.kind != "class"
            every = scope.bindings.get(name, []) if searched else []
            if searched:
                path.append((scope, pos))
            if every:
                before = [b for b in every if b.pos <= pos]
                if before:
                    return _Lookup(_deciding(sorted(before, key=lambda b: b.pos), chain), path)
                if scope.kind in ("function", "module"):
                    return _Lookup([], path)  # read before assignment: nothing to resolve
            if scope.kind == "function":
                pos = _END  # the function runs after its surroundings are set up
            if scope.kind in ("function", "class"):
                chain = scope.origin_chain
            first = False
            scope = scope.parent
        return None

    def binding_value(self, binding: _Binding) -> Any:
        key = id(binding)
        if key in self.values:
            return self.values[key]
        if key in self.in_progress:
            return _UNKNOWN
        self.in_progress.add(key)
        try:
            ctx = _Ctx(binding.scope, binding.chain)
            value: Any = _UNKNOWN
            if binding.kind == "value" and binding.value is not None:
                value = self.value(binding.value, ctx)
            elif binding.kind in ("aug", "ior") and binding.value is not None:
                before = self.name_value(binding.name, _marker(binding.start), ctx)
                after = self.value(binding.value, ctx)
                if binding.kind == "aug":
                    value = _add(before, after)
                elif isinstance(before, dict) and isinstance(after, dict):
                    value = {**before, **after}
            elif binding.kind == "class" and binding.class_scope is not None:
                value = _ClassRef(binding.class_scope)
        finally:
            self.in_progress.discard(key)
        self.values[key] = value
        return value

    def name_value(self, name: str, node: ast.AST, ctx: _Ctx) -> Any:
        found = self.lookup(name, node, ctx)
        if found is None or not found.bindings:
            return _UNKNOWN
        return self.agreed([self.binding_value(b) for b in found.bindings])

    @staticmethod
    def agreed(values: list[Any]) -> Any:
        if not values or any(v is _UNKNOWN for v in values):
            return _UNKNOWN
        if all(_same(v, values[-1]) for v in values):
            return values[-1]
        return _UNKNOWN

    def attribute_value(self, node: ast.Attribute, ctx: _Ctx) -> Any:
        owner: _Scope | None = None
        instance = False
        method = _enclosing_function(ctx.scope)
        if (
            isinstance(node.value, ast.Name)
            and method is not None
            and method.owner_class is not None
            and node.value.id == method.self_name
            and len(method.bindings.get(node.value.id, [])) == 1  # `self` is not rebound
        ):
            owner, instance = method.owner_class, True
        else:
            target = self.value(node.value, ctx)
            if isinstance(target, _ClassRef):
                owner = target.scope
        if owner is None:
            return _UNKNOWN
        candidates = sorted(owner.bindings.get(node.attr, []), key=lambda b: b.pos)
        stores = owner.instance_attrs.get(node.attr, []) if instance else []
        if not candidates and not stores:
            return _UNKNOWN
        chosen = _deciding(candidates, ()) if candidates else []
        # Stores in methods happen in an unknown order: all of them must agree.
        return self.agreed([self.binding_value(b) for b in (*chosen, *stores)])

    # -- values -------------------------------------------------------------

    def value(self, node: ast.AST, ctx: _Ctx) -> Any:
        """The static value of ``node``, or _UNKNOWN."""
        if self.depth > _MAX_DEPTH:
            return _UNKNOWN
        self.depth += 1
        try:
            result = self._value(node, ctx)
        finally:
            self.depth -= 1
        if result is not _UNKNOWN and _too_big(result):
            return _UNKNOWN
        return result

    def _value(self, node: ast.AST, ctx: _Ctx) -> Any:
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, _SCALARS) else _UNKNOWN
        if isinstance(node, ast.Name):
            return self.name_value(node.id, node, ctx)
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, ctx)
        if isinstance(node, ast.BinOp):
            return self._binop(node, ctx)
        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand, ctx)
            if isinstance(operand, (int, float)) and not isinstance(operand, bool):
                if isinstance(node.op, ast.USub):
                    return -operand
                if isinstance(node.op, ast.UAdd):
                    return operand
            return _UNKNOWN
        if isinstance(node, (ast.List, ast.Tuple)):
            return self._sequence(node.elts, ctx)
        if isinstance(node, ast.Dict):
            return self._dict(node, ctx)
        if isinstance(node, ast.Attribute):
            return self.attribute_value(node, ctx)
        if isinstance(node, ast.Call):
            return self._call(node, ctx)
        if isinstance(node, ast.BoolOp):
            return self._boolop(node, ctx)
        if isinstance(node, ast.IfExp):
            # No branch is chosen: both must give the same value.
            return self.agreed([self.value(node.body, ctx), self.value(node.orelse, ctx)])
        if isinstance(node, ast.NamedExpr):
            return self.value(node.value, ctx)
        if isinstance(node, ast.Subscript):
            container = self.value(node.value, ctx)
            key = self.value(node.slice, ctx)
            try:
                if isinstance(container, dict) and isinstance(key, str):
                    return container[key]
                if isinstance(container, list) and type(key) is int:
                    return container[key]
            except (KeyError, IndexError):
                pass
        return _UNKNOWN

    def _sequence(self, elements: Sequence[ast.expr], ctx: _Ctx) -> Any:
        items: list[Any] = []
        for element in elements:
            if isinstance(element, ast.Starred):
                inner = self.value(element.value, ctx)
                if not isinstance(inner, list):
                    return _UNKNOWN
                items.extend(inner)
                continue
            item = self.value(element, ctx)
            if item is _UNKNOWN or not _json_like(item):
                return _UNKNOWN
            items.append(item)
        return items

    def _dict(self, node: ast.Dict, ctx: _Ctx) -> Any:
        result: dict[str, Any] = {}
        for key_node, value_node in zip(node.keys, node.values):
            if key_node is None:
                spread = self.value(value_node, ctx)
                if not isinstance(spread, dict):
                    return _UNKNOWN
                result.update(spread)
                continue
            key = self.value(key_node, ctx)
            value = self.value(value_node, ctx)
            if not isinstance(key, str) or value is _UNKNOWN or not _json_like(value):
                return _UNKNOWN
            result[key] = value
        return result

    def _fstring(self, node: ast.JoinedStr, ctx: _Ctx) -> Any:
        parts: list[str] = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
                continue
            if not isinstance(part, ast.FormattedValue):
                return _UNKNOWN
            value = self.value(part.value, ctx)
            if not isinstance(value, _SCALARS):
                return _UNKNOWN
            if part.conversion == ord("r"):
                value = repr(value)
            elif part.conversion == ord("a"):
                value = ascii(value)
            elif part.conversion == ord("s"):
                value = str(value)
            spec = ""
            if part.format_spec is not None:
                spec = self.value(part.format_spec, ctx)
                if not isinstance(spec, str) or not _SAFE_SPEC.match(spec):
                    return _UNKNOWN
            try:
                parts.append(format(value, spec))
            except (ValueError, TypeError):
                return _UNKNOWN
        return "".join(parts)

    def _binop(self, node: ast.BinOp, ctx: _Ctx) -> Any:
        left = self.value(node.left, ctx)
        if left is _UNKNOWN:
            return _UNKNOWN
        right = self.value(node.right, ctx)
        if isinstance(node.op, ast.Add):
            return _add(left, right)
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            return _percent_format(left, right)
        if isinstance(node.op, ast.BitOr) and isinstance(left, dict) and isinstance(right, dict):
            return {**left, **right}
        return _UNKNOWN

    def _boolop(self, node: ast.BoolOp, ctx: _Ctx) -> Any:
        if not isinstance(node.op, ast.Or):
            return _UNKNOWN
        last = len(node.values) - 1
        for index, operand in enumerate(node.values):
            env = _env_lookup(operand)
            if env is not None and env.default is None:
                # `os.getenv("X") or DEFAULT`: the default is what the code expects.
                if index == last:
                    return _UNKNOWN
                continue
            value = self.value(operand, ctx)
            if value is _UNKNOWN or value or index == last:
                return value
        return _UNKNOWN

    def _call(self, node: ast.Call, ctx: _Ctx) -> Any:
        env = _env_lookup(node)
        if env is not None:
            return _UNKNOWN if env.default is None else self.value(env.default, ctx)
        func = node.func
        spread = any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        )
        if spread and not _is_name(func, "dict"):
            return _UNKNOWN
        if isinstance(func, ast.Name):
            if func.id == "dict":
                return self._dict_call(node, ctx)
            if func.id == "str" and len(node.args) == 1 and not node.keywords:
                value = self.value(node.args[0], ctx)
                return str(value) if isinstance(value, _SCALARS) else _UNKNOWN
            if func.id == "urljoin":
                return self._urljoin(node, ctx)
            return _UNKNOWN
        if not isinstance(func, ast.Attribute):
            return _UNKNOWN
        if func.attr == "urljoin":
            return self._urljoin(node, ctx)
        receiver = self.value(func.value, ctx)
        if receiver is _UNKNOWN:
            return _UNKNOWN
        if func.attr == "copy" and not node.args and not node.keywords:
            return _copy(receiver)
        if not isinstance(receiver, str):
            return _UNKNOWN
        if func.attr == "format":
            args = [self.value(a, ctx) for a in node.args]
            kwargs = {k.arg: self.value(k.value, ctx) for k in node.keywords if k.arg}
            return _str_format(receiver, args, kwargs)
        if func.attr == "join" and len(node.args) == 1 and not node.keywords:
            items = self.value(node.args[0], ctx)
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                return _UNKNOWN
            if sum(map(len, items)) + len(receiver) * len(items) > _MAX_TEXT:
                return _UNKNOWN
            return receiver.join(items)
        method = _STR_METHODS.get(func.attr)
        if method is not None and not node.keywords and len(node.args) <= 1:
            args = [self.value(a, ctx) for a in node.args]
            if not all(isinstance(a, str) for a in args):
                return _UNKNOWN
            try:
                return method(receiver, *args)
            except (TypeError, ValueError):
                return _UNKNOWN
        return _UNKNOWN

    def _urljoin(self, node: ast.Call, ctx: _Ctx) -> Any:
        if len(node.args) != 2 or node.keywords:
            return _UNKNOWN
        base, relative = (self.value(a, ctx) for a in node.args)
        if isinstance(base, str) and isinstance(relative, str):
            return urljoin(base, relative)
        return _UNKNOWN

    def _dict_call(self, node: ast.Call, ctx: _Ctx) -> Any:
        result: dict[str, Any] = {}
        if len(node.args) > 1:
            return _UNKNOWN
        for arg in node.args:
            value = _UNKNOWN if isinstance(arg, ast.Starred) else self.value(arg, ctx)
            if not isinstance(value, dict):
                return _UNKNOWN
            result.update(value)
        for keyword in node.keywords:
            value = self.value(keyword.value, ctx)
            if value is _UNKNOWN or not _json_like(value):
                return _UNKNOWN
            if keyword.arg is None:
                if not isinstance(value, dict):
                    return _UNKNOWN
                result.update(value)
            else:
                result[keyword.arg] = value
        return result

    # -- payloads -----------------------------------------------------------

    def payload(self, node: ast.AST, ctx: _Ctx) -> _Payload | None:
        """The dict that ``node`` evaluates to, member by member, or None if it is not a known dict."""
        if self.depth > _MAX_DEPTH:
            return None
        self.depth += 1
        try:
            return self._payload(node, ctx)
        finally:
            self.depth -= 1

    def _payload(self, node: ast.AST, ctx: _Ctx) -> _Payload | None:
        if isinstance(node, ast.Dict):
            result = _Payload({}, {}, [])
            for key_node, value_node in zip(node.keys, node.values):
                if key_node is None:
                    self._spread(result, value_node, ctx)
                    continue
                key = self.value(key_node, ctx)
                if isinstance(key, str):
                    self._member(result, key, self.position(key_node), value_node, ctx)
            return result
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "dict":
                result = _Payload({}, {}, [])
                if len(node.args) > 1 or any(isinstance(a, ast.Starred) for a in node.args):
                    return None
                for arg in node.args:
                    base = self.payload(arg, ctx)
                    if base is None:
                        return None
                    result.merge(base)
                self._keywords(result, node.keywords, ctx)
                return result
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "copy"
                and not node.args
                and not node.keywords
            ):
                return self.payload(func.value, ctx)
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left = self.payload(node.left, ctx)
            right = self.payload(node.right, ctx)
            if left is None or right is None:
                return None
            left = left.copy()
            left.merge(right)
            return left
        if isinstance(node, ast.NamedExpr):
            return self.payload(node.value, ctx)
        if isinstance(node, ast.Name):
            return self._name_payload(node, ctx)
        # Anything else: a dict value from elsewhere (a class attribute, `CONFIG["x"]`, ...).
        value = self.value(node, ctx)
        if not isinstance(value, dict):
            return None
        where = self.position(node)
        return _Payload(dict(value), {_pointer("", k): where for k in value}, [])

    def _member(
        self, result: _Payload, key: str, where: tuple[int, int], node: ast.AST, ctx: _Ctx
    ) -> None:
        result.remove(key)
        pointer = _pointer("", key)
        result.positions[pointer] = where
        value = self.value(node, ctx)
        if value is _UNKNOWN or not _json_like(value):
            result.unresolved.append(key)
            return
        result.values[key] = value
        self._nested_positions(node, pointer, result.positions, ctx)

    def _nested_positions(
        self, node: ast.AST, prefix: str, positions: dict[str, _Pos], ctx: _Ctx
    ) -> None:
        # Only literals written in place have positions of their own.
        if isinstance(node, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return
            for index, item in enumerate(node.elts):
                pointer = _pointer(prefix, index)
                positions[pointer] = self.position(item)
                self._nested_positions(item, pointer, positions, ctx)
        elif isinstance(node, ast.Dict):
            for key_node, value_node in zip(node.keys, node.values):
                if key_node is None:
                    continue
                key = self.value(key_node, ctx)
                if isinstance(key, str):
                    pointer = _pointer(prefix, key)
                    positions[pointer] = self.position(key_node)
                    self._nested_positions(value_node, pointer, positions, ctx)

    def _spread(self, result: _Payload, node: ast.AST, ctx: _Ctx) -> None:
        spread = self.payload(node, ctx)
        if spread is not None:  # an unknown `**spread` is left out
            result.merge(spread)

    def _keywords(self, result: _Payload, keywords: Sequence[ast.keyword], ctx: _Ctx) -> None:
        for keyword in keywords:
            if keyword.arg is None:
                self._spread(result, keyword.value, ctx)
            else:
                self._member(result, keyword.arg, self.position(keyword), keyword.value, ctx)

    def _name_payload(self, node: ast.Name, ctx: _Ctx) -> _Payload | None:
        found = self.lookup(node.id, node, ctx)
        if found is None or not found.bindings:
            return None
        candidates: list[_Payload] = []
        for binding in found.bindings:
            if binding.value is None or id(binding) in self.in_progress:
                return None
            self.in_progress.add(id(binding))
            try:
                base = self._binding_payload(binding)
            finally:
                self.in_progress.discard(id(binding))
            if base is None:
                return None
            candidates.append(base)
        if not all(
            _same(c.values, candidates[-1].values) and c.unresolved == candidates[-1].unresolved
            for c in candidates
        ):
            return None
        result = candidates[-1].copy()
        deciding = found.bindings[-1]
        # Changes after the binding: in its own scope, then in the scopes between it and the read.
        for scope, pos in reversed(found.path):
            after = deciding.pos if scope is deciding.scope else _START
            for mutation in sorted(scope.mutations.get(node.id, []), key=lambda m: m.pos):
                if after < mutation.pos <= pos:
                    self._apply(result, mutation)
        return result

    def _binding_payload(self, binding: _Binding) -> _Payload | None:
        assert binding.value is not None
        ctx = _Ctx(binding.scope, binding.chain)
        if binding.kind == "value":
            return self.payload(binding.value, ctx)
        if binding.kind == "ior":  # `payload |= {...}`: the payload so far, updated
            before = self.payload(_marker(binding.start, binding.name), ctx)
            update = self.payload(binding.value, ctx)
            if before is None or update is None:
                return None
            before.merge(update)
            return before
        return None

    def _apply(self, result: _Payload, mutation: _Mutation) -> None:
        ctx = _Ctx(mutation.scope, mutation.chain)
        if mutation.kind == "clear":
            result.values.clear()
            result.unresolved.clear()
            result.positions.clear()
            return
        if mutation.kind == "update":
            if len(mutation.args) > 1 or any(isinstance(a, ast.Starred) for a in mutation.args):
                return
            for arg in mutation.args:
                self._spread(result, arg, ctx)
            self._keywords(result, mutation.keywords, ctx)
            return
        key = self.value(mutation.key, ctx) if mutation.key is not None else _UNKNOWN
        if not isinstance(key, str):
            return  # a member whose name is not known cannot be tracked
        if mutation.kind == "delete":
            result.remove(key)
            return
        present = key in result.values or key in result.unresolved
        if mutation.value is not None and (mutation.kind == "set" or not present):
            self._member(result, key, self.at(mutation.where), mutation.value, ctx)


def _marker(pos: _Pos, name: str | None = None) -> ast.expr:
    """A synthetic node at ``pos``: a read of ``name`` there, or just a position."""
    node = ast.Name(id=name or "<position>", ctx=ast.Load())
    node.lineno, node.col_offset = pos
    return node


def _deciding(before: list[_Binding], chain: tuple[Any, ...]) -> list[_Binding]:
    """The last binding before a read, plus earlier ones it may not have replaced.

    A binding inside a branch that does not also contain the read might not
    have run, so the bindings before it count too, back to one that surely ran.
    """
    chosen: list[_Binding] = []
    for binding in reversed(before):
        chosen.append(binding)
        if _is_prefix(binding.chain, chain):
            break
    chosen.reverse()
    return chosen


def _add(left: Any, right: Any) -> Any:
    if left is _UNKNOWN or right is _UNKNOWN:
        return _UNKNOWN
    if isinstance(left, str) and isinstance(right, str):
        return left + right if len(left) + len(right) <= _MAX_TEXT else _UNKNOWN
    if isinstance(left, list) and isinstance(right, list):
        return left + right if len(left) + len(right) <= _MAX_ITEMS else _UNKNOWN
    numbers = (int, float)
    if isinstance(left, numbers) and isinstance(right, numbers):
        if isinstance(left, bool) or isinstance(right, bool):
            return _UNKNOWN
        return left + right
    return _UNKNOWN


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return _UNKNOWN


def _percent_format(template: str, args: Any) -> Any:
    if args is _UNKNOWN:
        return _UNKNOWN
    for match in _PERCENT_SPEC.finditer(template):
        width, precision = match.group(2) or "", match.group(3) or ""
        if "*" in (width, precision) or len(width) > 3 or len(precision) > 3:
            return _UNKNOWN
    if isinstance(args, list):
        args = tuple(args)
    values = args if isinstance(args, tuple) else (args,)
    if not all(isinstance(v, _SCALARS) for v in values) and not isinstance(args, dict):
        return _UNKNOWN
    try:
        result = template % args
    except (TypeError, ValueError, KeyError, OverflowError):
        return _UNKNOWN
    return result if len(result) <= _MAX_TEXT else _UNKNOWN


def _str_format(template: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    values = [*args, *kwargs.values()]
    if any(v is _UNKNOWN or not isinstance(v, _SCALARS) for v in values):
        return _UNKNOWN
    try:
        for _, name, spec, _conversion in string.Formatter().parse(template):
            if name is None:
                continue
            if not _FIELD_NAME.match(name) or (spec and not _SAFE_SPEC.match(spec)):
                return _UNKNOWN  # `{0.attr}`, `{0[1]}`, nested or huge specs
        result = template.format(*args, **kwargs)
    except (ValueError, IndexError, KeyError, TypeError):
        return _UNKNOWN
    return result if len(result) <= _MAX_TEXT else _UNKNOWN


@dataclass
class _EnvLookup:
    default: ast.expr | None


def _env_lookup(node: ast.AST) -> _EnvLookup | None:
    """``os.environ.get``/``os.getenv``/``os.environ.setdefault``/``os.environ[...]``, with the default given."""
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        return _EnvLookup(None)
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    is_env = (
        isinstance(func, ast.Attribute)
        and func.attr in ("get", "setdefault")
        and _is_environ(func.value)
    ) or (
        (isinstance(func, ast.Attribute) and func.attr == "getenv" and _is_name(func.value, "os"))
        or _is_name(func, "getenv")
    )
    if not is_env:
        return None
    default: ast.expr | None = node.args[1] if len(node.args) > 1 else None
    for keyword in node.keywords:
        if keyword.arg in ("default", "value"):
            default = keyword.value
    if isinstance(default, ast.Constant) and default.value is None:
        default = None
    return _EnvLookup(default)


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_environ(node: ast.AST) -> bool:
    return _is_name(node, "environ") or (
        isinstance(node, ast.Attribute) and node.attr == "environ" and _is_name(node.value, "os")
    )


_Arg = Optional[ast.expr]


def _keyword(call: ast.Call, keyword: str) -> _Arg:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return None


def _argument(call: ast.Call, index: int, keyword: str) -> _Arg:
    """The argument at ``index`` or passed as ``keyword=``; None if absent or hidden by ``*args``."""
    for position, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            break
        if position == index:
            return arg
    return _keyword(call, keyword)


def _callee_text(func: ast.expr) -> str:
    try:
        return ast.unparse(func)
    except (RecursionError, ValueError):  # pathological nesting; still name the call
        return getattr(func, "attr", None) or getattr(func, "id", None) or "<call>"


class _Scanner:
    def __init__(self, tree: ast.Module, source: str) -> None:
        self.collector = _Collector(tree)
        self.resolver = _Resolver(self.collector, re.split(r"\r\n|\r|\n", source))

    def calls(self) -> list[LegacyCall]:
        found: list[LegacyCall] = []
        for site in self.collector.calls:
            try:
                call = self._legacy_call(site)
            except RecursionError:  # a pathological expression: skip the call, not the file
                continue
            if call is not None:
                found.append(call)
        found.sort(key=lambda c: (c.line, c.column))
        return found

    def _http_arguments(self, call: ast.Call, ctx: _Ctx) -> tuple[_Arg, bool] | None:
        """The URL argument of a POST, and whether data/json may follow it positionally."""
        func = call.func
        kind: str | None = None
        if isinstance(func, ast.Attribute):  # any object's .post(): sessions, clients, modules
            kind = {"post": "post", "request": "request", "Request": "request"}.get(func.attr)
        elif isinstance(func, ast.Name) and func.id in self.collector.post_names:
            kind = "post"
        elif isinstance(func, ast.Name) and func.id in self.collector.request_names:
            kind = "request"
        if kind == "post":  # post(url, data=None, json=None, **kwargs)
            return _argument(call, 0, "url"), True
        if kind == "request":  # request(method, url, **kwargs)
            method_node = _argument(call, 0, "method")
            method = self.resolver.value(method_node, ctx) if method_node is not None else None
            if isinstance(method, str) and method.upper() == "POST":
                return _argument(call, 1, "url"), False
        return None

    def _legacy_call(self, site: _CallSite) -> LegacyCall | None:
        call, resolver = site.node, self.resolver
        ctx = _Ctx(site.scope, site.chain)
        http = self._http_arguments(call, ctx)
        if http is None:
            return None
        url_node, positional_body = http
        if url_node is None:
            return None
        url = resolver.value(url_node, ctx)
        if not isinstance(url, str) or not is_legacy_url(url):
            return None

        if positional_body:
            data, body = _argument(call, 1, "data"), _argument(call, 2, "json")
        else:
            data, body = _keyword(call, "data"), _keyword(call, "json")
        content = _keyword(call, "content")
        keyword: str | None = None
        carrier: _Arg = None
        if _given(body):
            keyword, carrier = "json", body
        elif _given(data) or _given(content):
            dumped = self._dumped(data if _given(data) else content)
            if dumped is not None:
                # `data=json.dumps(payload)` sends a JSON body, not form fields.
                keyword, carrier = "json", dumped
            elif _given(data):
                keyword, carrier = "data", data

        payload = resolver.payload(carrier, ctx) if carrier is not None else None
        files = _keyword(call, "files")
        line, column = resolver.position(call)
        positions: dict[str, tuple[int, int]] = {}
        unresolved: tuple[str, ...] = ()
        values: dict[str, Any] | None = None
        if payload is not None and carrier is not None:
            values = payload.values
            positions = {"": resolver.position(carrier), **payload.positions}
            unresolved = tuple(dict.fromkeys(payload.unresolved))
        return LegacyCall(
            line=line,
            column=column,
            function=_callee_text(call.func),
            url=url,
            payload=values,
            payload_keyword=keyword,
            positions=positions,
            unresolved_keys=unresolved,
            has_upload=_given(files),
            upload_fields=_upload_fields(files, resolver) if _given(files) else (),
            in_async_def=_in_async_def(site.scope),
        )

    def _dumped(self, node: _Arg) -> _Arg:
        """``x`` in ``json.dumps(x)`` (also ``dumps`` imported from json), else None."""
        if not isinstance(node, ast.Call) or not node.args or isinstance(node.args[0], ast.Starred):
            return None
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "dumps"
            and isinstance(func.value, ast.Name)
            and func.value.id in self.collector.json_modules
        ) or (isinstance(func, ast.Name) and func.id in self.collector.dumps_names):
            return node.args[0]
        return None


def _given(node: _Arg) -> bool:
    return node is not None and not (isinstance(node, ast.Constant) and node.value is None)


def scan_python(
    source: str, filename: str = "<string>", *, max_tokens: int | None = None
) -> list[LegacyCall]:
    """Every call in ``source`` that posts to the legacy endpoint, sorted by (line, column).

    Nothing is imported or run. ``filename`` is used in error messages only.
    Raises SyntaxError if ``source`` does not parse, including source with
    NUL bytes (ValueError on Python < 3.12) and nesting too deep for the
    parser (RecursionError or MemoryError, depending on the Python version).
    A large source is parsed without its big literal displays, and raises
    SourceTooLarge (a ValueError) if it still has more than ``max_tokens``
    (default MAX_TOKENS) tokens: its tree would take too much memory.
    """
    if len(source) > _SMALL_SOURCE:
        source = _without_big_literals(source, MAX_TOKENS if max_tokens is None else max_tokens)
    try:
        tree = ast.parse(source, filename=filename)
    except (ValueError, RecursionError, MemoryError) as error:
        raise SyntaxError(f"cannot parse: {error}", (filename, 1, 1, None)) from error
    try:
        return _Scanner(tree, source).calls()
    except RecursionError as error:  # statements nested deeper than the stack allows
        raise SyntaxError(f"too deeply nested to scan: {error}", (filename, 1, 1, None)) from error


def _upload_fields(node: Any, resolver: Any) -> tuple[tuple[str, tuple[int, int]], ...]:
    """The string field names of a literal ``files=`` argument (a dict, or a list of pairs)."""
    if isinstance(node, ast.Dict):
        keys: list[Any] = list(node.keys)
    elif isinstance(node, (ast.List, ast.Tuple)):
        keys = [
            item.elts[0]
            for item in node.elts
            if isinstance(item, (ast.Tuple, ast.List)) and item.elts
        ]
    else:
        return ()
    return tuple(
        (key.value, resolver.position(key))
        for key in keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    )
