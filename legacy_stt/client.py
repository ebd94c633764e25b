"""The legacy-compatible client.

``Client.stt(payload)`` does what one ``POST /v1/stt`` used to do, on the
two-step API: it checks the payload, translates it for the target model
through its model adapter, creates exactly one job, polls until the job is
done, and returns the body the legacy endpoint would have returned.
``submit()`` and ``result()`` are the two steps on their own.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, overload

import requests

from . import deprecations
from .adapters.base import ModelAdapter
from .exceptions import ConfigurationError, PayloadError, Problem
from .polling import DEFAULT_POLL_TIMEOUT, PollPolicy, read_answer, wait_for_result
from .registry import AdapterRegistry, default_registry
from .transport import (
    DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    APIKey,
    ServiceTransport,
    is_loopback_url,
    normalize_base_url,
)
from .uploads import Upload, upload_from, upload_from_buffer_object
from .validation import ParameterNotice, inspect_payload

__all__ = ["Client", "ONE_CALL_REPLACEMENT", "DEFAULT_TIMEOUT"]

logger = logging.getLogger(__name__)

#: (connect, read) timeout in seconds for each request.
DEFAULT_TIMEOUT: tuple[float, float] = (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT)

#: What the deprecation warnings of the one-call entry points tell callers to do instead.
ONE_CALL_REPLACEMENT = (
    "The service deprecated the one-call endpoint POST /v1/stt (it times out on long audio). "
    "Use the two-step API instead: POST /v1/stt/create, then poll GET /v1/stt/{generation_id}. "
    "With legacy-stt: generation_id = client.submit(payload, audio) then client.result(generation_id)."
)

_JOB_MEMORY = 10_000  # ids remembered for result(); the service forgets them after an hour anyway


@dataclass(frozen=True)
class _PreparedJob:
    adapter: ModelAdapter
    model: str
    body: dict[str, Any]
    upload: Upload | None


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

    A key is only sent over plain ``http://`` to a loopback address (such as
    the emulator) unless ``allow_insecure_http=True``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        poll_timeout: float = DEFAULT_POLL_TIMEOUT,
        strict: bool = False,
        poll_policy: PollPolicy | None = None,
        registry: AdapterRegistry | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("AIML_API_KEY")
        if key is not None and not isinstance(key, str):
            raise ConfigurationError(f"api_key must be a string; got {type(key).__name__}")
        base = normalize_base_url(
            base_url or os.environ.get("AIML_API_BASE_URL") or DEFAULT_BASE_URL
        )
        if base.startswith("http://") and not is_loopback_url(base) and not allow_insecure_http:
            raise ConfigurationError(
                f"refusing to send the API key over plain http:// to {base}: use https://, or pass "
                "allow_insecure_http=True if this network is trusted"
            )
        _check_timeout(timeout, "timeout")
        _check_timeout(poll_timeout, "poll_timeout")
        self.base_url = base
        self.timeout = timeout
        self.poll_timeout = float(poll_timeout)
        self.strict = bool(strict)
        self.poll_policy = poll_policy or PollPolicy()
        self.registry = registry or default_registry
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self._api_key = APIKey(key) if key else None
        self._transport = ServiceTransport(
            base_url=base, api_key=self._api_key, session=self.session, timeout=timeout
        )
        self._jobs: OrderedDict[str, _PreparedJob] = OrderedDict()
        self._jobs_lock = threading.Lock()

    def __repr__(self) -> str:
        key = self._api_key.masked if self._api_key else None
        return f"<legacy_stt.Client base_url={self.base_url!r} key={key!r} strict={self.strict}>"

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
        report = inspect_payload(payload, upload_given=audio is not None)
        if report.problems:
            raise PayloadError(report.problems)
        assert report.model is not None
        adapter = self.registry.adapter_for_legacy_model(report.model)
        if adapter is None:
            raise PayloadError(
                [
                    Problem(
                        "/model",
                        f"no installed model adapter runs {report.model} payloads; "
                        f"installed: {', '.join(a.name for a in self.registry.adapters()) or 'none'}",
                        "no-adapter",
                    )
                ]
            )
        model = adapter.target_for(report.model)
        translation = adapter.translate_request(report.params, model=model)
        notices = report.notices + translation.notices
        if self.strict:
            lossy = [notice.as_problem() for notice in notices if notice.lossy]
            if lossy:
                raise PayloadError(lossy)
        self._check_create_body(adapter, translation.model, translation.body)
        if audio is not None:
            upload: Upload | None = upload_from(audio)
        elif report.embedded_audio is not None:
            upload = upload_from_buffer_object(report.embedded_audio)
        else:
            upload = None
        return _PreparedJob(adapter, translation.model, translation.body, upload), notices

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

    def _create(self, job: _PreparedJob) -> str:
        answer = self._transport.create(job.body, job.upload, upload_field=job.adapter.upload_field)
        with self._jobs_lock:
            self._jobs[answer.generation_id] = job
            while len(self._jobs) > _JOB_MEMORY:
                self._jobs.popitem(last=False)
        return answer.generation_id

    # -- the public calls -------------------------------------------------

    @deprecations.deprecated_one_call("Client.stt", ONE_CALL_REPLACEMENT)
    def stt(self, payload: Mapping[str, Any], audio: Any = None) -> dict[str, Any]:
        """Transcribe like the legacy ``POST /v1/stt``: returns the legacy response body.

        ``payload`` is the legacy JSON payload; ``audio`` (a path, bytes or a
        binary file object) is the file to upload when the payload has no
        ``url``. Exactly one job is created per call.
        """
        return self._transcribe(payload, audio)

    def _transcribe(self, payload: Mapping[str, Any], audio: Any = None) -> dict[str, Any]:
        job, notices = self._prepare(payload, audio)
        self._emit(notices)
        generation_id = self._create(job)
        return self._wait(generation_id, job)

    def submit(self, payload: Mapping[str, Any], audio: Any = None) -> str:
        """Create the job for a legacy payload and return its ``generation_id`` without waiting."""
        job, notices = self._prepare(payload, audio)
        self._emit(notices)
        return self._create(job)

    @overload
    def result(
        self, generation_id: str, wait: Literal[True] = ..., *, model: str | None = ...
    ) -> dict[str, Any]: ...

    @overload
    def result(
        self, generation_id: str, wait: bool, *, model: str | None = ...
    ) -> dict[str, Any] | None: ...

    def result(
        self, generation_id: str, wait: bool = True, *, model: str | None = None
    ) -> dict[str, Any] | None:
        """The legacy response body of a job.

        With ``wait=True`` (the default) polls until the job is done, up to
        ``poll_timeout``; with ``wait=False`` asks once and returns ``None``
        if the job is not finished. Works for ids from ``submit()`` and for
        ids from elsewhere (another process, a ``PollTimeout``): pass
        ``model`` if the result shape cannot tell which model produced it.
        """
        if not isinstance(generation_id, str) or not generation_id.strip():
            raise ValueError(f"generation_id must be a non-empty string; got {generation_id!r}")
        with self._jobs_lock:
            job = self._jobs.get(generation_id)
        if not wait:
            result = read_answer(self._transport.fetch(generation_id), generation_id)
            if result is None:
                return None
            return self._translate(generation_id, result, job, model)
        result = wait_for_result(
            lambda cap: self._transport.fetch(generation_id, cap=cap),
            generation_id,
            timeout=self.poll_timeout,
            policy=self.poll_policy,
            poll_first=job is None,  # an id from elsewhere may well be finished already
        )
        return self._translate(generation_id, result, job, model)

    def _wait(self, generation_id: str, job: _PreparedJob) -> dict[str, Any]:
        result = wait_for_result(
            lambda cap: self._transport.fetch(generation_id, cap=cap),
            generation_id,
            timeout=self.poll_timeout,
            policy=self.poll_policy,
        )
        return self._translate(generation_id, result, job, None)

    def _translate(
        self, generation_id: str, result: Any, job: _PreparedJob | None, model: str | None
    ) -> dict[str, Any]:
        adapter: ModelAdapter | None
        request: Mapping[str, Any]
        if job is not None:
            adapter, request = job.adapter, job.body
        elif model is not None:
            adapter, request = self.registry.adapter_for_target(model), {"model": model}
        else:
            adapter, request = self.registry.adapter_for_result(result), {}
        if adapter is None:
            return result  # a shape no installed model adapter knows: hand it back as the service sent it
        return adapter.translate_result(result, generation_id=generation_id, request=request)
