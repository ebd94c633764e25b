"""Parameters as multipart form fields, and back; multipart bodies streamed both ways.

A multipart upload carries every parameter as text. Clients write them in
different ways -- Python's requests sends ``True``, JavaScript ``true``,
numbers as text, lists as repeated fields -- so decoding is guided by the
parameter's schema: ``"true"`` becomes ``True`` only where a boolean is
expected, and stays a string where a string is.

Bodies are never held whole in memory. ``multipart_body`` encodes with
requests-toolbelt's ``MultipartEncoder``, which reads the audio file as the
request is sent; ``parse_multipart`` reads with the ``multipart`` package's
push parser and spools file parts to disk. Both are well-kept libraries
whose whole job this is: multipart framing is easy to get subtly wrong by
hand (only the spooling of each part's bytes is done here, so that a body
that breaks off leaves no temporary file open).
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, cast

from .uploads import CHUNK_SIZE

if TYPE_CHECKING:  # pragma: no cover
    from requests_toolbelt import MultipartEncoder

    from .uploads import Upload

__all__ = [
    "encode_form_fields",
    "decode_form_fields",
    "multipart_body",
    "parse_multipart",
    "ParsedForm",
    "FilePart",
    "FormError",
    "SPOOL_LIMIT",
]

#: Bytes of one part kept in memory while parsing; larger parts go to a temporary file.
SPOOL_LIMIT = 64 * 1024
#: Largest text field accepted (a parameter value, not a file).
MAX_FIELD_SIZE = 1024 * 1024
#: Most bytes of all the parts held in memory at once (every part under ``SPOOL_LIMIT``).
MEMORY_LIMIT = SPOOL_LIMIT * 128


def _encode_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def encode_form_fields(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Form fields for a create body: lists as repeated fields, booleans as ``true``/``false``.

    ``None`` means "the service's default" and is left out: a form cannot
    say null.
    """
    fields: list[tuple[str, str]] = []
    for key, value in body.items():
        if value is None:
            continue
        if isinstance(value, list):
            fields.extend((key, _encode_scalar(item)) for item in value)
        else:
            fields.append((key, _encode_scalar(value)))
    return fields


def _types(schema: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    kind = schema.get("type")
    if isinstance(kind, str):
        found.add(kind)
    elif isinstance(kind, list):
        found.update(k for k in kind if isinstance(k, str))
    for branch in schema.get("anyOf", ()):
        if isinstance(branch, Mapping):
            found |= _types(branch)
    return found


def _item_schema(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(schema.get("items"), Mapping):
        return schema["items"]
    for branch in schema.get("anyOf", ()):
        if isinstance(branch, Mapping) and isinstance(branch.get("items"), Mapping):
            return branch["items"]
    return {}


def _decode_scalar(text: str, types: set[str]) -> Any:
    if "boolean" in types and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if "integer" in types:
        try:
            return int(text)
        except ValueError:
            pass
    if "number" in types:
        try:
            number = float(text)
        except ValueError:
            pass
        else:
            if number == number and number not in (float("inf"), float("-inf")):
                return (
                    int(number)
                    if number.is_integer() and "." not in text and "e" not in text.lower()
                    else number
                )
    if "null" in types and text == "null":
        return None
    if types & {"object", "array"} and "string" not in types:
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def decode_form_fields(
    fields: Iterable[tuple[str, str]], properties: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Typed parameters from form fields, guided by the schema's ``properties``.

    Unknown fields are kept as strings (or lists of strings, when repeated)
    so that validation can report them by name. A value that does not fit
    its type is kept as text, and validation then reports the type.
    """
    grouped: dict[str, list[str]] = {}
    for key, value in fields:
        grouped.setdefault(key, []).append(value)
    decoded: dict[str, Any] = {}
    for key, values in grouped.items():
        schema = properties.get(key, {})
        types = _types(schema)
        if "array" in types and (len(values) > 1 or not (types - {"array", "null"})):
            if len(values) == 1 and values[0].startswith("["):
                try:
                    parsed = json.loads(values[0])
                except ValueError:
                    parsed = None
                if isinstance(parsed, list):
                    decoded[key] = parsed
                    continue
            item_types = _types(_item_schema(schema))
            decoded[key] = [_decode_scalar(value, item_types) for value in values]
        elif len(values) > 1:
            decoded[key] = [_decode_scalar(value, types) for value in values]
        else:
            decoded[key] = _decode_scalar(values[0], types)
    return decoded


# -- streaming encode ---------------------------------------------------------


class _RemainingBytes:
    """A reader over the next ``size`` bytes of ``stream`` that knows how many are left.

    ``MultipartEncoder`` asks ``len`` how much of a part is left to send;
    for a real file it would use the file's size on disk, which is wrong
    when the caller's file object does not start at offset 0.
    """

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self._stream = stream
        self.len = size

    def read(self, amount: int = -1) -> bytes:
        if self.len <= 0:
            return b""
        chunk = self._stream.read(
            self.len if amount is None or amount < 0 else min(amount, self.len)
        )
        if not chunk:
            # Without this the encoder would ask again forever.
            raise OSError(
                f"the audio ended {self.len} bytes early: the file changed while it was being sent"
            )
        self.len -= len(chunk)
        return chunk


def multipart_body(
    body: Mapping[str, Any], upload: Upload, stream: IO[bytes], *, upload_field: str = "audio"
) -> MultipartEncoder:
    """A streaming ``multipart/form-data`` body: ``body``'s fields, then the audio from ``stream``.

    Pass the result as ``data=`` with ``Content-Type: encoder.content_type``;
    its length is known in advance, so the request has a ``Content-Length``.
    """
    from requests_toolbelt import MultipartEncoder

    if upload.size is None:  # pragma: no cover - uploads.upload_from always measures
        raise ValueError("an upload must know its size to be streamed")
    fields: list[tuple[str, Any]] = list(encode_form_fields(body))
    fields.append(
        (upload_field, (upload.filename, _RemainingBytes(stream, upload.size), upload.content_type))
    )
    return MultipartEncoder(fields=fields)


# -- streaming parse ----------------------------------------------------------


class FormError(ValueError):
    """A multipart body that cannot be read; the message says why, for the sender."""


@dataclass
class FilePart:
    """An uploaded file from a multipart body; ``file`` is positioned at its start."""

    name: str
    filename: str
    content_type: str
    size: int
    file: IO[bytes] = field(repr=False)


@dataclass
class ParsedForm:
    """The text fields (in order, repeats kept) and the file parts of a multipart body.

    Close it (or use it as a context manager) to delete the spooled files.
    """

    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[FilePart] = field(default_factory=list)
    _parts: list[_SpooledPart] = field(default_factory=list, repr=False)

    def close(self) -> None:
        for part in self._parts:
            part.close()
        self._parts.clear()

    def __enter__(self) -> ParsedForm:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class _SpooledPart:
    """One part's body as it arrives: in memory up to ``SPOOL_LIMIT`` bytes, then in a temporary file."""

    def __init__(self, segment: Any) -> None:
        self.name: str | None = segment.name
        self.filename: str | None = segment.filename
        self.charset: str = segment.charset or "utf8"
        # as the multipart package reports it: the declared type without options, or the default
        self.content_type: str = segment.content_type or (
            "application/octet-stream" if self.filename else "text/plain"
        )
        self.headers = {name.title(): value for name, value in segment.headerlist}
        self.size = 0
        self.file: IO[bytes] | None = io.BytesIO()

    @property
    def in_memory(self) -> bool:
        return isinstance(self.file, io.BytesIO)

    def write(self, chunk: bytes) -> None:
        assert self.file is not None
        self.size += len(chunk)
        if self.in_memory and self.size > SPOOL_LIMIT:
            spooled = tempfile.TemporaryFile()  # noqa: SIM115 - the part owns it until close()
            try:
                spooled.write(cast(io.BytesIO, self.file).getvalue())
            except BaseException:
                spooled.close()
                raise
            self.file = spooled
        self.file.write(chunk)

    @property
    def value(self) -> str:
        assert self.file is not None
        self.file.seek(0)
        return self.file.read().decode(self.charset)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()  # a temporary file is deleted when closed
            self.file = None


def boundary_of(content_type: str) -> str | None:
    """The ``boundary`` parameter of a ``multipart/form-data`` content type, if any."""
    from multipart import parse_options_header

    kind, options = parse_options_header(content_type)
    if kind.lower() != "multipart/form-data":
        return None
    return options.get("boundary") or None


def parse_multipart(
    stream: Any,
    content_type: str,
    *,
    content_length: int | None = None,
    max_file_size: float = float("inf"),
    max_parts: int = 128,
) -> ParsedForm:
    """Read a ``multipart/form-data`` body from ``stream`` (anything with ``read(n)``).

    Text fields are decoded as UTF-8 (or the part's charset); file parts
    (those with a filename) are kept in memory up to ``SPOOL_LIMIT`` bytes
    and in a temporary file beyond. Raises ``FormError`` for a body that is
    not well-formed multipart or goes over a limit. Whatever ends the parse
    early -- a ``FormError``, the stream's own error (a broken connection),
    an interrupt -- every part spooled so far, the one being written
    included, is closed (its temporary file deleted) before it propagates.
    """
    import multipart

    boundary = boundary_of(content_type)
    if boundary is None:
        raise FormError("the multipart/form-data body has no boundary in its Content-Type")
    # The package's push parser does the framing; the parts are assembled here, not by its
    # MultipartParser, so that the part still being spooled when the body breaks off is ours
    # to close: that parser keeps it inside its generator, where only the garbage collector
    # (or the traceback's end) would reach its temporary file.
    try:
        parser = multipart.PushMultipartParser(
            boundary,
            content_length=-1 if content_length is None else content_length,
            max_segment_count=max_parts,
        )
    except multipart.MultipartError as error:
        raise FormError(f"the multipart body cannot be read: {error}") from None
    form = ParsedForm()
    try:
        _parse_into(form, parser, stream, content_length, max_file_size)
    except multipart.MultipartError as error:
        form.close()
        raise FormError(f"the multipart body cannot be read: {error}") from None
    except BaseException:
        form.close()
        raise
    return form


def _parse_into(
    form: ParsedForm,
    parser: Any,
    stream: Any,
    content_length: int | None,
    max_file_size: float,
) -> None:
    import multipart

    part: _SpooledPart | None = None
    memory_used = disk_used = 0
    left = -1 if content_length is None else content_length
    with parser:  # leaving it at the end checks that the body was complete
        while not parser.closed:
            if left == 0:
                chunk = b""  # the body is all read; the empty chunk says so to the parser
            else:
                chunk = stream.read(CHUNK_SIZE if left < 0 else min(CHUNK_SIZE, left))
                if left > 0:
                    left -= len(chunk)
            for event in parser.parse(chunk):
                if isinstance(event, multipart.MultipartSegment):
                    part = _SpooledPart(event)
                    form._parts.append(part)  # from here on, form.close() closes it
                elif event:
                    assert part is not None
                    part.write(event)
                    if part.filename is None and part.size > MAX_FIELD_SIZE:
                        raise FormError(
                            f"the form field {part.name!r} holds more than {MAX_FIELD_SIZE} bytes "
                            "of text; a file must be sent as a file part (with a filename)"
                        )
                    if part.in_memory:
                        if memory_used + part.size > MEMORY_LIMIT:
                            raise FormError("the multipart body has too many parts held in memory")
                    elif disk_used + part.size > max_file_size:
                        raise FormError(
                            "the multipart body's files are larger than this server accepts"
                        )
                else:
                    assert part is not None and part.file is not None
                    if part.in_memory:
                        memory_used += part.size
                    else:
                        disk_used += part.size
                    _complete(form, part)
                    part = None


def _complete(form: ParsedForm, part: _SpooledPart) -> None:
    """File a part whose body has all arrived: a file, a text field, or (no name) nothing."""
    assert part.file is not None
    if not part.name:
        part.close()
    elif part.filename is not None:
        part.file.seek(0)
        form.files.append(
            FilePart(part.name, part.filename, part.content_type, part.size, part.file)
        )
    else:
        try:
            value = part.value
        except (UnicodeDecodeError, LookupError):  # LookupError: a charset Python does not know
            raise FormError("a multipart text field is not valid in its character set") from None
        finally:
            part.close()  # a text field's bytes are not needed once decoded
        form.fields.append((part.name, value))
