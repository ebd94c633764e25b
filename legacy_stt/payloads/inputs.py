"""One reader of legacy payload inputs for ``check``, ``migrate`` and ``transcribe``.

The three commands take the same inputs and must read them the same way:

* a ``.json`` file holds one payload or a JSON array of payloads (each one
  named ``c.json item 2``); ``.jsonl``/``.ndjson`` one payload per line
  (``b.jsonl line 7``); blank lines are ignored, a UTF-8 byte order mark is
  allowed; standard input (``-``) may be either;
* a file with nothing in it but white space holds no payload: it is skipped;
* directories are walked in sorted order (``legacy_stt.payloads.files.walk``: each
  real file once, FIFOs and devices never opened), skipping hidden names,
  tool caches, virtual environments, VCS data and builds
  (``DEFAULT_EXCLUDED_DIRS``); a JSON file met there that does not look like
  payloads (``package.json``: no ``model`` and no ``url``) is skipped, and so
  is anything else that is not ours;
* every file is read up to ``MAX_FILE_BYTES``; a file named on the command
  line may be a pipe (``<(command)``).

``InputReader.read(path)`` turns one command-line path into events, in
order: ``Accepted`` (a file whose payloads follow), ``Payload`` (one
payload, with its source name and, for reports, where it is written),
``InputProblem`` (what could not be read, with its line and column when
known), ``Skipped`` (a file that is not ours, and why) and ``OtherFile``
(files of the caller's own kinds: Python sources, audio). Nothing is kept
from one payload to the next: a JSON Lines file is read line by line, an
array item by item.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Union

from .files import DIRECTORY, NotRegularFile, TooLarge, read_limited, walk

__all__ = [
    "DEFAULT_EXCLUDED_DIRS",
    "JSON_KINDS",
    "MAX_FILE_BYTES",
    "STDIN",
    "STDIN_NAME",
    "Accepted",
    "Event",
    "FileUnit",
    "InputProblem",
    "InputReader",
    "OtherFile",
    "Payload",
    "Skipped",
    "looks_like_payload",
]

#: Directories never walked into: tool caches, virtual environments, VCS data, builds.
DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".ci-venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".eggs",
        "site-packages",
        "build",
        "dist",
    }
)

#: How a payload file is read, by suffix (compared in lower case).
JSON_KINDS: Mapping[str, str] = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}

#: The path that means standard input.
STDIN = "-"
#: How standard input is named in findings, messages and sources, by every command.
STDIN_NAME = "<stdin>"

#: Files (and standard input) larger than this are reported, not read: a JSON Lines log of
#: this size holds some 300,000 payloads, and reading much more would hold hundreds of
#: megabytes of text and parsed objects at once. Split bigger files.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: How much of a too-large file met in a walk is read to tell whether it holds payloads.
_SNIFF_BYTES = 64 * 1024
#: How much of a JSON Lines file is split into lines at once.
_LINES_AT_ONCE = 1 << 20

#: What may come before a JSON document's first character (a BOM, JSON's white space).
_LEADING = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\n\r]*")
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

_SEPARATORS = frozenset({"/", os.sep, os.altsep or "/"})

NOT_A_PAYLOAD = "not a payload (no `model` or `url`)"
EMPTY = "empty"
NOT_JSON = "not JSON, and it mentions no `model`"


class Accepted(NamedTuple):
    """A file taken as payloads (or of the caller's kind): its payloads and problems follow."""

    path: str


class Skipped(NamedTuple):
    """A file that is not read as payloads, and why (a FIFO, not a payload, empty, ...)."""

    path: str
    reason: str


class InputProblem(NamedTuple):
    """What could not be read: ``code`` is ``unreadable`` (the path itself), ``too-large``,
    ``too-deep`` or ``invalid-json``; ``label`` names the line of a JSON Lines file."""

    path: str
    code: str
    message: str
    line: int | None = None
    column: int | None = None
    label: str | None = None

    @property
    def source(self) -> str:
        return self.path if self.label is None else f"{self.path} {self.label}"

    def describe(self) -> str:
        """The message in one line that says where in the file (for commands' error lines)."""
        if self.code == "unreadable" or self.line is None:
            return self.message
        if self.column is None:
            return f"{self.message} (line {self.line})"
        return f"{self.message} (line {self.line}, column {self.column})"


class OtherFile(NamedTuple):
    """A file of one of the caller's own kinds; ``data`` is its bytes unless the kind is unread."""

    path: str
    kind: str
    data: bytes | None
    explicit: bool


class _ArrayText:
    """The text of a JSON array read item by item, with the lines counted as far as needed."""

    __slots__ = ("_counted_to", "_line", "_line_start", "first_line_shift", "text")

    def __init__(self, text: str, first_line_shift: int) -> None:
        self.text = text
        self.first_line_shift = first_line_shift
        self._counted_to = 0
        self._line = 1
        self._line_start = 0

    def origin(self, start: int) -> tuple[int, int]:
        """(line, column shift) of the text at ``start``; cheap when asked in order."""
        if start < self._counted_to:  # asked out of order: count again from the top
            self._counted_to, self._line, self._line_start = 0, 1, 0
        newlines = self.text.count("\n", self._counted_to, start)
        if newlines:
            self._line += newlines
            self._line_start = self.text.rindex("\n", self._counted_to, start) + 1
        self._counted_to = start
        shift = start - self._line_start + (self.first_line_shift if self._line == 1 else 0)
        return self._line, shift


class Payload(NamedTuple):
    """One payload: its ``value``, where it came from, and (on demand) where it is written.

    ``label`` is ``None`` for a file's only payload, else ``"line 7"`` or
    ``"item 2"``. The rest says where its text is: ``text`` from ``line``,
    the payload under ``prefix`` in it, or an item ``start:end`` of an array.
    """

    path: str
    label: str | None
    value: Any
    text: bytes | str | _ArrayText = b""
    line: int = 1
    prefix: str = ""
    start: int = 0
    end: int = 0

    @property
    def source(self) -> str:
        """``a.json``, ``b.jsonl line 7``, ``c.json item 2``."""
        return self.path if self.label is None else f"{self.path} {self.label}"

    def positions(self, pointers: Sequence[str]) -> list[tuple[int, int]]:
        """The 1-based (line, column) of each JSON Pointer's member in the file.

        A member is placed at its key; a missing one at its nearest written
        ancestor, else at the payload. Worked out only when asked: most
        payloads have nothing to report.
        """
        from ..lint.locate import position_of, positions_for

        text = self.text
        if isinstance(text, _ArrayText):
            line, shift = text.origin(self.start)
            found = positions_for(text.text[self.start : self.end], set(pointers), line=line)
            places = []
            for pointer in pointers:
                where = position_of(pointer, found)
                if where is None:
                    where = (line, shift + 1)
                elif where[0] == line:  # on the item's first line, after what precedes it
                    where = (line, where[1] + shift)
                places.append(where)
            return places
        decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        prefix = self.prefix
        found = positions_for(decoded, {prefix + pointer for pointer in pointers}, line=self.line)
        return [position_of(prefix + pointer, found) or (self.line, 1) for pointer in pointers]


Event = Union[Accepted, Payload, InputProblem, Skipped, OtherFile]


class FileUnit(NamedTuple):
    """A file still to be read, from ``InputReader.plan``: ``read_unit`` turns it into events.

    ``named`` says it was named on the command line (read even if it does
    not look like a payload; a pipe is read too) rather than met in a walk.
    """

    path: str
    kind: str
    named: bool


class _IsADirectory(Exception):
    """A path named on the command line is a directory: it is walked, not read."""


class _TooDeep(ValueError):
    """JSON nested deeper than the parser can follow (``json`` raises ``RecursionError``)."""


class _MoreValues(ValueError):
    """More than one JSON value: standard input holding JSON Lines."""


def _too_deep() -> _TooDeep:
    from .validation import too_deep_problem

    return _TooDeep(too_deep_problem().message)


def _parse(data: bytes | str) -> Any:
    try:
        return json.loads(data)
    except RecursionError:
        raise _too_deep() from None


def looks_like_payload(value: Any) -> bool:
    """Whether a JSON value met in a directory walk is meant as legacy payload(s): an object
    with a ``model`` or a ``url``, or a non-empty array of such objects."""
    if isinstance(value, list):
        return bool(value) and all(map(_one_payload, value))
    return _one_payload(value)


def _one_payload(value: Any) -> bool:
    # The same rule for a file's one object and for each item of an array.
    return isinstance(value, dict) and ("model" in value or "url" in value)


class InputReader:
    """Reads command-line paths (files, directories, ``-``) into payload events.

    ``kinds`` maps file suffixes to how a file is read: ``json`` and
    ``jsonl`` are payload files; any other kind is handed over as an
    ``OtherFile``, read (up to ``limit``) unless it is in ``unread_kinds``.
    A named file of another suffix is read as JSON. Files met in a walk are
    payloads only if they look like payloads; with ``only_payloads`` files
    named on the command line must too. ``skip_directories`` are real paths
    a walk does not enter (where results are written, say). ``stdin()``
    gives standard input, at most ``limit + 1`` bytes of it.
    """

    def __init__(
        self,
        *,
        kinds: Mapping[str, str] = JSON_KINDS,
        unread_kinds: Collection[str] = (),
        excluded_dirs: Collection[str] = DEFAULT_EXCLUDED_DIRS,
        skip_directories: Collection[str] = (),
        only_payloads: bool = False,
        limit: int = MAX_FILE_BYTES,
        stdin: Callable[[], bytes] | None = None,
        stdin_name: str = STDIN_NAME,
        files_first: bool = False,
        exclude: Callable[[str, bool], bool] | None = None,
    ) -> None:
        self.kinds = dict(kinds)
        #: A walked file or directory (``exclude(path, is_dir)``) this predicate is true for is
        #: left out; a path named on the command line never is.
        self.exclude = exclude
        self.unread_kinds = frozenset(unread_kinds)
        self.excluded_dirs = frozenset(excluded_dirs)
        self.skip_directories = frozenset(os.path.realpath(p) for p in skip_directories)
        self.only_payloads = only_payloads
        self.limit = limit
        self.stdin = stdin
        self.stdin_name = stdin_name
        self.files_first = files_first

    def __repr__(self) -> str:
        return f"<InputReader kinds={sorted(self.kinds)} only_payloads={self.only_payloads}>"

    def read_all(self, paths: Collection[str]) -> Iterator[Event]:
        """The events of every path, in the order given."""
        for path in paths:
            yield from self.read(path)

    def read(self, path: str) -> Iterator[Event]:
        """The events of one command-line path: a file, a directory or ``-``."""
        if path == STDIN:
            data = self.stdin() if self.stdin is not None else b""
            name = self.stdin_name
            if len(data) > self.limit:
                yield Accepted(name)
                yield self._too_large(name)
                return
            yield from self._document(name, data, explicit=True, kind="json", may_be_lines=True)
            return
        try:
            # Opened as a file first: the open file's fstat tells a directory, so a file (the
            # common case, thousands of them from a shell glob) costs no stat call of its own.
            events = self._file(path, self._kind(path) or "json", named=True)
        except _IsADirectory:
            events = self._walk(os.path.normpath(path))
        yield from events

    def plan(self, path: str) -> Iterator[Event | FileUnit]:
        """The events of ``path`` as ``read`` gives them, except that files are not read yet.

        Each file comes as a ``FileUnit`` in its place, for ``read_unit``:
        the files of one plan can be read in any order, or in other
        processes, and their events put back in plan order. Directories are
        walked here; standard input is read here.
        """
        kind = self._kind(path) if path != STDIN else None
        if kind is not None:
            # A name with a known suffix is a file but for rare exceptions, which ``read_unit``
            # still walks: no stat call for each of a glob's thousands of files.
            yield FileUnit(path, kind, True)
        elif path != STDIN and os.path.isdir(path):
            yield from self._walk_units(os.path.normpath(path))
        else:
            yield from self.read(path)

    def read_unit(self, unit: FileUnit) -> Iterable[Event]:
        """The events of one file of a ``plan``."""
        if unit.named:
            return self.read(unit.path)
        return self._file(unit.path, unit.kind, named=False)

    # -- files --------------------------------------------------------------

    def _kind(self, name: str) -> str | None:
        # The suffix, as os.path.splitext finds it in a file name (run for every name listed).
        dot = name.rfind(".")
        if dot <= 0 or name[dot - 1] in _SEPARATORS:
            return None
        return self.kinds.get(name[dot:].lower())

    def _is_input_name(self, name: str) -> bool:
        return not name.startswith(".") and self._kind(name) is not None

    def _walk(self, top: str) -> Iterator[Event]:
        for item in self._walk_units(top):
            if type(item) is FileUnit:
                yield from self._file(item.path, item.kind, named=False)
            else:
                yield item  # type: ignore[misc]

    def _walk_units(self, top: str) -> Iterator[Event | FileUnit]:
        events: list[Event] = []  # what the walk's callbacks heard, handed on in walk order
        skip = self.skip_directories

        exclude = self.exclude
        if exclude is not None and exclude(top, os.path.isdir(top)):
            exclude = None  # a path named on the command line is checked, excluded or not

        def skip_directory(path: str, name: str) -> bool:
            if name in self.excluded_dirs or name.startswith("."):
                return True
            if exclude is not None and exclude(path, True):
                return True
            return bool(skip) and os.path.realpath(path) in skip

        def special(path: str, kind: str) -> None:
            events.append(Skipped(path, kind))  # a FIFO waits for a writer: never opened

        def unreadable(path: str, error: OSError) -> None:
            events.append(_unreadable(path, error))

        if skip and os.path.realpath(top) in skip:
            return
        for path in walk(
            top,
            include=self._is_input_name,
            skip_directory=skip_directory,
            on_error=unreadable,
            on_special=special,
            on_broken=unreadable,  # a dangling link named *.json: reported
            files_first=self.files_first,
        ):
            if events:
                yield from events
                events.clear()
            if exclude is not None and exclude(path, False):
                continue
            yield FileUnit(path, self._kind(path) or "json", False)
        yield from events

    def _file(self, path: str, kind: str, *, named: bool) -> Iterable[Event]:
        """The events of one file: a tuple for a file of one payload (the common case costs
        no generator), a generator for arrays and JSON Lines."""
        explicit = named and not self.only_payloads
        if kind in self.unread_kinds:
            if named and os.path.isdir(path):
                raise _IsADirectory(path)
            return (OtherFile(path, kind, None, explicit),)
        try:
            # A file met in a walk must be a regular file; one named on the command line may
            # be a pipe, such as <(command): it is read, up to the limit.
            data = read_limited(path, self.limit, regular_only=not named, sniff=_SNIFF_BYTES)
        except TooLarge as error:
            # Met in a walk, a big file is only ours if it mentions a model.
            if not explicit and b'"model"' not in error.head:
                return (
                    Skipped(path, f"larger than {self._mib()} MiB, and it mentions no `model`"),
                )
            return Accepted(path), self._too_large(path)
        except NotRegularFile as error:
            if named:
                if error.kind == DIRECTORY:
                    raise _IsADirectory(path) from None
                return (_unreadable(path, error),)
            return (
                Skipped(path, error.kind),
            )  # became a FIFO or a device since the walk listed it
        except OSError as error:
            # A directory that cannot be opened like a file (on Windows; or one without read
            # permission) is still walked: the walk reports what it cannot list.
            if named and os.path.isdir(path):
                raise _IsADirectory(path) from None
            return (_unreadable(path, error),)
        if kind == "json" or kind == "jsonl":
            return self._document(path, data, explicit=explicit, kind=kind)
        return (OtherFile(path, kind, data, explicit),)

    def _mib(self) -> int:
        return self.limit // 2**20

    def _too_large(self, path: str) -> InputProblem:
        return InputProblem(
            path,
            "too-large",
            f"larger than {self._mib()} MiB, the most legacy-stt reads at once; split it",
        )

    # -- JSON ---------------------------------------------------------------

    def _document(
        self, path: str, data: bytes, *, explicit: bool, kind: str, may_be_lines: bool = False
    ) -> Iterable[Event]:
        """A payload file: JSON (one payload or an array), or JSON Lines."""
        # The common case: one object, in UTF-8 (not UTF-16/32, which json.loads detects).
        utf8_object = data[:1] == b"{" and kind == "json" and data[1:2] != b"\x00"
        if not utf8_object:
            first = _LEADING.match(data).end()  # type: ignore[union-attr]  # matches ""
            if first == len(data):
                return (Skipped(path, EMPTY),)
            if kind == "jsonl":
                return self._lines(path, data, explicit)
            if data.startswith(b"[", first):
                return self._array_or_more(path, data, explicit, may_be_lines)
        try:
            if utf8_object:
                # Decoded as json.loads(bytes) would, without its detection of the encoding.
                value = _DECODER.decode(data.decode("utf-8", "surrogatepass"))
            else:
                value = json.loads(data)
        except RecursionError:
            return self._broken(path, data, explicit, _too_deep(), may_be_lines)
        except ValueError as error:
            return self._broken(path, data, explicit, error, may_be_lines)
        if not explicit and not looks_like_payload(value):
            return (Skipped(path, NOT_A_PAYLOAD),)
        if isinstance(value, list):  # (an array the item-by-item reading could not follow)
            return self._items(path, data, value)
        return Accepted(path), Payload(path, None, value, data)

    def _broken(
        self, path: str, data: bytes, explicit: bool, error: ValueError, may_be_lines: bool
    ) -> Iterable[Event]:
        """A document that does not parse: JSON Lines on standard input, else a problem."""
        if may_be_lines and isinstance(error, json.JSONDecodeError) and error.msg == "Extra data":
            return self._lines(path, data, explicit)  # more than one value: JSON Lines
        # A broken file met in a walk is only ours if it mentions a model.
        if explicit or b'"model"' in data:
            return Accepted(path), _invalid_json(path, error)
        return (Skipped(path, NOT_JSON),)

    def _items(self, path: str, data: bytes, value: list[Any]) -> Iterator[Event]:
        yield Accepted(path)
        for index, item in enumerate(value):
            yield Payload(path, f"item {index}", item, data, 1, f"/{index}")

    def _array_or_more(
        self, path: str, data: bytes, explicit: bool, may_be_lines: bool
    ) -> Iterator[Event]:
        try:
            yield from self._array(path, data, explicit)
            return
        except _MoreValues:
            if may_be_lines:
                yield from self._lines(path, data, explicit)
                return
        except (ValueError, RecursionError):
            pass  # not a valid array: the whole-document parse says why
        try:
            value = json.loads(data)
        except RecursionError:
            yield from self._broken(path, data, explicit, _too_deep(), may_be_lines)
            return
        except ValueError as error:
            yield from self._broken(path, data, explicit, error, may_be_lines)
            return
        # (Not reached for an array that parses whole, which the item-by-item reading follows.)
        if explicit or looks_like_payload(value):
            yield from self._items(path, data, value)
        else:
            yield Skipped(path, NOT_A_PAYLOAD)

    def _array(self, path: str, data: bytes, explicit: bool) -> Iterator[Event]:
        """A JSON array, parsed and handed over one item at a time.

        A first pass only parses, so that a file that is not valid JSON is
        reported as before, by the whole-document parse, and nothing of it is
        handed over twice. Raises ValueError (or RecursionError) if it is not
        a valid array, _MoreValues if something follows it.
        """
        encoding = json.detect_encoding(data)
        text = data.decode(encoding, "surrogatepass")  # as json.loads decodes bytes
        start = _JSON_SPACE.match(text).end()  # type: ignore[union-attr]
        count = 0
        looks = True
        for _, _, value in _array_items(text, start):
            count += 1
            looks = looks and _one_payload(value)
        if not explicit and not (looks and count):
            yield Skipped(path, NOT_A_PAYLOAD)
            return
        yield Accepted(path)
        # A BOM counts as a character of the first line, as the editor shows it.
        located = _ArrayText(text, 1 if encoding == "utf-8-sig" else 0)
        for index, (item_start, item_end, item) in enumerate(_array_items(text, start)):
            yield Payload(path, f"item {index}", item, located, 1, "", item_start, item_end)

    def _lines(self, path: str, data: bytes, explicit: bool) -> Iterator[Event]:
        if not explicit and not _lines_look_like_payloads(data):
            yield Skipped(path, NOT_A_PAYLOAD)
            return
        yield Accepted(path)
        # Line by line from the bytes: no list of every line, nothing kept past its line.
        for number, raw in _numbered_lines(data):
            if not raw.strip():
                continue
            try:
                value = _parse(raw)
            except ValueError as error:
                yield _invalid_json(path, error, line=number)
            else:
                yield Payload(path, f"line {number}", value, raw, number)


def _unreadable(path: str, error: OSError) -> InputProblem:
    reason = error.strerror or str(error)
    if isinstance(error, FileNotFoundError):
        reason = "no such file or directory"
    elif isinstance(error, NotRegularFile):
        reason = f"it is {error.kind}, not a regular file"
    return InputProblem(path, "unreadable", f"cannot read {path}: {reason}")


def _invalid_json(path: str, error: ValueError, *, line: int | None = None) -> InputProblem:
    label = None if line is None else f"line {line}"
    if isinstance(error, json.JSONDecodeError):
        return InputProblem(
            path,
            "invalid-json",
            f"not valid JSON: {error.msg}",
            line if line is not None else error.lineno,
            error.colno,
            label,
        )
    if isinstance(error, _TooDeep):
        return InputProblem(path, "too-deep", str(error), line, None, label)
    if isinstance(error, UnicodeDecodeError) and error.encoding not in ("utf-8", "utf-8-sig"):
        # json takes a file that starts with a UTF-16 or UTF-32 byte order mark for such text
        return InputProblem(
            path,
            "invalid-json",
            f"not UTF-8 text (it starts like {error.encoding} text); save the file as UTF-8",
            line,
            None,
            label,
        )
    if isinstance(error, UnicodeDecodeError):
        where = error.object[: error.start]
        return InputProblem(
            path,
            "invalid-json",
            f"not UTF-8 text: byte 0x{error.object[error.start]:02x} cannot be decoded; save "
            "the file as UTF-8",
            (line or 1) + where.count(b"\n"),
            error.start - where.rfind(b"\n"),
            label,
        )
    # Such as a number of more digits than Python converts.
    return InputProblem(
        path, "invalid-json", f"not a JSON payload legacy-stt can read: {error}", line, None, label
    )


def _numbered_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(number, line) of each line of ``data``, numbered as ``bytes.splitlines()`` would list them.

    A megabyte or so at a time, cut after a line feed: a list of every line
    would cost several times the file.
    """
    number = 0
    start = 0
    while start < len(data):
        cut = data.find(b"\n", start + _LINES_AT_ONCE)
        end = len(data) if cut < 0 else cut + 1
        for line in data[start:end].splitlines():
            number += 1
            yield number, line
        start = end


def _lines_look_like_payloads(data: bytes) -> bool:
    for _, raw in _numbered_lines(data):
        if raw.strip():
            try:
                return looks_like_payload(_parse(raw))
            except ValueError:
                return b'"model"' in raw
    return False


def _array_items(text: str, start: int) -> Iterator[tuple[int, int, Any]]:
    """(start, end, value) of each item of the JSON array at ``text[start]``, parsed one by one.

    Raises ValueError (or RecursionError) where ``json.loads`` would fail,
    though maybe with another message: callers parse the whole text for
    that. Raises _MoreValues if anything but white space follows the array.
    """
    space = _JSON_SPACE.match
    index = space(text, start + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", index):
        end = index + 1
    else:
        decode = _DECODER.raw_decode
        while True:
            value, end = decode(text, index)
            yield index, end, value
            index = space(text, end).end()  # type: ignore[union-attr]
            if text.startswith("]", index):
                end = index + 1
                break
            if not text.startswith(",", index):
                raise ValueError("expected ',' or ']' after an array item")
            index = space(text, index + 1).end()  # type: ignore[union-attr]
    if space(text, end).end() != len(text):  # type: ignore[union-attr]
        raise _MoreValues("more after the array")
