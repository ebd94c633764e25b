"""`legacy-stt check` on JavaScript and TypeScript: the fixture tree, the resolution rules, the formats.

``tests/js_callers/`` holds the call shapes of real legacy callers, two-step
callers and look-alikes, marked with what must be found (see its README).
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys
from typing import Any

import pytest

from legacy_stt.lint import Checker
from legacy_stt.lint.jssource import parser_available, scan_javascript

pytestmark = pytest.mark.skipif(not parser_available(), reason="needs the js extra")

TREE = pathlib.Path(__file__).parent / "js_callers"
SOURCES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")


def markers(vendored: bool) -> tuple[set[tuple[str, int]], set[tuple[str, int, str]]]:
    """The (file, line) of every marked legacy call, and the (file, line, code) of every EXPECT."""
    calls: set[tuple[str, int]] = set()
    expected: set[tuple[str, int, str]] = set()
    for path in sorted(TREE.rglob("*")):
        if path.suffix not in SOURCES:
            continue
        name = path.relative_to(TREE).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\bLEGACY\b(?!-)", line) or (vendored and "LEGACY-VENDORED" in line):
                calls.add((name, number))
            found = re.search(r"EXPECT ([\w. -]+)", line)
            if found:
                expected |= {(name, number, code) for code in found.group(1).split()}
    return calls, expected


def found_by_check(**options: Any) -> tuple[set[tuple[str, int]], set[tuple[str, int, str]]]:
    result = Checker(**options).check([str(TREE)])
    calls, others = set(), set()
    for finding in result.sorted_findings():
        name = pathlib.Path(finding.path).relative_to(TREE).as_posix()
        if finding.code == "legacy-endpoint":
            calls.add((name, finding.line))
        else:
            others.add((name, finding.line, finding.code))
    return calls, others


def test_every_legacy_call_is_found_and_nothing_else() -> None:
    calls, expected = markers(vendored=False)
    assert len(calls) >= 15  # every caller shape of the fixture tree
    found_calls, found_others = found_by_check()
    assert found_calls == calls
    assert found_others == expected
    flagged_files = {name for name, _ in found_calls}
    assert not any(name.startswith(("two_step/", "lookalikes/")) for name in flagged_files)


def test_vendored_code_and_bundles_are_checked_only_when_asked() -> None:
    calls, _ = markers(vendored=True)
    found_calls, _ = found_by_check(include_vendored=True)
    assert found_calls == calls
    vendored = {name for name, _ in calls} - {name for name, _ in markers(vendored=False)[0]}
    assert vendored == {
        "dist/app.min.js",
        "node_modules/aiml-sdk/dist/index.js",
        "public/vendor.js",
    }


def test_a_skipped_bundle_is_named_with_its_reason() -> None:
    result = Checker().check([str(TREE)])
    reasons = {
        pathlib.Path(path).relative_to(TREE).as_posix(): reason for path, reason in result.skipped
    }
    assert "public/vendor.js" in reasons
    assert "--include-vendored" in reasons["public/vendor.js"]


def test_a_bundle_named_on_the_command_line_is_checked() -> None:
    result = Checker().check([str(TREE / "dist" / "app.min.js")])
    assert [f.code for f in result.findings] == ["legacy-endpoint"]


def scan(source: str, dialect: str = "typescript") -> list[Any]:
    return scan_javascript(source.encode(), dialect=dialect)


def urls(source: str, dialect: str = "typescript") -> list[str]:
    return [call.url for call in scan(source, dialect)]


@pytest.mark.parametrize(
    "source",
    [
        # template literals, concatenation, String(), concat()
        'const H = "https://api.aimlapi.com"; fetch(`${H}/v1/stt`, {method: "POST"});',
        'const H = "https://api.aimlapi.com"; fetch(H + "/" + "stt", {method: "POST"});',
        'const P = "/v1/stt"; axios.post("https://api.aimlapi.com".concat(P), {});',
        # environment defaults, with ?? and ||, in Node, Deno, Vite, Bun
        'fetch(`${process.env.X ?? "https://api.aimlapi.com"}/stt`, {method: "POST"});',
        'const B = process.env["AIML"] || "https://api.aimlapi.com/v1"; axios.post(B + "/stt", {});',
        'const B = Deno.env.get("AIML") ?? "https://api.aimlapi.com"; axios.post(`${B}/v1/stt`, {});',
        'const B = import.meta.env.VITE_AIML ?? "https://api.aimlapi.com"; axios.post(`${B}/stt`, {});',
        # new URL(path, base), also as .href and .toString()
        'fetch(new URL("/v1/stt", "https://api.aimlapi.com"), {method: "POST"});',
        'const u = new URL("stt", "https://api.aimlapi.com/v1/").href; axios.post(u, {});',
        'axios.post(new URL("https://api.aimlapi.com/stt").toString(), {});',
        # an object of settings
        'const cfg = { base: "https://api.aimlapi.com/v1" }; axios.post(`${cfg.base}/stt`, {});',
        # re-assigned: the last assignment that surely ran decides
        'let u = "https://x.example/stt"; u = "https://api.aimlapi.com/v1/stt"; axios.post(u, {});',
        # axios instances: a variable, an export, a class field, a constructor, chained
        'const api = axios.create({ baseURL: "https://api.aimlapi.com/v1" }); api.post("/stt", {});',
        'export const api = axios.create({ baseURL: "https://api.aimlapi.com" }); api.post("v1/stt", {});',
        'class A { c = axios.create({ baseURL: "https://api.aimlapi.com/v1" }); go() { return this.c.post("/stt", {}); } }',
        'axios.create({ baseURL: "https://api.aimlapi.com/v1" }).post("/stt", {});',
        # config forms, other clients, an imported fetch under another name
        'axios({ method: "POST", url: "https://api.aimlapi.com/v1/stt", data: {} });',
        'import doFetch from "node-fetch"; doFetch("https://api.aimlapi.com/v1/stt", { method: "post" });',
        'import { fetch as f } from "undici"; f("https://api.aimlapi.com/v1/stt", { method: "POST" });',
        'globalThis.fetch("https://api.aimlapi.com/v1/stt", { method: "POST" });',
        'const g = got.extend({ prefixUrl: "https://api.aimlapi.com" }); g.post("stt", { json: {} });',
        'ky("https://api.aimlapi.com/v1/stt", { method: "post", json: {} });',
        # a call in a function that runs later sees a binding made after it
        'function send() { return axios.post(URL_, {}); } const URL_ = "https://api.aimlapi.com/stt";',
        # TypeScript's wrappers
        'axios.post(("https://api.aimlapi.com/v1/stt" as string)!, {} satisfies object);',
    ],
)
def test_resolution_rules_find_the_legacy_url(source: str) -> None:
    found = urls(source)
    assert len(found) == 1, found
    assert found[0].startswith("https://api.aimlapi.com/")


@pytest.mark.parametrize(
    "source",
    [
        'fetch("https://api.aimlapi.com/v1/stt");',  # a GET
        'fetch("https://api.aimlapi.com/v1/stt", { method: "GET" });',
        'axios.post("https://api.aimlapi.com/v1/stt/create", {});',  # the two-step API
        'axios.get("https://api.aimlapi.com/v1/stt/abc-123");',
        'axios.post("https://api.aimlapi.com/v1/audio/transcriptions", {});',
        'axios.post("https://stt.other.example/v1/stt", {});',
        'app.post("/stt", handler);',  # a route of the app itself
        'fetch("/v1/stt", { method: "POST" });',  # its own backend
        'const fetch = (u, o) => o; fetch("https://api.aimlapi.com/v1/stt", { method: "POST" });',
        # set differently on a branch: undecidable, so not reported
        'let u = "https://api.aimlapi.com/v1/stt/create"; if (x) { u = "https://api.aimlapi.com/v1/stt"; } axios.post(u, {});',
        "axios.post(process.env.AIML_URL, {});",  # no default to go by
        'const api = axios.create({ baseURL: process.env.BASE }); api.post("/stt", {});',
    ],
)
def test_look_alikes_and_two_step_calls_are_not_legacy(source: str) -> None:
    assert urls(source) == []


def test_payload_members_have_positions_and_unknown_values_are_named() -> None:
    source = (
        "async function go(audioUrl) {\n"
        '  const body = { model: "#g1_nova-2-general", url: audioUrl, tag: ["a"] };\n'
        '  body.keywords = "x:2";\n'
        '  return axios.post("https://api.aimlapi.com/stt", body);\n'
        "}\n"
    )
    (call,) = scan(source, "javascript")
    assert (call.line, call.column) == (4, 10)
    assert call.payload == {"model": "#g1_nova-2-general", "tag": ["a"], "keywords": "x:2"}
    assert call.unresolved_keys == ("url",)
    assert call.positions["/model"] == (2, 18)
    assert call.positions["/keywords"] == (3, 3)
    assert call.payload_keyword == "json" and call.language == "javascript"


def test_columns_count_characters_not_bytes() -> None:
    source = 'const é = "ü"; axios.post("https://api.aimlapi.com/stt", { model: "m" });'
    (call,) = scan(source)
    assert call.column == source.index("axios") + 1


def test_form_fields_and_file_parts() -> None:
    source = (
        "const form = new FormData();\n"
        'form.append("model", "#g1_nova-2-general");\n'
        'form.append("file", fs.createReadStream(p));\n'
        'form.append("punctuate", true);\n'
        'fetch("https://api.aimlapi.com/v1/stt", { method: "POST", body: form });\n'
    )
    (call,) = scan(source, "javascript")
    assert call.payload == {"model": "#g1_nova-2-general", "punctuate": "true"}
    assert call.payload_keyword == "data" and call.has_upload
    assert call.upload_fields == (("file", (3, 13)),)


def test_js_findings_have_the_python_codes_and_advice_without_python(
    tmp_path: pathlib.Path,
) -> None:
    payload = '{"model": "#g1_nova-2-general", "url": "https://e.com/a.mp3", "langauge": "en", "diarize": "yes"}'
    (tmp_path / "call.py").write_text(
        f'import requests\nrequests.post("https://api.aimlapi.com/v1/stt", json={payload})\n'
    )
    (tmp_path / "call.js").write_text(f'axios.post("https://api.aimlapi.com/v1/stt", {payload});\n')
    result = Checker().check([str(tmp_path)])
    by_file: dict[str, set[str]] = {}
    advice = {}
    for finding in result.findings:
        by_file.setdefault(pathlib.Path(finding.path).suffix, set()).add(finding.code)
        if finding.code == "legacy-endpoint":
            advice[pathlib.Path(finding.path).suffix] = finding.message
    assert (
        by_file[".js"] == by_file[".py"] == {"legacy-endpoint", "unknown-parameter", "schema.type"}
    )
    assert "client.submit" in advice[".py"]
    assert "legacy_stt" not in advice[".js"] and "client." not in advice[".js"]
    assert "legacy-stt serve" in advice[".js"] and "/v1/stt/create" in advice[".js"]


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_every_format_carries_the_line_and_column(output_format: str) -> None:
    target = TREE / "legacy" / "fetch_env.ts"
    completed = subprocess.run(
        [sys.executable, "-m", "legacy_stt", "check", "--format", output_format, str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = completed.stdout
    assert completed.returncode == 0  # warnings only
    if output_format == "text":
        assert f"{target}:5:21: warning legacy-endpoint" in out
        assert f"{target}:8:62: warning unknown-parameter" in out
    elif output_format == "json":
        found = {(f["code"], f["line"], f["column"]) for f in json.loads(out)["findings"]}
        assert found == {("legacy-endpoint", 5, 21), ("unknown-parameter", 8, 62)}
    elif output_format == "github":
        assert re.search(r"::warning file=[^,]*fetch_env\.ts,line=5,col=21", out)
    else:
        results = json.loads(out)["runs"][0]["results"]
        regions = {
            (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in results
        }
        assert regions == {("legacy-endpoint", 5), ("unknown-parameter", 8)}


def test_without_the_js_extra_a_file_naming_the_service_says_how_to_install_it(
    tmp_path: pathlib.Path,
) -> None:
    plain = tmp_path / "plain.js"
    plain.write_text('app.post("/stt", handler);\n')  # does not name the host: nothing to parse
    # tree-sitter made unimportable in a fresh interpreter, as on an install without the extra
    program = (
        "import sys; sys.modules['tree_sitter'] = None\n"
        "from legacy_stt.cli import main\n"
        "sys.exit(main(['check', '--format', 'json', sys.argv[1], sys.argv[2]]))\n"
    )
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            program,
            str(TREE / "legacy" / "fetch_env.ts"),
            str(plain),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    findings = json.loads(completed.stdout)["findings"]
    assert [(pathlib.Path(f["path"]).name, f["code"]) for f in findings] == [
        ("fetch_env.ts", "js-not-scanned")
    ]
    assert "legacy-stt[js]" in findings[0]["message"]
    assert "Traceback" not in completed.stderr


def test_a_file_that_does_not_name_the_host_is_not_parsed(tmp_path: pathlib.Path) -> None:
    # broken syntax, but no host: nothing to find, so no parse and no finding
    (tmp_path / "app.ts").write_text("export const x = ((( ;\n")
    result = Checker().check([str(tmp_path)])
    assert (result.files_checked, result.findings) == (1, [])


def test_broken_syntax_around_a_call_does_not_stop_the_scan() -> None:
    source = 'const a = ((;\naxios.post("https://api.aimlapi.com/v1/stt", { model: "m" });\n'
    assert [call.line for call in scan(source, "javascript")] == [2]


# -- what a hostile review of the first version found -------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        # TypeScript reads `await x.post<T>(...)` as a call of `await x.post`
        'const api = axios.create({ baseURL: "https://api.aimlapi.com/v1" });\n'
        'async function f(p: object) { const { data } = await api.post<{ r: string }>("/stt", p); }',
        'async function f(p: object) { await axios.post<R>("https://api.aimlapi.com/v1/stt", p); }',
        # a type assertion keeps its expression last
        'fetch("https://api.aimlapi.com/v1/stt", <RequestInit>{ method: "POST" });',
        # x += y
        'let url = "https://api.aimlapi.com"; url += "/v1/stt"; fetch(url, { method: "POST" });',
        # var is seen after the block it is written in
        'if (ok) { var u = "https://api.aimlapi.com/v1/stt"; } axios.post(u, {});',
        # a method named by a string
        'axios["post"]("https://api.aimlapi.com/v1/stt", {});',
    ],
)
def test_shapes_the_review_found_missing_are_found(source: str) -> None:
    assert urls(source) == ["https://api.aimlapi.com/v1/stt"]


@pytest.mark.parametrize(
    "source",
    [
        'let url = "https://api.aimlapi.com/v1/stt"; url += "/create"; fetch(url, { method: "POST" });',
        'const url = "https://api.aimlapi.com/v1/stt"; list.map(url => fetch(url, { method: "POST" }));',
        'const url = "https://api.aimlapi.com/v1/stt"; const f = ({ url }) => fetch(url, { method: "POST" });',
        'const url = "https://api.aimlapi.com/v1/stt"; function g({ url }) { return axios.post(url, {}); }',
        'const url = "https://api.aimlapi.com/v1/stt"; try { x(); } catch (url) { axios.post(url, {}); }',
        'const url = "https://api.aimlapi.com/v1/stt"; for (const url of others) { axios.post(url, {}); }',
        'const url = "https://api.aimlapi.com/v1/stt"; function h(u = url, url2) { return axios.post(url2, {}); }',
    ],
)
def test_names_bound_again_hide_the_outer_url(source: str) -> None:
    assert urls(source, "javascript") == []


def test_a_replacer_says_which_members_are_sent() -> None:
    source = (
        "const p = { model: '#g1_nova-2-general', url: 'https://e.com/a.mp3', secret: 1 };\n"
        'fetch("https://api.aimlapi.com/v1/stt", { method: "POST", body: JSON.stringify(p, ["model", "url"]) });\n'
    )
    (call,) = scan(source, "javascript")
    assert call.payload == {"model": "#g1_nova-2-general", "url": "https://e.com/a.mp3"}


def test_lines_end_at_a_lone_carriage_return_and_a_bom_is_not_a_column() -> None:
    source = '\ufeff// one\rconst u = 1;\raxios.post("https://api.aimlapi.com/stt", {});\r'
    (call,) = scan(source, "javascript")
    assert (call.line, call.column) == (3, 1)
    (first,) = scan('\ufeffaxios.post("https://api.aimlapi.com/stt", {});', "javascript")
    assert (first.line, first.column) == (1, 1)


def test_a_broken_escape_or_base_spoils_only_its_own_value(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a_escape.js").write_text(
        'const u = "https://api.aimlapi.com/v1/stt\\u{FFFFFFFFFFFFFFFFFFFFFFFF}"; fetch(u, { method: "POST" });\n'
        'const v = "\\u{110000}"; axios.post("https://api.aimlapi.com/stt", {});\n'
    )
    (tmp_path / "b_base.js").write_text(
        'fetch("https://api.aimlapi.com/v1/stt", { method: "POST" });\n'
        'fetch(new URL("/x", "http://[::1"), { method: "POST" });\n'
    )
    (tmp_path / "c_other.js").write_text('axios.post("https://api.aimlapi.com/v1/stt", {});\n')
    result = Checker().check([str(tmp_path)])
    found = {
        (pathlib.Path(f.path).name, f.line, f.code)
        for f in result.findings
        if f.code in ("legacy-endpoint", "js-too-large")
    }
    assert found == {
        ("a_escape.js", 2, "legacy-endpoint"),
        ("b_base.js", 1, "legacy-endpoint"),
        ("c_other.js", 1, "legacy-endpoint"),
    }


def test_chains_of_names_and_nested_objects_do_not_take_exponential_time(
    tmp_path: pathlib.Path,
) -> None:
    # each is about 2^40 resolutions without memoisation: a hang, not a slow run
    chain = "const a0 = 'x';\n" + "".join(
        f"const a{n} = a{n - 1} + a{n - 1};\n" for n in range(1, 41)
    )
    chain += "fetch('https://api.aimlapi.com/v1/stt', { method: 'POST', body: JSON.stringify({ model: a40 }) });\n"
    (tmp_path / "chain.js").write_text(chain)
    nested = "{a: " * 40 + "x" + "}" * 40
    (tmp_path / "nested.js").write_text(
        f"axios.post('https://api.aimlapi.com/v1/stt', {{ model: 'm', tag: {nested} }});\n"
    )
    completed = subprocess.run(
        [sys.executable, "-m", "legacy_stt", "check", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    codes = [f["code"] for f in json.loads(completed.stdout)["findings"]]
    assert codes.count("legacy-endpoint") == 2


def test_hand_written_modules_are_not_taken_for_bundles(tmp_path: pathlib.Path) -> None:
    call = 'axios.post("https://api.aimlapi.com/v1/stt", {});\n'
    (tmp_path / "audio-chunk.js").write_text(call)
    (tmp_path / "transcribe-bundle.js").write_text(call)
    clip = "A" * 80_000  # a test with a recording inlined as base64
    (tmp_path / "stt.test.js").write_text(f'const clip = "{clip}";\n{call}')
    (tmp_path / "vendor.min.js").write_text(call)
    result = Checker().check([str(tmp_path)])
    flagged = {pathlib.Path(f.path).name for f in result.findings}
    assert flagged == {"audio-chunk.js", "transcribe-bundle.js", "stt.test.js"}
    assert [pathlib.Path(path).name for path, _ in result.skipped] == ["vendor.min.js"]


def test_a_large_generated_file_is_reported_not_parsed(tmp_path: pathlib.Path) -> None:
    big = tmp_path / "data.ts"
    big.write_text("// api.aimlapi.com\n" + "export const row = [1, 2, 3];\n" * 40_000)
    result = Checker().check([str(big)])
    assert [f.code for f in result.findings] == ["js-too-large"]
