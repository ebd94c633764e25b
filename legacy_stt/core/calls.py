"""What the sync and the async client share: options, preparing a job, the flows of a call.

``ClientCore`` holds no connection and performs no I/O. It checks a
client's options, turns a legacy payload into a job for its target (schema,
model adapter, create body), remembers which job came from which payload,
and writes each call as a *flow* of ``steps`` (create, wait, fetch) that
ends in the legacy body. ``Client`` drives those flows with ``requests``
(``transport``) and ``AsyncClient`` with httpx (``aio``): every rule of a
call is written once, here and in ``protocol``/``polling``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .. import deprecations
from .._text import printable
from ..adapters.base import ModelAdapter
from ..adapters.registry import AdapterRegistry, default_registry
from ..exceptions import (
    INSECURE_HTTP_HINT,
    MISSING_KEY_HINT,
    RAW_RESULT_HINT,
    AuthenticationError,
    ConfigurationError,
    LegacySTTError,
    PayloadError,
    Problem,
    UnexpectedAnswer,
    resume_hint,
    with_job,
)
from ..payloads.planning import Target, plan_request
from ..payloads.uploads import Upload, upload_from, upload_from_buffer_object
from ..payloads.validation import ParameterNotice
from .polling import DEFAULT_POLL_TIMEOUT, JobDurations, PollPolicy, read_answer
from .protocol import Service, create_job, display_url, fetch_job, wait_job
from .retries import RetryPolicy
from .settings import (
    DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    APIKey,
    is_loopback_url,
    normalize_base_url,
)
from .steps import MAX_ANSWER_BYTES, Flow

__all__ = [
    "ClientCore",
    "PreparedJob",
    "DEFAULT_TIMEOUT",
    "ONE_CALL_REPLACEMENT",
    "concerning",
    "key_from",
]

logger = logging.getLogger(__name__)

#: (connect, read) timeout in seconds for each request.
DEFAULT_TIMEOUT: tuple[float, float] = (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT)

#: What the deprecation warnings of the one-call entry points tell callers to do instead.
ONE_CALL_REPLACEMENT = (
    "The service deprecated its one-call endpoint POST /v1/stt (it times out on long audio); "
    "use the two-step API: POST /v1/stt/create, then poll GET /v1/stt/{generation_id}. "
    "With legacy-stt: generation_id = client.submit(payload, audio), then "
    "client.result(generation_id) (with AsyncClient: await each)."
)

_JOB_MEMORY = 10_000  # ids remembered for result(); the service forgets them after an hour anyway


@dataclass(frozen=True)
class PreparedJob:
    """A checked, translated payload, ready to be created as a job."""

    adapter: ModelAdapter
    model: str
    body: dict[str, Any]
    upload: Upload | None
    #: The vocabulary of the caller's payload: it decides which legacy result shape they read.
    source_family: str | None = None


def checked_target(target: Any, registry: AdapterRegistry) -> Target:
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


def check_timeout(value: Any, name: str) -> None:
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


class ClientCore:
    """The I/O-free half of ``Client`` and ``AsyncClient`` (see their docstrings for the options).

    A shell sets ``service`` (the ``protocol.Service`` its transport sends
    for) and drives the flows below with its own send and sleep.
    """

    service: Service

    def __init__(
        self,
        api_key: str | APIKey | None = None,
        *,
        base_url: str | None = None,
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
        max_answer_size: int = MAX_ANSWER_BYTES,
    ) -> None:
        # The key goes into a masked holder at once, and the argument's name is rebound: an
        # error tracker recording this frame's locals must not find it in clear.
        self._api_key = key_from(api_key)
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
        check_timeout(timeout, "timeout")
        check_timeout(poll_timeout, "poll_timeout")
        if deadline is not None:
            if isinstance(deadline, tuple):
                raise ConfigurationError(f"deadline must be a number of seconds; got {deadline!r}")
            check_timeout(deadline, "deadline")
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
        self.target = checked_target(target, self.registry)
        self.raw = bool(raw)
        self.allow_insecure_http = bool(allow_insecure_http)
        self.max_answer_size = max_answer_size
        self._jobs: OrderedDict[str, PreparedJob] = OrderedDict()
        self._jobs_lock = threading.Lock()

    def _describe(self) -> str:
        key = self._api_key.masked if self._api_key else None
        return f"base_url={display_url(self.base_url)!r} key={key!r} strict={self.strict}"

    # -- preparing a job --------------------------------------------------

    def prepare(
        self, payload: Any, audio: Any = None
    ) -> tuple[str, dict[str, Any], list[ParameterNotice]]:
        """Check and translate a payload without sending it.

        Returns the target model id, the create body, and the notices that
        ``stt``/``submit`` would emit as warnings. Raises ``PayloadError``
        exactly where they would.
        """
        job, notices = self.prepare_job(payload, audio)
        return job.model, job.body, notices

    def prepare_job(self, payload: Any, audio: Any) -> tuple[PreparedJob, list[ParameterNotice]]:
        """Check and translate ``payload`` (and ``audio``) for its target; raises ``PayloadError``."""
        plan = plan_request(
            payload,
            upload_given=audio is not None,
            target=self.target,
            registry=self.registry,
            strict=self.strict,
        )
        if not plan.body_valid:
            self._check_create_body(plan.adapter, plan.model, plan.body)
        if audio is not None:
            upload: Upload | None = upload_from(audio)
        elif plan.report.embedded_audio is not None:
            upload = upload_from_buffer_object(plan.report.embedded_audio)
        else:
            upload = None
        family = plan.report.family.name if plan.report.family is not None else None
        job = PreparedJob(plan.adapter, plan.model, plan.body, upload, family)
        return job, plan.notices

    @staticmethod
    def _check_create_body(adapter: ModelAdapter, model: str, body: Mapping[str, Any]) -> None:
        # A body the target's schema rejects would be a model adapter bug; catch it before it costs a request.
        if not adapter.create_schema:
            return
        from ..payloads.schema import create_body_check, validator_for

        if create_body_check(adapter.create_schema)(body):
            return
        validator = validator_for(adapter.create_schema)
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
    def emit_notices(notices: list[ParameterNotice]) -> None:
        """Each notice as a warning, attributed to the caller's line."""
        for notice in notices:
            deprecations.warn(notice.message, notice.category)

    # -- jobs ----------------------------------------------------------------

    def remember(self, generation_id: str, job: PreparedJob) -> None:
        """Keep which payload a job came from, for ``result()`` (the most recent ones)."""
        with self._jobs_lock:
            self._jobs[generation_id] = job
            while len(self._jobs) > _JOB_MEMORY:
                self._jobs.popitem(last=False)

    def job_for(self, generation_id: str) -> PreparedJob | None:
        with self._jobs_lock:
            return self._jobs.get(generation_id)

    def _require_key(self) -> None:
        if self._api_key is None:
            raise AuthenticationError(f"no API key: {MISSING_KEY_HINT}")

    def call_deadline(self) -> float | None:
        """The monotonic time by which a one-call transcription must end (``deadline``)."""
        return None if self.deadline is None else time.monotonic() + self.deadline

    # -- the flows of the calls -------------------------------------------

    def create_flow(self, job: PreparedJob, *, deadline: float | None = None) -> Flow[str]:
        """Create the job (``POST /v1/stt/create``); its ``generation_id``."""
        self._require_key()
        answer = yield from create_job(
            self.service,
            job.body,
            job.upload,
            upload_field=job.adapter.upload_field,
            cap=None if deadline is None else max(deadline - time.monotonic(), 0.001),
        )
        self.remember(answer.generation_id, job)
        return answer.generation_id

    def wait_flow(
        self,
        generation_id: str,
        job: PreparedJob,
        *,
        raw: bool | None = None,
        deadline: float | None = None,
        poll_policy: PollPolicy | None = None,
        first_wait: float | None = None,
        durations: JobDurations | None = None,
    ) -> Flow[dict[str, Any]]:
        """Wait for a job this client created; its legacy body (or its own result, ``raw``).
        ``durations``: the schedule learnt from recent jobs, which this one adds to."""
        timeout = self.poll_timeout
        if deadline is not None:
            # what is left of the call's deadline after the create request, if that is shorter
            timeout = min(timeout, max(deadline - time.monotonic(), 0.0))
        with concerning(generation_id):
            self._require_key()
            result = yield from wait_job(
                self.service,
                generation_id,
                timeout=timeout,
                policy=poll_policy or self.poll_policy,
                first_wait=first_wait,
                durations=durations,
            )
            return self.translate(generation_id, result, job, None, raw)

    def transcribe_flow(self, job: PreparedJob, *, raw: bool | None = None) -> Flow[dict[str, Any]]:
        """Create the job and wait for it, within the client's ``deadline``."""
        deadline = self.call_deadline()
        generation_id = yield from self.create_flow(job, deadline=deadline)
        return (yield from self.wait_flow(generation_id, job, raw=raw, deadline=deadline))

    def result_flow(
        self,
        generation_id: str,
        wait: bool = True,
        *,
        model: str | None = None,
        raw: bool | None = None,
    ) -> Flow[dict[str, Any] | None]:
        """The legacy body of any job: polled until done (``wait``), or asked once."""
        job = self.job_for(generation_id)
        with concerning(generation_id):
            self._require_key()
            if not wait:
                answer = yield from fetch_job(self.service, generation_id)
                result = read_answer(answer, generation_id)
                if result is None:
                    return None
            else:
                result = yield from wait_job(
                    self.service,
                    generation_id,
                    timeout=self.poll_timeout,
                    policy=self.poll_policy,
                    poll_first=job is None,  # an id from elsewhere may well be finished already
                )
            return self.translate(generation_id, result, job, model, raw)

    def translate(
        self,
        generation_id: str,
        result: Any,
        job: PreparedJob | None,
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


def check_generation_id(generation_id: Any) -> None:
    if not isinstance(generation_id, str) or not generation_id.strip():
        raise ValueError(f"generation_id must be a non-empty string; got {generation_id!r}")


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


def key_from(api_key: Any) -> APIKey | None:
    """The client's key: ``api_key``, else ``AIML_API_KEY``; ``None`` if neither is set."""
    if isinstance(api_key, APIKey):
        return api_key
    if api_key is None:
        api_key = os.environ.get("AIML_API_KEY")
    if api_key is not None and not isinstance(api_key, str):
        raise ConfigurationError(f"api_key must be a string; got {type(api_key).__name__}")
    return APIKey(api_key) if api_key else None
