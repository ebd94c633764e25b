"""Find calls to the legacy one-call endpoint in JavaScript and TypeScript, statically.

``scan_javascript`` parses a source with tree-sitter's JavaScript or
TypeScript grammar (nothing is run) and reports every HTTP POST whose URL
resolves to the deprecated ``POST /v1/stt`` (or the unversioned ``/stt``) on
the AI/ML API host, with its payload when that is written in the file: an
object literal sent as JSON (directly, through ``JSON.stringify`` or through
a variable), or the fields of a ``FormData``.

The rules are the Python scanner's (``legacy_stt.lint.pysource``), in
JavaScript's terms. A URL resolves through string literals, template
literals, ``+``, ``const``/``let``/``var`` bindings and their
re-assignments (a name given different values resolves only if they agree),
object members, ``process.env.X ?? "..."`` / ``|| "..."``,
``Deno.env.get("X") ?? "..."`` and ``import.meta.env.X ?? "..."`` (the
default), and ``new URL(path, base)``. Calls are ``fetch`` (and
node-fetch, cross-fetch, undici), axios (``axios.post``, ``axios(config)``,
instances from ``axios.create({ baseURL })`` held in a variable, an exported
constant or a class property), got and ky (with ``prefixUrl`` instances).
Anything it cannot decide is left unresolved: the call is not reported, or
the member is listed in ``LegacyCall.unresolved_keys``. It sees one file at
a time: a URL read from a configuration file or built in another module at
run time is out of its reach.

tree-sitter and its grammars are the optional ``js`` extra; ``parser_available``
says whether they are installed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from .languages import DIALECTS
from .pysource import LegacyCall, is_legacy_url

__all__ = [
    "DIALECTS",
    "JS_EXTRA",
    "MAX_SOURCE_BYTES",
    "SourcePositions",
    "SourceTooLarge",
    "language_of",
    "parser_available",
    "scan_javascript",
]

#: What to install for JavaScript/TypeScript scanning.
JS_EXTRA = "pip install 'legacy-stt[js]'"
#: Sources larger than this are not parsed: the tree and its walk cost some 300 bytes and a few
#: microseconds a node, so a dense 8 MiB file took 20 s and 2.5 GB. Hand-written modules are
#: far smaller; generated ones are reported, not parsed.
MAX_SOURCE_BYTES = 1024 * 1024


class SourceTooLarge(ValueError):
    """A source over ``MAX_SOURCE_BYTES``: it is not parsed."""


_MAX_DEPTH = 60  # of the resolution of one value: a chain of names, not the syntax tree
#: Values worked out in one file at most (each once): beyond, the rest stay unresolved.
_MAX_WORK = 200_000


#: A value the scanner cannot know (the result of a call, a parameter, ...): compared by identity.
UNRESOLVED: Any = object()

_languages: dict[str, Any] = {}


def parser_available() -> bool:
    """Whether tree-sitter and the JavaScript and TypeScript grammars are installed."""
    try:
        language_of("javascript")
        language_of("typescript")
    except ImportError:
        return False
    return True


def language_of(dialect: str) -> Any:
    """tree-sitter's ``Language`` for a dialect (``javascript``, ``typescript``, ``tsx``)."""
    found = _languages.get(dialect)
    if found is None:
        from tree_sitter import Language

        if dialect == "javascript":
            import tree_sitter_javascript

            found = Language(tree_sitter_javascript.language())
        else:
            import tree_sitter_typescript

            typescript: Any = tree_sitter_typescript  # two grammars: no `language()` of its own
            found = Language(
                typescript.language_tsx() if dialect == "tsx" else typescript.language_typescript()
            )
        _languages[dialect] = found
    return found


def _parse(source: bytes, dialect: str) -> Any:
    from tree_sitter import Parser

    return Parser(language_of(dialect)).parse(source)


# ---------------------------------------------------------------------------
# What one pass over the tree collects
# ---------------------------------------------------------------------------

_FUNCTIONS = frozenset(
    {
        "arrow_function",
        "function_declaration",
        "function_expression",
        "function",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
    }
)
# Where names are declared: the file, blocks, class bodies, functions, loop heads.
_SCOPES = _FUNCTIONS | {
    "program",
    "statement_block",
    "class_body",
    "for_statement",
    "for_in_statement",
    "catch_clause",
}
# Wrappers that do not change a value: (x), x as T, x satisfies T, x!, <T>x.
_TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
        "await_expression",
    }
)
# A name, or a name written as a member of an object literal (`{ body }`).
_NAMES = frozenset({"identifier", "shorthand_property_identifier"})
_FIELD_DEFINITIONS = frozenset({"field_definition", "public_field_definition"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_FETCH_MODULES = frozenset({"node-fetch", "cross-fetch", "isomorphic-fetch", "undici"})
_CLIENT_MODULES = {"axios": "axios", "got": "got", "ky": "ky"}
_ENV_HOLDERS = frozenset({"process.env", "import.meta.env", "Bun.env"})


@dataclass
class _Scope:
    node_id: int
    parent: _Scope | None
    function: int  # the id of the function (or program) whose body this is in
    klass: int | None  # the id of the class body this is in, for `this.x`


@dataclass
class _Binding:
    value: Any  # a tree-sitter node, or None for a declaration without a value
    start: int  # byte offset where it happens
    scope: _Scope | None = None  # the block it happens in


@dataclass
class _Collected:
    scopes: dict[int, _Scope] = field(default_factory=dict)
    # (declaring scope id, name) -> bindings (declarations, then assignments)
    bindings: dict[tuple[int, str], list[_Binding]] = field(default_factory=dict)
    # (declaring scope id, name) -> member assignments and FormData appends: (node, scope)
    members: dict[tuple[int, str], list[tuple[Any, _Scope]]] = field(default_factory=dict)
    # (class body id, property) -> bindings of `this.property` and class fields
    properties: dict[tuple[int, str], list[_Binding]] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> module
    calls: list[tuple[Any, _Scope]] = field(default_factory=list)


def _collect(root: Any) -> _Collected:
    """One pass: scopes, bindings, member writes, imports and call expressions."""
    found = _Collected()
    top = _Scope(root.id, None, root.id, None)
    found.scopes[root.id] = top
    pending: list[tuple[str, Any, _Scope]] = []  # assignments, resolved once all are declared
    stack: list[tuple[Any, _Scope]] = [(root, top)]
    while stack:
        node, scope = stack.pop()
        kind = node.type
        if kind in _SCOPES and node.id != scope.node_id:
            scope = _Scope(
                node.id,
                scope,
                node.id if kind in _FUNCTIONS else scope.function,
                node.id if kind == "class_body" else scope.klass,
            )
            found.scopes[node.id] = scope
        if kind == "variable_declarator":
            name = node.child_by_field_name("name")
            # `var` belongs to its function (it is seen after the block it is written in)
            var = node.parent is not None and node.parent.type == "variable_declaration"
            home = _function_scope(scope) if var else scope
            if name is not None and name.type == "identifier":
                found.bindings.setdefault((home.node_id, _text(name)), []).append(
                    _Binding(node.child_by_field_name("value"), node.start_byte, scope)
                )
                _note_require(found, _text(name), node.child_by_field_name("value"))
            elif name is not None:  # a destructuring pattern: names of unknown value
                for bound in _pattern_names(name):
                    found.bindings.setdefault((home.node_id, bound), []).append(
                        _Binding(None, node.start_byte, scope)
                    )
        elif kind in ("function_declaration", "class_declaration"):
            name = node.child_by_field_name("name")
            # A function's node opened its own scope above; a class's name is in the scope around.
            around = scope.parent if kind == "function_declaration" else scope
            if name is not None and around is not None:
                found.bindings.setdefault((around.node_id, _text(name)), []).append(
                    _Binding(None, node.start_byte, around)
                )
        elif kind in ("assignment_expression", "augmented_assignment_expression"):
            pending.append(("assign", node, scope))
        elif kind in _FIELD_DEFINITIONS and scope.klass is not None:
            name = node.child_by_field_name("property") or node.child_by_field_name("name")
            if name is not None:
                found.properties.setdefault((scope.klass, _text(name)), []).append(
                    _Binding(node.child_by_field_name("value"), node.start_byte, scope)
                )
        elif kind == "import_statement":
            _note_import(found, node)
        elif kind == "call_expression":
            found.calls.append((node, scope))
            callee = node.child_by_field_name("function")
            if callee is not None and callee.type == "member_expression":
                target = callee.child_by_field_name("object")
                if target is not None and target.type == "identifier":
                    pending.append(("member", node, scope))
        elif kind == "formal_parameters" or (kind == "identifier" and _binds_here(node)):
            # parameters, `x => ...`, `catch (x)`, `for (const x of ...)`: names of unknown value
            for name in _pattern_names(node):
                found.bindings.setdefault((scope.node_id, name), []).append(
                    _Binding(None, node.start_byte, scope)
                )
        # Children in source order (the stack is last in, first out).
        stack.extend((child, scope) for child in reversed(node.named_children))
    for what, node, scope in pending:
        if what == "assign":
            _note_assignment(found, node, scope)
        else:
            target = node.child_by_field_name("function").child_by_field_name("object")
            declared = _declaring_scope(found, _text(target), scope)
            found.members.setdefault((declared.node_id, _text(target)), []).append((node, scope))
    for bindings in found.bindings.values():
        bindings.sort(key=lambda binding: binding.start)
    return found


def _pattern_names(node: Any) -> Iterator[str]:
    """The names a parameter list or a destructuring pattern binds (not its default values)."""
    kind = node.type
    if kind in ("identifier", "shorthand_property_identifier_pattern"):
        yield _text(node)
    elif kind == "assignment_pattern":
        left = node.child_by_field_name("left")
        if left is not None:
            yield from _pattern_names(left)
    elif kind == "pair_pattern":
        value = node.child_by_field_name("value")
        if value is not None:
            yield from _pattern_names(value)
    elif kind in ("required_parameter", "optional_parameter"):
        pattern = node.child_by_field_name("pattern")
        if pattern is not None:
            yield from _pattern_names(pattern)
    elif kind in ("formal_parameters", "object_pattern", "array_pattern", "rest_pattern"):
        for child in node.named_children:
            yield from _pattern_names(child)


def _binds_here(node: Any) -> bool:
    """An identifier that binds a name: `x => ...`, `catch (x)`, `for (const x of ...)`."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type in ("arrow_function", "catch_clause"):
        return parent.child_by_field_name("parameter") == node
    if parent.type == "for_in_statement":
        return parent.child_by_field_name("left") == node
    return False


def _function_scope(scope: _Scope) -> _Scope:
    current = scope
    while current.node_id != current.function and current.parent is not None:
        current = current.parent
    return current


def _note_assignment(found: _Collected, node: Any, scope: _Scope) -> None:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None:
        return
    if left.type == "identifier":
        declared = _declaring_scope(found, _text(left), scope)
        # `x += y`: the binding is the whole expression, worked out from x's value before it
        value = node if node.type == "augmented_assignment_expression" else right
        found.bindings.setdefault((declared.node_id, _text(left)), []).append(
            _Binding(value, node.start_byte, scope)
        )
    elif left.type in ("member_expression", "subscript_expression"):
        target = left.child_by_field_name("object")
        if target is None:
            return
        if target.type == "this" and left.type == "member_expression" and scope.klass is not None:
            name = left.child_by_field_name("property")
            found.properties.setdefault((scope.klass, _text(name)), []).append(
                _Binding(right, node.start_byte, scope)
            )
        elif target.type == "identifier":
            declared = _declaring_scope(found, _text(target), scope)
            found.members.setdefault((declared.node_id, _text(target)), []).append((node, scope))


def _declaring_scope(found: _Collected, name: str, scope: _Scope) -> _Scope:
    """The scope that declares ``name`` as seen from ``scope`` (the file's, if none does)."""
    current: _Scope | None = scope
    last = scope
    while current is not None:
        if (current.node_id, name) in found.bindings:
            return current
        last = current
        current = current.parent
    return last


def _encloses(outer: _Scope | None, inner: _Scope) -> bool:
    current: _Scope | None = inner
    while current is not None:
        if outer is not None and current.node_id == outer.node_id:
            return True
        current = current.parent
    return False


def _note_import(found: _Collected, node: Any) -> None:
    source = node.child_by_field_name("source")
    if source is None:
        return
    module = _string_value(source)
    for clause in node.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":  # the default import
                found.imports[_text(part)] = module
            elif part.type == "namespace_import":
                for name in part.named_children:
                    found.imports[_text(name)] = module
            elif part.type == "named_imports":
                for specifier in part.named_children:
                    imported = specifier.child_by_field_name("name")
                    local = specifier.child_by_field_name("alias") or imported
                    if imported is not None and local is not None:
                        what = _text(imported)
                        # `import { fetch } from "undici"`, `import { default as axios } ...`
                        found.imports[_text(local)] = (
                            module if what in ("default", "fetch") else f"{module}#{what}"
                        )


def _note_require(found: _Collected, name: str, value: Any) -> None:
    """``const axios = require("axios")`` (and ``.default``) counts as an import."""
    while value is not None and value.type == "member_expression":
        if _text(value.child_by_field_name("property")) != "default":
            return
        value = value.child_by_field_name("object")
    if value is None or value.type != "call_expression":
        return
    callee = value.child_by_field_name("function")
    arguments = value.child_by_field_name("arguments")
    if callee is None or _text(callee) != "require" or arguments is None:
        return
    first = arguments.named_children[:1]
    if first and first[0].type == "string":
        found.imports[name] = _string_value(first[0])


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        try:
            if body.startswith("u{"):
                return chr(int(body[2:-1], 16))
            if body[0] in "ux" and len(body) > 1:
                return chr(int(body[1:], 16))
        except (ValueError, OverflowError):
            return "\ufffd"  # no such character: the string cannot be the URL
        if body in ("\n", "\r\n", "\r", "\u2028", "\u2029"):
            return ""  # a line continuation
        return _SIMPLE_ESCAPES.get(body, body)

    return _ESCAPE.sub(one, text)


def _string_value(node: Any) -> str:
    raw = _text(node)
    return _unescape(raw[1:-1]) if len(raw) >= 2 else ""


@dataclass
class _Payload:
    value: dict[str, Any]
    positions: dict[str, Any]  # pointer -> node
    unresolved: list[str]


class _Resolver:
    def __init__(self, collected: _Collected) -> None:
        self.found = collected
        self.depth = 0
        self.work = 0
        self.values: dict[tuple[int, int], Any] = {}

    # -- names --------------------------------------------------------------

    def bindings(self, name: str, scope: _Scope, at: int) -> list[_Binding] | None:
        """The bindings of ``name`` that can decide its value at byte ``at`` in ``scope``."""
        declared = _declaring_scope(self.found, name, scope)
        found = self.found.bindings.get((declared.node_id, name))
        if not found:
            return None
        if declared.function == scope.function:
            # Run in order with the use: only what came before it counts, from the last one
            # that surely ran (made in the use's own block or one around it; one in a branch
            # or a loop may not have run, so the values before it count too).
            before = [b for b in found if b.start < at]  # sorted by _collect
            for index in range(len(before) - 1, -1, -1):
                if _encloses(before[index].scope, scope):
                    return before[index:]
            return before or None
        return found  # the use runs later (in a function): any of them may be the one

    def name_value(self, name: str, scope: _Scope, at: int) -> Any:
        found = self.bindings(name, scope, at)
        if found is None:
            return UNRESOLVED
        self.work += len(found)  # a name re-assigned thousands of times costs its share
        if self.work > _MAX_WORK:
            return UNRESOLVED
        values = [
            self.value(binding.value, self.scope_of(binding.value, scope)) for binding in found
        ]
        return _agreed(values)

    def scope_of(self, node: Any, fallback: _Scope) -> _Scope:
        """The innermost scope around ``node`` (for the value of a binding elsewhere)."""
        current = node.parent if node is not None else None
        while current is not None:
            found = self.found.scopes.get(current.id)
            if found is not None:
                return found
            current = current.parent
        return fallback

    def binding_node(self, name: str, scope: _Scope, at: int) -> Any:
        """The one expression ``name`` is bound to (``None`` if several or none)."""
        found = self.bindings(name, scope, at)
        if found and len(found) > 1:
            found = [binding for binding in found if binding.value is not None] or found
        if (
            not found
            or len({binding.value.id if binding.value is not None else None for binding in found})
            != 1
        ):
            return None
        return found[-1].value

    def property_node(self, scope: _Scope, name: str) -> Any:
        """The one expression ``this.name`` is given in the class around ``scope``."""
        if scope.klass is None:
            return None
        # `private http: AxiosInstance;` declares without a value: only what it is given counts.
        found = [
            b for b in self.found.properties.get((scope.klass, name), ()) if b.value is not None
        ]
        if len(found) != 1:
            return None
        return found[0].value

    # -- expressions ----------------------------------------------------------

    def value(self, node: Any, scope: _Scope) -> Any:
        if node is None or self.depth > _MAX_DEPTH:
            return UNRESOLVED
        key = (node.id, scope.node_id)
        if key in self.values:
            return self.values[key]
        self.work += 1
        if self.work > _MAX_WORK:
            return UNRESOLVED  # a pathological file: what is left stays unknown
        self.depth += 1
        try:
            found = self._value(node, scope)
        finally:
            self.depth -= 1
        # Each expression is worked out once: names bound to names bound to names would
        # otherwise cost exponential time (`a1 = a0 + a0; a2 = a1 + a1; ...`).
        self.values[key] = found
        return found

    def _value(self, node: Any, scope: _Scope) -> Any:
        kind = node.type
        if kind in _TRANSPARENT:
            return self.value(_inner(node), scope)
        if kind == "string":
            return _string_value(node)
        if kind == "template_string":
            return self._template(node, scope)
        if kind == "number":
            return _number(_text(node))
        if kind == "true":
            return True
        if kind == "false":
            return False
        if kind == "null":
            return None
        if kind in _NAMES:
            if _text(node) == "undefined":
                return UNRESOLVED
            return self.name_value(_text(node), scope, node.start_byte)
        if kind == "binary_expression":
            return self._binary(node, scope)
        if kind == "augmented_assignment_expression":
            return self._augmented(node, scope)
        if kind == "member_expression":
            return self._member(node, scope)
        if kind == "subscript_expression":
            index = self.value(node.child_by_field_name("index"), scope)
            holder = self.value(node.child_by_field_name("object"), scope)
            if isinstance(holder, dict) and isinstance(index, str):
                return holder.get(index, UNRESOLVED)
            return UNRESOLVED
        if kind == "new_expression":
            return self._new(node, scope)
        if kind == "call_expression":
            return self._call(node, scope)
        if kind == "object":
            payload = self.payload(node, scope)
            return payload.value if payload is not None and not payload.unresolved else UNRESOLVED
        if kind == "array":
            items = [self.value(child, scope) for child in node.named_children]
            return UNRESOLVED if any(item is UNRESOLVED for item in items) else items
        return UNRESOLVED

    def _template(self, node: Any, scope: _Scope) -> Any:
        source = node.text
        start = node.start_byte
        pieces: list[str] = []
        cursor = 1  # after the opening backtick
        for child in node.named_children:
            if child.type != "template_substitution":
                continue
            pieces.append(
                _unescape(source[cursor : child.start_byte - start].decode("utf-8", "replace"))
            )
            inner = child.named_children
            value = self.value(inner[0], scope) if inner else UNRESOLVED
            if value is UNRESOLVED or isinstance(value, (dict, list)):
                return UNRESOLVED
            pieces.append(_js_string(value))
            cursor = child.end_byte - start
        pieces.append(_unescape(source[cursor:-1].decode("utf-8", "replace")))
        return _bounded("".join(pieces))

    def _binary(self, node: Any, scope: _Scope) -> Any:
        operator = _text(node.child_by_field_name("operator"))
        left_node, right_node = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator in ("??", "||"):
            if _is_env_lookup(left_node):
                return self.value(right_node, scope)  # the default, where the variable is unset
            left = self.value(left_node, scope)
            if left is UNRESOLVED:
                return UNRESOLVED
            keep = left is not None if operator == "??" else bool(left)
            return left if keep else self.value(right_node, scope)
        if operator != "+":
            return UNRESOLVED
        left, right = self.value(left_node, scope), self.value(right_node, scope)
        if left is UNRESOLVED or right is UNRESOLVED:
            return UNRESOLVED
        if isinstance(left, str) or isinstance(right, str):
            if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
                return UNRESOLVED
            return _bounded(_js_string(left) + _js_string(right))
        if isinstance(left, (int, float)) and isinstance(right, (int, float)):
            return left + right
        return UNRESOLVED

    def _augmented(self, node: Any, scope: _Scope) -> Any:
        """``x += y`` as a binding of x: x's value before it, joined with y (``+=`` only)."""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if _text(node.child_by_field_name("operator")) != "+=" or left is None:
            return UNRESOLVED  # ??=, ||=, -=, ...: not worked out
        before = self.name_value(_text(left), scope, node.start_byte)
        after = self.value(right, scope)
        if not isinstance(before, str) or after is UNRESOLVED or isinstance(after, (dict, list)):
            return UNRESOLVED
        return _bounded(before + _js_string(after))

    def _member(self, node: Any, scope: _Scope) -> Any:
        holder_node = node.child_by_field_name("object")
        name = _text(node.child_by_field_name("property"))
        if holder_node is not None and holder_node.type == "this":
            found = self.property_node(scope, name)
            return (
                self.value(found, self.scope_of(found, scope)) if found is not None else UNRESOLVED
            )
        holder = self.value(holder_node, scope)
        if name == "href" and isinstance(holder, str):
            return holder  # new URL(...).href
        if isinstance(holder, dict):
            return holder.get(name, UNRESOLVED)
        return UNRESOLVED

    def _new(self, node: Any, scope: _Scope) -> Any:
        constructor = node.child_by_field_name("constructor")
        if constructor is None or _text(constructor) != "URL":
            return UNRESOLVED
        arguments = _arguments(node)
        if not arguments:
            return UNRESOLVED
        path = self.value(arguments[0], scope)
        if not isinstance(path, str):
            return UNRESOLVED
        if len(arguments) == 1:
            return path
        base = self.value(arguments[1], scope)
        if not isinstance(base, str):
            return UNRESOLVED
        try:
            return urljoin(base, path)
        except ValueError:  # an invalid base (a broken IPv6 address): no URL
            return UNRESOLVED

    def _call(self, node: Any, scope: _Scope) -> Any:
        callee = node.child_by_field_name("function")
        arguments = _arguments(node)
        if callee is None:
            return UNRESOLVED
        text = _text(callee)
        if text == "String" and len(arguments) == 1:
            value = self.value(arguments[0], scope)
            return _js_string(value) if value is not UNRESOLVED else UNRESOLVED
        if callee.type == "member_expression":
            method = _text(callee.child_by_field_name("property"))
            if method == "toString" and not arguments:
                value = self.value(callee.child_by_field_name("object"), scope)
                return value if isinstance(value, str) else UNRESOLVED
            if method == "concat":
                value = self.value(callee.child_by_field_name("object"), scope)
                parts = [self.value(argument, scope) for argument in arguments]
                if isinstance(value, str) and all(isinstance(p, (str, int, float)) for p in parts):
                    return _bounded(value + "".join(_js_string(p) for p in parts))
        return UNRESOLVED

    # -- payloads -------------------------------------------------------------

    def payload(self, node: Any, scope: _Scope, at: int | None = None) -> _Payload | None:
        """The object ``node`` stands for, member by member with where each is written."""
        if node is None or self.depth > _MAX_DEPTH:
            return None
        self.depth += 1
        try:
            return self._payload(node, scope, node.start_byte if at is None else at)
        finally:
            self.depth -= 1

    def _payload(self, node: Any, scope: _Scope, at: int) -> _Payload | None:
        kind = node.type
        if kind in _TRANSPARENT:
            inner = _inner(node)
            return self.payload(inner, scope, at) if inner is not None else None
        if (
            kind == "call_expression"
            and _text(node.child_by_field_name("function")) == "JSON.stringify"
        ):
            arguments = _arguments(node)
            found = self.payload(arguments[0], scope, at) if arguments else None
            replacer = self.value(arguments[1], scope) if len(arguments) > 1 else None
            if found is None or replacer is None:
                return found
            if not isinstance(replacer, list):
                return None  # a function replacer: what is sent is not known here
            kept = {key for key in replacer if isinstance(key, str)}
            found.value = {k: v for k, v in found.value.items() if k in kept}
            found.unresolved = [k for k in found.unresolved if k in kept]
            return found
        if kind in _NAMES:
            name = _text(node)
            bound = self.binding_node(name, scope, node.start_byte)
            if bound is None:
                return None
            result = self.payload(bound, self.scope_of(bound, scope))
            if result is not None:
                self._apply_writes(result, name, scope, bound.start_byte, node.start_byte)
            return result
        if kind != "object":
            return None
        result = _Payload({}, {"": node}, [])
        for member in node.named_children:
            if member.type == "pair":
                key = self._key(member.child_by_field_name("key"), scope)
                if key is None:
                    continue
                self._set(result, key, member.child_by_field_name("value"), member, scope)
            elif member.type == "shorthand_property_identifier":
                name = _text(member)
                value = self.name_value(name, scope, member.start_byte)
                self._put(result, name, value, member)
            elif member.type == "spread_element":
                inner = member.named_children
                spread = self.payload(inner[0], scope) if inner else None
                if spread is None:
                    return None  # members the scanner cannot list
                for name, value in spread.value.items():
                    self._put(
                        result, name, value, spread.positions.get("/" + _escape(name), member)
                    )
                result.unresolved.extend(spread.unresolved)
        return result

    def _key(self, node: Any, scope: _Scope) -> str | None:
        if node is None:
            return None
        if node.type in ("property_identifier", "identifier"):
            return _text(node)
        if node.type == "string":
            return _string_value(node)
        if node.type == "number":
            return _js_string(_number(_text(node)))
        if node.type == "computed_property_name":
            inner = node.named_children
            value = self.value(inner[0], scope) if inner else UNRESOLVED
            return value if isinstance(value, str) else None
        return None

    def _set(self, result: _Payload, key: str, value_node: Any, where: Any, scope: _Scope) -> None:
        if value_node is not None and value_node.type == "object":
            nested = self.payload(value_node, scope)
            if nested is None or nested.unresolved:
                self._put(result, key, UNRESOLVED, where)  # not worked out a second time
                return
            self._put(result, key, nested.value, where)
            for pointer, node in nested.positions.items():
                if pointer:
                    result.positions["/" + _escape(key) + pointer] = node
            return
        self._put(result, key, self.value(value_node, scope), where)

    @staticmethod
    def _put(result: _Payload, key: str, value: Any, where: Any) -> None:
        result.value[key] = value
        result.positions["/" + _escape(key)] = where
        if value is UNRESOLVED:
            if key not in result.unresolved:
                result.unresolved.append(key)
        elif key in result.unresolved:
            result.unresolved.remove(key)

    def _apply_writes(
        self, result: _Payload, name: str, scope: _Scope, after: int, before: int
    ) -> None:
        """``payload.key = value`` and ``payload["key"] = value`` between the binding and the use."""
        declared = _declaring_scope(self.found, name, scope)
        for node, where in self.found.members.get((declared.node_id, name), ()):
            if node.type != "assignment_expression" or not after < node.start_byte < before:
                continue
            if where.function != scope.function:
                continue  # in another function: may or may not have run
            left = node.child_by_field_name("left")
            if left.type == "member_expression":
                key: Any = _text(left.child_by_field_name("property"))
            else:
                key = self.value(left.child_by_field_name("index"), where)
            if isinstance(key, str):
                self._set(result, key, node.child_by_field_name("right"), node, where)

    def form(self, node: Any, scope: _Scope) -> tuple[_Payload, list[tuple[str, Any]]] | None:
        """The fields and file parts of a ``FormData`` the variable ``node`` holds."""
        if node is None or node.type not in _NAMES:
            return None
        name = _text(node)
        bound = self.binding_node(name, scope, node.start_byte)
        if bound is None or bound.type != "new_expression":
            return None
        if _text(bound.child_by_field_name("constructor")) not in ("FormData", "NodeFormData"):
            return None
        fields = _Payload({}, {"": node}, [])
        files: list[tuple[str, Any]] = []
        declared = _declaring_scope(self.found, name, scope)
        for call, where in self.found.members.get((declared.node_id, name), ()):
            if (
                call.type != "call_expression"
                or not bound.start_byte < call.start_byte < node.start_byte
            ):
                continue
            method = _text(call.child_by_field_name("function").child_by_field_name("property"))
            arguments = _arguments(call)
            if method not in ("append", "set") or len(arguments) < 2:
                continue
            key = self.value(arguments[0], where)
            if not isinstance(key, str):
                continue
            value = self.value(arguments[1], where)
            if (
                len(arguments) > 2
                or _is_file_like(arguments[1])
                or (value is UNRESOLVED and key in ("audio", "file"))
            ):
                files.append((key, arguments[0]))
                continue
            if isinstance(value, (bool, int, float)):
                value = _js_string(value)  # a form sends text
            previous = fields.value.get(key)
            if previous is not None and previous is not UNRESOLVED and value is not UNRESOLVED:
                value = (previous if isinstance(previous, list) else [previous]) + [value]
            self._put(fields, key, value, arguments[0])
        return fields, files


#: Strings built longer than this are not worked out (`a1 = a0 + a0; ...` doubles each time).
_MAX_TEXT = 65536


def _bounded(text: str) -> Any:
    return text if len(text) <= _MAX_TEXT else UNRESOLVED


def _agreed(values: list[Any]) -> Any:
    if not values or any(value is UNRESOLVED for value in values):
        return UNRESOLVED
    first = values[0]
    return (
        first
        if all(value == first and type(value) is type(first) for value in values)
        else UNRESOLVED
    )


def _number(text: str) -> Any:
    cleaned = text.replace("_", "")
    try:
        if re.fullmatch(r"[0-9]+", cleaned):
            return int(cleaned)
        if cleaned[:2].lower() in ("0x", "0o", "0b"):
            return int(cleaned, 0)
        return float(cleaned)
    except ValueError:
        return UNRESOLVED


def _js_string(value: Any) -> str:
    """``String(value)`` as JavaScript writes it, for what a template or ``+`` joins."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _arguments(node: Any) -> list[Any]:
    arguments = node.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [child for child in arguments.named_children if child.type != "comment"]


def _is_env_lookup(node: Any) -> bool:
    """``process.env.X``, ``process.env["X"]``, ``import.meta.env.X``, ``Deno.env.get("X")``."""
    node = _unwrapped(node)
    if node is None:
        return False
    if node.type in ("member_expression", "subscript_expression"):
        return _text(node.child_by_field_name("object")).replace(" ", "") in _ENV_HOLDERS
    if node.type == "call_expression":
        return _text(node.child_by_field_name("function")).replace(" ", "") == "Deno.env.get"
    return False


def _is_file_like(node: Any) -> bool:
    """A value a form sends as a file: a stream, a Blob or File, a Buffer, an input's file."""
    text = _text(node)
    return bool(
        re.search(
            r"createReadStream|\bnew\s+(Blob|File)\b|\bBuffer\.from\b|\breadFileSync\b|\.files\b|\bfileFrom|\bblob\(",
            text,
        )
    )


# ---------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------


@dataclass
class _Client:
    kind: str  # fetch, axios, got, ky
    base: str | None = None  # an instance's baseURL / prefixUrl
    method: str | None = None  # from the name called: axios.post -> POST


class _Scanner:
    def __init__(self, source: bytes, root: Any) -> None:
        self.source = source
        self.found = _collect(root)
        self.resolver = _Resolver(self.found)
        self.positions = SourcePositions(source)

    def position(self, node: Any) -> tuple[int, int]:
        """1-based line and column (in characters, as the Python scanner counts them)."""
        return self.positions.of(node.start_byte)

    def calls(self) -> list[LegacyCall]:
        calls = []
        for node, scope in self.found.calls:
            try:
                call = self._legacy_call(node, scope)
            except RecursionError:
                call = None
            if call is not None:
                calls.append(call)
        calls.sort(key=lambda call: (call.line, call.column))
        return calls

    # -- who is called ----------------------------------------------------------

    def _module_of(self, name: str) -> str | None:
        module = self.found.imports.get(name)
        if module is not None:
            return module
        return {"fetch": "fetch", "axios": "axios", "got": "got", "ky": "ky"}.get(name)

    def _client_of(self, node: Any, scope: _Scope, depth: int = 0) -> _Client | None:
        """What ``node`` (a callee or the object a method is called on) is: a client, or None."""
        if node is None or depth > 8:
            return None
        node = _unwrapped(node)
        if node.type == "identifier":
            name = _text(node)
            module = self._module_of(name)
            if module is not None and (
                self.found.imports.get(name) or not self._shadowed(name, scope, node)
            ):
                if module == "fetch" or module.split("#")[0] in _FETCH_MODULES:
                    return _Client("fetch")
                kind = _CLIENT_MODULES.get(module.split("#")[0])
                if kind is not None and "#" not in module:
                    return _Client(kind)
            bound = self.resolver.binding_node(name, scope, node.start_byte)
            if bound is not None:
                return self._client_of(bound, self.resolver.scope_of(bound, scope), depth + 1)
            return None
        if node.type == "member_expression":
            holder = node.child_by_field_name("object")
            name = _text(node.child_by_field_name("property"))
            if holder is not None and holder.type == "this":
                bound = self.resolver.property_node(scope, name)
                if bound is not None:
                    return self._client_of(bound, self.resolver.scope_of(bound, scope), depth + 1)
                return None
            if _text(holder) in ("globalThis", "window", "self", "global") and name == "fetch":
                return _Client("fetch")
            if name == "default":
                return self._client_of(holder, scope, depth + 1)
            return None
        if node.type == "call_expression":
            # axios.create({ baseURL }), got.extend({ prefixUrl }), ky.create(...)/.extend(...)
            callee = node.child_by_field_name("function")
            if callee is None or callee.type != "member_expression":
                return None
            made_by = self._client_of(callee.child_by_field_name("object"), scope, depth + 1)
            method = _text(callee.child_by_field_name("property"))
            if made_by is None or made_by.kind == "fetch" or method not in ("create", "extend"):
                return None
            arguments = _arguments(node)
            options = self.resolver.payload(arguments[0], scope) if arguments else None
            base_key = "baseURL" if made_by.kind == "axios" else "prefixUrl"
            base = options.value.get(base_key) if options is not None else None
            if base is UNRESOLVED:
                return None  # an instance whose base the scanner cannot know
            if base is not None and not isinstance(base, str):
                return None
            return _Client(made_by.kind, base if base is not None else made_by.base)
        return None

    def _shadowed(self, name: str, scope: _Scope, node: Any) -> bool:
        """Whether ``name`` is a local variable here (``const fetch = ...``), not the global."""
        return self.resolver.bindings(name, scope, node.start_byte) is not None

    # -- one call ---------------------------------------------------------------

    def _legacy_call(self, node: Any, scope: _Scope) -> LegacyCall | None:
        # TypeScript reads `await api.post<R>(...)` as a call of `await api.post`
        callee = _unwrapped(node.child_by_field_name("function"))
        if callee is None:
            return None
        arguments = _arguments(node)
        client = self._client_of(callee, scope)
        method_name = None
        holder, method = _method_of(callee)
        if client is None and holder is not None:
            method_name = method.lower()
            if method_name not in _HTTP_METHODS and method_name != "request":
                return None
            client = self._client_of(holder, scope)
            if client is None or client.kind == "fetch":
                return None
        if client is None:
            return None
        resolve = self.resolver.value
        if client.kind == "fetch":
            url_node, options_node = [*arguments, None, None][:2]
            options = (
                self.resolver.payload(options_node, scope) if options_node is not None else None
            )
            method = options.value.get("method", "GET") if options is not None else "GET"
            body_node = _member_node(options_node, "body", self.resolver, scope)
            body_kind = "body"
        elif client.kind == "axios":
            if method_name in (None, "request"):
                # axios(config), axios(url, config), axios.request(config)
                if (arguments and arguments[0].type not in ("object", "identifier")) or len(
                    arguments
                ) > 1:
                    url_node, config_node = (
                        arguments[0],
                        (arguments[1] if len(arguments) > 1 else None),
                    )
                else:
                    url_node, config_node = None, (arguments[0] if arguments else None)
                config = (
                    self.resolver.payload(config_node, scope) if config_node is not None else None
                )
                if url_node is None:
                    url_node = _member_node(config_node, "url", self.resolver, scope)
                method = config.value.get("method", "GET") if config is not None else "GET"
                body_node = _member_node(config_node, "data", self.resolver, scope)
            else:
                url_node = arguments[0] if arguments else None
                method = method_name.upper()
                body_node = arguments[1] if len(arguments) > 1 else None
            body_kind = "data"
        else:  # got, ky
            url_node, options_node = [*arguments, None, None][:2]
            options = (
                self.resolver.payload(options_node, scope) if options_node is not None else None
            )
            if method_name is not None:
                method = method_name.upper()
            else:
                method = options.value.get("method", "GET") if options is not None else "GET"
            body_node = _member_node(options_node, "json", self.resolver, scope)
            body_kind = "json"
            if body_node is None:
                body_node = _member_node(options_node, "body", self.resolver, scope)
                body_kind = "body"
        if not isinstance(method, str) or method.upper() != "POST" or url_node is None:
            return None
        url = resolve(url_node, scope)
        if not isinstance(url, str):
            return None
        if client.base is not None:
            url = _join_base(client.base, url)
        if not is_legacy_url(url):
            return None
        return self._build(node, scope, callee, url, body_node, body_kind, client.kind)

    def _build(
        self,
        node: Any,
        scope: _Scope,
        callee: Any,
        url: str,
        body_node: Any,
        body_kind: str,
        client_kind: str,
    ) -> LegacyCall:
        line, column = self.position(node)
        payload = None
        keyword = None
        positions: dict[str, tuple[int, int]] = {}
        unresolved: tuple[str, ...] = ()
        has_upload = False
        upload_fields: tuple[tuple[str, tuple[int, int]], ...] = ()
        if body_node is not None:
            form = self.resolver.form(_unwrapped(body_node), scope)
            if form is not None:
                fields, files = form
                payload, keyword = fields, "data"
                has_upload = bool(files)
                upload_fields = tuple((name, self.position(where)) for name, where in files)
            else:
                found = self.resolver.payload(body_node, scope)
                if found is not None and (
                    body_kind in ("json", "data")
                    or _is_stringified(body_node, self.resolver, scope)
                ):
                    payload, keyword = found, "json"
        if payload is not None:
            positions = {
                pointer: self.position(where) for pointer, where in payload.positions.items()
            }
            unresolved = tuple(payload.unresolved)
        return LegacyCall(
            line=line,
            column=column,
            function=_callee_text(callee),
            url=url,
            payload=_plain(payload.value) if payload is not None else None,
            payload_keyword=keyword,
            positions=positions,
            unresolved_keys=unresolved,
            has_upload=has_upload,
            upload_fields=upload_fields,
            language="javascript",
            client=client_kind,
        )


class SourcePositions:
    """1-based line and column (in characters) of byte offsets, as editors count them.

    Lines end at ``\n``, ``\r\n`` or a lone ``\r`` (tree-sitter's rows count ``\n`` only),
    and a byte order mark is not a column.
    """

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.starts = [0] + [match.end() for match in re.finditer(rb"\r\n|\r|\n", source)]
        self.bom = 3 if source.startswith(b"\xef\xbb\xbf") else 0

    def of(self, byte: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, byte) - 1
        start = self.starts[line] + (self.bom if line == 0 else 0)
        column = len(self.source[start:byte].decode("utf-8", "replace"))
        return line + 1, column + 1


def _method_of(callee: Any) -> tuple[Any, str]:
    """``api.post`` and ``api["post"]``: the object a method is called on, and the method's name."""
    if callee.type == "member_expression":
        return callee.child_by_field_name("object"), _text(callee.child_by_field_name("property"))
    if callee.type == "subscript_expression":
        index = callee.child_by_field_name("index")
        if index is not None and index.type == "string":
            return callee.child_by_field_name("object"), _string_value(index)
    return None, ""


def _unwrapped(node: Any) -> Any:
    while node is not None and node.type in _TRANSPARENT and node.named_children:
        node = _inner(node)
    return node


def _inner(node: Any) -> Any:
    """What a wrapper wraps: ``(x)``, ``x as T``, ``x!``, ``await x``; ``<T>x`` puts it last."""
    children = node.named_children
    if not children:
        return None
    return children[-1] if node.type == "type_assertion" else children[0]


def _is_stringified(node: Any, resolver: _Resolver, scope: _Scope, depth: int = 0) -> bool:
    """Whether a fetch body is ``JSON.stringify(...)`` (directly or through a variable)."""
    node = _unwrapped(node)
    if node is None or depth > 8:
        return False
    if node.type == "call_expression":
        return _text(node.child_by_field_name("function")) == "JSON.stringify"
    if node.type in _NAMES:
        bound = resolver.binding_node(_text(node), scope, node.start_byte)
        return bound is not None and _is_stringified(
            bound, resolver, resolver.scope_of(bound, scope), depth + 1
        )
    return False


def _member_node(
    options: Any, name: str, resolver: _Resolver, scope: _Scope, depth: int = 0
) -> Any:
    """The expression given for ``name`` in an options object (a literal, or a variable holding one)."""
    options = _unwrapped(options)
    if options is None or depth > 8:
        return None
    if options.type in _NAMES:
        bound = resolver.binding_node(_text(options), scope, options.start_byte)
        return _member_node(bound, name, resolver, scope, depth + 1)
    if options.type != "object":
        return None
    found = None
    for member in options.named_children:
        if member.type == "pair":
            key = member.child_by_field_name("key")
            if key is not None and (
                _text(key) == name or (key.type == "string" and _string_value(key) == name)
            ):
                found = member.child_by_field_name("value")
        elif member.type == "shorthand_property_identifier" and _text(member) == name:
            found = member
    return found


def _join_base(base: str, url: str) -> str:
    """axios' (and got's and ky's) rule: an absolute URL stands alone; else base + "/" + url."""
    if re.match(r"^[a-zA-Z][a-zA-Z\d+\-.]*:", url) or url.startswith("//"):
        return url
    if not url:
        return base
    return base.rstrip("/") + "/" + url.lstrip("/")


def _callee_text(callee: Any) -> str:
    text = re.sub(r"\s+", "", _text(callee))
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(value: Any) -> Any:
    """The payload as the linter sees it: JSON's kinds only (unknown values dropped)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if item is not UNRESOLVED}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def scan_javascript(
    source: bytes, path: str = "<source>", *, dialect: str = "javascript"
) -> list[LegacyCall]:
    """Every call in ``source`` that reaches the legacy endpoint, in source order.

    ``dialect`` is ``javascript`` (JSX included), ``typescript`` or ``tsx``
    (see ``DIALECTS``). Raises ``ImportError`` without the ``js`` extra and
    ``ValueError`` for a source over ``MAX_SOURCE_BYTES``.
    """
    if len(source) > MAX_SOURCE_BYTES:
        raise SourceTooLarge(f"larger than {MAX_SOURCE_BYTES // 2**20} MiB")
    tree = _parse(source, dialect)
    return _Scanner(source, tree.root_node).calls()
