"""Small text helpers shared by messages: suggestions and lists."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The candidate closest to ``word``, if one is close enough to be a typo.

    Case and ``-``/``_`` differences count as exact matches, so ``Diarize``
    and ``multi-channel`` find ``diarize`` and ``multi_channel``.
    """
    return _closest(word, tuple(candidates), cutoff)


# Linting a corpus meets the same typo in many files; difflib is the slow part of a finding.
@functools.lru_cache(maxsize=1024)
def _closest(word: str, pool: tuple[str, ...], cutoff: float) -> str | None:

    def folded(text: str) -> str:
        return text.lower().replace("-", "_")

    for candidate in pool:
        if folded(candidate) == folded(word) and candidate != word:
            return candidate
    matches = _close_matches(word, pool, cutoff)
    return matches[0] if matches else None


def _close_matches(word: str, possibilities: Sequence[str], cutoff: float) -> list[str]:
    """The closest of ``possibilities`` to ``word``, if close enough (a list of at most one)."""
    # Imported when a suggestion is looked for: a run with nothing to suggest does not pay for
    # difflib (and heapq), and `legacy-stt check` on a single valid file starts sooner.
    import difflib

    return difflib.get_close_matches(word, possibilities, n=1, cutoff=cutoff)


def format_choices(choices: Sequence[str], limit: int = 20) -> str:
    """``a, b, c`` (and how many more) for messages that list options."""
    shown = ", ".join(choices[:limit])
    if len(choices) > limit:
        shown += f", ... ({len(choices) - limit} more)"
    return shown


def describe_value(value: object) -> str:
    """A short, type-revealing rendering of a JSON value for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {text!r}"
    if isinstance(value, int) and value.bit_length() > 200:
        # repr of a huge int is slow, and past 4300 digits refused by Python itself
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# -- model ids ---------------------------------------------------------------
#
# A model id is compared by its parts, not by its spelling: `#g1_nova-2-general`,
# `deepgram/nova-2-general` and `nova2 general` are one model. A near miss is looked for
# within its family (same first word: `nova`, `whisper`, `gpt`), then its version, then its
# variant, so `nova-3-medical` never becomes `#g1_nova-2-medical` and `whisper-large-v3`
# never becomes `#g1_whisper-tiny`, however close the letters are.

#: A version suffix the service's ids never carry (`whisper-large-v3`); it needs a separator.
_VERSION_SUFFIX = re.compile(r"[-_. ]v\d+(?:\.\d+)*$")
_TOKEN = re.compile(r"\d+(?:\.\d+)*|[a-z]+")
#: How alike two family names or variants must be to count as a typo of one another.
_TYPO_CUTOFF = 0.75


@dataclass(frozen=True)
class _ModelName:
    text: str
    vendor: str  # `deepgram` of `deepgram/nova-3`; "" without a prefix
    g1: bool  # written with the legacy ids' `#g1_` prefix
    suffix: str  # a version suffix left out (`v3`); ""
    stem: str  # the family's name: the first word (`nova`); "" if the id starts with a digit
    numbers: tuple[str, ...]  # the version (`3`, `1.5`, `4` of `gpt-4o`)
    words: tuple[str, ...]  # the variant (`general`, `large`, `o mini transcribe`)

    @property
    def key(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        return self.stem, self.numbers, self.words

    @property
    def variant(self) -> str:
        return "-".join(self.words)


@functools.lru_cache(maxsize=1024)
def _parse_model_id(text: str) -> _ModelName:
    bare = text.strip().lower().lstrip("#")
    vendor, slash, rest = bare.rpartition("/")
    if slash:
        bare = rest.lstrip("#")
    else:
        vendor = ""
    g1 = bare[:3] in ("g1_", "g1-")
    if g1:
        bare = bare[3:]
    suffix = ""
    match = _VERSION_SUFFIX.search(bare)
    if match is not None and match.start() > 0:
        suffix, bare = bare[match.start() + 1 :], bare[: match.start()]
    tokens = _TOKEN.findall(bare)
    stem = tokens[0] if tokens and not tokens[0][0].isdigit() else ""
    rest_tokens = tokens[1:] if stem else tokens
    return _ModelName(
        text,
        vendor.strip("#"),
        g1,
        suffix,
        stem,
        tuple(token for token in rest_tokens if token[0].isdigit()),
        tuple(token for token in rest_tokens if not token[0].isdigit()),
    )


def model_id_variant(model: str) -> tuple[str, ...]:
    """The variant words of a model id: ``("medical",)`` for ``nova-3-medical`` and ``#g1_nova-2-medical``."""
    return _parse_model_id(model).words


@dataclass(frozen=True)
class ModelSuggestion:
    """What an unknown model id was most likely meant to be.

    ``model`` is the one id meant, when the family, version and variant
    leave a single choice; ``certain`` says the written id names that model
    in another spelling (a missing ``#g1_``, a vendor prefix, another
    service's name for it), rather than resembling it. ``reason`` explains
    a spelling that is not a plain typo. When no single id fits, ``family``
    lists the ids of the family the written one belongs to (``label``
    names it), and ``model`` is ``None``.
    """

    model: str | None
    certain: bool = False
    reason: str = ""
    family: tuple[str, ...] = ()
    label: str = ""


def _version_number(text: str) -> float:
    try:
        return float(text)
    except ValueError:  # "1.2.3"
        return float(text.split(".")[0])


def _same_version(name: _ModelName, family: list[_ModelName]) -> tuple[list[_ModelName], bool]:
    """The family's ids of the written version (or the nearest one), and whether it was exact."""
    if not name.numbers:
        return family, True
    same = [candidate for candidate in family if candidate.numbers == name.numbers]
    if same:
        return same, True
    numbered = [candidate for candidate in family if candidate.numbers]
    if not numbered:
        return family, True  # the family has no versions: the number tells nothing about it
    wanted = _version_number(name.numbers[0])
    # the nearest version; between two as near, the newer one
    nearest = min(
        numbered,
        key=lambda c: (abs(_version_number(c.numbers[0]) - wanted), -_version_number(c.numbers[0])),
    )
    return [candidate for candidate in family if candidate.numbers == nearest.numbers], False


def _same_variant(name: _ModelName, candidates: list[_ModelName]) -> tuple[list[_ModelName], bool]:
    """The candidates of the written variant (or the likeliest one), and whether it was exact."""
    exact = [candidate for candidate in candidates if candidate.words == name.words]
    if exact:
        return exact, True
    if not name.words:
        # no variant written: the family's plain model, else its general-purpose one
        plain = [candidate for candidate in candidates if not candidate.words]
        general = [candidate for candidate in candidates if candidate.words == ("general",)]
        return plain or general, True
    # the written words are part of one variant (`gpt-4o-mini` of `gpt-4o-mini-transcribe`)
    wider = [c for c in candidates if set(name.words) <= set(c.words)]
    if wider:
        fewest = min(len(c.words) for c in wider)
        return [c for c in wider if len(c.words) == fewest], False
    variants = list(dict.fromkeys(candidate.variant for candidate in candidates))
    close = _close_matches(name.variant, variants, _TYPO_CUTOFF)
    return [c for c in candidates if close and c.variant == close[0]], False


def _spelling_reason(name: _ModelName, meant: _ModelName) -> str:
    """Why the written spelling is not the service's, when that is more than a typo."""
    reasons = []
    if name.suffix:
        reasons.append(f"the service's model ids carry no version suffix such as `{name.suffix}`")
    if name.g1 and not meant.g1:
        reasons.append(f"`{meant.text}` has no `#g1_` prefix: only the legacy ids do")
    if name.vendor and name.vendor != meant.vendor:
        if meant.vendor:
            reasons.append(
                f"the service's prefix for it is `{meant.vendor}/`, not `{name.vendor}/`"
            )
        else:
            reasons.append(f"the service names it without the `{name.vendor}/` prefix")
    return "; ".join(reasons)


def suggest_model_id(
    written: str, known: Sequence[str], aliases: Mapping[str, tuple[str, str]] | None = None
) -> ModelSuggestion | None:
    """The model id of ``known`` that ``written`` was meant to be, looked for within its family.

    ``aliases`` maps other services' names for a model (``whisper-1``) to
    the id here and the reason. Earlier ``known`` ids are preferred when
    several fit equally (list the ids a caller should write first). ``None``
    when ``written`` belongs to no known family: unrelated text gets no
    suggestion rather than a wrong one.
    """
    # Linting a corpus meets the same wrong id in many files: each answer is worked out once.
    pairs = tuple((alias, (model, reason)) for alias, (model, reason) in (aliases or {}).items())
    return _suggest_model_id(written, tuple(known), pairs)


@functools.lru_cache(maxsize=256)
def _suggest_model_id(
    written: str, known: tuple[str, ...], aliases: tuple[tuple[str, tuple[str, str]], ...]
) -> ModelSuggestion | None:
    name = _parse_model_id(written)
    pool = [_parse_model_id(model) for model in dict.fromkeys(known)]
    for alias, (model, reason) in aliases:
        if name.stem and model in known and _parse_model_id(alias).key == name.key:
            return ModelSuggestion(model, certain=True, reason=reason)
    family = [candidate for candidate in pool if name.stem and candidate.stem == name.stem]
    label = name.stem
    if not family and name.stem:
        stems = list(dict.fromkeys(candidate.stem for candidate in pool if candidate.stem))
        close = _close_matches(name.stem, stems, _TYPO_CUTOFF)
        if close:
            label = close[0]
            family = [candidate for candidate in pool if candidate.stem == label]
    if not family and name.vendor:
        # ids under one vendor prefix need not share a first word (`aai/universal`, `aai/slam-1`)
        label = f"{name.vendor}/"
        family = [candidate for candidate in pool if candidate.vendor == name.vendor]
        names = [" ".join((c.stem, *c.numbers, *c.words)) for c in family]
        written_name = " ".join((name.stem, *name.numbers, *name.words))
        close = _close_matches(written_name, names, _TYPO_CUTOFF)
        if close:
            meant = family[names.index(close[0])]
            return ModelSuggestion(meant.text, reason=_spelling_reason(name, meant))
    if not family:
        return None
    candidates, exact_version = _same_version(name, family)
    candidates, exact_variant = _same_variant(name, candidates)
    one_variant = len({candidate.words for candidate in candidates}) == 1
    # without a version written, a variant several versions have (`nova-general`) is not one model
    one_version = bool(name.numbers) or len({candidate.numbers for candidate in candidates}) == 1
    if not candidates or not one_variant or not one_version:
        return ModelSuggestion(None, family=tuple(c.text for c in family), label=label)
    meant = candidates[0]
    certain = exact_version and exact_variant and meant.stem == name.stem
    return ModelSuggestion(meant.text, certain=certain, reason=_spelling_reason(name, meant))


def suggest_model(
    message: str,
    model: object,
    known: Sequence[str],
    aliases: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """``message`` plus a did-you-mean for ``model``: within its family, else the known models."""
    suggestion = suggest_model_id(str(model), known, aliases)
    if suggestion is not None and suggestion.model is not None:
        text = f"{message}; did you mean {suggestion.model!r}?"
        return f"{text} ({suggestion.reason})" if suggestion.reason else text
    if suggestion is not None and suggestion.family:
        return f"{message}; known {suggestion.label} models: {format_choices(suggestion.family, limit=40)}"
    return f"{message}; known models: {format_choices(known, limit=40)}"


# C0 and C1 control characters and DEL: a line break forges a log line, an escape
# sequence drives the terminal. Text from outside (file names, ids, service messages)
# is shown with these escaped.
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}


def printable(text: object) -> str:
    """``text`` with control characters written as ``\\xNN`` escapes, safe for one log or terminal line."""
    return str(text).translate(_CONTROLS)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def ascii_escaped(text: object, *, limit: int, field: bool = False) -> str:
    """``text`` as printable ASCII, anything else escaped, cut to ``limit`` characters.

    For an HTTP header value (runs of white space become one space), or with
    ``field`` for one field of a space-separated log line (spaces and
    backslashes escaped too, so that an escape always stands for the
    character it names).
    """
    value = str(text)
    if not field:
        value = " ".join(value.split())
    if (
        len(value) <= limit
        and value.isascii()
        and value.isprintable()
        and not (field and (" " in value or "\\" in value))
    ):
        return value  # the common case, nothing to escape: one line per request in the proxy's log
    out = []
    for char in value:
        if char == "\\" and field:
            out.append("\\\\")
        elif 32 < ord(char) < 127 or (char == " " and not field):
            out.append(char)
        else:
            out.append(_escape(char))
    escaped = "".join(out)
    return escaped if len(escaped) <= limit else escaped[: limit - 3] + "..."
