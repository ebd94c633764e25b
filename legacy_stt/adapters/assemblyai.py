"""Model adapter for the AssemblyAI models (``aai/universal``, ``aai/slam-1``).

Legacy ``aai/*`` payloads are already written with AssemblyAI's parameter
names: they are sent as they are, and their callers get AssemblyAI's
transcript object back, as the one-call endpoint returned it. Payloads in the
Deepgram vocabulary (nova-2, whisper) moved to an AssemblyAI model go through
the table below, and the transcript is turned into the Deepgram-shaped body
their callers read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Callable, ClassVar

from .base import CannotTranslate, ModelAdapter, ParameterRule, honoured_when
from .deepgram import KEYWORDS_AS_TERMS_NOTE, keyword_terms

__all__ = ["AssemblyAIAdapter", "ASSEMBLYAI_RULES", "assemblyai_language_code"]

# AssemblyAI's `language_code` values (its list of supported languages): ISO 639-1 codes, plus
# `haw`, `jw` (Javanese) and three English variants. The schema types the member as free text.
# fmt: off
_LANGUAGE_CODES = frozenset((
    "en", "en_au", "en_uk", "en_us", "es", "fr", "de", "it", "pt", "nl", "hi", "ja", "zh", "fi",
    "ko", "pl", "ru", "tr", "uk", "vi", "af", "sq", "am", "ar", "hy", "as", "az", "ba", "eu", "be",
    "bn", "bs", "br", "bg", "my", "ca", "hr", "cs", "da", "et", "fo", "gl", "ka", "el", "gu", "ht",
    "ha", "haw", "he", "hu", "is", "id", "jw", "kn", "kk", "km", "lo", "la", "lv", "ln", "lt",
    "lb", "mk", "mg", "ms", "ml", "mt", "mi", "mr", "mn", "ne", "no", "nn", "oc", "pa", "ps", "fa",
    "ro", "sa", "sr", "sn", "sd", "si", "sk", "sl", "so", "su", "sw", "sv", "tl", "tg", "ta", "tt",
    "te", "th", "bo", "tk", "ur", "uz", "cy", "yi", "yo",
))
# fmt: on
_ENGLISH_VARIANTS = {"US": "en_us", "GB": "en_uk", "UK": "en_uk", "AU": "en_au"}
# BCP-47 primary subtags AssemblyAI spells differently (deprecated tags included)
_ALIASES = {"jv": "jw", "nb": "no", "iw": "he", "in": "id", "ji": "yi"}
_BACK_TO_BCP47 = {"en_us": "en-US", "en_uk": "en-GB", "en_au": "en-AU", "jw": "jv"}


def assemblyai_language_code(value: Any) -> str:
    """A BCP-47 tag (``en-US``) as AssemblyAI's ``language_code`` (``en_us``) (a transform).

    A region AssemblyAI has no variant for is left out (``fr-CA`` -> ``fr``);
    a language it does not know raises ``CannotTranslate``.
    """
    tag = str(value).strip()
    parts = [part for part in tag.replace("_", "-").split("-") if part]
    if not parts:
        raise CannotTranslate("the language tag is empty")
    primary = _ALIASES.get(parts[0].lower(), parts[0].lower())
    region = next(
        (
            part.upper()
            for part in parts[1:]
            if (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit())
        ),
        None,
    )
    if primary == "en" and region in _ENGLISH_VARIANTS:
        return _ENGLISH_VARIANTS[region]
    if primary not in _LANGUAGE_CODES or "_" in primary:
        raise CannotTranslate(
            f"AssemblyAI has no language code for `{tag}`; `detect_language` lets it identify the language itself"
        )
    return primary


def _summarization(value: Any) -> bool:
    # Deepgram takes a summariser version ("v2", the older "v1") or a boolean; AssemblyAI a boolean.
    if value is True or value in ("v1", "v2", "true"):
        return True
    if value is False or value == "false":
        return False
    raise CannotTranslate(f"{value!r} is not a summariser setting (`v2` or true)")


_NO_INTENTS = "AssemblyAI has no intent recognition"
_NO_CUSTOM_TOPICS = (
    "AssemblyAI's topic detection (`iab_categories`) uses the fixed IAB taxonomy and takes no labels "
    "of your own"
)

#: Deepgram-vocabulary name -> AssemblyAI: every legacy parameter has a row.
ASSEMBLYAI_RULES: tuple[ParameterRule, ...] = (
    ParameterRule("custom_intent", None, note=_NO_INTENTS),
    ParameterRule("custom_intent_mode", None, note=_NO_INTENTS),
    ParameterRule("custom_topic", None, note=_NO_CUSTOM_TOPICS),
    ParameterRule("custom_topic_mode", None, note=_NO_CUSTOM_TOPICS),
    ParameterRule("detect_entities", "entity_detection", note="AssemblyAI's name for it"),
    ParameterRule(
        "detect_language",
        "language_detection",
        note="AssemblyAI's name for it; aai/universal only",
        only_for=("aai/universal",),
    ),
    ParameterRule(
        "detect_topics", "iab_categories", note="topics are classified with the IAB taxonomy"
    ),
    ParameterRule(
        "diarize",
        "speaker_labels",
        note="speakers come back as letters, which the result translation numbers from 0",
    ),
    ParameterRule(
        "dictation",
        None,
        note="AssemblyAI does not turn spoken punctuation commands into marks",
        off_is_default=True,
    ),
    ParameterRule(
        "diarize_version",
        None,
        note="AssemblyAI has no way to pin the version of its speaker separation",
    ),
    ParameterRule("extra", None, note="AssemblyAI does not return metadata of the caller's own"),
    ParameterRule("filler_words", "disfluencies", note="AssemblyAI's name for it"),
    ParameterRule("intents", None, note=_NO_INTENTS, off_is_default=True),
    ParameterRule(
        "keywords",
        "word_boost",
        keyword_terms,
        note=(
            f"{KEYWORDS_AS_TERMS_NOTE} (`boost_param`, one weight for every term, stays unset "
            "rather than guessed)"
        ),
    ),
    ParameterRule(
        "language",
        "language_code",
        assemblyai_language_code,
        note=(
            "BCP-47 tag to AssemblyAI's code: `en-US` -> `en_us`, `en-GB` -> `en_uk`, `en-AU` -> "
            "`en_au`; another region is left out (`fr-CA` -> `fr`); a language AssemblyAI lacks is dropped"
        ),
    ),
    ParameterRule(
        "measurements", None, note="AssemblyAI has no switch for abbreviating units of measure"
    ),
    ParameterRule("multi_channel", "multichannel", note="AssemblyAI's name for it"),
    ParameterRule(
        "numerals",
        None,
        note=(
            "there is no separate switch: AssemblyAI writes numbers as digits as part of "
            "`format_text`, which is on unless the payload turns it off; then `numerals` is dropped"
        ),
        honoured=honoured_when(True, lambda body: body.get("format_text") is not False),
    ),
    ParameterRule(
        "paragraphs",
        None,
        note="AssemblyAI's create request has no paragraph option, and its transcript no paragraphs",
        off_is_default=True,
    ),
    ParameterRule("profanity_filter", "filter_profanity", note="AssemblyAI's name for it"),
    ParameterRule("punctuate", "punctuate"),
    ParameterRule("search", None, note="AssemblyAI's create request has no word search"),
    ParameterRule(
        "sentiment",
        "sentiment_analysis",
        note="the sentiment of each sentence comes back in `results.sentiment_analysis_results`",
    ),
    ParameterRule(
        "smart_format",
        "format_text",
        note="AssemblyAI's text formatting: casing, numbers, dates",
    ),
    ParameterRule(
        "summarize",
        "summarization",
        _summarization,
        note=(
            "`v2`, `v1` or true -> `summarization: true`, and nothing more: the payload names no "
            "summary model or type, so AssemblyAI's defaults apply; the summary comes back in "
            "`results.summary.short`"
        ),
    ),
    ParameterRule("tag", None, note="AssemblyAI takes no request labels"),
    ParameterRule("topics", "iab_categories", note="topics are classified with the IAB taxonomy"),
    ParameterRule(
        "utterances",
        None,
        note=(
            "there is no separate switch: AssemblyAI returns utterances whenever speaker labels "
            "(`diarize`) are on; without them `utterances` is dropped"
        ),
        honoured=honoured_when(True, lambda body: body.get("speaker_labels") is True),
    ),
    ParameterRule(
        "utt_split", None, note="the silence that splits utterances cannot be set on AssemblyAI"
    ),
)

# AssemblyAI analyses that have no Deepgram-shaped counterpart to fill without guessing
_CARRIED_OVER = (
    "sentiment_analysis_results",
    "entities",
    "iab_categories_result",
    "auto_highlights_result",
    "content_safety_labels",
    "chapters",
)


def _seconds(milliseconds: Any) -> Any:
    return milliseconds / 1000 if isinstance(milliseconds, (int, float)) else milliseconds


def _plain_word(text: str) -> str:
    """Deepgram's ``word`` for a formatted word: lower case, surrounding punctuation removed."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (text[start:end] or text).lower()


def _ordered(labels: Iterable[Any]) -> list[str]:
    found = {str(label) for label in labels}
    return sorted(found, key=lambda label: (not label.isdigit(), len(label), label))


def _speaker_numbers(labels: Iterable[Any]) -> dict[str, int]:
    """AssemblyAI speaker labels -> Deepgram speaker indexes: "A" -> 0, "B" -> 1, ..."""
    ordered = _ordered(labels)
    if all(len(label) == 1 and "A" <= label <= "Z" for label in ordered):
        return {label: ord(label) - ord("A") for label in ordered}
    return {label: index for index, label in enumerate(ordered)}


def _bcp47(code: str) -> str:
    return _BACK_TO_BCP47.get(code, code)


class AssemblyAIAdapter(ModelAdapter):
    """AssemblyAI models: legacy ``aai/*`` payloads as they are; Deepgram-vocabulary payloads by table."""

    name = "assemblyai"
    legacy_models = ("aai/universal", "aai/slam-1")
    target_models = ("aai/universal", "aai/slam-1")
    input_family = "assemblyai"
    rules_family = "deepgram"
    native_family = "assemblyai"
    create_schema = "create-aai"
    upload_field = "audio"
    parameter_rules: ClassVar[tuple[ParameterRule, ...]] = ASSEMBLYAI_RULES
    result_shapes: ClassVar[tuple[str, ...]] = ("assemblyai",)
    result_notes: ClassVar[tuple[str, ...]] = (
        "Legacy `aai/*` payloads get AssemblyAI's transcript object as it is, as the one-call endpoint "
        "returned it. The rest of these notes are about Deepgram-vocabulary payloads moved to AssemblyAI.",
        "Word times are converted from AssemblyAI's milliseconds to seconds.",
        "`punctuated_word` is AssemblyAI's word text; `word` is that text in lower case without "
        "surrounding punctuation (AssemblyAI gives one form only).",
        "Speaker letters (`A`, `B`, ...) become indexes (0, 1, ...); words carry `speaker` only when "
        "speaker labels were asked for.",
        "With several audio channels, each channel's words (by the `channel` AssemblyAI gives each "
        "word) make one entry of `results.channels`, whose transcript is those words joined by spaces "
        "and whose confidence is their mean confidence (AssemblyAI rates the whole transcript only). "
        "A result that does not say which channel a word came from is one channel.",
        "`paragraphs` is an empty list: AssemblyAI's transcript is not split into paragraphs.",
        "AssemblyAI's utterances become `results.utterances` (start and end in seconds, `speaker` as "
        "an index); Deepgram's utterance `id` is not known and left out.",
        "A summary becomes `results.summary.short`. Sentiment, entity, IAB topic, key phrase, "
        "content safety and chapter results are carried over unchanged, under their AssemblyAI names, "
        "in `results`: Deepgram's shapes for them cannot be filled without guessing.",
        "With language detection, each channel gets `detected_language` (as a BCP-47 tag) and "
        "`language_confidence`.",
        "`metadata` has `request_id` (the generation id), `duration` (AssemblyAI's `audio_duration`), "
        "`channels`, and `models` (the model id); `model_info` is empty, and `transaction_key`, "
        "`sha256` and `created` are left out: the transcript does not tell them.",
    )
    result_omissions: ClassVar[tuple[str, ...]] = (
        "/metadata/transaction_key",
        "/metadata/sha256",
        "/metadata/created",
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
        words: list[Mapping[str, Any]] = [
            word for word in result.get("words") or () if isinstance(word, Mapping)
        ]
        utterances: list[Mapping[str, Any]] = [
            item for item in result.get("utterances") or () if isinstance(item, Mapping)
        ]
        diarized = request.get("speaker_labels", result.get("speaker_labels")) is True
        speakers = (
            _speaker_numbers(
                item["speaker"] for item in [*words, *utterances] if item.get("speaker") is not None
            )
            if diarized
            else {}
        )
        channel_keys = _ordered(word["channel"] for word in words if "channel" in word)
        channel_index = {key: index for index, key in enumerate(channel_keys)}

        def word_entry(word: Mapping[str, Any]) -> dict[str, Any]:
            text = str(word.get("text", ""))
            entry: dict[str, Any] = {
                "word": _plain_word(text),
                "start": _seconds(word.get("start")),
                "end": _seconds(word.get("end")),
            }
            if word.get("confidence") is not None:
                entry["confidence"] = word["confidence"]
            entry["punctuated_word"] = text
            if diarized and str(word.get("speaker")) in speakers:
                entry["speaker"] = speakers[str(word.get("speaker"))]
            return entry

        channels: list[dict[str, Any]] = []
        if len(channel_keys) > 1:
            grouped: dict[int, list[Mapping[str, Any]]] = {i: [] for i in range(len(channel_keys))}
            for word in words:
                grouped[channel_index.get(str(word.get("channel")), 0)].append(word)
            for group in grouped.values():
                alternative: dict[str, Any] = {
                    "transcript": " ".join(str(word.get("text", "")) for word in group)
                }
                scores = [
                    w["confidence"]
                    for w in group
                    if isinstance(w.get("confidence"), (int, float))
                    and not isinstance(w.get("confidence"), bool)
                ]
                if scores:
                    alternative["confidence"] = sum(scores) / len(scores)
                alternative["words"] = [word_entry(word) for word in group]
                alternative["paragraphs"] = []
                channels.append({"alternatives": [alternative]})
        else:
            alternative = {"transcript": result.get("text") or ""}
            if isinstance(result.get("confidence"), (int, float)):
                alternative["confidence"] = result["confidence"]
            alternative["words"] = [word_entry(word) for word in words]
            alternative["paragraphs"] = []
            channels.append({"alternatives": [alternative]})
        if result.get("language_detection") is True and result.get("language_code"):
            for channel in channels:
                channel["detected_language"] = _bcp47(str(result["language_code"]))
                if result.get("language_confidence") is not None:
                    channel["language_confidence"] = result["language_confidence"]

        results: dict[str, Any] = {"channels": channels}
        if utterances:
            results["utterances"] = [
                self._utterance(item, word_entry, speakers, channel_index, diarized)
                for item in utterances
            ]
        if isinstance(result.get("summary"), str):
            results["summary"] = {"result": "success", "short": result["summary"]}
        for name in _CARRIED_OVER:
            if result.get(name) is not None:
                results[name] = result[name]

        model = request.get("model") or (
            f"aai/{result['speech_model']}"
            if f"aai/{result.get('speech_model')}" in self.target_models
            else None
        )
        metadata: dict[str, Any] = {"request_id": generation_id}
        if isinstance(result.get("audio_duration"), (int, float)):
            metadata["duration"] = result["audio_duration"]
        metadata["channels"] = len(channels)
        metadata["models"] = [model] if model else []
        metadata["model_info"] = {}  # AssemblyAI reports no model version or architecture
        return {"metadata": metadata, "results": results}

    @staticmethod
    def _utterance(
        item: Mapping[str, Any],
        word_entry: Callable[[Mapping[str, Any]], dict[str, Any]],
        speakers: Mapping[str, int],
        channel_index: Mapping[str, int],
        diarized: bool,
    ) -> dict[str, Any]:
        utterance: dict[str, Any] = {
            "start": _seconds(item.get("start")),
            "end": _seconds(item.get("end")),
        }
        if item.get("confidence") is not None:
            utterance["confidence"] = item["confidence"]
        utterance["channel"] = channel_index.get(str(item.get("channel")), 0)
        utterance["transcript"] = str(item.get("text", ""))
        utterance["words"] = [
            word_entry(word) for word in item.get("words") or () if isinstance(word, Mapping)
        ]
        if diarized and str(item.get("speaker")) in speakers:
            utterance["speaker"] = speakers[str(item.get("speaker"))]
        return utterance
