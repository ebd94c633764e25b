"""``python -m legacy_stt.cli``."""

from . import main

raise SystemExit(main())
