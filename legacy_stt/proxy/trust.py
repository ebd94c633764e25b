"""Who the proxy answers, and whom it lends the operator's key: pure rules, no I/O.

The proxy answers programs, not web pages. These functions decide, from a
request's ``Host``, ``Origin`` and ``Sec-Fetch-Site`` headers and the
address it arrived on, whether it is answered (``421`` for a name that is
not the proxy's, DNS rebinding; ``403`` for a page of another origin), and
whether a forwarded request may carry the operator's key. The ASGI
application applies them; they hold no state of their own.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable
from typing import Union
from urllib.parse import unquote

from ..compat.endpoint import is_legacy_path
from ..exceptions import ConfigurationError

__all__ = [
    "Address",
    "Authority",
    "HostRules",
    "allowed_origins",
    "authority_text",
    "empty_bearer",
    "ip_of",
    "is_clean_path",
    "is_stt_call",
    "normalize_origin",
    "parse_authority",
]

#: ``(host, port)`` of a ``Host`` value: lower case, no brackets; port None when not given.
Authority = tuple[str, Union[int, None]]
Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]

_DEFAULT_PORTS = {"http": 80, "https": 443}
#: The speech-to-text paths of the two-step API (besides the legacy ones): the only forwarded
#: requests the operator's key is lent to, unless the operator lends it to every path.
_CREATE_PATH = "/v1/stt/create"
_POLL_PATH = re.compile(r"/v1/stt/[^/]+")


def parse_authority(text: str) -> Authority | None:
    """``(host, port)`` of a ``Host`` value or an origin's authority; None if malformed.

    The host is lower case, without brackets (IPv6) or a trailing dot; the
    port is None when the value names none.
    """
    text = text.strip()
    if not text or not text.isascii() or any(c in text for c in " \t/\\@?#%,"):
        return None
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket:
            return None
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return None
    else:
        host, colon, port_text = text.partition(":")
        rest = colon + port_text
    port = None
    if rest:
        digits = rest[1:]
        if not rest.startswith(":") or not digits.isdigit() or len(digits) > 5:
            return None
        port = int(digits)
        if not 0 < port <= 65535:
            return None
    host = host.lower()
    if host.endswith("."):  # "localhost." names the same host as "localhost"
        host = host[:-1]
    if not host:
        return None
    return host, port


@functools.lru_cache(maxsize=256)  # asked for every request; the answer is an immutable value
def ip_of(host: str) -> Address | None:
    """The address ``host`` writes, if it is an IP literal (IPv4-mapped IPv6 as IPv4)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])  # without an IPv6 zone
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _same_host(one: str, other: str) -> bool:
    first, second = ip_of(one), ip_of(other)
    if first is not None or second is not None:
        return first == second
    return one == other


def authority_text(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


def normalize_origin(text: str) -> str | None:
    """``scheme://host[:port]`` in canonical form (default port left out); None if not an origin.

    ``null`` (what sandboxed frames, ``file:`` pages and some redirects send)
    is no origin and so is never the proxy's own nor an allowed one.
    """
    scheme, separator, authority = text.strip().partition("://")
    scheme = scheme.lower()
    if not separator or scheme not in _DEFAULT_PORTS:
        return None
    parsed = parse_authority(authority[:-1] if authority.endswith("/") else authority)
    if parsed is None:
        return None
    host, port = parsed
    address = ip_of(host)
    if address is not None:
        host = str(address)
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    return f"{scheme}://{authority_text(host, port)}"


def is_stt_call(method: str, path: str) -> bool:
    """True for ``POST /v1/stt``, ``/stt``, ``POST /v1/stt/create`` and ``GET /v1/stt/{id}``."""
    if method == "POST":
        return is_legacy_path(path) or path == _CREATE_PATH
    # Decoded, so that an escaped "/" (%2F) cannot make another path look like a poll.
    decoded = unquote(path)
    return (
        method in ("GET", "HEAD")
        and _POLL_PATH.fullmatch(decoded) is not None
        and decoded != _CREATE_PATH
    )


def is_clean_path(path: str) -> bool:
    """False for a path the upstream could read as another one than the proxy's rules judged.

    ``.``/``..`` segments could step out of ``/v1/``; an escaped ``?``, ``#``
    or backslash (``%3F``, ``%23``, ``%5C``) could become a query, a fragment
    or a separator once a server or client decodes it.
    """
    decoded = unquote(path)
    if any(char in decoded for char in "?#\\"):
        return False
    return not any(segment in (".", "..") for segment in decoded.split("/"))


def empty_bearer(header: str) -> bool:
    """True for ``Bearer`` with no key after it (what an unset shell variable gives)."""
    scheme, _, credentials = header.strip().partition(" ")
    return scheme.lower() == "bearer" and not credentials.strip()


class HostRules:
    """The ``Host`` values the proxy answers for.

    Its names are the address a connection arrived on (which covers a
    wildcard listening address such as ``0.0.0.0``), ``localhost`` and every
    loopback address when that address is a loopback one, and the configured
    listening ``host`` name -- each with the listening port (or none, on port
    80) -- plus ``allowed`` (``name`` for any port, ``name:port``, or ``"*"``
    for any host, as behind a reverse proxy that checks it).
    """

    def __init__(self, allowed: Iterable[str] = (), listening_host: str | None = None) -> None:
        if isinstance(allowed, str):
            allowed = [allowed]
        parsed: list[Authority] = []
        self.any_host = False
        for entry in allowed:
            if not isinstance(entry, str):
                raise ConfigurationError(
                    f"allowed_hosts must be strings; got {type(entry).__name__}"
                )
            if entry.strip() == "*":
                self.any_host = True
                continue
            authority = parse_authority(entry)
            if authority is None:
                raise ConfigurationError(
                    f"allowed_hosts (--allowed-host): not a host name or host:port: {entry!r} "
                    "(write stt.internal, stt.internal:8765 or [::1]:8765)"
                )
            parsed.append(authority)
        self.allowed: tuple[Authority, ...] = tuple(parsed)
        name = (listening_host or "").strip("[]").lower().rstrip(".")
        self.listening_name = name if name and ip_of(name) is None else None

    def answers_for(self, authority: Authority, local: Address | None, listening_port: int) -> bool:
        """True if ``authority`` (from ``Host``) names this proxy, reached at ``local``."""
        if self.any_host:
            return True
        host, port = authority
        if any(
            _same_host(allowed, host) and allowed_port in (None, port)
            for allowed, allowed_port in self.allowed
        ):
            return True
        if (port if port is not None else 80) != listening_port:
            return False
        address = ip_of(host)
        if address is not None and address == local:
            return True
        on_loopback = local is not None and local.is_loopback
        if on_loopback and (host == "localhost" or (address is not None and address.is_loopback)):
            return True
        return self.listening_name is not None and host == self.listening_name


def allowed_origins(entries: Iterable[str]) -> frozenset[str]:
    """The ``allowed_origins``, in canonical form."""
    if isinstance(entries, str):
        entries = [entries]
    allowed = set()
    for entry in entries:
        if not isinstance(entry, str):
            raise ConfigurationError(f"allowed_origins must be strings; got {type(entry).__name__}")
        if entry.strip() in ("null", "*"):
            # Any sandboxed frame or local file sends "null"; "*" is every page on the web.
            raise ConfigurationError(
                f"allowed_origins (--allowed-origin): {entry.strip()!r} would let any web page "
                "use the proxy; name the origins (scheme://host[:port])"
            )
        origin = normalize_origin(entry)
        if origin is None:
            raise ConfigurationError(
                f"allowed_origins (--allowed-origin): not an origin: {entry!r} "
                "(write scheme://host[:port], such as https://app.example)"
            )
        allowed.add(origin)
    return frozenset(allowed)
