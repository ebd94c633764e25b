"""The documentation site: it builds with warnings as errors, covers every public name, gives
each finding code an anchor (the SARIF rules' ``helpUri``), shows the fault matrix the tests
run, and every page the README links to is there.

The site is built once for the module, in strict mode (``-W``: a broken cross-reference,
link to a missing page or anchor, or a docstring Sphinx cannot read fails the build), as
``docs/conf.py`` says CI builds it.
"""

from __future__ import annotations

import html
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _support import ROOT

import legacy_stt
from legacy_stt.lint.rules import DOCS_URL, RULES, SCHEMA_ANCHOR, help_uri
from legacy_stt.testing.fault_matrix import SCENARIOS

pytest.importorskip("sphinx")
# MyST 4 (Python 3.10+, what the test extra installs there) gives headings GitHub's anchors
pytest.importorskip("myst_parser", minversion="4")

#: The modules the API reference documents, and the names each leaves to the package's part.
DOCUMENTED = {
    "legacy_stt": (),
    "legacy_stt.proxy": ("CompatibilityProxy",),
    "legacy_stt.testing": (),
    "legacy_stt.adapters": ("ModelAdapter", "ParameterRule", "get_adapter", "register_adapter"),
    "legacy_stt.adapters.deepgram": (),
    "legacy_stt.payloads.schema": (),
    "legacy_stt.lint": (),
    "legacy_stt.fix": (),
    "legacy_stt.aio.http11": (),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    done = subprocess.run(
        [*command, "-d", str(out / ".doctrees"), str(ROOT / "docs"), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"the site does not build in strict mode:\n{done.stderr}"
    return out


def _ids(page: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))


def _inventory(site: Path) -> set[str]:
    from sphinx.util.inventory import InventoryFile

    with (site / "objects.inv").open("rb") as stream:
        inventory = InventoryFile.load(stream, "", lambda base, uri: uri)
    data = getattr(inventory, "data", inventory)  # Sphinx 8.2+ wraps the mapping
    return {name for names in data.values() for name in names}


def test_every_public_name_is_in_the_api_reference(site: Path) -> None:
    documented = _inventory(site)
    missing = []
    for module_name, elsewhere in DOCUMENTED.items():
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if name in elsewhere:
                assert name in legacy_stt.__all__  # documented with the package's names
                continue
            if f"{module_name}.{name}" not in documented:
                missing.append(f"{module_name}.{name}")
    assert missing == []


def test_every_finding_code_has_its_anchor_and_sarif_links_to_it(site: Path) -> None:
    anchors = _ids(site / "rules.html")
    for code in [*RULES, "schema.type"]:
        page, _, anchor = help_uri(code).rpartition("#")
        assert page.endswith("/rules.html")
        assert anchor in anchors, code
    assert SCHEMA_ANCHOR in anchors


def test_the_reliability_page_shows_the_matrix_the_tests_run(site: Path) -> None:
    # Sphinx turns straight quotes into typographic ones
    page = html.unescape((site / "reliability.html").read_text(encoding="utf-8"))
    page = page.replace("\u2019", "'")
    missing = [scenario.name for scenario in SCENARIOS if scenario.name not in page]
    assert missing == []


_LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)")


def test_the_readme_links_to_pages_and_sections_that_exist(site: Path) -> None:
    # The README is also the package's page on PyPI, where a relative link goes nowhere: it
    # links to the published site, and each page and section it names must be in the build.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = _LINK.findall(readme)
    to_site = [
        (target[len(DOCS_URL) :], anchor) for target, anchor in links if target.startswith(DOCS_URL)
    ]
    assert len({page for page, _ in to_site}) >= 15
    relative = [
        target for target, _ in links if not target.startswith(("https://", "http://", "mailto:"))
    ]
    assert relative == []
    broken = []
    for page, anchor in to_site:
        built = site / (page or "index.html")
        if not built.exists():
            broken.append(page)
        elif anchor and anchor not in _ids(built):
            broken.append(f"{page}#{anchor}")
    assert broken == []


def test_every_page_is_in_the_table_of_contents(site: Path) -> None:
    # Sphinx warns (and -W fails) for a page in no toctree; this checks the pages exist.
    pages = {
        path.relative_to(ROOT / "docs").with_suffix("").as_posix()
        for path in (ROOT / "docs").rglob("*.md")
        if "_generated" not in path.parts and "_build" not in path.parts
    }
    assert {"index", "getting-started", "rules", "reference/api", "reliability"} <= pages
    assert all((site / f"{page}.html").exists() for page in pages)
