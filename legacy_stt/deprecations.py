"""Warning categories, and how legacy-stt emits warnings.

Two kinds of warning come out of legacy-stt:

* ``RemovedInLegacySTT2Warning`` -- the legacy one-call style itself
  (``legacy_stt.stt``, ``Client.stt``) is deprecated, because the service
  deprecated ``POST /v1/stt``. It is a ``DeprecationWarning`` (through the
  ``deprecation`` package's ``DeprecatedWarning``), so Python shows it where
  your own code, your ``__main__`` or your test run calls it; each message says
  what replaces the call.
* ``ParameterWarning`` and its subclasses -- something about one parameter
  of one payload: unknown and not sent, dropped because the target model
  cannot honour it, renamed for the target. These are ``UserWarning``\\ s,
  shown by default. Filter them all with
  ``warnings.filterwarnings("ignore", category=legacy_stt.ParameterWarning)``
  or one kind at a time. Warnings that are *lossy* become a ``PayloadError``
  under ``strict=True``.

Every warning points at the first line outside legacy-stt (your call), so the
default warning filter shows each once per call site.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import warnings
from collections.abc import Iterable
from typing import Any, Callable, TypeVar, cast

import deprecation
from packaging.version import Version

from ._version import __version__

__all__ = [
    "LegacySTTWarning",
    "ParameterWarning",
    "UnknownParameterWarning",
    "DroppedParameterWarning",
    "ConflictingParameterWarning",
    "RenamedParameterWarning",
    "UnknownStatusWarning",
    "PluginWarning",
    "RemovedInLegacySTT2Warning",
    "OneCallRemovedWarning",
    "DEPRECATED_IN",
    "REMOVED_IN",
]

#: The legacy-stt version that deprecated the one-call entry points.
DEPRECATED_IN = "0.1.0"
#: The legacy-stt version that removes them.
REMOVED_IN = "2.0"

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

F = TypeVar("F", bound=Callable[..., Any])


class LegacySTTWarning(UserWarning):
    """Base class of legacy-stt's non-deprecation warnings."""


class ParameterWarning(LegacySTTWarning):
    """Base class of every warning about one parameter of a payload.

    ``lossy`` says whether what the caller asked for is not honoured;
    ``strict=True`` turns lossy warnings into a ``PayloadError``.
    """

    lossy = True


class UnknownParameterWarning(ParameterWarning):
    """The payload has a parameter the model does not know; it is not sent."""


class DroppedParameterWarning(ParameterWarning):
    """The target model cannot honour a parameter; it is not sent."""


class ConflictingParameterWarning(ParameterWarning):
    """The payload gives a setting under its legacy name and its new name; the new name wins."""


class RenamedParameterWarning(ParameterWarning):
    """A legacy parameter is sent under the target model's name (or in its form)."""

    lossy = False


class UnknownStatusWarning(LegacySTTWarning):
    """A poll answered with a job status legacy-stt does not know; it is read as "not finished"."""


class PluginWarning(LegacySTTWarning):
    """A model adapter plug-in could not be loaded; the other model adapters still work."""


class RemovedInLegacySTT2Warning(deprecation.DeprecatedWarning):
    """A legacy-style call that legacy-stt 2.0 removes, with what replaces it.

    Its message names the versions as legacy-stt's: a bare "2.0" beside the
    service's ``/v1`` paths read as an API version.
    """

    def __str__(self) -> str:
        text = (
            f"{self.function} is deprecated since legacy-stt {self.deprecated_in}: "
            f"legacy-stt {self.removed_in} removes the one-call style."
        )
        return f"{text} {self.details}" if self.details else text


class OneCallRemovedWarning(deprecation.UnsupportedWarning):
    """A one-call entry point still called in legacy-stt 2.0 or later, which removes them."""

    def __str__(self) -> str:
        text = f"{self.function} is unsupported: legacy-stt {self.removed_in} removes the one-call style."
        return f"{text} {self.details}" if self.details else text


def external_stacklevel(extra_skip: Iterable[str] = ()) -> int:
    """The ``stacklevel`` that makes a warning point at the caller's code.

    Counts the frames, starting with the caller of this function, that belong
    to legacy-stt (or to ``extra_skip`` directories, such as ``requests`` when
    old code calls it and legacy-stt answers), so the reported location is
    the first line of code that is not ours. The result is meant for a
    ``warnings.warn`` call made directly by the caller of this function.
    """
    prefixes = (_PACKAGE_DIR, *extra_skip)
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(prefixes):
        frame = frame.f_back
        level += 1
    return level


def warn(message: str, category: type[Warning], extra_skip: Iterable[str] = ()) -> None:
    """Emit a warning attributed to the first frame outside legacy-stt."""
    warnings.warn(message, category, stacklevel=external_stacklevel(extra_skip))


def one_call_deprecation(function_name: str, details: str) -> deprecation.DeprecatedWarning:
    """The warning for a deprecated one-call entry point, judged by version.

    Versions are compared with ``packaging``: from ``REMOVED_IN`` on, the
    warning becomes the ``deprecation`` package's ``UnsupportedWarning``
    (which ``deprecation.fail_if_not_removed`` turns into a test failure).
    """
    if Version(__version__) >= Version(REMOVED_IN):
        return OneCallRemovedWarning(function_name, DEPRECATED_IN, REMOVED_IN, details)
    return RemovedInLegacySTT2Warning(function_name, DEPRECATED_IN, REMOVED_IN, details)


def deprecated_one_call(function_name: str, details: str) -> Callable[[F], F]:
    """Mark a legacy-style entry point: document it, and warn at each call.

    The warning is attributed to the caller's line (frames inside legacy-stt
    are skipped), so Python's default filter shows it once per call site.
    """

    def decorate(function: F) -> F:
        note = (
            f"\n\n.. deprecated:: {DEPRECATED_IN}\n"
            f"   legacy-stt {REMOVED_IN} removes the one-call style. {details}\n"
        )
        function.__doc__ = (function.__doc__ or "").rstrip() + note

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            warnings.warn(
                one_call_deprecation(function_name, details),
                stacklevel=external_stacklevel(),
            )
            return function(*args, **kwargs)

        if inspect.iscoroutinefunction(function) and hasattr(inspect, "markcoroutinefunction"):
            # Warned when called, not when awaited: a coroutine run by asyncio.gather or a task
            # has no caller frame left to point at. Still a coroutine function (Python 3.12+).
            inspect.markcoroutinefunction(wrapper)
        return cast(F, wrapper)

    return decorate
