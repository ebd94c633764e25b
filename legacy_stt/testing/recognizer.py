"""The emulator's stand-in for speech recognition.

It does not listen to the audio; it derives a transcript from it. The same
input (the same bytes, or the same URL) always gives the same words, the
length of a WAV file is read from its header, and the parameters a job asks
for change the result the way they change the real service's: punctuation,
speaker labels, one entry per channel, paragraphs, utterances. Results come
in each model family's published shape.
"""

from __future__ import annotations

import hashlib
import io
import random
import uuid
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, Any

__all__ = [
    "AudioFacts",
    "audio_facts",
    "Word",
    "Sentence",
    "compose",
    "deepgram_result",
    "assemblyai_result",
    "openai_result",
    "mai_result",
]

# Written for the emulator: plain sentences of varied length.
_SENTENCES = (
    "thanks for calling the support line",
    "my order arrived yesterday but the box was empty",
    "could you check the tracking number for me",
    "the meeting moved to thursday afternoon at three",
    "we reviewed the budget and agreed on the second option",
    "please send the signed contract before friday",
    "the weather turned cold and the trains were late again",
    "i would like to change the delivery address",
    "our next release fixes the login problem on older phones",
    "the patient reports mild pain in the left knee",
    "interest rates stayed the same this quarter",
    "let us start with a short summary of last week",
    "the drive through menu now lists the new breakfast items",
    "turn left after the bridge and park near the gate",
    "the video explains how to replace the filter in five minutes",
    "can everyone hear me clearly now",
    "the invoice total does not match the quote we received",
    "we will call you back within two working days",
)

_MODEL_NAMESPACE = uuid.UUID("6b1f3c5e-2f43-4d7e-9a51-0c7d1e2b8f90")


@dataclass(frozen=True)
class AudioFacts:
    """What the emulator knows of an input: its hash, length and channel count."""

    sha256: str
    duration: float
    channels: int


#: Bytes hashed at a time when the audio is read from a file.
_HASH_CHUNK = 1024 * 1024


def audio_facts(
    audio: bytes | None = None,
    url: str | None = None,
    *,
    file: IO[bytes] | None = None,
    size: int | None = None,
) -> AudioFacts:
    """Facts about uploaded audio (WAV headers are read) or a URL (derived from its text).

    The audio is ``audio`` (bytes), or ``file``: a seekable binary file
    positioned at the start of the audio, ``size`` bytes long (else read to
    its end), read a chunk at a time and left where it started. The same
    bytes give the same facts either way.
    """
    if audio is not None and file is not None:
        raise ValueError("pass the audio as bytes or as a file, not both")
    if audio is not None:
        return _facts_of_file(io.BytesIO(audio), len(audio))
    if file is not None:
        return _facts_of_file(file, size)
    text = url or ""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    rng = random.Random(digest)
    return AudioFacts(digest, round(rng.uniform(4.0, 30.0), 3), 2 if rng.random() < 0.3 else 1)


def _facts_of_file(file: IO[bytes], size: int | None) -> AudioFacts:
    start = file.tell()
    try:
        hasher = hashlib.sha256()
        length = 0
        while size is None or length < size:
            want = _HASH_CHUNK if size is None else min(_HASH_CHUNK, size - length)
            chunk = file.read(want)
            if not chunk:
                break
            hasher.update(chunk)
            length += len(chunk)
        digest = hasher.hexdigest()
        file.seek(start)
        try:
            # wave reads the header only (and leaves a file it did not open open)
            with wave.open(file, "rb") as wav:
                frames, rate, channels = wav.getnframes(), wav.getframerate(), wav.getnchannels()
            if rate > 0:
                return AudioFacts(digest, round(frames / rate, 3), channels)
        except (wave.Error, EOFError):
            pass
        # not a WAV file: assume a 128 kbit/s compressed stream
        return AudioFacts(digest, round(max(1.0, length / 16000), 3), 1)
    finally:
        file.seek(start)


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    confidence: float
    speaker: int
    punctuated: str


@dataclass(frozen=True)
class Sentence:
    words: list[Word]
    speaker: int

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    def text(self, punctuated: bool) -> str:
        return " ".join(word.punctuated if punctuated else word.text for word in self.words)


def compose(facts: AudioFacts, channel: int = 0, speakers: int = 2) -> list[Sentence]:
    """The sentences 'heard' on one channel, timed to fill the audio."""
    rng = random.Random(f"{facts.sha256}:{channel}")
    word_count = max(3, round(facts.duration * 2.4))
    texts: list[list[str]] = []
    total = 0
    while total < word_count:
        words = rng.choice(_SENTENCES).split()[: word_count - total]
        texts.append(words)
        total += len(words)
    margin = min(0.2, facts.duration / 10)
    span = max(facts.duration - 2 * margin, 0.1)
    step = span / total
    sentences: list[Sentence] = []
    position = margin
    speaker = 0
    for words in texts:
        timed = []
        for index, text in enumerate(words):
            start = round(position, 3)
            end = round(position + step * 0.85, 3)
            position += step
            punctuated = text.capitalize() if index == 0 else text
            if punctuated == "i":
                punctuated = "I"
            if index == len(words) - 1:
                punctuated += "?" if words[0] in ("can", "could") else "."
            timed.append(
                Word(text, start, end, round(rng.uniform(0.86, 0.995), 4), speaker, punctuated)
            )
        sentences.append(Sentence(timed, speaker))
        if speakers > 1 and rng.random() < 0.6:
            speaker = (speaker + 1) % speakers
        # keep every word's speaker equal to its sentence's speaker
    return sentences


def _is_on(params: Mapping[str, Any], name: str) -> bool:
    return params.get(name) is True


def _created() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def deepgram_result(
    generation_id: str,
    model: str,
    params: Mapping[str, Any],
    facts: AudioFacts,
    *,
    arch: str = "nova-2",
) -> dict[str, Any]:
    """A Deepgram-shaped result (nova-2, whisper, nova-3)."""
    punctuated = (
        _is_on(params, "punctuate") or _is_on(params, "smart_format") or _is_on(params, "dictation")
    )
    diarize = _is_on(params, "diarize")
    per_channel = _is_on(params, "multi_channel") or _is_on(params, "multichannel")
    channel_count = facts.channels if per_channel else 1
    model_uuid = str(uuid.uuid5(_MODEL_NAMESPACE, model))
    channels = []
    utterances = []
    for channel in range(channel_count):
        sentences = compose(facts, channel)
        words = []
        for sentence in sentences:
            for word in sentence.words:
                entry: dict[str, Any] = {
                    "word": word.text,
                    "start": word.start,
                    "end": word.end,
                    "confidence": word.confidence,
                    "punctuated_word": word.punctuated if punctuated else word.text,
                }
                if diarize:
                    entry["speaker"] = word.speaker
                    entry["speaker_confidence"] = round(word.confidence - 0.1, 4)
                words.append(entry)
        transcript = " ".join(sentence.text(punctuated) for sentence in sentences)
        confidence = round(sum(w["confidence"] for w in words) / len(words), 4)
        paragraphs = []
        if _is_on(params, "paragraphs"):
            for first in range(0, len(sentences), 3):
                group = sentences[first : first + 3]
                block: dict[str, Any] = {
                    "transcript": " ".join(s.text(True) for s in group),
                    "paragraphs": {
                        "sentences": [
                            {"text": s.text(True), "start": s.start, "end": s.end} for s in group
                        ],
                        "num_words": sum(len(s.words) for s in group),
                        "start": group[0].start,
                        "end": group[-1].end,
                    },
                }
                if diarize:
                    block["paragraphs"]["speaker"] = group[0].speaker
                paragraphs.append(block)
        alternative = {
            "transcript": transcript,
            "confidence": confidence,
            "words": words,
            "paragraphs": paragraphs,
        }
        entry_channel: dict[str, Any] = {"alternatives": [alternative]}
        if _is_on(params, "detect_language") or params.get("detect_language"):
            entry_channel["detected_language"] = (params.get("language") or "en").split("-")[0]
            entry_channel["language_confidence"] = 0.97
        channels.append(entry_channel)
        if _is_on(params, "utterances"):
            for sentence in sentences:
                utterance: dict[str, Any] = {
                    "start": sentence.start,
                    "end": sentence.end,
                    "confidence": round(
                        sum(w.confidence for w in sentence.words) / len(sentence.words), 4
                    ),
                    "channel": channel,
                    "transcript": sentence.text(punctuated),
                    "words": [
                        {
                            "word": w.text,
                            "start": w.start,
                            "end": w.end,
                            "confidence": w.confidence,
                            "punctuated_word": w.punctuated if punctuated else w.text,
                        }
                        for w in sentence.words
                    ],
                    "id": str(
                        uuid.uuid5(_MODEL_NAMESPACE, f"{generation_id}:{channel}:{sentence.start}")
                    ),
                }
                if diarize:
                    utterance["speaker"] = sentence.speaker
                utterances.append(utterance)
    results: dict[str, Any] = {"channels": channels}
    if utterances:
        results["utterances"] = utterances
    if params.get("summarize"):
        results["summary"] = {
            "result": "success",
            "short": channels[0]["alternatives"][0]["transcript"].split(".")[0] + ".",
        }
    metadata = {
        "transaction_key": "deprecated",
        "request_id": generation_id,
        "sha256": facts.sha256,
        "created": _created(),
        "duration": facts.duration,
        "channels": channel_count,
        "models": [model_uuid],
        "model_info": {
            model_uuid: {
                "name": model.lstrip("#").replace("g1_", ""),
                "version": "2024-01-09.29447",
                "arch": arch,
            }
        },
    }
    if isinstance(params.get("extra"), str):
        metadata["extra"] = dict(item.split(":", 1) for item in [params["extra"]] if ":" in item)
    return {"metadata": metadata, "results": results}


def assemblyai_result(
    generation_id: str, model: str, params: Mapping[str, Any], facts: AudioFacts
) -> dict[str, Any]:
    """An AssemblyAI transcript object (times in milliseconds, as AssemblyAI gives them)."""
    formatted = params.get("format_text", True) is not False or params.get("punctuate") is True
    labels = params.get("speaker_labels") is True
    sentences = compose(facts, 0)
    letters = "ABCDEFGH"
    words = []
    for sentence in sentences:
        for word in sentence.words:
            entry: dict[str, Any] = {
                "text": word.punctuated if formatted else word.text,
                "start": int(word.start * 1000),
                "end": int(word.end * 1000),
                "confidence": word.confidence,
            }
            if labels:
                entry["speaker"] = letters[word.speaker]
            words.append(entry)
    result: dict[str, Any] = {
        "id": generation_id,
        "status": "completed",
        "speech_model": "slam-1" if model.endswith("slam-1") else "universal",
        "language_code": params.get("language_code") or "en_us",
        "text": " ".join(sentence.text(formatted) for sentence in sentences),
        "words": words,
        "confidence": round(sum(w["confidence"] for w in words) / len(words), 4),
        "audio_duration": facts.duration,
        "punctuate": params.get("punctuate", True) is not False,
        "format_text": formatted,
        "disfluencies": params.get("disfluencies") is True,
        "multichannel": params.get("multichannel") is True,
        "speaker_labels": labels,
        "auto_highlights": params.get("auto_highlights") is True,
        "summarization": params.get("summarization") is True,
    }
    if labels:
        result["utterances"] = [
            {
                "speaker": letters[sentence.speaker],
                "text": sentence.text(formatted),
                "start": int(sentence.start * 1000),
                "end": int(sentence.end * 1000),
                "confidence": round(
                    sum(w.confidence for w in sentence.words) / len(sentence.words), 4
                ),
                "words": [
                    {
                        "text": w.punctuated if formatted else w.text,
                        "start": int(w.start * 1000),
                        "end": int(w.end * 1000),
                        "confidence": w.confidence,
                        "speaker": letters[w.speaker],
                    }
                    for w in sentence.words
                ],
            }
            for sentence in sentences
        ]
    if params.get("summarization") is True:
        result["summary"] = sentences[0].text(True)
        result["summary_type"] = params.get("summary_type", "bullets")
        result["summary_model"] = params.get("summary_model", "informative")
    if params.get("language_detection") is True:
        result["language_detection"] = True
        result["language_confidence"] = 0.97
    return result


def openai_result(
    generation_id: str, model: str, params: Mapping[str, Any], facts: AudioFacts
) -> dict[str, Any]:
    """An OpenAI transcription: the text and the token usage."""
    sentences = compose(facts, 0)
    text = " ".join(sentence.text(True) for sentence in sentences)
    audio_tokens = max(1, round(facts.duration * 10))
    text_tokens = len(str(params.get("prompt", "")).split())
    output_tokens = max(1, round(len(text.split()) * 1.3))
    return {
        "text": text,
        "usage": {
            "type": "tokens",
            "input_tokens": audio_tokens + text_tokens,
            "input_token_details": {"text_tokens": text_tokens, "audio_tokens": audio_tokens},
            "output_tokens": output_tokens,
            "total_tokens": audio_tokens + text_tokens + output_tokens,
        },
    }


#: What the emulator charges MAI-Transcribe jobs, per second of audio (made up: the form matters).
MAI_COST_PER_SECOND = 0.0001


def mai_result(
    generation_id: str, model: str, params: Mapping[str, Any], facts: AudioFacts
) -> dict[str, Any]:
    """A MAI-Transcribe transcription as its page shows one: the text, the seconds billed and the cost."""
    sentences = compose(facts, 0)
    seconds = facts.duration
    return {
        "text": " ".join(sentence.text(True) for sentence in sentences),
        "usage": {"seconds": seconds, "cost": round(seconds * MAI_COST_PER_SECOND, 6)},
    }
