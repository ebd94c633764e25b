"""``legacy-stt migrate`` (show the create body for a target) and ``legacy-stt models``."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ..exceptions import PayloadError
from ._common import UsageError, read_payload

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
        "payload", metavar="PAYLOAD", help="legacy JSON payload file ('-' reads standard input)"
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
    from .. import deprecations
    from ..planning import plan_request

    payload = read_payload(args.payload)
    if args.target is not None:
        require_target(args.target)
    plan = plan_request(payload, upload_given=args.uploads, target=args.target, strict=args.strict)
    for notice in plan.notices:
        deprecations.warn(notice.message, notice.category)
    body = dict(plan.body)
    if plan.report.embedded_audio is not None or args.uploads:
        # Shown, not sent: make clear where the file goes in the multipart request.
        body = {**body, plan.upload_field: "<the audio file, as a multipart upload>"}
    json.dump(body, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return 0


def require_target(model: str) -> None:
    from ..registry import default_registry

    try:
        default_registry.adapter_for_target(model)
    except PayloadError as error:
        raise UsageError(f"--target: {error.problems[0].message}") from None


def model_table() -> list[dict[str, Any]]:
    """Every installed model adapter's models and parameter table, as plain data."""
    from ..registry import default_registry

    rows = []
    for adapter in default_registry.adapters():
        rows.append(
            {
                "adapter": adapter.name,
                "models": list(adapter.target_models),
                "legacy_models": list(adapter.legacy_models),
                "upload_field": adapter.upload_field,
                "parameters": [row._asdict() for row in adapter.mapping_rows()],
            }
        )
    return rows


def run_models(args: argparse.Namespace, out: TextIO) -> int:
    from ..registry import default_registry

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
        rows = entry["parameters"]
        passed = [row["legacy"] for row in rows if row["kind"] == "passed"]
        if passed:
            out.write(f"  taken as they are: {', '.join(passed)}\n")
        for kind in ("renamed", "transformed", "dropped"):
            chosen = [row for row in rows if row["kind"] == kind]
            if chosen:
                out.write(f"  {kind}:\n")
                for row in chosen:
                    out.write(f"    {_describe_row(row)}\n")
        out.write("\n")
    for name, reason in default_registry.broken.items():
        out.write(f"broken plug-in {name}: {reason}\n")
    return 0


def _describe_row(row: dict[str, Any]) -> str:
    if row["kind"] == "passed":
        return row["legacy"]
    if row["kind"] == "dropped":
        return row["legacy"] + (f" ({row['note']})" if row.get("note") else "")
    text = f"{row['legacy']} -> {row['target']}"
    return text + (f" ({row['note']})" if row.get("note") else "")
