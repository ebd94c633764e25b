"""The documentation says what the code does."""

from __future__ import annotations

import re

from _support import ROOT

from legacy_stt.adapters.registry import builtin_adapters
from legacy_stt.cli.migration_guide import (
    BEGIN,
    END,
    main,
    omissions_in_words,
    render_tables,
    splice,
)


def test_migration_guide_tables_are_generated_from_the_model_adapters() -> None:
    document = (ROOT / "MIGRATION.md").read_text(encoding="utf-8")
    assert BEGIN in document and END in document
    assert splice(document, render_tables()) == document, (
        "MIGRATION.md is out of date: run `python -m legacy_stt.cli.migration_guide MIGRATION.md`"
    )


def test_the_guide_covers_every_target_and_its_renames() -> None:
    tables = render_tables()
    for model in (
        "nova-3",
        "aai/universal",
        "openai/gpt-4o-transcribe",
        "microsoft/mai-transcribe-1.5",
    ):
        assert f"`{model}`" in tables
    assert "| `multi_channel` | `multichannel` |" in tables
    assert "| `diarize` | `speaker_labels` |" in tables


def test_splice_tool_rewrites_a_stale_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "GUIDE.md"
    stale.write_text(f"intro\n{BEGIN}\nold table\n{END}\noutro\n")
    assert main([str(stale)]) == 0
    text = stale.read_text()
    assert "old table" not in text and text.startswith("intro\n") and text.endswith("outro\n")
    assert main([str(stale)]) == 0 and stale.read_text() == text  # idempotent


def test_result_field_lists_are_in_words_not_bare_pointers() -> None:
    tables = render_tables()
    assert not re.search(r"^- /", tables, re.MULTILINE)  # no bullet that is only a JSON Pointer
    assert "/metadata/" not in tables and "/*/" not in tables
    words = omissions_in_words(
        ["/metadata/sha256", "/metadata/created", "/results/channels/*/alternatives/*/words"]
    )
    assert words == "`sha256` and `created` in `metadata`; `words` in each alternative"
    for adapter in builtin_adapters():
        for pointer in adapter.result_omissions:
            assert f"`{pointer.rsplit('/', 1)[-1]}`" in tables  # every left-out member is named


def test_dropped_is_said_only_of_what_is_dropped() -> None:
    tables = render_tables()
    rows = {}
    for section in tables.split("\n### ")[1:]:
        heading = section.splitlines()[0]
        for line in section.splitlines():
            if line.startswith("| `"):
                rows[heading, line.split("`")[1]] = line
    openai = next(heading for heading, _ in rows if "openai/gpt-4o-transcribe" in heading)
    assert (
        "not needed" in rows[openai, "punctuate"] and "dropped**" not in rows[openai, "punctuate"]
    )
    assert "**dropped**" in rows[openai, "diarize"]
    checked = 0
    for adapter in builtin_adapters():
        heading = ", ".join(f"`{model}`" for model in adapter.target_models)
        for row in adapter.mapping_rows():
            line = rows.get((heading, row.legacy))
            if line is not None:
                assert ("**dropped**" in line) == (row.kind == "dropped"), line
                checked += 1
    assert checked == len(rows) > 50  # every table row belongs to a model adapter's row


def test_the_guide_names_the_nova3_models_with_their_own_notes() -> None:
    tables = render_tables()
    assert "### `nova-3`, `nova-3-general`, `nova-3-medical`" in tables
    assert "Nova-3 General only" in tables and "Nova-3 Medical only" in tables
    assert "per minute" in tables
    assert (ROOT / "MIGRATION.md").read_text(encoding="utf-8").count("`processing`") >= 1
