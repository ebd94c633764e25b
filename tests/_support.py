"""Constants and helpers shared by the tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import json
import pathlib
from typing import Any

from legacy_stt import PollPolicy

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
REFERENCE = ROOT.parent / "shared" / "reference" / "aimlapi-stt"

#: A key distinctive enough that finding it anywhere means it leaked.
SECRET_KEY = "sk-lstt-test-7f3a9c1e5b2d4f6a8c0e"

#: Polls quickly so tests against short emulator jobs stay fast.
FAST_POLLS = PollPolicy(first_delay=0.01, backoff_factor=1.5, max_delay=0.05, jitter=0.0)


def load_example(relative: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / relative).read_text())


def valid_examples() -> list[pathlib.Path]:
    """Complete JSON payloads (valid/) and the form fields of multipart uploads (uploads/)."""
    return sorted((EXAMPLES / "valid").glob("*.json")) + sorted(
        (EXAMPLES / "uploads").glob("*.json")
    )


def audio_for(example: pathlib.Path) -> Any:
    """The audio an example needs: upload examples get the bundled WAV (stereo for multichannel)."""
    if example.parent.name != "uploads":
        return None
    payload = json.loads(example.read_text())
    name = "beeps-stereo.wav" if payload.get("multi_channel") else "beeps.wav"
    return EXAMPLES / "audio" / name


def transcript(body: dict[str, Any], channel: int = 0) -> str:
    return body["results"]["channels"][channel]["alternatives"][0]["transcript"]
