"""Finding and reading input files safely: every directory once, regular files only, bounded reads.

``legacy-stt check`` and ``legacy-stt transcribe`` walk directories that
nobody vetted: a checkout, a shared drive, an archive unpacked from
elsewhere. Such trees can hold traps that an ``os.walk`` falls into:

* a FIFO (or a device) with a ``.json`` name: opening it for reading waits
  for a writer that never comes;
* symbolic links that loop (``a/self -> .``, or two links pointing at each
  other's directories): a walk that follows them visits the same files again
  and again, exponentially many times with two such links;
* a huge file: reading it whole holds it in memory.

``walk()`` visits each real directory (device and inode) once and yields
each real regular file once, never opening anything else. ``read_limited()``
opens without blocking, takes the size from ``fstat`` (so a small file costs
a small buffer), and refuses a file or stream larger than the limit after
reading at most one byte past it.
"""

from __future__ import annotations

import os
import select
import stat
import sys
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

__all__ = ["DIRECTORY", "NotRegularFile", "TooLarge", "read_limited", "walk"]


class TooLarge(OSError):
    """The file (or stream) is larger than the limit; nothing of it is kept.

    ``size`` is its size when the file system said (``None`` for a pipe), and
    ``head`` the first bytes read, for callers that sniff what it is.
    """

    def __init__(self, path: str, limit: int, size: int | None, head: bytes = b"") -> None:
        self.limit = limit
        self.size = size
        self.head = head
        super().__init__(f"{path}: larger than {limit} bytes")


class NotRegularFile(OSError):
    """The path is a FIFO, a socket or a device: reading it could block forever."""

    def __init__(self, path: str, kind: str) -> None:
        self.kind = kind
        super().__init__(f"{path} is {kind}, not a regular file")


#: The ``kind`` of a ``NotRegularFile`` that is a directory.
DIRECTORY = "a directory"

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, DIRECTORY),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


#: Opening never blocks (a FIFO waits for no writer); bytes as they are on Windows too.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_limited(
    path: str, limit: int, *, regular_only: bool = True, sniff: int = 64 * 1024
) -> bytes:
    """The bytes of ``path``, at most ``limit`` of them.

    The file is opened without blocking, so a FIFO cannot hang the caller:
    with ``regular_only`` (the default, for files met in a walk) anything but
    a regular file raises ``NotRegularFile``; without it (a path the user
    named, such as ``<(command)``), a pipe or device is read, one byte past
    the limit at most (a named FIFO waits for its writer, as ``cat`` would).
    A file larger than ``limit`` raises ``TooLarge`` carrying its first
    ``sniff`` bytes. Other failures are ``OSError``.
    """
    descriptor = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(descriptor)
        regular = stat.S_ISREG(info.st_mode)
        if not regular:
            if regular_only or stat.S_ISDIR(info.st_mode):
                raise NotRegularFile(path, _kind(info.st_mode))
            if not (stat.S_ISFIFO(info.st_mode) and _POLL_SEES_WRITERS):
                # A pipe or device the user named: read it the ordinary, blocking way.
                os.set_blocking(descriptor, True)
        if regular and info.st_size > limit:
            raise TooLarge(path, limit, info.st_size, _read_up_to(descriptor, sniff))
        if regular:
            # The size from fstat sizes the buffer: one read, one allocation, and (as a regular
            # file's read stops short only at its end) one system call. The byte asked for past
            # the size shows a file that grew meanwhile; a shorter read one that shrank.
            size = info.st_size
            data = os.read(descriptor, size + 1)
            if len(data) > size:
                data += _read_up_to(descriptor, limit + 1 - len(data))
            elif len(data) < size:
                data += _read_up_to(descriptor, size + 1 - len(data))
        elif os.get_blocking(descriptor):
            data = _read_up_to(descriptor, limit + 1)
        else:
            data = _read_fifo(descriptor, limit + 1)
        if len(data) > limit:
            raise TooLarge(path, limit, info.st_size if regular else None, data[:sniff])
        return data
    finally:
        os.close(descriptor)


#: Reads of a stream of unknown size: os.read allocates what it is asked for, so ask for little.
_CHUNK = 1 << 20


def _read_up_to(descriptor: int, amount: int, *, chunk: int = _CHUNK) -> bytes:
    """Up to ``amount`` bytes (fewer only at the end of the file), ``chunk`` at a time."""
    first = os.read(descriptor, min(amount, chunk)) if amount > 0 else b""
    if not first or len(first) == amount:
        return first  # the common case: one read, no joining copy
    chunks = [first]
    amount -= len(first)
    while amount > 0:
        piece = os.read(descriptor, min(amount, _CHUNK))
        if not piece:
            break
        chunks.append(piece)
        amount -= len(piece)
    return b"".join(chunks)


#: Linux's poll() reports a FIFO opened without blocking as hung up only once a writer has
#: come and gone; a blocking read would see the end at once if no writer has come yet.
_POLL_SEES_WRITERS = sys.platform.startswith("linux") and hasattr(select, "poll")


def _read_fifo(descriptor: int, amount: int) -> bytes:
    """Up to ``amount`` bytes of a FIFO opened without blocking; waits for a writer, as ``cat``."""
    poller = select.poll()
    poller.register(descriptor, select.POLLIN)
    chunks = []
    while amount > 0:
        poller.poll()  # data, or a writer that came has gone
        try:
            chunk = os.read(descriptor, min(amount, _CHUNK))
        except BlockingIOError:
            continue
        if not chunk:
            break
        chunks.append(chunk)
        amount -= len(chunk)
    return b"".join(chunks)


def walk(
    top: str,
    *,
    include: Callable[[str], bool],
    skip_directory: Callable[[str, str], bool] = lambda path, name: False,
    on_error: Callable[[str, OSError], None] | None = None,
    on_special: Callable[[str, str], None] | None = None,
    on_broken: Callable[[str, OSError], None] | None = None,
    files_first: bool = True,
) -> Iterator[str]:
    """The regular files under ``top`` whose names ``include`` accepts, in sorted order.

    Within a directory, its files come before its subdirectories, each in
    name order; with ``files_first=False`` files and subdirectories are
    interleaved so that the paths come out exactly as ``sorted()`` would
    order them (a directory ``a`` sorts as ``a/``). Symbolic links are
    followed, but each real directory is entered once and each real file
    yielded once, so link loops end. ``skip_directory(path, name)`` prunes a
    subdirectory. FIFOs, sockets and devices are never yielded, whatever
    their names: ``on_special(path, kind)`` hears of those ``include``
    accepts. ``on_error`` hears of directories that cannot be listed, and
    ``on_broken`` of accepted names that cannot be looked at (a dangling
    link, a link loop); both hear of them in walk order.
    """
    seen_directories: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()
    # A stack of iterators over what each directory holds, in walk order.
    stack: list[Iterator[_Entry]] = [iter([_Entry(top, _DIRECTORY)])]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.kind == _FILE:
            # Checked when yielded, not when listed: the first path in walk order wins.
            if entry.detail not in seen_files:
                seen_files.add(entry.detail)
                yield entry.path
        elif entry.kind == _DIRECTORY:
            entries = _directory_entries(
                entry.path, include, skip_directory, on_error, seen_directories, files_first
            )
            if entries:
                stack.append(iter(entries))
        elif entry.kind == _SPECIAL:
            if on_special is not None:
                on_special(entry.path, entry.detail)
        elif on_broken is not None:
            on_broken(entry.path, entry.detail)


_DIRECTORY, _FILE, _SPECIAL, _BROKEN = range(4)


class _Entry(NamedTuple):
    """One thing a walk meets: a directory, a file (``detail``: its identity), a FIFO or
    device (its kind) or a name that cannot be looked at (the ``OSError``)."""

    path: str
    kind: int
    detail: Any = None


#: POSIX listings carry each name's inode (and, mostly, its type): Windows' need a stat call.
_LISTING_HAS_INODES = os.name == "posix"


def _directory_entries(
    directory: str,
    include: Callable[[str], bool],
    skip_directory: Callable[[str, str], bool],
    on_error: Callable[[str, OSError], None] | None,
    seen_directories: set[tuple[int, int]],
    files_first: bool,
) -> list[_Entry]:
    """What to visit in ``directory``, in order; empty if it was seen before or cannot be listed."""
    try:
        info = os.stat(directory)
    except OSError as error:
        if on_error is not None:
            on_error(directory, error)
        return []
    identity = (info.st_dev, info.st_ino)
    if identity in seen_directories:
        return []  # reached again through a link
    seen_directories.add(identity)
    try:
        with os.scandir(directory) as listing:
            found = list(listing)
    except OSError as error:
        if on_error is not None:
            on_error(directory, error)
        return []
    files: list[tuple[str, _Entry]] = []
    subdirectories: list[tuple[str, _Entry]] = []
    for item in found:
        if not include(item.name):
            # Only a directory matters: the file type from the listing says so for anything
            # but a link, without a stat call.
            try:
                is_directory = item.is_dir()
            except OSError:
                continue
            if is_directory and not skip_directory(item.path, item.name):
                subdirectories.append((item.name + os.sep, _Entry(item.path, _DIRECTORY)))
            continue
        if _LISTING_HAS_INODES:
            try:
                plain_file = item.is_file(follow_symlinks=False)  # the listing's type: no stat
            except OSError:
                plain_file = False
            if plain_file:
                # A regular file (not a link) is on its directory's device, and the listing
                # gives its inode: its identity costs no system call.
                files.append((item.name, _Entry(item.path, _FILE, (info.st_dev, item.inode()))))
                continue
        try:
            item_info = item.stat()  # follows a link to what it names
        except OSError as error:  # a dangling link, or one that vanished
            files.append((item.name, _Entry(item.path, _BROKEN, error)))
            continue
        mode = item_info.st_mode
        if stat.S_ISDIR(mode):
            if not skip_directory(item.path, item.name):
                subdirectories.append((item.name + os.sep, _Entry(item.path, _DIRECTORY)))
        elif stat.S_ISREG(mode):
            identity = (item_info.st_dev, item_info.st_ino)
            files.append((item.name, _Entry(item.path, _FILE, identity)))
        else:
            files.append((item.name, _Entry(item.path, _SPECIAL, _kind(mode))))
    if files_first:
        by_name = sorted(files, key=lambda pair: pair[0])
        ordered = by_name + sorted(subdirectories, key=lambda pair: pair[1].path)
    else:
        # A directory's name sorts with its separator, as every path under it does.
        ordered = sorted(files + subdirectories, key=lambda pair: pair[0])
    return [entry for _, entry in ordered]
