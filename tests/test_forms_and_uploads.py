"""Form-field coding for multipart uploads, and the audio inputs the client accepts."""

from __future__ import annotations

import hashlib
import io
import os
import pathlib
import tempfile
import threading
import warnings
from typing import Any

import pytest
import requests
from _support import EXAMPLES, FAST_POLLS, SECRET_KEY

import legacy_stt
from legacy_stt import Client, PayloadError
from legacy_stt.payloads.forms import (
    SPOOL_LIMIT,
    FormError,
    decode_form_fields,
    encode_form_fields,
    parse_multipart,
)
from legacy_stt.payloads.schema import load_schema
from legacy_stt.payloads.uploads import upload_from
from legacy_stt.testing import Emulator
from legacy_stt.testing import emulator as emulator_module

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


# -- uploads on the wire ----------------------------------------------------------


def test_an_upload_through_client_stt_is_sent_with_a_content_length(
    stt_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    # what the emulator was told about the body's length when it parsed it
    lengths: list[int | None] = []
    real_parse = emulator_module.parse_multipart

    def recording_parse(*args: Any, **kwargs: Any) -> Any:
        lengths.append(kwargs.get("content_length"))
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(emulator_module, "parse_multipart", recording_parse)
    audio = (EXAMPLES / "audio" / "beeps.wav").read_bytes() + os.urandom(300_000)
    path = tmp_path / "call.wav"
    path.write_bytes(audio)
    sent: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, **_: sent.append(response.request))
    with Client(
        SECRET_KEY, base_url=stt_emulator.url, session=session, poll_policy=FAST_POLLS
    ) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", legacy_stt.RemovedInLegacySTT2Warning)
            body = client.stt(
                {"model": "#g1_nova-2-general", "punctuate": True, "tag": ["a", "b"]}, audio=path
            )
    session.close()
    create = [request for request in sent if request.path_url == "/v1/stt/create"]
    assert len(create) == 1
    headers = create[0].headers
    assert "Transfer-Encoding" not in headers
    length = int(headers["Content-Length"])
    assert length > len(audio)
    assert lengths == [length]  # the emulator read the body by its Content-Length
    [record] = stt_emulator.creates
    assert record.content_type.startswith("multipart/form-data; boundary=")
    assert record.form == {"model": "#g1_nova-2-general", "punctuate": True, "tag": ["a", "b"]}
    filename, content_type, size = record.files["audio"]
    assert (filename, size) == ("call.wav", len(audio))
    assert content_type in ("audio/wav", "audio/x-wav")  # as mimetypes names .wav
    assert body["metadata"]["sha256"] == hashlib.sha256(audio).hexdigest()
    assert body["metadata"]["duration"] == 2.0  # the WAV header, read from the spooled part


def _pipe_with(data: bytes) -> tuple[Any, threading.Thread]:
    """The read end of a pipe (a binary stream that cannot seek) that a thread fills with ``data``."""
    read_fd, write_fd = os.pipe()

    def write() -> None:
        with open(write_fd, "wb") as writer:
            for start in range(0, len(data), 50_000):
                writer.write(data[start : start + 50_000])

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return open(read_fd, "rb"), writer


def test_a_non_seekable_stream_is_spooled_and_can_be_sent_again() -> None:
    data = os.urandom(1_000_000)  # more than a pipe holds: the writer blocks until it is read
    reader, writer = _pipe_with(data)
    with reader:
        assert not reader.seekable()
        upload = upload_from(reader)
        writer.join(5)
        assert upload.size == len(data) and not upload.owns_stream
        assert upload.open().read() == data
        assert upload.open().read() == data  # a retry sends the whole audio again
        first = upload.open()
        assert first.read(10) == data[:10]
        assert upload.open().read() == data  # even after a partial read


def test_a_non_seekable_stream_uploads_through_client_stt(stt_emulator: Emulator) -> None:
    data = (EXAMPLES / "audio" / "beeps-stereo.wav").read_bytes()
    reader, writer = _pipe_with(data)
    with reader, Client(SECRET_KEY, base_url=stt_emulator.url, poll_policy=FAST_POLLS) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", legacy_stt.RemovedInLegacySTT2Warning)
            body = client.stt({"model": "#g1_whisper-base"}, audio=reader)
        writer.join(5)
    assert body["metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["metadata"]["duration"] == 1.5
    [record] = stt_emulator.creates
    # a pipe has no file name; the media type is sniffed from the spooled bytes
    assert record.files == {"audio": ("audio", "audio/wav", len(data))}


# -- multipart bodies that break off ----------------------------------------------


def _open_files_under(directory: pathlib.Path) -> list[str]:
    """What this process has open under ``directory`` (temporary files show as deleted ones)."""
    found = []
    for entry in pathlib.Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(entry)
        except OSError:  # closed meanwhile (the fd of the listing itself)
            continue
        if target.startswith(str(directory)):
            found.append(target)
    return found


def _multipart_head(boundary: str) -> bytes:
    return (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="model"\r\n\r\n'
        "#g1_whisper-base\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="audio"; filename="call.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()


class _BreakingStream:
    """``read(n)`` over ``data``, then the error a broken connection gives."""

    def __init__(self, data: bytes, error: BaseException) -> None:
        self._data = io.BytesIO(data)
        self._error = error

    def read(self, amount: int = -1) -> bytes:
        chunk = self._data.read(amount)
        if not chunk:
            raise self._error
        return chunk


@pytest.fixture
def spool_dir(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """A directory of its own for the parser's temporary files (as TMPDIR would set it)."""
    directory = tmp_path / "spool"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


@pytest.mark.skipif(not pathlib.Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")
@pytest.mark.parametrize(
    "case",
    ["connection-breaks", "body-ends-early", "file-over-the-limit"],
)
def test_a_multipart_body_that_breaks_off_leaves_no_temporary_file_open(
    spool_dir: pathlib.Path, case: str
) -> None:
    boundary = "b0undary"
    content_type = f"multipart/form-data; boundary={boundary}"
    # a file part well past the in-memory limit, so that it is being spooled to disk
    audio = os.urandom(SPOOL_LIMIT * 4)
    body = _multipart_head(boundary) + audio
    options: dict[str, Any] = {}
    expected: type[BaseException] = FormError
    if case == "connection-breaks":
        stream: Any = _BreakingStream(body, OSError("the connection broke"))
        expected = OSError
    elif case == "body-ends-early":
        # Content-Length promised more than came: the parser sees the end mid-part
        stream = io.BytesIO(body)
        options["content_length"] = len(body)
    else:
        stream = io.BytesIO(body + f"\r\n--{boundary}--\r\n".encode())
        options["max_file_size"] = SPOOL_LIMIT * 2
    with pytest.raises(expected) as raised:
        parse_multipart(stream, content_type, **options)
    # The error is still held (as a caller holds it while answering): nothing it references
    # may keep a spooled part open.
    assert raised.value is not None
    assert _open_files_under(spool_dir) == []
    assert list(spool_dir.iterdir()) == []


def test_a_whole_multipart_body_is_parsed_and_its_files_deleted_on_close(
    spool_dir: pathlib.Path,
) -> None:
    boundary = "b0undary"
    audio = os.urandom(SPOOL_LIMIT * 3)
    body = _multipart_head(boundary) + audio + f"\r\n--{boundary}--\r\n".encode()
    form = parse_multipart(
        io.BytesIO(body), f"multipart/form-data; boundary={boundary}", content_length=len(body)
    )
    with form:
        assert form.fields == [("model", "#g1_whisper-base")]
        [part] = form.files
        assert (part.name, part.filename, part.content_type, part.size) == (
            "audio",
            "call.wav",
            "audio/wav",
            len(audio),
        )
        assert part.file.read() == audio
        if pathlib.Path("/proc/self/fd").is_dir():
            assert len(_open_files_under(spool_dir)) == 1  # spooled to disk, not memory
    if pathlib.Path("/proc/self/fd").is_dir():
        assert _open_files_under(spool_dir) == []
