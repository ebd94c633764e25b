"""The documentation says what the code does."""

from __future__ import annotations

from _support import ROOT

from legacy_stt.cli.migration_guide import BEGIN, END, main, render_tables, splice


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
