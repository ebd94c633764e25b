"""The legacy-compatible client, on ``requests``.

``Client.stt(payload)`` does what one ``POST /v1/stt`` used to do, on the
two-step API: it checks the payload, translates it for the target model
through its model adapter, creates exactly one job, polls until the job is
done, and returns the body the legacy endpoint would have returned.
``submit()`` and ``result()`` are the two steps on their own.

The rules of each call are ``calls.ClientCore``'s flows; this module sends
them with ``transport.ServiceTransport`` and sleeps with ``time.sleep``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, overload

import requests
from typing_extensions import deprecated

from .. import deprecations
from ..adapters.registry import AdapterRegistry
from ..batch.runner import DEFAULT_MAX_WORKERS, BatchOutcome
from ..core.calls import (
    DEFAULT_TIMEOUT,
    ONE_CALL_REPLACEMENT,
    ClientCore,
    PreparedJob,
    check_generation_id,
)
from ..core.polling import DEFAULT_POLL_TIMEOUT, JobDurations, PollPolicy
from ..core.retries import RetryPolicy
from ..core.settings import APIKey
from ..core.steps import MAX_ANSWER_BYTES
from ..payloads.planning import Target
from .transport import ServiceTransport
from .wire import bounded_session

__all__ = ["Client", "ONE_CALL_REPLACEMENT", "DEFAULT_TIMEOUT"]

logger = logging.getLogger(__name__)


class Client(ClientCore):
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
        super().__init__(
            api_key,
            base_url=base_url,
            timeout=timeout,
            poll_timeout=poll_timeout,
            strict=strict,
            poll_policy=poll_policy,
            registry=registry,
            allow_insecure_http=allow_insecure_http,
            target=target,
            raw=raw,
            retry=retry,
            deadline=deadline,
            max_answer_size=max_answer_size,
        )
        self._owns_session = session is None
        self.session = session if session is not None else bounded_session()
        self._transport = ServiceTransport(
            base_url=self.base_url,
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
        self.service = self._transport.service

    def __repr__(self) -> str:
        return f"<legacy_stt.Client {self._describe()}>"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session if the client created it."""
        if self._owns_session:
            self.session.close()

    def reserve_connections(self, count: int) -> None:
        """Let the client's own session keep ``count`` connections to the service (a batch's
        workers each poll on one; requests keeps 10 per host). A caller's session is left as it is."""
        if not self._owns_session:
            return
        from requests.adapters import HTTPAdapter

        prefix = self.base_url + "/"
        current = self.session.adapters.get(prefix)
        if isinstance(current, HTTPAdapter) and getattr(current, "_pool_maxsize", 0) >= count:
            return
        self.session.mount(prefix, HTTPAdapter(pool_connections=1, pool_maxsize=count))

    # -- the steps, for legacy-stt's own shells (batch, drop-ins, proxy) ---------

    def create_job(self, job: PreparedJob, *, deadline: float | None = None) -> str:
        """Create a prepared job (see ``prepare_job``); its ``generation_id``."""
        return self._transport.run(self.create_flow(job, deadline=deadline))

    def wait_for_job(
        self,
        generation_id: str,
        job: PreparedJob,
        *,
        raw: bool | None = None,
        deadline: float | None = None,
        poll_policy: PollPolicy | None = None,
        first_wait: float | None = None,
        durations: JobDurations | None = None,
    ) -> dict[str, Any]:
        """Wait for a job created by ``create_job``; its legacy body."""
        return self._transport.run(
            self.wait_flow(
                generation_id,
                job,
                raw=raw,
                deadline=deadline,
                poll_policy=poll_policy,
                first_wait=first_wait,
                durations=durations,
            )
        )

    def legacy_call(
        self, payload: Mapping[str, Any], audio: Any = None, *, raw: bool | None = None
    ) -> dict[str, Any]:
        """``stt()`` without its deprecation warning, for surfaces that warn their own way."""
        job, notices = self.prepare_job(payload, audio)
        self.emit_notices(notices)
        return self._transport.run(self.transcribe_flow(job, raw=raw))

    # -- the public calls -------------------------------------------------

    # for type checkers and editors (PEP 702: a literal message); the run-time warning is below
    @deprecated(
        "the one-call style is deprecated and legacy-stt 2.0 removes it: submit(payload), then result(generation_id)",
        category=None,
    )
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
        return self.legacy_call(payload, audio, raw=raw)

    def submit(self, payload: Mapping[str, Any], audio: Any = None) -> str:
        """Create the job for a legacy payload and return its ``generation_id`` without waiting."""
        job, notices = self.prepare_job(payload, audio)
        self.emit_notices(notices)
        return self.create_job(job)

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

        Polls follow ``poll_policy``, by default ``batch_poll_policy(max_workers)``
        (``BATCH_POLL_POLICY``, spaced out past 125 workers to keep a batch to
        about 500 polls a second): finer
        steps than a single call's (a worker idle after its job ended is
        throughput lost), capped at 2 s.
        """
        from ..batch.runner import run_batch

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
        check_generation_id(generation_id)
        return self._transport.run(self.result_flow(generation_id, wait, model=model, raw=raw))
