"""Sphinx configuration of legacy-stt's documentation site.

Build it as CI does, warnings as errors (a broken link, anchor or reference fails):
``python -m pip install ".[docs]" && python -m sphinx -W --keep-going -b html docs docs/_build/html``

Three parts are generated each time the site is built, from what the code and the tests use:
the fault matrix (``legacy_stt.testing.fault_matrix``), the finding codes
(``legacy_stt.lint.RULES``) and the API reference (each module's ``__all__``). A page asks for
one with a line ``<!-- generated: NAME -->``, which is replaced as the page is read: nothing is
written into the source tree.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any

from legacy_stt import __version__
from legacy_stt.lint.rules import rules_page
from legacy_stt.testing.fault_matrix import markdown_table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "legacy-stt"
author = "the legacy-stt authors"
copyright = "the legacy-stt authors"
release = version = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_ext"]
# Every heading down to #### gets an anchor, so pages (and the README) can link to sections.
myst_heading_anchors = 4
myst_heading_slug_func = "slugs.github_slug"
myst_enable_extensions = ["colon_fence"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
# Links to other projects' objects would need their inventories, fetched over the network:
# the site builds offline, so type hints naming them stay plain text.
nitpicky = False

html_theme = "furo"
html_title = f"legacy-stt {release}"
html_static_path: list[str] = []


#: The modules of the API reference, in order, each with what it is for. A name exported by
#: more than one is documented with the first.
API_MODULES = {
    "legacy_stt": "The package: clients, drop-ins, policies, errors and warnings.",
    "legacy_stt.proxy": "The compatibility proxy as an ASGI application, and its server.",
    "legacy_stt.testing": "The emulator of the service.",
    "legacy_stt.adapters": "Model adapters: the interface for plug-ins, and the registry.",
    "legacy_stt.adapters.deepgram": "The Deepgram-shaped model adapters, and what plug-ins reuse.",
    "legacy_stt.lint": "`legacy-stt check` as a library: the checker, its results, reporters.",
    "legacy_stt.fix": "`legacy-stt fix` as a library: planning and applying rewrites.",
    "legacy_stt.payloads.schema": "The JSON Schemas payloads and answers are checked against.",
    "legacy_stt.aio.http11": "The proxy's HTTP/1.1 client, for `AsyncClient(http_client=...)` too.",
}


def _directive(value: Any) -> str:
    if inspect.isclass(value):
        return "autoexception" if issubclass(value, BaseException) else "autoclass"
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        return "autofunction"
    return "autodata"


def _doc_comment(module_name: str, name: str) -> list[str]:
    """The ``#:`` comment above ``name`` in ``module_name`` or the submodule it comes from."""
    from sphinx.pycode import ModuleAnalyzer

    candidates = [module_name, *sorted(m for m in sys.modules if m.startswith(module_name + "."))]
    for candidate in candidates:
        try:
            docs = ModuleAnalyzer.for_module(candidate).find_attr_docs()
        except Exception:  # noqa: BLE001 - a module without source: nothing to find there
            continue
        found = docs.get(("", name))
        if found:
            return [line for line in found if line.strip()]
    return []


def api_page() -> str:
    """The API reference: every name in each module's ``__all__``, from its docstring."""
    seen: dict[int, str] = {}
    parts = []
    for module_name, about in API_MODULES.items():
        module = importlib.import_module(module_name)
        lines = [f"## `{module_name}`", "", about, "", "```{eval-rst}"]
        lines += [f".. module:: {module_name}", ""]
        for name in module.__all__:
            value = getattr(module, name)
            first = seen.get(id(value)) if inspect.isclass(value) or callable(value) else None
            if first is not None:
                lines += [f"``{name}``: the same as :py:obj:`{first}`.", ""]
                continue
            if inspect.isclass(value) or callable(value):
                seen[id(value)] = f"{module_name}.{name}"
            directive = _directive(value)
            if directive == "autodata":
                # Data has no docstring of its own (autodoc would show its type's): the
                # ``#:`` comment where it is defined, and its value when short.
                lines += [f".. py:data:: {name}"]
                shown = repr(value)
                if len(shown) <= 80:
                    lines += [f"   :value: {shown}"]
                lines += [""] + [f"   {line}" for line in _doc_comment(module_name, name)] + [""]
                continue
            lines += [f".. {directive}:: {name}", ""]
        lines += ["```", ""]
        parts.append("\n".join(lines))
    return "\n".join(parts)


#: What each ``<!-- generated: NAME -->`` line of a page stands for, and the modules it is
#: made from (a page is read again when one of them changes).
GENERATED = {
    "fault-matrix": (lambda: markdown_table() + "\n", ["legacy_stt.testing.fault_matrix"]),
    "rules": (rules_page, ["legacy_stt.lint.rules"]),
    "api": (api_page, list(API_MODULES)),
}
_MARKER = re.compile(r"^<!-- generated: ([\w-]+) -->$", re.MULTILINE)


def _insert_generated(app: Any, docname: str, source: list[str]) -> None:
    def generated(found: re.Match[str]) -> str:
        make, modules = GENERATED[found.group(1)]
        for name in modules:
            app.env.note_dependency(inspect.getsourcefile(importlib.import_module(name)))
        return str(make())

    source[0] = _MARKER.sub(generated, source[0])


def setup(app: Any) -> dict[str, Any]:
    app.connect("source-read", _insert_generated)
    return {"parallel_read_safe": True}
