"""Audio given to the client, checked and made ready to upload.

``audio`` may be a path, bytes, a binary file object, or the legacy JSON
``audio`` object (``{"buffer": {"type": "Buffer", "data": [...]}, ...}``).
Every check happens here, before anything is sent: a missing file, a
directory, an empty file or a text-mode file object is a ``PayloadError``.
"""

from __future__ import annotations

import io
import mimetypes
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Callable

from .._text import describe_value
from ..exceptions import PayloadError, Problem

__all__ = [
    "Upload",
    "upload_from",
    "upload_from_buffer_object",
    "upload_from_spool",
    "buffer_data_problem",
    "DEFAULT_CONTENT_TYPE",
]

DEFAULT_CONTENT_TYPE = "application/octet-stream"
#: Bytes read or written at a time wherever audio or a body is streamed (spooling a one-shot
#: stream, encoding and parsing multipart, reading request bodies, relaying answers).
CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True)
class Upload:
    """An audio file ready to send: its name, media type, size, and how to read it."""

    filename: str
    content_type: str
    size: int
    opener: Callable[[], IO[bytes]] = field(repr=False, compare=False)
    #: False for a file object the caller passed: legacy-stt must not close it.
    owns_stream: bool = True

    def open(self) -> IO[bytes]:
        """A binary stream positioned at the start of the audio."""
        return self.opener()


_MAGIC = (
    (b"RIFF", 8, b"WAVE", "audio/wav"),
    (b"fLaC", 0, b"", "audio/flac"),
    (b"OggS", 0, b"", "audio/ogg"),
    (b"ID3", 0, b"", "audio/mpeg"),
    (b"\x1aE\xdf\xa3", 0, b"", "audio/webm"),
)


def _content_type(filename: str, head: bytes = b"") -> str:
    """The media type from the file name, else from the first bytes, else octet-stream."""
    guessed, _ = mimetypes.guess_type(filename)
    if guessed:
        return guessed
    for magic, offset, marker, media_type in _MAGIC:
        if head.startswith(magic) and (not marker or head[offset : offset + len(marker)] == marker):
            return media_type
    if head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    return DEFAULT_CONTENT_TYPE


def _problem(message: str, code: str) -> PayloadError:
    return PayloadError.single("/audio", message, code)


def _from_path(path: os.PathLike[str] | str) -> Upload:
    text = os.fspath(path)
    if not os.path.exists(text):
        raise _problem(f"audio file not found: {text}", "audio-not-found")
    if os.path.isdir(text):
        raise _problem(f"audio path is a directory, not a file: {text}", "audio-not-a-file")
    try:
        size = os.path.getsize(text)
        with open(text, "rb"):
            pass
    except OSError as error:
        raise _problem(
            f"audio file cannot be read: {text} ({error.strerror or error})", "audio-unreadable"
        ) from None
    if size == 0:
        raise _problem(f"audio file is empty: {text}", "audio-empty")
    return Upload(os.path.basename(text), _content_type(text), size, lambda: open(text, "rb"))


def _from_bytes(data: bytes, filename: str = "audio", content_type: str | None = None) -> Upload:
    if not data:
        raise _problem("the audio is empty (no bytes)", "audio-empty")
    frozen = bytes(data)
    return Upload(
        filename,
        content_type or _content_type(filename, frozen[:16]),
        len(frozen),
        lambda: io.BytesIO(frozen),
    )


def _from_file_object(stream: Any) -> Upload:
    if isinstance(stream, io.TextIOBase) or "b" not in getattr(stream, "mode", "b"):
        raise _problem(
            "the audio file object is open in text mode; open it in binary mode ('rb')",
            "audio-text-mode",
        )
    name = getattr(stream, "name", None)
    filename = os.path.basename(name) if isinstance(name, str) and name else "audio"
    seekable = False
    try:
        seekable = bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        seekable = False
    if not seekable:
        return _spooled(stream, filename)
    start = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(start)
    size = end - start
    if size == 0:
        raise _problem(
            f"the audio file object {filename!r} has no bytes left to read", "audio-empty"
        )

    def reopen() -> IO[bytes]:
        stream.seek(start)  # a retried or repeated upload sends the whole audio again
        return stream

    return Upload(filename, _content_type(filename), size, reopen, owns_stream=False)


def _spooled(stream: Any, filename: str) -> Upload:
    """An ``Upload`` for a stream that can be read only once (a pipe, a socket).

    The bytes are copied to a temporary file, a chunk at a time: the upload
    needs its length up front (for ``Content-Length``), and a retry must be
    able to send it again.
    """
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - outlives this function, closed on collection
    size = 0
    try:
        while True:
            chunk = stream.read(CHUNK_SIZE)
            if not chunk:
                break
            if not isinstance(chunk, bytes):
                raise _problem(
                    "the audio file object gives text, not bytes; open it in binary mode ('rb')",
                    "audio-text-mode",
                )
            spool.write(chunk)
            size += len(chunk)
    except BaseException:
        spool.close()
        raise
    if size == 0:
        spool.close()
        raise _problem(
            f"the audio file object {filename!r} has no bytes left to read", "audio-empty"
        )
    spool.seek(0)
    head = spool.read(16)

    def rewind() -> IO[bytes]:
        spool.seek(0)
        return spool

    # The caller's stream is used up; the spool is ours, closed when the Upload is collected.
    return Upload(filename, _content_type(filename, head), size, rewind, owns_stream=False)


def upload_from(audio: Any) -> Upload:
    """An ``Upload`` for whatever the caller passed as ``audio``; ``PayloadError`` if unusable."""
    if isinstance(audio, Upload):
        return audio
    if isinstance(audio, (bytes, bytearray, memoryview)):
        return _from_bytes(bytes(audio))
    if isinstance(audio, (str, os.PathLike)):
        return _from_path(audio)
    if isinstance(audio, Mapping):
        return upload_from_buffer_object(audio)
    if hasattr(audio, "read"):
        return _from_file_object(audio)
    raise _problem(
        f"audio must be a path, bytes or a binary file object; got {type(audio).__name__}",
        "audio-type",
    )


def buffer_data_problem(data: list[Any]) -> Problem | None:
    """The problem with a Buffer's ``data`` if an item is not a whole number 0-255, else None.

    ``true``/``false`` are not bytes, though Python's ``bytes()`` takes them.
    """
    if set(map(type, data)) <= {int}:  # the usual case, checked at C speed
        try:
            bytes(data)
        except ValueError:
            pass
        else:
            return None
    for index, value in enumerate(data):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
            return Problem(
                f"/audio/buffer/data/{index}",
                "every byte of `audio.buffer.data` must be a whole number from 0 to 255; "
                f"got {describe_value(value)}",
                "audio-buffer",
            )
    return None


def upload_from_buffer_object(audio: Mapping[str, Any]) -> Upload:
    """An ``Upload`` for a legacy JSON ``audio`` object whose bytes are in ``buffer.data``.

    The object is expected to have passed ``validation.inspect_payload``;
    anything else is reported as a ``PayloadError`` all the same.
    """
    buffer = audio.get("buffer")
    data = buffer.get("data") if isinstance(buffer, Mapping) else None
    if not isinstance(data, list):
        raise _problem(
            'the `audio` object carries no bytes: `buffer` must be {"type": "Buffer", "data": [...]}',
            "audio-buffer",
        )
    problem = buffer_data_problem(data)
    if problem is not None:
        raise PayloadError([problem])
    content = bytes(data)
    name = audio.get("originalname")
    filename = os.path.basename(name) if isinstance(name, str) and name else "audio"
    mimetype = audio.get("mimetype")
    return _from_bytes(
        content, filename, mimetype if isinstance(mimetype, str) and mimetype else None
    )


def upload_from_spool(
    file: IO[bytes], *, filename: str, size: int, content_type: str | None = None
) -> Upload:
    """An ``Upload`` for a file part received in a request and spooled (memory or disk).

    A generic ``content_type`` (octet-stream) is refined from the name and
    the first bytes, as for a path.
    """
    if size <= 0:
        raise _problem(f"the uploaded audio {filename!r} is empty", "audio-empty")
    name = os.path.basename(filename) or "audio"
    if not content_type or content_type == DEFAULT_CONTENT_TYPE:
        file.seek(0)
        content_type = _content_type(name, file.read(16))

    def rewind() -> IO[bytes]:
        file.seek(0)
        return file

    return Upload(name, content_type, size, rewind, owns_stream=False)
