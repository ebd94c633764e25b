"""Model adapters for the families that still take the legacy parameters.

The nova-2 and whisper models are served on the two-step API under the same
model ids and with the same parameter names as the legacy call, so their
tables pass every legacy parameter through unchanged and their results are
already in the legacy (Deepgram) shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from .base import (
    CannotTranslate,
    ModelAdapter,
    ModelAlias,
    ParameterRule,
    PartlyTranslated,
    passthrough,
)

__all__ = [
    "DEEPGRAM_LEGACY_PARAMETERS",
    "DeepgramResultMixin",
    "Nova2Adapter",
    "WhisperAdapter",
    "keyword_terms",
    "KEYWORDS_AS_TERMS_NOTE",
]

#: Every option of the legacy request's nova-2/whisper shape.
DEEPGRAM_LEGACY_PARAMETERS: tuple[str, ...] = (
    "custom_intent",
    "custom_topic",
    "custom_intent_mode",
    "custom_topic_mode",
    "detect_language",
    "detect_entities",
    "detect_topics",
    "diarize",
    "dictation",
    "diarize_version",
    "extra",
    "filler_words",
    "intents",
    "keywords",
    "language",
    "measurements",
    "multi_channel",
    "numerals",
    "paragraphs",
    "profanity_filter",
    "punctuate",
    "search",
    "sentiment",
    "smart_format",
    "summarize",
    "tag",
    "topics",
    "utterances",
    "utt_split",
)


# `term:intensifier`, the intensifier a (signed) number; a colon elsewhere is part of the term
_INTENSIFIED = re.compile(r"^(?P<term>.*?\S)\s*:\s*(?P<intensifier>[+-]?\d+(?:\.\d+)?)$")


#: What the keyterm-style rows say about the legacy `keywords` string.
KEYWORDS_AS_TERMS_NOTE = (
    'the comma-separated `keywords` string becomes one term per item (`"acme, widget:2"` -> '
    '`["acme", "widget"]`); a positive intensifier only asks to favour a term, which listing it '
    "does, so the term is sent without its weight; a zero or negative intensifier asks to leave a "
    "term alone or suppress it, which a list of terms to favour cannot say, so that term is left out"
)


def keyword_terms(value: Any) -> list[str] | PartlyTranslated:
    """Deepgram ``keywords`` as a plain list of terms to favour (a transform).

    The legacy parameter is one string of comma-separated items (``"acme,
    widget:2"``); a list is taken item by item. Each ``term:intensifier``
    becomes the bare term: the target's list has no weights, and a positive
    intensifier only asked to favour the term, which listing it does. A zero
    or negative intensifier asked Deepgram to leave a term alone or to
    suppress it, which a list of terms to favour cannot say, so such terms
    are left out.
    """
    # A term never holds a comma: Deepgram's own query string repeats `keywords` per term.
    items = value.split(",") if isinstance(value, str) else list(value)
    terms: list[str] = []
    suppressed: list[str] = []
    for item in items:
        text = str(item).strip()
        match = _INTENSIFIED.match(text)
        if match is None:
            term = text
        else:
            term = match["term"]
            if float(match["intensifier"]) <= 0:
                suppressed.append(text)
                continue
        if term and term not in terms:
            terms.append(term)
    if suppressed:
        reason = (
            f"a zero or negative intensifier ({', '.join(f'`{item}`' for item in suppressed)}) asks to "
            "suppress a term, which a list of terms to favour cannot say"
        )
        if not terms:
            raise CannotTranslate(reason)
        return PartlyTranslated(terms, reason + "; those terms are left out")
    if not terms:
        raise CannotTranslate("no term is given")
    return terms


class DeepgramResultMixin:
    """Results that are already Deepgram-shaped: only the `channels` container is normalised."""

    result_notes: ClassVar[tuple[str, ...]] = (
        "The result is already in the legacy shape. If the service sends `results.channels` as a single "
        "object (as the published schema types it), it is wrapped in a list, so `channels[0]` keeps working.",
    )
    # ModelAdapter.recognizes_result checks it
    result_shapes: ClassVar[tuple[str, ...]] = ("deepgram",)

    def translate_result(
        self,
        result: Any,
        *,
        generation_id: str,
        request: Mapping[str, Any],
        source_family: str | None = None,
    ) -> Any:
        results = result.get("results") if isinstance(result, Mapping) else None
        if isinstance(results, dict) and isinstance(results.get("channels"), dict):
            results["channels"] = [results["channels"]]
        return result


class Nova2Adapter(DeepgramResultMixin, ModelAdapter):
    """Deepgram nova-2 models: same ids, same parameters, Deepgram-shaped results."""

    name = "nova-2"
    legacy_models = (
        "#g1_nova-2-general",
        "#g1_nova-2-meeting",
        "#g1_nova-2-phonecall",
        "#g1_nova-2-voicemail",
        "#g1_nova-2-finance",
        "#g1_nova-2-conversationalai",
        "#g1_nova-2-video",
        "#g1_nova-2-medical",
        "#g1_nova-2-drivethru",
        "#g1_nova-2-automotive",
    )
    target_models = (*legacy_models, "nova-2-general")
    input_family = "deepgram"
    native_family = "deepgram"
    create_schema = "create-nova-2"
    upload_field = "audio"
    parameter_rules: ClassVar[tuple[ParameterRule, ...]] = passthrough(*DEEPGRAM_LEGACY_PARAMETERS)


class WhisperAdapter(DeepgramResultMixin, ModelAdapter):
    """Whisper models, as served through the same Deepgram-style API.

    The published create schema's enum says ``whisper-base``, but the
    documentation's working examples send ``#g1_whisper-base``; the examples
    win, so the legacy ids are sent unchanged.
    """

    name = "whisper"
    legacy_models = (
        "#g1_whisper-large",
        "#g1_whisper-medium",
        "#g1_whisper-small",
        "#g1_whisper-tiny",
        "#g1_whisper-base",
    )
    target_models = (*legacy_models, "whisper-base")
    input_family = "deepgram"
    native_family = "deepgram"
    create_schema = "create-whisper"
    upload_field = "audio"
    parameter_rules: ClassVar[tuple[ParameterRule, ...]] = passthrough(*DEEPGRAM_LEGACY_PARAMETERS)
    model_aliases: ClassVar[tuple[ModelAlias, ...]] = (
        ModelAlias(
            "whisper-1",
            "#g1_whisper-large",
            "`whisper-1` is OpenAI's API name for Whisper large (v2); the service names Whisper models by size",
        ),
    )
