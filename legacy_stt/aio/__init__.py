"""The asynchronous shell: ``AsyncClient`` and its transport (aiohttp on asyncio, httpx on trio).

The same flows as ``sync``, awaited: ``client.AsyncClient`` drives
``core.calls`` with ``transport.AsyncServiceTransport``. Needs
``legacy-stt[async]``. ``http11.ConnectionPool`` is a third HTTP stack for
asyncio, lean and narrow (kept-alive connections, httptools' parser): the
proxy's, and any ``AsyncClient``'s given it as ``http_client``.
"""
