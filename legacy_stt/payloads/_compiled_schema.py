"""Compiled yes/no checks of the legacy request's families and of the members of
the targets' create schemas. Generated: do not edit.

Written by ``python -m legacy_stt.payloads.schema_codegen`` with fastjsonschema 2.22.3 from the
family schemas that ``legacy_stt.payloads.validation.legacy_families()`` derives from
``schemas/legacy-request.schema.json``, and from ``schemas/create-*.schema.json``. A
check whose schema has changed since is not used (jsonschema, or a compile at run
time, stands in), and the test suite fails until this file is written again.
"""

# ruff: noqa
# fmt: off
# mypy: ignore-errors
VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException
try:  # fastjsonschema 2.22+
    from fastjsonschema import JsonSchemaValuesException
except ImportError:  # earlier releases raise only the one
    JsonSchemaValuesException = JsonSchemaValueException


NoneType = type(None)

SOURCES = {
    'deepgram': '{"$schema":"http://json-schema.org/draft-07/schema#","allOf":[{"properties":{"custom_intent":{"anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]},"custom_intent_mode":{"enum":["strict","extended"],"type":"string"},"custom_topic":{"anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]},"custom_topic_mode":{"enum":["strict","extended"],"type":"string"},"detect_entities":{"type":"boolean"},"detect_language":{"type":"boolean"},"detect_topics":{"type":"boolean"},"diarize":{"type":"boolean"},"diarize_version":{"type":"string"},"dictation":{"type":"boolean"},"extra":{"type":"string"},"filler_words":{"type":"boolean"},"intents":{"type":"boolean"},"keywords":{"type":"string"},"language":{"type":"string"},"measurements":{"type":"boolean"},"multi_channel":{"type":"boolean"},"numerals":{"type":"boolean"},"paragraphs":{"type":"boolean"},"profanity_filter":{"type":"boolean"},"punctuate":{"type":"boolean"},"search":{"type":"string"},"sentiment":{"type":"boolean"},"smart_format":{"type":"boolean"},"summarize":{"type":"string"},"tag":{"items":{"type":"string"},"type":"array"},"topics":{"type":"boolean"},"utt_split":{"type":"number"},"utterances":{"type":"boolean"}},"type":"object"}],"properties":{"model":{"enum":["#g1_nova-2-general","#g1_nova-2-meeting","#g1_nova-2-phonecall","#g1_nova-2-voicemail","#g1_nova-2-finance","#g1_nova-2-conversationalai","#g1_nova-2-video","#g1_nova-2-medical","#g1_nova-2-drivethru","#g1_nova-2-automotive","#g1_whisper-large","#g1_whisper-medium","#g1_whisper-small","#g1_whisper-tiny","#g1_whisper-base"],"type":"string"},"url":{"type":"string"}},"required":["model"]}',
    'assemblyai': '{"$schema":"http://json-schema.org/draft-07/schema#","allOf":[{"properties":{"audio_end_at":{"type":"integer"},"audio_start_from":{"type":"integer"},"auto_chapters":{"type":"boolean"},"auto_highlights":{"type":"boolean"},"boost_param":{"enum":["low","default","high"],"type":"string"},"content_safety":{"type":"boolean"},"custom_spelling":{"items":{"properties":{"from":{"type":"string"},"to":{"type":"string"}},"required":["from","to"],"type":"object"},"type":"array"},"disfluencies":{"type":"boolean"},"entity_detection":{"type":"boolean"},"filter_profanity":{"type":"boolean"},"format_text":{"type":"boolean"},"iab_categories":{"type":"boolean"},"language_code":{"type":"string"},"language_confidence_threshold":{"maximum":1,"minimum":0,"type":"number"},"language_detection":{"type":"boolean"},"multichannel":{"type":"boolean"},"punctuate":{"type":["boolean","null"]},"redact_pii":{"type":"boolean"},"redact_pii_audio":{"type":"boolean"},"redact_pii_audio_quality":{"enum":["mp3","wav"],"type":"string"},"redact_pii_policies":{"items":{"enum":["account_number","banking_information","blood_type","credit_card_cvv","credit_card_expiration","credit_card_number","date","date_interval","date_of_birth","drivers_license","drug","duration","email_address","event","filename","gender_sexuality","healthcare_number","injury","ip_address","language","location","marital_status","medical_condition","medical_process","money_amount","nationality","number_sequence","occupation","organization","passport_number","password","person_age","person_name","phone_number","physical_attribute","political_affiliation","religion","statistics","time","url","us_social_security_number","username","vehicle_id","zodiac_sign"],"type":"string"},"type":"array"},"redact_pii_sub":{"enum":["entity_name","hash"],"type":"string"},"sentiment_analysis":{"type":"boolean"},"speakers_expected":{"type":["integer","null"]},"speech_threshold":{"maximum":1,"minimum":0,"type":"number"},"summarization":{"type":"boolean"},"summary_model":{"enum":["informative","conversational","catchy"],"type":"string"},"summary_type":{"enum":["bullets","bullets_verbose","gist","headline","paragraph"],"type":"string"},"word_boost":{"items":{"type":"string"},"type":"array"}},"type":"object"}],"properties":{"model":{"enum":["aai/slam-1","aai/universal"],"type":"string"},"speaker_labels":{"type":["boolean","null"]},"url":{"type":"string"}},"required":["model"]}',
    'openai': '{"$schema":"http://json-schema.org/draft-07/schema#","allOf":[{"properties":{"language":{"type":"string"},"prompt":{"type":"string"},"temperature":{"maximum":1,"minimum":0,"type":"number"}},"type":"object"}],"properties":{"model":{"enum":["openai/gpt-4o-transcribe","openai/gpt-4o-mini-transcribe"],"type":"string"},"url":{"type":"string"}},"required":["model"]}',
}

MEMBER_SOURCES = {
    'deepgram': {
        'custom_intent': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'custom_topic': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'custom_intent_mode': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["strict","extended"],"type":"string"}',
        'custom_topic_mode': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["strict","extended"],"type":"string"}',
        'detect_language': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'detect_entities': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'detect_topics': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'diarize': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'dictation': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'diarize_version': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'extra': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'filler_words': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'intents': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'keywords': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'language': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'measurements': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'multi_channel': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'numerals': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'paragraphs': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'profanity_filter': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'punctuate': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'search': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'sentiment': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'smart_format': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'summarize': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'tag': '{"$schema":"http://json-schema.org/draft-07/schema#","items":{"type":"string"},"type":"array"}',
        'topics': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'utterances': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'utt_split': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"number"}',
        'model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["#g1_nova-2-general","#g1_nova-2-meeting","#g1_nova-2-phonecall","#g1_nova-2-voicemail","#g1_nova-2-finance","#g1_nova-2-conversationalai","#g1_nova-2-video","#g1_nova-2-medical","#g1_nova-2-drivethru","#g1_nova-2-automotive","#g1_whisper-large","#g1_whisper-medium","#g1_whisper-small","#g1_whisper-tiny","#g1_whisper-base"],"type":"string"}',
        'url': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
    },
    'assemblyai': {
        'audio_start_from': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"integer"}',
        'audio_end_at': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"integer"}',
        'language_code': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'language_confidence_threshold': '{"$schema":"http://json-schema.org/draft-07/schema#","maximum":1,"minimum":0,"type":"number"}',
        'language_detection': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'punctuate': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'format_text': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'disfluencies': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'multichannel': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'speakers_expected': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["integer","null"]}',
        'content_safety': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'iab_categories': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'custom_spelling': '{"$schema":"http://json-schema.org/draft-07/schema#","items":{"properties":{"from":{"type":"string"},"to":{"type":"string"}},"required":["from","to"],"type":"object"},"type":"array"}',
        'auto_highlights': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'word_boost': '{"$schema":"http://json-schema.org/draft-07/schema#","items":{"type":"string"},"type":"array"}',
        'boost_param': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["low","default","high"],"type":"string"}',
        'filter_profanity': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'redact_pii': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'redact_pii_audio': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'redact_pii_audio_quality': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["mp3","wav"],"type":"string"}',
        'redact_pii_policies': '{"$schema":"http://json-schema.org/draft-07/schema#","items":{"enum":["account_number","banking_information","blood_type","credit_card_cvv","credit_card_expiration","credit_card_number","date","date_interval","date_of_birth","drivers_license","drug","duration","email_address","event","filename","gender_sexuality","healthcare_number","injury","ip_address","language","location","marital_status","medical_condition","medical_process","money_amount","nationality","number_sequence","occupation","organization","passport_number","password","person_age","person_name","phone_number","physical_attribute","political_affiliation","religion","statistics","time","url","us_social_security_number","username","vehicle_id","zodiac_sign"],"type":"string"},"type":"array"}',
        'redact_pii_sub': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["entity_name","hash"],"type":"string"}',
        'sentiment_analysis': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'entity_detection': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'summarization': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'summary_model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["informative","conversational","catchy"],"type":"string"}',
        'summary_type': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["bullets","bullets_verbose","gist","headline","paragraph"],"type":"string"}',
        'auto_chapters': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"boolean"}',
        'speech_threshold': '{"$schema":"http://json-schema.org/draft-07/schema#","maximum":1,"minimum":0,"type":"number"}',
        'model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["aai/slam-1","aai/universal"],"type":"string"}',
        'speaker_labels': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'url': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
    },
    'openai': {
        'language': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'prompt': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'temperature': '{"$schema":"http://json-schema.org/draft-07/schema#","maximum":1,"minimum":0,"type":"number"}',
        'model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["openai/gpt-4o-transcribe","openai/gpt-4o-mini-transcribe"],"type":"string"}',
        'url': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
    },
    'create-nova-2': {
        'model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["nova-2-general","#g1_nova-2-automotive","#g1_nova-2-conversationalai","#g1_nova-2-drivethru","#g1_nova-2-finance","#g1_nova-2-general","#g1_nova-2-medical","#g1_nova-2-meeting","#g1_nova-2-phonecall","#g1_nova-2-video","#g1_nova-2-voicemail"],"type":"string"}',
        'url': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'audio': '{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"buffer":{"anyOf":[{"type":"null"},{"properties":{"data":{"items":{"type":"number"},"type":"array"},"type":{"enum":["Buffer"],"type":"string"}},"required":["type","data"],"type":"object"}]},"encoding":{"type":"string"},"fieldname":{"type":"string"},"mimetype":{"type":"string"},"originalname":{"type":"string"},"size":{"type":"integer"}},"required":["mimetype","originalname","encoding","fieldname"],"type":"object"}',
        'custom_intent': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'custom_topic': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'custom_intent_mode': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["strict","extended"],"type":"string"}',
        'custom_topic_mode': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["strict","extended"],"type":"string"}',
        'detect_language': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'detect_entities': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'detect_topics': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'diarize': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'dictation': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'diarize_version': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'extra': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'filler_words': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'intents': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'keywords': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'language': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'measurements': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'multi_channel': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'numerals': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'paragraphs': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'profanity_filter': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'punctuate': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'search': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'sentiment': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'smart_format': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'summarize': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'tag': '{"$schema":"http://json-schema.org/draft-07/schema#","items":{"type":"string"},"type":"array"}',
        'topics': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'utterances': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'utt_split': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"number"}',
    },
    'create-whisper': {
        'model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["#g1_whisper-tiny","#g1_whisper-base","#g1_whisper-small","#g1_whisper-medium","#g1_whisper-large","whisper-base"],"type":"string"}',
        'url': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'audio': '{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"buffer":{"anyOf":[{"type":"null"},{"properties":{"data":{"items":{"type":"number"},"type":"array"},"type":{"enum":["Buffer"],"type":"string"}},"required":["type","data"],"type":"object"}]},"encoding":{"type":"string"},"fieldname":{"type":"string"},"mimetype":{"type":"string"},"originalname":{"type":"string"},"size":{"type":"integer"}},"required":["mimetype","originalname","encoding","fieldname"],"type":"object"}',
        'custom_intent': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'custom_topic': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'custom_intent_mode': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["strict","extended"],"type":"string"}',
        'custom_topic_mode': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["strict","extended"],"type":"string"}',
        'detect_language': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'detect_entities': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'detect_topics': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'diarize': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'dictation': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'diarize_version': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'extra': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'filler_words': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'intents': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'keywords': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'language': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'measurements': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'multi_channel': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'numerals': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'paragraphs': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'profanity_filter': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'punctuate': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'search': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'sentiment': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'smart_format': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'summarize': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'tag': '{"$schema":"http://json-schema.org/draft-07/schema#","items":{"type":"string"},"type":"array"}',
        'topics': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'utterances': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'utt_split': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"number"}',
    },
    'create-nova-3': {
        'model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["nova-3","nova-3-general","nova-3-medical"],"type":"string"}',
        'url': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'audio': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'language': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'punctuate': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'smart_format': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'diarize': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'multichannel': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'paragraphs': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'utterances': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'utt_split': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"number"}',
        'detect_language': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"items":{"type":"string"},"type":"array"},{"type":["boolean","null"]}]}',
        'detect_entities': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'intents': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'sentiment': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'topics': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'summarize': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"type":"boolean"}]}',
        'custom_intent': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'custom_intent_mode': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["strict","extended"],"type":"string"}',
        'custom_topic': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'custom_topic_mode': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["strict","extended"],"type":"string"}',
        'keyterm': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'filler_words': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'profanity_filter': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'redact': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'replace': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'search': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'dictation': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'measurements': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'numerals': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'encoding': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["linear16","flac","mulaw","amr-nb","amr-wb","opus","speex","g729"],"type":"string"}',
        'tag': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'extra': '{"$schema":"http://json-schema.org/draft-07/schema#","anyOf":[{"type":"string"},{"items":{"type":"string"},"type":"array"}]}',
        'mip_opt_out': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'version': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
    },
    'create-aai': {
        'model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["aai/universal","aai/slam-1"],"type":"string"}',
        'url': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'audio': '{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"buffer":{"anyOf":[{"type":"null"},{"properties":{"data":{"items":{"type":"number"},"type":"array"},"type":{"enum":["Buffer"],"type":"string"}},"required":["type","data"],"type":"object"}]},"encoding":{"type":"string"},"fieldname":{"type":"string"},"mimetype":{"type":"string"},"originalname":{"type":"string"},"size":{"type":"integer"}},"required":["mimetype","originalname","encoding","fieldname"],"type":"object"}',
        'audio_start_from': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["integer","null"]}',
        'audio_end_at': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["integer","null"]}',
        'language_code': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'language_confidence_threshold': '{"$schema":"http://json-schema.org/draft-07/schema#","maximum":1,"minimum":0,"type":["number","null"]}',
        'language_detection': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'punctuate': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'format_text': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'disfluencies': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'multichannel': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'speaker_labels': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'speakers_expected': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["integer","null"]}',
        'content_safety': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'iab_categories': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'custom_spelling': '{"$schema":"http://json-schema.org/draft-07/schema#","items":{"properties":{"from":{"type":"string"},"to":{"type":"string"}},"required":["from","to"],"type":"object"},"type":"array"}',
        'auto_highlights': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'word_boost': '{"$schema":"http://json-schema.org/draft-07/schema#","items":{"type":"string"},"type":"array"}',
        'boost_param': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["low","default","high"],"type":"string"}',
        'filter_profanity': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'redact_pii': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'redact_pii_audio': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'redact_pii_audio_quality': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["mp3","wav"],"type":"string"}',
        'redact_pii_policies': '{"$schema":"http://json-schema.org/draft-07/schema#","items":{"enum":["account_number","banking_information","blood_type","credit_card_cvv","credit_card_expiration","credit_card_number","date","date_interval","date_of_birth","drivers_license","drug","duration","email_address","event","filename","gender_sexuality","healthcare_number","injury","ip_address","language","location","marital_status","medical_condition","medical_process","money_amount","nationality","number_sequence","occupation","organization","passport_number","password","person_age","person_name","phone_number","physical_attribute","political_affiliation","religion","statistics","time","url","us_social_security_number","username","vehicle_id","zodiac_sign"],"type":"string"},"type":"array"}',
        'redact_pii_sub': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["entity_name","hash"],"type":"string"}',
        'sentiment_analysis': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'entity_detection': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'summarization': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'summary_model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["informative","conversational","catchy"],"type":"string"}',
        'summary_type': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["bullets","bullets_verbose","gist","headline","paragraph"],"type":"string"}',
        'auto_chapters': '{"$schema":"http://json-schema.org/draft-07/schema#","type":["boolean","null"]}',
        'speech_threshold': '{"$schema":"http://json-schema.org/draft-07/schema#","maximum":1,"minimum":0,"type":["number","null"]}',
    },
    'create-openai-transcribe': {
        'model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["openai/gpt-4o-transcribe","openai/gpt-4o-mini-transcribe"],"type":"string"}',
        'url': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'file': '{"$schema":"http://json-schema.org/draft-07/schema#","properties":{"buffer":{"anyOf":[{"type":"null"},{"properties":{"data":{"items":{"type":"number"},"type":"array"},"type":{"enum":["Buffer"],"type":"string"}},"required":["type","data"],"type":"object"}]},"encoding":{"type":"string"},"fieldname":{"type":"string"},"mimetype":{"type":"string"},"originalname":{"type":"string"},"size":{"type":"integer"}},"required":["mimetype","originalname","encoding","fieldname"],"type":"object"}',
        'language': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'prompt': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'temperature': '{"$schema":"http://json-schema.org/draft-07/schema#","maximum":1,"minimum":0,"type":"number"}',
    },
    'create-mai-transcribe': {
        'model': '{"$schema":"http://json-schema.org/draft-07/schema#","enum":["microsoft/mai-transcribe-1.5"],"type":"string"}',
        'url': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'audio': '{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}',
        'max_tokens': '{"$schema":"http://json-schema.org/draft-07/schema#","minimum":1,"type":"integer"}',
        'temperature': '{"$schema":"http://json-schema.org/draft-07/schema#","maximum":2,"minimum":0,"type":"number"}',
        'top_p': '{"$schema":"http://json-schema.org/draft-07/schema#","maximum":1,"minimum":0,"type":"number"}',
        'max_completion_tokens': '{"$schema":"http://json-schema.org/draft-07/schema#","minimum":1,"type":"integer"}',
    },
}


def validate_deepgram(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "custom_intent" in data_keys:
            data_keys.remove("custom_intent")
            data__customintent = data["custom_intent"]
            data__customintent_any_of_count1 = 0
            if not data__customintent_any_of_count1:
                try:
                    if not isinstance(data__customintent, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_intent must be string")
                    data__customintent_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__customintent_any_of_count1:
                try:
                    if not isinstance(data__customintent, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_intent must be array")
                    data__customintent_is_list = isinstance(data__customintent, (list, tuple))
                    if data__customintent_is_list:
                        data__customintent_len = len(data__customintent)
                        for data__customintent_x, data__customintent_item in enumerate(data__customintent):
                            if not isinstance(data__customintent_item, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_intent[{data__customintent_x}]".format(**locals()) + " must be string")
                    data__customintent_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__customintent_any_of_count1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_intent cannot be validated by any definition")
        if "custom_topic" in data_keys:
            data_keys.remove("custom_topic")
            data__customtopic = data["custom_topic"]
            data__customtopic_any_of_count2 = 0
            if not data__customtopic_any_of_count2:
                try:
                    if not isinstance(data__customtopic, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_topic must be string")
                    data__customtopic_any_of_count2 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__customtopic_any_of_count2:
                try:
                    if not isinstance(data__customtopic, (list, tuple)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_topic must be array")
                    data__customtopic_is_list = isinstance(data__customtopic, (list, tuple))
                    if data__customtopic_is_list:
                        data__customtopic_len = len(data__customtopic)
                        for data__customtopic_x, data__customtopic_item in enumerate(data__customtopic):
                            if not isinstance(data__customtopic_item, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_topic[{data__customtopic_x}]".format(**locals()) + " must be string")
                    data__customtopic_any_of_count2 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__customtopic_any_of_count2:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_topic cannot be validated by any definition")
        if "custom_intent_mode" in data_keys:
            data_keys.remove("custom_intent_mode")
            data__customintentmode = data["custom_intent_mode"]
            if not isinstance(data__customintentmode, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_intent_mode must be string")
            if not (isinstance(data__customintentmode, str) and data__customintentmode == 'strict' or isinstance(data__customintentmode, str) and data__customintentmode == 'extended'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_intent_mode must be one of ['strict', 'extended']")
        if "custom_topic_mode" in data_keys:
            data_keys.remove("custom_topic_mode")
            data__customtopicmode = data["custom_topic_mode"]
            if not isinstance(data__customtopicmode, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_topic_mode must be string")
            if not (isinstance(data__customtopicmode, str) and data__customtopicmode == 'strict' or isinstance(data__customtopicmode, str) and data__customtopicmode == 'extended'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_topic_mode must be one of ['strict', 'extended']")
        if "detect_language" in data_keys:
            data_keys.remove("detect_language")
            data__detectlanguage = data["detect_language"]
            if not isinstance(data__detectlanguage, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".detect_language must be boolean")
        if "detect_entities" in data_keys:
            data_keys.remove("detect_entities")
            data__detectentities = data["detect_entities"]
            if not isinstance(data__detectentities, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".detect_entities must be boolean")
        if "detect_topics" in data_keys:
            data_keys.remove("detect_topics")
            data__detecttopics = data["detect_topics"]
            if not isinstance(data__detecttopics, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".detect_topics must be boolean")
        if "diarize" in data_keys:
            data_keys.remove("diarize")
            data__diarize = data["diarize"]
            if not isinstance(data__diarize, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".diarize must be boolean")
        if "dictation" in data_keys:
            data_keys.remove("dictation")
            data__dictation = data["dictation"]
            if not isinstance(data__dictation, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".dictation must be boolean")
        if "diarize_version" in data_keys:
            data_keys.remove("diarize_version")
            data__diarizeversion = data["diarize_version"]
            if not isinstance(data__diarizeversion, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".diarize_version must be string")
        if "extra" in data_keys:
            data_keys.remove("extra")
            data__extra = data["extra"]
            if not isinstance(data__extra, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".extra must be string")
        if "filler_words" in data_keys:
            data_keys.remove("filler_words")
            data__fillerwords = data["filler_words"]
            if not isinstance(data__fillerwords, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".filler_words must be boolean")
        if "intents" in data_keys:
            data_keys.remove("intents")
            data__intents = data["intents"]
            if not isinstance(data__intents, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".intents must be boolean")
        if "keywords" in data_keys:
            data_keys.remove("keywords")
            data__keywords = data["keywords"]
            if not isinstance(data__keywords, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".keywords must be string")
        if "language" in data_keys:
            data_keys.remove("language")
            data__language = data["language"]
            if not isinstance(data__language, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".language must be string")
        if "measurements" in data_keys:
            data_keys.remove("measurements")
            data__measurements = data["measurements"]
            if not isinstance(data__measurements, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".measurements must be boolean")
        if "multi_channel" in data_keys:
            data_keys.remove("multi_channel")
            data__multichannel = data["multi_channel"]
            if not isinstance(data__multichannel, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".multi_channel must be boolean")
        if "numerals" in data_keys:
            data_keys.remove("numerals")
            data__numerals = data["numerals"]
            if not isinstance(data__numerals, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".numerals must be boolean")
        if "paragraphs" in data_keys:
            data_keys.remove("paragraphs")
            data__paragraphs = data["paragraphs"]
            if not isinstance(data__paragraphs, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".paragraphs must be boolean")
        if "profanity_filter" in data_keys:
            data_keys.remove("profanity_filter")
            data__profanityfilter = data["profanity_filter"]
            if not isinstance(data__profanityfilter, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".profanity_filter must be boolean")
        if "punctuate" in data_keys:
            data_keys.remove("punctuate")
            data__punctuate = data["punctuate"]
            if not isinstance(data__punctuate, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".punctuate must be boolean")
        if "search" in data_keys:
            data_keys.remove("search")
            data__search = data["search"]
            if not isinstance(data__search, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".search must be string")
        if "sentiment" in data_keys:
            data_keys.remove("sentiment")
            data__sentiment = data["sentiment"]
            if not isinstance(data__sentiment, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".sentiment must be boolean")
        if "smart_format" in data_keys:
            data_keys.remove("smart_format")
            data__smartformat = data["smart_format"]
            if not isinstance(data__smartformat, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".smart_format must be boolean")
        if "summarize" in data_keys:
            data_keys.remove("summarize")
            data__summarize = data["summarize"]
            if not isinstance(data__summarize, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".summarize must be string")
        if "tag" in data_keys:
            data_keys.remove("tag")
            data__tag = data["tag"]
            if not isinstance(data__tag, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".tag must be array")
            data__tag_is_list = isinstance(data__tag, (list, tuple))
            if data__tag_is_list:
                data__tag_len = len(data__tag)
                for data__tag_x, data__tag_item in enumerate(data__tag):
                    if not isinstance(data__tag_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".tag[{data__tag_x}]".format(**locals()) + " must be string")
        if "topics" in data_keys:
            data_keys.remove("topics")
            data__topics = data["topics"]
            if not isinstance(data__topics, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".topics must be boolean")
        if "utterances" in data_keys:
            data_keys.remove("utterances")
            data__utterances = data["utterances"]
            if not isinstance(data__utterances, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".utterances must be boolean")
        if "utt_split" in data_keys:
            data_keys.remove("utt_split")
            data__uttsplit = data["utt_split"]
            if not isinstance(data__uttsplit, (int, float, Decimal)) or isinstance(data__uttsplit, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".utt_split must be number")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['model']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "model" in data_keys:
            data_keys.remove("model")
            data__model = data["model"]
            if not isinstance(data__model, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".model must be string")
            if not (isinstance(data__model, str) and data__model == '#g1_nova-2-general' or isinstance(data__model, str) and data__model == '#g1_nova-2-meeting' or isinstance(data__model, str) and data__model == '#g1_nova-2-phonecall' or isinstance(data__model, str) and data__model == '#g1_nova-2-voicemail' or isinstance(data__model, str) and data__model == '#g1_nova-2-finance' or isinstance(data__model, str) and data__model == '#g1_nova-2-conversationalai' or isinstance(data__model, str) and data__model == '#g1_nova-2-video' or isinstance(data__model, str) and data__model == '#g1_nova-2-medical' or isinstance(data__model, str) and data__model == '#g1_nova-2-drivethru' or isinstance(data__model, str) and data__model == '#g1_nova-2-automotive' or isinstance(data__model, str) and data__model == '#g1_whisper-large' or isinstance(data__model, str) and data__model == '#g1_whisper-medium' or isinstance(data__model, str) and data__model == '#g1_whisper-small' or isinstance(data__model, str) and data__model == '#g1_whisper-tiny' or isinstance(data__model, str) and data__model == '#g1_whisper-base'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".model must be one of ['#g1_nova-2-general', '#g1_nova-2-meeting', '#g1_nova-2-phonecall', '#g1_nova-2-voicemail', '#g1_nova-2-finance', '#g1_nova-2-conversationalai', '#g1_nova-2-video', '#g1_nova-2-medical', '#g1_nova-2-drivethru', '#g1_nova-2-automotive', '#g1_whisper-large', '#g1_whisper-medium', '#g1_whisper-small', '#g1_whisper-tiny', '#g1_whisper-base']")
        if "url" in data_keys:
            data_keys.remove("url")
            data__url = data["url"]
            if not isinstance(data__url, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".url must be string")
    return data


def validate_assemblyai(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "audio_start_from" in data_keys:
            data_keys.remove("audio_start_from")
            data__audiostartfrom = data["audio_start_from"]
            if not isinstance(data__audiostartfrom, (int)) and not (isinstance(data__audiostartfrom, float) and data__audiostartfrom.is_integer()) or isinstance(data__audiostartfrom, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".audio_start_from must be integer")
        if "audio_end_at" in data_keys:
            data_keys.remove("audio_end_at")
            data__audioendat = data["audio_end_at"]
            if not isinstance(data__audioendat, (int)) and not (isinstance(data__audioendat, float) and data__audioendat.is_integer()) or isinstance(data__audioendat, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".audio_end_at must be integer")
        if "language_code" in data_keys:
            data_keys.remove("language_code")
            data__languagecode = data["language_code"]
            if not isinstance(data__languagecode, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".language_code must be string")
        if "language_confidence_threshold" in data_keys:
            data_keys.remove("language_confidence_threshold")
            data__languageconfidencethreshold = data["language_confidence_threshold"]
            if not isinstance(data__languageconfidencethreshold, (int, float, Decimal)) or isinstance(data__languageconfidencethreshold, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".language_confidence_threshold must be number")
            if isinstance(data__languageconfidencethreshold, (int, float, Decimal)) and not isinstance(data__languageconfidencethreshold, bool):
                if data__languageconfidencethreshold < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".language_confidence_threshold must be bigger than or equal to 0")
                if data__languageconfidencethreshold > 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".language_confidence_threshold must be smaller than or equal to 1")
        if "language_detection" in data_keys:
            data_keys.remove("language_detection")
            data__languagedetection = data["language_detection"]
            if not isinstance(data__languagedetection, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".language_detection must be boolean")
        if "punctuate" in data_keys:
            data_keys.remove("punctuate")
            data__punctuate = data["punctuate"]
            if not isinstance(data__punctuate, (bool, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".punctuate must be boolean or null")
        if "format_text" in data_keys:
            data_keys.remove("format_text")
            data__formattext = data["format_text"]
            if not isinstance(data__formattext, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".format_text must be boolean")
        if "disfluencies" in data_keys:
            data_keys.remove("disfluencies")
            data__disfluencies = data["disfluencies"]
            if not isinstance(data__disfluencies, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".disfluencies must be boolean")
        if "multichannel" in data_keys:
            data_keys.remove("multichannel")
            data__multichannel = data["multichannel"]
            if not isinstance(data__multichannel, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".multichannel must be boolean")
        if "speakers_expected" in data_keys:
            data_keys.remove("speakers_expected")
            data__speakersexpected = data["speakers_expected"]
            if not isinstance(data__speakersexpected, (int, NoneType)) and not (isinstance(data__speakersexpected, float) and data__speakersexpected.is_integer()) or isinstance(data__speakersexpected, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".speakers_expected must be integer or null")
        if "content_safety" in data_keys:
            data_keys.remove("content_safety")
            data__contentsafety = data["content_safety"]
            if not isinstance(data__contentsafety, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".content_safety must be boolean")
        if "iab_categories" in data_keys:
            data_keys.remove("iab_categories")
            data__iabcategories = data["iab_categories"]
            if not isinstance(data__iabcategories, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".iab_categories must be boolean")
        if "custom_spelling" in data_keys:
            data_keys.remove("custom_spelling")
            data__customspelling = data["custom_spelling"]
            if not isinstance(data__customspelling, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_spelling must be array")
            data__customspelling_is_list = isinstance(data__customspelling, (list, tuple))
            if data__customspelling_is_list:
                data__customspelling_len = len(data__customspelling)
                for data__customspelling_x, data__customspelling_item in enumerate(data__customspelling):
                    if not isinstance(data__customspelling_item, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_spelling[{data__customspelling_x}]".format(**locals()) + " must be object")
                    data__customspelling_item_is_dict = isinstance(data__customspelling_item, dict)
                    if data__customspelling_item_is_dict:
                        data__customspelling_item__missing_keys = set(['from', 'to']) - data__customspelling_item.keys()
                        if data__customspelling_item__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_spelling[{data__customspelling_x}]".format(**locals()) + " must contain ")
                        data__customspelling_item_keys = set(data__customspelling_item.keys())
                        if "from" in data__customspelling_item_keys:
                            data__customspelling_item_keys.remove("from")
                            data__customspelling_item__from = data__customspelling_item["from"]
                            if not isinstance(data__customspelling_item__from, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_spelling[{data__customspelling_x}].from".format(**locals()) + " must be string")
                        if "to" in data__customspelling_item_keys:
                            data__customspelling_item_keys.remove("to")
                            data__customspelling_item__to = data__customspelling_item["to"]
                            if not isinstance(data__customspelling_item__to, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".custom_spelling[{data__customspelling_x}].to".format(**locals()) + " must be string")
        if "auto_highlights" in data_keys:
            data_keys.remove("auto_highlights")
            data__autohighlights = data["auto_highlights"]
            if not isinstance(data__autohighlights, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".auto_highlights must be boolean")
        if "word_boost" in data_keys:
            data_keys.remove("word_boost")
            data__wordboost = data["word_boost"]
            if not isinstance(data__wordboost, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".word_boost must be array")
            data__wordboost_is_list = isinstance(data__wordboost, (list, tuple))
            if data__wordboost_is_list:
                data__wordboost_len = len(data__wordboost)
                for data__wordboost_x, data__wordboost_item in enumerate(data__wordboost):
                    if not isinstance(data__wordboost_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".word_boost[{data__wordboost_x}]".format(**locals()) + " must be string")
        if "boost_param" in data_keys:
            data_keys.remove("boost_param")
            data__boostparam = data["boost_param"]
            if not isinstance(data__boostparam, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".boost_param must be string")
            if not (isinstance(data__boostparam, str) and data__boostparam == 'low' or isinstance(data__boostparam, str) and data__boostparam == 'default' or isinstance(data__boostparam, str) and data__boostparam == 'high'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".boost_param must be one of ['low', 'default', 'high']")
        if "filter_profanity" in data_keys:
            data_keys.remove("filter_profanity")
            data__filterprofanity = data["filter_profanity"]
            if not isinstance(data__filterprofanity, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".filter_profanity must be boolean")
        if "redact_pii" in data_keys:
            data_keys.remove("redact_pii")
            data__redactpii = data["redact_pii"]
            if not isinstance(data__redactpii, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".redact_pii must be boolean")
        if "redact_pii_audio" in data_keys:
            data_keys.remove("redact_pii_audio")
            data__redactpiiaudio = data["redact_pii_audio"]
            if not isinstance(data__redactpiiaudio, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".redact_pii_audio must be boolean")
        if "redact_pii_audio_quality" in data_keys:
            data_keys.remove("redact_pii_audio_quality")
            data__redactpiiaudioquality = data["redact_pii_audio_quality"]
            if not isinstance(data__redactpiiaudioquality, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".redact_pii_audio_quality must be string")
            if not (isinstance(data__redactpiiaudioquality, str) and data__redactpiiaudioquality == 'mp3' or isinstance(data__redactpiiaudioquality, str) and data__redactpiiaudioquality == 'wav'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".redact_pii_audio_quality must be one of ['mp3', 'wav']")
        if "redact_pii_policies" in data_keys:
            data_keys.remove("redact_pii_policies")
            data__redactpiipolicies = data["redact_pii_policies"]
            if not isinstance(data__redactpiipolicies, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".redact_pii_policies must be array")
            data__redactpiipolicies_is_list = isinstance(data__redactpiipolicies, (list, tuple))
            if data__redactpiipolicies_is_list:
                data__redactpiipolicies_len = len(data__redactpiipolicies)
                for data__redactpiipolicies_x, data__redactpiipolicies_item in enumerate(data__redactpiipolicies):
                    if not isinstance(data__redactpiipolicies_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".redact_pii_policies[{data__redactpiipolicies_x}]".format(**locals()) + " must be string")
                    if not (isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'account_number' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'banking_information' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'blood_type' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'credit_card_cvv' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'credit_card_expiration' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'credit_card_number' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'date' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'date_interval' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'date_of_birth' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'drivers_license' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'drug' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'duration' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'email_address' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'event' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'filename' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'gender_sexuality' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'healthcare_number' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'injury' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'ip_address' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'language' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'location' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'marital_status' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'medical_condition' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'medical_process' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'money_amount' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'nationality' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'number_sequence' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'occupation' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'organization' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'passport_number' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'password' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'person_age' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'person_name' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'phone_number' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'physical_attribute' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'political_affiliation' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'religion' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'statistics' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'time' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'url' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'us_social_security_number' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'username' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'vehicle_id' or isinstance(data__redactpiipolicies_item, str) and data__redactpiipolicies_item == 'zodiac_sign'):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".redact_pii_policies[{data__redactpiipolicies_x}]".format(**locals()) + " must be one of ['account_number', 'banking_information', 'blood_type', 'credit_card_cvv', 'credit_card_expiration', 'credit_card_number', 'date', 'date_interval', 'date_of_birth', 'drivers_license', 'drug', 'duration', 'email_address', 'event', 'filename', 'gender_sexuality', 'healthcare_number', 'injury', 'ip_address', 'language', 'location', 'marital_status', 'medical_condition', 'medical_process', 'money_amount', 'nationality', 'number_sequence', 'occupation', 'organization', 'passport_number', 'password', 'person_age', 'person_name', 'phone_number', 'physical_attribute', 'political_affiliation', 'religion', 'statistics', 'time', 'url', 'us_social_security_number', 'username', 'vehicle_id', 'zodiac_sign']")
        if "redact_pii_sub" in data_keys:
            data_keys.remove("redact_pii_sub")
            data__redactpiisub = data["redact_pii_sub"]
            if not isinstance(data__redactpiisub, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".redact_pii_sub must be string")
            if not (isinstance(data__redactpiisub, str) and data__redactpiisub == 'entity_name' or isinstance(data__redactpiisub, str) and data__redactpiisub == 'hash'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".redact_pii_sub must be one of ['entity_name', 'hash']")
        if "sentiment_analysis" in data_keys:
            data_keys.remove("sentiment_analysis")
            data__sentimentanalysis = data["sentiment_analysis"]
            if not isinstance(data__sentimentanalysis, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".sentiment_analysis must be boolean")
        if "entity_detection" in data_keys:
            data_keys.remove("entity_detection")
            data__entitydetection = data["entity_detection"]
            if not isinstance(data__entitydetection, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".entity_detection must be boolean")
        if "summarization" in data_keys:
            data_keys.remove("summarization")
            data__summarization = data["summarization"]
            if not isinstance(data__summarization, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".summarization must be boolean")
        if "summary_model" in data_keys:
            data_keys.remove("summary_model")
            data__summarymodel = data["summary_model"]
            if not isinstance(data__summarymodel, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".summary_model must be string")
            if not (isinstance(data__summarymodel, str) and data__summarymodel == 'informative' or isinstance(data__summarymodel, str) and data__summarymodel == 'conversational' or isinstance(data__summarymodel, str) and data__summarymodel == 'catchy'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".summary_model must be one of ['informative', 'conversational', 'catchy']")
        if "summary_type" in data_keys:
            data_keys.remove("summary_type")
            data__summarytype = data["summary_type"]
            if not isinstance(data__summarytype, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".summary_type must be string")
            if not (isinstance(data__summarytype, str) and data__summarytype == 'bullets' or isinstance(data__summarytype, str) and data__summarytype == 'bullets_verbose' or isinstance(data__summarytype, str) and data__summarytype == 'gist' or isinstance(data__summarytype, str) and data__summarytype == 'headline' or isinstance(data__summarytype, str) and data__summarytype == 'paragraph'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".summary_type must be one of ['bullets', 'bullets_verbose', 'gist', 'headline', 'paragraph']")
        if "auto_chapters" in data_keys:
            data_keys.remove("auto_chapters")
            data__autochapters = data["auto_chapters"]
            if not isinstance(data__autochapters, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".auto_chapters must be boolean")
        if "speech_threshold" in data_keys:
            data_keys.remove("speech_threshold")
            data__speechthreshold = data["speech_threshold"]
            if not isinstance(data__speechthreshold, (int, float, Decimal)) or isinstance(data__speechthreshold, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".speech_threshold must be number")
            if isinstance(data__speechthreshold, (int, float, Decimal)) and not isinstance(data__speechthreshold, bool):
                if data__speechthreshold < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".speech_threshold must be bigger than or equal to 0")
                if data__speechthreshold > 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".speech_threshold must be smaller than or equal to 1")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['model']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "model" in data_keys:
            data_keys.remove("model")
            data__model = data["model"]
            if not isinstance(data__model, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".model must be string")
            if not (isinstance(data__model, str) and data__model == 'aai/slam-1' or isinstance(data__model, str) and data__model == 'aai/universal'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".model must be one of ['aai/slam-1', 'aai/universal']")
        if "speaker_labels" in data_keys:
            data_keys.remove("speaker_labels")
            data__speakerlabels = data["speaker_labels"]
            if not isinstance(data__speakerlabels, (bool, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".speaker_labels must be boolean or null")
        if "url" in data_keys:
            data_keys.remove("url")
            data__url = data["url"]
            if not isinstance(data__url, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".url must be string")
    return data


def validate_openai(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "language" in data_keys:
            data_keys.remove("language")
            data__language = data["language"]
            if not isinstance(data__language, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".language must be string")
        if "prompt" in data_keys:
            data_keys.remove("prompt")
            data__prompt = data["prompt"]
            if not isinstance(data__prompt, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".prompt must be string")
        if "temperature" in data_keys:
            data_keys.remove("temperature")
            data__temperature = data["temperature"]
            if not isinstance(data__temperature, (int, float, Decimal)) or isinstance(data__temperature, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".temperature must be number")
            if isinstance(data__temperature, (int, float, Decimal)) and not isinstance(data__temperature, bool):
                if data__temperature < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".temperature must be bigger than or equal to 0")
                if data__temperature > 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".temperature must be smaller than or equal to 1")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['model']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "model" in data_keys:
            data_keys.remove("model")
            data__model = data["model"]
            if not isinstance(data__model, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".model must be string")
            if not (isinstance(data__model, str) and data__model == 'openai/gpt-4o-transcribe' or isinstance(data__model, str) and data__model == 'openai/gpt-4o-mini-transcribe'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".model must be one of ['openai/gpt-4o-transcribe', 'openai/gpt-4o-mini-transcribe']")
        if "url" in data_keys:
            data_keys.remove("url")
            data__url = data["url"]
            if not isinstance(data__url, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".url must be string")
    return data


def validate_deepgram_0(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_deepgram_1(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_deepgram_2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'strict' or isinstance(data, str) and data == 'extended'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['strict', 'extended']")
    return data


def validate_deepgram_3(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'strict' or isinstance(data, str) and data == 'extended'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['strict', 'extended']")
    return data


def validate_deepgram_4(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_5(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_6(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_7(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_8(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_9(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_deepgram_10(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_deepgram_11(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_12(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_13(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_deepgram_14(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_deepgram_15(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_16(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_17(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_18(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_19(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_20(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_21(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_deepgram_22(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_23(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_24(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_deepgram_25(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            if not isinstance(data_item, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
    return data


def validate_deepgram_26(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_27(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_deepgram_28(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    return data


def validate_deepgram_29(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == '#g1_nova-2-general' or isinstance(data, str) and data == '#g1_nova-2-meeting' or isinstance(data, str) and data == '#g1_nova-2-phonecall' or isinstance(data, str) and data == '#g1_nova-2-voicemail' or isinstance(data, str) and data == '#g1_nova-2-finance' or isinstance(data, str) and data == '#g1_nova-2-conversationalai' or isinstance(data, str) and data == '#g1_nova-2-video' or isinstance(data, str) and data == '#g1_nova-2-medical' or isinstance(data, str) and data == '#g1_nova-2-drivethru' or isinstance(data, str) and data == '#g1_nova-2-automotive' or isinstance(data, str) and data == '#g1_whisper-large' or isinstance(data, str) and data == '#g1_whisper-medium' or isinstance(data, str) and data == '#g1_whisper-small' or isinstance(data, str) and data == '#g1_whisper-tiny' or isinstance(data, str) and data == '#g1_whisper-base'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['#g1_nova-2-general', '#g1_nova-2-meeting', '#g1_nova-2-phonecall', '#g1_nova-2-voicemail', '#g1_nova-2-finance', '#g1_nova-2-conversationalai', '#g1_nova-2-video', '#g1_nova-2-medical', '#g1_nova-2-drivethru', '#g1_nova-2-automotive', '#g1_whisper-large', '#g1_whisper-medium', '#g1_whisper-small', '#g1_whisper-tiny', '#g1_whisper-base']")
    return data


def validate_deepgram_30(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_assemblyai_0(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer")
    return data


def validate_assemblyai_1(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer")
    return data


def validate_assemblyai_2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_assemblyai_3(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 0:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 0")
        if data > 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be smaller than or equal to 1")
    return data


def validate_assemblyai_4(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_5(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_assemblyai_6(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_7(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_8(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_9(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, NoneType)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer or null")
    return data


def validate_assemblyai_10(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_11(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_12(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            if not isinstance(data_item, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be object")
            data_item_is_dict = isinstance(data_item, dict)
            if data_item_is_dict:
                data_item__missing_keys = set(['from', 'to']) - data_item.keys()
                if data_item__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must contain ")
                data_item_keys = set(data_item.keys())
                if "from" in data_item_keys:
                    data_item_keys.remove("from")
                    data_item__from = data_item["from"]
                    if not isinstance(data_item__from, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}].from".format(**locals()) + " must be string")
                if "to" in data_item_keys:
                    data_item_keys.remove("to")
                    data_item__to = data_item["to"]
                    if not isinstance(data_item__to, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}].to".format(**locals()) + " must be string")
    return data


def validate_assemblyai_13(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_14(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            if not isinstance(data_item, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
    return data


def validate_assemblyai_15(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'low' or isinstance(data, str) and data == 'default' or isinstance(data, str) and data == 'high'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['low', 'default', 'high']")
    return data


def validate_assemblyai_16(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_17(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_18(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_19(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'mp3' or isinstance(data, str) and data == 'wav'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['mp3', 'wav']")
    return data


def validate_assemblyai_20(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            if not isinstance(data_item, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            if not (isinstance(data_item, str) and data_item == 'account_number' or isinstance(data_item, str) and data_item == 'banking_information' or isinstance(data_item, str) and data_item == 'blood_type' or isinstance(data_item, str) and data_item == 'credit_card_cvv' or isinstance(data_item, str) and data_item == 'credit_card_expiration' or isinstance(data_item, str) and data_item == 'credit_card_number' or isinstance(data_item, str) and data_item == 'date' or isinstance(data_item, str) and data_item == 'date_interval' or isinstance(data_item, str) and data_item == 'date_of_birth' or isinstance(data_item, str) and data_item == 'drivers_license' or isinstance(data_item, str) and data_item == 'drug' or isinstance(data_item, str) and data_item == 'duration' or isinstance(data_item, str) and data_item == 'email_address' or isinstance(data_item, str) and data_item == 'event' or isinstance(data_item, str) and data_item == 'filename' or isinstance(data_item, str) and data_item == 'gender_sexuality' or isinstance(data_item, str) and data_item == 'healthcare_number' or isinstance(data_item, str) and data_item == 'injury' or isinstance(data_item, str) and data_item == 'ip_address' or isinstance(data_item, str) and data_item == 'language' or isinstance(data_item, str) and data_item == 'location' or isinstance(data_item, str) and data_item == 'marital_status' or isinstance(data_item, str) and data_item == 'medical_condition' or isinstance(data_item, str) and data_item == 'medical_process' or isinstance(data_item, str) and data_item == 'money_amount' or isinstance(data_item, str) and data_item == 'nationality' or isinstance(data_item, str) and data_item == 'number_sequence' or isinstance(data_item, str) and data_item == 'occupation' or isinstance(data_item, str) and data_item == 'organization' or isinstance(data_item, str) and data_item == 'passport_number' or isinstance(data_item, str) and data_item == 'password' or isinstance(data_item, str) and data_item == 'person_age' or isinstance(data_item, str) and data_item == 'person_name' or isinstance(data_item, str) and data_item == 'phone_number' or isinstance(data_item, str) and data_item == 'physical_attribute' or isinstance(data_item, str) and data_item == 'political_affiliation' or isinstance(data_item, str) and data_item == 'religion' or isinstance(data_item, str) and data_item == 'statistics' or isinstance(data_item, str) and data_item == 'time' or isinstance(data_item, str) and data_item == 'url' or isinstance(data_item, str) and data_item == 'us_social_security_number' or isinstance(data_item, str) and data_item == 'username' or isinstance(data_item, str) and data_item == 'vehicle_id' or isinstance(data_item, str) and data_item == 'zodiac_sign'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be one of ['account_number', 'banking_information', 'blood_type', 'credit_card_cvv', 'credit_card_expiration', 'credit_card_number', 'date', 'date_interval', 'date_of_birth', 'drivers_license', 'drug', 'duration', 'email_address', 'event', 'filename', 'gender_sexuality', 'healthcare_number', 'injury', 'ip_address', 'language', 'location', 'marital_status', 'medical_condition', 'medical_process', 'money_amount', 'nationality', 'number_sequence', 'occupation', 'organization', 'passport_number', 'password', 'person_age', 'person_name', 'phone_number', 'physical_attribute', 'political_affiliation', 'religion', 'statistics', 'time', 'url', 'us_social_security_number', 'username', 'vehicle_id', 'zodiac_sign']")
    return data


def validate_assemblyai_21(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'entity_name' or isinstance(data, str) and data == 'hash'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['entity_name', 'hash']")
    return data


def validate_assemblyai_22(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_23(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_24(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_25(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'informative' or isinstance(data, str) and data == 'conversational' or isinstance(data, str) and data == 'catchy'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['informative', 'conversational', 'catchy']")
    return data


def validate_assemblyai_26(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'bullets' or isinstance(data, str) and data == 'bullets_verbose' or isinstance(data, str) and data == 'gist' or isinstance(data, str) and data == 'headline' or isinstance(data, str) and data == 'paragraph'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['bullets', 'bullets_verbose', 'gist', 'headline', 'paragraph']")
    return data


def validate_assemblyai_27(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
    return data


def validate_assemblyai_28(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 0:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 0")
        if data > 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be smaller than or equal to 1")
    return data


def validate_assemblyai_29(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'aai/slam-1' or isinstance(data, str) and data == 'aai/universal'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['aai/slam-1', 'aai/universal']")
    return data


def validate_assemblyai_30(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_assemblyai_31(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_openai_0(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_openai_1(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_openai_2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 0:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 0")
        if data > 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be smaller than or equal to 1")
    return data


def validate_openai_3(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'openai/gpt-4o-transcribe' or isinstance(data, str) and data == 'openai/gpt-4o-mini-transcribe'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['openai/gpt-4o-transcribe', 'openai/gpt-4o-mini-transcribe']")
    return data


def validate_openai_4(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_2_0(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'nova-2-general' or isinstance(data, str) and data == '#g1_nova-2-automotive' or isinstance(data, str) and data == '#g1_nova-2-conversationalai' or isinstance(data, str) and data == '#g1_nova-2-drivethru' or isinstance(data, str) and data == '#g1_nova-2-finance' or isinstance(data, str) and data == '#g1_nova-2-general' or isinstance(data, str) and data == '#g1_nova-2-medical' or isinstance(data, str) and data == '#g1_nova-2-meeting' or isinstance(data, str) and data == '#g1_nova-2-phonecall' or isinstance(data, str) and data == '#g1_nova-2-video' or isinstance(data, str) and data == '#g1_nova-2-voicemail'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['nova-2-general', '#g1_nova-2-automotive', '#g1_nova-2-conversationalai', '#g1_nova-2-drivethru', '#g1_nova-2-finance', '#g1_nova-2-general', '#g1_nova-2-medical', '#g1_nova-2-meeting', '#g1_nova-2-phonecall', '#g1_nova-2-video', '#g1_nova-2-voicemail']")
    return data


def validate_create_nova_2_1(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_2_2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['mimetype', 'originalname', 'encoding', 'fieldname']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "buffer" in data_keys:
            data_keys.remove("buffer")
            data__buffer = data["buffer"]
            data__buffer_any_of_count1 = 0
            if not data__buffer_any_of_count1:
                try:
                    if not isinstance(data__buffer, (NoneType)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must be null")
                    data__buffer_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__buffer_any_of_count1:
                try:
                    if not isinstance(data__buffer, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must be object")
                    data__buffer_is_dict = isinstance(data__buffer, dict)
                    if data__buffer_is_dict:
                        data__buffer__missing_keys = set(['type', 'data']) - data__buffer.keys()
                        if data__buffer__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must contain ")
                        data__buffer_keys = set(data__buffer.keys())
                        if "type" in data__buffer_keys:
                            data__buffer_keys.remove("type")
                            data__buffer__type = data__buffer["type"]
                            if not isinstance(data__buffer__type, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.type must be string")
                            if not (isinstance(data__buffer__type, str) and data__buffer__type == 'Buffer'):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.type must be one of ['Buffer']")
                        if "data" in data__buffer_keys:
                            data__buffer_keys.remove("data")
                            data__buffer__data = data__buffer["data"]
                            if not isinstance(data__buffer__data, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.data must be array")
                            data__buffer__data_is_list = isinstance(data__buffer__data, (list, tuple))
                            if data__buffer__data_is_list:
                                data__buffer__data_len = len(data__buffer__data)
                                for data__buffer__data_x, data__buffer__data_item in enumerate(data__buffer__data):
                                    if not isinstance(data__buffer__data_item, (int, float, Decimal)) or isinstance(data__buffer__data_item, bool):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.data[{data__buffer__data_x}]".format(**locals()) + " must be number")
                    data__buffer_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__buffer_any_of_count1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer cannot be validated by any definition")
        if "mimetype" in data_keys:
            data_keys.remove("mimetype")
            data__mimetype = data["mimetype"]
            if not isinstance(data__mimetype, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".mimetype must be string")
        if "size" in data_keys:
            data_keys.remove("size")
            data__size = data["size"]
            if not isinstance(data__size, (int)) and not (isinstance(data__size, float) and data__size.is_integer()) or isinstance(data__size, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".size must be integer")
        if "originalname" in data_keys:
            data_keys.remove("originalname")
            data__originalname = data["originalname"]
            if not isinstance(data__originalname, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".originalname must be string")
        if "encoding" in data_keys:
            data_keys.remove("encoding")
            data__encoding = data["encoding"]
            if not isinstance(data__encoding, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".encoding must be string")
        if "fieldname" in data_keys:
            data_keys.remove("fieldname")
            data__fieldname = data["fieldname"]
            if not isinstance(data__fieldname, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".fieldname must be string")
    return data


def validate_create_nova_2_3(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_2_4(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_2_5(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'strict' or isinstance(data, str) and data == 'extended'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['strict', 'extended']")
    return data


def validate_create_nova_2_6(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'strict' or isinstance(data, str) and data == 'extended'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['strict', 'extended']")
    return data


def validate_create_nova_2_7(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_8(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_9(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_10(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_11(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_12(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_2_13(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_2_14(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_15(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_16(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_2_17(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_2_18(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_19(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_20(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_21(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_22(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_23(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_24(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_2_25(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_26(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_27(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_2_28(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            if not isinstance(data_item, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
    return data


def validate_create_nova_2_29(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_30(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_2_31(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    return data


def validate_create_whisper_0(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == '#g1_whisper-tiny' or isinstance(data, str) and data == '#g1_whisper-base' or isinstance(data, str) and data == '#g1_whisper-small' or isinstance(data, str) and data == '#g1_whisper-medium' or isinstance(data, str) and data == '#g1_whisper-large' or isinstance(data, str) and data == 'whisper-base'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['#g1_whisper-tiny', '#g1_whisper-base', '#g1_whisper-small', '#g1_whisper-medium', '#g1_whisper-large', 'whisper-base']")
    return data


def validate_create_whisper_1(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_whisper_2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['mimetype', 'originalname', 'encoding', 'fieldname']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "buffer" in data_keys:
            data_keys.remove("buffer")
            data__buffer = data["buffer"]
            data__buffer_any_of_count1 = 0
            if not data__buffer_any_of_count1:
                try:
                    if not isinstance(data__buffer, (NoneType)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must be null")
                    data__buffer_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__buffer_any_of_count1:
                try:
                    if not isinstance(data__buffer, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must be object")
                    data__buffer_is_dict = isinstance(data__buffer, dict)
                    if data__buffer_is_dict:
                        data__buffer__missing_keys = set(['type', 'data']) - data__buffer.keys()
                        if data__buffer__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must contain ")
                        data__buffer_keys = set(data__buffer.keys())
                        if "type" in data__buffer_keys:
                            data__buffer_keys.remove("type")
                            data__buffer__type = data__buffer["type"]
                            if not isinstance(data__buffer__type, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.type must be string")
                            if not (isinstance(data__buffer__type, str) and data__buffer__type == 'Buffer'):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.type must be one of ['Buffer']")
                        if "data" in data__buffer_keys:
                            data__buffer_keys.remove("data")
                            data__buffer__data = data__buffer["data"]
                            if not isinstance(data__buffer__data, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.data must be array")
                            data__buffer__data_is_list = isinstance(data__buffer__data, (list, tuple))
                            if data__buffer__data_is_list:
                                data__buffer__data_len = len(data__buffer__data)
                                for data__buffer__data_x, data__buffer__data_item in enumerate(data__buffer__data):
                                    if not isinstance(data__buffer__data_item, (int, float, Decimal)) or isinstance(data__buffer__data_item, bool):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.data[{data__buffer__data_x}]".format(**locals()) + " must be number")
                    data__buffer_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__buffer_any_of_count1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer cannot be validated by any definition")
        if "mimetype" in data_keys:
            data_keys.remove("mimetype")
            data__mimetype = data["mimetype"]
            if not isinstance(data__mimetype, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".mimetype must be string")
        if "size" in data_keys:
            data_keys.remove("size")
            data__size = data["size"]
            if not isinstance(data__size, (int)) and not (isinstance(data__size, float) and data__size.is_integer()) or isinstance(data__size, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".size must be integer")
        if "originalname" in data_keys:
            data_keys.remove("originalname")
            data__originalname = data["originalname"]
            if not isinstance(data__originalname, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".originalname must be string")
        if "encoding" in data_keys:
            data_keys.remove("encoding")
            data__encoding = data["encoding"]
            if not isinstance(data__encoding, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".encoding must be string")
        if "fieldname" in data_keys:
            data_keys.remove("fieldname")
            data__fieldname = data["fieldname"]
            if not isinstance(data__fieldname, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".fieldname must be string")
    return data


def validate_create_whisper_3(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_whisper_4(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_whisper_5(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'strict' or isinstance(data, str) and data == 'extended'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['strict', 'extended']")
    return data


def validate_create_whisper_6(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'strict' or isinstance(data, str) and data == 'extended'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['strict', 'extended']")
    return data


def validate_create_whisper_7(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_8(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_9(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_10(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_11(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_12(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_whisper_13(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_whisper_14(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_15(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_16(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_whisper_17(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_whisper_18(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_19(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_20(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_21(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_22(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_23(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_24(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_whisper_25(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_26(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_27(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_whisper_28(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            if not isinstance(data_item, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
    return data


def validate_create_whisper_29(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_30(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_whisper_31(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    return data


def validate_create_nova_3_0(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'nova-3' or isinstance(data, str) and data == 'nova-3-general' or isinstance(data, str) and data == 'nova-3-medical'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['nova-3', 'nova-3-general', 'nova-3-medical']")
    return data


def validate_create_nova_3_1(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_3_2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_3_3(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_nova_3_4(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_5(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_6(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_7(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_8(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_9(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_10(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    return data


def validate_create_nova_3_11(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (bool, NoneType)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_12(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_13(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_14(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_15(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_16(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (bool)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_17(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_18(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'strict' or isinstance(data, str) and data == 'extended'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['strict', 'extended']")
    return data


def validate_create_nova_3_19(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_20(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'strict' or isinstance(data, str) and data == 'extended'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['strict', 'extended']")
    return data


def validate_create_nova_3_21(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_22(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_23(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_24(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_25(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_26(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_27(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_28(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_29(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_30(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'linear16' or isinstance(data, str) and data == 'flac' or isinstance(data, str) and data == 'mulaw' or isinstance(data, str) and data == 'amr-nb' or isinstance(data, str) and data == 'amr-wb' or isinstance(data, str) and data == 'opus' or isinstance(data, str) and data == 'speex' or isinstance(data, str) and data == 'g729'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['linear16', 'flac', 'mulaw', 'amr-nb', 'amr-wb', 'opus', 'speex', 'g729']")
    return data


def validate_create_nova_3_31(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_32(data, custom_formats={}, name_prefix=None):
    data_any_of_count1 = 0
    if not data_any_of_count1:
        try:
            if not isinstance(data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        try:
            if not isinstance(data, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
            data_is_list = isinstance(data, (list, tuple))
            if data_is_list:
                data_len = len(data)
                for data_x, data_item in enumerate(data):
                    if not isinstance(data_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            data_any_of_count1 += 1
        except (JsonSchemaValueException, JsonSchemaValuesException): pass
    if not data_any_of_count1:
        raise JsonSchemaValueException("" + (name_prefix or "data") + " cannot be validated by any definition")
    return data


def validate_create_nova_3_33(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_nova_3_34(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_aai_0(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'aai/universal' or isinstance(data, str) and data == 'aai/slam-1'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['aai/universal', 'aai/slam-1']")
    return data


def validate_create_aai_1(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_aai_2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['mimetype', 'originalname', 'encoding', 'fieldname']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "buffer" in data_keys:
            data_keys.remove("buffer")
            data__buffer = data["buffer"]
            data__buffer_any_of_count1 = 0
            if not data__buffer_any_of_count1:
                try:
                    if not isinstance(data__buffer, (NoneType)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must be null")
                    data__buffer_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__buffer_any_of_count1:
                try:
                    if not isinstance(data__buffer, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must be object")
                    data__buffer_is_dict = isinstance(data__buffer, dict)
                    if data__buffer_is_dict:
                        data__buffer__missing_keys = set(['type', 'data']) - data__buffer.keys()
                        if data__buffer__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must contain ")
                        data__buffer_keys = set(data__buffer.keys())
                        if "type" in data__buffer_keys:
                            data__buffer_keys.remove("type")
                            data__buffer__type = data__buffer["type"]
                            if not isinstance(data__buffer__type, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.type must be string")
                            if not (isinstance(data__buffer__type, str) and data__buffer__type == 'Buffer'):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.type must be one of ['Buffer']")
                        if "data" in data__buffer_keys:
                            data__buffer_keys.remove("data")
                            data__buffer__data = data__buffer["data"]
                            if not isinstance(data__buffer__data, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.data must be array")
                            data__buffer__data_is_list = isinstance(data__buffer__data, (list, tuple))
                            if data__buffer__data_is_list:
                                data__buffer__data_len = len(data__buffer__data)
                                for data__buffer__data_x, data__buffer__data_item in enumerate(data__buffer__data):
                                    if not isinstance(data__buffer__data_item, (int, float, Decimal)) or isinstance(data__buffer__data_item, bool):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.data[{data__buffer__data_x}]".format(**locals()) + " must be number")
                    data__buffer_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__buffer_any_of_count1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer cannot be validated by any definition")
        if "mimetype" in data_keys:
            data_keys.remove("mimetype")
            data__mimetype = data["mimetype"]
            if not isinstance(data__mimetype, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".mimetype must be string")
        if "size" in data_keys:
            data_keys.remove("size")
            data__size = data["size"]
            if not isinstance(data__size, (int)) and not (isinstance(data__size, float) and data__size.is_integer()) or isinstance(data__size, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".size must be integer")
        if "originalname" in data_keys:
            data_keys.remove("originalname")
            data__originalname = data["originalname"]
            if not isinstance(data__originalname, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".originalname must be string")
        if "encoding" in data_keys:
            data_keys.remove("encoding")
            data__encoding = data["encoding"]
            if not isinstance(data__encoding, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".encoding must be string")
        if "fieldname" in data_keys:
            data_keys.remove("fieldname")
            data__fieldname = data["fieldname"]
            if not isinstance(data__fieldname, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".fieldname must be string")
    return data


def validate_create_aai_3(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, NoneType)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer or null")
    return data


def validate_create_aai_4(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, NoneType)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer or null")
    return data


def validate_create_aai_5(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_aai_6(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal, NoneType)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number or null")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 0:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 0")
        if data > 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be smaller than or equal to 1")
    return data


def validate_create_aai_7(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_8(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_9(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_10(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_11(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_12(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_13(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, NoneType)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer or null")
    return data


def validate_create_aai_14(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_15(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_16(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            if not isinstance(data_item, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be object")
            data_item_is_dict = isinstance(data_item, dict)
            if data_item_is_dict:
                data_item__missing_keys = set(['from', 'to']) - data_item.keys()
                if data_item__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must contain ")
                data_item_keys = set(data_item.keys())
                if "from" in data_item_keys:
                    data_item_keys.remove("from")
                    data_item__from = data_item["from"]
                    if not isinstance(data_item__from, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}].from".format(**locals()) + " must be string")
                if "to" in data_item_keys:
                    data_item_keys.remove("to")
                    data_item__to = data_item["to"]
                    if not isinstance(data_item__to, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}].to".format(**locals()) + " must be string")
    return data


def validate_create_aai_17(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_18(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            if not isinstance(data_item, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
    return data


def validate_create_aai_19(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'low' or isinstance(data, str) and data == 'default' or isinstance(data, str) and data == 'high'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['low', 'default', 'high']")
    return data


def validate_create_aai_20(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_21(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_22(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_23(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'mp3' or isinstance(data, str) and data == 'wav'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['mp3', 'wav']")
    return data


def validate_create_aai_24(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (list, tuple)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be array")
    data_is_list = isinstance(data, (list, tuple))
    if data_is_list:
        data_len = len(data)
        for data_x, data_item in enumerate(data):
            if not isinstance(data_item, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be string")
            if not (isinstance(data_item, str) and data_item == 'account_number' or isinstance(data_item, str) and data_item == 'banking_information' or isinstance(data_item, str) and data_item == 'blood_type' or isinstance(data_item, str) and data_item == 'credit_card_cvv' or isinstance(data_item, str) and data_item == 'credit_card_expiration' or isinstance(data_item, str) and data_item == 'credit_card_number' or isinstance(data_item, str) and data_item == 'date' or isinstance(data_item, str) and data_item == 'date_interval' or isinstance(data_item, str) and data_item == 'date_of_birth' or isinstance(data_item, str) and data_item == 'drivers_license' or isinstance(data_item, str) and data_item == 'drug' or isinstance(data_item, str) and data_item == 'duration' or isinstance(data_item, str) and data_item == 'email_address' or isinstance(data_item, str) and data_item == 'event' or isinstance(data_item, str) and data_item == 'filename' or isinstance(data_item, str) and data_item == 'gender_sexuality' or isinstance(data_item, str) and data_item == 'healthcare_number' or isinstance(data_item, str) and data_item == 'injury' or isinstance(data_item, str) and data_item == 'ip_address' or isinstance(data_item, str) and data_item == 'language' or isinstance(data_item, str) and data_item == 'location' or isinstance(data_item, str) and data_item == 'marital_status' or isinstance(data_item, str) and data_item == 'medical_condition' or isinstance(data_item, str) and data_item == 'medical_process' or isinstance(data_item, str) and data_item == 'money_amount' or isinstance(data_item, str) and data_item == 'nationality' or isinstance(data_item, str) and data_item == 'number_sequence' or isinstance(data_item, str) and data_item == 'occupation' or isinstance(data_item, str) and data_item == 'organization' or isinstance(data_item, str) and data_item == 'passport_number' or isinstance(data_item, str) and data_item == 'password' or isinstance(data_item, str) and data_item == 'person_age' or isinstance(data_item, str) and data_item == 'person_name' or isinstance(data_item, str) and data_item == 'phone_number' or isinstance(data_item, str) and data_item == 'physical_attribute' or isinstance(data_item, str) and data_item == 'political_affiliation' or isinstance(data_item, str) and data_item == 'religion' or isinstance(data_item, str) and data_item == 'statistics' or isinstance(data_item, str) and data_item == 'time' or isinstance(data_item, str) and data_item == 'url' or isinstance(data_item, str) and data_item == 'us_social_security_number' or isinstance(data_item, str) and data_item == 'username' or isinstance(data_item, str) and data_item == 'vehicle_id' or isinstance(data_item, str) and data_item == 'zodiac_sign'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + "[{data_x}]".format(**locals()) + " must be one of ['account_number', 'banking_information', 'blood_type', 'credit_card_cvv', 'credit_card_expiration', 'credit_card_number', 'date', 'date_interval', 'date_of_birth', 'drivers_license', 'drug', 'duration', 'email_address', 'event', 'filename', 'gender_sexuality', 'healthcare_number', 'injury', 'ip_address', 'language', 'location', 'marital_status', 'medical_condition', 'medical_process', 'money_amount', 'nationality', 'number_sequence', 'occupation', 'organization', 'passport_number', 'password', 'person_age', 'person_name', 'phone_number', 'physical_attribute', 'political_affiliation', 'religion', 'statistics', 'time', 'url', 'us_social_security_number', 'username', 'vehicle_id', 'zodiac_sign']")
    return data


def validate_create_aai_25(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'entity_name' or isinstance(data, str) and data == 'hash'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['entity_name', 'hash']")
    return data


def validate_create_aai_26(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_27(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_28(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_29(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'informative' or isinstance(data, str) and data == 'conversational' or isinstance(data, str) and data == 'catchy'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['informative', 'conversational', 'catchy']")
    return data


def validate_create_aai_30(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'bullets' or isinstance(data, str) and data == 'bullets_verbose' or isinstance(data, str) and data == 'gist' or isinstance(data, str) and data == 'headline' or isinstance(data, str) and data == 'paragraph'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['bullets', 'bullets_verbose', 'gist', 'headline', 'paragraph']")
    return data


def validate_create_aai_31(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (bool, NoneType)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be boolean or null")
    return data


def validate_create_aai_32(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal, NoneType)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number or null")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 0:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 0")
        if data > 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be smaller than or equal to 1")
    return data


def validate_create_openai_transcribe_0(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'openai/gpt-4o-transcribe' or isinstance(data, str) and data == 'openai/gpt-4o-mini-transcribe'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['openai/gpt-4o-transcribe', 'openai/gpt-4o-mini-transcribe']")
    return data


def validate_create_openai_transcribe_1(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_openai_transcribe_2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['mimetype', 'originalname', 'encoding', 'fieldname']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "buffer" in data_keys:
            data_keys.remove("buffer")
            data__buffer = data["buffer"]
            data__buffer_any_of_count1 = 0
            if not data__buffer_any_of_count1:
                try:
                    if not isinstance(data__buffer, (NoneType)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must be null")
                    data__buffer_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__buffer_any_of_count1:
                try:
                    if not isinstance(data__buffer, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must be object")
                    data__buffer_is_dict = isinstance(data__buffer, dict)
                    if data__buffer_is_dict:
                        data__buffer__missing_keys = set(['type', 'data']) - data__buffer.keys()
                        if data__buffer__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer must contain ")
                        data__buffer_keys = set(data__buffer.keys())
                        if "type" in data__buffer_keys:
                            data__buffer_keys.remove("type")
                            data__buffer__type = data__buffer["type"]
                            if not isinstance(data__buffer__type, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.type must be string")
                            if not (isinstance(data__buffer__type, str) and data__buffer__type == 'Buffer'):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.type must be one of ['Buffer']")
                        if "data" in data__buffer_keys:
                            data__buffer_keys.remove("data")
                            data__buffer__data = data__buffer["data"]
                            if not isinstance(data__buffer__data, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.data must be array")
                            data__buffer__data_is_list = isinstance(data__buffer__data, (list, tuple))
                            if data__buffer__data_is_list:
                                data__buffer__data_len = len(data__buffer__data)
                                for data__buffer__data_x, data__buffer__data_item in enumerate(data__buffer__data):
                                    if not isinstance(data__buffer__data_item, (int, float, Decimal)) or isinstance(data__buffer__data_item, bool):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer.data[{data__buffer__data_x}]".format(**locals()) + " must be number")
                    data__buffer_any_of_count1 += 1
                except (JsonSchemaValueException, JsonSchemaValuesException): pass
            if not data__buffer_any_of_count1:
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".buffer cannot be validated by any definition")
        if "mimetype" in data_keys:
            data_keys.remove("mimetype")
            data__mimetype = data["mimetype"]
            if not isinstance(data__mimetype, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".mimetype must be string")
        if "size" in data_keys:
            data_keys.remove("size")
            data__size = data["size"]
            if not isinstance(data__size, (int)) and not (isinstance(data__size, float) and data__size.is_integer()) or isinstance(data__size, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".size must be integer")
        if "originalname" in data_keys:
            data_keys.remove("originalname")
            data__originalname = data["originalname"]
            if not isinstance(data__originalname, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".originalname must be string")
        if "encoding" in data_keys:
            data_keys.remove("encoding")
            data__encoding = data["encoding"]
            if not isinstance(data__encoding, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".encoding must be string")
        if "fieldname" in data_keys:
            data_keys.remove("fieldname")
            data__fieldname = data["fieldname"]
            if not isinstance(data__fieldname, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".fieldname must be string")
    return data


def validate_create_openai_transcribe_3(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_openai_transcribe_4(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_openai_transcribe_5(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 0:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 0")
        if data > 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be smaller than or equal to 1")
    return data


def validate_create_mai_transcribe_0(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    if not (isinstance(data, str) and data == 'microsoft/mai-transcribe-1.5'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['microsoft/mai-transcribe-1.5']")
    return data


def validate_create_mai_transcribe_1(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_mai_transcribe_2(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string")
    return data


def validate_create_mai_transcribe_3(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 1")
    return data


def validate_create_mai_transcribe_4(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 0:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 0")
        if data > 2:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be smaller than or equal to 2")
    return data


def validate_create_mai_transcribe_5(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int, float, Decimal)) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be number")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 0:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 0")
        if data > 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be smaller than or equal to 1")
    return data


def validate_create_mai_transcribe_6(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (int)) and not (isinstance(data, float) and data.is_integer()) or isinstance(data, bool):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be integer")
    if isinstance(data, (int, float, Decimal)) and not isinstance(data, bool):
        if data < 1:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must be bigger than or equal to 1")
    return data


CHECKS = {
    'deepgram': validate_deepgram,
    'assemblyai': validate_assemblyai,
    'openai': validate_openai,
}

MEMBER_CHECKS = {
    'deepgram': {
        'custom_intent': validate_deepgram_0,
        'custom_topic': validate_deepgram_1,
        'custom_intent_mode': validate_deepgram_2,
        'custom_topic_mode': validate_deepgram_3,
        'detect_language': validate_deepgram_4,
        'detect_entities': validate_deepgram_5,
        'detect_topics': validate_deepgram_6,
        'diarize': validate_deepgram_7,
        'dictation': validate_deepgram_8,
        'diarize_version': validate_deepgram_9,
        'extra': validate_deepgram_10,
        'filler_words': validate_deepgram_11,
        'intents': validate_deepgram_12,
        'keywords': validate_deepgram_13,
        'language': validate_deepgram_14,
        'measurements': validate_deepgram_15,
        'multi_channel': validate_deepgram_16,
        'numerals': validate_deepgram_17,
        'paragraphs': validate_deepgram_18,
        'profanity_filter': validate_deepgram_19,
        'punctuate': validate_deepgram_20,
        'search': validate_deepgram_21,
        'sentiment': validate_deepgram_22,
        'smart_format': validate_deepgram_23,
        'summarize': validate_deepgram_24,
        'tag': validate_deepgram_25,
        'topics': validate_deepgram_26,
        'utterances': validate_deepgram_27,
        'utt_split': validate_deepgram_28,
        'model': validate_deepgram_29,
        'url': validate_deepgram_30,
    },
    'assemblyai': {
        'audio_start_from': validate_assemblyai_0,
        'audio_end_at': validate_assemblyai_1,
        'language_code': validate_assemblyai_2,
        'language_confidence_threshold': validate_assemblyai_3,
        'language_detection': validate_assemblyai_4,
        'punctuate': validate_assemblyai_5,
        'format_text': validate_assemblyai_6,
        'disfluencies': validate_assemblyai_7,
        'multichannel': validate_assemblyai_8,
        'speakers_expected': validate_assemblyai_9,
        'content_safety': validate_assemblyai_10,
        'iab_categories': validate_assemblyai_11,
        'custom_spelling': validate_assemblyai_12,
        'auto_highlights': validate_assemblyai_13,
        'word_boost': validate_assemblyai_14,
        'boost_param': validate_assemblyai_15,
        'filter_profanity': validate_assemblyai_16,
        'redact_pii': validate_assemblyai_17,
        'redact_pii_audio': validate_assemblyai_18,
        'redact_pii_audio_quality': validate_assemblyai_19,
        'redact_pii_policies': validate_assemblyai_20,
        'redact_pii_sub': validate_assemblyai_21,
        'sentiment_analysis': validate_assemblyai_22,
        'entity_detection': validate_assemblyai_23,
        'summarization': validate_assemblyai_24,
        'summary_model': validate_assemblyai_25,
        'summary_type': validate_assemblyai_26,
        'auto_chapters': validate_assemblyai_27,
        'speech_threshold': validate_assemblyai_28,
        'model': validate_assemblyai_29,
        'speaker_labels': validate_assemblyai_30,
        'url': validate_assemblyai_31,
    },
    'openai': {
        'language': validate_openai_0,
        'prompt': validate_openai_1,
        'temperature': validate_openai_2,
        'model': validate_openai_3,
        'url': validate_openai_4,
    },
    'create-nova-2': {
        'model': validate_create_nova_2_0,
        'url': validate_create_nova_2_1,
        'audio': validate_create_nova_2_2,
        'custom_intent': validate_create_nova_2_3,
        'custom_topic': validate_create_nova_2_4,
        'custom_intent_mode': validate_create_nova_2_5,
        'custom_topic_mode': validate_create_nova_2_6,
        'detect_language': validate_create_nova_2_7,
        'detect_entities': validate_create_nova_2_8,
        'detect_topics': validate_create_nova_2_9,
        'diarize': validate_create_nova_2_10,
        'dictation': validate_create_nova_2_11,
        'diarize_version': validate_create_nova_2_12,
        'extra': validate_create_nova_2_13,
        'filler_words': validate_create_nova_2_14,
        'intents': validate_create_nova_2_15,
        'keywords': validate_create_nova_2_16,
        'language': validate_create_nova_2_17,
        'measurements': validate_create_nova_2_18,
        'multi_channel': validate_create_nova_2_19,
        'numerals': validate_create_nova_2_20,
        'paragraphs': validate_create_nova_2_21,
        'profanity_filter': validate_create_nova_2_22,
        'punctuate': validate_create_nova_2_23,
        'search': validate_create_nova_2_24,
        'sentiment': validate_create_nova_2_25,
        'smart_format': validate_create_nova_2_26,
        'summarize': validate_create_nova_2_27,
        'tag': validate_create_nova_2_28,
        'topics': validate_create_nova_2_29,
        'utterances': validate_create_nova_2_30,
        'utt_split': validate_create_nova_2_31,
    },
    'create-whisper': {
        'model': validate_create_whisper_0,
        'url': validate_create_whisper_1,
        'audio': validate_create_whisper_2,
        'custom_intent': validate_create_whisper_3,
        'custom_topic': validate_create_whisper_4,
        'custom_intent_mode': validate_create_whisper_5,
        'custom_topic_mode': validate_create_whisper_6,
        'detect_language': validate_create_whisper_7,
        'detect_entities': validate_create_whisper_8,
        'detect_topics': validate_create_whisper_9,
        'diarize': validate_create_whisper_10,
        'dictation': validate_create_whisper_11,
        'diarize_version': validate_create_whisper_12,
        'extra': validate_create_whisper_13,
        'filler_words': validate_create_whisper_14,
        'intents': validate_create_whisper_15,
        'keywords': validate_create_whisper_16,
        'language': validate_create_whisper_17,
        'measurements': validate_create_whisper_18,
        'multi_channel': validate_create_whisper_19,
        'numerals': validate_create_whisper_20,
        'paragraphs': validate_create_whisper_21,
        'profanity_filter': validate_create_whisper_22,
        'punctuate': validate_create_whisper_23,
        'search': validate_create_whisper_24,
        'sentiment': validate_create_whisper_25,
        'smart_format': validate_create_whisper_26,
        'summarize': validate_create_whisper_27,
        'tag': validate_create_whisper_28,
        'topics': validate_create_whisper_29,
        'utterances': validate_create_whisper_30,
        'utt_split': validate_create_whisper_31,
    },
    'create-nova-3': {
        'model': validate_create_nova_3_0,
        'url': validate_create_nova_3_1,
        'audio': validate_create_nova_3_2,
        'language': validate_create_nova_3_3,
        'punctuate': validate_create_nova_3_4,
        'smart_format': validate_create_nova_3_5,
        'diarize': validate_create_nova_3_6,
        'multichannel': validate_create_nova_3_7,
        'paragraphs': validate_create_nova_3_8,
        'utterances': validate_create_nova_3_9,
        'utt_split': validate_create_nova_3_10,
        'detect_language': validate_create_nova_3_11,
        'detect_entities': validate_create_nova_3_12,
        'intents': validate_create_nova_3_13,
        'sentiment': validate_create_nova_3_14,
        'topics': validate_create_nova_3_15,
        'summarize': validate_create_nova_3_16,
        'custom_intent': validate_create_nova_3_17,
        'custom_intent_mode': validate_create_nova_3_18,
        'custom_topic': validate_create_nova_3_19,
        'custom_topic_mode': validate_create_nova_3_20,
        'keyterm': validate_create_nova_3_21,
        'filler_words': validate_create_nova_3_22,
        'profanity_filter': validate_create_nova_3_23,
        'redact': validate_create_nova_3_24,
        'replace': validate_create_nova_3_25,
        'search': validate_create_nova_3_26,
        'dictation': validate_create_nova_3_27,
        'measurements': validate_create_nova_3_28,
        'numerals': validate_create_nova_3_29,
        'encoding': validate_create_nova_3_30,
        'tag': validate_create_nova_3_31,
        'extra': validate_create_nova_3_32,
        'mip_opt_out': validate_create_nova_3_33,
        'version': validate_create_nova_3_34,
    },
    'create-aai': {
        'model': validate_create_aai_0,
        'url': validate_create_aai_1,
        'audio': validate_create_aai_2,
        'audio_start_from': validate_create_aai_3,
        'audio_end_at': validate_create_aai_4,
        'language_code': validate_create_aai_5,
        'language_confidence_threshold': validate_create_aai_6,
        'language_detection': validate_create_aai_7,
        'punctuate': validate_create_aai_8,
        'format_text': validate_create_aai_9,
        'disfluencies': validate_create_aai_10,
        'multichannel': validate_create_aai_11,
        'speaker_labels': validate_create_aai_12,
        'speakers_expected': validate_create_aai_13,
        'content_safety': validate_create_aai_14,
        'iab_categories': validate_create_aai_15,
        'custom_spelling': validate_create_aai_16,
        'auto_highlights': validate_create_aai_17,
        'word_boost': validate_create_aai_18,
        'boost_param': validate_create_aai_19,
        'filter_profanity': validate_create_aai_20,
        'redact_pii': validate_create_aai_21,
        'redact_pii_audio': validate_create_aai_22,
        'redact_pii_audio_quality': validate_create_aai_23,
        'redact_pii_policies': validate_create_aai_24,
        'redact_pii_sub': validate_create_aai_25,
        'sentiment_analysis': validate_create_aai_26,
        'entity_detection': validate_create_aai_27,
        'summarization': validate_create_aai_28,
        'summary_model': validate_create_aai_29,
        'summary_type': validate_create_aai_30,
        'auto_chapters': validate_create_aai_31,
        'speech_threshold': validate_create_aai_32,
    },
    'create-openai-transcribe': {
        'model': validate_create_openai_transcribe_0,
        'url': validate_create_openai_transcribe_1,
        'file': validate_create_openai_transcribe_2,
        'language': validate_create_openai_transcribe_3,
        'prompt': validate_create_openai_transcribe_4,
        'temperature': validate_create_openai_transcribe_5,
    },
    'create-mai-transcribe': {
        'model': validate_create_mai_transcribe_0,
        'url': validate_create_mai_transcribe_1,
        'audio': validate_create_mai_transcribe_2,
        'max_tokens': validate_create_mai_transcribe_3,
        'temperature': validate_create_mai_transcribe_4,
        'top_p': validate_create_mai_transcribe_5,
        'max_completion_tokens': validate_create_mai_transcribe_6,
    },
}
