"""Rewrite legacy calls in JavaScript and TypeScript onto a helper module written next to them.

``fetch(LEGACY_URL, init)`` becomes ``fetchTwoStep(LEGACY_URL, init)`` and
``client.post(LEGACY_URL, data, config)`` (axios, or an axios instance)
becomes ``axiosTwoStep(client).post(LEGACY_URL, data, config)``; the helper
(``legacy_stt.fix.js_helper``) makes the create and the polls with the same
URL, client and headers and answers in the shape the call site reads. An
import of the helper is added in the file's module system (ES modules,
CommonJS, TypeScript; Deno's explicit extension).

A fix is **safe** when the payload is written in the file with a model whose
create endpoint takes the legacy parameters as they are (the model adapter
changes nothing), and **unsafe** when the payload or its model is not known
here, or the call used node-fetch (the helper uses the global ``fetch`` of
Node 18+, Deno and browsers). A payload whose model needs its parameters
translated, ``axios(config)``, got and ky are left with the reason: point
those at ``legacy-stt serve``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from typing import Any

from ..lint.pysource import LegacyCall
from .edits import Edit, FileFixes, Fix, Unfixable
from .js_helper import HELPER_MARK, HELPER_STEM, helper_file_name, helper_source, import_line

__all__ = ["plan_javascript"]

_DIALECT_FLAVORS = {
    ".ts": "ts",
    ".tsx": "ts",
    ".mts": "ts",
    ".cts": "ts",
    ".mjs": "esm",
    ".cjs": "cjs",
}


def plan_javascript(path: str, text: str, *, target: str | None = None) -> FileFixes:
    from ..lint.jssource import SourceTooLarge, parser_available, scan_javascript
    from ..lint.languages import dialect_of

    result = FileFixes(path)
    if "aimlapi" not in text.lower():
        return result  # a legacy call's URL must name the host in this file: nothing to do
    if not parser_available():
        result.unfixable.append(
            Unfixable(
                1,
                1,
                "",
                "JavaScript and TypeScript need the js extra: pip install 'legacy-stt[js]'",
            )
        )
        return result
    data = text.encode("utf-8")
    suffix = os.path.splitext(path)[1].lower()
    dialect = dialect_of(path)
    try:
        calls = scan_javascript(data, path, dialect=dialect)
    except SourceTooLarge as error:
        result.unfixable.append(Unfixable(1, 1, "", f"not parsed: {error}; rewrite it by hand"))
        return result
    if not calls:
        return result
    from tree_sitter import Parser

    from ..lint.jssource import language_of

    root = Parser(language_of(dialect)).parse(data).root_node
    offsets = _Offsets(data)
    nodes = _calls_by_position(root, offsets)
    for call in calls:
        node = _the_call(nodes.get((call.line, call.column), []), call)
        if node is None:
            result.unfixable.append(_left(call, "the call could not be found again in the source"))
            continue
        planned = _plan_call(call, node, offsets, target)
        if isinstance(planned, Fix) and planned.safe:
            doubt = _doubt(call, node, root, text, offsets)
            if doubt:
                planned = replace(planned, safe=False, caveat=doubt)
        if isinstance(planned, Unfixable):
            result.unfixable.append(planned)
        else:
            result.fixes.append(planned)
    if result.fixes:
        flavor = _flavor(path, suffix, root)
        if flavor == "cjs" and not _has_require_call(root) and _package_type(path) is None:
            # No import, no require, no package type: a browser script, most likely, where
            # neither an import nor require() of the helper would load.
            caveat = "the file uses no module system (a browser script?): the helper's import may not load"
            result.fixes = [replace(fix, safe=False, caveat=caveat) for fix in result.fixes]
        helper = os.path.join(os.path.dirname(path), helper_file_name(flavor))
        if os.path.exists(helper) and not _is_our_helper(helper):
            reason = (
                f"{os.path.basename(helper)} exists beside it and was not written by legacy-stt "
                "fix: rename or remove it, then run fix again"
            )
            result.unfixable += [
                Unfixable(f.line, f.column, f.function, reason) for f in result.fixes
            ]
            result.fixes = []
            return result
        present = _imported_names(text)  # a file fixed before has some of them already
        deno = "Deno." in text or '"https://deno.land' in text or "from 'https://" in text

        def support_for(chosen: list[Fix]) -> list[Edit]:
            missing = sorted({name for fix in chosen for name in fix.needs} - present)
            if not missing:
                return []
            statement = import_line(flavor, missing, deno=deno)
            return [_import_edit(root, text, offsets, statement, flavor)]

        result.support_for = support_for
        if not os.path.exists(helper):
            result.new_files[helper] = helper_source(flavor)
    return result


_HELPER_IMPORT = re.compile(
    r"""(?:import\s*\{([^}]*)\}\s*from|const\s*\{([^}]*)\}\s*=\s*require\s*\()\s*["']\./"""
    + re.escape(HELPER_STEM)
)


def _imported_names(text: str) -> set[str]:
    """The helper's names the file imports already (from an earlier run of fix)."""
    found: set[str] = set()
    for match in _HELPER_IMPORT.finditer(text):
        listed = match.group(1) or match.group(2) or ""
        found |= {
            name.strip().split(" as ")[0].strip() for name in listed.split(",") if name.strip()
        }
    return found


def _is_our_helper(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read(len(HELPER_MARK)) == HELPER_MARK
    except (OSError, UnicodeDecodeError):
        return False


class _Offsets:
    """Character offsets (and 1-based line, column) of tree-sitter's byte positions."""

    def __init__(self, data: bytes) -> None:
        from ..lint.jssource import SourcePositions

        self.data = data
        self.positions = SourcePositions(data)

    def char(self, byte: int) -> int:
        return len(self.data[:byte].decode("utf-8", "replace"))

    def line_column(self, node: Any) -> tuple[int, int]:
        return self.positions.of(node.start_byte)  # as the scanner reports calls


def _calls_by_position(root: Any, offsets: _Offsets) -> dict[tuple[int, int], list[Any]]:
    """Call expressions by where they start (``a.post(...).then(...)``: two calls at one place)."""
    found: dict[tuple[int, int], list[Any]] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            found.setdefault(offsets.line_column(node), []).append(node)
        stack.extend(node.named_children)
    return found


def _the_call(candidates: list[Any], call: LegacyCall) -> Any:
    """Of the calls starting at the legacy call's place, the one whose callee it names."""
    for node in candidates:
        callee = _callee_of(node)
        text = (
            re.sub(r"\s+", "", callee.text.decode("utf-8", "replace")) if callee is not None else ""
        )
        if text == call.function or (
            call.function.endswith("...") and text.startswith(call.function[:-3])
        ):
            return node
    return None


def _left(call: LegacyCall, reason: str) -> Unfixable:
    return Unfixable(call.line, call.column, call.function, reason)


def _plan_call(
    call: LegacyCall, node: Any, offsets: _Offsets, target: str | None
) -> Fix | Unfixable:
    callee = _callee_of(node)
    if target is not None:
        return _left(
            call,
            "--target is applied to Python calls only; point this call at `legacy-stt serve --target`",
        )
    if call.client not in ("fetch", "axios"):
        return _left(
            call, f"{call.client} calls are not rewritten: point the call at `legacy-stt serve`"
        )
    if call.client == "axios" and callee.type == "subscript_expression":
        return _left(
            call,
            'a method named by a string (`axios["post"]`) is not rewritten: write axios.post(...)',
        )
    if call.client == "axios" and callee.type != "member_expression":
        return _left(
            call,
            "axios(config) is not rewritten: write it as axios.post(url, data, config), or use `legacy-stt serve`",
        )
    judged = _judge_payload(call)
    if isinstance(judged, Unfixable):
        return judged
    safe, caveat = judged
    if call.client == "fetch":
        if callee.type == "identifier" and callee.text != b"fetch":
            safe = False
            caveat = (
                "the helper uses the global fetch (Node 18+, Deno, browsers), not the imported one"
            )
        edits: tuple[Edit, ...] = (
            Edit(offsets.char(callee.start_byte), offsets.char(callee.end_byte), "fetchTwoStep"),
        )
    else:  # axios, a method called on it or on an instance
        holder = callee.child_by_field_name("object")
        method = callee.child_by_field_name("property")
        if method is None or method.text != b"post" or holder is None:
            return _left(call, "only `.post(url, data, config)` axios calls are rewritten")
        start, end = offsets.char(holder.start_byte), offsets.char(holder.end_byte)
        edits = (Edit(start, start, "axiosTwoStep("), Edit(end, end, ")"))
    needs = ("fetchTwoStep",) if call.client == "fetch" else ("axiosTwoStep",)
    return Fix(call.line, call.column, call.function, edits, safe, caveat, needs)


def _judge_payload(call: LegacyCall) -> tuple[bool, str] | Unfixable:
    """Safe if the create endpoint takes the payload as written; unsafe if that is not known here.

    The helper sends the payload to the create endpoint as it is: that is
    only the legacy call's behaviour when the model's create endpoint takes
    the same parameters, and the payload has none that the legacy endpoint
    ignored but the create endpoint rejects.
    """
    payload = call.payload
    if (
        payload is None
        or "model" in call.unresolved_keys
        or not isinstance(payload.get("model"), str)
    ):
        return (
            False,
            "the payload (or its model) is not written here: it is sent to the create endpoint as it is",
        )
    from ..exceptions import PayloadError
    from ..payloads.planning import plan_request
    from ..payloads.validation import form_fields_as_read

    read = form_fields_as_read(payload) if call.payload_keyword == "data" else dict(payload)
    try:
        plan = plan_request(read, upload_given=call.has_upload or bool(call.unresolved_keys))
    except PayloadError as error:
        return _left(call, f"the payload is not valid, so no job could run; fix it first: {error}")
    sent = {
        key: value
        for key, value in read.items()
        if key != "audio" and key not in call.unresolved_keys
    }
    body = {key: value for key, value in plan.body.items() if key not in call.unresolved_keys}
    extra = sorted(set(sent) - set(body))
    if extra and {key: sent[key] for key in body if key in sent} == body:
        names = ", ".join(f"`{key}`" for key in extra)
        return _left(
            call,
            f"the payload has {names}, which the legacy endpoint ignored and the create endpoint "
            "rejects: remove it and run fix again",
        )
    if plan.model != payload["model"] or _canonical(body) != _canonical(sent):
        return _left(
            call,
            f"{payload['model']}'s create endpoint takes other parameter names than the legacy "
            "payload: point this call at `legacy-stt serve`, which translates them",
        )
    return True, ""


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _flavor(path: str, suffix: str, root: Any) -> str:
    """ES modules, CommonJS or TypeScript: the suffix, the file's own syntax, its package.json."""
    if suffix in _DIALECT_FLAVORS:
        return _DIALECT_FLAVORS[suffix]
    kinds = {child.type for child in root.named_children}
    if kinds & {"import_statement", "export_statement"}:
        return "esm"
    declared = _package_type(path)
    if declared in ("module", "commonjs"):
        return "esm" if declared == "module" else "cjs"
    return "cjs"  # Node's default for a .js file


def _package_type(path: str) -> str | None:
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        manifest = os.path.join(directory, "package.json")
        if os.path.isfile(manifest):
            try:
                with open(manifest, encoding="utf-8") as file:
                    found = json.load(file).get("type")
            except (OSError, ValueError, AttributeError):
                return None
            return found if isinstance(found, str) else None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _import_edit(root: Any, text: str, offsets: _Offsets, statement: str, flavor: str) -> Edit:
    """The helper's import, after the file's leading imports (or requires), directives or shebang."""
    newline = "\r\n" if "\r\n" in text else "\n"
    after = None
    for child in root.named_children:
        if child.type == "import_statement":
            after = child
        elif child.type in ("hash_bang_line", "comment") and after is None:
            continue
        elif _is_directive(child) or (
            flavor == "cjs"
            and child.type in ("lexical_declaration", "variable_declaration")
            and b"require(" in child.text
        ):
            after = child
        else:
            break
    if after is None:
        first = root.named_children[0] if root.named_children else None
        if first is not None and first.type == "hash_bang_line":
            end = offsets.char(first.end_byte)
            return Edit(end, end, newline + statement)
        return Edit(0, 0, statement + newline)
    end = offsets.char(after.end_byte)
    return Edit(end, end, newline + statement)


def _is_directive(node: Any) -> bool:
    """A statement that is only a string: "use strict", "use server", "use client" (stays first)."""
    return (
        node.type == "expression_statement"
        and len(node.named_children) == 1
        and node.named_children[0].type == "string"
    )


def _callee_of(call: Any) -> Any:
    """The called expression, without the `await` TypeScript puts around `x.post<T>`."""
    callee = call.child_by_field_name("function")
    while callee is not None and callee.type in ("await_expression", "parenthesized_expression"):
        inner = callee.named_children
        callee = inner[0] if inner else None
    return callee


_FETCH_LIBRARIES = re.compile(
    r"""(?:from\s*|require\s*\(\s*)["'](?:node-fetch|undici|cross-fetch|isomorphic-fetch)["']"""
)


def _doubt(call: LegacyCall, node: Any, root: Any, text: str, offsets: _Offsets) -> str:
    """Why a fix that looked safe is not: what the helper would send or use is not what was."""
    if call.client == "fetch" and _FETCH_LIBRARIES.search(text):
        return (
            "the file uses a fetch library (node-fetch, undici, ...): the helper uses the global "
            "fetch (Node 18+, Deno, browsers), without that library's options (an agent, say)"
        )
    name = _payload_variable(call, root, offsets)
    if name is not None and _changed_elsewhere(name, node, root):
        return (
            f"`{name}` is changed after it is written (passed to a function, or given members "
            "by a computed key): what is sent is not known here"
        )
    return ""


def _payload_variable(call: LegacyCall, root: Any, offsets: _Offsets) -> str | None:
    """The variable the payload object is bound to (``const body = {...}``), if it is one."""
    where = call.positions.get("")
    if where is None:
        return None
    stack = [root]
    while stack:
        current = stack.pop()
        if current.type == "object" and offsets.line_column(current) == where:
            parent = current.parent
            while parent is not None and parent.type in (
                "parenthesized_expression",
                "as_expression",
                "satisfies_expression",
            ):
                parent = parent.parent
            if parent is not None and parent.type == "variable_declarator":
                name = parent.child_by_field_name("name")
            elif parent is not None and parent.type == "assignment_expression":
                name = parent.child_by_field_name("left")
            else:
                return None
            return (
                name.text.decode("utf-8", "replace")
                if name is not None and name.type == "identifier"
                else None
            )
        stack.extend(current.named_children)
    return None


def _changed_elsewhere(name: str, call: Any, root: Any) -> bool:
    """``Object.assign(name, ...)``, ``change(name)``, ``name[key] = ...`` anywhere but the call."""
    stack = [root]
    while stack:
        current = stack.pop()
        if current.id == call.id:
            continue  # the legacy call itself (its JSON.stringify(name) included)
        if current.type == "call_expression":
            callee = current.child_by_field_name("function")
            arguments = current.child_by_field_name("arguments")
            passed = arguments is not None and any(
                argument.type == "identifier" and argument.text.decode() == name
                for argument in arguments.named_children
            )
            if passed and (callee is None or callee.text != b"JSON.stringify"):
                return True
        elif current.type in ("assignment_expression", "augmented_assignment_expression"):
            left = current.child_by_field_name("left")
            holder = left.child_by_field_name("object") if left is not None else None
            if (
                left is not None
                and left.type == "subscript_expression"
                and holder is not None
                and holder.text.decode() == name
            ):
                index = left.child_by_field_name("index")
                if index is None or index.type != "string":
                    return True  # a computed key: which member, the scanner cannot say
        stack.extend(current.named_children)
    return False


def _has_require_call(root: Any) -> bool:
    stack = [root]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            callee = current.child_by_field_name("function")
            if callee is not None and callee.type == "identifier" and callee.text == b"require":
                return True
        stack.extend(current.named_children)
    return False
