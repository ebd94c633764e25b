"""``legacy-stt migrate`` (show the create body for a target) and ``legacy-stt models``."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any, TextIO

from .._text import printable
from ..exceptions import PayloadError
from ._common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    UsageError,
    one_line,
    print_error,
)

__all__ = ["add_migration_parsers"]


def add_migration_parsers(commands: argparse._SubParsersAction) -> None:
    migrate = commands.add_parser(
        "migrate",
        help="print the create body a legacy payload becomes for a target model",
        description=(
            "Translate a legacy payload to the create body of a two-step model, exactly as the client "
            "would send it. The body goes to standard output, what changed to standard error."
        ),
    )
    migrate.add_argument(
        "payload",
        metavar="PAYLOAD",
        nargs="+",
        help="legacy payload file (.json: one payload or an array; .jsonl/.ndjson: one per line), "
        "directory, or '-' for standard input; several payloads print one body per line",
    )
    migrate.add_argument(
        "--target",
        metavar="MODEL",
        help="model to move to (default: the payload's own model family)",
    )
    migrate.add_argument(
        "--uploads",
        action="store_true",
        help="the audio is uploaded as a separate file, so no `url` is needed",
    )
    migrate.add_argument(
        "--strict",
        action="store_true",
        help="refuse translations that drop parameters, instead of warning",
    )
    migrate.set_defaults(handler=run_migrate)

    models = commands.add_parser(
        "models",
        help="list the models the installed model adapters serve, with their parameter tables",
        description=(
            "List every model the installed model adapters can send to, and for each which legacy "
            "parameters it takes as they are, renames or transforms, and drops."
        ),
    )
    models.add_argument("--format", choices=("text", "json"), default="text")
    models.set_defaults(handler=run_models)


def run_migrate(args: argparse.Namespace, out: TextIO) -> int:
    """Translate every payload the paths hold: one body, indented; several, one per line.

    Inputs are read as ``check`` and ``transcribe`` read them
    (``legacy_stt.payloads.inputs``). A payload that cannot be translated is an
    error line naming its source; the others are still printed.
    """
    import sys

    from ..payloads.inputs import MAX_FILE_BYTES, STDIN, InputProblem, InputReader, Payload, Skipped

    if args.target is not None:
        require_target(args.target)
    paths: list[str] = args.payload
    for path in paths:
        if path != STDIN and not os.path.exists(path):
            raise UsageError(f"payload file not found: {printable(path)}")
    if paths.count(STDIN) > 1:
        raise UsageError("standard input ('-') can be given only once")
    reader = InputReader(
        stdin=lambda: sys.stdin.buffer.read(MAX_FILE_BYTES + 1),
        files_first=True,
    )
    err = sys.stderr
    first: Payload | None = None  # held back until a second payload says the output is lines
    several = False
    failed = unreadable = 0
    for event in reader.read_all(paths):
        if isinstance(event, Skipped):
            print(f"{PROG}: skipped {printable(event.path)}: {printable(event.reason)}", file=err)
        elif isinstance(event, InputProblem):
            if event.code == "unreadable":
                unreadable += 1
                print_error(event.message, err)
            else:
                failed += 1
                print_error(f"{event.source}: {event.describe()}", err)
        elif isinstance(event, Payload):
            if first is None and not several:
                first = event
                continue
            if first is not None:
                several = True
                failed += not _migrate_one(first, args, out, err, lines=True)
                first = None
            failed += not _migrate_one(event, args, out, err, lines=True)
    if first is not None:
        # One payload: the indented body and plain warnings, as for a single payload file.
        failed += not _migrate_one(first, args, out, err, lines=False)
    elif not several and not failed and not unreadable:
        raise UsageError("no payload found in " + printable(", ".join(paths)))
    if unreadable:
        return EXIT_USAGE
    return EXIT_FAILED if failed else EXIT_OK


def _migrate_one(
    payload: Any, args: argparse.Namespace, out: TextIO, err: TextIO, *, lines: bool
) -> bool:
    """Print one payload's create body; False (and an error line) if it cannot be translated."""
    from .. import deprecations
    from ..payloads.planning import plan_request

    try:
        plan = plan_request(
            payload.value, upload_given=args.uploads, target=args.target, strict=args.strict
        )
    except PayloadError as error:
        error.source = payload.source  # type: ignore[attr-defined]
        print_error(one_line(error), err)
        return False
    for notice in plan.notices:
        # Several payloads: each warning names its payload (the same text is not one warning).
        message = f"{payload.source}: {notice.message}" if lines else notice.message
        deprecations.warn(message, notice.category)
    body = dict(plan.body)
    if plan.report.embedded_audio is not None or args.uploads:
        # Shown, not sent: make clear where the file goes in the multipart request.
        body = {**body, plan.upload_field: "<the audio file, as a multipart upload>"}
    if lines:
        out.write(json.dumps(body, ensure_ascii=False) + "\n")
    else:
        json.dump(body, out, indent=2, ensure_ascii=False)
        out.write("\n")
    return True


def require_target(model: str) -> None:
    from ..adapters.registry import default_registry

    try:
        default_registry.adapter_for_target(model)
    except PayloadError as error:
        raise UsageError(f"--target: {error.problems[0].message}") from None


def model_table() -> list[dict[str, Any]]:
    """Every installed model adapter's models and parameter table, as plain data."""
    from ..adapters.registry import default_registry

    rows = []
    for adapter in default_registry.adapters():
        rows.append(
            {
                "adapter": adapter.name,
                "models": list(adapter.target_models),
                "legacy_models": list(adapter.legacy_models),
                "upload_field": adapter.upload_field,
                "model_notes": {model: list(notes) for model, notes in adapter.model_notes.items()},
                "parameters": [row._asdict() for row in adapter.mapping_rows()],
            }
        )
    return rows


# The order and words of the groups `legacy-stt models` prints, after the passed-through names.
_KIND_HEADINGS = (
    ("renamed", "renamed"),
    ("transformed", "renamed, value converted"),
    ("not-needed", "not needed (the target does it anyway; the note says when)"),
    ("dropped", "dropped"),
)


def run_models(args: argparse.Namespace, out: TextIO) -> int:
    import warnings

    from ..adapters.registry import default_registry
    from ..deprecations import PluginWarning

    # The listing names each broken plug-in itself; the registry's warning would say it twice.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        table = model_table()
    if args.format == "json":
        document = {"adapters": table, "broken_plugins": default_registry.broken}
        json.dump(document, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    for entry in table:
        out.write(f"{entry['adapter']}: {', '.join(entry['models'])}\n")
        if entry["legacy_models"]:
            out.write(f"  runs legacy payloads of: {', '.join(entry['legacy_models'])}\n")
        out.write(f"  upload field: {entry['upload_field']}\n")
        for model, notes in entry["model_notes"].items():
            for note in notes:
                out.write(f"  {model}: {note}\n")
        rows = entry["parameters"]
        passed = [row["legacy"] for row in rows if row["kind"] == "passed"]
        if passed:
            out.write(f"  taken as they are: {', '.join(passed)}\n")
        headings = dict(_KIND_HEADINGS)
        for row in rows:
            if row["kind"] != "passed":
                headings.setdefault(row["kind"], row["kind"])  # a kind of a plug-in's own rules
        for kind, heading in headings.items():
            chosen = [row for row in rows if row["kind"] == kind]
            if chosen:
                out.write(f"  {heading}:\n")
                for row in chosen:
                    out.write(f"    {_describe_row(row)}\n")
        off = [row["legacy"] for row in rows if row.get("off_is_default")]
        if off:
            out.write(f"  not needed when false (the target never does these): {', '.join(off)}\n")
        out.write("\n")
    for name, reason in default_registry.broken.items():
        out.write(f"broken plug-in {name}: {reason}\n")
    return 0


def _describe_row(row: dict[str, Any]) -> str:
    if row["kind"] == "passed":
        return row["legacy"]
    if row["target"] is None:
        return row["legacy"] + (f" ({row['note']})" if row.get("note") else "")
    text = f"{row['legacy']} -> {row['target']}"
    return text + (f" ({row['note']})" if row.get("note") else "")
