"""Throughput of ``legacy-stt check`` against ``check-jsonschema`` on a corpus of legacy payloads.

What it measures
----------------
A reproducible corpus of legacy ``POST /v1/stt`` request bodies (10,000 by default; about 70%
valid, 30% invalid in a dozen different ways) is written under ``benchmarks/.corpus/``: every
payload as a pretty-printed ``.json`` file (subdirectories of at most 1,000 files) and all of
them as one ``corpus.jsonl``. It is regenerated only when missing or when ``--seed``/``--count``
(or this generator) changed.

Then, with wall-clock time of whole processes (start-up included, output discarded):

* ``check-jsonschema --schemafile schemas/legacy-request.schema.json FILE...`` over all the
  files in one process: the baseline, validating with the same legacy-request schema;
* the same with ``noref.schema.json``, the legacy-request schema with every ``$ref``
  inlined (written next to the corpus): it accepts exactly the same payloads, and
  check-jsonschema runs it faster, so it is the stronger baseline and the one the goal is
  measured against;
* the floor for this language: a plain Python loop that reads each file, ``json.loads`` it
  and validates it with jsonschema-rs (a compiled validator; ``rs_floor.py``, written next
  to the corpus), whose time legacy-stt's is given as a multiple of;
* ``legacy-stt check --format json --quiet FILE...`` on the very same argument list
  (apples to apples), on the corpus directory, and on ``corpus.jsonl``, as a user runs it
  (``--jobs auto``, the default: the files shared among the usable CPUs), and the file list
  and the directory again with ``--jobs 1`` (one process, like the baseline and the floor);
* check-jsonschema (both schemas) and legacy-stt on a single valid payload file, where
  process start-up dominates.

Every measurement gets one untimed warm-up run, then ``--runs`` timed runs (``--single-runs``
for the single file), interleaved between the tools (the order rotates every round) so
that noise on a shared machine hits all of them alike. The table gives medians (and
min/max), microseconds per payload, payloads per second, the throughput ratios and whether
the goals are met: at least 4x the throughput of check-jsonschema with the ``$ref``-free
schema on the files, no slower than check-jsonschema on a single file, and within 3x of
the jsonschema-rs loop. Finally an untimed pass counts how many files each tool flags,
per kind of defect (check-jsonschema only sees what the schema can express).

How to run it
-------------
From a checkout, after ``python -m pip install .``::

    python benchmarks/lint_corpus.py                 # full run: 10,000 payloads, 5 runs
    python benchmarks/lint_corpus.py --count 500 --runs 2
    python benchmarks/lint_corpus.py --json > figures.json

``check-jsonschema`` (and ``jsonschema-rs``, for the floor) are used from this
interpreter's environment or ``PATH`` if they are there; otherwise they are installed into
a dedicated virtual environment, ``benchmarks/.tools/`` (``--check-jsonschema PATH`` names
an executable instead, ``--no-install`` forbids the installation; without jsonschema-rs
the floor is not timed). ``legacy-stt`` is looked up the same way
(``--legacy-stt PATH``); if it has no ``check`` command, only the baseline is timed.

Standard library only; Python 3.9+.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import urllib.parse
import venv
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BenchmarkError, Stats, machine_info, run_timed

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SCHEMA_PATH = REPO_ROOT / "schemas" / "legacy-request.schema.json"
DEFAULT_CORPUS_DIR = BENCH_DIR / ".corpus"
DEFAULT_TOOLS_DIR = BENCH_DIR / ".tools"

#: Bump whenever the generator's output changes, so that stored corpora are rebuilt.
GENERATOR_VERSION = 1
DEFAULT_SEED = 20260821
DEFAULT_COUNT = 10_000
FILES_PER_DIR = 1000
VALID_SHARE = 0.7
FILES_DIR = "files"
JSONL_NAME = "corpus.jsonl"
MANIFEST_NAME = "manifest.json"
LABELS_NAME = "labels.json"

GOAL_FILES_RATIO = 4.0  # against check-jsonschema with the $ref-free schema
GOAL_SINGLE_RATIO = 1.0
GOAL_FLOOR_MULTIPLE = 3.0  # legacy-stt's time / the jsonschema-rs loop's
NOREF_SCHEMA_NAME = "noref.schema.json"
FLOOR_SCRIPT_NAME = "rs_floor.py"

Payload = dict[str, Any]

# ---------------------------------------------------------------------------
# the corpus


def _load_schema_vocabulary() -> dict[str, Any]:
    """Model ids and parameter names of each family, read from the legacy-request schema."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    return {
        "deepgram_models": list(defs["deepgramModel"]["enum"]),
        "assemblyai_models": list(defs["assemblyaiModel"]["enum"]),
        "openai_models": list(defs["openaiModel"]["enum"]),
        "deepgram_parameters": sorted(defs["deepgramParameters"]["properties"]),
        "assemblyai_parameters": sorted(defs["assemblyaiParameters"]["properties"]),
        "openai_parameters": sorted(defs["openaiParameters"]["properties"]),
        "pii_policies": list(
            defs["assemblyaiParameters"]["properties"]["redact_pii_policies"]["items"]["enum"]
        ),
    }


_HOSTS = (
    "example.com",
    "cdn.example.com",
    "media.example.org",
    "storage.example.net",
    "recordings.example.io",
    "calls.example.co.uk",
)
_FOLDERS = (
    "audio",
    "calls/2025",
    "uploads",
    "podcasts",
    "voicemail",
    "meetings/weekly",
    "support/inbound",
    "lectures",
)
_STEMS = (
    "support-call",
    "weekly-sync",
    "earnings-q3",
    "interview",
    "voicemail",
    "dictation",
    "product-demo",
    "lecture",
    "podcast-ep",
    "drive-thru-order",
    "in-car-command",
    "standup",
)
_EXTENSIONS = ("mp3", "mp3", "mp3", "wav", "wav", "m4a", "mp4", "flac", "ogg", "webm")
_LANGUAGES = ("en", "en", "en-US", "en-GB", "es", "de", "fr", "pt-BR", "nl", "hi", "ja", "it")
_AAI_LANGUAGES = ("en_us", "en_us", "en", "en_uk", "es", "de", "fr", "pt", "nl", "it")
_LABELS = (
    "pricing",
    "support",
    "billing",
    "refund",
    "cancellation",
    "onboarding",
    "shipping",
    "complaint",
)
_INTENTS = ("book appointment", "cancel order", "ask for refund", "speak to agent", "pay bill")
_TAGS = ("finance", "q3", "support", "eu", "batch-7", "priority", "team-a", "nightly")
_KEYWORDS = ("acme:2", "nova:1.5", "widget:3", "kubernetes:2", "zorblax:-1")
_SEARCH = ("refund", "account number", "thank you", "cancel")
_PROMPTS = (
    "A customer support call about a delayed order.",
    "Technical terms: Kubernetes, PostgreSQL, gRPC.",
    "Meeting notes; speakers are Ana and Ben.",
)
_WORD_BOOST = ("Acme", "Zorblax", "PostgreSQL", "Kubernetes", "Nova")
_BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

#: Kinds of invalid payload and their relative weights. Every invalid payload is a valid one
#: with exactly one defect.
INVALID_KINDS: tuple[tuple[str, int], ...] = (
    ("type-diarize", 3),  # "diarize": "yes"
    ("type-tag", 2),  # "tag": "finance"
    ("type-utt_split", 2),  # "utt_split": "0.8"
    ("enum-mode", 2),  # "custom_topic_mode": "loose"
    ("unknown-parameter", 4),  # "diarise", "punctuation", "smartformat", ...
    ("model-near-miss", 3),  # "g1_nova-2-general", "whisper-large", "deepgram/nova-3"
    ("url-missing", 3),  # nothing to transcribe
    ("url-object", 1),  # "url": {"href": ...}
    ("url-not-http", 2),  # "s3://...", "gs://...", "ftp://..."
    ("audio-base64", 2),  # base64 audio embedded as a string
    ("openai-parameter-on-nova", 2),  # "response_format" on a nova-2 model
    ("model-missing", 2),
    ("assemblyai-enum", 1),  # "boost_param": "medium"
    ("openai-out-of-range", 1),  # "temperature": 1.5
)


class _Generator:
    """Builds payloads from one ``random.Random``; the same seed gives the same corpus."""

    def __init__(self, rng: random.Random, vocabulary: dict[str, Any]) -> None:
        self.rng = rng
        self.vocabulary = vocabulary
        models = vocabulary["deepgram_models"]
        self.nova_models = [model for model in models if "nova-2" in model]
        self.whisper_models = [model for model in models if "whisper" in model]

    # -- pieces

    def url(self) -> str:
        rng = self.rng
        address = (
            f"https://{rng.choice(_HOSTS)}/{rng.choice(_FOLDERS)}/"
            f"{rng.choice(_STEMS)}-{rng.randint(1, 99999):05d}.{rng.choice(_EXTENSIONS)}"
        )
        if rng.random() < 0.25:
            address += f"?sig={rng.getrandbits(64):016x}&expires={rng.randint(1_700_000_000, 1_900_000_000)}"
        return address

    def labels(self, pool: Sequence[str], most: int = 3) -> list[str]:
        return self.rng.sample(list(pool), self.rng.randint(1, most))

    def option_count(self) -> int:
        """How many options besides ``model`` and ``url``: 0..8, mostly a few."""
        return self.rng.choices(range(9), weights=(8, 16, 18, 16, 12, 8, 5, 3, 2))[0]

    # -- valid payloads per family

    def deepgram_options(self, whisper: bool) -> Payload:
        rng = self.rng
        makers: dict[str, Callable[[], Payload]] = {
            "punctuate": lambda: {"punctuate": rng.random() < 0.9},
            "smart_format": lambda: {"smart_format": rng.random() < 0.9},
            "diarize": lambda: (
                {"diarize": True, "diarize_version": rng.choice(("latest", "2021-07-14.0"))}
                if rng.random() < 0.2
                else {"diarize": rng.random() < 0.85}
            ),
            "language": lambda: {"language": rng.choice(_LANGUAGES)},
            "detect_language": lambda: {"detect_language": True},
            "paragraphs": lambda: {"paragraphs": True},
            "numerals": lambda: {"numerals": rng.random() < 0.8},
            "utterances": lambda: (
                {"utterances": True, "utt_split": rng.choice((0.5, 0.8, 1.0, 1.5, 2))}
                if rng.random() < 0.4
                else {"utterances": True}
            ),
            "tag": lambda: {"tag": self.labels(_TAGS)},
            "extra": lambda: {"extra": f"team:{rng.choice(('support', 'sales', 'ops'))}"},
            "profanity_filter": lambda: {"profanity_filter": rng.random() < 0.5},
            "filler_words": lambda: {"filler_words": rng.random() < 0.5},
            "measurements": lambda: {"measurements": True},
            "dictation": lambda: {"dictation": True},
            "multi_channel": lambda: {"multi_channel": rng.random() < 0.5},
            "keywords": lambda: {"keywords": rng.choice(_KEYWORDS)},
            "search": lambda: {"search": rng.choice(_SEARCH)},
            "detect_entities": lambda: {"detect_entities": True},
            "detect_topics": lambda: {"detect_topics": True},
            "topics": lambda: {"topics": True},
            "intents": lambda: {"intents": True},
            "sentiment": lambda: {"sentiment": True},
            "summarize": lambda: {"summarize": "v2"},
            "custom_topic": lambda: (
                {
                    "custom_topic": self.labels(_LABELS),
                    "custom_topic_mode": rng.choice(("strict", "extended")),
                }
                if rng.random() < 0.6
                else {"custom_topic": rng.choice(_LABELS)}
            ),
            "custom_intent": lambda: (
                {
                    "custom_intent": rng.choice(_INTENTS),
                    "custom_intent_mode": rng.choice(("strict", "extended")),
                }
                if rng.random() < 0.6
                else {"custom_intent": self.labels(_INTENTS, 2)}
            ),
        }
        if whisper:  # whisper callers used the plain transcription options
            names = [
                "language",
                "punctuate",
                "paragraphs",
                "smart_format",
                "diarize",
                "detect_language",
                "numerals",
                "utterances",
                "tag",
                "extra",
            ]
        else:
            names = list(makers)
        options: Payload = {}
        wanted = self.option_count()
        for name in rng.sample(names, min(wanted, len(names))):
            if len(options) >= wanted:
                break
            if name == "detect_language" and "language" in options:
                continue
            if name == "language" and "detect_language" in options:
                continue
            options.update(makers[name]())
        return options

    def deepgram(self, model: str | None = None) -> Payload:
        if model is None:
            family = self.rng.choices(("nova", "whisper"), weights=(78, 22))[0]
            model = self.rng.choice(self.nova_models if family == "nova" else self.whisper_models)
        payload: Payload = {"model": model, "url": self.url()}
        payload.update(self.deepgram_options(whisper="whisper" in model))
        return payload

    def nova(self) -> Payload:
        return self.deepgram(self.rng.choice(self.nova_models))

    def assemblyai(self) -> Payload:
        rng = self.rng
        model = rng.choice(self.vocabulary["assemblyai_models"])
        payload: Payload = {"model": model, "url": self.url()}
        makers: list[Callable[[], Payload]] = [
            lambda: {"language_code": rng.choice(_AAI_LANGUAGES)},
            lambda: {"punctuate": True, "format_text": True},
            lambda: (
                {"speaker_labels": True, "speakers_expected": rng.randint(2, 6)}
                if rng.random() < 0.5
                else {"speaker_labels": True}
            ),
            lambda: {
                "word_boost": self.labels(_WORD_BOOST),
                "boost_param": rng.choice(("low", "default", "high")),
            },
            lambda: {
                "redact_pii": True,
                "redact_pii_policies": self.labels(self.vocabulary["pii_policies"], 4),
                "redact_pii_sub": rng.choice(("entity_name", "hash")),
            },
            lambda: {
                "summarization": True,
                "summary_model": rng.choice(("informative", "conversational", "catchy")),
                "summary_type": rng.choice(
                    ("bullets", "bullets_verbose", "gist", "headline", "paragraph")
                ),
            },
            lambda: {
                "audio_start_from": 1000 * rng.randint(0, 30),
                "audio_end_at": 1000 * rng.randint(60, 900),
            },
            lambda: {"disfluencies": rng.random() < 0.5},
            lambda: {"filter_profanity": True},
            lambda: {"sentiment_analysis": True},
            lambda: {"entity_detection": True},
            lambda: {"content_safety": True},
            lambda: {"iab_categories": True},
            lambda: {"auto_highlights": True},
            lambda: {"speech_threshold": rng.choice((0.1, 0.2, 0.5))},
            lambda: {"custom_spelling": [{"from": rng.choice(("akme", "acmee")), "to": "Acme"}]},
        ]
        if model == "aai/universal":
            makers.append(
                lambda: {
                    "language_detection": True,
                    "language_confidence_threshold": rng.choice((0.4, 0.6, 0.8)),
                }
            )
        wanted = self.option_count()
        for make in rng.sample(makers, min(wanted, len(makers))):
            if len(payload) - 2 >= wanted:
                break
            options = make()
            if "language_detection" in options and "language_code" in payload:
                continue
            if "language_code" in options and "language_detection" in payload:
                continue
            payload.update(options)
        return payload

    def openai(self) -> Payload:
        rng = self.rng
        payload: Payload = {
            "model": rng.choice(self.vocabulary["openai_models"]),
            "url": self.url(),
        }
        makers: list[Callable[[], Payload]] = [
            lambda: {"language": rng.choice(("en", "de", "fr", "es", "ja"))},
            lambda: {"prompt": rng.choice(_PROMPTS)},
            lambda: {"temperature": rng.choice((0, 0.2, 0.5, 1))},
        ]
        for make in rng.sample(makers, rng.randint(0, len(makers))):
            payload.update(make())
        return payload

    def valid(self) -> Payload:
        family = self.rng.choices(("deepgram", "assemblyai", "openai"), weights=(84, 9, 7))[0]
        return {"deepgram": self.deepgram, "assemblyai": self.assemblyai, "openai": self.openai}[
            family
        ]()

    # -- invalid payloads: a valid one with one defect

    def _put(self, payload: Payload, name: str, value: Any) -> Payload:
        """``payload`` with ``name`` set to ``value`` at a random position (as people write them)."""
        payload.pop(name, None)
        items = list(payload.items())
        items.insert(self.rng.randint(1, len(items)), (name, value))
        return dict(items)

    def invalid(self, kind: str) -> Payload:
        rng = self.rng
        if kind == "type-diarize":
            return self._put(
                self.deepgram(), "diarize", rng.choice(("yes", "true", "True", "1", "on"))
            )
        if kind == "type-tag":
            return self._put(self.nova(), "tag", rng.choice(_TAGS))
        if kind == "type-utt_split":
            payload = self._put(self.deepgram(), "utterances", True)
            return self._put(payload, "utt_split", rng.choice(("0.8", "1", "1.5s", "short")))
        if kind == "enum-mode":
            payload = self.nova()
            if rng.random() < 0.6:
                payload = self._put(payload, "custom_topic", self.labels(_LABELS))
                return self._put(
                    payload, "custom_topic_mode", rng.choice(("loose", "fuzzy", "Strict"))
                )
            payload = self._put(payload, "custom_intent", rng.choice(_INTENTS))
            return self._put(
                payload, "custom_intent_mode", rng.choice(("loose", "extend", "STRICT"))
            )
        if kind == "unknown-parameter":
            name, value = rng.choice(
                (
                    ("diarise", True),
                    ("punctuation", True),
                    ("smartformat", True),
                    ("smart_formatting", True),
                    ("detect_langauge", True),
                    ("paragraph", True),
                    ("utterance", True),
                    ("tags", ["support"]),
                    ("speaker_labels", True),  # an AssemblyAI name on a nova-2 model
                )
            )
            return self._put(self.nova(), name, value)
        if kind == "model-near-miss":
            near_miss = rng.choice(
                (
                    "g1_nova-2-general",
                    "nova-2-general",
                    "#g1_nova-2",
                    "deepgram/nova-3",
                    "deepgram/nova-2",
                    "whisper-large",
                    "#g1_whisper-large-v3",
                    "#g1_nova-2-meetings",
                    "#G1_NOVA-2-GENERAL",
                )
            )
            payload = self.deepgram()
            payload["model"] = near_miss
            return payload
        if kind == "url-missing":
            payload = self.deepgram()
            del payload["url"]
            if len(payload) == 1:
                payload = self._put(payload, "punctuate", True)
            return payload
        if kind == "url-object":
            payload = self.deepgram()
            payload["url"] = {"href": payload["url"]}
            return payload
        if kind == "url-not-http":
            payload = self.deepgram()
            path = urllib.parse.urlsplit(payload["url"]).path
            payload["url"] = rng.choice(
                (
                    f"s3://acme-recordings{path}",
                    f"gs://acme-audio{path}",
                    f"ftp://files.example.com{path}",
                    f"file:///var/recordings{path}",
                    path.lstrip("/"),
                )
            )
            return payload
        if kind == "audio-base64":
            payload = self.deepgram()
            del payload["url"]
            body = "".join(rng.choice(_BASE64_ALPHABET) for _ in range(4 * rng.randint(20, 200)))
            audio = "UklGR" + body[5:]  # "RIFF..." like a real WAV
            if rng.random() < 0.2:
                audio = "data:audio/wav;base64," + audio
            return self._put(payload, "audio", audio)
        if kind == "openai-parameter-on-nova":
            return self._put(
                self.nova(), "response_format", rng.choice(("verbose_json", "json", "srt", "text"))
            )
        if kind == "model-missing":
            payload = self.valid()
            del payload["model"]
            return payload
        if kind == "assemblyai-enum":
            payload = self.assemblyai()
            if rng.random() < 0.5:
                payload = self._put(payload, "word_boost", self.labels(_WORD_BOOST))
                return self._put(payload, "boost_param", rng.choice(("medium", "max", "HIGH")))
            payload = self._put(payload, "summarization", True)
            return self._put(payload, "summary_type", rng.choice(("short", "bullet", "summary")))
        if kind == "openai-out-of-range":
            return self._put(self.openai(), "temperature", rng.choice((1.5, 2, -0.2)))
        raise ValueError(f"unknown kind of invalid payload: {kind}")


def generate_payloads(seed: int, count: int) -> list[tuple[str, Payload]]:
    """``count`` (kind, payload) pairs; kind is ``"valid"`` or one of ``INVALID_KINDS``."""
    rng = random.Random(seed)
    generator = _Generator(rng, _load_schema_vocabulary())
    invalid_count = round(count * (1 - VALID_SHARE))
    names = [name for name, _ in INVALID_KINDS]
    weights = [weight for _, weight in INVALID_KINDS]
    kinds = ["valid"] * (count - invalid_count) + rng.choices(
        names, weights=weights, k=invalid_count
    )
    rng.shuffle(kinds)
    return [
        (kind, generator.valid() if kind == "valid" else generator.invalid(kind)) for kind in kinds
    ]


@dataclass
class Corpus:
    """A generated corpus on disk; file paths are relative to ``root``."""

    root: Path
    files: list[str]
    kinds: list[str]
    jsonl: str
    single_file: str
    manifest: dict[str, Any]

    @property
    def count(self) -> int:
        return len(self.files)


def _file_name(index: int) -> str:
    return f"{FILES_DIR}/{index // FILES_PER_DIR:03d}/{index:05d}.json"


def _corpus_parameters(seed: int, count: int) -> dict[str, Any]:
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "count": count,
        "files_per_dir": FILES_PER_DIR,
        "valid_share": VALID_SHARE,
        "schema_sha256": hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest(),
    }


def _load_corpus(root: Path, parameters: dict[str, Any]) -> Corpus | None:
    """The stored corpus, if it was generated with ``parameters`` and looks complete."""
    try:
        manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
        kinds = json.loads((root / LABELS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("parameters") != parameters or len(kinds) != parameters["count"]:
        return None
    files = [_file_name(index) for index in range(parameters["count"])]
    if not (root / JSONL_NAME).is_file() or not all((root / name).is_file() for name in files):
        return None
    return Corpus(root, files, kinds, JSONL_NAME, manifest["single_file"], manifest)


def ensure_corpus(root: Path, seed: int, count: int, *, force: bool = False) -> tuple[Corpus, bool]:
    """The corpus for ``seed`` and ``count``, generated unless already on disk; (corpus, generated)."""
    parameters = _corpus_parameters(seed, count)
    if not force:
        stored = _load_corpus(root, parameters)
        if stored is not None:
            return stored, False
    pairs = generate_payloads(seed, count)
    files_root = root / FILES_DIR
    if files_root.exists():
        shutil.rmtree(files_root)
    root.mkdir(parents=True, exist_ok=True)
    (root / MANIFEST_NAME).unlink(missing_ok=True)  # an interrupted run leaves no valid manifest
    files = []
    digest = hashlib.sha256()
    with open(root / JSONL_NAME, "w", encoding="utf-8", newline="\n") as jsonl:
        for index, (_, payload) in enumerate(pairs):
            name = _file_name(index)
            path = root / name
            if index % FILES_PER_DIR == 0:
                path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8", newline="\n")
            line = json.dumps(payload) + "\n"
            jsonl.write(line)
            digest.update(line.encode("utf-8"))
            files.append(name)
    kinds = [kind for kind, _ in pairs]
    single = next((files[i] for i, kind in enumerate(kinds) if kind == "valid"), files[0])
    counts = Counter(kinds)
    manifest = {
        "parameters": parameters,
        "jsonl_sha256": digest.hexdigest(),
        "valid": counts["valid"],
        "invalid": count - counts["valid"],
        "kinds": dict(sorted(counts.items())),
        "single_file": single,
    }
    (root / LABELS_NAME).write_text(json.dumps(kinds) + "\n", encoding="utf-8")
    (root / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return Corpus(root, files, kinds, JSONL_NAME, single, manifest), True


def inline_refs(node: Any, document: dict[str, Any]) -> Any:
    """``node`` with every local ``$ref`` replaced by what it points to (no ``$defs`` left).

    A ``$ref`` with sibling keywords is an in-place applicator in draft 2020-12, so it
    becomes ``allOf: [target]`` beside them: the same payloads pass and fail.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            rest = {
                key: inline_refs(value, document) for key, value in node.items() if key != "$ref"
            }
            inlined = inline_refs(target, document)
            return {"allOf": [inlined], **rest} if rest else inlined
        return {key: inline_refs(value, document) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [inline_refs(item, document) for item in node]
    return node


def write_noref_schema(root: Path) -> Path:
    """The legacy-request schema with its ``$ref``s inlined, written under ``root``."""
    document = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    inlined = inline_refs(document, document)
    if "$ref" in json.dumps(inlined):
        raise BenchmarkError("the inlined schema still has a $ref (a remote one?)")
    path = root / NOREF_SCHEMA_NAME
    path.write_text(json.dumps(inlined, indent=2) + "\n", encoding="utf-8")
    return path


#: The floor: what reading, parsing and validating each file costs in Python with a compiled
#: validator, and nothing else (no messages, no positions, no other checks).
FLOOR_SCRIPT = """\
import json, sys
import jsonschema_rs

with open(sys.argv[1], "rb") as schema:
    validator = jsonschema_rs.validator_for(json.load(schema))
invalid = 0
for path in sys.argv[2:]:
    with open(path, "rb") as file:
        if not validator.is_valid(json.loads(file.read())):
            invalid += 1
print(invalid, "of", len(sys.argv) - 2, "invalid")
"""


# ---------------------------------------------------------------------------
# the tools


@dataclass
class Tool:
    name: str
    argv: list[str]  # how to start it (an executable, or python -m ...)
    version: str = ""
    note: str = ""


def _bin_dir(environment: Path) -> Path:
    return environment / ("Scripts" if os.name == "nt" else "bin")


def _which_near_python(name: str) -> str | None:
    """``name`` from this interpreter's environment, then from ``PATH``."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def _version(argv: Sequence[str]) -> str:
    try:
        completed = subprocess.run(
            [*argv, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    text = (completed.stdout or completed.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def _install_check_jsonschema(tools_dir: Path) -> Path:
    """Create ``tools_dir`` as a virtual environment with check-jsonschema; its executable."""
    print(f"installing check-jsonschema into {tools_dir} (once) ...", file=sys.stderr)
    python = _bin_dir(tools_dir) / ("python.exe" if os.name == "nt" else "python")
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(tools_dir)
        pip = [str(python), "-m", "pip"]
    except (OSError, subprocess.CalledProcessError):
        # No ensurepip (e.g. Debian without python3-venv): let this interpreter's pip install
        # into the new environment.
        venv.EnvBuilder(with_pip=False, clear=True).create(tools_dir)
        pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run(
        [
            *pip,
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "check-jsonschema",
            "jsonschema-rs",
        ],
        check=True,
        stdout=sys.stderr,
    )
    return _bin_dir(tools_dir) / "check-jsonschema"


def find_check_jsonschema(explicit: str | None, tools_dir: Path, install: bool) -> Tool:
    """check-jsonschema: the given executable, an installed one, or one installed in ``tools_dir``."""
    if explicit:
        found = shutil.which(explicit)
        if not found:
            raise SystemExit(f"error: --check-jsonschema {explicit}: no such executable")
        argv, note = [found], "given with --check-jsonschema"
    elif _which_near_python("check-jsonschema"):
        argv, note = [str(_which_near_python("check-jsonschema"))], "already installed"
    elif importlib.util.find_spec("check_jsonschema") is not None:
        argv, note = [sys.executable, "-m", "check_jsonschema"], "already installed"
    elif (_bin_dir(tools_dir) / "check-jsonschema").exists():
        argv, note = [str(_bin_dir(tools_dir) / "check-jsonschema")], f"from {tools_dir}"
    elif install:
        try:
            argv = [str(_install_check_jsonschema(tools_dir))]
        except (OSError, subprocess.CalledProcessError) as error:
            raise SystemExit(
                f"error: could not install check-jsonschema into {tools_dir}: {error}\n"
                "install it yourself (pip install check-jsonschema) or pass --check-jsonschema PATH"
            ) from error
        note = f"installed into {tools_dir}"
    else:
        raise SystemExit(
            "error: check-jsonschema not found and --no-install given; "
            "pip install check-jsonschema or pass --check-jsonschema PATH"
        )
    return Tool("check-jsonschema", argv, _version(argv), note)


def find_floor_python(tools_dir: Path, install: bool) -> Tool | None:
    """An interpreter with jsonschema-rs for the floor loop: this one, the tools' one, or None."""
    if importlib.util.find_spec("jsonschema_rs") is not None:
        return Tool("jsonschema-rs loop", [sys.executable], note="this interpreter")
    python = _bin_dir(tools_dir) / ("python.exe" if os.name == "nt" else "python")
    if not python.exists() and install:
        try:
            _install_check_jsonschema(tools_dir)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"  (could not install jsonschema-rs: {error})", file=sys.stderr)
            return None
    if python.exists():
        probe = subprocess.run(
            [str(python), "-c", "import jsonschema_rs"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return Tool("jsonschema-rs loop", [str(python)], note=f"from {tools_dir}")
    return None


def find_legacy_stt(explicit: str | None) -> Tool | None:
    """legacy-stt, if it has a working ``check`` command; else None."""
    if explicit:
        found = shutil.which(explicit)
        if not found:
            raise SystemExit(f"error: --legacy-stt {explicit}: no such executable")
        argv = [found]
    elif _which_near_python("legacy-stt"):
        argv = [str(_which_near_python("legacy-stt"))]
    elif importlib.util.find_spec("legacy_stt") is not None:
        argv = [sys.executable, "-m", "legacy_stt"]
    else:
        return None
    try:
        completed = subprocess.run(
            [*argv, "check", "--help"], capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    return Tool("legacy-stt check", argv, _version(argv))


# ---------------------------------------------------------------------------
# the commands timed

#: Bytes kept free below ARG_MAX (the kernel also counts pointers and alignment).
_ARG_HEADROOM = 64 * 1024


def _argument_bytes(argv: Sequence[str]) -> int:
    pointer = 8
    arguments = sum(len(os.fsencode(arg)) + 1 + pointer for arg in argv)
    environment = sum(len(os.fsencode(f"{k}={v}")) + 1 + pointer for k, v in os.environ.items())
    return arguments + environment + pointer * 2


def split_for_arg_max(prefix: Sequence[str], paths: Sequence[str]) -> list[list[str]]:
    """``prefix + paths`` as one command, or as several if the arguments exceed ARG_MAX."""
    try:
        limit = int(os.sysconf("SC_ARG_MAX")) - _ARG_HEADROOM
    except (AttributeError, ValueError, OSError):
        limit = 128 * 1024  # conservative (Windows' command line is 32 KiB of characters)
    if _argument_bytes([*prefix, *paths]) <= limit:
        return [[*prefix, *paths]]
    chunks = 2
    while True:
        size = -(-len(paths) // chunks)
        commands = [[*prefix, *paths[i : i + size]] for i in range(0, len(paths), size)]
        if all(_argument_bytes(command) <= limit for command in commands):
            return commands
        chunks += 1


def baseline_commands(
    tool: Tool, corpus: Corpus, schema: Path = SCHEMA_PATH
) -> dict[str, list[list[str]]]:
    """check-jsonschema with ``schema``: all files (one process unless ARG_MAX forbids), one file."""
    prefix = [*tool.argv, "--schemafile", str(schema)]
    return {
        "files": split_for_arg_max(prefix, corpus.files),
        "single": [[*prefix, corpus.single_file]],
    }


def floor_commands(tool: Tool, corpus: Corpus) -> dict[str, list[list[str]]]:
    """The jsonschema-rs loop over the same file list (and one file)."""
    script = corpus.root / FLOOR_SCRIPT_NAME
    script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    prefix = [*tool.argv, str(script), str(SCHEMA_PATH)]
    return {
        "files": split_for_arg_max(prefix, corpus.files),
        "single": [[*prefix, corpus.single_file]],
    }


def ours_commands(tool: Tool, corpus: Corpus) -> dict[str, list[list[str]]]:
    """legacy-stt check: the same file list, the directory, the JSONL file, and one file.

    As a user runs it (``--jobs auto``: the files shared among the usable CPUs), and, where
    the version has ``--jobs``, the file list and the directory in one process too.
    """
    prefix = [*tool.argv, "check", "--format", "json", "--quiet"]
    commands = {
        "files": split_for_arg_max(prefix, corpus.files),
        "directory": [[*prefix, FILES_DIR]],
        "jsonl": [[*prefix, corpus.jsonl]],
        "single": [[*prefix, corpus.single_file]],
    }
    if _has_jobs_option(tool):
        one = [*prefix, "--jobs", "1"]
        commands["files_one"] = split_for_arg_max(one, corpus.files)
        commands["directory_one"] = [[*one, FILES_DIR]]
    return commands


def _has_jobs_option(tool: Tool) -> bool:
    completed = subprocess.run(
        [*tool.argv, "check", "--help"], capture_output=True, text=True, check=False
    )
    return "--jobs" in completed.stdout


@dataclass
class Case:
    key: str
    label: str
    tool: Tool
    commands: list[list[str]]
    payloads: int
    samples: list[float] = field(default_factory=list)

    @property
    def stats(self) -> Stats:
        return Stats(tuple(self.samples))


def time_interleaved(cases: Sequence[Case], runs: int, cwd: Path, what: str) -> None:
    """One warm-up per case, then ``runs`` rounds running every case once, rotating the order."""
    for case in cases:
        print(f"  warm-up: {case.label}", file=sys.stderr)
        run_timed(case.commands, cwd=cwd)
    for round_index in range(runs):
        shift = round_index % len(cases)
        order = list(cases[shift:]) + list(cases[:shift])
        for case in order:
            case.samples.append(run_timed(case.commands, cwd=cwd))
        figures = ", ".join(f"{case.key} {case.samples[-1]:.3f}s" for case in cases)
        print(f"  {what} run {round_index + 1}/{runs}: {figures}", file=sys.stderr)


# ---------------------------------------------------------------------------
# which files each tool flags (untimed)


def _relative(uri: str, base: Path, root: Path) -> str:
    """A tool's name for a file as a path relative to the corpus root."""
    if uri.startswith("file:"):
        uri = urllib.parse.unquote(urllib.parse.urlsplit(uri).path)
        if os.name == "nt" and uri.startswith("/"):
            uri = uri[1:]
    path = Path(uri)
    if not path.is_absolute():
        path = base / path
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path.as_posix()


def _capture(commands: Iterable[Sequence[str]], cwd: Path) -> list[str]:
    outputs = []
    for command in commands:
        completed = subprocess.run(
            list(command), cwd=cwd, capture_output=True, text=True, check=False
        )
        if completed.returncode not in (0, 1):
            raise BenchmarkError(
                f"`{' '.join(command[:6])} ...` exited with status {completed.returncode}:\n"
                f"{completed.stderr.strip()[-2000:]}"
            )
        outputs.append(completed.stdout)
    return outputs


def flagged_by_check_jsonschema(tool: Tool, corpus: Corpus) -> set[str]:
    """Files check-jsonschema rejects (schema errors or parse errors), from its JSON output."""
    prefix = [*tool.argv, "--output-format", "json", "--schemafile", str(SCHEMA_PATH)]
    flagged: set[str] = set()
    for output in _capture(split_for_arg_max(prefix, corpus.files), corpus.root):
        report = json.loads(output)
        for entry in report.get("errors", []) + report.get("parse_errors", []):
            flagged.add(_relative(entry["filename"], corpus.root, corpus.root))
    return flagged


def _sarif_files(output: str, root: Path) -> tuple[set[str], set[str]]:
    """(files with errors, files with warnings) from a SARIF 2.1.0 log."""
    errors: set[str] = set()
    warnings: set[str] = set()
    log = json.loads(output)
    for run in log.get("runs", []):
        bases = {
            name: Path(_relative(value.get("uri", ""), root, root))
            for name, value in (run.get("originalUriBaseIds") or {}).items()
            if isinstance(value, dict)
        }
        for result in run.get("results", []):
            level = result.get("level", "warning")  # SARIF's default level
            for location in result.get("locations", []):
                artifact = location.get("physicalLocation", {}).get("artifactLocation", {})
                if "uri" not in artifact:
                    continue
                base = root / bases.get(artifact.get("uriBaseId", ""), Path())
                name = _relative(artifact["uri"], base, root)
                if level == "error":
                    errors.add(name)
                elif level == "warning":
                    warnings.add(name)
    return errors, warnings


def _github_files(output: str, root: Path) -> tuple[set[str], set[str]]:
    """(files with errors, files with warnings) from GitHub workflow commands (::error file=...)."""
    errors: set[str] = set()
    warnings: set[str] = set()
    for line in output.splitlines():
        if not line.startswith(("::error ", "::warning ")):
            continue
        command, _, rest = line[2:].partition(" ")
        properties = rest.split("::", 1)[0]
        for item in properties.split(","):
            key, _, value = item.partition("=")
            if key.strip() == "file":
                value = value.replace("%2C", ",").replace("%3A", ":").replace("%25", "%")
                (errors if command == "error" else warnings).add(_relative(value, root, root))
    return errors, warnings


def flagged_by_ours(tool: Tool, corpus: Corpus) -> tuple[set[str], set[str]] | None:
    """(files with errors, files with warnings only) by legacy-stt check; None if unreadable.

    Read from the SARIF output (GitHub annotations as a fallback): standard formats, so this
    does not depend on the shape of ``--format json``. ``--strict`` changes only the exit
    status (warnings fail too), so "flagged under --strict" is errors + warnings.
    """
    for format_name, parse in (("sarif", _sarif_files), ("github", _github_files)):
        prefix = [*tool.argv, "check", "--format", format_name]
        try:
            outputs = _capture(split_for_arg_max(prefix, corpus.files), corpus.root)
            errors: set[str] = set()
            warnings: set[str] = set()
            for output in outputs:
                found_errors, found_warnings = parse(output, corpus.root)
                errors |= found_errors
                warnings |= found_warnings
        except (BenchmarkError, ValueError, AttributeError, TypeError) as error:
            print(f"  (could not read --format {format_name} output: {error})", file=sys.stderr)
            continue
        if errors or warnings or format_name == "github":
            return errors, warnings - errors
    return None


# ---------------------------------------------------------------------------
# report


def _per_payload(case: Case) -> dict[str, float]:
    median = case.stats.median
    return {
        "us_per_payload": median / case.payloads * 1e6,
        "payloads_per_s": case.payloads / median,
    }


def build_report(
    corpus: Corpus,
    baseline: Tool,
    ours: Tool | None,
    cases: dict[str, Case],
    runs: int,
    single_runs: int,
    flagged: dict[str, Any] | None,
    machine: dict[str, object],
    generated: bool,
) -> dict[str, Any]:
    figures = {
        key: {
            "label": case.label,
            "payloads": case.payloads,
            **case.stats.as_dict(),
            **_per_payload(case),
        }
        for key, case in cases.items()
    }
    ratios: dict[str, float] = {}
    goals: dict[str, Any] = {}

    def median(key: str) -> float:
        return cases[key].stats.median

    if "ours_files" in cases:
        # Throughput ratio = the baseline's time / ours for the same payloads.
        ours_files, ours_directory = median("ours_files"), median("ours_directory")
        ratios = {
            "files_same_list": median("cjs_files") / ours_files,
            "files_directory": median("cjs_files") / ours_directory,
            "files_same_list_noref": median("cjs_noref_files") / ours_files,
            "files_directory_noref": median("cjs_noref_files") / ours_directory,
            "jsonl": median("cjs_files") / median("ours_jsonl"),
            "jsonl_noref": median("cjs_noref_files") / median("ours_jsonl"),
            "single_file": median("cjs_single") / median("ours_single"),
            "single_file_noref": median("cjs_noref_single") / median("ours_single"),
        }
        if "ours_files_one" in cases:
            for key in ("files", "directory"):
                ratios[f"one_process_{key}_noref"] = median("cjs_noref_files") / median(
                    f"ours_{key}_one"
                )
        goals["files"] = {
            "target": GOAL_FILES_RATIO,
            "baseline": "check-jsonschema with the $ref-free schema",
            "ratio_same_list": ratios["files_same_list_noref"],
            "ratio_directory": ratios["files_directory_noref"],
            "met": min(ratios["files_same_list_noref"], ratios["files_directory_noref"])
            >= GOAL_FILES_RATIO,
        }
        single = min(ratios["single_file"], ratios["single_file_noref"])
        goals["single_file"] = {
            "target": GOAL_SINGLE_RATIO,
            "ratio": single,
            "met": single >= GOAL_SINGLE_RATIO,
        }
        if "floor_files" in cases:
            # How many times the floor's time ours takes (lower is better).
            ratios["floor_multiple_same_list"] = ours_files / median("floor_files")
            ratios["floor_multiple_directory"] = ours_directory / median("floor_files")
            ratios["floor_multiple_single"] = median("ours_single") / median("floor_single")
            if "ours_files_one" in cases:
                for key in ("files", "directory"):
                    ratios[f"one_process_floor_multiple_{key}"] = median(
                        f"ours_{key}_one"
                    ) / median("floor_files")
            multiple = max(ratios["floor_multiple_same_list"], ratios["floor_multiple_directory"])
            goals["floor"] = {
                "target": GOAL_FLOOR_MULTIPLE,
                "multiple": multiple,
                "met": multiple <= GOAL_FLOOR_MULTIPLE,
            }
    return {
        "machine": machine,
        "tools": {
            "check-jsonschema": {
                "argv": baseline.argv,
                "version": baseline.version,
                "note": baseline.note,
            },
            "legacy-stt": None if ours is None else {"argv": ours.argv, "version": ours.version},
        },
        "corpus": {
            "path": str(corpus.root),
            "generated_now": generated,
            **corpus.manifest,
            "arg_max": _arg_max(),
            "processes_for_file_list": len(cases["cjs_files"].commands),
        },
        "runs": runs,
        "single_runs": single_runs,
        "figures": figures,
        "ratios": ratios,
        "goals": goals,
        "flagged": flagged,
    }


def _arg_max() -> int | None:
    try:
        return int(os.sysconf("SC_ARG_MAX"))
    except (AttributeError, ValueError, OSError):
        return None


def print_report(report: dict[str, Any]) -> None:
    machine = report["machine"]
    corpus = report["corpus"]
    tools = report["tools"]
    out = sys.stdout.write
    out("\nlegacy-stt check vs check-jsonschema: legacy-request payload lint throughput\n\n")
    out(
        f"machine:  {machine['cpu']}, {machine['logical_cpus']} logical CPUs ({machine['usable_cpus']} usable), load {machine['load_average']}\n"
    )
    out(f"          {machine['os']}, {machine['python']}, {machine['date']}\n")
    cjs = tools["check-jsonschema"]
    out(f"baseline: {cjs['version']} ({' '.join(cjs['argv'])}; {cjs['note']})\n")
    if tools["legacy-stt"]:
        out(
            f"ours:     {tools['legacy-stt']['version']} ({' '.join(tools['legacy-stt']['argv'])} check)\n"
        )
    else:
        out("ours:     legacy-stt check is not available; only the baseline was timed\n")
    params = corpus["parameters"]
    out(
        f"corpus:   {params['count']:,} payloads ({corpus['valid']:,} valid, {corpus['invalid']:,} invalid), "
        f"seed {params['seed']}, jsonl sha256 {corpus['jsonl_sha256'][:12]}, {corpus['path']}\n"
    )
    processes = corpus["processes_for_file_list"]
    out(
        f"          file list passed in {processes} process{'es' if processes > 1 else ''}"
        f" (ARG_MAX {corpus['arg_max']})" + (", times summed" if processes > 1 else "") + "\n"
    )
    out(
        f"timing:   wall clock per process (start-up included), median of {report['runs']} runs "
        f"({report['single_runs']} for one file) after a warm-up, tools interleaved\n\n"
    )
    header = f"{'measurement':<52} {'median s':>9} {'min s':>8} {'max s':>8} {'µs/payload':>11} {'payloads/s':>11}\n"
    out(header)
    out("-" * (len(header) - 1) + "\n")
    for figure in report["figures"].values():
        out(
            f"{figure['label']:<52} {figure['median_s']:>9.3f} {figure['min_s']:>8.3f} {figure['max_s']:>8.3f} "
            f"{figure['us_per_payload']:>11.1f} {figure['payloads_per_s']:>11,.0f}\n"
        )
    out("\n")
    ratios = report["ratios"]
    goals = report["goals"]
    if goals:
        count = params["count"]
        files_goal = goals["files"]
        out(
            f"throughput ratio, {count:,} files, vs check-jsonschema with the project's schema "
            f"($refs): {ratios['files_same_list']:.2f}x same file list, "
            f"{ratios['files_directory']:.2f}x directory, {ratios['jsonl']:.2f}x as one JSONL\n"
        )
        out(
            f"throughput ratio, {count:,} files, vs check-jsonschema with the $ref-free schema: "
            f"{ratios['files_same_list_noref']:.2f}x same file list, "
            f"{ratios['files_directory_noref']:.2f}x directory, "
            f"{ratios['jsonl_noref']:.2f}x as one JSONL\n"
        )
        if "one_process_files_noref" in ratios:
            out(
                f"  in one process (--jobs 1): {ratios['one_process_files_noref']:.2f}x same file "
                f"list, {ratios['one_process_directory_noref']:.2f}x directory\n"
            )
        out(
            f"  goal >= {files_goal['target']:.0f}x the $ref-free baseline on the files (both "
            f"runs): {'MET' if files_goal['met'] else 'NOT MET'}\n"
        )
        floor = goals.get("floor")
        if floor is not None:
            out(
                f"time as a multiple of the jsonschema-rs loop (read + json.loads + validate): "
                f"{ratios['floor_multiple_same_list']:.2f}x same file list, "
                f"{ratios['floor_multiple_directory']:.2f}x directory, "
                f"{ratios['floor_multiple_single']:.2f}x one file\n"
            )
            if "one_process_floor_multiple_files" in ratios:
                out(
                    f"  in one process (--jobs 1): {ratios['one_process_floor_multiple_files']:.2f}x "
                    f"same file list, {ratios['one_process_floor_multiple_directory']:.2f}x directory\n"
                )
            out(
                f"  goal <= {floor['target']:.0f}x on the files: "
                f"{'MET' if floor['met'] else 'NOT MET'}\n"
            )
        else:
            out("jsonschema-rs loop: not timed (jsonschema-rs not available)\n")
        single = goals["single_file"]
        out(
            f"single-file ratio (check-jsonschema time / ours): {ratios['single_file']:.2f}x "
            f"($refs), {ratios['single_file_noref']:.2f}x ($ref-free)\n"
        )
        out(
            f"  goal >= {single['target']:.0f}x (no slower than either): "
            f"{'MET' if single['met'] else 'NOT MET'}\n"
        )
    flagged = report["flagged"]
    if flagged:
        out("\nfiles flagged (untimed pass; kinds are what the generator put in):\n")
        columns = [("check-jsonschema", "check_jsonschema")]
        totals = flagged["totals"]
        if "ours" in totals:
            columns += [
                ("ours: errors", "ours"),
                ("ours: warnings only", "ours_warnings"),
                ("ours --strict", "ours_strict"),
            ]
        out(f"{'kind':<26} {'files':>6} " + " ".join(f"{title:>19}" for title, _ in columns) + "\n")
        for kind, row in flagged["by_kind"].items():
            cells = " ".join(f"{row.get(key, '-'):>19}" for _, key in columns)
            out(f"{kind:<26} {row['files']:>6} {cells}\n")
        cells = " ".join(f"{totals.get(key, '-'):>19}" for _, key in columns)
        out(f"{'total':<26} {totals['files']:>6} {cells}\n")
        if "ours" in totals:
            verdict = "yes" if totals["ours"] >= totals["check_jsonschema"] else "NO"
            out(f"ours (errors only) flags at least as many files as check-jsonschema: {verdict}\n")
            missed = flagged.get("caught_by_check_jsonschema_only", [])
            if missed:
                out(
                    f"  files check-jsonschema flags but ours does not ({len(missed)}): {', '.join(missed[:5])}\n"
                )
        for key, checked in flagged.get("ours_payloads_checked", {}).items():
            if checked is None:
                out(f"(could not read how many payloads ours checked in the {key} run)\n")
            elif checked != totals["files"]:
                out(
                    f"WARNING: ours checked {checked:,} payloads in the {key} run, "
                    f"not {totals['files']:,}: that figure is not comparable\n"
                )
        if flagged.get("ours_unreadable"):
            out("(legacy-stt check's sarif/github output could not be read; ours not counted)\n")


def payloads_checked_by_ours(tool: Tool, corpus: Corpus) -> dict[str, int | None]:
    """How many payloads the timed directory and JSONL runs really checked (from their summary).

    Guards against a flattering figure from a run that skipped files. None where the
    ``--format json`` output has no ``summary.payloads_checked``.
    """
    checked: dict[str, int | None] = {}
    for key, path in (("directory", FILES_DIR), ("jsonl", corpus.jsonl)):
        command = [*tool.argv, "check", "--format", "json", "--quiet", path]
        try:
            summary = json.loads(_capture([command], corpus.root)[0]).get("summary", {})
            checked[key] = int(summary["payloads_checked"])
        except (BenchmarkError, ValueError, KeyError, TypeError, AttributeError):
            checked[key] = None
    return checked


def count_flagged(corpus: Corpus, baseline: Tool, ours: Tool | None) -> dict[str, Any]:
    print("counting flagged files (untimed) ...", file=sys.stderr)
    by_file = {"check_jsonschema": flagged_by_check_jsonschema(baseline, corpus)}
    result: dict[str, Any] = {}
    if ours is not None:
        result["ours_payloads_checked"] = payloads_checked_by_ours(ours, corpus)
        found = flagged_by_ours(ours, corpus)
        if found is None:
            result["ours_unreadable"] = True
        else:
            by_file["ours"], by_file["ours_warnings"] = found
            by_file["ours_strict"] = found[0] | found[1]
            result["caught_by_check_jsonschema_only"] = sorted(
                by_file["check_jsonschema"] - by_file["ours"]
            )
    by_kind: dict[str, dict[str, int]] = {}
    order = ["valid"] + [name for name, _ in INVALID_KINDS]
    for kind in order:
        names = {name for name, k in zip(corpus.files, corpus.kinds) if k == kind}
        if names:
            by_kind[kind] = {
                "files": len(names),
                **{key: len(names & found) for key, found in by_file.items()},
            }
    totals = {"files": corpus.count, **{key: len(found) for key, found in by_file.items()}}
    result.update({"by_kind": by_kind, "totals": totals})
    return result


# ---------------------------------------------------------------------------
# main


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `legacy-stt check` against check-jsonschema on a generated corpus of legacy payloads.",
    )
    parser.add_argument(
        "--count",
        type=int,
        default=DEFAULT_COUNT,
        help="payloads in the corpus (default %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help="seed of the corpus generator (default %(default)s)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        help="timed runs per corpus measurement (default %(default)s)",
    )
    parser.add_argument(
        "--single-runs",
        type=int,
        default=15,
        help="timed runs per single-file measurement (default %(default)s, at least 10)",
    )
    parser.add_argument(
        "--corpus-dir",
        type=Path,
        default=DEFAULT_CORPUS_DIR,
        help="where the corpus is written (default benchmarks/.corpus)",
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="rebuild the corpus even if it is up to date"
    )
    parser.add_argument(
        "--check-jsonschema", metavar="PATH", help="check-jsonschema executable to use"
    )
    parser.add_argument("--legacy-stt", metavar="PATH", help="legacy-stt executable to use")
    parser.add_argument(
        "--tools-dir",
        type=Path,
        default=DEFAULT_TOOLS_DIR,
        help="virtual environment for check-jsonschema if it must be installed (default benchmarks/.tools)",
    )
    parser.add_argument("--no-install", action="store_true", help="never install check-jsonschema")
    parser.add_argument(
        "--no-counts", action="store_true", help="skip the untimed pass that counts flagged files"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the figures as JSON instead of a table"
    )
    arguments = parser.parse_args(argv)
    if arguments.count < 1 or arguments.runs < 1:
        parser.error("--count and --runs must be at least 1")
    if arguments.single_runs < 10:
        parser.error("--single-runs must be at least 10")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    machine = machine_info()  # load average before the benchmark loads the machine
    corpus_dir = arguments.corpus_dir.resolve()
    print(f"corpus: {corpus_dir} ...", file=sys.stderr)
    corpus, generated = ensure_corpus(
        corpus_dir, arguments.seed, arguments.count, force=arguments.regenerate
    )
    print(
        f"  {'generated' if generated else 'up to date'}: {corpus.count} payloads", file=sys.stderr
    )

    baseline = find_check_jsonschema(
        arguments.check_jsonschema, arguments.tools_dir.resolve(), not arguments.no_install
    )
    ours = find_legacy_stt(arguments.legacy_stt)
    print(f"baseline: {baseline.version} ({' '.join(baseline.argv)})", file=sys.stderr)
    print(
        f"ours: {ours.version + ' (' + ' '.join(ours.argv) + ')' if ours else 'legacy-stt check not available'}",
        file=sys.stderr,
    )

    floor = find_floor_python(arguments.tools_dir.resolve(), not arguments.no_install)
    print(
        f"floor: {' '.join(floor.argv) + ' (' + floor.note + ')' if floor else 'jsonschema-rs not available'}",
        file=sys.stderr,
    )

    n = corpus.count
    base = baseline_commands(baseline, corpus)
    noref = baseline_commands(baseline, corpus, write_noref_schema(corpus.root))
    corpus_cases = [
        Case("cjs_files", f"check-jsonschema, {n:,} files", baseline, base["files"], n),
        Case(
            "cjs_noref_files",
            f"check-jsonschema ($ref-free schema), {n:,} files",
            baseline,
            noref["files"],
            n,
        ),
    ]
    single_cases = [
        Case("cjs_single", "check-jsonschema, 1 file", baseline, base["single"], 1),
        Case(
            "cjs_noref_single",
            "check-jsonschema ($ref-free schema), 1 file",
            baseline,
            noref["single"],
            1,
        ),
    ]
    if floor is not None:
        loop = floor_commands(floor, corpus)
        corpus_cases.append(
            Case("floor_files", f"jsonschema-rs loop, {n:,} files", floor, loop["files"], n)
        )
        single_cases.append(
            Case("floor_single", "jsonschema-rs loop, 1 file", floor, loop["single"], 1)
        )
    if ours is not None:
        mine = ours_commands(ours, corpus)
        corpus_cases += [
            Case(
                "ours_files", f"legacy-stt check, {n:,} files (same list)", ours, mine["files"], n
            ),
            Case(
                "ours_directory",
                f"legacy-stt check, {n:,} files (directory)",
                ours,
                mine["directory"],
                n,
            ),
            Case(
                "ours_jsonl",
                f"legacy-stt check, {n:,} payloads (one JSONL)",
                ours,
                mine["jsonl"],
                n,
            ),
        ]
        if "files_one" in mine:
            corpus_cases += [
                Case(
                    "ours_files_one",
                    f"legacy-stt check --jobs 1, {n:,} files (same list)",
                    ours,
                    mine["files_one"],
                    n,
                ),
                Case(
                    "ours_directory_one",
                    f"legacy-stt check --jobs 1, {n:,} files (directory)",
                    ours,
                    mine["directory_one"],
                    n,
                ),
            ]
        single_cases.append(
            Case("ours_single", "legacy-stt check, 1 file", ours, mine["single"], 1)
        )

    try:
        print(f"timing the corpus ({arguments.runs} runs) ...", file=sys.stderr)
        time_interleaved(corpus_cases, arguments.runs, corpus.root, "corpus")
        print(f"timing one file ({arguments.single_runs} runs) ...", file=sys.stderr)
        time_interleaved(single_cases, arguments.single_runs, corpus.root, "single")
        flagged = None if arguments.no_counts else count_flagged(corpus, baseline, ours)
    except BenchmarkError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    cases = {case.key: case for case in corpus_cases + single_cases}
    report = build_report(
        corpus,
        baseline,
        ours,
        cases,
        arguments.runs,
        arguments.single_runs,
        flagged,
        machine,
        generated,
    )
    if arguments.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
