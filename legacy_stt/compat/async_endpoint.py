"""Answering a legacy ``POST /v1/stt`` request on the two-step API, on an event loop.

``AsyncLegacyEndpoint`` is ``legacy_endpoint.LegacyEndpoint`` for async
surfaces (the httpx ``AsyncClient`` drop-in): the same reading of the body
(JSON, multipart spooled to disk, form fields), the same key rules, the same
replies for every error, with the jobs run by an ``AsyncClient``. Reading a
body touches the disk, so it runs in a worker thread.
"""

from __future__ import annotations

import logging
from typing import IO, Any

import anyio.to_thread

from ..aio.client import AsyncClient
from ..aio.transport import new_async_http_client
from ..core.calls import DEFAULT_TIMEOUT, concerning
from ..core.polling import DEFAULT_POLL_TIMEOUT, PollPolicy
from ..core.retries import RetryPolicy
from ..core.settings import APIKey
from ..exceptions import LegacySTTError
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
        allow_insecure_http: bool = False,
        max_body_size: float = DEFAULT_MAX_BODY_SIZE,
        retry: RetryPolicy | int | None = None,
    ) -> None:
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

    def __repr__(self) -> str:
        return f"<AsyncLegacyEndpoint {self.base_url} target={self.target!r}>"

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
    ) -> LegacyReply:
        """Read and run one legacy request, as the legacy endpoint would answer it. Never raises.

        ``body`` is bytes or a (blocking) stream, read in a worker thread.
        """
        caller = CallerAuthorization.of(authorization)
        authorization = None
        notices: list[ParameterNotice] = []
        try:
            request = await anyio.to_thread.run_sync(
                lambda: read_legacy_request(
                    content_type,
                    body,
                    content_length=content_length,
                    max_body_size=self.max_body_size,
                )
            )
            try:
                notices.extend(request.notices)
                if self._shared is None:
                    self._shared = new_async_http_client()
                client = AsyncClient(
                    key_for_call(self._api_key, caller, self._default_api_key),
                    http_client=self._shared,
                    poll_timeout=poll_timeout if poll_timeout is not None else self.poll_timeout,
                    **self._client_options,
                )
                job, found = client.prepare_job(request.payload, request.upload)
                notices.extend(found)
                generation_id = await client.create_job(job)
                with concerning(generation_id):
                    result = await client.wait_for_job(generation_id, job)
            finally:
                await anyio.to_thread.run_sync(request.close)  # deletes spooled uploads
            return LegacyReply(
                201, result, {"X-Generation-Id": generation_id}, tuple(notices), generation_id
            )
        except LegacySTTError as error:
            return reply_for_error(error, tuple(notices))
        except Exception as error:  # a bug of ours: answer 500, keep the details in the log
            logger.error("legacy request failed with %s", type(error).__name__)
            logger.debug("details", exc_info=True)
            return reply_for_error(error, tuple(notices))
