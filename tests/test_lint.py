"""`legacy-stt check`: findings, lines, formats and exit status, run in-process through the CLI."""

from __future__ import annotations

import io
import json
import os
import pathlib
import textwrap
from typing import Any

import pytest
from _support import EXAMPLES, ROOT

from legacy_stt.cli import main
from legacy_stt.lint import REPORTERS_BY_NAME, RULES, Checker
from legacy_stt.lint.locate import member_positions


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["check", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    status, out, _ = check(capsys, "--format", "json", *args)
    return status, json.loads(out)


def codes_at(document: dict[str, Any]) -> list[tuple[str, int | None, str]]:
    return [(pathlib.Path(f["path"]).name, f["line"], f["code"]) for f in document["findings"]]


# -- examples ------------------------------------------------------------------


def test_valid_examples_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, str(EXAMPLES / "valid"))
    assert status == 0
    assert out.startswith("no problems in 11 payloads, 11 files")


def test_upload_examples_need_uploads_flag(capsys: pytest.CaptureFixture[str]) -> None:
    status, document = check_json(capsys, str(EXAMPLES / "uploads"))
    assert status == 1
    assert {f["code"] for f in document["findings"]} == {"missing-input"}
    assert all("--uploads" in f["message"] for f in document["findings"])
    status, document = check_json(capsys, "--uploads", str(EXAMPLES / "uploads"))
    assert status == 0 and document["findings"] == []


EXPECTED_INVALID: dict[str, tuple[int | None, str, str]] = {
    "bad-mode.json": (5, "schema.enum", "strict, extended"),
    "base64-audio.json": (3, "audio-embedded", "uploaded as multipart"),
    # None: the line this interpreter's json reports (3.11 says 4, 3.13 the comma's line 3).
    "broken.json": (None, "invalid-json", "not valid JSON"),
    "buffer-out-of-range.json": (11, "audio-buffer", "300"),
    "diarise-typo.json": (4, "unknown-parameter", "did you mean `diarize`"),
    "diarize-not-boolean.json": (4, "schema.type", "true or false"),
    "missing-input.json": (1, "missing-input", "provide either `url` or an uploaded `audio`"),
    "model-without-hash.json": (2, "unknown-model", "write '#g1_nova-2-general'"),
    "not-an-object.json": (1, "not-an-object", "must be a JSON object"),
    "openai-parameter-on-nova.json": (4, "openai-parameter", "response_format"),
    "tag-not-a-list.json": (4, "schema.type", "a list of strings"),
    "url-and-audio.json": (1, "conflicting-input", "not both"),
    "url-not-a-string.json": (3, "schema.type", "must be a string"),
    "url-not-http.json": (3, "url-format", "http(s)"),
    "whisper-without-prefix.json": (2, "unknown-model", "write '#g1_whisper-large'"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_INVALID))
def test_each_invalid_example_names_its_defect_on_its_line(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    line, code, fragment = EXPECTED_INVALID[name]
    path = EXAMPLES / "invalid" / name
    status, document = check_json(capsys, str(path))
    first = document["findings"][0]
    if line is None:  # no interpreter's message text or position is hard-coded
        with pytest.raises(json.JSONDecodeError) as caught:
            json.loads(path.read_text())
        line = caught.value.lineno
        assert first["column"] == caught.value.colno
        assert first["message"] == f"not valid JSON: {caught.value.msg}"
    assert (first["line"], first["code"]) == (line, code)
    assert fragment in first["message"]
    assert status == (1 if first["severity"] == "error" else 0)


def test_every_invalid_example_is_covered() -> None:
    assert {p.name for p in (EXAMPLES / "invalid").glob("*.json")} == set(EXPECTED_INVALID)


# -- the mixed directory of the issue --------------------------------------------------

CALLER = textwrap.dedent(
    """\
    import requests

    BASE = "https://api.aimlapi.com"


    def transcribe(key):
        payload = {
            "model": "#g1_nova-2-general",
            "url": "https://example.com/call.mp3",
            "diarise": True,
        }
        return requests.post(f"{BASE}/stt", json=payload, headers={"Authorization": key})


    def modern(key, body):
        return requests.post(f"{BASE}/v1/stt/create", json=body)
    """
)


@pytest.fixture
def mixed_tree(tmp_path: pathlib.Path) -> pathlib.Path:
    lines = [
        {"model": "#g1_nova-2-general", "url": "https://example.com/a.mp3"},
        {"model": "#g1_nova-2-meeting", "url": "https://example.com/b.mp3", "diarize": "yes"},
        {"model": "#g1_whisper-small", "url": "https://example.com/c.mp3", "punctuation": True},
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\n{broken\n"
    (tmp_path / "recorded.jsonl").write_text(text)
    (tmp_path / "broken.json").write_text('{"model": "#g1_nova-2-general",\n  "url": }\n')
    (tmp_path / "caller.py").write_text(CALLER)
    (tmp_path / "package.json").write_text('{"name": "web", "version": "1.0.0"}')
    os.symlink(tmp_path / "gone.json", tmp_path / "unreadable.json")
    return tmp_path


def test_mixed_directory(capsys: pytest.CaptureFixture[str], mixed_tree: pathlib.Path) -> None:
    status, document = check_json(capsys, str(mixed_tree))
    assert status == 2  # the unreadable path wins over the errors
    assert codes_at(document) == [
        ("broken.json", 2, "invalid-json"),
        ("caller.py", 10, "unknown-parameter"),
        ("caller.py", 12, "legacy-endpoint"),
        ("recorded.jsonl", 2, "schema.type"),
        ("recorded.jsonl", 3, "unknown-parameter"),
        ("recorded.jsonl", 4, "invalid-json"),
        ("unreadable.json", None, "unreadable"),
    ]
    by_code = {(pathlib.Path(f["path"]).name, f["code"]): f for f in document["findings"]}
    assert "did you mean `diarize`" in by_code["caller.py", "unknown-parameter"]["message"]
    assert by_code["caller.py", "unknown-parameter"]["column"] == 9  # the `"diarise"` key
    assert by_code["caller.py", "legacy-endpoint"]["message"].startswith(
        "`requests.post` calls the deprecated one-call endpoint https://api.aimlapi.com/stt"
    )
    assert document["summary"]["unreadable"] == [str(mixed_tree / "unreadable.json")]
    assert document["summary"]["files_skipped"] == 1  # package.json is not a payload
    assert document["summary"]["call_sites"] == 1  # /v1/stt/create is not a legacy call


def test_jsonl_columns_are_within_the_line(
    capsys: pytest.CaptureFixture[str], mixed_tree: pathlib.Path
) -> None:
    _, document = check_json(capsys, str(mixed_tree / "recorded.jsonl"))
    finding = next(f for f in document["findings"] if f["code"] == "schema.type")
    line = (mixed_tree / "recorded.jsonl").read_text().splitlines()[1]
    assert line[finding["column"] - 1 :].startswith('"diarize"')
    assert finding["pointer"] == "/diarize" and finding["payload"] == "line 2"


def test_json_array_of_payloads_points_into_the_array(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "batch.json"
    path.write_text(
        json.dumps(
            [
                {"model": "#g1_nova-2-general", "url": "https://x/a.mp3"},
                {"model": "#g1_nova-2-general", "url": "https://x/b.mp3", "tag": "x"},
            ],
            indent=2,
        )
    )
    _, document = check_json(capsys, str(path))
    (finding,) = document["findings"]
    assert finding["payload"] == "item 1" and finding["pointer"] == "/tag"
    assert path.read_text().splitlines()[finding["line"] - 1].strip().startswith('"tag"')


def test_standard_input_json_and_json_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def feed(text: str) -> None:
        stream = io.TextIOWrapper(io.BytesIO(text.encode()))
        monkeypatch.setattr("sys.stdin", stream)

    feed('{"model": "#g1_nova-2-general", "url": "https://x/a.mp3", "diarise": true}')
    status, out, _ = check(capsys, "-")
    assert status == 0 and out.startswith("<stdin>:1:")
    feed('{"model": "#g1_nova-2-general", "url": "https://x/a.mp3"}\n{"model": "nova-2"}\n')
    status, document = check_json(capsys, "-")
    assert status == 1
    assert [(f["line"], f["code"]) for f in document["findings"]] == [(2, "unknown-model")]


# -- formats -----------------------------------------------------------------------


def test_text_format_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, str(EXAMPLES / "invalid" / "diarise-typo.json"))
    first, summary = out.splitlines()
    path = EXAMPLES / "invalid" / "diarise-typo.json"
    assert first.startswith(f"{path}:4:3: warning unknown-parameter unknown parameter `diarise`")
    assert summary == "0 errors, 1 warning in 1 payload, 1 file"
    assert "\033[" not in out  # not a terminal: no colour
    _, out, _ = check(capsys, "--color", "always", str(path))
    assert "\033[33mwarning\033[0m" in out


def test_quiet_prints_only_errors(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = check(capsys, "--quiet", str(EXAMPLES / "invalid"))
    lines = out.splitlines()
    assert status == 1 and lines
    assert all(": error " in line for line in lines)  # no warnings, no summary


def test_strict_fails_on_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(EXAMPLES / "invalid" / "diarise-typo.json")
    assert check(capsys, path)[0] == 0
    assert check(capsys, "--strict", path)[0] == 1


def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(
        capsys,
        "--format",
        "github",
        str(EXAMPLES / "invalid" / "diarize-not-boolean.json"),
        str(EXAMPLES / "invalid" / "diarise-typo.json"),
    )
    lines = out.splitlines()
    assert lines[0].startswith("::warning file=") and ",line=4,col=3," in lines[0]
    assert lines[1].startswith("::error file=") and "title=legacy-stt schema.type::" in lines[1]


def test_github_escapes_newlines_and_commas() -> None:
    from legacy_stt.lint.result import CheckResult, Finding

    result = CheckResult(findings=[Finding("a,b:c.json", "error", "x", "two\nlines 100%")])
    stream = io.StringIO()
    REPORTERS_BY_NAME["github"](stream).report(result)
    assert (
        stream.getvalue() == "::error file=a%2Cb%3Ac.json,title=legacy-stt x::two%0Alines 100%25\n"
    )


def test_sarif_structure(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, "--format", "sarif", str(EXAMPLES / "invalid"))
    document = json.loads(out)
    assert document["version"] == "2.1.0" and document["$schema"].endswith("sarif-2.1.0.json")
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "legacy-stt"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) and "unknown-parameter" in rule_ids
    assert run["results"]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith("examples/invalid/") or location[
            "artifactLocation"
        ]["uri"].startswith("file://")
        assert location["region"]["startLine"] >= 1


def test_json_document_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    _, document = check_json(capsys, str(EXAMPLES / "invalid" / "diarise-typo.json"))
    assert set(document) == {"version", "tool", "summary", "findings"}
    assert document["version"] == 1
    assert set(document["findings"][0]) == {
        "path", "line", "column", "severity", "code", "message", "pointer", "payload"
    }  # fmt: skip


def test_format_choices_come_from_the_reporters(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check", "--format", "xml", "x.json"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    for name in REPORTERS_BY_NAME:
        assert f"'{name}'" in err


# -- odd inputs -----------------------------------------------------------------------


def test_binary_and_non_utf8_files_are_invalid_json_not_crashes(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    (tmp_path / "latin1.json").write_bytes(b'{"model": "caf\xe9"}')
    status, document = check_json(capsys, str(tmp_path / "latin1.json"))
    assert status == 1 and document["findings"][0]["code"] == "invalid-json"


def test_only_payloads_skips_other_json(capsys: pytest.CaptureFixture[str]) -> None:
    schema = str(ROOT / "schemas" / "legacy-request.schema.json")
    status, document = check_json(capsys, schema)
    assert status == 1  # named explicitly: checked, and it is no payload
    status, document = check_json(capsys, "--only-payloads", schema)
    assert status == 0 and document["summary"]["files_skipped"] == 1


def test_python_file_that_does_not_parse(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    (tmp_path / "old.py").write_text("print 'python 2'\n")
    status, document = check_json(capsys, str(tmp_path))
    assert status == 0
    assert codes_at(document) == [("old.py", 1, "python-syntax")]


def test_project_itself(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    status, document = check_json(capsys, ".")
    assert status == 1  # examples/invalid holds errors on purpose
    paths = {pathlib.Path(f["path"]).parts[:2] for f in document["findings"]}
    # These call the legacy endpoint on purpose: they are the old code the drop-in keeps running.
    deliberate = {
        ("examples", "old_code"),
        ("tests", "test_dropin.py"),
        ("tests", "test_httpx_dropin.py"),
        ("tests", "test_proxy.py"),
        ("tests", "test_conventions.py"),  # unchanged legacy code, run by stt_environment
        ("tests", "js_callers"),  # the JavaScript and TypeScript callers the scanner must find
        ("tests", "fix_cases"),  # the legacy callers `legacy-stt fix` rewrites
    }
    assert paths <= {("examples", "invalid"), ("examples", "uploads")} | deliberate, paths
    assert document["summary"]["files_skipped"] >= 10  # the schemas are not payloads


def test_positions_of_nested_members() -> None:
    text = '{\n  "a": [1,\n    {"b": null}],\n  "c/d": 2\n}'
    positions = member_positions(text)
    assert positions["/a/1/b"] == (3, 6)
    assert positions["/c~1d"] == (4, 3)
    assert positions[""] == (1, 1)


def test_checker_is_usable_from_python(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"model": "#g1_nova-2-general"}')
    result = Checker(uploads=True).check([str(path)])
    assert result.findings == [] and result.payloads_checked == 1
    assert result.exit_status() == 0


# -- --target -------------------------------------------------------------------------


def test_target_reports_the_renames_the_client_applies(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    from legacy_stt.payloads.planning import plan_request

    payload = {
        "model": "#g1_nova-2-general",
        "url": "https://example.com/call.mp3",
        "multi_channel": True,
        "keywords": "snuffleupagus:5",
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(payload, indent=2))
    status, document = check_json(capsys, "--target", "nova-3", str(path))
    assert status == 0
    found = {(f["pointer"], f["code"], f["severity"], f["line"]) for f in document["findings"]}
    assert found == {
        ("/multi_channel", "parameter-renamed", "info", 4),
        ("/keywords", "parameter-renamed", "info", 5),
    }
    messages = " ".join(f["message"] for f in document["findings"])
    assert "`multi_channel` -> `multichannel`" in messages and "`keywords` -> `keyterm`" in messages
    # ...and the client sends exactly that.
    plan = plan_request(payload, target="nova-3")
    assert plan.body == {
        "model": "nova-3",
        "url": "https://example.com/call.mp3",
        "multichannel": True,
        "keyterm": ["snuffleupagus"],
    }
    assert [n.message for n in plan.notices] == [f["message"] for f in document["findings"]]


def test_target_dropped_parameter_is_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"model": "#g1_nova-2-general", "url": "https://x/a.mp3", "diarize": true}')
    status, document = check_json(capsys, "--target", "openai/gpt-4o-transcribe", str(path))
    (finding,) = document["findings"]
    assert finding["code"] == "parameter-dropped" and finding["severity"] == "warning"
    assert "`diarize`" in finding["message"] and "openai/gpt-4o-transcribe" in finding["message"]
    assert status == 0
    assert check(capsys, "--strict", "--target", "openai/gpt-4o-transcribe", str(path))[0] == 1


def test_unknown_target_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = check(capsys, "--target", "nova-4", str(EXAMPLES / "valid"))
    assert status == 2 and out == ""
    assert (
        err.strip()
        == "legacy-stt: error: --target: no model adapter serves model 'nova-4'; did you mean 'nova-3'?"
    )


def test_near_miss_target_model_in_a_payload_gets_the_retarget_hint(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"model": "deepgram/nova-3", "url": "https://x/a.mp3"}')
    _, document = check_json(capsys, str(path))
    (finding,) = document["findings"]
    assert finding["code"] == "unknown-model"
    assert "'nova-3' is a model of the two-step API" in finding["message"]
    assert "--target nova-3" in finding["message"]


@pytest.mark.parametrize(
    "text",
    [
        '{\n  "model": "x",\n  "diarize": "yes"\n}',
        '{"audio": {"url": 1}, "url": 2}',
        '{"a": "{\\"url\\": 0", "url": 2}',
        '  {"tag": [1, {"url": 5}], "url": 3}',
        '[{"url": 1}, {"url": 2}]',
        '\n\n   {"url": 1,\n "tag": "model"}',  # `model` only as a value
        '{"\\u006dodel": "x", "url": 1}',  # an escaped key name
    ],
)
def test_quick_positions_agree_with_the_full_scan(text: str) -> None:
    from legacy_stt.lint.locate import position_of, positions_for

    full = member_positions(text)
    for wanted in ({"/url"}, {"/url", ""}, {"/tag/1/url"}, {"/0/url"}, {"/model"}, {"/no", "/url"}):
        quick = positions_for(text, wanted, line=3)
        for pointer in wanted:
            # Where a finding goes: the member, or (missing) its nearest written ancestor.
            expected = position_of(pointer, member_positions(text, 3))
            assert position_of(pointer, quick) == expected, (pointer, text)
            if pointer in full:
                assert quick[pointer][1] == full[pointer][1], (pointer, text)


def test_upload_under_file_in_python_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    (tmp_path / "up.py").write_text(
        textwrap.dedent(
            """\
            import requests

            def send(path):
                with open(path, "rb") as audio:
                    return requests.post(
                        "https://api.aimlapi.com/v1/stt",
                        data={"model": "#g1_nova-2-general", "punctuate": "True"},
                        files={"file": audio},
                    )
            """
        )
    )
    _, document = check_json(capsys, str(tmp_path))
    found = [(f["line"], f["column"], f["code"]) for f in document["findings"]]
    assert found == [(5, 16, "legacy-endpoint"), (8, 20, "upload-field")]
    assert "`file` -> `audio`" in document["findings"][1]["message"]
    # "True" (how requests writes a boolean form field) is read as true: no type error.


# -- streaming: the reporters write what they are handed, the documents stay the same --


def render_whole(name: str, result: Any) -> str:
    """The document as the reporters rendered it whole, from a result that kept its findings.

    Written as the command writes to its standard output (lone surrogates escaped).
    """
    reporter = REPORTERS_BY_NAME[name](io.StringIO())
    text = json.dumps(reporter.document(result), indent=2, ensure_ascii=False) + "\n"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@pytest.mark.parametrize("name", ["json", "sarif"])
@pytest.mark.parametrize("spool_limit", [None, 10])
def test_streamed_documents_are_the_documents_rendered_whole(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    mixed_tree: pathlib.Path,
    name: str,
    spool_limit: int | None,
) -> None:
    from legacy_stt.lint import reporters

    if spool_limit is not None:  # past the limit, findings wait in a temporary file
        monkeypatch.setattr(reporters._Spool, "MEMORY_LIMIT", spool_limit)
    # A member name UTF-8 cannot encode survives the temporary file.
    write_json = {"model": "#g1_nova-2-general", "url": "https://x/a.mp3", "\ud800": 1}
    (mixed_tree / "odd.json").write_text(json.dumps(write_json))
    paths = [str(mixed_tree), str(EXAMPLES / "invalid")]
    _, out, _ = check(capsys, "--format", name, *paths)
    assert out == render_whole(name, Checker().check(paths))
    _, out, _ = check(capsys, "--format", name, str(EXAMPLES / "valid"))  # no findings
    assert out == render_whole(name, Checker().check([str(EXAMPLES / "valid")]))


def test_findings_are_handed_over_payload_by_payload(mixed_tree: pathlib.Path) -> None:
    batches: list[list[Any]] = []
    result = Checker().check([str(mixed_tree)], sink=batches.append)
    assert result.findings == []  # handed over, not kept
    assert [len(batch) for batch in batches] == [1, 2, 1, 1, 1, 1]
    kept = Checker().check([str(mixed_tree)])
    assert [f for batch in batches for f in batch] == kept.sorted_findings()
    assert result.counts == kept.counts and result.exit_status() == kept.exit_status() == 2


def test_json_array_items_are_located_on_their_own_lines_and_after_a_bom(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    item = '{"model": "#g1_nova-2-general", "url": "https://x/a.mp3", "diarise": true}'
    text = f'[{item}, {item},\n  {item},\n  {{"model": "nova-2",\n   "url": 3}}]\n'
    path = tmp_path / "batch.json"
    for bom in (b"", b"\xef\xbb\xbf"):
        path.write_bytes(bom + text.encode())
        _, document = check_json(capsys, str(path))
        lines = text.splitlines()
        found = []
        for finding in document["findings"]:
            # A BOM is a character of the first line, as before.
            column = finding["column"] - (1 if bom and finding["line"] == 1 else 0)
            found.append((finding["payload"], lines[finding["line"] - 1][column - 1 :][:9]))
        assert found == [
            ("item 0", '"diarise"'),
            ("item 1", '"diarise"'),
            ("item 2", '"diarise"'),
            ("item 3", '"model": '),
        ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[{"model": "nova-2", "url": "https://x/a.mp3"}]', [(1, "unknown-model", "item 0")]),
        (  # an array on the first line of JSON Lines
            '[{"model": "nova-2"}]\n{"model": "nova-2", "url": "https://x/a.mp3"}\n',
            [(1, "not-an-object", "line 1"), (2, "unknown-model", "line 2")],
        ),
        ('[{"model": "nova-2"},]', [(1, "invalid-json", None)]),
    ],
)
def test_standard_input_json_arrays(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    expected: list[tuple[int, str, str | None]],
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    _, document = check_json(capsys, "-")
    assert [(f["line"], f["code"], f["payload"]) for f in document["findings"]] == expected


def test_legacy_calls_are_pointed_at_the_two_step_api(
    capsys: pytest.CaptureFixture[str], mixed_tree: pathlib.Path
) -> None:
    _, document = check_json(capsys, str(mixed_tree / "caller.py"))
    (finding,) = [f for f in document["findings"] if f["code"] == "legacy-endpoint"]
    message = finding["message"]
    assert "client.submit(payload)" in message and "client.result(generation_id)" in message
    assert "legacy-stt serve" in message  # for code that is not Python: the proxy
    assert "stt(" not in message  # not the deprecated one-call Client().stt()


def test_skipped_files_are_named_with_why_in_every_summary(
    capsys: pytest.CaptureFixture[str], mixed_tree: pathlib.Path
) -> None:
    (mixed_tree / "empty.json").write_text("")
    _, document = check_json(capsys, str(mixed_tree))
    assert document["summary"]["files_skipped"] == 2
    assert [
        (pathlib.Path(s["path"]).name, s["reason"]) for s in document["summary"]["skipped"]
    ] == [
        ("empty.json", "empty"),
        ("package.json", "not a payload (no `model` or `url`)"),
    ]
    _, out, _ = check(capsys, str(mixed_tree))
    assert out.splitlines()[-2:] == [
        f"  skipped {mixed_tree / 'empty.json'}: empty",
        f"  skipped {mixed_tree / 'package.json'}: not a payload (no `model` or `url`)",
    ]
    _, out, _ = check(capsys, "--quiet", str(mixed_tree))
    assert "  skipped " not in out  # --quiet: errors only


def test_the_text_summary_names_only_the_first_skipped_files(tmp_path: pathlib.Path) -> None:
    from legacy_stt.lint.reporters import SKIPPED_SHOWN, TextReporter

    for index in range(SKIPPED_SHOWN + 5):
        (tmp_path / f"data-{index:02d}.json").write_text('{"rows": []}')
    stream = io.StringIO()
    TextReporter(stream).report(Checker().check([str(tmp_path)]))
    lines = stream.getvalue().splitlines()
    assert lines[0] == f"no problems in 0 payloads, 0 files; {SKIPPED_SHOWN + 5} skipped"
    assert len(lines) == 1 + SKIPPED_SHOWN + 1
    assert lines[-1] == "  ... and 5 more skipped (--format json names them)"


def test_every_code_a_finding_can_carry_is_catalogued() -> None:
    # A code missing from RULES gets a generic SARIF rule and a helpUri to no anchor.
    import ast

    found: dict[str, str] = {}
    sources = [*(ROOT / "legacy_stt" / "lint").glob("*.py")]
    sources += [p for p in (ROOT / "legacy_stt" / "payloads").glob("*.py") if p.name[0] != "_"]
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in ("Finding", "Problem", "single"):
                continue
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            if code is None and len(node.args) > 2:
                code = node.args[2]
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                found[code.value] = f"{path.name}:{node.lineno}"
    assert len(found) >= 15  # the scan finds the codes at all
    missing = {
        code: where
        for code, where in found.items()
        if code not in RULES and not code.startswith("schema.")
    }
    assert missing == {}
