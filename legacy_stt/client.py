"""The legacy-compatible client.

``Client.stt(payload)`` does what one ``POST /v1/stt`` used to do, on the
two-step API: it checks the payload, translates it for the target model
through its model adapter, creates exactly one job, polls until the job is
done, and returns the body the legacy endpoint would have returned.
``submit()`` and ``result()`` are the two steps on their own.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, overload

import requests

from . import deprecations
from ._text import printable
from .adapters.base import ModelAdapter
from .batch import DEFAULT_MAX_WORKERS, BatchOutcome
from .exceptions import (
    INSECURE_HTTP_HINT,
    RAW_RESULT_HINT,
    ConfigurationError,
    LegacySTTError,
    PayloadError,
    Problem,
    UnexpectedAnswer,
    resume_hint,
    with_job,
)
from .planning import Target, plan_request
from .polling import DEFAULT_POLL_TIMEOUT, PollPolicy, read_answer
from .registry import AdapterRegistry, default_registry
from .retries import RetryPolicy
from .steps import MAX_ANSWER_BYTES
from .transport import (
    DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    APIKey,
    ServiceTransport,
    display_url,
    is_loopback_url,
    normalize_base_url,
)
from .uploads import Upload, upload_from, upload_from_buffer_object
from .validation import ParameterNotice
from .wire import bounded_session

__all__ = ["Client", "ONE_CALL_REPLACEMENT", "DEFAULT_TIMEOUT"]

logger = logging.getLogger(__name__)

#: (connect, read) timeout in seconds for each request.
DEFAULT_TIMEOUT: tuple[float, float] = (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT)

#: What the deprecation warnings of the one-call entry points tell callers to do instead.
ONE_CALL_REPLACEMENT = (
    "The service deprecated its one-call endpoint POST /v1/stt (it times out on long audio); "
    "use the two-step API: POST /v1/stt/create, then poll GET /v1/stt/{generation_id}. "
    "With legacy-stt: generation_id = client.submit(payload, audio), then "
    "client.result(generation_id)."
)

_JOB_MEMORY = 10_000  # ids remembered for result(); the service forgets them after an hour anyway


@dataclass(frozen=True)
class _PreparedJob:
    adapter: ModelAdapter
    model: str
    body: dict[str, Any]
    upload: Upload | None
    #: The vocabulary of the caller's payload: it decides which legacy result shape they read.
    source_family: str | None = None


def _checked_target(target: Any, registry: AdapterRegistry) -> Target:
    """``target`` if every model it names has a model adapter; else a ``ConfigurationError``."""
    if target is None:
        return None
    if isinstance(target, str):
        models = [target]
    elif isinstance(target, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in target.items()
    ):
        models = list(target.values())
        target = dict(target)
    else:
        raise ConfigurationError(
            "target must be a model id, or a mapping from legacy model id to target model id; "
            f"got {type(target).__name__}"
        )
    for model in models:
        try:
            registry.adapter_for_target(model)
        except PayloadError as error:
            raise ConfigurationError(f"target: {error.problems[0].message}") from None
    return target


def _check_timeout(value: Any, name: str) -> None:
    values = value if isinstance(value, tuple) else (value,)
    if (
        not values
        or len(values) > 2
        or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 and math.isfinite(v)
            for v in values
        )
    ):
        raise ConfigurationError(
            f"{name} must be a positive number of seconds (or a (connect, read) pair); got {value!r}"
        )


class Client:
    """A client for legacy payloads on the two-step speech-to-text API.

    ``api_key`` defaults to the ``AIML_API_KEY`` environment variable and
    ``base_url`` to ``AIML_API_BASE_URL``, else ``https://api.aimlapi.com``.
    ``timeout`` bounds each request (seconds, or a ``(connect, read)``
    pair); ``poll_timeout`` bounds the wait for a job. With ``strict=True``,
    an unknown parameter or one the target cannot honour is a
    ``PayloadError`` instead of a warning, raised before anything is sent.

    ``target`` moves payloads to a newer model: one model id for every
    call (``"nova-3"``), or a mapping from legacy model id to target model
    id (models not in it run on their own family). Results still come back
    in the legacy shape; ``raw=True`` returns the target's own result
    untouched instead (per call too: ``stt(..., raw=True)``).

    A key is only sent over plain ``http://`` to a loopback address (such as
    the emulator) unless ``allow_insecure_http=True``.

    Each request is bounded in wall-clock time: its connect timeout, then,
    once it is sent, its read timeout for the whole answer, however slowly
    it arrives. Answers larger than ``max_answer_size`` bytes are refused.
    ``verify``, ``cert`` and ``proxies`` are ``requests``' settings for
    these requests (``None``: the session's own).
    """

    def __init__(
        self,
        api_key: str | APIKey | None = None,
        *,
        base_url: str | None = None,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        poll_timeout: float = DEFAULT_POLL_TIMEOUT,
        strict: bool = False,
        poll_policy: PollPolicy | None = None,
        registry: AdapterRegistry | None = None,
        allow_insecure_http: bool = False,
        target: Target = None,
        raw: bool = False,
        retry: RetryPolicy | int | None = None,
        deadline: float | None = None,
        verify: bool | str | None = None,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
        max_answer_size: int = MAX_ANSWER_BYTES,
    ) -> None:
        # The key goes into a masked holder at once, and the argument's name is rebound: an
        # error tracker recording this frame's locals must not find it in clear.
        self._api_key = _key_from(api_key)
        api_key = None
        base = normalize_base_url(
            base_url or os.environ.get("AIML_API_BASE_URL") or DEFAULT_BASE_URL
        )
        if base.startswith("http://") and not is_loopback_url(base) and not allow_insecure_http:
            # (normalize_base_url writes the scheme in lower case: HTTP:// is http://)
            raise ConfigurationError(
                f"refusing to send the API key over plain http:// to {display_url(base)}: use "
                f"https://, or {INSECURE_HTTP_HINT} if this network is trusted"
            )
        if (
            not isinstance(max_answer_size, int)
            or isinstance(max_answer_size, bool)
            or max_answer_size < 1024
        ):
            raise ConfigurationError(
                f"max_answer_size must be a whole number of bytes, 1024 or more; got {max_answer_size!r}"
            )
        _check_timeout(timeout, "timeout")
        _check_timeout(poll_timeout, "poll_timeout")
        if deadline is not None:
            if isinstance(deadline, tuple):
                raise ConfigurationError(f"deadline must be a number of seconds; got {deadline!r}")
            _check_timeout(deadline, "deadline")
        try:
            self.retry = RetryPolicy.from_value(retry)
        except ValueError as error:
            raise ConfigurationError(str(error)) from None
        self.deadline = None if deadline is None else float(deadline)
        self.base_url = base
        self.timeout = timeout
        self.poll_timeout = float(poll_timeout)
        self.strict = bool(strict)
        self.poll_policy = poll_policy or PollPolicy()
        self.registry = registry or default_registry
        self.target = _checked_target(target, self.registry)
        self.raw = bool(raw)
        self._owns_session = session is None
        self.session = session if session is not None else bounded_session()
        self._transport = ServiceTransport(
            base_url=base,
            api_key=self._api_key,
            session=self.session,
            timeout=timeout,
            retry=self.retry,
            verify=verify,
            cert=cert,
            proxies=proxies,
            max_answer_size=max_answer_size,
            allow_insecure_http=allow_insecure_http,
        )
        self._jobs: OrderedDict[str, _PreparedJob] = OrderedDict()
        self._jobs_lock = threading.Lock()

    def __repr__(self) -> str:
        key = self._api_key.masked if self._api_key else None
        return f"<legacy_stt.Client base_url={display_url(self.base_url)!r} key={key!r} strict={self.strict}>"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session if the client created it."""
        if self._owns_session:
            self.session.close()

    # -- preparing a job --------------------------------------------------

    def prepare(
        self, payload: Any, audio: Any = None
    ) -> tuple[str, dict[str, Any], list[ParameterNotice]]:
        """Check and translate a payload without sending it.

        Returns the target model id, the create body, and the notices that
        ``stt``/``submit`` would emit as warnings. Raises ``PayloadError``
        exactly where they would.
        """
        job, notices = self._prepare(payload, audio)
        return job.model, job.body, notices

    def _prepare(self, payload: Any, audio: Any) -> tuple[_PreparedJob, list[ParameterNotice]]:
        plan = plan_request(
            payload,
            upload_given=audio is not None,
            target=self.target,
            registry=self.registry,
            strict=self.strict,
        )
        self._check_create_body(plan.adapter, plan.model, plan.body)
        if audio is not None:
            upload: Upload | None = upload_from(audio)
        elif plan.report.embedded_audio is not None:
            upload = upload_from_buffer_object(plan.report.embedded_audio)
        else:
            upload = None
        family = plan.report.family.name if plan.report.family is not None else None
        job = _PreparedJob(plan.adapter, plan.model, plan.body, upload, family)
        return job, plan.notices

    @staticmethod
    def _check_create_body(adapter: ModelAdapter, model: str, body: Mapping[str, Any]) -> None:
        # A body the target's schema rejects would be a model adapter bug; catch it before it costs a request.
        if not adapter.create_schema:
            return
        from .schema import validator_for

        validator = validator_for(adapter.create_schema)
        if validator.is_valid(body):
            return
        problems = [
            Problem(
                "/" + "/".join(str(part) for part in error.absolute_path),
                f"model adapter {adapter.name!r} produced a create body that {model} would reject: {error.message}",
                "adapter-output",
            )
            for error in validator.iter_errors(body)
        ]
        raise PayloadError(problems)

    @staticmethod
    def _emit(notices: list[ParameterNotice]) -> None:
        for notice in notices:
            deprecations.warn(notice.message, notice.category)

    def _create(self, job: _PreparedJob, *, deadline: float | None = None) -> str:
        answer = self._transport.create(
            job.body,
            job.upload,
            upload_field=job.adapter.upload_field,
            cap=None if deadline is None else max(deadline - time.monotonic(), 0.001),
        )
        with self._jobs_lock:
            self._jobs[answer.generation_id] = job
            while len(self._jobs) > _JOB_MEMORY:
                self._jobs.popitem(last=False)
        return answer.generation_id

    # -- the public calls -------------------------------------------------

    @deprecations.deprecated_one_call("Client.stt", ONE_CALL_REPLACEMENT)
    def stt(
        self, payload: Mapping[str, Any], audio: Any = None, *, raw: bool | None = None
    ) -> dict[str, Any]:
        """Transcribe like the legacy ``POST /v1/stt``: returns the legacy response body.

        ``payload`` is the legacy JSON payload; ``audio`` (a path, bytes or a
        binary file object) is the file to upload when the payload has no
        ``url``. Exactly one job is created per call. ``raw=True`` returns
        the target model's own result instead of the legacy body.
        """
        return self._transcribe(payload, audio, raw=raw)

    def _transcribe(
        self, payload: Mapping[str, Any], audio: Any = None, *, raw: bool | None = None
    ) -> dict[str, Any]:
        job, notices = self._prepare(payload, audio)
        self._emit(notices)
        deadline = None if self.deadline is None else time.monotonic() + self.deadline
        generation_id = self._create(job, deadline=deadline)
        return self._wait(generation_id, job, raw=raw, deadline=deadline)

    def submit(self, payload: Mapping[str, Any], audio: Any = None) -> str:
        """Create the job for a legacy payload and return its ``generation_id`` without waiting."""
        job, notices = self._prepare(payload, audio)
        self._emit(notices)
        return self._create(job)

    def stt_many(
        self,
        payloads: Iterable[Any],
        *,
        audio: Iterable[Any] | None = None,
        max_workers: int = DEFAULT_MAX_WORKERS,
        journal: str | os.PathLike[str] | None = None,
        out_dir: str | os.PathLike[str] | None = None,
        recreate_uncertain: bool = False,
        poll_policy: PollPolicy | None = None,
    ) -> Iterator[BatchOutcome]:
        """Transcribe many legacy payloads concurrently; yields one ``BatchOutcome`` per input, in order.

        ``payloads`` holds legacy payloads (or ``BatchInput`` values naming
        their source); ``audio``, if given, the audio of each in the same
        order (``None`` where a payload has a ``url``). At most
        ``max_workers`` jobs are in flight; a 429 slows every worker down.
        An input's failure is its outcome's ``error``; the batch goes on.

        With ``journal`` (a file path) every job is recorded the moment it is
        created, and a re-run of the same batch with the same journal creates
        no job twice: finished results are read back, created jobs are waited
        for. Results are written atomically to ``out_dir`` (default: a
        ``<journal>.results`` directory next to the journal). An input whose
        create was in flight when an earlier run died may have a job that
        cannot be found; it is reported as ``JobMayExist`` unless
        ``recreate_uncertain=True``.

        Polls follow ``poll_policy``, by default ``BATCH_POLL_POLICY``: finer
        steps than a single call's (a worker idle after its job ended is
        throughput lost), capped at 2 s.
        """
        from .batch import run_batch

        return run_batch(
            self,
            payloads,
            audio=audio,
            max_workers=max_workers,
            journal=journal,
            out_dir=out_dir,
            recreate_uncertain=recreate_uncertain,
            poll_policy=poll_policy,
        )

    @overload
    def result(
        self,
        generation_id: str,
        wait: Literal[True] = ...,
        *,
        model: str | None = ...,
        raw: bool | None = ...,
    ) -> dict[str, Any]: ...

    @overload
    def result(
        self, generation_id: str, wait: bool, *, model: str | None = ..., raw: bool | None = ...
    ) -> dict[str, Any] | None: ...

    def result(
        self,
        generation_id: str,
        wait: bool = True,
        *,
        model: str | None = None,
        raw: bool | None = None,
    ) -> dict[str, Any] | None:
        """The legacy response body of a job.

        With ``wait=True`` (the default) polls until the job is done, up to
        ``poll_timeout``; with ``wait=False`` asks once and returns ``None``
        if the job is not finished. Works for ids from ``submit()`` and for
        ids from elsewhere (another process, a ``PollTimeout``): pass
        ``model`` if the result shape cannot tell which model produced it.
        ``raw=True`` returns the model's own result untouched.
        """
        if not isinstance(generation_id, str) or not generation_id.strip():
            raise ValueError(f"generation_id must be a non-empty string; got {generation_id!r}")
        with self._jobs_lock:
            job = self._jobs.get(generation_id)
        with concerning(generation_id):
            if not wait:
                result = read_answer(self._transport.fetch(generation_id), generation_id)
                if result is None:
                    return None
                return self._translate(generation_id, result, job, model, raw)
            result = self._transport.wait(
                generation_id,
                timeout=self.poll_timeout,
                policy=self.poll_policy,
                poll_first=job is None,  # an id from elsewhere may well be finished already
            )
            return self._translate(generation_id, result, job, model, raw)

    def _wait(
        self,
        generation_id: str,
        job: _PreparedJob,
        *,
        raw: bool | None = None,
        deadline: float | None = None,
        poll_policy: PollPolicy | None = None,
        first_wait: float | None = None,
    ) -> dict[str, Any]:
        timeout = self.poll_timeout
        if deadline is not None:
            # what is left of the call's deadline after the create request, if that is shorter
            timeout = min(timeout, max(deadline - time.monotonic(), 0.0))
        with concerning(generation_id):
            result = self._transport.wait(
                generation_id,
                timeout=timeout,
                policy=poll_policy or self.poll_policy,
                first_wait=first_wait,
            )
            return self._translate(generation_id, result, job, None, raw)

    def _translate(
        self,
        generation_id: str,
        result: Any,
        job: _PreparedJob | None,
        model: str | None,
        raw: bool | None,
    ) -> dict[str, Any]:
        if self.raw if raw is None else raw:
            return result
        adapter: ModelAdapter | None
        request: Mapping[str, Any]
        source_family = None
        if job is not None:
            adapter, request, source_family = job.adapter, job.body, job.source_family
        elif model is not None:
            adapter, request = self.registry.adapter_for_target(model), {"model": model}
        else:
            adapter, request = self.registry.adapter_for_result(result), {}
        if adapter is None or not adapter.recognizes_result(result):
            # Handed back as it is, it would pass for the legacy body and fail later, far from
            # here: a shape the model adapter does not know is an error that names the job.
            shown = printable(generation_id)
            raise UnexpectedAnswer(
                f"job {shown} is completed, but its result has a shape that "
                + (
                    f"the model adapter {adapter.name!r} does not know"
                    if adapter is not None
                    else "no installed model adapter knows"
                )
                + f", so it cannot be turned into the legacy body. Fetch it as the service sent "
                f"it: call {resume_hint(generation_id)} again, {RAW_RESULT_HINT}",
                reason="unknown-shape",
                generation_id=generation_id,
            )
        try:
            return adapter.translate_result(
                result, generation_id=generation_id, request=request, source_family=source_family
            )
        except LegacySTTError:
            raise
        except (RecursionError, Exception) as error:
            # A result of a shape the model adapter did not expect; the job itself is fine.
            raise UnexpectedAnswer(
                f"job {printable(generation_id)}: its result could not be turned into the legacy body "
                f"({type(error).__name__}); fetch it as the service sent it: call "
                f"{resume_hint(generation_id)} again, {RAW_RESULT_HINT}",
                reason="unknown-shape",
                generation_id=generation_id,
            ) from error


@contextlib.contextmanager
def concerning(generation_id: str) -> Iterator[None]:
    """Every legacy-stt error raised inside carries ``generation_id`` (the job exists)."""
    try:
        yield
    except LegacySTTError as error:
        with_job(error, generation_id)
        raise
    except Exception as error:
        # Not ours (a bug, a caller's hook): its type stays, and it still says which job exists.
        with contextlib.suppress(AttributeError, TypeError):
            error.generation_id = generation_id  # type: ignore[attr-defined]
            error.job_may_exist = True  # type: ignore[attr-defined]
        add_note = getattr(error, "add_note", None)  # Python 3.11+
        if add_note is not None:
            add_note(f"legacy-stt: job {printable(generation_id)} exists; pick it up with its id")
        raise


def _key_from(api_key: Any) -> APIKey | None:
    """The client's key: ``api_key``, else ``AIML_API_KEY``; ``None`` if neither is set."""
    if isinstance(api_key, APIKey):
        return api_key
    if api_key is None:
        api_key = os.environ.get("AIML_API_KEY")
    if api_key is not None and not isinstance(api_key, str):
        raise ConfigurationError(f"api_key must be a string; got {type(api_key).__name__}")
    return APIKey(api_key) if api_key else None
