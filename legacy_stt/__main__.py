"""``python -m legacy_stt``: the legacy-stt command."""

from .cli import main

raise SystemExit(main())
