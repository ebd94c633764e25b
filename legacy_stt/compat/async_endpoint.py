"""Answering a legacy ``POST /v1/stt`` request on the two-step API, on an event loop.

``AsyncLegacyEndpoint`` is ``legacy_endpoint.LegacyEndpoint`` for async
surfaces (the httpx ``AsyncClient`` drop-in): the same reading of the body
(JSON, multipart spooled to disk, form fields), the same key rules, the same
replies for every error, with the jobs run by an ``AsyncClient``. Reading a
multipart body touches the disk, so it runs in a worker thread; a JSON or
form body already in memory is read on the loop (a thread hop would cost
more than the parse).

On asyncio, a create that has started to go out is finished even if the
call is cancelled meanwhile (a server stopping): its ``generation_id`` is
reported (``created``) before the cancellation goes on, so the caller can
be told which job to fetch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import IO, Any, Callable

import anyio.to_thread
import sniffio

from ..aio.client import AsyncClient
from ..aio.transport import environment_proxy, new_async_http_client
from ..core.calls import DEFAULT_TIMEOUT, concerning
from ..core.polling import DEFAULT_POLL_TIMEOUT, ModelDurations, PollPolicy
from ..core.retries import RetryPolicy
from ..core.settings import APIKey
from ..exceptions import ConfigurationError, LegacySTTError
from ..payloads.planning import Target
from ..payloads.validation import ParameterNotice
from .endpoint import (
    DEFAULT_MAX_BODY_SIZE,
    CallerAuthorization,
    LegacyReply,
    key_for_call,
    read_legacy_request,
    reply_for_error,
)

__all__ = ["AsyncLegacyEndpoint"]

logger = logging.getLogger(__name__)


class AsyncLegacyEndpoint:
    """Runs legacy requests on the two-step API of the service at ``base_url``, awaited.

    Key and options as ``LegacyEndpoint``'s; ``http_client`` (an
    ``httpx.AsyncClient`` or ``aiohttp.ClientSession``; by default one made
    at the first call and closed by ``aclose()``) sends every request.
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        default_api_key: str | None = None,
        http_client: Any = None,
        target: Target = None,
        strict: bool = False,
        registry: Any = None,
        timeout: float | tuple[float, float] | None = None,
        poll_timeout: float = DEFAULT_POLL_TIMEOUT,
        poll_policy: PollPolicy | None = None,
        learn_job_durations: bool | None = None,
        allow_insecure_http: bool = False,
        max_body_size: float = DEFAULT_MAX_BODY_SIZE,
        retry: RetryPolicy | int | None = None,
        upload_threads: int | None = None,
    ) -> None:
        # Multipart bodies are read in worker threads, each for as long as its upload takes: with
        # anyio's shared pool (40 threads), 40 slow uploads would stall every other one. A server
        # gives a pool of its own, as large as the connections it holds.
        if upload_threads is not None and (
            not isinstance(upload_threads, int)
            or isinstance(upload_threads, bool)
            or upload_threads < 1
        ):
            raise ConfigurationError(f"upload_threads must be at least 1; got {upload_threads!r}")
        self._upload_threads = upload_threads
        self._limiter: Any = None
        # One HTTP client for every call: the caller's, or made at the first call (for the
        # running event loop) and closed by aclose().
        self._given_client = http_client
        self._shared: Any = http_client
        self._client_options: dict[str, Any] = dict(
            base_url=base_url,
            timeout=timeout or DEFAULT_TIMEOUT,
            strict=strict,
            poll_policy=poll_policy,
            registry=registry,
            allow_insecure_http=allow_insecure_http,
            target=target,
            retry=retry,
        )
        # Held masked from the start (and the arguments rebound): a bad option raises below, and
        # error trackers record this frame's locals.
        self._api_key = APIKey(api_key) if api_key else None
        self._default_api_key = APIKey(default_api_key) if default_api_key else None
        api_key = default_api_key = None
        # One client now, so that a bad option fails here, not on the first request.
        probe = AsyncClient("probe", poll_timeout=poll_timeout, **self._client_options)
        self.base_url = probe.base_url
        self.target = probe.target
        self.poll_timeout = float(poll_timeout)
        self.max_body_size = max_body_size
        self._client_options["target"] = probe.target
        self._client_options["registry"] = probe.registry
        #: How long each model's recent jobs took: a job's first poll waits for most of that
        #: (``None``: every job is polled on the poll policy alone).
        if learn_job_durations is None:
            learn_job_durations = poll_policy is None  # a policy given is kept as it is
        self.durations = ModelDurations() if learn_job_durations else None

    def __repr__(self) -> str:
        return f"<AsyncLegacyEndpoint {self.base_url} target={self.target!r}>"

    def _thread_limiter(self) -> Any:
        if self._upload_threads is None:
            return None  # anyio's default pool
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self._upload_threads)
        return self._limiter

    def http_client(self) -> Any:
        """The HTTP client every call is sent with: the one given, or the endpoint's own, made
        for the running event loop at the first use (an aiohttp session on asyncio)."""
        if self._shared is None:
            self._shared = new_async_http_client(proxy=environment_proxy(self.base_url))
        return self._shared

    async def aclose(self) -> None:
        if self._shared is not None and self._given_client is None:
            close = getattr(self._shared, "aclose", None) or self._shared.close  # httpx, aiohttp
            await close()
            self._shared = None

    async def reply(
        self,
        content_type: str | None,
        body: IO[bytes] | bytes,
        *,
        content_length: int | None = None,
        authorization: str | CallerAuthorization | None = None,
        poll_timeout: float | None = None,
        created: Callable[[str], None] | None = None,
    ) -> LegacyReply:
        """Read and run one legacy request, as the legacy endpoint would answer it.

        ``body`` is bytes or a (blocking) stream; a stream, or a multipart
        body, is read in a worker thread. ``created`` is called with the
        job's ``generation_id`` as soon as it is known. Never raises, except
        the cancellation of the call itself.
        """
        caller = CallerAuthorization.of(authorization)
        authorization = None
        notices: list[ParameterNotice] = []

        def read() -> Any:
            return read_legacy_request(
                content_type, body, content_length=content_length, max_body_size=self.max_body_size
            )

        try:
            multipart = (content_type or "").lower().lstrip().startswith("multipart/")
            spooled = multipart or not isinstance(body, (bytes, bytearray))
            limiter = self._thread_limiter()
            if not spooled:
                request = read()
            else:
                request = await anyio.to_thread.run_sync(read, limiter=limiter)
            try:
                notices.extend(request.notices)
                key = key_for_call(self._api_key, caller, self._default_api_key)
                client = AsyncClient(
                    key,
                    http_client=self.http_client(),
                    poll_timeout=poll_timeout if poll_timeout is not None else self.poll_timeout,
                    **self._client_options,
                )
                job, found = client.prepare_job(request.payload, request.upload)
                notices.extend(found)
                generation_id = await _finished_even_if_cancelled(client.create_job(job), created)
                learnt = None
                if self.durations is not None:
                    learnt = self.durations.for_job(job.model, key.fingerprint())
                with concerning(generation_id):
                    result = await client.wait_for_job(generation_id, job, durations=learnt)
            finally:
                if spooled:
                    # deletes spooled uploads
                    await anyio.to_thread.run_sync(request.close, limiter=limiter)
                else:
                    request.close()
            return LegacyReply(
                201, result, {"X-Generation-Id": generation_id}, tuple(notices), generation_id
            )
        except LegacySTTError as error:
            return reply_for_error(error, tuple(notices))
        except Exception as error:  # a bug of ours: answer 500, keep the details in the log
            logger.error("legacy request failed with %s", type(error).__name__)
            logger.debug("details", exc_info=True)
            return reply_for_error(error, tuple(notices))


async def _finished_even_if_cancelled(
    create: Awaitable[str], created: Callable[[str], None] | None
) -> str:
    """The ``generation_id`` of ``create``, reported to ``created`` once known.

    On asyncio the create runs in a task of its own, so that cancelling the
    caller (a server stopping) does not cut it off with the request on the
    wire: it is awaited to its end, its id reported, and the cancellation
    raised after. (trio has no outside cancellation of this kind.)
    """
    report = created or (lambda generation_id: None)
    if sniffio.current_async_library() != "asyncio":
        generation_id = await create
        report(generation_id)
        return generation_id
    task = asyncio.ensure_future(create)
    try:
        generation_id = await asyncio.shield(task)
    except asyncio.CancelledError:
        report(await task)
        raise
    report(generation_id)
    return generation_id
