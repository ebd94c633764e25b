"""Form-field coding for multipart uploads, and the audio inputs the client accepts."""

from __future__ import annotations

import io
import os
import pathlib

import pytest
from _support import EXAMPLES

from legacy_stt import PayloadError
from legacy_stt.forms import decode_form_fields, encode_form_fields
from legacy_stt.schema import load_schema
from legacy_stt.uploads import upload_from

NOVA2 = load_schema("create-nova-2")["properties"]


def test_encode_writes_booleans_lists_and_numbers_as_clients_do() -> None:
    fields = encode_form_fields(
        {
            "model": "m",
            "diarize": True,
            "punctuate": False,
            "tag": ["a", "b"],
            "utt_split": 0.8,
            "skip": None,
        }
    )
    assert fields == [
        ("model", "m"),
        ("diarize", "true"),
        ("punctuate", "false"),
        ("tag", "a"),
        ("tag", "b"),
        ("utt_split", "0.8"),
    ]


@pytest.mark.parametrize("text, expected", [("True", True), ("true", True), ("FALSE", False)])
def test_decode_booleans_from_python_and_javascript_spellings(text: str, expected: bool) -> None:
    assert decode_form_fields([("diarize", text)], NOVA2) == {"diarize": expected}


def test_decode_is_guided_by_the_schema() -> None:
    fields = [
        ("keywords", "true"),
        ("utt_split", "1"),
        ("utt_split_text", "x"),
        ("tag", "only"),
        ("custom_topic", "a"),
        ("custom_topic", "b"),
    ]
    decoded = decode_form_fields(fields, NOVA2)
    assert decoded == {
        "keywords": "true",
        "utt_split": 1,
        "utt_split_text": "x",
        "tag": ["only"],
        "custom_topic": ["a", "b"],
    }


def test_decode_keeps_bad_values_as_text_for_validation_to_report() -> None:
    assert decode_form_fields([("diarize", "yes"), ("utt_split", "soon")], NOVA2) == {
        "diarize": "yes",
        "utt_split": "soon",
    }


def test_round_trip_through_the_form() -> None:
    body = {
        "model": "#g1_nova-2-general",
        "diarize": True,
        "tag": ["x", "y"],
        "utt_split": 0.5,
        "language": "en-US",
    }
    assert decode_form_fields(encode_form_fields(body), NOVA2) == body


def test_upload_from_path_reports_name_type_and_size() -> None:
    upload = upload_from(EXAMPLES / "audio" / "beeps.wav")
    assert (upload.filename, upload.size) == ("beeps.wav", 32044)
    assert upload.content_type in ("audio/wav", "audio/x-wav")
    with upload.open() as stream:
        assert stream.read(4) == b"RIFF"


def test_upload_from_bytes_sniffs_the_media_type() -> None:
    wav = (EXAMPLES / "audio" / "beeps.wav").read_bytes()
    assert upload_from(wav).content_type == "audio/wav"
    assert upload_from(b"ID3\x04rest").content_type == "audio/mpeg"
    assert upload_from(b"\x00\x01").content_type == "application/octet-stream"


def test_upload_from_a_file_object_rereads_from_where_it_started_and_is_not_closed() -> None:
    stream = io.BytesIO(b"0123456789")
    stream.seek(2)
    upload = upload_from(stream)
    assert upload.size == 8 and not upload.owns_stream
    assert upload.open().read() == b"23456789"
    assert upload.open().read() == b"23456789"  # a retry would send the whole file again
    assert not stream.closed


@pytest.mark.parametrize(
    "audio, code",
    [
        ("no/such/file.wav", "audio-not-found"),
        (EXAMPLES, "audio-not-a-file"),
        (b"", "audio-empty"),
        (io.StringIO("text"), "audio-text-mode"),
        (42, "audio-type"),
    ],
)
def test_unusable_audio_is_a_payload_error(audio: object, code: str) -> None:
    with pytest.raises(PayloadError) as caught:
        upload_from(audio)
    assert caught.value.problems[0].code == code


def test_empty_file_is_refused(tmp_path: pathlib.Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(PayloadError, match="empty"):
        upload_from(empty)


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0,
    reason="needs a non-root POSIX user to make a file unreadable",
)
def test_unreadable_file_is_refused(tmp_path: pathlib.Path) -> None:
    locked = tmp_path / "locked.wav"
    locked.write_bytes(b"RIFF")
    locked.chmod(0)
    with pytest.raises(PayloadError, match="cannot be read"):
        upload_from(locked)
