"""Model adapter for Deepgram nova-3.

nova-3 speaks the Deepgram vocabulary with a few changes: ``multi_channel``
is ``multichannel``, keyword boosting (``keywords``) gave way to keyterm
prompting (``keyterm``), topic detection is only ``topics``, and the
diarization version cannot be pinned. Its results are Deepgram-shaped, so
they need no translation. No legacy payload names nova-3: it is a target
that nova-2 and whisper payloads can be moved to.

The documentation later added ``nova-3-general`` and ``nova-3-medical``, each
with its own page and the same create parameters as ``nova-3``; one model
adapter serves all three, and what differs per model is in ``model_notes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from .base import ModelAdapter, ParameterRule, passthrough
from .deepgram import (
    DEEPGRAM_LEGACY_PARAMETERS,
    KEYWORDS_AS_TERMS_NOTE,
    DeepgramResultMixin,
    keyword_terms,
)

__all__ = ["Nova3Adapter", "NOVA3_RULES"]

_CHANGED: tuple[ParameterRule, ...] = (
    ParameterRule("multi_channel", "multichannel", note="nova-3's name for it"),
    ParameterRule(
        "keywords",
        "keyterm",
        keyword_terms,
        note=f"keyterm prompting replaced keyword boosting: {KEYWORDS_AS_TERMS_NOTE}",
    ),
    ParameterRule("detect_topics", "topics", note="nova-3 offers topic detection only as `topics`"),
    ParameterRule(
        "diarize_version",
        None,
        note="nova-3 has no way to pin the version of its speaker separation",
    ),
)

#: Deepgram-vocabulary name -> nova-3: every legacy parameter has a row.
NOVA3_RULES: tuple[ParameterRule, ...] = _CHANGED + passthrough(
    *(name for name in DEEPGRAM_LEGACY_PARAMETERS if name not in {rule.legacy for rule in _CHANGED})
)


class Nova3Adapter(DeepgramResultMixin, ModelAdapter):
    """Deepgram nova-3: a target for Deepgram-vocabulary payloads; Deepgram-shaped results."""

    name = "nova-3"
    legacy_models = ()
    target_models = ("nova-3", "nova-3-general", "nova-3-medical")
    input_family = "deepgram"
    rules_family = "deepgram"
    native_family = None  # renamed parameters: a nova-2 payload cannot be sent unchanged
    create_schema = "create-nova-3"
    upload_field = "audio"
    parameter_rules: ClassVar[tuple[ParameterRule, ...]] = NOVA3_RULES
    # What each model's own documentation page says differently (they share one create schema).
    model_notes: ClassVar[Mapping[str, tuple[str, ...]]] = {
        "nova-3": ("Its page describes `keyterm` (what `keywords` becomes) as for Nova-3 only.",),
        "nova-3-general": (
            "Its page describes `keyterm` (what `keywords` becomes) as for Nova-3 General only.",
            "Its page states billing per minute of audio, where the legacy and AssemblyAI pages "
            "state billing per second.",
        ),
        "nova-3-medical": (
            "Its page describes `keyterm` (what `keywords` becomes) as for Nova-3 Medical only.",
            "Its page states billing per minute of audio, where the legacy and AssemblyAI pages "
            "state billing per second.",
        ),
    }
