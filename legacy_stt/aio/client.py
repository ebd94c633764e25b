"""The legacy-compatible client for asynchronous code, on httpx.

``AsyncClient`` is ``Client`` for an event loop: the same options, checks,
model adapters, retries, polling and legacy bodies (the same flows of
``calls.ClientCore``), sent by ``async_transport.AsyncServiceTransport``.
Waiting is ``await``: hundreds of jobs poll on one thread, and no call
blocks the loop (an upload is read from disk in worker threads). It runs on
asyncio and trio; ``stt_many`` needs asyncio.
"""

from __future__ import annotations

import logging
import os
import ssl
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any, Literal, overload

from typing_extensions import deprecated

from .. import deprecations
from ..adapters.registry import AdapterRegistry
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
from .transport import AsyncServiceTransport

__all__ = ["AsyncClient"]

logger = logging.getLogger(__name__)

#: Jobs in flight at once in ``stt_many`` by default: each is a poll now and then, not a thread.
DEFAULT_CONCURRENCY = 100


class AsyncClient(ClientCore):
    """A client for legacy payloads on the two-step API, for ``async`` code.

    The options are ``Client``'s (see there). ``http_client`` is an
    ``httpx.AsyncClient`` or an ``aiohttp.ClientSession`` to send with (the
    caller's, left open). Without one, the client makes its own on first
    use, with ``verify``, ``cert`` and ``proxy``: aiohttp on asyncio, httpx
    on trio (``pip install legacy-stt[async]``); ``aclose()`` closes it.
    Use it as ``async with AsyncClient() as client:``; every call is awaited.
    """

    def __init__(
        self,
        api_key: str | APIKey | None = None,
        *,
        base_url: str | None = None,
        http_client: Any = None,
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
        verify: bool | str | ssl.SSLContext | None = None,
        cert: Any = None,
        proxy: str | None = None,
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
        self._transport = AsyncServiceTransport(
            base_url=self.base_url,
            api_key=self._api_key,
            http_client=http_client,
            timeout=timeout,
            retry=self.retry,
            max_answer_size=max_answer_size,
            allow_insecure_http=allow_insecure_http,
            verify=verify,
            cert=cert,
            proxy=proxy,
        )
        self.service = self._transport.service

    def __repr__(self) -> str:
        return f"<legacy_stt.AsyncClient {self._describe()}>"

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client or session if this client made it."""
        await self._transport.aclose()

    def reserve_connections(self, count: int) -> None:
        """Nothing to do: the client's own httpx client has no connection limit."""

    # -- the steps, for legacy-stt's own shells (batch, drop-ins, proxy) ---------

    async def create_job(self, job: PreparedJob, *, deadline: float | None = None) -> str:
        """Create a prepared job (see ``prepare_job``); its ``generation_id``."""
        return await self._transport.run(self.create_flow(job, deadline=deadline))

    async def wait_for_job(
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
        return await self._transport.run(
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

    async def legacy_call(
        self, payload: Mapping[str, Any], audio: Any = None, *, raw: bool | None = None
    ) -> dict[str, Any]:
        """``stt()`` without its deprecation warning, for surfaces that warn their own way."""
        job, notices = self.prepare_job(payload, audio)
        self.emit_notices(notices)
        return await self._transport.run(self.transcribe_flow(job, raw=raw))

    # -- the public calls -------------------------------------------------

    # for type checkers and editors (PEP 702: a literal message); the run-time warning is below
    @deprecated(
        "the one-call style is deprecated and legacy-stt 2.0 removes it: submit(payload), then result(generation_id)",
        category=None,
    )
    @deprecations.deprecated_one_call("AsyncClient.stt", ONE_CALL_REPLACEMENT)
    async def stt(
        self, payload: Mapping[str, Any], audio: Any = None, *, raw: bool | None = None
    ) -> dict[str, Any]:
        """Transcribe like the legacy ``POST /v1/stt``: the legacy response body (see ``Client.stt``)."""
        return await self.legacy_call(payload, audio, raw=raw)

    async def submit(self, payload: Mapping[str, Any], audio: Any = None) -> str:
        """Create the job for a legacy payload and return its ``generation_id`` without waiting."""
        job, notices = self.prepare_job(payload, audio)
        self.emit_notices(notices)
        return await self.create_job(job)

    @overload
    async def result(
        self,
        generation_id: str,
        wait: Literal[True] = ...,
        *,
        model: str | None = ...,
        raw: bool | None = ...,
    ) -> dict[str, Any]: ...

    @overload
    async def result(
        self, generation_id: str, wait: bool, *, model: str | None = ..., raw: bool | None = ...
    ) -> dict[str, Any] | None: ...

    async def result(
        self,
        generation_id: str,
        wait: bool = True,
        *,
        model: str | None = None,
        raw: bool | None = None,
    ) -> dict[str, Any] | None:
        """The legacy response body of a job (see ``Client.result``)."""
        check_generation_id(generation_id)
        return await self._transport.run(
            self.result_flow(generation_id, wait, model=model, raw=raw)
        )

    def stt_many(
        self,
        payloads: Iterable[Any],
        *,
        audio: Iterable[Any] | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        journal: str | os.PathLike[str] | None = None,
        out_dir: str | os.PathLike[str] | None = None,
        recreate_uncertain: bool = False,
        poll_policy: PollPolicy | None = None,
    ) -> AsyncIterator[Any]:
        """Transcribe many legacy payloads concurrently: ``async for outcome in client.stt_many(...)``.

        ``Client.stt_many`` on the event loop: outcomes (``BatchOutcome``) in
        input order, at most ``concurrency`` jobs in flight (tasks, not
        threads), inputs read only as the batch advances, and the same
        journal and result files (a batch started by either client resumes
        in the other). Needs asyncio.
        """
        from ..batch.runner import run_batch_async

        return run_batch_async(
            self,
            payloads,
            audio=audio,
            concurrency=concurrency,
            journal=journal,
            out_dir=out_dir,
            recreate_uncertain=recreate_uncertain,
            poll_policy=poll_policy,
        )
