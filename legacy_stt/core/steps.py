"""The vocabulary between the rules of a call and the code that sends: requests, answers, steps.

The rules of the two-step API (``polling``, ``protocol``) perform no input
or output. They are written as *flows*: generators that yield ``Send`` and
``Sleep`` steps, receive the ``Answer`` or ``Failure`` of each ``Send``, and
return their result. A shell -- ``transport.ServiceTransport`` on
``requests`` -- turns a ``Request`` into bytes on the wire and the reply into
an ``Answer`` within the bounds the request states; ``run_flow`` drives a
flow with a shell's ``send`` and ``sleep``. The same flows can be driven by
an asynchronous shell, so no rule is written twice.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar, Union

from ..payloads.uploads import Upload

__all__ = [
    "Answer",
    "Failure",
    "FailureKind",
    "Flow",
    "MAX_ANSWER_BYTES",
    "MAX_ERROR_BODY_BYTES",
    "NOTHING_SENT",
    "Request",
    "Send",
    "Sleep",
    "returning",
    "run_flow",
    "connect_failure_words",
    "NAME_NOT_RESOLVED",
    "CONNECTION_REFUSED",
    "run_flow_async",
]

#: The largest create or poll answer read, in bytes after decompression. A poll's result
#: for hours of audio, with every word timed, is a few MiB; past this, a hostile or broken
#: upstream would only fill memory.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
#: Of an error answer only the message matters: this much of its body is read.
MAX_ERROR_BODY_BYTES = 64 * 1024

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """One HTTP request to send, and the bounds its exchange must keep.

    ``body`` is a JSON body (bytes); ``fields`` with ``upload`` is a
    multipart form (the shell streams ``upload`` from its start on each
    attempt). ``read_timeout`` bounds each read *and* the whole answer,
    counted from the moment the request is sent; ``deadline`` (a reading of
    the flow's clock) bounds the whole exchange, connecting and sending
    included. ``answer_limit`` is the most bytes of a 2xx body to keep
    (decompressed), ``error_limit`` the most of any other.
    """

    method: str
    url: str
    connect_timeout: float
    read_timeout: float
    deadline: float | None = None
    body: bytes | None = None
    fields: Mapping[str, Any] | None = None
    upload: Upload | None = None
    upload_field: str = "audio"
    answer_limit: int = MAX_ANSWER_BYTES
    error_limit: int = MAX_ERROR_BODY_BYTES


@dataclass(frozen=True)
class Answer:
    """What the service answered: status, headers (looked up case-insensitively), body.

    ``defect`` says why the body is not whole: ``"too-large"`` (more than
    the request's limit; ``body`` holds the start) or ``"encoding"`` (a
    content encoding that was not asked for).
    """

    status: int
    # Not in the repr: frames holding an answer are recorded by error trackers, and a
    # service may echo the key back in a body or a header.
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(default=b"", repr=False)
    defect: str | None = None


class FailureKind(str, enum.Enum):
    """How an exchange failed, as far as the service's side is concerned."""

    #: No connection could be made: nothing was sent.
    NOT_CONNECTED = "not-connected"
    #: The TLS handshake failed (a certificate that does not verify): nothing was sent.
    TLS = "tls"
    #: Connected, but no byte of the request left this machine.
    NOT_SENT = "not-sent"
    #: Bytes of the request left, then the connection broke before a whole answer came.
    BROKEN = "broken"
    #: Bytes of the request left, and no whole answer came within the read timeout or the bound.
    TIMED_OUT = "timed-out"
    #: The audio to upload could not be read: nothing was sent.
    UNREADABLE_UPLOAD = "unreadable-upload"


#: Failures after which the service cannot have the request.
NOTHING_SENT = frozenset({FailureKind.NOT_CONNECTED, FailureKind.TLS, FailureKind.NOT_SENT})


@dataclass(frozen=True)
class Failure:
    """An exchange that got no usable answer. ``detail`` names what happened (for messages)."""

    kind: FailureKind
    detail: str = ""


@dataclass(frozen=True)
class Send:
    """Step: send ``request``; the flow receives its ``Answer`` or ``Failure``."""

    request: Request


@dataclass(frozen=True)
class Sleep:
    """Step: wait ``seconds``; the flow receives ``None``."""

    seconds: float


Step = Union[Send, Sleep]
Event = Union[Answer, Failure, None]
Flow = Generator[Step, Event, T]


#: Why no connection was made, in words a user can act on: a name that does not resolve is a
#: typo or DNS; a refusal is a service that is down or a wrong port.
NAME_NOT_RESOLVED = "its host name does not resolve (DNS): check the spelling of the base URL"
CONNECTION_REFUSED = "the connection was refused: nothing listens at that address and port"


def connect_failure_words(chain: list[BaseException]) -> str | None:
    """``NAME_NOT_RESOLVED`` or ``CONNECTION_REFUSED`` if an error in ``chain`` (an error and
    its causes) says so; the shells add their HTTP stack's own errors to the chain's meaning."""
    import socket

    if any(isinstance(cause, socket.gaierror) for cause in chain):
        return NAME_NOT_RESOLVED
    if any(isinstance(cause, ConnectionRefusedError) for cause in chain):
        return CONNECTION_REFUSED
    return None


def run_flow(
    flow: Flow[T],
    send: Callable[[Request], Answer | Failure],
    sleep: Callable[[float], None],
) -> T:
    """Drive ``flow`` to its end with a shell's ``send`` and ``sleep``; return its result."""
    event: Event = None
    while True:
        try:
            step = flow.send(event)
        except StopIteration as done:
            return done.value
        if isinstance(step, Sleep):
            sleep(step.seconds)
            event = None
        else:
            event = send(step.request)


async def run_flow_async(
    flow: Flow[T],
    send: Callable[[Request], Awaitable[Answer | Failure]],
    sleep: Callable[[float], Awaitable[Any]],
) -> T:
    """``run_flow`` for an asynchronous shell: ``send`` and ``sleep`` are awaited."""
    event: Event = None
    while True:
        try:
            step = flow.send(event)
        except StopIteration as done:
            return done.value
        if isinstance(step, Sleep):
            await sleep(step.seconds)
            event = None
        else:
            event = await send(step.request)


def returning(value: T) -> Flow[T]:
    """A flow that sends nothing and returns ``value`` (adapts a plain result to a flow)."""
    return value
    yield  # pragma: no cover - makes this a generator
