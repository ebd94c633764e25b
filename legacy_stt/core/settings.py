"""Where the service is and how to reach it: base URLs, the API key holder, default timeouts.

No I/O and no HTTP library: the sync shell (``transport``, on requests) and
the async shell (``aio``, on httpx) take these values alike.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import platform
import secrets
from typing import Any
from urllib.parse import urlsplit

from urllib3.util import parse_url

from .._version import __version__
from ..exceptions import ConfigurationError
from .protocol import display_url

__all__ = [
    "user_agent",
    "APIKey",
    "key_problem",
    "MaskedValue",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "is_loopback_url",
    "normalize_base_url",
]

#: The service's base URL.
DEFAULT_BASE_URL = "https://api.aimlapi.com"
#: Seconds to wait for a connection.
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Seconds to wait for the service to answer once the request is sent (each read, and the whole answer).
DEFAULT_READ_TIMEOUT = 60.0


def key_problem(value: str) -> str | None:
    """Why ``value`` cannot go out as a key in an HTTP header (said without quoting it), or None."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return (
            "holds a line break or another control character (a key read from a file keeps "
            "its final newline: strip it)"
        )
    if not value.isascii():
        return "holds characters other than ASCII, which an HTTP header cannot carry"
    return None


#: The key of ``APIKey.fingerprint``'s digests: new in every process.
_FINGERPRINT_KEY = secrets.token_bytes(32)


class APIKey:
    """An API key that does not show itself: ``repr``/``str`` give a masked form."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        # Checked here, once for every source (argument, environment, a caller's header): an
        # HTTP stack refusing the header later would quote the key in its error.
        if not isinstance(value, str):
            raise ConfigurationError(f"the API key must be a string; got {type(value).__name__}")
        problem = key_problem(value)
        if problem is not None:
            raise ConfigurationError(f"the API key {problem}")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def fingerprint(self) -> bytes:
        """A digest that tells keys apart within this process, and says nothing of the key
        (keyed with a secret of the process's own, so it cannot be checked against a guess)."""
        return hashlib.blake2b(self._value.encode(), key=_FINGERPRINT_KEY, digest_size=16).digest()

    @property
    def masked(self) -> str:
        return f"***{self._value[-4:]}" if len(self._value) >= 16 else "***"

    def scrub(self, text: str) -> str:
        """``text`` with every occurrence of the key replaced by its masked form."""
        return text.replace(self._value, self.masked) if self._value else text

    def __repr__(self) -> str:
        return f"APIKey({self.masked!r})"

    def __str__(self) -> str:
        return self.masked

    def __eq__(self, other: object) -> bool:
        return isinstance(other, APIKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:  # pickling would write the key out in clear
        raise TypeError("an APIKey cannot be pickled")


def _host_as_sent(url: str) -> str:
    """The host the HTTP stack (urllib3, under requests) will connect to for ``url``."""
    host = parse_url(url).host or ""
    return host.strip("[]").lower()


@functools.lru_cache(maxsize=64)  # every client checks its base URL: the proxy makes one per call
def is_loopback_url(url: str) -> bool:
    """True when ``url``'s host, as the HTTP stack reads it, is this machine."""
    try:
        host = _host_as_sent(url)
    except ValueError:
        return False
    # Only the name itself: where `x.localhost` goes is up to the resolver.
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@functools.lru_cache(maxsize=8)
def user_agent(stack: str) -> str:
    """The ``User-Agent`` of every request legacy-stt sends: ``legacy-stt/<version>``, the
    HTTP stack that carries it (``requests/2.32.3``) and the Python it runs on, so that the
    service (and a proxy's log) can tell legacy-stt's traffic and its versions apart."""
    implementation = platform.python_implementation().lower()
    return f"legacy-stt/{__version__} {stack} {implementation}/{platform.python_version()}"


@functools.lru_cache(maxsize=64)
def normalize_base_url(url: str) -> str:
    """``url`` without a trailing slash, after checking it is an unambiguous http(s) URL.

    Remembered: a server makes a client per call, each for the same few base URLs.
    """
    text = url.strip()
    if any(char in text for char in "\\ \t\r\n") or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ConfigurationError(
            f"base URL must not contain backslashes, spaces or control characters; got {display_url(text)!r}"
        )
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"base URL must be an http(s) URL such as {DEFAULT_BASE_URL}; got {display_url(text)!r}"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            f"base URL must not have a query or fragment; got {display_url(text)!r}"
        )
    try:
        as_sent = _host_as_sent(text)
    except ValueError:
        raise ConfigurationError(f"base URL is not a valid URL: {display_url(text)!r}") from None
    # Two parsers that disagree about the host mean a URL that checks as one host and
    # connects to another: refused rather than guessed.
    if (parts.hostname or "") != as_sent:
        raise ConfigurationError(
            f"base URL is ambiguous (its host reads as {parts.hostname!r} or {as_sent!r}): "
            f"{display_url(text)!r}"
        )
    # The scheme in lower case: `HTTP://` must meet the same plain-http checks as `http://`.
    return parts.scheme + text[len(parts.scheme) :].rstrip("/")


class MaskedValue(str):
    """A header value that is itself on the wire, but ``***`` in every ``repr``.

    ``http.client`` encodes it like any string; dicts, tracebacks with
    locals and debuggers show the masked form.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"
