"""Model adapters for the text-only transcribers: OpenAI's and Microsoft's MAI-Transcribe.

Both take the audio and a few generation settings and answer with the text
(``{"text", "usage"}``), without word timings, confidences or speakers. So
almost every Deepgram option is dropped, each with the reason, and the
Deepgram-shaped body built from their result holds only what they tell.

Legacy ``openai/*`` payloads are already in OpenAI's vocabulary: they are
sent as they are and get OpenAI's result back unchanged, as the one-call
endpoint returned it. MAI-Transcribe has no legacy payloads; it is a target
only. Its page shows a result of the same form with another ``usage``: the
seconds billed and the cost (``{"text", "usage": {"seconds", "cost"}}``).
The translation copies ``usage`` without reading it, so each model adapter
reads either usage (its own first: see ``result_shapes``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .base import ModelAdapter, ParameterRule, honoured_when
from .deepgram import DEEPGRAM_LEGACY_PARAMETERS

__all__ = ["OpenAITranscribeAdapter", "MAITranscribeAdapter", "OPENAI_RULES", "MAI_RULES"]

_NO_INTENTS = "no intent recognition: the result is the text only"
_NO_TOPICS = "no topic detection: the result is the text only"
_NO_SPEAKERS = "no speaker labels: the result is the text only"
_NO_TIMINGS = "the result has no timings to split utterances by"
_NO_FORMAT_SWITCH = "there is no formatting switch; the model formats the text its own way"

# Why each Deepgram option cannot be honoured by a text-only transcriber.
_TEXT_ONLY_REASONS: dict[str, str] = {
    "custom_intent": _NO_INTENTS,
    "custom_intent_mode": _NO_INTENTS,
    "custom_topic": _NO_TOPICS,
    "custom_topic_mode": _NO_TOPICS,
    "detect_entities": "no entity detection: the result is the text only",
    "detect_topics": _NO_TOPICS,
    "diarize": _NO_SPEAKERS,
    "dictation": "no dictation mode for spoken punctuation commands",
    "diarize_version": _NO_SPEAKERS,
    "extra": "it does not return metadata of the caller's own",
    "filler_words": "there is no switch for keeping filler words",
    "intents": _NO_INTENTS,
    "keywords": "no vocabulary boosting",
    "measurements": _NO_FORMAT_SWITCH,
    "multi_channel": "the audio is transcribed as one stream, not channel by channel",
    "numerals": _NO_FORMAT_SWITCH,
    "paragraphs": "the result is plain text, without paragraphs",
    "profanity_filter": "no profanity filter",
    "punctuate": "there is no punctuation switch",
    "search": "no word search",
    "sentiment": "no sentiment analysis: the result is the text only",
    "smart_format": _NO_FORMAT_SWITCH,
    "summarize": "no summaries: the result is the text only",
    "tag": "it takes no request labels",
    "topics": _NO_TOPICS,
    "utterances": _NO_TIMINGS,
    "utt_split": _NO_TIMINGS,
}


# Switches for something a text-only transcriber never does: `false` asks for what it does anyway.
# (Not the formatting switches: the model formats its own way, which `false` may not match.)
_NEVER_ON = frozenset(
    {
        "detect_entities",
        "detect_topics",
        "diarize",
        "dictation",
        "intents",
        "multi_channel",
        "paragraphs",
        "profanity_filter",
        "sentiment",
        "summarize",
        "topics",
        "utterances",
    }
)


def _text_only_rules(*own: ParameterRule) -> tuple[ParameterRule, ...]:
    """``own`` rows, then a dropped row (with its reason) for every other Deepgram option."""
    named = {rule.legacy for rule in own}
    return own + tuple(
        ParameterRule(name, None, note=_TEXT_ONLY_REASONS[name], off_is_default=name in _NEVER_ON)
        for name in DEEPGRAM_LEGACY_PARAMETERS
        if name not in named
    )


#: Deepgram-vocabulary name -> OpenAI transcribe: every legacy parameter has a row.
OPENAI_RULES: tuple[ParameterRule, ...] = _text_only_rules(
    ParameterRule("language", "language"),
    ParameterRule(
        "detect_language",
        None,
        note=(
            "the model identifies the language itself whenever no `language` is given; "
            "with a `language`, `detect_language` is dropped"
        ),
        honoured=honoured_when(True, lambda body: "language" not in body),
    ),
    ParameterRule(
        "punctuate",
        None,
        note="the model always writes punctuated, capitalised text, so `false` cannot be honoured",
        honoured=honoured_when(True),
    ),
    ParameterRule(
        "keywords",
        None,
        note=(
            "no vocabulary boosting; a `prompt` can mention the terms, but legacy-stt does not "
            "write one for you"
        ),
    ),
)

#: Deepgram-vocabulary name -> MAI-Transcribe: every legacy parameter has a row.
MAI_RULES: tuple[ParameterRule, ...] = _text_only_rules(
    ParameterRule(
        "language", None, note="MAI-Transcribe takes no language: it identifies the language itself"
    ),
    ParameterRule(
        "detect_language",
        None,
        note="MAI-Transcribe always identifies the language itself, so `false` cannot be honoured",
        honoured=honoured_when(True),
    ),
)


def _text_only_notes(usage: str) -> tuple[str, ...]:
    """The result notes of a text transcriber whose ``usage`` is described by ``usage``."""
    return (
        f"The result is the text and its {usage} only. The Deepgram-shaped body has one channel "
        "with one alternative whose `transcript` is that text and whose `paragraphs` is empty.",
        "`words` and `confidence` are left out: the model gives no word timings and no confidence.",
        "`metadata` has `request_id` (the generation id), `channels` (1), `models` (the model id), an "
        "empty `model_info` and `usage`, copied as the service reported it; `duration`, "
        "`transaction_key`, `sha256` and `created` are left out: the result does not tell them.",
    )


class _TextOnlyAdapter(ModelAdapter):
    """Shared by the text-only transcribers: a ``{"text", "usage"}`` result -> the Deepgram-shaped body."""

    result_notes: ClassVar[tuple[str, ...]] = _text_only_notes("usage")
    result_omissions: ClassVar[tuple[str, ...]] = (
        "/metadata/transaction_key",
        "/metadata/sha256",
        "/metadata/created",
        "/metadata/duration",
        "/results/channels/*/alternatives/*/confidence",
        "/results/channels/*/alternatives/*/words",
    )

    def translate_result(
        self,
        result: Any,
        *,
        generation_id: str,
        request: Mapping[str, Any],
        source_family: str | None = None,
    ) -> Any:
        if self.wants_native_result(source_family) or not self.recognizes_result(result):
            return result
        model = request.get("model")
        metadata: dict[str, Any] = {
            "request_id": generation_id,
            "channels": 1,
            "models": [model] if model else [],
            "model_info": {},
        }
        if result.get("usage") is not None:
            metadata["usage"] = result["usage"]
        alternative = {"transcript": result["text"], "paragraphs": []}
        return {"metadata": metadata, "results": {"channels": [{"alternatives": [alternative]}]}}


class OpenAITranscribeAdapter(_TextOnlyAdapter):
    """OpenAI's transcription models: legacy ``openai/*`` payloads as they are; Deepgram ones by table."""

    name = "openai-transcribe"
    legacy_models = ("openai/gpt-4o-transcribe", "openai/gpt-4o-mini-transcribe")
    target_models = ("openai/gpt-4o-transcribe", "openai/gpt-4o-mini-transcribe")
    input_family = "openai"
    rules_family = "deepgram"
    native_family = "openai"
    create_schema = "create-openai-transcribe"
    upload_field = "file"
    parameter_rules: ClassVar[tuple[ParameterRule, ...]] = OPENAI_RULES
    # its own usage first; the translation reads MAI's usage as well (it is copied, not read)
    result_shapes: ClassVar[tuple[str, ...]] = ("openai", "text", "mai")
    result_notes: ClassVar[tuple[str, ...]] = (
        "Legacy `openai/*` payloads get OpenAI's `{text, usage}` result as it is, as the one-call "
        "endpoint returned it. The rest of these notes are about Deepgram-vocabulary payloads moved "
        "to an OpenAI model.",
        *_text_only_notes("token usage"),
    )


class MAITranscribeAdapter(_TextOnlyAdapter):
    """Microsoft MAI-Transcribe 1.5: a target for Deepgram-vocabulary payloads; text-only results."""

    name = "mai-transcribe"
    legacy_models = ()
    target_models = ("microsoft/mai-transcribe-1.5",)
    input_family = "deepgram"
    rules_family = "deepgram"
    native_family = None
    create_schema = "create-mai-transcribe"
    upload_field = "audio"
    parameter_rules: ClassVar[tuple[ParameterRule, ...]] = MAI_RULES
    # its page's `{text, usage: {seconds, cost}}` first; token usage as the poll description had it
    result_shapes: ClassVar[tuple[str, ...]] = ("mai", "text", "openai")
    result_notes: ClassVar[tuple[str, ...]] = _text_only_notes(
        "usage (the seconds billed and the cost)"
    )
